"""Reading other tools' exports in bounded chunks: CSV, JSON and JSON Lines, any common encoding.

`detect_encoding` honours a byte-order mark (UTF-8, UTF-16, UTF-32), recognises BOM-less
UTF-16 by its zero bytes, checks the whole file is valid UTF-8 (streamed, so memory stays
flat) and otherwise falls back to cp1252, then Latin-1, saying so. `read_chunks` yields
DataFrames of at most `chunk_rows` rows with every value as text (ids keep all their
digits), whatever the format; JSON objects are flattened (`user.screen_name` ->
`user_screen_name`). Lines that cannot be read are counted, never fatal.

Each chunk's index is where its rows are in the file, so a skipped row can be named: for a CSV
the spreadsheet row (the header is row 1; a quoted line break does not start a new row), for
JSON Lines the line, for a JSON array the record (from 1).
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv

BLOCK = 1 << 20
#: pyarrow parses a CSV in blocks; a row must fit in one.
MIN_BLOCK = 16 << 20
MAX_BLOCK = 256 << 20
BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
#: keys under which JSON exports keep their list of posts.
RECORD_KEYS = (
    "data",
    "items",
    "posts",
    "tweets",
    "statuses",
    "results",
    "hits",
    "records",
    "entries",
    "messages",
    "mentions",
    "rows",
)


#: line numbers kept per skip reason (the message names the first few).
EXAMPLES = 5
#: JSON nested deeper than this is refused (Python's parser would hit its recursion limit near 1,000).
MAX_JSON_DEPTH = 200
_SURROGATE = re.compile("[\ud800-\udfff]")
UNITS = {"csv": "row", "jsonl": "line", "json": "record"}


class ImportFileError(Exception):
    """The file cannot be imported as a whole (unreadable, not CSV/JSON, columns missing)."""


@dataclass
class Encoding:
    name: str
    note: str | None = None


@dataclass
class ReadStats:
    """What was dropped, by reason, with the first few places (row, line or record numbers) per reason."""

    skipped: Counter[str] = field(default_factory=Counter)
    where: dict[str, list[int]] = field(default_factory=dict)

    def skip(self, reason: str, places: Iterable[int] = (), count: int | None = None) -> None:
        """Count `count` (default: len(places)) rows skipped for `reason`, keeping the first EXAMPLES places."""
        places = list(places)[:EXAMPLES] if count is None or places else []
        self.skipped[reason] += len(places) if count is None else count
        if places:
            kept = self.where.setdefault(reason, [])
            kept.extend(places[: EXAMPLES - len(kept)])

    def update(self, other: ReadStats) -> None:
        self.skipped.update(other.skipped)
        for reason, places in other.where.items():
            self.skip(reason, places, count=0)


def _utf8_error(path: Path, start: int) -> int | None:
    """Offset of the first byte that is not valid UTF-8, or None when the whole file is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        handle.seek(start)
        while block := handle.read(BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return start + offset + exc.start
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return start + offset
    return None


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        try:
            while block := handle.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def detect_encoding(path: Path, forced: str | None = None) -> Encoding:
    """The file's text encoding, with a note when it had to be guessed."""
    if forced:
        try:
            codecs.lookup(forced)
        except LookupError:
            raise ImportFileError(f"unknown encoding {forced!r}") from None
        return Encoding(forced)
    with path.open("rb") as handle:
        head = handle.read(4096)
    for bom, name in BOMS:
        if head.startswith(bom):
            return Encoding(name)
    if len(head) >= 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return Encoding("utf-16-le", "no byte-order mark, but the bytes are UTF-16 (little-endian)")
        if even > len(head) // 4 and odd == 0:
            return Encoding("utf-16-be", "no byte-order mark, but the bytes are UTF-16 (big-endian)")
    bad = _utf8_error(path, 0)
    if bad is None:
        return Encoding("utf-8")
    fallback = "cp1252" if _decodes(path, "cp1252") else "latin-1"
    return Encoding(
        fallback,
        f"not valid UTF-8 (first bad byte at offset {bad}): read as {fallback}; pass --encoding if that is wrong",
    )


def detect_format(path: Path, encoding: str) -> str:
    """'csv', 'json' or 'jsonl', from the extension, else from the first characters."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".jsonlines"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".tsv", ".tab"):
        return "csv"
    with path.open(encoding=encoding, errors="replace") as handle:
        head = handle.read(65536).lstrip("\ufeff \t\r\n")
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        first = head.split("\n", 1)[0].strip()
        try:
            json.loads(first)
            return "jsonl"
        except ValueError:
            return "json"
    return "csv"


def _separator(path: Path, encoding: str) -> str:
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        header = handle.readline()
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _csv_names(path: Path, encoding: str, sep: str) -> list[str]:
    """The header's column names, made unique ("id", "id" -> "id", "id.1") as pandas would."""
    with path.open(encoding=encoding, newline="") as handle:
        try:
            header = next(csv.reader(handle, delimiter=sep), None)
        except csv.Error as exc:
            if "field limit" in str(exc):
                limit = csv.field_size_limit() // 1024
                raise ImportFileError(
                    f"the header line has a column name over {limit} KB: this is not a CSV export"
                ) from None
            raise ImportFileError(f"not readable as CSV: the header line: {exc}") from None
    if not header:
        raise ImportFileError("the file is empty (no header line)")
    names: list[str] = []
    seen: Counter[str] = Counter()
    for name in header:
        names.append(f"{name}.{seen[name]}" if seen[name] else name)
        seen[name] += 1
    return names


def _block_size(path: Path, chunk_rows: int) -> int:
    """Bytes per parsed block: about `chunk_rows` rows, within [MIN_BLOCK, MAX_BLOCK] (a row must fit one)."""
    with path.open("rb") as handle:
        sample = handle.read(BLOCK)
    per_row = len(sample) / max(sample.count(b"\n"), 1)
    return int(min(max(per_row * chunk_rows * 1.05, MIN_BLOCK), MAX_BLOCK))


def _csv_chunks(path: Path, encoding: str, chunk_rows: int, stats: ReadStats) -> Iterator[pd.DataFrame]:
    """Stream the CSV with pyarrow (multi-threaded parsing, quoted newlines allowed), every column as text."""
    sep = _separator(path, encoding)

    lock = threading.Lock()  # pyarrow may call this from its parsing threads

    def bad_row(row: Any) -> str:
        with lock:
            number = getattr(row, "number", None)
            stats.skip("malformed CSV line (wrong number of fields)", [number] if number and number > 0 else [], 1)
        return "skip"

    try:
        names = _csv_names(path, encoding, sep)
        reader = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(
                encoding=encoding, block_size=_block_size(path, chunk_rows), column_names=names, skip_rows=1
            ),
            parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=True, invalid_row_handler=bad_row),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=True, quoted_strings_can_be_null=True
            ),
        )
        text = pd.StringDtype("pyarrow")
        row = 2  # the header is row 1
        for batch in reader:
            for start in range(0, batch.num_rows, chunk_rows):
                part = batch.slice(start, chunk_rows).to_pandas(
                    types_mapper=lambda t: text if t == pa.string() else None
                )
                part.index = pd.RangeIndex(row, row + len(part))
                row += len(part)
                yield part
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if "Could not skip initial" in message:  # the header line with nothing after it, not even a newline
            raise ImportFileError("no rows: the file holds only its header line") from None
        if "Empty CSV" in message:
            raise ImportFileError("the file is empty (no header line)") from None
        if "straddling" in message:
            raise ImportFileError(f"a row is longer than {MAX_BLOCK // 1_000_000} MB") from None
        raise ImportFileError(f"not readable as CSV: {message}") from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"cannot decode the file as {encoding}: {exc}; pass --encoding") from None


def _flatten(
    record: dict[str, Any], prefix: str = "", depth: int = 0, out: dict[str, str | None] | None = None
) -> dict[str, str | None]:
    """A JSON object as flat text columns: {"user": {"name": "a"}} -> {"user_name": "a"}."""
    out = {} if out is None else out
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and depth < 3:
            _flatten(value, f"{name}_", depth + 1, out)
        else:
            out[name] = _as_text(value)
    return out


def _frame(records: list[dict[str, str | None]], places: list[int]) -> pd.DataFrame:
    """Flat records as a frame of text, indexed by their place in the file."""
    return pd.DataFrame.from_records(records, index=pd.Index(places)).astype(object)


def _has_surrogate(record: dict[str, str | None]) -> bool:
    return any(v is not None and not v.isascii() and _SURROGATE.search(v) for v in record.values()) or any(
        not k.isascii() and _SURROGATE.search(k) for k in record
    )


def _as_text(value: Any) -> str | None:
    """Every JSON value as text: numbers keep all digits, lists and objects stay JSON."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _batches(records: Iterator[tuple[int, Any]], chunk_rows: int, stats: ReadStats) -> Iterator[pd.DataFrame]:
    """(place, JSON value) -> frames of flat text records; values that are not usable objects are skipped."""
    batch: list[dict[str, str | None]] = []
    places: list[int] = []
    for place, record in records:
        if not isinstance(record, dict):
            stats.skip("JSON value that is not an object", [place])
            continue
        try:
            flat = _flatten(record)
        except RecursionError:
            stats.skip(f"JSON nested more than {MAX_JSON_DEPTH} levels deep", [place])
            continue
        if _has_surrogate(flat):
            stats.skip("text with a lone surrogate escape (\\ud800-\\udfff: not a character)", [place])
            continue
        batch.append(flat)
        places.append(place)
        if len(batch) >= chunk_rows:
            yield _frame(batch, places)
            batch, places = [], []
    if batch:
        yield _frame(batch, places)


def _too_deep(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether JSON text nests deeper than MAX_JSON_DEPTH (counted on brackets outside strings, roughly)."""
    part = text[start:end]
    if part.count("[") + part.count("{") <= MAX_JSON_DEPTH:
        return False
    depth = deepest = 0
    in_string = escaped = False
    for char in part:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _loads(text: str) -> Any:
    """json.loads, with too deep nesting a ValueError instead of a RecursionError."""
    if _too_deep(text):
        raise _TooDeep
    try:
        return json.loads(text)
    except RecursionError:
        raise _TooDeep from None


class _TooDeep(ValueError):
    pass


def _jsonl_records(handle: TextIO, stats: ReadStats) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(handle, start=1):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            yield number, _loads(line)
        except _TooDeep:
            stats.skip(f"JSON nested more than {MAX_JSON_DEPTH} levels deep", [number])
        except ValueError:
            stats.skip("line that is not valid JSON", [number])


def _array_items(handle: TextIO) -> Iterator[tuple[int, Any]]:
    """The items of a top-level JSON array, decoded one at a time (the array is never held whole)."""
    decoder = json.JSONDecoder()
    buffer, pos, eof = "", 0, False

    def more() -> bool:
        nonlocal buffer, pos, eof
        block = handle.read(BLOCK)
        if not block:
            eof = True
            return False
        buffer = buffer[pos:] + block
        pos = 0
        return True

    more()
    buffer = buffer.lstrip("\ufeff \t\r\n")
    if not buffer.startswith("["):
        raise ImportFileError("not a JSON array")
    pos, number = 1, 0
    while True:
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n,":
                pos += 1
            if pos < len(buffer) or not more():
                break
        if pos >= len(buffer):
            raise ImportFileError("the JSON array is not closed (file cut short?)")
        if buffer[pos] == "]":
            return
        try:
            item, end = decoder.raw_decode(buffer, pos)
        except json.JSONDecodeError as exc:
            if not eof and more():
                continue
            raise ImportFileError(f"not valid JSON near character {exc.pos}: {exc.msg}") from None
        except RecursionError:
            raise ImportFileError(
                f"record {number + 1} is JSON nested more than {MAX_JSON_DEPTH} levels deep: not an export of posts"
            ) from None
        if end >= len(buffer) and not eof and more():
            continue  # a number may continue in the next block: decode it again
        pos = end
        number += 1
        yield number, item


def _object_records(handle: TextIO) -> list[Any]:
    try:
        document = _loads(handle.read())
    except _TooDeep:
        raise ImportFileError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep: not an export of posts") from None
    except ValueError as exc:
        raise ImportFileError(f"not valid JSON: {exc}") from None
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise ImportFileError("the JSON holds no objects")
    for key in RECORD_KEYS:
        if isinstance(document.get(key), list):
            return document[key]
    lists = [v for v in document.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
    return lists[0] if len(lists) == 1 else [document]


def read_chunks(path: Path, fmt: str, encoding: str, chunk_rows: int, stats: ReadStats) -> Iterator[pd.DataFrame]:
    """DataFrames of at most `chunk_rows` rows of text values (None for missing)."""
    if fmt == "csv":
        yield from _csv_chunks(path, encoding, chunk_rows, stats)
        return
    with path.open(encoding=encoding, newline=None) as handle:
        if fmt == "jsonl":
            yield from _batches(_jsonl_records(handle, stats), chunk_rows, stats)
            return
        head = handle.read(1)
        while head and head in "\ufeff \t\r\n":
            head = handle.read(1)
        handle.seek(0)
        if head == "[":
            yield from _batches(_array_items(handle), chunk_rows, stats)
        else:  # an object wrapping the records (`{"data": [...]}`) is read whole
            yield from _batches(enumerate(_object_records(handle), start=1), chunk_rows, stats)
