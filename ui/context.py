"""What every page shares: the config, the engine, the data version and cached reads.

Reads are cached by (database, data version, filters): a click or a filter change that
was seen before costs one tiny query, and new rows show on the next rerun.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, event

from analysis import response
from config import Config, ConfigError, load_config, resolve_config_path
from pipeline.seed import is_demo, seed_if_first_start
from store import queue, reader
from store.engine import StoreError, database_url, make_engine, safe_url


@dataclass(frozen=True)
class Context:
    config: Config
    engine: Engine
    url: str


#: SQLite page cache per dashboard connection, in KiB. The store's default (128 MB, for ingest) would
#: let every pooled connection of the dashboard hold 128 MB; reads here are as fast with 16 MB
#: (the OS caches the file), and the server stays well under its memory budget.
DASHBOARD_SQLITE_CACHE_KIB = 16_384


def _dashboard_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA cache_size=-{DASHBOARD_SQLITE_CACHE_KIB}")
    cursor.close()


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name == "sqlite" and ":memory:" not in url:
        event.listen(engine, "connect", _dashboard_pragmas)  # runs after the store's own pragmas
        engine.dispose()  # drop connections opened before (migrations), so every one gets it
    return engine


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


@st.cache_data(show_spinner=False, max_entries=48, ttl=3600)
def rollups(url: str, data_version: int, filters: reader.Filters, _ctx: Context) -> pd.DataFrame:
    with _ctx.engine.connect() as conn:
        return reader.rollups(conn, filters)


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def open_flagged(url: str, data_version: int | tuple[int, int], filters: reader.Filters, _ctx: Context) -> int:
    with _ctx.engine.connect() as conn:
        return reader.open_flagged_count(conn, filters)


@st.cache_data(show_spinner=False, max_entries=16)
def bounds(url: str, data_version: int, _ctx: Context):  # type: ignore[no-untyped-def]
    with _ctx.engine.connect() as conn:
        return reader.date_bounds(conn), reader.platforms_stored(conn)


def database_label(ctx: Context) -> str:
    return safe_url(ctx.url)


# ---------------------------------------------------------------------------------------------- page reads
# Each is keyed by (database, versions, arguments): `versions` is (data_version, queue_version)
# for reads that depend on the reply workflow, data_version alone otherwise.


def versions(ctx: Context) -> tuple[int, int]:
    """(data_version, queue_version): one tiny query per rerun."""
    with ctx.engine.connect() as conn:
        return reader.versions(conn)


def sla_hours(config: Config) -> dict[str, float]:
    return {b.name: float(b.sla_hours) for b in config.brands}


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def top_posts(url: str, data_version: int, filters: reader.Filters, by: str, limit: int, _ctx: Context) -> pd.DataFrame:
    with _ctx.engine.connect() as conn:
        return reader.top_posts(conn, filters, by=by, limit=limit)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def top_authors(
    url: str, data_version: int, filters: reader.Filters, by: str, limit: int, _ctx: Context
) -> pd.DataFrame:
    with _ctx.engine.connect() as conn:
        return reader.top_authors(conn, filters, by=by, limit=limit)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def hourly_totals(url: str, data_version: int, filters: reader.Filters, _ctx: Context) -> pd.DataFrame:
    with _ctx.engine.connect() as conn:
        return reader.hourly_totals(conn, filters)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def extreme_posts(
    url: str, data_version: int, filters: reader.Filters, label: str, limit: int, _ctx: Context
) -> pd.DataFrame:
    with _ctx.engine.connect() as conn:
        return reader.extreme_posts(conn, filters, label, limit=limit)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def recent_texts(
    url: str, data_version: int, filters: reader.Filters, label: str, limit: int, _ctx: Context
) -> pd.Series:
    with _ctx.engine.connect() as conn:
        return reader.recent_texts(conn, filters, label, limit=limit)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def response_times(url: str, versions: tuple[int, int], filters: reader.Filters, _ctx: Context) -> pd.DataFrame:
    with _ctx.engine.connect() as conn:
        return reader.response_times(conn, filters, sla_hours(_ctx.config))


@st.cache_data(show_spinner=False, max_entries=16, ttl=60)
def iso_weeks(url: str, data_version: int, _ctx: Context) -> list[str]:
    with _ctx.engine.connect() as conn:
        return reader.iso_weeks(conn)


@st.cache_data(show_spinner=False, max_entries=32, ttl=120)
def response_summary(
    url: str, versions: tuple[int, int], filters: reader.Filters, minute: str, _ctx: Context
) -> pd.DataFrame:
    """analysis.response.response_stats over the range (now = `minute`, so it is recomputed once a minute)."""
    frame = response_times(url, versions, filters, _ctx)
    return response.response_stats(frame, pd.Timestamp(minute))


#: the queue's order is taken at most this many minutes late (only not-yet-breached mentions move).
QUEUE_ORDER_MINUTES = 5


@st.cache_data(show_spinner=False, max_entries=64, ttl=900)
def _queue_order(
    url: str,
    versions: tuple[int, int],
    filters: queue.QueueFilters,
    bucket: str,
    offset: int,
    limit: int,
    _ctx: Context,
) -> pd.DataFrame:
    with _ctx.engine.connect() as conn:
        return queue.queue_page(
            conn,
            filters,
            now=pd.Timestamp(bucket).to_pydatetime(),
            sla_hours=sla_hours(_ctx.config),
            limit=limit,
            offset=offset,
        )


@st.cache_data(show_spinner=False, max_entries=64, ttl=120)
def queue_page(
    url: str,
    versions: tuple[int, int],
    filters: queue.QueueFilters,
    minute: str,
    offset: int,
    limit: int,
    _ctx: Context,
) -> pd.DataFrame:
    """A page of the queue: ordered as of the last 5-minute mark (cached), scored as of `minute`."""
    stamp = pd.Timestamp(minute)
    bucket = stamp.floor(f"{QUEUE_ORDER_MINUTES}min").isoformat()
    rows = _queue_order(url, versions, filters, bucket, offset, limit, _ctx)
    return queue.rescore(rows, stamp.to_pydatetime())


@st.cache_data(show_spinner=False, max_entries=64, ttl=600)
def queue_count(url: str, versions: tuple[int, int], filters: queue.QueueFilters, _ctx: Context) -> int:
    with _ctx.engine.connect() as conn:
        return queue.queue_count(conn, filters)


@st.cache_data(show_spinner=False, max_entries=16, ttl=600)
def assignees(url: str, versions: tuple[int, int], _ctx: Context) -> list[str]:
    with _ctx.engine.connect() as conn:
        return queue.assignees(conn)


@st.cache_data(show_spinner=False, max_entries=64, ttl=600)
def thread(url: str, data_version: int, mention_id: int, _ctx: Context) -> pd.DataFrame:
    with _ctx.engine.connect() as conn:
        return queue.thread(conn, mention_id)


def now_minute() -> str:
    """The current UTC minute: 'now' for reads that age (time waited), shared by reruns within a minute."""
    return datetime.now(UTC).replace(second=0, microsecond=0).isoformat()


def rivals(config: Config, brand: str) -> list[str]:
    """Who `brand` is compared with: its configured competitors, else the brands that list it as
    a competitor and their other competitors."""
    try:
        own = list(config.brand(brand).competitors)
    except KeyError:
        own = []
    if own:
        return [c for c in own if c != brand]
    names: list[str] = []
    for other in config.brands:
        if brand in other.competitors:
            names += [other.name, *other.competitors]
    return [n for n in dict.fromkeys(names) if n != brand]


def brand_words(config: Config, brand: str) -> list[str]:
    """The brand's name, keywords and handles: left out of 'driving terms' (they are in every post)."""
    words: list[str] = [brand]
    try:
        item = config.brand(brand)
    except KeyError:
        return words
    words += list(item.keywords) + list(item.handles.values()) + list(item.competitors)
    return words


@st.cache_data(show_spinner=False, max_entries=8, ttl=10)
def sources(url: str, _ctx: Context) -> pd.DataFrame:
    """Each configured source: state (ready / missing credentials / disabled / failing), last and next run."""
    from pipeline import scheduler
    from pipeline import sources as source_states

    status = scheduler.schedule_status(_ctx.engine, _ctx.config)
    if status.empty:
        return status
    states = {s.name: source_states.source_state(s) for s in _ctx.config.sources}
    status["state"] = status["source"].map(states)
    failing = (status["state"] == "ready") & (status["last_status"] == "error")
    status.loc[failing, "state"] = "failing (" + status.loc[failing, "failures_in_row"].astype(str) + " in a row)"
    return status
