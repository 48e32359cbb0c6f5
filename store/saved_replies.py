"""Saved replies: a brand's named reply texts, with `{author}`, `{brand}` and `{agent}` filled in
when a responder inserts one into the reply box (where it stays editable before sending).

Adding, editing and deleting need the responder role (`store.accounts.require`) and are audited
(`saved_reply_add`, `saved_reply_edit`, `saved_reply_delete`). `count_use` adds one to a saved
reply's `uses` when a reply made from it is posted. Bad input raises `SavedReplyError` with a
message to show; nothing is written then.
"""

from __future__ import annotations

import string
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, insert, select, update

from store import audit
from store.accounts import Account, require
from store.schema import saved_replies

PLACEHOLDERS: tuple[str, ...] = ("author", "brand", "agent")
MAX_NAME = 128
MAX_BODY = 10_000
COLUMNS = ["id", "brand", "name", "body", "uses", "updated_at", "updated_by"]


class SavedReplyError(ValueError):
    """Bad input for a saved reply (empty, unknown placeholder, duplicate name...); nothing changed."""


def placeholders(body: str) -> list[str]:
    """The placeholders a text uses, in order; SavedReplyError for an unknown or malformed one."""
    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(body)]
    except ValueError:
        raise SavedReplyError(
            f"A brace is not closed or not doubled: use {known}, and write {{{{ or }}}} for a literal brace."
        ) from None
    used: list[str] = []
    for name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise SavedReplyError(f"Unknown placeholder {shown}: the placeholders are {known}.")
        used.append(name)
    return used


def fill(body: str, *, author: str, brand: str, agent: str) -> str:
    """The text with its placeholders filled in (author without a leading @: write @{author})."""
    placeholders(body)
    return body.format(author=author.lstrip("@"), brand=brand, agent=agent)


def _clean(brand: str, name: str, body: str) -> tuple[str, str, str]:
    brand, name, body = (brand or "").strip(), (name or "").strip(), (body or "").strip()
    if not brand:
        raise SavedReplyError("Pick the brand the saved reply is for.")
    if not name:
        raise SavedReplyError("Give the saved reply a name.")
    if len(name) > MAX_NAME:
        raise SavedReplyError(f"The name is longer than {MAX_NAME} characters.")
    if not body:
        raise SavedReplyError("The saved reply's text is empty.")
    if len(body) > MAX_BODY:
        raise SavedReplyError(f"The text is longer than {MAX_BODY:,} characters.")
    placeholders(body)
    return brand, name, body


def _row(conn: Connection, reply_id: int) -> dict[str, Any]:
    found = conn.execute(select(saved_replies).where(saved_replies.c.id == reply_id)).mappings().first()
    if found is None:
        raise SavedReplyError("That saved reply no longer exists (somebody deleted it).")
    return dict(found)


def _taken(conn: Connection, brand: str, name: str, other_than: int | None = None) -> None:
    s = saved_replies
    query = select(s.c.id).where(s.c.brand == brand, s.c.name == name)
    if other_than is not None:
        query = query.where(s.c.id != other_than)
    if conn.execute(query).first() is not None:
        raise SavedReplyError(f"{brand} already has a saved reply named {name!r}: pick another name.")


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def for_brand(conn: Connection, brand: str) -> pd.DataFrame:
    """A brand's saved replies, by name."""
    s = saved_replies
    rows = conn.execute(select(*[s.c[c] for c in COLUMNS]).where(s.c.brand == brand).order_by(s.c.name, s.c.id))
    return pd.DataFrame(rows.mappings().all(), columns=COLUMNS)


def add(conn: Connection, brand: str, name: str, body: str, account: Account, *, now: datetime | None = None) -> int:
    """A new saved reply for `brand`; its id."""
    require(account, "respond")
    brand, name, body = _clean(brand, name, body)
    _taken(conn, brand, name)
    when = _now(now)
    new_id: int = conn.execute(
        insert(saved_replies)
        .values(brand=brand, name=name, body=body, uses=0, updated_at=when, updated_by=account.name)
        .returning(saved_replies.c.id)
    ).scalar_one()
    after = {"brand": brand, "name": name, "body": body}
    audit.record(conn, actor=account.name, action="saved_reply_add", after=after, detail=f"{brand}: {name}", at=when)
    return int(new_id)


def edit(
    conn: Connection, reply_id: int, name: str, body: str, account: Account, *, now: datetime | None = None
) -> None:
    """Rename a saved reply and/or change its text (its brand and use count stay)."""
    require(account, "respond")
    row = _row(conn, reply_id)
    brand, name, body = _clean(row["brand"], name, body)
    _taken(conn, brand, name, other_than=reply_id)
    when = _now(now)
    conn.execute(
        update(saved_replies)
        .where(saved_replies.c.id == reply_id)
        .values(name=name, body=body, updated_at=when, updated_by=account.name)
    )
    audit.record(
        conn,
        actor=account.name,
        action="saved_reply_edit",
        before={"name": row["name"], "body": row["body"]},
        after={"name": name, "body": body},
        detail=f"{brand}: {name}",
        at=when,
    )


def remove(conn: Connection, reply_id: int, account: Account, *, now: datetime | None = None) -> None:
    """Delete a saved reply."""
    require(account, "respond")
    row = _row(conn, reply_id)
    conn.execute(delete(saved_replies).where(saved_replies.c.id == reply_id))
    audit.record(
        conn,
        actor=account.name,
        action="saved_reply_delete",
        before={"brand": row["brand"], "name": row["name"], "body": row["body"], "uses": row["uses"]},
        detail=f"{row['brand']}: {row['name']}",
        at=_now(now),
    )


def count_use(conn: Connection, reply_id: int) -> None:
    """One more reply posted from this saved reply (nothing when it was deleted meanwhile)."""
    s = saved_replies
    conn.execute(update(s).where(s.c.id == reply_id).values(uses=s.c.uses + 1))
