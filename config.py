"""Settings: `monitor.toml` (brands, sources, alerts, reports, ...) and credentials.

The file's path comes from `--config`, then `MONITOR_CONFIG`, then `./monitor.toml`; with
no file at all, the built-in demo config applies. The whole file is validated once, at load,
by the pydantic models below (unknown keys refused; a `[[sources]]` table is checked against
its platform's option model from platforms.py, an `[[alerts]]` rule against its kind's). Every
problem is listed in one `ConfigError`, one line each, naming the file, the table and the key:

    monitor.toml: sources[2] (demo-live).per_run: expected a whole number from 1 to 100000, got 'many'

Credentials never live in this file: they come from environment variables, `.env`, or
`.streamlit/secrets.toml` (first found wins, in that order).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, create_model, model_validator
from pydantic.dataclasses import dataclass as checked_dataclass

from analysis.formulas import DEFAULT_RESOLUTION_DAYS, DEFAULT_SLA_HOURS, own_brand_names
from platforms import (
    COLLECTED,
    NAMES,
    SPECS,
    Flag,
    check_text_list,
    number,
    shown,
    text,
    whole,
)

DEFAULT_CONFIG_PATH = Path("monitor.toml")
INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: the longest interval any setting takes (a source's `every`, an alert's cooldown, ...).
MAX_INTERVAL_SECONDS = 30 * 86400
#: the store's column for brand and source names is this wide.
MAX_NAME_CHARS = 128
MAX_HOURS = 720.0
#: the longest `resolution_days` a brand may set.
MAX_RESOLUTION_DAYS = 90
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: credential name -> what it is for; with the names `[[alerts]] notify` declares, the only
#: names ever read from the environment.
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
    "GOOGLE_PLAY_SERVICE_ACCOUNT": "Google Play: read and answer reviews (a service account's JSON key: path or content)",
}
#: names a `notify` list may not use: they hold platform or database secrets, not delivery URLs.
RESERVED_NAMES = frozenset(CREDENTIALS) | {"DATABASE_URL", "MONITOR_CONFIG"}


class ConfigError(Exception):
    """A config problem, with the file and key named; shown to the user as is."""


def parse_interval(text: str) -> int:
    """'30s', '15m', '1h', '1d' -> seconds; ValueError otherwise."""
    match = INTERVAL.match(str(text))
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"bad interval {text!r}: use a number and s, m, h or d, e.g. 30m")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


# ---------------------------------------------------------------------------------- value types


def _interval_seconds(value: Any) -> int:
    if not isinstance(value, str):
        raise ValueError(f'expected an interval in quotes such as "30m", got {shown(value)}')
    seconds = parse_interval(value)
    if seconds > MAX_INTERVAL_SECONDS:
        raise ValueError(f"expected at most 30 days (30d), got {shown(value)}")
    return seconds


def _interval(value: Any) -> timedelta:
    return timedelta(seconds=_interval_seconds(value))


def _zone_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a time zone name such as Europe/Berlin, got {shown(value)}")
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {shown(value)} (use an IANA name such as Europe/Berlin or UTC)") from None
    return value.strip()


DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(value: Any) -> str:
    day = value.strip().lower() if isinstance(value, str) else None
    for short, full in zip(WEEKDAYS, DAY_NAMES, strict=True):
        if day in (short, full):
            return short
    raise ValueError(f"expected a day such as mon, tue, ... sun, got {shown(value)}")


def _days(value: Any) -> tuple[str, ...]:
    """'mon-fri', 'mon,tue,thu', 'fri-mon' (wraps) or ["mon", "tue"] -> day names in week order."""
    if isinstance(value, list | tuple) and value:
        names = {_weekday(v) for v in value}
    elif isinstance(value, str) and value.strip():
        names = set()
        for part in value.split(","):
            if "-" in part:
                first, _, last = part.partition("-")
                start, end = WEEKDAYS.index(_weekday(first)), WEEKDAYS.index(_weekday(last))
                names.update(WEEKDAYS[(start + i) % 7] for i in range((end - start) % 7 + 1))
            else:
                names.add(_weekday(part))
    else:
        raise ValueError(f'expected days such as "mon-fri", "mon,tue,thu" or ["mon", "tue"], got {shown(value)}')
    return tuple(d for d in WEEKDAYS if d in names)


CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def _clock_time(value: Any) -> str:
    if not isinstance(value, str) or not CLOCK.fullmatch(value.strip()):
        raise ValueError(f"expected HH:MM (24 h), got {shown(value)}")
    return value.strip()


def _opening_hours(value: Any) -> str:
    wanted = (
        f'expected opening hours as "HH:MM-HH:MM" with opening before closing, e.g. "09:00-17:00", got {shown(value)}'
    )
    if not isinstance(value, str):
        raise ValueError(wanted)
    opens, _, closes = value.replace(" ", "").partition("-")
    if not (CLOCK.fullmatch(opens) and CLOCK.fullmatch(closes)) or opens >= closes:
        raise ValueError(wanted)
    return f"{opens}-{closes}"


def _dates(value: Any) -> tuple[date, ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f'expected a list of dates such as ["2026-12-25"], got {shown(value)}')
    out: list[date | None] = []
    for item in value:
        if isinstance(item, date) and not isinstance(item, datetime):
            out.append(item)
            continue
        try:
            out.append(date.fromisoformat(item) if isinstance(item, str) and len(item) == 10 else None)
        except ValueError:
            out.append(None)
        if out[-1] is None:
            raise ValueError(f"expected ISO dates such as 2026-12-25, got {shown(item)}")
    return tuple(d for d in out if d is not None)


def _terms(value: Any) -> tuple[str, ...]:
    return tuple(check_text_list(value))


def _handles(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f'expected a table of platform = "handle", got {shown(value)}')
    unknown = sorted(set(value) - set(NAMES))
    if unknown:
        raise ValueError(f"unknown platform {', '.join(map(repr, unknown))} (known: {', '.join(NAMES)})")
    return {k: v.lstrip("@") for k, v in value.items()}


def _platform(value: Any) -> str:
    if value not in NAMES:
        raise ValueError(f"{shown(value)} is not one of {', '.join(NAMES)}")
    return str(value)


def _period(value: Any) -> str:
    if value not in ("hour", "day"):
        raise ValueError(f'expected "hour" or "day", got {shown(value)}')
    return str(value)


NOTIFY_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,63}")


def _notify(value: Any) -> tuple[str, ...]:
    names = check_text_list(value)
    if not names:
        raise ValueError('expected at least one name, e.g. ["TEAM_SLACK"]')
    for name in names:
        if not NOTIFY_NAME.fullmatch(name):
            raise ValueError(f"expected names of variables in .env such as TEAM_SLACK (A-Z, 0-9, _), got {shown(name)}")
        if name in RESERVED_NAMES:
            raise ValueError(f"{name} holds a platform or database secret; name a variable holding a delivery URL")
    return tuple(names)


def _dashboard_url(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^/\s?#]+[^\s]*", value.strip()):
        raise ValueError(f"expected an http(s) URL such as https://monitor.example.com, got {shown(value)}")
    if "@" in value.split("//", 1)[1].split("/", 1)[0]:
        raise ValueError("expected a URL without a user or password (it is shown in alert messages)")
    return value.strip().rstrip("/")


def checked(fn: Any) -> PlainValidator:
    return PlainValidator(fn)


Name = Annotated[str, checked(text(MAX_NAME_CHARS))]
Terms = Annotated[tuple[str, ...], checked(_terms)]
Interval = Annotated[timedelta, checked(_interval)]
Hours = Annotated[float, checked(number(0, MAX_HOURS))]
OptWhole = Annotated[int | None, checked(whole(1))]


class Table(BaseModel):
    """A TOML table: unknown keys refused, values checked, frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------- brands


class BusinessHours(Table):
    """When the team answers: `{ timezone = "America/New_York", days = "mon-fri", hours = "09:00-17:00" }`."""

    timezone: Annotated[str, checked(_zone_name)]
    hours: Annotated[str, checked(_opening_hours)]
    days: Annotated[tuple[str, ...], checked(_days)] = ("mon", "tue", "wed", "thu", "fri")
    holidays: Annotated[tuple[date, ...], checked(_dates)] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def weekdays(self) -> frozenset[int]:
        """Open days, Monday = 0."""
        return frozenset(WEEKDAYS.index(d) for d in self.days)

    @property
    def opens(self) -> time:
        return time.fromisoformat(self.hours.split("-")[0])

    @property
    def closes(self) -> time:
        return time.fromisoformat(self.hours.split("-")[1])

    @property
    def holiday_dates(self) -> frozenset[date]:
        return frozenset(self.holidays)


@checked_dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Brand:
    name: Name
    keywords: Terms = ()
    exclude: Terms = ()
    competitors: Terms = ()
    handles: Annotated[dict[str, str], checked(_handles)] = field(default_factory=dict)
    sla_hours: Hours = DEFAULT_SLA_HOURS
    business_hours: BusinessHours | None = None
    #: vocabulary for later features: product names, and terms that mark a complaint, praise,
    #: or a mention to ignore.
    products: Terms = ()
    complaint_terms: Terms = ()
    praise_terms: Terms = ()
    ignore_terms: Terms = ()
    #: keep this brand's mentions this many days (None: forever).
    retain_days: OptWhole = None
    #: an author's follow-up counts this many days after the brand's first response (analysis.resolution).
    resolution_days: Annotated[int, checked(whole(1, MAX_RESOLUTION_DAYS))] = DEFAULT_RESOLUTION_DAYS


# ---------------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    name: str
    platform: str
    brand: str
    every_seconds: int
    query: str | None = None
    enabled: bool = True
    max_pages: int = 10
    #: the platform keys the file sets (platforms.SPECS[platform].options), as checked.
    options: dict[str, Any] = field(default_factory=dict)


class SourceTable(Table):
    """Keys every `[[sources]]` table may carry; each platform adds its option model's keys."""

    name: Name
    platform: str
    brand: Name
    query: Annotated[str | None, checked(text(2000))] = None
    every: Annotated[int, checked(_interval_seconds)] = 1800
    enabled: Flag = True
    max_pages: Annotated[int, checked(whole(1, 1000))] = 10

    def to_source(self) -> Source:
        option_keys = set(SPECS[self.platform].options.model_fields)
        return Source(
            name=self.name,
            platform=self.platform,
            brand=self.brand,
            every_seconds=self.every,
            query=self.query,
            enabled=self.enabled,
            max_pages=self.max_pages,
            options={k: getattr(self, k) for k in sorted(self.model_fields_set & option_keys)},
        )


#: platform -> the model of its `[[sources]]` table (common keys + the platform's options).
SOURCE_MODELS: dict[str, type[SourceTable]] = {
    name: create_model(
        f"{name.title()}SourceTable",
        # pydantic's stub wants every base a subclass of the first; the options model is a mixin
        __base__=(SourceTable, SPECS[name].options),  # type: ignore[arg-type]  # see above
        platform=(Literal[name], ...),  # type: ignore[arg-type]  # a Literal built at run time
    )
    for name in COLLECTED
}
if TYPE_CHECKING:  # the union below is built at run time; to the checker it is its common base
    AnySource = SourceTable
else:
    AnySource = Annotated[Union[tuple(SOURCE_MODELS.values())], Field(discriminator="platform")]  # noqa: UP007


# ---------------------------------------------------------------------------------- alerts


class AlertRule(Table):
    """Keys every `[[alerts]]` rule takes; each kind (`when`) adds its own."""

    name: Name
    brand: Name
    when: str
    notify: Annotated[tuple[str, ...], checked(_notify)]
    cooldown: Interval = timedelta(hours=6)
    give_up_after: Interval = timedelta(hours=24)


class SpikeRule(AlertRule):
    platform: Annotated[str | None, checked(_platform)] = None
    period: Annotated[str, checked(_period)] = "hour"
    sigma: Annotated[float, checked(number(0, 100))] = 3.0
    min_count: Annotated[int, checked(whole(1))] = 5


class VolumeSpike(SpikeRule):
    when: Literal["volume_spike"]


class NegativeSpike(SpikeRule):
    when: Literal["negative_spike"]


class SlaBreach(AlertRule):
    when: Literal["sla_breach"]
    #: alert once a mention has waited this fraction of the SLA (0.8 warns early).
    at_fraction: Annotated[float, checked(number(0, 1))] = 1.0


class HighReach(AlertRule):
    when: Literal["high_reach"]
    followers: OptWhole = None
    engagements: OptWhole = None

    @model_validator(mode="after")
    def _one_threshold(self) -> HighReach:
        if self.followers is None and self.engagements is None:
            raise ValueError("a high_reach rule needs followers and/or engagements")
        return self


class SourceFailing(AlertRule):
    when: Literal["source_failing"]
    source: Name | None = None
    runs: Annotated[int, checked(whole(1))] = 3


class SourceSilent(AlertRule):
    when: Literal["source_silent"]
    source: Name | None = None
    #: silent for `factor` x the source's usual gap between new mentions.
    factor: Annotated[float, checked(number(1, 1000))] = 3.0


class WeeklyReport(AlertRule):
    when: Literal["weekly_report"]


ALERT_MODELS: dict[str, type[AlertRule]] = {
    get_args(model.model_fields["when"].annotation)[0]: model
    for model in (VolumeSpike, NegativeSpike, SlaBreach, HighReach, SourceFailing, SourceSilent, WeeklyReport)
}
ALERT_KINDS: tuple[str, ...] = tuple(ALERT_MODELS)
if TYPE_CHECKING:  # as AnySource: a run-time union, to the checker its common base
    AnyAlert = AlertRule
else:
    AnyAlert = Annotated[Union[tuple(ALERT_MODELS.values())], Field(discriminator="when")]  # noqa: UP007


# ---------------------------------------------------------------------------------- other tables


class Reports(Table):
    """The weekly report job."""

    weekday: Annotated[str, checked(_weekday)] = "mon"
    time: Annotated[str, checked(_clock_time)] = "08:00"
    timezone: Annotated[str, checked(_zone_name)] = "UTC"
    dir: Annotated[str, checked(text())] = "data/reports"
    #: write "author-<keyed hash>" instead of handles in mentions.csv (stable within a report).
    pseudonymise_authors: Flag = False


class Auth(Table):
    #: sign a dashboard user out after this many hours without activity.
    idle_hours: Hours = 12.0


class Dashboard(Table):
    #: the dashboard's address, for links in alerts.
    url: Annotated[str | None, checked(_dashboard_url)] = None


class Scheduler(Table):
    #: how often the scheduler checks the alert rules.
    alert_every: Interval = timedelta(minutes=1)


class XSettings(Table):
    #: the estimated price of one post read (US dollars), for the Sources page's spend column.
    price_per_post: Annotated[float, checked(number(0, 100, inclusive_low=True))] = 0.005


class MonitorFile(Table):
    """The whole monitor.toml."""

    brands: list[Brand] = Field(min_length=1)
    sources: list[AnySource] = []
    alerts: list[AnyAlert] = []
    reports: Reports = Reports()
    auth: Auth = Auth()
    dashboard: Dashboard = Dashboard()
    scheduler: Scheduler = Scheduler()
    x: XSettings = XSettings()


#: top-level table -> its model (what the README must document).
TABLES: dict[str, type[BaseModel]] = {
    "reports": Reports,
    "auth": Auth,
    "dashboard": Dashboard,
    "scheduler": Scheduler,
    "x": XSettings,
}


@dataclass(frozen=True)
class Config:
    path: Path | None
    brands: tuple[Brand, ...]
    sources: tuple[Source, ...]
    reports: Reports = field(default_factory=Reports)
    alerts: tuple[AlertRule, ...] = ()
    auth: Auth = field(default_factory=Auth)
    dashboard: Dashboard = field(default_factory=Dashboard)
    scheduler: Scheduler = field(default_factory=Scheduler)
    x: XSettings = field(default_factory=XSettings)

    @property
    def is_builtin_demo(self) -> bool:
        return self.path is None

    @property
    def notify_names(self) -> frozenset[str]:
        """The variable names alert rules deliver to: readable by `credential(..., allowed=...)`."""
        return frozenset(name for rule in self.alerts for name in rule.notify)

    def brand(self, name: str) -> Brand:
        for brand in self.brands:
            if brand.name == name:
                return brand
        raise KeyError(name)

    def own_brands(self) -> list[Brand]:
        """Brands the team runs (the rule is `analysis.formulas.own_brand_names`)."""
        own = own_brand_names(self.brands)
        return [b for b in self.brands if b.name in own]

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)


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
"""


# ---------------------------------------------------------------------------------- messages

Loc = tuple[str | int, ...]
#: tables given as lists of [[name]] tables, and the key naming the model of each item.
LISTS = {"brands": None, "sources": "platform", "alerts": "when"}


def table_keys(model: Any) -> list[str]:
    """The keys a table model takes (a pydantic model or a pydantic dataclass)."""
    fields = getattr(model, "model_fields", None) or model.__pydantic_fields__
    return list(fields)


def _model_at(loc: Loc) -> Any:
    """The model of the table at `loc` (the error's location minus its key), for 'allowed: ...'."""
    if not loc:
        return MonitorFile
    head = loc[0]
    if head == "sources" and len(loc) >= 3:
        return SOURCE_MODELS.get(str(loc[2]))
    if head == "alerts" and len(loc) >= 3:
        return ALERT_MODELS.get(str(loc[2]))
    if head == "brands":
        return BusinessHours if len(loc) >= 3 and loc[2] == "business_hours" else Brand
    return TABLES.get(str(head))


def _item(data: dict[str, Any], table: str, index: int) -> Any:
    items = data.get(table)
    return items[index] if isinstance(items, list) and 0 <= index < len(items) else None


def _where(loc: Loc, data: dict[str, Any]) -> str:
    """('sources', 2, 'demo', 'per_run') -> 'sources[2] (demo-live).per_run'."""
    parts = list(loc)
    if parts and parts[0] in LISTS and len(parts) >= 2 and isinstance(parts[1], int):
        item = _item(data, str(parts[0]), parts[1])
        name = item.get("name") if isinstance(item, dict) else None
        head = f"{parts[0]}[{parts[1]}]" + (f" ({name.strip()[:40]})" if isinstance(name, str) and name.strip() else "")
        rest = parts[3:] if LISTS[str(parts[0])] and len(parts) >= 3 else parts[2:]
        return ".".join([head, *(f"[{p}]" if isinstance(p, int) else str(p) for p in rest)]).replace(".[", "[")
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in parts).replace(".[", "[")


def _message(error: Mapping[str, Any], data: dict[str, Any]) -> tuple[Loc, str]:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "value_error":
        return loc, str(error["ctx"]["error"])
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        model = _model_at(loc[:-1])
        allowed = ", ".join(sorted(table_keys(model))) if model is not None else "?"
        if len(loc) == 1:
            return loc, f"unknown top-level key (allowed: {allowed})"
        if loc[0] == "sources" and len(loc) >= 4:
            return loc, f"unknown key for platform {loc[2]} (allowed: {allowed})"
        if loc[0] == "alerts" and len(loc) >= 4:
            return loc, f"unknown key for an alert when = {loc[2]} (allowed: {allowed})"
        return loc, f"unknown key (allowed: {allowed})"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        key = LISTS.get(str(loc[0])) or "?"
        item = _item(data, str(loc[0]), int(loc[1])) if len(loc) > 1 and isinstance(loc[1], int) else None
        if not isinstance(item, dict):
            return loc, "expected a table"
        known = COLLECTED if key == "platform" else ALERT_KINDS
        value = item.get(key)
        if value is None:
            return (*loc, "_", key), f"required, one of {', '.join(known)}"
        if key == "platform" and value in NAMES:
            return (*loc, "_", key), f"{value!r} has no collector (its exports can be imported: cli.py import)"
        return (*loc, "_", key), f"{shown(value)} is not one of {', '.join(known)}"
    if kind == "missing":
        if loc == ("brands",):
            return loc, "at least one [[brands]] table is required"
        return loc, "required"
    if kind == "too_short" and loc == ("brands",):
        return loc, "at least one [[brands]] table is required"
    if kind in ("model_type", "dataclass_type", "model_attributes_type", "dict_type"):
        return loc, "expected a table"
    if kind == "list_type":
        if len(loc) == 1 and loc[0] in LISTS:
            return loc, f"expected [[{loc[0]}]] tables"
        return loc, "expected a list"
    return loc, str(error.get("msg", kind))


def _names(items: Any) -> list[tuple[int, str]]:
    if not isinstance(items, list):
        return []
    out = []
    for i, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            out.append((i, item["name"].strip()))
    return out


def _twice(table: str, named: list[tuple[int, str]]) -> Iterable[tuple[Loc, str]]:
    names = [n for _, n in named]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        yield (table,), f"the name {dup!r} is used twice (names must be unique)"


def _cross_checks(data: dict[str, Any]) -> list[tuple[Loc, str]]:
    """What one table cannot check alone: unique names, and references to brands and sources."""
    brands = _names(data.get("brands"))
    sources = _names(data.get("sources"))
    problems = [*_twice("brands", brands), *_twice("sources", sources), *_twice("alerts", _names(data.get("alerts")))]
    brand_names = sorted({n for _, n in brands})
    source_names = sorted({n for _, n in sources})
    for table, keys in (("sources", ("brand",)), ("alerts", ("brand", "source"))):
        items = data.get(table)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            for key in keys:
                value = item.get(key)
                known = brand_names if key == "brand" else source_names
                if isinstance(value, str) and value.strip() and value.strip() not in known:
                    listed = ", ".join(known) or "none defined"
                    problems.append(((table, i, "_", key), f"{value!r} is not a configured {key} ({listed})"))
    return problems


def _sort_key(loc: Loc) -> tuple[tuple[int, str | int], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in loc)


def _without_none(value: Any) -> Any:
    """TOML has no null: a None from a config built in code means 'not set'."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def parse_config(data: dict[str, Any], path: Path | None) -> Config:
    """Validate a parsed TOML document; raise ConfigError listing every problem."""
    label = str(path) if path else "built-in demo config"
    data = _without_none(data)
    problems: list[tuple[Loc, str]] = []
    loaded: MonitorFile | None = None
    try:
        loaded = MonitorFile.model_validate(data)
    except ValidationError as exc:
        problems.extend(_message(error, data) for error in exc.errors())
    problems.extend(_cross_checks(data))
    if problems or loaded is None:
        lines = dict.fromkeys(
            f"{label}: {_where(loc, data)}: {msg}" for loc, msg in sorted(problems, key=lambda p: _sort_key(p[0]))
        )
        raise ConfigError("\n".join(lines))
    return Config(
        path=path,
        brands=tuple(loaded.brands),
        sources=tuple(s.to_source() for s in loaded.sources),
        reports=loaded.reports,
        alerts=tuple(loaded.alerts),
        auth=loaded.auth,
        dashboard=loaded.dashboard,
        scheduler=loaded.scheduler,
        x=loaded.x,
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


# ---------------------------------------------------------------------------------- credentials


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


def credential(name: str, root: Path | None = None, *, allowed: Collection[str] = ()) -> str | None:
    """A credential's value from the environment, `.env`, or `.streamlit/secrets.toml`.

    Only names listed in CREDENTIALS, or in `allowed` (pass `config.notify_names` for the
    delivery URLs alert rules name), are read. Values are never logged or shown; callers
    report a missing credential by its name only.
    """
    if name not in CREDENTIALS and name not in allowed:
        raise KeyError(f"{name} is not a known credential")
    value = os.environ.get(name)
    if value:
        return value
    root = root or Path.cwd()
    for values in (_dotenv_values(root / ".env"), _streamlit_secrets(root / ".streamlit" / "secrets.toml")):
        if values.get(name):
            return values[name]
    return None


def missing_credentials(names: Iterable[str], root: Path | None = None, *, allowed: Collection[str] = ()) -> list[str]:
    """The names among `names` that have no value anywhere."""
    return [n for n in names if not credential(n, root, allowed=allowed)]
