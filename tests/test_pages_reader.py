"""The store reads the pages add (store.reader): bounded aggregates checked against the same numbers
computed in pandas over every stored row. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from analysis import engagement, response
from config import load_config
from pipeline.seed import seed_demo
from store import queue, reader
from store.accounts import Account
from store.schema import mention_state, mentions
from tests.conftest import FIXED_NOW

FILTERS = reader.Filters(brands=("Acme",), start=FIXED_NOW.date() - timedelta(days=13), end=FIXED_NOW.date())


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=800, days=20, end=FIXED_NOW)
    return engine


def all_rows(engine: Engine) -> pd.DataFrame:
    """Every mention of the filters with its state, loaded whole (fine for a test store)."""
    with engine.connect() as conn:
        frame = pd.DataFrame(
            conn.execute(
                select(
                    mentions,
                    mention_state.c.status,
                    mention_state.c.first_response_at,
                    mention_state.c.sentiment_override,
                ).select_from(mentions.outerjoin(mention_state, mention_state.c.mention_id == mentions.c.id))
            )
            .mappings()
            .all()
        )
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["first_response_at"] = pd.to_datetime(frame["first_response_at"], utc=True)
    keep = (frame["brand"] == "Acme") & ~frame["is_own"].astype(bool)
    keep &= (frame["created_at"] >= pd.Timestamp(FILTERS.start_at)) & (
        frame["created_at"] < pd.Timestamp(FILTERS.end_at)
    )
    rows = frame[keep].reset_index(drop=True)
    return pd.concat([rows, engagement.mention_engagement(rows)], axis=1)


def test_top_posts(seeded: Engine) -> None:
    rows = all_rows(seeded)
    with seeded.connect() as conn:
        by_engagement = reader.top_posts(conn, FILTERS, limit=5)
        by_views = reader.top_posts(conn, FILTERS, by="views", limit=5)
        with pytest.raises(ValueError):
            reader.top_posts(conn, FILTERS, by="likes")
    expected = rows.sort_values(["engagements", "id"], ascending=[False, True]).head(5)
    assert list(by_engagement["id"]) == list(expected["id"])
    assert list(by_views["views"]) == list(rows["views"].dropna().astype(int).sort_values(ascending=False).head(5))
    assert str(by_engagement["created_at"].dtype).startswith("datetime64")


@pytest.mark.parametrize("by", ["engagements", "followers"])
def test_top_authors(seeded: Engine, by: str) -> None:
    rows = all_rows(seeded)
    with seeded.connect() as conn:
        top = reader.top_authors(conn, FILTERS, by=by, limit=5)
    grouped = rows.groupby(["platform", "author_handle"]).agg(
        engagements=("engagements", "sum"), mentions=("id", "size"), reach=("author_followers", "max")
    )
    key = "engagements" if by == "engagements" else "reach"
    assert list(top["engagements" if by == "engagements" else "max_followers"]) == list(
        grouped[key].dropna().sort_values(ascending=False).head(5).astype(int)
    )
    first = grouped.loc[(top["platform"].iloc[0], top["author_handle"].iloc[0])]
    assert top["mentions"].iloc[0] == first["mentions"] and top["engagements"].iloc[0] == first["engagements"]
    rated = engagement.add_rates(top)
    assert rated["engagement_rate"].notna().any()


def test_hourly_totals_and_versions(seeded: Engine) -> None:
    rows = all_rows(seeded)
    with seeded.connect() as conn:
        hours = reader.hourly_totals(conn, FILTERS)
        data, queue_version = reader.versions(conn)
    assert hours["mentions"].sum() == len(rows)
    assert hours["engagements"].sum() == rows["engagements"].sum()
    assert hours["hour"].is_monotonic_increasing and (hours["hour"].dt.minute == 0).all()
    assert data > 0 and queue_version == 0


def test_extremes_respect_corrections(seeded: Engine) -> None:
    rows = all_rows(seeded)
    negative = rows[rows["sentiment_label"] == "negative"].sort_values(["sentiment", "id"])
    with seeded.connect() as conn:
        worst = reader.extreme_posts(conn, FILTERS, "negative", limit=3)
        best = reader.extreme_posts(conn, FILTERS, "positive", limit=3)
        with pytest.raises(ValueError):
            reader.extreme_posts(conn, FILTERS, "neutral")
    assert list(worst["id"]) == list(negative["id"].head(3))
    assert (best["sentiment"] >= 0.05).all() and best["sentiment"].is_monotonic_decreasing
    corrected = int(worst["id"].iloc[0])
    with seeded.begin() as conn:
        version = queue.mention_with_state(conn, corrected)["version"]  # type: ignore[index]
        assert queue.correct_sentiment(conn, corrected, version, "neutral", Account("Ann", "responder")).ok
    with seeded.connect() as conn:
        again = reader.extreme_posts(conn, FILTERS, "negative", limit=3)
        texts = reader.recent_texts(conn, FILTERS, "negative", limit=10_000)
    assert corrected not in set(again["id"])
    assert len(texts) == len(negative) - 1


def test_response_times_feed_the_response_figures(seeded: Engine) -> None:
    rows = all_rows(seeded)
    with seeded.connect() as conn:
        times = reader.response_times(conn, FILTERS, {"Acme": 4.0})
    flagged = rows[rows["needs_reply"].astype(bool)]
    assert len(times) == len(flagged)
    now = pd.Timestamp(FIXED_NOW)
    ours = response.response_stats(times, now).iloc[0]
    theirs = response.response_stats(flagged.assign(sla_hours=4.0), now).iloc[0]
    assert ours["flagged"] == theirs["flagged"] and ours["replied"] == theirs["replied"]
    assert ours["first_response_median_min"] == pytest.approx(theirs["first_response_median_min"])


def test_iso_weeks_newest_first(seeded: Engine) -> None:
    with seeded.connect() as conn:
        weeks = reader.iso_weeks(conn)
    assert weeks[0] == "2026-W47" and weeks == sorted(weeks, reverse=True)
    assert len(weeks) in (3, 4, 5)


@pytest.mark.postgres
def test_dashboard_connections_on_postgresql_read_without_jit(pg_engine: Engine) -> None:
    """Every connection of the dashboard's engine carries ui.context.DASHBOARD_POSTGRES_SETTINGS (the
    engine's connections opened before, by the migration, are dropped so none misses them)."""
    from ui import context

    url = pg_engine.url.render_as_string(hide_password=False)
    context._engine.clear()
    engine = context._engine(url)
    try:
        for _ in range(2):  # a fresh connection and one from the pool
            with engine.connect() as conn:
                for name, value in context.DASHBOARD_POSTGRES_SETTINGS:
                    assert conn.exec_driver_sql(f"SHOW {name}").scalar() == value
                assert conn.exec_driver_sql("SHOW TimeZone").scalar() == "UTC"  # the store's own setting kept
    finally:
        context._engine.clear()
        engine.dispose()
