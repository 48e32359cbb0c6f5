"""What every page shares: the config, the engine, the data version and cached reads.

Reads are cached by (database, data version, filters): a click or a filter change that
was seen before costs one tiny query, and new rows show on the next rerun.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from config import Config, ConfigError, load_config, resolve_config_path
from store import reader
from store.engine import StoreError, database_url, make_engine, safe_url
from store.seed import is_demo, seed_if_first_start


@dataclass(frozen=True)
class Context:
    config: Config
    engine: Engine
    url: str


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return make_engine(url)


@st.cache_data(show_spinner=False, ttl=5)
def _config(path: str | None, _mtime: float) -> Config:
    return load_config(path)


def load() -> Context:
    """Config and engine, or a friendly error and a stopped page."""
    path = resolve_config_path(os.environ.get("MONITOR_CONFIG") or None)
    try:
        mtime = Path(path).stat().st_mtime if path and Path(path).exists() else 0.0
        config = _config(str(path) if path else None, mtime)
        url = database_url()
        engine = _engine(url)
    except ConfigError as exc:
        st.error(f"The config has a problem, so the dashboard cannot start.\n\n```\n{exc}\n```")
        st.stop()
    except StoreError as exc:
        st.error(f"The database cannot be opened: {exc}")
        st.stop()
    return Context(config=config, engine=engine, url=url)


@st.cache_resource(show_spinner="Preparing demo data (first start)...")
def first_start(url: str, _ctx: Context) -> bool:
    """Seed the demo once per database when it is empty and no source can collect."""
    return seed_if_first_start(_ctx.engine, _ctx.config)


def version(ctx: Context) -> int:
    with ctx.engine.connect() as conn:
        return reader.data_version(conn)


@st.cache_data(show_spinner=False, ttl=30)
def demo_label(url: str, _version: int, _ctx: Context) -> bool:
    return is_demo(_ctx.engine)


@st.cache_data(show_spinner=False, max_entries=256)
def rollups(url: str, data_version: int, filters: reader.Filters, _ctx: Context) -> pd.DataFrame:
    with _ctx.engine.connect() as conn:
        return reader.rollups(conn, filters)


@st.cache_data(show_spinner=False, max_entries=256)
def open_flagged(url: str, data_version: int, filters: reader.Filters, _ctx: Context) -> int:
    with _ctx.engine.connect() as conn:
        return reader.open_flagged_count(conn, filters)


@st.cache_data(show_spinner=False, max_entries=16)
def bounds(url: str, data_version: int, _ctx: Context):  # type: ignore[no-untyped-def]
    with _ctx.engine.connect() as conn:
        return reader.date_bounds(conn), reader.platforms_stored(conn)


def database_label(ctx: Context) -> str:
    return safe_url(ctx.url)
