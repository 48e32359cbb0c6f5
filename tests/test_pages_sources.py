"""A running scheduler follows monitor.toml (a bad file keeps the running config, and the Sources page
says so), and the Sources page explains a back-off."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from config import load_config
from pipeline import scheduler
from tests import test_app_support as support
from tests.conftest import FIXED_NOW
from tests.test_app_support import Store, open_app, table, texts

seeded_db = support.seeded_db
store = support.store

BRANDS = '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'


def source(name: str, every: str = "1m", platform: str = "demo") -> str:
    extra = 'query = "acme"\n' if platform != "demo" else ""
    return f'[[sources]]\nname = "{name}"\nplatform = "{platform}"\nbrand = "Acme"\nevery = "{every}"\n{extra}'


def write(path: Path, text: str, mtime: float) -> None:
    """Write the file and give it a known modification time (no waiting on the file system's clock)."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))


@pytest.fixture
def schedule(sqlite_engine: Engine, tmp_path: Path):  # type: ignore[no-untyped-def]
    from apscheduler.schedulers.background import BackgroundScheduler

    path = tmp_path / "monitor.toml"
    write(path, BRANDS + source("one"), 1_000_000)
    config = load_config(str(path))
    built = scheduler.build_schedule(
        sqlite_engine,
        config,
        threading.Event(),
        owner="t",
        reports=False,
        scheduler_cls=BackgroundScheduler,
        now=lambda: FIXED_NOW,
    )
    reloader = scheduler.ConfigReloader(built, path, now=lambda: FIXED_NOW)
    return built, reloader, path


def job_ids(built: scheduler.Schedule) -> set[str]:
    """The scheduler's jobs but the formulas version check (added once, whatever the config)."""
    return {job.id for job in built.scheduler.get_jobs()} - {scheduler.REJUDGE_CHECK_JOB}


def test_the_scheduler_reloads_a_changed_config(schedule, sqlite_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    """Before: a running scheduler kept the config it started with; a new source never ran."""
    built, reloader, path = schedule
    assert reloader() is None  # unchanged: nothing to do
    kept = built.jobs[0]
    write(path, BRANDS + source("one") + source("two", "5m"), 1_000_100)
    assert reloader() is True
    assert job_ids(built) == {"source:one", "source:two"}
    assert built.jobs[0] is kept and built.jobs[0].config is built.config  # timing and backoff kept
    write(path, BRANDS + source("two", "10m"), 1_000_200)
    assert reloader() is True
    assert job_ids(built) == {"source:two"}
    assert built.scheduler.get_job("source:two").trigger.interval == timedelta(minutes=10)
    with sqlite_engine.connect() as conn:
        state = scheduler.config_state(conn)
    assert state is not None and state["sources"] == ["two"] and state["problem"] is None


def test_a_bad_config_keeps_the_running_one_and_says_so(schedule, sqlite_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    built, reloader, path = schedule
    write(path, BRANDS + source("one") + '[[sources]]\nname = "broken"\nplatform = "demo"\n', 1_000_300)
    assert reloader() is False
    assert job_ids(built) == {"source:one"}  # still running the config it had
    with sqlite_engine.connect() as conn:
        state = scheduler.config_state(conn)
    assert state is not None and "sources[1] (broken)" in state["problem"] and state["sources"] == ["one"]
    assert reloader() is None  # told once per change
    write(path, BRANDS + source("one"), 1_000_400)
    assert reloader() is True
    with sqlite_engine.connect() as conn:
        assert scheduler.config_state(conn)["problem"] is None


def sources_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text(
        BRANDS.replace('keywords = ["acme"]', 'keywords = ["acme"]\ncompetitors = ["Globex", "Initech"]')
        + '[[brands]]\nname = "Globex"\nkeywords = ["globex"]\n[[brands]]\nname = "Initech"\nkeywords = ["initech"]\n'
        + body,
        encoding="utf-8",
    )
    monkeypatch.setenv("MONITOR_CONFIG", str(path))
    return path


def add_run(store: Store, name: str, platform: str, started: datetime, status: str, error: str | None) -> None:
    store.execute(
        "INSERT INTO runs (source, platform, started_at, finished_at, status, fetched, new, skipped, error) "
        "VALUES (:n, :p, :s, :s, :st, 0, 0, 0, :e)",
        n=name,
        p=platform,
        s=started.strftime("%Y-%m-%d %H:%M:%S.%f"),
        st=status,
        e=error,
    )


def test_the_sources_page_explains_a_back_off(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: a 60-minute next run for a 30-minute source, with no word why."""
    sources_config(tmp_path, monkeypatch, source("reddit-acme", "30m", "reddit"))
    for name in ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT"):
        monkeypatch.delenv(name, raising=False)
    first = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    problem = "missing credentials: REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, REDDIT_USER_AGENT"
    add_run(store, "reddit-acme", "reddit", first, "skipped", problem)
    add_run(store, "reddit-acme", "reddit", first + timedelta(minutes=30), "skipped", problem)
    at = open_app("sources")
    shown = table(at, "source", "why").set_index("source")
    why = shown.loc["reddit-acme", "why"]
    assert why.startswith(
        "backing off after 2 failed or skipped runs in a row: waits 1.0 h instead of 30 min (doubling per failure, at most 1.0 h)"
    ), why
    assert "reddit\\-acme: backing off after 2 failed or skipped runs" in texts(at)  # markdown-escaped
    assert shown.loc["reddit-acme", "last_error"] == problem  # whole, wrapping in its cell


def test_the_sources_page_shows_the_schedulers_config_problem(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a new source showed 'never ran yet: its next run is when a scheduler starts' while one ran."""
    path = sources_config(tmp_path, monkeypatch, source("demo-live") + source("demo-new"))
    at = open_app("sources")
    assert "never ran yet" in texts(at) and "within 10 s" in texts(at)
    scheduler.record_config_state(
        store.engine,
        {"path": str(path), "mtime": 1.0, "loaded_at": "2026-11-18T10:00:00+00:00", "sources": ["demo-live"],
         "problem": "monitor.toml: sources[2] (x).every: expected an interval", "reload_seconds": 10},
    )  # fmt: skip
    at.run()
    warning = "\n".join(str(w.value) for w in at.warning)
    assert "the scheduler keeps running the config it loaded at 2026-11-18 10:00 UTC" in warning
    assert "sources[2] (x).every: expected an interval" in warning
    scheduler.record_config_state(
        store.engine,
        {"path": str(path), "mtime": 1.0, "loaded_at": "2026-11-18T10:00:00+00:00", "sources": ["demo-live"],
         "problem": None, "reload_seconds": 10},
    )  # fmt: skip
    at.run()
    assert "lists other sources than this page's" in texts(at)


def test_the_dashboard_keeps_its_config_when_the_file_turns_bad(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sources_config(tmp_path, monkeypatch, source("demo-live"))
    at = open_app("sources")
    path.write_text(path.read_text(encoding="utf-8") + "[[sources]]\nname = 'half'\n", encoding="utf-8")
    os.utime(path, (2_000_000_000, 2_000_000_000))
    at.run()
    assert not at.exception
    assert "monitor.toml changed but has a problem, so the dashboard keeps the config" in texts(at)
    assert pd.Index(table(at, "source")["source"]).tolist() == ["demo-live"]
