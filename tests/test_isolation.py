"""The suite never reads the user's monitor.toml, .env, .streamlit/secrets.toml or variables.

The proof runs part of the suite as a user would, from a copy of the project folder holding a
hostile config and secrets, with the same things in the environment, and expects it to pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config import CREDENTIALS, credential, load_config
from tests.conftest import ISOLATED_ENV, ROOT, child_env

HOSTILE_TOML = """
[[brands]]
name = "Hostile"
keywords = ["hostile"]
handles = { x = "hostile" }
surprise = "an unknown key"

[[sources]]
name = "hostile-x"
platform = "x"
brand = "Hostile"
query = "hostile"
every = "1m"
"""
HOSTILE_DATABASE = "postgresql://nobody@10.255.255.1/x"
HOSTILE_ENV = {"DATABASE_URL": HOSTILE_DATABASE, **{name: "leak" for name in CREDENTIALS}}
#: tests that read the config, the credentials or the store, in process and through cli.py.
SELECTION = [
    "tests/test_config.py",
    "tests/test_locks.py",
    "tests/test_collect_runs.py",
    "tests/test_collect_replies.py",
    "tests/test_export.py",
    "tests/test_cli.py",
]


def write_hostile_files(folder: Path) -> None:
    """A user's monitor.toml, .env and .streamlit/secrets.toml, all wrong for any test."""
    (folder / "monitor.toml").write_text(HOSTILE_TOML, encoding="utf-8")
    (folder / ".env").write_text("".join(f"{k}={v}\n" for k, v in HOSTILE_ENV.items()), encoding="utf-8")
    (folder / ".streamlit").mkdir(exist_ok=True)
    secrets = "".join(f'{k} = "{v}"\n' for k, v in HOSTILE_ENV.items())
    (folder / ".streamlit" / "secrets.toml").write_text(secrets, encoding="utf-8")


def test_each_test_runs_in_its_own_folder_without_config_store_or_credential_variables(tmp_path: Path) -> None:
    assert Path.cwd() == tmp_path
    assert not [name for name in ISOLATED_ENV if name in os.environ]
    assert load_config().is_builtin_demo
    env = child_env(DATABASE_URL="sqlite://")
    assert env["DATABASE_URL"] == "sqlite://" and not [n for n in ISOLATED_ENV if n in env and n != "DATABASE_URL"]


def test_hostile_files_in_the_working_folder_are_not_seen_by_a_test(tmp_path: Path) -> None:
    write_hostile_files(tmp_path)  # what a test would find if it ran in the user's project folder
    assert credential("X_BEARER_TOKEN") == "leak"  # the files are read when they are really there
    with pytest.raises(Exception, match="surprise"):
        load_config()


def _copy_project(to: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode != 0:
        pytest.skip("needs the project as a git checkout (git ls-files)")
    for name in listed.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, to / name)
    return to


def _pytest_in_hostile_project(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """pytest `args` run as a user would, from a copy of the project holding hostile files, with the
    same things in the environment; (the result, its tail for messages)."""
    project = _copy_project(tmp_path / "project")
    write_hostile_files(project)
    env = child_env(**HOSTILE_ENV, MONITOR_CONFIG=str(project / "monitor.toml"))
    env.pop("PYTHONPATH", None)
    for guard in ("REQUIRE_POSTGRES", "REQUIRE_BROWSER"):  # CI's guard is for the whole suite, not a selection
        env.pop(guard, None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result, result.stdout[-3000:] + result.stderr[-2000:]


def test_the_suite_passes_from_a_project_folder_holding_a_hostile_config_and_secrets(tmp_path: Path) -> None:
    result, tail = _pytest_in_hostile_project(tmp_path, "--basetemp", str(tmp_path / "t"), *SELECTION)
    assert result.returncode == 0, tail
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and not re.search(r"failed|error", summary), tail
    assert "leak" not in result.stdout


def test_every_test_module_imports_from_a_project_folder_holding_a_hostile_config(tmp_path: Path) -> None:
    """Collecting the whole suite imports every test module before any fixture moves to a temporary
    folder: a module-level `load_config(None)` would read the user's monitor.toml (it did, in
    tests/test_resolution.py)."""
    result, tail = _pytest_in_hostile_project(tmp_path, "--collect-only", "tests")
    assert result.returncode == 0, tail
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ tests? collected", summary) and "error" not in summary, tail
