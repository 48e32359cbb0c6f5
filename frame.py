"""The mention frame: the one contract between collectors, store, analysis and config.

Platforms, kinds, column names, their dtypes and their order live here and nowhere else
(docs/architecture.md). `conform` turns whatever a collector or an import built into exactly
that frame, dropping unusable rows with a counted reason instead of crashing a run.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

import platforms

#: every platform a mention may come from: the names of the platform table (platforms.py).
PLATFORMS: tuple[str, ...] = platforms.NAMES
#: "article": a news item or feed entry (RSS, a Hacker News story linking elsewhere), never a conversation.
#: "review": an app store review (App Store, Google Play), with its star `rating`.
KINDS: tuple[str, ...] = ("post", "comment", "reply", "quote", "article", "review")
#: the `source` of generated demo rows: the seeded set, and the prefix of a `demo` source's rows
#: ("demo:<source name>"); "demo" alone was the live demo's source before.
DEMO_SEED_SOURCE = "demo-seed"
DEMO_LIVE_PREFIX = "demo:"
DEMO_SOURCES: tuple[str, ...] = (DEMO_SEED_SOURCE, "demo")

#: column -> pandas dtype, in frame order.
FRAME_SCHEMA: dict[str, str] = {
    "platform": "string",
    "post_id": "string",
    "url": "string",
    "kind": "string",
    "parent_id": "string",
    "thread_id": "string",
    "author_id": "string",
    "author_handle": "string",
    "author_name": "string",
    "author_followers": "Int64",
    "text": "string",
    "lang": "string",
    "created_at": "datetime64[ns, UTC]",
    "likes": "Int64",
    "replies": "Int64",
    "reposts": "Int64",
    "quotes": "Int64",
    "views": "Int64",
    "brand": "string",
    "matched": "string",
    "is_own": "bool",
    "source": "string",
    "retrieved_at": "datetime64[ns, UTC]",
    #: an imported file's own sentiment (positive, neutral, negative), kept beside ours; null otherwise.
    "source_sentiment": "string",
    #: a review's star rating, 1 to 5 (App Store, Google Play, an imported `rating`/`stars` column); null elsewhere.
    "rating": "Int8",
    #: the app version a review was written about; null elsewhere.
    "app_version": "string",
}
FRAME_COLUMNS: list[str] = list(FRAME_SCHEMA)
#: a row without these cannot be stored.
REQUIRED: tuple[str, ...] = ("platform", "post_id", "text", "created_at")
MAX_TEXT_CHARS = 40_000
#: the star ratings a review may carry; anything else is stored as no rating (and counted).
RATINGS: tuple[int, ...] = (1, 2, 3, 4, 5)
RATING_OUT_OF_RANGE = "rating not a whole number from 1 to 5 (kept without a rating)"


def empty_frame() -> pd.DataFrame:
    """A frame with the contract's columns and dtypes and no rows."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in FRAME_SCHEMA.items()})


def _to_utc(values: pd.Series) -> pd.Series:
    """UTC timestamps to the microsecond (what databases keep); unparseable values become NaT."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        out = values.dt.tz_convert("UTC")
    elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        out = pd.to_datetime(values, unit="s", utc=True, errors="coerce")
    else:
        out = pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
        numbers = values.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
        if numbers.any():  # epoch seconds mixed with text dates
            out = out.mask(numbers, pd.to_datetime(values[numbers].astype(float), unit="s", utc=True))
    return out.astype("datetime64[ns, UTC]").dt.floor("us")


TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})


def _to_bool(values: pd.Series) -> pd.Series:
    """Booleans as given; text is True only for true/yes/1 (so "False" from a CSV stays False)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.fillna(False).astype(bool)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.fillna(0).astype(float) != 0
    return values.map(
        lambda v: (
            v is True
            or (isinstance(v, str) and v.strip().lower() in TRUE_WORDS)
            or (isinstance(v, int | float) and not isinstance(v, bool) and v == v and v != 0)
        )
    ).astype(bool)


def _to_count(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    numbers = numbers.where(numbers >= 0)
    return numbers.round().astype("Int64")


def _to_rating(values: pd.Series, skipped: Counter[str]) -> pd.Series:
    """Whole stars 1..5 ("4", 4, 4.0); anything else given (0, 7, 4.5, "five") becomes null, counted."""
    numbers = pd.to_numeric(values, errors="coerce")
    good = numbers.isin(RATINGS)
    bad = values.notna() & ~good
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        bad &= values.astype("string").str.strip().fillna("") != ""  # an empty cell is no rating, not a wrong one
    if bad.any():
        skipped[RATING_OUT_OF_RANGE] += int(bad.sum())
    return numbers.where(good).astype("Int8")


def conform(frame: pd.DataFrame, skipped: Counter[str] | None = None) -> pd.DataFrame:
    """Return `frame` as the mention frame: missing columns null, dtypes cast, order fixed.

    Rows missing a required field, or with an unparseable date, are dropped and counted in
    `skipped` by reason; duplicate (platform, post_id) keep the last. Text longer than
    MAX_TEXT_CHARS is cut there; NUL characters are removed (no database stores them). A `rating`
    that is not a whole 1..5 becomes null, counted under RATING_OUT_OF_RANGE (the row is kept).
    """
    skipped = skipped if skipped is not None else Counter()
    out = pd.DataFrame(index=frame.index)
    for column, dtype in FRAME_SCHEMA.items():
        values = frame[column] if column in frame else pd.Series(pd.NA, index=frame.index, dtype="object")
        if dtype.startswith("datetime"):
            out[column] = _to_utc(values)
        elif dtype == "Int64":
            out[column] = _to_count(values)
        elif column == "rating":
            out[column] = _to_rating(values, skipped)
        elif dtype == "bool":
            out[column] = _to_bool(values)
        else:
            text = values.astype("string")
            out[column] = text.str.replace("\x00", "", regex=False)
    out["text"] = out["text"].str.slice(0, MAX_TEXT_CHARS)
    out["app_version"] = out["app_version"].str.strip().str.slice(0, 64).replace("", pd.NA)  # the store's size
    out["post_id"] = out["post_id"].str.strip().replace("", pd.NA)
    for column in REQUIRED:
        bad = out[column].isna()
        if bad.any():
            reason = "unparseable created_at" if column == "created_at" and column in frame else f"missing {column}"
            skipped[reason] += int(bad.sum())
            out = out[~bad]
    dupes = out.duplicated(["platform", "post_id"], keep="last")
    if dupes.any():
        skipped["duplicate in batch"] += int(dupes.sum())
        out = out[~dupes]
    return out.reset_index(drop=True)
