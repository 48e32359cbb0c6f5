"""X follow-ups: the conversations the brand answered are searched for the answered author's next posts.

Replays tests/cassettes/x/follow_up*.yaml (written by make_recordings.py, shaped after the v2
documentation): the brand's reply R1 to @alice_w's M1, then `conversation_id:M1 from:alice`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, select

from collectors import threads, x
from collectors.base import CollectResult, FatalError
from config import ConfigError
from pipeline.runner import run_source
from store.schema import cursors, mentions
from tests.test_collect_vcr import SentRequest, own_x, record_sent, x_cassette
from tests.test_x_collect import CLOCK, IDS, make_config, x_source

ALICE, CAROL = "2244994945", "987654321"
F1 = "1899763546321846272"  # 10:05, Alice: "got the DM, all sorted now. Thanks!"
F2 = "1899777387525046272"  # 11:00, Alice: "the order still hasn't shipped"
KEY = f"{IDS['M1']}:{ALICE}"
R1_TIME = x.snowflake_time(IDS["R1"]).timestamp()  # type: ignore[union-attr]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[SentRequest]:
    return record_sent(monkeypatch)


@pytest.fixture(autouse=True)
def x_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("X_BEARER_TOKEN", "test-bearer")


def own_source(**extra: Any) -> dict[str, Any]:
    """The brand account's own posts only (no mentions stream): follow-ups default on."""
    return x_source(name="x-own", query=None, include_mentions=False, **extra)


def collect(cassette: str, cursor: str | None = None, clock: float = CLOCK, **extra: Any) -> CollectResult:
    config = make_config(own_source(**extra))
    collector = x.from_source(config.source("x-own"), config, clock=lambda: clock)
    with x_cassette(own_x(cassette)) as played:
        result = collector.collect(cursor)
    assert played.all_played
    return result


def followed(cursor: str | None) -> dict[str, Any]:
    return json.loads(cursor or "{}").get("threads", {})


def test_the_answered_authors_next_post_is_collected(sent: list[SentRequest]) -> None:
    result = collect("follow_up")
    assert [r.path for r in sent] == ["/2/users/by/username/acme", "/2/users/1365000000000000001/tweets"] + [
        "/2/tweets/search/recent"
    ]
    search = sent[2].query
    assert search["query"] == f"conversation_id:{IDS['M1']} from:{ALICE}"
    assert search["since_id"] == IDS["R1"]  # only what came after the brand's answer
    assert "conversation_id" in search["tweet.fields"] and search["max_results"] == "100"
    frame = result.frame.set_index("post_id")
    assert list(frame.index) == [IDS["R1"], IDS["O1"], F1]
    follow = frame.loc[F1]
    assert (follow["kind"], follow["parent_id"], follow["thread_id"]) == ("reply", IDS["R1"], IDS["M1"])
    assert (follow["author_handle"], follow["author_id"], follow["is_own"]) == ("alice_w", ALICE, False)
    assert follow["matched"] == "conversation of @acme" and follow["text"].endswith("Thanks!")
    # only the brand's answer to someone else is followed (O1 is a post, not an answer)
    assert followed(result.cursor) == {
        KEY: {"t": R1_TIME, "conv": IDS["M1"], "to": ALICE, "after": IDS["R1"], "since": F1}
    }
    assert json.loads(result.cursor)["own"] == {"since": IDS["R1"]}
    assert not result.skipped


def test_later_runs_read_only_newer_follow_ups(sent: list[SentRequest]) -> None:
    first = collect("follow_up")
    sent.clear()
    second = collect("follow_up_again", first.cursor, clock=CLOCK + 3600)
    assert sent[2].query["since_id"] == F1
    assert list(second.frame["post_id"]) == [F2]
    row = second.frame.iloc[0]
    assert (row["parent_id"], row["thread_id"], row["author_handle"]) == (IDS["M1"], IDS["M1"], "alice_w")
    assert followed(second.cursor)[KEY]["since"] == F2
    sent.clear()
    quiet = collect("follow_up_empty", first.cursor, clock=CLOCK + 3600)
    assert sent[2].query["since_id"] == F1 and quiet.frame.empty
    assert followed(quiet.cursor) == followed(first.cursor)  # nothing new: the entry stays as it was


def test_conversations_are_followed_for_resolution_days_and_at_most_thread_comments_a_run(
    sent: list[SentRequest],
) -> None:
    first = collect("follow_up")
    week = 7 * 86_400
    sent.clear()
    # a week and a second after the answer: dropped, no conversation search
    config = make_config(own_source())
    collector = x.from_source(config.source("x-own"), config, clock=lambda: R1_TIME + week + 1)
    with x_cassette(own_x("follow_up_empty")) as played:
        result = collector.collect(first.cursor)
    assert [r.path for r in sent][-1] == "/2/users/1365000000000000001/tweets" and len(sent) == 2
    assert not played.all_played and "threads" not in json.loads(result.cursor)
    # a shorter resolution_days closes the window earlier; X never goes past recent search's 7 days
    sent.clear()
    collector = x.from_source(config.source("x-own"), config, clock=lambda: R1_TIME + 3 * 86_400)
    collector.thread_days = 2
    with x_cassette(own_x("follow_up_empty")):
        assert "threads" not in json.loads(collector.collect(first.cursor).cursor or "{}")
    assert len(sent) == 2
    sent.clear()
    collector = x.from_source(config.source("x-own"), config, clock=lambda: R1_TIME + week)
    collector.thread_days = 10
    with x_cassette(own_x("follow_up_empty")):
        assert "threads" not in json.loads(collector.collect(first.cursor).cursor or "{}")
    assert len(sent) == 2
    # the cap: with two followed conversations and thread_comments = 1 only the newest is read
    older = {"t": R1_TIME - 60, "conv": IDS["T2"], "to": CAROL, "after": IDS["T2"]}
    state = {**json.loads(first.cursor), "threads": {**followed(first.cursor), f"{IDS['T2']}:{CAROL}": older}}
    sent.clear()
    capped = collect("follow_up_empty", json.dumps(state), clock=CLOCK + 3600, thread_comments=1)
    assert [r.query.get("query") for r in sent if r.path.endswith("recent")] == [
        f"conversation_id:{IDS['M1']} from:{ALICE}"
    ]
    assert set(followed(capped.cursor)) == {KEY, f"{IDS['T2']}:{CAROL}"}  # the other waits its turn


def test_a_rate_limit_on_the_conversation_search_keeps_the_run_and_its_cursor(
    sqlite_engine: Engine, sent: list[SentRequest]
) -> None:
    config = make_config(own_source())
    source = config.source("x-own")
    waits: list[float] = []
    collector = x.from_source(source, config, clock=lambda: CLOCK)
    with x_cassette(own_x("follow_up_rate_limited")) as played:
        summary = run_source(sqlite_engine, config, source, sleep=waits.append, collector=collector)
    assert played.all_played and waits == []  # not retried: the revisit waits for the next run
    assert (summary.status, summary.new, summary.skipped) == ("ok", 2, 1)
    with sqlite_engine.connect() as conn:
        stored = json.loads(conn.execute(select(cursors.c.cursor)).scalar_one())
        posts = set(conn.execute(select(mentions.c.post_id)).scalars())
    assert posts == {IDS["R1"], IDS["O1"]}
    assert stored["own"] == {"since": IDS["R1"]}  # the main collection moved on
    assert stored["threads"] == {KEY: {"t": R1_TIME, "conv": IDS["M1"], "to": ALICE, "after": IDS["R1"]}}
    # the next run asks again from the brand's answer
    sent.clear()
    collector = x.from_source(source, config, clock=lambda: CLOCK + 3600)
    with x_cassette(own_x("follow_up_again")):
        again = collector.collect(json.dumps(stored))
    assert sent[2].query["since_id"] == IDS["R1"]
    assert list(again.frame["post_id"]) == [F2] and followed(again.cursor)[KEY]["since"] == F2


def test_rate_limit_counts_postponed_revisits() -> None:
    result = collect("follow_up_rate_limited")
    assert result.skipped == {threads.POSTPONED: 1}
    assert list(result.frame["post_id"]) == [IDS["R1"], IDS["O1"]]


def test_a_refused_conversation_is_dropped_and_a_damaged_page_keeps_what_it_can(sent: list[SentRequest]) -> None:
    first = collect("follow_up")
    gone_key = f"{IDS['T2']}:{CAROL}"
    refused = {"t": CLOCK - 60, "conv": IDS["T2"], "to": CAROL, "after": "1"}
    state = {**json.loads(first.cursor), "threads": {**followed(first.cursor), gone_key: refused}}
    sent.clear()
    result = collect("follow_up_broken", json.dumps(state), clock=CLOCK + 3600)
    queries = [r.query["query"] for r in sent if r.path.endswith("recent")]
    assert queries == [f"conversation_id:{IDS['T2']} from:{CAROL}", f"conversation_id:{IDS['M1']} from:{ALICE}"]
    assert list(result.frame["post_id"]) == [F2]  # its created_at falls back to the id's time
    assert str(result.frame.iloc[0]["created_at"]) == "2025-03-12 11:00:00+00:00"
    assert pd_isna(result.frame.iloc[0]["author_handle"])  # the user came without a username
    assert result.skipped == {threads.GONE: 1, "missing post_id": 1, "malformed item": 1}
    assert set(followed(result.cursor)) == {KEY} and followed(result.cursor)[KEY]["since"] == F2


def test_a_malformed_stored_entry_is_dropped_without_a_request(sent: list[SentRequest]) -> None:
    first = collect("follow_up")
    state = json.loads(first.cursor)
    state["threads"] = {KEY: {"t": CLOCK, "conv": "not-an-id", "to": ALICE}, "junk": "x", "no-time": {"conv": "1"}}
    sent.clear()
    config = make_config(own_source())
    collector = x.from_source(config.source("x-own"), config, clock=lambda: CLOCK)
    with x_cassette(own_x("follow_up_empty")):
        result = collector.collect(json.dumps(state))
    assert len(sent) == 2 and result.skipped == {threads.GONE: 1}
    assert "threads" not in json.loads(result.cursor)


def test_thread_comments_is_checked() -> None:
    with pytest.raises(ConfigError, match="thread_comments"):
        make_config(own_source(thread_comments="yes"))
    config = make_config(x_source(include_own=False, thread_comments=True))
    with pytest.raises(FatalError, match="needs include_own"):
        x.from_source(config.source("x-acme"), config)
    config = make_config(x_source(include_own=True, thread_comments=0))
    assert x.from_source(config.source("x-acme"), config).thread_limit == 0
    config = make_config(x_source(include_own=True))
    assert x.from_source(config.source("x-acme"), config).thread_limit == threads.DEFAULT_THREADS


def pd_isna(value: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_conversation_searches_count_against_the_monthly_read_budget(sent: list[SentRequest]) -> None:
    month = {"month": "2025-03"}
    config = make_config(own_source(monthly_read_budget=1000))
    collector = x.from_source(config.source("x-own"), config, clock=lambda: CLOCK)
    with x_cassette(own_x("follow_up")):
        counted = collector.collect(json.dumps({"reads": {**month, "count": 0}}))
    assert json.loads(counted.cursor)["reads"] == {**month, "count": 3}  # two own posts, one follow-up
    assert sent[2].query["max_results"] == "100"
    # 11 left: the own page may be read (2 posts), then fewer than 10 are left for a search page
    sent.clear()
    collector = x.from_source(config.source("x-own"), config, clock=lambda: CLOCK)
    with x_cassette(own_x("follow_up")):
        result = collector.collect(json.dumps({"reads": {**month, "count": 989}}))
    assert [r.path for r in sent][-1].endswith("/tweets") and result.state == "budget reached"
    assert json.loads(result.cursor)["reads"] == {**month, "count": 991}
    assert followed(result.cursor) == {KEY: {"t": R1_TIME, "conv": IDS["M1"], "to": ALICE, "after": IDS["R1"]}}
    assert result.skipped == {threads.POSTPONED: 1} and len(result.frame) == 2
