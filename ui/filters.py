"""The sidebar filters (brand, platforms, date range): drawn once in app.py, kept across pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import streamlit as st

from store.reader import Filters
from ui.context import Context, stored_range, version

KEY = "filters"


def sidebar(ctx: Context) -> Filters:
    """Draw the filters and store the selection in session state for the pages."""
    (days, platforms) = stored_range(ctx, version(ctx))
    own = [b.name for b in ctx.config.own_brands()]
    brand_names = own + [b.name for b in ctx.config.brands if b.name not in own]
    st.sidebar.header("Filters")
    brand = st.sidebar.selectbox("Brand", brand_names, key="filter_brand", help="The brand the pages report on")
    chosen = st.sidebar.multiselect("Platforms", platforms, key="filter_platforms", placeholder="All platforms")
    first, last = days if days else (datetime.now(UTC).date() - timedelta(days=29), datetime.now(UTC).date())
    default = (max(first, last - timedelta(days=29)), last)
    picked = st.sidebar.date_input(
        "Dates (UTC)", value=default, min_value=first, max_value=last, key="filter_dates", format="YYYY-MM-DD"
    )
    start, end = _range(picked, default)
    selection = Filters(brands=(brand,), platforms=tuple(chosen), start=start, end=end)
    st.session_state[KEY] = selection
    return selection


def _range(picked: object, default: tuple[date, date]) -> tuple[date, date]:
    if isinstance(picked, tuple | list) and len(picked) == 2:
        return picked[0], picked[1]
    if isinstance(picked, tuple | list) and len(picked) == 1:
        return picked[0], picked[0]
    if isinstance(picked, date):
        return picked, picked
    return default


def current() -> Filters:
    """The selection app.py stored for this rerun.

    Missing only when a page runs without app.py: the very first request a fresh server gets is
    a page's own URL, while Streamlit still treats pages/ as a folder of standalone pages (until
    app.py first calls st.navigation). Going through app.py once fixes that for good.
    """
    selection = st.session_state.get(KEY)
    if selection is None:
        st.switch_page("app.py")
    return selection
