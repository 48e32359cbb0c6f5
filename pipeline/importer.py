"""Importing other tools' exports (CSV, JSON, JSON Lines) into the store like collected mentions.

Columns are matched by their usual names (pipeline.importcolumns.FIELD_ALIASES) or
explicitly with `mapping` (`--map "Posted=created_at"`). Rows go through pipeline.ingest, so
they are scored and flagged like collected ones; rows without text or a readable date are
skipped and counted by reason, with the first few rows (lines, records) named. Importing a file again changes nothing: ids come from the
file, or, when it has none, from a hash of platform, author, time and text; `retrieved_at`
is the file's modification time unless the file says otherwise.

Platforms: the usual names other tools write are read as ours (`Twitter` -> `x`, `HN` ->
`hackernews`: platforms.ALIASES); networks no collector covers (`instagram`,
`facebook`, `linkedin`, `youtube`, `tiktok`) are platforms of their own (frame.PLATFORMS).

Engagement: `Likes`/`Reactions` -> likes, `Comments` -> replies, `Shares` -> reposts,
`Impressions`/`Reach` -> views (importcolumns.FIELD_ALIASES). A total (`Engagement`,
`Engagements`) has no column of its own: on a row with none of likes, replies, reposts or
quotes it is stored as likes, so the row's engagements equal the file's total; a row that has
those parts ignores the total.

Sentiment: a file's own sentiment column (`Sentiment`, `Sentiment Score`, `Tone`, `Polarity`, ...)
is kept as `source_sentiment` (positive, neutral or negative) beside ours, never replacing it:
text labels in any case, numbers on -1..1 or on a 1-5 scale (importcolumns.source_labels).

Bad values: a date before 1970 or from 2200 on, or a count of MAX_COUNT or more (`1e400`,
2^63), skips its row with that reason; the rest of the file is imported.

Times: offsets in the data ("+02:00", "Z", "-0800") are honoured; times without one are in
`timezone` (default UTC); numbers are Unix epochs (seconds, or milliseconds when large).
The file is read in chunks of `chunk_rows`, so memory stays bounded whatever its size, and stored in
one transaction (pipeline.ingest.ingest_frames): a failed import stores nothing, and the hourly rollups
of the hours it touched are rebuilt once at the end (per chunk they were rebuilt over the whole span
the file covers, growing with every chunk). On SQLite it holds the write lock while it runs, as `seed-demo`
does: a collection due meanwhile is skipped as "store busy" (not a failure), one that had collected waits for it
(pipeline.runner.write_when_free).

`FileCollector` is the same import as a scheduled source (`platform = "csv"`, `path`, `map`):
it re-reads the file only when its size or modification time changed.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from collectors.base import CollectResult, FatalError
from collectors.keywords import KeywordMatcher
from config import Brand, Config, Source
from frame import KINDS, PLATFORMS, empty_frame
from pipeline.filereaders import (
    UNITS,
    ImportFileError,
    ReadStats,
    detect_encoding,
    detect_format,
    read_chunks,
)
from pipeline.importcolumns import (
    MAX_COUNT,
    MAX_TIME,
    MIN_TIME,
    TOTAL_FIELD,
    bounded_ids,
    derived_ids,
    numbers,
    parse_mapping,
    parse_times,
    platform_name,
    platform_names,
    read_times,
    resolve_columns,
    source_labels,
    star_values,
    too_big,
    whole_ids,
)
from pipeline.ingest import ingest_frames

T = TypeVar("T")
DEFAULT_PLATFORM = "csv"
CHUNK_ROWS = 100_000  # rows per read and per stored part: bounded memory
COUNT_FIELDS = ("author_followers", "likes", "replies", "reposts", "quotes", "views")
PARTS = ("likes", "replies", "reposts", "quotes")  # what analysis.engagement adds up
_TRUE = {"true", "1", "yes", "y", "t"}


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
    #: skip reason -> the first few places (rows, lines or records: `unit`) skipped for it
    where: dict[str, list[int]] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        """How places in this file are counted: CSV rows (the header is row 1), JSON Lines lines, JSON records."""
        return UNITS.get(self.fmt, "row")

    @property
    def nothing_stored(self) -> bool:
        """Rows were read and every one was skipped: the import failed (`cli.py import` exits 1)."""
        return self.rows > 0 and self.new == 0 and self.already_stored == 0 and sum(self.skipped.values()) > 0

    def _places(self, reason: str, count: int) -> str:
        places = self.where.get(reason)
        if not places:
            return ""
        more = ", ..." if count > len(places) else ""
        unit = self.unit if len(places) == 1 and not more else f"{self.unit}s"
        return f" ({unit} {', '.join(str(p) for p in places)}{more})"

    def lines(self) -> list[str]:
        """What `cli.py import` prints: the totals, then one line per skip reason with its first places."""
        out = [
            *(f"note: {n}" for n in self.notes),
            f"{self.path.name} ({self.fmt}, {self.encoding}): {self.rows:,} rows read, {self.new:,} new, "
            f"{self.already_stored:,} already stored, {sum(self.skipped.values()):,} skipped "
            f"in {self.seconds:.1f} s",
        ]
        out += [
            f"  skipped {count:,}: {reason}{self._places(reason, count)}"
            for reason, count in self.skipped.most_common()
        ]
        if self.nothing_stored:
            out.append("nothing imported: every row was skipped (see the reasons above)")
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
    #: the scale of the file's numeric sentiment column, as the first chunk with numbers showed it
    sentiment_scale: str | None = None


def _text(frame: pd.DataFrame, columns: Mapping[str, tuple[str, ...]], target: str) -> pd.Series:
    """A field's values as stripped text (NA when empty), from its first column that has one."""
    out: pd.Series | None = None
    for column in columns.get(target, ()):
        values = frame[column].astype("string").str.strip().replace("", pd.NA)
        out = values if out is None else out.fillna(values)
    return out if out is not None else pd.Series(pd.NA, index=frame.index, dtype="string")


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
    handles = {f"{p}\x1f{b.name}\x1f{h.lstrip('@').lower()}" for b in ctx.brands for p, h in b.handles.items()}
    if handles:
        author = rows["author_handle"].astype("string").str.lstrip("@").str.lower()
        keys = rows["platform"].astype("string") + "\x1f" + rows["brand"].astype("string") + "\x1f" + author
        by_handle = keys.isin(handles).fillna(False)
        own = own | (by_handle & explicit.isna())
    return own.astype(bool)


def _drop(rows: pd.DataFrame, bad: pd.Series | np.ndarray, reason: str, skipped: ReadStats) -> pd.DataFrame:
    """`rows` without the `bad` ones, which are counted under `reason` with their places (the index)."""
    mask = np.asarray(bad, dtype=bool)
    if mask.any():
        skipped.skip(reason, rows.index[mask][:5].tolist(), int(mask.sum()))
    return rows[~mask]


def to_frame(
    chunk: pd.DataFrame, columns: Mapping[str, tuple[str, ...]], ctx: _Context, skipped: ReadStats
) -> pd.DataFrame:
    """One chunk of file rows as the mention frame; unusable rows dropped and counted in `skipped`.

    The chunk's index is each row's place in the file (pipeline.filereaders), so skips can name it.
    """
    rows = pd.DataFrame(index=chunk.index)
    for target in (
        "text",
        "author_handle",
        "author_name",
        "author_id",
        "url",
        "lang",
        "parent_id",
        "thread_id",
        "matched",
    ):
        rows[target] = _text(chunk, columns, target)
    rows["text"] = rows["text"].str.replace("\r\n", "\n", regex=False)
    rows = _drop(rows, rows["text"].isna(), "no text", skipped)
    keep = rows.index
    rows["created_at"], outside = read_times(_text(chunk, columns, "created_at")[keep], ctx.zone)
    reason = f"date outside the supported range ({MIN_TIME.year} to {MAX_TIME.year - 1})"
    rows = _drop(rows, outside, reason, skipped)
    rows = _drop(rows, rows["created_at"].isna(), "no parseable date", skipped)
    keep = rows.index
    platform = platform_names(_text(chunk, columns, "platform")[keep])
    rows["platform"] = ctx.platform or platform.fillna(DEFAULT_PLATFORM)
    unknown = ~rows["platform"].isin(PLATFORMS)
    for name in rows.loc[unknown, "platform"].unique():
        rows = _drop(rows, rows["platform"] == name, f"unknown platform {name!r}", skipped)
    keep = rows.index
    for target in (*COUNT_FIELDS, TOTAL_FIELD):
        rows[target] = numbers(_text(chunk, columns, target)[rows.index])  # rows.index: a drop may have happened
        rows = _drop(rows, too_big(rows[target]), f"{target} of {MAX_COUNT:,} or more (not a real count)", skipped)
    keep = rows.index
    parts = rows[list(PARTS)].notna().any(axis=1)
    rows["likes"] = rows["likes"].where(parts, rows[TOTAL_FIELD])  # a total only where the file gives no parts
    rows = rows.drop(columns=[TOTAL_FIELD])
    ids = whole_ids(_text(chunk, columns, "post_id")[keep])
    for target in ("parent_id", "thread_id"):
        rows[target] = whole_ids(rows[target])
    if ids.isna().any():
        missing = ids.isna()
        ids[missing] = derived_ids(
            rows["platform"][missing],
            rows["author_handle"][missing],
            rows["created_at"][missing],
            rows["text"][missing],
        )
    rows["post_id"] = ids
    kind = _text(chunk, columns, "kind")[keep].str.lower()
    derived = pd.Series(np.where(rows["parent_id"].notna(), "reply", "post"), index=keep)
    rows["kind"] = kind.where(kind.isin(KINDS)).fillna(derived)
    rows["brand"], found = _brands(rows, _text(chunk, columns, "brand")[keep], ctx)
    rows["matched"] = rows["matched"].fillna(found)
    rows["is_own"] = _own(rows, _text(chunk, columns, "is_own")[keep], ctx)
    is_x = (rows["platform"] == "x") & rows["url"].isna() & rows["author_handle"].notna()
    rows.loc[is_x, "url"] = (
        "https://x.com/" + rows.loc[is_x, "author_handle"].str.lstrip("@") + "/status/" + rows.loc[is_x, "post_id"]
    )
    retrieved = parse_times(_text(chunk, columns, "retrieved_at")[keep], ctx.zone)
    rows["retrieved_at"] = retrieved.fillna(pd.Timestamp(ctx.retrieved_at))
    rows["source"] = ctx.source
    rows["source_sentiment"], scale = source_labels(
        _text(chunk, columns, "source_sentiment")[rows.index], ctx.sentiment_scale
    )
    ctx.sentiment_scale = ctx.sentiment_scale or scale
    # reviews and ratings (issue 18): a rated row without a kind column is a review
    rows["rating"] = star_values(_text(chunk, columns, "rating")[rows.index])
    rows["app_version"] = _text(chunk, columns, "app_version")[rows.index]
    unkinded = rows["rating"].notna() & _text(chunk, columns, "kind")[rows.index].isna()
    rows.loc[unkinded.to_numpy(dtype=bool), "kind"] = "review"
    for target in ("post_id", "parent_id", "thread_id", "author_id"):
        rows[target] = bounded_ids(rows[target])
    rows["author_handle"] = rows["author_handle"].str.slice(0, 256)  # the store's column sizes
    rows["lang"] = rows["lang"].str.slice(0, 16)
    repeated = rows.duplicated(["platform", "post_id"], keep="last")
    return _drop(rows, repeated, "repeated id in the file (the last row is kept)", skipped)


def _context(config: Config, path: Path, platform: str | None, brand: str | None, timezone: str) -> _Context:
    platform = platform_name(platform) if platform is not None else None
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
        platform=platform,
        brand=chosen,
        brands=config.brands,
        default_brand=own[0],
        zone=zone,
        source=f"import:{path.name}"[:128],
        retrieved_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        matchers=[(b, KeywordMatcher.for_brand(b)) for b in ordered],
    )


@dataclass
class _Read:
    """One file being read: its encoding and format, and what the readers skipped."""

    path: Path
    encoding: str
    fmt: str
    note: str | None
    stats: ReadStats = field(default_factory=ReadStats)


def _open(path: Path, encoding: str | None) -> _Read:
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    found = detect_encoding(path, encoding)
    return _Read(path, found.name, detect_format(path, found.name), found.note)


def _frames(
    read: _Read, ctx: _Context, mapping: Mapping[str, str] | None, chunk_rows: int, skipped: ReadStats
) -> Iterator[tuple[int, pd.DataFrame]]:
    """(rows read, mention frame) per chunk; unusable rows counted in `skipped`."""
    columns: dict[str, tuple[str, ...]] | None = None
    first = True
    for chunk in read_chunks(read.path, read.fmt, read.encoding, chunk_rows, read.stats):
        if columns is None or read.fmt != "csv":  # JSON records may differ from chunk to chunk
            try:
                columns = resolve_columns(chunk.columns, mapping)
            except ImportFileError:
                if read.fmt == "csv" or first:
                    raise  # the header (or the first records) lack what every row needs
                skipped.skip("record without the text or date fields", chunk.index[:5].tolist(), len(chunk))
                continue
            finally:
                first = False
        read_rows, mapped = len(chunk), to_frame(chunk, columns, ctx, skipped)
        del chunk  # the file's text is not kept while the mapped frame waits to be stored
        yield read_rows, mapped


def _next(items: Iterator[T]) -> list[T]:
    """The next item as a one-item list, or [] at the end (a None item stays an item)."""
    return list(islice(items, 1))


def _prefetched(items: Iterator[T]) -> Iterator[T]:
    """`items`, each computed in a worker thread while the caller handles the previous one.

    Reading and mapping a chunk (pyarrow, mostly outside the GIL) overlaps with storing the
    previous one; at most two chunks are in memory. Errors surface in the caller, in order.
    Each item is handed over, not kept (`pop`): once the caller drops it, it is freed.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read") as pool:
        ahead = pool.submit(_next, items)
        while item := ahead.result():
            ahead = pool.submit(_next, items)
            yield item.pop()


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
    read = _open(Path(path), encoding)
    ctx = _context(config, read.path, platform, brand, timezone)
    result = ImportResult(path=read.path, fmt=read.fmt, encoding=read.encoding, notes=[read.note] if read.note else [])
    mapped = ReadStats()  # written by the reading thread, merged when it is done

    def frames() -> Iterator[pd.DataFrame]:
        """The mapped chunks, each handed over and not kept here (ingest_frames frees it once conformed)."""
        for item in _prefetched(_frames(read, ctx, mapping, chunk_rows, mapped)):
            rows, frame = item
            del item
            result.rows += rows
            if len(frame):
                box = [frame]
                del frame
                yield box.pop()
            if progress is not None:
                progress(result)  # rows read so far; new and already stored are counted at the end

    # one transaction: the hourly rollups of the hours the file touches are rebuilt once, not per chunk
    stored = ingest_frames(engine, frames(), config.brands)
    result.new, result.already_stored = stored.new, stored.updated
    result.skipped.update(stored.skipped)
    mapped.update(read.stats)
    result.skipped.update(mapped.skipped)
    result.where = mapped.where
    result.skipped = Counter({k: v for k, v in result.skipped.items() if v})
    if result.rows == 0 and not result.skipped:
        raise ImportFileError("no rows: the file holds no records (only a header, or nothing)")
    result.seconds = time.perf_counter() - started
    return result


#: a scheduled file source holds its rows in memory: bigger files are imported once with the CLI.
MAX_SOURCE_ROWS = 500_000


class FileCollector:
    """A file as a source (`platform = "csv"`): the whole file each time it changes; cursor = size:mtime."""

    platform = "csv"

    def __init__(self, source: Source, config: Config, max_rows: int = MAX_SOURCE_ROWS) -> None:
        raw = source.options.get("path")
        if not isinstance(raw, str) or not raw.strip():
            raise FatalError(f"source {source.name}: a csv source needs `path`")
        path = Path(raw).expanduser()
        if not path.is_absolute() and config.path is not None:
            path = config.path.parent / path  # relative to monitor.toml
        self.source, self.config, self.path, self.max_rows = source, config, path, max_rows
        try:
            self.mapping = _source_mapping(source.options.get("map"))
        except ImportFileError as exc:
            raise FatalError(f"source {source.name}: map: {exc}") from None

    def collect(self, cursor: str | None) -> CollectResult:
        if not self.path.is_file():
            raise FatalError(f"source {self.source.name}: no file at {self.path}")
        stat = self.path.stat()
        fingerprint = f"{stat.st_size}:{stat.st_mtime_ns}"
        if cursor == fingerprint:
            return CollectResult(empty_frame(), cursor)
        skipped = ReadStats()
        frames, total = [], 0
        try:
            read = _open(self.path, None)
            ctx = _context(self.config, self.path, None, self.source.brand, "UTC")
            ctx.source = self.source.name
            for rows, frame in _frames(read, ctx, self.mapping, CHUNK_ROWS, skipped):
                total += rows
                if total > self.max_rows:
                    raise FatalError(
                        f"{self.path.name} has more than {self.max_rows:,} rows: import it once with "
                        "`.venv/bin/python cli.py import`, and schedule smaller exports"
                    )
                frames.append(frame)
        except ImportFileError as exc:
            raise FatalError(f"{self.path.name}: {exc}") from None
        skipped.update(read.stats)
        frame = pd.concat(frames, ignore_index=True) if frames else empty_frame()
        return CollectResult(frame, fingerprint, Counter({k: v for k, v in skipped.skipped.items() if v}))


def _source_mapping(value: Any) -> dict[str, str]:
    """A source's `map`: a table {column = field} or the CLI's "column=field,..." text."""
    if isinstance(value, dict):
        return parse_mapping([f"{column}={target}" for column, target in value.items()])
    return parse_mapping(value)


def from_source(source: Source, config: Config) -> FileCollector:
    """The collector for a configured `platform = "csv"` source."""
    return FileCollector(source, config)
