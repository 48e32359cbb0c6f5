"""Weekly report files: read one ISO week from the store, write mentions.csv, summary.csv, notes.txt.

`export_week` writes them, for `cli.py export` and the scheduler's weekly job. The Reports page
(ui/reports.py) does not call this module: it runs `cli.py export --out <a private temporary
folder>` in a child process, previews summary.csv and the first rows of mentions.csv from
there, and offers those very files as downloads, so the dashboard never holds a whole week in
memory. `week_frames` gives the same frames in memory (the tests compare the files with it).

Only the week's rows are read (created_at range, indexed). Files are UTF-8 with a byte-order
mark (so Excel reads UTF-8), CRLF rows, quotes doubled, and text cells neutralised against
CSV injection (OWASP): see `neutralise`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from analysis import reports
from config import Config
from store.schema import mention_state, mentions

#: a text cell starting with one of these is prefixed with NEUTRALISER (OWASP CSV injection).
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
ENCODING = "utf-8-sig"
FILES = ("mentions.csv", "summary.csv", "notes.txt")


@dataclass(frozen=True)
class ExportResult:
    """What export_week wrote."""

    week: str
    out_dir: Path
    files: tuple[Path, ...]
    mentions: int
    summary_rows: int
    no_engagement_data: int

    @property
    def empty(self) -> bool:
        return self.mentions == 0


def read_week(engine: Engine, start: datetime, end: datetime, brands: Sequence[str] | None = None) -> pd.DataFrame:
    """Others' mentions created in [start, end) with their reply state (reports.ROW_COLUMNS), oldest first."""
    m, s = mentions, mention_state
    columns = [
        s.c[c] if c in ("sentiment_override", "status", "assignee", "first_response_at") else m.c[c]
        for c in reports.ROW_COLUMNS
    ]
    query = (
        select(*columns)
        .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
        .where(m.c.created_at >= start, m.c.created_at < end, m.c.is_own.is_(False))
        .order_by(m.c.created_at, m.c.platform, m.c.post_id)
    )
    if brands is not None:
        query = query.where(m.c.brand.in_(list(brands)))
    with engine.connect() as conn:
        result = conn.execute(query)
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    return frame.reindex(columns=list(reports.ROW_COLUMNS))


def _check_brand(config: Config, brand: str | None) -> None:
    names = [b.name for b in config.brands]
    if brand is not None and brand not in names:
        raise ValueError(f"unknown brand {brand!r}: configured brands are {', '.join(names)}")


def _build(
    engine: Engine, config: Config, week: str, brand: str | None, now: datetime | None
) -> tuple[pd.DataFrame, pd.DataFrame, str, int]:
    label, start, end = reports.parse_week(week)
    _check_brand(config, brand)
    now = now or datetime.now(UTC)
    rows = reports.prepare(read_week(engine, start, end, reports.brands_to_read(config.brands, brand)), config.brands)
    summary = reports.summary_frame(rows, config.brands, now)
    if brand is not None:
        rows = rows[rows["brand"] == brand].reset_index(drop=True)
        summary = summary[summary["brand"] == brand].reset_index(drop=True)
    frame = reports.mentions_frame(rows, config.brands, now)
    missing = reports.no_engagement_data(rows)
    notes = reports.notes_text(
        label,
        start,
        end,
        brand=brand,
        all_brands=[b.name for b in config.brands],
        mentions=len(frame),
        summary_rows=len(summary),
        missing_engagement=missing,
        generated_at=now,
    )
    return frame, summary, notes, missing


def week_frames(
    engine: Engine, config: Config, week: str, brand: str | None = None, now: datetime | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(mentions frame, summary frame, notes text) for an ISO week such as '2026-W47'.

    ValueError for a bad week or an unknown brand. `brand` limits both frames to that brand
    (its share of voice still counts its competitors). `now` (default: the current time) is
    when status, priority and SLA figures are taken.
    """
    frame, summary, notes, _ = _build(engine, config, week, brand, now)
    return frame, summary, notes


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells starting with =, +, -, @, tab or CR get a leading ' (OWASP); numbers stay numbers.

    Text that starts with quotes followed by one of those gets one more, so `unneutralise`
    gives back every text exactly. Only text columns change; timestamps become ISO 8601 text
    with their offset (UTC).
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            utc = values.dt.tz_convert("UTC")
            out[column] = (utc.dt.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00").astype(object).where(utc.notna(), None)
        elif pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype):
            out[column] = values.map(_neutralise_cell, na_action="ignore").astype(object)
    return out


def _is_dangerous(value: object) -> bool:
    """Text that, after any leading quotes, starts with a formula trigger (so the quote round trip is exact)."""
    return isinstance(value, str) and value.lstrip(NEUTRALISER)[:1] in DANGEROUS_FIRST


def _neutralise_cell(value: object) -> object:
    return NEUTRALISER + value if _is_dangerous(value) else value  # type: ignore[operator]


def unneutralise(values: pd.Series) -> pd.Series:
    """The original text of neutralised cells: one leading ' removed where `neutralise` added it."""
    text = values.astype(object)
    added = text.map(lambda v: isinstance(v, str) and v.startswith(NEUTRALISER) and _is_dangerous(v[1:]))
    return text.where(~added.astype(bool), text.str.slice(1))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as the report CSV: neutralised, UTF-8 with BOM, CRLF rows, header always present."""
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n").encode(ENCODING)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a report."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def default_dir(config: Config, week: str) -> Path:
    """Where a week's report goes by default: <[reports] dir>/<YYYY-Www> (data/reports/2026-W47)."""
    return Path(config.reports.dir) / reports.parse_week(week)[0]


def export_week(
    engine: Engine,
    config: Config,
    week: str,
    out_dir: Path | None = None,
    brand: str | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Write mentions.csv, summary.csv and notes.txt for the week to `out_dir` (default_dir if None)."""
    frame, summary, notes, missing = _build(engine, config, week, brand, now)
    label = reports.parse_week(week)[0]
    folder = Path(out_dir) if out_dir is not None else default_dir(config, label)
    folder.mkdir(parents=True, exist_ok=True)
    paths = tuple(folder / name for name in FILES)
    _write_atomic(paths[0], csv_bytes(frame))
    _write_atomic(paths[1], csv_bytes(summary))
    _write_atomic(paths[2], notes.encode("utf-8"))
    return ExportResult(label, folder, paths, len(frame), len(summary), missing)
