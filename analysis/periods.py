"""Reporting periods, in UTC: a day starts at 00:00, a week is an ISO week (Monday 00:00)."""

from __future__ import annotations

from typing import Literal

import pandas as pd

Period = Literal["day", "week", "hour"]
PERIODS: tuple[str, ...] = ("hour", "day", "week")


def to_utc(values: pd.Series) -> pd.Series:
    """Timestamps as datetime64 UTC (naive ones are taken to be UTC already)."""
    values = pd.to_datetime(values, utc=True)
    return values


def period_start(values: pd.Series, period: Period = "day") -> pd.Series:
    """The start (UTC) of the hour, day or ISO week each timestamp falls in."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    ts = to_utc(values)
    if period == "hour":
        return ts.dt.floor("h")
    day = ts.dt.floor("D")
    if period == "day":
        return day
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def iso_week_label(values: pd.Series) -> pd.Series:
    """ISO week of each timestamp (UTC) as text, e.g. 2024-W05 (the ISO year, which can differ near New Year)."""
    iso = to_utc(values).dt.isocalendar()
    out = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
    return out.where(values.notna().to_numpy(), None)
