"""Mastodon follow-ups: the status context of the brand's answers, replayed with vcrpy
(tests/cassettes/mastodon/follow_up*.yaml, written by make_follow_ups.py) through Mastodon.py."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from collectors import threads
from collectors.base import FatalError
from collectors.mastodon import MastodonCollector
from collectors.streams import decode_cursor
from config import Config, Source
from pipeline.runner import run_source
from store.schema import cursors, mentions
from tests.test_collect_vcr import SentRequest, record_sent
from tests.test_mastodon import ACME, HERE, INSTANCE, NOW, replay

MENTION, ANSWER, OWN_POST, SELF = (f"11300000000000000{i}" for i in (5, 6, 7, 8))
FOLLOW, OTHER = "113000000000000010", "113000000000000011"
DELETED, ODD = "113000000000000009", "113000000000000013"
ANSWER_TIME = pd.Timestamp("2026-11-18T11:20:00Z").timestamp()


def source(**options) -> Source:  # type: ignore[no-untyped-def]
    return Source(
        name="masto-own",
        platform="mastodon",
        brand="Acme",
        every_seconds=600,
        options={"instance": INSTANCE, "include_mentions": False, **options},
    )


def collect(sent: list[SentRequest], cassette: str, cursor: str | None = None, now: float = NOW.timestamp(), **options):  # type: ignore[no-untyped-def]
    collector = MastodonCollector(source(**options), ACME, token="test-token", now=NOW, clock=lambda: now)
    with replay("query_subset").use_cassette(str(HERE / cassette)):
        result = collector.collect(cursor)
    paths = [r.path for r in sent]
    sent.clear()
    return result, paths


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[SentRequest]:
    return record_sent(monkeypatch)


def test_the_context_below_the_brands_answer_is_collected(sent: list[SentRequest]) -> None:
    result, paths = collect(sent, "follow_up.yaml")
    assert paths[-1] == f"/api/v1/statuses/{ANSWER}/context"
    assert paths.count(f"/api/v1/statuses/{ANSWER}/context") == 1  # not the post, not the reply to itself
    frame = result.frame.set_index("post_id")
    assert set(frame.index) == {ANSWER, OWN_POST, SELF, FOLLOW, OTHER}
    follow = frame.loc[FOLLOW]
    assert (follow["kind"], follow["parent_id"], follow["thread_id"]) == ("reply", ANSWER, MENTION)
    assert (follow["author_handle"], follow["is_own"], follow["text"]) == (
        "fan@third.example",
        False,
        "@acme that worked, thank you!",
    )
    assert follow["matched"] == "thread of acme@mastodon.example"
    assert frame.loc[OTHER, "parent_id"] == FOLLOW and frame.loc[OTHER, "thread_id"] == MENTION
    # the brand's answer read this run joins the conversation of the status it answered
    assert frame.loc[ANSWER, "thread_id"] == MENTION and frame.loc[ANSWER, "is_own"]
    assert result.skipped == {"boost (not the booster's words)": 1, "malformed status": 2}
    assert decode_cursor(result.cursor)["threads"] == {ANSWER: {"t": ANSWER_TIME}}


def test_deleted_malformed_and_empty_contexts_and_the_cap(sent: list[SentRequest]) -> None:
    t = ANSWER_TIME
    state = {"own": {"since": int(ANSWER)}, "threads": {DELETED: {"t": t + 2}, ODD: {"t": t + 1}, ANSWER: {"t": t}}}
    result, paths = collect(sent, "follow_up_gone.yaml", json.dumps(state))
    contexts = [p.split("/")[-2] for p in paths if p.endswith("/context")]
    assert contexts == [DELETED, ODD, ANSWER]
    assert result.frame.empty and result.deleted == [DELETED]
    assert result.skipped == {threads.GONE: 1, "malformed context": 1}
    assert decode_cursor(result.cursor)["threads"] == {ODD: {"t": t + 1}, ANSWER: {"t": t}}
    capped, paths = collect(sent, "follow_up_gone.yaml", json.dumps(state), thread_comments=1)
    assert [p for p in paths if p.endswith("/context")] == [f"/api/v1/statuses/{DELETED}/context"]
    # resolution_days after the answer (and its own posts older still), nothing is revisited
    late, paths = collect(sent, "follow_up_gone.yaml", json.dumps(state), now=t + 2 + 7 * 86_400 + 1)
    assert not [p for p in paths if p.endswith("/context")] and "threads" not in decode_cursor(late.cursor)


def test_a_rate_limit_on_the_context_keeps_the_run_and_its_cursor(engine: Engine) -> None:
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    collector = MastodonCollector(src, ACME, token="test-token", now=NOW, clock=NOW.timestamp)
    waits: list[float] = []
    with replay("query_subset").use_cassette(str(HERE / "follow_up_rate_limited.yaml")) as cassette:
        summary = run_source(engine, config, src, sleep=waits.append, collector=collector)
        assert cassette.all_played
    assert (summary.status, summary.new, summary.skipped, waits) == ("ok", 1, 1, [])
    with engine.connect() as conn:
        stored = decode_cursor(conn.execute(select(cursors.c.cursor)).scalar_one())
        assert list(conn.execute(select(mentions.c.post_id)).scalars()) == [ANSWER]
    assert stored == {"own": {"since": int(ANSWER)}, "threads": {ANSWER: {"t": ANSWER_TIME}}}


def test_thread_comments_needs_the_brands_statuses(sent: list[SentRequest]) -> None:
    with pytest.raises(FatalError, match="needs include_own"):
        MastodonCollector(source(include_own=False, thread_comments=3), ACME, token="test-token")
    result, paths = collect(sent, "follow_up.yaml", thread_comments=False)
    assert not [p for p in paths if p.endswith("/context")] and "threads" not in decode_cursor(result.cursor)
