"""Which formulas version the stored judgements were made with (`meta`), and a re-judge under way.

Ingest derives sentiment, reply flags and a missing language once (pipeline.ingest.enrich); a release that
changes a formula (analysis.formulas.FORMULAS_VERSION) leaves stored rows judged by the old one until
pipeline.rejudge derives them again. VERSION_KEY holds the version every stored judgement was made with:
written by an ingest into an empty store (`note_ingest`) and by a finished re-judge. A store made before
the key existed has none (None: "not recorded"). An ingest by code older than the recorded version (an old
scheduler still running after an upgrade) lowers it to its own and drops a re-judge under way, so the store
never claims more than it holds.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from analysis.formulas import FORMULAS_VERSION
from store.schema import mentions, meta

#: `meta` key: the FORMULAS_VERSION every stored judgement was made with.
VERSION_KEY = "formulas_version"
#: `meta` key: a re-judge under way (JSON: to, from, last_id, counts).
PROGRESS_KEY = "rejudge_progress"


def set_value(conn: Connection, key: str, value: str) -> None:
    """Write a `meta` key in one upsert: two first ingests on PostgreSQL (no store-wide lock) both find the key
    missing, and an update-then-insert would fail the later one on the primary key."""
    insert_ = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert_(meta).values(key=key, value=value)
    conn.execute(statement.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value}))


def stored_version(conn: Connection) -> str | None:
    """The FORMULAS_VERSION the store's judgements were made with; None when not recorded."""
    value = conn.execute(select(meta.c.value).where(meta.c.key == VERSION_KEY)).scalar()
    return None if value is None else str(value)


def progress(conn: Connection) -> dict[str, Any] | None:
    """The re-judge under way (PROGRESS_KEY), or None (none, or unreadable)."""
    value = conn.execute(select(meta.c.value).where(meta.c.key == PROGRESS_KEY)).scalar()
    if value is None:
        return None
    try:
        found = json.loads(str(value))
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def older(version: str | None, than: str) -> bool:
    """True when `version` is older than `than` (numbers compared as numbers); None (not recorded) is older."""
    if version is None:
        return True
    try:
        return int(version) < int(than)
    except ValueError:
        return version != than


def is_empty(conn: Connection) -> bool:
    return conn.execute(select(mentions.c.id).limit(1)).first() is None


def behind(conn: Connection) -> bool:
    """True when stored judgements may be from another formulas version than this code's (not recorded, older,
    newer); False for an empty store."""
    return stored_version(conn) != FORMULAS_VERSION and not is_empty(conn)


def note_ingest(conn: Connection, store_was_empty: bool) -> None:
    """Ingest, in its transaction: an empty store is judged with this code's version from now on; a recorded
    newer version is lowered to this code's (an older writer's rows are in the store now), and a re-judge toward
    a newer version under way starts over."""
    if store_was_empty:
        set_value(conn, VERSION_KEY, FORMULAS_VERSION)
        conn.execute(delete(meta).where(meta.c.key == PROGRESS_KEY))
        return
    recorded = stored_version(conn)
    if recorded is not None and older(FORMULAS_VERSION, recorded):
        set_value(conn, VERSION_KEY, FORMULAS_VERSION)
    under_way = progress(conn)
    if under_way is not None and older(FORMULAS_VERSION, str(under_way.get("to"))):
        # a re-judge toward a newer version: this writer may have scored again (an edited review) a row it did
        # already, so it starts over
        conn.execute(delete(meta).where(meta.c.key == PROGRESS_KEY))


def status(conn: Connection) -> dict[str, Any]:
    """What the dashboard and notes.txt say: the stored version (None: not recorded), this code's, whether
    they differ for a store holding mentions, and a re-judge under way (its last id done)."""
    found = progress(conn)
    return {
        "stored": stored_version(conn),
        "current": FORMULAS_VERSION,
        "behind": behind(conn),
        "last_id": found.get("last_id") if found else None,
    }


def notice(found: dict[str, Any]) -> str | None:
    """One sentence for an admin when stored judgements are not this code's version, else None."""
    if not found["behind"]:
        return None
    stored = found["stored"]
    held = (
        f"with formulas version {stored}"
        if stored is not None
        else "with formulas whose version was not recorded (the store predates version records)"
    )
    under_way = (
        f" A re-judge is under way (done up to mention id {found['last_id']:,})."
        if isinstance(found.get("last_id"), int)
        else ""
    )
    return (
        f"Stored sentiment and reply flags were judged {held}; this release computes version "
        f"{found['current']}, so older rows may disagree with new ones.{under_way} Run `.venv/bin/python cli.py "
        "rejudge` (or leave the scheduler running: it re-judges in the background)."
    )
