"""Drawing the reply queue: the table of a page, the picked mention with its thread, and its actions.

Post text and names are shown with st.text (no markdown, no HTML); the only link is the
mention's own http(s) URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from analysis import resolution
from pipeline import replies
from store import queue, saved_replies
from store import resolution as conversations_store
from ui import context, tables
from ui import queue_actions as act
from ui.context import Context
from ui.text import business_duration, duration_hours, escape_markdown, one_line, plain, safe_url

PICK = "queue_pick"
LAST_TABLE_PICK = "queue_table_seen"
STATUS_ICONS = {
    "new": ":material/fiber_new:",
    "assigned": ":material/person:",
    "replied": ":material/done_all:",
    "dismissed": ":material/block:",
}
TABLE_COLUMNS: dict[str, Any] = {
    "priority": st.column_config.ProgressColumn("Priority", min_value=0, max_value=100, format="%d", width="small"),
    "waited": st.column_config.TextColumn("Waited", width="small"),
    "sla": st.column_config.TextColumn("SLA"),
    "reasons": st.column_config.TextColumn("Why", width="medium"),
    "platform": st.column_config.TextColumn("Platform", width="small"),
    "author": st.column_config.TextColumn("Author"),
    "text": st.column_config.TextColumn("Post", width="large"),
    "status": st.column_config.TextColumn("Status", width="small"),
    "assignee": st.column_config.TextColumn("Assignee", width="small"),
}
SENTIMENT_CHOICES = ["positive", "neutral", "negative", "clear"]
OUTCOME_CHOICES = [*resolution.MANUAL, "clear"]
PRESENCE_REFRESH = "60s"  # heartbeat and "who is on this" while a mention stays open (store.presence.TTL: 2 min)


def platform_options(ctx: Context) -> list[str]:
    (_, platforms) = context.bounds(ctx.url, context.version(ctx), ctx)
    return list(platforms)


def platform_label(platform: str) -> str:
    return tables.platform_name(platform)


def _business(row: Any) -> bool:
    """The row's brand keeps business hours: its clock counts business time (store.queue `business_time`)."""
    return bool(row.get("business_time", False))


def _waited_text(row: Any) -> str:
    return business_duration(row["waited_hours"]) if _business(row) else duration_hours(row["waited_hours"])


def _sla_text(row: Mapping[str, Any]) -> str:
    if row["first_response_at"] is not None and pd.notna(row["first_response_at"]):
        return "answered late" if row["sla_breached"] else "answered in time"
    unit = " business hours" if _business(row) else " h"
    return f"breached ({row['sla_hours']:g}{unit})" if row["sla_breached"] else f"within {row['sla_hours']:g}{unit}"


def table(rows: pd.DataFrame) -> pd.DataFrame:
    """The page's rows as shown in the queue table."""
    if rows.empty:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    records = rows.to_dict("records")  # one pass: iterrows builds a Series per row, three times
    return pd.DataFrame(
        {
            "priority": rows["priority"].astype(int),
            "waited": [_waited_text(r) for r in records],
            "sla": [_sla_text(r) for r in records],
            "reasons": rows["flag_signals"].map(lambda v: plain(v, 120)),
            "platform": rows["platform"].map(tables.platform_name),
            "author": rows["author_handle"].map(lambda v: plain(v, 40)),
            "text": rows["text"].map(lambda v: one_line(v, 160)),
            "status": [_status_text(r) for r in records],
            "assignee": rows["assignee"].map(lambda v: plain(v, 40) if isinstance(v, str) else ""),
        }
    )


def _status_text(row: Mapping[str, Any]) -> str:
    """The row's status, with the reason when dismissed ("dismissed: spam")."""
    status = str(row["status"])
    if status != "dismissed":
        return status
    why = queue.dismiss_text(_value(row.get("dismiss_reason")), _value(row.get("dismiss_note")))
    return f"dismissed: {plain(why, 60)}" if why else status


def _value(value: Any) -> Any:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _label(row: Mapping[str, Any]) -> str:
    return (
        f"P{int(row['priority'])} · {tables.platform_name(row['platform'])} · @{plain(row['author_handle'], 30)} · "
        + one_line(row["text"], 70)
    )


def pick(rows: pd.DataFrame, selection: Any) -> dict[str, Any] | None:
    """The mention to work on: the row picked in the table, else the one chosen below it (the first by default)."""
    if rows.empty:
        return None
    ids = [int(i) for i in rows["id"]]
    chosen = list(getattr(getattr(selection, "selection", None), "rows", []) or [])
    seen = st.session_state.get(LAST_TABLE_PICK)
    if chosen and chosen != seen and chosen[0] < len(ids):
        st.session_state[PICK] = ids[chosen[0]]
    st.session_state[LAST_TABLE_PICK] = chosen
    if st.session_state.get(PICK) not in ids:
        st.session_state[PICK] = ids[0]
    by_id = {int(r["id"]): r for r in rows.to_dict("records")}
    mention_id = st.selectbox(
        "Work on",
        ids,
        key=PICK,
        format_func=lambda i: _label(by_id[i]),
        help="Pick a row in the table above, or choose here.",
    )
    return _plain_values(by_id[int(mention_id)])


def _plain_values(row: dict[str, Any]) -> dict[str, Any]:
    """Missing values as None (pandas gives NaN, NaT or NA, and NaN is truthy)."""
    return {k: (None if not isinstance(v, list | tuple | dict) and pd.isna(v) else v) for k, v in row.items()}


def flash() -> None:
    """The message the last action left (shown once, above the list: the mention may have left it)."""
    note = st.session_state.pop(act.FLASH, None)
    if not isinstance(note, act.Flash):
        return
    show = {"success": st.success, "warning": st.warning, "error": st.error}[note.kind]
    icon = {"success": ":material/check_circle:", "warning": ":material/sync_problem:", "error": ":material/error:"}
    show(f"{escape_markdown(note.text)}  \n{escape_markdown(note.label)}", icon=icon[note.kind])
    if note.changes:
        st.dataframe(
            pd.DataFrame({"now": {k: str(v) for k, v in note.changes.items()}}),
            width="content",
            column_config={
                "_index": st.column_config.TextColumn("The mention now"),
                "now": st.column_config.TextColumn(""),
            },
        )


def header(mention: dict[str, Any]) -> None:
    """Who posted what, where, when; why it is flagged and how long it has waited."""
    name = plain(mention.get("author_name"), 60)
    who = f"@{plain(mention['author_handle'], 60)}" + (f" ({name})" if name else "")
    followers = mention.get("author_followers")
    reach = f" · {int(followers):,} followers" if followers is not None and pd.notna(followers) else ""
    kind = escape_markdown(plain(mention["kind"], 20))
    st.subheader(
        f"{escape_markdown(tables.platform_name(mention['platform']))} {kind} · priority {int(mention['priority'])}"
    )
    st.text(
        f"{who}{reach} · posted {pd.Timestamp(mention['created_at']):%Y-%m-%d %H:%M} UTC · brand "
        f"{plain(mention['brand'], 60)}"
    )
    with st.container(border=True):
        st.text(plain(mention["text"], 10_000))
    waited = _waited_text(mention)
    sla = float(mention["sla_hours"])
    share = min(float(mention["waited_hours"]) / sla, 1.0) if sla > 0 else 1.0
    answered = mention.get("first_response_at") is not None and pd.notna(mention.get("first_response_at"))
    verb = "Answered after" if answered else "Waiting"
    state = "SLA breached" if mention["sla_breached"] else "within SLA"
    unit = " business hours" if _business(mention) else " h"
    st.progress(share, text=f"{verb} {waited} of a {sla:g}{unit} SLA: {state}")
    st.caption("Why: " + escape_markdown(mention["reasons"]))
    if mention.get("source_sentiment"):  # an imported file's own label, shown beside ours
        ours = mention.get("sentiment_override") or mention["sentiment_label"]
        st.caption(f"Sentiment in the imported file: {plain(mention['source_sentiment'], 16)} · ours: {ours}")
    if (review := review_text(mention)) is not None:  # an app review (issue 18): its stars and version
        st.caption(review)
    url = safe_url(mention.get("url"))
    if url:
        st.link_button(f"Open on {tables.platform_name(mention['platform'])}", url, icon=":material/open_in_new:")
    if mention.get("note"):
        st.caption("Notes")
        st.text(plain(mention["note"], 10_000))


def thread(frame: pd.DataFrame, mention_id: int) -> None:
    """The conversation: thread root, parent, this mention and the replies to it (own replies marked)."""
    others = frame[frame["id"] != mention_id] if len(frame) else frame
    if others.empty:
        st.caption("No thread context stored: this mention starts its own conversation and has no replies yet.")
        return
    st.markdown("**Thread**")
    roles = {"root": "Thread start", "parent": "Replying to", "this": "This mention", "reply": "Reply"}
    for _, row in frame.iterrows():
        own = bool(row["is_own"])
        label = roles.get(row["role"], row["role"]) + (" (the brand's own)" if own else "")
        with st.container(border=True):
            st.caption(f"{label} · {pd.Timestamp(row['created_at']):%Y-%m-%d %H:%M} UTC")
            st.text(f"@{plain(row['author_handle'], 60)}: {plain(row['text'], 2000)}")


def _answered(mention: dict[str, Any]) -> bool:
    value = mention.get("first_response_at")
    return value is not None and bool(pd.notna(value))


def after_reply(ctx: Context, mention: dict[str, Any], versions: tuple[int, int], minute: str) -> None:
    """What the author said after the brand's reply (the follow-up) and the conversation's outcome
    (analysis.resolution; a manager's outcome wins, and says who set it)."""
    if not _answered(mention):
        return
    brands = tuple(ctx.config.brands)
    days = resolution.window_days(brands)
    found = context.read(ctx.engine, conversations_store.conversation_of, versions, int(mention["id"]), days)
    if found.empty:
        return
    row = resolution.outcomes(found, pd.Timestamp(minute), brands).iloc[0]
    outcome = resolution.LABELS[str(row["outcome"])]
    how = ""
    if bool(row["overridden"]):
        by = plain(mention.get("outcome_by") or "a manager", 60)
        at = mention.get("outcome_at")
        when = f" at {pd.Timestamp(at):%Y-%m-%d %H:%M} UTC" if at is not None and pd.notna(at) else ""
        how = f" (set by {escape_markdown(by)}{when}; computed: {resolution.LABELS[str(row['computed_outcome'])]})"
    st.markdown(f"**After the reply:** {outcome}{how}")
    window = f"{pd.Timestamp(row['window_end']):%Y-%m-%d %H:%M} UTC"
    if pd.isna(row["follow_up_at"]):
        waiting = "waiting for one until" if row["computed_outcome"] == resolution.PENDING else "none came by"
        st.caption(f"No follow-up from @{plain(mention['author_handle'], 60)} yet: {waiting} {window}.")
        return
    shift = row["sentiment_shift"]
    moved = f" · sentiment shift {shift:+.2f}" if pd.notna(shift) else ""
    with st.container(border=True):
        st.caption(f"Follow-up · {pd.Timestamp(row['follow_up_at']):%Y-%m-%d %H:%M} UTC{moved}")
        st.text(f"@{plain(mention['author_handle'], 60)}: {plain(row['follow_up_text'], 2000)}")


def presence(ctx: Context, mention_id: int) -> None:
    """Who else has this mention open ("Dana is on this (since 10:02 UTC)"), refreshed every minute.

    Each run is also this responder's heartbeat (store.presence), so the others see them.
    """

    @st.fragment(run_every=PRESENCE_REFRESH)
    def _shown() -> None:
        for other in act.heartbeat(ctx, mention_id):
            st.info(
                f"{escape_markdown(plain(other.name, 60))} is on this (since {other.since:%H:%M} UTC)",
                icon=":material/visibility:",
            )

    _shown()


def actions(ctx: Context, mention: dict[str, Any], people: list[str], *, disabled: bool) -> None:
    """Assign, mark replied, dismiss, reopen, note, correct the sentiment, reply: each saved at once."""
    mention_id, version = int(mention["id"]), int(mention["version"])
    key = f"{mention_id}_{version}"
    st.session_state[act.LABEL] = {
        mention_id: f"@{plain(mention['author_handle'], 40)}: {one_line(mention['text'], 80)}"
    }
    _status_line(mention)
    _assign_box(ctx, mention, people, key, disabled=disabled)
    _status_buttons(ctx, mention, key, disabled=disabled)
    _note_box(ctx, mention_id, version, key, disabled=disabled)
    _sentiment_box(ctx, mention, key, disabled=disabled)
    _outcome_box(ctx, mention, key, disabled=disabled)
    saved = _saved_replies(ctx, str(mention["brand"]))
    _reply(ctx, mention, key, saved, disabled=disabled)
    _saved_replies_box(ctx, str(mention["brand"]), saved, disabled=disabled)


def _saved_replies(ctx: Context, brand: str) -> dict[int, dict[str, Any]]:
    """The brand's saved replies by id (read on each rerun: a small table, and its changes bump no version)."""
    with ctx.engine.connect() as conn:
        return {int(r["id"]): r for r in saved_replies.for_brand(conn, brand).to_dict("records")}


def _status_line(mention: dict[str, Any]) -> None:
    status = mention["status"]
    why = (
        queue.dismiss_text(mention.get("dismiss_reason"), mention.get("dismiss_note")) if status == "dismissed" else ""
    )
    st.markdown(
        f"**Status:** {STATUS_ICONS.get(status, '')} {status}"
        + (f" ({escape_markdown(plain(why, 200))})" if why else "")
        + (f" · assigned to {escape_markdown(mention['assignee'])}" if mention.get("assignee") else "")
    )
    if mention.get("updated_by"):
        st.caption(
            f"Last change by {escape_markdown(mention['updated_by'])} at "
            f"{pd.Timestamp(mention['updated_at']):%Y-%m-%d %H:%M} UTC"
        )


def _assign_box(ctx: Context, mention: dict[str, Any], people: list[str], key: str, *, disabled: bool) -> None:
    mention_id, version = int(mention["id"]), int(mention["version"])
    with st.container(border=True):
        st.markdown("**Assign**")
        names = sorted(set(people) | ({act.user()} if act.user() else set()))
        st.selectbox(
            "Assign to",
            names,
            index=None,
            key=f"assignee_{key}",
            accept_new_options=True,
            placeholder="pick or type a name",
            label_visibility="collapsed",
            disabled=disabled,
        )
        cols = st.columns(2)
        cols[0].button(
            "Assign",
            key=f"assign_{key}",
            on_click=act.assign,
            args=(ctx, mention_id, version, f"assignee_{key}"),
            disabled=disabled,
            width="stretch",
        )
        cols[1].button(
            "Unassign",
            key=f"unassign_{key}",
            on_click=act.unassign,
            args=(ctx, mention_id, version),
            disabled=disabled or not mention.get("assignee"),
            width="stretch",
        )


def _status_buttons(ctx: Context, mention: dict[str, Any], key: str, *, disabled: bool) -> None:
    """Mark replied and Dismiss (with its reason) while open; Reopen once replied or dismissed."""
    mention_id, version = int(mention["id"]), int(mention["version"])
    if mention["status"] not in queue.OPEN:
        reopen = "assigned" if mention.get("assignee") else "new"
        st.button(
            "Reopen",
            key=f"reopen_{key}",
            on_click=act.set_status,
            icon=":material/undo:",
            args=(ctx, mention_id, version, reopen),
            disabled=disabled,
            help="Back to the open queue (a dismissal's reason is cleared; the history keeps it).",
        )
        return
    st.button(
        "Mark replied",
        key=f"replied_{key}",
        on_click=act.set_status,
        icon=":material/done_all:",
        args=(ctx, mention_id, version, "replied"),
        disabled=disabled,
        help="Somebody answered outside the dashboard: first response is now, unless one is known.",
    )
    _dismiss_box(ctx, mention_id, version, key, disabled=disabled)


def _dismiss_box(ctx: Context, mention_id: int, version: int, key: str, *, disabled: bool) -> None:
    with st.container(border=True):
        cols = st.columns([3, 2], vertical_alignment="bottom")
        reason = cols[0].selectbox(
            "Dismiss because",
            list(queue.DISMISS_REASONS),
            index=None,
            key=f"dismiss_reason_{key}",
            format_func=lambda r: queue.DISMISS_REASONS[r],
            placeholder="pick a reason",
            disabled=disabled,
        )
        cols[1].button(
            "Dismiss",
            key=f"dismiss_{key}",
            on_click=act.dismiss,
            icon=":material/block:",
            args=(ctx, mention_id, version, f"dismiss_reason_{key}", f"dismiss_note_{key}"),
            disabled=disabled or reason is None,
            width="stretch",
            help="Needs no reply: leaves the queue and the response figures. Reopen undoes it.",
        )
        if reason == "other":
            st.text_input(
                "Why (other)", key=f"dismiss_note_{key}", max_chars=500, placeholder="a few words", disabled=disabled
            )


def _note_box(ctx: Context, mention_id: int, version: int, key: str, *, disabled: bool) -> None:
    with st.container(border=True):
        st.markdown("**Note**")
        st.text_area(
            "Note",
            key=f"note_{key}",
            max_chars=2000,
            height=80,
            label_visibility="collapsed",
            placeholder="add a note for the team",
            disabled=disabled,
        )
        st.button(
            "Add note",
            key=f"add_note_{key}",
            on_click=act.add_note,
            args=(ctx, mention_id, version, f"note_{key}"),
            disabled=disabled,
        )


def _sentiment_box(ctx: Context, mention: dict[str, Any], key: str, *, disabled: bool) -> None:
    mention_id, version = int(mention["id"]), int(mention["version"])
    with st.container(border=True):
        label = mention.get("sentiment_override") or mention["sentiment_label"]
        score = mention.get("sentiment")
        scored = f"VADER {score:+.2f}" if score is not None and pd.notna(score) else "not scored"
        corrected = " (corrected)" if mention.get("sentiment_override") else ""
        st.markdown(f"**Sentiment:** {label}{corrected} · {scored}")
        st.segmented_control(
            "Correct to",
            SENTIMENT_CHOICES,
            key=f"sentiment_{key}",
            disabled=disabled,
            format_func=lambda c: "clear correction" if c == "clear" else c,
        )
        st.button(
            "Save sentiment",
            key=f"save_sentiment_{key}",
            on_click=act.correct_sentiment,
            args=(ctx, mention_id, version, f"sentiment_{key}"),
            disabled=disabled,
        )


def _outcome_box(ctx: Context, mention: dict[str, Any], key: str, *, disabled: bool) -> None:
    """Set the outcome of an answered conversation by hand (it wins over the computed one), or clear it."""
    if not _answered(mention):
        return
    mention_id, version = int(mention["id"]), int(mention["version"])
    with st.container(border=True):
        mine = mention.get("outcome_override")
        st.markdown(
            "**Outcome after the reply:** "
            + (resolution.LABELS.get(mine, mine) + " (set by hand)" if mine else "computed")
        )
        st.segmented_control(
            "Set the outcome",
            OUTCOME_CHOICES,
            key=f"outcome_{key}",
            disabled=disabled,
            format_func=lambda c: "use the computed one" if c == "clear" else resolution.LABELS[c],
        )
        st.button(
            "Save outcome",
            key=f"save_outcome_{key}",
            on_click=act.set_outcome,
            args=(ctx, mention_id, version, f"outcome_{key}"),
            disabled=disabled,
        )


def _reply(
    ctx: Context, mention: dict[str, Any], key: str, choices: dict[int, dict[str, Any]], *, disabled: bool
) -> None:
    platform = str(mention["platform"])
    with st.container(border=True):
        st.markdown("**Reply from the dashboard**")
        if mention.get("response_post_id"):
            st.caption(
                f"Reply recorded: id {escape_markdown(mention['response_post_id'])} by "
                f"{escape_markdown(mention.get('responded_by') or 'unknown')}."
            )
            return
        missing = reply_blocker(platform)
        if missing:
            st.caption(escape_markdown(missing))
            return
        draft = st.session_state.get(act.DRAFT)
        if draft and draft["mention_id"] == int(mention["id"]):
            _confirm(ctx, mention, draft, key, disabled=disabled)
        else:
            _compose(mention, key, choices, disabled=disabled)


def _confirm(ctx: Context, mention: dict[str, Any], draft: dict[str, Any], key: str, *, disabled: bool) -> None:
    st.caption("This will be posted publicly on " + tables.platform_name(str(mention["platform"])) + " as the brand:")
    st.code(draft["text"], language=None, wrap_lines=True)
    cols = st.columns(2)
    cols[0].button(
        "Post reply",
        key=f"post_{key}",
        type="primary",
        on_click=act.post_reply,
        args=(ctx, mention, replies.post_reply),
        disabled=disabled,
        width="stretch",
    )
    cols[1].button("Edit", key=f"cancel_{key}", on_click=act.cancel_reply, disabled=disabled, width="stretch")


def _compose(mention: dict[str, Any], key: str, choices: dict[int, dict[str, Any]], *, disabled: bool) -> None:
    """The reply box, with the brand's saved replies to start from."""
    if choices:
        cols = st.columns([3, 1], vertical_alignment="bottom")
        cols[0].selectbox(
            "Start from a saved reply",
            list(choices),
            index=None,
            key=f"saved_pick_{key}",
            format_func=lambda i: f"{choices[i]['name']} (used {int(choices[i]['uses'])}x)",
            placeholder="pick a saved reply",
            disabled=disabled,
        )
        cols[1].button(
            "Insert",
            key=f"saved_insert_{key}",
            on_click=act.insert_saved,
            args=(mention, choices, f"saved_pick_{key}", f"reply_{key}"),
            disabled=disabled,
            width="stretch",
        )
    st.text_area(
        "Reply",
        key=f"reply_{key}",
        max_chars=10_000,
        height=100,
        label_visibility="collapsed",
        placeholder=f"reply on {tables.platform_name(str(mention['platform']))}",
        disabled=disabled,
    )
    st.button(
        "Review reply",
        key=f"review_{key}",
        on_click=act.review_reply,
        args=(int(mention["id"]), int(mention["version"]), f"reply_{key}"),
        disabled=disabled,
    )


def _saved_replies_box(ctx: Context, brand: str, choices: dict[int, dict[str, Any]], *, disabled: bool) -> None:
    """Add, change or delete the brand's saved replies (placeholders {author}, {brand}, {agent})."""
    keys = {k: f"saved_{k}_{brand}" for k in ("manage", "name", "body")}
    with st.expander(f"Saved replies for {escape_markdown(plain(brand, 60))}", icon=":material/bookmarks:"):
        note = st.session_state.pop(act.SAVED_NOTE, None)
        if note:
            (st.success if note[0] == "success" else st.error)(escape_markdown(note[1]))
        if keys["manage"] in st.session_state and st.session_state[keys["manage"]] not in choices:
            st.session_state[keys["manage"]] = None
        st.selectbox(
            "Saved reply",
            list(choices),
            index=None,
            key=keys["manage"],
            format_func=lambda i: f"{choices[i]['name']} (used {int(choices[i]['uses'])}x)",
            placeholder="new saved reply",
            on_change=act.load_saved,
            args=(choices, keys["manage"], keys["name"], keys["body"]),
            disabled=disabled,
        )
        st.text_input("Name", key=keys["name"], max_chars=saved_replies.MAX_NAME, disabled=disabled)
        st.text_area(
            "Text",
            key=keys["body"],
            max_chars=saved_replies.MAX_BODY,
            height=100,
            help="Placeholders: {author} (without @), {brand}, {agent} (you). Write {{ or }} for a brace.",
            disabled=disabled,
        )
        cols = st.columns(2)
        cols[0].button(
            "Save",
            key=f"saved_save_{brand}",
            on_click=act.save_saved,
            args=(ctx, brand, keys["manage"], keys["name"], keys["body"]),
            disabled=disabled,
            width="stretch",
        )
        cols[1].button(
            "Delete",
            key=f"saved_delete_{brand}",
            on_click=act.delete_saved,
            args=(ctx, keys["manage"], keys["name"], keys["body"]),
            disabled=disabled or not choices,
            width="stretch",
        )


def reply_blocker(platform: str) -> str | None:
    """Why replying from here is not possible for this platform, or None when it is."""
    if not replies.can_reply(platform):
        return f"Replying on {tables.platform_name(platform)} from the dashboard is not supported: open it there."
    check = getattr(replies, "missing_credentials", None)
    missing = check(platform) if callable(check) else []
    if missing:
        return "Replying needs write credentials: " + ", ".join(missing) + " (set them in .env)."
    return None


def review_text(mention: Mapping[str, Any]) -> str | None:
    """ "Review: ★★☆☆☆ (2 of 5) · app version 4.2.0" for a rated review, None for everything else."""
    rating = pd.to_numeric(pd.Series([mention.get("rating")], dtype=object), errors="coerce").iloc[0]
    if pd.isna(rating) or not 1 <= rating <= 5:
        return None
    stars = int(rating)
    version = mention.get("app_version")
    shown = f" · app version {plain(version, 64)}" if isinstance(version, str) and version.strip() else ""
    return f"Review: {'★' * stars}{'☆' * (5 - stars)} ({stars} of 5){shown}"
