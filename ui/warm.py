"""Fill the store's part cache ahead of the pages (issue 14: the first server on a store).

A dashboard process keeps the closed days' parts of its reads in the store (store.readcache), so a
restarted server renders from them. The first server on a store, or the first after a deploy of
changed analysis code (the cache's code key) or an erasure (which empties the cache), finds none and
computes them in the user's first render: at 10.5M mentions on PostgreSQL the Overview took 27.5 s and
Sentiment 15.3 s (bench/README "PostgreSQL at 10M").

`fill` runs what the pages run for each brand's default selection (the sidebar's: the brand, all
platforms, the 30 days up to the last stored day) through the very same functions, in a process of its
own (`cli.py warm`, which the scheduler starts at its start and every WARM_MINUTES): every closed part
it computes is stored under the same key a page asks for, and a page renders from whatever is ready
(a part not ready yet is computed by the page as before). The numbers are the pages' own: the same
code computes them, only earlier.

Bounded memory: Streamlit's in-memory caches of this process are emptied after each brand.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import streamlit as st

from store import queue
from store.reader import Filters
from ui import charts, context, metrics, queue_read, views
from ui.context import Context

log = logging.getLogger(__name__)

#: the pages' defaults (pages/*.py): tests/test_warm.py checks that a page's first render after `fill`
#: computes no closed part, so a page that changes what it reads fails there, not silently here.
SENTIMENT_TOP = 8
SENTIMENT_TERMS_SAMPLE = 2000
ENGAGEMENT_TOP = 10
#: the sidebar's default range: this many days up to the last stored day (ui.filters.sidebar).
DEFAULT_DAYS = 30
PAGES = ("overview", "sentiment", "engagement", "queue")


@dataclass
class Filled:
    """What `fill` did: seconds per (brand, page), and the pages that failed (with the error's kind)."""

    seconds: dict[tuple[str, str], float] = field(default_factory=dict)
    failed: dict[tuple[str, str], str] = field(default_factory=dict)


def default_selection(ctx: Context, brand: str) -> Filters | None:
    """The sidebar's selection for `brand` before anything is picked (None when nothing is stored)."""
    data_version = context.version(ctx)
    days, _ = context.stored_range(ctx, data_version)
    if days is None:
        return None
    first, last = days
    return Filters(brands=(brand,), platforms=(), start=max(first, last - timedelta(days=DEFAULT_DAYS - 1)), end=last)


def brand_order(ctx: Context) -> list[str]:
    """The brands in the sidebar's order (own brands first): the first is what a user meets."""
    own = [b.name for b in ctx.config.own_brands()]
    return own + [b.name for b in ctx.config.brands if b.name not in own]


def _app(ctx: Context, selected: Filters) -> None:
    context.demo_note(ctx, selected)


def _overview(ctx: Context, selected: Filters) -> None:
    versions = context.versions(ctx)
    brand = selected.brands[0]
    config = ctx.config
    metrics.kpis(
        ctx.engine,
        versions,
        selected,
        tuple(context.rivals(config, brand)),
        context.sla_hours(config),
        context.now_minute(),
        context.business_hours(config),
        tuple(config.brands),
    )
    period = charts.period_for(selected.start, selected.end)
    views.overview_charts(ctx.engine, versions[0], selected, period)
    views.satisfaction_charts(ctx.engine, versions[0], selected, period)


def _sentiment(ctx: Context, selected: Filters) -> None:
    versions = context.versions(ctx)
    brand = selected.brands[0]
    period = charts.period_for(selected.start, selected.end)
    views.sentiment_charts(ctx.engine, versions[0], selected, tuple(context.rivals(ctx.config, brand)), period)
    words = tuple(context.brand_words(ctx.config, brand))
    for label in ("negative", "positive"):
        views.extremes(ctx.engine, versions[0], selected, label, SENTIMENT_TOP, words, SENTIMENT_TERMS_SAMPLE)
    views.responses(ctx.engine, versions, selected, tuple(ctx.config.brands), context.now_minute(), period)


def _engagement(ctx: Context, selected: Filters) -> None:
    data_version = context.versions(ctx)[0]
    views.engagement_mix(ctx.engine, data_version, selected)
    views.top_posts(ctx.engine, data_version, selected, "engagements", ENGAGEMENT_TOP)
    views.top_authors(ctx.engine, data_version, selected, "engagements", ENGAGEMENT_TOP)
    views.heatmap(ctx.engine, data_version, selected, "mentions")


def _queue(ctx: Context, selected: Filters) -> None:
    own = [b.name for b in ctx.config.own_brands()]
    if not own:
        return
    versions = context.versions(ctx)
    minute = context.now_minute()
    wanted = queue.QueueFilters(
        brands=tuple([b for b in selected.brands if b in own] or own),
        platforms=(),
        statuses=tuple(queue.OPEN),
        assignee=None,
        start=selected.start,
        end=selected.end,
    )
    queue_read.assignees(ctx, versions)
    queue_read.order(ctx, versions, wanted, minute)
    queue_read.older_count(ctx, versions, wanted)


WARMERS: dict[str, Callable[[Context, Filters], None]] = {
    "overview": _overview,
    "sentiment": _sentiment,
    "engagement": _engagement,
    "queue": _queue,
}


def forget_memory() -> None:
    """Empty this process's Streamlit caches (what was computed is in the store by now)."""
    st.cache_data.clear()
    st.cache_resource.clear()


def fill(
    ctx: Context,
    brands: Sequence[str] | None = None,
    pages: Sequence[str] = PAGES,
    stop: Callable[[], bool] = lambda: False,
) -> Filled:
    """Run the pages' reads for each brand's default selection, so their closed parts are in the store.

    A page that fails is logged and left (the page computes it itself later); `stop` is asked between
    pages. Streamlit's in-memory caches are emptied after each brand (bounded memory)."""
    unknown = [p for p in pages if p not in WARMERS]
    if unknown:
        raise ValueError(f"unknown page(s): {', '.join(unknown)} (known: {', '.join(WARMERS)})")
    order = brand_order(ctx)
    chosen = list(brands) if brands else order
    missing = [b for b in chosen if b not in order]
    if missing:
        raise ValueError(f"unknown brand(s): {', '.join(missing)} (configured: {', '.join(order)})")
    done = Filled()
    for brand in chosen:
        selected = default_selection(ctx, brand)
        if selected is None:
            log.info("warm: nothing stored yet")
            break
        for page in ("app", *pages):
            if stop():
                return done
            started = time.perf_counter()
            try:
                (_app if page == "app" else WARMERS[page])(ctx, selected)
            except Exception as exc:  # a page's own render computes what failed here
                log.warning("warm: %s for %s failed (%s): the page will compute it", page, brand, type(exc).__name__)
                done.failed[(brand, page)] = type(exc).__name__
            done.seconds[(brand, page)] = time.perf_counter() - started
        forget_memory()
    return done


def run(url: str, config_path: str | None, brands: Sequence[str] | None, pages: Sequence[str]) -> Filled:
    """`fill` with the dashboard's engine (its connection settings) and config: what `cli.py warm` runs."""
    from config import load_config

    ctx = Context(config=load_config(config_path), engine=context._engine(url), url=url)
    try:
        return fill(ctx, brands, pages)
    finally:
        ctx.engine.dispose()
