"""Importing other tools' exports (CSV, JSON, JSON Lines) into the store like collected mentions.

Columns are matched to the mention frame by common names (FIELD_ALIASES, compared without
case, spaces or punctuation: "Tweet Id", "tweet_id" and "tweet.id" are the same), or
explicitly with `mapping` (`--map "Posted=created_at"`). Rows go through store.ingest, so
they are scored and flagged like collected ones; rows without text or a readable date are
skipped and counted by reason. Importing a file again changes nothing: ids come from the
file, or, when it has none, from a hash of platform, author, time and text; `retrieved_at`
is the file's modification time unless the file says otherwise.

Times: offsets in the data ("+02:00", "Z", "-0800") are honoured; times without one are in
`timezone` (default UTC); numbers are Unix epochs (seconds, or milliseconds when large).
The file is read in chunks of `chunk_rows`, so memory stays bounded whatever its size.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from collectors.base import FRAME_COLUMNS, KINDS, PLATFORMS
from collectors.filereaders import ImportFileError, ReadStats, detect_encoding, detect_format, read_chunks
from collectors.keywords import KeywordMatcher
from config import Brand, Config
from store.ingest import ingest

DEFAULT_PLATFORM = "csv"
CHUNK_ROWS = 100_000
#: frame field -> column names other tools use for it, in order of preference.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": ("post_id", "id", "tweet_id", "id_str", "status_id", "tweet_id_str", "message_id", "comment_id",
                "item_id", "object_id", "guid", "uuid", "uri"),
    "text": ("text", "full_text", "body", "content", "message", "tweet", "tweet_text", "post_text", "comment",
             "comment_text", "selftext", "description", "caption", "snippet", "title"),
    "created_at": ("created_at", "date", "timestamp", "tweet_created", "tweet_created_at", "created", "created_time",
                   "created_utc", "created_at_i", "published", "published_at", "posted_at", "post_date",
                   "date_published", "datetime", "date_time", "time"),
    "author_handle": ("author_handle", "screen_name", "user_screen_name", "username", "user_username",
                      "author_username", "handle", "author", "user", "from_user", "name", "account", "account_acct"),
    "author_name": ("author_name", "display_name", "user_display_name", "full_name", "user_name", "name",
                    "account_display_name"),
    "author_id": ("author_id", "user_id", "user_id_str", "author_id_str", "from_user_id", "account_id"),
    "author_followers": ("author_followers", "followers", "followers_count", "user_followers_count",
                         "author_followers_count", "account_followers_count"),
    "likes": ("likes", "like_count", "likes_count", "favorite_count", "favourites_count", "favorites",
              "favorites_count", "score", "upvotes", "points", "reactions", "reactions_count",
              "public_metrics_like_count"),
    "replies": ("replies", "reply_count", "replies_count", "num_comments", "comments", "comment_count",
                "comments_count", "public_metrics_reply_count"),
    "reposts": ("reposts", "retweet_count", "retweets", "repost_count", "reposts_count", "shares", "share_count",
                "shares_count", "reblogs_count", "public_metrics_retweet_count"),
    "quotes": ("quotes", "quote_count", "quotes_count", "public_metrics_quote_count"),
    "views": ("views", "view_count", "views_count", "impressions", "impression_count",
              "public_metrics_impression_count"),
    "url": ("url", "link", "permalink", "tweet_url", "post_url", "status_url", "permalink_url"),
    "lang": ("lang", "language"),
    "kind": ("kind", "post_type"),
    "parent_id": ("parent_id", "in_reply_to_status_id", "in_reply_to_status_id_str", "in_reply_to_id",
                  "in_reply_to", "reply_to_id"),
    "thread_id": ("thread_id", "conversation_id"),
    "platform": ("platform", "network", "social_network"),
    "brand": ("brand",),
    "matched": ("matched", "keyword", "query", "search_term"),
    "is_own": ("is_own",),
    "retrieved_at": ("retrieved_at", "collected_at", "fetched_at"),
}
REQUIRED_FIELDS = ("text", "created_at")
MAPPABLE = tuple(f for f in FRAME_COLUMNS if f != "source")
COUNT_FIELDS = ("author_followers", "likes", "replies", "reposts", "quotes", "views")
#: tried in order on a sample, then on the whole chunk (fast); what none reads goes to dateutil.
TIME_FORMATS = ("ISO8601", "%Y-%m-%d %H:%M:%S %z", "%a %b %d %H:%M:%S %z %Y")
_HAS_ZONE = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z|UTC|GMT)\s*(?:\d{4})?\s*$|[+-]\d{4} \d{4}$", re.IGNORECASE)
_TRUE = {"true", "1", "yes", "y", "t"}


def normalise(name: str) -> str:
    """'Tweet Id' / 'tweet.id' / 'TWEET-ID' -> 'tweet_id'."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


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
                raise ImportFileError(f"--map {pair.strip()!r}: {target!r} is not a field; fields: {', '.join(MAPPABLE)}")
            mapping[column.strip()] = target
    return mapping


def resolve_columns(columns: Iterable[str], mapping: Mapping[str, str] | None = None) -> dict[str, str]:
    """frame field -> file column: explicit mapping first, then FIELD_ALIASES; each column used once."""
    columns = [str(c) for c in columns]
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(normalise(column), column)
    resolved: dict[str, str] = {}
    for column, target in (mapping or {}).items():
        actual = column if column in columns else by_norm.get(normalise(column))
        if actual is None:
            raise ImportFileError(f"--map: the file has no column {column!r}; its columns: {', '.join(columns)}")
        resolved[target] = actual
    used = set(resolved.values())
    for target, aliases in FIELD_ALIASES.items():
        if target in resolved:
            continue
        for alias in aliases:
            column = by_norm.get(alias)
            if column is not None and column not in used:
                resolved[target] = column
                used.add(column)
                break
    missing = [f for f in REQUIRED_FIELDS if f not in resolved]
    if missing:
        wanted = "; ".join(f"{f} (looked for: {', '.join(FIELD_ALIASES[f][:8])}, ...)" for f in missing)
        raise ImportFileError(
            f"missing columns: {wanted}. The file's columns: {', '.join(columns) or 'none'}. "
            f"Name them with --map COLUMN=FIELD, e.g. --map \"{columns[0] if columns else 'Message'}={missing[0]}\""
        )
    return resolved


def _localise(utc: pd.Series, naive: np.ndarray, zone: ZoneInfo) -> pd.Series:
    """Times parsed as UTC that carried no zone are re-read as wall time in `zone`."""
    if not naive.any() or str(zone) == "UTC":
        return utc
    wall = utc[naive].dt.tz_convert(None).dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
    out = utc.copy()
    out[naive] = wall.dt.tz_convert("UTC")
    return out


def parse_times(values: pd.Series, zone: ZoneInfo) -> pd.Series:
    """Text times -> UTC timestamps (NaT when unreadable); offsets honoured, naive ones in `zone`."""
    text = values.astype("string").str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    is_number = numbers.notna().to_numpy()
    if is_number.any():
        seconds = numbers[is_number].astype(float)
        seconds = seconds.where(seconds.abs() < 1e11, seconds / 1000.0)  # milliseconds
        out[is_number] = pd.to_datetime(seconds, unit="s", utc=True, errors="coerce").array
    rest = text.notna().to_numpy() & ~is_number
    if rest.any():
        strings = text[rest]
        parsed = pd.Series(pd.NaT, index=strings.index, dtype="datetime64[ns, UTC]")
        todo = strings
        for fmt in TIME_FORMATS:
            if todo.empty:
                break
            sample = todo.head(50)
            if pd.to_datetime(sample, format=fmt, utc=True, errors="coerce").isna().all():
                continue
            got = pd.to_datetime(todo, format=fmt, utc=True, errors="coerce")
            parsed[got.index[got.notna()]] = got[got.notna()]
            todo = todo[got.isna()]
        if not todo.empty:  # anything else dateutil can read (month first when ambiguous)
            got = pd.to_datetime(todo, format="mixed", utc=True, errors="coerce")
            parsed[got.index] = got
        naive = ~strings.str.contains(_HAS_ZONE, regex=True).fillna(False).to_numpy(dtype=bool)
        out[rest] = _localise(parsed, naive, zone).array
    return out.astype("datetime64[ns, UTC]")


def derived_ids(platform: pd.Series, author: pd.Series, created: pd.Series, text: pd.Series) -> pd.Series:
    """A stable id from platform, author, UTC time and text (the same row always gets the same id)."""
    stamps = created.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").fillna("")
    keys = zip(platform.fillna(""), author.fillna(""), stamps, text.fillna(""), strict=True)
    return pd.Series(
        ["import-" + hashlib.sha1("\x1f".join(k).encode("utf-8")).hexdigest()[:24] for k in keys],
        index=platform.index, dtype="string",
    )


@dataclass
class ImportResult:
    path: Path
    fmt: str
    encoding: str
    rows: int = 0
    new: int = 0
    already_stored: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """What `cli.py import` prints: the totals, then one line per skip reason."""
        out = [*(f"note: {n}" for n in self.notes),
               f"{self.path.name} ({self.fmt}, {self.encoding}): {self.rows:,} rows read, {self.new:,} new, "
               f"{self.already_stored:,} already stored, {sum(self.skipped.values()):,} skipped "
               f"in {self.seconds:.1f} s"]
        out += [f"  skipped {count:,}: {reason}" for reason, count in self.skipped.most_common()]
        return out


@dataclass
class _Context:
    platform: str | None
    brand: Brand | None
    brands: tuple[Brand, ...]
    default_brand: Brand
    zone: ZoneInfo
    source: str
    retrieved_at: datetime
    matchers: list[tuple[Brand, KeywordMatcher]]


def _text(frame: pd.DataFrame, columns: Mapping[str, str], target: str) -> pd.Series:
    if target not in columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    values = frame[columns[target]].astype("string").str.strip()
    return values.mask(values == "")


def _brands(rows: pd.DataFrame, given: pd.Series, ctx: _Context) -> tuple[pd.Series, pd.Series]:
    """brand and matched per row: --brand, a brand column, a keyword match, else the default brand."""
    if ctx.brand is not None:
        return pd.Series(ctx.brand.name, index=rows.index, dtype="string"), pd.Series("import", index=rows.index)
    names = {b.name.lower(): b.name for b in ctx.brands}
    brand = given.str.lower().map(names, na_action="ignore").astype("string")
    matched = pd.Series(pd.NA, index=rows.index, dtype="string")
    for candidate, matcher in ctx.matchers:
        todo = brand.isna().to_numpy()
        if not todo.any():
            break
        found = rows["text"][todo].map(matcher.match, na_action="ignore").astype("string")
        hit = found.notna()
        brand[found.index[hit]] = candidate.name
        matched[found.index[hit]] = found[hit]
    return brand.fillna(ctx.default_brand.name), matched.fillna("import")


def _own(rows: pd.DataFrame, explicit: pd.Series, ctx: _Context) -> pd.Series:
    """is_own from an is_own column, else the author is the brand's handle on the row's platform."""
    own = explicit.str.lower().isin(_TRUE).fillna(False)
    handles = {(p, b.name, h.lstrip("@").lower()) for b in ctx.brands for p, h in b.handles.items()}
    if handles:
        author = rows["author_handle"].str.lstrip("@").str.lower()
        keys = zip(rows["platform"], rows["brand"], author, strict=True)
        by_handle = pd.Series([k in handles for k in keys], index=rows.index)
        own = own | (by_handle & explicit.isna())
    return own.astype(bool)


def to_frame(chunk: pd.DataFrame, columns: Mapping[str, str], ctx: _Context, skipped: Counter[str]) -> pd.DataFrame:
    """One chunk of file rows as the mention frame; unusable rows dropped and counted in `skipped`."""
    rows = pd.DataFrame(index=chunk.index)
    for target in ("text", "author_handle", "author_name", "author_id", "url", "lang", "parent_id", "thread_id",
                   "matched"):
        rows[target] = _text(chunk, columns, target)
    rows["text"] = rows["text"].str.replace("\r\n", "\n", regex=False)
    no_text = rows["text"].isna()
    skipped["no text"] += int(no_text.sum())
    rows = rows[~no_text]
    keep = rows.index
    rows["created_at"] = parse_times(_text(chunk, columns, "created_at")[keep], ctx.zone)
    no_date = rows["created_at"].isna()
    skipped["no parseable date"] += int(no_date.sum())
    rows = rows[~no_date]
    keep = rows.index
    platform = _text(chunk, columns, "platform")[keep].str.lower()
    rows["platform"] = ctx.platform or platform.fillna(DEFAULT_PLATFORM)
    unknown = ~rows["platform"].isin(PLATFORMS)
    for name, count in rows.loc[unknown, "platform"].value_counts().items():
        skipped[f"unknown platform {name!r}"] += int(count)
    rows = rows[~unknown]
    keep = rows.index
    for target in COUNT_FIELDS:
        values = _text(chunk, columns, target)[keep].str.replace(r"[,_\s]", "", regex=True)
        rows[target] = pd.to_numeric(values, errors="coerce")
    ids = _text(chunk, columns, "post_id")[keep].str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    for target in ("parent_id", "thread_id"):
        rows[target] = rows[target].str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    if ids.isna().any():
        missing = ids.isna()
        ids[missing] = derived_ids(rows["platform"][missing], rows["author_handle"][missing],
                                   rows["created_at"][missing], rows["text"][missing])
    rows["post_id"] = ids
    kind = _text(chunk, columns, "kind")[keep].str.lower()
    derived = pd.Series(np.where(rows["parent_id"].notna(), "reply", "post"), index=keep)
    rows["kind"] = kind.where(kind.isin(KINDS)).fillna(derived)
    rows["brand"], found = _brands(rows, _text(chunk, columns, "brand")[keep], ctx)
    rows["matched"] = rows["matched"].fillna(found)
    rows["is_own"] = _own(rows, _text(chunk, columns, "is_own")[keep], ctx)
    is_x = (rows["platform"] == "x") & rows["url"].isna() & rows["author_handle"].notna()
    rows.loc[is_x, "url"] = "https://x.com/" + rows.loc[is_x, "author_handle"].str.lstrip("@") + "/status/" + \
        rows.loc[is_x, "post_id"]
    retrieved = parse_times(_text(chunk, columns, "retrieved_at")[keep], ctx.zone)
    rows["retrieved_at"] = retrieved.fillna(pd.Timestamp(ctx.retrieved_at))
    rows["source"] = ctx.source
    repeated = rows.duplicated(["platform", "post_id"], keep="last")
    skipped["repeated id in the file (the last row is kept)"] += int(repeated.sum())
    return rows[~repeated]


def _context(config: Config, path: Path, platform: str | None, brand: str | None, timezone: str) -> _Context:
    if platform is not None and platform not in PLATFORMS:
        raise ImportFileError(f"--platform {platform!r}: expected one of {', '.join(PLATFORMS)}")
    chosen = None
    if brand is not None:
        try:
            chosen = config.brand(brand)
        except KeyError:
            names = ", ".join(b.name for b in config.brands)
            raise ImportFileError(f"--brand {brand!r} is not a configured brand ({names})") from None
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportFileError(f"--timezone {timezone!r}: unknown time zone (e.g. UTC, Europe/Berlin)") from None
    own = config.own_brands()
    ordered = own + [b for b in config.brands if b not in own]
    return _Context(
        platform=platform, brand=chosen, brands=config.brands, default_brand=own[0], zone=zone,
        source=f"import:{path.name}"[:128], retrieved_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        matchers=[(b, KeywordMatcher.for_brand(b)) for b in ordered],
    )


def import_file(
    engine: Engine,
    config: Config,
    path: str | Path,
    *,
    platform: str | None = None,
    brand: str | None = None,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    timezone: str = "UTC",
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import one export file into the store; ImportFileError when the file cannot be used at all."""
    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    ctx = _context(config, path, platform, brand, timezone)
    found = detect_encoding(path, encoding)
    fmt = detect_format(path, found.name)
    result = ImportResult(path=path, fmt=fmt, encoding=found.name, notes=[found.note] if found.note else [])
    stats = ReadStats()
    columns: dict[str, str] | None = None
    for chunk in read_chunks(path, fmt, found.name, chunk_rows, stats):
        result.rows += len(chunk)
        if columns is None or fmt != "csv":  # JSON records may differ from chunk to chunk
            try:
                columns = resolve_columns(chunk.columns, mapping)
            except ImportFileError:
                if fmt == "csv" or result.rows == len(chunk):
                    raise  # the header (or the first records) lack what every row needs
                result.skipped["record without the text or date fields"] += len(chunk)
                continue
        skipped: Counter[str] = Counter()
        frame = to_frame(chunk, columns, ctx, skipped)
        if len(frame):
            stored = ingest(engine, frame, config.brands, skipped=skipped)
            result.new += stored.new
            result.already_stored += stored.updated
        result.skipped.update({k: v for k, v in skipped.items() if v})
        if progress is not None:
            progress(result)
    result.skipped.update({k: v for k, v in stats.skipped.items() if v})
    result.seconds = time.perf_counter() - started
    return result
