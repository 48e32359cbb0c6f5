"""Fired alerts and their deliveries (SQLAlchemy Core).

`alert_events`: one row per event a rule fired (rule, key, brand, kind, fired_at, payload
JSON with the message text and links). When one check fires many events for one rule they
go out as one digest: the first row carries the message and `digest` = how many events it
covers, the others point at it with `digest_id` (digest 0). `alert_deliveries`: one row per
message and channel (the credential NAME, never its value) with status pending / delivered /
failed / gave_up, attempts, last_error (redacted), next_attempt_at, delivered_at.

Events and their pending deliveries are written in one transaction before anything is
sent, so nothing fired is lost if the process dies before delivering.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from store.schema import ID, UTC_DATETIME, metadata

STATUSES = ("pending", "delivered", "failed", "gave_up")

alert_events = Table(
    "alert_events",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("rule", String(128), nullable=False),
    Column("key", String(256), nullable=False),
    Column("brand", String(128), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("fired_at", UTC_DATETIME, nullable=False),
    Column("since", UTC_DATETIME),
    Column("payload", Text, nullable=False),
    Column("digest", Integer, nullable=False, server_default="1"),
    Column("digest_id", ID, ForeignKey("alert_events.id", ondelete="CASCADE")),
    Index("ix_alert_events_rule_key", "rule", "key", "fired_at"),
    Index("ix_alert_events_fired", "fired_at"),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("event_id", ID, ForeignKey("alert_events.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(128), nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("next_attempt_at", UTC_DATETIME),
    Column("delivered_at", UTC_DATETIME),
    Index("ix_alert_deliveries_status", "status", "next_attempt_at"),
    Index("ix_alert_deliveries_event", "event_id"),
)


@dataclass(frozen=True)
class Pending:
    """A delivery to try now, with what its message says."""

    id: int
    event_id: int
    channel: str
    attempts: int
    rule: str
    brand: str
    kind: str
    fired_at: datetime
    payload: dict[str, Any]


def recent_keys(conn: Connection, rule: str, since: datetime) -> set[str]:
    """The keys `rule` fired after `since` (for the cooldown)."""
    e = alert_events
    query = select(e.c.key).where(e.c.rule == rule, e.c.fired_at > since)
    return {row[0] for row in conn.execute(query)}


def record(
    conn: Connection,
    *,
    rule: str,
    brand: str,
    kind: str,
    fired_at: datetime,
    keys: Sequence[tuple[str, datetime | None, dict[str, Any]]],
    message: dict[str, Any],
    channels: Sequence[str],
) -> int:
    """Store one message's events (the first row carries `message` and the digest count) and a
    pending delivery per channel; returns the first event's id. Call inside a transaction."""
    e = alert_events
    first_key, first_since, first_item = keys[0]
    head: int = conn.execute(
        insert(e)
        .values(
            rule=rule,
            key=first_key,
            brand=brand,
            kind=kind,
            fired_at=fired_at,
            since=first_since,
            payload=json.dumps({**message, "item": first_item}),
            digest=len(keys),
        )
        .returning(e.c.id)
    ).scalar_one()
    if len(keys) > 1:
        conn.execute(
            insert(e),
            [
                {
                    "rule": rule,
                    "key": key,
                    "brand": brand,
                    "kind": kind,
                    "fired_at": fired_at,
                    "since": since,
                    "payload": json.dumps({"item": item}),
                    "digest": 0,
                    "digest_id": head,
                }
                for key, since, item in keys[1:]
            ],
        )
    if channels:
        conn.execute(
            insert(alert_deliveries),
            [{"event_id": head, "channel": c, "status": "pending", "next_attempt_at": fired_at} for c in channels],
        )
    return int(head)


def due(conn: Connection, now: datetime) -> list[Pending]:
    """Deliveries pending or failed whose next attempt is due by `now`, oldest first."""
    d, e = alert_deliveries, alert_events
    query = (
        select(
            d.c.id, d.c.event_id, d.c.channel, d.c.attempts, e.c.rule, e.c.brand, e.c.kind, e.c.fired_at, e.c.payload
        )
        .select_from(d.join(e, e.c.id == d.c.event_id))
        .where(d.c.status.in_(("pending", "failed")), d.c.next_attempt_at <= now)
        .order_by(d.c.id)
    )
    return [
        Pending(
            id=int(r.id),
            event_id=int(r.event_id),
            channel=r.channel,
            attempts=int(r.attempts),
            rule=r.rule,
            brand=r.brand,
            kind=r.kind,
            fired_at=pd.Timestamp(r.fired_at).tz_localize("UTC").to_pydatetime()
            if pd.Timestamp(r.fired_at).tzinfo is None
            else pd.Timestamp(r.fired_at).tz_convert("UTC").to_pydatetime(),
            payload=json.loads(r.payload),
        )
        for r in conn.execute(query)
    ]


def mark(
    conn: Connection,
    delivery_id: int,
    status: str,
    *,
    attempts: int,
    error: str | None = None,
    next_attempt_at: datetime | None = None,
    delivered_at: datetime | None = None,
) -> None:
    """Record an attempt's outcome. `error` must already be redacted."""
    if status not in STATUSES:
        raise ValueError(f"unknown delivery status {status!r}")
    conn.execute(
        update(alert_deliveries)
        .where(alert_deliveries.c.id == delivery_id)
        .values(
            status=status,
            attempts=attempts,
            last_error=error,
            next_attempt_at=next_attempt_at,
            delivered_at=delivered_at,
        )
    )


def history(conn: Connection, limit: int = 200) -> pd.DataFrame:
    """The newest fired messages with their deliveries, for the Alerts page: one row per delivery
    (or per message without channels): fired_at, rule, brand, kind, events, title, channel, status,
    attempts, last_error, next_attempt_at, delivered_at."""
    e, d = alert_events, alert_deliveries
    heads = (
        select(e.c.id).where(e.c.digest_id.is_(None)).order_by(e.c.fired_at.desc(), e.c.id.desc()).limit(limit)
    ).subquery()
    query = (
        select(
            e.c.id,
            e.c.fired_at,
            e.c.rule,
            e.c.brand,
            e.c.kind,
            e.c.digest.label("events"),
            e.c.payload,
            d.c.channel,
            d.c.status,
            d.c.attempts,
            d.c.last_error,
            d.c.next_attempt_at,
            d.c.delivered_at,
        )
        .select_from(e.join(heads, heads.c.id == e.c.id).outerjoin(d, d.c.event_id == e.c.id))
        .order_by(e.c.fired_at.desc(), e.c.id.desc(), d.c.channel)
    )
    rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["title"] = json.loads(row.pop("payload")).get("title", "")
    columns = [
        "id", "fired_at", "rule", "brand", "kind", "events", "title", "channel", "status", "attempts",
        "last_error", "next_attempt_at", "delivered_at",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("fired_at", "next_attempt_at", "delivered_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame
