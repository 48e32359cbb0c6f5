"""Config loading: the documented shape, one clear message per problem, credentials' precedence."""

from __future__ import annotations

import re
import tomllib
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
        (("sla_hours = 4", 'sla_hours = 4\ncolour = "red"'), r"brands\[0\] \(Acme\)\.colour: unknown key"),
        (("subreddits", "subredits"), r"\.subredits: unknown key for platform reddit"),
        (('platform = "reddit"', 'platform = "myspace"'), r"\.platform: 'myspace' is not one of"),
        (("sla_hours = 4", "sla_hours = -1"), r"brands\[0\] \(Acme\)\.sla_hours: expected a finite number > 0"),
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


# ---------------------------------------------------------------- each defect of issue 13: one clear message

BASE = """
[[brands]]
name = "Acme"
competitors = ["Globex"]

[[brands]]
name = "Globex"
"""


def source(platform: str, name: str = "s1", **keys: str) -> str:
    lines = [f'name = "{name}"', f'platform = "{platform}"', 'brand = "Acme"', *(f"{k} = {v}" for k, v in keys.items())]
    return "\n[[sources]]\n" + "\n".join(lines) + "\n"


def only_problem(tmp_path: Path, body: str) -> str:
    """The ConfigError's text, checked to be one line naming the file."""
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = str(caught.value)
    assert text.count("\n") == 0, text
    prefix = f"{path}: "
    assert text.startswith(prefix), text
    return text.removeprefix(prefix)


LONG = "n" * 129


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            source("demo", "demo-live", per_run='"many"'),
            "sources[0] (demo-live).per_run: expected a whole number from 1 to 100000, got 'many'",
        ),
        (
            source("demo", "demo-live", per_run="-5"),
            "sources[0] (demo-live).per_run: expected a whole number from 1 to 100000, got -5",
        ),
        (
            source("demo", "demo-live", every='"99999999999999d"'),
            "sources[0] (demo-live).every: expected at most 30 days (30d), got '99999999999999d'",
        ),
        (
            source("csv", "file", path='"a.csv"', map="5"),
            """sources[0] (file).map: expected a table { column = "field" } or "column=field,...", got 5""",
        ),
        (source("mastodon", "toots", instance="5"), "sources[0] (toots).instance: expected a non-empty string, got 5"),
        (
            source("hackernews", "hn", tags="5"),
            "sources[0] (hn).tags: expected a string or a list of strings, got 5",
        ),
        (
            source("hackernews", LONG),
            f"sources[0] ({LONG[:40]}).name: expected at most 128 characters, got 129",
        ),
        (
            source("hackernews", "hn", enabled='"false"'),
            "sources[0] (hn).enabled: expected true or false (without quotes), got 'false'",
        ),
        (
            source("reddit", "r", subreddits='"python"'),
            """sources[0] (r).subreddits: expected a list of subreddit names such as ["python", "r/gadgets"], got 'python'""",
        ),
        (
            source("instagram", "ig"),
            "sources[0] (ig).platform: 'instagram' has no collector (its exports can be imported: cli.py import)",
        ),
    ],
)
def test_each_bad_source_value_is_one_clear_message(tmp_path, body, message):
    assert only_problem(tmp_path, BASE + body) == message


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "721", '"4"', "true"])
def test_sla_hours_must_be_finite_positive_and_at_most_30_days(tmp_path, value):
    body = BASE.replace('competitors = ["Globex"]', f'competitors = ["Globex"]\nsla_hours = {value}')
    message = only_problem(tmp_path, body)
    assert message.startswith("brands[0] (Acme).sla_hours: expected a finite number > 0 and at most 720, got ")


def test_a_valid_source_keeps_only_the_keys_it_sets_as_options(tmp_path):
    body = BASE + source("reddit", "r", subreddits='["python"]', enabled="false", thread_comments="3")
    loaded = load_config(write(tmp_path, body))
    assert loaded.source("r").options == {"subreddits": ["python"], "thread_comments": 3}
    assert loaded.source("r").enabled is False
    assert loaded.brand("Acme").sla_hours == cfg.DEFAULT_SLA_HOURS == 4.0


# ---------------------------------------------------------------- the new tables: auth, dashboard, scheduler


def test_new_tables_have_defaults_and_load(tmp_path):
    loaded = load_config(write(tmp_path, BASE))
    assert loaded.auth.idle_hours == 12.0 and loaded.dashboard.url is None
    assert loaded.scheduler.alert_every == timedelta(minutes=1) and loaded.alerts == ()
    body = (
        BASE
        + '[auth]\nidle_hours = 0.5\n[dashboard]\nurl = "https://monitor.example.com/"\n[scheduler]\nalert_every = "5m"\n'
    )
    loaded = load_config(write(tmp_path, body))
    assert loaded.auth.idle_hours == 0.5 and loaded.dashboard.url == "https://monitor.example.com"
    assert loaded.scheduler.alert_every == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[auth]\nidle_hours = 0", "auth.idle_hours: expected a finite number > 0 and at most 720, got 0"),
        ('[auth]\nidle_hours = "12"', "auth.idle_hours: expected a finite number > 0 and at most 720, got '12'"),
        (
            '[dashboard]\nurl = "javascript:alert(1)"',
            "dashboard.url: expected an http(s) URL such as https://monitor.example.com, got 'javascript:alert(1)'",
        ),
        (
            '[dashboard]\nurl = "https://me:pw@monitor.example.com"',
            "dashboard.url: expected a URL without a user or password (it is shown in alert messages)",
        ),
        ('[scheduler]\nalert_every = "31d"', "scheduler.alert_every: expected at most 30 days (30d), got '31d'"),
        (
            "[scheduler]\nalert_every = 60",
            """scheduler.alert_every: expected an interval in quotes such as "30m", got 60""",
        ),
        ("[scheduler]\ncheck = 1", "scheduler.check: unknown key (allowed: alert_every)"),
        (
            "[alerts_settings]\nx = 1",
            "alerts_settings: unknown top-level key (allowed: alerts, auth, brands, dashboard, reports, scheduler, sources, x)",
        ),
    ],
)
def test_new_tables_refuse_bad_values(tmp_path, table, message):
    assert only_problem(tmp_path, BASE + table + "\n") == message


# ---------------------------------------------------------------- brands: business hours, vocabulary, retention

HOURS_TABLE = '{ timezone = "America/New_York", days = "mon-fri", hours = "09:00-17:00", holidays = ["2026-12-25"] }'


def test_business_hours_from_the_toml_table():
    table = tomllib.loads(f"b = {HOURS_TABLE}")["b"]
    hours = cfg.BusinessHours(**table)
    assert hours.zone == ZoneInfo("America/New_York")
    assert hours.weekdays == frozenset({0, 1, 2, 3, 4})
    assert (hours.opens, hours.closes) == (time(9, 0), time(17, 0))
    assert hours.holiday_dates == frozenset({date(2026, 12, 25)})


@pytest.mark.parametrize(
    ("days", "weekdays"),
    [
        ('"mon,tue,thu"', {0, 1, 3}),
        ('["sat", "Sunday"]', {5, 6}),
        ('"fri-mon"', {4, 5, 6, 0}),
        ('"mon-wed,fri"', {0, 1, 2, 4}),
    ],
)
def test_business_days_spelled_several_ways(tmp_path, days, weekdays):
    body = BASE.replace(
        'competitors = ["Globex"]',
        f'competitors = ["Globex"]\nbusiness_hours = {{ timezone = "UTC", days = {days}, hours = "08:30-18:00" }}',
    )
    hours = load_config(write(tmp_path, body)).brand("Acme").business_hours
    assert hours is not None and hours.weekdays == frozenset(weekdays) and hours.opens == time(8, 30)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'timezone = "America/New_York"',
            'timezone = "Mars/Olympus"',
            "brands[0] (Acme).business_hours.timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as Europe/Berlin or UTC)",
        ),
        (
            'hours = "09:00-17:00"',
            'hours = "17:00-09:00"',
            """brands[0] (Acme).business_hours.hours: expected opening hours as "HH:MM-HH:MM" with opening before closing, e.g. "09:00-17:00", got '17:00-09:00'""",
        ),
        (
            'hours = "09:00-17:00"',
            'hours = "9-5"',
            """brands[0] (Acme).business_hours.hours: expected opening hours as "HH:MM-HH:MM" with opening before closing, e.g. "09:00-17:00", got '9-5'""",
        ),
        (
            'days = "mon-fri"',
            'days = "mon-fry"',
            "brands[0] (Acme).business_hours.days: expected a day such as mon, tue, ... sun, got 'fry'",
        ),
        (
            '"2026-12-25"',
            '"25/12/2026"',
            "brands[0] (Acme).business_hours.holidays: expected ISO dates such as 2026-12-25, got '25/12/2026'",
        ),
        (
            'holidays = ["2026-12-25"]',
            'holidays = ["2026-12-25"], open = true',
            "brands[0] (Acme).business_hours.open: unknown key (allowed: days, holidays, hours, timezone)",
        ),
    ],
)
def test_bad_business_hours_name_the_key(tmp_path, old, new, message):
    table = HOURS_TABLE.replace(old, new)
    body = BASE.replace('competitors = ["Globex"]', f'competitors = ["Globex"]\nbusiness_hours = {table}')
    assert only_problem(tmp_path, body) == message


def test_brand_vocabulary_and_retention(tmp_path):
    extra = (
        'products = ["Acme Phone"]\ncomplaint_terms = ["refund"]\npraise_terms = ["love"]\n'
        'ignore_terms = ["giveaway"]\nretain_days = 90'
    )
    body = BASE.replace('competitors = ["Globex"]', f'competitors = ["Globex"]\n{extra}')
    acme = load_config(write(tmp_path, body)).brand("Acme")
    assert acme.products == ("Acme Phone",) and acme.complaint_terms == ("refund",)
    assert acme.praise_terms == ("love",) and acme.ignore_terms == ("giveaway",) and acme.retain_days == 90
    globex = load_config(write(tmp_path, body)).brand("Globex")
    assert globex.products == () and globex.retain_days is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            'products = "phone"',
            """brands[0] (Acme).products: expected a list of strings such as ["a", "b"], got 'phone'""",
        ),
        (
            "complaint_terms = [1]",
            """brands[0] (Acme).complaint_terms: expected a list of strings such as ["a", "b"], got [1]""",
        ),
        ("retain_days = 0", "brands[0] (Acme).retain_days: expected a whole number >= 1, got 0"),
        ("retain_days = 1.5", "brands[0] (Acme).retain_days: expected a whole number >= 1, got 1.5"),
    ],
)
def test_bad_brand_vocabulary(tmp_path, line, message):
    body = BASE.replace('competitors = ["Globex"]', f'competitors = ["Globex"]\n{line}')
    assert only_problem(tmp_path, body) == message


# ---------------------------------------------------------------- alert rules

ALERTS = """
[[alerts]]
name = "spike"
brand = "Acme"
when = "volume_spike"
notify = ["TEAM_SLACK"]

[[alerts]]
name = "angry"
brand = "Acme"
when = "negative_spike"
notify = ["TEAM_SLACK", "TEAM_MAIL"]
platform = "x"
period = "day"
sigma = 2.5
min_count = 10
cooldown = "1h"

[[alerts]]
name = "late"
brand = "Acme"
when = "sla_breach"
notify = ["TEAM_MAIL"]
at_fraction = 0.8

[[alerts]]
name = "big"
brand = "Acme"
when = "high_reach"
notify = ["TEAM_SLACK"]
followers = 10000

[[alerts]]
name = "broken"
brand = "Acme"
when = "source_failing"
notify = ["TEAM_SLACK"]
source = "s1"

[[alerts]]
name = "quiet"
brand = "Acme"
when = "source_silent"
notify = ["TEAM_SLACK"]
factor = 4

[[alerts]]
name = "weekly"
brand = "Acme"
when = "weekly_report"
notify = ["TEAM_MAIL"]
give_up_after = "2h"
"""


def test_alert_rules_load_with_their_defaults(tmp_path):
    loaded = load_config(write(tmp_path, BASE + source("demo") + ALERTS))
    rules = {rule.name: rule for rule in loaded.alerts}
    assert [r.when for r in loaded.alerts] == list(cfg.ALERT_KINDS)
    spike, angry = rules["spike"], rules["angry"]
    assert (spike.platform, spike.period, spike.sigma, spike.min_count) == (None, "hour", 3.0, 5)
    assert (spike.cooldown, spike.give_up_after) == (timedelta(hours=6), timedelta(hours=24))
    assert (angry.platform, angry.period, angry.sigma, angry.min_count) == ("x", "day", 2.5, 10)
    assert angry.cooldown == timedelta(hours=1) and angry.notify == ("TEAM_SLACK", "TEAM_MAIL")
    assert rules["late"].at_fraction == 0.8 and rules["big"].followers == 10000 and rules["big"].engagements is None
    assert rules["broken"].source == "s1" and rules["broken"].runs == 3
    assert rules["quiet"].source is None and rules["quiet"].factor == 4.0
    assert rules["weekly"].give_up_after == timedelta(hours=2)
    assert loaded.notify_names == {"TEAM_SLACK", "TEAM_MAIL"}


def rule(when: str, **keys: str) -> str:
    lines = ['name = "r"', 'brand = "Acme"', f'when = "{when}"', *(f"{k} = {v}" for k, v in keys.items())]
    if "notify" not in keys:
        lines.append('notify = ["TEAM_SLACK"]')
    return "\n[[alerts]]\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            rule("volume_spike", at_fraction="0.5"),
            "alerts[0] (r).at_fraction: unknown key for an alert when = volume_spike",
        ),
        (rule("sla_breach", sigma="2"), "alerts[0] (r).sigma: unknown key for an alert when = sla_breach"),
        (
            rule("sla_breach", at_fraction="0"),
            "alerts[0] (r).at_fraction: expected a finite number > 0 and at most 1, got 0",
        ),
        (
            rule("sla_breach", at_fraction="1.5"),
            "alerts[0] (r).at_fraction: expected a finite number > 0 and at most 1, got 1.5",
        ),
        (rule("volume_spike", sigma="0"), "alerts[0] (r).sigma: expected a finite number > 0 and at most 100, got 0"),
        (rule("volume_spike", period='"week"'), """alerts[0] (r).period: expected "hour" or "day", got 'week'"""),
        (rule("negative_spike", platform='"myspace"'), "alerts[0] (r).platform: 'myspace' is not one of"),
        (rule("negative_spike", min_count="0"), "alerts[0] (r).min_count: expected a whole number >= 1, got 0"),
        (rule("high_reach"), "alerts[0] (r): a high_reach rule needs followers and/or engagements"),
        (rule("high_reach", followers="0"), "alerts[0] (r).followers: expected a whole number >= 1, got 0"),
        (rule("source_failing", runs="0"), "alerts[0] (r).runs: expected a whole number >= 1, got 0"),
        (rule("source_failing", source='"nope"'), "alerts[0] (r).source: 'nope' is not a configured source (s1)"),
        (
            rule("source_silent", factor="1"),
            "alerts[0] (r).factor: expected a finite number > 1 and at most 1000, got 1",
        ),
        (rule("weekly_report", brand2='"x"'), "alerts[0] (r).brand2: unknown key for an alert when = weekly_report"),
        (rule("weekly_report", cooldown='"soon"'), "alerts[0] (r).cooldown: bad interval 'soon'"),
        (
            rule("weekly_report", notify="[]"),
            """alerts[0] (r).notify: expected at least one name, e.g. ["TEAM_SLACK"]""",
        ),
        (rule("weekly_report", notify='"TEAM_SLACK"'), """alerts[0] (r).notify: expected a list of strings such as"""),
        (
            rule("weekly_report", notify='["slack://a/b/c"]'),
            "alerts[0] (r).notify: expected names of variables in .env",
        ),
        (rule("weekly_report", notify='["X_BEARER_TOKEN"]'), "alerts[0] (r).notify: X_BEARER_TOKEN holds a platform"),
        (rule("when_ever"), "alerts[0] (r).when: 'when_ever' is not one of volume_spike, negative_spike, sla_breach"),
        (
            rule("weekly_report").replace('brand = "Acme"', 'brand = "Nobody"'),
            "alerts[0] (r).brand: 'Nobody' is not a configured brand (Acme, Globex)",
        ),
        (rule("weekly_report") + rule("sla_breach"), "alerts: the name 'r' is used twice (names must be unique)"),
    ],
)
def test_bad_alert_rules_name_the_rule_and_the_key(tmp_path, body, message):
    assert only_problem(tmp_path, BASE + source("demo") + body).startswith(message)


def test_notify_names_become_readable_credentials(tmp_path, monkeypatch):
    monkeypatch.delenv("TEAM_SLACK", raising=False)
    loaded = load_config(write(tmp_path, BASE + rule("weekly_report")))
    with pytest.raises(KeyError):
        credential("TEAM_SLACK", tmp_path)
    (tmp_path / ".env").write_text("TEAM_SLACK=slack://tokenA/tokenB/tokenC\n")
    assert credential("TEAM_SLACK", tmp_path, allowed=loaded.notify_names) == "slack://tokenA/tokenB/tokenC"
    assert cfg.missing_credentials(["TEAM_SLACK", "TEAM_MAIL"], tmp_path, allowed={"TEAM_SLACK", "TEAM_MAIL"}) == [
        "TEAM_MAIL"
    ]


def test_every_problem_of_a_file_is_listed_in_order(tmp_path):
    body = BASE + source("demo", "a", per_run='"x"') + source("reddit", "b", colour="1") + rule("high_reach")
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    lines = str(caught.value).splitlines()
    assert [line.removeprefix(f"{path}: ").split(":")[0] for line in lines] == [
        "alerts[0] (r)",
        "sources[0] (a).per_run",
        "sources[1] (b).colour",
    ]


def test_the_commented_settings_in_the_example_are_valid_too():
    """Uncommenting the example's optional settings (business hours, vocabulary, alerts) still loads."""
    lines = []
    for line in (ROOT / "monitor.example.toml").read_text().splitlines():
        body = line.removeprefix("# ")
        if line.startswith("# ") and re.match(r"(\[\[?\w+\]\]?|\w+ = )", body):
            lines.append(body)
        else:
            lines.append(line)
    loaded = cfg.parse_config(tomllib.loads("\n".join(lines)), Path("monitor.example.toml"))
    assert [r.when for r in loaded.alerts] == ["volume_spike", "sla_breach"] and loaded.dashboard.url
    assert loaded.brand("Acme").business_hours is not None and loaded.brand("Acme").retain_days == 365
