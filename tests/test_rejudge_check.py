"""The scheduler notices a store whose formulas version fell behind after it started (session 12, leftovers4).

It looked only when it applied a config (at start, at a reload): an older release's ingest lowering the recorded
version later (store.judged.note_ingest) left the store behind until the next restart. A check job now looks every
REJUDGE_CHECK_SECONDS (one read of meta while the store is current) and starts the background re-judge. The job is
fired here by hand (its trigger), no clock runs and nothing sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, event

from analysis.formulas import FORMULAS_VERSION
from pipeline import scheduler
from pipeline.ingest import ingest
from store import judged
from tests.conftest import FIXED_NOW
from tests.test_rejudge import OLD, _config, _frame, _meta, older_rule


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on `engine` while this is open."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_the_scheduler_starts_the_rejudge_when_the_store_falls_behind_after_it_started(sqlite_engine: Engine) -> None:
    ingest(sqlite_engine, _frame(size=120), _config().brands)
    built = scheduler.build_schedule(sqlite_engine, _config(), threading.Event(), owner="t", reports=False,
                                     scheduler_cls=BackgroundScheduler, now=lambda: FIXED_NOW)  # fmt: skip
    assert built.scheduler.get_job(scheduler.REJUDGE_JOB) is None  # current at start
    check = built.scheduler.get_job(scheduler.REJUDGE_CHECK_JOB)
    assert check is not None, "no periodic check of the formulas version"
    assert check.trigger.interval == timedelta(seconds=scheduler.REJUDGE_CHECK_SECONDS) == timedelta(minutes=10)
    assert check.next_run_time == FIXED_NOW + timedelta(minutes=10)
    with _statements(sqlite_engine) as seen:
        assert check.func() is False
    assert len(seen) == 1 and "meta" in seen[0]  # cheap while current: one read of meta
    with older_rule():  # an older release's scheduler, still running beside this one, stores a batch
        ingest(sqlite_engine, _frame(seed=42, size=60, id_base=31_000_000), _config().brands)
    assert _meta(sqlite_engine, judged.VERSION_KEY) == OLD
    assert built.scheduler.get_job(scheduler.REJUDGE_JOB) is None  # nothing noticed it until the check fires
    assert check.func() is True
    job = built.scheduler.get_job(scheduler.REJUDGE_JOB)
    assert job is not None
    assert check.func() is True and built.scheduler.get_job(scheduler.REJUDGE_JOB) is job  # not added twice
    job.func.chunk = 100
    for _ in range(20):
        job.func()
        if built.scheduler.get_job(scheduler.REJUDGE_JOB) is None:
            break
    assert built.scheduler.get_job(scheduler.REJUDGE_JOB) is None  # done: it removed itself
    assert _meta(sqlite_engine, judged.VERSION_KEY) == FORMULAS_VERSION
    assert check.func() is False and built.scheduler.get_job(scheduler.REJUDGE_CHECK_JOB) is not None


def test_the_check_resumes_a_rejudge_left_under_way_and_ignores_an_empty_store(sqlite_engine: Engine) -> None:
    """A `cli.py rejudge` interrupted after a chunk (a progress key, the version still old) is resumed by the
    scheduler's check; an empty store (no version recorded yet) starts none."""
    from pipeline import rejudge

    built = scheduler.build_schedule(sqlite_engine, _config(), threading.Event(), owner="t", reports=False,
                                     scheduler_cls=BackgroundScheduler, now=lambda: FIXED_NOW)  # fmt: skip
    check = built.scheduler.get_job(scheduler.REJUDGE_CHECK_JOB)
    assert check is not None and check.func() is False  # empty: nothing to judge
    ingest(sqlite_engine, _frame(size=120), _config().brands)
    with older_rule():
        ingest(sqlite_engine, _frame(seed=42, size=60, id_base=31_000_000), _config().brands)
    assert not rejudge.rejudge(sqlite_engine, _config(), chunk=50, max_chunks=1).done
    assert _meta(sqlite_engine, judged.PROGRESS_KEY) is not None
    assert check.func() is True and built.scheduler.get_job(scheduler.REJUDGE_JOB) is not None
