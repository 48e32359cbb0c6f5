"""Writing collected mentions: upsert by (platform, post_id), brand replies, rollups, cursor, run.

Everything one batch changes is written in one transaction, so a crash repeats work but
never loses or duplicates it. Re-collecting a mention refreshes its engagement counts and
reach (a null never erases a known count) and keeps everything else, including the whole
`mention_state` row a manager works on. An app review whose text or rating was edited also
gets the new text, app version and language and its sentiment and reply flags computed again
(EDITED); it keeps its created_at (the first collected version's time), so it stays in its hour
and day. Its `edited_at` is the stored version's own time (the platform's last-modified): an older
version written later (two collections of one review, the one that fetched first committing last)
replaces nothing, on SQLite and PostgreSQL (_on_conflict), so the newest version is stored whatever
the commit order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Boolean,
    Connection,
    Engine,
    Integer,
    Text,
    case,
    cast,
    column,
    func,
    insert,
    literal,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import TableClause

from analysis.engagement import ENGAGEMENT_COUNTS
from store import measures
from store.schema import cursors, mention_state, mentions, meta, rollup_hourly, runs

#: columns written on insert, in order.
INSERT_COLUMNS: list[str] = [c.name for c in mentions.columns if c.name != "id"]
#: refreshed when a stored mention is collected again (a reviewer may change their rating).
REFRESHED = ["likes", "replies", "reposts", "quotes", "views", "author_followers", "rating"]
#: also replaced when an app review was edited (kind "review", its text or rating changed): the new words,
#: scored and flagged again (pipeline.ingest). Its created_at, day and mention_state stay.
EDITED = ["text", "app_version", "lang", "sentiment", "sentiment_label", "needs_reply", "flag_signals", "priority_base"]
CHUNK = 20_000
#: the advisory lock one PostgreSQL writer at a time holds while it changes hourly rollups (any constant).
ROLLUP_LOCK_KEY = 727_274_002
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sqlite_upsert_sql(edited: bool = False) -> str:
    marks = ", ".join(["?"] * len(INSERT_COLUMNS))
    return f"INSERT INTO mentions ({', '.join(INSERT_COLUMNS)}) VALUES ({marks}) {_on_conflict(edited)}"


def _python_rows(frame: pd.DataFrame, dialect: str) -> list[tuple]:
    """The frame as plain Python tuples in INSERT_COLUMNS order (None for nulls).

    Times are formatted in bulk: SQLAlchemy's SQLite DateTime text (UTC, no offset), or ISO
    with +00:00 for PostgreSQL's COPY.
    """
    columns = []
    for name in INSERT_COLUMNS:
        series = frame[name]
        if isinstance(series.dtype, pd.DatetimeTZDtype) and series.isna().all():  # edited_at of anything but reviews
            columns.append([None] * len(series))
        elif isinstance(series.dtype, pd.DatetimeTZDtype):
            stamps = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[us]")
            text = np.char.replace(np.datetime_as_string(stamps, unit="us"), "T", " ")
            if dialect != "sqlite":
                text = np.char.add(text, "+00:00")
            values = text.astype(object)
            values[np.isnat(stamps)] = None
            columns.append(values.tolist())
        elif name == "day":
            columns.append(series.astype(str).tolist())
        else:
            columns.append(series.to_numpy(dtype=object, na_value=None).tolist())
    return list(zip(*columns, strict=True))


@contextmanager
def _staged(conn: Connection, name: str, columns: Sequence[str], rows: list[tuple]) -> Iterator[str]:
    """`rows` (text values) in a temporary table `name`, for set-based statements: one per batch, not one per
    chunk of ids.

    PostgreSQL: COPY into a table dropped at commit; SQLite: one executemany into a TEMP table of the
    connection. The table is emptied before it is filled and when the block ends, so a pooled
    connection keeps nothing.
    """
    names = ", ".join(columns)
    spec = ", ".join(f"{c} text" for c in columns)
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]  # a live psycopg connection
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({spec}) ON COMMIT DROP")
            cursor.execute(f"TRUNCATE {name}")
            with cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"ANALYZE {name}")  # a temp table has no statistics: the planner would guess its size
        yield name
        conn.exec_driver_sql(f"TRUNCATE {name}")  # after an error the transaction rolls back instead
        return
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({spec})")
    conn.exec_driver_sql(f"DELETE FROM {name}")
    if rows:
        marks = ", ".join(["?"] * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {name} ({names}) VALUES ({marks})", rows)
    yield name
    conn.exec_driver_sql(f"DELETE FROM {name}")


_KEYS = ("platform", "post_id")


def _stored_matches(
    conn: Connection, keys: list[tuple[str, str]], *, on: str, where: str, columns: str, also: str | None = None
) -> list[Any]:
    """`columns` of stored mentions m whose (m.platform, m.`on`) is one of `keys` (k), filtered by `where`.

    One join per batch. `staged_keys CROSS JOIN mentions` makes SQLite walk the staged keys and
    probe the index on (platform, `on`); PostgreSQL plans the join itself.
    """
    if not keys:
        return []
    with _staged(conn, "staged_keys", _KEYS, keys) as table:
        sql = (
            f"SELECT {columns} FROM {table} k CROSS JOIN mentions m{f' CROSS JOIN {also}' if also else ''} "
            f"WHERE m.platform = k.platform AND m.{on} = k.post_id AND {where}"
        )
        return list(conn.exec_driver_sql(sql).all())


def _true(conn: Connection) -> str:
    return "1" if conn.dialect.name == "sqlite" else "true"


def _false(conn: Connection) -> str:
    return "0" if conn.dialect.name == "sqlite" else "false"


def existing_keys(conn: Connection, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (platform, post_id) pairs are already stored (one join against the staged keys)."""
    wanted = list(dict.fromkeys(keys))
    rows = _stored_matches(conn, wanted, on="post_id", where="1 = 1", columns="m.platform, m.post_id")
    return {(r[0], r[1]) for r in rows}


def erased_keys(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The erased mentions among (platform, post_id) `keys`, with why they were erased (mention_privacy.reason);
    one join against the staged keys (store.privacy.hide_erased_references)."""
    wanted = list(dict.fromkeys(keys))
    rows = _stored_matches(
        conn,
        wanted,
        on="post_id",
        where="p.mention_id = m.id",
        columns="m.platform, m.post_id, p.reason",
        also="mention_privacy p",
    )
    return {(r[0], r[1]): str(r[2]) for r in rows}


#: stored_versions' columns: a review's text is read only for reviews (the edit check), nothing else's.
STORED_VERSION = ["platform", "post_id", "created_at", "kind", "review_text", "rating"]


def stored_versions(conn: Connection, keys: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """The stored ones among (platform, post_id) `keys`, with what ingest compares (one join against the
    staged keys): created_at (UTC), kind, and for reviews their text and rating (STORED_VERSION)."""
    wanted = list(dict.fromkeys(keys))
    rows = _stored_matches(
        conn,
        wanted,
        on="post_id",
        where="1 = 1",
        columns="m.platform, m.post_id, m.created_at, m.kind, CASE WHEN m.kind = 'review' THEN m.text END, m.rating",
    )
    found = pd.DataFrame([tuple(r) for r in rows], columns=STORED_VERSION)
    found["created_at"] = pd.to_datetime(found["created_at"], utc=True, format="mixed").astype("datetime64[ns, UTC]")
    return found


def own_posts_answered(conn: Connection, frame: pd.DataFrame) -> set[tuple[str, str]]:
    """(platform, post_id) of stored own posts that rows of `frame` answer or sit under."""
    targets = (
        pd.concat(
            [
                frame[["platform", "parent_id"]].set_axis(["platform", "id"], axis=1),
                frame[["platform", "thread_id"]].set_axis(["platform", "id"], axis=1),
            ]
        )
        .dropna()
        .drop_duplicates()
    )
    keys = list(zip(targets["platform"].astype(str), targets["id"].astype(str), strict=True))
    rows = _stored_matches(conn, keys, on="post_id", where=f"m.is_own = {_true(conn)}", columns="m.platform, m.post_id")
    return {(r[0], r[1]) for r in rows}


def store_is_empty(conn: Connection) -> bool:
    return conn.execute(select(mentions.c.id).limit(1)).first() is None


def _insert_on_conflict(conn: Connection) -> Any:  # the dialect's insert(), with on_conflict_do_update
    return sqlite_insert if conn.dialect.name == "sqlite" else pg_insert


def link_brand_replies(
    conn: Connection, frame: pd.DataFrame, new_keys: set[tuple[str, str]], *, store_was_empty: bool = False
) -> int:
    """Record the brand's first reply on each mention it answered; returns mentions updated.

    Looks both ways: own replies in this batch answer stored (or batched) mentions, and
    newly stored mentions may already have an own reply stored from an earlier run.
    """
    own = frame[frame["is_own"] & frame["parent_id"].notna()]
    pairs = own[["platform", "parent_id", "created_at", "post_id", "author_handle"]].rename(
        columns={"parent_id": "target", "post_id": "reply_id"}
    )
    found: list[dict] = []
    fresh = frame.iloc[0:0] if store_was_empty else frame[~frame["is_own"]]
    wanted = [k for k in zip(fresh["platform"], fresh["post_id"], strict=True) if k in new_keys]
    if wanted:
        # the brand's stored replies to the new mentions (index on (platform, parent_id))
        rows = _stored_matches(
            conn,
            wanted,
            on="parent_id",
            where=f"m.is_own = {_true(conn)}",
            columns="m.platform, m.parent_id, m.created_at, m.post_id, m.author_handle",
        )
        found = [
            {"platform": r[0], "target": r[1], "created_at": r[2], "reply_id": r[3], "author_handle": r[4]}
            for r in rows
        ]
    if found:
        extra = pd.DataFrame(found)
        extra["created_at"] = pd.to_datetime(extra["created_at"], utc=True)
        pairs = pd.concat([pairs, extra], ignore_index=True)
    if pairs.empty:
        return 0
    first = pairs.sort_values("created_at").drop_duplicates(["platform", "target"], keep="first")
    now = datetime.now(UTC)
    keys = list(zip(first["platform"].astype(str), first["target"].astype(str), strict=True))
    targets = _stored_matches(
        conn, keys, on="post_id", where=f"m.is_own = {_false(conn)}", columns="m.platform, m.post_id, m.id"
    )
    by_post = {(r[0], r[1]): r[2] for r in targets}
    params: list[dict] = [
        {
            "mention_id": by_post[(platform, target)],
            "first_response_at": created.to_pydatetime(),
            "response_post_id": reply_id,
            "responded_by": handle if isinstance(handle, str) and handle else "brand account",
        }
        for platform, target, created, reply_id, handle in zip(
            first["platform"],
            first["target"],
            first["created_at"],
            first["reply_id"],
            first["author_handle"],
            strict=True,
        )
        if (platform, target) in by_post
    ]
    if not params:
        return 0
    stmt = _insert_on_conflict(conn)(mention_state).values(
        status="replied", updated_at=now, updated_by="collector", version=1
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[mention_state.c.mention_id],
        set_={
            "first_response_at": stmt.excluded.first_response_at,
            "response_post_id": stmt.excluded.response_post_id,
            "responded_by": stmt.excluded.responded_by,
            "status": case(
                ((mention_state.c.status == "new") | (mention_state.c.status == "assigned"), literal("replied")),
                else_=mention_state.c.status,
            ),
            "updated_at": stmt.excluded.updated_at,
            "updated_by": stmt.excluded.updated_by,
            "version": mention_state.c.version + 1,
        },
        where=(mention_state.c.first_response_at.is_(None))
        | (mention_state.c.first_response_at > stmt.excluded.first_response_at),
    )
    stmt = stmt.returning(mention_state.c.mention_id)  # rowcount is not reliable for this on PostgreSQL
    return sum(len(conn.execute(stmt, chunk).all()) for chunk in _chunks(params, CHUNK))


def _hour_expr(conn: Connection, m: TableClause = mentions) -> ColumnElement[Any]:
    if conn.dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d %H:00:00.000000", m.c.created_at)
    return func.date_trunc("hour", m.c.created_at)


#: touched hours this close together are refreshed as one range: recomputing an hour nothing touched
#: rewrites the same rollup rows, and one statement per gap in a sparse batch costs more.
MERGE_GAP = timedelta(hours=24)


def hour_ranges(times: pd.Series, merge_gap: timedelta = MERGE_GAP) -> list[tuple[datetime, datetime]]:
    """[start, end) hour ranges covering the given UTC timestamps; ranges at most `merge_gap` apart are joined."""
    hours = np.unique(times.dropna().dt.floor("h").to_numpy())
    ranges: list[tuple[datetime, datetime]] = []
    for hour in pd.to_datetime(hours, utc=True):
        start = hour.to_pydatetime()
        if ranges and start - ranges[-1][1] <= merge_gap:
            ranges[-1] = (ranges[-1][0], start + timedelta(hours=1))
        else:
            ranges.append((start, start + timedelta(hours=1)))
    return ranges


def take_write_lock(conn: Connection) -> None:
    """SQLite: take the database's write lock now, at the start of a write transaction.

    Python's sqlite3 starts a transaction at the first write, so the look-ups before it (which keys are
    stored) would read outside the lock: two ingests of one post at once would both count it new. A
    no-op write first makes every later read see what other writers committed. PostgreSQL: nothing
    (writers run at once; the counts come from the upsert itself, see upsert_rows).
    """
    if conn.dialect.name == "sqlite":
        conn.execute(update(meta).where(meta.c.key == "data_version").values(value=meta.c.value))


#: sentiment_sum is kept as a whole number of these units (VADER compounds have 4 decimals, analysis._vader):
#: each compound counts as ROUND(compound * SENTIMENT_UNITS), summed exactly (integers far below 2**53 in a
#: float), the column holding that sum / SENTIMENT_UNITS (one correctly rounded division, on SQLite and
#: PostgreSQL alike). A sum added to a stored one (add_new_rollups) is then bit for bit the whole
#: recompute, in any order: ROUND(stored * SENTIMENT_UNITS) gives the stored integer back.
SENTIMENT_UNITS = 10_000
#: the mention columns rollup_hourly is summed from.
ROLLUP_SOURCE = [
    "created_at",
    "brand",
    "platform",
    "kind",
    "is_own",
    *ENGAGEMENT_COUNTS,
    "views",
    "author_followers",
    "sentiment",
    "sentiment_label",
    "needs_reply",
]
#: PostgreSQL: the rows this transaction's upserts wrote (their ROLLUP_SOURCE columns as stored, and whether
#: each was inserted rather than updated), a temporary table dropped at commit (_upsert_postgres fills it).
WRITTEN = table("written_rows", *(column(c, mentions.c[c].type) for c in ROLLUP_SOURCE), column("inserted", Boolean()))


def _units(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """A sentiment (or a stored sentiment_sum) in whole SENTIMENT_UNITS."""
    return func.round(value * SENTIMENT_UNITS)


def _rollup_columns(conn: Connection, m: TableClause, label: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    """rollup_hourly's columns summed over rows of `m` (mentions, or WRITTEN), `label` their sentiment label."""

    def count_if(cond: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((cond, 1), else_=0))

    scored = case((label != "unscored", _units(m.c.sentiment)), else_=0.0)
    return [
        _hour_expr(conn, m).label("hour"),
        m.c.brand,
        m.c.platform,
        m.c.kind,
        m.c.is_own,
        func.count().label("mentions"),
        func.sum(measures.engagements(m)).label("engagements"),
        *(func.coalesce(func.sum(m.c[c]), 0).label(c) for c in ENGAGEMENT_COUNTS),
        count_if(measures.no_engagement_data(m)).label("no_engagement_data"),
        *measures.rate_sums(m),  # FORMULAS["engagement_rate"]'s sums, as store.reader.top_authors takes them
        count_if(label == "positive").label("positive"),
        count_if(label == "neutral").label("neutral"),
        count_if(label == "negative").label("negative"),
        count_if(label == "unscored").label("unscored"),
        (func.coalesce(func.sum(scored), 0.0) / float(SENTIMENT_UNITS)).label("sentiment_sum"),
        count_if(m.c.needs_reply).label("flagged"),
    ]


def _lock_rollups(conn: Connection) -> None:
    """PostgreSQL: one writer at a time changes rollup_hourly, until its transaction ends (an advisory lock).

    Two collections committing the same hour would otherwise each delete only the committed rows and then
    insert the same keys twice (a unique violation that failed the later run), or a recompute would miss
    sums another writer added meanwhile."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROLLUP_LOCK_KEY})


def refresh_rollups(conn: Connection, ranges: list[tuple[datetime, datetime]]) -> None:
    """Recompute rollup_hourly for the given hour ranges from mentions (and label corrections): the exact
    path for rows that changed (updated counts, label corrections, rejudged mentions)."""
    _lock_rollups(conn)
    m, s = mentions, mention_state
    columns = _rollup_columns(conn, m, func.coalesce(s.c.sentiment_override, m.c.sentiment_label))
    hour = columns[0]
    for start, end in ranges:
        conn.execute(rollup_hourly.delete().where(rollup_hourly.c.hour >= start, rollup_hourly.c.hour < end))
        query = (
            select(*columns)
            .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
            .where(m.c.created_at >= start, m.c.created_at < end)
            .group_by(hour, m.c.brand, m.c.platform, m.c.kind, m.c.is_own)
        )
        conn.execute(insert(rollup_hourly).from_select([c.name for c in columns], query))


def first_new_id(conn: Connection) -> int | None:
    """SQLite: the id the write about to start gives its first new mention (ids grow: one writer at a time,
    under take_write_lock, appends above the largest). PostgreSQL: None (the upserts record what they inserted,
    WRITTEN, since concurrent writers' ids interleave)."""
    if conn.dialect.name != "sqlite":
        return None
    return int(conn.execute(select(func.coalesce(func.max(mentions.c.id), 0))).scalar_one()) + 1


def add_new_rollups(conn: Connection, first_id: int | None) -> None:
    """Add the sums of the mentions this transaction inserted to rollup_hourly: one grouped INSERT ... ON
    CONFLICT DO UPDATE adding each hour/brand/platform/kind/is_own's counts, instead of recomputing the hours
    from every mention in them. Exact: counts are integers, sentiment_sum whole SENTIMENT_UNITS.

    SQLite: mentions from `first_id` (first_new_id) on; PostgreSQL: WRITTEN's inserted rows. A mention
    inserted in this transaction has no label correction yet (mention_state rows come after their mention).
    Rows updated in the transaction are not added: update_rollups recomputes their hours afterwards.
    """
    m: TableClause = mentions
    if conn.dialect.name == "sqlite":
        s = mention_state
        columns = _rollup_columns(conn, m, func.coalesce(s.c.sentiment_override, m.c.sentiment_label))
        query = select(*columns).select_from(m.outerjoin(s, s.c.mention_id == m.c.id)).where(m.c.id >= first_id)
    else:
        m = WRITTEN
        columns = _rollup_columns(conn, m, m.c.sentiment_label)
        query = select(*columns).where(m.c.inserted)
    query = query.group_by(*columns[:5])
    stmt = _insert_on_conflict(conn)(rollup_hourly).from_select([c.name for c in columns], query)
    r, sums = rollup_hourly, [c.name for c in columns[5:]]
    added = {c: r.c[c] + stmt.excluded[c] for c in sums if c != "sentiment_sum"}
    added["sentiment_sum"] = (_units(r.c.sentiment_sum) + _units(stmt.excluded.sentiment_sum)) / float(SENTIMENT_UNITS)
    conn.execute(stmt.on_conflict_do_update(index_elements=list(r.primary_key.columns), set_=added))


def update_rollups(conn: Connection, changed: pd.Series, first_id: int | None) -> None:
    """rollup_hourly after a write: the new mentions' sums added (add_new_rollups), then the hours of stored
    mentions the write updated (`changed`: their UTC times; on PostgreSQL also rows another writer stored
    first, WRITTEN's not inserted) recomputed whole (refresh_rollups), new mentions in them included."""
    _lock_rollups(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_written_table_sql())  # a write of known rows only never made it
        hour = _hour_expr(conn, WRITTEN)
        lost = [r[0] for r in conn.execute(select(hour).where(~WRITTEN.c.inserted).group_by(hour))]
        if lost:
            changed = pd.concat([changed, pd.Series(pd.to_datetime(lost, utc=True))], ignore_index=True)
    add_new_rollups(conn, first_id)
    refresh_rollups(conn, hour_ranges(changed))


def analyze(engine: Engine) -> None:
    """PostgreSQL: refresh the planner's statistics of the mention tables (ANALYZE; about a second at
    10M, it samples). SQLite: nothing (its planner reads the indexes' sizes)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn.execute(text("ANALYZE mentions"))
        conn.execute(text("ANALYZE mention_state"))
        conn.commit()


def bump_data_version(conn: Connection) -> None:
    """Tell readers (dashboard caches) that stored data changed."""
    done = conn.execute(
        update(meta).where(meta.c.key == "data_version").values(value=cast(cast(meta.c.value, Integer) + 1, Text))
    ).rowcount
    if not done:
        conn.execute(insert(meta).values(key="data_version", value="1"))


def data_version(conn: Connection) -> int:
    value = conn.execute(select(meta.c.value).where(meta.c.key == "data_version")).scalar()
    return int(value) if value else 0


def run_source(conn: Connection, run_id: int | None) -> str | None:
    """The source of run `run_id` (None: no such run, or no run)."""
    if run_id is None:
        return None
    value = conn.execute(select(runs.c.source).where(runs.c.id == run_id)).scalar()
    return None if value is None else str(value)


def save_cursor(conn: Connection, source: str, platform: str, cursor: str | None) -> None:
    insert_fn = _insert_on_conflict(conn)
    stmt = insert_fn(cursors).values(source=source, platform=platform, cursor=cursor, updated_at=datetime.now(UTC))
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[cursors.c.source],
            set_={"cursor": stmt.excluded.cursor, "updated_at": stmt.excluded.updated_at},
        )
    )


#: the stored version's time: an app review's edited_at, else (anything else, or a review stored before
#: migration 0012) its created_at.
_STORED_VERSION = "COALESCE(mentions.edited_at, mentions.created_at)"
#: the incoming row is an older version of a stored app review (never true for anything else: NULL edited_at).
_OLDER = f"excluded.edited_at < {_STORED_VERSION}"
#: the incoming row is the stored review's version or a newer one (NULL, so false, for anything else).
_NOT_OLDER = f"excluded.edited_at >= {_STORED_VERSION}"


def _on_conflict(edited: bool = False) -> str:
    """The upsert's conflict clause: counts and reach refreshed (a null never erases a count).

    With `edited` (scored rows: new ones, and app reviews whose words changed) an app review's EDITED
    columns are replaced only by its stored version or a newer one, by the review's own time (edited_at),
    whichever transaction commits last; a review's rating likewise. Without (known rows, not scored
    again: their EDITED columns are placeholders and never written) a newer version with the stored words
    (edited back) only moves edited_at, so an older edit committed later does not replace it.
    Everything else (edited_at NULL) keeps its derived columns, as before.
    """
    refresh = [
        f"{c} = COALESCE(excluded.{c}, mentions.{c})"
        if c != "rating"
        else f"rating = CASE WHEN {_OLDER} THEN mentions.rating ELSE COALESCE(excluded.rating, mentions.rating) END"
        for c in REFRESHED
    ]
    if edited:
        refresh += [f"{c} = CASE WHEN {_NOT_OLDER} THEN excluded.{c} ELSE mentions.{c} END" for c in EDITED]
    refresh.append(
        f"edited_at = CASE WHEN excluded.edited_at > {_STORED_VERSION} THEN excluded.edited_at ELSE mentions.edited_at END"
    )
    return f"ON CONFLICT (platform, post_id) DO UPDATE SET {', '.join(refresh)}, retrieved_at = excluded.retrieved_at"


def _written_table_sql() -> str:
    """PostgreSQL: create WRITTEN for this transaction unless it exists (empty; dropped at commit)."""
    return (
        f"CREATE TEMP TABLE IF NOT EXISTS {WRITTEN.name} ON COMMIT DROP AS "
        f"SELECT {', '.join(ROLLUP_SOURCE)}, true AS inserted FROM mentions WITH NO DATA"
    )


def _upsert_postgres(conn: Connection, rows: Iterable[tuple], edited: bool = False) -> int:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT ... SELECT ... ON CONFLICT, which also
    notes what it wrote in WRITTEN (for update_rollups).

    Returns how many rows were inserted (`xmax = 0`: not an update), which stays right when another
    transaction stored one of these posts after this one looked its keys up."""
    columns = ", ".join(INSERT_COLUMNS)
    with conn.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]  # None only once invalidated; here a live psycopg connection
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS incoming_mentions ON COMMIT DROP AS "
            f"SELECT {columns} FROM mentions WITH NO DATA"
        )
        cursor.execute("TRUNCATE incoming_mentions")
        with cursor.copy(f"COPY incoming_mentions ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(_written_table_sql())
        noted = ", ".join(ROLLUP_SOURCE)
        cursor.execute(
            f"WITH upserted AS (INSERT INTO mentions ({columns}) SELECT {columns} FROM incoming_mentions "
            f"{_on_conflict(edited)} RETURNING (xmax = 0) AS inserted, {noted}), "
            f"noted AS (INSERT INTO {WRITTEN.name} ({noted}, inserted) SELECT {noted}, inserted FROM upserted) "
            "SELECT count(*) FILTER (WHERE inserted) FROM upserted"
        )
        found = cursor.fetchone()
        return int(found[0]) if found else 0


def lock_reviews(conn: Connection, keys: Iterable[tuple[str, str]]) -> None:
    """PostgreSQL: lock the stored app reviews among (platform, post_id) `keys` (FOR UPDATE, in id order)
    until the transaction ends; call it before looking them up (stored_versions). Another ingest of the same
    review then waits, and looks up what this one committed: whether its words are new is decided on the
    stored row it will write over. SQLite: nothing (take_write_lock already serialises writers)."""
    wanted = list(dict.fromkeys(keys))
    if conn.dialect.name != "postgresql" or not wanted:
        return
    with _staged(conn, "staged_keys", _KEYS, wanted) as table:
        conn.exec_driver_sql(
            f"SELECT m.id FROM {table} k JOIN mentions m ON m.platform = k.platform AND m.post_id = k.post_id "
            "WHERE m.kind = 'review' ORDER BY m.id FOR UPDATE OF m"
        ).all()


def upsert_rows(conn: Connection, frame: pd.DataFrame, *, edited: bool = False) -> int | None:
    """Insert new mentions; on (platform, post_id) conflict refresh counts and reach only, and with
    `edited` (scored rows: new ones, and app reviews whose text or rating changed) also an app review's
    EDITED columns when the incoming version is not older than the stored one (_on_conflict).

    `frame` has an `edited_at` column: an app review's own time (its last-modified), null for the rest.

    Returns how many were inserted on PostgreSQL; None on SQLite, whose writers take the lock before
    looking keys up (take_write_lock), so the caller's count of unknown keys is exact there."""
    if conn.dialect.name == "postgresql":
        return _upsert_postgres(conn, _row_chunks(frame, conn.dialect.name), edited)
    sql = _sqlite_upsert_sql(edited)
    for chunk in _chunk_rows(frame, conn.dialect.name):
        conn.exec_driver_sql(sql, chunk)
    return None


def _chunk_rows(frame: pd.DataFrame, dialect: str) -> Iterator[list[tuple]]:
    """The frame's rows as Python tuples (_python_rows), CHUNK at a time: the Python objects of one chunk
    are alive at once, not those of the whole frame."""
    for start in range(0, len(frame), CHUNK):
        yield _python_rows(frame.iloc[start : start + CHUNK], dialect)


def _row_chunks(frame: pd.DataFrame, dialect: str) -> Iterator[tuple]:
    """Every row of `frame` as a Python tuple, converted CHUNK rows at a time."""
    for chunk in _chunk_rows(frame, dialect):
        yield from chunk


def finish_run(
    conn: Connection,
    run_id: int,
    *,
    status: str,
    fetched: int,
    new: int,
    skipped: int,
    cursor: str | None,
    error: str | None,
) -> None:
    conn.execute(
        update(runs)
        .where(runs.c.id == run_id)
        .values(
            finished_at=datetime.now(UTC),
            status=status,
            fetched=fetched,
            new=new,
            skipped=skipped,
            cursor=cursor,
            error=error,
        )
    )
