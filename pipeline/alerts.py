"""Alert checks: evaluate the [[alerts]] rules, store what fired, deliver through apprise.

`check` (the scheduler after each collection run and every [scheduler] alert_every, and
`python cli.py alerts check`) reads bounded rows per rule (rollups for spikes, the flagged
index for mentions, the last runs of a source), asks analysis.alerts which events are there,
drops those already fired within the rule's cooldown, stores the rest with a pending delivery
per channel (one transaction, before sending: nothing fired is lost), then delivers every
due delivery. One apprise object per channel and attempt; a failed attempt is recorded
(redacted) and retried with backoff on later checks until delivered or the rule's
give_up_after; one channel failing never holds up another.

Delivery URLs are secrets: read with config.credential under the names `notify` lists, they
never reach a log, the database or an exception text (apprise's own log is captured,
redacted and never propagated).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pandas as pd
from sqlalchemy import Engine, and_, func, literal, or_, select

from analysis import alerts as rules_
from analysis.alerts import AlertEvent, Message
from analysis.reports import last_full_week, parse_week
from analysis.sla import deadline
from config import Config, credential
from store import alerts as store
from store import audit, locks
from store.accounts import Account, require
from store.schema import mention_state, mentions, rollup_hourly, runs

log = logging.getLogger(__name__)

#: how far back a high_reach rule looks for new flagged mentions (at least its cooldown).
HIGH_REACH_WINDOW = timedelta(days=1)
#: a weekly report alerts once per week (the folder stays there all week).
WEEKLY_WINDOW = timedelta(days=8)
#: extra look-back for SLA candidates when a brand keeps business hours (nights, weekends).
BUSINESS_HOURS_SLACK = timedelta(days=14)
REPORT_FILES = ("mentions.csv", "summary.csv", "notes.txt")
OPEN_STATUSES = ("new", "assigned")
ROLLUP_KEYS = ("hour", "brand", "platform", "kind", "is_own")

#: every secret piece of a delivery URL this process has used (redacted from the loggers below).
_SECRETS: set[str] = set()


class _Redact(logging.Filter):
    """On apprise's and urllib3's loggers: their text may hold a delivery URL, a token in its
    path or a user name, so records below `floor` are dropped and the rest are redacted."""

    def __init__(self, floor: int = logging.NOTSET) -> None:
        super().__init__()
        self.floor = floor

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < self.floor:
            return False
        secrets = sorted(_SECRETS, key=len, reverse=True)
        if secrets:
            record.msg, record.args = redact(record.getMessage(), secrets), ()
        return True


logging.getLogger("apprise").addFilter(_Redact(logging.WARNING))
for _name in ("urllib3.connectionpool", "urllib3.util.retry", "requests"):
    logging.getLogger(_name).addFilter(_Redact())


# --- secrets --------------------------------------------------------------------------------

_HOSTNAME = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def secret_parts(url: str) -> list[str]:
    """The URL and every piece of it that may be a secret (user, password, tokens, ids), longest first.

    Host names with dots (smtp.example.com, 127.0.0.1) and short numbers (ports) are kept.
    """
    rest = url.split("://", 1)[1] if "://" in url else url
    parts = {url, unquote(url), rest}
    for piece in re.split(r"[/:@?&=#,;+\s]", rest):
        for value in {piece, unquote(piece)}:
            if len(value) < 3 or _HOSTNAME.match(value) or (value.isdigit() and len(value) < 6):
                continue
            parts.add(value)
    return sorted((p for p in parts if p), key=len, reverse=True)


def redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _error_text(captured: str, secrets: Sequence[str]) -> str:
    lines = [line.strip() for line in captured.splitlines() if line.strip()]
    return redact(" | ".join(lines[-3:]), secrets)[:500] or "delivery failed (no reason given)"


def send(channel: str, message: Message, names: frozenset[str], root: Path | None = None) -> str | None:
    """Deliver `message` through the apprise URL held by credential `channel`: None when delivered,
    else why not (redacted: never the URL or a token in it)."""
    import apprise

    try:
        url = credential(channel, root, allowed=names)
    except KeyError:
        return f"{channel} is not a delivery credential named by any rule's notify"
    if not url:
        return f"credential {channel} is not set (environment, .env or .streamlit/secrets.toml)"
    secrets = secret_parts(url)
    _SECRETS.update(secrets)
    try:
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as output:
            server = apprise.Apprise()
            if not server.add(url):
                return f"{channel} does not hold a URL apprise understands (see apprise's URL formats)"
            attach = apprise.AppriseAttachment(list(message.attachments)) if message.attachments else None
            delivered = server.notify(body=message.body, title=message.title, attach=attach)
            captured = output.getvalue()
    except Exception as exc:  # an apprise plugin bug must not stop the other channels
        return redact(f"{exc.__class__.__name__}: {exc}", secrets)[:500]
    return None if delivered else _error_text(captured, secrets)


# --- reading, per rule ------------------------------------------------------------------------


def _frame(rows: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


MENTION_FIELDS = ["id", "platform", "url", "author_handle", "author_followers", "text", "created_at"]
COUNT_FIELDS = ["likes", "replies", "reposts", "quotes"]


def _open_flagged(brand: str, start: datetime, end: datetime, extra: Any = None) -> Any:
    m, s = mentions, mention_state
    conditions = [
        m.c.needs_reply.is_(True),
        m.c.created_at >= start,
        m.c.created_at <= end,
        m.c.brand == brand,
        m.c.is_own.is_(False),
        s.c.first_response_at.is_(None),
        func.coalesce(s.c.status, "new").in_(OPEN_STATUSES),
    ]
    if extra is not None:
        conditions.append(extra)
    columns = [m.c[c] for c in MENTION_FIELDS + COUNT_FIELDS]
    return (
        select(*columns)
        .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
        .where(and_(*conditions))
        .order_by(m.c.created_at, m.c.id)
    )


def lookback(rule: Any) -> timedelta:
    """How far back fired keys suppress an event: the cooldown, or the rule's candidate window if longer."""
    cooldown = rule.cooldown
    if rule.when in ("volume_spike", "negative_spike"):
        return max(cooldown, rules_.STEP[rule.period] * 2)
    if rule.when == "high_reach":
        return max(cooldown, HIGH_REACH_WINDOW)
    if rule.when == "weekly_report":
        return max(cooldown, WEEKLY_WINDOW)
    return cooldown


def _sources(config: Config, rule: Any) -> list[str]:
    if rule.source is not None:
        return [rule.source]
    return [s.name for s in config.sources if s.brand == rule.brand and s.enabled]


def _runs(conn: Any, source: str) -> pd.DataFrame:
    query = (
        select(runs.c.id, runs.c.started_at, runs.c.status, runs.c.error, runs.c.new)
        .where(runs.c.source == source)
        .order_by(runs.c.started_at.desc(), runs.c.id.desc())
        .limit(rules_.RUN_HISTORY)
    )
    return _frame(conn.execute(query), ["id", "started_at", "status", "error", "new"])


def _with_top_posts(conn: Any, rule: Any, event: AlertEvent, n: int = 3) -> AlertEvent:
    """The spike's event with links to the period's `n` most engaged posts by others (negative ones for a negative spike)."""
    m = mentions
    engagement = sum((func.coalesce(m.c[c], 0) for c in COUNT_FIELDS), start=literal(0))
    query = select(m.c.url).where(
        m.c.brand == rule.brand,
        m.c.created_at >= event.since,
        m.c.created_at < event.since + rules_.STEP[rule.period],
        m.c.is_own.is_(False),
        m.c.url.is_not(None),
    )
    if rule.platform is not None:
        query = query.where(m.c.platform == rule.platform)
    if rule.when == "negative_spike":
        query = query.where(m.c.sentiment_label == "negative")
    links = tuple(row[0] for row in conn.execute(query.order_by(engagement.desc(), m.c.id.desc()).limit(n)))
    return replace(event, links=links)


def evaluate(engine: Engine, config: Config, rule: Any, now: datetime) -> list[AlertEvent]:
    """The events `rule` sees as of `now` (before the cooldown)."""
    with engine.connect() as conn:
        if rule.when in ("volume_spike", "negative_spike"):
            # the rollup rows summed per hour in SQL (a range over the rollup's primary key)
            r = rollup_hourly
            sums = [func.sum(c).label(c.name) for c in r.columns if c.name not in ROLLUP_KEYS]
            query = (
                select(r.c.hour, *sums)
                .where(r.c.hour >= rules_.spike_history_start(rule.period, now), r.c.hour <= now)
                .where(r.c.brand == rule.brand, r.c.is_own.is_(False))
                .group_by(r.c.hour)
            )
            if rule.platform is not None:
                query = query.where(r.c.platform == rule.platform)
            rollup = _frame(conn.execute(query), ["hour", *(c.name for c in sums)])
            rollup["hour"] = pd.to_datetime(rollup["hour"], utc=True)
            rollup = rollup.assign(brand=rule.brand, platform=rule.platform or "all", is_own=False)
            return [_with_top_posts(conn, rule, e) for e in rules_.spike_events(rule, rollup, now)]
        if rule.when == "sla_breach":
            brand = config.brand(rule.brand)
            hours = timedelta(hours=brand.sla_hours)
            business = getattr(brand, "business_hours", None)
            since = now - rule.cooldown
            start = since - hours - (BUSINESS_HOURS_SLACK if business else timedelta(0))
            end = now - hours * rule.at_fraction if not business else now
            flagged = _frame(conn.execute(_open_flagged(rule.brand, start, end)), MENTION_FIELDS + COUNT_FIELDS)

            def due(created: datetime, sla: float) -> datetime:
                return deadline(created, sla, business)

            return rules_.sla_events(rule, flagged, brand.sla_hours, now, since, due)
        if rule.when == "high_reach":
            m = mentions
            engagement = sum((func.coalesce(m.c[c], 0) for c in COUNT_FIELDS), start=literal(0))
            reach = []
            if rule.followers is not None:
                reach.append(m.c.author_followers >= rule.followers)
            if rule.engagements is not None:
                reach.append(engagement >= rule.engagements)
            query = _open_flagged(rule.brand, now - lookback(rule), now, or_(*reach))
            return rules_.high_reach_events(rule, _frame(conn.execute(query), MENTION_FIELDS + COUNT_FIELDS))
        if rule.when == "source_failing":
            return [e for s in _sources(config, rule) for e in rules_.source_failing_events(rule, s, _runs(conn, s))]
        if rule.when == "source_silent":
            return [
                e for s in _sources(config, rule) for e in rules_.source_silent_events(rule, s, _runs(conn, s), now)
            ]
    if rule.when == "weekly_report":
        week = last_full_week(now)
        folder = Path(config.reports.dir) / week
        files = [folder / name for name in REPORT_FILES]
        if not all(f.exists() for f in files):
            return []
        try:
            summary = pd.read_csv(files[1])
        except (OSError, ValueError, pd.errors.ParserError):
            summary = pd.DataFrame()
        written = parse_week(week)[2]
        return [rules_.weekly_report_event(rule, week, written, summary, [str(f) for f in files])]
    raise ValueError(f"unknown alert kind {rule.when!r}")


# --- the check ------------------------------------------------------------------------------


def _item(event: AlertEvent) -> dict[str, Any]:
    return {"text": event.text, "links": list(event.links), "since": event.since.isoformat()}


def _message(payload: dict[str, Any]) -> Message:
    return Message(payload["title"], payload["body"], tuple(payload.get("attachments", ())))


def _when(moment: datetime) -> str:
    return rules_.when_text(moment)


def check(engine: Engine, config: Config, now: datetime, dry_run: bool = False, root: Path | None = None) -> list[str]:
    """Evaluate every rule once, store what fired, deliver what is due; a line per outcome.

    Lines start with fired, suppressed, delivered, failed, gave up, or error (a rule that could
    not be evaluated); with `dry_run`, "would fire" and nothing is stored or sent.
    """
    now = now.astimezone(UTC)
    lines: list[str] = []
    for rule in config.alerts:
        try:
            events = evaluate(engine, config, rule, now)
        except Exception as exc:
            log.exception("alert rule %s could not be evaluated", rule.name)
            lines.append(f"error {rule.name} ({rule.brand}): cannot evaluate: {exc.__class__.__name__}: {exc}")
            continue
        with engine.connect() as conn:
            seen = store.recent_keys(conn, rule.name, now - lookback(rule))
        fresh = list({e.key: e for e in events if e.key not in seen}.values())
        if len(events) > len(fresh):
            hours = rule.cooldown.total_seconds() / 3600
            lines.append(
                f"suppressed {rule.name} ({rule.brand}): {len(events) - len(fresh)} event(s) already alerted "
                f"within the cooldown ({hours:g} h)"
            )
        if not fresh:
            continue
        message = rules_.compose(fresh, config.dashboard.url)
        if dry_run:
            lines.append(f"would fire {rule.name} ({rule.brand}): {message.title} -> {', '.join(rule.notify)}")
            continue
        payload = {
            "title": message.title,
            "body": message.body,
            "links": [link for e in fresh for link in e.links][: rules_.DIGEST_ITEMS],
            "attachments": list(message.attachments),
        }
        with engine.begin() as conn:
            store.record(
                conn,
                rule=rule.name,
                brand=rule.brand,
                kind=rule.when,
                fired_at=now,
                keys=[(e.key, e.since, _item(e)) for e in fresh],
                message=payload,
                channels=list(rule.notify),
            )
        lines.append(f"fired {rule.name} ({rule.brand}): {message.title} -> {', '.join(rule.notify)}")
    if not dry_run:
        lines += deliver_due(engine, config, now, root)
    return lines


def deliver_due(engine: Engine, config: Config, now: datetime, root: Path | None = None) -> list[str]:
    """Try every delivery due by `now`; record each outcome. Deliveries older than their rule's
    give_up_after are given up without another try."""
    give_up = {r.name: r.give_up_after for r in config.alerts}
    lines: list[str] = []
    with engine.connect() as conn:
        pending = store.due(conn, now)
    for item in pending:
        label = f"{item.rule} -> {item.channel}"
        limit = give_up.get(item.rule, timedelta(hours=24))
        if now - item.fired_at >= limit:
            with engine.begin() as conn:
                store.mark(conn, item.id, "gave_up", attempts=item.attempts, error=_last_error(engine, item.id))
            lines.append(f"gave up {label}: not delivered within {limit.total_seconds() / 3600:g} h")
            continue
        error = send(item.channel, _message(item.payload), config.notify_names, root)
        attempts = item.attempts + 1
        with engine.begin() as conn:
            if error is None:
                store.mark(conn, item.id, "delivered", attempts=attempts, delivered_at=now)
            else:
                retry = now + rules_.next_attempt_delay(attempts)
                store.mark(conn, item.id, "failed", attempts=attempts, error=error, next_attempt_at=retry)
        if error is None:
            lines.append(f"delivered {label} (attempt {attempts})")
        else:
            log.warning("alert %s not delivered (attempt %d): %s", label, attempts, error)
            lines.append(f"failed {label}: {error} (attempt {attempts}; next try {_when(retry)})")
    return lines


def _last_error(engine: Engine, delivery_id: int) -> str | None:
    with engine.connect() as conn:
        d = store.alert_deliveries
        return conn.execute(select(d.c.last_error).where(d.c.id == delivery_id)).scalar()


def send_test(
    engine: Engine, config: Config, account: Account | None, channel: str, now: datetime, root: Path | None = None
) -> str | None:
    """A test message to one channel (the Alerts page's Send test), admins only and audited:
    None when delivered, else why not (Forbidden for any other role)."""
    admin = require(account, "admin")
    body = f"Test message from the engagement monitor, sent {_when(now)} to {channel}."
    if config.dashboard.url:
        body += f"\nDashboard: {config.dashboard.url.rstrip('/')}/alerts"
    error = send(channel, Message(title="Engagement monitor: test alert", body=body), config.notify_names, root)
    with engine.begin() as conn:
        action = "alert_test_sent" if error is None else "alert_test_failed"
        audit.record(conn, actor=admin.name, action=action, detail=error or channel, at=now)
    return error


#: the database lease one alert check holds (a `cursors` row; never a configured source's name).
CHECK_LEASE = "alerts:check"
#: long enough for a check with slow deliveries; a crashed holder's lease lapses after it.
CHECK_LEASE_TTL = 600.0


@dataclass
class AlertJob:
    """The scheduler's alert check: after each collection run and every [scheduler] alert_every.

    One check at a time: per process (a call while one runs returns None at once) and across
    processes (a lease in the database, store/locks.py, so two schedulers on one database never
    evaluate and fire the same event twice).
    """

    engine: Engine
    config: Config
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    owner: str = field(default_factory=lambda: locks.default_owner("alerts"))

    def __post_init__(self) -> None:
        self.lock = threading.Lock()

    def __call__(self) -> list[str] | None:
        if not self.lock.acquire(blocking=False):
            return None
        try:
            holder = locks.acquire(self.engine, CHECK_LEASE, "alerts", self.owner, ttl=CHECK_LEASE_TTL)
            if holder is not None:
                log.info("alerts: another scheduler (%s) is checking; this check is skipped", holder)
                return None
            try:
                lines = check(self.engine, self.config, self.now())
            finally:
                locks.release(self.engine, CHECK_LEASE, self.owner)
        except Exception:  # an alert problem never stops collection
            log.exception("alert check failed")
            return None
        finally:
            self.lock.release()
        for line in lines:
            (log.warning if line.startswith(("failed", "gave up", "error")) else log.info)("alerts: %s", line)
        return lines
