"""store.queue: the reply queue read a page at a time in SQL, and every action as a conditional write
keyed by the version the person saw (optimistic concurrency). On SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from analysis import flags
from config import load_config
from pipeline.seed import seed_demo
from store import queue, reader
from store.accounts import Account, Forbidden
from store.schema import mention_state, mentions, rollup_hourly
from tests.conftest import FIXED_NOW

SLA = {"Acme": 4.0, "Globex": 4.0, "Initech": 4.0}
NOW = FIXED_NOW + timedelta(hours=1)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=600, days=20, end=FIXED_NOW)
    return engine


def everything() -> queue.QueueFilters:
    return queue.QueueFilters(brands=("Acme",), statuses=queue.STATUSES)


def first_open(engine: Engine, platform: str | None = None) -> int:
    wanted = queue.QueueFilters(brands=("Acme",), platforms=(platform,) if platform else ())
    with engine.connect() as conn:
        page = queue.queue_page(conn, wanted, now=NOW, sla_hours=SLA, limit=1)
    assert len(page) == 1
    return int(page["id"].iloc[0])


def state(engine: Engine, mention_id: int) -> dict:
    with engine.connect() as conn:
        found = queue.mention_with_state(conn, mention_id)
    assert found is not None
    return found


def test_the_page_is_ordered_like_the_analysis_priority(seeded: Engine) -> None:
    with seeded.connect() as conn:
        rows = pd.DataFrame(
            conn.execute(
                select(
                    mentions.c.id,
                    mentions.c.created_at,
                    mentions.c.brand,
                    mentions.c.priority_base,
                    mentions.c.flag_signals,
                    mention_state.c.first_response_at,
                    mention_state.c.status,
                )
                .select_from(mentions.outerjoin(mention_state, mention_state.c.mention_id == mentions.c.id))
                .where(mentions.c.needs_reply, mentions.c.brand == "Acme", mentions.c.is_own.is_(False))
            )
            .mappings()
            .all()
        )
        total = queue.queue_count(conn, everything())
        page = queue.queue_page(conn, everything(), now=NOW, sla_hours=SLA, limit=40)
        second = queue.queue_page(conn, everything(), now=NOW, sla_hours=SLA, limit=40, offset=40)
    assert total == len(rows) > 80
    rows["sla_hours"] = 4.0
    rows = pd.concat([rows, flags.queue_priority(rows, pd.Timestamp(NOW))], axis=1)
    rows["created_at"] = pd.to_datetime(rows["created_at"], utc=True)
    expected = rows.sort_values(["priority", "created_at", "id"], ascending=[False, True, True])
    assert list(page["priority"]) == list(expected["priority"].head(40))
    assert list(second["priority"]) == list(expected["priority"].iloc[40:80])
    assert not set(page["id"]) & set(second["id"])
    assert page["reasons"].str.contains("SLA 4 h").all()
    assert (page["waited_hours"] >= 0).all()


def test_filters_by_platform_status_and_assignee(seeded: Engine) -> None:
    mention_id = first_open(seeded, "x")
    with seeded.begin() as conn:
        assert queue.assign(conn, mention_id, 0, "Bea", Account("Ann", "responder")).ok
    with seeded.connect() as conn:
        x_only = queue.queue_page(
            conn, queue.QueueFilters(brands=("Acme",), platforms=("x",)), now=NOW, sla_hours=SLA, limit=500
        )
        beas = queue.queue_page(conn, queue.QueueFilters(brands=("Acme",), assignee="Bea"), now=NOW, sla_hours=SLA)
        nobody = queue.queue_count(conn, queue.QueueFilters(brands=("Acme",), assignee=""))
        everyone = queue.queue_count(conn, queue.QueueFilters(brands=("Acme",)))
        replied = queue.queue_page(
            conn, queue.QueueFilters(brands=("Acme",), statuses=("replied",)), now=NOW, sla_hours=SLA, limit=500
        )
        assert queue.assignees(conn) == ["Bea"]
    assert set(x_only["platform"]) == {"x"}
    assert list(beas["id"]) == [mention_id] and beas["status"].iloc[0] == "assigned"
    assert nobody == everyone - 1
    assert len(replied) > 0 and replied["first_response_at"].notna().all()


def test_assign_then_a_stale_action_is_refused_and_shows_the_change(seeded: Engine) -> None:
    mention_id = first_open(seeded)
    with seeded.begin() as conn:
        done = queue.assign(conn, mention_id, 0, "Bea", Account("Ann", "responder"))
    assert done.ok
    saved = state(seeded, mention_id)
    assert (saved["status"], saved["assignee"], saved["updated_by"], saved["version"]) == ("assigned", "Bea", "Ann", 1)

    # Carl still looks at version 0 and dismisses: nothing is written, he sees Ann's change
    with seeded.begin() as conn:
        late = queue.set_status(conn, mention_id, 0, "dismissed", Account("Carl", "responder"))
    assert not late.ok
    assert late.current["status"] == "assigned" and late.current["assignee"] == "Bea"
    assert "Ann changed this mention" in late.message
    assert state(seeded, mention_id)["status"] == "assigned"

    # with the version he now sees, it goes through
    with seeded.begin() as conn:
        assert queue.set_status(conn, mention_id, 1, "dismissed", Account("Carl", "responder")).ok
    assert state(seeded, mention_id)["status"] == "dismissed" and state(seeded, mention_id)["version"] == 2


def test_two_first_actions_on_an_untouched_mention_do_not_both_win(seeded: Engine) -> None:
    mention_id = first_open(seeded)
    with seeded.begin() as conn:
        first = queue.add_note(conn, mention_id, 0, "calling them", Account("Ann", "responder"))
    with seeded.begin() as conn:
        second = queue.assign(conn, mention_id, 0, "Carl", Account("Carl", "responder"))
    assert first.ok and not second.ok
    assert second.current["note"].endswith("calling them")
    assert state(seeded, mention_id)["assignee"] is None


def test_mark_replied_dismiss_and_reopen(seeded: Engine) -> None:
    mention_id = first_open(seeded)
    before = datetime.now(UTC)
    with seeded.begin() as conn:
        assert queue.set_status(conn, mention_id, 0, "replied", Account("Ann", "responder")).ok
    saved = state(seeded, mention_id)
    assert saved["status"] == "replied" and saved["responded_by"] == "Ann"
    answered = pd.Timestamp(saved["first_response_at"])
    answered = answered.tz_localize("UTC") if answered.tzinfo is None else answered
    assert answered >= pd.Timestamp(before).floor("s")
    with seeded.begin() as conn:
        assert queue.set_status(conn, mention_id, 1, "new", Account("Ann", "responder")).ok
        with pytest.raises(ValueError):
            queue.set_status(conn, mention_id, 2, "archived", Account("Ann", "responder"))
    with seeded.connect() as conn:
        assert (
            reader.open_flagged_count(
                conn, reader.Filters(("Acme",), start=FIXED_NOW.date() - timedelta(days=30), end=FIXED_NOW.date())
            )
            >= 0
        )
    assert state(seeded, mention_id)["status"] == "new"


def test_notes_append_signed_lines(seeded: Engine) -> None:
    mention_id = first_open(seeded)
    with seeded.begin() as conn:
        assert queue.add_note(conn, mention_id, 0, "called the customer", Account("Ann", "responder")).ok
        assert queue.add_note(conn, mention_id, 1, "refund sent", Account("Bea", "responder")).ok
        assert not queue.add_note(conn, mention_id, 2, "   ", Account("Bea", "responder")).ok
        with pytest.raises(Forbidden):
            queue.add_note(conn, mention_id, 2, "hello", Account("Vic", "viewer"))
    lines = state(seeded, mention_id)["note"].splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("UTC, Ann] called the customer") and lines[1].endswith("UTC, Bea] refund sent")


def test_a_sentiment_correction_moves_the_rollups_and_the_data_version(seeded: Engine) -> None:
    with seeded.connect() as conn:
        row = conn.execute(
            select(mentions.c.id, mentions.c.created_at, mentions.c.brand, mentions.c.platform, mentions.c.kind)
            .where(mentions.c.sentiment_label == "negative", mentions.c.is_own.is_(False))
            .limit(1)
        ).one()
        version = reader.versions(conn)

    def counts() -> tuple[int, int]:
        hour = pd.Timestamp(row.created_at).floor("h").to_pydatetime()
        with seeded.connect() as conn:
            got = conn.execute(
                select(func.sum(rollup_hourly.c.negative), func.sum(rollup_hourly.c.positive)).where(
                    rollup_hourly.c.hour == hour,
                    rollup_hourly.c.brand == row.brand,
                    rollup_hourly.c.platform == row.platform,
                    rollup_hourly.c.kind == row.kind,
                )
            ).one()
        return int(got[0]), int(got[1])

    negative, positive = counts()
    with seeded.begin() as conn:
        assert queue.correct_sentiment(conn, row.id, 0, "positive", Account("Ann", "responder")).ok
    assert counts() == (negative - 1, positive + 1)
    with seeded.connect() as conn:
        after = reader.versions(conn)
    assert after[0] == version[0] + 1 and after[1] == version[1] + 1
    with seeded.begin() as conn:
        assert queue.correct_sentiment(conn, row.id, 1, None, Account("Ann", "responder")).ok
        with pytest.raises(ValueError):
            queue.correct_sentiment(conn, row.id, 2, "furious", Account("Ann", "responder"))
    assert counts() == (negative, positive)


def test_a_posted_reply_is_recorded_even_after_a_conflict(seeded: Engine) -> None:
    mention_id = first_open(seeded)
    with seeded.begin() as conn:
        assert queue.reply_allowed(conn, mention_id, 0, Account("Ann", "responder")).ok
        assert queue.record_reply(conn, mention_id, 0, "1900000000000000001", Account("Ann", "responder")).ok
    saved = state(seeded, mention_id)
    assert (saved["status"], saved["response_post_id"], saved["responded_by"]) == (
        "replied",
        "1900000000000000001",
        "Ann",
    )
    with seeded.begin() as conn:
        again = queue.reply_allowed(conn, mention_id, 1, Account("Ann", "responder"))
    assert not again.ok and "already recorded" in again.message

    other = first_open(seeded)
    with seeded.begin() as conn:
        assert queue.assign(conn, other, 0, "Bea", Account("Bea", "responder")).ok
        stale = queue.reply_allowed(conn, other, 0, Account("Ann", "responder"))
        assert not stale.ok and stale.current["assignee"] == "Bea"
        late = queue.record_reply(conn, other, 0, "1900000000000000002", Account("Carl", "responder"))
    assert not late.ok and "recorded anyway" in late.message
    saved = state(seeded, other)
    assert saved["response_post_id"] == "1900000000000000002" and saved["status"] == "replied"
    assert saved["assignee"] == "Bea"


def test_every_action_bumps_the_queue_version(seeded: Engine) -> None:
    mention_id = first_open(seeded)
    with seeded.connect() as conn:
        start = queue.queue_version(conn)
    with seeded.begin() as conn:
        queue.assign(conn, mention_id, 0, "Bea", Account("Ann", "responder"))
        queue.add_note(conn, mention_id, 1, "x", Account("Ann", "responder"))
        queue.assign(conn, mention_id, 0, "Carl", Account("Carl", "responder"))  # refused: no bump
    with seeded.connect() as conn:
        assert queue.queue_version(conn) == start + 2


def test_unknown_mentions_and_viewers_are_refused(seeded: Engine) -> None:
    with seeded.begin() as conn:
        gone = queue.assign(conn, 10_000_000, 0, "Bea", Account("Ann", "responder"))
    assert not gone.ok and "no longer stored" in gone.message
    with pytest.raises(Forbidden, match="viewer role"), seeded.begin() as conn:
        queue.assign(conn, first_open(seeded), 0, "Bea", Account("Vic", "viewer"))


def test_the_thread_around_a_mention(seeded: Engine) -> None:
    with seeded.connect() as conn:
        reply = conn.execute(
            select(mentions.c.id, mentions.c.parent_id, mentions.c.platform)
            .where(mentions.c.parent_id.is_not(None), mentions.c.is_own)
            .limit(1)
        ).one()
        parent = conn.execute(
            select(mentions.c.id).where(mentions.c.platform == reply.platform, mentions.c.post_id == reply.parent_id)
        ).scalar()
        around_parent = queue.thread(conn, parent)
        around_reply = queue.thread(conn, reply.id)
        nothing = queue.thread(conn, 10_000_000)
    assert list(around_parent["role"])[0] == "this" and reply.id in set(around_parent["id"])
    assert around_parent.loc[around_parent["id"] == reply.id, "is_own"].iloc[0]
    assert "parent" in set(around_reply["role"]) and parent in set(around_reply["id"])
    assert nothing.empty
