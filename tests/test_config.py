"""Config loading: the documented shape, one clear message per problem, credentials' precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

import config as cfg
from config import ConfigError, credential, load_config, parse_interval

ROOT = Path(__file__).resolve().parents[1]
GOOD = """
[[brands]]
name = "Acme"
keywords = ["acme", "\\"acme phone\\""]
exclude = ["acme anvil"]
competitors = ["Globex", "Initech"]
handles = { x = "acme", reddit = "acme_support" }
sla_hours = 4

[[brands]]
name = "Globex"

[[sources]]
name = "reddit-acme"
platform = "reddit"
brand = "Acme"
query = "acme"
subreddits = ["acme", "gadgets"]
every = "30m"
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_documented_shape_loads(tmp_path):
    loaded = load_config(write(tmp_path, GOOD))
    acme = loaded.brand("Acme")
    assert acme.keywords == ("acme", '"acme phone"') and acme.exclude == ("acme anvil",)
    assert acme.competitors == ("Globex", "Initech") and acme.handles == {"x": "acme", "reddit": "acme_support"}
    assert acme.sla_hours == 4.0
    source = loaded.source("reddit-acme")
    assert (source.platform, source.brand, source.query, source.every_seconds) == ("reddit", "Acme", "acme", 1800)
    assert source.options == {"subreddits": ["acme", "gadgets"]}
    assert [b.name for b in loaded.own_brands()] == ["Acme"]


def test_the_committed_example_is_valid():
    loaded = load_config(ROOT / "monitor.example.toml")
    assert {s.platform for s in loaded.sources} >= {"demo", "x", "reddit"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('every = "30m"', 'every = "soon"'), r"sources\[0\] \(reddit-acme\)\.every: bad interval 'soon'"),
        (('brand = "Acme"\nquery', 'brand = "Nobody"\nquery'), r"sources\[0\] \(reddit-acme\)\.brand: 'Nobody'"),
        (("sla_hours = 4", 'sla_hours = 4\ncolour = "red"'), r"brands\[0\]\.colour: unknown key"),
        (("subreddits", "subredits"), r"\.subredits: unknown key for platform reddit"),
        (('platform = "reddit"', 'platform = "myspace"'), r"\.platform: 'myspace' is not one of"),
        (("sla_hours = 4", "sla_hours = -1"), r"brands\[0\]\.sla_hours: expected a positive number"),
    ],
)
def test_each_problem_names_the_file_and_the_key(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_every_problem_is_listed_at_once(tmp_path):
    body = GOOD.replace('every = "30m"', 'every = "0m"').replace('name = "Globex"', 'name = "Acme"')
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, body))
    assert "every: bad interval" in str(caught.value) and "'Acme' is used twice" in str(caught.value)


def test_broken_toml_and_missing_file_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[[brands]\nname="))
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="at least one"):
        load_config(write(tmp_path, "[[sources]]\n"))


def test_path_precedence_and_builtin_demo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    assert load_config().is_builtin_demo
    assert [s.platform for s in load_config().sources] == ["demo"]
    env_file = write(tmp_path, GOOD)
    monkeypatch.setenv("MONITOR_CONFIG", str(env_file))
    assert load_config().path == env_file
    other = tmp_path / "other.toml"
    other.write_text(GOOD.replace("reddit-acme", "explicit"), encoding="utf-8")
    assert load_config(other).sources[0].name == "explicit"


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("1h", 3600), ("1d", 86400), (" 2 h ", 7200)])
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds


def test_credentials_precedence_env_then_dotenv_then_secrets(tmp_path, monkeypatch):
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    assert credential("X_BEARER_TOKEN", tmp_path) is None
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('X_BEARER_TOKEN = "from-secrets"\n')
    assert credential("X_BEARER_TOKEN", tmp_path) == "from-secrets"
    (tmp_path / ".env").write_text("X_BEARER_TOKEN=from-dotenv\n")
    assert credential("X_BEARER_TOKEN", tmp_path) == "from-dotenv"
    monkeypatch.setenv("X_BEARER_TOKEN", "from-env")
    assert credential("X_BEARER_TOKEN", tmp_path) == "from-env"
    with pytest.raises(KeyError):
        credential("HOME", tmp_path)


def test_every_credential_is_documented_in_the_example_files():
    example = (ROOT / ".env.example").read_text()
    for name in cfg.CREDENTIALS:
        assert f"{name}=" in example, f"{name} is missing from .env.example"
