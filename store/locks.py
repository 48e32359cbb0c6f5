"""Source leases: a source is collected by one process at a time, across machines.

The lease lives in the source's `cursors` row (`lock_owner`, `lock_expires_at`). Taking it
is one conditional UPDATE (free, or expired) after inserting the row if missing, so it is
atomic on SQLite (one writer at a time) and on PostgreSQL (the row lock makes a second
UPDATE re-check the condition). A holder renews it while it runs (a heartbeat thread), so
the lease can be short: a process killed outright frees its sources after `ttl` seconds.
Times are the clients' UTC clocks; keep clocks in sync to within a fraction of `ttl`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from store.schema import cursors

log = logging.getLogger(__name__)
DEFAULT_TTL_SECONDS = 120.0
OWNER_MAX_CHARS = 128


def default_owner(label: str = "collect") -> str:
    """A readable owner prefix: what holds the lease, on which host, in which process."""
    return f"{label}@{socket.gethostname()}:{os.getpid()}"


def _now() -> datetime:
    return datetime.now(UTC)


#: what every function here reads the time from (tests pass a fixed one).
Clock = Callable[[], datetime]


def acquire(
    engine: Engine, source: str, platform: str, owner: str, ttl: float = DEFAULT_TTL_SECONDS, clock: Clock = _now
) -> str | None:
    """Take the lease on `source` for `owner`; None when taken, else the current holder's name.

    Inserts the source's cursors row first when it is missing (with a null cursor).
    A lease is never re-entrant: an owner that already holds it gets its own name back.
    """
    now = clock()
    insert_fn = sqlite_insert if engine.dialect.name == "sqlite" else pg_insert
    with engine.begin() as conn:
        conn.execute(insert_fn(cursors).values(source=source, platform=platform).on_conflict_do_nothing())
        taken = conn.execute(
            update(cursors)
            .where(
                cursors.c.source == source,
                or_(
                    cursors.c.lock_owner.is_(None), cursors.c.lock_expires_at.is_(None), cursors.c.lock_expires_at < now
                ),
            )
            .values(lock_owner=owner, lock_expires_at=now + timedelta(seconds=ttl))
        ).rowcount
        if taken == 1:
            return None
        holder = conn.execute(select(cursors.c.lock_owner).where(cursors.c.source == source)).scalar()
    return holder or "another process"


def renew(engine: Engine, source: str, owner: str, ttl: float = DEFAULT_TTL_SECONDS, clock: Clock = _now) -> bool:
    """Push the lease's expiry `ttl` seconds ahead; False when `owner` no longer holds it."""
    with engine.begin() as conn:
        return (
            conn.execute(
                update(cursors)
                .where(cursors.c.source == source, cursors.c.lock_owner == owner)
                .values(lock_expires_at=clock() + timedelta(seconds=ttl))
            ).rowcount
            == 1
        )


def release(engine: Engine, source: str, owner: str) -> bool:
    """Give the lease back (only if `owner` still holds it); True when it was held."""
    with engine.begin() as conn:
        return (
            conn.execute(
                update(cursors)
                .where(cursors.c.source == source, cursors.c.lock_owner == owner)
                .values(lock_owner=None, lock_expires_at=None)
            ).rowcount
            == 1
        )


def release_prefixed(conn: Connection, sources: list[str], prefix: str) -> int:
    """Free the leases on `sources` held by any Lease named `prefix#...` (a stopping process's own)."""
    return conn.execute(
        update(cursors)
        .where(cursors.c.source.in_(sources), cursors.c.lock_owner.startswith(f"{prefix}#", autoescape=True))
        .values(lock_owner=None, lock_expires_at=None)
    ).rowcount


def holder(engine: Engine, source: str, clock: Clock = _now) -> tuple[str, datetime] | None:
    """Who holds an unexpired lease on `source`, and until when; None when it is free."""
    with engine.connect() as conn:
        row = conn.execute(
            select(cursors.c.lock_owner, cursors.c.lock_expires_at).where(cursors.c.source == source)
        ).first()
    if row is None or row.lock_owner is None or row.lock_expires_at is None:
        return None
    expires = row.lock_expires_at
    expires = expires.replace(tzinfo=UTC) if expires.tzinfo is None else expires.astimezone(UTC)
    return (row.lock_owner, expires) if expires > clock() else None


class Lease:
    """The lease on one source for one run: `acquire()`, work, `release()`; renewed meanwhile.

    Each Lease has its own owner name (`prefix#token`), so two runs in one process exclude
    each other too. The heartbeat renews it every `beat_seconds` (a third of `ttl` by default).
    """

    def __init__(
        self,
        engine: Engine,
        source: str,
        platform: str,
        prefix: str | None = None,
        ttl: float = DEFAULT_TTL_SECONDS,
        *,
        clock: Clock = _now,
        beat_seconds: float | None = None,
    ) -> None:
        self.engine, self.source, self.platform, self.ttl, self.clock = engine, source, platform, ttl, clock
        self.beat_seconds = beat_seconds if beat_seconds is not None else ttl / 3
        self.beats = 0  # renewals so far
        base = prefix or default_owner()
        token = uuid.uuid4().hex[:8]
        self.owner = f"{base[: OWNER_MAX_CHARS - len(token) - 1]}#{token}"
        self.holder: str | None = None
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def acquire(self) -> bool:
        """True when this run now holds the lease; else `holder` names who does."""
        self.holder = acquire(self.engine, self.source, self.platform, self.owner, self.ttl, self.clock)
        if self.holder is not None:
            return False
        self._beat = threading.Thread(target=self._heartbeat, name=f"lease-{self.source}", daemon=True)
        self._beat.start()
        return True

    def beat(self) -> bool:
        """Renew the lease once; False when it was lost (expired and taken by another process)."""
        if not renew(self.engine, self.source, self.owner, self.ttl, self.clock):
            log.warning("lease on %s was lost (expired and taken by another process)", self.source)
            return False
        self.beats += 1
        return True

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.beat_seconds):
            try:
                if not self.beat():
                    return
            except SQLAlchemyError as exc:  # a busy database: try again on the next beat
                log.warning("could not renew the lease on %s: %s", self.source, exc)

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
        try:
            release(self.engine, self.source, self.owner)
        except SQLAlchemyError as exc:  # it expires by itself after ttl
            log.warning("could not release the lease on %s: %s", self.source, exc)
