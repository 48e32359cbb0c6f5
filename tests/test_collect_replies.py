"""Posting a reply from the queue: the dispatch table and each platform's clear errors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from collectors.base import FatalError, MissingCredentials, RetriableError
from pipeline import replies
from platforms import SPECS
from tests.test_collect_vcr import (
    REDDIT_ENV,
    REDDIT_USER_ENV,
    X_WRITE_ENV,
    SentRequest,
    own_reddit,
    own_x,
    record_sent,
    reddit_cassette,
    x_cassette,
)

MENTION_X = {"platform": "x", "post_id": "1899754738283446272", "kind": "post"}
MENTION_REDDIT_COMMENT = {"platform": "reddit", "post_id": "t1_mf1m001", "kind": "comment"}
MENTION_REDDIT_POST = {"platform": "reddit", "post_id": "t3_1j9aaa1", "kind": "post"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [*X_WRITE_ENV, *REDDIT_ENV, *REDDIT_USER_ENV, "X_BEARER_TOKEN"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)


@pytest.fixture
def x_write(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in X_WRITE_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def reddit_login(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**REDDIT_ENV, **REDDIT_USER_ENV}.items():
        monkeypatch.setenv(name, value)


def test_dispatch_reads_the_platform_table() -> None:
    assert SPECS["x"].replier == "collectors.x:reply"
    assert SPECS["reddit"].replier == "collectors.reddit:reply"
    assert replies.can_reply("x") and not replies.can_reply("rss")
    with pytest.raises(FatalError, match="replying on rss is not supported"):
        replies.post_reply("rss", {"post_id": "1"}, "hi")
    with pytest.raises(FatalError, match="the reply is empty"):
        replies.post_reply("x", MENTION_X, "   ")


def test_x_reply_posts_in_reply_to_the_mention(x_write: None, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[SentRequest] = record_sent(monkeypatch)
    with x_cassette(own_x("reply_created")):
        posted = replies.post_reply("x", MENTION_X, "@alice_w Sorry about that! We've sent you a DM.")
    assert posted == "1899769837777846272"
    assert sent[0].method == "POST" and sent[0].path == "/2/tweets"
    assert '"reply": {"in_reply_to_tweet_id": "1899754738283446272"}' in sent[0].body


def test_x_reply_to_a_deleted_post_says_so(x_write: None) -> None:
    with x_cassette(own_x("reply_forbidden")), pytest.raises(FatalError) as caught:
        replies.post_reply("x", MENTION_X, "hello")
    assert str(caught.value).startswith("X refused the reply: the post may be deleted")
    assert "deleted or not visible to you" in str(caught.value)


def test_x_reply_with_revoked_tokens_names_the_variables(x_write: None) -> None:
    with x_cassette(own_x("reply_unauthorized")), pytest.raises(FatalError) as caught:
        replies.post_reply("x", MENTION_X, "hello")
    message = str(caught.value)
    assert "X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN, X_ACCESS_SECRET" in message
    assert not any(value in message for value in X_WRITE_ENV.values() if len(value) > 2)


def test_x_reply_without_write_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BEARER_TOKEN", "read-only")
    monkeypatch.setenv("X_API_KEY", "k")
    with pytest.raises(MissingCredentials) as caught:
        replies.post_reply("x", MENTION_X, "hello")
    assert caught.value.names == ["X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_SECRET"]


def test_x_reply_needs_a_post_id(x_write: None) -> None:
    with pytest.raises(FatalError, match="no X post id"):
        replies.post_reply("x", {"post_id": None}, "hello")


def test_reddit_reply_to_a_deleted_comment_says_so(reddit_login: None) -> None:
    with reddit_cassette(own_reddit("reply_deleted")), pytest.raises(FatalError) as caught:
        replies.post_reply("reddit", MENTION_REDDIT_COMMENT, "Sorry to hear that")
    assert str(caught.value) == "Reddit refused: the comment was deleted (DELETED_COMMENT)"


def test_reddit_reply_where_forbidden_says_so(reddit_login: None) -> None:
    with reddit_cassette(own_reddit("reply_forbidden")), pytest.raises(FatalError, match=r"refused the reply \(403"):
        replies.post_reply("reddit", MENTION_REDDIT_POST, "Sorry to hear that")


def test_reddit_reply_needs_the_account_login(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in REDDIT_ENV.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(MissingCredentials) as caught:
        replies.post_reply("reddit", MENTION_REDDIT_COMMENT, "hello")
    assert caught.value.names == ["REDDIT_USERNAME", "REDDIT_PASSWORD"]


def test_reddit_reply_needs_a_reddit_id(reddit_login: None) -> None:
    with pytest.raises(FatalError, match="no Reddit post or comment id"):
        replies.post_reply("reddit", {"post_id": "https://example.com/x"}, "hello")


def test_reddit_rate_limit_on_posting_is_retriable(reddit_login: None) -> None:
    import praw

    from collectors.reddit import translate

    error = translate(
        praw.exceptions.RedditAPIException([["RATELIMIT", "you are doing that too much", "ratelimit"]]), write=True
    )
    assert isinstance(error, RetriableError) and error.retry_after == 60.0


def test_missing_reply_credentials_are_named_without_importing_clients(monkeypatch, tmp_path):

    from pipeline import replies

    monkeypatch.chdir(tmp_path)
    for name in ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_SECRET", "MASTODON_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("X_API_KEY", "k")
    assert replies.missing_credentials("x") == ["X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_SECRET"]
    assert replies.missing_credentials("mastodon") == ["MASTODON_ACCESS_TOKEN"]
    assert replies.missing_credentials("hackernews") == []
