"""The Reddit collector on our own recordings (brand account, watched subreddit, errors, broken items)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest
import requests
from sqlalchemy import Engine, select

from collectors import reddit
from collectors.base import FatalError, MissingCredentials, RetriableError
from config import Config, ConfigError, parse_config
from pipeline.runner import run_source
from store.schema import mention_state, mentions
from tests.test_collect_vcr import REDDIT_ENV, REDDIT_USER_ENV, SentRequest, own_reddit, record_sent, reddit_cassette

CLOCK = 1_741_780_800.0  # 2025-03-12 12:00 UTC, the recordings' "now"


def make_config(**source: Any) -> Config:
    return parse_config(
        {
            "brands": [
                {
                    "name": "Acme",
                    "keywords": ["acme"],
                    "competitors": ["Globex"],
                    "handles": {"x": "acme", "reddit": "acme_support"},
                },
                {"name": "Globex", "keywords": ["globex"]},
            ],
            "sources": [{"name": "reddit-acme", "platform": "reddit", "brand": "Acme", "every": "15m", **source}],
        },
        None,
    )


def build(config: Config, clock: float = CLOCK) -> reddit.RedditCollector:
    return reddit.from_source(config.source("reddit-acme"), config, clock=lambda: clock)


@pytest.fixture(autouse=True)
def reddit_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env or praw.ini
    for name, value in REDDIT_ENV.items():
        monkeypatch.setenv(name, value)
    for name in REDDIT_USER_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # prawcore's backoff and rate limiter


@pytest.fixture
def user_login(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in REDDIT_USER_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[SentRequest]:
    return record_sent(monkeypatch)


ACCOUNT = {"query": "acme", "include_mentions": True, "include_own": True, "thread_comments": 3}


def test_brand_account_search_mentions_own_and_threads(user_login: None, sent: list[SentRequest]) -> None:
    config = make_config(**ACCOUNT)
    with reddit_cassette(own_reddit("account")) as cassette:
        result = build(config).collect(None)
    assert cassette.all_played
    assert [r.path for r in sent] == [
        "/api/v1/access_token",
        "/r/all/search/",
        "/message/mentions",
        "/user/acme_support/comments",
        "/user/acme_support/submitted",
        "/comments/1j9aaa1/_/mf1a001",
        "/api/morechildren/",
    ]
    assert "grant_type=password" in sent[0].body  # user login for the inbox
    assert (sent[1].query["sort"], sent[1].query["q"]) == ("new", "acme")
    frame = result.frame.set_index("post_id")
    assert set(frame.index) == {"t3_1j9aaa1", "t3_1j9aaa0", "t1_mf1m001", "t1_mf1a001", "t1_mf1c001", "t1_mf1c003"}
    post = frame.loc["t3_1j9aaa1"]
    assert (post["kind"], pd.isna(post["parent_id"]), post["thread_id"]) == ("post", True, "t3_1j9aaa1")
    assert post["text"] == "My Acme blender died after 2 weeks\n\nAnyone else? Acme support hasn't answered my ticket."
    assert (post["likes"], post["replies"], post["reposts"]) == (42, 7, 1)
    assert pd.isna(post["author_followers"]) and pd.isna(post["views"]) and pd.isna(post["lang"])
    assert post["url"] == "https://www.reddit.com/r/Appliances/comments/1j9aaa1/my_acme_blender_died_after_2_weeks/"
    assert post["created_at"] == pd.Timestamp("2025-03-12 09:00", tz="UTC")
    own = frame.loc["t1_mf1a001"]
    assert (own["is_own"], own["kind"], own["parent_id"], own["thread_id"]) == (
        True,
        "comment",
        "t3_1j9aaa1",
        "t3_1j9aaa1",
    )
    mention = frame.loc["t1_mf1m001"]
    assert (mention["thread_id"], mention["matched"]) == ("t3_1j9aaa1", "u/acme_support")
    assert mention["url"] == "https://www.reddit.com/r/Appliances/comments/1j9aaa1/my_acme_blender_died/mf1m001/"
    follow_up = frame.loc["t1_mf1c003"]  # came through "load more comments"
    assert (follow_up["parent_id"], follow_up["is_own"]) == ("t1_mf1a001", False)
    assert frame.loc["t1_mf1c001", "matched"] == "thread of u/acme_support"
    state = json.loads(result.cursor)
    assert state["search"] == {"since": {"t": 1_741_770_000.0, "id": "t3_1j9aaa1"}}
    assert state["own_comments"] == {"since": {"t": 1_741_772_700.0, "id": "t1_mf1a001"}}
    assert "own_posts" not in state  # nothing there yet
    assert state["threads"] == {"t1_mf1a001": {"t": 1_741_772_700.0, "thread": "t3_1j9aaa1"}}


def test_brand_comment_marks_the_post_answered(user_login: None, sqlite_engine: Engine) -> None:
    config = make_config(**ACCOUNT)
    with reddit_cassette(own_reddit("account")):
        summary = run_source(
            sqlite_engine, config, config.source("reddit-acme"), sleep=lambda s: None, collector=build(config)
        )
    assert summary.status == "ok" and summary.new == 6
    with sqlite_engine.connect() as conn:
        row = conn.execute(
            select(mention_state.c.status, mention_state.c.response_post_id, mention_state.c.first_response_at)
            .join(mentions, mentions.c.id == mention_state.c.mention_id)
            .where(mentions.c.post_id == "t3_1j9aaa1")
        ).one()
    assert row.status == "replied" and row.response_post_id == "t1_mf1a001"
    assert pd.Timestamp(row.first_response_at).tz_localize(None) == pd.Timestamp("2025-03-12 09:45")


def test_watched_subreddit_cap_leaves_a_gap_filled_next_run(sent: list[SentRequest]) -> None:
    config = make_config(subreddits=["acme"], max_pages=1)
    with reddit_cassette(own_reddit("subreddit_two_pages")):
        collector = build(config)
        first = collector.collect(None)
        state = json.loads(first.cursor)
        assert state["posts"] == {"resume": "t3_1j80099", "newest": {"t": 1_741_773_600.0, "id": "t3_1j80000"}}
        assert state["comments"] == {"since": {"t": 1_741_773_720.0, "id": "t1_mf2c002"}}
        second = collector.collect(first.cursor)
    assert "grant_type=client_credentials" in sent[0].body  # read-only without user credentials
    assert collector.reddit.read_only
    assert [r.path for r in sent[1:]] == ["/r/acme/new", "/r/acme/comments/", "/r/acme/new", "/r/acme/comments/"]
    assert "after" not in sent[1].query and sent[3].query["after"] == "t3_1j80099"
    assert len(first.frame) == 102 and list(second.frame["post_id"]) == ["t3_1j70000", "t3_1j70001", "t3_1j70002"]
    assert json.loads(second.cursor)["posts"] == {"since": {"t": 1_741_773_600.0, "id": "t3_1j80000"}}
    assert set(first.frame["matched"]) == {"r/acme"}


@pytest.mark.parametrize(
    "damaged",
    [
        {"posts": {"since": {"t": None, "id": "t3_1j80000"}}, "comments": {"since": {}}},
        {"posts": {"since": {"t": "1741773600", "id": "t3_1j80000"}}, "comments": {"since": None}},
    ],
)
def test_a_damaged_stored_position_reads_the_listing_again(damaged: dict[str, Any]) -> None:
    """A stored `since` without a usable time is dropped (reddit._readable), never compared with
    an item's time: the run reads the listings as a first run does."""
    config = make_config(subreddits=["acme"], max_pages=1)
    with reddit_cassette(own_reddit("subreddit_two_pages")):
        result = build(config).collect(json.dumps(damaged))
    assert len(result.frame) == 102
    assert json.loads(result.cursor)["comments"] == {"since": {"t": 1_741_773_720.0, "id": "t1_mf2c002"}}


def test_damaged_items_are_stored_with_nulls_or_skipped_with_a_reason() -> None:
    config = make_config(subreddits=["acme"])
    with reddit_cassette(own_reddit("half_broken")):
        result = build(config).collect(None)
    assert result.skipped == {"deleted or removed": 3, "missing created_at": 1}
    frame = result.frame.set_index("post_id")
    assert list(frame.index) == ["t3_1j9bbb2", "t1_mf3c003"]
    assert pd.isna(frame.loc["t3_1j9bbb2", "likes"]) and frame.loc["t3_1j9bbb2", "replies"] == 4
    hidden = frame.loc["t1_mf3c003"]
    assert pd.isna(hidden["likes"])  # the score is hidden: Reddit does not say
    assert hidden["url"] == "https://www.reddit.com/comments/1j9bbb2/_/mf3c003/"


def test_wrong_app_credentials_are_fatal(sqlite_engine: Engine) -> None:
    config = make_config(query="acme")
    waits: list[float] = []
    with reddit_cassette(own_reddit("token_unauthorized")):
        summary = run_source(
            sqlite_engine, config, config.source("reddit-acme"), sleep=waits.append, collector=build(config)
        )
    assert summary.status == "error" and waits == []
    assert summary.error == (
        "fatal: Reddit rejected the credentials (401 Unauthorized): check REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET"
    )
    assert REDDIT_ENV["REDDIT_CLIENT_SECRET"] not in summary.error


def test_private_subreddit_is_fatal() -> None:
    with reddit_cassette(own_reddit("forbidden")), pytest.raises(FatalError, match="403 Forbidden"):
        build(make_config(subreddits=["acme_private"])).collect(None)


def test_missing_brand_account_is_fatal(user_login: None) -> None:
    config = make_config(include_own=True, include_mentions=False, thread_comments=False)
    with reddit_cassette(own_reddit("not_found")), pytest.raises(FatalError, match="404 Not Found"):
        build(config).collect(None)


def test_server_errors_are_retried(sqlite_engine: Engine, sent: list[SentRequest]) -> None:
    config = make_config(query="acme")
    waits: list[float] = []
    with reddit_cassette(own_reddit("unavailable_then_ok")):
        summary = run_source(
            sqlite_engine, config, config.source("reddit-acme"), sleep=waits.append, collector=build(config)
        )
    assert summary.status == "ok" and summary.new == 1
    assert len(waits) == 1  # prawcore retried twice itself, then the runner once
    assert [r.path for r in sent].count("/r/all/search/") == 4


def test_rate_limit_is_retriable_with_its_reset(sqlite_engine: Engine) -> None:
    config = make_config(query="acme")
    waits: list[float] = []
    with reddit_cassette(own_reddit("rate_limited_then_ok")):
        summary = run_source(
            sqlite_engine, config, config.source("reddit-acme"), sleep=waits.append, collector=build(config)
        )
    assert waits == [42.0] and summary.status == "ok"


def test_timeouts_are_retriable(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(*args: Any, **kwargs: Any) -> None:
        raise requests.ReadTimeout("read timed out")

    monkeypatch.setattr(requests.Session, "request", hang)
    with pytest.raises(RetriableError, match=r"Reddit did not answer \(ReadTimeout\)"):
        build(make_config(query="acme")).collect(None)


def test_a_gone_conversation_is_dropped_not_fatal(user_login: None) -> None:
    config = make_config(include_own=True, include_mentions=False)
    collector = build(config)
    collector.include_own = False  # only the threads part
    cursor = json.dumps({"threads": {"t1_mf1a001": {"t": CLOCK - 3600, "thread": "t3_1j9aaa1"}}})
    with reddit_cassette(own_reddit("thread_gone")):
        result = collector.collect(cursor)
    assert result.frame.empty and result.skipped == {"conversation gone": 1}
    assert "threads" not in json.loads(result.cursor or "{}")


def test_old_conversations_expire(user_login: None) -> None:
    collector = build(make_config(include_own=True, include_mentions=False))
    collector.include_own = False
    cursor = json.dumps({"threads": {"t1_old": {"t": CLOCK - 8 * 86_400, "thread": "t3_x"}}})
    result = collector.collect(cursor)  # nothing to fetch: no request at all
    assert result.cursor is None
    # the window is resolution_days (default 7): with 2 days, a 3-day-old conversation is gone too
    assert collector.thread_days == 7
    collector.thread_days = 2
    cursor = json.dumps({"threads": {"t1_old": {"t": CLOCK - 3 * 86_400, "thread": "t3_x"}}})
    assert collector.collect(cursor).cursor is None


def test_inbox_mentions_need_user_credentials() -> None:
    with pytest.raises(MissingCredentials, match="REDDIT_USERNAME, REDDIT_PASSWORD"):
        build(make_config(include_mentions=True))


def test_update_check_is_off_and_defaults_follow_the_source() -> None:
    collector = build(make_config(query="acme"))
    assert collector.reddit.config.check_for_updates is False and collector.reddit.config.check_for_async is False
    assert (collector.include_own, collector.include_mentions, collector.thread_limit) == (False, False, 0)
    account = build(make_config())
    assert (account.include_own, account.include_mentions, account.thread_limit) == (True, False, 5)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"subreddits": "acme"}, "subreddits must be a list"),
        ({"subreddits": ["no spaces allowed"]}, "subreddits must be a list"),
        ({"query": "acme", "thread_comments": -1}, "thread_comments must be"),
    ],
)
def test_config_problems_are_fatal(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message.split(" must")[0]):  # refused when monitor.toml loads
        make_config(**options)
    config = make_config(query="acme")  # a Source built in code is checked again by the collector
    source = replace(config.sources[0], options=options)
    with pytest.raises(FatalError, match=message):
        reddit.from_source(source, config, clock=lambda: CLOCK)
