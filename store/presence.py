"""Who has a mention open in the reply queue: a heartbeat row per account with a time-to-live.

A responder's dashboard calls `here` on every rerun while a mention is open (and the queue page
refreshes it once a minute), so the row lives in the database and every dashboard process sees
it. A row is one account's only presence: opening another mention moves it, `leave` (sign-out)
deletes it, and a row whose heartbeat is older than `TTL` counts as gone (idle) and is swept by
the next heartbeat. Every function takes `now`: callers pass their clock (tests a fixed one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from store.schema import presence

#: a heartbeat older than this is idle: the person is no longer shown as on the mention.
TTL = timedelta(minutes=2)


@dataclass(frozen=True)
class Present:
    """Somebody on a mention, and since when (UTC)."""

    name: str
    since: datetime


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def here(conn: Connection, name: str, mention_id: int, *, now: datetime, ttl: timedelta = TTL) -> None:
    """Heartbeat: `name` has `mention_id` open as of `now`.

    The same mention keeps its `since` while the heartbeat stays fresh; another mention (or a
    return after going idle) starts a new `since`. Rows idle for longer than `ttl` are swept.
    """
    now = _utc(now)
    p = presence
    conn.execute(delete(p).where(p.c.seen_at < now - ttl, p.c.account != name))
    insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
    stmt = insert(p).values(account=name, mention_id=mention_id, since=now, seen_at=now)
    keep = (p.c.mention_id == stmt.excluded.mention_id) & (p.c.seen_at >= now - ttl)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[p.c.account],
            set_={
                "mention_id": stmt.excluded.mention_id,
                "since": case((keep, p.c.since), else_=stmt.excluded.since),
                "seen_at": stmt.excluded.seen_at,
            },
        )
    )


def leave(conn: Connection, name: str) -> None:
    """`name` has no mention open any more (signed out)."""
    conn.execute(delete(presence).where(presence.c.account == name))


def others(
    conn: Connection, mention_id: int, name: str | None, *, now: datetime, ttl: timedelta = TTL
) -> list[Present]:
    """Who else has `mention_id` open as of `now` (heartbeat within `ttl`), the earliest first."""
    p = presence
    query = (
        select(p.c.account, p.c.since)
        .where(p.c.mention_id == mention_id, p.c.seen_at >= _utc(now) - ttl)
        .order_by(p.c.since, p.c.account)
    )
    if name:
        query = query.where(p.c.account != name)
    return [Present(r.account, _stamp(r.since)) for r in conn.execute(query)]


def _stamp(value: object) -> datetime:
    stamp = pd.Timestamp(value)  # a datetime, or SQLite's text
    return (stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)).to_pydatetime()
