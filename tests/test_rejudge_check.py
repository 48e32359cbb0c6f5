"""The scheduler's formulas version check (session 13, leftovers5).

Before: the scheduler looked at the store's `formulas_version` only when it applied a config (start-up and
reloads), so a scheduler already running when an older release's ingest lowered the recorded version (or a
store was restored from a backup) never started the background re-judge. Now the `rejudge-check` job looks
every 600 s (pipeline.scheduler.REJUDGE_CHECK_SECONDS, on the schedule's injected clock) and starts it.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pandas as pd
from sqlalchemy import Engine

from analysis.formulas import FORMULAS_VERSION
from pipeline import rejudge, scheduler
from pipeline.ingest import ingest
from store import judged
from tests.conftest import FIXED_NOW
from tests.test_rejudge import OLD, _config, _frame, older_rule


def _built(engine: Engine) -> scheduler.Schedule:
    from apscheduler.schedulers.background import BackgroundScheduler

    return scheduler.build_schedule(engine, _config(), threading.Event(), owner="t", reports=False,
                                    scheduler_cls=BackgroundScheduler, now=lambda: FIXED_NOW)  # fmt: skip


def _version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return judged.stored_version(conn)


def test_a_running_scheduler_starts_the_rejudge_when_an_older_ingest_lowers_the_version(engine: Engine) -> None:
    ingest(engine, _frame(size=60), _config().brands)
    built = _built(engine)
    assert built.scheduler.get_job(scheduler.REJUDGE_JOB) is None  # current at start-up
    check = built.scheduler.get_job(scheduler.REJUDGE_CHECK_JOB)
    assert check is not None and check.trigger.interval == timedelta(seconds=600)
    assert check.next_run_time == FIXED_NOW + timedelta(seconds=600)  # the injected clock, no waiting
    assert check.func() is False and built.scheduler.get_job(scheduler.REJUDGE_JOB) is None

    with older_rule():  # an older release's ingest, while this scheduler runs
        ingest(engine, _frame(seed=7, size=40, id_base=40_000_000), _config().brands)
    assert _version(engine) == OLD
    assert check.func() is True
    job = built.scheduler.get_job(scheduler.REJUDGE_JOB)
    assert job is not None and job.next_run_time == FIXED_NOW + timedelta(seconds=scheduler.REJUDGE_EVERY_SECONDS)
    assert check.func() is True and built.scheduler.get_job(scheduler.REJUDGE_JOB) is job  # one re-judge, not two
    for _ in range(20):  # the re-judge job's own steps, run by hand
        if built.scheduler.get_job(scheduler.REJUDGE_JOB) is None:
            break
        job.func()
    assert built.scheduler.get_job(scheduler.REJUDGE_JOB) is None
    assert _version(engine) == FORMULAS_VERSION and not rejudge.pending(engine)
    assert check.func() is False


def test_the_check_job_is_no_source(engine: Engine) -> None:
    """Pages and the alert check after a run go by the `source:` jobs: the check job is none of them."""
    ingest(engine, pd.DataFrame(_frame(size=10)), _config().brands)
    built = _built(engine)
    ids = {job.id for job in built.scheduler.get_jobs()}
    assert scheduler.REJUDGE_CHECK_JOB in ids
    assert {j.id for j in built.scheduler.get_jobs() if j.id.startswith("source:")} == {
        f"source:{job.source.name}" for job in built.jobs
    }
    assert not scheduler.REJUDGE_CHECK_JOB.startswith("source:")
    built.now = lambda: FIXED_NOW + timedelta(seconds=300)
    built.apply(_config())  # a reload later keeps the one check job and its schedule (not pushed back each reload)
    checks = [j.next_run_time for j in built.scheduler.get_jobs() if j.id == scheduler.REJUDGE_CHECK_JOB]
    assert checks == [FIXED_NOW + timedelta(seconds=600)]
