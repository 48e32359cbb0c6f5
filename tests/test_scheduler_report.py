"""The scheduler's weekly report at start: written only when the last full week's report is missing, and logged."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from config import Config, Reports
from pipeline import scheduler
from tests.conftest import FIXED_NOW


def test_the_catch_up_at_start_writes_only_a_missing_report_and_logs_which(
    sqlite_engine: Engine, demo_config: Config, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = replace(demo_config, reports=Reports(dir=str(tmp_path)))
    job = scheduler.ReportJob(sqlite_engine, config, now=lambda: FIXED_NOW)
    folder = tmp_path / "2026-W46"
    folder.mkdir()
    (folder / "mentions.csv").write_text("left by a crash\n")  # incomplete: no summary.csv, no notes.txt
    with caplog.at_level(logging.INFO, logger="pipeline.scheduler"):
        assert job(only_if_missing=True) == folder
    assert "weekly report 2026-W46 is missing at" in caplog.text and "writing it now" in caplog.text
    written = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert sorted(written) == ["mentions.csv", "notes.txt", "satisfaction.csv", "summary.csv"]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="pipeline.scheduler"):
        assert job(only_if_missing=True) is None
    assert "weekly report 2026-W46 is already at" in caplog.text and "not written at start" in caplog.text
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == written  # untouched
