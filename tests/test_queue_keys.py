"""A queue action reads again only the day-split parts whose days it changed (issue 14).

Day-split reads of the reply workflow (store.reader.SPLITS with queue=True, and ui.metrics.judged's
blocks of conversations) are kept under store.queue.ChangedDays.stamp instead of the queue version:
an action on one mention moves the stamp of its own days (and of the conversations it may follow
up) only. Every figure is checked against the same figure computed from whole reads, and the blocks
read again are counted, so a change that reads everything again fails here.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, and_, select

from analysis import resolution
from collectors import demo
from config import load_config
from pipeline.ingest import ingest
from store import accounts, privacy, queue, reader
from store import resolution as conversations_store
from store.accounts import Account
from store.schema import mention_state, mentions
from tests import test_after_write as after_write
from tests import test_split_reads as split_reads
from tests.conftest import FIXED_NOW
from tests.test_split_reads import FILTERS, post
from ui import context, metrics

seeded = split_reads.seeded
fresh_caches = split_reads.fresh_caches
fresh_metric_caches = after_write.fresh_metric_caches
MINUTE = after_write.MINUTE


@pytest.fixture
def store(seeded: Engine) -> Engine:
    with seeded.begin() as conn:
        accounts.add(conn, "ann", "admin", "a-long-enough-password", actor="test")
        accounts.add(conn, "bob", "admin", "a-long-enough-password", actor="test")
    return seeded


@pytest.fixture
def blocks_read(monkeypatch: pytest.MonkeyPatch) -> list[pd.Timestamp]:
    """The end of every block of conversations read from the store (not from a cache)."""
    read: list[pd.Timestamp] = []
    original = conversations_store.rows_between

    def between(conn: Any, start: Any, end: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(pd.Timestamp(end))
        return original(conn, start, end, *args, **kwargs)

    monkeypatch.setattr(conversations_store, "rows_between", between)
    return read


def _account(engine: Engine, name: str) -> Account:
    with engine.connect() as conn:
        found = accounts.get(conn, name)
    assert found is not None
    return found


def _version(engine: Engine, mention_id: int) -> int:
    with engine.connect() as conn:
        state = queue.mention_with_state(conn, mention_id)
    assert state is not None
    return int(state["version"])


def _judged(engine: Engine) -> pd.DataFrame:
    brands = tuple(load_config(None).brands)
    return metrics.judged(engine, after_write.versions(engine), FILTERS, brands, MINUTE)


def _expected(engine: Engine) -> pd.DataFrame:
    """The judged conversations from one whole read and judgement (no cache, no block)."""
    brands = tuple(load_config(None).brands)
    found = after_write.whole(engine, conversations_store.conversations, FILTERS, resolution.window_days(brands))
    return resolution.keep(resolution.outcomes(found, pd.Timestamp(MINUTE), brands))


def _restart() -> None:
    """A freshly started server: no cache in memory (the store's part cache stays)."""
    for cached in (metrics.judged, metrics._kept_part, metrics.kpis, metrics._kept_kpis, metrics.response_summary):
        cached.clear()
    for cached in (context.read, context._read_part, metrics._prepared_part, metrics._settled_part):
        cached.clear()
    metrics._judged_before().clear()


def _answered_in(engine: Engine, block: reader.Filters) -> int:
    """An answered mention of Acme's in `block` (a conversation the resolution figures count)."""
    m, s = mentions, mention_state
    start = datetime.combine(block.start, time.min)
    end = datetime.combine(block.end + timedelta(days=1), time.min)
    query = (
        select(m.c.id)
        .select_from(m.join(s, s.c.mention_id == m.c.id))
        .where(m.c.brand == "Acme", m.c.is_own.is_(False), s.c.first_response_at.is_not(None))
        .where(and_(m.c.day >= start.date(), m.c.day < end.date()))
        .order_by(m.c.id)
        .limit(1)
    )
    with engine.connect() as conn:
        found = conn.execute(query).scalar()
    assert found is not None, f"the demo seed answers a mention in {block}"
    return int(found)


def _flagged_on(engine: Engine, day: Any) -> int:
    m, s = mentions, mention_state
    query = (
        select(m.c.id)
        .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
        .where(m.c.brand == "Acme", m.c.needs_reply.is_(True), m.c.is_own.is_(False), m.c.day == day)
        .where(s.c.mention_id.is_(None))  # nobody acted on it yet: an open item
        .where(m.c.parent_id.is_(None))  # a post, not a reply that may follow up an earlier conversation
        .order_by(m.c.id)
        .limit(1)
    )
    with engine.connect() as conn:
        found = conn.execute(query).scalar()
    assert found is not None, f"the demo seed flags a mention on {day}"
    return int(found)


def _set_outcome(engine: Engine, mention_id: int, outcome: str, who: str = "ann") -> None:
    with engine.begin() as conn:
        result = queue.set_outcome(conn, mention_id, _version(engine, mention_id), outcome, _account(engine, who))
    assert result.ok, result.message


def _parts_stamps(engine: Engine, function: Any) -> list[tuple[int, ...]]:
    return [stamp for _, stamp in context.split_parts(engine, function, after_write.versions(engine), FILTERS)]


def test_an_action_on_an_old_mention_reads_its_block_only(store: Engine, blocks_read: list[pd.Timestamp]) -> None:
    parts = metrics.blocks(FILTERS)
    first = _judged(store)
    assert len(blocks_read) == len(parts) >= 4
    pd.testing.assert_frame_equal(first, _expected(store))
    flagged = _parts_stamps(store, reader.open_flagged_count)
    after_write.check(store)

    block = parts[1]  # a whole calendar week, closed
    mention = _answered_in(store, block)
    before = first.set_index("mention_id").loc[mention, "outcome"]
    outcome = "unresolved" if before == "resolved" else "resolved"
    _set_outcome(store, mention, outcome)
    blocks_read.clear()
    found = _judged(store)
    assert blocks_read == [pd.Timestamp(block.end_at)], "only the block holding the changed mention"
    pd.testing.assert_frame_equal(found, _expected(store))
    assert found.set_index("mention_id").loc[mention, "outcome"] == outcome != before
    # the open-flagged count and response times: the closed days' part moved, the last day's did not
    moved = _parts_stamps(store, reader.open_flagged_count)
    assert moved[0] != flagged[0] and moved[1] == flagged[1]
    after_write.check(store)


def test_an_action_on_todays_mention_leaves_every_closed_block(store: Engine, blocks_read: list[pd.Timestamp]) -> None:
    _judged(store)
    flagged = _parts_stamps(store, reader.open_flagged_count)
    times = _parts_stamps(store, reader.response_times)
    mention = _flagged_on(store, FILTERS.end)
    with store.begin() as conn:
        result = queue.set_status(conn, mention, _version(store, mention), "replied", _account(store, "ann"))
    assert result.ok, result.message
    blocks_read.clear()
    found = _judged(store)
    assert blocks_read == [pd.Timestamp(FILTERS.end_at)], "the last day's block only"
    pd.testing.assert_frame_equal(found, _expected(store))
    moved = _parts_stamps(store, reader.open_flagged_count)
    assert moved[0] == flagged[0] and moved[1] != flagged[1]
    assert _parts_stamps(store, reader.response_times)[0] == times[0]
    shown = after_write.check(store)
    whole_count = after_write.whole(store, reader.open_flagged_count, FILTERS)
    assert shown["kpis"].open_flagged == whole_count


def test_another_sessions_action_after_a_restart_reads_one_block_from_the_store(
    store: Engine, blocks_read: list[pd.Timestamp]
) -> None:
    """Another process acted (account bob) while this server was down: the restarted server takes
    every other block from the store's part cache, kept under the same stamps in every process."""
    parts = metrics.blocks(FILTERS)
    _judged(store)
    block = parts[0]
    mention = _answered_in(store, block)
    _set_outcome(store, mention, "no_follow_up", who="bob")
    _restart()
    blocks_read.clear()
    found = _judged(store)
    # (the test's days are all before the real today: every block, the last day's too, is in the store)
    assert blocks_read == [pd.Timestamp(block.end_at)], "the changed block only, the others from the store"
    pd.testing.assert_frame_equal(found, _expected(store))
    assert found.set_index("mention_id").loc[mention, "outcome"] == "no_follow_up"
    after_write.check(store)


def test_an_erasure_bump_reads_every_block_again(store: Engine, blocks_read: list[pd.Timestamp]) -> None:
    parts = metrics.blocks(FILTERS)
    _judged(store)
    mention = _answered_in(store, parts[2])
    with store.begin() as conn:
        # an erasure's queue bump that does not say which mentions (store.privacy.bump_versions), with a
        # queue state changed behind it
        conn.execute(
            mention_state.update().where(mention_state.c.mention_id == mention).values(outcome_override="resolved")
        )
        privacy.bump_versions(conn)
    blocks_read.clear()
    found = _judged(store)
    assert len(blocks_read) == len(parts), "no record of what changed: every block is read again"
    pd.testing.assert_frame_equal(found, _expected(store))
    after_write.check(store)


def test_a_sentiment_correction_of_a_follow_up_reads_the_conversations_block(
    store: Engine, blocks_read: list[pd.Timestamp]
) -> None:
    """A follow-up in a later block than the mention it answers: correcting its sentiment changes the
    conversation's outcome, which the answered mention's block holds (store.touched.followed_days)."""
    config = load_config(None)
    parts = metrics.blocks(FILTERS)
    base = demo.generate(50, days=10, seed=3, end=FIXED_NOW)
    asked = pd.Timestamp(datetime.combine(parts[1].end, time(20), tzinfo=FIXED_NOW.tzinfo))
    ingest(store, post(base, "late-1", asked), config.brands)
    reply = post(base, "reply-1", asked + timedelta(hours=1), is_own=True, parent_id="late-1", author_handle="acme")
    ingest(store, reply, config.brands)
    thanks = post(base, "thanks-1", asked + timedelta(hours=14), parent_id="reply-1", author_handle="a_late-1")
    thanks["text"] = "@acme ok, got it"  # no thanks, no problem: its sentiment label decides the outcome
    ingest(store, thanks, config.brands)
    first = _judged(store)
    pd.testing.assert_frame_equal(first, _expected(store))
    with store.connect() as conn:
        answered = conn.execute(select(mentions.c.id).where(mentions.c.post_id == "late-1")).scalar_one()
        follow_up = conn.execute(select(mentions.c.id, mentions.c.day).where(mentions.c.post_id == "thanks-1")).one()
    assert parts[2].start <= pd.Timestamp(follow_up.day).date() <= parts[2].end, "the follow-up is a block later"
    assert first.set_index("mention_id").loc[answered, "outcome"] == "resolved"
    with store.begin() as conn:
        result = queue.correct_sentiment(
            conn, int(follow_up.id), _version(store, int(follow_up.id)), "negative", _account(store, "ann")
        )
    assert result.ok, result.message
    blocks_read.clear()
    found = _judged(store)
    assert pd.Timestamp(parts[1].end_at) in blocks_read, "the answered mention's block"
    assert pd.Timestamp(parts[0].end_at) not in blocks_read
    pd.testing.assert_frame_equal(found, _expected(store))
    assert found.set_index("mention_id").loc[answered, "outcome"] != "resolved"


def test_changed_days_stamp_moves_with_the_days_it_holds(store: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue, "CHANGE_KEEP", 4)
    monkeypatch.setattr(queue, "FLOOR_STEP", 2)
    old, today = FILTERS.start + timedelta(days=1), FILTERS.end
    mention = _flagged_on(store, today)

    def now() -> queue.ChangedDays:
        with store.connect() as conn:
            return queue.changed_days(conn, queue.queue_version(conn))

    stamps = []
    for status in ("assigned", "new", "assigned", "new", "assigned", "new", "assigned"):
        with store.begin() as conn:
            done = queue.set_status(conn, mention, _version(store, mention), status, _account(store, "ann"))
        assert done.ok
        changed = now()
        assert changed.stamp(today, today) == changed.version, "the acted-on day moves with every action"
        stamps.append(changed.stamp(old, old))
    # a day nobody acted on keeps its stamp, moving on once per FLOOR_STEP versions (never per action)
    assert stamps == [0, 0, 0, 0, 2, 2, 4]
    with store.begin() as conn:
        privacy.bump_versions(conn)  # says nothing about what changed: every day
    changed = now()
    assert changed.stamp(old, old) == changed.version == changed.every_day
    with store.connect() as conn:
        assert queue.changed_days(conn, 0) == queue.ChangedDays()


def test_closing_a_deleted_posts_item_says_which_mention_it_changed(store: Engine) -> None:
    """store.privacy.mark_deleted closes the open queue item of a post deleted at source: its queue
    bump records the mention (the queue's kept order patches it) and its day (only that day's parts move)."""
    mention = _flagged_on(store, FILTERS.end)
    with store.connect() as conn:
        before = queue.queue_version(conn)
        platform, post_id = conn.execute(
            select(mentions.c.platform, mentions.c.post_id).where(mentions.c.id == mention)
        ).one()
    with store.begin() as conn:
        done = privacy.mark_deleted(conn, platform, [post_id], FIXED_NOW)
    assert done.closed == 1
    with store.connect() as conn:
        after = queue.queue_version(conn)
        assert queue.changed_since(conn, before, after) == frozenset({mention})
        changed = queue.changed_days(conn, after)
    assert changed.stamp(FILTERS.end, FILTERS.end) == after
    assert changed.stamp(FILTERS.start, FILTERS.end - timedelta(days=1)) < after
