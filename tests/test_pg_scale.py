"""Scale past one machine (PostgreSQL): two scheduler processes and two dashboard readers on one database.

What the README's team section promises, checked on a real PostgreSQL (skipped without
TEST_DATABASE_URL; REQUIRE_POSTGRES=1 turns the skip into a failure, as in CI):

- two `cli.py schedule` processes on the same sources never run one source at once: the
  `runs` rows of each source (each written inside its lease) never overlap, and the stored
  rows, the ok runs and the cursor agree;
- a dashboard reader never waits on a write: the readers run with `lock_timeout` so a read
  that would wait on a lock fails at once (LockNotAvailable) instead of racing a sleep. A
  real ingest and a real queue action are held open just before their COMMIT (an engine
  event), and both readers read through them, seeing the data as it was; after the commit
  they see it all. A control test shows the guard does fire on a write that does block
  readers (an ACCESS EXCLUSIVE lock, what a TRUNCATE, a non-concurrent materialized view
  refresh or creating a partition of a partitioned table would take).

Nothing asserts on time; waits poll the database with a deadline that only bounds a hang.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from collectors import demo
from config import Config
from pipeline.ingest import ingest
from store import queue, reader
from store.accounts import Account
from store.engine import make_engine
from store.schema import cursors, mention_state, mentions, rollup_hourly
from tests.conftest import FIXED_NOW, ROOT, child_env
from tests.test_scheduler_cli import BRANDS, _runs

pytestmark = pytest.mark.postgres

#: a read that would wait on a lock fails after this long instead (a block fails fast, no sleep race).
READER_LOCK_TIMEOUT = "200ms"
#: bounds a hang only; no read here comes near it.
READER_STATEMENT_TIMEOUT = "120s"
#: how long a held-open write waits for the readers before it gives up (bounds a hang only).
HOLD_LIMIT_S = 120.0


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _reader_engine(url: str) -> Engine:
    """A dashboard reader's engine: any lock wait longer than READER_LOCK_TIMEOUT raises."""
    engine = make_engine(url, migrate_schema=False)

    @event.listens_for(engine, "connect")
    def _timeouts(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = '{READER_LOCK_TIMEOUT}'")
        cursor.execute(f"SET statement_timeout = '{READER_STATEMENT_TIMEOUT}'")
        cursor.close()
        dbapi_connection.commit()

    return engine


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 240.0) -> None:
    """Poll until `condition` holds; the timeout only bounds a hang (a busy machine is slow, not wrong)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


# ---------------------------------------------------------------------------------------------- what a page reads


def page_reads(conn: Connection, config: Config) -> dict[str, Any]:
    """The reads a dashboard rerun makes (Overview and queue), in one snapshot (REPEATABLE READ)."""
    brands = tuple(b.name for b in config.brands)
    bounds = reader.date_bounds(conn)
    out: dict[str, Any] = {"versions": reader.versions(conn), "bounds": bounds}
    stored = conn.execute(select(func.count()).select_from(mentions)).scalar()
    rolled = conn.execute(select(func.coalesce(func.sum(rollup_hourly.c.mentions), 0))).scalar()
    out["stored"], out["rolled"] = int(stored or 0), int(rolled or 0)
    if bounds is not None:
        filters = reader.Filters(brands, start=bounds[0], end=bounds[1])
        out["rollup_rows"] = len(reader.rollups(conn, filters, include_own=True))
        out["open_flagged"] = reader.open_flagged_count(conn, filters)
        out["top_posts"] = len(reader.top_posts(conn, filters))
        own = queue.QueueFilters(brands, statuses=(*queue.OPEN, "replied", "dismissed"))
        out["queue"] = queue.queue_count(conn, own)
        page = queue.queue_page(conn, own, now=FIXED_NOW, sla_hours={}, limit=20)
        out["queue_first"] = page["id"].tolist()
    return out


def read_snapshot(engine: Engine, config: Config) -> dict[str, Any]:
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return page_reads(conn, config)


class Readers:
    """Two dashboard readers, each its own engine and thread, reading while `stop` is unset."""

    def __init__(self, url: str, config: Config, count: int = 2) -> None:
        self.engines = [_reader_engine(url) for _ in range(count)]
        self.config = config
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.seen: list[list[dict[str, Any]]] = [[] for _ in range(count)]
        self.threads = [threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(count)]

    def _loop(self, index: int) -> None:
        try:
            while not self.stop.is_set():
                self.seen[index].append(read_snapshot(self.engines[index], self.config))
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            self.errors.append(exc)

    def __enter__(self) -> Readers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=HOLD_LIMIT_S)
        for engine in self.engines:
            engine.dispose()


# ---------------------------------------------------------------------------------------------- two schedulers


def _source(name: str, per_run: int) -> str:
    return f'\n[[sources]]\nname = "{name}"\nplatform = "demo"\nbrand = "Acme"\nevery = "1s"\nper_run = {per_run}\n'


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:  # never leave one behind, whatever the test did
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _ok_runs(engine: Engine) -> dict[str, int]:
    frame = _runs(engine)
    return frame[frame["status"] == "ok"].groupby("source").size().to_dict()


def test_two_scheduler_processes_and_two_readers_share_one_postgres(
    pg_engine: Engine, demo_config: Config, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    from store import locks

    names = ("shared-a", "shared-b")
    (tmp_path / "monitor.toml").write_text(
        BRANDS + "".join(_source(n, 1500) for n in names) + f'\n[reports]\ndir = "{tmp_path / "reports"}"\n'
    )
    env = child_env(DATABASE_URL=_url(pg_engine), MONITOR_CONFIG=str(tmp_path / "monitor.toml"))
    holder = "scheduler@elsewhere:1#held"  # holds both sources until each scheduler found them taken
    for name in names:
        assert locks.acquire(pg_engine, name, "demo", holder, ttl=3600) is None
    started = []
    for log in ("first.log", "second.log"):
        with open(tmp_path / log, "wb") as out:
            started.append(
                subprocess.Popen(
                    [sys.executable, str(ROOT / "cli.py"), "schedule", "--no-reports"],
                    cwd=tmp_path,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    processes.extend(started)
    for log in ("first.log", "second.log"):
        _wait_for(lambda log=log: f"locked by {holder}" in (tmp_path / log).read_text(), f"{log}: source taken")
    with Readers(_url(pg_engine), demo_config) as readers:
        for name in names:
            assert locks.release(pg_engine, name, holder)
        _wait_for(
            lambda: readers.errors or all(_ok_runs(pg_engine).get(n, 0) >= 3 for n in names),
            "three ok runs of each source",
        )
        _wait_for(lambda: readers.errors or all(len(seen) >= 3 for seen in readers.seen), "reads during the runs")
    for proc in started:
        proc.send_signal(signal.SIGTERM)
    assert [proc.wait(timeout=60) for proc in started] == [0, 0]
    assert not readers.errors, readers.errors  # no read waited on a lock (LockNotAvailable) or failed

    done = _runs(pg_engine)
    stopped = done["status"] == "error"  # a run under way at SIGTERM is closed as interrupted, nothing half-saved
    assert (done.loc[stopped, "error"] == "interrupted: the scheduler was stopped").all(), done
    assert ((done["status"] == "ok") | stopped).all(), done
    assert (done.loc[stopped, "new"] == 0).all(), done
    cursors_seen: list[int] = []
    for name in names:
        mine = done[done["source"] == name].sort_values("started_at")
        assert (mine["status"] == "ok").sum() >= 3
        # each run row is written inside the source's lease: one run ends before the next starts
        assert (mine["started_at"].iloc[1:].to_numpy() >= mine["finished_at"].iloc[:-1].to_numpy()).all(), mine
        with pg_engine.connect() as conn:
            cursor = conn.execute(select(cursors.c.cursor).where(cursors.c.source == name)).scalar()
            lease = conn.execute(select(cursors.c.lock_owner).where(cursors.c.source == name)).scalar()
        assert int(cursor or 0) == mine.loc[mine["status"] == "ok", "fetched"].sum()  # no run lost or doubled
        cursors_seen.append(int(cursor or 0))
        assert lease is None  # both schedulers gave their leases back on SIGTERM

    for seen in readers.seen:
        for snapshot in seen:  # a reader sees a whole write or none of it: rows and rollups agree
            assert snapshot["stored"] == snapshot["rolled"], snapshot
        data_versions = [s["versions"][0] for s in seen]
        assert data_versions == sorted(data_versions)  # never goes back
    # the load-mode demo numbers its posts from the cursor, so both sources make the same ids:
    # what is stored is the longer run of ids, each once (the (platform, post_id) upsert)
    final = read_snapshot(pg_engine, demo_config)
    assert final["stored"] == final["rolled"] == max(cursors_seen)


# ---------------------------------------------------------------------------------------------- reads through an open write


class HeldCommit:
    """Holds every transaction of `engine` open just before its COMMIT until `release()` (a throwaway engine)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.reached = threading.Event()
        self.go = threading.Event()
        self.pid: int | None = None  # the held transaction's server process
        event.listen(engine, "commit", self._hold)

    def _hold(self, conn: Connection) -> None:
        self.pid = conn.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
        self.reached.set()
        if not self.go.wait(HOLD_LIMIT_S):
            raise RuntimeError("the readers never finished: the held write gives up")

    def release(self) -> None:
        self.go.set()


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(work())
        except BaseException as exc:  # noqa: BLE001 - checked by the test
            out.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def _read_twice_concurrently(url: str, config: Config) -> list[dict[str, Any]]:
    """Both readers read at the same time (a barrier), each on its own engine; errors are raised."""
    engines = [_reader_engine(url) for _ in range(2)]
    barrier = threading.Barrier(2)

    def one(engine: Engine) -> dict[str, Any]:
        barrier.wait(timeout=HOLD_LIMIT_S)
        return read_snapshot(engine, config)

    try:
        pairs = [_in_thread(lambda e=e: one(e)) for e in engines]
        for thread, _ in pairs:
            thread.join(timeout=HOLD_LIMIT_S)
        results = [out[0] if out else RuntimeError("a reader hung") for _, out in pairs]
    finally:
        for engine in engines:
            engine.dispose()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def test_readers_read_through_an_open_ingest_and_an_open_queue_action(pg_engine: Engine, demo_config: Config) -> None:
    url = _url(pg_engine)
    first = demo.generate(mentions=600, days=5, seed=3, end=FIXED_NOW)
    ingest(pg_engine, first, demo_config.brands)
    before = read_snapshot(pg_engine, demo_config)
    assert before["stored"] == before["rolled"] > 0 and before["queue"] > 0

    # 1. an ingest (upsert, rollups, data_version, cursor) held open just before its COMMIT
    writer_engine = make_engine(url, migrate_schema=False)
    held = HeldCommit(writer_engine)
    more = demo.generate(mentions=400, days=5, seed=4, end=FIXED_NOW)
    thread, out = _in_thread(lambda: ingest(writer_engine, more, demo_config.brands, source="s", platform="demo"))
    try:
        assert held.reached.wait(HOLD_LIMIT_S), out
        with pg_engine.connect() as conn:  # the write really is open, holding its locks on the tables read
            held_on = (
                conn.execute(
                    text(
                        "SELECT DISTINCT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        "WHERE l.pid = :pid AND l.granted AND l.mode = 'RowExclusiveLock'"
                    ),
                    {"pid": held.pid},
                )
                .scalars()
                .all()
            )
        assert {"mentions", "rollup_hourly", "meta"} <= set(held_on), held_on
        during = _read_twice_concurrently(url, demo_config)  # LockNotAvailable here would mean a block
    finally:
        held.release()
        thread.join(timeout=HOLD_LIMIT_S)
        writer_engine.dispose()
    assert during == [before, before]  # the data as it was, whole
    result = out[0]
    assert not isinstance(result, BaseException), result
    after = read_snapshot(pg_engine, demo_config)
    assert after["stored"] == after["rolled"] == before["stored"] + result.new
    assert after["versions"][0] == before["versions"][0] + 1

    # 2. a queue action (a row lock on mention_state, the queue_version bump, an audit row) held open
    target = after["queue_first"][0]
    writer_engine = make_engine(url, migrate_schema=False)
    held = HeldCommit(writer_engine)

    def act() -> queue.ActionResult:
        with writer_engine.begin() as conn:
            return queue.set_status(conn, target, 0, "dismissed", Account("Ann", "responder"))

    thread, out = _in_thread(act)
    try:
        assert held.reached.wait(HOLD_LIMIT_S), out
        during = _read_twice_concurrently(url, demo_config)
    finally:
        held.release()
        thread.join(timeout=HOLD_LIMIT_S)
        writer_engine.dispose()
    assert during == [after, after]
    assert out and not isinstance(out[0], BaseException) and out[0].ok, out
    done = read_snapshot(pg_engine, demo_config)
    assert done["versions"] == (after["versions"][0], after["versions"][1] + 1)
    with pg_engine.connect() as conn:
        assert conn.execute(select(mention_state.c.status).where(mention_state.c.mention_id == target)).scalar() == (
            "dismissed"
        )


def test_the_reader_guard_fails_fast_on_a_write_that_blocks_reads(pg_engine: Engine, demo_config: Config) -> None:
    """Control: the lock_timeout guard turns a blocking write into an error, so the test above can fail."""
    ingest(pg_engine, demo.generate(mentions=200, days=3, seed=5, end=FIXED_NOW), demo_config.brands)
    url = _url(pg_engine)
    blocker = make_engine(url, migrate_schema=False)
    try:
        with blocker.connect() as conn, conn.begin():
            conn.execute(text("LOCK TABLE rollup_hourly IN ACCESS EXCLUSIVE MODE"))
            with pytest.raises(OperationalError, match="lock timeout"):
                _read_twice_concurrently(url, demo_config)
    finally:
        blocker.dispose()
    assert read_snapshot(pg_engine, demo_config)["stored"] > 0  # reads again once the lock is gone


def test_page_reads_agree_on_a_fresh_snapshot(pg_engine: Engine, demo_config: Config) -> None:
    """The readers' snapshot itself: an empty store, then a seeded one, counted both ways."""
    empty = read_snapshot(pg_engine, demo_config)
    assert empty == {"versions": (0, 0), "bounds": None, "stored": 0, "rolled": 0}
    result = ingest(pg_engine, demo.generate(mentions=300, days=3, seed=6, end=FIXED_NOW), demo_config.brands)
    seeded = read_snapshot(pg_engine, demo_config)
    assert seeded["stored"] == seeded["rolled"] == result.new
    assert seeded["bounds"] == (datetime(2026, 11, 16, tzinfo=UTC).date(), FIXED_NOW.date())
