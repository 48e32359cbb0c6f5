"""Weekly report files for the Reports page, built by `cli.py export` itself in a child process.

The page offers exactly the files the command writes, and the dashboard process never holds a
whole week in memory: at a million mentions one week's mentions.csv takes about half a gigabyte
to build, more than the dashboard may use. The files land in a private temporary folder per
(database, data versions, week, brand); the page keeps only the summary and a few rows.
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

import pandas as pd
import streamlit as st

from store import touched
from ui.context import Context, read

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "cli.py"
KEEP_SECONDS = 3600
TIMEOUT_SECONDS = 900
HEAD_ROWS = 20


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
    """A built week: where its files are, and what the page previews."""

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
    days = read(ctx.engine, touched.state, versions[0])
    return (*days.stamp(start.date(), (end - timedelta(days=1)).date()), versions[1])


@st.cache_data(show_spinner=False, max_entries=16, ttl=KEEP_SECONDS - 60)
def week_files(url: str, versions: tuple[int, ...], week: str, brand: str | None, _ctx: Context) -> WeekFiles:
    """Build (once per `versions`: `week_stamp`) and preview a week's report files."""
    base = _base()
    _prune(base)
    key = hashlib.sha256(repr((url, versions, week, brand, os.getpid(), time.time())).encode()).hexdigest()[:16]
    folder = base / key
    _build(_ctx, week, brand, folder)
    summary = pd.read_csv(folder / "summary.csv", encoding="utf-8-sig")
    ids = pd.read_csv(folder / "mentions.csv", encoding="utf-8-sig", usecols=["post_id"], dtype=str)
    head = pd.read_csv(folder / "mentions.csv", encoding="utf-8-sig", nrows=HEAD_ROWS, dtype=str)
    notes = (folder / "notes.txt").read_text(encoding="utf-8")
    return WeekFiles(str(folder), summary, notes, len(ids), head, f"{datetime.now(UTC):%H:%M}")


def file_bytes(ctx: Context, built: WeekFiles, name: str, week: str, brand: str | None) -> bytes:
    """A built file's bytes; rebuilt when the temporary copy was cleaned away meanwhile."""
    path = Path(built.folder) / name
    if not path.exists():
        _build(ctx, week, brand, Path(built.folder))
    return path.read_bytes()
