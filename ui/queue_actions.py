"""The reply queue's actions as Streamlit callbacks: each is saved at once (one conditional write
in store.queue) and leaves a message for the next rerun: done, or what somebody else changed.

Callbacks run before the page script, so the rerun that follows already reads the new state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from collectors.base import CollectorError, MissingCredentials
from store import queue
from store.accounts import Account, Forbidden
from ui import auth
from ui.context import Context
from ui.text import plain

FLASH = "queue_flash"
LABEL = "queue_acting_on"
DRAFT = "queue_reply_draft"


@dataclass(frozen=True)
class Flash:
    """A message about the last action, shown above the mention it concerns."""

    kind: str  # success | warning | error
    text: str
    mention_id: int
    changes: dict[str, Any] = field(default_factory=dict)
    label: str = ""

    def __post_init__(self) -> None:
        if not self.label:
            known = st.session_state.get(LABEL) or {}
            object.__setattr__(self, "label", known.get(self.mention_id, f"mention {self.mention_id}"))


def me() -> Account | None:
    """Who is acting: the signed-in account."""
    return auth.current_account()


def user() -> str:
    """The signed-in account's name (empty before sign-in)."""
    account = me()
    return account.name if account else ""


def _save(
    ctx: Context,
    mention_id: int,
    done: str,
    write: Callable[[Connection], queue.ActionResult],
    retry: str = " Review the mention as it is now and try again if it still needs your change.",
) -> None:
    try:
        with ctx.engine.begin() as conn:
            result = write(conn)
    except Forbidden as exc:  # the role may not act: refused where the action happens
        st.session_state[FLASH] = Flash("error", f"Not saved: {exc}", mention_id)
        return
    except Exception as exc:  # the database refused: say so, keep the page alive
        st.session_state[FLASH] = Flash(
            "error", f"Not saved: the database refused ({exc.__class__.__name__}).", mention_id
        )
        return
    if result.ok:
        st.session_state[FLASH] = Flash("success", done, mention_id)
    elif result.current:
        st.session_state[FLASH] = Flash("warning", result.message + retry, mention_id, describe(result.current))
    else:
        st.session_state[FLASH] = Flash("error", result.message, mention_id)


def describe(state: dict[str, Any]) -> dict[str, Any]:
    """The parts of a mention's state a person checks after a conflict."""
    updated = state.get("updated_at")
    return {
        "status": state.get("status") or "new",
        "assignee": state.get("assignee") or "nobody",
        "changed by": state.get("updated_by") or "unknown",
        "changed at": f"{pd.Timestamp(updated):%Y-%m-%d %H:%M} UTC" if updated else "unknown",
        "sentiment correction": state.get("sentiment_override") or "none",
        "reply id": state.get("response_post_id") or "none",
    }


def assign(ctx: Context, mention_id: int, version: int, widget_key: str) -> None:
    who = plain(st.session_state.get(widget_key) or "", 128).strip()
    done = f"Assigned to {who}." if who else "Unassigned."
    _save(ctx, mention_id, done, lambda conn: queue.assign(conn, mention_id, version, who or None, me()))


def unassign(ctx: Context, mention_id: int, version: int) -> None:
    _save(ctx, mention_id, "Unassigned.", lambda conn: queue.assign(conn, mention_id, version, None, me()))


def set_status(ctx: Context, mention_id: int, version: int, status: str) -> None:
    done = {"replied": "Marked replied.", "dismissed": "Dismissed.", "new": "Reopened.", "assigned": "Reopened."}
    _save(ctx, mention_id, done[status], lambda conn: queue.set_status(conn, mention_id, version, status, me()))


def add_note(ctx: Context, mention_id: int, version: int, widget_key: str) -> None:
    text = plain(st.session_state.get(widget_key) or "", 2000)
    _save(ctx, mention_id, "Note added.", lambda conn: queue.add_note(conn, mention_id, version, text, me()))
    if isinstance(st.session_state.get(FLASH), Flash) and st.session_state[FLASH].kind == "success":
        st.session_state[widget_key] = ""


def correct_sentiment(ctx: Context, mention_id: int, version: int, widget_key: str) -> None:
    choice = st.session_state.get(widget_key)
    label = None if choice in (None, "", "clear") else str(choice)
    done = f"Sentiment corrected to {label}." if label else "Sentiment correction removed."
    _save(ctx, mention_id, done, lambda conn: queue.correct_sentiment(conn, mention_id, version, label, me()))


# ---------------------------------------------------------------------------------------------- replying


def review_reply(mention_id: int, version: int, widget_key: str) -> None:
    """Keep the draft for confirmation; nothing is posted yet."""
    text = plain(st.session_state.get(widget_key) or "", 10_000).strip()
    if not text:
        st.session_state[FLASH] = Flash("error", "The reply is empty.", mention_id)
        return
    st.session_state[DRAFT] = {"mention_id": mention_id, "version": version, "text": text}


def cancel_reply() -> None:
    st.session_state.pop(DRAFT, None)


def post_reply(ctx: Context, mention: dict[str, Any], poster: Callable[[str, dict[str, Any], str], str]) -> None:
    """Post the confirmed draft on the mention's platform, then keep the posted reply's id."""
    draft = st.session_state.pop(DRAFT, None)
    mention_id = int(mention["id"])
    if not draft or draft["mention_id"] != mention_id:
        st.session_state[FLASH] = Flash("error", "Nothing to post: review the reply first.", mention_id)
        return
    account = me()
    try:
        with ctx.engine.connect() as conn:
            allowed = queue.reply_allowed(conn, mention_id, int(draft["version"]), account)  # type: ignore[arg-type]
    except Forbidden as exc:
        st.session_state[FLASH] = Flash("error", f"Not posted: {exc}", mention_id)
        return
    if not allowed.ok:
        kind = "warning" if allowed.current else "error"
        changes = describe(allowed.current) if allowed.current else {}
        st.session_state[FLASH] = Flash(kind, allowed.message + " Nothing was posted.", mention_id, changes)
        return
    try:
        posted = poster(str(mention["platform"]), mention, draft["text"])
    except MissingCredentials as exc:
        _failed(ctx, mention_id, account, f"missing credentials: {exc}", draft["text"])
        st.session_state[FLASH] = Flash("error", f"Not posted: {exc}. Add them to .env to reply from here.", mention_id)
        return
    except CollectorError as exc:
        _failed(ctx, mention_id, account, str(exc), draft["text"])
        st.session_state[FLASH] = Flash("error", f"Not posted: {exc}", mention_id)
        st.session_state[DRAFT] = draft
        return
    _save(
        ctx,
        mention_id,
        f"Reply posted (id {posted}) and recorded.",
        lambda conn: queue.record_reply(conn, mention_id, int(draft["version"]), posted, account, draft["text"]),  # type: ignore[arg-type]
        retry="",
    )


def _failed(ctx: Context, mention_id: int, account: Account | None, reason: str, text: str) -> None:
    """Keep a failed reply in the audit trail (the state does not change)."""
    try:
        with ctx.engine.begin() as conn:
            queue.record_reply_failure(conn, mention_id, account, reason, text)  # type: ignore[arg-type]
    except Exception:  # the trail could not be written: the message about the reply still shows
        pass
