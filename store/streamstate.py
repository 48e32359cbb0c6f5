"""Live streams' state (`stream_state`), deletions seen on a stream, and X read counts.

`stream_state`: one row per streamed source, written by the stream thread of `cli.py
schedule` (pipeline/streams.py) after each batch and on every connect / disconnect, so the
dashboard process shows it: status, connected since, events and kept posts per minute, lag
(now - the newest event's own time), the last error (already redacted), the position.

Deletions: a post its author deleted keeps its row (the team's work on it stays), but its
text is erased and marked, and it no longer needs a reply. `erase_deleted` is the only place
that does it (a proper `deleted` column would change only that function).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Float, Integer, String, Table, Text, select

from store import writer
from store.schema import UTC_DATETIME, cursors, metadata

#: what an erased post's text becomes.
STATUSES = ("connecting", "connected", "reconnecting", "refused", "stopped")

stream_state = Table(
    "stream_state",
    metadata,
    Column("source", String(128), primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("owner", String(128)),
    Column("connected_since", UTC_DATETIME),
    Column("updated_at", UTC_DATETIME, nullable=False),
    Column("events_per_min", Float),
    Column("kept_per_min", Float),
    Column("lag_seconds", Float),
    Column("events_total", Integer, nullable=False, server_default="0"),
    Column("kept_total", Integer, nullable=False, server_default="0"),
    Column("position", Text),
    Column("last_error", Text),
)


def save_state(conn: Connection, source: str, platform: str, **values: Any) -> None:
    """Upsert a source's stream row with `values` (columns of stream_state)."""
    insert_fn = writer._insert_on_conflict(conn)
    stmt = insert_fn(stream_state).values(source=source, platform=platform, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=[stream_state.c.source], set_=values))


def read_states(conn: Connection) -> dict[str, dict[str, Any]]:
    """source -> its stream row as a dict."""
    return {row.source: dict(row._mapping) for row in conn.execute(select(stream_state))}


def month_key(moment: datetime) -> str:
    """'2025-03': the calendar month (UTC) X reads are counted in."""
    return moment.strftime("%Y-%m")


def reads_in_cursor(cursor: str | None, month: str) -> int:
    """The X posts read in `month`, as the collector keeps them in its cursor ({"reads": {...}})."""
    try:
        state = json.loads(cursor) if cursor else {}
    except ValueError:
        return 0
    reads = state.get("reads") if isinstance(state, dict) else None
    if not isinstance(reads, Mapping) or reads.get("month") != month:
        return 0
    count = reads.get("count")
    return int(count) if isinstance(count, int) and not isinstance(count, bool) else 0


def reads_this_month(conn: Connection, sources: Iterable[str], month: str) -> dict[str, int]:
    """source -> X posts read this month (the count lives in the source's cursor: one place)."""
    names = list(sources)
    if not names:
        return {}
    rows = conn.execute(select(cursors.c.source, cursors.c.cursor).where(cursors.c.source.in_(names)))
    found = {r.source: reads_in_cursor(r.cursor, month) for r in rows}
    return {n: found.get(n, 0) for n in names}
