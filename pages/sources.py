"""Sources: each configured source with its state, last and next run, fetched and new counts, last error.
Never a secret: states name missing credentials, never their values."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pipeline.scheduler import BACKOFF_CAP_SECONDS, RELOAD_SECONDS
from pipeline.streams import live_arguments, live_status
from ui import context, filters, tables
from ui.text import duration_hours, escape_markdown, plain

ctx = context.load()
filters.current()

st.title("Sources")
st.caption(
    "What collects mentions, and how it went. `.venv/bin/python cli.py run` (or `cli.py schedule`) runs every "
    "enabled source at its interval; `.venv/bin/python cli.py collect` runs them once. Credentials come from the "
    "environment, .env or .streamlit/secrets.toml and are never shown."
)
if ctx.config_problem:
    st.warning(
        "monitor.toml changed but has a problem, so the dashboard keeps the config it loaded before:\n\n"
        f"```\n{ctx.config_problem}\n```",
        icon=":material/warning:",
    )
running = context.scheduler_config(ctx)
if running and running.get("problem"):
    loaded = pd.Timestamp(running["loaded_at"]).strftime("%Y-%m-%d %H:%M UTC")
    st.warning(
        f"monitor.toml changed but has a problem, so the scheduler keeps running the config it loaded at {loaded} "
        f"until the file is fixed (it looks again every {RELOAD_SECONDS} s):\n\n```\n{running['problem']}\n```",
        icon=":material/warning:",
    )
elif running and set(running.get("sources") or []) != {s.name for s in ctx.config.sources}:
    st.info(
        f"The scheduler's config lists other sources than this page's: a running scheduler reloads monitor.toml "
        f"within {RELOAD_SECONDS} s of a change. If this stays, no scheduler is running: start one with "
        "`.venv/bin/python cli.py run` or `.venv/bin/python cli.py schedule`.",
        icon=":material/sync:",
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
    help="The next run is more than an interval late: is `.venv/bin/python cli.py run` (or `cli.py schedule`) running?",
)


def next_run_note(row: pd.Series) -> str:
    """Why the next run is when it is: the interval, or a back-off after failed runs in a row."""
    if not row["enabled"]:
        return "disabled"
    if pd.isna(row["last_started_at"]):
        return "first run when a scheduler loads this source"
    failures = int(row["failures_in_row"] or 0)
    every = duration_hours(row["every_seconds"] / 3600)
    if failures <= 0:
        return f"every {every}"
    wait = (row["next_run_at"] - row["last_started_at"]).total_seconds()
    runs = "run" if failures == 1 else "runs"
    return (
        f"backing off after {failures} failed or skipped {runs} in a row: waits {duration_hours(wait / 3600)} "
        f"instead of {every} (doubling per failure, at most {duration_hours(BACKOFF_CAP_SECONDS / 3600)})"
    )


view = status.assign(
    platform=status["platform"].map(tables.platform_name),
    brand=tables.text_cells(status["brand"]),
    state=tables.text_cells(status["state"]),
    last_status=status["last_status"].fillna("never ran"),
    every=(status["every_seconds"] / 60).round(1),
    why=status.apply(next_run_note, axis=1),
    last_error=tables.text_cells(status["last_error"]),
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
        "why",
        "overdue",
        "last_error",
    ],
]
st.dataframe(
    view,
    hide_index=True,
    placeholder=tables.MISSING,
    key="sources_table",
    width="stretch",
    row_height=tables.WRAP_ROW_HEIGHT,  # long states and errors wrap; a click on a cell shows it in full
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
        "why": st.column_config.TextColumn("Next run because", width="medium"),
        "overdue": st.column_config.CheckboxColumn("Overdue"),
        "last_error": st.column_config.TextColumn("Last error", width="large", help="Click a cell to read it all"),
    },
)
backing = status[status["failures_in_row"] > 0]
for _, row in backing.iterrows():
    st.caption(f"{escape_markdown(plain(row['source'], 128))}: {escape_markdown(next_run_note(row))}.")
never = status[status["last_started_at"].isna() & status["enabled"]]
if len(never):
    st.caption(
        f"{len(never)} source(s) never ran yet: a running scheduler starts a new source within {RELOAD_SECONDS} s "
        "of loading the config (it reloads monitor.toml when the file changes); with no scheduler running, start "
        "one with `.venv/bin/python cli.py run`."
    )

# --- live streams and the X read budget (pipeline/streams.py, collectors/x.py) ----------------------
live = context.read(ctx.engine, live_status, context.versions(ctx), *live_arguments(ctx.config))
streamed = live[live["stream"].notna()]
if len(streamed):
    st.subheader("Live streams")
    st.caption(
        "Streamed by `.venv/bin/python cli.py schedule` (one thread per source, reconnecting by itself). Rates are over "
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
