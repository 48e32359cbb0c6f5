"""The X collector on tweepy's real recordings (../shared/cassettes/x): id and text only, and it copes.

Those recordings asked for default fields only, so every row lacks metrics, authors and
references: mapping must survive that, dating posts by their Snowflake ids. Recordings of
endpoints the collector does not use (likes, retweeters, counts, users) are not replayed.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest

from collectors import x
from collectors._http import TimeoutSession
from config import parse_config
from tests.test_collect_vcr import X_ENV, X_WRITE_ENV, SentRequest, record_sent, shared_x, x_cassette

pytestmark = pytest.mark.shared
CLOCK = datetime(2022, 10, 8, tzinfo=UTC).timestamp()  # when these were recorded


@pytest.fixture(autouse=True)
def x_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in {**X_ENV, **X_WRITE_ENV}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[SentRequest]:
    return record_sent(monkeypatch)


def build(handle: str = "Twitter", **source: Any) -> x.XCollector:
    config = parse_config(
        {
            "brands": [{"name": "Tweepy", "keywords": ["tweepy"], "handles": {"x": handle}}],
            "sources": [{"name": "x-real", "platform": "x", "brand": "Tweepy", "every": "15m", **source}],
        },
        None,
    )
    return x.from_source(config.source("x-real"), config, clock=lambda: CLOCK)


def test_recent_search_with_ids_and_texts_only(sent: list[SentRequest]) -> None:
    with x_cassette(shared_x("search_recent_tweets")):
        result = build(query="Tweepy", max_pages=1).collect(None)
    assert sent[0].path == "/2/tweets/search/recent" and "public_metrics" in sent[0].query["tweet.fields"]
    frame = result.frame
    assert len(frame) >= 5 and frame["post_id"].str.isdigit().all()
    assert (frame["kind"] == "post").all() and not frame["is_own"].any()
    assert frame[["author_id", "author_handle", "likes", "views", "lang"]].isna().all().all()
    assert frame["url"].str.fullmatch(r"https://x\.com/i/web/status/\d+").all()
    # these posts state their own posting time: the Snowflake date agrees with it
    for text, created in zip(frame["text"], frame["created_at"], strict=True):
        stated = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", text)
        if stated:
            assert abs(created - pd.Timestamp(stated.group(1), tz="UTC")) < pd.Timedelta(seconds=5)
    assert list(result.skipped) in ([], ["repost"])
    assert set(x.decode_cursor(result.cursor, "search")) == {"search"}


def test_brand_mentions_from_the_real_recording(sent: list[SentRequest]) -> None:
    with x_cassette(shared_x("get_user"), shared_x("get_users_mentions")):
        result = build(include_mentions=True, include_own=False, max_pages=1).collect(None)
    assert [r.path for r in sent] == ["/2/users/by/username/Twitter", "/2/users/783214/mentions"]
    frame = result.frame
    assert len(frame) + sum(result.skipped.values()) >= 5
    assert not frame["is_own"].any() and set(frame["matched"]) == {"@Twitter"}
    assert frame["text"].str.contains("@Twitter", case=False).any()


def test_own_timeline_is_own_and_a_replayed_token_stops_paging(sent: list[SentRequest]) -> None:
    # with repeats on, asking for page 2 replays page 1 and its token: the loop guard must stop it
    with x_cassette(shared_x("get_user"), shared_x("get_users_tweets"), repeats=True):
        result = build(include_mentions=False, include_own=True, max_pages=5).collect(None)
    assert [r.path for r in sent] == [
        "/2/users/by/username/Twitter",
        "/2/users/783214/tweets",
        "/2/users/783214/tweets",
    ]
    assert "pagination_token" not in sent[1].query
    assert sent[2].query["pagination_token"].startswith("7140dibdnow9c7btw4232")  # page 1's token, handed back again
    frame = result.frame
    assert len(frame) == 2 and frame["is_own"].all()
    assert (frame["author_id"] == "783214").all() and (frame["author_handle"] == "Twitter").all()
    assert frame["url"].str.startswith("https://x.com/Twitter/status/").all()


@pytest.mark.parametrize("name", ["get_tweet", "get_tweets", "get_quote_tweets"])
def test_real_tweet_payloads_map(name: str) -> None:
    client = x.make_client(bearer_token="test-bearer")
    with x_cassette(shared_x(name)):
        if name == "get_tweet":
            page = client.get_tweet(1293593516040269825)
        elif name == "get_tweets":
            page = client.get_tweets([1293593516040269825, 1293595870563381249])
        else:
            page = client.get_quote_tweets(1293593516040269825)
    ctx = x.MapContext(brand="Tweepy", matched="test", source="x-real", retrieved_at=datetime.now(UTC))
    skipped: Counter[str] = Counter()
    rows = x.map_page(page, ctx, skipped)
    assert rows or skipped
    assert all(r["created_at"] is not None and r["text"] for r in rows)
    assert set(skipped) <= {"repost"}
    if name == "get_quote_tweets":
        assert skipped["repost"] >= 1  # "RT @TwitterAPI: ..." texts are reposts


def test_reply_through_the_real_create_tweet_recording(sent: list[SentRequest]) -> None:
    with x_cassette(shared_x("create_and_delete_tweet")):
        posted = x.reply({"post_id": "1293593516040269825"}, "Test Tweet")
    assert posted == "1456012973835788293"
    assert sent[0].method == "POST" and '"in_reply_to_tweet_id": "1293593516040269825"' in sent[0].body
    assert isinstance(x.make_client(bearer_token="b").session, TimeoutSession)
