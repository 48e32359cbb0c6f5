"""Sentiment: over time, the brand against its competitors, the most negative and positive posts, and
the terms that drive each."""

from __future__ import annotations

import streamlit as st

from analysis.formulas import FORMULAS
from ui import charts, context, filters, tables, views
from ui.text import escape_markdown

TOP = 8
TERMS_SAMPLE = 2000
TERM_COLUMNS = {
    "count": st.column_config.NumberColumn("Uses", format="localized"),
    "mentions": st.column_config.NumberColumn("Posts", format="localized"),
}

ctx = context.load()
selected = filters.current()
versions = context.versions(ctx)
data_version = versions[0]
brand = selected.brands[0]
rivals = tuple(context.rivals(ctx.config, brand))

st.title(f"Sentiment: {escape_markdown(brand)}")
st.caption(
    f"{selected.start:%d %b %Y} to {selected.end:%d %b %Y} (UTC) · "
    f"{escape_markdown(', '.join(selected.platforms) or 'all platforms')} · mentions by others · "
    f"sentiment: {FORMULAS['sentiment']}"
)

period = charts.period_for(selected.start, selected.end)
overview = views.sentiment_charts(ctx.engine, data_version, selected, rivals, period)
if not overview.figures:
    st.info("No mentions in this range. Widen the dates or platforms in the sidebar.", icon=":material/search_off:")
    st.stop()
for column, figure in zip(st.columns(len(overview.figures)), overview.figures, strict=True):
    with column:
        charts.show(figure)
st.caption(overview.note)

words = tuple(context.brand_words(ctx.config, brand))
for label, title in (("negative", "Most negative"), ("positive", "Most positive")):
    st.subheader(f"{title} posts")
    posts, terms = views.extremes(ctx.engine, data_version, selected, label, TOP, words, TERMS_SAMPLE)
    if posts.table is None:
        st.info(f"No {label} mentions in this range.", icon=":material/search_off:")
        continue
    posts_column, terms_column = st.columns([3, 1])
    with posts_column:
        tables.show_posts(posts.table, key=f"extreme_{label}", order=tables.SENTIMENT_ORDER)
    with terms_column:
        if terms.table is None:
            st.caption("No recurring terms.")
        else:
            config = {"term": st.column_config.TextColumn(f"Terms driving {label}"), **TERM_COLUMNS}
            st.dataframe(
                terms.table,
                hide_index=True,
                placeholder=tables.MISSING,
                key=f"terms_{label}",
                width="stretch",
                column_config=config,
            )
            st.caption(terms.note)

st.subheader("Responses: what became of the conversations the brand answered")
answered = views.responses(ctx.engine, versions, selected, tuple(ctx.config.brands), context.now_minute(), period)
if not answered.figures:
    st.info("The brand answered no mention posted in this range.", icon=":material/search_off:")
else:
    over_time, by_platform, by_responder = answered.figures
    charts.show(over_time)
    left, right = st.columns(2)
    with left:
        charts.show(by_platform)
    with right:
        charts.show(by_responder)
    st.dataframe(
        answered.table,
        hide_index=True,
        placeholder=tables.MISSING,
        key="responders",
        width="stretch",
        column_config={
            "Resolution rate": st.column_config.NumberColumn(format="percent"),
            "Mean sentiment shift": st.column_config.NumberColumn(format="%+.2f"),
        },
    )
    st.caption(answered.note)
