"""Reply queue: flagged mentions by priority with their reasons, time waited against the SLA, the
thread around each, and the actions a community manager takes (each saved at once)."""

from __future__ import annotations

import streamlit as st

from analysis.formulas import FORMULAS
from store import accounts, queue
from ui import context, filters, queue_history, queue_read, queue_view, tables
from ui import queue_actions as act
from ui.text import escape_markdown

ctx = context.load()
selected = filters.current()
versions = context.versions(ctx)
minute = context.now_minute()
own = [b.name for b in ctx.config.own_brands()]

st.title("Reply queue")
st.caption(
    f"Mentions posted {selected.start:%d %b %Y} to {selected.end:%d %b %Y} (UTC; the sidebar's dates) that need a reply, "
    "most urgent first. "
    "Priority (0-100) is higher for questions, help requests, problems and angry posts, for authors with a wide "
    "reach and posts people engage with, and rises the longer a mention waits against the reply target (SLA), "
    "with a jump once the target is missed.",
    help=escape_markdown(f"Priority = {FORMULAS['priority']}.\n\npriority_base = {FORMULAS['priority_base']}."),
)

me = act.me()
you = me.name if me else ""
may_act = accounts.can(me, "respond")
columns = st.columns(4)
brands = columns[0].multiselect(
    "Brands",
    own,
    default=[b for b in selected.brands if b in own] or own,
    key="queue_brands",
    persist_state="session",
    placeholder="All own brands",
)
platforms = columns[1].multiselect(
    "Platforms",
    queue_view.platform_options(ctx),
    default=list(selected.platforms),
    key="queue_platforms",
    persist_state="session",
    placeholder="All platforms",
    format_func=queue_view.platform_label,
)
statuses = columns[2].multiselect(
    "Status",
    list(queue.STATUSES),
    default=list(queue.OPEN),
    key="queue_statuses",
    persist_state="session",
    placeholder="Any status",
)
people = queue_read.assignees(ctx, versions)
choices = ["Anyone", "Unassigned", *sorted(set(people) | ({you.strip()} if you and you.strip() else set()))]
picked_person = columns[3].selectbox("Assignee", choices, key="queue_assignee", persist_state="session")

include_older = st.toggle(
    f"Include mentions posted before {selected.start:%d %b %Y}",
    key="queue_include_older",
    persist_state="session",
    help="The queue lists the sidebar's dates. Turn this on to list every older flagged mention too.",
)
wanted = queue.QueueFilters(
    brands=tuple(brands or own),
    platforms=tuple(platforms),
    statuses=tuple(statuses),
    assignee=None if picked_person == "Anyone" else "" if picked_person == "Unassigned" else picked_person,
    start=None if include_older else selected.start,
    end=selected.end,
)
queue_view.flash()
order = queue_read.order(ctx, versions, wanted, minute)
total = len(order)
older = queue_read.older_count(ctx, versions, wanted)
if older:
    st.warning(
        f"{older:,} more flagged {'mention matches' if older == 1 else 'mentions match'} these filters but "
        f"{'was' if older == 1 else 'were'} posted before {selected.start:%d %b %Y}: turn on "
        f"“Include mentions posted before {selected.start:%d %b %Y}” to list {'it' if older == 1 else 'them'}.",
        icon=":material/history:",
    )
if total == 0:
    st.success(
        "Nothing waiting here: no flagged mention matches these filters. Try other statuses or dates, or enjoy "
        "the quiet.",
        icon=":material/task_alt:",
    )
    st.stop()

pages = max(1, -(-total // queue.PAGE_SIZE))
if st.session_state.get("queue_page_no", 1) > pages:
    st.session_state["queue_page_no"] = 1
number = st.pagination(pages, key="queue_page_no", max_visible_pages=7) if pages > 1 else 1
rows = queue_read.rows(ctx, versions, order, minute, (number - 1) * queue.PAGE_SIZE, queue.PAGE_SIZE)
first = (number - 1) * queue.PAGE_SIZE + 1
st.caption(
    f"{total:,} flagged mentions match · showing {first:,}-{first + len(rows) - 1:,} · times as of {minute[11:16]} UTC"
)
table = st.dataframe(
    queue_view.table(rows),
    hide_index=True,
    key="queue_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config=queue_view.TABLE_COLUMNS,
    width="stretch",
    height=420,
    row_height=tables.WRAP_ROW_HEIGHT,  # the "Why" column wraps; a click opens the whole cell
    placeholder=tables.MISSING,
)
mention = queue_view.pick(rows, table)
if mention is None:
    st.stop()

st.divider()
left, right = st.columns([3, 2], gap="large")
with left:
    queue_view.header(mention)
    queue_view.thread(context.thread(ctx.url, versions[0], int(mention["id"]), ctx), int(mention["id"]))
    queue_history.show(ctx, int(mention["id"]))
    queue_view.after_reply(ctx, mention, versions, minute)
with right:
    queue_view.presence(ctx, int(mention["id"]))
    if not may_act:
        st.info(
            "You can read the queue; acting on it needs the responder role (an admin can change it).",
            icon=":material/visibility:",
        )
    queue_view.actions(ctx, mention, people, disabled=not may_act)
st.caption(f"Needs a reply when: {escape_markdown(FORMULAS['needs_reply'])}")
