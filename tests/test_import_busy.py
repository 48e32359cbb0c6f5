"""SQLite: a long import holds the store's write lock for its whole transaction (pipeline.importer: a failed
import stores nothing); a collection due meanwhile must not fail with "database is locked".

Driven step by step, no timing: the import runs in a thread and stops, its transaction open, after its first
chunk (its `progress` callback waits on an event); the collection runs meanwhile on an engine whose SQLite
busy wait is short (the outcome is the same with the default 30 s: the lock is held until the test lets go).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, select, update

from config import Brand, Config, Source
from pipeline.importer import FileCollector, import_file
from pipeline.runner import run_source
from pipeline.scheduler import SourceJob
from store import locks
from store.engine import make_engine
from store.schema import cursors, mentions, runs

ACME = Brand(name="Acme", keywords=("acme",))
ROWS = 6


class _Import:
    """An import of ROWS rows (chunks of 2) in a thread, held open after its first chunk until `finish()`."""

    def __init__(self, engine: Engine, config: Config, path: Path) -> None:
        self.holding, self.go = threading.Event(), threading.Event()
        self.result: list[object] = []

        def hold(_progress: object) -> None:
            self.holding.set()
            assert self.go.wait(60), "the test never let the import go on"

        def run() -> None:
            self.result.append(import_file(engine, config, path, chunk_rows=2, progress=hold))

        self.thread = threading.Thread(target=run, name="import")
        self.thread.start()
        assert self.holding.wait(60), "the import did not start"

    def finish(self) -> None:
        if not self.go.is_set():
            self.go.set()
            self.thread.join(60)
        assert self.result, "the import failed"


def _csv(path: Path, first: int, n: int) -> Path:
    rows = [f"{i},acme sync broke again #{i},2026-11-0{1 + i % 5} 10:{i % 60:02d}" for i in range(first, first + n)]
    path.write_text("id,text,created_at\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def stores(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The import's engine (the default busy wait) and the scheduler's (a short one), on one SQLite file."""
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    importing, collecting = make_engine(url), make_engine(url)
    event.listen(collecting, "connect", lambda connection, _record: connection.execute("PRAGMA busy_timeout=50"))
    yield importing, collecting
    importing.dispose()
    collecting.dispose()


def _setup(tmp_path: Path) -> tuple[Config, Source, Path]:
    feed = _csv(tmp_path / "feed.csv", 1000, 3)  # the scheduled source: a file of its own
    src = Source(name="feed", platform="csv", brand="Acme", every_seconds=600, options={"path": str(feed)})
    config = Config(path=None, brands=(ACME,), sources=(src,))
    return config, src, _csv(tmp_path / "export.csv", 0, ROWS)


def _count(engine: Engine, source: str | None = None) -> int:
    query = select(func.count()).select_from(mentions)
    if source is not None:
        query = query.where(mentions.c.source == source)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def test_a_collection_due_during_an_import_is_skipped_cleanly_and_runs_next_turn(stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    importing, collecting = stores
    config, src, export = _setup(tmp_path)
    job = SourceJob(collecting, config, src, "sched@test", threading.Event())
    held = _Import(importing, config, export)
    try:
        during = job()
    finally:
        held.finish()
    assert during is not None and during.status == "skipped" and during.busy
    assert "store is busy" in (during.error or "") and "import" in (during.error or "")
    assert job.failures == 0 and job.retry_at is None  # not the source's fault: no backoff
    after = job()  # its next turn, the import done
    assert after is not None and after.status == "ok" and after.new == 3
    assert _count(collecting) == ROWS + 3


def test_a_collection_that_collected_during_an_import_waits_and_stores_everything(stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The run took its lease and collected before the import began; its write meets the import's lock: it
    waits (the runner's interruptible sleep) and writes once the import is done. Nothing collected is lost."""
    importing, collecting = stores
    config, src, export = _setup(tmp_path)
    holder: list[_Import] = []
    waits: list[float] = []

    class _ImportBegins(FileCollector):
        def collect(self, cursor):  # type: ignore[no-untyped-def]
            result = super().collect(cursor)
            holder.append(_Import(importing, config, export))  # the import starts while this run collects
            return result

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        holder[0].finish()  # the import ends during the run's wait

    try:
        summary = run_source(collecting, config, src, sleep=sleep, collector=_ImportBegins(src, config))
    finally:
        holder[0].finish()
    assert summary.status == "ok" and summary.new == 3, summary
    assert len(waits) == 1 and waits[0] > 0
    assert _count(collecting, "feed") == 3 and _count(collecting) == ROWS + 3
    with collecting.connect() as conn:
        assert conn.execute(select(runs.c.status)).scalars().all() == ["ok"]


def test_a_run_whose_store_stays_busy_gives_up_cleanly_and_loses_nothing(stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The import outlasts every wait: the run ends "skipped: the store is busy" (not a failure), its cursor not
    moved, so its next run collects the same rows again."""
    importing, collecting = stores
    config, src, export = _setup(tmp_path)
    holder: list[_Import] = []

    class _ImportBegins(FileCollector):
        def collect(self, cursor):  # type: ignore[no-untyped-def]
            result = super().collect(cursor)
            if not holder:
                holder.append(_Import(importing, config, export))
            return result

    waits: list[float] = []
    try:
        summary = run_source(collecting, config, src, sleep=waits.append, collector=_ImportBegins(src, config))
    finally:
        holder[0].finish()
    assert summary.status == "skipped" and summary.busy and "store is busy" in (summary.error or "")
    assert len(waits) >= 2
    assert _count(collecting, "feed") == 0
    # its lease could not be given back while the store was busy: it expires by itself (store.locks), long before
    # the source's next turn (every 600 s); the test moves its expiry to the past instead of waiting
    held_by = locks.holder(collecting, src.name)
    assert held_by is not None and held_by[1] <= datetime.now(UTC) + timedelta(seconds=locks.DEFAULT_TTL_SECONDS)
    with collecting.begin() as conn:
        conn.execute(update(cursors).values(lock_expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    again = run_source(collecting, config, src, sleep=waits.append, collector=_ImportBegins(src, config))
    assert again.status == "ok" and again.new == 3
    with collecting.connect() as conn:  # the first run's row: closed by the next run as not finished, with why
        rows = conn.execute(select(runs.c.status, runs.c.error).order_by(runs.c.id)).all()
    assert [r.status for r in rows] == ["error", "ok"] and "store stayed busy" in rows[0].error
