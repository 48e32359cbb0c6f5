"""Ready-to-draw page sections (figures and display tables), built once per (database, data
version, filters, choice) and shared by every session.

st.cache_resource hands back the very same objects without copying them, so a warm rerun
spends its time drawing, not rebuilding or unpickling figures. Callers treat what they get
as read-only. Entries are few and small (bounded point counts) and expire after an hour.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine

from analysis import resolution, satisfaction
from analysis.formulas import FORMULAS
from analysis.periods import Period
from config import Brand
from platforms import label
from store import reader
from store.reader import Filters
from ui import charts, metrics, tables
from ui.context import HASH_FUNCS
from ui.context import read as context_read
from ui.text import escape_markdown

#: one cache policy for every section below.
_cached = st.cache_resource(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
#: below this median of scored mentions per platform and period, net sentiment is drawn per week.
SPARSE_SCORED = 15


@dataclass(frozen=True)
class Section:
    """Figures and tables for one part of a page, with the note to print under them."""

    figures: tuple[go.Figure, ...] = ()
    table: pd.DataFrame | None = None
    note: str = ""
    #: the exact rule behind the note, for its help icon.
    help: str | None = None


def _spike_marks(spikes: pd.DataFrame) -> pd.DataFrame | None:
    if spikes.empty:
        return None
    text = [
        f"spike: {v:,.0f} mentions vs baseline {b:,.0f} (+{z:.1f} σ)" if pd.notna(z) else f"spike: {v:,.0f} mentions"
        for v, b, z in zip(spikes["value"], spikes["baseline"], spikes["z"], strict=True)
    ]
    return pd.DataFrame({"x": spikes["period"], "y": spikes["value"], "text": text})


@_cached
def overview_charts(engine: Engine, data_version: int, filters: Filters, period: Period) -> Section:
    """Mentions (stacked by platform, spikes marked), engagements and net sentiment per period by platform."""
    series = metrics.over_time(engine, data_version, filters, period)
    by_platform, total = series["by_platform"], series["total"]
    if by_platform.empty:
        return Section()
    word, x_title = charts.period_label(period), charts.x_title(period)
    spikes = series["volume_spikes"]
    volume = charts.stacked_areas(
        by_platform,
        x="period",
        y="mentions",
        group="platform",
        title=f"Mentions per {word} by platform (UTC)",
        x_title=x_title,
        y_title="Mentions",
        palette=charts.PLATFORM_COLOURS,
        marks=_spike_marks(spikes),
        period=period,
    )
    engaged = charts.stacked_areas(  # stacked: seven crossing lines were unreadable
        by_platform,
        x="period",
        y="engagements",
        group="platform",
        title=f"Engagements per {word} by platform",
        x_title=x_title,
        y_title="Engagements",
        palette=charts.PLATFORM_COLOURS,
        period=period,
    )
    negative = series["negative_spikes"]
    mood_period, mood_rows = period, by_platform
    scored = (by_platform["positive"] + by_platform["negative"]).median()
    if period != "week" and scored < SPARSE_SCORED:
        # a handful of scored mentions per platform and day swings net sentiment from -1 to +1: use weeks
        mood_period = "week"
        mood_rows = metrics.over_time(engine, data_version, filters, "week")["by_platform"]
    marks = None
    if len(negative) and mood_period == period:
        net = total.set_index("period")["net_sentiment"].reindex(negative["period"]).fillna(0)
        marks = pd.DataFrame(
            {
                "x": negative["period"],
                "y": net.to_numpy(),
                "text": [
                    f"negative share spike: {v:.0%} (baseline {b:.0%})"
                    for v, b in zip(negative["value"], negative["baseline"], strict=True)
                ],
            }
        )
    mood_word = charts.period_label(mood_period)
    mood = charts.lines(
        mood_rows,
        x="period",
        y="net_sentiment",
        group="platform",
        title=f"Net sentiment per {mood_word} by platform (-1..+1)",
        x_title=charts.x_title(mood_period),
        y_title="Net sentiment",
        palette=charts.PLATFORM_COLOURS,
        y_format="+.2f",
        marks=marks,
        mark_label="negative share spike",
        period=mood_period,
    )
    words = (
        f"a spike is a {word} with far more mentions than usual: more than the average of the "
        f"{metrics.SPIKE_WINDOW} {word}s before it plus {metrics.SPIKE_K:g} times their usual spread"
    )
    rule = f"Spike: {FORMULAS['spike']}; here k = {metrics.SPIKE_K:g} and window = {metrics.SPIKE_WINDOW} {word}s."
    if len(spikes):
        days = ", ".join(f"{p:%d %b}" for p in spikes["period"])
        note = f"▲ Volume spikes: {days} ({words})."
    else:
        note = f"No volume spike in this range ({words})."
    if len(negative):
        days = ", ".join(f"{p:%d %b}" for p in negative["period"])
        note += f" The share of negative mentions spiked on {days} (the same rule)."
    return Section(figures=(volume, engaged, mood), note=note, help=escape_markdown(rule))


@_cached
def engagement_mix(engine: Engine, data_version: int, filters: Filters) -> Section:
    """Engagements by platform and kind, and the engagement rate by platform."""
    mix = metrics.by_platform_kind(engine, data_version, filters)
    if mix.empty:
        return Section()
    rates = metrics.by_platform(engine, data_version, filters)
    by_kind = charts.bars(
        mix,
        x="platform",
        y="engagements",
        group="kind",
        title="Engagements by platform and kind",
        x_title="Platform",
        y_title="Engagements (range total)",
    )
    known = rates[rates["engagement_rate"].notna()]
    figures = [by_kind]
    for denominator, per in (("views", "view"), ("followers", "follower")):
        rows = known[known["rate_denominator"] == denominator]
        if len(rows):  # one chart per denominator: a rate per view and one per follower are not comparable
            figures.append(
                charts.bars(
                    rows,
                    x="platform",
                    y="engagement_rate",
                    group="platform",
                    title=f"Engagement rate per {per} by platform (%)",
                    x_title="Platform",
                    y_title=f"Engagements per {per}",
                    palette=charts.PLATFORM_COLOURS,
                    y_format=".2%",
                    stacked=False,
                )
            )
    unknown = sorted(set(rates["platform"]) - set(known["platform"]))
    if known.empty:
        missing = "No engagement rate: no mention in this range reports views or author followers."
    elif unknown:
        missing = f"No rate for {', '.join(unknown)}: neither views nor followers reported."
    else:
        missing = ""
    note = (
        "Engagement rate: engagements divided by views where a platform reports views, else by the author's followers."
    )
    return Section(
        figures=tuple(figures),
        note=f"{note} {missing}".strip(),
        help=escape_markdown(FORMULAS["engagement_rate"] + "."),
    )


@_cached
def heatmap(engine: Engine, data_version: int, filters: Filters, value: str) -> Section:
    table = metrics.hour_of_week(engine, data_version, filters, value)
    figure = charts.heatmap(
        table,
        title=f"{value.capitalize()} by hour of the week (UTC, summed over the range)",
        value_title=value.capitalize(),
    )
    busiest = table.stack().idxmax() if table.to_numpy().sum() > 0 else None
    note = ""
    if busiest is not None:
        note = f"Busiest hour: {charts.WEEKDAYS[busiest[0]]} {busiest[1]:02d}:00 UTC."
    return Section(figures=(figure,), note=note)


@_cached
def top_posts(engine: Engine, data_version: int, filters: Filters, by: str, limit: int) -> Section:
    posts = metrics.top_posts(engine, data_version, filters, by, limit)
    return Section(table=tables.post_view(posts) if len(posts) else None)


@_cached
def top_authors(engine: Engine, data_version: int, filters: Filters, by: str, limit: int) -> Section:
    authors = metrics.top_authors(engine, data_version, filters, by, limit)
    return Section(table=tables.author_view(authors) if len(authors) else None)


@_cached
def sentiment_charts(
    engine: Engine, data_version: int, filters: Filters, rivals: tuple[str, ...], period: Period
) -> Section:
    """Mentions per period by sentiment label, and net sentiment of the brand against its competitors."""
    total = metrics.total_over_time(engine, data_version, filters, period)
    if total.empty or int(total["mentions"].sum()) == 0:
        return Section()
    word, x_title = charts.period_label(period), charts.x_title(period)
    labels = ["positive", "neutral", "negative", "unscored"]
    mix = total[["period", *labels]].melt(id_vars="period", var_name="label", value_name="count")
    mix["label"] = pd.Categorical(mix["label"], categories=labels, ordered=True)
    stacked = charts.bars(
        mix,
        x="period",
        y="count",
        group="label",
        title=f"Mentions per {word} by sentiment label",
        x_title=x_title,
        y_title="Mentions",
        palette=charts.SENTIMENT_COLOURS,
        period=period,
    )
    figures = [stacked]
    compared = metrics.by_brand(engine, data_version, filters, rivals, period)
    if len(compared):
        figures.append(
            charts.lines(
                compared,
                x="period",
                y="net_sentiment",
                group="brand",
                title=f"Net sentiment per {word}: {filters.brands[0]} vs competitors (-1..+1)",
                x_title=x_title,
                y_title="Net sentiment",
                y_format="+.2f",
                period=period,
            )
        )
    note = f"Net sentiment = {FORMULAS['net_sentiment']}. Competitors: {', '.join(rivals) or 'none configured'}."
    return Section(figures=tuple(figures), note=note)


@_cached
def extremes(
    engine: Engine,
    data_version: int,
    filters: Filters,
    label: str,
    limit: int,
    words: tuple[str, ...],
    sample: int,
) -> tuple[Section, Section]:
    """The most negative or positive posts, and the terms used most in the newest `sample` posts of that label."""
    posts = metrics.extreme_posts(engine, data_version, filters, label, limit)
    terms, read = metrics.driving_terms(engine, data_version, filters, label, words, sample)
    note = f"Counted in the newest {read:,} {label} mentions of the range; brand and competitor names left out."
    return (
        Section(table=tables.post_view(posts) if len(posts) else None),
        Section(table=terms if len(terms) else None, note=note),
    )


# --- reviews and ratings (issue 18) -----------------------------------------------------------
#: below this median of rated reviews per app and day, the rating charts are drawn per week.
SPARSE_RATED = 5


@_cached
def satisfaction_charts(engine: Engine, data_version: int, filters: Filters, period: Period) -> Section:
    """Average rating and CSAT per period by app (platform: source); empty when nothing is rated.

    Hour periods are charted by day, and days by ISO week when few reviews a day come in.
    """
    counts = context_read(engine, reader.satisfaction, data_version, filters)
    if counts.empty:
        return Section()
    chosen: Period = "day" if period == "hour" else period
    rows = satisfaction.summarize(counts, chosen)
    if chosen == "day" and rows["rated"].median() < SPARSE_RATED:
        chosen = "week"
        rows = satisfaction.summarize(counts, chosen)
    rows["app"] = [satisfaction.app_label(label(p), a) for p, a in zip(rows["platform"], rows["app"], strict=True)]
    word, x_title = charts.period_label(chosen), charts.x_title(chosen)
    average = charts.lines(
        rows,
        x="period",
        y="avg_rating",
        group="app",
        title=f"Average rating per {word} by app (1-5 stars)",
        x_title=x_title,
        y_title="Average rating",
        y_format=".2f",
        period=chosen,
    )
    average.layout.yaxis.range = [0.9, 5.1]
    csat = charts.lines(
        rows,
        x="period",
        y="csat",
        group="app",
        title=f"CSAT per {word} by app (share of 4-5 star reviews)",
        x_title=x_title,
        y_title="CSAT",
        y_format=".0%",
        period=chosen,
    )
    csat.layout.yaxis.range = [0, 1.02]
    rated, total = int(rows["rated"].sum()), int(rows["rating_sum"].sum())
    happy = int(rows["satisfied"].sum())
    note = (
        f"{rated:,} rated reviews in this range: average {total / rated:.2f} stars, CSAT {happy / rated:.0%} "
        f"({happy:,} rated 4 or 5)."
    )
    rule = f"Average rating: {FORMULAS['avg_rating']}. CSAT: {FORMULAS['csat']}."
    return Section(figures=(average, csat), note=note, help=escape_markdown(rule))


#: outcome -> colour on the Responses charts.
OUTCOME_COLOURS = {
    "resolved": "#2e9d5b",
    "unresolved": "#d62728",
    "no follow-up": "#9ca3af",
    "pending": "#d4d4d8",
}
#: the Responses table's columns, as shown.
RESPONDER_COLUMNS = {
    "responded_by": "Responder",
    "answered": "Answered",
    "resolved": "Resolved",
    "unresolved": "Unresolved",
    "no_follow_up": "No follow-up",
    "pending": "Pending",
    "resolution_rate": "Resolution rate",
    "mean_sentiment_shift": "Mean sentiment shift",
}


def _outcome_counts(stats: pd.DataFrame, key: str) -> pd.DataFrame:
    """resolution_stats rows -> one row per key and outcome (ordered), for stacked bars."""
    names = list(resolution.OUTCOMES)
    long = stats[[key, *names]].melt(id_vars=key, var_name="outcome", value_name="conversations")
    labels = [resolution.LABELS[n] for n in names]
    long["outcome"] = pd.Categorical(long["outcome"].map(resolution.LABELS), categories=labels, ordered=True)
    return long


def _outcome_bars(stats: pd.DataFrame, key: str, title: str, x_title: str, period: Period | None = None) -> go.Figure:
    """Answered conversations per `key` value, stacked by outcome."""
    return charts.bars(
        _outcome_counts(stats, key),
        x=key,
        y="conversations",
        group="outcome",
        title=title,
        x_title=x_title,
        y_title="Conversations",
        palette=OUTCOME_COLOURS,
        period=period,
    )


@_cached
def responses(
    engine: Engine,
    versions: tuple[int, int],
    filters: Filters,
    brands: tuple[Brand, ...],
    minute: str,
    period: Period,
) -> Section:
    """What became of the conversations the brand answered: outcomes per period, by platform and by
    responder (figures), and the responders' figures (table). Empty when nothing was answered."""
    judged = metrics.judged(engine, versions, filters, brands, minute)
    # the same judged frame (a collection that changed none of the range's conversations, in the same
    # minute or one that closed no window) gives the same section: taken, not built again
    return metrics.same_input("views.responses", (judged,), (period,), lambda: _responses(judged, period))


def _responses(judged: pd.DataFrame, period: Period) -> Section:
    if judged.empty:
        return Section()
    judged = judged.assign(responded_by=judged["responded_by"].fillna("unknown"))
    word, x_title = charts.period_label(period), charts.x_title(period)
    over_time = _outcome_bars(
        resolution.resolution_stats(judged, period=period),
        "period",
        f"Answered conversations per {word} by outcome",
        x_title,
        period,
    )
    platforms = _outcome_bars(
        resolution.resolution_stats(judged, by=("platform",)), "platform", "Outcomes by platform", "Platform"
    )
    people = resolution.resolution_stats(judged, by=("responded_by",))
    responders = _outcome_bars(people, "responded_by", "Outcomes by responder", "Responder")
    table = people.sort_values(["answered", "responded_by"], ascending=[False, True])[list(RESPONDER_COLUMNS)]
    note = (
        f"By the day the answered mention was posted. Outcome: {FORMULAS['resolution_outcome']}. "
        f"Resolution rate = {FORMULAS['resolution_rate']}. Sentiment shift = {FORMULAS['sentiment_shift']}."
    )
    return Section(figures=(over_time, platforms, responders), table=table.rename(columns=RESPONDER_COLUMNS), note=note)
