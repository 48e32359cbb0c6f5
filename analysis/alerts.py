"""Alert rules, pure: which events a rule sees in the data it is given, and the message for them.

No I/O: pipeline/alerts.py reads the rows (bounded queries over indexes and rollups), calls
these functions, stores what fired and delivers it. Every event has a stable `key` (rule kind,
brand, what and the period / mention id / streak start), so an event alerts once: the
pipeline does not fire a (rule, key) again within the rule's cooldown.

Rules (config [[alerts]]; the models are config.AlertRule):
- volume_spike / negative_spike: analysis.trends.spikes (the charts' k-sigma rule, one
  definition) on mentions or negative share per hour or day, of a brand (optionally one
  platform), over the current and the last full period.
- sla_breach: an unanswered flagged mention whose waiting reached `at_fraction` of its SLA
  (the deadline comes from the caller, so business hours apply where a brand sets them).
- high_reach: a flagged mention by an author with >= `followers` followers or with >=
  `engagements` engagements.
- source_failing: the source's last `runs` counted runs all failed.
- source_silent: no run brought new mentions for `factor` times the source's usual gap (the
  median gap between its runs that brought new mentions).
- weekly_report: the week's report files were written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analysis import sla, trends
from analysis.engagement import mention_engagement

#: the charts' spike baseline: the previous 7 periods (ui.metrics.SPIKE_WINDOW).
SPIKE_WINDOW = 7
#: items listed in one digest message; the rest are counted.
DIGEST_ITEMS = 20
#: how many runs of a source the failing and silent rules look at.
RUN_HISTORY = 200
#: productive runs (that brought new mentions) needed before a source's usual gap is known.
MIN_PRODUCTIVE_RUNS = 4
#: run errors that are not the source's fault (the scheduler stopped it), as in pipeline.scheduler.
NOT_A_FAILURE_PREFIX = "interrupted"
STEP = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
#: dashboard page (st.Page url path) each kind links to.
PAGE = {
    "volume_spike": "",
    "negative_spike": "sentiment",
    "sla_breach": "queue",
    "high_reach": "queue",
    "source_failing": "sources",
    "source_silent": "sources",
    "weekly_report": "reports",
}
TITLES = {
    "volume_spike": "Volume spike",
    "negative_spike": "Negative sentiment spike",
    "sla_breach": "SLA breach",
    "high_reach": "High-reach mention",
    "source_failing": "Source failing",
    "source_silent": "Source silent",
    "weekly_report": "Weekly report",
}

Deadline = Callable[[datetime, float], datetime]


@dataclass(frozen=True)
class AlertEvent:
    """One thing that happened, as a rule sees it. `since` is when it began (UTC)."""

    rule: str
    brand: str
    kind: str
    key: str
    since: datetime
    text: str
    links: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    mention_ids: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    attachments: tuple[str, ...] = ()


def _utc(value: Any) -> datetime:
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.to_pydatetime()


def when_text(moment: datetime) -> str:
    return _utc(moment).strftime("%Y-%m-%d %H:%M UTC")


# --- spikes -----------------------------------------------------------------------------------


def spike_history_start(period: str, now: datetime) -> datetime:
    """The first hour of rollup rows a spike rule needs: the window before the last full period."""
    moment = _utc(now).replace(minute=0, second=0, microsecond=0)
    current = moment.replace(hour=0) if period == "day" else moment
    return current - STEP[period] * (SPIKE_WINDOW + 1)


def spike_events(rule: Any, rollup: pd.DataFrame, now: datetime) -> list[AlertEvent]:
    """Spikes in the current or the last full period, by analysis.trends.spikes.

    `rollup`: rollup_hourly rows (hour, brand, platform, is_own, mentions, negative, ...) from
    spike_history_start on; other brands and platforms are ignored. volume_spike: mentions
    with k = sigma and min_value = min_count; negative_spike: negative share (negative /
    scored) with k = sigma, in periods with at least min_count negative mentions.
    """
    rows = rollup[rollup["brand"] == rule.brand]
    if rule.platform is not None:
        rows = rows[rows["platform"] == rule.platform]
    start = spike_history_start(rule.period, now)
    rows = rows[pd.to_datetime(rows["hour"], utc=True) >= pd.Timestamp(start)]
    if rows.empty:
        return []
    current = start + STEP[rule.period] * (SPIKE_WINDOW + 1)
    full = pd.date_range(start, current, freq={"hour": "h", "day": "D"}[rule.period], name="period")
    table = trends.summarize(rows, rule.period, by=()).set_index("period")
    table.index = pd.DatetimeIndex(table.index).tz_convert("UTC")
    table = table.reindex(full, fill_value=0)
    if rule.when == "volume_spike":
        found = trends.spikes(table["mentions"], window=SPIKE_WINDOW, k=rule.sigma, min_value=rule.min_count)
    else:
        share = table["negative_share"].astype(float).fillna(0)
        found = trends.spikes(share, window=SPIKE_WINDOW, k=rule.sigma)
        found = found[table["negative"].reindex(found["period"]).to_numpy() >= rule.min_count]
    found = found[found["period"] >= pd.Timestamp(current - STEP[rule.period])]
    scope = rule.platform or "all"
    events = []
    for spike in found.itertuples(index=False):
        period = _utc(spike.period)
        label = "hour" if rule.period == "hour" else "day"
        if rule.when == "volume_spike":
            what = f"{int(spike.value)} mentions in the {label} from {when_text(period)}, usually {spike.baseline:.1f}"
        else:
            negatives = int(table.loc[spike.period, "negative"])
            what = (
                f"{spike.value:.0%} negative ({negatives} mentions) in the {label} from {when_text(period)}, "
                f"usually {spike.baseline:.0%}"
            )
        where = f" on {rule.platform}" if rule.platform else ""
        events.append(
            AlertEvent(
                rule=rule.name,
                brand=rule.brand,
                kind=rule.when,
                key=f"{rule.when}/{rule.brand}/{scope}/{rule.period}/{period:%Y-%m-%dT%H:%MZ}",
                since=period,
                text=f"{what} ({rule.sigma:g} sigma over the previous {SPIKE_WINDOW} {label}s){where}",
            )
        )
    return events


# --- mentions: SLA breaches and high reach ------------------------------------------------------


def around_the_clock(created_at: datetime, sla_hours: float) -> datetime:
    """The plain deadline, without business hours (analysis.sla.deadline)."""
    return sla.deadline(created_at, sla_hours, None)


def _mention_line(row: Any) -> str:
    who = f"@{row.author_handle}" if isinstance(row.author_handle, str) and row.author_handle else "someone"
    followers = row.author_followers
    reach = f" ({int(followers):,} followers)" if followers is not None and not pd.isna(followers) else ""
    text = " ".join(str(row.text).split())
    text = text if len(text) <= 140 else text[:139] + "…"
    return f'{row.platform} {who}{reach}: "{text}"'


def sla_events(
    rule: Any,
    flagged: pd.DataFrame,
    sla_hours: float,
    now: datetime,
    since: datetime,
    deadline: Deadline = around_the_clock,
) -> list[AlertEvent]:
    """Unanswered flagged mentions whose wait reached `at_fraction` of their SLA after `since`, by `now`.

    `flagged`: id, platform, url, author_handle, author_followers, text, created_at of the
    brand's unanswered open flagged mentions. The warning moment is created_at +
    at_fraction x (deadline(created_at, sla_hours) - created_at).
    """
    events = []
    now, since = _utc(now), _utc(since)
    for row in flagged.itertuples(index=False):
        created = _utc(row.created_at)
        due = deadline(created, sla_hours)
        moment = created + (due - created) * float(rule.at_fraction)
        if not since < moment <= now:
            continue
        state = "breached its SLA" if rule.at_fraction >= 1 else f"reached {rule.at_fraction:.0%} of its SLA"
        events.append(
            AlertEvent(
                rule=rule.name,
                brand=rule.brand,
                kind=rule.when,
                key=f"sla_breach/{rule.brand}/mention/{int(row.id)}",
                since=moment,
                text=f"{_mention_line(row)} {state} ({sla_hours:g} h, due {when_text(due)}), unanswered",
                links=(row.url,) if isinstance(row.url, str) and row.url else (),
                mention_ids=(int(row.id),),
            )
        )
    return events


def high_reach_events(rule: Any, flagged: pd.DataFrame) -> list[AlertEvent]:
    """Flagged mentions by an author with >= followers followers, or with >= engagements engagements.

    `flagged`: id, platform, url, author_handle, author_followers, text, created_at, likes,
    replies, reposts, quotes (engagements: analysis.engagement.mention_engagement).
    """
    if flagged.empty:
        return []
    engagements = mention_engagement(flagged)["engagements"].to_numpy()
    followers = pd.to_numeric(flagged["author_followers"], errors="coerce").fillna(-1).to_numpy()
    hit = np.zeros(len(flagged), dtype=bool)
    if rule.followers is not None:
        hit |= followers >= rule.followers
    if rule.engagements is not None:
        hit |= engagements >= rule.engagements
    events = []
    for row, count in zip(flagged[hit].itertuples(index=False), engagements[hit], strict=True):
        events.append(
            AlertEvent(
                rule=rule.name,
                brand=rule.brand,
                kind=rule.when,
                key=f"high_reach/{rule.brand}/mention/{int(row.id)}",
                since=_utc(row.created_at),
                text=f"{_mention_line(row)}, {int(count):,} engagements, needs a reply",
                links=(row.url,) if isinstance(row.url, str) and row.url else (),
                mention_ids=(int(row.id),),
            )
        )
    return events


# --- sources ---------------------------------------------------------------------------------


def _counted(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs that finished and count (not running, not interrupted by a stopping scheduler), newest first."""
    error = runs["error"].fillna("").astype(str)
    keep = (runs["status"] != "running") & ~error.str.startswith(NOT_A_FAILURE_PREFIX)
    return runs[keep.to_numpy(dtype=bool)].sort_values("id", ascending=False)


def source_failing_events(rule: Any, source: str, runs: pd.DataFrame) -> list[AlertEvent]:
    """The source's last `runs` counted runs all failed (error, or skipped for missing credentials).

    `runs`: id, started_at, status, error of the source's recent runs (any order). The key
    holds the id of the streak's first failed run, so one streak alerts once.
    """
    counted = _counted(runs)
    failed = counted["status"].isin(("error", "skipped")).to_numpy(dtype=bool)
    streak = int(np.argmin(failed)) if not failed.all() else len(failed)
    if streak < rule.runs:
        return []
    first = counted.iloc[streak - 1]
    last_error = str(counted.iloc[0]["error"] or counted.iloc[0]["status"])
    return [
        AlertEvent(
            rule=rule.name,
            brand=rule.brand,
            kind=rule.when,
            key=f"source_failing/{source}/run/{int(first['id'])}",
            since=_utc(first["started_at"]),
            text=f"source {source} failed its last {streak} run(s); last error: {last_error[:300]}",
        )
    ]


def usual_gap(runs: pd.DataFrame) -> timedelta | None:
    """The median gap between the source's runs that brought new mentions; None with fewer than MIN_PRODUCTIVE_RUNS."""
    productive = runs[(runs["status"] == "ok").to_numpy(dtype=bool) & (runs["new"].fillna(0) > 0).to_numpy()]
    if len(productive) < MIN_PRODUCTIVE_RUNS:
        return None
    times = pd.to_datetime(productive["started_at"], utc=True).sort_values()
    gap = times.diff().dropna().median()
    return None if pd.isna(gap) or gap <= pd.Timedelta(0) else gap.to_pytimedelta()


def source_silent_events(rule: Any, source: str, runs: pd.DataFrame, now: datetime) -> list[AlertEvent]:
    """No new mentions from the source for `factor` x its usual gap (see usual_gap), as of `now`.

    The key holds the id of the last run that brought new mentions, so one silence alerts once.
    """
    gap = usual_gap(runs)
    if gap is None:
        return []
    productive = runs[(runs["status"] == "ok").to_numpy(dtype=bool) & (runs["new"].fillna(0) > 0).to_numpy()]
    last = productive.sort_values("started_at").iloc[-1]
    last_at = _utc(last["started_at"])
    quiet = _utc(now) - last_at
    if quiet <= gap * float(rule.factor):
        return []
    later = runs[runs["id"] > last["id"]]
    ran = f"; {len(later)} run(s) since brought nothing" if len(later) else "; it has not run since"
    return [
        AlertEvent(
            rule=rule.name,
            brand=rule.brand,
            kind=rule.when,
            key=f"source_silent/{source}/after-run/{int(last['id'])}",
            since=last_at,
            text=(
                f"source {source} brought no new mentions for {_duration(quiet)} "
                f"(usually every {_duration(gap)}; alert at {rule.factor:g}x){ran}"
            ),
        )
    ]


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{max(seconds // 60, 1)} min"


# --- weekly report -----------------------------------------------------------------------------


def weekly_report_event(
    rule: Any, week: str, written_at: datetime, summary: pd.DataFrame, files: Sequence[str]
) -> AlertEvent:
    """The week's report was written: the brand's key figures from summary.csv, the files to attach."""
    rows = summary[summary["brand"] == rule.brand] if "brand" in summary else summary.iloc[0:0]

    def total(column: str) -> int:
        return int(pd.to_numeric(rows[column], errors="coerce").fillna(0).sum()) if column in rows else 0

    flagged, replied = total("flagged"), total("replied")
    rate = f"{replied / flagged:.0%}" if flagged else "n/a"
    text = (
        f"report {week}: {total('mentions'):,} mentions, {total('engagements'):,} engagements, "
        f"{total('positive'):,} positive / {total('negative'):,} negative, {flagged:,} needed a reply, "
        f"{replied:,} answered ({rate}), {total('sla_breaches'):,} SLA breaches"
    )
    return AlertEvent(
        rule=rule.name,
        brand=rule.brand,
        kind=rule.when,
        key=f"weekly_report/{rule.brand}/{week}",
        since=_utc(written_at),
        text=text,
        attachments=tuple(str(f) for f in files),
    )


# --- messages ---------------------------------------------------------------------------------


def dashboard_link(base: str | None, kind: str) -> str | None:
    if not base:
        return None
    return base.rstrip("/") + "/" + PAGE.get(kind, "")


def compose(events: Sequence[AlertEvent], dashboard_url: str | None = None) -> Message:
    """One message for one rule's events: the event itself, or a digest listing DIGEST_ITEMS and counting the rest."""
    if not events:
        raise ValueError("compose needs at least one event")
    first = events[0]
    title = TITLES.get(first.kind, first.kind)
    since = min(e.since for e in events)
    lines: list[str] = []
    if len(events) == 1:
        head = f"[{first.brand}] {title}"
        lines.append(f"{title} for {first.brand} (rule {first.rule}), since {when_text(since)}:")
        lines.append(first.text)
        label = "Top posts" if first.kind in ("volume_spike", "negative_spike") else "Post"
        lines += [f"{label}: {link}" if i == 0 else f"{' ' * len(label)}  {link}" for i, link in enumerate(first.links)]
    else:
        head = f"[{first.brand}] {len(events)} x {title}"
        lines.append(f"{len(events)} x {title} for {first.brand} (rule {first.rule}), since {when_text(since)}:")
        for event in list(events)[:DIGEST_ITEMS]:
            link = f" {event.links[0]}" if event.links else ""
            lines.append(f"- {event.text}{link}")
        if len(events) > DIGEST_ITEMS:
            lines.append(f"... and {len(events) - DIGEST_ITEMS} more")
    dashboard = dashboard_link(dashboard_url, first.kind)
    if dashboard:
        lines.append(f"Dashboard: {dashboard}")
    attachments = tuple(dict.fromkeys(a for e in events for a in e.attachments))
    return Message(title=head, body="\n".join(lines), attachments=attachments)


def next_attempt_delay(attempts: int, base: float = 60.0, cap: float = 3600.0) -> timedelta:
    """The wait before retrying a delivery that failed `attempts` times: base x 2^(attempts-1), at most cap."""
    return timedelta(seconds=min(base * 2.0 ** max(attempts - 1, 0), cap))
