"""The Engagement page's top authors read incrementally (store.reader.top_authors_split through
ui.context.read: the days before the last kept by their stamp, the last day asked only for the
authors that could reach the top) give exactly a full recompute over the whole range after every
kind of write: a collection on the last day, a newcomer with a viral post, a backdated mention that
lifts an author from outside the top, and a reach that only the last day reports. On SQLite, and on
PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from collectors import demo
from config import load_config
from pipeline.ingest import ingest
from pipeline.seed import seed_demo
from store import reader
from tests.conftest import FIXED_NOW
from ui import context

FILTERS = reader.Filters(brands=("Acme",), start=FIXED_NOW.date() - timedelta(days=13), end=FIXED_NOW.date())
ORDERS = ("engagements", "followers")
LIMITS = (1, 3, 10)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=800, days=20, end=FIXED_NOW)
    return engine


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    context.read.clear()
    context._read_part.clear()


@pytest.fixture
def last_day_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many author rows each read of the last day's authors (not by handles) returned."""
    rows: list[int] = []
    original = reader.author_ranks

    def counted(conn: Any, filters: reader.Filters, **kwargs: Any) -> pd.DataFrame:
        found = original(conn, filters, **kwargs)
        if filters.start == FILTERS.end and kwargs.get("handles") is None:
            rows.append(len(found))
        return found

    counted.__module__, counted.__qualname__ = original.__module__, original.__qualname__
    monkeypatch.setattr(reader, "author_ranks", counted)
    return rows


def incremental_equals_full(engine: Engine) -> dict[tuple[str, int], pd.DataFrame]:
    """Every order and limit, read as the page reads it, equals the whole read of the range."""
    with engine.connect() as conn:
        versions = reader.versions(conn)
        found = {}
        for by in ORDERS:
            for limit in LIMITS:
                page = context.read(engine, reader.top_authors, versions, FILTERS, by=by, limit=limit)
                full = reader.top_authors(conn, FILTERS, by=by, limit=limit)
                assert list(page.columns) == list(full.columns)
                pd.testing.assert_frame_equal(
                    page.reset_index(drop=True), full.reset_index(drop=True), check_dtype=False
                )
                found[(by, limit)] = page
    return found


def mention(base: pd.DataFrame, post_id: str, when: pd.Timestamp, handle: str, **values: Any) -> pd.DataFrame:
    row = base[(base["platform"] == "x") & ~base["is_own"] & (base["brand"] == "Acme")].iloc[[0]].copy()
    row["post_id"], row["created_at"], row["parent_id"], row["author_handle"] = post_id, when, None, handle
    row["text"] = "@acme the new release is great"
    for column, value in values.items():
        row[column] = value
    return row.reset_index(drop=True)


def test_incremental_top_authors_equal_a_full_recompute_after_each_write(
    seeded: Engine, last_day_rows: list[int]
) -> None:
    config, base = load_config(None), demo.generate(50, days=10, seed=5, end=FIXED_NOW)
    last_day = pd.Timestamp(FILTERS.end_at) - timedelta(hours=1)
    first = incremental_equals_full(seeded)
    fifth = first[("engagements", 10)].iloc[4]
    with seeded.connect() as conn:
        everyone = reader.author_ranks(conn, FILTERS, limit=None)
        on_last_day = len(
            reader.author_ranks(conn, reader.Filters(FILTERS.brands, (), FILTERS.end, FILTERS.end), limit=None)
        )
    ranked = everyone.sort_values(["engagements", "mentions"], ascending=False)
    outside = ranked.iloc[40]  # far from the top: only a backdated mention can lift them

    # a collection on the last day (ordinary engagement): the last day is asked for a few authors, not all
    last_day_rows.clear()
    ingest(seeded, mention(base, "c-1", last_day, "c_someone", likes=1, views=100), config.brands)
    incremental_equals_full(seeded)
    assert last_day_rows and max(last_day_rows) < on_last_day

    # a newcomer with a viral post on the last day tops the list
    ingest(seeded, mention(base, "viral", last_day, "c_viral", likes=10**7, author_followers=10**9), config.brands)
    found = incremental_equals_full(seeded)
    assert found[("engagements", 1)]["author_handle"].iloc[0] == "c_viral"
    assert found[("followers", 1)]["author_handle"].iloc[0] == "c_viral"

    # a backdated mention (ten days ago) lifts an author from far outside the top
    lifted = mention(
        base, "old-lift", last_day - timedelta(days=10), str(outside["author_handle"]), likes=10**6, views=None
    )
    lifted["platform"] = outside["platform"]
    ingest(seeded, lifted, config.brands)
    found = incremental_equals_full(seeded)
    assert found[("engagements", 3)]["author_handle"].iloc[1] == outside["author_handle"]

    # a last-day post lifts the fifth author (known from the days before) above the backdated one
    lift = mention(base, "lift-5", last_day, str(fifth["author_handle"]), likes=2 * 10**6, author_followers=None)
    lift["platform"] = fifth["platform"]
    ingest(seeded, lift, config.brands)
    found = incremental_equals_full(seeded)
    assert found[("engagements", 3)]["author_handle"].iloc[1] == fifth["author_handle"]

    # a backdated reach larger than every other: tops the followers order, nothing else moves
    ingest(
        seeded,
        mention(base, "old-reach", last_day - timedelta(days=6), "c_reach", likes=0, author_followers=10**10),
        config.brands,
    )
    found = incremental_equals_full(seeded)
    assert found[("followers", 1)]["author_handle"].iloc[0] == "c_reach"
