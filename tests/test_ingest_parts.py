"""Writing in parts: a batch stored part by part (set-based look-ups per part), a stream of frames in one
transaction, and the demo seed generated and stored slice by slice. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select

from collectors import demo
from pipeline import seed
from pipeline.ingest import ingest, ingest_frames
from store import writer
from store.schema import mention_state, mentions, rollup_hourly
from tests.conftest import FIXED_NOW


def _rows() -> pd.DataFrame:
    """A brand reply before the mention it answers, then an own post and a reply to it that names no brand."""
    base = demo.generate(50, days=10, seed=3, end=FIXED_NOW)
    parent = base[(base["platform"] == "x") & ~base["is_own"]].iloc[[0]].copy()
    parent["post_id"], parent["text"] = "p1", "@acme my order is lost, still waiting for a refund"
    parent["parent_id"] = parent["thread_id"] = None
    reply = parent.copy()
    reply["post_id"], reply["parent_id"], reply["is_own"] = "r1", "p1", True
    reply["author_handle"], reply["text"] = "acme", "Sorry! Please DM us."
    reply["created_at"] = parent["created_at"] + timedelta(hours=3)
    own = parent.copy()
    own["post_id"], own["is_own"], own["author_handle"] = "own-1", True, "acme"
    own["text"] = "Our spring lineup is here."
    question = own.copy()
    question["post_id"], question["is_own"], question["author_handle"] = "q-1", False, "someone"
    question["parent_id"] = question["thread_id"] = "own-1"
    question["text"] = "when does it ship to Canada?"  # does not name the brand
    question["created_at"] = own["created_at"] + timedelta(minutes=5)
    return pd.concat([reply, parent, own, question], ignore_index=True)


def test_each_part_of_a_batch_sees_the_parts_written_before_it(engine, demo_config):
    rows = _rows()
    result = ingest(engine, rows, demo_config.brands, chunk_rows=1)  # four parts, one transaction
    assert (result.fetched, result.new, result.updated, result.replies_linked) == (4, 4, 0, 1)
    with engine.connect() as conn:
        state = conn.execute(
            select(mention_state.c.response_post_id, mention_state.c.status)
            .join(mentions, mentions.c.id == mention_state.c.mention_id)
            .where(mentions.c.post_id == "p1")
        ).one()
        needs = conn.execute(select(mentions.c.needs_reply).where(mentions.c.post_id == "q-1")).scalar()
        rolled = conn.execute(select(func.sum(rollup_hourly.c.mentions))).scalar()
    assert tuple(state) == ("r1", "replied")  # the reply came in an earlier part than its mention
    assert needs is True  # the own post it answers was stored by an earlier part
    assert rolled == 4


def test_existing_keys_finds_only_stored_pairs(engine, demo_config):
    rows = demo.generate(300, days=10, seed=4, end=FIXED_NOW)
    ingest(engine, rows, demo_config.brands)
    stored = list(zip(rows["platform"], rows["post_id"], strict=True))
    asked = [*stored[:5], stored[0], ("x", "not-stored"), (stored[1][0] + "-other", stored[1][1])]
    with engine.begin() as conn:
        assert writer.existing_keys(conn, asked) == set(stored[:5])
        assert writer.existing_keys(conn, []) == set()
        assert writer.existing_keys(conn, stored) == set(stored)  # the staged table is reused in a transaction


def test_a_key_repeated_in_a_later_frame_counts_as_stored(engine, demo_config):
    rows = demo.generate(400, days=10, seed=5, end=FIXED_NOW)
    again = rows.head(100).assign(likes=777)
    result = ingest_frames(engine, iter([rows, again]), demo_config.brands, chunk_rows=150)
    assert (result.fetched, result.new, result.updated) == (len(rows) + 100, len(rows), 100)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(mentions)).scalar() == len(rows)
        likes = conn.execute(select(mentions.c.likes).where(mentions.c.post_id.in_(again["post_id"].tolist())))
        assert {r[0] for r in likes} == {777}
        assert conn.execute(select(func.sum(rollup_hourly.c.mentions))).scalar() == len(rows)


def test_a_small_demo_set_is_one_frame_as_before():
    (only,) = seed.demo_frames(800, days=10, seed=3, end=FIXED_NOW, slice_mentions=1000)
    pd.testing.assert_frame_equal(only, demo.generate(800, days=10, seed=3, end=FIXED_NOW))


def test_a_big_demo_set_comes_in_slices_with_ids_of_their_own():
    first = list(seed.demo_frames(2500, days=10, seed=3, end=FIXED_NOW, slice_mentions=1000))
    again = list(seed.demo_frames(2500, days=10, seed=3, end=FIXED_NOW, slice_mentions=1000))
    assert len(first) == 3
    for a, b in zip(first, again, strict=True):
        pd.testing.assert_frame_equal(a, b)
    everything = pd.concat(first, ignore_index=True)
    assert not everything.duplicated(["platform", "post_id"]).any()
    assert 2300 <= len(everything) <= 2700  # about the mentions asked for, brand replies included
    unsliced = demo.generate(2500, days=10, seed=3, end=FIXED_NOW)
    assert not set(everything["post_id"]) & set(unsliced["post_id"])
    with pytest.raises(ValueError, match="slices of at most"):
        next(seed.demo_frames(2_000_000, slice_mentions=600_000))


def test_a_sliced_seed_stores_every_slice_once(engine, demo_config, monkeypatch):
    monkeypatch.setattr(seed, "SLICE_MENTIONS", 1000)
    first = seed.seed_demo(engine, demo_config, mentions=2500, days=10, seed=3, end=FIXED_NOW)
    second = seed.seed_demo(engine, demo_config, mentions=2500, days=10, seed=3, end=FIXED_NOW)
    expected = sum(len(f) for f in seed.demo_frames(2500, days=10, seed=3, end=FIXED_NOW, slice_mentions=1000))
    assert first.new == expected and first.replies_linked > 0
    assert (second.new, second.updated) == (0, expected)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(mentions)).scalar() == expected
        assert conn.execute(select(func.sum(rollup_hourly.c.mentions))).scalar() == expected


def test_touched_hours_close_together_are_refreshed_as_one_range():
    times = pd.Series(
        pd.to_datetime(["2026-11-01 10:05", "2026-11-01 10:50", "2026-11-01 13:20", "2026-11-09 08:00"], utc=True)
    )
    ranges = writer.hour_ranges(times)
    assert [(a.isoformat(), b.isoformat()) for a, b in ranges] == [
        ("2026-11-01T10:00:00+00:00", "2026-11-01T14:00:00+00:00"),  # 11:00-13:00 untouched, recomputed anyway
        ("2026-11-09T08:00:00+00:00", "2026-11-09T09:00:00+00:00"),
    ]
    assert len(writer.hour_ranges(times, merge_gap=timedelta(0))) == 3
