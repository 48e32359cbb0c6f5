"""Source leases (store/locks.py) and the runner honouring them, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pandas as pd
from sqlalchemy import Engine, func, select

from collectors import demo
from config import Config
from pipeline.runner import run_source
from store import locks, writer
from store.schema import cursors, runs
from tests.conftest import FIXED_NOW


def test_a_held_lease_names_its_holder_until_released(engine: Engine) -> None:
    assert locks.acquire(engine, "s1", "demo", "alpha") is None
    assert locks.acquire(engine, "s1", "demo", "beta") == "alpha"
    assert locks.acquire(engine, "s1", "demo", "alpha") == "alpha"  # never re-entrant
    owner, expires = locks.holder(engine, "s1")
    assert owner == "alpha" and expires > FIXED_NOW
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
    lease = locks.Lease(engine, "beat", "demo", prefix="test", ttl=0.3)
    assert lease.acquire()
    assert lease.owner.startswith("test#")
    time.sleep(0.5)  # longer than ttl: only the heartbeat keeps it
    assert locks.holder(engine, "beat")[0] == lease.owner
    other = locks.Lease(engine, "beat", "demo", prefix="test")
    assert not other.acquire() and other.holder == lease.owner  # same prefix, still excluded
    lease.release()
    assert locks.holder(engine, "beat") is None


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
