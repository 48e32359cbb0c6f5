"""A mention's history under it in the reply queue, read from the audit trail (store.audit.history):
one line an action, "2026-11-18 10:02 Dana assigned it to Lee", times in UTC."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from analysis.resolution import LABELS
from store import audit
from store.queue import dismiss_text
from ui.context import Context
from ui.text import one_line, plain

SHOWN = 50  # the newest this many lines


def _fields(value: Any) -> dict[str, Any]:
    if not isinstance(value, str) or not value:
        return {}
    try:
        found = json.loads(value)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _note(detail: Any, width: int = 80) -> str:
    return one_line(detail, width) if isinstance(detail, str) and detail else ""


def what(action: str, before: dict[str, Any], after: dict[str, Any], detail: Any) -> str:
    """What an audit row did to the mention, as a phrase after the actor's name."""
    if action == "assign":
        return f"assigned it to {plain(after.get('assignee') or 'nobody', 60)}"
    if action == "dismiss":
        why = dismiss_text(after.get("dismiss_reason"), after.get("dismiss_note"))
        return "dismissed it" + (f" ({one_line(why, 80)})" if why else "")
    if action == "correct_sentiment":
        label = after.get("sentiment_override")
        return f"corrected the sentiment to {label}" if label else "removed the sentiment correction"
    if action == "set_outcome":
        outcome = after.get("outcome_override")
        return f"set the outcome to {LABELS.get(outcome, outcome)}" if outcome else "removed the outcome they set"
    if action == "note":
        return f"added a note: {_note(detail)}"
    if action == "reply_posted":
        return f"posted a reply ({_note(str(detail).split(':', 1)[0], 60)})" if detail else "posted a reply"
    if action == "reply_failed":
        return f"tried to reply; it failed: {_note(str(detail).split(' | reply:', 1)[0])}"
    fixed = {"unassign": "unassigned it", "mark_replied": "marked it replied", "reopen": "reopened it"}
    return fixed.get(action, action.replace("_", " "))


def lines(history: pd.DataFrame) -> list[str]:
    """Each audit row of one mention as a line, oldest first."""
    out = []
    for row in history.itertuples(index=False):
        when = pd.Timestamp(row.at).tz_convert("UTC")
        phrase = what(str(row.action), _fields(row.before), _fields(row.after), row.detail)
        out.append(f"{when:%Y-%m-%d %H:%M} {plain(row.actor, 60)} {phrase}")
    return out


def show(ctx: Context, mention_id: int) -> None:
    """The history block (read on every rerun: one indexed query; a failed reply changes no version)."""
    with ctx.engine.connect() as conn:
        found = lines(audit.history(conn, mention_id))
    if not found:
        st.caption("History: nothing done to this mention yet.")
        return
    st.markdown("**History** (times in UTC)")
    st.text("\n".join(found[-SHOWN:]))
