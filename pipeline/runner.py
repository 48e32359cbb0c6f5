"""Running sources: one collection run per source, recorded in `runs`, never crashing the others.

A run's rows, cursor and run row are written in one transaction (pipeline.ingest), so a run
killed midway is simply repeated: nothing duplicated, nothing missed. A run holds the
source's lease (store.locks) from start to end, so two processes (two schedulers, or a
scheduler and `cli.py collect`) never run one source at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import OperationalError

from collectors.base import Collector, CollectorError, CollectResult, FatalError, MissingCredentials, RetriableError
from config import Brand, Config, Source
from pipeline import sources as collector_sources
from pipeline.ingest import ingest
from pipeline.privacy import cursor_to_store
from store import privacy, writer
from store.engine import store_busy
from store.locks import Lease
from store.schema import cursors, runs

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_RETRIES = 3
MAX_WAIT_SECONDS = 900.0
#: SQLite, another process holding the write lock (store.engine.store_busy): a run that collected waits this
#: long between tries of its write, BUSY_TRIES tries at most (each also waits SQLite's 30 s busy wait: about
#: 10 minutes in all), then gives up with BUSY. Its cursor is not moved, so its next run collects the same again.
BUSY_WAIT_SECONDS = 30.0
BUSY_TRIES = 10
BUSY = (
    "the store is busy: another process holds its write lock (an import or seed-demo on SQLite); "
    "not counted as a failure, the source runs again at its next turn and nothing is lost"
)


@dataclass
class RunSummary:
    source: str
    status: str  # ok | error | skipped | interrupted
    fetched: int = 0
    new: int = 0
    skipped: int = 0
    cursor: str | None = None
    error: str | None = None
    locked_by: str | None = None  # set when skipped because another process holds the source
    busy: bool = False  # skipped because the store stayed busy (store.engine.store_busy): not the source's fault

    def line(self) -> str:
        """One line for `cli.py collect`."""
        if self.status == "ok":
            return (
                f"{self.source}: fetched {self.fetched}, new {self.new}, skipped {self.skipped}, cursor {self.cursor}"
            )
        return f"{self.source}: {self.status}: {self.error}"


class RunInterrupted(Exception):
    """Raised by a `sleep` that was cut short because the process is stopping."""


def load_cursor(engine: Engine, source: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(cursors.c.cursor).where(cursors.c.source == source)).scalar()


def start_run(engine: Engine, source: Source) -> int:
    """Insert a `running` row (committed at once, so others see it); close stale ones first."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            update(runs)
            .where(runs.c.source == source.name, runs.c.status == "running")
            .values(
                status="error",
                finished_at=now,
                error="interrupted: the run did not finish (its process stopped, or the store stayed busy)",
            )
        )
        inserted = conn.execute(
            insert(runs).values(source=source.name, platform=source.platform, started_at=now, status="running")
        )
        key = inserted.inserted_primary_key
        assert key is not None  # a single-row INSERT always reports its primary key
        return int(key[0])


def record_failure(
    engine: Engine, run_id: int, status: str, error: str, cursor: str | None, platform: str = "unknown"
) -> None:
    """Finish the run row with its error; its copy of the cursor (as read at the start) names nobody forgotten
    meanwhile (pipeline.privacy.cursor_to_store). A store still busy (store_busy) leaves the row as it is: the
    source's next run closes it (start_run)."""
    try:
        with engine.begin() as conn:
            cursor = cursor_to_store(conn, platform, cursor, source=writer.run_source(conn, run_id))
            writer.finish_run(conn, run_id, status=status, fetched=0, new=0, skipped=0, cursor=cursor, error=error)
    except OperationalError as exc:
        if not store_busy(exc):
            raise
        log.warning("run %d: could not record its outcome (%s): %s", run_id, error, BUSY)


def write_when_free(write: Callable[[], T], sleep: Callable[[float], None], what: str) -> T:
    """`write()`, tried again after BUSY_WAIT_SECONDS (with `sleep`: the scheduler's ends early when it stops)
    while the store is busy (store_busy), BUSY_TRIES tries at most; the last busy error is raised."""
    for attempt in range(1, BUSY_TRIES + 1):
        try:
            return write()
        except OperationalError as exc:
            if not store_busy(exc) or attempt == BUSY_TRIES:
                raise
            log.warning("%s: the store is busy (another process is writing: an import?); writing again in %.0f s "
                        "(try %d of %d)", what, BUSY_WAIT_SECONDS, attempt + 1, BUSY_TRIES)  # fmt: skip
            sleep(BUSY_WAIT_SECONDS)
    raise AssertionError("unreachable")


def collect_with_retries(
    collector: Collector, cursor: str | None, sleep: Callable[[float], None] = time.sleep
) -> CollectResult:
    """Call collector.collect, backing off on RetriableError (honouring retry_after, capped)."""
    for attempt in range(MAX_RETRIES + 1):
        try:
            return collector.collect(cursor)
        except RetriableError as exc:
            if attempt == MAX_RETRIES:
                raise
            wait = exc.retry_after if exc.retry_after is not None else 2.0 * 2**attempt
            wait = min(max(wait, 0.0), MAX_WAIT_SECONDS)
            log.warning("retriable error (%s); retrying in %.0f s", exc, wait)
            sleep(wait)
    raise AssertionError("unreachable")


def apply_deletions(engine: Engine, platform: str, post_ids: list[str], brands: Sequence[Brand] = ()) -> int:
    """Erase and mark deleted the stored posts a collector saw deleted at the source; close their
    open queue items (store.privacy.mark_deleted; `brands` judge the outcomes frozen first). Returns
    how many stored mentions were marked."""
    if not post_ids:
        return 0
    with engine.begin() as conn:
        marked = privacy.mark_deleted(conn, platform, post_ids, datetime.now(UTC), brands)
    if marked.erased or marked.closed:
        log.info("%s: %d post(s) deleted at the source erased, %d queue item(s) closed", platform, marked.erased,
                 marked.closed)  # fmt: skip
    return marked.erased


def run_source(
    engine: Engine,
    config: Config,
    source: Source,
    sleep: Callable[[float], None] = time.sleep,
    collector: Collector | None = None,
    owner: str | None = None,
) -> RunSummary:
    """Collect one source once, holding its lease; 'skipped: locked by <owner>' when another holds it.

    `owner` names the lease holder (default: collect@host:pid); see store.locks.
    """
    lease = Lease(engine, source.name, source.platform, owner)
    try:
        if not lease.acquire():
            return RunSummary(source.name, "skipped", error=f"locked by {lease.holder}", locked_by=lease.holder)
    except OperationalError as exc:
        if not store_busy(exc):
            raise
        log.warning("%s: %s", source.name, BUSY)
        return RunSummary(source.name, "skipped", error=BUSY, busy=True)
    try:
        return _run_locked(engine, config, source, sleep, collector)
    finally:
        lease.release()


def _run_locked(
    engine: Engine, config: Config, source: Source, sleep: Callable[[float], None], collector: Collector | None = None
) -> RunSummary:
    """Collect and store (the caller holds the lease); every outcome is a row in `runs` (unless the store
    stays busy: then the next run closes it). A store busy when the collected rows are written (an import on
    SQLite) is waited for (write_when_free): nothing collected is dropped while the wait lasts."""
    try:
        run_id = start_run(engine, source)
        cursor = load_cursor(engine, source.name)
    except OperationalError as exc:
        if not store_busy(exc):
            raise
        log.warning("%s: %s", source.name, BUSY)
        return RunSummary(source.name, "skipped", error=BUSY, busy=True)
    try:
        collector = collector or collector_sources.build(source, config)
        result = collect_with_retries(collector, cursor, sleep)
        stored = write_when_free(
            lambda: ingest(
                engine,
                result.frame,
                config.brands,
                source=source.name,
                platform=source.platform,
                cursor=result.cursor,
                run_id=run_id,
                skipped=result.skipped,
                status=getattr(result, "state", None) or "ok",  # "budget reached" (X) is a state, not an error
            ),
            sleep,
            source.name,
        )
        apply_deletions(engine, source.platform, getattr(result, "deleted", None) or [], config.brands)
        return RunSummary(source.name, "ok", stored.fetched, stored.new, sum(stored.skipped.values()), stored.cursor)
    except RunInterrupted as exc:
        record_failure(engine, run_id, "error", f"interrupted: {exc}", cursor, source.platform)
        return RunSummary(source.name, "interrupted", error=f"interrupted: {exc}", cursor=cursor)
    except MissingCredentials as exc:
        record_failure(engine, run_id, "skipped", str(exc), cursor, source.platform)
        return RunSummary(source.name, "skipped", error=str(exc), cursor=cursor)
    except (CollectorError, KeyError) as exc:
        kind = "fatal" if isinstance(exc, FatalError | KeyError) else "retriable"
        message = f"{kind}: {exc}"
        record_failure(engine, run_id, "error", message, cursor, source.platform)
        return RunSummary(source.name, "error", error=message, cursor=cursor)
    except Exception as exc:  # one broken source never stops the others
        if store_busy(exc):  # busy past every wait: not the source's fault; its cursor did not move
            log.warning("%s: %s", source.name, BUSY)
            record_failure(engine, run_id, "skipped", BUSY, cursor, source.platform)
            return RunSummary(source.name, "skipped", error=BUSY, cursor=cursor, busy=True)
        log.exception("source %s failed", source.name)
        message = f"unexpected {exc.__class__.__name__}: {exc}"
        record_failure(engine, run_id, "error", message, cursor, source.platform)
        return RunSummary(source.name, "error", error=message, cursor=cursor)


def run_all(
    engine: Engine,
    config: Config,
    only: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    owner: str | None = None,
) -> list[RunSummary]:
    """Run every enabled source (or just `only`), one after another."""
    sources = [s for s in config.sources if s.enabled and (only is None or s.name == only)]
    if only is not None and not sources:
        raise KeyError(f"no enabled source named {only!r}")
    return [run_source(engine, config, s, sleep, owner=owner) for s in sources]
