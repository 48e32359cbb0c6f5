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

from analysis import resolution
from collectors.base import CollectorError, MissingCredentials
from store import presence, queue, saved_replies
from store.accounts import Account, Forbidden, can, require
from store.saved_replies import SavedReplyError
from ui import auth
from ui.context import Context
from ui.text import plain

FLASH = "queue_flash"
LABEL = "queue_acting_on"
DRAFT = "queue_reply_draft"
FROM_SAVED = "queue_reply_from_saved"  # {"mention_id", "saved_id"}: the reply box was filled from a saved reply
SAVED_NOTE = "queue_saved_note"  # (kind, text): the last saved-reply change


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


def signed_in() -> Account:
    """The signed-in account, for a store action; Forbidden ("Sign in first.") when nobody is.
    Every role may view, so this refuses only the signed-out: the action checks its own role."""
    return require(me(), "view")


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
        "outcome set by hand": state.get("outcome_override") or "none",
        "dismissed because": queue.dismiss_text(state.get("dismiss_reason"), state.get("dismiss_note")) or "-",
        "reply id": state.get("response_post_id") or "none",
    }


def assign(ctx: Context, mention_id: int, version: int, widget_key: str) -> None:
    who = plain(st.session_state.get(widget_key) or "", 128).strip()
    done = f"Assigned to {who}." if who else "Unassigned."
    _save(ctx, mention_id, done, lambda conn: queue.assign(conn, mention_id, version, who or None, signed_in()))


def unassign(ctx: Context, mention_id: int, version: int) -> None:
    _save(ctx, mention_id, "Unassigned.", lambda conn: queue.assign(conn, mention_id, version, None, signed_in()))


def set_status(ctx: Context, mention_id: int, version: int, status: str) -> None:
    done = {"replied": "Marked replied.", "dismissed": "Dismissed.", "new": "Reopened.", "assigned": "Reopened."}
    _save(ctx, mention_id, done[status], lambda conn: queue.set_status(conn, mention_id, version, status, signed_in()))


def dismiss(ctx: Context, mention_id: int, version: int, reason_key: str, note_key: str) -> None:
    reason = st.session_state.get(reason_key)
    note = plain(st.session_state.get(note_key) or "", 500)
    done = "Dismissed (" + queue.dismiss_text(reason, note.strip() if reason == "other" else None) + ")."
    _save(
        ctx,
        mention_id,
        done,
        lambda conn: queue.dismiss(
            conn, mention_id, version, reason or "", signed_in(), note if reason == "other" else None
        ),
    )


def add_note(ctx: Context, mention_id: int, version: int, widget_key: str) -> None:
    text = plain(st.session_state.get(widget_key) or "", 2000)
    _save(ctx, mention_id, "Note added.", lambda conn: queue.add_note(conn, mention_id, version, text, signed_in()))
    if isinstance(st.session_state.get(FLASH), Flash) and st.session_state[FLASH].kind == "success":
        st.session_state[widget_key] = ""


def correct_sentiment(ctx: Context, mention_id: int, version: int, widget_key: str) -> None:
    choice = st.session_state.get(widget_key)
    label = None if choice in (None, "", "clear") else str(choice)
    done = f"Sentiment corrected to {label}." if label else "Sentiment correction removed."
    _save(ctx, mention_id, done, lambda conn: queue.correct_sentiment(conn, mention_id, version, label, signed_in()))


def set_outcome(ctx: Context, mention_id: int, version: int, widget_key: str) -> None:
    choice = st.session_state.get(widget_key)
    outcome = None if choice in (None, "", "clear") else str(choice)
    done = (
        f"Outcome set to {resolution.LABELS[outcome]}."
        if outcome
        else "Outcome by hand removed: the computed one shows."
    )
    _save(ctx, mention_id, done, lambda conn: queue.set_outcome(conn, mention_id, version, outcome, signed_in()))


# ---------------------------------------------------------------------------------------------- replying


def review_reply(mention_id: int, version: int, widget_key: str) -> None:
    """Keep the draft for confirmation; nothing is posted yet."""
    text = plain(st.session_state.get(widget_key) or "", 10_000).strip()
    if not text:
        st.session_state[FLASH] = Flash("error", "The reply is empty.", mention_id)
        return
    source = st.session_state.get(FROM_SAVED) or {}
    saved_id = source.get("saved_id") if source.get("mention_id") == mention_id else None
    st.session_state[DRAFT] = {"mention_id": mention_id, "version": version, "text": text, "saved_id": saved_id}


def cancel_reply() -> None:
    st.session_state.pop(DRAFT, None)


def post_reply(ctx: Context, mention: dict[str, Any], poster: Callable[[str, dict[str, Any], str], str]) -> None:
    """Post the confirmed draft on the mention's platform, then keep the posted reply's id.

    The mention is checked again and claimed first (store.queue.claim_reply): when somebody
    replied or changed it since the form was opened, nothing is posted and the message says who
    and when.
    """
    draft = st.session_state.pop(DRAFT, None)
    mention_id = int(mention["id"])
    if not draft or draft["mention_id"] != mention_id:
        st.session_state[FLASH] = Flash("error", "Nothing to post: review the reply first.", mention_id)
        return
    try:
        account = signed_in()
    except Forbidden as exc:
        st.session_state[FLASH] = Flash("error", f"Not posted: {exc}", mention_id)
        return
    claimed = _claim(ctx, mention_id, int(draft["version"]), account)
    if claimed is None:
        return
    draft = {**draft, "version": claimed}
    posted = _post(ctx, mention, draft, account, poster)
    if posted is not None:
        _record(ctx, mention_id, draft, posted, account)


def _claim(ctx: Context, mention_id: int, version: int, account: Account) -> int | None:
    """The version to record the reply against, or None (and a message) when it may not be posted."""
    try:
        with ctx.engine.begin() as conn:
            claimed = queue.claim_reply(conn, mention_id, version, account, auth.now())
    except Forbidden as exc:
        st.session_state[FLASH] = Flash("error", f"Not posted: {exc}", mention_id)
        return None
    if not claimed.ok:
        kind = "warning" if claimed.current else "error"
        changes = describe(claimed.current) if claimed.current else {}
        st.session_state[FLASH] = Flash(kind, claimed.message, mention_id, changes)
        return None
    return int(claimed.current["version"])


def _post(
    ctx: Context,
    mention: dict[str, Any],
    draft: dict[str, Any],
    account: Account,
    poster: Callable[[str, dict[str, Any], str], str],
) -> str | None:
    """The posted reply's id; None (audited as reply_failed, with a message) when posting failed."""
    mention_id = int(mention["id"])
    try:
        return poster(str(mention["platform"]), mention, draft["text"])
    except MissingCredentials as exc:
        _failed(ctx, mention_id, account, f"missing credentials: {exc}", draft["text"])
        st.session_state[FLASH] = Flash("error", f"Not posted: {exc}. Add them to .env to reply from here.", mention_id)
    except CollectorError as exc:
        _failed(ctx, mention_id, account, str(exc), draft["text"])
        st.session_state[FLASH] = Flash("error", f"Not posted: {exc}", mention_id)
        st.session_state[DRAFT] = draft  # at the claimed version: sending again is allowed
    return None


def _record(ctx: Context, mention_id: int, draft: dict[str, Any], posted: str, account: Account) -> None:
    """Keep the posted reply's id; count the saved reply it was made from."""
    saved_id = draft.get("saved_id")

    def write(conn: Connection) -> queue.ActionResult:
        result = queue.record_reply(conn, mention_id, int(draft["version"]), posted, account, draft["text"])
        if saved_id is not None:
            saved_replies.count_use(conn, int(saved_id))
        return result

    _save(ctx, mention_id, f"Reply posted (id {posted}) and recorded.", write, retry="")
    st.session_state.pop(FROM_SAVED, None)


def _failed(ctx: Context, mention_id: int, account: Account, reason: str, text: str) -> None:
    """Keep a failed reply in the audit trail (the state does not change)."""
    try:
        with ctx.engine.begin() as conn:
            queue.record_reply_failure(conn, mention_id, account, reason, text)
    except Exception:  # the trail could not be written: the message about the reply still shows
        pass


# ---------------------------------------------------------------------------------------------- saved replies


def insert_saved(mention: dict[str, Any], choices: dict[int, dict[str, Any]], pick_key: str, reply_key: str) -> None:
    """Fill the reply box with the picked saved reply (placeholders filled in); it stays editable."""
    mention_id = int(mention["id"])
    picked = st.session_state.get(pick_key)
    if picked is None or int(picked) not in choices:
        st.session_state[FLASH] = Flash("error", "Pick a saved reply first.", mention_id)
        return
    chosen = choices[int(picked)]
    try:
        text = saved_replies.fill(
            str(chosen["body"]), author=str(mention["author_handle"] or ""), brand=str(mention["brand"]), agent=user()
        )
    except SavedReplyError as exc:
        st.session_state[FLASH] = Flash("error", f"Saved reply {chosen['name']!r}: {exc}", mention_id)
        return
    st.session_state[reply_key] = text
    st.session_state[FROM_SAVED] = {"mention_id": mention_id, "saved_id": int(picked)}


def _saved_change(ctx: Context, done: str, write: Callable[[Connection], object]) -> bool:
    try:
        with ctx.engine.begin() as conn:
            write(conn)
    except (SavedReplyError, Forbidden) as exc:
        st.session_state[SAVED_NOTE] = ("error", f"Not saved: {exc}")
        return False
    except Exception as exc:  # the database refused: say so, keep the page alive
        st.session_state[SAVED_NOTE] = ("error", f"Not saved: the database refused ({exc.__class__.__name__}).")
        return False
    st.session_state[SAVED_NOTE] = ("success", done)
    return True


def save_saved(ctx: Context, brand: str, pick_key: str, name_key: str, body_key: str) -> None:
    """Add a saved reply (nothing picked) or change the picked one."""
    picked = st.session_state.get(pick_key)
    name = plain(st.session_state.get(name_key) or "", saved_replies.MAX_NAME * 2)
    body = plain(st.session_state.get(body_key) or "", saved_replies.MAX_BODY * 2)
    if picked is None:
        done = _saved_change(
            ctx, f"Saved reply {name.strip()!r} added.", lambda c: saved_replies.add(c, brand, name, body, signed_in())
        )
    else:
        done = _saved_change(
            ctx,
            f"Saved reply {name.strip()!r} changed.",
            lambda c: saved_replies.edit(c, int(picked), name, body, signed_in()),
        )
    if done:
        for k in (pick_key, name_key, body_key):
            st.session_state[k] = None if k == pick_key else ""


def delete_saved(ctx: Context, pick_key: str, name_key: str, body_key: str) -> None:
    picked = st.session_state.get(pick_key)
    if picked is None:
        st.session_state[SAVED_NOTE] = ("error", "Pick the saved reply to delete.")
        return
    if _saved_change(ctx, "Saved reply deleted.", lambda c: saved_replies.remove(c, int(picked), signed_in())):
        for k in (pick_key, name_key, body_key):
            st.session_state[k] = None if k == pick_key else ""


def load_saved(choices: dict[int, dict[str, Any]], pick_key: str, name_key: str, body_key: str) -> None:
    """Put the picked saved reply's name and text in the form to edit (empty for a new one)."""
    picked = st.session_state.get(pick_key)
    chosen = choices.get(int(picked)) if picked is not None else None
    st.session_state[name_key] = str(chosen["name"]) if chosen else ""
    st.session_state[body_key] = str(chosen["body"]) if chosen else ""


# ---------------------------------------------------------------------------------------------- presence


def heartbeat(ctx: Context, mention_id: int) -> list[presence.Present]:
    """Say this responder has the mention open (a viewer leaves no trace); who else has it open."""
    account = me()
    when = auth.now()
    with ctx.engine.begin() as conn:
        if account is not None and can(account, "respond"):
            presence.here(conn, account.name, mention_id, now=when)
        return presence.others(conn, mention_id, account.name if account else None, now=when)
