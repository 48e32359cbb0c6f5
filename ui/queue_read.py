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

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from store import queue, touched
from ui import context
from ui.context import Context

#: a far first day for a range with no start (the stamp of "every day up to ...").
FIRST_DAY = date(1970, 1, 1)


def _stamp(days: touched.State, filters: queue.QueueFilters) -> tuple[int, int]:
    last = filters.end or date.max
    return days.stamp(filters.start or FIRST_DAY, last)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600, hash_funcs=context.HASH_FUNCS)
def _keys(
    engine: Engine,
    stamp: tuple[int, ...],
    filters: queue.QueueFilters,
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, Any],
) -> pd.DataFrame:
    """One part's queue_keys, kept under its days' stamp and the queue version (`stamp`)."""
    with engine.connect() as conn:
        return queue.queue_keys(conn, filters, now=now, sla_hours=sla_hours, business_hours=business_hours)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600, hash_funcs=context.HASH_FUNCS)
def _order(
    engine: Engine,
    stamps: tuple[tuple[int, ...], ...],
    parts: tuple[queue.QueueFilters, ...],
    now: datetime,
    sla_hours: dict[str, float],
    business_hours: Mapping[str, Any],
) -> list[int]:
    """The merged order of `parts` (each under its stamp): one merge per change, not per rerun."""
    frames = [_keys(engine, s, p, now, sla_hours, business_hours) for s, p in zip(stamps, parts, strict=True)]
    return queue.merge_keys(frames)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600, hash_funcs=context.HASH_FUNCS)
def _count(engine: Engine, stamp: tuple[int, ...], filters: queue.QueueFilters) -> int:
    with engine.connect() as conn:
        return queue.queue_count(conn, filters)


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
    return _order(ctx.engine, stamps, parts, timing["now"], timing["sla_hours"], timing["business_hours"])


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
    return _count(ctx.engine, (*_stamp(days, before), versions[1]), before)


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
