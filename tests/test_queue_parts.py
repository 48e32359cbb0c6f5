"""The queue's order read in parts (store.queue.split, queue_keys, merge_keys; ui.queue_read keeps
the parts across collections), the count of older items (store.queue.older), and the partial index
that serves the queue (migration 0010). On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, inspect, select, text

from collectors import demo
from config import BusinessHours, load_config
from pipeline.ingest import ingest
from pipeline.seed import seed_demo
from store import accounts, queue, touched
from tests.conftest import FIXED_NOW

SLA = {"Acme": 4.0, "Globex": 2.0}
END = FIXED_NOW.date()
BUSINESS = {"Acme": BusinessHours(timezone="Europe/Berlin", hours="09:00-17:00", days=("mon", "tue", "wed"))}


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=800, days=20, end=FIXED_NOW)
    return engine


FILTERS = [
    queue.QueueFilters(brands=("Acme",), start=END - timedelta(days=9), end=END),
    queue.QueueFilters(brands=("Acme", "Globex"), platforms=("x", "reddit"), start=END - timedelta(days=5), end=END),
    queue.QueueFilters(brands=("Acme",), end=END),  # older items included: no start
    queue.QueueFilters(brands=("Acme",), statuses=("replied",), start=END - timedelta(days=12), end=END),
    queue.QueueFilters(
        brands=("Acme",), start=END - timedelta(days=1), end=END - timedelta(days=1)
    ),  # one day: one part
]


def _parts_order(conn: Connection, filters: queue.QueueFilters, **timing: Any) -> list[int]:
    return queue.merge_keys([queue.queue_keys(conn, part, **timing) for part in queue.split(filters)])


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("hours", [None, BUSINESS])
def test_parts_merge_into_the_whole_order(seeded: Engine, filters: queue.QueueFilters, hours: Any) -> None:
    timing: dict[str, Any] = {"now": FIXED_NOW - timedelta(hours=2), "sla_hours": SLA, "business_hours": hours}
    with seeded.connect() as conn:
        whole = queue.queue_order(conn, filters, **timing)
        keys = queue.queue_keys(conn, filters, **timing)
        assert list(keys["id"]) == whole
        assert len(whole) > (1 if filters.start == filters.end else 3)
        assert _parts_order(conn, filters, **timing) == whole
    assert len(queue.split(filters)) == (1 if filters.start == filters.end else 2)


def _write(engine: Engine, n: int, when: datetime, batch: int) -> int:
    """`n` new mentions of others (questions, so flagged) posted at `when`, as a collection stores them."""
    made = demo.generate(mentions=4 * n + 4, days=1, seed=batch, id_base=800_000_000 + batch * 10_000, source="t")
    frame = made[~made["is_own"]].head(n).reset_index(drop=True)
    frame["text"] = [f"@acme how do I reset my password? it keeps failing ({i})" for i in range(len(frame))]
    frame["brand"] = "Acme"
    frame["created_at"] = pd.to_datetime([when - timedelta(minutes=i + 1) for i in range(len(frame))], utc=True)
    frame["kind"], frame["parent_id"], frame["thread_id"] = "post", None, None
    return ingest(engine, frame, load_config(None).brands).new


def test_a_write_into_the_last_day_keeps_the_first_part_and_the_merge_stays_exact(seeded: Engine) -> None:
    filters = FILTERS[0]
    timing: dict[str, Any] = {"now": FIXED_NOW, "sla_hours": SLA, "business_hours": None}
    first, last = queue.split(filters)
    with seeded.connect() as conn:
        days = touched.state(conn)
        kept = queue.queue_keys(conn, first, **timing)
        before = queue.queue_order(conn, filters, **timing)
    assert _write(seeded, 6, FIXED_NOW - timedelta(minutes=5), 1) == 6
    with seeded.connect() as conn:
        after = touched.state(conn)
        # the first part's days were not touched: its stamp holds, and so does what it reads
        assert after.stamp(first.start, first.end) == days.stamp(first.start, first.end)  # type: ignore[arg-type]
        assert after.stamp(last.start, last.end) != days.stamp(last.start, last.end)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(queue.queue_keys(conn, first, **timing), kept)
        merged = queue.merge_keys([kept, queue.queue_keys(conn, last, **timing)])
        whole = queue.queue_order(conn, filters, **timing)
    assert merged == whole
    assert len(whole) == len(before) + 6
    # a backdated write moves the first part's stamp: it is read again, never served stale
    assert _write(seeded, 3, FIXED_NOW - timedelta(days=3), 2) == 3
    with seeded.connect() as conn:
        moved = touched.state(conn)
        assert moved.stamp(first.start, first.end) != after.stamp(first.start, first.end)  # type: ignore[arg-type]
        assert _parts_order(conn, filters, **timing) == queue.queue_order(conn, filters, **timing)


def test_older_items_are_counted_so_none_is_lost_from_sight(seeded: Engine) -> None:
    filters = FILTERS[0]
    before = queue.older(filters)
    assert before is not None and before.start is None and before.end == filters.start - timedelta(days=1)  # type: ignore[operator]
    assert queue.older(FILTERS[2]) is None
    with seeded.connect() as conn:
        shown = queue.queue_count(conn, filters)
        older = queue.queue_count(conn, before)
        everything = queue.queue_count(conn, queue.QueueFilters(brands=("Acme",), end=END))
    assert older > 0 and shown > 0
    assert shown + older == everything
    # an old item dismissed leaves the older count
    with seeded.connect() as conn:
        old_id = queue.queue_order(conn, before, now=FIXED_NOW, sla_hours=SLA)[0]  # an old item still in the queue
    with seeded.begin() as conn:
        accounts.add(conn, "ann", "responder", "a-long-enough-password", actor="test")
        ann = accounts.get(conn, "ann")
        assert ann is not None
        state = queue.mention_with_state(conn, old_id)
        assert state is not None
        assert queue.dismiss(conn, old_id, state["version"], "spam", ann).ok
    with seeded.connect() as conn:
        assert queue.queue_count(conn, before) == older - 1


def test_the_queue_index_matches_the_schema_and_serves_the_queue(seeded: Engine) -> None:
    found = {i["name"]: i for i in inspect(seeded).get_indexes("mentions")}
    index = found["ix_mentions_queue"]
    assert index["column_names"][:6] == ["brand", "created_at", "priority_base", "platform", "needs_reply", "is_own"]
    dialect = seeded.dialect.name
    where = str(index.get("dialect_options", {}).get(f"{dialect}_where", "")).lower()
    assert "needs_reply" in where and "is_own" in where
    query = (
        select(queue.func.count())
        .select_from(queue._joined())
        .where(*queue._conditions(FILTERS[0]))
        .compile(seeded, compile_kwargs={"literal_binds": True})
    )
    with seeded.connect() as conn:
        if dialect == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}"))
        else:
            conn.execute(text("SET enable_seqscan = off"))
            plan = " ".join(str(r[0]) for r in conn.exec_driver_sql(f"EXPLAIN {query}"))
    assert "ix_mentions_queue" in plan, plan
