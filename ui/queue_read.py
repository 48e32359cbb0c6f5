"""The reply queue's reads, kept across collections: the order, the count, a page, the older items.

The queue's order (store.queue.queue_order) is read in two parts, the days before the range's
last day and the last day (store.queue.split), each with its sort key (store.queue.queue_keys)
and cached under the stamp of its days (store.touched), the queue version and the order's
5-minute mark; store.queue.merge_keys joins them into the order one read over the whole range
gives. A collection writes new mentions into today, so the next rerun re-reads only today's
flagged mentions and merges them in; the days before keep their cached part. A queue action (it
bumps the queue version) and each new 5-minute mark (priorities rise while mentions wait) read
both parts again. The count is the order's length; the older items (before the range's first
day) are counted apart, cached the same way, so the page can say how many it does not list.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from config import BusinessHours
from store import queue, touched
from ui import context
from ui.context import Context

#: a far first day for a range with no start (the stamp of "every day up to ...").
FIRST_DAY = date(1970, 1, 1)


def _stamp(days: touched.State, filters: queue.QueueFilters) -> tuple[int, int]:
    last = filters.end or date.max
    return days.stamp(filters.start or FIRST_DAY, last)


#: how many parts' keys and counts are kept per server (each at most a few MB at 100,000 open mentions).
KEPT_PARTS = 32


class _Kept:
    """Parts' queue_keys and counts as last read, each with the queue version it was read at, under
    (what, database, part) and then (its days' stamp, the order's 5-minute mark, SLA settings): one
    entry per part, the newest. A queue action moves the queue version, and the next read patches the
    kept part from the store's record of what the action changed (store.queue.changed_since) instead
    of reading it all again; a write into the part's days or a new 5-minute mark reads it again."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], int, Any]] = OrderedDict()

    def get(self, part: tuple[Any, ...], when: tuple[Any, ...]) -> tuple[int, Any] | None:
        with self.lock:
            found = self.items.get(part)
            if found is None or found[0] != when:
                return None
            self.items.move_to_end(part)
            return found[1], found[2]

    def put(self, part: tuple[Any, ...], when: tuple[Any, ...], version: int, value: Any) -> None:
        with self.lock:
            found = self.items.get(part)
            if found is not None and found[0] == when and found[1] > version:
                return  # another session already keeps a newer one
            self.items[part] = (when, version, value)
            self.items.move_to_end(part)
            while len(self.items) > KEPT_PARTS:
                self.items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _kept() -> _Kept:
    return _Kept()


def _timing_key(timing: Mapping[str, Any]) -> tuple[Any, ...]:
    hours = context.HASH_FUNCS[BusinessHours]
    return (
        timing["now"],
        tuple(sorted(timing["sla_hours"].items())),
        tuple(sorted((name, hours(value)) for name, value in timing["business_hours"].items())),
    )


def _keys(
    ctx: Context, stamp: tuple[int, int], filters: queue.QueueFilters, queue_version: int, timing: dict[str, Any]
) -> pd.DataFrame:
    """One part's queue_keys at `queue_version`, kept under its days' stamp: patched after queue actions."""
    part, when = ("keys", context.HASH_FUNCS[Engine](ctx.engine), filters), (stamp, _timing_key(timing))
    kept = _kept().get(part, when)
    if kept is not None and kept[0] == queue_version:
        return kept[1]
    with ctx.engine.connect() as conn:
        changed = (
            queue.changed_since(conn, kept[0], queue_version) if kept is not None and kept[0] < queue_version else None
        )
        if kept is not None and changed is not None:
            frame = queue.patch_keys(conn, kept[1], filters, changed, **timing)
        else:
            frame = queue.queue_keys(conn, filters, **timing)
    _kept().put(part, when, queue_version, frame)
    return frame


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600, hash_funcs=context.HASH_FUNCS)
def _order(
    _ctx: Context,
    engine: Engine,
    stamps: tuple[tuple[int, ...], ...],
    parts: tuple[queue.QueueFilters, ...],
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, Any],
) -> list[int]:
    """The merged order of `parts` (each under its stamp, then the queue version): one merge per change,
    not per rerun."""
    timing = {"now": now, "sla_hours": sla_hours, "business_hours": business_hours}
    frames = [_keys(_ctx, (s[0], s[1]), p, s[2], timing) for s, p in zip(stamps, parts, strict=True)]
    return queue.merge_keys(frames)


def _count(ctx: Context, stamp: tuple[int, int], filters: queue.QueueFilters, queue_version: int) -> int:
    """queue_count(filters) at `queue_version`, kept under its days' stamp: after queue actions it is read
    again only when one of the changed mentions lies in the filters' days (store.queue.touches)."""
    part, when = ("count", context.HASH_FUNCS[Engine](ctx.engine), filters), (stamp,)
    kept = _kept().get(part, when)
    if kept is not None and kept[0] == queue_version:
        return int(kept[1])
    with ctx.engine.connect() as conn:
        changed = (
            queue.changed_since(conn, kept[0], queue_version) if kept is not None and kept[0] < queue_version else None
        )
        if kept is not None and changed is not None and not queue.touches(conn, filters, changed):
            count = int(kept[1])
        else:
            count = queue.queue_count(conn, filters)
    _kept().put(part, when, queue_version, count)
    return count


def _timing(ctx: Context, minute: str) -> dict[str, Any]:
    bucket = pd.Timestamp(minute).floor(f"{context.QUEUE_ORDER_MINUTES}min").to_pydatetime()
    return {
        "now": bucket,
        "sla_hours": context.sla_hours(ctx.config),
        "business_hours": context.business_hours(ctx.config),
    }


def order(ctx: Context, versions: tuple[int, int], filters: queue.QueueFilters, minute: str) -> list[int]:
    """The ids of every mention the queue lists, most urgent first, as of `minute`'s 5-minute mark:
    store.queue.queue_order's list, read in parts kept across collections."""
    days = context.read(ctx.engine, touched.state, versions[0])
    parts = tuple(queue.split(filters))
    stamps = tuple((*_stamp(days, part), versions[1]) for part in parts)
    timing = _timing(ctx, minute)
    return _order(ctx, ctx.engine, stamps, parts, timing["now"], timing["sla_hours"], timing["business_hours"])


def rows(ctx: Context, versions: tuple[int, int], ids: list[int], minute: str, offset: int, limit: int) -> pd.DataFrame:
    """A page of the queue (a slice of `order`), scored as of `minute`."""
    timing = _timing(ctx, minute)
    page = context.read(ctx.engine, queue.queue_rows, versions, tuple(ids[offset : offset + limit]), **timing)
    stamp = pd.Timestamp(minute).to_pydatetime()
    return queue.rescore(page, stamp, timing["business_hours"])


def older_count(ctx: Context, versions: tuple[int, int], filters: queue.QueueFilters) -> int:
    """How many mentions match the filters on the days before their range (0 when it has no start)."""
    before = queue.older(filters)
    if before is None:
        return 0
    days = context.read(ctx.engine, touched.state, versions[0])
    return _count(ctx, _stamp(days, before), before, versions[1])


@st.cache_data(show_spinner=False, max_entries=8, ttl=3600, hash_funcs=context.HASH_FUNCS)
def _assignees(engine: Engine, stamp: tuple[int, ...]) -> list[str]:
    with engine.connect() as conn:
        return queue.assignees(conn)


def assignees(ctx: Context, versions: tuple[int, int]) -> list[str]:
    """store.queue.assignees, kept across collections: only a queue action (the queue version) sets
    an assignee, and only a write that did not say which days it touched (retention, erasure:
    store.touched) removes states; a collection does neither."""
    days = context.read(ctx.engine, touched.state, versions[0])
    unrecorded = days.stamp(date.max, date.max)  # no write records the last representable day
    return _assignees(ctx.engine, (*unrecorded, versions[1]))
