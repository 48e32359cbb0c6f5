"""Opening the database: URL resolution, SQLite tuning, and migrations applied on first use."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from redact import redact_text, redact_url

DEFAULT_URL = "sqlite:///data/monitor.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_KEY = 727_274_001  # any constant; names this project's migration lock
_lock = threading.Lock()
_migrated: set[str] = set()


#: a pooled PostgreSQL connection idle at least this long (seconds) is pinged before it is handed out.
PING_AFTER_IDLE_S = 1.0
_clock = time.monotonic  # what the pool's idle times are measured with
_IDLE_SINCE = "store_idle_since"


def _ping_when_idle(engine: Engine) -> None:
    """Before a pooled connection is handed out, ping it (a round trip) when it has been idle for
    PING_AFTER_IDLE_S or more; a dead one is replaced by a new one (the pool retries on
    DisconnectionError). SQLAlchemy's pool_pre_ping pings at every checkout: a page's reads take
    and return connections a few milliseconds apart, and each paid a round trip for it."""

    def idle_from(dbapi_connection: Any, record: Any, *_: Any) -> None:
        record.info[_IDLE_SINCE] = _clock()

    def checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is not None and _clock() - since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the driver's error (a DBAPI Error when the connection is gone)
            if engine.dialect.is_disconnect(exc, dbapi_connection, None):  # type: ignore[arg-type]
                raise DisconnectionError(f"a pooled connection was closed: {type(exc).__name__}") from exc
            raise

    event.listen(engine, "connect", idle_from)  # a new connection is as good as a just-used one
    event.listen(engine, "checkin", idle_from)
    event.listen(engine, "checkout", checkout)


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do."""


#: what SQLite says when another connection held the write lock past this one's busy wait.
BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")


def store_busy(exc: BaseException) -> bool:
    """True when `exc` is SQLite's "database is locked": another process (an import, `seed-demo`) holds the
    store's write lock for longer than the busy wait (30 s). Not an error of what was being written: the
    same write succeeds once that process commits."""
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc.orig if exc.orig is not None else exc).lower()
    return any(m in message for m in BUSY_MESSAGES)


def database_url(explicit: str | None = None) -> str:
    """The URL in effect: an explicit one, else DATABASE_URL, else the default SQLite file."""
    url = explicit or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def safe_url(url: str) -> str:
    """The URL with its password and secret query parameters hidden, for messages and logs."""
    return redact_url(url)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-32768")  # 32 MB per connection
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _postgres_utc(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.close()
    dbapi_connection.commit()


def _alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One process at a time migrates a database: a lock file beside SQLite, an advisory lock on PostgreSQL."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def schema_head() -> str:
    """The newest migration's revision (Alembic refuses a chain with two heads)."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None, "no migrations found"
    return head


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    cfg = _alembic_config(engine)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with _migration_lock(engine):
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        if current != head:
            command.upgrade(cfg, "head")


def make_engine(url: str | None = None, *, migrate_schema: bool = True) -> Engine:
    """An engine for `url` (see database_url), with the schema migrated to head.

    Raises StoreError with a clear message when the database cannot be reached or written.
    """
    url = database_url(url)
    kwargs: dict[str, object] = {}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            folder = Path(path).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the data folder {folder}: {exc.strerror}") from None
            if not os.access(folder, os.W_OK):
                raise StoreError(f"the data folder {folder} is not writable; fix its permissions or set DATABASE_URL")
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if path == ":memory:" or not path:
            from sqlalchemy.pool import StaticPool

            kwargs["poolclass"] = StaticPool
    else:
        if os.environ.get("MONITOR_NULLPOOL"):
            kwargs["poolclass"] = NullPool
    try:
        engine = create_engine(url, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(redact_text(f"bad database URL {safe_url(url)!r}: {exc}", url)) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_utc)
        _ping_when_idle(engine)
    if migrate_schema:
        try:
            with _lock:
                if url not in _migrated or ":memory:" in url:
                    migrate(engine)
                    _migrated.add(url)
        except OperationalError as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(redact_text(f"cannot open the database {safe_url(url)}: {reason}", url)) from None
        except OSError as exc:  # e.g. the migration lock file on a read-only volume
            engine.dispose()
            message = f"cannot open the database {safe_url(url)}: {exc.strerror}: {exc.filename}"
            raise StoreError(redact_text(message, url)) from None
    return engine
