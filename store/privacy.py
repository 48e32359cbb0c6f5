"""Privacy in SQL: erasing a mention's personal content, forgotten authors, deletions at the source.

Erasing a mention (`erase`) blanks its text and URL, clears author id, handle and name, and
replaces its post, parent and thread ids with keyed hashes ("erased:..."; a Bluesky post id
holds its author's DID), records why in `mention_privacy`, and removes the author's names and
the text from the mention's notes and from its audit rows (`audit_log.redacted_at` marks a
redacted row; the triggers allow no other UPDATE). Everything dashboards and reports count
stays: the row, its platform, brand, kind, time, counts, sentiment, flags and queue state, so
`rollup_hourly` needs no refresh and past figures do not move.

`suppressed_authors` holds HMAC-SHA256 hashes (keyed by a random salt kept in `meta`) of a
forgotten author's platform and id or handle: ingest drops their new posts (`drop_blocked`),
and the replies it stores name an erased post by its erased id, as erase renamed the earlier ones
(`hide_erased_references`); the list itself names nobody. Every function takes an open connection; the caller's
transaction is the unit of work (pipeline/retention.py and pipeline/privacy.py batch them).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
import json
import re
import secrets
import zlib
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from config import Brand
from store import audit, readcache, resolution, writer
from store.alerts import alert_events
from store.queue import OPEN, _bump_queue_version
from store.schema import audit_log, cursors, mention_privacy, mention_state, mentions, meta, runs, suppressed_authors

SALT_KEY = "privacy_salt"
ERASED_PREFIX = "erased:"
ERASED = "[erased]"
REASONS = ("retention", "forget", "deleted")
SYSTEM = "system"
KEY_CHUNK = 400
#: a literal (a text, a URL) shorter than this is not searched for in notes: too likely to hit other words.
MIN_LITERAL = 12
PERSONAL = ("text", "url", "author_id", "author_handle", "author_name")


def _insert(conn: Connection):
    return sqlite_insert if conn.dialect.name == "sqlite" else pg_insert


def chunks(items: Sequence[Any], size: int = KEY_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------------------------------------- keys


def salt(conn: Connection) -> bytes:
    """This store's random key for every privacy hash (made once, kept in `meta`)."""
    stmt = _insert(conn)(meta).values(key=SALT_KEY, value=secrets.token_hex(32))
    conn.execute(stmt.on_conflict_do_nothing(index_elements=[meta.c.key]))
    return bytes.fromhex(conn.execute(select(meta.c.value).where(meta.c.key == SALT_KEY)).scalar_one())


def normal_author(value: str) -> str:
    """An author id or handle as hashed and compared: trimmed, without a leading @, case-folded."""
    return value.strip().lstrip("@").strip().casefold()


def keyed(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def author_hash(key: bytes, platform: str, author: str) -> str:
    """The suppression-list entry for one author id or handle on one platform."""
    return keyed(key, f"{platform}:{normal_author(author)}")


def erased_id(key: bytes, platform: str, post_id: str | None) -> str | None:
    """The stored stand-in for a post id once erased (stable, so threads keep together)."""
    if post_id is None or post_id.startswith(ERASED_PREFIX):
        return post_id
    return ERASED_PREFIX + keyed(key, f"post:{platform}:{post_id}")[:40]


# ---------------------------------------------------------------------------------------------- scrubbing


@dataclass
class Needles:
    """What to remove from free text: names (matched as whole words, with or without @) and literals."""

    words: set[str] = field(default_factory=set)
    literals: set[str] = field(default_factory=set)

    def add_row(self, row: Any) -> None:
        for name in (row.get("author_handle"), row.get("author_name"), row.get("author_id")):
            if isinstance(name, str) and len(normal_author(name)) >= 2:
                self.words.add(name.strip().lstrip("@").strip())
        for literal in (row.get("url"), row.get("text")):
            if isinstance(literal, str) and len(literal.strip()) >= MIN_LITERAL:
                self.literals.add(literal.strip())
                flat = " ".join(literal.split())
                self.literals.add(flat)
                if len(flat) > 140:
                    self.literals.add(flat[:139])  # alerts quote 139 characters and an ellipsis

    def pattern(self) -> re.Pattern[str] | None:
        parts = [re.escape(x) for x in sorted(self.literals, key=len, reverse=True)]
        parts += [rf"(?<![\w@])@?{re.escape(w)}(?![\w])" for w in sorted(self.words, key=len, reverse=True)]
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def __bool__(self) -> bool:
        return bool(self.words or self.literals)


def scrub(text: str | None, pattern: re.Pattern[str] | None) -> str | None:
    if text is None or pattern is None:
        return text
    return pattern.sub(ERASED, text)


def scrub_json(text: str | None, pattern: re.Pattern[str] | None) -> str | None:
    """Scrub every string inside a JSON document (kept as JSON); plain text is scrubbed as text."""
    if text is None or pattern is None:
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return scrub(text, pattern)

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(ERASED, item)
        if isinstance(item, list):
            return [walk(x) for x in item]
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items()}
        return item

    cleaned = walk(value)
    return text if cleaned == value else json.dumps(cleaned, sort_keys=True, ensure_ascii=False)


def _redact_audit_rows(conn: Connection, rows: list[Any], pattern: re.Pattern[str] | None, now: datetime) -> int:
    """Rewrite before/after/detail of these audit rows where they name the person; returns rows changed.

    The one UPDATE of audit_log anywhere: the triggers allow it only with `redacted_at` set and
    id, time, actor, action and mention unchanged (migration 0006).
    """
    changed = []
    for row in rows:
        new = {c: (scrub_json if c != "detail" else scrub)(row[c], pattern) for c in ("before", "after", "detail")}
        if any(new[c] != row[c] for c in new):
            changed.append({"b_id": row["id"], "b_before": new["before"], "b_after": new["after"],
                            "b_detail": new["detail"], "b_now": now})  # fmt: skip
    if changed:
        a = audit_log
        conn.execute(
            update(a)
            .where(a.c.id == bindparam("b_id"))
            .values(
                before=bindparam("b_before"),
                after=bindparam("b_after"),
                detail=bindparam("b_detail"),
                redacted_at=bindparam("b_now"),
            ),  # fmt: skip
            changed,
        )
    return len(changed)


#: the people's free text on a mention (a note, a dismissal's words): scrubbed like the text itself.
NOTE_COLUMNS: tuple[str, ...] = ("note", "dismiss_note")


def _scrub_notes(conn: Connection, rows: list[Any], pattern: re.Pattern[str] | None, column: str = "note") -> int:
    changed = [
        {"b_id": r["mention_id"], "b_note": new}
        for r in rows
        if r[column] is not None and (new := scrub(r[column], pattern)) != r[column]
    ]
    if changed:
        s = mention_state
        conn.execute(
            update(s).where(s.c.mention_id == bindparam("b_id")).values({column: bindparam("b_note")}), changed
        )
    return len(changed)


# ---------------------------------------------------------------------------------------------- erasing


def _personal_rows(conn: Connection, mention_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The not yet erased mentions among `mention_ids`, with their personal fields."""
    m, p = mentions, mention_privacy
    columns = [m.c.id, m.c.platform, m.c.post_id, m.c.parent_id, m.c.thread_id, *(m.c[c] for c in PERSONAL)]
    found: list[dict[str, Any]] = []
    for chunk in chunks(list(mention_ids)):
        query = (
            select(*columns)
            .select_from(m.outerjoin(p, p.c.mention_id == m.c.id))
            .where(m.c.id.in_(chunk), p.c.mention_id.is_(None))
        )
        found += [dict(r) for r in conn.execute(query).mappings()]
    return found


def _derived_rows(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The brand's own replies to these posts whose ids are the answered post's id and a ":" suffix (a Google
    Play developer reply is "<reviewId>:reply", its URL the review's): erased with the post, or they would
    link back to it. One look-up per chunk of ids on (platform, parent_id)."""
    m = mentions
    by_platform: dict[str, list[str]] = {}
    for r in rows:
        if r["post_id"] and not r["post_id"].startswith(ERASED_PREFIX):
            by_platform.setdefault(r["platform"], []).append(r["post_id"])
    taken = {r["id"] for r in rows}
    wanted: list[int] = []
    for platform, ids in by_platform.items():
        for chunk in chunks(ids):
            found = conn.execute(
                select(m.c.id, m.c.post_id, m.c.parent_id).where(
                    m.c.platform == platform, m.c.parent_id.in_(chunk), m.c.is_own.is_(True)
                )
            ).all()
            wanted += [r.id for r in found if r.post_id.startswith(r.parent_id + ":") and r.id not in taken]
    return _personal_rows(conn, sorted(set(wanted))) if wanted else []


def _rename_references(conn: Connection, key: bytes, rows: list[dict[str, Any]], *, threads: bool) -> None:
    """Other mentions answering (parent_id) or, with `threads`, sitting under (thread_id) an erased
    post name it by its hashed id too (a Bluesky post id holds its author's DID), and so does the
    first response recorded on the mention it answered (mention_state.response_post_id): a follow-up
    answering the brand's erased reply still matches it."""
    by_platform: dict[str, list[str]] = {}
    for r in rows:
        if r["post_id"] and not r["post_id"].startswith(ERASED_PREFIX):
            by_platform.setdefault(r["platform"], []).append(r["post_id"])
    m = mentions
    for platform, ids in by_platform.items():
        for column in ("parent_id", "thread_id") if threads else ("parent_id",):
            for chunk in chunks(ids):
                found = {r[0] for r in conn.execute(
                    select(m.c[column]).where(m.c.platform == platform, m.c[column].in_(chunk)).distinct()
                )}  # fmt: skip
                for old in found:
                    conn.execute(
                        update(m)
                        .where(m.c.platform == platform, m.c[column] == old)
                        .values({column: erased_id(key, platform, old)})
                    )
    # the mention an erased reply answered (its parent, by the unique (platform, post_id) index) may record
    # it as its first response; mention_state.response_post_id has no index of its own
    s = mention_state
    answered = select(m.c.id).where(
        m.c.platform == bindparam("b_platform"), m.c.post_id.in_([bindparam("b_parent"), bindparam("b_hashed")])
    )
    params = [
        {
            "b_platform": r["platform"],
            "b_parent": r["parent_id"],
            "b_hashed": erased_id(key, r["platform"], r["parent_id"]),
            "b_old": r["post_id"],
            "b_new": erased_id(key, r["platform"], r["post_id"]),
        }
        for r in rows
        if r["parent_id"] and r["post_id"] and not r["post_id"].startswith(ERASED_PREFIX)
    ]
    if params:
        conn.execute(
            update(s)
            .where(s.c.mention_id.in_(answered), s.c.response_post_id == bindparam("b_old"))
            .values(response_post_id=bindparam("b_new")),
            params,
        )


def erase(
    conn: Connection, mention_ids: Sequence[int], reason: str, now: datetime, brands: Sequence[Brand] = ()
) -> int:
    """Erase the personal content of these mentions (those not erased yet); returns how many were erased.

    Also removes the author's names and the text from the mentions' own notes and audit rows, and
    erases the brand's own replies whose ids extend an erased post's id (_derived_rows: a Google Play
    developer reply), counted too. Counts, sentiment, flags and queue state stay. Run inside a
    transaction. `brands` (the config's)
    judge the outcomes frozen first (store.resolution.freeze: each brand's window and vocabulary).
    """
    if reason not in REASONS:
        raise ValueError(f"unknown erasure reason {reason!r}")
    rows = _personal_rows(conn, mention_ids)
    if not rows:
        return 0
    rows += _derived_rows(conn, rows)
    resolution.freeze(conn, [r["id"] for r in rows], now, brands)  # outcomes after a reply outlive the erasure
    readcache.clear(conn)  # the dashboard's kept page parts hold texts and authors: none outlives an erasure
    key = salt(conn)
    m = mentions
    conn.execute(
        update(m)
        .where(m.c.id == bindparam("b_id"))
        .values(
            text="",
            url=None,
            author_id=None,
            author_handle=None,
            author_name=None,
            post_id=bindparam("b_post"),
            parent_id=bindparam("b_parent"),
            thread_id=bindparam("b_thread"),
        ),
        [
            {
                "b_id": r["id"],
                "b_post": erased_id(key, r["platform"], r["post_id"]),
                "b_parent": erased_id(key, r["platform"], r["parent_id"]),
                "b_thread": erased_id(key, r["platform"], r["thread_id"]),
            }
            for r in rows
        ],
    )
    conn.execute(insert(mention_privacy), [{"mention_id": r["id"], "erased_at": now, "reason": reason} for r in rows])
    _rename_references(conn, key, rows, threads=reason != "retention")
    by_id = {r["id"]: r for r in rows}
    ids = list(by_id)
    for chunk in chunks(ids):
        s = mention_state
        notes = conn.execute(
            select(s.c.mention_id, s.c.note, s.c.dismiss_note).where(
                s.c.mention_id.in_(chunk), or_(s.c.note.is_not(None), s.c.dismiss_note.is_not(None))
            )
        ).mappings()
        for note in notes:
            needles = Needles()
            needles.add_row(by_id[note["mention_id"]])
            for column in NOTE_COLUMNS:
                _scrub_notes(conn, [note], needles.pattern(), column)
        trail = conn.execute(
            select(audit_log.c.id, audit_log.c.mention_id, audit_log.c.before, audit_log.c.after, audit_log.c.detail)
            .where(audit_log.c.mention_id.in_(chunk))
        ).mappings()  # fmt: skip
        for row in list(trail):
            needles = Needles()
            needles.add_row(by_id[row["mention_id"]])
            _redact_audit_rows(conn, [row], needles.pattern(), now)
    return len(rows)


def erase_everywhere(
    conn: Connection, platform: str, needles: Needles, now: datetime, page: int = 1000
) -> dict[str, int]:
    """Remove `needles` from others' mention texts, every note, audit row and alert message (a forget
    request's sweep: a reply naming @someone keeps its words but not the name).

    Idempotent: a second pass finds nothing left to change. Returns rows changed per table.
    """
    pattern = needles.pattern()
    done = {"texts": 0, "notes": 0, "audit rows": 0, "alerts": 0}
    if pattern is None:
        return done
    readcache.clear(conn)  # kept page parts hold others' texts naming the person (erase may find no post of theirs)
    # a cheap SQL filter on the names first (texts are only searched in rows that name a word)
    words = sorted({normal_author(w) for w in needles.words})
    literals = sorted({x.casefold() for x in needles.literals})

    every = [*words, *(x[:60] for x in literals)]

    def mentions_any(column: Any, terms: Sequence[str]) -> Any:
        return or_(*(func.lower(column).contains(t, autoescape=True) for t in terms))

    # SQLite limits an expression's depth to 1,000: the terms (a person's thousands of texts) are looked for a
    # chunk at a time (at most KEY_CHUNK LIKEs a query); a row a chunk scrubbed is unchanged by the next ones
    # others' texts on the platform lose the person's names only (the same words may be another's post)
    names = Needles(words=needles.words).pattern()
    m = mentions
    for some in chunks(words):
        last = 0
        while True:
            rows = conn.execute(
                select(m.c.id, m.c.text).where(m.c.platform == platform, m.c.id > last, mentions_any(m.c.text, some)).order_by(m.c.id).limit(page)
            ).all()  # fmt: skip
            if not rows:
                break
            changed = [{"b_id": r.id, "b_text": new} for r in rows if (new := scrub(r.text, names)) != r.text]
            if changed:
                conn.execute(update(m).where(m.c.id == bindparam("b_id")).values(text=bindparam("b_text")), changed)
            done["texts"] += len(changed)
            last = rows[-1].id
    s = mention_state
    done["notes"] = 0
    for column, some in itertools.product(NOTE_COLUMNS, chunks(every)):
        notes = conn.execute(
            select(s.c.mention_id, s.c[column]).where(s.c[column].is_not(None), mentions_any(s.c[column], some))
        )
        done["notes"] += _scrub_notes(conn, [dict(r) for r in notes.mappings()], pattern, column)
    a = audit_log
    for some in chunks(every, KEY_CHUNK // 3):  # three columns: KEY_CHUNK LIKEs in all
        last = 0
        while True:
            holds = or_(mentions_any(a.c.detail, some), mentions_any(a.c.before, some), mentions_any(a.c.after, some))
            audit_rows = [
                dict(r)
                for r in conn.execute(
                    select(a.c.id, a.c.before, a.c.after, a.c.detail)
                    .where(a.c.id > last, holds)
                    .order_by(a.c.id)
                    .limit(page)
                ).mappings()
            ]
            if not audit_rows:
                break
            done["audit rows"] += _redact_audit_rows(conn, audit_rows, pattern, now)
            last = audit_rows[-1]["id"]
    # alert messages are JSON (non-ASCII escaped), so they are read and scrubbed whole
    e = alert_events
    last = 0
    while True:
        alert_rows = [dict(r) for r in conn.execute(select(e.c.id, e.c.payload).where(e.c.id > last).order_by(e.c.id).limit(page)).mappings()]  # fmt: skip
        if not alert_rows:
            break
        changed = [
            {"b_id": r["id"], "b_payload": new}
            for r in alert_rows
            if (new := scrub_json(r["payload"], pattern)) != r["payload"]
        ]
        if changed:
            conn.execute(update(e).where(e.c.id == bindparam("b_id")).values(payload=bindparam("b_payload")), changed)
        done["alerts"] += len(changed)
        last = alert_rows[-1]["id"]
    return done


# ---------------------------------------------------------------------------------------------- cursors


def rewrite_cursors(
    conn: Connection,
    platform: str,
    terms: Sequence[str],
    rewrite: Callable[[str], str | None],
    *,
    unless: Sequence[str] = (),
    after_run: int = 0,
    page: int = 1000,
) -> int:
    """Rewrite the cursor of every `platform` source, and every run's copy of it (`runs.cursor`, of the runs
    with an id above `after_run`), whose text holds one of `terms` once every `unless` string is taken out of it
    (a plain SQL filter; no terms, no rows) with `rewrite(cursor)`; returns rows changed.

    The store knows no cursor format: the caller's `rewrite` (pipeline.privacy.clean_cursors passes the
    collectors') does. A forget or retention calls it so no copy keeps the plain ids of erased items."""
    return rewrite_source_cursors(
        conn, platform, terms, lambda _source, cursor: rewrite(cursor), unless=unless, after_run=after_run, page=page
    )


def rewrite_source_cursors(
    conn: Connection,
    platform: str,
    terms: Sequence[str],
    rewrite: Callable[[str, str], str | None],
    *,
    unless: Sequence[str] = (),
    after_run: int = 0,
    runs_too: bool = True,
    sources_too: bool = True,
    page: int = 1000,
) -> int:
    """rewrite_cursors with `rewrite(source, cursor)`: the source whose cursor (or whose run's copy) it is (a
    stream's position moves to a post of that source: pipeline.privacy.move_positions). Without `runs_too`, only
    the sources' own cursors; without `sources_too`, only the runs' copies. The terms are looked for KEY_CHUNK
    at a time (SQLite limits an expression's depth to 1,000: one OR of a batch's thousands of post ids fails), so
    `rewrite` must leave a cursor it rewrote unchanged when given it again (a row may hold terms of two chunks)."""
    wanted = sorted({t for t in terms if t})
    if not wanted:
        return 0
    done = 0
    tables = [
        (table, key) for table, key, on in ((cursors, cursors.c.source, sources_too), (runs, runs.c.id, runs_too)) if on
    ]
    for (table, key), some in itertools.product(tables, chunks(wanted)):
        text: Any = table.c.cursor
        for gone in unless:
            text = func.replace(text, gone, "")
        holds = or_(*(text.contains(t, autoescape=True) for t in some))
        last: Any = None
        while True:
            query = select(key.label("key"), table.c.source, table.c.cursor).where(table.c.platform == platform, holds)
            if last is not None or table is runs:
                query = query.where(key > (last if last is not None else after_run))
            rows = conn.execute(query.order_by(key).limit(page)).all()
            if not rows:
                break
            changed = [
                {"b_key": r.key, "b_cursor": new} for r in rows if (new := rewrite(r.source, r.cursor)) != r.cursor
            ]
            if changed:
                conn.execute(
                    update(table).where(key == bindparam("b_key")).values(cursor=bindparam("b_cursor")), changed
                )
            done += len(changed)
            last = rows[-1].key
    return done


def rewrite_platform_cursors(conn: Connection, platform: str, rewrite: Callable[[str, str], str | None]) -> int:
    """Rewrite the cursor of every `platform` source with `rewrite(source, cursor)` (the sources' own cursors: one
    row per source, read whole and filtered by the caller); returns rows changed."""
    c = cursors
    rows = conn.execute(select(c.c.source, c.c.cursor).where(c.c.platform == platform, c.c.cursor.is_not(None)))
    changed = [
        {"b_key": r.source, "b_cursor": new} for r in rows.all() if (new := rewrite(r.source, r.cursor)) != r.cursor
    ]
    if changed:
        conn.execute(update(c).where(c.c.source == bindparam("b_key")).values(cursor=bindparam("b_cursor")), changed)
    return len(changed)


def cursor_texts(conn: Connection, platform: str, page: int = 1000) -> Iterable[list[str]]:
    """Pages of the cursors of every `platform` source and of every run's copy (read only, one pass each)."""
    for table, key in ((cursors, cursors.c.source), (runs, runs.c.id)):
        last: Any = None
        while True:
            query = select(key.label("key"), table.c.cursor).where(
                table.c.platform == platform, table.c.cursor.is_not(None)
            )
            if last is not None:
                query = query.where(key > last)
            rows = conn.execute(query.order_by(key).limit(page)).all()
            if not rows:
                break
            yield [r.cursor for r in rows]
            last = rows[-1].key


def rewrite_cursor_pages(
    conn: Connection,
    platform: str,
    rewrite: Callable[[list[str]], list[str | None]],
    *,
    runs_since: datetime | None,
    page: int = 1000,
) -> int:
    """Rewrite the cursor of every `platform` source, and the copies of its runs started at or after `runs_since`
    (None: no run), a page of cursors at a time: `rewrite(cursors)` returns them rewritten (the caller looks up
    what a page names at once). Returns rows changed."""
    done = 0
    for table, key in ((cursors, cursors.c.source), (runs, runs.c.id)):
        if table is runs and runs_since is None:
            continue
        last: Any = None
        while True:
            query = select(key.label("key"), table.c.cursor).where(
                table.c.platform == platform, table.c.cursor.is_not(None)
            )
            if table is runs:
                query = query.where(runs.c.started_at >= runs_since)
            if last is not None:
                query = query.where(key > last)
            rows = conn.execute(query.order_by(key).limit(page)).all()
            if not rows:
                break
            new = rewrite([r.cursor for r in rows])
            changed = [{"b_key": r.key, "b_cursor": n} for r, n in zip(rows, new, strict=True) if n != r.cursor]
            if changed:
                conn.execute(
                    update(table).where(key == bindparam("b_key")).values(cursor=bindparam("b_cursor")), changed
                )
            done += len(changed)
            last = rows[-1].key
    return done


def oldest_created(conn: Connection, mention_ids: Sequence[int]) -> datetime | None:
    """The earliest created_at among these mentions (None: none)."""
    found = [
        conn.execute(select(func.min(mentions.c.created_at)).where(mentions.c.id.in_(chunk))).scalar()
        for chunk in chunks(list(mention_ids))
    ]
    present = [f for f in found if f is not None]
    return min(present) if present else None


#: meta key: the newest run whose cursor copy every seen-items pass has checked (pipeline.privacy.clean_cursors).
#: Renamed in session 10: the passes before read only lists of quoted ids (`"ids":["`), so the runs they marked
#: checked may hold bare-number ids; under the new key the first pass reads every run again, once.
RUNS_CHECKED_KEY = "cursor_seen_ids_checked_through_run"
#: the key of the passes before: left as it is, read by nothing.
OLD_RUNS_CHECKED_KEYS = ("cursor_ids_checked_through_run",)


def runs_checked(conn: Connection) -> int:
    """The id of the newest run already checked (0: none)."""
    value = conn.execute(select(meta.c.value).where(meta.c.key == RUNS_CHECKED_KEY)).scalar()
    return int(value) if value else 0


def newest_run(conn: Connection) -> int:
    return int(conn.execute(select(func.max(runs.c.id))).scalar() or 0)


def mark_runs_checked(conn: Connection, run_id: int) -> None:
    stmt = _insert(conn)(meta).values(key=RUNS_CHECKED_KEY, value=str(run_id))
    conn.execute(stmt.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": str(run_id)}))


# ---------------------------------------------------------------------------------------------- authors


@dataclass
class Author:
    """What the store holds under one author on one platform: mention ids, their ids, handles and names."""

    platform: str
    mention_ids: list[int]
    author_ids: set[str]
    handles: set[str]
    names: set[str]
    needles: Needles


def find_author(conn: Connection, platform: str, who: str) -> Author:
    """Mentions by `who` (an author id or handle, any case, with or without @) on `platform`, not yet erased.

    An author found by handle is also matched by their id (so a renamed account is found whole).
    """
    m = mentions
    wanted = normal_author(who)
    by_name = or_(func.lower(m.c.author_id) == wanted, func.lower(m.c.author_handle) == wanted)
    ids = {r[0] for r in conn.execute(select(m.c.author_id).where(m.c.platform == platform, by_name)) if r[0]}
    condition = or_(by_name, m.c.author_id.in_(sorted(ids))) if ids else by_name
    rows = [
        dict(r)
        for r in conn.execute(
            select(m.c.id, *(m.c[c] for c in PERSONAL)).where(m.c.platform == platform, condition).order_by(m.c.id)
        ).mappings()
    ]
    needles = Needles()
    needles.words.add(who.strip().lstrip("@").strip())
    for row in rows:
        needles.add_row(row)
    return Author(
        platform=platform,
        mention_ids=[int(r["id"]) for r in rows],
        author_ids={r["author_id"] for r in rows if r["author_id"]},
        handles={r["author_handle"] for r in rows if r["author_handle"]} | {who.strip().lstrip("@")},
        names={r["author_name"] for r in rows if r["author_name"]},
        needles=needles,
    )


def suppress(conn: Connection, platform: str, authors: Iterable[str], now: datetime) -> int:
    """Add these author ids and handles to the suppression list (as hashes); returns entries new."""
    key = salt(conn)
    hashes = sorted({author_hash(key, platform, a) for a in authors if a and normal_author(a)})
    if not hashes:
        return 0
    stmt = _insert(conn)(suppressed_authors).on_conflict_do_nothing(index_elements=[suppressed_authors.c.key_hash])
    stmt = stmt.returning(suppressed_authors.c.key_hash)
    rows = [{"key_hash": h, "platform": platform, "added_at": now} for h in hashes]
    return sum(len(conn.execute(stmt, [row]).all()) for row in rows)


def is_suppressed(conn: Connection, platform: str, author: str) -> bool:
    key = salt(conn)
    found = select(suppressed_authors.c.key_hash).where(
        suppressed_authors.c.key_hash == author_hash(key, platform, author)
    )
    return conn.execute(found).first() is not None


def drop_blocked(
    conn: Connection, rows: pd.DataFrame, skipped: Counter[str], forgotten: set[str] | None = None
) -> pd.DataFrame:
    """`rows` (conformed mention frame) without forgotten authors' posts and posts erased earlier.

    One vectorised check per batch: a query for the batch's platforms' suppression hashes, then
    one for stored erased ids; nothing is hashed when the lists are empty (the usual case). The post
    and author ids of the forgotten authors' rows go to `forgotten` (the run's cursor must not name them).
    """
    if rows.empty:
        return rows
    platforms = sorted(set(rows["platform"].dropna()))
    s = suppressed_authors
    listed = {tuple(r) for r in conn.execute(select(s.c.platform, s.c.key_hash).where(s.c.platform.in_(platforms)))}
    any_erased = conn.execute(select(mention_privacy.c.mention_id).limit(1)).first() is not None
    if not listed and not any_erased:
        return rows
    key = salt(conn)
    blocked = pd.Series(False, index=rows.index)
    dropped: set[tuple[str, str]] = set()  # (platform, post id) of the forgotten authors' rows dropped here
    if listed:
        listed_platforms = {p for p, _ in listed}
        for column in ("author_id", "author_handle"):
            values = rows[column]
            hit = [
                isinstance(v, str) and p in listed_platforms and (p, author_hash(key, p, v)) in listed
                for p, v in zip(rows["platform"], values.astype(object).where(values.notna(), None), strict=True)
            ]
            blocked |= pd.Series(hit, index=rows.index)
        if blocked.any():
            skipped["author asked to be forgotten"] += int(blocked.sum())
            if forgotten is not None:
                gone = rows.loc[blocked, ["post_id", "author_id"]].astype(object)
                forgotten.update(str(v) for v in gone.to_numpy().ravel() if isinstance(v, str) and v)
            theirs = rows.loc[blocked, ["platform", "post_id"]].astype(object).to_numpy()
            dropped = {(str(p), str(i)) for p, i in theirs if isinstance(i, str) and i}
    if any_erased:
        candidates = rows[~blocked]
        hashed = [erased_id(key, p, i) for p, i in zip(candidates["platform"], candidates["post_id"], strict=True)]
        # a missing post id (None) can match no stored row, so it is not looked up
        pairs = [(p, h) for p, h in zip(candidates["platform"], hashed, strict=True) if h is not None]
        stored = writer.existing_keys(conn, pairs)
        gone = pd.Series(
            [(p, h) in stored for p, h in zip(candidates["platform"], hashed, strict=True)], index=candidates.index
        )
        if gone.any():
            skipped["erased earlier (retention or deletion)"] += int(gone.sum())
            blocked.loc[gone[gone].index] = True
    return hide_erased_references(conn, rows[~blocked], key, dropped, skipped)


#: why ingest drops a brand's reply whose id extends an erased post's (hide_erased_references).
DERIVED_SKIP = "brand reply to an erased post (its id holds the post's)"


def hide_erased_references(
    conn: Connection,
    rows: pd.DataFrame,
    key: bytes,
    dropped: Collection[tuple[str, str]] = (),
    skipped: Counter[str] | None = None,
) -> pd.DataFrame:
    """`rows` naming an erased post as what they answer (parent_id) or sit under (thread_id) name it by its erased
    id instead, as erase renamed the mentions stored before it (_rename_references: a parent erased for any reason,
    a thread's first post for any but retention); so do those naming a post of `dropped` ((platform, post id) of
    the rows this batch dropped as a forgotten author's). A brand's reply whose own id extends such a parent's
    ("<reviewId>:reply", Google Play's developer reply: erase erases it with the review, _derived_rows) is
    dropped instead, counted in `skipped` (DERIVED_SKIP). One look-up of the hashed ids per batch, only when the
    store holds an erased mention or the batch dropped a forgotten author's row (drop_blocked)."""
    if rows.empty:
        return rows
    platforms = rows["platform"].astype(object).tolist()
    columns = {c: rows[c].astype(object).where(rows[c].notna(), None).tolist() for c in ("parent_id", "thread_id")}
    posts = rows["post_id"].astype(object).tolist()
    named = {
        (p, v)
        for values in columns.values()
        for p, v, own in zip(platforms, values, posts, strict=True)
        if isinstance(v, str) and v and v != own and not v.startswith(ERASED_PREFIX)  # a root's thread is itself
    }
    if not named:
        return rows
    hashed = {pair: erased_id(key, pair[0], pair[1]) or pair[1] for pair in named}
    reasons = writer.erased_keys(conn, [(p, h) for (p, v), h in hashed.items() if (p, v) not in dropped])
    reasons.update({(p, hashed[(p, v)]): "forget" for (p, v) in named if (p, v) in dropped})

    def hidden(platform: str, value: Any, thread: bool) -> str | None:
        """The erased id that stands for `value` here, None when it stays."""
        if not isinstance(value, str) or (platform, value) not in hashed:
            return None
        reason = reasons.get((platform, hashed[(platform, value)]))
        return None if reason is None or (thread and reason == "retention") else hashed[(platform, value)]

    out = rows
    for column, thread in (("parent_id", False), ("thread_id", True)):
        new = [hidden(p, v, thread) for p, v in zip(platforms, columns[column], strict=True)]
        if any(n is not None for n in new):
            values = [n if n is not None else v for n, v in zip(new, columns[column], strict=True)]
            out = out.assign(**{column: pd.Series(values, index=rows.index, dtype=rows[column].dtype)})
    derived = pd.Series(
        [
            bool(own) and isinstance(post, str) and isinstance(parent, str) and post.startswith(parent + ":")
            and hidden(platform, parent, False) is not None
            for platform, post, parent, own in zip(
                platforms, rows["post_id"].astype(object), columns["parent_id"], rows["is_own"].fillna(False),
                strict=True,
            )
        ],
        index=rows.index,
    )  # fmt: skip
    if derived.any():
        if skipped is not None:
            skipped[DERIVED_SKIP] += int(derived.sum())
        out = out[~derived]
    return out


# ---------------------------------------------------------------------------------------------- cursors written


#: PostgreSQL advisory locks (one per platform, this plus a CRC of its name) ordering a run's cursor write after
#: a forget's cursor pass: a run takes it shared, a forget exclusive (lock_cursors).
CURSOR_LOCK_BASE = 727_280_000


def cursor_lock_key(platform: str) -> int:
    """The advisory lock key of `platform`'s cursors (lock_cursors)."""
    return CURSOR_LOCK_BASE + zlib.crc32(platform.encode("utf-8")) % 10_000


def lock_cursors(conn: Connection, platform: str, *, forget: bool = False) -> None:
    """Order the writes of `platform`'s cursors with a forget's pass over them, for this transaction.

    A run takes it before reading the suppression list to filter the cursor it writes (forgotten_among), a
    forget (`forget=True`) before reading the cursors it rewrites: whichever comes second sees what the other
    committed, so a run that read its cursor before a forget never writes the forgotten person back. SQLite:
    the database's write lock (one writer at a time already orders them); PostgreSQL: a transaction-level
    advisory lock per platform, shared by runs (they never wait for each other), exclusive for a forget.
    """
    if conn.dialect.name != "postgresql":
        writer.take_write_lock(conn)
        return
    key = cursor_lock_key(platform)
    function = "pg_advisory_xact_lock" if forget else "pg_advisory_xact_lock_shared"
    conn.execute(sql_text(f"SELECT {function}(:key)"), {"key": key})


def forgotten_among(conn: Connection, platform: str, ids: Iterable[str]) -> set[str]:
    """Those of `ids` (user and post ids a cursor names) that name a person forgotten on `platform`: a user id
    on the suppression list, a stored post by one (not erased yet: a forget still running), or a post erased by
    a forget. Nothing is hashed or looked up when the platform's suppression list is empty (the usual case)."""
    wanted = sorted({str(i) for i in ids if i})
    s = suppressed_authors
    if not wanted or conn.execute(select(s.c.key_hash).where(s.c.platform == platform).limit(1)).first() is None:
        return set()
    key = salt(conn)
    hashes = {author_hash(key, platform, i): i for i in wanted}
    found = {hashes[h] for h in _suppressed(conn, list(hashes))}
    m, p = mentions, mention_privacy
    erased = {erased_id(key, platform, i): i for i in wanted}
    for chunk in chunks(wanted + list(erased)):
        rows = conn.execute(
            select(m.c.post_id, m.c.author_id, m.c.author_handle, p.c.reason)
            .select_from(m.outerjoin(p, p.c.mention_id == m.c.id))
            .where(m.c.platform == platform, m.c.post_id.in_(chunk))
        ).all()
        authors: dict[str, str] = {}
        for row in rows:
            if row.reason == "forget":
                found.add(erased.get(row.post_id, row.post_id))
            elif row.reason is None:
                for who in (row.author_id, row.author_handle):
                    if who and normal_author(who):
                        authors[author_hash(key, platform, who)] = row.post_id
        found |= {authors[h] for h in _suppressed(conn, list(authors))}
    return found


def _suppressed(conn: Connection, hashes: list[str]) -> set[str]:
    s = suppressed_authors
    found: set[str] = set()
    for chunk in chunks(hashes):
        found |= {r[0] for r in conn.execute(select(s.c.key_hash).where(s.c.key_hash.in_(chunk)))}
    return found


# ---------------------------------------------------------------------------------------------- positions


def position_number(value: Any) -> int | None:
    """A post id that is a whole number (X's and Mastodon's, as text or as a JSON number) as that number, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def position_below(position: Any, ids: Iterable[Any], skip: Collection[str] = ()) -> str | None:
    """The newest of `ids` (stored post ids) below `position`, compared as whole numbers, as text; ids that are no
    whole number (an erased one, "erased:...") and those in `skip` left out; None when none is.

    Where a newest-first stream's since-id naming an erased post moves (pipeline.privacy.move_positions): every
    stored post of the stream's source above that id is above the erased one too, so the stream reads again only
    what is not stored (the erased post, dropped again) and skips nothing (its position only goes down)."""
    target = position_number(position)
    if target is None:
        return None
    best: tuple[int, str] | None = None
    for item in ids:
        number = position_number(item)
        if number is not None and number < target and str(item) not in skip and (best is None or number > best[0]):
            best = (number, str(item))
    return best[1] if best else None


def position_above(position: Any, ids: Iterable[Any], up_to: Any, skip: Collection[str] = ()) -> str | None:
    """The oldest of `ids` above `position` and at most `up_to`, compared as whole numbers (as position_below);
    None when none is. Where the bottom of a gap still to fetch (X's `resume`, Mastodon's `until`: the oldest item
    fetched above the gap) naming an erased post moves: up, so no item of the gap is skipped."""
    target, top = position_number(position), position_number(up_to)
    if target is None or top is None:
        return None
    best: tuple[int, str] | None = None
    for item in ids:
        number = position_number(item)
        if (
            number is not None and target < number <= top and str(item) not in skip
            and (best is None or number < best[0])
        ):  # fmt: skip
            best = (number, str(item))
    return best[1] if best else None


#: stored_below / stored_above read at most this many pages of stored post ids in all (then: none found). Ids
#: shorter than the position's are read through text ranges that also hold longer ids: the budget bounds that.
POSITION_PAGES = 20
POSITION_PAGE = 500


def _id_range(length: int) -> tuple[str, str]:
    """The smallest and largest whole number of `length` digits, as text (text order is number order among them)."""
    return ("1" + "0" * (length - 1) if length > 1 else "0"), "9" * length


def _stored_ids(conn: Connection, platform: str, source: str | None, low: str, high: str, budget: list[int], *,
                low_open: bool, high_open: bool, descending: bool) -> Iterable[list[str]]:  # fmt: skip
    """Pages of the stored post ids of `platform` (and `source`) between `low` and `high` (as text), read through
    the (platform, post_id) index in the order asked; each page takes one of `budget` (shared by the caller) and
    reads POSITION_PAGE rows of the platform at most, whatever their source (filtered here: a source with few
    posts among many of others' no longer has the database scan the index for a page of its own)."""
    m = mentions
    while budget[0] > 0:
        budget[0] -= 1
        query = select(m.c.post_id, m.c.source).where(
            m.c.platform == platform,
            m.c.post_id > low if low_open else m.c.post_id >= low,
            m.c.post_id < high if high_open else m.c.post_id <= high,
        )
        order = m.c.post_id.desc() if descending else m.c.post_id
        rows = conn.execute(query.order_by(order).limit(POSITION_PAGE)).all()
        if not rows:
            return
        found = [str(r.post_id) for r in rows]
        yield [i for i, r in zip(found, rows, strict=True) if source is None or r.source == source]
        if len(found) < POSITION_PAGE:
            return
        if descending:
            high, high_open = found[-1], True
        else:
            low, low_open = found[-1], True


def _first_kept(
    conn: Connection, platform: str, pick: Callable[[set[str]], str | None], skip: Collection[str]
) -> str | None:
    """`pick(excluded)` again and again until it names no post of a forgotten person not erased yet
    (forgotten_among: a forget under way); None when it runs out."""
    excluded = set(skip)
    while (found := pick(excluded)) is not None:
        if not forgotten_among(conn, platform, [found]):
            return found
        excluded.add(found)
    return None


def stored_below(
    conn: Connection, platform: str, source: str | None, position: Any, skip: Collection[str] = ()
) -> str | None:
    """The newest stored post id of `source` (None: of any source) on `platform` below `position` (position_below)
    that names nobody forgotten (not erased, not in `skip`, not a suppressed author's post a forget has not erased
    yet); None when none is (within POSITION_PAGES pages). Read through the (platform, post_id)
    index newest first, one digit length at a time, longest first."""
    target = position_number(position)
    if target is None:
        return None
    digits, budget = len(str(target)), [POSITION_PAGES]
    for length in range(digits, 0, -1):
        low, high = _id_range(length)
        first = length == digits
        pages = _stored_ids(conn, platform, source, low, str(target) if first else high, budget, low_open=False,
                            high_open=first, descending=True)  # fmt: skip
        for page in pages:
            fit = [i for i in page if len(i) == length and (length == 1 or i[0] != "0")]
            found = _first_kept(conn, platform, functools.partial(position_below, target, fit), skip)
            if found is not None:
                return found
    return None


def stored_above(
    conn: Connection, platform: str, source: str | None, position: Any, up_to: Any, skip: Collection[str] = ()
) -> str | None:
    """The oldest stored post id of `source` (None: any) on `platform` above `position` and at most `up_to`
    (position_above) that names nobody forgotten (as stored_below); None when none is."""
    target, top = position_number(position), position_number(up_to)
    if target is None or top is None or top <= target:
        return None
    budget = [POSITION_PAGES]
    for length in range(len(str(target)), len(str(top)) + 1):
        low, high = _id_range(length)
        first, last = length == len(str(target)), length == len(str(top))
        pages = _stored_ids(conn, platform, source, str(target) if first else low, str(top) if last else high,
                            budget, low_open=first, high_open=False, descending=False)  # fmt: skip
        for page in pages:
            fit = [i for i in page if len(i) == length and (length == 1 or i[0] != "0")]
            found = _first_kept(conn, platform, functools.partial(position_above, target, fit, top), skip)
            if found is not None:
                return found
    return None


# ---------------------------------------------------------------------------------------------- deletions


def _close_open_items(conn: Connection, mention_ids: Sequence[int], now: datetime, reason: str) -> int:
    """Dismiss the open queue items among these mentions (actor "system"), audited; returns items closed."""
    m, s = mentions, mention_state
    closed: list[int] = []
    for chunk in chunks(list(mention_ids)):
        rows = conn.execute(
            select(m.c.id, s.c.status, s.c.version, s.c.mention_id.label("has_state"))
            .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
            .where(
                m.c.id.in_(chunk),
                m.c.is_own.is_(False),
                or_(s.c.status.in_(OPEN), and_(s.c.mention_id.is_(None), m.c.needs_reply.is_(True))),
            )
        ).all()
        for row in rows:
            stamp = {"status": "dismissed", "updated_at": now, "updated_by": SYSTEM}
            before: dict[str, Any]
            if row.has_state is None:
                conn.execute(insert(s).values(mention_id=row.id, version=1, **stamp))
                before = {"status": "new", "version": 0}
            else:
                conn.execute(update(s).where(s.c.mention_id == row.id).values(**stamp, version=s.c.version + 1))
                before = {"status": row.status, "version": int(row.version)}
            after = {"status": "dismissed", "version": before["version"] + 1}
            audit.record(conn, actor=SYSTEM, action="dismiss", mention_id=row.id, before=before, after=after,
                         detail=reason, at=now)  # fmt: skip
            closed.append(int(row.id))
    if closed:
        _bump_queue_version(conn, closed)  # says which mentions: cached queue reads patch them only
    return len(closed)


@dataclass
class DeletedResult:
    found: int = 0
    erased: int = 0
    closed: int = 0


def mark_deleted(
    conn: Connection, platform: str, post_ids: Sequence[str], now: datetime, brands: Sequence[Brand] = ()
) -> DeletedResult:
    """The platform says these posts were deleted or removed: erase them, mark them deleted, and
    close their open queue items ("deleted at source", actor "system"). Idempotent; run in a transaction.

    Post ids are the platform's (as collected); posts not stored are ignored. `brands`: as for erase.
    """
    wanted = sorted({str(p) for p in post_ids if p})
    result = DeletedResult()
    if not wanted:
        return result
    key = salt(conn)
    m, p = mentions, mention_privacy
    lookup = wanted + [i for i in (erased_id(key, platform, x) for x in wanted) if i]
    found: list[Any] = []
    for chunk in chunks(lookup):
        found += conn.execute(
            select(m.c.id, p.c.deleted_at)
            .select_from(m.outerjoin(p, p.c.mention_id == m.c.id))
            .where(m.c.platform == platform, m.c.post_id.in_(chunk))
        ).all()
    fresh = [int(r.id) for r in found if r.deleted_at is None]
    result.found = len(found)
    if not fresh:
        return result
    result.erased = erase(conn, fresh, "deleted", now, brands)
    conn.execute(update(p).where(p.c.mention_id.in_(fresh), p.c.deleted_at.is_(None)).values(deleted_at=now))
    result.closed = _close_open_items(conn, fresh, now, "deleted at source")
    writer.bump_data_version(conn)
    return result


# ---------------------------------------------------------------------------------------------- retention


def expired_ids(conn: Connection, brand: str, cutoff: datetime, limit: int) -> list[int]:
    """Up to `limit` ids of `brand`'s mentions created before `cutoff` and not erased yet (oldest first)."""
    m, p = mentions, mention_privacy
    query = (
        select(m.c.id)
        .select_from(m.outerjoin(p, p.c.mention_id == m.c.id))
        .where(m.c.brand == brand, m.c.created_at < cutoff, p.c.mention_id.is_(None))
        .order_by(m.c.created_at, m.c.id)
        .limit(limit)
    )
    return [int(r[0]) for r in conn.execute(query)]


def expired_count(conn: Connection, brand: str, cutoff: datetime) -> int:
    m, p = mentions, mention_privacy
    query = (
        select(func.count())
        .select_from(m.outerjoin(p, p.c.mention_id == m.c.id))
        .where(m.c.brand == brand, m.c.created_at < cutoff, p.c.mention_id.is_(None))
    )
    return int(conn.execute(query).scalar() or 0)


def erase_old_alerts(conn: Connection, brand: str, cutoff: datetime) -> int:
    """Blank the mention lines of `brand`'s alert messages fired before `cutoff` (titles stay)."""
    e = alert_events
    rows = conn.execute(
        select(e.c.id, e.c.payload).where(e.c.brand == brand, e.c.fired_at < cutoff, e.c.payload.not_like('%"erased"%'))
    ).all()
    changed = []
    for row in rows:
        try:
            payload = json.loads(row.payload)
        except ValueError:
            payload = {}
        kept = {k: payload[k] for k in ("title",) if isinstance(payload, dict) and k in payload}
        changed.append({"b_id": row.id, "b_payload": json.dumps({**kept, "body": ERASED, "erased": "retention"})})
    if changed:
        conn.execute(update(e).where(e.c.id == bindparam("b_id")).values(payload=bindparam("b_payload")), changed)
    return len(changed)


def erasure_counts(conn: Connection) -> dict[str, int]:
    """Erased mentions by reason."""
    p = mention_privacy
    return {str(r[0]): int(r[1]) for r in conn.execute(select(p.c.reason, func.count()).group_by(p.c.reason))}


def bump_versions(conn: Connection) -> None:
    """Tell the dashboard's caches that mentions and the queue changed (a forget request's sweep
    changed texts of mentions it does not list: every cached queue read is read again)."""
    writer.bump_data_version(conn)
    _bump_queue_version(conn)
