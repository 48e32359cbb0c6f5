"""Weekly reports for the Reports page: a preview built in this process, the files built by
`cli.py export` itself in a child process when one is downloaded.

The preview (summary.csv, the first rows of mentions.csv, notes.txt, the row count) comes from
`pipeline.export.preview`, the same frames the command writes. A closed week's preview is kept in
the store's part cache (store.readcache) under the week's stamp (`week_stamp`: it moves when a
write touches one of the week's days, or the reply queue moves), so a freshly started server shows
a week that any server previewed before at once. The files are built only when a download asks
for one: the command runs into a private temporary folder per (database, stamp, week, brand), so
the page offers exactly the files it writes and the dashboard never holds a week's CSV text
(about half a gigabyte to build at a million mentions) in memory.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from pipeline import export
from store import readcache, touched
from ui.context import Context, queue_days, read

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "cli.py"
KEEP_SECONDS = 3600
TIMEOUT_SECONDS = 900
HEAD_ROWS = 20
#: the name a week's preview is kept under in the store's part cache.
PREVIEW = "pipeline.export.preview"


def now() -> datetime:
    """The page's clock (tests set it): which week is the last full one."""
    return datetime.now(UTC)


def default_week(weeks: list[str], moment: datetime) -> int:
    """Index in `weeks` (newest first) of the week the page opens on: the last full week, as `cli.py export`.

    When that week has no mentions, the newest week before it that has; else the newest week.
    """
    from analysis.reports import default_week as last_full

    wanted = last_full(moment)
    for index, week in enumerate(weeks):
        if week <= wanted:  # YYYY-Www sorts as text
            return index
    return 0


class ReportError(Exception):
    """The export command failed; the message is its own one-line explanation."""


@dataclass(frozen=True)
class WeekFiles:
    """A previewed week: where its files go when one is downloaded, and what the page previews."""

    folder: str
    summary: pd.DataFrame
    notes: str
    mentions: int
    head: pd.DataFrame
    built_at: str


def _base() -> Path:
    folder = Path(tempfile.gettempdir()) / f"monitor-reports-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _prune(base: Path) -> None:
    """Forget built reports older than an hour."""
    cutoff = time.time() - KEEP_SECONDS
    for child in base.iterdir():
        try:
            if child.is_dir() and child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue


def export_command(ctx: Context, week: str, brand: str | None, out: Path) -> list[str]:
    """The exact command line (the same one a person would run)."""
    command = [sys.executable, str(CLI)]
    if ctx.config.path is not None:
        command += ["--config", str(Path(ctx.config.path).resolve())]
    command += ["export", "--week", week, "--out", str(out)]
    if brand:
        command += ["--brand", brand]
    return command


def _build(ctx: Context, week: str, brand: str | None, folder: Path) -> None:
    env = {**os.environ, "DATABASE_URL": ctx.url}
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            export_command(ctx, week, brand, folder),
            env=env,
            cwd=os.getcwd(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ReportError(f"building the report took longer than {TIMEOUT_SECONDS // 60} minutes") from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).strip().splitlines() if line.strip()]
        raise ReportError(lines[-1] if lines else f"the export command stopped with code {done.returncode}")


def week_stamp(ctx: Context, versions: tuple[int, int], week: str) -> tuple[int, ...]:
    """What a week's report is kept by: a stamp that moves when a write touches one of its days
    (store.touched; a collection of today's mentions leaves last week's report as built), and the
    queue version (the report shows reply states)."""
    from analysis.reports import parse_week

    _, start, end = parse_week(week)
    first, last = start.date(), (end - timedelta(days=1)).date()
    days = read(ctx.engine, touched.state, versions[0])
    return (*days.stamp(first, last), queue_days(ctx.engine, versions[1]).stamp(first, last))


def _folder(url: str, versions: tuple[int, ...], week: str, brand: str | None) -> Path:
    """Where a week's files are built: one private folder per (database, stamp, week, brand)."""
    key = hashlib.sha256(repr((url, versions, week, brand)).encode()).hexdigest()[:16]
    return _base() / key


def built_label(moment: datetime, today: datetime) -> str:
    """When a preview was built: the time today, the date and time before."""
    return f"{moment:%H:%M}" if moment.date() == today.date() else f"{moment:%Y-%m-%d %H:%M}"


@st.cache_data(show_spinner=False, max_entries=16, ttl=KEEP_SECONDS - 60)
def week_files(url: str, versions: tuple[int, ...], week: str, brand: str | None, _ctx: Context) -> WeekFiles:
    """Preview a week's report (once per `versions`: `week_stamp`), from the store's part cache when
    the week is closed and a server previewed it under the same stamp before."""
    from analysis.reports import parse_week

    _prune(_base())
    _, _, end = parse_week(week)
    moment = datetime.now(UTC)

    def build() -> dict[str, Any]:
        try:
            found = export.preview(_ctx.engine, _ctx.config, week, brand, now=moment, rows=HEAD_ROWS)
        except ValueError as exc:  # a bad week or a brand the config no longer names
            raise ReportError(str(exc)) from None
        return {"summary": found.summary, "head": found.head, "notes": found.notes, "mentions": found.mentions,
                "built_at": moment}  # fmt: skip

    if end <= moment:  # a closed week: kept in the store under its stamp
        config = (repr(tuple(_ctx.config.brands)), repr(_ctx.config.reports))
        value = readcache.cached(_ctx.engine, PREVIEW, week, versions, (week, brand, *config), {}, build)
    else:
        value = build()
    return WeekFiles(
        str(_folder(url, versions, week, brand)),
        value["summary"],
        value["notes"],
        int(value["mentions"]),
        value["head"],
        built_label(value["built_at"], moment),
    )


def file_bytes(ctx: Context, built: WeekFiles, name: str, week: str, brand: str | None) -> bytes:
    """A report file's bytes, built by `cli.py export` the first time one of the week's files is asked
    for (and again when the temporary copy was cleaned away meanwhile)."""
    path = Path(built.folder) / name
    if not path.exists():
        _build(ctx, week, brand, Path(built.folder))
    return path.read_bytes()
