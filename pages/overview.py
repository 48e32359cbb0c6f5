"""Overview: KPI tiles against the previous period; volume, engagement and sentiment over time by platform;
average rating and CSAT by app where reviews are rated."""

from __future__ import annotations

import streamlit as st

from ui import auth, charts, context, filters, metrics, tiles, views
from ui.text import escape_markdown

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
signed_in = auth.current_account()
context.show_formulas_notice(ctx, signed_in.role if signed_in else None)  # admins: judgements of older formulas

now, before = metrics.kpis(
    ctx.engine,
    versions,
    selected,
    rivals,
    context.sla_hours(ctx.config),
    minute,
    context.business_hours(ctx.config),
    tuple(ctx.config.brands),
)
if now.mentions == 0:
    st.info(
        "No mentions in this range. Widen the dates or platforms in the sidebar, or run "
        "`.venv/bin/python cli.py collect` to fetch new ones.",
        icon=":material/search_off:",
    )
    st.stop()
tiles.overview(now, before, rivals)

period = charts.period_for(selected.start, selected.end)
section = views.overview_charts(ctx.engine, versions[0], selected, period)
if section.figures:
    volume, engaged, mood = section.figures
    charts.show(volume)
    left, right = st.columns(2)
    with left:
        charts.show(engaged)
    with right:
        charts.show(mood)
    st.caption(section.note, help=section.help)

# --- reviews and ratings (issue 18): shown only when the range has rated reviews
rated = views.satisfaction_charts(ctx.engine, versions[0], selected, period)
if rated.figures:
    st.subheader("Ratings")
    average, csat = rated.figures
    left, right = st.columns(2)
    with left:
        charts.show(average)
    with right:
        charts.show(csat)
    st.caption(rated.note, help=rated.help)
