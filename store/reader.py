"""Reading for the dashboard and reports: aggregates in SQL or over rollups, never every row.

Each function takes an open connection and plain filter values and returns a small frame
or a number; pages cache them by `data_version` so new rows show without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Connection, and_, func, or_, select

from store.schema import mention_state, mentions, rollup_hourly, runs
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
    low, high = conn.execute(select(func.min(rollup_hourly.c.hour), func.max(rollup_hourly.c.hour))).one()
    if low is None:
        return None
    return pd.Timestamp(low).date(), pd.Timestamp(high).date()


def brands_stored(conn: Connection) -> list[str]:
    return [r[0] for r in conn.execute(select(rollup_hourly.c.brand).distinct().order_by(rollup_hourly.c.brand))]


def platforms_stored(conn: Connection) -> list[str]:
    return [r[0] for r in conn.execute(select(rollup_hourly.c.platform).distinct().order_by(rollup_hourly.c.platform))]


def rollups(conn: Connection, filters: Filters, *, include_own: bool = False) -> pd.DataFrame:
    """rollup_hourly rows for the filters: one row per hour, brand, platform, kind (and is_own)."""
    r = rollup_hourly
    query = select(r).where(r.c.hour >= filters.start_at, r.c.hour < filters.end_at)
    if filters.brands:
        query = query.where(r.c.brand.in_(filters.brands))
    if filters.platforms:
        query = query.where(r.c.platform.in_(filters.platforms))
    if not include_own:
        query = query.where(r.c.is_own.is_(False))
    frame = pd.read_sql(query, conn)
    frame["hour"] = _utc(frame["hour"])
    return frame


def _mention_filter(filters: Filters):  # type: ignore[no-untyped-def]
    conditions = [mentions.c.created_at >= filters.start_at, mentions.c.created_at < filters.end_at]
    if filters.brands:
        conditions.append(mentions.c.brand.in_(filters.brands))
    if filters.platforms:
        conditions.append(mentions.c.platform.in_(filters.platforms))
    return and_(*conditions)


def open_flagged_count(conn: Connection, filters: Filters) -> int:
    """Mentions that need a reply, are not answered, and are neither replied nor dismissed."""
    s = mention_state
    query = (
        select(func.count())
        .select_from(mentions.outerjoin(s, s.c.mention_id == mentions.c.id))
        .where(
            mentions.c.needs_reply.is_(True),
            _mention_filter(filters),
            s.c.first_response_at.is_(None),
            or_(s.c.status.is_(None), s.c.status.in_(OPEN_STATUSES)),
        )
    )
    return int(conn.execute(query).scalar() or 0)


def last_runs(conn: Connection) -> pd.DataFrame:
    """The newest run of every source (status, times, counts, error)."""
    newest = select(runs.c.source, func.max(runs.c.id).label("id")).group_by(runs.c.source).subquery()
    frame = pd.read_sql(select(runs).join(newest, runs.c.id == newest.c.id).order_by(runs.c.source), conn)
    for column in ("started_at", "finished_at"):
        frame[column] = _utc(frame[column])
    return frame
