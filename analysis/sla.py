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

import numpy as np
import pandas as pd

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


# --- many rows at once: the queue page, the Overview tiles and the weekly report ----------------


def _epoch(moment: datetime) -> float:
    return _utc(moment).timestamp()


def windows(first: datetime, last: datetime, business_hours: Hours) -> tuple[np.ndarray, np.ndarray]:
    """Opening windows (UTC epoch seconds, opens and closes) on the brand's local days from `first`'s
    local day to `last`'s, oldest first."""
    zone = business_hours.zone
    day, end_day = _utc(first).astimezone(zone).date(), _utc(last).astimezone(zone).date()
    opens: list[float] = []
    closes: list[float] = []
    while day <= end_day:
        if day.weekday() in business_hours.weekdays and day not in business_hours.holiday_dates:
            o = datetime.combine(day, business_hours.opens, tzinfo=zone).timestamp()
            c = datetime.combine(day, business_hours.closes, tzinfo=zone).timestamp()
            if c > o:
                opens.append(o)
                closes.append(c)
        day += timedelta(days=1)
    return np.asarray(opens, dtype=float), np.asarray(closes, dtype=float)


def _clock(seconds: np.ndarray, opens: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """Business seconds from the first window's opening to each moment (epoch seconds)."""
    if len(opens) == 0:
        return np.zeros(len(seconds))
    lengths = closes - opens
    before = np.concatenate([[0.0], np.cumsum(lengths)])
    index = np.searchsorted(opens, seconds, side="right") - 1
    inside = np.clip(seconds - opens[np.maximum(index, 0)], 0.0, lengths[np.maximum(index, 0)])
    return np.where(index >= 0, before[np.maximum(index, 0)] + inside, 0.0)


def elapsed_hours(start: pd.Series, end: pd.Series, business_hours: Hours | None) -> np.ndarray:
    """`business_elapsed` for many rows, in hours (NaN where a time is missing; never negative).

    Calendar hours without business hours. One pass over the opening windows of the days the
    rows span, so a report over thousands of mentions stays fast.
    """
    begin = pd.to_datetime(start, utc=True)
    finish = pd.to_datetime(end, utc=True)
    missing = (begin.isna() | finish.isna()).to_numpy()
    if business_hours is None or missing.all():
        hours = ((finish - begin).dt.total_seconds() / 3600).to_numpy(dtype=float)
        return np.where(missing, np.nan, np.maximum(hours, 0.0))
    epoch = pd.Timestamp(0, tz="UTC")
    a = (begin - epoch).dt.total_seconds().to_numpy(dtype=float)
    b = (finish - epoch).dt.total_seconds().to_numpy(dtype=float)
    lo, hi = np.min(a[~missing]), np.max(b[~missing])
    opens, closes = windows(
        datetime.fromtimestamp(min(lo, hi), UTC), datetime.fromtimestamp(max(lo, hi), UTC), business_hours
    )
    seconds = _clock(np.where(missing, lo, b), opens, closes) - _clock(np.where(missing, lo, a), opens, closes)
    return np.where(missing, np.nan, np.maximum(seconds, 0.0) / 3600)


def breach_cutoff(now: datetime, sla_hours: float, business_hours: Hours) -> datetime:
    """The earliest moment a mention can be posted and still be within an SLA of `sla_hours` at `now`.

    A mention posted before it has waited more than `sla_hours` of business time by `now`
    (breached); one posted at or after it has not. The inverse of `deadline`, walking back from `now`.
    """
    stop = _utc(now)
    budget = timedelta(hours=float(sla_hours))
    day = stop.astimezone(business_hours.zone).date()
    for offset in range(MAX_DAYS):
        current = day - timedelta(days=offset)
        if current.weekday() not in business_hours.weekdays or current in business_hours.holiday_dates:
            continue
        opens = datetime.combine(current, business_hours.opens, tzinfo=business_hours.zone).astimezone(UTC)
        closes = min(datetime.combine(current, business_hours.closes, tzinfo=business_hours.zone).astimezone(UTC), stop)
        if closes <= opens:
            continue
        if budget <= timedelta(0):
            return closes
        if budget < closes - opens:
            return closes - budget
        budget -= closes - opens
    raise ValueError("business_hours has no opening within three years: check its days and holidays")


def recent_windows(now: datetime, sla_hours: float, business_hours: Hours) -> list[tuple[datetime, datetime]]:
    """The opening windows (UTC, cut at `now`) between `breach_cutoff` and `now`: all a mention that
    is still within its SLA has waited through (a few windows: about the SLA's length in business time)."""
    cut = breach_cutoff(now, sla_hours, business_hours)
    stop = _utc(now)
    out: list[tuple[datetime, datetime]] = []
    for opens, closes in _windows(cut, business_hours):
        if opens >= stop:
            break
        closes = min(closes, stop)
        if closes > cut and closes > opens:
            out.append((opens, closes))
    return out
