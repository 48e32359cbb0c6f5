"""The store's part cache (store.readcache): exact round trips without pickle, bounded, never in
the way of a page, and emptied by every erasure (forget, retention). On SQLite, and on PostgreSQL
when TEST_DATABASE_URL is set. tests/test_split_reads.py checks a fresh server's reads through it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from pipeline import privacy, retention
from store import readcache, reader
from store.schema import read_cache
from tests import test_privacy as people
from tests.conftest import FIXED_NOW
from ui import context

FRAME = pd.DataFrame(
    {
        "text": ["=cmd", None, "plain"],
        "label": pd.array(["a", None, "c"], dtype="string"),
        "score": [0.5, np.nan, -1.0],
        "at": pd.to_datetime(["2026-11-01 10:00", None, "2026-11-02 00:00"], utc=True),
        "count": [1, 2, 3],
        "maybe": pd.array([1, None, 3], dtype="Int64"),
        "own": [True, False, True],
    }
)
VALUES: dict[str, Any] = {
    "frame": FRAME,
    "empty frame": FRAME.iloc[:0],
    "sliced frame": FRAME.iloc[1:],
    "indexed frame": FRAME.set_index("text"),
    "two-level index": FRAME.set_index(["label", "count"]),
    "series": FRAME["text"].rename("text"),
    "count": 7,
    "numpy count": np.int64(7),
    "pair": (3, 9),
    "names": ["reddit", "x"],
    "days": (date(2026, 11, 1), date(2026, 11, 2)),
    "nothing": None,
    "mapping": {"a": FRAME, "b": 2.5},
    "moment": datetime(2026, 11, 1, tzinfo=UTC),
}


@pytest.mark.parametrize("name", list(VALUES))
def test_values_come_back_exactly(name: str) -> None:
    value = VALUES[name]
    back = readcache.decode(readcache.checked(value))
    assert readcache.same(value, back)
    if isinstance(value, pd.DataFrame):
        pd.testing.assert_frame_equal(back, value)


def test_no_pickle_and_other_kinds_are_not_stored() -> None:
    data = readcache.encode(FRAME)
    assert b"ARROW" in data or b"\xff\xff\xff\xff" in data  # an Arrow IPC stream after a JSON header
    assert b"pandas" in data and not data.startswith(b"\x80")  # not a pickle
    for value in (object(), {1: "numbered keys"}, {"$frame": 1}, pd.DataFrame({1: [1]})):
        with pytest.raises(readcache.NotStorable):
            readcache.checked(value)
    assert readcache.arguments_key((object(),), {}) is None  # a repr with an address differs per process
    assert readcache.arguments_key((reader.Filters(("Acme",), (), date(2026, 1, 1), date(2026, 1, 2)),), {"by": 1})


def rows(engine: Engine) -> list[tuple[str, str, int]]:
    with engine.connect() as conn:
        found = conn.execute(select(read_cache.c.slot, read_cache.c.name, read_cache.c.size))
        return [(str(r.slot), str(r.name), int(r.size)) for r in found]


def test_one_row_per_slot_and_bounded(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def compute(n: int) -> Any:
        calls.append(n)
        return FRAME.assign(count=n)

    def later(n: int) -> Callable[[], Any]:
        return lambda: compute(n)

    for stamp in range(3):  # a new stamp replaces the slot's row
        value = readcache.cached(engine, "t.read", "p", (stamp, 0), ("a",), {}, later(stamp))
        assert list(value["count"]) == [stamp] * 3
    assert len(rows(engine)) == 1 and calls == [0, 1, 2]
    again = readcache.cached(engine, "t.read", "p", (2, 0), ("a",), {}, lambda: compute(99))
    assert list(again["count"]) == [2] * 3 and calls == [0, 1, 2]  # from the store

    size = rows(engine)[0][2]
    monkeypatch.setattr(readcache, "MAX_TOTAL_BYTES", 3 * size)
    for n in range(6):
        readcache.cached(engine, "t.read", "p", (1, 0), (f"args {n}",), {}, later(n))
    with engine.connect() as conn:
        total = int(conn.execute(select(func.sum(read_cache.c.size))).scalar() or 0)
    assert total <= 3 * size and len(rows(engine)) == 3  # the oldest went first
    assert {"t.read"} == {name for _, name, _ in rows(engine)}

    monkeypatch.setattr(readcache, "MAX_ENTRY_BYTES", 10)
    assert readcache.cached(engine, "t.big", "p", (1, 0), (), {}, lambda: FRAME) is FRAME
    assert "t.big" not in {name for _, name, _ in rows(engine)}
    # an unrecorded write (a negative stamp) and arguments without a stable text are computed, never stored
    readcache.cached(engine, "t.unrecorded", "p", (-1, 5), (), {}, lambda: FRAME)
    readcache.cached(engine, "t.unstable", "p", (1, 0), (object(),), {}, lambda: FRAME)
    assert not {"t.unrecorded", "t.unstable"} & {name for _, name, _ in rows(engine)}


def test_a_locked_sqlite_store_gives_up_storing_and_the_read_still_answers(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as writer:
        writer.exec_driver_sql("BEGIN IMMEDIATE")  # the scheduler in the middle of a write
        started = datetime.now(UTC)
        value = readcache.cached(sqlite_engine, "t.read", "p", (1, 0), (), {}, lambda: 42)
        waited = datetime.now(UTC) - started
        writer.exec_driver_sql("ROLLBACK")
    assert value == 42 and rows(sqlite_engine) == []
    assert waited < timedelta(seconds=25)  # gave up instead of waiting the store's 30 s (not a timing claim)
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000  # the pool's value is back


def test_a_broken_row_is_computed_again(engine: Engine) -> None:
    readcache.cached(engine, "t.read", "p", (1, 0), (), {}, lambda: 1)
    with engine.begin() as conn:
        conn.execute(read_cache.update().values(data=b"\x00" * 8 + b"{}"))
    assert readcache.cached(engine, "t.read", "p", (1, 0), (), {}, lambda: 2) == 2


def stored_bytes(conn: Any) -> bytes:
    """Every stored part's bytes, joined (what a search for a text in the cache table looks at)."""
    values: list[Any] = list(conn.execute(select(read_cache.c.data)).scalars())
    return b"".join(bytes(value) for value in values)


def filled(engine: Engine) -> bytes:
    """The page reads of the person's days through the dashboard's cache; the cache table's bytes."""
    context.read.clear()
    context._read_part.clear()
    with engine.connect() as conn:
        versions = reader.versions(conn)
    filters = reader.Filters(("Acme",), (), FIXED_NOW.date() - timedelta(days=6), FIXED_NOW.date())
    for function, args, kwargs in (
        (reader.recent_texts, ("negative",), {"limit": 1000}),
        (reader.extreme_posts, ("negative",), {"limit": 50}),
        (reader.top_posts, (), {"by": "engagements", "limit": 500}),
        (reader.top_authors, (), {"by": "engagements", "limit": 500}),
    ):
        context.read(engine, function, versions, filters, *args, **kwargs)
    with engine.connect() as conn:
        return stored_bytes(conn)


def test_forget_leaves_nothing_of_the_person_in_the_cache(people_seeded: Engine) -> None:
    people.with_person(people_seeded)
    before = filled(people_seeded)
    assert people.HANDLE.encode() in before and people.THEIR_TEXTS[0].encode() in before
    assert privacy.forget(people_seeded, "bluesky", people.HANDLE, actor="cli:test", now=people.NOW).erased == 2
    with people_seeded.connect() as conn:
        right_after = stored_bytes(conn)
    after = filled(people_seeded)  # then the pages read again: the cache fills without them
    for needle in (people.HANDLE, people.NAME, people.DID, *people.THEIR_TEXTS):
        assert needle.encode() not in right_after and needle.encode() not in after


def test_retention_empties_the_cache(people_seeded: Engine) -> None:
    people.with_person(people_seeded)
    assert filled(people_seeded)
    done = retention.apply_retention(people_seeded, people.config_with(retain_days=1), people.NOW)
    assert done.erased > 0
    assert rows(people_seeded) == []


@pytest.fixture
def people_seeded(engine: Engine) -> Engine:
    from config import load_config
    from pipeline.seed import seed_demo

    seed_demo(engine, load_config(None), mentions=300, days=10, end=FIXED_NOW)
    return engine
