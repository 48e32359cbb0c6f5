"""What every page shares: the config, the engine, the data version and the one cached reader.

A page's data call goes page -> `read` -> store.reader / store.queue: `read` is cached by
(database, reader function, data version(s), arguments), so a click or a filter change that
was seen before costs one tiny query (`versions`), and new rows show on the next rerun.
docs/architecture.md draws the whole path.
"""

from __future__ import annotations

import os
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Connection, Engine, event

from config import Brand, BusinessHours, Config, ConfigError, load_config, resolve_config_path
from store import judged, queue, readcache, reader, touched
from store.engine import StoreError, database_url, make_engine

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    config: Config
    engine: Engine
    url: str
    #: the config file's problem when it changed into a bad one: `config` is then the last good one.
    config_problem: str | None = None


#: SQLite page cache per dashboard connection, in KiB. The store's default (128 MB, for ingest) would
#: let every pooled connection of the dashboard hold 128 MB; reads here are as fast with 16 MB
#: (the OS caches the file), and the server stays well under its memory budget.
DASHBOARD_SQLITE_CACHE_KIB = 16_384


def _dashboard_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA cache_size=-{DASHBOARD_SQLITE_CACHE_KIB}")
    cursor.close()


#: PostgreSQL settings of every dashboard connection (bench/README "PostgreSQL at 10M", session 6). Its reads
#: are range reads of a month's mentions or less, at most a few seconds each:
#: - jit off: compiling a read's expressions took 4-5 s of a 5-8 s read at 10.5M mentions, more than the read;
#: - random_page_cost 1.1 (PostgreSQL's advice for SSDs and cached data; the default 4.0 models spinning disks):
#:   a month's rows lie in a twelfth of the table's pages, but at 4.0 the planner scanned all of it (3.6 GB)
#:   rather than ix_mentions_brand_created whenever the rows were not stored in time order;
#: - work_mem 32MB: a month's authors grouped in memory instead of sorted through temporary files.
DASHBOARD_POSTGRES_SETTINGS: tuple[tuple[str, str], ...] = (
    ("jit", "off"),
    ("random_page_cost", "1.1"),
    ("work_mem", "32MB"),
)


def _dashboard_postgres(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for name, value in DASHBOARD_POSTGRES_SETTINGS:
        cursor.execute(f"SET {name} = '{value}'")
    cursor.close()
    dbapi_connection.commit()


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name == "sqlite" and ":memory:" not in url:
        event.listen(engine, "connect", _dashboard_pragmas)  # runs after the store's own pragmas
        engine.dispose()  # drop connections opened before (migrations), so every one gets it
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _dashboard_postgres)
        engine.dispose()
    return engine


@st.cache_data(show_spinner=False, ttl=5)
def _config(path: str | None, mtime: float) -> Config:
    """The config file as of `mtime` (part of the cache key: a leading underscore would leave it out)."""
    return load_config(path)


@st.cache_resource(show_spinner=False)
def _last_good_configs() -> dict[str | None, Config]:
    return {}


def load() -> Context:
    """Config and engine, or a friendly error and a stopped page.

    A config file that changes into a bad one keeps the last good config of this server, and the
    problem rides along (`config_problem`: the Sources page shows it); a bad file at start stops.
    """
    path = resolve_config_path(os.environ.get("MONITOR_CONFIG") or None)
    key = str(path) if path else None
    problem = None
    try:
        mtime = Path(path).stat().st_mtime if path and Path(path).exists() else 0.0
        try:
            config = _config(key, mtime)
            _last_good_configs()[key] = config
        except ConfigError as exc:
            if key not in _last_good_configs():
                raise
            config, problem = _last_good_configs()[key], str(exc)
        url = database_url()
        engine = _engine(url)
    except ConfigError as exc:
        st.error(f"The config has a problem, so the dashboard cannot start.\n\n```\n{exc}\n```")
        st.stop()
    except StoreError as exc:
        st.error(f"The database cannot be opened: {exc}")
        st.stop()
    return Context(config=config, engine=engine, url=url, config_problem=problem)


def _engine_key(engine: Engine) -> str:
    """An engine in a cache key: its URL (password masked) and identity (one engine per URL, from _engine)."""
    return f"{engine.url!r}#{id(engine)}"


def _function_key(function: Callable[..., Any]) -> str:
    """A reader function in a cache key: where it is defined (Streamlit would use the bare name)."""
    return f"{function.__module__}.{function.__qualname__}"


#: how cached functions in ui/ hash an engine and a reader function.
HASH_FUNCS: dict[Any, Callable[[Any], Any]] = {
    Engine: _engine_key,
    types.FunctionType: _function_key,
    BusinessHours: lambda hours: (hours.timezone, hours.hours, tuple(hours.days), tuple(hours.holidays)),
    Brand: repr,
    # every cached function takes the sidebar's selection: its repr (a frozen dataclass of strings and
    # dates) is hashed in ~1/10 of the time Streamlit takes for a dataclass (asdict, a deep copy)
    reader.Filters: repr,
}


def reading(engine: Engine) -> Connection:
    """A connection for the dashboard's reads (`with reading(engine) as conn:`).

    On PostgreSQL in autocommit: under READ COMMITTED every statement reads its own snapshot whether or
    not a transaction is open, so a read sees the same rows, without the BEGIN before its first statement
    and the ROLLBACK when the pool takes it back (two round trips of every read; session 9, bench/README
    "Branch `pgafter4`"). psycopg's automatic server-side prepared statements stay off, as they are in a
    transaction rolled back on every return to the pool: the planner plans each read as before."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn.execution_options(isolation_level="AUTOCOMMIT")
        driver = conn.connection.driver_connection
        if driver is not None:
            driver.prepare_threshold = None
    return conn


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600, hash_funcs=HASH_FUNCS)
def read(
    engine: Engine, reader_function: Callable[..., T], versions: int | tuple[int, int], *args: Any, **kwargs: Any
) -> T:
    """`reader_function(conn, *args, **kwargs)`: a store.reader or store.queue read, cached.

    Every page read goes through here: page -> read -> store. The key is (database, function,
    versions, arguments): `versions` is the data version for reads of mentions and rollups, and
    (data_version, queue_version) for reads that also depend on the reply workflow. Every
    write bumps one of them, so a new row shows on the next rerun. `versions` is not passed on.

    A read in store.reader.SPLITS over a date range is read in two parts (the days before the
    last, and the last day), each cached by the days it covers (store.touched): a write of new
    mentions touches today, so only that part is read again.
    """
    split = reader.SPLITS.get(reader_function)
    if split is not None and args and isinstance(args[0], reader.Filters):
        return _read_split(engine, split, versions, args[0], args[1:], kwargs)
    with reading(engine) as conn:
        return reader_function(conn, *args, **kwargs)


def _read_split(
    engine: Engine,
    split: reader.Split,
    versions: int | tuple[int, int],
    filters: reader.Filters,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    data_version = versions if isinstance(versions, int) else versions[0]
    queue_version = versions[1] if isinstance(versions, tuple) else 0
    # read before any part (cached per data version): a part is never older than the stamp it is kept under
    days = read(engine, touched.state, data_version)
    changed = queue_days(engine, queue_version) if split.queue else None

    def part_read(function: Callable[..., Any], part: reader.Filters, *more: Any, **options: Any) -> Any:
        key = (*days.stamp(part.start, part.end), changed.stamp(part.start, part.end) if changed else 0)
        return _read_part(engine, function, key, part, *more, **options)

    parts = reader.split_days(filters)
    if split.compose is not None:
        if len(parts) == 1:
            return part_read(split.part, filters, *args, **kwargs)
        return split.compose(part_read, parts, *args, **kwargs)
    return split.join([part_read(split.part, part, *args, **kwargs) for part in parts], *args, **kwargs)


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600, hash_funcs=HASH_FUNCS)
def _read_part(
    engine: Engine, reader_function: Callable[..., T], stamp: tuple[int, ...], *args: Any, **kwargs: Any
) -> T:
    """One part of a split read, kept under its days' stamp (not dropped when the data version moves).

    On a miss here, the store's part cache (store.readcache) is asked before the read runs: the stamp
    means the same in every process, so a freshly started server finds the closed days' parts that
    an earlier one read. A part that ends before today is kept there; today's part changes with
    every collection and is only kept in memory.
    """

    def compute() -> T:
        with reading(engine) as conn:
            return reader_function(conn, *args, **kwargs)

    part = args[0] if args and isinstance(args[0], reader.Filters) else None
    if part is None or part.end >= datetime.now(UTC).date():
        return compute()
    return readcache.cached(engine, _function_key(reader_function), repr(part), stamp, args, kwargs, compute)


@st.cache_resource(show_spinner=False)
def _newest_data_version() -> dict[str, int]:
    return {}


def versions(ctx: Context) -> tuple[int, int]:
    """(data_version, queue_version): one tiny query per rerun.

    When the data version moves on, every cached read is of an older version and will never be
    asked for again: they are dropped at once rather than held until they expire.
    """
    with reading(ctx.engine) as conn:
        found = reader.versions(conn)
    newest = _newest_data_version()
    key = _engine_key(ctx.engine)
    if found[0] > newest.get(key, found[0]):
        read.clear()
    newest[key] = max(found[0], newest.get(key, found[0]))
    return found


def version(ctx: Context) -> int:
    return versions(ctx)[0]


@st.cache_resource(show_spinner="Preparing demo data (first start)...", hash_funcs=HASH_FUNCS)
def _first_start(engine: Engine, _config: Config) -> bool:
    # imported here: the demo generator, ingest and VADER load once per server, not on every page's first render
    from pipeline.seed import seed_if_first_start

    return seed_if_first_start(engine, _config)


def first_start(ctx: Context) -> bool:
    """Seed the demo once per database when it is empty and no source can collect."""
    return _first_start(ctx.engine, ctx.config)


def demo_rows(ctx: Context, selection: reader.Filters) -> tuple[int, int]:
    """(generated demo mentions, all mentions) in the sidebar's selection: what the demo label follows."""
    return read(ctx.engine, reader.demo_rows, version(ctx), selection)


def demo_note(ctx: Context, selection: reader.Filters) -> str | None:
    """The page's demo label when the selection holds demo rows (None for real data only)."""
    found, total = demo_rows(ctx, selection)
    if not found:
        return None
    if found == total:
        return "Every number on this page comes from generated demo posts."
    return f"{found:,} of the {total:,} mentions in this selection are generated demo posts."


def formulas_notice(ctx: Context) -> str | None:
    """For admins: a sentence when stored judgements are of another formulas version than this release's
    (store.judged; `cli.py rejudge` brings them up to date), else None. Three look-ups of `meta` by key,
    read on every rerun: a re-judge that finishes without changing a row moves no data version."""
    try:
        with reading(ctx.engine) as conn:
            return judged.notice(judged.status(conn))
    except Exception:  # an older store that cannot say: no notice rather than a broken page
        return None


def show_formulas_notice(ctx: Context, role: str | None) -> None:
    """The notice of `formulas_notice` on the page, for an admin only."""
    if role != "admin":
        return
    found = formulas_notice(ctx)
    if found:
        st.warning(found, icon=":material/update:")


def sla_hours(config: Config) -> dict[str, float]:
    """Each brand's reply SLA in hours, as store.reader and store.queue take it."""
    return {b.name: float(b.sla_hours) for b in config.brands}


def business_hours(config: Config) -> dict[str, BusinessHours]:
    """The brands that keep business hours (monitor.toml `business_hours`): their SLA clocks count
    business time (analysis.sla); the others run around the clock."""
    return {b.name: b.business_hours for b in config.brands if b.business_hours is not None}


def stored_range(ctx: Context, data_version: int) -> tuple[tuple[date, date] | None, list[str]]:
    """The first and last stored day, and the platforms stored: what the sidebar offers."""
    days = read(ctx.engine, reader.date_bounds, data_version)
    if days is None:
        return None, []
    return days, read(ctx.engine, reader.platforms_in, data_version, reader.Filters((), (), days[0], days[1]))


#: the queue's order is taken at most this many minutes late (only not-yet-breached mentions move).
QUEUE_ORDER_MINUTES = 5


# --- the reply-queue files (pages/queue.py, ui/queue_view.py) call these, in the url-and-context form
# they were written against; each is one `read`. Remove them once those files call `read` directly.


def bounds(url: str, data_version: int, ctx: Context) -> tuple[tuple[date, date] | None, list[str]]:
    return stored_range(ctx, data_version)


def thread(url: str, data_version: int, mention_id: int, ctx: Context) -> pd.DataFrame:
    return read(ctx.engine, queue.thread, data_version, mention_id)


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


def scheduler_config(ctx: Context) -> dict[str, Any] | None:
    """What the running (or last) scheduler says about its config (pipeline.scheduler.config_state); one tiny query."""
    from pipeline import scheduler

    with ctx.engine.connect() as conn:
        return scheduler.config_state(conn)


def sources(ctx: Context) -> pd.DataFrame:
    """Each configured source: state (ready / missing credentials / disabled / failing), last and next run."""
    return _sources(ctx.engine, ctx.config)


@st.cache_data(show_spinner=False, max_entries=8, ttl=10, hash_funcs=HASH_FUNCS)
def _sources(engine: Engine, _config: Config) -> pd.DataFrame:
    from pipeline import scheduler
    from pipeline import sources as source_states

    status = scheduler.schedule_status(engine, _config)
    if status.empty:
        return status
    states = {s.name: source_states.source_state(s) for s in _config.sources}
    status["state"] = status["source"].map(states)
    failing = (status["state"] == "ready") & (status["last_status"] == "error")
    status.loc[failing, "state"] = "failing (" + status.loc[failing, "failures_in_row"].astype(str) + " in a row)"
    return status


# --- per-part results (ui/metrics.py): analysis over one part of a split read, cached by that part's stamp


def split_parts(
    engine: Engine, reader_function: Callable[..., Any], versions: int | tuple[int, int], filters: reader.Filters
) -> list[tuple[reader.Filters, tuple[int, ...]]]:
    """The parts `read` reads `reader_function` over `filters` in (store.reader.SPLITS), each with the
    key its part is kept under: a result computed from one part alone may be kept under that key too."""
    split = reader.SPLITS[reader_function]
    data_version = versions if isinstance(versions, int) else versions[0]
    queue_version = versions[1] if isinstance(versions, tuple) else 0
    days = read(engine, touched.state, data_version)
    changed = queue_days(engine, queue_version) if split.queue else None
    return [
        (part, (*days.stamp(part.start, part.end), changed.stamp(part.start, part.end) if changed else 0))
        for part in reader.split_days(filters)
    ]


def queue_days(engine: Engine, queue_version: int) -> queue.ChangedDays:
    """Which days the queue actions changed, as of `queue_version` (store.queue.changed_days; read once
    per queue version): a day-split read of the reply workflow is kept under `stamp(first, last)`, not
    the queue version, so an action on one mention reads only its days' parts again."""
    return read(engine, queue.changed_days, queue_version, queue_version)


def read_part(
    engine: Engine,
    reader_function: Callable[..., T],
    stamp: tuple[int, ...],
    part: reader.Filters,
    *args: Any,
    **kwargs: Any,
) -> T:
    """One part of a split read under its key from `split_parts` (the same cache `read` keeps parts in)."""
    split = reader.SPLITS[reader_function]
    return _read_part(engine, split.part, stamp, part, *args, **kwargs)
