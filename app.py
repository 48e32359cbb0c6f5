"""Streamlit entry: config and store, the sign-in gate, first-start demo, sidebar filters, and the page router.

Nothing renders before `auth.gate` returns a signed-in account: no page, number, post, name or filter.
"""

from __future__ import annotations

import streamlit as st

from ui import auth, context, filters

st.set_page_config(page_title="Engagement monitor", page_icon=":material/campaign:", layout="wide")

ctx = context.load()
account = auth.gate(ctx)  # the sign-in page alone until somebody signs in
context.first_start(ctx)
selection = filters.sidebar(ctx)
auth.sidebar(account, ctx)
demo_note = context.demo_note(ctx, selection)  # follows the rows in the selection, not what was ever stored
if demo_note:
    st.sidebar.warning(
        "**Demo data**: generated posts, not real people. Add sources to monitor.toml "
        "and credentials to .env to collect real mentions.",
        icon=":material/science:",
    )

PAGES = {
    "Monitor": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/engagement.py", title="Engagement", icon=":material/trending_up:"),
        st.Page("pages/sentiment.py", title="Sentiment", icon=":material/sentiment_satisfied:"),
    ],
    "Respond": [
        st.Page("pages/queue.py", title="Reply queue", icon=":material/forum:"),
    ],
    "Reports and sources": [
        st.Page("pages/reports.py", title="Reports", icon=":material/summarize:"),
        st.Page("pages/sources.py", title="Sources", icon=":material/sensors:"),
        st.Page("pages/alerts.py", title="Alerts", icon=":material/notifications:"),
    ],
}
if account.role == "admin":
    PAGES["Admin"] = [st.Page("pages/team.py", title="Team", icon=":material/group:")]
page = st.navigation(PAGES)
if demo_note:
    st.caption(f":orange-badge[:material/science: Demo data] {demo_note}")
page.run()
