"""Weekly report files: read one ISO week from the store, write mentions.csv, summary.csv, notes.txt
and satisfaction.csv (rated reviews: average rating and CSAT per day and app).

`export_week` writes them, for `cli.py export` and the scheduler's weekly job. The Reports page
(ui/reports.py) previews a week with `preview` (built in the dashboard's process from the same
frames, kept in the store's part cache once the week is closed) and builds the download files only
when one is asked for, by running `cli.py export --out <a private temporary folder>` in a child
process: the files are the command's own, and the dashboard never holds a week's CSV text in
memory. `week_frames` gives the same frames in memory (the tests compare the files with it).

Only the week's rows are read (created_at range, indexed). Files are UTF-8 with a byte-order
mark (so Excel reads UTF-8), CRLF rows, quotes doubled, and text cells neutralised against
CSV injection (OWASP): see `neutralise`.

Folders: the whole report goes to `<[reports] dir>/<week>/`, one brand's to
`<[reports] dir>/<week>-<brand slug>/` (never over the whole report). A report is written into a
temporary folder beside its target and only then renamed into place, so an existing report is
replaced by a complete one or not at all. Brands are the config's, matched exactly; rows stored
under a brand the config no longer names are left out of every report and counted in notes.txt.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from analysis import reports
from analysis import resolution as resolution_rules
from config import Config
from store import judged, privacy, reader, resolution
from store.reader import is_demo_row
from store.schema import mention_state, mentions

#: a text cell starting with one of these is prefixed with NEUTRALISER (OWASP CSV injection).
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
ENCODING = "utf-8-sig"
FILES = ("mentions.csv", "summary.csv", "notes.txt", "satisfaction.csv")


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
    """Exact names only (the store keeps brands as the config spells them); the message lists the known ones."""
    names = [b.name for b in config.brands]
    if brand is not None and brand not in names:
        close = [n for n in names if n.casefold() == brand.strip().casefold()]
        hint = f"did you mean {close[0]!r}? " if close else ""
        where = f" in {config.path}" if config.path is not None else " (built-in demo config)"
        raise ValueError(f"unknown brand {brand!r}: {hint}configured brands are {', '.join(names)}{where}")


def unconfigured_brands(engine: Engine, config: Config, start: datetime, end: datetime) -> dict[str, int]:
    """Others' mentions in [start, end) stored under a brand the config does not name (left out of reports)."""
    m = mentions
    query = (
        select(m.c.brand, func.count())
        .where(m.c.created_at >= start, m.c.created_at < end, m.c.is_own.is_(False))
        .where(m.c.brand.not_in([b.name for b in config.brands]))
        .group_by(m.c.brand)
        .order_by(m.c.brand)
    )
    with engine.connect() as conn:
        return {str(row[0]): int(row[1]) for row in conn.execute(query)}


def demo_count(engine: Engine, start: datetime, end: datetime, brands: Sequence[str]) -> int:
    """Generated demo mentions (store.reader.is_demo_row) among the others' mentions of [start, end) for `brands`."""
    m = mentions
    query = select(func.count()).where(
        m.c.created_at >= start, m.c.created_at < end, m.c.is_own.is_(False), m.c.brand.in_(list(brands)), is_demo_row()
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


# --- satisfaction.csv (reviews and ratings, issue 18) ------------------------------------------


def satisfaction_week(engine: Engine, config: Config, week: str, brand: str | None = None) -> pd.DataFrame:
    """satisfaction.csv for the week (reports.satisfaction_frame): rated reviews of the configured brands
    (or `brand`), counted in SQL (store.reader.satisfaction), the brands' own posts left out."""
    _, start, end = reports.parse_week(week)
    wanted = (brand,) if brand is not None else tuple(b.name for b in config.brands)
    filters = reader.Filters(wanted, (), start.date(), (end - timedelta(days=1)).date())
    with engine.connect() as conn:
        counts = reader.satisfaction(conn, filters)
    return reports.satisfaction_frame(counts)


def _build(
    engine: Engine, config: Config, week: str, brand: str | None, now: datetime | None
) -> tuple[pd.DataFrame, pd.DataFrame, str, int]:
    label, start, end = reports.parse_week(week)
    _check_brand(config, brand)
    now = now or datetime.now(UTC)
    wanted = reports.brands_to_read(config.brands, brand) or [b.name for b in config.brands]
    rows = reports.prepare(read_week(engine, start, end, wanted), config.brands)
    left_out = unconfigured_brands(engine, config, start, end) if brand is None else {}
    with engine.connect() as conn:
        days = resolution_rules.window_days(config.brands)
        conversations = resolution.conversations_between(conn, start, end, days, wanted)
    summary = reports.summary_frame(rows, config.brands, now, conversations)
    if brand is not None:
        rows = rows[rows["brand"] == brand].reset_index(drop=True)
        summary = summary[summary["brand"] == brand].reset_index(drop=True)
    frame = reports.mentions_frame(rows, config.brands, now)
    if config.reports.pseudonymise_authors:
        frame = pseudonymise(engine, frame, f"{label}:{brand or ''}")
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
        left_out=left_out,
        demo=demo_count(engine, start, end, [brand] if brand is not None else wanted),
        business_hours=reports.business_hours([b for b in config.brands if brand is None or b.name == brand]),
        judged_with=judged_with(engine),
    )
    return frame, summary, notes, missing


def judged_with(engine: Engine) -> str | None:
    """The formulas version of the stored judgements when it is not this release's (store.judged), else None."""
    with engine.connect() as conn:
        found = judged.status(conn)
    if not found["behind"]:
        return None
    return found["stored"] or "not recorded"


TOKEN = re.compile(r"[\w.\-]+")


def pseudonymise(engine: Engine, frame: pd.DataFrame, report: str) -> pd.DataFrame:
    """Handles replaced by "author-" and a short keyed hash, in the author column and wherever the
    report's handles appear in a URL or a text (@dana, bsky.app/profile/dana.bsky.social/...).

    The same author (platform, handle) has the same pseudonym within one report (`report` names
    it) and a different one in another report.
    """
    with engine.begin() as conn:
        key = privacy.salt(conn)
    out = frame.copy()
    handles = out["author_handle"].astype(object).where(out["author_handle"].notna(), None)

    def alias(platform: str, handle: str) -> str:
        return "author-" + privacy.keyed(key, f"report:{report}:{platform}:{privacy.normal_author(handle)}")[:10]

    names = {
        privacy.normal_author(h): alias(p, h)
        for p, h in zip(out["platform"], handles, strict=True)
        if isinstance(h, str) and privacy.normal_author(h)
    }
    out["author_handle"] = pd.Series(
        [alias(p, h) if isinstance(h, str) and h else None for p, h in zip(out["platform"], handles, strict=True)],
        index=out.index,
        dtype="string",
    )

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        for candidate in (token, token.rstrip(".")):
            if (alias_ := names.get(candidate.casefold())) is not None:
                return alias_ + token[len(candidate) :]
        return token

    for column in ("url", "text"):
        values = out[column]
        out[column] = values.map(lambda v: TOKEN.sub(swap, v) if isinstance(v, str) else v).astype(values.dtype)
    return out


def week_frames(
    engine: Engine, config: Config, week: str, brand: str | None = None, now: datetime | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(mentions frame, summary frame, notes text) for an ISO week such as '2026-W47'.

    ValueError for a bad week or an unknown brand. `brand` limits both frames to that brand
    (its share of voice still counts its competitors). `now` (default: the current time) is
    when status, priority and SLA figures are taken.
    """
    frame, summary, notes, _ = _build(engine, config, week, brand, now)
    return frame, summary, notes + reports.satisfaction_notes(satisfaction_week(engine, config, week, brand))


@dataclass(frozen=True)
class Preview:
    """What the Reports page shows of a week's report before any file is asked for: summary.csv and
    the first rows of mentions.csv as they read back from those files, notes.txt, and the row count."""

    summary: pd.DataFrame
    head: pd.DataFrame
    notes: str
    mentions: int


def _as_read_back(data: bytes, nrows: int | None = None, **options: Any) -> pd.DataFrame:
    """A report CSV's bytes as a spreadsheet-free preview reads them (pandas, UTF-8 with BOM)."""
    return pd.read_csv(io.BytesIO(data), encoding=ENCODING, nrows=nrows, **options)


def preview(
    engine: Engine, config: Config, week: str, brand: str | None = None, now: datetime | None = None, rows: int = 20
) -> Preview:
    """The week's report as the Reports page previews it, built in this process from the same frames
    `export_week` writes (no files): summary.csv and the first `rows` rows of mentions.csv (as text),
    read back from their exact bytes; notes.txt's text; how many rows mentions.csv holds."""
    frame, summary, notes, _ = _build(engine, config, week, brand, now)
    notes += reports.satisfaction_notes(satisfaction_week(engine, config, week, brand))
    head = _as_read_back(csv_bytes(frame.head(rows)), dtype=str)
    return Preview(_as_read_back(csv_bytes(summary)), head, notes, len(frame))


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


def brand_slug(brand: str) -> str:
    """A brand name as a folder name part: 'Acme Corp.' -> 'acme-corp' (never empty)."""
    slug = re.sub(r"[^0-9a-z]+", "-", brand.casefold()).strip("-")
    return slug or "brand"


def default_dir(config: Config, week: str, brand: str | None = None) -> Path:
    """Where a week's report goes by default: <[reports] dir>/<YYYY-Www>, or <YYYY-Www>-<brand slug> for one brand."""
    label = reports.parse_week(week)[0]
    return Path(config.reports.dir) / (label if brand is None else f"{label}-{brand_slug(brand)}")


def is_complete(folder: Path) -> bool:
    """Whether `folder` holds every report file."""
    return all((folder / name).is_file() for name in FILES)


def _replace_folder(temp: Path, folder: Path) -> None:
    """Put the complete report in `temp` where `folder` is: the old one is removed only after the swap."""
    if not folder.exists():
        os.replace(temp, folder)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
    os.replace(folder, old / folder.name)  # two renames: a reader sees the old report or the new one
    try:
        os.replace(temp, folder)
    except BaseException:
        os.replace(old / folder.name, folder)  # put the old report back
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def export_week(
    engine: Engine,
    config: Config,
    week: str,
    out_dir: Path | None = None,
    brand: str | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Write mentions.csv, summary.csv, notes.txt and satisfaction.csv for the week to `out_dir` (default_dir if None).

    The files are written to a temporary folder beside `out_dir`, which then takes its place:
    an existing report there is replaced only by a complete new one (on any error it stays as it was).
    """
    frame, summary, notes, missing = _build(engine, config, week, brand, now)
    rated = satisfaction_week(engine, config, week, brand)
    notes += reports.satisfaction_notes(rated)
    label = reports.parse_week(week)[0]
    folder = Path(out_dir) if out_dir is not None else default_dir(config, label, brand)
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
    try:
        contents = (csv_bytes(frame), csv_bytes(summary), notes.encode("utf-8"), csv_bytes(rated))
        for name, data in zip(FILES, contents, strict=True):
            (temp / name).write_bytes(data)
        temp.chmod(0o755 if not folder.exists() else folder.stat().st_mode & 0o7777)
        _replace_folder(temp, folder)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    paths = tuple(folder / name for name in FILES)
    return ExportResult(label, folder, paths, len(frame), len(summary), missing)
