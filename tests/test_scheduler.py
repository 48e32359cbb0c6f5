"""The scheduler's parts in process: backoff, jobs, interruption, the weekly report job, the status the
Sources page shows, and a real APScheduler run with short intervals."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select

from collectors import demo
from collectors.base import RetriableError
from config import Config, Reports, Source, parse_config
from pipeline import scheduler
from pipeline.export import FILES
from pipeline.runner import RunInterrupted, RunSummary, run_source, start_run
from store import locks
from store.schema import cursors, runs
from tests.conftest import FIXED_NOW


def _source(name: str = "s", every: int = 2, platform: str = "demo") -> Source:
    return Source(name=name, platform=platform, brand="Acme", every_seconds=every, options={"per_run": 200})


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_backoff_doubles_per_failure_up_to_the_cap() -> None:
    assert [scheduler.backoff_seconds(2, n, cap=30) for n in range(6)] == [2, 4, 8, 16, 30, 30]
    assert scheduler.backoff_seconds(86400, 3, cap=3600) == 86400  # never shorter than the interval
    assert scheduler.backoff_seconds(60, 1000) == scheduler.BACKOFF_CAP_SECONDS
    assert scheduler.jitter_seconds(2) == pytest.approx(0.1) and scheduler.jitter_seconds(86400) == 30
    assert scheduler.misfire_grace_seconds(2) == 60 and scheduler.misfire_grace_seconds(3600) == 3600


def test_a_failing_source_backs_off_keeps_being_retried_and_recovers() -> None:
    clock, calls = Clock(), []
    outcomes = itertools.chain(["error", "error", "skipped", "error"], itertools.repeat("ok"))

    def run(engine, config, source, sleep, owner):  # type: ignore[no-untyped-def]
        calls.append(clock.now)
        return RunSummary(source.name, next(outcomes), error="boom")

    job = scheduler.SourceJob(None, None, _source(every=2), "me", threading.Event(), cap=10, clock=clock, run=run)
    for tick in range(0, 40, 2):  # the scheduler fires every 2 s
        clock.now = tick
        job()
    # waits after each failure: 4, 8, 10 (capped), 10; then every 2 s again once a run is ok
    assert calls == [0, 4, 12, 22, 32, 34, 36, 38]
    assert job.failures == 0 and job.retry_at is None


def test_a_run_that_raises_counts_as_a_failure_and_the_job_survives() -> None:
    def run(engine, config, source, sleep, owner):  # type: ignore[no-untyped-def]
        raise OSError("database is unreachable")

    job = scheduler.SourceJob(None, None, _source(every=2), "me", threading.Event(), clock=Clock(), run=run)
    summary = job()
    assert summary.status == "error" and summary.error == "OSError: database is unreachable"
    assert job.failures == 1 and job.retry_at == 4


def test_a_run_skipped_because_another_process_holds_the_source_is_no_failure() -> None:
    clock = Clock()

    def run(engine, config, source, sleep, owner):  # type: ignore[no-untyped-def]
        return RunSummary(source.name, "skipped", error="locked by other", locked_by="other")

    job = scheduler.SourceJob(None, None, _source(), "me", threading.Event(), clock=clock, run=run)
    job()
    assert job.failures == 0 and job.retry_at is None and job.due(0)
    assert not scheduler.is_failure(RunSummary("s", "interrupted"))
    assert scheduler.is_failure(RunSummary("s", "skipped", error="missing credentials: X_BEARER_TOKEN"))


def test_a_stopping_scheduler_starts_no_run_and_cuts_retry_waits_short() -> None:
    stop = threading.Event()
    job = scheduler.SourceJob(None, None, _source(), "me", stop, run=lambda *a, **k: pytest.fail("ran"))
    stop.set()
    assert job() is None
    with pytest.raises(RunInterrupted):
        job.sleep(60)  # returns at once: a wait that ran its course would not raise


def test_an_interrupted_retry_closes_the_run_as_interrupted(sqlite_engine: Engine, demo_config: Config) -> None:
    class Busy:
        platform = "demo"

        def collect(self, cursor):  # type: ignore[no-untyped-def]
            raise RetriableError("429 too many requests", retry_after=600)

    stop = threading.Event()
    stop.set()
    job = scheduler.SourceJob(sqlite_engine, demo_config, _source(), "me", stop)
    summary = run_source(sqlite_engine, demo_config, _source(), sleep=job.sleep, collector=Busy(), owner="me")
    assert summary.status == "interrupted"
    with sqlite_engine.connect() as conn:
        row = conn.execute(select(runs.c.status, runs.c.error, runs.c.finished_at)).one()
    assert row.status == "error" and row.error == "interrupted: the scheduler was stopped" and row.finished_at
    assert locks.holder(sqlite_engine, "s") is None


def test_close_interrupted_closes_running_rows_and_frees_this_process_leases(sqlite_engine: Engine) -> None:
    start_run(sqlite_engine, _source("a"))
    start_run(sqlite_engine, _source("b"))
    assert locks.acquire(sqlite_engine, "a", "demo", "scheduler@h:1#abc") is None
    assert locks.acquire(sqlite_engine, "b", "demo", "scheduler@h:2#abc") is None  # another process
    assert scheduler.close_interrupted(sqlite_engine, ["a"], "scheduler@h:1") == 1
    with sqlite_engine.connect() as conn:
        status = dict(conn.execute(select(runs.c.source, runs.c.status)).all())
    assert status == {"a": "error", "b": "running"}
    assert locks.holder(sqlite_engine, "a") is None and locks.holder(sqlite_engine, "b")[0] == "scheduler@h:2#abc"


def test_the_report_job_writes_the_last_full_week_once(
    sqlite_engine: Engine, demo_config: Config, tmp_path: Path
) -> None:
    config = replace(demo_config, reports=Reports(dir=str(tmp_path)))
    job = scheduler.ReportJob(sqlite_engine, config, now=lambda: FIXED_NOW)
    assert job.target() == ("2026-W46", tmp_path / "2026-W46")
    assert job(only_if_missing=True) == tmp_path / "2026-W46"
    assert sorted(p.name for p in (tmp_path / "2026-W46").iterdir()) == sorted(FILES)
    assert job(only_if_missing=True) is None  # already there: the catch-up at start writes nothing


def _add_run(engine: Engine, source: str, status: str, started: datetime, error: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(runs).values(
                source=source,
                platform="demo",
                started_at=started,
                status=status,
                finished_at=started + timedelta(seconds=1),
                error=error,
            )
        )


def test_schedule_status_shows_last_and_next_runs_for_the_sources_page(sqlite_engine: Engine) -> None:
    config = replace(
        parse_config({"brands": [{"name": "Acme"}]}, None),
        sources=(_source("good", 60), _source("bad", 60), _source("new", 60), _source("off", 60)),
    )
    config = replace(config, sources=(*config.sources[:3], replace(config.sources[3], enabled=False)))
    t0 = FIXED_NOW - timedelta(minutes=30)
    _add_run(sqlite_engine, "good", "ok", t0)
    _add_run(sqlite_engine, "bad", "ok", t0)
    _add_run(sqlite_engine, "bad", "error", t0 + timedelta(minutes=1), "fatal: 401")
    _add_run(sqlite_engine, "bad", "error", t0 + timedelta(minutes=2), "interrupted: the scheduler was stopped")
    _add_run(sqlite_engine, "bad", "skipped", t0 + timedelta(minutes=3), "missing credentials: X_BEARER_TOKEN")
    _add_run(sqlite_engine, "off", "ok", t0)
    locks.acquire(sqlite_engine, "good", "demo", "scheduler@host:7#1")
    status = scheduler.schedule_status(sqlite_engine, config, now=FIXED_NOW).set_index("source")
    assert list(status.index) == ["good", "bad", "new", "off"]
    assert status.loc["good", "failures_in_row"] == 0 and status.loc["bad", "failures_in_row"] == 2
    assert status.loc["good", "next_run_at"] == pd.Timestamp(t0 + timedelta(minutes=1))
    assert status.loc["bad", "next_run_at"] == pd.Timestamp(t0 + timedelta(minutes=3 + 4))  # 60 s x 2^2
    assert pd.isna(status.loc["new", "next_run_at"]) and pd.isna(status.loc["off", "next_run_at"])
    assert status.loc["good", "overdue"] and not status.loc["new", "overdue"]
    assert status.loc["good", "locked_by"] == "scheduler@host:7#1" and pd.isna(status.loc["bad", "locked_by"])
    assert status.loc["bad", "last_status"] == "skipped" and "X_BEARER_TOKEN" in status.loc["bad", "last_error"]
    nothing = scheduler.schedule_status(sqlite_engine, replace(config, sources=()))
    assert nothing.empty and list(nothing.columns) == list(scheduler.STATUS_COLUMNS)


def test_jobs_are_one_instance_coalesced_jittered_and_the_report_follows_the_config(
    sqlite_engine: Engine, demo_config: Config
) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    config = replace(demo_config, reports=Reports(weekday="fri", time="17:30", timezone="Europe/Berlin"))
    sched, jobs = scheduler.build_scheduler(
        sqlite_engine, config, threading.Event(), owner="t", scheduler_cls=BackgroundScheduler
    )
    collect, report = sched.get_job("source:demo-live"), sched.get_job("weekly-report")
    assert len(jobs) == 1 and collect.max_instances == 1 and collect.coalesce
    assert collect.trigger.interval == timedelta(seconds=60) and collect.trigger.jitter == 3
    assert collect.misfire_grace_time == 60
    fire = report.trigger.get_next_fire_time(None, datetime(2026, 11, 18, tzinfo=UTC))
    assert fire.isoformat() == "2026-11-20T17:30:00+01:00"
    default = scheduler.build_scheduler(
        sqlite_engine, demo_config, threading.Event(), owner="t", scheduler_cls=BackgroundScheduler
    )[0].get_job("weekly-report")
    fire = default.trigger.get_next_fire_time(None, datetime(2026, 11, 18, tzinfo=UTC))
    assert fire == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 08:00 UTC


class Slow:
    """A collector whose run lasts until the test releases it; notes overlapping calls (per instance)."""

    platform = "demo"

    def __init__(self) -> None:
        self.active = self.overlaps = self.calls = 0
        self.lock = threading.Lock()
        self.started, self.release = threading.Event(), threading.Event()

    def collect(self, cursor):  # type: ignore[no-untyped-def]
        with self.lock:
            self.active += 1
            self.overlaps += self.active > 1
            self.calls += 1
        self.started.set()
        try:
            self.release.wait(120)
            return demo.DemoCollector(per_run=20, now=FIXED_NOW).collect(cursor)
        finally:
            with self.lock:
                self.active -= 1


class Broken:
    platform = "demo"

    def collect(self, cursor):  # type: ignore[no-untyped-def]
        raise RuntimeError("the API is down")


def _runs(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(select(runs)).all(), columns=[c.name for c in runs.columns])
    for column in ("started_at", "finished_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def _wait(condition, what: str, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    """Wait for `condition` (a bound against hanging, never a measurement)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_scheduled_sources_run_never_overlap_and_a_broken_one_does_not_stop_the_others(
    sqlite_engine: Engine, demo_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one test with a real APScheduler: 1 s intervals, waits on events, asserts nothing on durations."""
    from apscheduler.events import EVENT_JOB_MAX_INSTANCES
    from apscheduler.schedulers.background import BackgroundScheduler

    from pipeline import sources

    slow = Slow()
    monkeypatch.setattr(sources, "build", lambda source, config: slow if source.name == "slow" else Broken())
    config = replace(demo_config, sources=(_source("slow", every=1), _source("broken", every=1)))
    stop, refused = threading.Event(), threading.Event()
    sched, jobs = scheduler.build_scheduler(
        sqlite_engine, config, stop, owner="test", reports=False, scheduler_cls=BackgroundScheduler, cap=2
    )
    sched.add_listener(lambda event: event.job_id == "source:slow" and refused.set(), EVENT_JOB_MAX_INSTANCES)
    sched.start()
    try:
        assert slow.started.wait(120), "the slow source never ran"
        assert refused.wait(120), "no fire came while the slow run was held"  # skipped: one instance at a time
        slow.release.set()

        def done() -> bool:
            frame = _runs(sqlite_engine)
            count = frame[frame["status"] != "running"].groupby("source").size()
            return count.get("slow", 0) >= 3 and count.get("broken", 0) >= 3

        _wait(done, "three runs of each source")
    finally:
        stop.set()
        slow.release.set()
        sched.shutdown(wait=True)
    frame = _runs(sqlite_engine)
    slow_runs, broken = frame[frame["source"] == "slow"], frame[frame["source"] == "broken"]
    assert (slow_runs["status"] == "ok").sum() >= 3 and (broken["status"] == "error").sum() >= 3
    assert slow.overlaps == 0 and slow.calls == len(slow_runs)
    slow_runs = slow_runs.sort_values("started_at")
    assert (slow_runs["started_at"].iloc[1:].to_numpy() >= slow_runs["finished_at"].iloc[:-1].to_numpy()).all()
    assert jobs[1].failures >= 3 and jobs[0].failures == 0
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(cursors.c.lock_owner).where(cursors.c.lock_owner.is_not(None))).first() is None


def test_the_scheduler_reads_the_injected_clock(sqlite_engine: Engine, demo_config: Config) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    config = replace(demo_config, sources=(_source("a", 60), _source("b", 60)))
    sched, _ = scheduler.build_scheduler(
        sqlite_engine, config, threading.Event(), owner="t", scheduler_cls=BackgroundScheduler, now=lambda: FIXED_NOW
    )
    assert sched.get_job("source:a").next_run_time == FIXED_NOW
    assert sched.get_job("source:b").next_run_time == FIXED_NOW + timedelta(seconds=1)
    assert sched.get_job("weekly-report").func.target()[0] == "2026-W46"
    start_run(sqlite_engine, _source("a"))
    assert scheduler.close_interrupted(sqlite_engine, ["a"], "t", now=lambda: FIXED_NOW) == 1
    with sqlite_engine.connect() as conn:
        finished = conn.execute(select(runs.c.finished_at)).scalar()
    assert pd.Timestamp(finished).tz_localize(None) == pd.Timestamp(FIXED_NOW).tz_localize(None)
