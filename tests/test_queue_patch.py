"""A queue action patches the kept order instead of reading it again (store.queue.changed_since,
patch_keys, touches; ui.queue_read keeps each part with the queue version it was read at): whatever
the actions, the patched order and counts equal one read of the whole range. On SQLite, and on
PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, select

from collectors import demo
from config import BusinessHours, load_config
from pipeline.ingest import ingest
from pipeline.seed import seed_demo
from store import accounts, privacy, queue, readcache, reader
from store.accounts import Account
from store.schema import mentions, meta
from tests.conftest import FIXED_NOW
from ui import queue_read
from ui.context import Context

SLA = {"Acme": 4.0, "Globex": 2.0}
END = FIXED_NOW.date()
TIMING: dict[str, Any] = {"now": FIXED_NOW, "sla_hours": SLA, "business_hours": None}
FILTERS = [
    queue.QueueFilters(brands=("Acme",), start=END - timedelta(days=9), end=END),
    queue.QueueFilters(
        brands=("Acme", "Globex"), statuses=("new",), assignee="", start=END - timedelta(days=9), end=END
    ),
    queue.QueueFilters(
        brands=("Acme",), statuses=("assigned",), assignee="bob", start=END - timedelta(days=9), end=END
    ),
    queue.QueueFilters(brands=("Acme",), statuses=("replied", "dismissed"), end=END),
]


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=800, days=20, end=FIXED_NOW)
    with engine.begin() as conn:
        accounts.add(conn, "ann", "responder", "a-long-enough-password", actor="test")
        accounts.add(conn, "bob", "responder", "a-long-enough-password", actor="test")
    return engine


def _account(engine: Engine, name: str) -> Account:
    with engine.connect() as conn:
        found = accounts.get(conn, name)
    assert found is not None
    return found


def _flagged(conn: Connection, *, older: bool = False, limit: int = 4) -> list[int]:
    since = FIXED_NOW - timedelta(days=15 if older else 5)
    query = (
        select(mentions.c.id)
        .where(mentions.c.brand == "Acme", mentions.c.needs_reply.is_(True), mentions.c.is_own.is_(False))
        .where(mentions.c.created_at < since if older else mentions.c.created_at >= since)
        .order_by(mentions.c.id)
        .limit(limit)
    )
    return [int(r[0]) for r in conn.execute(query)]


def _act(engine: Engine, mention_id: int, account: Account, action: str) -> None:
    with engine.begin() as conn:
        state = queue.mention_with_state(conn, mention_id)
        assert state is not None
        version = int(state["version"])
        if action == "assign":
            result = queue.assign(conn, mention_id, version, "bob", account)
        elif action == "resolve":
            result = queue.set_status(conn, mention_id, version, "replied", account)
        elif action == "reopen":
            result = queue.set_status(conn, mention_id, version, "new", account)
        elif action == "reply":
            result = queue.record_reply(conn, mention_id, version, f"r-{mention_id}", account, "thanks")
        else:
            result = queue.dismiss(conn, mention_id, version, "spam", account)
        assert result.ok, result.message


def _keys_now(engine: Engine) -> tuple[int, dict[queue.QueueFilters, pd.DataFrame]]:
    with engine.connect() as conn:
        version = queue.queue_version(conn)
        return version, {part: queue.queue_keys(conn, part, **TIMING) for f in FILTERS for part in queue.split(f)}


def test_actions_record_what_they_changed_and_a_patch_equals_a_read(seeded: Engine) -> None:
    ann, bob = _account(seeded, "ann"), _account(seeded, "bob")
    with seeded.connect() as conn:
        recent, old = _flagged(conn), _flagged(conn, older=True, limit=2)
    since, kept = _keys_now(seeded)
    # two people act, each in their own transaction (as two sessions would), on recent and older mentions
    _act(seeded, recent[0], ann, "assign")
    _act(seeded, recent[1], bob, "resolve")
    _act(seeded, recent[2], ann, "reply")
    _act(seeded, old[0], bob, "dismiss")
    _act(seeded, recent[0], bob, "resolve")
    _act(seeded, recent[0], ann, "reopen")
    with seeded.connect() as conn:
        until = queue.queue_version(conn)
        changed = queue.changed_since(conn, since, until)
        assert until == since + 6
        assert changed == frozenset({*recent[:3], old[0]})
        assert queue.changed_since(conn, until, until) == frozenset()
        assert queue.changed_since(conn, until - 1, until) == frozenset({recent[0]})
        for part, before in kept.items():
            patched = queue.patch_keys(conn, before, part, changed, **TIMING)
            pd.testing.assert_frame_equal(patched, queue.queue_keys(conn, part, **TIMING))
        for filters in FILTERS:
            whole = queue.queue_order(conn, filters, **TIMING)
            parts = [queue.patch_keys(conn, kept[p], p, changed, **TIMING) for p in queue.split(filters)]
            assert queue.merge_keys(parts) == whole
        # the actions did change what the filters list
        assert any(len(kept[p]) != len(queue.queue_keys(conn, p, **TIMING)) for p in kept)
        # the older items' count: only an action on a mention in its days can change it
        before = queue.older(FILTERS[0])
        assert before is not None
        assert queue.touches(conn, before, frozenset({old[0]}))
        assert not queue.touches(conn, before, frozenset(recent[:3]))
        assert queue.touches(conn, FILTERS[0], frozenset(recent[:1]))


def test_a_bump_that_does_not_say_what_it_changed_means_read_everything(seeded: Engine) -> None:
    with seeded.connect() as conn:
        since = queue.queue_version(conn)
    _act(seeded, _flagged(seeded.connect())[0], _account(seeded, "ann"), "assign")
    with seeded.begin() as conn:
        privacy.bump_versions(conn)  # an erasure: no record of which mentions
    with seeded.connect() as conn:
        until = queue.queue_version(conn)
        assert until == since + 2
        assert queue.changed_since(conn, since, until) is None
        assert queue.changed_since(conn, since, until - 1) is not None
        assert queue.changed_since(conn, since, since + queue.CHANGE_KEEP + 1) is None


def test_old_change_records_are_dropped(seeded: Engine) -> None:
    with seeded.begin() as conn:
        for _ in range(queue.CHANGE_KEEP + 5):
            queue._bump_queue_version(conn, [1])
        version = queue.queue_version(conn)
        kept = conn.execute(select(meta.c.key).where(meta.c.key.like(f"{queue.CHANGE_KEY}%"))).all()
        assert len(kept) <= queue.CHANGE_KEEP + 1
        assert queue.changed_since(conn, version - 3, version) == frozenset({1})
        assert queue.changed_since(conn, 0, version) is None


def _post(n: int, when: Any, batch: int) -> pd.DataFrame:
    made = demo.generate(mentions=4 * n + 4, days=1, seed=batch, id_base=900_000_000 + batch * 10_000, source="t")
    frame = made[~made["is_own"]].head(n).reset_index(drop=True)
    frame["text"] = [f"@acme how do I reset my password? it keeps failing ({batch}-{i})" for i in range(len(frame))]
    frame["brand"] = "Acme"
    frame["created_at"] = pd.to_datetime([when - timedelta(minutes=i + 1) for i in range(len(frame))], utc=True)
    frame["kind"], frame["parent_id"], frame["thread_id"] = "post", None, None
    return frame


def test_the_page_reads_patch_and_stay_equal_to_a_whole_read(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """ui.queue_read as the page calls it, rerun after rerun: actions by two people (another session's
    too: the kept parts are the server's), a collection today, a backdated mention and an erasure's
    bump; each time the order, its count and the older count equal one read of the store."""
    queue_read._kept.clear()
    ctx = Context(config=load_config(None), engine=seeded, url=str(seeded.url))
    ann, bob = _account(seeded, "ann"), _account(seeded, "bob")
    minute = FIXED_NOW.replace(second=0, microsecond=0).isoformat()
    timing = queue_read._timing(ctx, minute)
    reads: list[str] = []
    original = queue.queue_keys

    def counted(*args: Any, **kwargs: Any) -> pd.DataFrame:
        part = args[1]
        reads.append("patch" if kwargs.get("ids") is not None else "day" if part.start == part.end else "whole")
        return original(*args, **kwargs)

    def check() -> None:
        with seeded.connect() as conn:
            versions = reader.versions(conn)
        for filters in FILTERS:
            order = queue_read.order(ctx, versions, filters, minute)
            with seeded.connect() as conn:
                assert order == queue.queue_order(conn, filters, **timing)
                before = queue.older(filters)
                expected = queue.queue_count(conn, before) if before is not None else 0
            assert queue_read.older_count(ctx, versions, filters) == expected

    monkeypatch.setattr(queue, "queue_keys", counted)
    try:
        check()
        assert "whole" in reads and "patch" not in reads
        with seeded.connect() as conn:
            recent, old = _flagged(conn), _flagged(conn, older=True, limit=2)
        for mention_id, who, action in [
            (recent[0], ann, "assign"),
            (recent[1], bob, "resolve"),
            (old[0], bob, "dismiss"),
            (recent[0], bob, "reopen"),
        ]:
            reads.clear()
            _act(seeded, mention_id, who, action)
            check()
            assert reads and set(reads) == {"patch"}, reads  # no whole part read again
        # a collection today, then a backdated mention: only the days they touched are read again
        config = load_config(None)
        reads.clear()
        assert ingest(seeded, _post(4, FIXED_NOW - timedelta(minutes=30), 1), config.brands).new == 4
        check()
        assert reads and set(reads) == {"day"}, reads
        assert ingest(seeded, _post(3, FIXED_NOW - timedelta(days=4), 2), config.brands).new == 3
        reads.clear()
        check()
        assert reads and set(reads) == {"day"}, reads
        # an action after them patches again; an erasure's bump reads everything
        reads.clear()
        _act(seeded, recent[3], ann, "assign")
        check()
        assert set(reads) == {"patch"}
        reads.clear()
        with seeded.begin() as conn:
            privacy.bump_versions(conn)
        check()
        assert "whole" in reads and "patch" not in reads
    finally:
        queue_read._kept.clear()


BUSINESS = {"Acme": BusinessHours(timezone="Europe/Berlin", hours="09:00-17:00", days=("mon", "tue", "wed"))}


@pytest.mark.parametrize("hours", [None, BUSINESS])
def test_a_settled_part_reads_the_same_later(seeded: Engine, hours: Any) -> None:
    """store.queue.settled: every mention of the part has breached its SLA, so its keys do not change with time."""
    closed = queue.QueueFilters(brands=("Acme",), start=END - timedelta(days=9), end=END - timedelta(days=1))
    last = queue.QueueFilters(brands=("Acme",), start=END, end=END)
    # Wednesday 15:00 UTC: 7 business hours since Berlin opened; every mention of Tuesday (even one
    # posted after it closed) has waited more than the 4 hours
    timing: dict[str, Any] = {"now": FIXED_NOW + timedelta(hours=3), "sla_hours": SLA, "business_hours": hours}
    later = {**timing, "now": FIXED_NOW + timedelta(hours=5)}
    assert queue.settled(closed, **timing) and queue.settled(closed, **later)
    assert not queue.settled(last, **timing)
    # right after the range's end, nothing has breached yet; in business time, not until 4 open hours passed
    assert not queue.settled(closed, **{**timing, "now": FIXED_NOW - timedelta(hours=11, minutes=30)})
    assert queue.settled(closed, **{**timing, "now": FIXED_NOW}) == (hours is None)
    assert not queue.settled(replace(closed, end=None), **timing)
    with seeded.connect() as conn:
        pd.testing.assert_frame_equal(queue.queue_keys(conn, closed, **timing), queue.queue_keys(conn, closed, **later))
        # the last day's priorities still rise with time: it is read again at each 5-minute mark
        assert not queue.queue_keys(conn, last, **timing).equals(queue.queue_keys(conn, last, **later))


def test_a_restarted_server_takes_the_settled_parts_from_the_store(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The closed days' order and the older count are kept in store.readcache with their queue version: a
    restarted server reads them from there, patched by what actions changed since, equal to a whole read."""
    ctx = Context(config=load_config(None), engine=seeded, url=str(seeded.url))
    minute = FIXED_NOW.replace(second=0, microsecond=0).isoformat()
    timing = queue_read._timing(ctx, minute)
    filters = FILTERS[0]
    reads: list[str] = []
    keys, count = queue.queue_keys, queue.queue_count

    def counted_keys(*args: Any, **kwargs: Any) -> pd.DataFrame:
        reads.append("patch" if kwargs.get("ids") is not None else f"keys {args[1].start}..{args[1].end}")
        return keys(*args, **kwargs)

    def counted_count(*args: Any, **kwargs: Any) -> int:
        reads.append("count")
        return count(*args, **kwargs)

    monkeypatch.setattr(queue, "queue_keys", counted_keys)
    monkeypatch.setattr(queue, "queue_count", counted_count)

    def check() -> None:
        with seeded.connect() as conn:
            versions = reader.versions(conn)
            whole = queue.queue_order(conn, filters, **timing)
            before = queue.older(filters)
            assert before is not None
            older = count(conn, before)
        reads.clear()
        assert queue_read.order(ctx, versions, filters, minute) == whole
        assert queue_read.older_count(ctx, versions, filters) == older

    def restart() -> None:
        queue_read._kept.clear()
        queue_read._order.clear()

    try:
        restart()
        check()
        first, last = queue.split(filters)
        assert sorted(reads) == sorted(["count", f"keys {first.start}..{first.end}", f"keys {last.start}..{last.end}"])
        restart()
        check()
        assert reads == [f"keys {last.start}..{last.end}"]  # the closed days and the count come from the store
        with seeded.connect() as conn:
            recent, old = _flagged(conn), _flagged(conn, older=True, limit=1)
        _act(seeded, recent[0], _account(seeded, "bob"), "resolve")
        _act(seeded, old[0], _account(seeded, "ann"), "dismiss")
        restart()
        check()
        assert sorted(reads) == sorted(["patch", "count", f"keys {last.start}..{last.end}"])
        # a backdated mention into the closed days: a restarted server reads that day alone
        assert ingest(seeded, _post(2, FIXED_NOW - timedelta(days=4), 3), load_config(None).brands).new == 2
        restart()
        check()
        backdated = END - timedelta(days=4)
        # (the stored copy is still the one read before the two actions: they are patched in again)
        expected = ["patch", f"keys {backdated}..{backdated}", f"keys {last.start}..{last.end}"]
        assert sorted(reads) == sorted(expected)
        # an erasure empties the store's parts: everything is read again
        with seeded.begin() as conn:
            privacy.bump_versions(conn)
            readcache.clear(conn)
        restart()
        check()
        assert "patch" not in reads and "count" in reads
    finally:
        restart()
