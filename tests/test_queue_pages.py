"""The Reply queue page under AppTest: every action is saved at once, a stale action shows what
changed instead of overwriting it, and replies are confirmed before posting."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from collectors.base import FatalError, MissingCredentials
from pipeline import replies
from store import queue
from store.accounts import Account
from tests import test_app_support as support
from tests.test_app_support import Store, in_range, metric, open_app, table, texts

seeded_db = support.seeded_db
store = support.store


def queue_page(name: str = "Ann", role: str = "responder") -> AppTest:
    return open_app("queue", user=name, role=role)


def picked(at: AppTest) -> int:
    return int(at.selectbox(key="queue_pick").value)


def state(store: Store, mention_id: int) -> dict:
    with store.engine.connect() as conn:
        found = queue.mention_with_state(conn, mention_id)
    assert found is not None
    return found


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_viewer_sees_the_queue_but_no_enabled_action(store: Store) -> None:
    at = queue_page("Vic", role="viewer")
    mention_id = picked(at)
    for key in ("assign", "unassign", "replied", "dismiss", "add_note", "save_sentiment"):
        assert at.button(key=f"{key}_{mention_id}_0").disabled, key
    assert at.text_area(key=f"note_{mention_id}_0").disabled
    assert "acting on it needs the responder role" in texts(at)
    assert not at.text_input  # no "You are" box any more


def test_assign_is_saved_at_once(store: Store) -> None:
    at = queue_page()
    mention_id = picked(at)
    at.selectbox(key=f"assignee_{mention_id}_0").set_value("Ann").run()
    click(at, f"assign_{mention_id}_0")
    saved = state(store, mention_id)
    assert (saved["assignee"], saved["status"], saved["updated_by"], saved["version"]) == ("Ann", "assigned", "Ann", 1)
    assert "Assigned to Ann" in texts(at)
    assert "assigned to Ann" in texts(at)  # the detail shows the new state
    at.selectbox(key="queue_assignee").set_value("Ann").run()
    assert "1 flagged mentions match" in texts(at)
    click(at, f"unassign_{mention_id}_1")
    assert state(store, mention_id)["assignee"] is None and state(store, mention_id)["status"] == "new"


def test_mark_replied_takes_it_off_the_open_queue(store: Store) -> None:
    at = queue_page()
    mention_id = picked(at)
    before = store.scalar(
        "SELECT count(*) FROM mentions m LEFT JOIN mention_state s ON s.mention_id = m.id WHERE m.brand = 'Acme' "
        "AND m.needs_reply = 1 AND m.is_own = 0 AND m.created_at >= :start AND m.created_at < :end AND "
        "coalesce(s.status, 'new') IN ('new', 'assigned')",
        **in_range(),
    )
    click(at, f"replied_{mention_id}_0")
    saved = state(store, mention_id)
    assert saved["status"] == "replied" and saved["responded_by"] == "Ann" and saved["first_response_at"]
    assert f"{before - 1:,} flagged mentions match" in texts(at)
    assert "Marked replied" in texts(at)
    assert mention_id not in set(at.selectbox(key="queue_pick").options)
    # and the Overview counts it at once (new state, no restart)
    at.switch_page("pages/overview.py")
    at.run()
    open_flagged = int(metric(at, "Open flagged").value.replace(",", ""))
    assert open_flagged == store.scalar(
        "SELECT count(*) FROM mentions m LEFT JOIN mention_state s ON s.mention_id = m.id WHERE m.brand = 'Acme' "
        "AND m.needs_reply = 1 AND m.created_at >= :start AND m.created_at < :end AND s.first_response_at IS NULL "
        "AND coalesce(s.status, 'new') IN ('new', 'assigned')",
        **in_range(),
    )


def test_dismiss_and_reopen(store: Store) -> None:
    at = queue_page()
    mention_id = picked(at)
    click(at, f"dismiss_{mention_id}_0")
    assert state(store, mention_id)["status"] == "dismissed"
    at.multiselect(key="queue_statuses").set_value(["dismissed"]).run()
    assert picked(at) == mention_id
    click(at, f"reopen_{mention_id}_1")
    assert state(store, mention_id)["status"] == "new"


def test_notes_are_added(store: Store) -> None:
    at = queue_page()
    mention_id = picked(at)
    at.text_area(key=f"note_{mention_id}_0").input("Called them, refund on its way").run()
    click(at, f"add_note_{mention_id}_0")
    note = state(store, mention_id)["note"]
    assert note.endswith("UTC, Ann] Called them, refund on its way")
    assert any("refund on its way" in str(t.value) for t in at.text)


def test_a_sentiment_correction_shows_on_the_sentiment_page(store: Store) -> None:
    at = queue_page()
    mention_id = picked(at)
    label = state(store, mention_id)["sentiment_label"]
    target = "positive" if label != "positive" else "neutral"
    before = store.scalar(f"SELECT sum({target}) FROM rollup_hourly")
    at.button_group(key=f"sentiment_{mention_id}_0").set_value(target).run()
    click(at, f"save_sentiment_{mention_id}_0")
    assert state(store, mention_id)["sentiment_override"] == target
    assert store.scalar(f"SELECT sum({target}) FROM rollup_hourly") == before + 1
    assert f"Sentiment corrected to {target}" in texts(at)
    assert f"{target} (corrected)" in texts(at)


def test_the_later_of_two_people_sees_the_change(store: Store) -> None:
    at = queue_page("Carl")
    mention_id = picked(at)
    # Ann assigns it to herself in another browser while Carl looks at version 0
    with store.engine.begin() as conn:
        assert queue.assign(conn, mention_id, 0, "Ann", Account("Ann", "responder")).ok
    click(at, f"dismiss_{mention_id}_0")
    saved = state(store, mention_id)
    assert saved["status"] == "assigned" and saved["assignee"] == "Ann"  # Carl's click did not overwrite
    assert any("Ann changed this mention" in str(w.value) for w in at.warning)
    change = table(at, "now").set_index(table(at, "now").index)
    assert change.loc["assignee", "now"] == "Ann" and change.loc["status", "now"] == "assigned"
    assert picked(at) == mention_id and "assigned to Ann" in texts(at)  # the page now shows Ann's version
    click(at, f"dismiss_{mention_id}_1")  # deciding again, on the version he now sees
    assert state(store, mention_id)["status"] == "dismissed"


X_WRITE = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_SECRET")


@pytest.fixture
def x_write_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Placeholder X write credentials, so the reply form is offered (posting itself is faked)."""
    for name in X_WRITE:
        monkeypatch.setenv(name, f"placeholder-{name.lower()}")


def x_mention(at: AppTest) -> int:
    at.multiselect(key="queue_platforms").set_value(["x"]).run()
    return picked(at)


def test_reply_is_confirmed_then_posted_and_its_id_kept(
    store: Store, monkeypatch: pytest.MonkeyPatch, x_write_credentials: None
) -> None:
    posted: list[tuple[str, str, str]] = []

    def fake(platform: str, mention: dict, text: str) -> str:
        posted.append((platform, mention["post_id"], text))
        return "1999999999999999999"

    monkeypatch.setattr(replies, "post_reply", fake)
    at = queue_page()
    mention_id = x_mention(at)
    at.text_area(key=f"reply_{mention_id}_0").input("Sorry about that! DM us your order number.").run()
    click(at, f"review_{mention_id}_0")
    assert not posted  # nothing is posted before the confirmation
    assert [c.value for c in at.code] == ["Sorry about that! DM us your order number."]
    click(at, f"post_{mention_id}_0")
    assert posted == [("x", state(store, mention_id)["post_id"], "Sorry about that! DM us your order number.")]
    saved = state(store, mention_id)
    assert (saved["response_post_id"], saved["status"], saved["responded_by"]) == (
        "1999999999999999999",
        "replied",
        "Ann",
    )
    assert "Reply posted (id 1999999999999999999)" in texts(at).replace("\\", "")


def test_reply_without_write_credentials_says_which_are_missing(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env or secrets.toml here
    for name in X_WRITE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(replies, "post_reply", lambda *args: pytest.fail("nothing may be posted"))
    at = queue_page()
    mention_id = x_mention(at)
    assert not [t for t in at.text_area if t.key == f"reply_{mention_id}_0"]
    captions = " ".join(str(c.value) for c in at.caption).replace("\\", "")
    assert "Replying needs write credentials: X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN, X_ACCESS_SECRET" in captions


def test_credentials_the_platform_refuses_post_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch, x_write_credentials: None
) -> None:
    def refuse(platform: str, mention: dict, text: str) -> str:
        raise MissingCredentials(["X_API_KEY", "X_API_SECRET"])

    monkeypatch.setattr(replies, "post_reply", refuse)
    at = queue_page()
    mention_id = x_mention(at)
    at.text_area(key=f"reply_{mention_id}_0").input("Hello").run()
    click(at, f"review_{mention_id}_0")
    click(at, f"post_{mention_id}_0")
    assert any("X_API_KEY" in str(e.value).replace("\\", "") for e in at.error)
    assert state(store, mention_id)["version"] == 0


def test_a_refused_reply_keeps_the_draft(
    store: Store, monkeypatch: pytest.MonkeyPatch, x_write_credentials: None
) -> None:
    def refuse(platform: str, mention: dict, text: str) -> str:
        raise FatalError("X refused the reply: the post may be deleted")

    monkeypatch.setattr(replies, "post_reply", refuse)
    at = queue_page()
    mention_id = x_mention(at)
    at.text_area(key=f"reply_{mention_id}_0").input("Hello there").run()
    click(at, f"review_{mention_id}_0")
    click(at, f"post_{mention_id}_0")
    assert any("post may be deleted" in str(e.value).replace("\\", "") for e in at.error)
    assert [c.value for c in at.code] == ["Hello there"]  # still there to retry or edit
    click(at, f"cancel_{mention_id}_0")
    assert not at.code


def test_a_reply_is_not_posted_over_a_colleagues_change(
    store: Store, monkeypatch: pytest.MonkeyPatch, x_write_credentials: None
) -> None:
    posted: list[str] = []
    monkeypatch.setattr(replies, "post_reply", lambda platform, mention, text: posted.append(text) or "1")
    at = queue_page()
    mention_id = x_mention(at)
    at.text_area(key=f"reply_{mention_id}_0").input("Hello").run()
    click(at, f"review_{mention_id}_0")
    with store.engine.begin() as conn:
        assert queue.set_status(conn, mention_id, 0, "replied", Account("Bea", "responder")).ok
    click(at, f"post_{mention_id}_0")
    assert not posted
    assert any("Bea changed this mention" in str(w.value) for w in at.warning)


def test_platforms_without_replies_say_so(store: Store) -> None:
    at = queue_page()
    at.multiselect(key="queue_platforms").set_value(["hackernews"]).run()
    assert "from the dashboard is not supported" in texts(at)
