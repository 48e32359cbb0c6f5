"""per_distinct: computing once per distinct value gives what computing per row gives."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

from analysis.distinct import per_distinct


def test_series_results_are_spread_back_in_order_with_the_index():
    values = pd.Series(["b", "a", "b", None, "a", None], index=[10, 11, 12, 13, 14, 15], dtype="string")
    calls: list[int] = []

    def upper(s: pd.Series) -> pd.Series:
        calls.append(len(s))
        return s.str.upper()

    pdt.assert_series_equal(per_distinct(values, upper), values.str.upper())
    assert calls == [3]  # "b", "a" and the missing value


def test_frames_are_distinct_by_whole_rows():
    frame = pd.DataFrame({"text": ["x", "x", "y", "x"], "score": [0.5, 0.1, 0.5, 0.5]}, index=list("abcd"))

    def describe(d: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"label": d["text"] + ":" + d["score"].astype(str)}, index=d.index)

    out = per_distinct(frame, describe)
    assert out["label"].tolist() == ["x:0.5", "x:0.1", "y:0.5", "x:0.5"]
    assert out.index.tolist() == list("abcd")


def test_empty_input_goes_straight_through():
    empty = pd.Series([], dtype="string")
    assert per_distinct(empty, lambda s: s.str.len()).empty
