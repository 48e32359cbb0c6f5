"""`cli.py schedule` and `cli.py run` as real processes, each with its own temp SQLite store and monitor.toml.

Waits poll the store with a deadline (never a fixed sleep) and nothing asserts on wall time.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from store import locks
from store.engine import make_engine
from store.schema import cursors, mentions, runs
from tests.conftest import ROOT, child_env

BRANDS = """
[[brands]]
name = "Acme"
keywords = ["acme"]
competitors = ["Globex"]

[[brands]]
name = "Globex"
keywords = ["globex"]
"""


def _source(name: str, every: str, per_run: int = 200, platform: str = "demo") -> str:
    extra = f"per_run = {per_run}" if platform == "demo" else 'query = "acme"'
    return f'\n[[sources]]\nname = "{name}"\nplatform = "{platform}"\nbrand = "Acme"\nevery = "{every}"\n{extra}\n'


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


def _env(workdir: Path, toml: str) -> dict[str, str]:
    (workdir / "monitor.toml").write_text(BRANDS + toml + f'\n[reports]\ndir = "{workdir / "reports"}"\n')
    env = child_env(DATABASE_URL=f"sqlite:///{workdir / 'monitor.db'}", MONITOR_CONFIG=str(workdir / "monitor.toml"))
    make_engine(env["DATABASE_URL"]).dispose()  # the schema exists before any process starts (no migration race)
    return env


def _start(workdir: Path, env: dict[str, str], *args: str, log: str = "scheduler.log") -> subprocess.Popen[bytes]:
    with open(workdir / log, "wb") as out:  # the child keeps its own copy of the file
        return subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), *args], cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT
        )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:  # never leave one behind, whatever the test did
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _engine(workdir: Path) -> Engine:
    return make_engine(f"sqlite:///{workdir / 'monitor.db'}")


def _runs(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(select(runs)).all(), columns=[c.name for c in runs.columns])
    for column in ("started_at", "finished_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def _wait_for(condition: Callable[[], bool], timeout: float = 180.0, what: str = "") -> None:
    """Poll until `condition` holds; the timeout only bounds a hang (a busy machine is slow, not wrong)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _counts(workdir: Path) -> dict[tuple[str, str], int]:
    if not (workdir / "monitor.db").exists():
        return {}
    engine = _engine(workdir)
    try:
        frame = _runs(engine)
    finally:
        engine.dispose()
    return frame.groupby(["source", "status"]).size().to_dict()


def _assert_consistent(engine: Engine, source: str) -> None:
    """No half-saved run: no `running` row, and stored rows, ok runs and the cursor agree."""
    frame = _runs(engine)
    assert not (frame["status"] == "running").any(), frame
    ok = frame[(frame["source"] == source) & (frame["status"] == "ok")]
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).where(mentions.c.source == f"demo:{source}")).scalar()
        cursor = conn.execute(select(cursors.c.cursor).where(cursors.c.source == source)).scalar()
    assert stored == ok["new"].sum() == int(cursor or 0)


def test_schedule_collects_retries_a_failing_source_and_stops_on_sigterm(
    workdir: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    env = _env(workdir, _source("demo-fast", "1s") + _source("broken", "1s", platform="x"))
    proc = _start(workdir, env, "schedule", "--backoff-cap", "2")
    processes.append(proc)
    _wait_for(
        lambda: (
            _counts(workdir).get(("demo-fast", "ok"), 0) >= 3
            and sum(n for (s, st), n in _counts(workdir).items() if s == "broken" and st != "running") >= 2
        ),
        what="three ok demo runs and two failed ones",
    )
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    log = (workdir / "scheduler.log").read_text()
    assert "SIGTERM received: stopping" in log and "scheduler stopped" in log
    assert "broken: skipped: missing credentials: X_BEARER_TOKEN (failed 2 in a row" in log
    engine = _engine(workdir)
    frame = _runs(engine)
    assert set(frame.loc[frame["source"] == "broken", "status"]) == {"skipped"}  # recorded, retried
    _assert_consistent(engine, "demo-fast")
    with engine.connect() as conn:
        assert conn.execute(select(cursors.c.lock_owner).where(cursors.c.lock_owner.is_not(None))).first() is None
    engine.dispose()
    week = sorted((workdir / "reports").iterdir())  # the missed weekly report was written at start
    assert len(week) == 1 and re.fullmatch(r"\d{4}-W\d\d", week[0].name)
    assert sorted(p.name for p in week[0].iterdir()) == ["mentions.csv", "notes.txt", "satisfaction.csv", "summary.csv"]


def test_sigterm_mid_run_leaves_a_consistent_store(workdir: Path, processes: list[subprocess.Popen[bytes]]) -> None:
    env = _env(workdir, _source("demo-big", "1s", per_run=12000))
    proc = _start(workdir, env, "schedule", "--no-reports", "--grace", "0")
    processes.append(proc)
    _wait_for(lambda: _counts(workdir).get(("demo-big", "running"), 0) >= 1, what="a run in progress")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    engine = _engine(workdir)
    frame = _runs(engine)
    last = frame.sort_values("id").iloc[-1]
    assert last["status"] in ("ok", "error") and last["finished_at"] is not pd.NaT
    if last["status"] == "error":  # stopped before its one transaction committed: nothing of it stored
        assert last["error"] == "interrupted: the scheduler was stopped"
        assert "closed as interrupted, nothing half-saved" in (workdir / "scheduler.log").read_text()
    _assert_consistent(engine, "demo-big")
    with engine.connect() as conn:  # the lease was given back, so a restart need not wait for it to expire
        assert conn.execute(select(cursors.c.lock_owner)).scalar() is None
    engine.dispose()


def test_two_schedulers_never_run_one_source_at_once(workdir: Path, processes: list[subprocess.Popen[bytes]]) -> None:
    env = _env(workdir, _source("shared", "1s", per_run=1500))
    engine = _engine(workdir)
    holder = "scheduler@elsewhere:1#held"  # a third process holds the source until both schedulers found it taken
    assert locks.acquire(engine, "shared", "demo", holder, ttl=3600) is None
    first = _start(workdir, env, "schedule", "--no-reports", log="first.log")
    second = _start(workdir, env, "schedule", "--no-reports", log="second.log")
    processes.extend([first, second])
    for log in ("first.log", "second.log"):
        _wait_for(lambda log=log: f"locked by {holder}" in (workdir / log).read_text(), what=f"{log}: source taken")
    assert locks.release(engine, "shared", holder)
    engine.dispose()
    _wait_for(lambda: _counts(workdir).get(("shared", "ok"), 0) >= 3, what="three ok runs")
    for proc in (first, second):
        proc.send_signal(signal.SIGTERM)
    assert first.wait(timeout=30) == 0 and second.wait(timeout=30) == 0
    engine = _engine(workdir)
    done = _runs(engine).sort_values("started_at")
    assert (done["status"] == "ok").all()
    assert (done["started_at"].iloc[1:].to_numpy() >= done["finished_at"].iloc[:-1].to_numpy()).all(), done
    _assert_consistent(engine, "shared")
    engine.dispose()


def test_schedule_with_nothing_to_do_says_so(workdir: Path) -> None:
    env = _env(workdir, "")
    result = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "schedule", "--no-reports"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "nothing to schedule: no enabled sources" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as answer:
            return answer.status == 200
    except OSError:
        return False


def test_run_starts_the_dashboard_and_the_scheduler_and_ctrl_c_stops_both(
    workdir: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    env = _env(workdir, _source("demo-live", "1s"))
    port = _free_port()
    proc = _start(workdir, env, "run", "--port", str(port), log="run.log")
    processes.append(proc)
    _wait_for(lambda: _healthy(port), timeout=90, what="the dashboard")
    _wait_for(lambda: _counts(workdir).get(("demo-live", "ok"), 0) >= 1, what="a scheduled run")
    log = (workdir / "run.log").read_text()
    children = {name: int(pid) for name, pid in re.findall(r"started (\w+) \(pid (\d+)\)", log)}
    assert set(children) == {"dashboard", "scheduler"}
    # first start: an admin account with a random password, printed once with how to change it
    assert "first start: created the account admin" in log and "python cli.py users reset-password admin" in log
    password = re.search(r"the password\n    (\S+)\n", log).group(1)  # type: ignore[union-attr]
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
    assert proc.wait(timeout=40) == 0
    for pid in children.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # both gone (and reaped)
    assert not _healthy(port)
    engine = _engine(workdir)
    _assert_consistent(engine, "demo-live")
    from store import accounts

    assert accounts.sign_in(engine, "admin", password).role == "admin"
    with engine.connect() as conn:
        assert password not in str(conn.exec_driver_sql("SELECT * FROM accounts").all())
    engine.dispose()
