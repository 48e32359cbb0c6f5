"""Reading other tools' exports in bounded chunks: CSV, JSON and JSON Lines, any common encoding.

`detect_encoding` honours a byte-order mark (UTF-8, UTF-16, UTF-32), recognises BOM-less
UTF-16 by its zero bytes, checks the whole file is valid UTF-8 (streamed, so memory stays
flat) and otherwise falls back to cp1252, then Latin-1, saying so. `read_chunks` yields
DataFrames of at most `chunk_rows` rows with every value as text (ids keep all their
digits), whatever the format; JSON objects are flattened (`user.screen_name` ->
`user_screen_name`). Lines that cannot be read are counted, never fatal.
"""

from __future__ import annotations

import codecs
import csv
import json
import threading
from collections import Counter
from collections.abc import Iterator
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


class ImportFileError(Exception):
    """The file cannot be imported as a whole (unreadable, not CSV/JSON, columns missing)."""


@dataclass
class Encoding:
    name: str
    note: str | None = None


@dataclass
class ReadStats:
    """What the readers dropped, by reason (bad lines, records that are not objects)."""

    skipped: Counter[str] = field(default_factory=Counter)


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
        header = next(csv.reader(handle, delimiter=sep), None)
    if not header:
        raise ImportFileError("the file is empty (no header line)")
    names, seen = [], Counter()
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

    def bad_row(_row: Any) -> str:
        with lock:
            stats.skipped["malformed CSV line (wrong number of fields)"] += 1
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
        for batch in reader:
            for start in range(0, batch.num_rows, chunk_rows):
                part = batch.slice(start, chunk_rows)
                yield part.to_pandas(types_mapper=lambda t: text if t == pa.string() else None)
    except pa.ArrowInvalid as exc:
        message = str(exc)
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


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Records as a frame of text (numbers are stringified before pandas sees them: ids keep every digit)."""
    return pd.DataFrame.from_records([_flatten(r) for r in records]).astype(object)


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


def _batches(records: Iterator[Any], chunk_rows: int, stats: ReadStats) -> Iterator[pd.DataFrame]:
    batch: list[dict[str, Any]] = []
    for record in records:
        if not isinstance(record, dict):
            stats.skipped["JSON value that is not an object"] += 1
            continue
        batch.append(record)
        if len(batch) >= chunk_rows:
            yield _frame(batch)
            batch = []
    if batch:
        yield _frame(batch)


def _jsonl_records(handle: TextIO, stats: ReadStats) -> Iterator[Any]:
    for line in handle:
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            yield json.loads(line)
        except ValueError:
            stats.skipped["line that is not valid JSON"] += 1


def _array_items(handle: TextIO) -> Iterator[Any]:
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
    pos = 1
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
        if end >= len(buffer) and not eof and more():
            continue  # a number may continue in the next block: decode it again
        pos = end
        yield item


def _object_records(handle: TextIO) -> list[Any]:
    try:
        document = json.load(handle)
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
            yield from _batches(iter(_object_records(handle)), chunk_rows, stats)
