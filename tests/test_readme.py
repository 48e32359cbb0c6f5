"""README.md documents every setting and every command (as datasette checks its settings).

Walks the config models (top-level tables, brand keys, business hours, source keys with every
platform's options, alert keys of every kind) and the typer app's commands and options; each
must appear in README.md, a key as `key` or as a `key = ...` line of a TOML example.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

import cli
import config
from platforms import SPECS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def documented(key: str) -> bool:
    return f"`{key}`" in README or re.search(rf"^\s*(\[\[?)?{re.escape(key)}(\]\]?|\s*=)", README, re.M) is not None


def config_keys() -> list[str]:
    keys = set(config.table_keys(config.MonitorFile))
    for model in (
        config.Brand,
        config.BusinessHours,
        config.SourceTable,
        *config.TABLES.values(),
        *config.ALERT_MODELS.values(),
        *(spec.options for spec in SPECS.values()),
    ):
        keys.update(config.table_keys(model))
    keys.update(config.ALERT_KINDS)
    keys.update(SPECS)
    return sorted(keys)


@pytest.mark.parametrize("key", config_keys())
def test_every_config_key_is_documented(key):
    assert documented(key), f"monitor.toml key or value {key!r} is not documented in README.md"


def cli_words() -> list[str]:
    group = typer.main.get_command(cli.app)
    words = [f"cli.py {name}" for name in group.commands]
    for command in [group, *group.commands.values()]:
        for param in command.params:
            if param.param_type_name == "option":
                longs = [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]
                words.append(" or ".join(longs))
    return words


@pytest.mark.parametrize("word", cli_words())
def test_every_cli_command_and_option_is_documented(word):
    assert any(alternative in README for alternative in word.split(" or ")), f"{word} is not documented in README.md"


def test_the_check_fails_on_an_undocumented_key():
    assert not documented("colour_of_the_sky") and documented("sla_hours")
