"""Alerts: what fired and how delivery went, the rules as configured, and a test message per channel.
Never a secret: channels are shown by their credential NAME; errors were redacted before storing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from config import credential
from pipeline.alerts import send_test
from store import alerts as alert_store
from store.accounts import can
from ui import auth, context, filters, tables

ctx = context.load()
filters.current()

st.title("Alerts")
st.caption(
    "Rules come from [[alerts]] in monitor.toml; the scheduler checks them after each collection run and every "
    "minute (`.venv/bin/python cli.py alerts check` checks once). Channels are credentials holding apprise URLs, read from "
    "the environment, .env or .streamlit/secrets.toml, and never shown."
)

rules = ctx.config.alerts
if not rules:
    st.info(
        "No alert rules configured. Add [[alerts]] to monitor.toml (see the README, Alerts).",
        icon=":material/notifications_off:",
    )

with ctx.engine.connect() as conn:
    fired = alert_store.history(conn)

st.subheader("Fired alerts and deliveries")
if fired.empty:
    st.caption("Nothing fired yet.")
else:
    st.dataframe(
        fired.drop(columns=["id"]),
        hide_index=True,
        placeholder=tables.MISSING,
        key="alerts_table",
        width="stretch",
        column_config={
            "fired_at": st.column_config.DatetimeColumn("Fired (UTC)", format="YYYY-MM-DD HH:mm:ss"),
            "rule": st.column_config.TextColumn("Rule"),
            "brand": st.column_config.TextColumn("Brand"),
            "kind": st.column_config.TextColumn("When"),
            "events": st.column_config.NumberColumn("Events", help="more than 1: one digest message for them all"),
            "title": st.column_config.TextColumn("Message", width="medium"),
            "channel": st.column_config.TextColumn("Channel"),
            "status": st.column_config.TextColumn("Status"),
            "attempts": st.column_config.NumberColumn("Attempts"),
            "last_error": st.column_config.TextColumn("Last error", width="large"),
            "next_attempt_at": st.column_config.DatetimeColumn("Next try (UTC)", format="YYYY-MM-DD HH:mm:ss"),
            "delivered_at": st.column_config.DatetimeColumn("Delivered (UTC)", format="YYYY-MM-DD HH:mm:ss"),
        },
    )

if rules:
    st.subheader("Rules")
    settings = []
    for rule in rules:
        extra = rule.model_dump(exclude={"name", "brand", "when", "notify", "cooldown", "give_up_after"})
        settings.append(
            {
                "rule": rule.name,
                "brand": rule.brand,
                "when": rule.when,
                "settings": ", ".join(f"{k} = {v}" for k, v in extra.items() if v is not None),
                "notify": ", ".join(rule.notify),
                "cooldown_h": rule.cooldown.total_seconds() / 3600,
                "give_up_after_h": rule.give_up_after.total_seconds() / 3600,
            }
        )
    st.dataframe(
        pd.DataFrame(settings), hide_index=True, placeholder=tables.MISSING, key="alert_rules", width="stretch"
    )

    st.subheader("Channels")
    channels = sorted({name for rule in rules for name in rule.notify})
    for channel in channels:
        left, right = st.columns([3, 1])
        state = "set" if credential(channel, allowed=ctx.config.notify_names) else "not set"
        left.markdown(f"`{channel}`: {state}")
        allowed = can(auth.current_account(), "admin")
        if right.button(
            "Send test", key=f"test:{channel}", disabled=not allowed, help=None if allowed else "admins only"
        ):
            error = send_test(ctx.engine, ctx.config, auth.current_account(), channel, auth.now())
            if error is None:
                st.success(f"Test message delivered to {channel}.")
            else:
                st.error(f"Test message to {channel} not delivered: {error}")
