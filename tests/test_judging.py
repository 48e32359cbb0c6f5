"""Judging on the second core while storing (pipeline.judging, pipeline.ingest `ahead_judge`): what is stored
is the same with the worker, without it and with the worker killed part way; the worker's answers are
used only where the row was judged with the same own posts as in place."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from analysis import sentiment
from collectors import demo
from pipeline import judging
from pipeline.ingest import enrich, ingest_frames
from store.schema import mention_state, mentions, rollup_hourly
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(), reason="the worker is forked"
)


def _post(base: pd.DataFrame, post_id: str, text: str, **values: object) -> pd.DataFrame:
    row = base.iloc[[0]].copy()
    row["post_id"], row["text"], row["parent_id"], row["thread_id"] = post_id, text, None, None
    row["is_own"], row["author_handle"], row["lang"] = False, "someone", "en"
    for column, value in values.items():
        row[column] = value
    return row


def _frames() -> list[pd.DataFrame]:
    """Four frames of demo rows with own posts answered in the same part, a later part and a later frame,
    replies to an own post that arrives only later, keys repeated across frames and a frame of known rows."""
    base = demo.generate(900, days=10, seed=5, end=FIXED_NOW)
    x = base[(base["platform"] == "x") & ~base["is_own"] & (base["brand"] == "Acme")]
    own = {"is_own": True, "author_handle": "acme"}
    later = x.iloc[[0]]["created_at"].iloc[0] + timedelta(hours=1)
    a = pd.concat(
        [
            base.iloc[0:280],
            _post(x, "own-a", "Our spring lineup is here.", **own),
            _post(x, "qa1", "when does it ship to Canada?", parent_id="own-a", thread_id="own-a", created_at=later),
            _post(x, "qc0", "does it come in blue?", parent_id="own-c", thread_id="own-c"),  # own-c comes later
        ],
        ignore_index=True,
    )
    b = pd.concat(
        [
            base.iloc[280:560],
            _post(x, "qa2", "is there a discount code?", parent_id="own-a", thread_id="own-a", created_at=later),
            _post(x, "own-b", "Doors open at nine tomorrow.", **own),
            base.iloc[0:40],  # stored by the first frame
        ],
        ignore_index=True,
    )
    c = pd.concat(
        [
            base.iloc[560:900],
            _post(x, "qb1", "how long does the sale last", parent_id="own-b", thread_id="own-b", created_at=later),
            _post(x, "own-c", "New colours in stock.", **own),
        ],
        ignore_index=True,
    )
    d = base.iloc[100:400].copy()  # every row stored already
    return [a, b, c, d]


def _stored(engine) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    columns = [c for c in mentions.c if c.name not in ("id", "ingested_at")]
    with engine.connect() as conn:
        rows = pd.read_sql(select(*columns).order_by(mentions.c.platform, mentions.c.post_id), conn)
        state = pd.read_sql(
            select(mentions.c.post_id, mention_state.c.status, mention_state.c.response_post_id)
            .join(mentions, mentions.c.id == mention_state.c.mention_id)
            .order_by(mentions.c.post_id),
            conn,
        )
        rolled = pd.read_sql(select(rollup_hourly).order_by(*rollup_hourly.primary_key.columns), conn)
    return rows, state, rolled


@pytest.fixture
def forced(monkeypatch):
    """The worker is used whatever the machine's load, for parts of any size."""
    monkeypatch.setattr(judging, "available", lambda: True)
    monkeypatch.setattr(judging, "MIN_ROWS", 1)


def _ingest(engine, brands, ahead: bool) -> None:
    ingest_frames(engine, iter(_frames()), brands, chunk_rows=150, ahead_judge=ahead)


def test_stored_values_are_the_same_with_the_worker_and_without(tmp_path, demo_config, forced, monkeypatch):
    from store.engine import make_engine

    handed: list[int] = []
    hand = judging.AheadJudge.hand
    monkeypatch.setattr(
        judging.AheadJudge, "hand", lambda self, rows, own: (handed.append(len(rows)), hand(self, rows, own))
    )
    with_worker = make_engine(f"sqlite:///{tmp_path / 'with.db'}")
    _ingest(with_worker, demo_config.brands, ahead=True)
    without = make_engine(f"sqlite:///{tmp_path / 'without.db'}")
    _ingest(without, demo_config.brands, ahead=False)
    assert len(handed) >= 6 and sum(handed) >= 300  # the worker judged a share of most parts
    assert sentiment.ONE_PROCESS is False  # VADER's own pool is allowed again once the worker is gone
    ours, theirs = _stored(with_worker), _stored(without)
    for a, b in zip(ours, theirs, strict=True):
        pd.testing.assert_frame_equal(a, b)
    rows = ours[0].set_index("post_id")
    assert rows.loc[["qa1", "qa2", "qb1"], "needs_reply"].tolist() == [True, True, True]  # answers own posts
    assert len(rows) == 900 + 7


def test_a_killed_worker_leaves_its_rows_to_the_importer(tmp_path, demo_config, forced, monkeypatch):
    from store.engine import make_engine

    calls = {"n": 0}
    take = judging.AheadJudge.take

    def take_after_kill(self):
        calls["n"] += 1
        if calls["n"] == 2:
            os.kill(self._process.pid, signal.SIGKILL)
            self._process.join()
        return take(self)

    monkeypatch.setattr(judging.AheadJudge, "take", take_after_kill)
    killed = make_engine(f"sqlite:///{tmp_path / 'killed.db'}")
    _ingest(killed, demo_config.brands, ahead=True)
    without = make_engine(f"sqlite:///{tmp_path / 'without.db'}")
    _ingest(without, demo_config.brands, ahead=False)
    assert calls["n"] >= 2
    for a, b in zip(_stored(killed), _stored(without), strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_answers_judged_with_other_own_posts_are_judged_again(demo_config):
    base = demo.generate(50, days=10, seed=6, end=FIXED_NOW)
    x = base[(base["platform"] == "x") & ~base["is_own"] & (base["brand"] == "Acme")]
    rows = pd.concat(
        [
            _post(x, "q1", "when does it ship to Canada?", parent_id="own-1", thread_id="own-1"),
            _post(x, "q2", "@acme my order never arrived", lang="en"),
        ],
        ignore_index=True,
    )
    from frame import conform

    rows = conform(rows)
    true_own = {("x", "own-1")}

    def in_place(part: pd.DataFrame) -> pd.DataFrame:
        return enrich(part, demo_config.brands, true_own)

    expected = in_place(rows)
    wrong = enrich(rows, demo_config.brands, set())  # judged ahead without knowing own-1
    assert expected["needs_reply"].tolist() == [True, True] and wrong["needs_reply"].tolist() == [False, True]
    keys = pd.MultiIndex.from_arrays([rows["platform"], rows["post_id"]])
    handed = judging.Handed(keys, len(rows), set(), 0.0)
    derived = wrong.loc[:, list(judging.DERIVED)].set_axis(keys)
    out = judging.combine(rows, handed, derived, None, true_own, in_place)
    pd.testing.assert_frame_equal(out[list(judging.DERIVED)], expected[list(judging.DERIVED)], check_dtype=False)
    assert judging.answers(rows, true_own).tolist() == [True, False]
    # a dead worker (no answers): every handed row judged in place
    dead = judging.combine(rows, handed, None, None, true_own, in_place)
    assert dead["needs_reply"].tolist() == [True, True]


def test_share_balances_the_worker_against_storing_and_judging_in_place():
    judge = judging.AheadJudge.__new__(judging.AheadJudge)
    judge.alive, judge.worker_rate, judge.own_rate, judge.store_rate = True, 0.0, 0.0, 0.0
    assert judge.share(100_000) == 50_000  # nothing stored meanwhile: half each
    assert judge.share(100_000, storing=100_000) == 50_000  # no rates measured yet
    assert judge.share(judging.MIN_ROWS - 1, storing=100_000) == 0
    judge.worker_rate = judge.own_rate = 1_000.0  # rows a second each
    judge.store_rate = 5_000.0
    # x / 1000 = 100000 / 5000 + (100000 - x) / 1000  ->  x = 60000
    assert judge.share(100_000, storing=100_000) == 60_000
    judge.store_rate = 100.0  # storing takes longer than judging everything: the worker takes it all
    assert judge.share(100_000, storing=100_000) == 100_000
    judge.alive = False
    assert judge.share(100_000, storing=100_000) == 0


def test_own_keys_and_answers():
    rows = pd.DataFrame(
        {
            "platform": ["x", "x", "reddit"],
            "post_id": ["1", "2", "3"],
            "is_own": [True, False, None],
            "parent_id": [None, "1", None],
            "thread_id": [None, None, "9"],
        }
    )
    assert judging.own_keys(rows) == {("x", "1")}
    assert judging.answers(rows, {("x", "1"), ("reddit", "9")}).tolist() == [False, True, True]
