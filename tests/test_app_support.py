"""Shared by the page tests: a seeded demo store per test, the app under AppTest, and the expected
numbers read straight from the store with plain SQL (not through the code under test)."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from config import load_config
from pipeline.seed import seed_demo
from store.engine import make_engine
from tests.conftest import FIXED_NOW

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 120
#: the sidebar's default range on the seeded store: the 30 days up to the last stored day.
LAST_DAY = FIXED_NOW.date()
FIRST_DAY = LAST_DAY - timedelta(days=29)


@dataclass
class Store:
    url: str
    engine: Engine
    path: Path

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def frame(self, sql: str, **params: Any) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(text(sql), params)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def execute(self, sql: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(sql), params)


def day_text(day: date) -> str:
    """A day as the text SQLite stores timestamps in, for range comparisons."""
    return f"{day:%Y-%m-%d} 00:00:00"


def in_range(start: date = FIRST_DAY, end: date = LAST_DAY) -> dict[str, str]:
    return {"start": day_text(start), "end": day_text(end + timedelta(days=1))}


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store for the session (generated up to tests.conftest.FIXED_NOW), copied per test."""
    path = tmp_path_factory.mktemp("seeded") / "monitor.db"
    engine = make_engine(f"sqlite:///{path}")
    seed_demo(engine, load_config(None), mentions=3000, days=60, end=FIXED_NOW)
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def serve_like_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run app.py on every AppTest rerun, as a server does.

    Streamlit treats an app with a pages/ folder as a folder-based multipage app until the
    entry script calls st.navigation, which clears the flag for the life of the process. AppTest
    resets the flag before every run, so its reruns would run the page file alone, without
    app.py's sidebar. This keeps the flag cleared, which is what a running server sees.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def store(seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A private copy of the seeded store; DATABASE_URL points at it and the built-in demo config applies."""
    serve_like_a_server(monkeypatch)
    path = tmp_path / "monitor.db"
    shutil.copy(seeded_db, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    engine = make_engine(url)
    yield Store(url, engine, path)
    engine.dispose()


PASSWORD = "a test passphrase"


def ensure_account(name: str, role: str) -> None:
    """An account in the store DATABASE_URL names (created once, role kept up to date)."""
    import os

    from store import accounts

    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        with engine.begin() as conn:
            if accounts.list_accounts(conn).query("name == @name").empty:
                accounts.add(conn, name, role, PASSWORD, actor="test")
            else:
                accounts.set_role(conn, name, role, actor="test")
    finally:
        engine.dispose()


def sign_in(at: AppTest, name: str = "Ann", role: str = "responder") -> AppTest:
    """Sign the AppTest session in as `name` (the account is created in the store when needed)."""
    ensure_account(name, role)
    at.session_state["auth_user"] = name
    return at


def open_app(page: str | None = None, *, user: str | None = "Ann", role: str = "responder") -> AppTest:
    """The app after its first run, signed in as `user` (None: not signed in), switched to `page`
    (a file name in pages/ without .py)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if user:
        sign_in(at, user, role)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page is not None:
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def values(array: Any) -> np.ndarray:
    """A plotly JSON array: a list, or a typed array {"dtype", "bdata"[, "shape"]}."""
    if isinstance(array, dict) and "bdata" in array:
        data = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        if "shape" in array:
            shape = [int(s) for s in str(array["shape"]).split(",")]
            data = data.reshape(shape)
        return data
    return np.asarray(array)


def charts(at: AppTest) -> list[dict[str, Any]]:
    """The plotly figures the page sent, as dicts."""
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def chart(at: AppTest, title_start: str) -> dict[str, Any]:
    for figure in charts(at):
        if figure["layout"]["title"]["text"].startswith(title_start):
            return figure
    raise AssertionError(f"no chart titled {title_start!r}: {[f['layout']['title']['text'] for f in charts(at)]}")


def metric(at: AppTest, label_start: str) -> Any:
    for element in at.metric:
        if element.label.startswith(label_start):
            return element
    raise AssertionError(f"no metric {label_start!r}: {[m.label for m in at.metric]}")


def texts(at: AppTest) -> str:
    """Every text, caption, markdown, title and message on the page, joined (to look for a string)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "success",
        "warning",
        "error",
        "code",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def demo_label_shown(at: AppTest) -> bool:
    return any("Demo data" in str(c.value) for c in at.caption)


def table(at: AppTest, *columns: str, index: int = 0) -> pd.DataFrame:
    """The `index`-th dataframe on the page that has all these columns (dataframes carry no key in AppTest)."""
    found = [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]
    if len(found) <= index:
        raise AssertionError(f"no dataframe #{index} with {columns}: {[list(d.value.columns) for d in at.dataframe]}")
    return found[index]
