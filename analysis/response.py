"""How well the team answers the reply queue: response rate, first response time, SLA breaches.

Formulas (analysis.formulas.FORMULAS): response rate = flagged mentions with a first response
/ flagged mentions; first response time = first_response_at - created_at over answered
mentions, mean and median, in MINUTES; SLA breach rate = mentions answered later than their
SLA, or unanswered and already waiting longer than it at `now`, / flagged mentions.
With business hours (brand -> config.BusinessHours), those brands' SLA breaches count business
time only (analysis.sla), and their first response times are also given in business minutes
(`first_response_business_*`, NaN for groups without such a brand); the plain columns stay calendar.
Mentions a manager dismissed (status "dismissed", when a `status` column is given) need no
reply and are left out of every figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import flags
from analysis.formulas import DEFAULT_SLA_HOURS
from analysis.periods import iso_week_label, period_start
from analysis.sla import Hours

OUTPUT_COLUMNS: tuple[str, ...] = (
    "flagged",
    "replied",
    "response_rate",
    "first_response_mean_min",
    "first_response_median_min",
    "sla_breached",
    "sla_breach_rate",
    "first_response_business_mean_min",
    "first_response_business_median_min",
)


def _prepare(
    flagged: pd.DataFrame, now: pd.Timestamp, by: Sequence[str], business_hours: Mapping[str, Hours] | None
) -> pd.DataFrame:
    now = pd.Timestamp(now)
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    rows = flagged
    if "status" in rows:
        rows = rows[~(rows["status"] == "dismissed").fillna(False).to_numpy(dtype=bool)]
    rows = rows.reset_index(drop=True)
    created = pd.to_datetime(rows["created_at"], utc=True)
    responded = pd.to_datetime(rows["first_response_at"], utc=True)
    minutes = ((responded - created).dt.total_seconds() / 60).clip(lower=0)
    business_min = pd.Series(np.nan, index=rows.index)
    if business_hours:
        hours, business = flags.waited_hours(rows, responded, business_hours)
        business_min = pd.Series(np.where(business, np.maximum(hours, 0.0) * 60, np.nan), index=rows.index)
    waited = ((responded.where(responded.notna(), now) - created).dt.total_seconds() / 3600).clip(lower=0)
    if business_hours:
        end = responded.where(responded.notna(), now)
        waited = pd.Series(np.maximum(flags.waited_hours(rows, end, business_hours)[0], 0.0), index=rows.index)
    sla = pd.to_numeric(rows["sla_hours"], errors="coerce").fillna(DEFAULT_SLA_HOURS)
    data = pd.DataFrame(
        {
            "created_at": created,
            "replied": responded.notna().astype(np.int64),
            "response_min": minutes,
            "sla_breached": (waited > sla).astype(np.int64),
            "business_min": business_min,
        }
    )
    for column in by:
        if column != "week":
            data[f"key:{column}"] = rows[column]
    return data


def _stats(data: pd.DataFrame, keys: list[pd.Series | str]) -> pd.DataFrame:
    if keys:
        grouped = data.groupby(keys, observed=True, sort=True)
        out = grouped.agg(
            flagged=("replied", "size"),
            replied=("replied", "sum"),
            first_response_mean_min=("response_min", "mean"),
            first_response_median_min=("response_min", "median"),
            sla_breached=("sla_breached", "sum"),
            first_response_business_mean_min=("business_min", "mean"),
            first_response_business_median_min=("business_min", "median"),
        ).reset_index()
    else:
        out = pd.DataFrame(
            {
                "flagged": [len(data)],
                "replied": [int(data["replied"].sum())],
                "first_response_mean_min": [data["response_min"].mean()],
                "first_response_median_min": [data["response_min"].median()],
                "sla_breached": [int(data["sla_breached"].sum())],
                "first_response_business_mean_min": [data["business_min"].mean()],
                "first_response_business_median_min": [data["business_min"].median()],
            }
        )
    flagged = out["flagged"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["response_rate"] = np.where(flagged > 0, out["replied"].to_numpy(dtype=float) / flagged, np.nan)
        out["sla_breach_rate"] = np.where(flagged > 0, out["sla_breached"].to_numpy(dtype=float) / flagged, np.nan)
    key_names = [c for c in out.columns if c not in OUTPUT_COLUMNS]
    return out[[*key_names, *OUTPUT_COLUMNS]].astype(
        {"flagged": np.int64, "replied": np.int64, "sla_breached": np.int64}
    )


def prepare(
    flagged: pd.DataFrame, now: pd.Timestamp, business_hours: Mapping[str, Hours] | None = None
) -> pd.DataFrame:
    """Per flagged mention (dismissed ones left out), what `response_stats` adds up: the same rows
    give the same figures in any split, so `overall(pd.concat([prepare(a, ...), prepare(b, ...)]))`
    is `response_stats(pd.concat([a, b]), ...)` (up to the order of float sums). A mention answered
    before `now` does not depend on `now`."""
    return _prepare(flagged, now, (), business_hours)


def overall(prepared: pd.DataFrame) -> pd.DataFrame:
    """`response_stats` over all rows, from `prepare`'s rows."""
    return _stats(prepared.reset_index(drop=True), [])


def response_stats(
    flagged: pd.DataFrame,
    now: pd.Timestamp,
    by: Sequence[str] = (),
    business_hours: Mapping[str, Hours] | None = None,
) -> pd.DataFrame:
    """Response figures for flagged mentions, overall or per `by` ("platform", "week", "brand", ...).

    Input columns: created_at (UTC), first_response_at (UTC or NaT), sla_hours, plus any `by`
    column and optionally `status`. "week" groups by ISO week of created_at (UTC) and adds
    `week_start` (Monday 00:00 UTC) and `week` (e.g. 2024-W05). Output: the keys, then flagged,
    replied, response_rate, first_response_mean_min, first_response_median_min (minutes; NaN
    when nothing was answered), sla_breached, sla_breach_rate, first_response_business_mean_min,
    first_response_business_median_min (business minutes of the rows whose `brand` is in
    `business_hours`; NaN when none). `business_hours` needs a `brand` column.
    """
    data = _prepare(flagged, now, by, business_hours)
    keys: list[pd.Series | str] = []
    for column in by:
        if column == "week":
            keys.append(period_start(data["created_at"], "week").rename("week_start"))
            keys.append(iso_week_label(data["created_at"]).rename("week"))
        else:
            keys.append(data[f"key:{column}"].rename(column))
    return _stats(data, keys)
