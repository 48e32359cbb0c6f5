"""Settings: `monitor.toml` (brands, sources, reports) and credentials.

The file's path comes from `--config`, then `MONITOR_CONFIG`, then `./monitor.toml`; with
no file at all, the built-in demo config applies. Validation names the file and the key
of every problem in one `ConfigError`. Credentials never live in this file: they come from
environment variables, `.env`, or `.streamlit/secrets.toml` (first found wins, in that order).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frame import PLATFORMS

DEFAULT_CONFIG_PATH = Path("monitor.toml")
INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

BRAND_KEYS = {"name", "keywords", "exclude", "competitors", "handles", "sla_hours"}
SOURCE_KEYS = {"name", "platform", "brand", "query", "every", "enabled", "max_pages"}
#: keys a source of one platform may carry besides SOURCE_KEYS (one place; collectors add theirs).
PLATFORM_KEYS: dict[str, set[str]] = {
    "x": {"include_mentions", "include_own"},
    "reddit": {"subreddits", "include_mentions", "include_own", "thread_comments"},
    "bluesky": {"include_mentions", "include_own"},
    "mastodon": {"instance", "hashtags", "include_mentions", "include_own"},
    "hackernews": {"tags"},
    "rss": {"url", "feeds"},
    "csv": {"path", "map"},
    "demo": {"per_run"},
}
REPORT_KEYS = {"weekday", "time", "timezone", "dir"}

#: credential name -> what it is for; the only names ever read from the environment.
CREDENTIALS: dict[str, str] = {
    "X_BEARER_TOKEN": "X: read (search, mentions, timelines)",
    "X_API_KEY": "X: post replies (with the three below)",
    "X_API_SECRET": "X: post replies",
    "X_ACCESS_TOKEN": "X: post replies",
    "X_ACCESS_SECRET": "X: post replies",
    "REDDIT_CLIENT_ID": "Reddit: read",
    "REDDIT_CLIENT_SECRET": "Reddit: read",
    "REDDIT_USER_AGENT": "Reddit: read (a descriptive user agent)",
    "REDDIT_USERNAME": "Reddit: inbox mentions and posting",
    "REDDIT_PASSWORD": "Reddit: inbox mentions and posting",
    "BLUESKY_HANDLE": "Bluesky: search, notifications, posting",
    "BLUESKY_APP_PASSWORD": "Bluesky: search, notifications, posting",
    "MASTODON_ACCESS_TOKEN": "Mastodon: search, notifications, posting (hashtags need none)",
}

#: platform -> credentials needed to post a reply from the dashboard.
REPLY_CREDENTIALS: dict[str, list[str]] = {
    "x": ["X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_SECRET"],
    "reddit": ["REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT", "REDDIT_USERNAME", "REDDIT_PASSWORD"],
    "bluesky": ["BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD"],
    "mastodon": ["MASTODON_ACCESS_TOKEN"],
}


class ConfigError(Exception):
    """A config problem, with the file and key named; shown to the user as is."""


@dataclass(frozen=True)
class Brand:
    name: str
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()
    handles: dict[str, str] = field(default_factory=dict)
    sla_hours: float = 4.0


@dataclass(frozen=True)
class Source:
    name: str
    platform: str
    brand: str
    every_seconds: int
    query: str | None = None
    enabled: bool = True
    max_pages: int = 10
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reports:
    weekday: str = "mon"
    time: str = "08:00"
    timezone: str = "UTC"
    dir: str = "data/reports"


@dataclass(frozen=True)
class Config:
    path: Path | None
    brands: tuple[Brand, ...]
    sources: tuple[Source, ...]
    reports: Reports = Reports()
    alerts: tuple[AlertRule, ...] = ()  # alerts settings (temporary copy, see the block at the end)
    dashboard: DashboardSettings = field(default_factory=lambda: DashboardSettings())
    scheduler: SchedulerSettings = field(default_factory=lambda: SchedulerSettings())

    @property
    def is_builtin_demo(self) -> bool:
        return self.path is None

    def brand(self, name: str) -> Brand:
        for brand in self.brands:
            if brand.name == name:
                return brand
        raise KeyError(name)

    def own_brands(self) -> list[Brand]:
        """Brands the team runs: those not named only as somebody's competitor."""
        competitor_names = {c for b in self.brands for c in b.competitors}
        own = [b for b in self.brands if b.competitors or b.name not in competitor_names]
        return own or list(self.brands)

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)


def parse_interval(text: str) -> int:
    """'30s', '15m', '1h', '1d' -> seconds; ValueError otherwise."""
    match = INTERVAL.match(str(text))
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"bad interval {text!r}: use a number and s, m, h or d, e.g. 30m")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


DEMO_TOML = """
[[brands]]
name = "Acme"
keywords = ["acme", "\\"acme phone\\"", "acmephone"]
exclude = ["acme anvil"]
competitors = ["Globex", "Initech"]
handles = { x = "acme", reddit = "acme_support", bluesky = "acme.bsky.social", mastodon = "acme@mastodon.social" }
sla_hours = 4

[[brands]]
name = "Globex"
keywords = ["globex"]

[[brands]]
name = "Initech"
keywords = ["initech"]

[[sources]]
name = "demo-live"
platform = "demo"
brand = "Acme"
every = "1m"
per_run = 5
"""


def _check_str_list(errors: list[str], where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"{where}: expected a list of strings")
        return ()
    return tuple(value)


def _parse_brand(errors: list[str], i: int, raw: Any) -> Brand | None:
    where = f"brands[{i}]"
    if not isinstance(raw, dict):
        errors.append(f"{where}: expected a table")
        return None
    for key in sorted(set(raw) - BRAND_KEYS):
        errors.append(f"{where}.{key}: unknown key (allowed: {', '.join(sorted(BRAND_KEYS))})")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(f"{where}.name: required, a non-empty string")
        return None
    handles = raw.get("handles", {})
    if not isinstance(handles, dict) or not all(isinstance(v, str) for v in handles.values()):
        errors.append(f'{where}.handles: expected a table of platform = "handle"')
        handles = {}
    for platform in sorted(set(handles) - set(PLATFORMS)):
        errors.append(f"{where}.handles.{platform}: unknown platform (known: {', '.join(PLATFORMS)})")
    sla = raw.get("sla_hours", 4)
    if isinstance(sla, bool) or not isinstance(sla, int | float) or sla <= 0:
        errors.append(f"{where}.sla_hours: expected a positive number of hours")
        sla = 4
    return Brand(
        name=name.strip(),
        keywords=_check_str_list(errors, f"{where}.keywords", raw.get("keywords", [])),
        exclude=_check_str_list(errors, f"{where}.exclude", raw.get("exclude", [])),
        competitors=_check_str_list(errors, f"{where}.competitors", raw.get("competitors", [])),
        handles={k: v.lstrip("@") for k, v in handles.items()},
        sla_hours=float(sla),
    )


def _parse_source(errors: list[str], i: int, raw: Any, brand_names: set[str]) -> Source | None:
    where = f"sources[{i}]"
    if not isinstance(raw, dict):
        errors.append(f"{where}: expected a table")
        return None
    name = raw.get("name")
    if isinstance(name, str) and name.strip():
        where = f"sources[{i}] ({name})"
    else:
        errors.append(f"{where}.name: required, a non-empty string")
        name = f"source-{i}"
    platform = raw.get("platform")
    if platform not in PLATFORM_KEYS:
        errors.append(f"{where}.platform: {platform!r} is not one of {', '.join(PLATFORM_KEYS)}")
        return None
    allowed = SOURCE_KEYS | PLATFORM_KEYS[platform]
    for key in sorted(set(raw) - allowed):
        errors.append(f"{where}.{key}: unknown key for platform {platform} (allowed: {', '.join(sorted(allowed))})")
    brand = raw.get("brand")
    if not isinstance(brand, str) or brand not in brand_names:
        known = ", ".join(sorted(brand_names)) or "none defined"
        errors.append(f"{where}.brand: {brand!r} is not a configured brand ({known})")
    every = 0
    try:
        every = parse_interval(raw.get("every", "30m"))
    except ValueError as exc:
        errors.append(f"{where}.every: {exc}")
    query = raw.get("query")
    if query is not None and (not isinstance(query, str) or not query.strip()):
        errors.append(f"{where}.query: expected a non-empty string")
        query = None
    max_pages = raw.get("max_pages", 10)
    if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
        errors.append(f"{where}.max_pages: expected a whole number >= 1")
        max_pages = 10
    options = {k: v for k, v in raw.items() if k in PLATFORM_KEYS[platform]}
    return Source(
        name=str(name).strip(),
        platform=platform,
        brand=str(brand),
        every_seconds=every,
        query=query,
        enabled=bool(raw.get("enabled", True)),
        max_pages=max_pages,
        options=options,
    )


def _parse_reports(errors: list[str], raw: Any) -> Reports:
    if raw is None:
        return Reports()
    if not isinstance(raw, dict):
        errors.append("reports: expected a table")
        return Reports()
    for key in sorted(set(raw) - REPORT_KEYS):
        errors.append(f"reports.{key}: unknown key (allowed: {', '.join(sorted(REPORT_KEYS))})")
    weekday = str(raw.get("weekday", "mon")).lower()[:3]
    if weekday not in WEEKDAYS:
        errors.append(f"reports.weekday: expected one of {', '.join(WEEKDAYS)}")
    time_text = str(raw.get("time", "08:00"))
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", time_text):
        errors.append("reports.time: expected HH:MM (24 h)")
    timezone = str(raw.get("timezone", "UTC"))
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(timezone)
    except Exception:
        errors.append(f"reports.timezone: unknown time zone {timezone!r}")
    return Reports(weekday=weekday, time=time_text, timezone=timezone, dir=str(raw.get("dir", "data/reports")))


def parse_config(data: dict[str, Any], path: Path | None) -> Config:
    """Validate a parsed TOML document; raise ConfigError listing every problem."""
    label = str(path) if path else "built-in demo config"
    errors: list[str] = []
    top = {"brands", "sources", "reports", "alerts", "dashboard", "scheduler"}
    for key in sorted(set(data) - top):
        errors.append(f"{key}: unknown top-level key (allowed: {', '.join(sorted(top))})")
    raw_brands = data.get("brands", [])
    if not isinstance(raw_brands, list) or not raw_brands:
        errors.append("brands: at least one [[brands]] table is required")
        raw_brands = []
    brands = [b for i, raw in enumerate(raw_brands) if (b := _parse_brand(errors, i, raw))]
    names = [b.name for b in brands]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"brands: the name {dup!r} is used twice")
    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        errors.append("sources: expected [[sources]] tables")
        raw_sources = []
    sources = [s for i, raw in enumerate(raw_sources) if (s := _parse_source(errors, i, raw, set(names)))]
    source_names = [s.name for s in sources]
    for dup in sorted({n for n in source_names if source_names.count(n) > 1}):
        errors.append(f"sources: the name {dup!r} is used twice (names must be unique)")
    reports = _parse_reports(errors, data.get("reports"))
    alerts, dashboard, scheduler = _parse_alert_settings(errors, data, set(names), set(source_names))
    if errors:
        raise ConfigError(f"{label}:\n  " + "\n  ".join(errors))
    NOTIFY_CREDENTIALS.update(name for rule in alerts for name in rule.notify)
    return Config(
        path=path,
        brands=tuple(brands),
        sources=tuple(sources),
        reports=reports,
        alerts=alerts,
        dashboard=dashboard,
        scheduler=scheduler,
    )


def resolve_config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The config file in effect, or None for the built-in demo config."""
    if explicit:
        return Path(explicit)
    if os.environ.get("MONITOR_CONFIG"):
        return Path(os.environ["MONITOR_CONFIG"])
    return DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.exists() else None


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Load and validate the config; ConfigError with file and key on any problem."""
    path = resolve_config_path(explicit)
    if path is None:
        return parse_config(tomllib.loads(DEMO_TOML), None)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.__class__.__name__}: {exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, path)


def _dotenv_values(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def _streamlit_secrets(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return {k: str(v) for k, v in data.items() if isinstance(v, str | int)}


def credential(name: str, root: Path | None = None) -> str | None:
    """A credential's value from the environment, `.env`, or `.streamlit/secrets.toml`.

    Only names listed in CREDENTIALS are read. Values are never logged or shown; callers
    report a missing credential by its name only.
    """
    if name not in CREDENTIALS and name not in NOTIFY_CREDENTIALS:
        raise KeyError(f"{name} is not a known credential")
    value = os.environ.get(name)
    if value:
        return value
    root = root or Path.cwd()
    for values in (_dotenv_values(root / ".env"), _streamlit_secrets(root / ".streamlit" / "secrets.toml")):
        if values.get(name):
            return values[name]
    return None


def missing_credentials(names: list[str], root: Path | None = None) -> list[str]:
    """The names among `names` that have no value anywhere."""
    return [n for n in names if not credential(n, root)]


# --- alerts settings: temporary copy, replaced by the config engineer's models at merge ---
from typing import Annotated, Literal  # noqa: E402

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator  # noqa: E402

#: delivery credential names listed in [[alerts]] notify (credential() reads these too).
NOTIFY_CREDENTIALS: set[str] = set()
ALERT_KINDS = (
    "volume_spike", "negative_spike", "sla_breach", "high_reach", "source_failing", "source_silent", "weekly_report",
)  # fmt: skip


class _AlertBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    brand: str
    notify: tuple[Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$")], ...] = Field(min_length=1)
    cooldown_seconds: int = 6 * 3600
    give_up_after_seconds: int = 24 * 3600

    @model_validator(mode="before")
    @classmethod
    def _intervals(cls, raw: Any) -> Any:
        if isinstance(raw, dict):
            raw = dict(raw)
            for key, default in (("cooldown", "6h"), ("give_up_after", "24h")):
                try:
                    raw[f"{key}_seconds"] = parse_interval(raw.pop(key, default))
                except ValueError as exc:
                    raise ValueError(f"{key}: {exc}") from None
        return raw


class SpikeRule(_AlertBase):
    when: Literal["volume_spike", "negative_spike"]
    platform: str | None = None
    period: Literal["hour", "day"] = "hour"
    sigma: float = Field(3.0, gt=0)
    min_count: int = Field(5, ge=0)


class SlaBreachRule(_AlertBase):
    when: Literal["sla_breach"]
    at_fraction: float = Field(1.0, gt=0, le=1)


class HighReachRule(_AlertBase):
    when: Literal["high_reach"]
    followers: int | None = Field(None, ge=0)
    engagements: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _one_threshold(self) -> HighReachRule:
        if self.followers is None and self.engagements is None:
            raise ValueError("set followers and/or engagements")
        return self


class SourceFailingRule(_AlertBase):
    when: Literal["source_failing"]
    source: str | None = None
    runs: int = Field(3, ge=1)


class SourceSilentRule(_AlertBase):
    when: Literal["source_silent"]
    source: str | None = None
    factor: float = Field(3.0, gt=0)


class WeeklyReportRule(_AlertBase):
    when: Literal["weekly_report"]


AlertRule = Annotated[
    SpikeRule | SlaBreachRule | HighReachRule | SourceFailingRule | SourceSilentRule | WeeklyReportRule,
    Field(discriminator="when"),
]
_ALERT_RULE: TypeAdapter[Any] = TypeAdapter(AlertRule)


class DashboardSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    url: str | None = None


class SchedulerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    alert_every_seconds: int = 60


def _parse_alert_settings(
    errors: list[str], data: dict[str, Any], brands: set[str], sources: set[str]
) -> tuple[tuple[Any, ...], DashboardSettings, SchedulerSettings]:
    rules: list[Any] = []
    raw_rules = data.get("alerts", [])
    if not isinstance(raw_rules, list):
        errors.append("alerts: expected [[alerts]] tables")
        raw_rules = []
    for i, raw in enumerate(raw_rules):
        where = f"alerts[{i}]" + (f" ({raw['name']})" if isinstance(raw, dict) and raw.get("name") else "")
        if isinstance(raw, dict) and raw.get("when") not in ALERT_KINDS:
            errors.append(f"{where}.when: {raw.get('when')!r} is not one of {', '.join(ALERT_KINDS)}")
            continue
        try:
            rule = _ALERT_RULE.validate_python(raw)
        except (ValidationError, ValueError) as exc:
            for err in exc.errors() if isinstance(exc, ValidationError) else [{"loc": (), "msg": str(exc)}]:
                loc = [str(p) for p in err["loc"] if str(p) not in ALERT_KINDS and not str(p).endswith("Rule")]
                errors.append(f"{where}{'.' + '.'.join(loc) if loc else ''}: {err['msg']}")
            continue
        if rule.brand not in brands:
            errors.append(f"{where}.brand: {rule.brand!r} is not a configured brand ({', '.join(sorted(brands))})")
        if getattr(rule, "source", None) is not None and rule.source not in sources:
            errors.append(f"{where}.source: {rule.source!r} is not a configured source")
        if getattr(rule, "platform", None) is not None and rule.platform not in PLATFORMS:
            errors.append(f"{where}.platform: {rule.platform!r} is not one of {', '.join(PLATFORMS)}")
        rules.append(rule)
    names = [r.name for r in rules]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"alerts: the name {dup!r} is used twice (names must be unique)")
    dashboard, scheduler = DashboardSettings(), SchedulerSettings()
    try:
        dashboard = DashboardSettings.model_validate(data.get("dashboard", {}))
    except ValidationError as exc:
        errors += [f"dashboard.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    raw_scheduler = data.get("scheduler", {})
    try:
        if isinstance(raw_scheduler, dict) and "alert_every" in raw_scheduler:
            raw_scheduler = {"alert_every_seconds": parse_interval(raw_scheduler["alert_every"])} | {
                k: v for k, v in raw_scheduler.items() if k != "alert_every"
            }
        scheduler = SchedulerSettings.model_validate(raw_scheduler)
    except ValueError as exc:
        errors.append(f"scheduler.alert_every: {exc}")
    return tuple(rules), dashboard, scheduler
