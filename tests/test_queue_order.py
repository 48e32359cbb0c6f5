"""Queue pages as slices of one ordered id list (store.queue.queue_order + queue_rows, used by
ui.queue_read, which reads the order in day parts merged by store.queue.merge_keys: see
tests/test_queue_parts.py): every page is exactly the page queue_page reads with LIMIT / OFFSET.
On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine

from config import BusinessHours, load_config
from pipeline.seed import seed_demo
from store import queue
from tests.conftest import FIXED_NOW

SLA = {"Acme": 4.0, "Globex": 2.0}


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=800, days=20, end=FIXED_NOW)
    return engine


@pytest.mark.parametrize(
    "filters",
    [
        queue.QueueFilters(brands=("Acme",)),
        queue.QueueFilters(brands=("Acme", "Globex"), platforms=("x", "reddit")),
        queue.QueueFilters(brands=("Acme",), statuses=("replied",), start=FIXED_NOW.date() - timedelta(days=5)),
    ],
)
@pytest.mark.parametrize("hours", [None, "business"])
def test_every_page_is_the_limit_offset_page(seeded: Engine, filters: queue.QueueFilters, hours: str | None) -> None:
    business = None
    if hours:
        business = {"Acme": BusinessHours(timezone="Europe/Berlin", hours="09:00-17:00", days=("mon", "tue", "wed"))}
    now = FIXED_NOW - timedelta(hours=2)
    timing = {"now": now, "sla_hours": SLA, "business_hours": business}
    with seeded.connect() as conn:
        order = queue.queue_order(conn, filters, **timing)
        assert len(order) == queue.queue_count(conn, filters) > 7
        for offset in (0, 7, len(order) - 3, len(order) + 5):
            page = queue.queue_page(conn, filters, limit=7, offset=offset, **timing)
            rows = queue.queue_rows(conn, tuple(order[offset : offset + 7]), **timing)
            pd.testing.assert_frame_equal(rows, page)
