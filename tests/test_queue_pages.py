"""The Reply queue page under AppTest: every action is saved at once, a stale action shows what
changed instead of overwriting it, and replies are confirmed before posting."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from collectors.base import FatalError, MissingCredentials
from pipeline import replies
from store import queue, saved_replies
from store.accounts import Account, Forbidden
from tests import test_app_support as support
from tests.test_app_support import Store, in_range, metric, open_app, table, texts
from ui import auth

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
    assert at.selectbox(key=f"dismiss_reason_{mention_id}_0").disabled
    assert at.button_group(key=f"sentiment_{mention_id}_0").disabled
    assert "acting on it needs the responder role" in texts(at)
    assert [t.key for t in at.text_input] == ["saved_name_Acme"]  # no "You are" box any more
    assert at.text_input(key="saved_name_Acme").disabled and at.text_area(key="saved_body_Acme").disabled
    assert at.button(key="saved_save_Acme").disabled and at.button(key="saved_delete_Acme").disabled


def acting_widgets(at: AppTest, mention_id: int) -> list:
    """Every widget that acts on the mention or on saved replies (not the filters or the picker)."""
    found = []
    for kind in ("button", "text_area", "text_input", "selectbox", "button_group"):
        for widget in getattr(at, kind):
            key = widget.key or ""
            if f"_{mention_id}_" in key or key.startswith("saved_"):
                found.append(widget)
    return found


def test_a_viewer_has_no_enabled_control_at_all_even_the_reply_box(
    store: Store, monkeypatch: pytest.MonkeyPatch, x_write_credentials: None
) -> None:
    with store.engine.begin() as conn:
        saved_replies.add(conn, "Acme", "Sorry", "Sorry {author}!", Account("Ann", "responder"))
    at = queue_page("Vic", role="viewer")
    mention_id = x_mention(at)
    widgets = acting_widgets(at, mention_id)
    keys = {w.key.rsplit(f"_{mention_id}_", 1)[0] for w in widgets}
    assert {"assign", "replied", "dismiss", "dismiss_reason", "note", "add_note", "sentiment", "save_sentiment"} <= keys
    assert {"reply", "review", "saved_pick", "saved_insert", "assignee"} <= keys
    assert [w.key for w in widgets if not w.disabled] == []
    # and the store refuses what a crafted session would send (store.accounts.require)
    with store.engine.begin() as conn, pytest.raises(Forbidden):
        queue.dismiss(conn, mention_id, 0, "spam", Account("Vic", "viewer"))
    with store.engine.begin() as conn, pytest.raises(Forbidden):
        queue.claim_reply(conn, mention_id, 0, Account("Vic", "viewer"))


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
    assert picked(at) != mention_id
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


def test_dismiss_asks_for_a_reason_and_reopen_undoes_it(store: Store) -> None:
    at = queue_page()
    mention_id = picked(at)
    assert at.button(key=f"dismiss_{mention_id}_0").disabled  # no reason picked yet
    at.selectbox(key=f"dismiss_reason_{mention_id}_0").set_value("other").run()
    at.text_input(key=f"dismiss_note_{mention_id}_0").input("duplicate of a support ticket").run()
    click(at, f"dismiss_{mention_id}_0")
    saved = state(store, mention_id)
    assert (saved["status"], saved["dismiss_reason"], saved["dismiss_note"]) == (
        "dismissed",
        "other",
        "duplicate of a support ticket",
    )
    at.multiselect(key="queue_statuses").set_value(["dismissed"]).run()
    assert picked(at) == mention_id
    assert table(at, "status", "assignee")["status"].iloc[0] == "dismissed: other: duplicate of a support ticket"
    assert "dismissed it (other: duplicate of a support ticket)" in texts(at)  # the history under it
    click(at, f"reopen_{mention_id}_1")
    saved = state(store, mention_id)
    assert (saved["status"], saved["dismiss_reason"], saved["dismiss_note"]) == ("new", None, None)
    trail = store.frame(
        "SELECT actor, action, coalesce(detail, '-') FROM audit_log WHERE mention_id = :m ORDER BY id", m=mention_id
    )
    assert trail.values.tolist() == [
        ["Ann", "dismiss", "other: duplicate of a support ticket"],
        ["Ann", "reopen", "-"],
    ]


def test_other_without_words_is_refused(store: Store) -> None:
    at = queue_page()
    mention_id = picked(at)
    at.selectbox(key=f"dismiss_reason_{mention_id}_0").set_value("other").run()
    click(at, f"dismiss_{mention_id}_0")
    assert "Say in a few words why" in texts(at)
    assert state(store, mention_id)["status"] == "new"


def test_the_history_is_shown_under_the_mention_in_utc(store: Store) -> None:
    at = queue_page("Dana")
    mention_id = picked(at)
    with store.engine.begin() as conn:  # Dana, in another tab
        assert queue.assign(conn, mention_id, 0, "Lee", Account("Dana", "responder")).ok
    at.run()
    at_time = store.frame("SELECT at FROM audit_log WHERE mention_id = :m", m=mention_id)["at"].iloc[0]
    stamp = f"{__import__('pandas').Timestamp(at_time):%Y-%m-%d %H:%M}"
    assert "**History** (times in UTC)" in texts(at)
    assert f"{stamp} Dana assigned it to Lee" in texts(at)


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
    click(at, f"replied_{mention_id}_0")
    saved = state(store, mention_id)
    assert saved["status"] == "assigned" and saved["assignee"] == "Ann"  # Carl's click did not overwrite
    assert any("Ann changed this mention" in str(w.value) for w in at.warning)
    change = table(at, "now").set_index(table(at, "now").index)
    assert change.loc["assignee", "now"] == "Ann" and change.loc["status", "now"] == "assigned"
    assert picked(at) == mention_id and "assigned to Ann" in texts(at)  # the page now shows Ann's version
    click(at, f"replied_{mention_id}_1")  # deciding again, on the version he now sees
    assert state(store, mention_id)["status"] == "replied"


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
    saved = state(store, mention_id)
    assert saved["status"] == "new" and saved["response_post_id"] is None and saved["first_response_at"] is None


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
    click(at, f"cancel_{mention_id}_1")  # the send claimed the mention (version 1): a retry is allowed
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
    first = state(store, mention_id)["first_response_at"]
    assert any(
        f"Bea replied at {first:%Y-%m-%d %H:%M} UTC since you opened the reply form; nothing was posted"
        in str(w.value).replace("\\", "")
        for w in at.warning
    )


def test_platforms_without_replies_say_so(store: Store) -> None:
    at = queue_page()
    at.multiselect(key="queue_platforms").set_value(["hackernews"]).run()
    assert "from the dashboard is not supported" in texts(at)


# ---------------------------------------------------------------------------------------------- presence


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list:
    """The dashboard's clock (ui.auth.now), moved by the test."""
    from datetime import timedelta

    from tests.conftest import FIXED_NOW
    from ui import auth

    now = [FIXED_NOW + timedelta(hours=1, minutes=2)]
    monkeypatch.setattr(auth, "now", lambda: now[0])
    return now


def on_this(at: AppTest) -> list[str]:
    return [str(i.value) for i in at.info if "is on this" in str(i.value)]


def test_presence_across_two_sessions(store: Store, clock: list) -> None:
    from datetime import timedelta

    dana = queue_page("Dana")
    mention_id = picked(dana)
    lee = queue_page("Lee")
    assert picked(lee) == mention_id
    assert on_this(lee) == ["Dana is on this (since 13:02 UTC)"]
    assert on_this(dana) == []  # Lee opened it after Dana's last run: Dana sees him on her next rerun
    clock[0] += timedelta(minutes=1)
    dana.run()
    assert on_this(dana) == ["Lee is on this (since 13:02 UTC)"]
    # a viewer sees who is on it, and leaves no trace
    vic = queue_page("Vic", role="viewer")
    assert on_this(vic) == ["Dana is on this (since 13:02 UTC)", "Lee is on this (since 13:02 UTC)"]
    dana.run()
    assert on_this(dana) == ["Lee is on this (since 13:02 UTC)"]
    # Lee goes idle: no heartbeat for more than two minutes
    clock[0] += timedelta(minutes=2, seconds=30)
    dana.run()
    assert on_this(dana) == []
    # Dana moves to another mention: Lee no longer sees her on the first
    dana.selectbox(key="queue_pick").select_index(1).run()
    other = picked(dana)
    assert other != mention_id
    lee.run()
    assert on_this(lee) == []
    lee.selectbox(key="queue_pick").set_value(other).run()
    assert on_this(lee) == ["Dana is on this (since 13:05 UTC)"]
    # Dana signs out: gone at once
    dana.button(key="auth_sign_out").click().run()
    lee.run()
    assert on_this(lee) == []


# ---------------------------------------------------------------------------------------------- double replies


def test_a_collected_brand_reply_stops_the_send(
    store: Store, monkeypatch: pytest.MonkeyPatch, x_write_credentials: None
) -> None:
    posted: list[str] = []
    monkeypatch.setattr(replies, "post_reply", lambda platform, mention, text: posted.append(text) or "1")
    at = queue_page()
    mention_id = x_mention(at)
    at.text_area(key=f"reply_{mention_id}_0").input("Hello").run()
    click(at, f"review_{mention_id}_0")
    # meanwhile the collector stores the brand's own reply to it (posted on X directly)
    post_id = store.scalar("SELECT post_id FROM mentions WHERE id = :m", m=mention_id)
    store.execute(
        "INSERT INTO mention_state (mention_id, status, first_response_at, response_post_id, responded_by, "
        "updated_at, updated_by, version) VALUES (:m, 'replied', '2026-11-18 12:30:00.000000', 'brand-77', "
        "'acme_support', '2026-11-18 12:31:00.000000', 'collector', 1)",
        m=mention_id,
    )
    assert post_id
    click(at, f"post_{mention_id}_0")
    assert posted == []
    warning = " ".join(str(w.value) for w in at.warning).replace("\\", "")
    assert "acme_support replied at 2026-11-18 12:30 UTC (reply id brand-77) since you opened the reply form" in warning
    assert state(store, mention_id)["response_post_id"] == "brand-77"


def test_two_people_sending_at_once_post_once(
    store: Store, monkeypatch: pytest.MonkeyPatch, x_write_credentials: None
) -> None:
    posted: list[str] = []
    monkeypatch.setattr(replies, "post_reply", lambda platform, mention, text: posted.append(text) or str(len(posted)))
    ann, bea = queue_page("Ann"), queue_page("Bea")
    mention_id = x_mention(ann)
    assert x_mention(bea) == mention_id
    for at, text in ((ann, "From Ann"), (bea, "From Bea")):
        at.text_area(key=f"reply_{mention_id}_0").input(text).run()
        click(at, f"review_{mention_id}_0")
    click(ann, f"post_{mention_id}_0")
    click(bea, f"post_{mention_id}_0")
    assert posted == ["From Ann"]
    assert state(store, mention_id)["response_post_id"] == "1"
    assert any("Ann replied at" in str(w.value) for w in bea.warning)
    actions = store.frame("SELECT actor, action FROM audit_log WHERE mention_id = :m", m=mention_id)
    assert actions.values.tolist() == [["Ann", "reply_posted"]]


# ---------------------------------------------------------------------------------------------- saved replies


def test_saved_replies_are_managed_inserted_edited_and_counted(
    store: Store, monkeypatch: pytest.MonkeyPatch, x_write_credentials: None
) -> None:
    posted: list[str] = []
    monkeypatch.setattr(replies, "post_reply", lambda platform, mention, text: posted.append(text) or "9")
    at = queue_page("Dana")
    mention_id = x_mention(at)
    author = state(store, mention_id)["author_handle"].lstrip("@")
    # an unknown placeholder: a clear message, nothing stored
    at.text_input(key="saved_name_Acme").input("Sorry").run()
    at.text_area(key="saved_body_Acme").input("Hi {customer}").run()
    click(at, "saved_save_Acme")
    assert "Unknown placeholder {customer}: the placeholders are {author}, {brand}, {agent}." in texts(at).replace(
        "\\", ""
    )
    assert store.scalar("SELECT count(*) FROM saved_replies") == 0
    at.text_area(key="saved_body_Acme").input("Hi @{author}, {brand} here ({agent}). DM us!").run()
    click(at, "saved_save_Acme")
    assert "Saved reply 'Sorry' added." in texts(at).replace("\\", "")
    saved_id = store.scalar("SELECT id FROM saved_replies WHERE brand = 'Acme' AND name = 'Sorry'")
    at.selectbox(key=f"saved_pick_{mention_id}_0").set_value(saved_id).run()
    click(at, f"saved_insert_{mention_id}_0")
    box = at.text_area(key=f"reply_{mention_id}_0")
    assert box.value == f"Hi @{author}, Acme here (Dana). DM us!"
    box.input(box.value + " Thanks.").run()  # editable before sending
    click(at, f"review_{mention_id}_0")
    click(at, f"post_{mention_id}_0")
    assert posted == [f"Hi @{author}, Acme here (Dana). DM us! Thanks."]
    assert store.scalar("SELECT uses FROM saved_replies WHERE id = :i", i=saved_id) == 1
    # edit and delete, audited
    at.selectbox(key="saved_manage_Acme").set_value(saved_id).run()
    assert at.text_area(key="saved_body_Acme").value == "Hi @{author}, {brand} here ({agent}). DM us!"
    at.text_input(key="saved_name_Acme").input("Apology").run()
    click(at, "saved_save_Acme")
    assert store.scalar("SELECT name FROM saved_replies WHERE id = :i", i=saved_id) == "Apology"
    at.selectbox(key="saved_manage_Acme").set_value(saved_id).run()
    click(at, "saved_delete_Acme")
    assert store.scalar("SELECT count(*) FROM saved_replies") == 0
    trail = store.frame("SELECT action FROM audit_log WHERE action LIKE 'saved_reply%' ORDER BY id")
    assert trail["action"].tolist() == ["saved_reply_add", "saved_reply_edit", "saved_reply_delete"]


def test_a_session_that_lost_its_account_is_refused_and_changes_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch, x_write_credentials: None
) -> None:
    """ui.queue_actions.signed_in: an action or a reply with nobody signed in is refused with a
    clear message (store.accounts.require), nothing is posted and nothing is stored."""
    monkeypatch.setattr(replies, "post_reply", lambda *args: pytest.fail("nothing may be posted"))
    at = queue_page()
    mention_id = x_mention(at)
    at.text_area(key=f"reply_{mention_id}_0").input("Sorry about that!").run()
    click(at, f"review_{mention_id}_0")
    del at.session_state[auth.ACCOUNT]  # signed out between the review and the click (callbacks run first)
    click(at, f"post_{mention_id}_0")
    assert "Not posted: Sign in first." in texts(at).replace("\\", "")
    at.selectbox(key=f"assignee_{mention_id}_0").set_value("Ann").run()
    del at.session_state[auth.ACCOUNT]
    click(at, f"assign_{mention_id}_0")
    assert "Not saved: Sign in first." in texts(at).replace("\\", "")
    saved = state(store, mention_id)
    assert (saved["status"], saved["assignee"], saved["response_post_id"]) == ("new", None, None)


def test_older_flagged_mentions_are_counted_and_can_be_listed(store: Store) -> None:
    """The queue lists the sidebar's dates; open items posted before them are counted above the
    list, never silently dropped, and the toggle lists them too."""
    listed = queue.QueueFilters(brands=("Acme",), start=support.FIRST_DAY, end=support.LAST_DAY)
    before = queue.older(listed)
    assert before is not None
    with store.engine.connect() as conn:
        shown, older = queue.queue_count(conn, listed), queue.queue_count(conn, before)
    assert shown and older
    at = queue_page()
    assert f"{shown:,} flagged mentions match" in texts(at)
    assert f"{older:,} more flagged mentions match these filters but were posted before" in texts(at)
    at.toggle(key="queue_include_older").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"{shown + older:,} flagged mentions match" in texts(at)
    assert "more flagged mention" not in texts(at)


def test_a_new_assignee_shows_after_an_assignment_but_a_collection_keeps_the_list(store: Store) -> None:
    at = queue_page()
    mention_id = picked(at)
    assert "Zed" not in at.selectbox(key="queue_assignee").options
    with store.engine.begin() as conn:
        assert queue.assign(
            conn, mention_id, state(store, mention_id)["version"], "Zed", Account("Ann", "responder")
        ).ok
    at.run()
    assert "Zed" in at.selectbox(key="queue_assignee").options
