"""analysis.engagement: engagements per mention, the named-denominator rate, sums per period from mentions or rollups."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import engagement


def mentions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "created_at": pd.to_datetime(
                ["2024-01-01T10:00Z", "2024-01-01T23:59Z", "2024-01-02T00:00Z", "2024-01-02T05:00Z"]
            ),
            "platform": ["x", "x", "reddit", "reddit"],
            "likes": pd.array([10, None, 4, None], dtype="Int64"),
            "replies": pd.array([2, None, 1, None], dtype="Int64"),
            "reposts": pd.array([3, None, None, None], dtype="Int64"),
            "quotes": pd.array([1, None, None, None], dtype="Int64"),
            "views": pd.array([800, 0, None, None], dtype="Int64"),
            "author_followers": pd.array([5000, 200, 50, None], dtype="Int64"),
        },
        index=[7, 8, 9, 10],
    )


def test_mention_engagement_by_hand() -> None:
    out = engagement.mention_engagement(mentions())
    assert list(out.index) == [7, 8, 9, 10]
    assert out["engagements"].tolist() == [16, 0, 5, 0]  # nulls count as 0
    assert out["has_engagement_data"].tolist() == [True, False, True, False]
    # 16 / 800 views; 0 / 200 followers (views 0 = unknown); 5 / 50 followers; nothing to divide by
    assert out["rate_denominator"].tolist() == ["views", "followers", "followers", None]
    assert out["engagement_rate"].iloc[:3].tolist() == [0.02, 0.0, 0.1]
    assert math.isnan(out["engagement_rate"].iloc[3])


def test_mention_sums_match_rollup_columns() -> None:
    out = engagement.mention_sums(mentions())
    assert list(out.columns) == list(engagement.SUM_COLUMNS)
    assert out["views"].tolist() == [800, 0, 0, 0]
    assert out["engagements_with_views"].tolist() == [16, 0, 0, 0]
    assert out["followers"].tolist() == [5000, 200, 50, 0]
    assert out["engagements_with_followers"].tolist() == [16, 0, 5, 0]
    assert out["no_engagement_data"].tolist() == [0, 1, 0, 1]


def test_add_rates_prefers_views_and_names_the_denominator() -> None:
    sums = pd.DataFrame(
        {
            "mentions": [4, 2, 3, 0],
            "engagements": [100, 30, 0, 0],
            "views": [2000, 0, 0, 0],
            "engagements_with_views": [60, 0, 0, 0],
            "followers": [10000, 600, 0, 0],
            "engagements_with_followers": [100, 30, 0, 0],
        }
    )
    out = engagement.add_rates(sums)
    assert out["rate_denominator"].tolist() == ["views", "followers", None, None]
    assert out["engagement_rate"].iloc[:2].tolist() == [0.03, 0.05]  # 60/2000; 30/600
    assert out["rate_coverage"].iloc[:2].tolist() == [0.6, 1.0]  # 60 of 100 engagements; all 30
    assert out["engagements_per_mention"].iloc[:3].tolist() == [25.0, 15.0, 0.0]
    assert np.isnan(out["engagement_rate"].iloc[2]) and np.isnan(out["engagements_per_mention"].iloc[3])


def test_summarize_mentions_per_day_and_platform() -> None:
    out = engagement.summarize_mentions(mentions(), "day", by=("platform",))
    assert out[["period", "platform", "mentions", "engagements"]].values.tolist() == [
        [pd.Timestamp("2024-01-01", tz="UTC"), "x", 2, 16],
        [pd.Timestamp("2024-01-02", tz="UTC"), "reddit", 2, 5],
    ]
    assert out["rate_denominator"].tolist() == ["views", "followers"]
    assert out["engagement_rate"].tolist() == [0.02, 0.1]  # 16/800; 5/50


def test_summarize_rollup_total_and_week() -> None:
    rollup = pd.DataFrame(
        {
            "hour": pd.to_datetime(["2024-01-07T23:00Z", "2024-01-08T00:00Z", "2024-01-09T12:00Z"]),
            "platform": ["x", "x", "reddit"],
            "mentions": [2, 3, 5],
            "engagements": [10, 20, 30],
            "no_engagement_data": [0, 1, 0],
            "views": [100, 400, 0],
            "engagements_with_views": [10, 15, 0],
            "followers": [50, 60, 70],
            "engagements_with_followers": [10, 20, 30],
        }
    )
    total = engagement.summarize_rollup(rollup, None)
    assert total[["mentions", "engagements", "views", "engagements_with_views"]].values.tolist() == [[10, 60, 500, 25]]
    assert total["engagement_rate"].tolist() == [0.05]  # 25 / 500, over the 25 engagements that had views
    weekly = engagement.summarize_rollup(rollup, "week")
    # Sunday 7 Jan is in the ISO week starting Monday 1 Jan; 8 and 9 Jan in the next
    assert weekly["period"].tolist() == [pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2024-01-08", tz="UTC")]
    assert weekly["mentions"].tolist() == [2, 8]
    assert weekly["engagement_rate"].tolist() == [0.1, 15 / 400]
