"""Matching an export's columns to the mention frame, and reading its values (times, counts, ids).

Other tools name columns their own way; FIELD_ALIASES lists the usual names per frame field,
compared without case, spaces or punctuation ("Tweet Id", "tweet_id" and "tweet.id" are the
same). Values arrive as text: `parse_times` honours offsets in the data and reads times
without one in a given zone, `numbers` reads counts ("1,234" too), `derived_ids` gives rows
without an id a stable one. Everything is vectorised (pyarrow string kernels), as an import
may have millions of rows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

import platforms
from analysis.formulas import NEGATIVE_AT, POSITIVE_AT
from frame import FRAME_COLUMNS
from pipeline.filereaders import ImportFileError

#: frame field -> column names other tools use for it, in order of preference.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": (
        "post_id",
        "id",
        "tweet_id",
        "id_str",
        "status_id",
        "tweet_id_str",
        "message_id",
        "comment_id",
        "item_id",
        "object_id",
        "guid",
        "uuid",
        "uri",
        "review_id",  # app store exports (issue 18)
    ),
    "text": (
        "text",
        "full_text",
        "body",
        "content",
        "message",
        "tweet",
        "tweet_text",
        "post_text",
        "comment",
        "comment_text",
        "selftext",
        "description",
        "caption",
        "snippet",
        "title",
        "review",  # app store exports (issue 18)
        "review_text",
    ),
    "created_at": (
        "created_at",
        "date",
        "timestamp",
        "tweet_created",
        "tweet_created_at",
        "created",
        "created_time",
        "created_utc",
        "created_at_i",
        "published",
        "published_at",
        "posted_at",
        "post_date",
        "date_published",
        "datetime",
        "date_time",
        "time",
    ),
    "author_handle": (
        "author_handle",
        "screen_name",
        "user_screen_name",
        "username",
        "user_username",
        "author_username",
        "handle",
        "author",
        "user",
        "from_user",
        "name",
        "account",
        "account_acct",
    ),
    "author_name": (
        "author_name",
        "display_name",
        "user_display_name",
        "full_name",
        "user_name",
        "name",
        "account_display_name",
    ),
    "author_id": ("author_id", "user_id", "user_id_str", "author_id_str", "from_user_id", "account_id"),
    "author_followers": (
        "author_followers",
        "followers",
        "followers_count",
        "user_followers_count",
        "author_followers_count",
        "account_followers_count",
    ),
    "likes": (
        "likes",
        "like_count",
        "likes_count",
        "favorite_count",
        "favourites_count",
        "favorites",
        "favorites_count",
        "score",
        "upvotes",
        "points",
        "reactions",
        "reactions_count",
        "public_metrics_like_count",
    ),
    "replies": (
        "replies",
        "reply_count",
        "replies_count",
        "num_comments",
        "comments",
        "comment_count",
        "comments_count",
        "public_metrics_reply_count",
    ),
    "reposts": (
        "reposts",
        "retweet_count",
        "retweets",
        "repost_count",
        "reposts_count",
        "shares",
        "share_count",
        "shares_count",
        "reblogs_count",
        "public_metrics_retweet_count",
    ),
    "quotes": ("quotes", "quote_count", "quotes_count", "public_metrics_quote_count"),
    "views": (
        "views",
        "view_count",
        "views_count",
        "impressions",
        "impression_count",
        "public_metrics_impression_count",
        "reach",
        "total_reach",
    ),
    # a total other tools report; stored as likes only on rows with no likes, replies, reposts or quotes
    "engagements": ("engagements", "engagement", "total_engagements", "total_engagement", "engagement_total"),
    "url": ("url", "link", "permalink", "tweet_url", "post_url", "status_url", "permalink_url"),
    "lang": ("lang", "language"),
    "kind": ("kind", "post_type"),
    "parent_id": (
        "parent_id",
        "in_reply_to_status_id",
        "in_reply_to_status_id_str",
        "in_reply_to_id",
        "in_reply_to",
        "reply_to_id",
    ),
    "thread_id": ("thread_id", "conversation_id"),
    "platform": ("platform", "network", "social_network"),
    "brand": ("brand",),
    "matched": ("matched", "keyword", "query", "search_term"),
    "is_own": ("is_own",),
    "retrieved_at": ("retrieved_at", "collected_at", "fetched_at"),
    # the file's own sentiment, kept as `source_sentiment` beside ours (source_labels reads it)
    "source_sentiment": (
        "source_sentiment",
        "sentiment",
        "sentiment_label",
        "sentiment_score",
        "sentiment_value",
        "tone",
        "polarity",
    ),
    # reviews and ratings (issue 18): a review's stars (frame.conform keeps 1..5) and app version
    "rating": ("rating", "stars", "star_rating", "review_rating", "rating_value", "score_stars", "starrating"),
    "app_version": ("app_version", "appversion", "app_version_name", "version_name", "review_version"),
}
REQUIRED_FIELDS = ("text", "created_at")
#: not a frame column: a file's engagement total (see pipeline.importer.to_frame).
TOTAL_FIELD = "engagements"
MAPPABLE = (*(f for f in FRAME_COLUMNS if f != "source"), TOTAL_FIELD)

#: platform names other tools write -> the frame's name (compared without case or surrounding spaces).
#: counts at or above this are taken as corrupt (rollups sum them in 64-bit integers).
MAX_COUNT = 10**12
#: times outside [MIN_TIME, MAX_TIME) are taken as wrong (and pandas keeps nanoseconds only 1677 to 2262).
MIN_TIME = pd.Timestamp("1970-01-01", tz="UTC")
MAX_TIME = pd.Timestamp("2200-01-01", tz="UTC")
#: how much of a file's header the "missing columns" message quotes.
HEADER_EXCERPT_CHARS = 200

#: tried in order on a sample, then on the whole chunk (fast); what none reads goes to dateutil.
TIME_FORMATS = ("ISO8601", "%Y-%m-%d %H:%M:%S %z", "%a %b %d %H:%M:%S %z %Y")
#: a time that names its zone: an offset or Z / UTC / GMT at the end, or Twitter's "+0000 2018".
_HAS_ZONE = r"(?:[+-]\d{2}:?\d{2}|[zZ]|UTC|utc|GMT|gmt)[ \t]*$|[+-]\d{4} \d{4}$"  # no \s or flags: pyarrow runs it
_NUMBER = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"


def normalise(name: str) -> str:
    """'Tweet Id' / 'tweet.id' / 'TWEET-ID' -> 'tweet_id'."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def platform_names(values: pd.Series) -> pd.Series:
    """Platform names as the frame spells them: lower case, aliases resolved ('Twitter' -> 'x')."""
    names = values.astype("string").str.strip().str.lower()
    return names.replace(platforms.ALIASES)


def platform_name(value: str) -> str:
    """One platform name as the frame spells it ('HN' -> 'hackernews')."""
    name = value.strip().lower()
    return platforms.ALIASES.get(name, name)


def _escaped(text: str) -> str:
    """Printable as is; anything else (control characters, undecodable bytes) as a Python escape."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def header_excerpt(columns: list[str]) -> str:
    """The file's column names for a message: escaped (no control characters), at most ~200 characters."""
    if not columns:
        return "none"
    shown, used = [], 0
    for column in columns:
        text = _escaped(column[:40]) + ("..." if len(column) > 40 else "")
        if used + len(text) > HEADER_EXCERPT_CHARS:
            break
        shown.append(text)
        used += len(text) + 2
    rest = len(columns) - len(shown)
    return ", ".join(shown) + (f", ... ({len(columns)} columns)" if rest else "")


def parse_mapping(items: Iterable[str] | str | None) -> dict[str, str]:
    """'col=field,other col=field' (or a list of such) -> {file column: frame field}."""
    if not items:
        return {}
    parts = [items] if isinstance(items, str) else list(items)
    mapping: dict[str, str] = {}
    for part in parts:
        for pair in str(part).split(","):
            if not pair.strip():
                continue
            column, sep, target = pair.rpartition("=")
            if not sep or not column.strip() or not target.strip():
                raise ImportFileError(f"--map {pair.strip()!r}: expected COLUMN=FIELD")
            target = target.strip()
            if target not in MAPPABLE:
                raise ImportFileError(
                    f"--map {pair.strip()!r}: {target!r} is not a field; fields: {', '.join(MAPPABLE)}"
                )
            mapping[column.strip()] = target
    return mapping


def resolve_columns(columns: Iterable[str], mapping: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """frame field -> file columns to read it from, best first (a row empty in one falls back to the next).

    An explicit mapping names the only column of its field; otherwise every FIELD_ALIASES
    column the file has, in alias order, except columns another field reads first.
    """
    columns = [str(c) for c in columns]
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(normalise(column), column)
    resolved: dict[str, tuple[str, ...]] = {}
    for column, target in (mapping or {}).items():
        actual = column if column in columns else by_norm.get(normalise(column))
        if actual is None:
            raise ImportFileError(f"--map: the file has no column {column!r}; its columns: {', '.join(columns)}")
        resolved[target] = (actual,)
    primary = {c[0] for c in resolved.values()}
    candidates: dict[str, list[str]] = {}
    for target, aliases in FIELD_ALIASES.items():
        if target in resolved:
            continue
        found = [by_norm[a] for a in aliases if a in by_norm]
        first = next((c for c in found if c not in primary), None)
        if first is not None:
            primary.add(first)
            candidates[target] = [first, *(c for c in found if c != first)]
    for target, found in candidates.items():
        resolved[target] = (found[0], *(c for c in found[1:] if c not in primary))
    missing = [f for f in REQUIRED_FIELDS if f not in resolved]
    if missing:
        wanted = "; ".join(f"{f} (looked for: {', '.join(FIELD_ALIASES[f][:8])}, ...)" for f in missing)
        raise ImportFileError(
            f"missing columns: {wanted}. The file's columns: {header_excerpt(columns)}. "
            f'Name them with --map COLUMN=FIELD, e.g. --map "{_example(columns)}={missing[0]}"'
        )
    return resolved


def _example(columns: list[str]) -> str:
    first = columns[0] if columns else ""
    return first if first.isprintable() and 0 < len(first) <= 40 else "Message"


def numbers(values: pd.Series) -> pd.Series:
    """Text -> float (NaN when not a number); thousands separators and spaces ignored."""
    text = values.astype("string").str.replace(r"[,_ \t]", "", regex=True)
    ok = text.str.fullmatch(_NUMBER).fillna(False)
    return text.where(ok).astype("Float64").astype("float64")


def too_big(counts: pd.Series) -> np.ndarray:
    """Counts (numbers()) at or above MAX_COUNT, or infinite ('1e400'): corrupt, the row is skipped."""
    return (counts.abs() >= MAX_COUNT).fillna(False).to_numpy(dtype=bool)


def whole_ids(ids: pd.Series) -> pd.Series:
    """'123.0' (an integer id that went through a float column) -> '123'."""
    floaty = ids.str.fullmatch(r"\d+\.0").fillna(False).to_numpy(dtype=bool)
    if floaty.any():
        ids = ids.copy()
        ids[floaty] = ids[floaty].str.slice(0, -2)
    return ids


def _localise(utc: pd.Series, naive: np.ndarray, zone: ZoneInfo) -> pd.Series:
    """Times parsed as UTC that carried no zone are re-read as wall time in `zone`."""
    if not naive.any():
        return utc
    wall = utc[naive].dt.tz_convert(None).dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
    out = utc.copy()
    out[naive] = wall.dt.tz_convert("UTC")
    return out


def parse_times(values: pd.Series, zone: ZoneInfo) -> pd.Series:
    """Text times -> UTC timestamps (NaT when unreadable or out of range); offsets honoured, naive ones in `zone`."""
    return read_times(values, zone)[0]


def read_times(values: pd.Series, zone: ZoneInfo) -> tuple[pd.Series, np.ndarray]:
    """(UTC timestamps, out of range): NaT where unreadable, and where before MIN_TIME or from MAX_TIME on
    (those are also True in the second array, so they can be skipped with their own reason)."""
    text = values.astype("string").str.strip()
    epochs = numbers(text)
    epochs = epochs.where(epochs.abs() < 1e15)  # beyond any epoch in milliseconds: out of range below
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    is_number = epochs.notna().to_numpy()
    if is_number.any():
        seconds = epochs[is_number]
        seconds = seconds.where(seconds.abs() < 1e11, seconds / 1000.0)  # milliseconds
        out[is_number] = pd.to_datetime(seconds, unit="s", utc=True, errors="coerce").astype(out.dtype).array
    rest = text.notna().to_numpy() & ~is_number
    if rest.any():
        strings = text[rest]
        parsed = pd.Series(pd.NaT, index=strings.index, dtype="datetime64[us, UTC]")
        todo = strings
        for fmt in TIME_FORMATS:
            if todo.empty:
                break
            sample = todo.head(50)
            if pd.to_datetime(sample, format=fmt, utc=True, errors="coerce").isna().all():
                continue
            got = pd.to_datetime(todo, format=fmt, utc=True, errors="coerce").astype(parsed.dtype)
            parsed[got.index[got.notna()]] = got[got.notna()]
            todo = todo[got.isna()]
        if not todo.empty:  # anything else dateutil can read (month first when ambiguous)
            got = pd.to_datetime(todo, format="mixed", utc=True, errors="coerce").astype(parsed.dtype)
            parsed[got.index] = got
        if str(zone) != "UTC":  # parsed as UTC already; only other zones need the naive ones found
            naive = ~strings.str.contains(_HAS_ZONE, regex=True).fillna(False).to_numpy(dtype=bool)
            parsed = _localise(parsed, naive, zone)
        out[rest] = parsed.array
    outside = (out.notna() & ((out < MIN_TIME) | (out >= MAX_TIME))).to_numpy(dtype=bool) | (
        numbers(text).notna() & epochs.isna()
    ).to_numpy(dtype=bool)
    return out.mask(outside).astype("datetime64[ns, UTC]"), outside


#: text labels other tools write -> ours (compared without case or surrounding spaces).
SENTIMENT_WORDS: dict[str, str] = {
    "positive": "positive",
    "pos": "positive",
    "neutral": "neutral",
    "neu": "neutral",
    "negative": "negative",
    "neg": "negative",
}


def sentiment_scale(values: pd.Series) -> str | None:
    """Which scale a column of numbers (numbers()) is on: "signed" when all lie in -1..1, "stars" when all
    lie in 1..5 and some above 1; None when it has no numbers or is neither (those are not read)."""
    found = values.dropna()
    if found.empty:
        return None
    if bool(((found >= -1) & (found <= 1)).all()):
        return "signed"
    if bool(((found >= 1) & (found <= 5)).all()):
        return "stars"
    return None


def source_labels(values: pd.Series, scale: str | None = None) -> tuple[pd.Series, str | None]:
    """(labels, scale): another tool's sentiment as positive / neutral / negative, NA when unreadable.

    Text labels in any case (positive, neutral, negative; pos, neu, neg). Numbers on the scale
    `scale`, or, when None, the one `sentiment_scale` finds in `values`: "signed" (-1..1):
    >= 0.05 positive, <= -0.05 negative, neutral between (VADER's cut-offs); "stars" (1-5):
    1-2 negative, 3 neutral, 4-5 positive (2.5 and below negative, 3.5 and above positive).
    Other words ("mixed"), empty cells and numbers on neither scale are NA.
    """
    text = values.astype("string").str.strip().str.lower()
    out = text.map(SENTIMENT_WORDS, na_action="ignore").astype("string")
    score = numbers(text)
    scale = scale or sentiment_scale(score)
    if scale == "signed":
        ok = (score >= -1) & (score <= 1)
        cut = np.select([score >= POSITIVE_AT, score <= NEGATIVE_AT], ["positive", "negative"], "neutral")
    elif scale == "stars":
        ok = (score >= 1) & (score <= 5)
        cut = np.select([score >= 3.5, score <= 2.5], ["positive", "negative"], "neutral")
    else:
        return out, scale
    read = pd.Series(cut, index=values.index, dtype="string").where(ok.fillna(False).to_numpy(dtype=bool))
    return out.fillna(read), scale


def derived_ids(platform: pd.Series, author: pd.Series, created: pd.Series, text: pd.Series) -> pd.Series:
    """A stable id from platform, author, UTC time and text (the same row always gets the same id)."""
    stamps = created.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").fillna("")
    keys = zip(platform.fillna(""), author.fillna(""), stamps, text.fillna(""), strict=True)
    return pd.Series(
        ["import-" + hashlib.sha1("\x1f".join(k).encode("utf-8")).hexdigest()[:24] for k in keys],
        index=platform.index,
        dtype="string",
    )


#: the store's id columns hold 128 characters; longer ids (URLs, say) are replaced by a hash of themselves.
MAX_ID_CHARS = 128


def bounded_ids(ids: pd.Series) -> pd.Series:
    """Ids longer than MAX_ID_CHARS as 'sha1:<hex>' of themselves (stable, and the same everywhere)."""
    long = (ids.str.len() > MAX_ID_CHARS).fillna(False).to_numpy(dtype=bool)
    if not long.any():
        return ids
    out = ids.copy()
    out[long] = ["sha1:" + hashlib.sha1(str(v).encode("utf-8")).hexdigest() for v in ids[long]]
    return out


# --- reviews and ratings (issue 18) -----------------------------------------------------------
#: "4", "4.0", "4/5", "4 out of 5", "4 stars", "4★": the number of stars.
_STARS = r"^\s*(\d+(?:\.0+)?)\s*(?:/\s*5|out\s+of\s+5|stars?|★+)?\s*$"


def star_values(values: pd.Series) -> pd.Series:
    """A rating column's stars as text ("4/5" -> "4"); what is not read stays as written, so
    frame.conform counts it as a rating outside 1..5 (the row is kept without a rating)."""
    found = values.astype("string").str.extract(_STARS, flags=re.IGNORECASE, expand=False)
    return found.fillna(values.astype("string"))
