"""Overview: KPI tiles against the previous period, and mentions over time by platform."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from analysis import trends
from analysis.formulas import FORMULAS
from ui import context, filters

ctx = context.load()
selected = filters.current()
version = context.version(ctx)
brand = selected.brands[0]

st.title(f"Overview: {brand}")
st.caption(f"{selected.start:%d %b %Y} to {selected.end:%d %b %Y} (UTC) · "
           f"{', '.join(selected.platforms) or 'all platforms'} · the brand's own posts are not counted")

now_rows = context.rollups(ctx.url, version, selected, ctx)
before_rows = context.rollups(ctx.url, version, selected.previous(), ctx)

if now_rows.empty:
    st.info("No mentions in this range. Widen the dates or platforms in the sidebar, or run "
            "`python cli.py collect` to fetch new ones.", icon=":material/search_off:")
    st.stop()


def totals(frame):  # type: ignore[no-untyped-def]
    sums = frame[["mentions", "engagements", "positive", "negative"]].sum()
    return {
        "mentions": int(sums["mentions"]),
        "engagements": int(sums["engagements"]),
        "net": trends.net_sentiment(int(sums["positive"]), int(sums["negative"])),
    }


now, before = totals(now_rows), totals(before_rows)
flagged = context.open_flagged(ctx.url, version, selected, ctx)


def delta(key: str) -> str | None:
    if before_rows.empty or before[key] is None or now[key] is None:
        return None
    return f"{now[key] - before[key]:+,}" if key != "net" else f"{now[key] - before[key]:+.2f}"


tiles = st.columns(4)
tiles[0].metric("Mentions", f"{now['mentions']:,}", delta(
    "mentions"), help="Posts and comments about the brand in the range, against the previous period")
tiles[1].metric("Engagements", f"{now['engagements']:,}", delta("engagements"), help=FORMULAS["engagements"])
tiles[2].metric("Net sentiment", "n/a" if now["net"] is None else f"{now['net']:+.2f}", delta("net"),
                help=FORMULAS["net_sentiment"])
tiles[3].metric("Open flagged", f"{flagged:,}", help="Mentions that need a reply and have none yet: "
                + FORMULAS["needs_reply"])

daily = trends.volume(now_rows, freq="D", by="platform")
figure = px.line(daily, x="period", y="mentions", color="platform", markers=False,
                 title="Mentions per day by platform (UTC)", labels={"period": "Day", "mentions": "Mentions"})
figure.update_layout(legend_title_text="Platform", hovermode="x unified", margin={"t": 60})
st.plotly_chart(figure, use_container_width=True)
