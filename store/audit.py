"""The audit trail: who did what, when (UTC), to which mention, with the state before and after.

Rows are only ever appended (`record`): this module offers no update and no delete, and the
migration adds triggers that refuse UPDATE and DELETE on `audit_log` (SQLite and PostgreSQL).
`before` and `after` are JSON objects of the fields the action changed. Passwords never reach
this table: account actions record the account's name, role and enabled flag only.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

import pandas as pd
from sqlalchemy import Connection, insert, select

from store.schema import audit_log

COLUMNS = ["id", "at", "actor", "action", "mention_id", "before", "after", "detail"]

#: what `action` says (queue actions, sign-in, account changes).
ACTIONS: tuple[str, ...] = (
    "assign",
    "unassign",
    "mark_replied",
    "dismiss",
    "reopen",
    "note",
    "correct_sentiment",
    "set_outcome",
    "reply_posted",
    "reply_failed",
    "sign_in",
    "sign_in_failed",
    "sign_in_throttled",
    "sign_in_refused",
    "sign_out",
    "session_expired",
    "user_add",
    "user_set_role",
    "user_disable",
    "user_enable",
    "user_reset_password",
    "alert_test_sent",
    "alert_test_failed",
    "retention",
    "forget",
    "author_data",
    "rejudge",
    "saved_reply_add",
    "saved_reply_edit",
    "saved_reply_delete",
)


def _json(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, default=_plain, ensure_ascii=False)


def _plain(value: object) -> object:
    if isinstance(value, datetime | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return (stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)).isoformat()
    return str(value)


def record(
    conn: Connection,
    *,
    actor: str,
    action: str,
    mention_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str | None = None,
    at: datetime | None = None,
) -> None:
    """Append one row, in the caller's transaction (so it is kept exactly when the action is)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        insert(audit_log).values(
            at=(at or datetime.now(UTC)).astimezone(UTC),
            actor=(actor or "unknown")[:256],
            action=action,
            mention_id=mention_id,
            before=_json(before),
            after=_json(after),
            detail=detail,
        )
    )


def _frame(conn: Connection, query: Any) -> pd.DataFrame:
    frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
    frame["mention_id"] = frame["mention_id"].astype("Int64")
    return frame


def history(conn: Connection, mention_id: int) -> pd.DataFrame:
    """Everything done to one mention, oldest first."""
    a = audit_log
    query = select(*[a.c[c] for c in COLUMNS]).where(a.c.mention_id == mention_id).order_by(a.c.at, a.c.id)
    return _frame(conn, query)


def _moment(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(0), tzinfo=UTC)


def query(
    conn: Connection,
    since: datetime | date | None = None,
    until: datetime | date | None = None,
    actor: str | None = None,
) -> pd.DataFrame:
    """The trail from `since` (inclusive) to `until` (exclusive), optionally one actor's, oldest first.

    A date means its midnight UTC.
    """
    a = audit_log
    wanted = select(*[a.c[c] for c in COLUMNS]).order_by(a.c.at, a.c.id)
    if since is not None:
        wanted = wanted.where(a.c.at >= _moment(since))
    if until is not None:
        wanted = wanted.where(a.c.at < _moment(until))
    if actor:
        wanted = wanted.where(a.c.actor == actor)
    return _frame(conn, wanted)
