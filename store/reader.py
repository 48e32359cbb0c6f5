"""Reading for the dashboard and reports: aggregates in SQL or over rollups, never every row.

Each function takes an open connection and plain filter values and returns a small frame
or a number; pages cache them by `data_version` so new rows show without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Float, Select, Text, and_, case, func, or_, select, type_coerce

from frame import DEMO_LIVE_PREFIX, DEMO_SOURCES
from store import measures
from store.schema import mention_state, mentions, meta, rollup_hourly
from store.writer import data_version  # noqa: F401  (re-exported for readers)

OPEN_STATUSES = ("new", "assigned")


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects: brands, platforms (empty = all) and an inclusive UTC date range."""

    brands: tuple[str, ...]
    platforms: tuple[str, ...] = ()
    start: date = field(default_factory=lambda: datetime.now(UTC).date() - timedelta(days=29))
    end: date = field(default_factory=lambda: datetime.now(UTC).date())

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def end_at(self) -> datetime:
        """Exclusive end: midnight after the last selected day."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    def previous(self) -> Filters:
        """The same length of time just before this range (for 'change against previous period')."""
        days = (self.end - self.start).days + 1
        return Filters(self.brands, self.platforms, self.start - timedelta(days=days), self.start - timedelta(days=1))


def _utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True)


def date_bounds(conn: Connection) -> tuple[date, date] | None:
    """The first and last day with a stored mention, or None when the store is empty."""
    # two scalar subqueries: each is one index look-up (SQLite scans the whole index for min and max together)
    hour = rollup_hourly.c.hour
    low, high = conn.execute(
        select(select(func.min(hour)).scalar_subquery(), select(func.max(hour)).scalar_subquery())
    ).one()
    if low is None:
        return None
    return pd.Timestamp(low).date(), pd.Timestamp(high).date()


def platforms_stored(conn: Connection) -> list[str]:
    return [r[0] for r in conn.execute(select(rollup_hourly.c.platform).distinct().order_by(rollup_hourly.c.platform))]


def platforms_in(conn: Connection, filters: Filters) -> list[str]:
    """The platforms with mentions in the filters' days (brands and platforms of the filters ignored)."""
    r = rollup_hourly
    query = (
        select(r.c.platform)
        .where(r.c.hour >= filters.start_at, r.c.hour < filters.end_at)
        .distinct()
        .order_by(r.c.platform)
    )
    return [row[0] for row in conn.execute(query)]


def _rollup_filters(query: Select[Any], filters: Filters, include_own: bool) -> Select[Any]:
    """`query` over rollup_hourly narrowed to the filters' hours, brands and platforms (and others' posts only)."""
    r = rollup_hourly
    query = query.where(r.c.hour >= filters.start_at, r.c.hour < filters.end_at)
    if filters.brands:
        query = query.where(r.c.brand.in_(filters.brands))
    if filters.platforms:
        query = query.where(r.c.platform.in_(filters.platforms))
    if not include_own:
        query = query.where(r.c.is_own.is_(False))
    return query


def rollups(conn: Connection, filters: Filters, *, include_own: bool = False) -> pd.DataFrame:
    """rollup_hourly rows for the filters: one row per hour, brand, platform, kind (and is_own)."""
    query = _rollup_filters(select(rollup_hourly), filters, include_own)
    frame = pd.read_sql(query, conn)
    frame["hour"] = _utc(frame["hour"])
    return frame


#: the columns rollup rows are keyed by (store/schema.py rollup_hourly): everything else is a sum.
ROLLUP_KEYS: tuple[str, ...] = ("hour", "brand", "platform", "kind", "is_own")


def day_rollups(conn: Connection, filters: Filters, *, include_own: bool = False) -> pd.DataFrame:
    """`rollups` summed per UTC day (`hour` is the day's 00:00): the same sums in 1/24 of the rows, for
    everything that is computed per day, per ISO week or over the whole range."""
    if filters.start == filters.end:  # one day (a split read's last part, read again after every write)
        found = _one_day_rollups(conn, filters, include_own)
        if len(found):
            return found
    return days_of_rollups(rollups(conn, filters, include_own=include_own))


def _one_day_rollups(conn: Connection, filters: Filters, include_own: bool) -> pd.DataFrame:
    """`days_of_rollups` of one day's rollups, summed in SQL (float sums may differ in the last bit):
    the frame has the same columns, dtypes and row order; an empty frame when the day has no rows."""
    r = rollup_hourly
    keys = [r.c[k] for k in ROLLUP_KEYS if k != "hour"]
    sums = [c for c in r.c if c.name not in ROLLUP_KEYS]
    query = _rollup_filters(
        select(*keys, *(func.sum(c).label(c.name) for c in sums)).group_by(*keys), filters, include_own
    )
    # ordered here, not in SQL: PostgreSQL's collation may order text otherwise than pandas does
    rows = sorted((tuple(row) for row in conn.execute(query)), key=lambda row: row[: len(keys)])
    if not rows:
        return pd.DataFrame()
    values = list(zip(*rows, strict=True))
    # built column by column from arrays: a setitem per column costs more than the query
    data: dict[str, Any] = {"hour": _utc(pd.Series([filters.start_at] * len(rows)))}
    for key, key_values in zip(keys, values, strict=False):
        data[key.name] = np.array(key_values, dtype=bool) if key.name == "is_own" else list(key_values)
    for column, column_values in zip(sums, values[len(keys) :], strict=True):
        data[column.name] = np.array(column_values, dtype=np.float64 if isinstance(column.type, Float) else np.int64)
    return pd.DataFrame(data)


def days_of_rollups(rows: pd.DataFrame) -> pd.DataFrame:
    """Rollup rows summed per UTC day, brand, platform, kind and is_own, in that order."""
    sums = [c for c in rows.columns if c not in ROLLUP_KEYS]
    if rows.empty:
        return rows.reset_index(drop=True)
    # grouped by column names: Series keys cost pandas a repr of each key per groupby
    days = rows.assign(hour=rows["hour"].dt.floor("D"))
    out = days.groupby(list(ROLLUP_KEYS), sort=True)[sums].sum().reset_index()
    return out[list(rows.columns)]


def _mention_filter(filters: Filters):
    conditions = [mentions.c.created_at >= filters.start_at, mentions.c.created_at < filters.end_at]
    if filters.brands:
        conditions.append(mentions.c.brand.in_(filters.brands))
    if filters.platforms:
        conditions.append(mentions.c.platform.in_(filters.platforms))
    return and_(*conditions)


def is_demo_row(column=mentions.c.source):
    """A generated demo mention: the seeded set's source, or a `demo` source's (frame.DEMO_LIVE_PREFIX)."""
    return or_(column.in_(DEMO_SOURCES), func.substr(column, 1, len(DEMO_LIVE_PREFIX)) == DEMO_LIVE_PREFIX)


def demo_rows(conn: Connection, filters: Filters) -> tuple[int, int]:
    """(generated demo mentions, all mentions) for the filters, the brand's own posts included."""
    demo = func.coalesce(func.sum(case((is_demo_row(), 1), else_=0)), 0)
    row = conn.execute(select(demo, func.count()).where(_mention_filter(filters))).one()
    return int(row[0]), int(row[1])


def open_flagged_count(conn: Connection, filters: Filters) -> int:
    """Mentions that need a reply, are not answered, and are neither replied nor dismissed."""
    s = mention_state
    query = (
        select(func.count())
        .select_from(mentions.outerjoin(s, s.c.mention_id == mentions.c.id))
        .where(
            mentions.c.needs_reply.is_(True),
            mentions.c.is_own.is_(False),  # never flagged (analysis.flags); lets ix_mentions_queue serve the count
            _mention_filter(filters),
            s.c.first_response_at.is_(None),
            or_(s.c.status.is_(None), s.c.status.in_(OPEN_STATUSES)),
        )
    )
    return int(conn.execute(query).scalar() or 0)


# ---------------------------------------------------------------------------------------------- pages
# Aggregates the dashboard pages read, each bounded: GROUP BY or ORDER BY ... LIMIT in SQL,
# or sums over rollup_hourly. Every frame returned is small whatever the store's size.

POST_COLUMNS = [
    "id",
    "platform",
    "kind",
    "url",
    "author_handle",
    "author_name",
    "author_followers",
    "text",
    "created_at",
    "likes",
    "replies",
    "reposts",
    "quotes",
    "views",
    "brand",
    "sentiment",
    "sentiment_label",
]
TOP_ORDERS = ("engagements", "views", "followers")


def _others(filters: Filters):
    return and_(_mention_filter(filters), mentions.c.is_own.is_(False))


def _times(values: pd.Series) -> pd.Series:
    """UTC timestamps from SQLite's text or PostgreSQL's datetimes, parsed in bulk."""
    if values.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if values.map(type).eq(str).any():
        return pd.to_datetime(values, utc=True, format="ISO8601")
    return pd.to_datetime(values, utc=True)


def _whole(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Sums as int64 (PostgreSQL returns SUM(bigint) as numeric, i.e. Python Decimals)."""
    for column in columns:
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype("int64")
    return frame


def _records(conn: Connection, query, columns: list[str]) -> pd.DataFrame:
    """Rows as a frame, through plain tuples (pandas is slow on SQLAlchemy Row objects)."""
    return pd.DataFrame([tuple(row) for row in conn.execute(query)], columns=columns)


def _frame(conn: Connection, query, columns: list[str]) -> pd.DataFrame:
    frame = _records(conn, query, columns)
    if "created_at" in frame:
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    return frame


def top_posts(conn: Connection, filters: Filters, *, by: str = "engagements", limit: int = 10) -> pd.DataFrame:
    """The `limit` mentions (not the brand's own) with the most engagements, views or author followers."""
    return top_posts_ranked(conn, filters, by=by, limit=limit).drop(columns=RANK_KEY)


#: the value a top list is ordered by (descending, then the id), kept so parts can be merged.
RANK_KEY = "rank_key"


def top_posts_ranked(conn: Connection, filters: Filters, *, by: str = "engagements", limit: int = 10) -> pd.DataFrame:
    """`top_posts` with the value it ranks by (`rank_key`)."""
    if by not in TOP_ORDERS:
        raise ValueError(f"by must be one of {', '.join(TOP_ORDERS)}")
    m = mentions
    key = {"engagements": measures.engagements(), "views": m.c.views, "followers": m.c.author_followers}[by]
    query = (
        select(*(m.c[c] for c in POST_COLUMNS), key.label(RANK_KEY))
        .where(_others(filters), key.is_not(None))
        .order_by(key.desc(), m.c.id)
        .limit(limit)
    )
    return _frame(conn, query, [*POST_COLUMNS, RANK_KEY])


AUTHOR_COLUMNS = [
    "platform",
    "author_handle",
    "author_name",
    "max_followers",
    "last_seen",
    "mentions",
    "engagements",
    "no_engagement_data",
    "views",
    "engagements_with_views",
    "followers",
    "engagements_with_followers",
]
#: what ranks authors: engagements summed, mentions, the largest follower count seen (reach).
RANK_COLUMNS = ["platform", "author_handle", "engagements", "mentions", "reach"]


def _author_order(by: str) -> list[Any]:
    m = mentions
    eng, reach = func.sum(measures.engagements()), func.max(m.c.author_followers)
    keys = [eng.desc(), func.count().desc()] if by == "engagements" else [reach.desc(), eng.desc()]
    return [*keys, m.c.platform, m.c.author_handle]


def author_ranks(
    conn: Connection,
    filters: Filters,
    *,
    by: str = "engagements",
    limit: int | None = 10,
    handles: Any = None,
    at_least: float | None = None,
    keep: Any = None,
) -> pd.DataFrame:
    """Authors of others' mentions with what ranks them (RANK_COLUMNS), best first: the top `limit`
    (None: every author; `handles`: only those; `at_least`: only those whose engagements, or reach by
    "followers", are at least that, and those whose handle is in `keep`). By "followers", authors
    with a known reach only when `limit` is set (a part of a range may lack the reach another part has)."""
    if by not in ("engagements", "followers"):
        raise ValueError("by must be engagements or followers")
    m = mentions
    reach = func.max(m.c.author_followers)
    engaged = func.sum(measures.engagements())
    query = (
        select(m.c.platform, m.c.author_handle, engaged, func.count(), reach)
        .where(_others(filters), m.c.author_handle.is_not(None))
        .group_by(m.c.platform, m.c.author_handle)
    )
    if handles is not None:
        query = query.where(m.c.author_handle.in_(sorted(handles)))
    if at_least is not None:
        enough = (engaged if by == "engagements" else reach) >= at_least
        query = query.having(or_(enough, m.c.author_handle.in_(sorted(keep))) if keep else enough)
    if limit is not None:
        query = query.order_by(*_author_order(by)).limit(limit)
        if by == "followers":
            query = query.having(reach.is_not(None))
    frame = _records(conn, query, RANK_COLUMNS)
    frame["reach"] = pd.to_numeric(frame["reach"], errors="coerce").astype("float64")
    return _whole(frame, ["engagements", "mentions"])


def _author_sums(filters: Filters) -> Any:
    """AUTHOR_COLUMNS per (platform, author_handle) of others' mentions in range, as a grouped select."""
    m = mentions
    return (
        select(
            m.c.platform,
            m.c.author_handle,
            func.max(m.c.author_name),
            func.max(m.c.author_followers),
            type_coerce(func.max(m.c.created_at), Text),
            func.count(),
            func.sum(measures.engagements()),
            measures.sum_if(measures.no_engagement_data(), 1),
            *measures.rate_sums(),  # the same sums as rollup_hourly's (store.writer.refresh_rollups)
        )
        .where(_others(filters), m.c.author_handle.is_not(None))
        .group_by(m.c.platform, m.c.author_handle)
    )


def _author_frame(conn: Connection, query: Any) -> pd.DataFrame:
    frame = _records(conn, query, AUTHOR_COLUMNS)
    frame["last_seen"] = _times(frame["last_seen"])
    frame["max_followers"] = pd.to_numeric(frame["max_followers"]).astype("Int64")
    return _whole(frame, AUTHOR_COLUMNS[5:])


def author_sums(conn: Connection, filters: Filters, handles: tuple[str, ...]) -> pd.DataFrame:
    """AUTHOR_COLUMNS for the authors with these handles (any platform), summed in SQL: the sums of
    analysis.engagement.SUM_COLUMNS (views and followers counted where > 0, as
    analysis.engagement.mention_sums does), the author's name, reach and last mention."""
    return _author_frame(conn, _author_sums(filters).where(mentions.c.author_handle.in_(sorted(set(handles)))))


def author_leaders(conn: Connection, filters: Filters, *, by: str = "engagements", limit: int = 10) -> pd.DataFrame:
    """The top `limit` authors as `author_ranks` ranks them, with their AUTHOR_COLUMNS sums, best first:
    one GROUP BY over the range where `author_ranks` then `author_sums` read it twice."""
    if by not in ("engagements", "followers"):
        raise ValueError("by must be engagements or followers")
    query = _author_sums(filters).order_by(*_author_order(by)).limit(limit)
    if by == "followers":
        query = query.having(func.max(mentions.c.author_followers).is_not(None))
    return _author_frame(conn, query)


def _rank_view(sums: pd.DataFrame) -> pd.DataFrame:
    """RANK_COLUMNS of AUTHOR_COLUMNS rows (reach: the largest follower count seen)."""
    if not len(sums):  # an empty part may come back without its columns (store.readcache)
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "reach" else "object") for c in RANK_COLUMNS})
    return pd.DataFrame(
        {
            "platform": sums["platform"],
            "author_handle": sums["author_handle"],
            "engagements": sums["engagements"],
            "mentions": sums["mentions"],
            "reach": sums["max_followers"].astype("float64"),
        }
    ).reset_index(drop=True)


def _ranked(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """RANK_COLUMNS rows in the order of _author_order (platform and handle compared as text)."""
    if by == "followers":
        frame = frame[frame["reach"].notna()]
        keys, ascending = ["reach", "engagements", "platform", "author_handle"], [False, False, True, True]
    else:
        keys, ascending = ["engagements", "mentions", "platform", "author_handle"], [False, False, True, True]
    return frame.sort_values(keys, ascending=ascending, kind="stable").reset_index(drop=True)


def _pick(sums: pd.DataFrame, winners: list[tuple[str, str]]) -> pd.DataFrame:
    """The winners' rows of `sums`, in the winners' order."""
    rank = {key: i for i, key in enumerate(winners)}
    sums = sums.copy()
    sums["rank"] = [rank.get((p, h)) for p, h in zip(sums["platform"], sums["author_handle"], strict=True)]
    return sums.dropna(subset=["rank"]).sort_values("rank").drop(columns="rank").reset_index(drop=True)


def top_authors(conn: Connection, filters: Filters, *, by: str = "engagements", limit: int = 10) -> pd.DataFrame:
    """The `limit` authors (platform, author_handle) of others' mentions with the most engagements
    (`by="engagements"`) or the largest audience (`by="followers"`), summed in SQL.

    Columns: platform, author_handle, author_name, max_followers (reach: the largest follower
    count seen), last_seen, and analysis.engagement.SUM_COLUMNS over the author's mentions
    (views and followers counted where > 0, as analysis.engagement.mention_sums does), so
    analysis.engagement.add_rates gives each author's engagement rate. Two queries: a lean
    GROUP BY ranks the authors, the sums are taken for the `limit` winners only.
    """
    ranks = author_ranks(conn, filters, by=by, limit=limit)
    if ranks.empty:
        return pd.DataFrame(columns=AUTHOR_COLUMNS)
    winners = list(zip(ranks["platform"], ranks["author_handle"], strict=True))
    return _pick(author_sums(conn, filters, tuple(sorted({h for _, h in winners}))), winners)


#: above this many possible winners from the last day, a split top_authors reads the whole range.
AUTHOR_CANDIDATES = 400


def _add_ranks(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """RANK_COLUMNS rows added per author (engagements and mentions summed, the largest known reach), in
    the order authors first appear: in plain Python, as these frames are a few dozen rows (a pandas
    group-by over them costs more than the reads)."""
    added: dict[tuple[str, str], list[Any]] = {}
    for frame in frames:
        if not len(frame):  # an empty part may come back without its columns (store.readcache)
            continue
        columns = [frame[c].tolist() for c in RANK_COLUMNS]
        for platform, handle, engaged, count, reach in zip(*columns, strict=True):
            now = added.get((platform, handle))
            if now is None:
                added[(platform, handle)] = [int(engaged), int(count), float(reach)]
                continue
            now[0] += int(engaged)
            now[1] += int(count)
            if reach == reach and not now[2] >= reach:  # NaN (an unknown reach) never wins
                now[2] = float(reach)
    values = list(added.values())
    return pd.DataFrame(
        {
            "platform": pd.Series([k[0] for k in added], dtype="str"),
            "author_handle": pd.Series([k[1] for k in added], dtype="str"),
            "engagements": np.array([v[0] for v in values], dtype="int64"),
            "mentions": np.array([v[1] for v in values], dtype="int64"),
            "reach": np.array([v[2] for v in values], dtype="float64"),
        }
    )


def _add_sums(frames: list[pd.DataFrame]) -> pd.DataFrame:
    rows = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
    added = {c: (c, "sum") for c in AUTHOR_COLUMNS[5:]}
    out = rows.groupby(["platform", "author_handle"], as_index=False, sort=False).agg(
        author_name=("author_name", "max"),
        max_followers=("max_followers", "max"),
        last_seen=("last_seen", "max"),
        **added,
    )
    return out.loc[:, AUTHOR_COLUMNS]


def _keys(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(platform, author_handle) of each row (through lists: iterating Arrow-backed columns is slow)."""
    return list(zip(frame["platform"].tolist(), frame["author_handle"].tolist(), strict=True))


def _only(frame: pd.DataFrame, keys: set[tuple[str, str]], inside: bool = True) -> pd.DataFrame:
    """The rows of `frame` whose (platform, author_handle) is (`inside`) or is not in `keys`."""
    if not len(frame):
        return frame
    return frame[[(k in keys) == inside for k in _keys(frame)]]


def _handles(keys: Any) -> tuple[str, ...]:
    return tuple(sorted({h for _, h in keys}))


def top_authors_split(
    part_read: Any, parts: list[Filters], *, by: str = "engagements", limit: int = 10
) -> pd.DataFrame:
    """`top_authors` over the days before the last (`parts[0]`) and the last day (`parts[1]`), each read
    through `part_read(function, part, **kwargs)` (cached by its days), exactly as the whole read ranks.

    The days before give their top 2 x `limit` (`head`): those authors are exact with their last-day
    sums. Any other author can at most add its last-day value to the 2 x limit-th value (to nothing
    when the days before hold no other author), and the limit-th exact value is at least head's
    limit-th, so one read of the last day asks only for head's authors and those whose last-day value
    could reach that (`at_least`, `keep`: a few rows, where the last day holds thousands of authors).
    An outsider that could reach the limit-th exact value is read exactly over the days before
    (rarely: a viral post), or the whole range when they are more than AUTHOR_CANDIDATES. Sums are
    added per part: over the days before, head's come with its ranks (`author_leaders`: one scan of
    those days, a key that a collection leaves alone) and the outsiders' with theirs (`author_sums`);
    over the last day, the winners'.
    """
    before, last = parts
    leaders = part_read(author_leaders, before, by=by, limit=2 * limit)  # head's ranks and sums in one read
    head = _rank_view(leaders)
    key = "engagements" if by == "engagements" else "reach"
    known = set(_keys(head))
    complete = len(head) < 2 * limit  # the days before hold no other author (with a reach, by followers)
    # what an author outside `head` adds its last-day value to: nothing when `complete`, else the 2 x limit-th
    floor = None if complete else head[key].iloc[-1]
    low = head[key].iloc[limit - 1] if len(head) >= limit else None  # the limit-th exact value is at least this
    at_least: float | None = None
    if low is None or (by == "followers" and floor is not None and floor >= low):
        at_least = None  # any author of the last day may reach the top: ask for all of them
    elif by == "engagements":
        at_least = int(low) - int(floor or 0)
    else:
        at_least = float(low)
    if at_least is not None and by == "engagements" and at_least <= 0:
        at_least = None
    today = part_read(
        author_ranks,
        last,
        by=by,
        limit=None,
        at_least=at_least,
        keep=_handles(known) if at_least is not None else None,
    )
    exact = _add_ranks([head, _only(today, known)])
    others = _only(today, known, inside=False)
    best = _ranked(exact, by)
    bar = best[key].iloc[limit - 1] if len(best) >= limit else None
    earlier = leaders.iloc[:0]  # the outsiders' sums over the days before (none so far)
    if by == "engagements" and complete:
        exact = _add_ranks([exact, others])  # nobody else before the last day: today's sums are theirs
    elif len(others):
        if by == "engagements":
            ceiling = floor + others["engagements"]
        elif complete:  # nobody else before the last day has a reach
            ceiling = others["reach"]
        else:
            ceiling = others["reach"].fillna(floor).clip(lower=floor)
        maybe = others[ceiling >= bar] if bar is not None else others[ceiling.notna()]
        if len(maybe) > AUTHOR_CANDIDATES:
            whole = Filters(before.brands, before.platforms, before.start, last.end)
            return part_read(top_authors, whole, by=by, limit=limit)
        if len(maybe):
            wanted = set(_keys(maybe))
            earlier = _only(part_read(author_sums, before, _handles(wanted)), wanted)  # their ranks and sums
            exact = _add_ranks([exact, maybe, _rank_view(earlier)])
    winners_frame = _ranked(exact, by).head(limit)
    if winners_frame.empty:
        return pd.DataFrame(columns=AUTHOR_COLUMNS)
    winners = _keys(winners_frame)
    # a winner is of head (its sums came with it), an outsider read above, or (complete, by engagements) has no
    # mention before
    sums = _add_sums([leaders, earlier, part_read(author_sums, last, _handles(winners))])
    sums["max_followers"] = pd.to_numeric(sums["max_followers"]).astype("Int64")
    return _whole(_pick(sums, winners), AUTHOR_COLUMNS[5:])


def hourly_totals(conn: Connection, filters: Filters, *, include_own: bool = False) -> pd.DataFrame:
    """Mentions and engagements per hour (summed over brand, platform, kind) from rollup_hourly.

    At most 24 rows a day of the range: the hour-of-week heatmap groups these.
    """
    r = rollup_hourly
    query = (
        select(r.c.hour, func.sum(r.c.mentions).label("mentions"), func.sum(r.c.engagements).label("engagements"))
        .where(r.c.hour >= filters.start_at, r.c.hour < filters.end_at)
        .group_by(r.c.hour)
        .order_by(r.c.hour)
    )
    if filters.brands:
        query = query.where(r.c.brand.in_(filters.brands))
    if filters.platforms:
        query = query.where(r.c.platform.in_(filters.platforms))
    if not include_own:
        query = query.where(r.c.is_own.is_(False))
    frame = _records(conn, query, ["hour", "mentions", "engagements"])
    frame["hour"] = pd.to_datetime(frame["hour"], utc=True, format="ISO8601")
    return _whole(frame, ["mentions", "engagements"])


def _effective_label():
    """The stored label, or a manager's correction (analysis.sentiment.effective_label, in SQL)."""
    override = func.lower(func.trim(mention_state.c.sentiment_override))
    return case((override.in_(("positive", "neutral", "negative")), override), else_=mentions.c.sentiment_label)


def extreme_posts(conn: Connection, filters: Filters, label: str, *, limit: int = 10) -> pd.DataFrame:
    """The most negative (label 'negative') or most positive ('positive') mentions by VADER compound,
    counting a manager's correction: a corrected mention only shows under its corrected label."""
    if label not in ("negative", "positive"):
        raise ValueError("label must be 'negative' or 'positive'")
    m = mentions
    order = m.c.sentiment.asc() if label == "negative" else m.c.sentiment.desc()
    query = (
        select(*(m.c[c] for c in POST_COLUMNS), mention_state.c.sentiment_override)
        .select_from(m.outerjoin(mention_state, mention_state.c.mention_id == m.c.id))
        .where(_others(filters), _effective_label() == label, m.c.sentiment.is_not(None))
        .order_by(order, m.c.id)
        .limit(limit)
    )
    return _frame(conn, query, [*POST_COLUMNS, "sentiment_override"])


def recent_texts(conn: Connection, filters: Filters, label: str, *, limit: int = 2000) -> pd.Series:
    """Texts of the newest `limit` mentions with this (effective) sentiment label: a bounded sample
    for the terms that drive it."""
    m = mentions
    query = (
        select(m.c.text)
        .select_from(m.outerjoin(mention_state, mention_state.c.mention_id == m.c.id))
        .where(_others(filters), _effective_label() == label)
        .order_by(m.c.created_at.desc())
        .limit(limit)
    )
    return pd.Series([r[0] for r in conn.execute(query)], dtype="string", name="text")


def response_times(
    conn: Connection, filters: Filters, sla_hours: dict[str, float], with_brand: bool = False
) -> pd.DataFrame:
    """The input of analysis.response.response_stats for the flagged mentions in range, dismissed ones
    left out: created_at, first_response_at (UTC or NaT) and sla_hours (the brand's). Three numbers a row;
    `with_brand` adds the brand (what business-hours clocks need)."""
    m, s = mentions, mention_state
    sla = measures.sla_hours(sla_hours)
    names = ["created_at", "first_response_at", "sla_hours"]
    # raw values: SQLAlchemy's per-row datetime parsing on SQLite costs seconds here; pandas parses in bulk
    columns: list[Any] = [type_coerce(m.c.created_at, Text), type_coerce(s.c.first_response_at, Text), sla]
    if with_brand:
        columns.append(m.c.brand)
        names.append("brand")
    query = (
        select(*columns)
        .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
        .where(_others(filters), m.c.needs_reply.is_(True), func.coalesce(s.c.status, "new") != "dismissed")
    )
    frame = _records(conn, query, names)
    for column in ("created_at", "first_response_at"):
        frame[column] = _times(frame[column])
    frame["sla_hours"] = frame["sla_hours"].astype("float32")
    return frame


def iso_weeks(conn: Connection) -> list[str]:
    """ISO weeks (e.g. 2026-W47) that hold stored mentions, newest first."""
    bounds = date_bounds(conn)
    if bounds is None:
        return []
    first, last = bounds
    monday = last - timedelta(days=last.weekday())
    weeks: list[str] = []
    while monday + timedelta(days=6) >= first:
        year, week, _ = monday.isocalendar()
        weeks.append(f"{year}-W{week:02d}")
        monday -= timedelta(days=7)
    return weeks


def versions(conn: Connection) -> tuple[int, int]:
    """(data_version, queue_version) in one query: what cached page reads are keyed by.

    data_version moves when mentions or rollups change (ingest, sentiment corrections);
    queue_version when somebody acts on the reply queue (store.queue).
    """
    rows = {
        str(key): str(value or 0)
        for key, value in conn.execute(
            select(meta.c.key, meta.c.value).where(meta.c.key.in_(("data_version", "queue_version")))
        ).all()
    }
    return int(rows.get("data_version") or 0), int(rows.get("queue_version") or 0)


# --- reviews and ratings (issue 18) -----------------------------------------------------------


def satisfaction(conn: Connection, filters: Filters) -> pd.DataFrame:
    """Rated mentions (reviews) per UTC day, brand, platform and app (its source): the counts of
    analysis.satisfaction.COUNT_COLUMNS (store.measures.rating_sums), the brand's own posts left out.
    Reads the partial index of rated mentions only; one row per day and app, so it stays small."""
    m = mentions
    sums = measures.rating_sums()
    app = func.coalesce(m.c.source, "").label("app")
    query = (
        select(m.c.day, m.c.brand, m.c.platform, app, *sums)
        .where(_others(filters), m.c.rating.is_not(None))
        .group_by(m.c.day, m.c.brand, m.c.platform, app)
        .order_by(m.c.day, m.c.brand, m.c.platform, app)
    )
    names = ["day", "brand", "platform", "app", *(c.name for c in sums)]
    frame = _records(conn, query, names)
    frame["day"] = (
        pd.to_datetime(frame["day"]).dt.tz_localize(None).dt.tz_localize("UTC") if len(frame) else frame["day"]
    )
    return _whole(frame, names[4:])


# ---------------------------------------------------------------------------------------------- splits
# A page read over a date range, split at the range's last day: the days before it are closed to a
# collection of new mentions (a write touches the days of what it stores, store.touched), so their
# result is cached apart and joined with the last day's. `join` takes the parts' results in time
# order and the read's other arguments, and gives exactly what the whole read gives.


def split_days(filters: Filters) -> list[Filters]:
    """The range as [first .. day before last] and [last day] (one part for a one-day range)."""
    if filters.end <= filters.start:
        return [filters]
    last = Filters(filters.brands, filters.platforms, filters.end, filters.end)
    return [Filters(filters.brands, filters.platforms, filters.start, filters.end - timedelta(days=1)), last]


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    full = [p for p in parts if len(p)]
    if not full:
        return parts[-1]
    if len(full) == 1:
        return full[0]
    return pd.concat(full, ignore_index=True)


def _join_frames(parts: list[pd.DataFrame], *args: Any, **kwargs: Any) -> pd.DataFrame:
    return _concat(parts)


def _join_counts(parts: list[tuple[int, int]], *args: Any, **kwargs: Any) -> tuple[int, int]:
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def _join_names(parts: list[list[str]], *args: Any, **kwargs: Any) -> list[str]:
    return sorted(set().union(*parts))


def _join_count(parts: list[int], *args: Any, **kwargs: Any) -> int:
    return sum(parts)


def _join_top_posts(parts: list[pd.DataFrame], *args: Any, limit: int = 10, **kwargs: Any) -> pd.DataFrame:
    frame = _concat(parts).sort_values([RANK_KEY, "id"], ascending=[False, True], kind="stable")
    return frame.head(limit).drop(columns=RANK_KEY).reset_index(drop=True)


def _join_extremes(parts: list[pd.DataFrame], label: str, *args: Any, limit: int = 10, **kwargs: Any) -> pd.DataFrame:
    frame = _concat(parts).sort_values(["sentiment", "id"], ascending=[label == "negative", True], kind="stable")
    return frame.head(limit).reset_index(drop=True)


def _join_newest(parts: list[pd.Series], *args: Any, limit: int = 2000, **kwargs: Any) -> pd.Series:
    """Newest first: the last day's texts, then the days before."""
    full = [p for p in reversed(parts) if len(p)]
    if not full:
        return parts[-1]
    return pd.concat(full, ignore_index=True).head(limit).astype("string").rename("text")


@dataclass(frozen=True)
class Split:
    """How a read splits by days: `part` reads one part (same arguments), `join` joins the parts.
    With `compose`, the read is `compose(part_read, parts, *args, **kwargs)` instead, reading parts
    (any reader function) through `part_read(function, part, *args, **kwargs)`."""

    part: Any
    join: Any
    #: the result also depends on the reply workflow (queue_version), not only on touched days.
    queue: bool = False
    compose: Any = None


SPLITS: dict[Any, Split] = {
    rollups: Split(rollups, _join_frames),
    day_rollups: Split(day_rollups, _join_frames),
    platforms_in: Split(platforms_in, _join_names),
    hourly_totals: Split(hourly_totals, _join_frames),
    demo_rows: Split(demo_rows, _join_counts),
    open_flagged_count: Split(open_flagged_count, _join_count, queue=True),
    response_times: Split(response_times, _join_frames, queue=True),
    top_posts: Split(top_posts_ranked, _join_top_posts),
    extreme_posts: Split(extreme_posts, _join_extremes),
    recent_texts: Split(recent_texts, _join_newest),
    top_authors: Split(top_authors, None, compose=top_authors_split),
}
