"""analysis.trends and analysis.periods: periods, summaries, share of voice, net sentiment, spikes, top lists."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis import periods, trends

UTC = "UTC"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=UTC)


def rollup_row(hour: str, brand: str = "Acme", **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "hour": ts(hour),
        "brand": brand,
        "platform": "x",
        "kind": "post",
        "is_own": False,
        "mentions": 0,
        "engagements": 0,
        "no_engagement_data": 0,
        "views": 0,
        "engagements_with_views": 0,
        "followers": 0,
        "engagements_with_followers": 0,
        "positive": 0,
        "neutral": 0,
        "negative": 0,
        "unscored": 0,
        "sentiment_sum": 0.0,
        "flagged": 0,
    }
    row.update(values)
    return row


def test_period_start_day_and_iso_week() -> None:
    values = pd.Series(pd.to_datetime(["2024-01-07T23:59:59Z", "2024-01-08T00:00:00Z", "2024-03-31T22:30:00Z"]))
    assert periods.period_start(values, "day").tolist() == [ts("2024-01-07"), ts("2024-01-08"), ts("2024-03-31")]
    assert periods.period_start(values, "week").tolist() == [ts("2024-01-01"), ts("2024-01-08"), ts("2024-03-25")]
    assert periods.period_start(values, "hour").tolist()[2] == ts("2024-03-31T22:00")
    with pytest.raises(ValueError):
        periods.period_start(values, "month")  # type: ignore[arg-type]


def test_timestamps_in_other_zones_are_read_in_utc() -> None:
    local = pd.Series([pd.Timestamp("2024-01-08T00:30:00", tz="Europe/Berlin")])  # 2024-01-07 23:30 UTC
    assert periods.period_start(local, "day").tolist() == [ts("2024-01-07")]
    assert periods.period_start(local, "week").tolist() == [ts("2024-01-01")]


def test_iso_week_label_uses_iso_year() -> None:
    values = pd.Series(pd.to_datetime(["2021-01-03T12:00Z", "2024-12-30T00:00Z", "2024-02-05T00:00Z"]))
    assert periods.iso_week_label(values).tolist() == ["2020-W53", "2025-W01", "2024-W06"]


def test_net_sentiment() -> None:
    out = trends.net_sentiment(pd.Series([3, 0, 0, 1]), pd.Series([1, 0, 2, 1]))
    assert out.iloc[[0, 2, 3]].tolist() == [0.5, -1.0, 0.0]
    assert math.isnan(out.iloc[1])


def rollup() -> pd.DataFrame:
    return pd.DataFrame(
        [
            rollup_row("2024-01-01T09:00", mentions=3, positive=2, negative=1, sentiment_sum=0.9, engagements=30),
            rollup_row("2024-01-01T15:00", mentions=2, neutral=1, unscored=1, sentiment_sum=0.0, flagged=1),
            # own post: out of the default summaries
            rollup_row("2024-01-01T16:00", is_own=True, mentions=1, positive=1, sentiment_sum=0.5, engagements=500),
            # nothing on 2 January
            rollup_row("2024-01-03T00:00", mentions=4, negative=4, sentiment_sum=-2.0, flagged=2),
            rollup_row("2024-01-01T10:00", brand="Globex", mentions=1, positive=1, sentiment_sum=0.4),
        ]
    )


def test_summarize_by_day_and_brand_by_hand() -> None:
    out = trends.summarize(rollup(), "day", by=("brand",))
    acme = out[out["brand"] == "Acme"].reset_index(drop=True)
    assert acme["period"].tolist() == [ts("2024-01-01"), ts("2024-01-02"), ts("2024-01-03")]
    assert acme["mentions"].tolist() == [5, 0, 4]  # the quiet day is there, with 0
    assert acme["engagements"].tolist() == [30, 0, 0]
    assert acme["flagged"].tolist() == [1, 0, 2]
    # 1 Jan: positive 2, negative 1 -> (2-1)/(2+1); 3 Jan: (0-4)/4; 2 Jan: nothing
    assert acme["net_sentiment"].iloc[[0, 2]].tolist() == [1 / 3, -1.0]
    assert math.isnan(acme["net_sentiment"].iloc[1])
    # average compound over scored mentions: 0.9 / 4 (unscored excluded), -2.0 / 4
    assert acme["avg_sentiment"].iloc[[0, 2]].tolist() == [0.225, -0.5]
    assert acme["negative_share"].iloc[[0, 2]].tolist() == [0.25, 1.0]
    globex = out[out["brand"] == "Globex"]
    assert globex["mentions"].tolist() == [1, 0, 0]


def test_summarize_own_rows() -> None:
    only = trends.summarize(rollup(), "day", by=(), own="only")
    assert only[["mentions", "engagements"]].values.tolist() == [[1, 500]]
    everything = trends.summarize(rollup(), "week", by=(), own="include")
    assert everything["period"].tolist() == [ts("2024-01-01")]
    assert everything["mentions"].tolist() == [11]
    with pytest.raises(ValueError):
        trends.select_own(rollup(), "maybe")  # type: ignore[arg-type]


def test_share_of_voice_by_hand() -> None:
    data = pd.DataFrame(
        [
            rollup_row("2024-01-01T09:00", "Acme", mentions=6),
            rollup_row("2024-01-02T09:00", "Globex", mentions=3),
            rollup_row("2024-01-02T10:00", "Initech", mentions=1),
            rollup_row("2024-01-09T10:00", "Initech", mentions=5),
            rollup_row("2024-01-09T10:00", "Acme", is_own=True, mentions=50),  # own posts: not voice
            rollup_row("2024-01-09T10:00", "Other", mentions=100),  # not a competitor
        ]
    )
    out = trends.share_of_voice(data, "Acme", ["Globex", "Initech"], "week")
    assert list(out.columns) == ["period", "brand", "mentions", "share"]
    week1 = out[out["period"] == ts("2024-01-01")].set_index("brand")
    assert week1["mentions"].to_dict() == {"Acme": 6, "Globex": 3, "Initech": 1}
    assert week1["share"].to_dict() == {"Acme": 0.6, "Globex": 0.3, "Initech": 0.1}
    week2 = out[out["period"] == ts("2024-01-08")].set_index("brand")
    assert week2["share"].to_dict() == {"Acme": 0.0, "Globex": 0.0, "Initech": 1.0}


def test_share_of_voice_quiet_period_is_nan_and_empty_input() -> None:
    data = pd.DataFrame([rollup_row("2024-01-01", "Acme", mentions=1), rollup_row("2024-01-03", "Acme", mentions=1)])
    out = trends.share_of_voice(data, "Acme", ["Globex"], "day")
    day2 = out[out["period"] == ts("2024-01-02")]
    assert day2["mentions"].tolist() == [0, 0] and day2["share"].isna().all()
    assert trends.share_of_voice(data.iloc[0:0], "Acme", ["Globex"]).empty


def test_spikes_flat_baseline_and_k() -> None:
    index = pd.date_range("2024-01-01", periods=9, freq="D", tz=UTC, name="period")
    values = pd.Series([10, 10, 10, 10, 10, 10, 10, 30, 10], index=index)
    out = trends.spikes(values, window=7, k=3.0)
    assert out["period"].tolist() == [ts("2024-01-08")]
    assert out[["value", "baseline", "std", "threshold"]].values.tolist() == [[30.0, 10.0, 0.0, 10.0]]
    assert math.isnan(out["z"].iloc[0])


def test_spikes_by_hand_with_variance() -> None:
    index = pd.date_range("2024-01-01", periods=6, freq="D", tz=UTC)
    values = pd.Series([2, 4, 2, 4, 9, 7], index=index)
    # window 4: day 5 baseline mean(2,4,2,4)=3, population std 1 -> threshold at k=2 is 5; 9 spikes (z=6)
    # day 6 baseline mean(4,2,4,9)=4.75, std sqrt(((0.75)^2*2+(2.75)^2+(4.25)^2)/4)=2.586 -> 9.92; 7 does not
    out = trends.spikes(values, window=4, k=2.0)
    assert out["period"].tolist() == [ts("2024-01-05")]
    assert out["z"].tolist() == [6.0]
    assert trends.spikes(values, window=4, k=2.0, min_value=10).empty
    assert trends.spikes(values, window=6, k=0.0).empty  # no period has a full window


def mention_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform": ["x", "x", "x", "reddit", "x", "x"],
            "post_id": ["1", "2", "3", "4", "5", "6"],
            "author_handle": ["ann", "bob", "ann", "cat", "acme", None],
            "author_name": ["Ann", "Bob", "Ann A.", "Cat", "Acme", None],
            "author_followers": pd.array([100, 50_000, 120, None, 1_000_000, 5], dtype="Int64"),
            "created_at": pd.to_datetime(
                [
                    "2024-01-05T10:00Z",
                    "2024-01-05T11:00Z",
                    "2024-01-05T12:00Z",
                    "2024-01-05T13:00Z",
                    "2024-01-05T14:00Z",
                    "2024-01-06T10:00Z",
                ]
            ),
            "likes": pd.array([50, 1, 10, 100, 9999, 500], dtype="Int64"),
            "replies": pd.array([5, None, 0, 2, 0, 0], dtype="Int64"),
            "reposts": pd.array([0, 0, 0, None, 0, 0], dtype="Int64"),
            "quotes": pd.array([0, 0, 0, 0, 0, 0], dtype="Int64"),
            "brand": ["Acme", "Acme", "Acme", "Globex", "Acme", "Acme"],
            "is_own": [False, False, False, False, True, False],
            "text": ["a", "b", "c", "d", "e", "f"],
        }
    )


def test_top_authors_by_reach_and_engagement() -> None:
    reach = trends.top_authors(mention_frame(), "reach", n=2)
    assert reach[["platform", "author_handle", "followers", "mentions", "engagements"]].values.tolist() == [
        ["x", "bob", 50_000, 1, 1],
        ["x", "ann", 120, 2, 65],
    ]
    assert reach["author_name"].tolist() == ["Bob", "Ann A."]
    by_engagement = trends.top_authors(mention_frame(), "engagement", n=3)
    assert by_engagement["author_handle"].tolist() == ["cat", "ann", "bob"]  # 102, 65, 1; own account excluded
    assert by_engagement["followers"].isna().tolist() == [True, False, False]


def test_spike_mentions_top_by_engagement_in_period() -> None:
    out = trends.spike_mentions(mention_frame(), ts("2024-01-05"), "day", n=2, brand="Acme")
    assert out["post_id"].tolist() == ["1", "3"]  # 55 and 10 engagements; own post 5 and other days left out
    assert out["engagements"].tolist() == [55, 10]
    # any moment in the period names it (naive = UTC): the ISO week of Friday 5 January
    assert trends.spike_mentions(mention_frame(), pd.Timestamp("2024-01-05"), "week")["post_id"].tolist() == [
        "6",
        "4",
        "1",
        "3",
        "2",
    ]


def test_top_terms_and_hashtags() -> None:
    texts = pd.Series(
        [
            "Refund still missing @acme https://acme.com/help?x=1 #Refunds #acme",
            "My refund is late, the REFUND desk don't answer #refunds",
            "Acme phone battery: battery battery",
            None,
        ]
    )
    terms = trends.top_terms(texts, n=4, exclude=["Acme", '"acme phone"'])
    assert terms.values.tolist() == [["battery", 3], ["refund", 3], ["answer", 1], ["desk", 1]]  # ties by term
    tags = trends.top_hashtags(texts, n=5, exclude=["acme"])
    assert tags.values.tolist() == [["refunds", 2]]
    assert list(trends.top_terms(pd.Series([], dtype=object)).columns) == ["term", "count"]


def test_summarize_handles_large_rollup_shape() -> None:
    hours = pd.date_range("2024-01-01", periods=24 * 14, freq="h", tz=UTC)
    data = pd.DataFrame([rollup_row(str(h), mentions=1, positive=1, sentiment_sum=0.5) for h in hours[::5]])
    out = trends.summarize(data, "day", by=("brand", "platform"))
    assert out["mentions"].sum() == len(data)
    assert len(out) == 14
    assert np.allclose(out["avg_sentiment"], 0.5)
