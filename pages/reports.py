"""Reports: pick an ISO week, preview its summary (built here from the frames `cli.py export` writes,
pipeline.export.preview), download mentions.csv, summary.csv, satisfaction.csv and notes.txt: the files
that command writes, built by it when one is downloaded (ui/reports.py)."""

from __future__ import annotations

import shlex
from functools import partial

import streamlit as st

from pipeline.export import brand_slug
from store import reader
from ui import context, filters, reports, tables
from ui.text import escape_markdown

ALL = "All brands"

ctx = context.load()
selection = filters.current()
versions = context.versions(ctx)

st.title("Weekly reports")
st.caption(
    "The files `.venv/bin/python cli.py export` writes, for any ISO week (Monday 00:00 to Monday 00:00 UTC). Text "
    "cells that start with =, +, - or @ get a leading ' so spreadsheets never run them as formulas."
)

weeks = context.read(ctx.engine, reader.iso_weeks, versions[0])
if not weeks:
    st.info(
        "No mentions stored yet, so there is no week to report on. Run `.venv/bin/python cli.py collect` first.",
        icon=":material/inbox:",
    )
    st.stop()

left, right = st.columns(2)
week = left.selectbox(
    "ISO week",
    weeks,
    index=reports.default_week(weeks, reports.now()),
    key="report_week",
    persist_state="session",
    help="Newest first; the current week is still running. Opens on the last full week, as `cli.py export` does.",
)
sidebar_brand = selection.brands[0]
scope = right.selectbox(
    "Brands",
    [sidebar_brand, ALL],  # follows the sidebar's brand; a new sidebar brand resets a stale choice
    key="report_brand",
    help="The sidebar's brand is `cli.py export --brand NAME`; All brands is what `cli.py export` writes by default.",
)
brand = None if scope == ALL else scope

try:
    with st.spinner(f"Building the {week} report..."):
        built = reports.week_files(ctx.url, reports.week_stamp(ctx, versions, week), week, brand, ctx)
except reports.ReportError as exc:
    st.error(f"The report could not be built: {escape_markdown(exc)}", icon=":material/error:")
    st.stop()

flag = f" --brand {shlex.quote(brand)}" if brand else ""
prefix = f"{week}-{brand_slug(brand)}" if brand else week
st.markdown(
    f"**{week}** · {built.mentions:,} mentions · {len(built.summary):,} summary rows (day × platform × "
    f"brand) · previewed at {built.built_at} UTC (status and SLA figures are as of then; a download runs "
    "`cli.py export`, so its files are as of the download)"
)
# one row of buttons as wide as their labels, wrapping onto the next line when the page is narrow (a phone):
# equal columns cut "Download satisfaction.csv" short on a desktop
downloads = st.container(horizontal=True, wrap=True, gap="small")
for name, mime in (
    ("mentions.csv", "text/csv"),
    ("summary.csv", "text/csv"),
    ("satisfaction.csv", "text/csv"),
    ("notes.txt", "text/plain"),
):
    downloads.download_button(
        f"Download {name}",
        partial(reports.file_bytes, ctx, built, name, week, brand),
        file_name=f"{prefix}-{name}",
        mime=mime,
        icon=":material/download:",
        key=f"download_{name.split('.')[0]}",
        on_click="ignore",
        width="content",
    )
st.code(f".venv/bin/python cli.py export --week {week}{flag}", language="bash")
if built.mentions == 0:
    st.info("No mentions in this week: the files hold only their headers.", icon=":material/inbox:")
    st.stop()

st.subheader("Summary")
st.dataframe(
    built.summary, hide_index=True, placeholder=tables.MISSING, key="report_summary", width="stretch", height=360
)
st.subheader(f"mentions.csv: the first {len(built.head)} rows")
st.dataframe(built.head, hide_index=True, placeholder=tables.MISSING, key="report_head", width="stretch")
with st.expander("notes.txt: the formulas behind every number"):
    st.text(built.notes)
