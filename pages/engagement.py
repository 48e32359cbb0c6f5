"""Engagement: top posts and authors, engagement by platform and kind, and when people post (hour of week)."""

from __future__ import annotations

import streamlit as st

from analysis.formulas import FORMULAS
from ui import charts, context, filters, tables, views
from ui.text import escape_markdown

TOP = 10
POST_ORDERS = {"engagements": "Engagements", "views": "Views", "followers": "Author followers (reach)"}
AUTHOR_ORDERS = {"engagements": "Engagements on their mentions", "followers": "Followers (reach)"}

ctx = context.load()
selected = filters.current()
data_version = context.versions(ctx)[0]
brand = selected.brands[0]

st.title(f"Engagement: {escape_markdown(brand)}")
st.caption(
    f"{selected.start:%d %b %Y} to {selected.end:%d %b %Y} (UTC) · "
    f"{escape_markdown(', '.join(selected.platforms) or 'all platforms')} · mentions by others, not the brand's "
    f"own posts · engagements = {FORMULAS['engagements']}"
)

mix = views.engagement_mix(ctx.engine, data_version, selected)
if not mix.figures:
    st.info("No mentions in this range. Widen the dates or platforms in the sidebar.", icon=":material/search_off:")
    st.stop()

posts_tab, authors_tab = st.tabs(["Top posts", "Top authors"])
with posts_tab:
    order = (
        st.segmented_control(
            "Rank posts by",
            list(POST_ORDERS),
            default="engagements",
            key="engagement_post_order",
            format_func=POST_ORDERS.__getitem__,
        )
        or "engagements"
    )
    posts = views.top_posts(ctx.engine, data_version, selected, order, TOP)
    if posts.table is None:
        st.info("No post in this range reports that number.", icon=":material/search_off:")
    else:
        tables.show_posts(posts.table, key="top_posts")
with authors_tab:
    order = (
        st.segmented_control(
            "Rank authors by",
            list(AUTHOR_ORDERS),
            default="engagements",
            key="engagement_author_order",
            format_func=AUTHOR_ORDERS.__getitem__,
        )
        or "engagements"
    )
    authors = views.top_authors(ctx.engine, data_version, selected, order, TOP)
    if authors.table is None:
        st.info("No authors in this range.", icon=":material/search_off:")
    else:
        tables.show_authors(authors.table, key="top_authors")

if len(mix.figures) == 1:  # no rate to chart: say why instead of an empty -100%..100% frame
    left, right = st.columns(2)
    with left:
        charts.show(mix.figures[0])
    with right:
        st.info(
            "No engagement rate to chart: no mention in this range reports views or author followers.",
            icon=":material/percent:",
        )
else:
    for column, figure in zip(st.columns(len(mix.figures)), mix.figures, strict=True):
        with column:
            charts.show(figure)
st.caption(mix.note, help=mix.help)

value = (
    st.segmented_control(
        "Heatmap of",
        ["mentions", "engagements"],
        default="mentions",
        key="engagement_heatmap_value",
        format_func=str.capitalize,
    )
    or "mentions"
)
heat = views.heatmap(ctx.engine, data_version, selected, value)
charts.show(heat.figures[0])
st.caption(heat.note)
