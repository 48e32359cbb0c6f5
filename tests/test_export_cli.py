"""`cli.py export`: exit codes, messages and where the files go."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from config import load_config
from pipeline.seed import seed_demo
from store.engine import make_engine
from tests.conftest import FIXED_NOW

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no monitor.toml here: the built-in demo config
    engine = make_engine(url)
    seed_demo(engine, load_config(None), mentions=600, days=14, end=FIXED_NOW)
    engine.dispose()
    return tmp_path


def test_export_writes_the_week_to_the_default_folder(store: Path) -> None:
    result = runner.invoke(cli.app, ["export", "--week", "2026-W46"])
    assert result.exit_code == 0, result.output
    folder = store / "data" / "reports" / "2026-W46"
    assert sorted(p.name for p in folder.iterdir()) == ["mentions.csv", "notes.txt", "satisfaction.csv", "summary.csv"]
    assert result.output.startswith("2026-W46: ") and "written to data/reports/2026-W46" in result.output


def test_export_to_a_folder_for_one_brand(store: Path) -> None:
    result = runner.invoke(cli.app, ["export", "--week", "2026-w46", "--out", str(store / "out"), "--brand", "Acme"])
    assert result.exit_code == 0, result.output
    assert "- brand: Acme" in (store / "out" / "notes.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-47"], "bad week '2026-47': use an ISO week as YYYY-Www, e.g. 2026-W47"),
        (["--week", "2025-W53"], "2025 has no ISO week 53"),
        (
            ["--week", "2026-W46", "--brand", "Nope"],
            "unknown brand 'Nope': configured brands are Acme, Globex, Initech",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(store: Path, args: list[str], message: str) -> None:
    result = runner.invoke(cli.app, ["export", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (store / "data" / "reports").exists()


def test_an_empty_week_says_so(store: Path) -> None:
    result = runner.invoke(cli.app, ["export", "--week", "2020-W01", "--out", str(store / "empty")])
    assert result.exit_code == 0, result.output
    assert "2020-W01: 0 mentions" in result.output
    assert "no mentions in this week: the CSV files hold only their headers" in result.output


def test_an_unwritable_folder_is_a_clear_error(store: Path) -> None:
    (store / "file").write_text("not a folder")
    result = runner.invoke(cli.app, ["export", "--week", "2026-W46", "--out", str(store / "file" / "sub")])
    assert result.exit_code == 2
    assert "cannot write the report" in result.output
