"""analysis.response: response rate, first response time (minutes), SLA breach rate; by platform and ISO week."""

from __future__ import annotations

import math

import pandas as pd

from analysis import response

NOW = pd.Timestamp("2024-01-10T12:00:00Z")


def flagged() -> pd.DataFrame:
    created = pd.to_datetime(
        [
            "2024-01-08T09:00Z",  # x, answered after 30 min
            "2024-01-08T10:00Z",  # x, answered after 90 min
            "2024-01-10T02:00Z",  # reddit, unanswered, waiting 10 h at NOW > SLA 4 h
            "2024-01-07T20:00Z",  # reddit, answered after 5 h > SLA 4 h (Sunday: ISO week of 1 Jan)
            "2024-01-10T11:00Z",  # x, unanswered, waiting 1 h
            "2024-01-09T11:00Z",  # x, dismissed: needs no reply, left out
        ]
    )
    responded = pd.Series(
        [
            created[0] + pd.Timedelta(minutes=30),
            created[1] + pd.Timedelta(minutes=90),
            pd.NaT,
            created[3] + pd.Timedelta(hours=5),
            pd.NaT,
            pd.NaT,
        ],
        dtype="datetime64[ns, UTC]",
    )
    return pd.DataFrame(
        {
            "platform": ["x", "x", "reddit", "reddit", "x", "x"],
            "created_at": created,
            "first_response_at": responded,
            "sla_hours": [4.0, 4.0, 4.0, 4.0, 4.0, 4.0],
            "status": ["replied", "replied", "new", "replied", "assigned", "dismissed"],
        }
    )


def test_overall_by_hand() -> None:
    out = response.response_stats(flagged(), NOW)
    assert list(out.columns) == list(response.OUTPUT_COLUMNS)
    row = out.iloc[0]
    assert (row["flagged"], row["replied"], row["sla_breached"]) == (5, 3, 2)
    assert row["response_rate"] == 0.6
    assert row["first_response_mean_min"] == 140.0  # (30 + 90 + 300) / 3
    assert row["first_response_median_min"] == 90.0
    assert row["sla_breach_rate"] == 0.4


def test_by_platform() -> None:
    out = response.response_stats(flagged(), NOW, by=("platform",)).set_index("platform")
    assert out.loc["x", ["flagged", "replied", "sla_breached"]].tolist() == [3, 2, 0]
    assert out.loc["x", "first_response_mean_min"] == 60.0
    assert out.loc["reddit", ["flagged", "replied", "sla_breached"]].tolist() == [2, 1, 2]
    assert out.loc["reddit", "response_rate"] == 0.5
    assert out.loc["reddit", "first_response_median_min"] == 300.0


def test_by_iso_week() -> None:
    out = response.response_stats(flagged(), NOW, by=("week",))
    assert out["week"].tolist() == ["2024-W01", "2024-W02"]
    assert out["week_start"].tolist() == [pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2024-01-08", tz="UTC")]
    assert out["flagged"].tolist() == [1, 4]
    assert out["sla_breach_rate"].tolist() == [1.0, 0.25]


def test_nothing_answered_gives_nan_times() -> None:
    data = flagged().iloc[[2, 4]]
    out = response.response_stats(data, NOW)
    assert out["replied"].tolist() == [0]
    assert math.isnan(out["first_response_mean_min"].iloc[0])
    assert math.isnan(out["first_response_median_min"].iloc[0])


def test_without_status_column_every_row_counts() -> None:
    out = response.response_stats(flagged().drop(columns=["status"]), NOW)
    assert out["flagged"].tolist() == [6]
    assert out["sla_breached"].tolist() == [3]  # the last row has waited 25 h
