"""Which days a write touched, next to the data version: what lets page caches keep closed days.

Every write that bumps `data_version` (store.writer.bump_data_version) may also call `record`
in the same transaction with the UTC days whose mentions, mention states or rollups it changed.
`meta` then holds, per day, the last data version that touched it (`touched:YYYY-MM-DD`), and
`touched_through`: the data version up to which every bump was recorded. A bump that is not
recorded (retention, erasure: rare writes that did not say what they touched) counts as touching
every day: the next `record` notices the gap and stores `touched_all`, and until then `stamp`
answers the data version itself.

Readers ask `State.stamp(first, last)`: a number that changes whenever a write touched one of
those days. A result over those days cached under that stamp is still right, whatever else was
written since: a collection of new mentions touches today, so the 29 days before keep their
cached results (ui.context.read splits a page read at the last selected day). Backdated
mentions touch their own day, and so does a brand reply's answered mention: its day's stamp
moves and its results are read again.

The answered conversations of a day (store.resolution.rows_between: the answered mentions and their
possible follow-ups) change with fewer writes: `talks:YYYY-MM-DD` holds "v,c", the last recorded
version v that touched the day and the last one, c, that touched its conversations (an ingest tells
which: `ingest_days` notes the days of the answered mentions its brand replies answer, of the answered
conversations its replies may follow up and of its own rows that are answered mentions; any other
`record` counts every day it names). `State.conversation_stamp` answers c while v is the day's
`touched` value, else (a write by code that does not note conversations) that value.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Select, insert, select, update

from store.schema import mention_state, mentions, meta

DAY_PREFIX = "touched:"
THROUGH = "touched_through"
ALL = "touched_all"
TALKS_PREFIX = "talks:"
#: parent look-ups per query.
KEY_CHUNK = 400


def _key(day: date) -> str:
    return f"{DAY_PREFIX}{day.isoformat()}"


def _set(conn: Connection, key: str, value: int | str) -> None:
    done = conn.execute(update(meta).where(meta.c.key == key).values(value=str(value))).rowcount
    if not done:
        conn.execute(insert(meta).values(key=key, value=str(value)))


def _number(conn: Connection, key: str) -> int:
    value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
    return int(value) if value else 0


#: per open write transaction (its Connection), the data version before its bump and the days whose
#: answered conversations its ingested rows touched (`ingest_days`), for its `record`.
_TALKS: weakref.WeakKeyDictionary[Connection, tuple[int, set[date]]] = weakref.WeakKeyDictionary()


def record(conn: Connection, days: Iterable[date] | None) -> None:
    """After bump_data_version, in the same transaction: the write touched these UTC days (None: every day).

    Of those days, the ones whose conversations it touched are what `ingest_days` noted for this
    transaction just before this version's bump; without such a note, every one of them."""
    version = _number(conn, "data_version")
    noted = _TALKS.pop(conn, None)
    if not version:
        return
    if days is None or _number(conn, THROUGH) != version - 1:
        _set(conn, ALL, version)  # every day, or a bump before this one said nothing: count it as touching every day
        days = days or ()
    chosen = sorted(set(days))
    talks = set(chosen) if noted is None or noted[0] != version - 1 else noted[1]
    keys = [_key(d) for d in chosen] + [_talks_key(d) for d in chosen]
    before = {str(k): str(v) for k, v in conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.in_(keys)))}
    for day in chosen:
        earlier = _as_int(before.get(_key(day)))
        if day in talks:
            conversations = version
        else:  # the conversations' version stays, if the last write to the day noted it; else that write counts
            seen, kept = _talks(before.get(_talks_key(day)))
            conversations = kept if seen == earlier else earlier
        _set(conn, _key(day), version)
        _set(conn, _talks_key(day), f"{version},{conversations}")
    _set(conn, THROUGH, version)


def _talks_key(day: date) -> str:
    return f"{TALKS_PREFIX}{day.isoformat()}"


def _talks(value: Any) -> tuple[int, int]:
    """A `talks:` value "v,c" -> (v, c); (-1, -1) when missing or unreadable."""
    try:
        seen, kept = str(value).split(",")
        return int(seen), int(kept)
    except (TypeError, ValueError):
        return -1, -1


def days_of(times: pd.Series) -> set[date]:
    """The UTC days of some timestamps."""
    stamps = pd.to_datetime(times.dropna(), utc=True)
    return set(stamps.dt.date.unique())


def answered_days(conn: Connection, frame: pd.DataFrame) -> set[date]:
    """The days of the stored mentions that the brand's own replies in `frame` answer: linking a reply
    changes the answered mention's state (first response), so its day is touched too."""
    own = frame[frame["is_own"].astype(bool) & frame["parent_id"].notna()]
    m = mentions
    found: set[date] = set()
    for platform, group in own.groupby("platform"):
        parents = sorted(set(group["parent_id"].astype(str)))
        found |= _days_in_chunks(conn, select(m.c.day).where(m.c.platform == platform), m.c.post_id, parents)
    return found


def _days_in_chunks(conn: Connection, query: Select[Any], column: ColumnElement[Any], keys: list[str]) -> set[date]:
    """The distinct days `query` (selecting a day) finds where `column` is one of `keys`, in chunks of KEY_CHUNK."""
    found: set[date] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        rows = conn.execute(query.where(column.in_(keys[start : start + KEY_CHUNK])).distinct())
        found |= {pd.Timestamp(r[0]).date() for r in rows}
    return found


#: a write with more replies than this (an import, a seed) counts as touching every day instead of
#: looking up which answered conversations its rows follow up (one look-up per reply would cost more).
FOLLOW_UP_LOOKUPS = 2_000


def followed_days(conn: Connection, frame: pd.DataFrame) -> set[date] | None:
    """The days of the stored mentions whose conversation the others' replies in `frame` may follow up
    (analysis.resolution.follow_ups: same thread, or answering the mention or the brand's reply to it):
    a follow-up changes that conversation's outcome, which pages read by the answered mention's day.
    None (every day) when `frame` holds more than FOLLOW_UP_LOOKUPS such replies."""
    found = _followed(conn, frame)
    return None if found is None else found[0]


def _followed(conn: Connection, frame: pd.DataFrame) -> tuple[set[date], set[date]] | None:
    """`followed_days`, and of those the days of the stored mentions that are answered conversations
    (others' mentions with a first response, store.resolution.answered): only these can be followed up,
    so a reply in a thread nobody answered changes no day's conversations."""
    replies = frame[~frame["is_own"].astype(bool) & (frame["thread_id"].notna() | frame["parent_id"].notna())]
    if replies.empty:
        return set(), set()
    if len(replies) > FOLLOW_UP_LOOKUPS:
        return None
    m, s = mentions, mention_state
    found: set[date] = set()
    answered_found: set[date] = set()
    conversation = (m.c.is_own.is_(False) & s.c.first_response_at.is_not(None)).label("answered")
    for platform, group in replies.groupby("platform"):
        threads = sorted(set(group["thread_id"].dropna().astype(str)))
        parents = sorted(set(group["parent_id"].dropna().astype(str)))
        # the brand's replies that these answer point at the answered mentions (their parent_id)
        answered = set(parents) | set(threads)
        for start in range(0, len(parents), KEY_CHUNK):
            chunk = parents[start : start + KEY_CHUNK]
            rows = conn.execute(
                select(m.c.parent_id).where(m.c.platform == platform, m.c.post_id.in_(chunk), m.c.is_own.is_(True))
            )
            answered |= {str(r[0]) for r in rows if r[0] is not None}
        keys = sorted(answered)
        query = (
            select(m.c.day, conversation)
            .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
            .where(m.c.platform == platform)
        )
        for column in (m.c.post_id, m.c.thread_id):
            for start in range(0, len(keys), KEY_CHUNK):
                rows = conn.execute(query.where(column.in_(keys[start : start + KEY_CHUNK])).distinct())
                for day, is_answered in rows:
                    found.add(pd.Timestamp(day).date())
                    if is_answered:
                        answered_found.add(pd.Timestamp(day).date())
    return found, answered_found


def answered_rows_days(conn: Connection, frame: pd.DataFrame) -> set[date]:
    """The days of the rows of `frame` (stored already) that are answered mentions: others' mentions
    with a first response (a new one linked to a reply stored before it, or one stored again)."""
    m, s = mentions, mention_state
    others = frame[~frame["is_own"].astype(bool)]
    found: set[date] = set()
    for platform, group in others.groupby("platform"):
        posts = sorted(set(group["post_id"].astype(str)))
        answered = (
            select(m.c.day)
            .select_from(m.join(s, s.c.mention_id == m.c.id))
            .where(m.c.platform == platform, s.c.first_response_at.is_not(None))
        )
        found |= _days_in_chunks(conn, answered, m.c.post_id, posts)
    return found


def ingest_days(conn: Connection, frame: pd.DataFrame) -> set[date] | None:
    """What an ingest of `frame` (stored already, before the version's bump) touched: its rows' days,
    the days of the mentions its brand replies answer and of the conversations its replies may follow
    up; None: every day (a large write). The days whose conversations it touched (those answered, those
    followed up, and its own answered mentions' days) are noted for this transaction's `record`."""
    both = _followed(conn, frame)
    if both is None:
        return None
    followed, followed_talks = both
    answered = answered_days(conn, frame)
    # the days of the conversations followed up: of answered mentions only (a reply in a thread nobody
    # answered reads no day's conversations again); the days touched stay every thread's (`followed`)
    talks = answered | followed_talks | answered_rows_days(conn, frame)
    version = _number(conn, "data_version")
    noted = _TALKS.get(conn)
    if noted is not None and noted[0] == version:
        talks |= noted[1]
    _TALKS[conn] = (version, talks)
    return days_of(frame["created_at"]) | answered | followed


def record_ingest(conn: Connection, frame: pd.DataFrame) -> None:
    """`record` for an ingest of `frame` (ingest_days)."""
    record(conn, ingest_days(conn, frame))


@dataclass(frozen=True)
class State:
    """What `meta` says about touched days, read once per data version."""

    data_version: int = 0
    through: int = 0
    every_day: int = 0
    days: dict[date, int] = field(default_factory=dict)
    #: per day, (v, c) of its `talks:` value.
    talks: dict[date, tuple[int, int]] = field(default_factory=dict)

    def stamp(self, first: date, last: date) -> tuple[int, int]:
        """Changes whenever a write touched a day in first..last (inclusive)."""
        if self.through != self.data_version:
            return (-1, self.data_version)  # an unrecorded bump is the newest: anything may have changed
        newest = max((v for d, v in self.days.items() if first <= d <= last), default=0)
        return (max(newest, self.every_day), 0)

    def conversation_stamp(self, first: date, last: date) -> tuple[int, int]:
        """Changes whenever a write touched the answered conversations of a day in first..last
        (store.resolution.rows_between of those days): `stamp`, but a collection that brought no
        answer and no reply to a conversation of those days leaves it."""
        if self.through != self.data_version:
            return (-1, self.data_version)
        newest = 0
        for day, version in self.days.items():
            if first <= day <= last:
                seen, kept = self.talks.get(day, (-1, -1))
                newest = max(newest, kept if seen == version else version)
        return (max(newest, self.every_day), 0)


def _as_int(value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


def state(conn: Connection) -> State:
    """The touched days (one small query: one row per stored day at most)."""
    rows = conn.execute(
        select(meta.c.key, meta.c.value).where(
            (meta.c.key.in_(("data_version", THROUGH, ALL)))
            | meta.c.key.startswith(DAY_PREFIX, autoescape=True)
            | meta.c.key.startswith(TALKS_PREFIX, autoescape=True)
        )
    ).all()
    values = {str(k): _as_int(v) for k, v in rows if not str(k).startswith(TALKS_PREFIX)}
    days = {date.fromisoformat(k[len(DAY_PREFIX) :]): v for k, v in values.items() if k.startswith(DAY_PREFIX)}
    talks = {
        date.fromisoformat(str(k)[len(TALKS_PREFIX) :]): _talks(v) for k, v in rows if str(k).startswith(TALKS_PREFIX)
    }
    return State(
        data_version=values.get("data_version", 0),
        through=values.get(THROUGH, 0),
        every_day=values.get(ALL, 0),
        days=days,
        talks=talks,
    )
