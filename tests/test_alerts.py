"""Alerts with real delivery on loopback: a JSON webhook receiver (http.server) and an SMTP server
(aiosmtpd); a spike and a breach fire once, a receiver that was down gets the alert later, many
events make one digest, give_up_after, and the delivery URL's secrets never reach the logs, the
database or the page. Every check gets its `now` (no sleeps, no wall clock)."""

from __future__ import annotations

import email
import json
import logging
import socket
import threading
import tomllib
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, inspect, text

import config as config_module
from analysis import alerts as rules
from analysis import trends
from analysis.reports import last_full_week
from config import Config, ConfigError, parse_config
from pipeline import alerts
from pipeline.ingest import ingest
from pipeline.seed import seed_demo
from store import audit
from store.accounts import Account, Forbidden
from store.schema import rollup_hourly
from tests.conftest import FIXED_NOW

NOW = FIXED_NOW  # 2026-11-18 12:00 UTC
SECRET_USER, SECRET_PASSWORD, SECRET_TOKEN = "hookuser", "S3cretPassw0rd", "T0KENxyz987654"

BASE_TOML = """
[[brands]]
name = "Acme"
keywords = ["acme"]
competitors = ["Globex"]
handles = { x = "acme" }
sla_hours = 4

[[brands]]
name = "Globex"
keywords = ["globex"]
"""


# --- loopback receivers ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Webhook:
    """A JSON webhook receiver on 127.0.0.1: records each POST body; answers `status`."""

    def __init__(self, port: int | None = None, status: int = 200) -> None:
        self.port = port or free_port()
        self.status = status
        self.received: list[dict[str, Any]] = []
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> Webhook:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.received.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), **json.loads(body)}
                )
                self.send_response(owner.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def url(self, token: str = SECRET_TOKEN) -> str:
        return f"json://{SECRET_USER}:{SECRET_PASSWORD}@127.0.0.1:{self.port}/hooks/{token}"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook().start()
    yield hook
    hook.stop()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    from aiosmtpd.controller import Controller

    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


# --- config and data -------------------------------------------------------------------------


def make_config(rules_toml: str, tmp_path: Path, extra: str = "") -> Config:
    text_ = BASE_TOML + extra + f'\n[reports]\ndir = "{tmp_path / "reports"}"\n' + rules_toml
    return parse_config(tomllib.loads(text_), tmp_path / "monitor.toml")


def rule_toml(name: str, when: str, notify: str = '["HOOK"]', **keys: Any) -> str:
    lines = [f'name = "{name}"', 'brand = "Acme"', f'when = "{when}"', f"notify = {notify}"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in keys.items()]
    return "\n[[alerts]]\n" + "\n".join(lines) + "\n"


def add_mentions(engine: Engine, cfg: Config, times: list[datetime], text_: str, prefix: str, **extra: Any) -> None:
    frame = pd.DataFrame(
        {
            "platform": "x",
            "post_id": [f"{prefix}-{i}" for i in range(len(times))],
            "url": [f"https://x.com/someone/status/{prefix}-{i}" for i in range(len(times))],
            "kind": "post",
            "author_handle": [f"user{i % 50}" for i in range(len(times))],
            "text": text_,
            "created_at": pd.to_datetime(times, utc=True),
            "brand": "Acme",
            "is_own": False,
            **extra,
        }
    )
    ingest(engine, frame, cfg.brands)


COMPLAINT = "@acme my order never arrived and I'm still waiting for a refund, can someone help?"


def dump(engine: Engine) -> str:
    """Every table's rows as text."""
    parts = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            parts += [repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
    return "\n".join(parts)


def deliveries(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(text("SELECT channel, status, attempts, last_error FROM alert_deliveries ORDER BY id"))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


# --- config ----------------------------------------------------------------------------------


def test_alert_rules_are_validated_with_the_key_named(tmp_path: Path) -> None:
    bad = (
        rule_toml("a", "sla_brech")
        + rule_toml("b", "high_reach")
        + rule_toml("c", "sla_breach", notify='["team slack"]', at_fraction=1.5)
        + rule_toml("c", "volume_spike", cooldown="soon")
        + '\n[[alerts]]\nname = "d"\nbrand = "Nobody"\nwhen = "source_silent"\nnotify = ["HOOK"]\nsource = "nope"\n'
    )
    with pytest.raises(ConfigError) as err:
        make_config(bad, tmp_path)
    message = str(err.value)
    assert "alerts[0] (a).when: 'sla_brech' is not one of volume_spike" in message
    assert "alerts[1] (b): a high_reach rule needs followers and/or engagements" in message
    assert "alerts[2] (c).notify: expected names of variables in .env" in message
    assert "alerts[2] (c).at_fraction: expected a finite number > 0 and at most 1, got 1.5" in message
    assert "alerts[3] (c).cooldown: bad interval 'soon'" in message
    assert "alerts: the name 'c' is used twice" in message
    assert "alerts[4] (d).brand: 'Nobody' is not a configured brand" in message
    assert "alerts[4] (d).source: 'nope' is not a configured source" in message


def test_alert_settings_defaults_and_credential_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = make_config(
        rule_toml("s", "volume_spike", notify='["TEAM_SLACK"]', platform="x", cooldown="2h"),
        tmp_path,
        extra='[dashboard]\nurl = "https://monitor.example.com"\n[scheduler]\nalert_every = "5m"\n',
    )
    (rule,) = cfg.alerts
    assert (rule.when, rule.period, rule.sigma, rule.min_count, rule.platform) == ("volume_spike", "hour", 3.0, 5, "x")
    assert (rule.cooldown, rule.give_up_after) == (timedelta(hours=2), timedelta(hours=24))
    assert cfg.dashboard.url == "https://monitor.example.com"
    assert cfg.scheduler.alert_every == timedelta(minutes=5)
    monkeypatch.setenv("TEAM_SLACK", "slack://a/b/c")
    assert config_module.credential("TEAM_SLACK", tmp_path, allowed=cfg.notify_names) == "slack://a/b/c"
    with pytest.raises(KeyError):
        config_module.credential("SOMETHING_ELSE", tmp_path, allowed=cfg.notify_names)
    assert make_config("", tmp_path).alerts == ()


# --- pure rules ------------------------------------------------------------------------------


def test_spike_rule_is_the_charts_rule() -> None:
    hours = pd.date_range(NOW - timedelta(hours=8), NOW, freq="h", tz="UTC")
    counts = [4, 5, 3, 4, 6, 4, 5, 30, 2]  # the last full hour (11:00) spikes, the current one does not
    rollup = pd.DataFrame(
        {"hour": hours, "brand": "Acme", "platform": "x", "kind": "post", "is_own": False, "mentions": counts}
    )
    for column in (c.name for c in rollup_hourly.columns):
        if column not in rollup:
            rollup[column] = 0
    rule = make_config(rule_toml("s", "volume_spike"), Path("/tmp")).alerts[0]
    (event,) = rules.spike_events(rule, rollup, NOW)
    expected = trends.spikes(pd.Series(counts[:-1], index=hours[:-1]), window=7, k=3.0, min_value=5)
    assert list(expected["period"]) == [hours[-2]]
    assert event.key == "volume_spike/Acme/all/hour/2026-11-18T11:00Z"
    assert event.text.startswith("30 mentions in the hour from 2026-11-18 11:00 UTC, usually 4.4")
    quiet = rollup.assign(mentions=[4, 5, 3, 4, 6, 4, 5, 6, 2])
    assert rules.spike_events(rule, quiet, NOW) == []


def test_source_rules_streak_and_usual_gap(tmp_path: Path) -> None:
    cfg = make_config(rule_toml("f", "source_failing", runs=3) + rule_toml("q", "source_silent", factor=3), tmp_path)
    failing, silent = cfg.alerts
    start = NOW - timedelta(hours=10)
    statuses = ["ok", "ok", "error", "error", "error: interrupted", "skipped"]
    frame = pd.DataFrame(
        {
            "id": range(1, 7),
            "started_at": [start + timedelta(minutes=30 * i) for i in range(6)],
            "status": [s.split(":")[0] for s in statuses],
            "error": [None, None, "HTTP 500", "HTTP 500", "interrupted: stopped", None],
            "new": [3, 2, 0, 0, 0, 0],
        }
    )
    (event,) = rules.source_failing_events(failing, "src", frame)
    assert event.key == "source_failing/src/run/3"  # the interrupted run neither breaks nor counts
    assert rules.source_failing_events(failing, "src", frame.iloc[:5]) == []

    productive = pd.DataFrame(
        {
            "id": range(1, 6),
            "started_at": [start + timedelta(minutes=15 * i) for i in range(5)],
            "status": "ok",
            "error": None,
            "new": [1, 2, 1, 1, 0],
        }
    )
    assert rules.usual_gap(productive) == timedelta(minutes=15)
    last_new = start + timedelta(minutes=45)
    assert rules.source_silent_events(silent, "src", productive, last_new + timedelta(minutes=44)) == []
    (quiet,) = rules.source_silent_events(silent, "src", productive, last_new + timedelta(minutes=46))
    assert quiet.key == "source_silent/src/after-run/4"
    assert "usually every 15 min" in quiet.text and "1 run(s) since brought nothing" in quiet.text
    assert rules.usual_gap(productive.iloc[:3]) is None


def test_sla_warning_fraction_and_digest_message() -> None:
    rule = make_config(rule_toml("w", "sla_breach", at_fraction=0.5), Path("/tmp")).alerts[0]
    flagged = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "platform": "x",
            "url": ["https://x.com/a/1", "https://x.com/a/2", "https://x.com/a/3"],
            "author_handle": ["a", "b", "c"],
            "author_followers": [10, None, 5],
            "text": ["help", "help", "help"],
            "created_at": [NOW - timedelta(hours=h) for h in (1, 2.5, 9)],
        }
    )
    events = rules.sla_events(rule, flagged, 4.0, NOW, NOW - timedelta(hours=6))
    assert [e.key for e in events] == ["sla_breach/Acme/mention/2"]  # 2 h of 4 reached; 1 not yet; 3 too long ago
    assert "reached 50% of its SLA" in events[0].text
    many = [
        rules.AlertEvent("w", "Acme", "sla_breach", f"k{i}", NOW, f"item {i}", (f"https://x.com/{i}",))
        for i in range(25)
    ]
    message = rules.compose(many, "https://monitor.example.com/")
    assert message.title == "[Acme] 25 x SLA breach"
    assert message.body.count("\n- ") == rules.DIGEST_ITEMS
    assert "... and 5 more" in message.body
    assert message.body.endswith("Dashboard: https://monitor.example.com/queue")


def test_secret_parts_redact_tokens_and_passwords() -> None:
    url = f"json://{SECRET_USER}:{SECRET_PASSWORD}@127.0.0.1:8080/hooks/{SECRET_TOKEN}?x-key=abcdef"
    said = alerts.redact(
        f"Failed to send to {url} (127.0.0.1): 401 for {SECRET_TOKEN} as {SECRET_USER}", alerts.secret_parts(url)
    )
    for secret in (SECRET_USER, SECRET_PASSWORD, SECRET_TOKEN, "abcdef"):
        assert secret not in said
    assert "127.0.0.1" in said


# --- real delivery -----------------------------------------------------------------------------


def test_spike_and_breach_in_seeded_data_fire_once(
    engine: Engine, webhook: Webhook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = make_config(
        rule_toml("spike", "volume_spike") + rule_toml("urgent", "sla_breach"),
        tmp_path,
        extra='[dashboard]\nurl = "https://monitor.example.com"\n',
    )
    monkeypatch.setenv("HOOK", webhook.url())
    seed_demo(engine, cfg, mentions=3000, days=30, end=NOW)
    add_mentions(engine, cfg, [NOW - timedelta(minutes=50, seconds=i) for i in range(60)], "acme phone launch", "spk")
    add_mentions(engine, cfg, [NOW - timedelta(hours=5)], COMPLAINT, "late", author_followers=[1234])
    with engine.connect() as conn:  # open flagged mentions whose 4 h passed within the 6 h cooldown, in plain SQL
        breached = conn.execute(
            text(
                "SELECT count(*) FROM mentions m LEFT JOIN mention_state s ON s.mention_id = m.id "
                "WHERE m.brand = 'Acme' AND m.needs_reply AND NOT m.is_own AND s.first_response_at IS NULL "
                "AND coalesce(s.status, 'new') IN ('new', 'assigned') AND m.created_at > :low AND m.created_at <= :high"
            ),
            {"low": NOW - timedelta(hours=10), "high": NOW - timedelta(hours=4)},
        ).scalar()
    assert breached >= 1

    lines = alerts.check(engine, cfg, NOW)
    assert [line.split(" ")[0] for line in lines] == ["fired", "fired", "delivered", "delivered"], lines
    assert len(webhook.received) == 2
    spike, breach = webhook.received
    assert spike["title"] == "[Acme] Volume spike"
    assert "mentions in the hour from 2026-11-18 11:00 UTC" in spike["message"]
    assert "\nTop posts: https://" in spike["message"]
    assert spike["message"].endswith("Dashboard: https://monitor.example.com/")
    assert breach["title"] == ("[Acme] SLA breach" if breached == 1 else f"[Acme] {breached} x SLA breach")
    assert "x @user0 (1,234 followers)" in breach["message"] and "breached its SLA (4 h" in breach["message"]
    assert "https://x.com/someone/status/late-0" in breach["message"]
    assert breach["message"].endswith("Dashboard: https://monitor.example.com/queue")

    again = alerts.check(engine, cfg, NOW + timedelta(minutes=1))
    assert again == [
        "suppressed spike (Acme): 1 event(s) already alerted within the cooldown (6 h)",
        f"suppressed urgent (Acme): {breached} event(s) already alerted within the cooldown (6 h)",
    ]
    assert len(webhook.received) == 2
    assert set(deliveries(engine)["status"]) == {"delivered"}


def test_down_receiver_gets_the_alert_when_back_and_channels_are_independent(
    engine: Engine, webhook: Webhook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = make_config(rule_toml("reach", "high_reach", notify='["DOWN_HOOK", "HOOK"]', followers=10000), tmp_path)
    down = Webhook()  # its port is free: nothing listens yet
    monkeypatch.setenv("DOWN_HOOK", down.url())
    monkeypatch.setenv("HOOK", webhook.url())
    add_mentions(engine, cfg, [NOW - timedelta(minutes=20)], COMPLAINT, "big", author_followers=[250000])

    first = alerts.check(engine, cfg, NOW)
    assert first[0] == "fired reach (Acme): [Acme] High-reach mention -> DOWN_HOOK, HOOK"
    assert first[1].startswith("failed reach -> DOWN_HOOK: ")
    assert first[1].endswith("(attempt 1; next try 2026-11-18 12:01 UTC)")
    assert first[2] == "delivered reach -> HOOK (attempt 1)"
    assert len(webhook.received) == 1 and "250,000 followers" in webhook.received[0]["message"]
    stored = deliveries(engine)
    assert list(stored["status"]) == ["failed", "delivered"]
    assert stored["last_error"][0] and SECRET_PASSWORD not in stored["last_error"][0]

    down.start()
    try:
        assert alerts.check(engine, cfg, NOW + timedelta(seconds=30)) == [
            "suppressed reach (Acme): 1 event(s) already alerted within the cooldown (6 h)"
        ]
        assert down.received == []  # backoff: not due yet
        later = alerts.check(engine, cfg, NOW + timedelta(minutes=2))
        assert later[-1] == "delivered reach -> DOWN_HOOK (attempt 2)"
        assert len(down.received) == 1 and down.received[0]["title"] == "[Acme] High-reach mention"
        assert down.received[0]["path"] == f"/hooks/{SECRET_TOKEN}"
        assert list(deliveries(engine)["status"]) == ["delivered", "delivered"]
        assert len(webhook.received) == 1
    finally:
        down.stop()


def test_a_backlog_of_300_breaches_is_one_digest(
    engine: Engine, webhook: Webhook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = make_config(rule_toml("urgent", "sla_breach"), tmp_path)
    monkeypatch.setenv("HOOK", webhook.url())
    times = [NOW - timedelta(hours=4, minutes=1) - timedelta(seconds=60 * i) for i in range(300)]
    add_mentions(engine, cfg, times, COMPLAINT, "backlog")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM mentions WHERE needs_reply")).scalar() == 300

    lines = alerts.check(engine, cfg, NOW)
    assert lines == ["fired urgent (Acme): [Acme] 300 x SLA breach -> HOOK", "delivered urgent -> HOOK (attempt 1)"]
    (message,) = webhook.received
    assert message["message"].count("\n- ") == rules.DIGEST_ITEMS
    assert "... and 280 more" in message["message"]
    with engine.connect() as conn:
        counts = conn.execute(text("SELECT count(*), max(digest), count(digest_id) FROM alert_events")).one()
    assert tuple(counts) == (300, 300, 299)
    assert alerts.check(engine, cfg, NOW + timedelta(minutes=5)) == [
        "suppressed urgent (Acme): 300 event(s) already alerted within the cooldown (6 h)"
    ]


def test_give_up_after(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = make_config(rule_toml("reach", "high_reach", followers=1000, give_up_after="1h"), tmp_path)
    monkeypatch.setenv("HOOK", Webhook().url())  # never listens
    add_mentions(engine, cfg, [NOW - timedelta(minutes=5)], COMPLAINT, "big", author_followers=[5000])
    assert alerts.check(engine, cfg, NOW)[1].startswith("failed reach -> HOOK")
    assert alerts.check(engine, cfg, NOW + timedelta(minutes=30))[-1].startswith("failed reach -> HOOK")
    final = alerts.check(engine, cfg, NOW + timedelta(hours=2))
    assert final[-1] == "gave up reach -> HOOK: not delivered within 1 h"
    stored = deliveries(engine)
    assert list(stored["status"]) == ["gave_up"] and list(stored["attempts"]) == [2]
    assert "gave up" not in " ".join(alerts.check(engine, cfg, NOW + timedelta(hours=3)))


def test_dry_run_stores_and_sends_nothing(
    engine: Engine, webhook: Webhook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = make_config(rule_toml("reach", "high_reach", engagements=100), tmp_path)
    monkeypatch.setenv("HOOK", webhook.url())
    add_mentions(engine, cfg, [NOW - timedelta(minutes=5)], COMPLAINT, "hot", likes=[90], reposts=[20])
    assert alerts.check(engine, cfg, NOW, dry_run=True) == [
        "would fire reach (Acme): [Acme] High-reach mention -> HOOK"
    ]
    assert webhook.received == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alert_events")).scalar() == 0


def test_weekly_report_email_with_attachments(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.export import export_week

    box, port = smtp
    cfg = make_config(rule_toml("weekly", "weekly_report", notify='["ONCALL_MAIL"]'), tmp_path)
    monkeypatch.setenv("ONCALL_MAIL", f"mailto://127.0.0.1:{port}?from=alerts@example.com&to=ops@example.com")
    seed_demo(sqlite_engine, cfg, mentions=1500, days=21, end=NOW)
    assert alerts.check(sqlite_engine, cfg, NOW) == []  # no report written yet
    week = last_full_week(NOW)
    export_week(sqlite_engine, cfg, week, now=NOW)

    lines = alerts.check(sqlite_engine, cfg, NOW)
    assert lines == [
        "fired weekly (Acme): [Acme] Weekly report -> ONCALL_MAIL",
        "delivered weekly -> ONCALL_MAIL (attempt 1)",
    ]
    (mail,) = box.messages
    assert mail["Subject"] == "[Acme] Weekly report" and mail["To"] == "ops@example.com"
    names = sorted(part.get_filename() for part in mail.walk() if part.get_filename())
    assert names == ["mentions.csv", "notes.txt", "summary.csv"]
    body = next(p for p in mail.walk() if p.get_content_type() in ("text/html", "text/plain")).get_payload(decode=True)
    summary = pd.read_csv(tmp_path / "reports" / week / "summary.csv")
    mentions = int(summary.loc[summary["brand"] == "Acme", "mentions"].sum())
    assert f"report {week}: {mentions:,} mentions" in body.decode()
    assert alerts.check(sqlite_engine, cfg, NOW + timedelta(days=1))[0].startswith("suppressed weekly")


def test_source_failing_from_stored_runs(
    engine: Engine, webhook: Webhook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = '[[sources]]\nname = "acme-x"\nplatform = "x"\nbrand = "Acme"\nevery = "15m"\n'
    cfg = make_config(rule_toml("broken", "source_failing", runs=2), tmp_path, extra=extra)
    monkeypatch.setenv("HOOK", webhook.url())
    with engine.begin() as conn:
        for i, (status, error) in enumerate([("ok", None), ("error", "HTTP 503 from the API"), ("error", "HTTP 503")]):
            conn.execute(
                text(
                    "INSERT INTO runs (source, platform, started_at, status, error) VALUES ('acme-x', 'x', :at, :s, :e)"
                ),
                {"at": NOW - timedelta(minutes=45 - 15 * i), "s": status, "e": error},
            )
    lines = alerts.check(engine, cfg, NOW)
    assert lines[0] == "fired broken (Acme): [Acme] Source failing -> HOOK"
    assert "source acme-x failed its last 2 run(s); last error: HTTP 503" in webhook.received[0]["message"]
    assert alerts.check(engine, cfg, NOW + timedelta(minutes=1))[0].startswith("suppressed broken")


# --- secrets: logs, database, page ---------------------------------------------------------------


def test_secrets_never_in_logs_database_or_page(
    webhook: Webhook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from tests import test_app_support as support

    support.serve_like_a_server(monkeypatch)
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "monitor.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.chdir(tmp_path)
    toml = BASE_TOML + rule_toml("reach", "high_reach", notify='["HOOK", "DOWN_HOOK"]', followers=100)
    (tmp_path / "monitor.toml").write_text(toml, encoding="utf-8")
    monkeypatch.setenv("MONITOR_CONFIG", str(tmp_path / "monitor.toml"))
    webhook.status = 500  # the receiver refuses: the failure path, with apprise's error text
    down = Webhook()
    monkeypatch.setenv("HOOK", webhook.url())
    monkeypatch.setenv("DOWN_HOOK", down.url())
    from store.engine import make_engine

    engine = make_engine(f"sqlite:///{db}")
    cfg = config_module.load_config(tmp_path / "monitor.toml")
    add_mentions(engine, cfg, [NOW - timedelta(minutes=5)], COMPLAINT, "big", author_followers=[5000])
    lines = alerts.check(engine, cfg, NOW) + alerts.check(engine, cfg, NOW + timedelta(minutes=5))
    assert sum(line.startswith("failed") for line in lines) == 4 and len(webhook.received) == 2

    secrets = (SECRET_USER, SECRET_PASSWORD, SECRET_TOKEN, webhook.url(), down.url())
    shown = "\n".join(lines) + caplog.text + dump(engine)
    assert "failed reach -> HOOK" in shown and "not delivered" in caplog.text
    for secret in secrets:
        assert secret not in shown

    responder = support.open_app("alerts", user="Rae", role="responder")
    assert responder.button(key="test:HOOK").disabled  # Send test is for admins
    with pytest.raises(Forbidden):
        alerts.send_test(engine, cfg, Account("Rae", "responder"), "HOOK", NOW)
    at = support.open_app("alerts", role="admin")
    assert at.title[0].value == "Alerts"
    fired = support.table(at, "rule", "channel", "status", "last_error")
    assert sorted(fired["status"]) == ["failed", "failed"] and list(fired["attempts"]) == [2, 2]
    at.button(key="test:HOOK").click().run()
    assert any("Test message to HOOK not delivered" in str(e.value) for e in at.error)
    page = support.texts(at) + "".join(d.value.to_csv() for d in at.dataframe)
    for secret in secrets:
        assert secret not in page
    with engine.connect() as conn:
        assert list(audit.query(conn, actor="Ann")["action"]).count("alert_test_failed") == 1
    engine.dispose()


def test_cli_alerts_check_dry_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import cli

    toml = BASE_TOML + rule_toml("spike", "volume_spike")
    (tmp_path / "monitor.toml").write_text(toml, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'monitor.db'}")
    result = CliRunner().invoke(cli.app, ["--config", str(tmp_path / "monitor.toml"), "alerts", "check", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "nothing to alert"
    (tmp_path / "bad.toml").write_text(BASE_TOML + rule_toml("x", "spiky"), encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["--config", str(tmp_path / "bad.toml"), "alerts", "check"])
    assert result.exit_code == 2 and "alerts[0] (x).when: 'spiky' is not one of" in result.output
    assert "Traceback" not in result.output


def test_scheduler_adds_the_alert_job(sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    from pipeline.scheduler import build_scheduler

    cfg = make_config(
        rule_toml("reach", "high_reach", followers=10), tmp_path, extra='[scheduler]\nalert_every = "2m"\n'
    )
    scheduler, _ = build_scheduler(
        sqlite_engine, cfg, threading.Event(), owner="t", reports=False, scheduler_cls=BackgroundScheduler
    )
    job = scheduler.get_job("alerts")
    assert job is not None and job.trigger.interval == timedelta(minutes=2)
    monkeypatch.setenv("HOOK", Webhook().url())
    moments = iter([NOW, NOW + timedelta(minutes=1)])
    run = alerts.AlertJob(sqlite_engine, cfg, now=lambda: next(moments))
    assert run() == [] and run() == []
    assert run.lock.acquire(blocking=False)
    try:
        assert run() is None  # one check at a time
    finally:
        run.lock.release()


def test_two_schedulers_never_check_at_once(
    sqlite_engine: Engine, webhook: Webhook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check holds a lease in the database: while another scheduler holds it, this one fires nothing."""
    from store import locks

    hook = webhook
    monkeypatch.setenv("HOOK", hook.url())
    cfg = make_config(rule_toml("reach", "high_reach", followers=1000), tmp_path)
    add_mentions(sqlite_engine, cfg, [NOW - timedelta(minutes=5)], COMPLAINT, "big", author_followers=[5000])
    assert locks.acquire(sqlite_engine, alerts.CHECK_LEASE, "alerts", "other-scheduler", ttl=600) is None
    job = alerts.AlertJob(sqlite_engine, cfg, now=lambda: NOW, owner="this-scheduler")
    assert job() is None and hook.received == []
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alert_events")).scalar() == 0
    assert locks.release(sqlite_engine, alerts.CHECK_LEASE, "other-scheduler")
    lines = job()
    assert lines is not None and any(line.startswith("delivered") for line in lines) and len(hook.received) == 1
    assert locks.holder(sqlite_engine, alerts.CHECK_LEASE) is None  # released after the check
