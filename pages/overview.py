"""Overview: KPI tiles against the previous period; volume, engagement and sentiment over time by platform."""

from __future__ import annotations

import streamlit as st

from analysis.formulas import FORMULAS
from ui import charts, context, filters, metrics, tiles, views
from ui.text import duration_hours, escape_markdown

ctx = context.load()
selected = filters.current()
versions = context.versions(ctx)
brand = selected.brands[0]
rivals = tuple(context.rivals(ctx.config, brand))
minute = context.now_minute()

st.title(f"Overview: {escape_markdown(brand)}")
st.caption(
    f"{selected.start:%d %b %Y} to {selected.end:%d %b %Y} (UTC) · "
    f"{escape_markdown(', '.join(selected.platforms) or 'all platforms')} · changes are against the "
    f"{(selected.end - selected.start).days + 1} days before · the brand's own posts are not counted"
)

now, before = metrics.kpis(ctx.url, versions, selected, rivals, minute, ctx)
if now.mentions == 0:
    st.info(
        "No mentions in this range. Widen the dates or platforms in the sidebar, or run "
        "`python cli.py collect` to fetch new ones.",
        icon=":material/search_off:",
    )
    st.stop()
compared = before.mentions > 0

row = st.columns(4)
tiles.tile(row[0], "Mentions", f"{now.mentions:,}", tiles.count_change(now.mentions, before.mentions if compared else None),
           "Posts and comments about the brand in the range (not its own posts).")
tiles.tile(row[1], "Engagements", f"{now.engagements:,}",
           tiles.count_change(now.engagements, before.engagements if compared else None), FORMULAS["engagements"])
rate_label = f"Engagement rate (per {now.rate_denominator[:-1]})" if now.rate_denominator else "Engagement rate"
coverage = f" Computed on {now.rate_coverage:.0%} of the engagements." if now.rate_coverage is not None else ""
tiles.tile(row[2], rate_label, tiles.percent(now.engagement_rate, 2),
           tiles.points_change(now.engagement_rate, before.engagement_rate)
           if now.rate_denominator == before.rate_denominator else None,
           FORMULAS["engagement_rate"] + coverage)
tiles.tile(row[3], "Net sentiment", "n/a" if now.net_sentiment is None else f"{now.net_sentiment:+.2f}",
           tiles.score_change(now.net_sentiment, before.net_sentiment), FORMULAS["net_sentiment"] + " (-1..+1).")
row = st.columns(4)
tiles.tile(row[0], "Share of voice", tiles.percent(now.share_of_voice),
           tiles.points_change(now.share_of_voice, before.share_of_voice),
           FORMULAS["share_of_voice"] + ", over the whole range. Competitors: "
           + (", ".join(rivals) or "none configured") + ".")
tiles.tile(row[1], "Open flagged", f"{now.open_flagged:,}",
           tiles.count_change(now.open_flagged, before.open_flagged if compared else None),
           "Mentions in the range that need a reply, have none yet and are neither replied nor dismissed. "
           "Needs a reply: " + FORMULAS["needs_reply"], lower_is_better=True)
tiles.tile(row[2], "Median first response",
           "n/a" if now.median_first_response_min is None else duration_hours(now.median_first_response_min / 60),
           tiles.minutes_change(now.median_first_response_min, before.median_first_response_min),
           FORMULAS["first_response_time"] + ". Dismissed mentions are left out.", lower_is_better=True)
tiles.tile(row[3], "Response rate", tiles.percent(now.response_rate, 0),
           tiles.points_change(now.response_rate, before.response_rate),
           FORMULAS["response_rate"] + f". SLA breach rate: {tiles.percent(now.sla_breach_rate, 0)} ("
           + FORMULAS["sla_breach_rate"] + ").")

period = charts.period_for(selected.start, selected.end)
section = views.overview_charts(ctx.url, versions[0], selected, period, ctx)
if section.figures:
    volume, engaged, mood = section.figures
    charts.show(volume)
    left, right = st.columns(2)
    with left:
        charts.show(engaged)
    with right:
        charts.show(mood)
    st.caption(section.note)
