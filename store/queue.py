"""The reply queue: reading flagged mentions a page at a time, and the actions people take on them.

Reads filter and order in SQL and return one page (LIMIT/OFFSET), never every flagged row.
The order is FORMULAS["priority"] evaluated in SQL with the constants of analysis.formulas; the
numbers shown (priority, reasons, time waited, SLA breach) come from analysis.flags.queue_priority
over the page's rows.

Brands with business hours (analysis.sla): SQL cannot follow a time zone's opening hours, so
Python hands it the few facts the order needs, computed from `now`: the moment before which a
mention has breached (analysis.sla.breach_cutoff) and the opening windows since then
(analysis.sla.recent_windows). A mention posted earlier has breached (full waiting points); a
later one has waited the sum of its overlaps with those windows. That is the same business time
analysis.flags.queue_priority shows, so the order stays FORMULAS["priority"] exactly; only the
page's rows are then scored in Python.

Every action is one conditional write on `mention_state` keyed by the `version` the person
saw: when somebody else changed the mention in between, nothing is written and the caller
gets the current state back to show (optimistic concurrency), never a silent overwrite.
Every action takes the acting `store.accounts.Account`, refuses a viewer (`Forbidden`), and
appends an audit row in the same transaction. Each write bumps the `queue_version` meta key and
records which mention it changed (`changed_since`), so every open dashboard re-reads only that
mention's place in the queue (`patch_keys`); a
sentiment correction also refreshes that mention's rollup hour and bumps the data version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Float,
    Integer,
    Join,
    Text,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.elements import ColumnElement

from analysis import flags, formulas, resolution, sla
from store import audit, measures, touched, writer
from store.accounts import Account, require
from store.schema import mention_state, mentions, meta

STATUSES: tuple[str, ...] = ("new", "assigned", "replied", "dismissed")
OPEN: tuple[str, ...] = ("new", "assigned")
LABELS: tuple[str, ...] = ("positive", "neutral", "negative")
#: why a mention was dismissed (stored in mention_state.dismiss_reason); "other" needs a few words.
DISMISS_REASONS: dict[str, str] = {
    "no_reply_needed": "no reply needed",
    "spam": "spam",
    "handled_elsewhere": "handled elsewhere",
    "other": "other",
}
PAGE_SIZE = 25
THREAD_LIMIT = 20
MAX_REPLIES = 200
QUEUE_VERSION_KEY = "queue_version"

STATE_COLUMNS = [
    "status",
    "assignee",
    "note",
    "sentiment_override",
    "first_response_at",
    "response_post_id",
    "responded_by",
    "updated_at",
    "updated_by",
    "version",
    "dismiss_reason",
    "dismiss_note",
    "outcome_override",
    "outcome_by",
    "outcome_at",
]
MENTION_COLUMNS = [
    "id",
    "platform",
    "post_id",
    "url",
    "kind",
    "parent_id",
    "thread_id",
    "author_handle",
    "author_name",
    "author_followers",
    "text",
    "lang",
    "created_at",
    "likes",
    "replies",
    "reposts",
    "quotes",
    "views",
    "brand",
    "is_own",
    "sentiment",
    "sentiment_label",
    "flag_signals",
    "priority_base",
    "source_sentiment",
    "rating",  # a review's stars and app version (issue 18)
    "app_version",
]


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows: own brands, platforms (empty = all), statuses, assignee, a UTC date range.

    `assignee`: None = anyone, "" = unassigned only, else that person.
    """

    brands: tuple[str, ...]
    platforms: tuple[str, ...] = ()
    statuses: tuple[str, ...] = OPEN
    assignee: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class ActionResult:
    """`ok` when the write happened; else `current` is the state somebody else saved meanwhile."""

    ok: bool
    current: dict[str, Any] = field(default_factory=dict)
    message: str = ""


# ---------------------------------------------------------------------------------------------- versions


def queue_version(conn: Connection) -> int:
    """Bumped by every queue action, so cached queue reads refresh in every session."""
    value = conn.execute(select(meta.c.value).where(meta.c.key == QUEUE_VERSION_KEY)).scalar()
    return int(value) if value else 0


#: `meta` keys `queue_change:<version, 12 digits>` -> the ids (comma-separated) of the mentions that
#: queue version changed: a reader that kept the queue's order at an earlier version reads only those
#: mentions again (`changed_since`). A version without its key (a bump that did not say what it
#: changed: erasure, retention) means "everything", and so does a gap older than CHANGE_KEEP versions.
CHANGE_KEY = "queue_change:"
#: how many versions' change keys are kept (older ones are deleted by the next bump).
CHANGE_KEEP = 1000


def _change_key(version: int) -> str:
    return f"{CHANGE_KEY}{version:012d}"


def _bump_queue_version(conn: Connection, mention_ids: Iterable[int] | None = None) -> None:
    """Move the queue version on by one; with `mention_ids`, record that this version changed only those
    mentions' states (in the same transaction, so a reader that sees the version sees the record)."""
    done = conn.execute(
        update(meta).where(meta.c.key == QUEUE_VERSION_KEY).values(value=cast(cast(meta.c.value, Integer) + 1, Text))
    ).rowcount
    if not done:
        conn.execute(insert(meta).values(key=QUEUE_VERSION_KEY, value="1"))
    if mention_ids is None:
        return
    # the meta row is locked by the update above until commit: versions are handed out in commit order
    version = queue_version(conn)
    conn.execute(delete(meta).where(meta.c.key >= CHANGE_KEY, meta.c.key < _change_key(max(0, version - CHANGE_KEEP))))
    wanted = sorted({int(i) for i in mention_ids})
    ids = ",".join(str(i) for i in wanted)
    done = conn.execute(update(meta).where(meta.c.key == _change_key(version)).values(value=ids)).rowcount
    if not done:
        conn.execute(insert(meta).values(key=_change_key(version), value=ids))
    conn.execute(delete(meta).where(meta.c.key >= DAYS_KEY, meta.c.key < _days_key(max(0, version - CHANGE_KEEP))))
    days = _changed_days_of(conn, wanted) if len(wanted) <= CHANGE_LIMIT else None
    text = EVERY_DAY if days is None else ",".join(d.isoformat() for d in sorted(days))
    conn.execute(insert(meta).values(key=_days_key(version), value=text))


#: more changed mentions than this since a kept read: read the queue again instead of patching it.
CHANGE_LIMIT = 500


def changed_since(conn: Connection, since: int, until: int) -> frozenset[int] | None:
    """The ids of the mentions whose queue state the versions after `since` up to `until` changed, or
    None when one of those versions did not record what it changed (or too many changed): then every
    read of the queue kept at `since` must be read again."""
    if until <= since:
        return frozenset()
    if until - since > CHANGE_KEEP:
        return None
    values: list[str | None] = list(
        conn.execute(
            select(meta.c.value).where(meta.c.key > _change_key(since), meta.c.key <= _change_key(until))
        ).scalars()
    )
    if len(values) != until - since:
        return None
    ids = frozenset(int(i) for value in values for i in (value or "").split(",") if i)
    return ids if len(ids) <= CHANGE_LIMIT else None


#: `meta` keys `queue_days:<version, 12 digits>` -> the UTC days (ISO, comma-separated) whose page reads
#: that version's change may alter, written with the version: the changed mentions' own days and the
#: days of the answered conversations they may follow up (store.touched.followed_days: a follow-up's
#: sentiment correction changes that conversation's outcome). EVERY_DAY, or no key (erasure, a gap),
#: means every day. What ChangedDays.stamp keys day-split reads of the reply workflow by.
DAYS_KEY = "queue_days:"
EVERY_DAY = "*"
#: a read kept at a version older than the days records reach back to cannot be told apart from one
#: that missed a change: ChangedDays.floor, which moves on in steps of this many versions (so a part
#: nobody acts on is read again once per FLOOR_STEP queue actions at most, not after every one).
FLOOR_STEP = CHANGE_KEEP // 2


def _days_key(version: int) -> str:
    return f"{DAYS_KEY}{version:012d}"


def _changed_days_of(conn: Connection, mention_ids: list[int]) -> set[date] | None:
    """The days whose reads a change of these mentions' queue state may alter (DAYS_KEY), or None (every
    day) when one of them is no longer stored."""
    m = mentions
    rows: list[Any] = []
    for start in range(0, len(mention_ids), touched.KEY_CHUNK):
        chunk = mention_ids[start : start + touched.KEY_CHUNK]
        rows += conn.execute(
            select(m.c.day, m.c.platform, m.c.is_own, m.c.thread_id, m.c.parent_id).where(m.c.id.in_(chunk))
        ).all()
    if len(rows) != len(mention_ids):
        return None
    frame = pd.DataFrame(rows, columns=["day", "platform", "is_own", "thread_id", "parent_id"])
    followed = touched.followed_days(conn, frame)
    if followed is None:
        return None
    return {pd.Timestamp(d).date() for d in frame["day"]} | followed


@dataclass(frozen=True)
class ChangedDays:
    """Which days the queue versions after `floor` up to `version` changed (DAYS_KEY), read once per
    queue version (`changed_days`): what day-split reads of the reply workflow are kept by instead of
    the queue version itself, so an action on one mention leaves the other days' reads kept."""

    version: int = 0
    floor: int = 0
    #: the newest version in (floor, version] that did not say which days it changed.
    every_day: int = 0
    #: per day, the newest version in (floor, version] that changed it.
    days: dict[date, int] = field(default_factory=dict)

    def stamp(self, first: date, last: date) -> int:
        """A queue version at which first..last (inclusive) read the same as at `version`: it changes
        whenever a queue action changes one of those days (and at the latest every FLOOR_STEP versions).
        The same in every process for the same store, so the store's part cache can be keyed by it."""
        newest = max((v for d, v in self.days.items() if first <= d <= last), default=0)
        return max(self.floor, self.every_day, newest)


def changed_days(conn: Connection, version: int) -> ChangedDays:
    """ChangedDays as of queue version `version` (one query over at most CHANGE_KEEP meta rows)."""
    # the smallest multiple of FLOOR_STEP from which every later version's days are still kept
    floor = max(0, -(-(version - CHANGE_KEEP) // FLOOR_STEP) * FLOOR_STEP)
    if version <= floor:
        return ChangedDays(version=version, floor=version)
    rows = conn.execute(
        select(meta.c.key, meta.c.value).where(meta.c.key > _days_key(floor), meta.c.key <= _days_key(version))
    ).all()
    recorded: dict[int, str] = {}
    for key, value in rows:
        try:
            recorded[int(str(key)[len(DAYS_KEY) :])] = str(value or "")
        except ValueError:
            continue
    every_day, days = 0, {}
    for number in range(floor + 1, version + 1):
        text = recorded.get(number)
        if text is None or text == EVERY_DAY:
            every_day = number
            continue
        for item in filter(None, text.split(",")):
            try:
                days[date.fromisoformat(item)] = number
            except ValueError:
                every_day = number
    return ChangedDays(version=version, floor=floor, every_day=every_day, days=days)


# ---------------------------------------------------------------------------------------------- reads


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _conditions(filters: QueueFilters) -> list[ColumnElement[bool]]:
    m, s = mentions, mention_state
    out: list[ColumnElement[bool]] = [m.c.needs_reply.is_(True), m.c.is_own.is_(False)]
    if filters.brands:
        out.append(m.c.brand.in_(filters.brands))
    if filters.platforms:
        out.append(m.c.platform.in_(filters.platforms))
    if filters.start is not None:
        out.append(m.c.created_at >= _day_start(filters.start))
    if filters.end is not None:
        out.append(m.c.created_at < _day_start(filters.end + timedelta(days=1)))
    if filters.statuses:
        out.append(func.coalesce(s.c.status, "new").in_(filters.statuses))
    if filters.assignee == "":
        out.append(or_(s.c.assignee.is_(None), s.c.assignee == ""))
    elif filters.assignee is not None:
        out.append(s.c.assignee == filters.assignee)
    return out


def _joined() -> Join:
    return mentions.outerjoin(mention_state, mention_state.c.mention_id == mentions.c.id)


def _waited_hours(conn: Connection, now: datetime) -> ColumnElement[Any]:
    """Hours from posting to `now`, in SQL (used for ordering only): a float on SQLite, a numeric on
    PostgreSQL (EXTRACT returns one), hence ColumnElement[Any]."""
    if conn.dialect.name == "sqlite":
        stamp = now.astimezone(UTC).strftime(writer.SQLITE_TIME)
        return (func.julianday(literal(stamp)) - func.julianday(mentions.c.created_at)) * 24.0
    return extract("epoch", literal(now, mentions.c.created_at.type) - mentions.c.created_at) / 3600.0


def _business_waited(
    calendar: ColumnElement[float], now: datetime, sla_hours: float, hours: sla.Hours
) -> ColumnElement[float]:
    """Business hours waited by `now`, in SQL, from the calendar hours waited: more than the SLA
    for a mention posted before analysis.sla.breach_cutoff, else the sum of its overlaps with the
    opening windows since then (analysis.sla.recent_windows; a few literals)."""
    stop = now.astimezone(UTC)
    cut = (stop - sla.breach_cutoff(stop, sla_hours, hours)).total_seconds() / 3600
    total: ColumnElement[float] = literal(0.0)
    for opens, closes in sla.recent_windows(stop, sla_hours, hours):
        since_open = (stop - opens).total_seconds() / 3600
        since_close = (stop - closes).total_seconds() / 3600
        overlap = case(
            (calendar >= since_open, literal(since_open - since_close)),
            (calendar <= since_close, literal(0.0)),
            else_=calendar - since_close,
        )
        total = total + overlap
    return case((calendar > cut, literal(2.0 * sla_hours + 1.0)), else_=total)


def _effective_sla(sla_hours: Mapping[str, float], brand: str) -> float:
    """analysis.flags.effective_sla for one brand."""
    hours = float(sla_hours.get(brand, 0.0) or 0.0)
    return hours if hours > 0 else formulas.DEFAULT_SLA_HOURS


def _priority_order(
    conn: Connection,
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, sla.Hours | None] | None = None,
) -> ColumnElement[float]:
    """FORMULAS["priority"] in SQL, for ORDER BY: the base plus waiting points while unanswered, unrounded.

    The same formula as analysis.flags.wait_points over the same constants (analysis.formulas);
    tests/test_priority_forms.py checks that both give the same numbers on the same rows. Brands
    in `business_hours` wait in business time (`_business_waited`).
    """
    m, s = mentions, mention_state
    sla_column = measures.sla_hours(sla_hours)
    waited = _waited_hours(conn, now)
    on_hours = {name: hours for name, hours in (business_hours or {}).items() if hours is not None}
    if on_hours:
        waited = case(
            *(
                (m.c.brand == name, _business_waited(waited, now, _effective_sla(sla_hours, name), hours))
                for name, hours in on_hours.items()
            ),
            else_=waited,
        )
    ratio = cast(waited, Float) / sla_column
    capped = case((ratio > 1.0, 1.0), (ratio < 0.0, 0.0), else_=ratio)
    waiting = formulas.WAIT_POINTS * capped + case((waited > sla_column, float(formulas.BREACH_POINTS)), else_=0.0)
    return case((s.c.first_response_at.is_(None), m.c.priority_base + waiting), else_=m.c.priority_base + 0.0)


def queue_count(conn: Connection, filters: QueueFilters) -> int:
    """How many flagged mentions match the filters."""
    query = select(func.count()).select_from(_joined()).where(*_conditions(filters))
    return int(conn.execute(query).scalar() or 0)


def queue_page(
    conn: Connection,
    filters: QueueFilters,
    *,
    now: datetime,
    sla_hours: dict[str, float],
    limit: int = PAGE_SIZE,
    offset: int = 0,
    business_hours: Mapping[str, sla.Hours | None] | None = None,
) -> pd.DataFrame:
    """One page of the queue, most urgent first, with priority, reasons, waited_hours and sla_breached.

    Ordered in SQL (priority, then the oldest first); only `limit` rows are read. Brands in
    `business_hours` (brand -> config.BusinessHours) wait in business time; `business_time`
    says which rows do.
    """
    m, s = mentions, mention_state
    columns = [m.c[c] for c in MENTION_COLUMNS] + [s.c[c] for c in STATE_COLUMNS]
    query = (
        select(*columns)
        .select_from(_joined())
        .where(*_conditions(filters))
        .order_by(_priority_order(conn, now, sla_hours, business_hours).desc(), m.c.created_at.asc(), m.c.id.asc())
        .limit(limit)
        .offset(offset)
    )
    frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=MENTION_COLUMNS + STATE_COLUMNS)
    return _decorate(frame, now, sla_hours, business_hours)


def queue_order(
    conn: Connection,
    filters: QueueFilters,
    *,
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, sla.Hours | None] | None = None,
) -> list[int]:
    """The ids of every mention `queue_page` would list, in its order (one query; ids only, so a
    hundred thousand open mentions are under a megabyte): pages are then slices of it (`queue_rows`)."""
    m = mentions
    _sort_memory(conn)
    query = (
        select(m.c.id)
        .select_from(_joined())
        .where(*_conditions(filters))
        .order_by(_priority_order(conn, now, sla_hours, business_hours).desc(), m.c.created_at.asc(), m.c.id.asc())
    )
    return [int(r[0]) for r in conn.execute(query)]


#: the columns of `queue_keys`: the order's sort key, as SQL computes it.
KEY_COLUMNS = ["id", "priority", "created_at"]
#: PostgreSQL's sort memory for the order's read, this transaction only: at the default 4 MB the sort
#: of ~90,000 keys (30 days at 10M mentions) spills to disk and takes about twice as long.
ORDER_WORK_MEM = "32MB"


def _sort_memory(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{ORDER_WORK_MEM}'")


def queue_keys(
    conn: Connection,
    filters: QueueFilters,
    *,
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, sla.Hours | None] | None = None,
    ids: frozenset[int] | None = None,
) -> pd.DataFrame:
    """`queue_order`'s rows with their sort key (id, priority as SQL orders by it, created_at), in that
    order: parts of a range read apart (`split`) give the whole order again through `merge_keys`.
    With `ids`, only those mentions' rows (what `patch_keys` reads again)."""
    m = mentions
    _sort_memory(conn)
    where = _conditions(filters)
    if ids is not None:
        where.append(m.c.id.in_(sorted(ids)))
    priority = _priority_order(conn, now, sla_hours, business_hours)
    # SQLite keeps times as fixed-format UTC text, whose order is the time order: read it as text and
    # parse it at once below (the column type would parse it row by row)
    created = type_coerce(m.c.created_at, Text) if conn.dialect.name == "sqlite" else m.c.created_at
    # not ordered in SQL: sorted below by the same keys (numpy), which is cheaper than the database's
    # sort (SQLite's temporary B-tree, PostgreSQL's sort that spills at ~90,000 keys)
    query = select(m.c.id, priority.label("priority"), created.label("created_at")).select_from(_joined()).where(*where)
    # columns, not rows: pandas would probe every Row object (seconds at 50,000 rows)
    columns = list(zip(*conn.execute(query).all(), strict=False)) or [(), (), ()]
    frame = pd.DataFrame(
        {
            "id": np.asarray(columns[0], dtype="int64"),
            "priority": np.asarray([float(p) for p in columns[1]], dtype=float),
            "created_at": pd.to_datetime(pd.Series(columns[2], dtype=object), utc=True, format="ISO8601"),
        },
        columns=KEY_COLUMNS,
    )
    return _sorted_keys(frame)


def merge_keys(parts: list[pd.DataFrame]) -> list[int]:
    """The ids of `queue_keys` parts over disjoint ranges, in `queue_order`'s order (priority, then
    the oldest first, then the id): the same list one read over the whole range gives."""
    full = [p for p in parts if len(p)]
    if not full:
        return []
    if len(full) == 1:
        return full[0]["id"].tolist()
    ids = np.concatenate([p["id"].to_numpy("int64") for p in full])
    priority = np.concatenate([p["priority"].to_numpy(float) for p in full])
    created = np.concatenate([p["created_at"].dt.tz_convert(None).to_numpy("datetime64[ns]") for p in full])
    ordered = np.lexsort((ids, created, -priority))  # the last key sorts first
    return ids[ordered].tolist()


def _sorted_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (KEY_COLUMNS) in the order's order: priority, then the oldest first, then the id."""
    created = frame["created_at"].dt.tz_convert(None).to_numpy("datetime64[ns]")
    ordered = np.lexsort((frame["id"].to_numpy("int64"), created, -frame["priority"].to_numpy(float)))
    return frame.iloc[ordered].reset_index(drop=True)


def patch_keys(
    conn: Connection,
    kept: pd.DataFrame,
    filters: QueueFilters,
    changed: frozenset[int],
    *,
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, sla.Hours | None] | None = None,
) -> pd.DataFrame:
    """`queue_keys(filters)` after queue actions changed the states of the `changed` mentions (and
    nothing else: same `now`, no mention written), from `kept`, its result before them: those
    mentions are read again and merged in (a closed one drops out, a reopened one comes back)."""
    if not changed:
        return kept
    fresh = queue_keys(conn, filters, now=now, sla_hours=sla_hours, business_hours=business_hours, ids=changed)
    rest = kept[~kept["id"].isin(list(changed))]
    if fresh.empty:
        return rest.reset_index(drop=True)
    if rest.empty:
        return fresh
    return _sorted_keys(pd.concat([rest, fresh], ignore_index=True))


SETTLE_MARGIN = timedelta(minutes=1)


def patch_days(
    conn: Connection,
    kept: pd.DataFrame,
    filters: QueueFilters,
    days: list[date],
    *,
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, sla.Hours | None] | None = None,
) -> pd.DataFrame:
    """`queue_keys(filters)` after writes touched only these UTC `days` of its range (store.touched), from
    `kept`, its result before them (same `now`): those days are read again and merged in."""
    timing: dict[str, Any] = {"now": now, "sla_hours": sla_hours, "business_hours": business_hours}
    fresh = [queue_keys(conn, replace(filters, start=day, end=day), **timing) for day in days]
    posted = kept["created_at"].dt.tz_convert(UTC).dt.date
    rest = kept[~posted.isin(days)]
    return _sorted_keys(pd.concat([rest, *[f for f in fresh if len(f)]], ignore_index=True))


def settled(
    filters: QueueFilters,
    *,
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, sla.Hours | None] | None = None,
) -> bool:
    """Whether every mention the filters can list has breached its brand's SLA by `now` (posted before
    the end of its range by more than the SLA, in business time for brands that keep business hours):
    then `queue_keys(filters)` is the same at `now` and at any later moment (an unanswered mention's
    priority has all its waiting points, an answered one has none), so it need not be read again as
    time passes. False for a range without an end."""
    if filters.end is None:
        return False
    stop = now.astimezone(UTC)
    # a minute past the range's end: the SQL compares times as floats (julianday on SQLite), so a
    # mention posted just before the end must not sit within their rounding of the SLA boundary
    first_after = _day_start(filters.end + timedelta(days=1)) + SETTLE_MARGIN
    on_hours = _on_hours(business_hours)
    # no brand filter: any stored brand, so every configured one and the default SLA for the rest
    names = list(filters.brands) or [*sla_hours, *on_hours, ""]
    for name in names:
        effective = _effective_sla(sla_hours, name)
        hours = on_hours.get(name)
        if hours is not None:
            if first_after > sla.breach_cutoff(stop, effective, hours):
                return False
        elif (stop - first_after).total_seconds() / 3600 < effective:
            return False
    return True


def touches(conn: Connection, filters: QueueFilters, ids: frozenset[int]) -> bool:
    """Whether any of these mentions is one the filters could list whatever its state (flagged, of
    others, the filters' brands, platforms and days): when none is, actions on them leave
    `queue_count(filters)` as it was."""
    if not ids:
        return False
    stateless = replace(filters, statuses=(), assignee=None)
    query = select(mentions.c.id).where(*_conditions(stateless), mentions.c.id.in_(sorted(ids))).limit(1)
    return conn.execute(query).first() is not None


def split(filters: QueueFilters) -> list[QueueFilters]:
    """The filters' range as [start .. the day before end] and [end] (the day a collection writes
    into), so a write that touched only the last day leaves the first part's cached read right; one
    part when the range has no end or is one day."""
    if filters.end is None or (filters.start is not None and filters.start >= filters.end):
        return [filters]
    before = replace(filters, end=filters.end - timedelta(days=1))
    return [before, replace(filters, start=filters.end)]


def older(filters: QueueFilters) -> QueueFilters | None:
    """The same filters over every day before `start` (None when the range has no start): what the
    page counts as older items it does not list, so none is lost from sight."""
    if filters.start is None:
        return None
    return replace(filters, start=None, end=filters.start - timedelta(days=1))


def queue_rows(
    conn: Connection,
    ids: tuple[int, ...],
    *,
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, sla.Hours | None] | None = None,
) -> pd.DataFrame:
    """The mentions with these ids (a slice of `queue_order`), in that order, as `queue_page` gives them."""
    m, s = mentions, mention_state
    columns = [m.c[c] for c in MENTION_COLUMNS] + [s.c[c] for c in STATE_COLUMNS]
    rows = conn.execute(select(*columns).select_from(_joined()).where(m.c.id.in_(ids))).mappings().all()
    place = {mention_id: i for i, mention_id in enumerate(ids)}
    ordered = sorted(rows, key=lambda row: place[row["id"]])
    frame = pd.DataFrame(ordered, columns=MENTION_COLUMNS + STATE_COLUMNS)
    return _decorate(frame, now, sla_hours, business_hours)


def _on_hours(business_hours: Mapping[str, sla.Hours | None] | None) -> dict[str, sla.Hours]:
    return {name: hours for name, hours in (business_hours or {}).items() if hours is not None}


def _decorate(
    frame: pd.DataFrame,
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, sla.Hours | None] | None = None,
) -> pd.DataFrame:
    for column in ("created_at", "first_response_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    frame["status"] = frame["status"].fillna("new")
    frame["version"] = frame["version"].fillna(0).astype(int)
    frame["sla_hours"] = frame["brand"].map(sla_hours).astype(float).fillna(formulas.DEFAULT_SLA_HOURS)
    frame["business_time"] = frame["brand"].isin(list(_on_hours(business_hours))).astype(bool)
    if frame.empty:
        for column, dtype in (("priority", int), ("reasons", object), ("waited_hours", float), ("sla_breached", bool)):
            frame[column] = pd.Series(dtype=dtype)
        return frame
    scored = flags.queue_priority(frame, pd.Timestamp(now), _on_hours(business_hours))
    return pd.concat([frame, scored], axis=1)


def rescore(
    frame: pd.DataFrame, now: datetime, business_hours: Mapping[str, sla.Hours | None] | None = None
) -> pd.DataFrame:
    """The page's priority, reasons, waited_hours and sla_breached again, as of `now` (same rows, same order)."""
    plain = frame.drop(columns=["priority", "reasons", "waited_hours", "sla_breached"], errors="ignore")
    if plain.empty:
        return frame
    return pd.concat([plain, flags.queue_priority(plain, pd.Timestamp(now), _on_hours(business_hours))], axis=1)


def mention_with_state(conn: Connection, mention_id: int) -> dict[str, Any] | None:
    """One mention with its queue state (status `new`, version 0 when nobody touched it)."""
    m, s = mentions, mention_state
    columns = [m.c[c] for c in MENTION_COLUMNS] + [s.c[c] for c in STATE_COLUMNS]
    row = conn.execute(select(*columns).select_from(_joined()).where(m.c.id == mention_id)).mappings().first()
    if row is None:
        return None
    out = dict(row)
    out["status"] = out["status"] or "new"
    out["version"] = int(out["version"] or 0)
    return out


def thread(conn: Connection, mention_id: int, limit: int = THREAD_LIMIT) -> pd.DataFrame:
    """The conversation around a mention: its thread root, its parent, itself and the replies to it.

    Column `role` says which (root, parent, this, reply); replies oldest first, at most `limit` rows.
    """
    m = mentions
    this = conn.execute(
        select(m.c.platform, m.c.post_id, m.c.parent_id, m.c.thread_id).where(m.c.id == mention_id)
    ).first()
    if this is None:
        return pd.DataFrame(columns=["role", "id", "post_id", "author_handle", "is_own", "created_at", "text", "url"])
    shown = [m.c.id, m.c.post_id, m.c.author_handle, m.c.is_own, m.c.created_at, m.c.text, m.c.url]
    parts: list[tuple[str, Any]] = []
    if this.thread_id and this.thread_id not in (this.parent_id, this.post_id):
        parts.append(("root", select(*shown).where(m.c.platform == this.platform, m.c.post_id == this.thread_id)))
    if this.parent_id:
        parts.append(("parent", select(*shown).where(m.c.platform == this.platform, m.c.post_id == this.parent_id)))
    parts.append(("this", select(*shown).where(m.c.id == mention_id)))
    # no ORDER BY here: it would tempt SQLite into scanning the created_at index; replies are sorted below
    replies = select(*shown).where(m.c.platform == this.platform, m.c.parent_id == this.post_id).limit(MAX_REPLIES)
    parts.append(("reply", replies))
    rows: list[dict[str, Any]] = []
    for role, query in parts:
        rows += [{"role": role, **dict(r)} for r in conn.execute(query).mappings()]
    frame = pd.DataFrame(
        rows, columns=["role", "id", "post_id", "author_handle", "is_own", "created_at", "text", "url"]
    )
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    order = frame["role"].map({"root": 0, "parent": 1, "this": 2, "reply": 3})
    frame = frame.assign(_order=order).sort_values(["_order", "created_at"], kind="stable").drop(columns="_order")
    return frame.head(limit).reset_index(drop=True)


def assignees(conn: Connection) -> list[str]:
    """People mentions are assigned to, A to Z."""
    s = mention_state
    query = select(s.c.assignee).where(s.c.assignee.is_not(None), s.c.assignee != "").distinct().order_by(s.c.assignee)
    return [r[0] for r in conn.execute(query)]


# ---------------------------------------------------------------------------------------------- actions
# Every action takes the acting Account, refuses a role that may not act (accounts.Forbidden),
# and appends an audit row (action, mention, the changed fields before and after) in the same
# transaction as its write, so the trail holds exactly what was saved.

#: the state fields an audit row shows before and after (a note is recorded as its new line).
AUDITED = (
    "status",
    "assignee",
    "sentiment_override",
    "first_response_at",
    "response_post_id",
    "responded_by",
    "dismiss_reason",
    "dismiss_note",
    "outcome_override",
)


def _insert(conn: Connection):
    return sqlite_insert if conn.dialect.name == "sqlite" else pg_insert


def _conflict(conn: Connection, mention_id: int) -> ActionResult:
    current = mention_with_state(conn, mention_id)
    if current is None:
        return ActionResult(ok=False, message="This mention is no longer stored.")
    who = current.get("updated_by") or "somebody"
    when = pd.Timestamp(current["updated_at"]).strftime("%H:%M UTC") if current.get("updated_at") else "meanwhile"
    return ActionResult(
        ok=False,
        current=current,
        message=f"{who} changed this mention ({when}) after you loaded it; nothing was saved.",
    )


def _audit_change(
    conn: Connection,
    account: Account,
    action: str,
    mention_id: int,
    before: dict[str, Any] | None,
    detail: str | None = None,
) -> None:
    """Append the audit row for a write just made: the audited fields that changed, before and after."""
    after = mention_with_state(conn, mention_id) or {}
    before = before or {}
    changed = [k for k in AUDITED if _same(before.get(k)) != _same(after.get(k))]
    audit.record(
        conn,
        actor=account.name,
        action=action,
        mention_id=mention_id,
        before={k: before.get(k) for k in changed} | {"version": int(before.get("version") or 0)},
        after={k: after.get(k) for k in changed} | {"version": int(after.get("version") or 0)},
        detail=detail,
    )


def _same(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return pd.Timestamp(value).isoformat()
    return value


def _conditional_write(
    conn: Connection,
    mention_id: int,
    expected_version: int,
    changes: dict[str, Any],
    fresh: dict[str, Any],
    account: Account,
    action: str,
    detail: str | None = None,
) -> ActionResult:
    """Apply `changes` if the state is still at `expected_version`, else return the current state.

    `changes` may refer to the stored columns; `fresh` is the same change written as a new row
    (a mention nobody touched yet has no state row and counts as version 0). A write is audited.
    """
    s = mention_state
    before = mention_with_state(conn, mention_id)
    now = datetime.now(UTC)
    stamp = {"updated_at": now, "updated_by": account.name}
    done = conn.execute(
        update(s)
        .where(s.c.mention_id == mention_id, s.c.version == expected_version)
        .values(**changes, **stamp, version=s.c.version + 1)
    ).rowcount
    if not done and expected_version == 0:
        row = {"status": "new", **fresh, **stamp, "mention_id": mention_id, "version": 1}
        stmt = _insert(conn)(s).values(**row).on_conflict_do_nothing(index_elements=[s.c.mention_id])
        # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT DO NOTHING
        done = conn.execute(stmt.returning(s.c.mention_id)).first() is not None
    if done:
        _bump_queue_version(conn, [mention_id])
        _audit_change(conn, account, action, mention_id, before, detail)
        return ActionResult(ok=True)
    return _conflict(conn, mention_id)


def _check(conn: Connection, mention_id: int, account: Account) -> ActionResult | None:
    """Refuse (Forbidden) a role that may not act; say so when the mention is gone."""
    require(account, "respond")
    if conn.execute(select(mentions.c.id).where(mentions.c.id == mention_id)).first() is None:
        return ActionResult(ok=False, message="This mention is no longer stored.")
    return None


def _now_value() -> ColumnElement[datetime]:
    return literal(datetime.now(UTC), mention_state.c.updated_at.type)


def assign(
    conn: Connection, mention_id: int, expected_version: int, assignee: str | None, account: Account
) -> ActionResult:
    """Assign (status `assigned`) or, with an empty assignee, unassign (status back to `new`).

    A replied or dismissed mention keeps its status; only the assignee changes.
    """
    if (problem := _check(conn, mention_id, account)) is not None:
        return problem
    who = (assignee or "").strip() or None
    s = mention_state
    open_status = "assigned" if who else "new"
    changes = {"assignee": who, "status": case((s.c.status.in_(OPEN), literal(open_status)), else_=s.c.status)}
    fresh = {"assignee": who, "status": open_status}
    action = "assign" if who else "unassign"
    return _conditional_write(conn, mention_id, expected_version, changes, fresh, account, action)


def set_status(conn: Connection, mention_id: int, expected_version: int, status: str, account: Account) -> ActionResult:
    """Mark `replied` (first response now, unless one is known), `dismissed`, or reopen (`new`/`assigned`)."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r} (known: {', '.join(STATUSES)})")
    if (problem := _check(conn, mention_id, account)) is not None:
        return problem
    s = mention_state
    changes: dict[str, Any] = {"status": status}
    fresh: dict[str, Any] = {"status": status}
    if status == "replied":
        changes["first_response_at"] = func.coalesce(s.c.first_response_at, _now_value())
        changes["responded_by"] = func.coalesce(s.c.responded_by, literal(account.name))
        fresh |= {"first_response_at": datetime.now(UTC), "responded_by": account.name}
    if status in OPEN:  # reopening forgets why it was dismissed (the audit trail keeps it)
        changes |= {"dismiss_reason": None, "dismiss_note": None}
    action = {"replied": "mark_replied", "dismissed": "dismiss"}.get(status, "reopen")
    return _conditional_write(conn, mention_id, expected_version, changes, fresh, account, action)


def add_note(conn: Connection, mention_id: int, expected_version: int, text: str, account: Account) -> ActionResult:
    """Append a dated, signed line to the mention's notes."""
    require(account, "respond")
    if not text.strip():
        return ActionResult(ok=False, message="The note is empty.")
    if (problem := _check(conn, mention_id, account)) is not None:
        return problem
    s = mention_state
    line = f"[{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {account.name}] {text.strip()}"
    note = case(
        (or_(s.c.note.is_(None), s.c.note == ""), literal(line)),
        else_=s.c.note + literal("\n") + literal(line),
    )
    return _conditional_write(
        conn, mention_id, expected_version, {"note": note}, {"note": line}, account, "note", text.strip()
    )


def correct_sentiment(
    conn: Connection, mention_id: int, expected_version: int, label: str | None, account: Account
) -> ActionResult:
    """Override the sentiment label (None clears it), refresh its rollup hour, bump the data version."""
    if label is not None and label not in LABELS:
        raise ValueError(f"unknown sentiment {label!r} (known: {', '.join(LABELS)})")
    if (problem := _check(conn, mention_id, account)) is not None:
        return problem
    change = {"sentiment_override": label}
    result = _conditional_write(conn, mention_id, expected_version, change, change, account, "correct_sentiment")
    if result.ok:
        created = conn.execute(select(mentions.c.created_at).where(mentions.c.id == mention_id)).scalar()
        when = pd.to_datetime(pd.Series([created]), utc=True, format="ISO8601")
        writer.refresh_rollups(conn, writer.hour_ranges(when))
        writer.bump_data_version(conn)
        touched.record(conn, touched.days_of(when))
    return result


def reply_allowed(conn: Connection, mention_id: int, expected_version: int, account: Account) -> ActionResult:
    """Whether `account` may post a reply now: a responder, and the state is still the one they confirmed."""
    require(account, "respond")
    current = mention_with_state(conn, mention_id)
    if current is None:
        return ActionResult(ok=False, message="This mention is no longer stored.")
    if current["version"] != expected_version:
        return _conflict(conn, mention_id)
    if current.get("response_post_id"):
        return ActionResult(ok=False, current=current, message="A reply to this mention is already recorded.")
    return ActionResult(ok=True, current=current)


def record_reply(
    conn: Connection,
    mention_id: int,
    expected_version: int,
    response_post_id: str,
    account: Account,
    text: str | None = None,
) -> ActionResult:
    """Keep the id of a reply posted from the dashboard: status `replied`, first response now if none.

    The reply is public already, so when the state moved meanwhile it is recorded anyway (first
    response and reply id only where empty) and the result reports the conflict. Audited as
    `reply_posted` with the reply's text as the detail.
    """
    require(account, "respond")
    s = mention_state
    who = account.name
    changes: dict[str, Any] = {
        "status": "replied",
        "first_response_at": func.coalesce(s.c.first_response_at, _now_value()),
        "response_post_id": func.coalesce(s.c.response_post_id, literal(response_post_id)),
        "responded_by": func.coalesce(s.c.responded_by, literal(who)),
    }
    fresh = {
        "status": "replied",
        "first_response_at": datetime.now(UTC),
        "response_post_id": response_post_id,
        "responded_by": who,
    }
    result = _conditional_write(
        conn,
        mention_id,
        expected_version,
        changes,
        fresh,
        account,
        "reply_posted",
        _reply_detail(response_post_id, text),
    )
    if result.ok or not result.current:
        return result
    before = mention_with_state(conn, mention_id)
    conn.execute(
        update(s)
        .where(s.c.mention_id == mention_id)
        .values(**changes, updated_at=datetime.now(UTC), updated_by=who, version=s.c.version + 1)
    )
    _bump_queue_version(conn, [mention_id])
    _audit_change(conn, account, "reply_posted", mention_id, before, _reply_detail(response_post_id, text))
    result.current = mention_with_state(conn, mention_id) or result.current
    result.message += " Your reply was posted, so its id was recorded anyway."
    return result


def set_outcome(
    conn: Connection, mention_id: int, expected_version: int, outcome: str | None, account: Account
) -> ActionResult:
    """A manager's outcome of an answered conversation (analysis.resolution.MANUAL; None clears it, so
    the computed one shows again): it wins over the computed outcome. Audited as `set_outcome`; only
    a mention with a first response has a conversation to judge."""
    if outcome is not None and outcome not in resolution.MANUAL:
        raise ValueError(f"unknown outcome {outcome!r} (known: {', '.join(resolution.MANUAL)})")
    if (problem := _check(conn, mention_id, account)) is not None:
        return problem
    answered = conn.execute(
        select(mention_state.c.first_response_at).where(mention_state.c.mention_id == mention_id)
    ).scalar()
    if answered is None:
        return ActionResult(ok=False, message="Nobody answered this mention yet: there is no outcome to set.")
    change = {
        "outcome_override": outcome,
        "outcome_by": account.name if outcome else None,
        "outcome_at": datetime.now(UTC) if outcome else None,
    }
    detail = resolution.LABELS[outcome] if outcome else "computed outcome restored"
    return _conditional_write(conn, mention_id, expected_version, change, change, account, "set_outcome", detail)


def _reply_detail(response_post_id: str, text: str | None) -> str:
    return f"reply id {response_post_id}" + (f": {text}" if text else "")


def record_reply_failure(
    conn: Connection, mention_id: int, account: Account, reason: str, text: str | None = None
) -> None:
    """Audit a reply that was not posted (`reply_failed`, with the reason); the state does not change."""
    require(account, "respond")
    detail = reason + (f" | reply: {text}" if text else "")
    audit.record(conn, actor=account.name, action="reply_failed", mention_id=mention_id, detail=detail)


# ---------------------------------------------------------------------------------------------- dismiss, replies


def dismiss(
    conn: Connection,
    mention_id: int,
    expected_version: int,
    reason: str,
    account: Account,
    note: str | None = None,
) -> ActionResult:
    """Dismiss with a reason (a key of DISMISS_REASONS; "other" needs `note`), audited as `dismiss`.

    `Reopen` (set_status to new/assigned) undoes it and clears the reason.
    """
    if reason not in DISMISS_REASONS:
        known = ", ".join(DISMISS_REASONS)
        return ActionResult(ok=False, message=f"Pick why it is dismissed ({known}).")
    text = (note or "").strip()[:500] or None
    if reason == "other" and not text:
        return ActionResult(ok=False, message="Say in a few words why it is dismissed (reason: other).")
    if (problem := _check(conn, mention_id, account)) is not None:
        return problem
    changes = {"status": "dismissed", "dismiss_reason": reason, "dismiss_note": text}
    detail = DISMISS_REASONS[reason] + (f": {text}" if text else "")
    return _conditional_write(conn, mention_id, expected_version, changes, changes, account, "dismiss", detail)


def dismiss_text(reason: str | None, note: str | None) -> str:
    """A dismissal's reason as shown ("spam", "other: duplicate of a ticket"); "" when none is stored."""
    if not reason:
        return ""
    label = DISMISS_REASONS.get(reason, reason)
    return f"{label}: {note}" if note else label


def _stamp_text(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC") if value is not None and pd.notna(value) else "just now"


def claim_reply(
    conn: Connection, mention_id: int, expected_version: int, account: Account, now: datetime | None = None
) -> ActionResult:
    """Check the mention again just before a reply is posted, and claim it so nobody posts a second one.

    Refused (nothing to post) when the state moved on since the form was opened at
    `expected_version`: a reply recorded from the dashboard, a brand reply collected, a mark
    replied, or any other change; the message says who and when. Otherwise the state's version
    moves on by one in a conditional write (so a second person's claim at the same version
    fails) and `current["version"]` is the version to record the reply against. Not audited
    itself: `reply_posted` or `reply_failed` follows.
    """
    require(account, "respond")
    current = mention_with_state(conn, mention_id)
    if current is None:
        return ActionResult(ok=False, message="This mention is no longer stored.")
    if current["version"] != expected_version or current.get("response_post_id"):
        return _replied_meanwhile(conn, mention_id, current)
    s = mention_state
    stamp = {"updated_at": (now or datetime.now(UTC)).astimezone(UTC), "updated_by": account.name}
    done = conn.execute(
        update(s)
        .where(s.c.mention_id == mention_id, s.c.version == expected_version)
        .values(**stamp, version=s.c.version + 1)
    ).rowcount
    if not done and expected_version == 0:
        row = {"status": "new", **stamp, "mention_id": mention_id, "version": 1}
        stmt = _insert(conn)(s).values(**row).on_conflict_do_nothing(index_elements=[s.c.mention_id])
        done = conn.execute(stmt.returning(s.c.mention_id)).first() is not None
    if not done:
        return _replied_meanwhile(conn, mention_id, mention_with_state(conn, mention_id) or current)
    _bump_queue_version(conn, [mention_id])
    return ActionResult(ok=True, current={"version": expected_version + 1})


def _replied_meanwhile(conn: Connection, mention_id: int, current: dict[str, Any]) -> ActionResult:
    """Why a reply may not go out: who replied and when, else who changed the mention and when."""
    if current.get("response_post_id") or current.get("first_response_at") is not None:
        who = current.get("responded_by") or current.get("updated_by") or "somebody"
        reply = f" (reply id {current['response_post_id']})" if current.get("response_post_id") else ""
        return ActionResult(
            ok=False,
            current=current,
            message=f"{who} replied at {_stamp_text(current.get('first_response_at'))}{reply} since you opened "
            "the reply form; nothing was posted.",
        )
    who = current.get("updated_by") or "somebody"
    return ActionResult(
        ok=False,
        current=current,
        message=f"{who} changed this mention at {_stamp_text(current.get('updated_at'))} since you opened the "
        "reply form; nothing was posted. Check it and send again if it still needs your reply.",
    )
