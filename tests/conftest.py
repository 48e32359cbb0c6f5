"""Shared fixtures: a fresh store per test (SQLite, and PostgreSQL when TEST_DATABASE_URL is set),
the config, and the path to ../shared (cassettes, data sets) with a skip when it is absent.

Isolation: every test runs in its own empty folder (`tmp_path` is the working directory) with
MONITOR_CONFIG, DATABASE_URL and every credential variable removed from the environment, so a
user's monitor.toml, .env or .streamlit/secrets.toml in the project folder is never read. A
test that needs one of them sets it itself (monkeypatch). Child processes get `child_env()`.
"""

from __future__ import annotations

import os
import tempfile
import threading
import tomllib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from config import CREDENTIALS, DEMO_TOML, Config, parse_config
from store.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
#: a fixed "now" for data that must not move between runs.
FIXED_NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip saying why the test cannot run."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the project's shared/ folder is not beside this clone)")
    return path


#: environment variables a test never inherits from the user's shell (credentials, store, config).
ISOLATED_ENV: tuple[str, ...] = ("MONITOR_CONFIG", "DATABASE_URL", "MONITOR_NULLPOOL", *CREDENTIALS)


def _isolate(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    for name in ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(folder)


@pytest.fixture(scope="session", autouse=True)
def _isolated_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Session and module fixtures (seeded stores, servers) run in an empty folder and a clean environment too."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(monkeypatch, tmp_path_factory.mktemp("cwd"))
        yield


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test: cwd = its tmp_path, no config, store or credential variables unless it sets them."""
    _isolate(monkeypatch, tmp_path)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process (cli.py, streamlit): this one without any isolated variable, plus `extra`.

    Pass `cwd=` a temporary folder too, so the child finds no monitor.toml, .env or secrets.toml.
    """
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_ENV}
    # Streamlit reads .streamlit/secrets.toml beside app.py (the project folder) and in ~/.streamlit, whatever
    # the cwd, and exports its top-level keys (DATABASE_URL too) as variables: point it at a file that is not there.
    env["STREAMLIT_SECRETS_FILES"] = str(Path(tempfile.gettempdir()) / "monitor-tests-no-secrets" / "secrets.toml")
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


def builtin_demo_config() -> Config:
    """The built-in demo config, whatever file or variable is around."""
    return parse_config(tomllib.loads(DEMO_TOML), None)


@pytest.fixture
def demo_config() -> Config:
    return builtin_demo_config()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'monitor.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A PostgreSQL store in a schema of its own, dropped afterwards; skipped without TEST_DATABASE_URL."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("set TEST_DATABASE_URL to a PostgreSQL database to run the PostgreSQL tests")
    from store.engine import database_url

    url = database_url(url)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{sep}options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


#: the application_name of second_pg_engine's sessions, apart from any other test run's
SECOND_SESSION = f"second_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def second_pg_engine(pg_engine: Engine) -> Iterator[Engine]:
    """A second engine on pg_engine's schema whose sessions are named (SECOND_SESSION), so a test can see
    them wait on a lock (wait_until_second_waits)."""
    url = pg_engine.url.render_as_string(hide_password=False)
    engine = make_engine(f"{url}&application_name={SECOND_SESSION}")
    yield engine
    engine.dispose()


def wait_until_second_waits(engine: Engine, thread: threading.Thread) -> None:
    """Returns once a session of second_pg_engine's, run by `thread`, waits on a lock (one the test holds
    until it releases it) or `thread` has ended (the test then fails on its result)."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND wait_event_type = 'Lock'")
    with engine.connect() as conn:
        for _ in range(6000):  # a fail-safe bound, not a timing: the second waits as long as the lock is held
            if conn.execute(query, {"name": SECOND_SESSION}).scalar() or not thread.is_alive():
                return
            conn.commit()
            threading.Event().wait(0.02)
    raise AssertionError("the second engine's session never waited on the first's lock")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The store on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
        return request.getfixturevalue("pg_engine")
    return request.getfixturevalue("sqlite_engine")


# --- CI guard: in CI the PostgreSQL and browser tests must run, not skip -----------------------
REQUIRED_MARKERS = {"postgres": "REQUIRE_POSTGRES", "browser": "REQUIRE_BROWSER"}
_ran: dict[str, int] = {name: 0 for name in REQUIRED_MARKERS}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        for name in REQUIRED_MARKERS:
            if name in report.keywords:
                _ran[name] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    missing = [n for n, var in REQUIRED_MARKERS.items() if os.environ.get(var) == "1" and _ran[n] == 0]
    if missing and exitstatus == 0 and not getattr(session.config.option, "collectonly", False):
        _missing.extend(missing)
        session.exitstatus = 1


_missing: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _missing:
        terminalreporter.write_line(
            f"FAILED: required tests did not run: {', '.join(_missing)} (REQUIRE_* is set, as in .ci/run)", red=True
        )
