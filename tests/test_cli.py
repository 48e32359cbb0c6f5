"""The command line as a user runs it: messages, exit codes, no tracebacks, nothing duplicated."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import child_env

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


@pytest.fixture
def env(tmp_path, monkeypatch) -> dict[str, str]:
    return child_env(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", PYTHONPATH=str(ROOT))


def rows(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        return conn.execute(sql).fetchall()


def test_seed_demo_twice_adds_nothing_the_second_time(tmp_path, env):
    first = cli("seed-demo", "--mentions", "800", "--days", "20", "--seed", "3", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    total = rows(tmp_path, "SELECT count(*) FROM mentions")[0][0]
    assert f"demo data: {total} mentions generated, {total} new, 0 already stored" in first.stdout
    second = cli("seed-demo", "--mentions", "800", "--days", "20", "--seed", "3", env=env, cwd=tmp_path)
    assert f"0 new, {total} already stored" in second.stdout
    assert rows(tmp_path, "SELECT count(*) FROM mentions")[0][0] == total


def test_collect_runs_the_demo_source_and_records_the_run(tmp_path, env):
    result = cli("collect", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # the built-in demo source adds what the live demo posted since its last run (its cursor is that time)
    first = re.match(r"demo-live: fetched (\d+), new (\d+), skipped 0, cursor (\S+)", result.stdout)
    assert first and first[1] == first[2], result.stdout
    again = cli("collect", "--source", "demo-live", env=env, cwd=tmp_path)
    second = re.match(r"demo-live: fetched (\d+), new (\d+), skipped 0, cursor (\S+)", again.stdout)
    assert second and second[1] == second[2] and second[3] >= first[3], again.stdout
    assert rows(tmp_path, "SELECT source, status FROM runs ORDER BY id") == [("demo-live", "ok"), ("demo-live", "ok")]
    unknown = cli("collect", "--source", "nope", env=env, cwd=tmp_path)
    assert unknown.returncode == 2 and "no enabled source named 'nope'" in unknown.stderr


def test_a_source_without_credentials_is_skipped_and_others_still_run(tmp_path, env):
    config = tmp_path / "monitor.toml"
    example = (ROOT / "monitor.example.toml").read_text()
    config.write_text(example)
    env["MONITOR_CONFIG"] = str(config)
    result = cli("collect", env=env, cwd=tmp_path)
    assert re.search(r"demo-live: fetched (\d+), new \1", result.stdout), result.stdout
    assert "x-acme: skipped: missing credentials: X_BEARER_TOKEN" in result.stdout
    assert "Traceback" not in result.stderr


def test_bad_config_is_one_message_and_exit_2(tmp_path, env):
    config = tmp_path / "bad.toml"
    config.write_text(
        '[[brands]]\nname = "Acme"\n[[sources]]\nname="s"\nplatform="demo"\nbrand="Acme"\nevery="often"\n'
    )
    result = cli("--config", str(config), "collect", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "config error" in result.stderr and "bad.toml" in result.stderr and "every: bad interval" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_message_and_exit_2(tmp_path, env):
    env["DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    result = cli("seed-demo", "--mentions", "10", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "database error: cannot open the database" in result.stderr and "Traceback" not in result.stderr


def test_help_lists_the_commands(tmp_path, env):
    result = cli("--help", env=env, cwd=tmp_path)
    assert result.returncode == 0
    for command in ("seed-demo", "collect"):
        assert command in result.stdout
