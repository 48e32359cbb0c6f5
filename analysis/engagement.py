"""Engagement: per mention, and summed (per period, platform, brand) from mentions or rollups.

Formulas (analysis.formulas.FORMULAS): engagements = likes + replies + reposts + quotes, a
missing count as 0 (`has_engagement_data` says whether any count was reported).

Engagement rate names its denominator. Per mention: engagements / views when views are known
(> 0), else engagements / author_followers when known (> 0), else none. For a group
(a period, a platform, ...): when any mention in the group has views, the rate is
engagements_with_views / views over exactly those mentions (denominator "views"); otherwise
engagements_with_followers / followers over mentions whose author's followers are known
(denominator "followers"); otherwise NaN and no denominator. The two ratios are never mixed,
since an impression and a follower are different things; `rate_coverage` is the share of the
group's engagements the rate is computed on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.periods import Period, period_start

ENGAGEMENT_COUNTS: tuple[str, ...] = ("likes", "replies", "reposts", "quotes")
#: the rate denominator where neither views nor followers are known (None, in an object array).
_NO_DENOMINATOR = np.array(None, dtype=object)
#: the sums a rollup row carries (store/schema.py rollup_hourly) that rates are computed from.
SUM_COLUMNS: tuple[str, ...] = (
    "mentions",
    "engagements",
    "no_engagement_data",
    "views",
    "engagements_with_views",
    "followers",
    "engagements_with_followers",
)


def _counts(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def mention_engagement(frame: pd.DataFrame) -> pd.DataFrame:
    """Per mention: `engagements` (int), `has_engagement_data` (bool), `engagement_rate` (float), `rate_denominator`.

    Uses likes, replies, reposts, quotes, views, author_followers (missing columns count as unknown).
    rate_denominator is "views", "followers" or None (rate NaN).
    """
    counts = [_counts(frame, c) for c in ENGAGEMENT_COUNTS]
    known = np.zeros(len(frame), dtype=bool)
    total = np.zeros(len(frame), dtype=float)
    for values in counts:
        array = values.to_numpy(dtype=float)
        known |= ~np.isnan(array)
        total += np.nan_to_num(array, nan=0.0)
    views = _counts(frame, "views").to_numpy(dtype=float)
    followers = _counts(frame, "author_followers").to_numpy(dtype=float)
    has_views = views > 0
    has_followers = ~has_views & (followers > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(has_views, total / views, np.where(has_followers, total / followers, np.nan))
    denominator = np.where(has_views, "views", np.where(has_followers, "followers", _NO_DENOMINATOR))
    return pd.DataFrame(
        {
            "engagements": total.astype(np.int64),
            "has_engagement_data": known,
            "engagement_rate": rate,
            "rate_denominator": pd.Series(denominator, index=frame.index, dtype=object),
        },
        index=frame.index,
    )


def mention_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """The rollup sums (SUM_COLUMNS) for each mention, so mention frames and rollups share one rate rule.

    views / engagements_with_views count only mentions with views > 0; followers /
    engagements_with_followers only mentions whose author_followers > 0.
    """
    per = mention_engagement(frame)
    views = _counts(frame, "views").fillna(0).to_numpy(dtype=float)
    followers = _counts(frame, "author_followers").fillna(0).to_numpy(dtype=float)
    engagements = per["engagements"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "mentions": np.ones(len(frame), dtype=np.int64),
            "engagements": per["engagements"].to_numpy(),
            "no_engagement_data": (~per["has_engagement_data"].to_numpy(dtype=bool)).astype(np.int64),
            "views": np.where(views > 0, views, 0).astype(np.int64),
            "engagements_with_views": np.where(views > 0, engagements, 0).astype(np.int64),
            "followers": np.where(followers > 0, followers, 0).astype(np.int64),
            "engagements_with_followers": np.where(followers > 0, engagements, 0).astype(np.int64),
        },
        index=frame.index,
    )


def add_rates(sums: pd.DataFrame) -> pd.DataFrame:
    """Add `engagement_rate`, `rate_denominator`, `rate_coverage`, `engagements_per_mention` to summed rows.

    Input columns: mentions, engagements, views, engagements_with_views, followers,
    engagements_with_followers (rollup_hourly names). The rule is the module docstring's.
    """
    out = sums.copy()
    views = out["views"].to_numpy(dtype=float)
    followers = out["followers"].to_numpy(dtype=float)
    engagements = out["engagements"].to_numpy(dtype=float)
    with_views = out["engagements_with_views"].to_numpy(dtype=float)
    with_followers = out["engagements_with_followers"].to_numpy(dtype=float)
    use_views = views > 0
    use_followers = ~use_views & (followers > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["engagement_rate"] = np.where(
            use_views, with_views / views, np.where(use_followers, with_followers / followers, np.nan)
        )
        covered = np.where(use_views, with_views, np.where(use_followers, with_followers, np.nan))
        out["rate_coverage"] = np.where(engagements > 0, covered / engagements, np.nan)
        mentions = out["mentions"].to_numpy(dtype=float)
        out["engagements_per_mention"] = np.where(mentions > 0, engagements / mentions, np.nan)
    out["rate_denominator"] = pd.Series(
        np.where(use_views, "views", np.where(use_followers, "followers", _NO_DENOMINATOR)),
        index=out.index,
        dtype=object,
    )
    return out


def _group(frame: pd.DataFrame, time_column: str, period: Period | None, by: Sequence[str]) -> list[pd.Series]:
    keys = [frame[c] for c in by]
    if period is not None:
        keys.insert(0, period_start(frame[time_column], period).rename("period"))
    return keys


def summarize_rollup(rollup: pd.DataFrame, period: Period | None = "day", by: Sequence[str] = ()) -> pd.DataFrame:
    """Engagement per period (UTC day or ISO week; None for one total) and `by` columns, from rollup rows.

    Input: rollup_hourly columns (hour, brand, platform, kind, is_own, SUM_COLUMNS). Output: the
    period and `by` columns, SUM_COLUMNS summed, and add_rates' columns; sorted by the keys.
    """
    columns = [c for c in SUM_COLUMNS if c in rollup]
    keys = _group(rollup, "hour", period, by)
    if not keys:
        sums = rollup[columns].sum().to_frame().T
    else:
        sums = rollup[columns].groupby(keys, observed=True, sort=True).sum().reset_index()
    return add_rates(sums)


def summarize_mentions(frame: pd.DataFrame, period: Period | None = "day", by: Sequence[str] = ()) -> pd.DataFrame:
    """As summarize_rollup, from a mention frame (uses created_at and the engagement columns)."""
    sums = mention_sums(frame)
    if period is not None:
        sums["hour"] = frame["created_at"]
    for column in by:
        sums[column] = frame[column]
    return summarize_rollup(sums, period, by)
