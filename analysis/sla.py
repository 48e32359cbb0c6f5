"""SLA clocks that follow a brand's business hours.

A brand without `business_hours` runs its clock around the clock (calendar time). With them,
only the time inside opening hours counts: a mention on Friday 16:45 with a 30-minute SLA and
Mon-Fri 09:00-17:00 hours breaches on Monday at 09:15; one on a weekend or a holiday starts its
clock at the next opening. Opening hours are local wall-clock times in the brand's time zone,
so a daylight-saving change moves them in UTC but never changes their length.

`business_hours` is anything with the attributes of `config.BusinessHours` (see `Hours`); this
module reads nothing and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

#: how far ahead a deadline is searched before giving up (a config with no open day at all).
MAX_DAYS = 3 * 366


class Hours(Protocol):
    """What the SLA clock needs of a brand's business hours (config.BusinessHours has it)."""

    @property
    def zone(self) -> ZoneInfo: ...

    @property
    def weekdays(self) -> frozenset[int]: ...

    @property
    def opens(self) -> time: ...

    @property
    def closes(self) -> time: ...

    @property
    def holiday_dates(self) -> frozenset[date]: ...


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("SLA times must be timezone-aware (UTC)")
    return moment.astimezone(UTC)


def _windows(start: datetime, hours: Hours) -> Iterator[tuple[datetime, datetime]]:
    """Opening windows (UTC start, UTC end) on the local days from `start`'s local day onwards."""
    day = start.astimezone(hours.zone).date()
    for offset in range(MAX_DAYS):
        current = day + timedelta(days=offset)
        if current.weekday() not in hours.weekdays or current in hours.holiday_dates:
            continue
        opens = datetime.combine(current, hours.opens, tzinfo=hours.zone).astimezone(UTC)
        closes = datetime.combine(current, hours.closes, tzinfo=hours.zone).astimezone(UTC)
        if closes > opens:
            yield opens, closes


def deadline(created_at: datetime, sla_hours: float, business_hours: Hours | None) -> datetime:
    """The UTC moment a mention created at `created_at` breaches an SLA of `sla_hours`.

    Around the clock without business hours; otherwise `sla_hours` of business time counted
    from `created_at` (or from the next opening when it arrives outside hours).
    """
    start = _utc(created_at)
    budget = timedelta(hours=float(sla_hours))
    if business_hours is None:
        return start + budget
    for opens, closes in _windows(start, business_hours):
        if closes <= start:
            continue
        begin = max(opens, start)
        if begin + budget <= closes:
            return begin + budget
        budget -= closes - begin
    raise ValueError("business_hours has no opening within three years: check its days and holidays")


def business_elapsed(start: datetime, end: datetime, business_hours: Hours | None) -> timedelta:
    """Business time between two moments (calendar time without business hours; never negative)."""
    begin, finish = _utc(start), _utc(end)
    if finish <= begin:
        return timedelta(0)
    if business_hours is None:
        return finish - begin
    total = timedelta(0)
    for opens, closes in _windows(begin, business_hours):
        if opens >= finish:
            break
        overlap = min(closes, finish) - max(opens, begin)
        if overlap > timedelta(0):
            total += overlap
    return total
