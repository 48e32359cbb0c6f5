"""Two collections writing at once: each post is counted new once, and the hourly rollups stay right.

On PostgreSQL the scheduler's sources write in parallel. Ingest A is held just before it commits
(after its upsert and rollup refresh); ingest B starts, and A is let go only once B waits on a
lock held by A, so the race is the same on every run (no sleeps: the wait is observed in
pg_stat_activity). On SQLite one writer at a time holds the lock, taken before any key look-up.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text

from collectors import demo
from pipeline.ingest import IngestResult, ingest
from store import touched, writer
from store.schema import mentions, rollup_hourly
from tests.conftest import builtin_demo_config, wait_until_second_waits


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    one = demo.generate(400, days=1, seed=31, id_base=10_000_000, follow_ups=False)
    two = demo.generate(400, days=1, seed=32, id_base=20_000_000, follow_ups=False)
    return one, two


def _brands() -> list[Any]:
    return list(builtin_demo_config().brands)


class _HeldIngest:
    """Ingest in a thread that stops just before its commit until `release()`."""

    def __init__(self, engine: Engine, frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reached = threading.Event()
        self.go = threading.Event()
        self.result: IngestResult | None = None
        self.error: BaseException | None = None
        original = touched.record
        me: dict[str, threading.Thread] = {}

        def record(conn: Any, days: Any) -> None:
            original(conn, days)
            if threading.current_thread() is me["thread"]:
                self.reached.set()
                assert self.go.wait(120), "never released"

        monkeypatch.setattr(touched, "record", record)
        me["thread"] = self.thread = threading.Thread(target=self._run, args=(engine, frame), daemon=True)

    def _run(self, engine: Engine, frame: pd.DataFrame) -> None:
        try:
            self.result = ingest(engine, frame, _brands())
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.error = exc

    def start(self) -> None:
        self.thread.start()
        assert self.reached.wait(120), "ingest A never reached its commit"

    def release(self) -> None:
        self.go.set()
        self.thread.join(120)


def _in_thread(engine: Engine, frame: pd.DataFrame) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["result"] = ingest(engine, frame, _brands())
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def _race(
    engine: Engine, second: Engine, one: pd.DataFrame, two: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> tuple[IngestResult, IngestResult]:
    """Ingest `one` (A, held before its commit) and `two` (B, on `second`); let A go once B waits on it."""
    a = _HeldIngest(engine, one, monkeypatch)
    a.start()
    b_thread, b = _in_thread(second, two)
    wait_until_second_waits(engine, b_thread)
    a.release()
    b_thread.join(120)
    assert a.error is None and "error" not in b, (a.error, b.get("error"))
    assert a.result is not None
    return a.result, b["result"]


def _stored(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(mentions)).scalar_one()
        rolled: int = conn.execute(select(func.coalesce(func.sum(rollup_hourly.c.mentions), 0))).scalar_one()
    return int(stored), int(rolled)


@pytest.mark.postgres
def test_postgres_same_posts_at_once_are_counted_new_once(
    pg_engine: Engine, second_pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(pg_engine, demo.generate(50, days=1, seed=30, follow_ups=False), _brands())  # not empty: keys looked up
    frame, _ = _frames()
    a, b = _race(pg_engine, second_pg_engine, frame, frame, monkeypatch)
    assert a.new == len(frame)
    assert b.new == 0 and b.updated == len(frame)  # was len(frame): both counted it new
    stored, rolled = _stored(pg_engine)
    assert stored == rolled


@pytest.mark.postgres
def test_postgres_two_collections_of_the_same_hours_both_land(
    pg_engine: Engine, second_pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ingest(pg_engine, demo.generate(50, days=1, seed=30, follow_ups=False), _brands())
    one, two = _frames()
    # before the rollup lock B failed: duplicate key value violates unique constraint "rollup_hourly_pkey"
    a, b = _race(pg_engine, second_pg_engine, one, two, monkeypatch)
    assert a.new and b.new
    stored, rolled = _stored(pg_engine)
    assert stored == rolled == first.new + a.new + b.new


def test_sqlite_keys_are_looked_up_under_the_write_lock(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer cannot start between the look-up of stored keys and the upsert."""
    ingest(sqlite_engine, demo.generate(50, days=1, seed=30, follow_ups=False), _brands())
    database = sqlite_engine.url.database
    assert database
    seen: list[bool] = []
    original = writer.stored_versions

    def stored_versions(conn: Any, keys: Any) -> Any:
        other = sqlite3.connect(database, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.rollback()
            seen.append(False)  # another writer got in: the look-up was outside the lock
        except sqlite3.OperationalError as exc:
            seen.append("locked" in str(exc))
        finally:
            other.close()
        return original(conn, keys)

    monkeypatch.setattr(writer, "stored_versions", stored_versions)
    frame, _ = _frames()
    assert ingest(sqlite_engine, frame, _brands()).new == len(frame)
    assert seen and all(seen)
    assert ingest(sqlite_engine, frame, _brands()).new == 0


@pytest.mark.postgres
def test_postgres_statistics_refreshed_after_a_large_write(pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A seed or import plans its follow-up look-ups on fresh statistics, not the empty table's."""
    from pipeline import ingest as ingest_module

    def analyzed() -> int:
        with pg_engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT analyze_count FROM pg_stat_user_tables "
                        "WHERE relname = 'mentions' AND schemaname = current_schema()"
                    )
                ).scalar_one()
            )

    before = analyzed()
    monkeypatch.setattr(ingest_module, "ANALYZE_AFTER", 10_000)
    ingest(pg_engine, demo.generate(2_000, days=1, seed=33, follow_ups=False), _brands())  # under the threshold
    assert analyzed() == before
    ingest(pg_engine, demo.generate(12_000, days=3, seed=34, id_base=30_000_000, follow_ups=False), _brands())
    assert analyzed() == before + 1
