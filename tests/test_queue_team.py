"""The team inbox at the store layer: presence heartbeats with a time-to-live (two accounts, an
injected clock), dismiss reasons and Reopen, the reply claim that stops a second post, and saved
replies. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select

from store import audit, presence, queue, saved_replies, writer
from store.accounts import Account, Forbidden
from store.saved_replies import SavedReplyError
from store.schema import mentions
from tests.conftest import FIXED_NOW

DANA = Account("Dana", "responder")
LEE = Account("Lee", "responder")
VIC = Account("Vic", "viewer")
T0 = FIXED_NOW.replace(hour=10, minute=2)


def add_mentions(engine: Engine, count: int = 2) -> list[int]:
    rows = [
        {
            "platform": "x",
            "post_id": f"p{i}",
            "text": f"@acme where is my order {i}?",
            "author_handle": f"buyer{i}",
            "created_at": FIXED_NOW - timedelta(hours=i + 1),
            "day": (FIXED_NOW - timedelta(hours=i + 1)).date(),
            "brand": "Acme",
            "needs_reply": True,
        }
        for i in range(count)
    ]
    with engine.begin() as conn:
        conn.execute(insert(mentions), rows)
        return [int(r[0]) for r in conn.execute(select(mentions.c.id).order_by(mentions.c.id))]


# ---------------------------------------------------------------------------------------------- presence


def test_presence_is_seen_by_the_other_account_and_expires(engine: Engine) -> None:
    first, second = add_mentions(engine)
    with engine.begin() as conn:
        presence.here(conn, "Dana", first, now=T0)
    with engine.begin() as conn:  # Lee opens it a minute later, in another process
        presence.here(conn, "Lee", first, now=T0 + timedelta(minutes=1))
        seen = presence.others(conn, first, "Lee", now=T0 + timedelta(minutes=1))
    assert [(p.name, f"{p.since:%H:%M}") for p in seen] == [("Dana", "10:02")]
    # Dana's reruns keep her `since`
    with engine.begin() as conn:
        presence.here(conn, "Dana", first, now=T0 + timedelta(minutes=1, seconds=50))
        assert [f"{p.since:%H:%M}" for p in presence.others(conn, first, "Lee", now=T0 + timedelta(minutes=3))] == [
            "10:02"
        ]
        assert [p.name for p in presence.others(conn, first, "Dana", now=T0 + timedelta(minutes=3))] == ["Lee"]
    # idle: no heartbeat within the TTL
    later = T0 + timedelta(minutes=1, seconds=50) + presence.TTL + timedelta(seconds=1)
    with engine.connect() as conn:
        assert presence.others(conn, first, "Lee", now=later) == []
    # back after going idle: a new `since`
    with engine.begin() as conn:
        presence.here(conn, "Dana", first, now=later)
        assert [f"{p.since:%H:%M:%S}" for p in presence.others(conn, first, None, now=later)] == [f"{later:%H:%M:%S}"]
    # she opens another mention: gone from the first
    with engine.begin() as conn:
        presence.here(conn, "Dana", second, now=later + timedelta(seconds=5))
        assert presence.others(conn, first, "Lee", now=later + timedelta(seconds=5)) == []
        assert [p.name for p in presence.others(conn, second, "Lee", now=later + timedelta(seconds=5))] == ["Dana"]
    # she signs out: gone at once
    with engine.begin() as conn:
        presence.leave(conn, "Dana")
        assert presence.others(conn, second, "Lee", now=later + timedelta(seconds=6)) == []


def test_stale_rows_are_swept_by_the_next_heartbeat(engine: Engine) -> None:
    (first,) = add_mentions(engine, 1)
    with engine.begin() as conn:
        presence.here(conn, "Dana", first, now=T0)
        presence.here(conn, "Lee", first, now=T0 + presence.TTL + timedelta(minutes=1))
        names = conn.execute(select(presence.presence.c.account)).scalars().all()
    assert names == ["Lee"]


# ---------------------------------------------------------------------------------------------- dismiss


def test_dismiss_needs_a_known_reason_and_reopen_clears_it(engine: Engine) -> None:
    (mention_id,) = add_mentions(engine, 1)
    with engine.begin() as conn:
        assert not queue.dismiss(conn, mention_id, 0, "boring", DANA).ok
        refused = queue.dismiss(conn, mention_id, 0, "other", DANA, "  ")
        assert not refused.ok and "a few words" in refused.message
        with pytest.raises(Forbidden):
            queue.dismiss(conn, mention_id, 0, "spam", VIC)
        assert queue.dismiss(conn, mention_id, 0, "handled_elsewhere", DANA).ok
        state = queue.mention_with_state(conn, mention_id)
        assert state and (state["status"], state["dismiss_reason"], state["dismiss_note"]) == (
            "dismissed",
            "handled_elsewhere",
            None,
        )
        assert queue.set_status(conn, mention_id, 1, "new", LEE).ok
        state = queue.mention_with_state(conn, mention_id)
        assert state and (state["status"], state["dismiss_reason"]) == ("new", None)
        trail = audit.history(conn, mention_id)
    assert trail["action"].tolist() == ["dismiss", "reopen"]
    assert trail["detail"].iloc[0] == "handled elsewhere"
    assert '"dismiss_reason": "handled_elsewhere"' in trail["after"].iloc[0]
    assert '"dismiss_reason": "handled_elsewhere"' in trail["before"].iloc[1]


# ---------------------------------------------------------------------------------------------- double replies


def test_the_second_claim_at_one_version_is_refused(engine: Engine) -> None:
    (mention_id,) = add_mentions(engine, 1)
    with engine.begin() as conn:
        first = queue.claim_reply(conn, mention_id, 0, DANA, T0)
        second = queue.claim_reply(conn, mention_id, 0, LEE, T0)
    assert first.ok and first.current == {"version": 1}
    assert not second.ok and second.message.startswith("Dana changed this mention at ")
    with engine.begin() as conn:
        assert queue.record_reply(conn, mention_id, 1, "r-1", DANA, "Hello").ok
        again = queue.claim_reply(conn, mention_id, 2, LEE, T0)
    assert not again.ok and "Dana replied at" in again.message and "(reply id r-1)" in again.message


def test_a_collected_brand_reply_refuses_the_claim(engine: Engine) -> None:
    mention_id, _ = add_mentions(engine)
    reply = {
        "platform": "x",
        "post_id": "own-1",
        "parent_id": "p0",
        "text": "@buyer0 on its way!",
        "author_handle": "acme_support",
        "created_at": FIXED_NOW - timedelta(minutes=30),
        "day": FIXED_NOW.date(),
        "brand": "Acme",
        "is_own": True,
    }
    with engine.begin() as conn:  # the collector stores the brand's own reply, as ingest does
        conn.execute(insert(mentions), [reply])
        batch = pd.DataFrame([reply])
        batch["created_at"] = pd.to_datetime(batch["created_at"], utc=True)
        assert writer.link_brand_replies(conn, batch, set()) == 1
        refused = queue.claim_reply(conn, mention_id, 0, DANA, T0)
    assert not refused.ok
    assert refused.message.startswith(f"acme_support replied at {FIXED_NOW - timedelta(minutes=30):%Y-%m-%d %H:%M} UTC")


# ---------------------------------------------------------------------------------------------- saved replies


def test_saved_replies_add_fill_edit_count_delete(engine: Engine) -> None:
    with engine.begin() as conn:
        reply_id = saved_replies.add(conn, "Acme", "Sorry", "Hi @{author}, {brand} here, {agent}. {{ok}}", DANA)
        assert (
            saved_replies.fill(
                saved_replies.for_brand(conn, "Acme")["body"].iloc[0], author="@buyer0", brand="Acme", agent="Dana"
            )
            == "Hi @buyer0, Acme here, Dana. {ok}"
        )
        assert saved_replies.for_brand(conn, "Globex").empty
        with pytest.raises(SavedReplyError, match="already has a saved reply named 'Sorry'"):
            saved_replies.add(conn, "Acme", "Sorry", "again", LEE)
        saved_replies.add(conn, "Globex", "Sorry", "Globex is sorry", LEE)  # per brand: the same name is fine
        saved_replies.edit(conn, reply_id, "Apology", "Sorry {author}!", LEE)
        saved_replies.count_use(conn, reply_id)
        saved_replies.count_use(conn, reply_id)
        row = saved_replies.for_brand(conn, "Acme").iloc[0]
        assert (row["name"], row["body"], row["uses"], row["updated_by"]) == ("Apology", "Sorry {author}!", 2, "Lee")
        saved_replies.remove(conn, reply_id, DANA)
        assert saved_replies.for_brand(conn, "Acme").empty
        trail = audit.query(conn)
    assert trail["action"].tolist() == ["saved_reply_add", "saved_reply_add", "saved_reply_edit", "saved_reply_delete"]
    assert trail["actor"].tolist() == ["Dana", "Lee", "Lee", "Dana"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hi {customer}", "Unknown placeholder {customer}: the placeholders are {author}, {brand}, {agent}."),
        ("Hi {author!r}", "Unknown placeholder {author!r}"),
        ("Hi {}", "Unknown placeholder {}"),
        ("Hi {author", "A brace is not closed or not doubled"),
        ("   ", "text is empty"),
    ],
)
def test_bad_saved_replies_are_refused_and_nothing_is_stored(engine: Engine, body: str, message: str) -> None:
    with engine.begin() as conn:
        with pytest.raises(SavedReplyError) as caught:
            saved_replies.add(conn, "Acme", "Bad", body, DANA)
        assert message in str(caught.value)
        assert saved_replies.for_brand(conn, "Acme").empty
        assert audit.query(conn).empty


def test_a_viewer_may_not_manage_saved_replies(engine: Engine) -> None:
    with engine.begin() as conn:
        reply_id = saved_replies.add(conn, "Acme", "Sorry", "Sorry!", DANA)
        for change in (
            lambda: saved_replies.add(conn, "Acme", "Mine", "Mine", VIC),
            lambda: saved_replies.edit(conn, reply_id, "Mine", "Mine", VIC),
            lambda: saved_replies.remove(conn, reply_id, VIC),
        ):
            with pytest.raises(Forbidden):
                change()
        assert saved_replies.for_brand(conn, "Acme")["name"].tolist() == ["Sorry"]
