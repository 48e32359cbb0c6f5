"""Scheduled collection: `python cli.py schedule` runs every enabled source at its `every`, and the weekly report.

APScheduler 3.x in its own process (never inside a Streamlit page): one job per source,
one instance at a time, coalesced, jittered, with a misfire grace. A failing source backs
off (the wait doubles per failure in a row, up to a cap) and keeps being retried; it never
stops the others. Each run holds the source's lease (store.locks), so two schedulers on
one database never run a source at once. SIGINT / SIGTERM stop the scheduler: runs still
going get a few seconds to finish; a run still writing then is abandoned before its single
transaction commits, and its `runs` row is closed as interrupted.

A running scheduler reloads its config file when it changes (ConfigReloader, every
RELOAD_SECONDS): the new file is validated first, and a bad one keeps the running config and
is recorded for the Sources page (config_state).

APScheduler is imported only by `build_schedule` and `serve`, so pages may import
`schedule_status`, `backoff_seconds` and `config_state` without it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from analysis.reports import last_full_week
from config import Config, ConfigError, Source
from pipeline.runner import RunInterrupted, RunSummary, run_source
from store.locks import default_owner, release_prefixed
from store.schema import cursors, runs

log = logging.getLogger(__name__)

#: the longest wait between tries of a failing source (never shorter than its `every`).
BACKOFF_CAP_SECONDS = 3600.0
#: the background re-judge (pipeline.rejudge.RejudgeJob): its job id and how often it takes its few chunks.
REJUDGE_JOB = "rejudge"
REJUDGE_EVERY_SECONDS = 30
#: the check that starts that re-judge when the store's judgements fall behind while the scheduler runs (an older
#: release's ingest lowered the recorded version, a store restored from a backup): its job id and how often.
REJUDGE_CHECK_JOB = "rejudge-check"
REJUDGE_CHECK_SECONDS = 600
#: how long runs still going may finish after SIGINT / SIGTERM.
GRACE_SECONDS = 5.0
#: errors that are not the source's fault and do not count toward its backoff.
NOT_A_FAILURE_PREFIX = "interrupted"


def utc_now() -> datetime:
    """The real clock, the default of every `now` here (tests pass a fixed one)."""
    return datetime.now(UTC)


def backoff_seconds(every: float, failures: int, cap: float = BACKOFF_CAP_SECONDS) -> float:
    """The wait before the next try after `failures` failed runs in a row.

    `every` when the last run did not fail; else every x 2^failures, at most max(every, cap).
    """
    if failures <= 0:
        return float(every)
    return float(min(every * 2.0 ** min(failures, 40), max(every, cap)))


def jitter_seconds(every: float) -> float:
    """Random delay added to each run: 5 % of the interval, at most 30 s (spreads sources out)."""
    return min(every * 0.05, 30.0)


def misfire_grace_seconds(every: float) -> int:
    """A run missed by less than this (a busy or suspended machine) still runs, once (coalesced)."""
    return int(max(every, 60))


def is_failure(summary: RunSummary) -> bool:
    """Errors and missing credentials count; a run skipped because another process holds the source, or because
    the store stayed busy (an import holding SQLite's write lock), does not."""
    if summary.busy:
        return False
    if summary.status == "error":
        return True
    return summary.status == "skipped" and summary.locked_by is None


class SourceJob:
    """One source's job: runs it unless it is backing off, and keeps its failures in a row.

    Called by the scheduler at the source's interval; a call while backing off returns None
    without running (and without a `runs` row).
    """

    def __init__(
        self,
        engine: Engine,
        config: Config,
        source: Source,
        owner: str,
        stop: threading.Event,
        *,
        failures: int = 0,
        cap: float = BACKOFF_CAP_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        run: Callable[..., RunSummary] = run_source,
    ) -> None:
        self.engine, self.config, self.source, self.owner, self.stop = engine, config, source, owner, stop
        self.failures, self.cap, self.clock, self.run = failures, cap, clock, run
        self.retry_at: float | None = None
        self.running = threading.Event()

    def sleep(self, seconds: float) -> None:
        """A retry wait that ends early, with RunInterrupted, when the scheduler is stopping."""
        if self.stop.wait(seconds):
            raise RunInterrupted("the scheduler was stopped")

    def due(self, now: float) -> bool:
        # half an interval of slack: fire times carry jitter, backoff waits are whole intervals
        return self.retry_at is None or now >= self.retry_at - self.source.every_seconds / 2

    def __call__(self) -> RunSummary | None:
        started = self.clock()
        if self.stop.is_set() or not self.due(started):
            return None
        self.running.set()
        try:
            summary = self.run(self.engine, self.config, self.source, sleep=self.sleep, owner=self.owner)
        except Exception as exc:  # e.g. the database unreachable for the lease: a failure like any other
            log.exception("source %s could not run", self.source.name)
            summary = RunSummary(self.source.name, "error", error=f"{exc.__class__.__name__}: {exc}")
        finally:
            self.running.clear()
        if is_failure(summary):
            self.failures += 1
            wait = backoff_seconds(self.source.every_seconds, self.failures, self.cap)
            self.retry_at = started + wait
            log.warning("%s (failed %d in a row; next try in %.0f s)", summary.line(), self.failures, wait)
        else:
            if summary.status == "ok":
                self.failures, self.retry_at = 0, None
            (log.warning if summary.busy else log.info)(summary.line())
        return summary


class ReportJob:
    """Writes the last full ISO week's reports (config [reports]) with pipeline.export."""

    def __init__(self, engine: Engine, config: Config, now: Callable[[], datetime] = utc_now) -> None:
        self.engine, self.config, self.now = engine, config, now

    def target(self) -> tuple[str, Path]:
        week = last_full_week(self.now())
        return week, Path(self.config.reports.dir) / week

    def __call__(self, only_if_missing: bool = False) -> Path | None:
        from pipeline.export import export_week, is_complete

        week, out = self.target()
        if only_if_missing:  # the catch-up at start: only a missing (or incomplete) last full week is written
            if is_complete(out):
                log.info("weekly report %s is already at %s: not written at start", week, out)
                return None
            log.info("weekly report %s is missing at %s: writing it now", week, out)
        try:
            result = export_week(self.engine, self.config, week, None, None)
        except Exception:  # a failed report never stops collection
            log.exception("weekly report %s failed", week)
            return None
        log.info("weekly report %s: %d mentions written to %s", week, result.mentions, result.out_dir)
        return result.out_dir


def failures_in_row(engine: Engine, source: str) -> int:
    """Failed runs (errors, missing credentials; not interruptions) since the source's last ok run."""
    with engine.connect() as conn:
        last_ok = conn.execute(
            select(func.max(runs.c.id)).where(runs.c.source == source, runs.c.status == "ok")
        ).scalar()
        query = select(func.count()).where(
            runs.c.source == source,
            runs.c.status.in_(("error", "skipped")),
            func.coalesce(runs.c.error, "").not_like(f"{NOT_A_FAILURE_PREFIX}%"),
        )
        if last_ok is not None:
            query = query.where(runs.c.id > last_ok)
        return int(conn.execute(query).scalar() or 0)


def _utc(value: Any) -> pd.Timestamp | None:
    if value is None or pd.isna(value):
        return None
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


#: schedule_status's columns, in order.
STATUS_COLUMNS: tuple[str, ...] = (
    "source", "platform", "brand", "enabled", "every_seconds", "last_started_at", "last_finished_at",
    "last_status", "last_error", "last_fetched", "last_new", "failures_in_row", "next_run_at", "overdue",
    "locked_by", "lock_expires_at",
)  # fmt: skip


def _last_runs_and_leases(engine: Engine) -> tuple[dict[str, Any], dict[str, Any]]:
    with engine.connect() as conn:
        newest = select(runs.c.source, func.max(runs.c.id).label("id")).group_by(runs.c.source).subquery()
        last = {r.source: r for r in conn.execute(select(runs).join(newest, runs.c.id == newest.c.id))}
        query = select(cursors.c.source, cursors.c.lock_owner, cursors.c.lock_expires_at)
        leases = {r.source: r for r in conn.execute(query) if r.lock_owner is not None}
    return last, leases


def _status_row(engine: Engine, source: Source, run: Any, lease: Any, now: pd.Timestamp, cap: float) -> dict:
    failures = failures_in_row(engine, source.name) if run is not None else 0
    started = _utc(run.started_at) if run is not None else None
    next_at = None
    if started is not None and source.enabled:
        next_at = started + pd.Timedelta(seconds=backoff_seconds(source.every_seconds, failures, cap))
    expires = _utc(lease.lock_expires_at) if lease is not None else None
    held = expires is not None and expires > now
    late = next_at is not None and now > next_at + pd.Timedelta(seconds=source.every_seconds + 60)
    return {
        "source": source.name,
        "platform": source.platform,
        "brand": source.brand,
        "enabled": source.enabled,
        "every_seconds": source.every_seconds,
        "last_started_at": started,
        "last_finished_at": _utc(run.finished_at) if run is not None else None,
        "last_status": run.status if run is not None else None,
        "last_error": run.error if run is not None else None,
        "last_fetched": run.fetched if run is not None else None,
        "last_new": run.new if run is not None else None,
        "failures_in_row": failures,
        "next_run_at": next_at,
        "overdue": bool(late),
        "locked_by": lease.lock_owner if held else None,
        "lock_expires_at": expires if held else None,
    }


def schedule_status(
    engine: Engine, config: Config, now: datetime | None = None, cap: float = BACKOFF_CAP_SECONDS
) -> pd.DataFrame:
    """One row per configured source, for the Sources page: its last run and when the next is due.

    Columns: STATUS_COLUMNS. failures_in_row: failed runs since the last ok one (see
    failures_in_row). next_run_at = last start + backoff_seconds(every, failures_in_row) (what
    a running scheduler does, before jitter); null when the source never ran or is disabled.
    overdue: next_run_at is more than an interval plus a minute ago (is a scheduler running?).
    locked_by / lock_expires_at: the process collecting it right now, if any.
    """
    moment = pd.Timestamp(now or utc_now())
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
    last, leases = _last_runs_and_leases(engine)
    rows = [_status_row(engine, s, last.get(s.name), leases.get(s.name), moment, cap) for s in config.sources]
    frame = pd.DataFrame(rows, columns=list(STATUS_COLUMNS))
    for column in ("last_started_at", "last_finished_at", "next_run_at", "lock_expires_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


#: meta key where a running scheduler says which config it runs (the Sources page reads it).
CONFIG_STATE_KEY = "scheduler_config"
#: how often a running scheduler looks whether its config file changed.
RELOAD_SECONDS = 10


def record_config_state(engine: Engine, state: dict[str, Any]) -> None:
    """Save what the scheduler runs (config_state reads it back); never fails the scheduler."""
    from store.schema import meta

    try:
        with engine.begin() as conn:
            conn.execute(delete(meta).where(meta.c.key == CONFIG_STATE_KEY))
            conn.execute(insert(meta).values(key=CONFIG_STATE_KEY, value=json.dumps(state)))
    except Exception as exc:
        log.warning("could not record the scheduler's config state: %s", exc)


def config_state(conn: Connection) -> dict[str, Any] | None:
    """What the newest scheduler said about its config: path, mtime, loaded_at, sources, and a problem (or None)."""
    from store.schema import meta

    value = conn.execute(select(meta.c.value).where(meta.c.key == CONFIG_STATE_KEY)).scalar()
    try:
        state = json.loads(value) if value else None
    except ValueError:
        return None
    return state if isinstance(state, dict) else None


def _mtime(path: Path | None) -> float | None:
    try:
        return path.stat().st_mtime if path is not None else None
    except OSError:
        return None


class Schedule:
    """A scheduler's jobs for one config, and `apply` to move them to another (a reloaded monitor.toml)."""

    def __init__(
        self,
        engine: Engine,
        scheduler: Any,
        stop: threading.Event,
        *,
        owner: str,
        reports: bool,
        cap: float,
        jitter: bool,
        now: Callable[[], datetime],
    ) -> None:
        self.engine, self.scheduler, self.stop, self.owner = engine, scheduler, stop, owner
        self.reports, self.cap, self.jitter, self.now = reports, cap, jitter, now
        self.jobs: list[SourceJob] = []
        self.alert_job: Any = None
        self.config: Config | None = None
        #: the live streams (pipeline.streams.StreamSupervisor) that a reload also moves, once serve() starts them
        self.streams: Any = None

    def _add_source(self, job: SourceJob, first: datetime) -> None:
        from apscheduler.triggers.interval import IntervalTrigger

        every = job.source.every_seconds
        self.scheduler.add_job(
            job,
            IntervalTrigger(seconds=every, jitter=jitter_seconds(every) if self.jitter else None),
            id=f"source:{job.source.name}",
            name=f"collect {job.source.name}",
            next_run_time=first,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=misfire_grace_seconds(every),
            replace_existing=True,
        )

    def apply(self, config: Config) -> list[str]:
        """Jobs for `config`: new and changed sources (re)start a second apart, removed ones stop, the
        others keep their timing and backoff; the report and alert jobs follow. Returns what changed."""
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        from pipeline.streams import polls

        # a Jetstream source replays from its cursor in its stream thread: no polling job
        wanted = {s.name: s for s in config.sources if s.enabled and polls(s)}
        changes: list[str] = []
        start, started = self.now(), 0
        for job in list(self.jobs):
            source = wanted.pop(job.source.name, None)
            if source == job.source:
                job.config = config
                continue
            self.scheduler.remove_job(f"source:{job.source.name}")
            self.jobs.remove(job)
            if source is None:
                changes.append(f"{job.source.name} removed")
                continue
            fresh = SourceJob(self.engine, config, source, self.owner, self.stop, failures=job.failures, cap=self.cap)
            self.jobs.append(fresh)
            self._add_source(fresh, start + timedelta(seconds=started))
            started += 1
            changes.append(f"{source.name} changed")
        for source in wanted.values():
            failures = failures_in_row(self.engine, source.name)
            job = SourceJob(self.engine, config, source, self.owner, self.stop, failures=failures, cap=self.cap)
            self.jobs.append(job)
            self._add_source(job, start + timedelta(seconds=started))
            started += 1
            changes.append(f"{source.name} added" if self.config is not None else source.name)
        if self.reports:
            settings = config.reports
            hour, minute = (int(part) for part in settings.time.split(":"))
            trigger = CronTrigger(
                day_of_week=settings.weekday, hour=hour, minute=minute, timezone=ZoneInfo(settings.timezone)
            )
            self.scheduler.add_job(ReportJob(self.engine, config, self.now), trigger, id="weekly-report",
                                   name="weekly report", coalesce=True, max_instances=1,
                                   misfire_grace_time=6 * 3600, replace_existing=True)  # fmt: skip
        # --- privacy: retention once a day (brands with retain_days; see pipeline/retention.py) -----
        if any(b.retain_days is not None for b in config.brands):
            from pipeline.retention import RetentionJob

            self.scheduler.add_job(RetentionJob(self.engine, config), CronTrigger(hour=3, minute=17, timezone=UTC),
                                   id="retention", name="retention", coalesce=True, max_instances=1,
                                   misfire_grace_time=12 * 3600, replace_existing=True)  # fmt: skip
        elif self.scheduler.get_job("retention") is not None:
            self.scheduler.remove_job("retention")
        # --- re-judging: while stored judgements are of other formulas, a few small chunks at a time; checked
        # again every REJUDGE_CHECK_SECONDS (check_rejudge), not only when a config is applied
        self._apply_rejudge(config)
        if self.scheduler.get_job(REJUDGE_CHECK_JOB) is None:
            self.scheduler.add_job(self.check_rejudge, IntervalTrigger(seconds=REJUDGE_CHECK_SECONDS),
                                   id=REJUDGE_CHECK_JOB, name="formulas version check", coalesce=True,
                                   max_instances=1, misfire_grace_time=REJUDGE_CHECK_SECONDS,
                                   next_run_time=self.now() + timedelta(seconds=REJUDGE_CHECK_SECONDS),
                                   replace_existing=True)  # fmt: skip
        # --- alerts: after each collection run and every [scheduler] alert_every -------------------
        if config.alerts:
            from pipeline.alerts import AlertJob

            self.alert_job = AlertJob(self.engine, config)
            every = int(config.scheduler.alert_every.total_seconds())
            self.scheduler.add_job(self.alert_job, IntervalTrigger(seconds=every), id="alerts", name="alert check",
                                   coalesce=True, max_instances=1, misfire_grace_time=misfire_grace_seconds(every),
                                   replace_existing=True)  # fmt: skip
        elif self.alert_job is not None:
            self.alert_job = None
            self.scheduler.remove_job("alerts")
        if self.streams is not None:
            changes += self.streams.apply(config)
        self.config = config
        return changes

    def _apply_rejudge(self, config: Config) -> None:
        """The background re-judge (pipeline.rejudge.RejudgeJob) while the store's judgements are not this code's
        formulas version (checked when the config is applied); it removes itself once the store is current."""
        from apscheduler.triggers.interval import IntervalTrigger

        from pipeline.rejudge import RejudgeJob, pending

        job = self.scheduler.get_job(REJUDGE_JOB)
        if job is not None:
            job.func.config = config
            return
        try:
            behind = pending(self.engine)
        except Exception as exc:  # an unreachable store: collection jobs say so; the next reload checks again
            log.warning("could not read the store's formulas version: %s", exc)
            return
        if not behind:
            return
        log.info("stored judgements are of other formulas: re-judging them in the background")
        self.scheduler.add_job(RejudgeJob(self.engine, config, on_done=self._rejudge_done),
                               IntervalTrigger(seconds=REJUDGE_EVERY_SECONDS), id=REJUDGE_JOB, name="re-judge",
                               coalesce=True, max_instances=1, misfire_grace_time=REJUDGE_EVERY_SECONDS,
                               next_run_time=self.now() + timedelta(seconds=REJUDGE_EVERY_SECONDS),
                               replace_existing=True)  # fmt: skip

    def check_rejudge(self) -> bool:
        """The REJUDGE_CHECK_JOB: start the background re-judge when the store's judgements are not this code's
        formulas version (or a re-judge is left under way) and none runs (_apply_rejudge: one read of `meta`
        and a look for a mention). True when a re-judge job is scheduled. A failure is logged, never raised."""
        try:
            if self.config is not None:
                self._apply_rejudge(self.config)
        except Exception:
            log.exception("the formulas version check failed")
        return self.scheduler.get_job(REJUDGE_JOB) is not None

    def _rejudge_done(self) -> None:
        from apscheduler.jobstores.base import JobLookupError

        with contextlib.suppress(JobLookupError):
            self.scheduler.remove_job(REJUDGE_JOB)

    def after_run(self, event: Any) -> None:
        """An alert check right after each collection run (when rules are configured)."""
        if self.alert_job is not None and str(event.job_id).startswith("source:"):
            self.scheduler.add_job(self.alert_job, id="alerts-after-run", name="alert check after a run",
                                   replace_existing=True, misfire_grace_time=60)  # fmt: skip


class ConfigReloader:
    """Reloads the config file when it changes. The new file is validated first: a bad one keeps the
    running config, is logged, and is recorded (config_state) for the Sources page to show."""

    def __init__(
        self,
        schedule: Schedule,
        path: Path | None,
        *,
        load: Callable[[str], Config] | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        from config import load_config

        self.schedule, self.path, self.load, self.now = schedule, path, load or load_config, now
        self.mtime = _mtime(path)
        self.loaded_at = now()
        self.problem: str | None = None
        self.record()

    def record(self) -> None:
        config = self.schedule.config
        record_config_state(
            self.schedule.engine,
            {
                "path": str(self.path) if self.path else None,
                "mtime": self.mtime,
                "loaded_at": self.loaded_at.isoformat(),
                "sources": [s.name for s in config.sources] if config else [],
                "problem": self.problem,
                "reload_seconds": RELOAD_SECONDS,
            },
        )

    def __call__(self) -> bool | None:
        """True: reloaded; False: the changed file has a problem (old config kept); None: unchanged."""
        mtime = _mtime(self.path)
        if self.path is None or mtime == self.mtime:
            return None
        self.mtime = mtime
        try:
            config = self.load(str(self.path))
        except ConfigError as exc:
            self.problem = str(exc)
            log.warning("%s changed but has a problem: still running the config loaded at %s.\n%s",
                        self.path, self.loaded_at.isoformat(timespec="seconds"), exc)  # fmt: skip
            self.record()
            return False
        changes = self.schedule.apply(config)
        self.loaded_at, self.problem = self.now(), None
        self.record()
        log.info("reloaded %s: %s", self.path, ", ".join(changes) or "no source changed")
        return True


#: how often the scheduler fills the store's part cache ahead of the pages (WarmJob): at its start, then
#: this often (a new day moves the pages' default range; an erasure empties the cache).
WARM_MINUTES = 60


class WarmJob:
    """`cli.py warm` in a child process of its own at low priority (nice 10): the pages' closed days for each
    brand's default selection computed ahead of the first visitor (ui.warm). Never blocks a collection: the
    child holds no lease and no lock (a part cache write gives up after 250 ms), and a signal stops it."""

    def __init__(self, config: Config, stop: threading.Event, command: list[str] | None = None) -> None:
        options = ["--config", str(config.path)] if config.path else []
        self.command = command or [
            sys.executable,
            str(Path(__file__).resolve().parents[1] / "cli.py"),
            *options,
            "warm",
        ]
        self.stop = stop

    def __call__(self) -> int | None:
        import subprocess
        import tempfile

        if self.stop.is_set():
            return None
        started = time.monotonic()
        nice = (lambda: os.nice(10)) if hasattr(os, "nice") else None
        # its messages go to a file, not a pipe: a pipe nobody reads while waiting would block a talkative child
        with tempfile.TemporaryFile() as errors:
            try:
                child = subprocess.Popen(  # noqa: S603 - our own cli.py, no shell
                    self.command, stdout=subprocess.DEVNULL, stderr=errors, preexec_fn=nice
                )
            except OSError as exc:
                log.warning("part cache warm-up could not start: %s", exc)
                return None
            while child.poll() is None:
                if self.stop.wait(0.2):
                    child.terminate()
                    try:
                        child.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        child.kill()
                        child.wait()
                    return None
            errors.seek(max(0, errors.seek(0, os.SEEK_END) - 2000))
            error = errors.read().decode("utf-8", "replace")
        if child.returncode:
            log.warning("part cache warm-up failed (exit %d): %s", child.returncode, error.strip()[-500:])
        else:
            log.info("part cache warmed in %.0f s", time.monotonic() - started)
        return child.returncode


def build_schedule(
    engine: Engine,
    config: Config,
    stop: threading.Event,
    *,
    owner: str,
    reports: bool = True,
    scheduler_cls: Any = None,
    cap: float = BACKOFF_CAP_SECONDS,
    jitter: bool = True,
    now: Callable[[], datetime] = utc_now,
) -> Schedule:
    """A scheduler with a job per enabled source, (with `reports`) the weekly report job and the alert jobs.

    Sources first run right after `now()` (a second apart), then every `every`.
    `scheduler_cls` defaults to BlockingScheduler (tests pass BackgroundScheduler).
    """
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler

    sources = [s for s in config.sources if s.enabled]
    workers = max(4, min(len(sources) + 2, 10))
    scheduler = (scheduler_cls or BlockingScheduler)(
        executors={"default": ThreadPoolExecutor(workers)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=UTC,
    )
    schedule = Schedule(engine, scheduler, stop, owner=owner, reports=reports, cap=cap, jitter=jitter, now=now)
    schedule.apply(config)
    scheduler.add_listener(schedule.after_run, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    return schedule


def build_scheduler(
    engine: Engine, config: Config, stop: threading.Event, **options: Any
) -> tuple[Any, list[SourceJob]]:
    """(scheduler, source jobs) of `build_schedule`, which takes the same keyword options."""
    schedule = build_schedule(engine, config, stop, **options)
    return schedule.scheduler, schedule.jobs


def close_interrupted(
    engine: Engine,
    sources: list[str],
    owner: str,
    reason: str = "interrupted: the scheduler was stopped",
    now: Callable[[], datetime] = utc_now,
) -> int:
    """Close the `running` rows of these sources and free their leases (this process's runs that did not finish).

    Used just before the process exits, so their transactions can no longer commit. Waits at
    most 2 s for a busy SQLite database: a row left `running` is closed by the source's next
    run, and a lease left behind expires by itself.
    """
    if not sources:
        return 0
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA busy_timeout=2000")
            closed = conn.execute(
                update(runs)
                .where(runs.c.source.in_(sources), runs.c.status == "running")
                .values(status="error", finished_at=now(), error=reason)
            ).rowcount
            release_prefixed(conn, sources, owner)
            return closed
    except Exception as exc:
        log.warning("could not close the interrupted runs of %s: %s", ", ".join(sources), exc)
        return 0


def _shutdown(scheduler: Any, patience: float = 5.0) -> None:
    """Stop the scheduler from another thread (a signal handler must not); waits for it to have started."""
    from apscheduler.schedulers import SchedulerNotRunningError

    deadline = time.monotonic() + patience
    while True:
        try:
            scheduler.shutdown(wait=False)
            return
        except SchedulerNotRunningError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)


def serve(
    engine: Engine,
    config: Config,
    *,
    reports: bool = True,
    grace: float = GRACE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
    owner: str | None = None,
    warm: bool = True,
) -> int:
    """Run the scheduler until SIGINT / SIGTERM; returns the exit code (0).

    On a signal: no new runs start; runs going on get `grace` seconds (a second signal cuts
    that short); runs still going after that are closed as interrupted and the process exits
    at once, so their uncommitted transaction is rolled back by the database (their leases are freed).
    """
    stop, force = threading.Event(), threading.Event()
    owner = owner or default_owner("scheduler")
    schedule = build_schedule(engine, config, stop, owner=owner, reports=reports, cap=cap)
    scheduler, jobs = schedule.scheduler, schedule.jobs  # `jobs` follows reloads (the same list)
    reloader = ConfigReloader(schedule, config.path)
    scheduler.add_job(reloader, "interval", seconds=RELOAD_SECONDS, id="config-reload", name="config reload",
                      coalesce=True, max_instances=1)  # fmt: skip
    if warm:
        scheduler.add_job(WarmJob(config, stop), "interval", minutes=WARM_MINUTES, id="warm", name="part cache warm-up",
                          next_run_time=utc_now(), coalesce=True, max_instances=1)  # fmt: skip
    # --- streams (pipeline/streams.py): a thread per streamed source, stopped by the same signal ---
    from pipeline.streams import StreamSupervisor

    streams = StreamSupervisor(engine, config, stop, owner).start()
    schedule.streams = streams  # a reload starts, stops and restarts streams too

    def on_signal(signum: int, _frame: Any) -> None:
        if stop.is_set():
            force.set()
            return
        log.warning("%s received: stopping (runs going on get %.0f s to finish)", signal.Signals(signum).name, grace)
        stop.set()
        threading.Thread(target=_shutdown, args=(scheduler,), daemon=True).start()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if reports:
            threading.Thread(
                target=ReportJob(engine, config), kwargs={"only_if_missing": True}, name="report-catch-up", daemon=True
            ).start()
        scheduler.start()  # blocks until a signal shuts it down
        for name in streams.join(grace + 5.0):  # each saves its last batch on the way out
            log.warning("stream %s did not stop in time", name)
        deadline = time.monotonic() + grace
        while any(j.running.is_set() for j in jobs) and time.monotonic() < deadline and not force.is_set():
            time.sleep(0.05)
        left = [j.source.name for j in jobs if j.running.is_set()]
        if left:
            closed = close_interrupted(engine, left, owner)
            log.warning(
                "stopped with %d run(s) unfinished (%s): closed as interrupted, nothing half-saved",
                closed,
                ", ".join(left),
            )
            sys.stdout.flush()
            sys.stderr.flush()
            logging.shutdown()
            os._exit(0)  # the unfinished runs' transactions die with the process (rolled back)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.warning("scheduler stopped")
    return 0


def supervise(commands: dict[str, list[str]], grace: float = 10.0, poll: float = 0.2) -> int:
    """Run processes together (`cli.py run`: the scheduler and the dashboard) until a signal or one exits.

    Each child runs in its own session, so a terminal's Ctrl-C reaches only this process,
    which then sends every child one SIGTERM, waits up to `grace` seconds, and kills what is
    left. Returns 0 after a signal, else 1 when a child exited by itself (the others are stopped).
    """
    import subprocess

    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    children: dict[str, subprocess.Popen[bytes]] = {}
    code = 0
    try:
        for name, command in commands.items():
            children[name] = subprocess.Popen(command, start_new_session=True)
            log.info("started %s (pid %d)", name, children[name].pid)
        while not stop.wait(poll):
            ended = [(name, child.returncode) for name, child in children.items() if child.poll() is not None]
            if ended:
                for name, returncode in ended:
                    log.error("%s exited with code %s: stopping the others", name, returncode)
                code = 1
                break
    finally:
        for name, child in children.items():
            if child.poll() is None:
                log.info("stopping %s (pid %d)", name, child.pid)
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for name, child in children.items():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.error("%s did not stop within %.0f s: killing it", name, grace)
                child.kill()
                child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code
