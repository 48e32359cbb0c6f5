"""The reply queue's reads, kept across collections: the order, the count, a page, the older items.

The queue's order (store.queue.queue_order) is read in two parts, the days before the range's
last day and the last day (store.queue.split), each with its sort key (store.queue.queue_keys)
and cached under the stamp of its days (store.touched), the queue version and the order's
5-minute mark; store.queue.merge_keys joins them into the order one read over the whole range
gives. A collection writes new mentions into today, so the next rerun re-reads only today's
flagged mentions and merges them in; the days before keep their cached part. A queue action (it
bumps the queue version and records which mentions it changed) patches each kept part: only those
mentions are read again (store.queue.changed_since, patch_keys). A new 5-minute mark (priorities
rise while mentions wait) reads a part again unless it is settled (store.queue.settled: every
mention in it has breached its SLA, so its priorities no longer move). The count is the order's
length; the older items (before the range's first day) are counted apart, kept the same way, so
the page can say how many it does not list. Settled parts and the older count are also kept in the
store (store.readcache) with their queue version: a restarted server patches them from there.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Connection, Engine

from config import BusinessHours
from store import queue, readcache, touched
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
        self.items: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Any, Any]] = OrderedDict()

    def get(self, part: tuple[Any, ...], when: tuple[Any, ...]) -> tuple[Any, Any] | None:
        with self.lock:
            found = self.items.get(part)
            if found is None or found[0] != when:
                return None
            self.items.move_to_end(part)
            return found[1], found[2]

    def put(self, part: tuple[Any, ...], when: tuple[Any, ...], version: Any, value: Any) -> None:
        """`version` orders what is kept: an older one never replaces a newer one."""
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


def _settings_key(timing: Mapping[str, Any]) -> tuple[Any, ...]:
    hours = context.HASH_FUNCS[BusinessHours]
    return (
        tuple(sorted(timing["sla_hours"].items())),
        tuple(sorted((name, hours(value)) for name, value in timing["business_hours"].items())),
    )


#: what stands for the 5-minute mark in a settled part's key: its keys no longer change with time.
SETTLED = "settled"


def _stored_key(
    name: str, filters: queue.QueueFilters, settings: tuple[Any, ...], stamp: tuple[int, int]
) -> tuple[str, str]:
    """(key, slot) of a part kept in the store (store.readcache): the slot is the read, its arguments
    and the code; the key adds the part's days' stamp."""
    slot = hashlib.sha256(
        f"{readcache.code_key()}\x1fui.queue_read.{name}\x1f{filters!r}\x1f{settings!r}".encode()
    ).hexdigest()
    return hashlib.sha256(f"{slot}\x1f{stamp!r}".encode()).hexdigest(), slot


def _patched(
    ctx: Context,
    kept: tuple[int, Any] | None,
    queue_version: int,
    patch: Callable[[Connection, Any, frozenset[int]], Any | None],
    read: Callable[[Connection], Any],
) -> tuple[Any, bool]:
    """`kept` (a value read at an earlier queue version) brought to `queue_version` by `patch`, or read
    again when the store does not say what changed since (or `patch` gives None); True when read again."""
    with ctx.engine.connect() as conn:
        if kept is not None and kept[0] == queue_version:
            return kept[1], False
        if kept is not None and kept[0] < queue_version:
            changed = queue.changed_since(conn, kept[0], queue_version)
            if changed is not None:
                value = patch(conn, kept[1], changed)
                if value is not None:
                    return value, False
        return read(conn), True


def _from_store(ctx: Context, stored: tuple[str, str]) -> tuple[tuple[int, Any] | None, str | None]:
    """(queue version, value) of a stored part, or None; and the erasure epoch readcache.save takes."""
    found, value, epoch = readcache.load(ctx.engine, stored[0])
    if not found or not isinstance(value, tuple) or len(value) != 2 or not isinstance(value[0], int):
        return None, epoch
    return (value[0], value[1]), epoch


#: more days touched since a kept part was read than this: read it all again instead of those days.
MOVED_DAYS_LIMIT = 7


def _recorded(stamp: tuple[int, int]) -> bool:
    """A stamp of recorded writes only (store.touched: an unrecorded one may have changed any day)."""
    return stamp[0] >= 0 and stamp[1] == 0


def _moved_days(days: touched.State, filters: queue.QueueFilters, since: int) -> list[date] | None:
    """The days of the filters' range that writes after data version `since` touched (store.touched),
    or None when that cannot be told (an unrecorded write, a write that touched every day, too many)."""
    if days.every_day > since or days.through != days.data_version:
        return None
    first, last = filters.start or FIRST_DAY, filters.end or date.max
    moved = sorted(d for d, v in days.days.items() if first <= d <= last and v > since)
    return moved if len(moved) <= MOVED_DAYS_LIMIT else None


def _keys(
    ctx: Context,
    days: touched.State,
    stamp: tuple[int, int],
    filters: queue.QueueFilters,
    queue_version: int,
    timing: dict[str, Any],
) -> pd.DataFrame:
    """One part's queue_keys at `queue_version` and its days' `stamp`, from the part as last read:
    patched after queue actions (the mentions they changed read again) and after writes into its days
    (the days they touched read again); read whole when neither can be told. A settled part
    (store.queue.settled: every mention in it has breached its SLA) is kept across 5-minute marks, and
    in the store (store.readcache) for a restarted server, with its stamp and queue version."""
    settings = _settings_key(timing)
    is_settled = queue.settled(filters, **timing)
    part = ("keys", context.HASH_FUNCS[Engine](ctx.engine), filters)
    when = (SETTLED if is_settled else timing["now"], settings)
    kept = _kept().get(part, when)
    if kept is not None and kept[0] == (stamp[0], queue_version) and kept[1][0] == stamp:
        return kept[1][1]
    stored = _latest_key("queue_keys", filters, settings) if is_settled and _recorded(stamp) else None
    epoch = None  # read before the part is (readcache.save): load's, or the epoch alone when the part is kept
    if stored is not None and kept is not None:
        epoch = readcache.epoch(ctx.engine)
    elif stored is not None:
        found, value, epoch = readcache.load(ctx.engine, stored[0])
        valid = found and isinstance(value, tuple) and len(value) == 3 and isinstance(value[2], pd.DataFrame)
        kept = ((int(value[1]), int(value[0])), ((int(value[1]), 0), value[2])) if valid else None
    frame, fresh = None, True
    with ctx.engine.connect() as conn:
        if kept is not None and _recorded(stamp) and _recorded(kept[1][0]) and kept[0] <= (stamp[0], queue_version):
            old_stamp, (old_version, value) = kept[1][0], (kept[0][1], kept[1][1])
            moved = _moved_days(days, filters, old_stamp[0]) if old_stamp != stamp else []
            changed = queue.changed_since(conn, old_version, queue_version)
            if moved is not None and changed is not None:
                if moved:
                    value = queue.patch_days(conn, value, filters, moved, **timing)
                frame, fresh = queue.patch_keys(conn, value, filters, changed, **timing), False
        if frame is None:
            frame = queue.queue_keys(conn, filters, **timing)
    _kept().put(part, when, (stamp[0], queue_version), (stamp, frame))
    if stored is not None and fresh:
        readcache.save(
            ctx.engine, stored[0], stored[1], "ui.queue_read.queue_keys", (queue_version, stamp[0], frame), epoch=epoch
        )
    return frame


def _latest_key(name: str, filters: queue.QueueFilters, settings: tuple[Any, ...]) -> tuple[str, str]:
    """(key, slot) of the one copy of a part kept in the store, whatever its stamp (the value carries it)."""
    slot = _stored_key(name, filters, settings, (0, 0))[1]
    return hashlib.sha256(f"{slot}\x1flatest".encode()).hexdigest(), slot


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600, hash_funcs=context.HASH_FUNCS)
def _order(
    _ctx: Context,
    _days: touched.State,
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
    frames = [_keys(_ctx, _days, (s[0], s[1]), p, s[2], timing) for s, p in zip(stamps, parts, strict=True)]
    return queue.merge_keys(frames)


def _count(ctx: Context, stamp: tuple[int, int], filters: queue.QueueFilters, queue_version: int) -> int:
    """queue_count(filters) at `queue_version`, kept under its days' stamp (in memory, and in the store
    for a restarted server): after queue actions it is read again only when one of the changed mentions
    lies in the filters' days (store.queue.touches)."""
    part, when = ("count", context.HASH_FUNCS[Engine](ctx.engine), filters), (stamp,)
    kept = _kept().get(part, when)
    if kept is not None and kept[0] == queue_version:
        return int(kept[1])
    closed = filters.end is not None and filters.end < datetime.now(UTC).date()  # today's stamp moves all day
    stored = _stored_key("queue_count", filters, (), stamp) if closed and stamp[0] >= 0 else None
    epoch = None  # read before the count is (readcache.save): load's, or the epoch alone when the count is kept
    if stored is not None and kept is not None:
        epoch = readcache.epoch(ctx.engine)
    elif stored is not None:
        kept, epoch = _from_store(ctx, stored)
    count, fresh = _patched(
        ctx,
        kept,
        queue_version,
        lambda conn, value, changed: None if queue.touches(conn, filters, changed) else int(value),
        lambda conn: queue.queue_count(conn, filters),
    )
    _kept().put(part, when, queue_version, int(count))
    if stored is not None and fresh:
        readcache.save(
            ctx.engine, stored[0], stored[1], "ui.queue_read.queue_count", (queue_version, int(count)), epoch=epoch
        )
    return int(count)


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
    return _order(ctx, days, ctx.engine, stamps, parts, timing["now"], timing["sla_hours"], timing["business_hours"])


def rows(ctx: Context, versions: tuple[int, int], ids: list[int], minute: str, offset: int, limit: int) -> pd.DataFrame:
    """A page of the queue (a slice of `order`), scored as of `minute`."""
    timing = _timing(ctx, minute)
    return _rows(
        ctx,
        ctx.engine,
        versions,
        tuple(ids[offset : offset + limit]),
        minute,
        timing["sla_hours"],
        timing["business_hours"],
    )


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=context.HASH_FUNCS)
def _rows(
    _ctx: Context,
    engine: Engine,
    versions: tuple[int, int],
    ids: tuple[int, ...],
    minute: str,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, Any],
) -> pd.DataFrame:
    """`rows`, kept for the minute: a rerun within it (a click, a page already seen) reads and scores
    nothing again. Read and scored once, as of the minute (not read at the 5-minute mark, then rescored)."""
    with engine.connect() as conn:
        return queue.queue_rows(
            conn, ids, now=pd.Timestamp(minute).to_pydatetime(), sla_hours=sla_hours, business_hours=business_hours
        )


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
