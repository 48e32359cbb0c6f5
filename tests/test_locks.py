"""Source leases (store/locks.py) and the runner honouring them, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, func, select

from collectors import demo
from config import Config
from pipeline.runner import run_source
from store import locks, writer
from store.schema import cursors, runs
from tests.conftest import FIXED_NOW


class Clock:
    """A settable UTC clock for the lease functions."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_a_held_lease_names_its_holder_until_released(engine: Engine) -> None:
    clock = Clock()
    assert locks.acquire(engine, "s1", "demo", "alpha", clock=clock) is None
    assert locks.acquire(engine, "s1", "demo", "beta", clock=clock) == "alpha"
    assert locks.acquire(engine, "s1", "demo", "alpha", clock=clock) == "alpha"  # never re-entrant
    owner, expires = locks.holder(engine, "s1", clock)
    assert owner == "alpha" and expires == FIXED_NOW + timedelta(seconds=locks.DEFAULT_TTL_SECONDS)
    clock.advance(locks.DEFAULT_TTL_SECONDS + 1)
    assert locks.holder(engine, "s1", clock) is None  # expired
    clock.advance(-locks.DEFAULT_TTL_SECONDS - 1)
    assert locks.release(engine, "s1", "beta") is False  # only the holder releases
    assert locks.release(engine, "s1", "alpha") is True
    assert locks.holder(engine, "s1") is None
    assert locks.acquire(engine, "s1", "demo", "beta") is None


def test_an_expired_lease_can_be_taken_over(engine: Engine) -> None:
    assert locks.acquire(engine, "s1", "demo", "dead", ttl=-1) is None
    assert locks.holder(engine, "s1") is None
    assert locks.acquire(engine, "s1", "demo", "alive") is None
    assert locks.renew(engine, "s1", "dead") is False
    assert locks.renew(engine, "s1", "alive") is True


def test_acquire_inserts_a_missing_cursor_row_and_keeps_an_existing_cursor(engine: Engine) -> None:
    with engine.begin() as conn:
        writer.save_cursor(conn, "kept", "demo", "42")
    locks.acquire(engine, "new", "demo", "a")
    locks.acquire(engine, "kept", "demo", "a")
    with engine.connect() as conn:
        rows = dict(conn.execute(select(cursors.c.source, cursors.c.cursor)).all())
    assert rows == {"new": None, "kept": "42"}
    with engine.begin() as conn:  # saving a cursor mid-run leaves the lease alone
        writer.save_cursor(conn, "kept", "demo", "43")
    assert locks.holder(engine, "kept")[0] == "a"


def test_only_one_of_many_racing_acquirers_wins(engine: Engine) -> None:
    results: list[str | None] = []
    barrier = threading.Barrier(6)

    def take(name: str) -> None:
        barrier.wait()
        results.append(locks.acquire(engine, "race", "demo", name))

    threads = [threading.Thread(target=take, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [r for r in results if r is None]
    assert len(winners) == 1
    owner = locks.holder(engine, "race")[0]
    assert all(r == owner for r in results if r is not None)


def test_a_lease_is_renewed_while_held_and_released_after(engine: Engine) -> None:
    clock = Clock()
    lease = locks.Lease(engine, "beat", "demo", prefix="test", ttl=60, clock=clock, beat_seconds=3600)
    assert lease.acquire()
    assert lease.owner.startswith("test#")
    clock.advance(50)
    assert lease.beat()
    clock.advance(50)  # past the first expiry: only the renewal keeps it
    assert locks.holder(engine, "beat", clock)[0] == lease.owner
    other = locks.Lease(engine, "beat", "demo", prefix="test", clock=clock)
    assert not other.acquire() and other.holder == lease.owner  # same prefix, still excluded
    lease.release()
    assert locks.holder(engine, "beat", clock) is None


def test_a_lease_not_renewed_in_time_is_lost_to_another_process(engine: Engine) -> None:
    clock = Clock()
    lease = locks.Lease(engine, "lost", "demo", prefix="slow", ttl=60, clock=clock, beat_seconds=3600)
    assert lease.acquire()
    clock.advance(61)
    assert locks.acquire(engine, "lost", "demo", "fast", clock=clock) is None
    assert not lease.beat()
    lease.release()  # leaves the new holder alone
    assert locks.holder(engine, "lost", clock)[0] == "fast"


def test_the_heartbeat_thread_renews_the_lease(engine: Engine) -> None:
    clock = Clock()
    lease = locks.Lease(engine, "thread", "demo", prefix="test", ttl=60, clock=clock, beat_seconds=0.01)
    assert lease.acquire()
    try:
        clock.advance(100)  # expired unless a beat renews it at the new time
        seen = lease.beats
        deadline = time.monotonic() + 30  # generous: waits for two beats, asserts nothing on time
        while lease.beats < seen + 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert lease.beats >= seen + 2, "the heartbeat never renewed the lease"
        assert locks.holder(engine, "thread", clock)[0] == lease.owner
    finally:
        lease.release()
    assert locks.holder(engine, "thread", clock) is None


class _Collector:
    platform = "demo"

    def __init__(self) -> None:
        self.calls = 0

    def collect(self, cursor):  # type: ignore[no-untyped-def]
        self.calls += 1
        return demo.DemoCollector(per_run=200, now=FIXED_NOW).collect(cursor)


def _run_rows(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(select(runs.c.source, runs.c.status, runs.c.error)).all())


def test_run_source_skips_a_source_another_process_holds(engine: Engine, demo_config: Config) -> None:
    source = demo_config.sources[0]
    assert locks.acquire(engine, source.name, source.platform, "scheduler@elsewhere:1#x") is None
    collector = _Collector()
    summary = run_source(engine, demo_config, source, collector=collector)
    assert (summary.status, summary.locked_by) == ("skipped", "scheduler@elsewhere:1#x")
    assert summary.line() == f"{source.name}: skipped: locked by scheduler@elsewhere:1#x"
    assert collector.calls == 0
    assert _run_rows(engine).empty  # no run row: the holder's `running` row is left alone
    locks.release(engine, source.name, "scheduler@elsewhere:1#x")
    summary = run_source(engine, demo_config, source, collector=collector)
    assert summary.status == "ok" and summary.new == 200
    assert locks.holder(engine, source.name) is None  # released after the run
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(runs)).scalar() == 1


def test_run_source_releases_the_lease_when_the_run_fails(engine: Engine, demo_config: Config) -> None:
    class Broken:
        platform = "demo"

        def collect(self, cursor):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    source = demo_config.sources[0]
    summary = run_source(engine, demo_config, source, collector=Broken())
    assert summary.status == "error" and "boom" in summary.error
    assert locks.holder(engine, source.name) is None
