"""Reading answered conversations and their follow-ups (analysis.resolution judges them).

Two bounded steps, the same SQL on SQLite and PostgreSQL: the answered mentions posted in a
range (others' mentions with a first response; created_at index, joined to mention_state by
key), then, per platform and a chunk of conversations at a time, the possible follow-ups: the
same authors' posts in those threads (index ix_mentions_thread) or answering the brand's replies
(index ix_mentions_parent), posted after the earliest first response and before the last
window closes. analysis.resolution.follow_ups picks each conversation's follow-up from those.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Text, bindparam, func, select, type_coerce, update

from analysis import resolution
from analysis.formulas import DEFAULT_RESOLUTION_DAYS
from config import Brand
from store import reader
from store.reader import Filters
from store.schema import mention_state, mentions

#: conversations per follow-up query (keeps IN lists small on both databases).
CHUNK = 500


def _times(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True, format="ISO8601")


def answered(
    conn: Connection,
    start: datetime | None,
    end: datetime | None,
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] = (),
    mention_id: int | None = None,
    *,
    mention_ids: Sequence[int] | None = None,
    authors: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Others' mentions posted in [start, end) with a first response (analysis.resolution.ANSWERED_COLUMNS);
    with `mention_id`, that one mention (if answered) instead of a range."""
    m, s = mentions, mention_state
    columns: list[Any] = [
        m.c.id.label("mention_id"),
        m.c.platform,
        m.c.post_id,
        m.c.thread_id,
        m.c.author_handle,
        m.c.brand,
        type_coerce(m.c.created_at, Text).label("created_at"),
        m.c.text,
        m.c.sentiment,
        type_coerce(s.c.first_response_at, Text).label("first_response_at"),
        s.c.response_post_id,
        s.c.responded_by,
        s.c.outcome_override,
        s.c.outcome_frozen,
        s.c.sentiment_shift_frozen,
    ]
    query = (
        select(*columns)
        .select_from(m.join(s, s.c.mention_id == m.c.id))
        .where(m.c.is_own.is_(False), s.c.first_response_at.is_not(None))
    )
    if mention_id is not None:
        query = query.where(m.c.id == mention_id)
    if mention_ids is not None:
        query = query.where(m.c.id.in_(list(mention_ids)))
    if authors is not None:
        query = query.where(m.c.author_handle.in_(list(authors)))
    if start is not None and end is not None:
        query = query.where(m.c.created_at >= start, m.c.created_at < end)
    if brands is not None:
        query = query.where(m.c.brand.in_(list(brands)))
    if platforms:
        query = query.where(m.c.platform.in_(list(platforms)))
    rows = conn.execute(query.order_by(m.c.created_at, m.c.id)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(resolution.ANSWERED_COLUMNS))
    for column in ("created_at", "first_response_at"):
        frame[column] = _times(frame[column])
    for column in ("sentiment", "sentiment_shift_frozen"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def candidates(conn: Connection, conversations: pd.DataFrame, days: Mapping[str, float]) -> pd.DataFrame:
    """Others' posts that may follow up `conversations` (analysis.resolution.CANDIDATE_COLUMNS, with the
    effective sentiment label): same platform and authors, in those threads or answering the brand's
    replies, inside the time the windows span."""
    m, s = mentions, mention_state
    names = list(resolution.CANDIDATE_COLUMNS)
    if conversations.empty:
        return pd.DataFrame(columns=names)
    longest = pd.Timedelta(days=max([float(v) for v in days.values()] + [float(DEFAULT_RESOLUTION_DAYS)]))
    columns: list[Any] = [
        m.c.id,
        m.c.platform,
        m.c.post_id,
        m.c.parent_id,
        m.c.thread_id,
        m.c.author_handle,
        type_coerce(m.c.created_at, Text).label("created_at"),
        m.c.text,
        m.c.sentiment,
        func.coalesce(s.c.sentiment_override, m.c.sentiment_label).label("sentiment_label"),
    ]
    # plain arrays, taken once: a chunk's lists are built from them without a pandas step per chunk
    platform = conversations["platform"].to_numpy(dtype=object)
    authors_of = conversations["author_handle"].to_numpy(dtype=object)
    keys_of = resolution.thread_key(conversations).to_numpy(dtype=object)
    replies_of = conversations["response_post_id"].to_numpy(dtype=object)
    posts_of = conversations["post_id"].to_numpy(dtype=object)
    responded = pd.to_datetime(conversations["first_response_at"], utc=True).reset_index(drop=True)
    rows: list[tuple[Any, ...]] = []
    #: per row read, the time window of the chunk that read it
    since: list[pd.Timestamp] = []
    until: list[pd.Timestamp] = []
    for name in sorted({str(p) for p in platform}):
        where = np.flatnonzero(platform == name)  # the platform's conversations, in their order
        for offset in range(0, len(where), CHUNK):
            chunk = where[offset : offset + CHUNK]
            authors = sorted({str(a) for a in authors_of[chunk] if _present(a)})
            if not authors:
                continue
            keys = sorted({str(k) for k in keys_of[chunk] if _present(k)})
            parents = sorted({str(p) for p in replies_of[chunk] if _present(p)} | {str(p) for p in posts_of[chunk]})
            times = responded.iloc[chunk]
            base = (
                select(*columns)
                .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
                # no created_at range here: it would tempt SQLite into scanning the created_at index
                # instead of the thread / parent index; the time window is applied below
                .where(m.c.platform == name, m.c.is_own.is_(False), m.c.author_handle.in_(authors))
            )
            found = [tuple(r) for r in conn.execute(base.where(m.c.thread_id.in_(keys)))]
            found += [tuple(r) for r in conn.execute(base.where(m.c.parent_id.in_(parents)))]
            rows += found
            since += [pd.Timestamp(times.min())] * len(found)
            until += [pd.Timestamp(times.max()) + longest] * len(found)
    frame = pd.DataFrame(rows, columns=names)
    if rows:
        stamps = _times(frame["created_at"])
        inside = (stamps > pd.DatetimeIndex(since)) & (stamps <= pd.DatetimeIndex(until))
        frame = frame[inside.to_numpy(dtype=bool)]
    frame = frame.drop_duplicates("id").reset_index(drop=True)
    frame["created_at"] = _times(frame["created_at"])
    frame["sentiment"] = pd.to_numeric(frame["sentiment"], errors="coerce").astype(float)
    return frame


def _present(value: Any) -> bool:
    """Not a missing value (None, NaN) of an object array."""
    return not pd.isna(value)


def conversations_between(
    conn: Connection,
    start: datetime,
    end: datetime,
    days: Mapping[str, float],
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] = (),
) -> pd.DataFrame:
    """The answered conversations of mentions posted in [start, end), each with its follow-up
    (analysis.resolution.follow_ups); `days` is each brand's resolution_days."""
    found, possible = rows_between(conn, start, end, days, brands, platforms)
    return resolution.follow_ups(found, possible, days)


def rows_between(
    conn: Connection,
    start: datetime,
    end: datetime,
    days: Mapping[str, float],
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What `conversations_between` joins: the answered mentions posted in [start, end) and their
    possible follow-ups (`answered`, `candidates`); `joined` of them is the conversations."""
    found = answered(conn, start, end, brands, platforms)
    return found, candidates(conn, found, days)


def joined(found: pd.DataFrame, possible: pd.DataFrame, days: Mapping[str, float]) -> pd.DataFrame:
    """`conversations`' frame from `rows_between`'s two (follow-ups picked, missing ones as None)."""
    return _nones(resolution.follow_ups(found, possible, days))


def conversations(conn: Connection, filters: Filters, days: dict[str, int]) -> pd.DataFrame:
    """`conversations_between` for the sidebar's selection (a page read, through ui.context.read)."""
    brands = filters.brands or None  # no brand selected: every brand, as every store.reader read
    found = conversations_between(conn, filters.start_at, filters.end_at, days, brands, filters.platforms)
    return _nones(found)


def _nones(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing follow-up ids, texts and labels as None (not NaN), however the frame was built."""
    for column in ("follow_up_post_id", "follow_up_text", "follow_up_label"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def conversation_of(conn: Connection, mention_id: int, days: dict[str, int]) -> pd.DataFrame:
    """The answered conversation of one mention with its follow-up (no row when it has no first response)."""
    found = answered(conn, None, None, mention_id=mention_id)
    return resolution.follow_ups(found, candidates(conn, found, days), days)


def freeze(
    conn: Connection,
    mention_ids: Sequence[int],
    now: datetime,
    brands: Sequence[Brand] = (),
) -> int:
    """Keep the computed outcome and sentiment shift of the conversations these mentions take part in
    (as the answered mention or as its follow-up), before their personal content is erased: without
    the author's handle and the text, the follow-up can no longer be found or judged. Returns how
    many conversations were frozen. Conversations still pending (window open, no follow-up) and
    those frozen before are left alone. `brands` (the config's) give each brand's window
    (resolution_days) and its own reply vocabulary, as the pages judge them; a brand not among them
    gets DEFAULT_RESOLUTION_DAYS and the rule table alone.
    """
    if not mention_ids:
        return 0
    m = mentions
    ids = list(mention_ids)
    days = resolution.window_days(brands)
    widest = max([DEFAULT_RESOLUTION_DAYS, *days.values()])
    found: list[pd.DataFrame] = []
    for offset in range(0, len(ids), CHUNK):
        chunk = ids[offset : offset + CHUNK]
        found.append(answered(conn, None, None, mention_ids=chunk))
        # conversations these mentions may follow up: the same authors' answered mentions, posted before
        rows = conn.execute(
            select(m.c.author_handle, func.min(m.c.created_at), func.max(m.c.created_at))
            .where(m.c.id.in_(chunk), m.c.is_own.is_(False), m.c.author_handle.is_not(None))
            .group_by(m.c.author_handle)
        ).all()
        if rows:
            first = pd.Timestamp(min(r[1] for r in rows))
            first = first.tz_localize("UTC") if first.tzinfo is None else first
            last = pd.Timestamp(max(r[2] for r in rows))
            last = last.tz_localize("UTC") if last.tzinfo is None else last
            since = (first - pd.Timedelta(days=2 * widest)).to_pydatetime()
            authors = sorted({str(r[0]) for r in rows})
            for start in range(0, len(authors), CHUNK):
                part = authors[start : start + CHUNK]
                found.append(answered(conn, since, last.to_pydatetime(), authors=part))
    every = pd.concat([f for f in found if len(f)], ignore_index=True) if any(len(f) for f in found) else None
    if every is None:
        return 0
    every = every.drop_duplicates("mention_id").reset_index(drop=True)
    every = every[every["outcome_frozen"].isna()].reset_index(drop=True)
    conversations = resolution.follow_ups(every, candidates(conn, every, days), days)
    wanted = set(ids)
    involved = conversations["mention_id"].isin(wanted) | conversations["follow_up_id"].isin(wanted)
    judged = resolution.outcomes(conversations[involved.to_numpy(dtype=bool)], pd.Timestamp(now), brands)
    judged = judged[judged["computed_outcome"] != resolution.PENDING]
    if judged.empty:
        return 0
    s = mention_state
    params = [
        {
            "b_id": int(r.mention_id),
            "b_outcome": str(r.computed_outcome),
            "b_shift": None if pd.isna(r.sentiment_shift) else float(r.sentiment_shift),
        }
        for r in judged.itertuples(index=False)
    ]
    conn.execute(
        update(s)
        .where(s.c.mention_id == bindparam("b_id"))
        .values(outcome_frozen=bindparam("b_outcome"), sentiment_shift_frozen=bindparam("b_shift")),
        params,
    )
    return len(params)


# A page's conversations read splits at the range's last day like the other range reads
# (store.reader.SPLITS): each conversation is read by its answered mention's day, and an ingest
# touches that day when it stores a reply that may follow the conversation up
# (store.touched.followed_days); Mark replied and a manager's outcome move the queue version.
def _join_conversations(parts: list[pd.DataFrame], *args: Any, **kwargs: Any) -> pd.DataFrame:
    """The parts' conversations, one after the other; missing texts and ids stay None as in a whole read."""
    return _nones(reader._join_frames(parts))


reader.SPLITS[conversations] = reader.Split(conversations, _join_conversations, queue=True)
