"""Satisfaction where ratings exist: average rating and CSAT (share of 4-5 star reviews) over time.

Pure functions over small frames. The counts behind both formulas come either from stored rows
in SQL (store.measures.rating_sums, read per day by store.reader.satisfaction) or from mention
rows in pandas (`daily_counts`, the weekly report); `summarize` turns either into
FORMULAS["avg_rating"] and FORMULAS["csat"] per period and group. Only rated mentions count
(reviews with 1-5 stars); an app is the source its reviews came from.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.formulas import SATISFIED_AT
from analysis.periods import Period, period_start
from frame import RATINGS

STAR_COLUMNS: tuple[str, ...] = tuple(f"stars_{s}" for s in RATINGS)
#: the sums every satisfaction figure is computed from, per day and group.
COUNT_COLUMNS: tuple[str, ...] = ("rated", "rating_sum", "satisfied", *STAR_COLUMNS)
#: the groups counts are kept by (store.reader.satisfaction returns these with `day`).
KEYS: tuple[str, ...] = ("brand", "platform", "app")


def daily_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per UTC day, brand, platform and app (`source`): COUNT_COLUMNS over the rated rows of `rows`.

    `rows` needs created_at, brand, platform, source and rating; unrated rows are left out.
    """
    columns = ["day", *KEYS, *COUNT_COLUMNS]
    if rows.empty or "rating" not in rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    stars = pd.to_numeric(rows["rating"], errors="coerce")
    rated = rows[stars.isin(RATINGS).to_numpy()]
    if rated.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    star = pd.to_numeric(rated["rating"]).astype(int).to_numpy()
    parts = pd.DataFrame(
        {
            "day": period_start(rated["created_at"], "day").to_numpy(),
            "brand": rated["brand"].to_numpy(),
            "platform": rated["platform"].to_numpy(),
            "app": rated["source"].fillna("").to_numpy(),
            "rated": 1,
            "rating_sum": star,
            "satisfied": (star >= SATISFIED_AT).astype(int),
            **{f"stars_{s}": (star == s).astype(int) for s in RATINGS},
        }
    )
    return parts.groupby(["day", *KEYS], as_index=False, sort=True)[list(COUNT_COLUMNS)].sum()


def summarize(counts: pd.DataFrame, period: Period = "day", by: Sequence[str] = ("platform", "app")) -> pd.DataFrame:
    """avg_rating (FORMULAS["avg_rating"]) and csat (FORMULAS["csat"], a share 0..1) per period and `by`.

    `counts` has `day` (UTC), the KEYS and COUNT_COLUMNS (store.reader.satisfaction or daily_counts).
    Periods without a rated review have no row (nothing to average).
    """
    groups = ["period", *by]
    if counts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*groups, *COUNT_COLUMNS, "avg_rating", "csat"]})
    frame = counts.copy()
    frame["period"] = period_start(pd.to_datetime(frame["day"], utc=True), period)
    for column in COUNT_COLUMNS:
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype(np.int64)
    out = frame.groupby(groups, as_index=False, sort=True)[list(COUNT_COLUMNS)].sum()
    out = out[out["rated"] > 0].reset_index(drop=True)
    out["avg_rating"] = out["rating_sum"] / out["rated"]
    out["csat"] = out["satisfied"] / out["rated"]
    return out


def app_label(platform_label: str, app: str) -> str:
    """How an app is named on a chart: "Google Play: acme-android" (its platform and source)."""
    return f"{platform_label}: {app}" if app else platform_label
