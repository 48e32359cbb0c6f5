"""The hourly rollups a write keeps are exactly a full recompute, column for column (store.writer).

A write adds its new mentions' sums to rollup_hourly (add_new_rollups) and recomputes only the hours of
rows it updated; label corrections and rejudges recompute their hours, forget and retention leave the
counted columns alone. After random rounds of all of these every rollup row must equal what
refresh_rollups computes from the stored mentions: integers equal, and sentiment_sum the same float bit
for bit (whole units of 1e-4, writer.SENTIMENT_UNITS), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from collectors import demo
from pipeline import privacy, rejudge, retention
from pipeline.ingest import ingest
from store import queue, writer
from store.accounts import Account
from store.schema import mention_state, mentions, rollup_hourly
from tests.conftest import FIXED_NOW, builtin_demo_config
from tests.test_concurrent_ingest import _frames, _race

CONFIG = builtin_demo_config()  # never the user's monitor.toml (the tests run in any checkout)
EVERYTHING = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
KEYS = [c.name for c in rollup_hourly.primary_key.columns]


def _rows(conn: Any) -> list[tuple]:
    return sorted(
        (tuple(r) for r in conn.execute(select(rollup_hourly).order_by(*rollup_hourly.primary_key.columns))),
        key=lambda r: tuple(str(v) for v in r[: len(KEYS)]),
    )


def _kept_and_recomputed(engine: Engine) -> tuple[list[tuple], list[tuple]]:
    """rollup_hourly as the writes left it, and as a recompute of every hour gives it (rolled back)."""
    with engine.connect() as conn:
        kept = _rows(conn)
        writer.refresh_rollups(conn, [EVERYTHING])
        recomputed = _rows(conn)
        conn.rollback()
    return kept, recomputed


def assert_exact(engine: Engine) -> None:
    kept, recomputed = _kept_and_recomputed(engine)
    assert len(kept) == len(recomputed)
    for mine, whole in zip(kept, recomputed, strict=True):
        assert mine == whole  # every column; sentiment_sum as the same float, not close to it
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(mentions)).scalar_one()
    assert sum(r[rollup_hourly.c.keys().index("mentions")] for r in kept) == stored


def _batch(rng: random.Random, n: int) -> pd.DataFrame:
    """New demo mentions over the same few days (hours shared with earlier batches)."""
    return demo.generate(n, days=3, seed=rng.randrange(10**6), end=FIXED_NOW, id_base=rng.randrange(10**9))


def _updated(engine: Engine, rng: random.Random, n: int) -> pd.DataFrame:
    """Stored mentions collected again with other counts, beside a few new ones in the same hours."""
    with engine.connect() as conn:
        stored = pd.DataFrame(conn.execute(select(mentions).order_by(mentions.c.id)).mappings().all())
    frame = _batch(rng, 2 * n)  # about 2n rows
    again = stored.sample(n=min(n, len(stored), len(frame)), random_state=rng.randrange(10**6))
    chosen = frame.head(len(again)).copy()
    for column in ("platform", "post_id", "kind", "brand", "is_own"):
        chosen[column] = again[column].to_numpy()
    chosen["created_at"] = pd.to_datetime(again["created_at"], utc=True, format="mixed").to_numpy()
    chosen["likes"] = [rng.randrange(0, 5000) for _ in range(len(chosen))]
    chosen["views"] = [rng.choice([None, rng.randrange(1, 10**6)]) for _ in range(len(chosen))]
    return pd.concat([chosen, frame.tail(n // 3)], ignore_index=True)


def _correct_labels(engine: Engine, rng: random.Random, n: int) -> None:
    with engine.begin() as conn:
        ids = [int(r[0]) for r in conn.execute(select(mentions.c.id).where(~mentions.c.is_own))]
        for mention_id in rng.sample(ids, min(n, len(ids))):
            version = conn.execute(select(mention_state.c.version).where(mention_state.c.mention_id == mention_id))
            label = rng.choice(["positive", "neutral", "negative", None])
            done = queue.correct_sentiment(conn, mention_id, version.scalar() or 0, label, Account("Ann", "responder"))
            assert done.ok


def _forget_someone(engine: Engine, rng: random.Random) -> None:
    with engine.connect() as conn:
        found = conn.execute(
            select(mentions.c.platform, mentions.c.author_handle)
            .where(~mentions.c.is_own, mentions.c.author_handle.is_not(None))
            .limit(50)
        ).all()
    platform, handle = rng.choice(found)
    privacy.forget(engine, str(platform), str(handle), actor="cli:test", now=FIXED_NOW)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_writes_keep_rollups_equal_to_a_recompute(engine: Engine, seed: int) -> None:
    rng = random.Random(seed)
    ingest(engine, _batch(rng, 200), CONFIG.brands)  # into the empty store
    assert_exact(engine)
    steps = ["new", "new", "updated", "labels", "new", "forget", "updated", "retention", "new", "rejudge", "new"]
    rng.shuffle(steps)
    for step in steps:
        if step == "new":
            ingest(engine, _batch(rng, rng.randrange(20, 150)), CONFIG.brands)
        elif step == "updated":
            ingest(engine, _updated(engine, rng, rng.randrange(10, 60)), CONFIG.brands)
        elif step == "labels":
            _correct_labels(engine, rng, 8)
        elif step == "forget":
            _forget_someone(engine, rng)
        elif step == "retention":
            days = rng.randrange(1, 3)
            brands = tuple(dataclasses.replace(b, retain_days=days) for b in CONFIG.brands)
            retention.apply_retention(engine, dataclasses.replace(CONFIG, brands=brands), FIXED_NOW)
        elif step == "rejudge":
            rejudge.rejudge(engine, CONFIG)
        assert_exact(engine)


def test_a_write_of_new_mentions_recomputes_no_hour(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """New mentions in hours already summed: their sums are added, nothing is recomputed."""
    rng = random.Random(3)
    ingest(sqlite_engine, _batch(rng, 200), CONFIG.brands)
    ranges: list[list[tuple[datetime, datetime]]] = []
    refresh = writer.refresh_rollups

    def recorded(conn: Any, these: list[tuple[datetime, datetime]]) -> None:
        ranges.append(these)
        refresh(conn, these)

    monkeypatch.setattr(writer, "refresh_rollups", recorded)
    ingest(sqlite_engine, _batch(rng, 100), CONFIG.brands)
    assert ranges == [[]]
    ingest(sqlite_engine, _updated(sqlite_engine, rng, 5), CONFIG.brands)  # known rows: their hours, whole
    assert len(ranges) == 2 and ranges[1]
    assert_exact(sqlite_engine)


def test_a_stored_sum_gives_its_units_back() -> None:
    """What add_new_rollups relies on: a stored k / 1e4 times 1e4, rounded, is k again, far beyond any hour's
    sum (|k| up to 1e12 here: 100 million compounds of 1.0)."""
    rng = random.Random(4)
    units = writer.SENTIMENT_UNITS
    for k in [*(rng.randrange(-(10**12), 10**12) for _ in range(100_000)), 1, -1, 0, 10**12, -(10**12)]:
        assert round((k / units) * units) == k


@pytest.mark.postgres
def test_postgres_two_writers_at_once_keep_exact_rollups(
    pg_engine: Engine, second_pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(pg_engine, demo.generate(50, days=1, seed=30, follow_ups=False), list(CONFIG.brands))
    one, two = _frames()
    _race(pg_engine, second_pg_engine, one, two, monkeypatch)  # the same hours, other posts
    assert_exact(pg_engine)
    later = two.assign(likes=two["likes"].fillna(0) + 7)
    _race(pg_engine, second_pg_engine, one.assign(likes=3), later, monkeypatch)  # both update stored rows
    assert_exact(pg_engine)


@pytest.mark.postgres
def test_postgres_the_same_posts_at_once_keep_exact_rollups(
    pg_engine: Engine, second_pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B looked the posts up as new while A had them uncommitted: its upsert updates them (not inserted), so
    their hours are recomputed, not added twice."""
    ingest(pg_engine, demo.generate(50, days=1, seed=30, follow_ups=False), list(CONFIG.brands))
    frame, _ = _frames()
    _race(pg_engine, second_pg_engine, frame, frame.assign(likes=frame["likes"].fillna(0) + 11), monkeypatch)
    assert_exact(pg_engine)
