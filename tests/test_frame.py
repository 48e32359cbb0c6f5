"""frame.conform: any collector's output becomes exactly the mention frame."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from frame import FRAME_SCHEMA, MAX_TEXT_CHARS, conform


def test_conform_casts_orders_and_counts_what_it_drops():
    raw = pd.DataFrame(
        {
            "post_id": ["1", "2", " ", "4", "4", "5", "6"],
            "platform": "x",
            "text": ["a\x00b", "x" * (MAX_TEXT_CHARS + 10), "no id", "first", "dup", "bad date", None],
            "created_at": [
                "2026-11-01T10:00:00+02:00",
                1_700_000_000,
                "2026-11-01",
                "2026-11-01",
                "2026-11-02",
                "?",
                "2026-11-03",
            ],
            "likes": ["7", -3, None, 1, 2, 3, 4],
            "is_own": ["False", "true", None, 0, 1, "no", "yes"],
            "extra": "ignored",
        }
    )
    skipped: Counter[str] = Counter()
    out = conform(raw, skipped)
    assert list(out.columns) == list(FRAME_SCHEMA)
    assert {c: str(t) for c, t in out.dtypes.items()} == FRAME_SCHEMA
    assert out["post_id"].tolist() == ["1", "2", "4"]
    assert out["text"].tolist()[0] == "ab" and len(out["text"][1]) == MAX_TEXT_CHARS and out["text"][2] == "dup"
    assert out["created_at"][0] == pd.Timestamp("2026-11-01T08:00:00Z")
    assert out["created_at"][1] == pd.Timestamp(1_700_000_000, unit="s", tz="UTC")
    assert out["likes"].tolist() == [7, pd.NA, 2]  # a negative count is no count
    assert out["is_own"].tolist() == [False, True, True]
    assert skipped == Counter(
        {"missing post_id": 1, "missing text": 1, "unparseable created_at": 1, "duplicate in batch": 1}
    )
