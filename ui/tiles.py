"""KPI tiles: a value, its change against the previous period, and the formula in the help."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from analysis.formulas import FORMULAS
from ui.text import business_duration, duration_hours

if TYPE_CHECKING:
    from ui.metrics import Kpis


def _change(now: float | None, before: float | None, fmt: Callable[[float], str]) -> str | None:
    if now is None or before is None:
        return None
    return fmt(now - before)


def count_change(now: int | None, before: int | None) -> str | None:
    """'+1,234 (+5%)' against the previous period, or None when there is nothing to compare."""
    if now is None or before is None:
        return None
    diff = now - before
    if before:
        return f"{diff:+,} ({diff / before:+.0%})"
    return f"{diff:+,}"


def points_change(now: float | None, before: float | None, digits: int = 1) -> str | None:
    """A change of a share, in percentage points."""
    return _change(now, before, lambda d: f"{d * 100:+.{digits}f} pp")


def score_change(now: float | None, before: float | None) -> str | None:
    return _change(now, before, lambda d: f"{d:+.2f}")


def minutes_change(now: float | None, before: float | None) -> str | None:
    """A change of a duration given in minutes: '+1.5 min', '-2.3 h'.

    An ASCII '-': st.metric reads the arrow's direction (and its colour) from it.
    """

    def text(d: float) -> str:
        sign = "+" if d >= 0 else "-"
        return f"{sign}{abs(d):.1f} min" if abs(d) < 60 else sign + duration_hours(abs(d) / 60)

    return _change(now, before, text)


def business_minutes_change(now: float | None, before: float | None) -> str | None:
    """A change of a business-time duration given in minutes: '+12 business minutes', '-1.5 business hours'."""
    return _change(now, before, lambda d: ("+" if d >= 0 else "-") + business_duration(abs(d) / 60))


def percent(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}%}"


def unchanged(change: str | None) -> bool:
    """True for a change that is zero once shown ('+0', '+0 (+0%)', '+0.0 pp', '+0.00', '+0.0 min')."""
    if change is None:
        return False
    digits = re.sub(r"\D", "", change)
    return bool(digits) and set(digits) == {"0"}


def tile(
    where: DeltaGenerator,
    label: str,
    value: str,
    change: str | None,
    help_text: str,
    *,
    lower_is_better: bool = False,
) -> None:
    """One st.metric tile: the change is green when it is good news; no change shows no arrow, in grey."""
    same = unchanged(change)
    where.metric(
        label,
        value,
        "no change" if same else change,
        delta_color="off" if same else "inverse" if lower_is_better else "normal",
        delta_arrow="off" if same else "auto",
        help=help_text,
        border=True,
    )


def overview(now: Kpis, before: Kpis, rivals: Sequence[str]) -> None:
    """The Overview's tiles, each against the previous period, each with its formula in the help."""
    compared = before.mentions > 0
    row = st.columns(4)
    tile(
        row[0],
        "Mentions",
        f"{now.mentions:,}",
        count_change(now.mentions, before.mentions if compared else None),
        "Posts and comments about the brand in the range (not its own posts).",
    )
    tile(
        row[1],
        "Engagements",
        f"{now.engagements:,}",
        count_change(now.engagements, before.engagements if compared else None),
        FORMULAS["engagements"],
    )
    per = f"Engagement rate (per {now.rate_denominator[:-1]})" if now.rate_denominator else "Engagement rate"
    coverage = f" Computed on {now.rate_coverage:.0%} of the engagements." if now.rate_coverage is not None else ""
    same_rule = now.rate_denominator == before.rate_denominator
    tile(
        row[2],
        per,
        percent(now.engagement_rate, 2),
        points_change(now.engagement_rate, before.engagement_rate, digits=2) if same_rule else None,
        FORMULAS["engagement_rate"] + "." + coverage,
    )
    tile(
        row[3],
        "Net sentiment",
        "n/a" if now.net_sentiment is None else f"{now.net_sentiment:+.2f}",
        score_change(now.net_sentiment, before.net_sentiment),
        FORMULAS["net_sentiment"] + " (-1..+1).",
    )
    row = st.columns(4)
    tile(
        row[0],
        "Share of voice",
        percent(now.share_of_voice),
        points_change(now.share_of_voice, before.share_of_voice),
        FORMULAS["share_of_voice"] + ", over the whole range. Competitors: " + (", ".join(rivals) or "none") + ".",
    )
    tile(
        row[1],
        "Open flagged",
        f"{now.open_flagged:,}",
        count_change(now.open_flagged, before.open_flagged if compared else None),
        "Mentions in the range that need a reply, have none yet and are neither replied nor dismissed. "
        "Needs a reply: " + FORMULAS["needs_reply"],
        lower_is_better=True,
    )
    median = now.median_first_response_min
    if now.business_time:
        calendar = now.median_first_response_calendar_min
        tile(
            row[2],
            "Median first response",
            "n/a" if median is None else business_duration(median / 60),
            business_minutes_change(median, before.median_first_response_min if before.business_time else None),
            FORMULAS["first_response_business_time"]
            + ". Business time: "
            + FORMULAS["business_time"]
            + ". In calendar time: "
            + ("n/a" if calendar is None else duration_hours(calendar / 60))
            + ". Dismissed mentions are left out.",
            lower_is_better=True,
        )
    else:
        tile(
            row[2],
            "Median first response",
            "n/a" if median is None else duration_hours(median / 60),
            minutes_change(median, before.median_first_response_min),
            FORMULAS["first_response_time"] + ". Dismissed mentions are left out.",
            lower_is_better=True,
        )
    tile(
        row[3],
        "Response rate",
        percent(now.response_rate, 0),
        points_change(now.response_rate, before.response_rate),
        FORMULAS["response_rate"]
        + f". SLA breach rate: {percent(now.sla_breach_rate, 0)} ("
        + FORMULAS["sla_breach_rate"]
        + ")."
        + (" SLA clock: business hours." if now.business_time else ""),
    )
    row = st.columns(4)
    counts = (
        f" Of {now.answered:,} answered conversations: {now.resolved:,} resolved, {now.unresolved:,} unresolved, "
        f"{now.no_follow_up:,} with no follow-up, {now.pending:,} pending."
    )
    tile(
        row[0],
        "Resolved after reply",
        percent(now.resolution_rate, 0),
        points_change(now.resolution_rate, before.resolution_rate),
        "Resolution rate = "
        + FORMULAS["resolution_rate"]
        + "."
        + counts
        + " Outcome: "
        + FORMULAS["resolution_outcome"]
        + ".",
    )
    tile(
        row[1],
        "Sentiment shift after reply",
        "n/a" if now.mean_sentiment_shift is None else f"{now.mean_sentiment_shift:+.2f}",
        score_change(now.mean_sentiment_shift, before.mean_sentiment_shift),
        "Mean sentiment shift: " + FORMULAS["sentiment_shift"] + ".",
    )
