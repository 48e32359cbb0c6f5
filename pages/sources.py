"""Sources: each configured source with its state, last and next run, fetched and new counts, last error.
Never a secret: states name missing credentials, never their values."""

from __future__ import annotations

import streamlit as st

from pipeline.streams import live_arguments, live_status
from ui import context, filters, tables

ctx = context.load()
filters.current()

st.title("Sources")
st.caption(
    "What collects mentions, and how it went. `python cli.py schedule` runs every enabled source at its "
    "interval; `python cli.py collect` runs them once. Credentials come from the environment, .env or "
    ".streamlit/secrets.toml and are never shown."
)

status = context.sources(ctx)
if status.empty:
    st.info(
        "No sources configured. Add [[sources]] to monitor.toml (see monitor.example.toml): the dashboard "
        "shows demo data until then.",
        icon=":material/sensors_off:",
    )
    st.stop()

counts = status["state"].map(lambda s: "ready" if s == "ready" else s.split(" ")[0]).value_counts()
tiles = st.columns(4)
tiles[0].metric("Sources", f"{len(status):,}", border=True)
tiles[1].metric("Ready", f"{int(counts.get('ready', 0)):,}", border=True)
tiles[2].metric(
    "Need attention",
    f"{int(len(status) - counts.get('ready', 0) - counts.get('disabled', 0)):,}",
    border=True,
    help="Missing credentials, failing, or no collector for the platform yet.",
)
overdue = int(status["overdue"].sum())
tiles[3].metric(
    "Overdue",
    f"{overdue:,}",
    border=True,
    help="The next run is more than an interval late: is `python cli.py schedule` running?",
)

view = status.assign(
    platform=status["platform"].map(tables.platform_name),
    last_status=status["last_status"].fillna("never ran"),
    every=(status["every_seconds"] / 60).round(1),
).loc[
    :,
    [
        "source",
        "platform",
        "brand",
        "state",
        "every",
        "last_started_at",
        "last_status",
        "last_fetched",
        "last_new",
        "next_run_at",
        "overdue",
        "last_error",
    ],
]
st.dataframe(
    view,
    hide_index=True,
    key="sources_table",
    width="stretch",
    column_config={
        "source": st.column_config.TextColumn("Source"),
        "platform": st.column_config.TextColumn("Platform"),
        "brand": st.column_config.TextColumn("Brand"),
        "state": st.column_config.TextColumn("State", width="medium"),
        "every": st.column_config.NumberColumn("Every (min)", format="%.1f"),
        "last_started_at": st.column_config.DatetimeColumn("Last run (UTC)", format="YYYY-MM-DD HH:mm:ss"),
        "last_status": st.column_config.TextColumn("Last result"),
        "last_fetched": st.column_config.NumberColumn("Fetched", format="localized"),
        "last_new": st.column_config.NumberColumn("New", format="localized"),
        "next_run_at": st.column_config.DatetimeColumn("Next run (UTC)", format="YYYY-MM-DD HH:mm:ss"),
        "overdue": st.column_config.CheckboxColumn("Overdue"),
        "last_error": st.column_config.TextColumn("Last error", width="large"),
    },
)
never = status[status["last_started_at"].isna()]
if len(never):
    st.caption(f"{len(never)} source(s) never ran yet: their next run is when a scheduler starts.")

# --- live streams and the X read budget (pipeline/streams.py, collectors/x.py) ----------------------
live = context.read(ctx.engine, live_status, context.versions(ctx), *live_arguments(ctx.config))
streamed = live[live["stream"].notna()]
if len(streamed):
    st.subheader("Live streams")
    st.caption(
        "Streamed by `python cli.py schedule` (one thread per source, reconnecting by itself). Rates are over "
        "the last batch; lag is how far the newest event saved is behind now."
    )
    st.dataframe(
        streamed.drop(columns=["reads_this_month", "read_budget", "estimated_spend"]),
        hide_index=True,
        width="stretch",
        column_config={
            "source": st.column_config.TextColumn("Source"),
            "stream": st.column_config.TextColumn("Stream"),
            "stream_status": st.column_config.TextColumn("State"),
            "connected_since": st.column_config.DatetimeColumn("Connected since (UTC)", format="YYYY-MM-DD HH:mm:ss"),
            "events_per_min": st.column_config.NumberColumn("Events / min", format="%.0f"),
            "kept_per_min": st.column_config.NumberColumn("Kept / min", format="%.1f"),
            "lag_seconds": st.column_config.NumberColumn("Lag (s)", format="%.1f"),
            "stream_error": st.column_config.TextColumn("Last error", width="large"),
        },
    )
budgeted = live[live["read_budget"].notna()]
if len(budgeted):
    st.subheader("X read budget (this calendar month, UTC)")
    st.caption(
        f"Estimated at ${ctx.config.x.price_per_post:g} a post read (`[x] price_per_post`). A source stops "
        "fetching before a page could pass its `monthly_read_budget` and resumes next month."
    )
    st.dataframe(
        budgeted[["source", "reads_this_month", "read_budget", "estimated_spend"]],
        hide_index=True,
        width="stretch",
        column_config={
            "source": st.column_config.TextColumn("Source"),
            "reads_this_month": st.column_config.NumberColumn("Posts read", format="localized"),
            "read_budget": st.column_config.NumberColumn("Budget", format="localized"),
            "estimated_spend": st.column_config.NumberColumn("Estimated spend ($)", format="%.2f"),
        },
    )
