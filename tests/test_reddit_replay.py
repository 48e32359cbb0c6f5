"""The Reddit collector on praw's real recordings (../shared/cassettes/reddit).

Credentials appear there as placeholders, swapped for test values on load; praw's
update check is off and `time.sleep` is patched out. The collectors ask with other query
strings (sort=new, limits) than praw's tests did, so requests match on method, host, path.
`TestInbox.test_submission_replies` is not replayed: the collector reads replies to the
brand through the threads it revisits, not through that inbox folder.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pandas as pd
import pytest

from collectors import reddit
from config import parse_config
from tests.test_collect_vcr import (
    REDDIT_ENV,
    REDDIT_USER_ENV,
    SentRequest,
    record_sent,
    reddit_cassette,
    shared_reddit,
)

pytestmark = pytest.mark.shared
CLOCK = 1_700_000_000.0


@pytest.fixture(autouse=True)
def reddit_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in REDDIT_ENV.items():
        monkeypatch.setenv(name, value)
    for name in REDDIT_USER_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)


@pytest.fixture
def user_login(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in REDDIT_USER_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[SentRequest]:
    return record_sent(monkeypatch)


def build(handle: str = "acme_support", **source: Any) -> reddit.RedditCollector:
    config = parse_config(
        {
            "brands": [{"name": "Acme", "keywords": ["praw"], "handles": {"reddit": handle}}],
            "sources": [{"name": "reddit-real", "platform": "reddit", "brand": "Acme", "every": "15m", **source}],
        },
        None,
    )
    return reddit.from_source(config.source("reddit-real"), config, clock=lambda: CLOCK)


def check_frame(frame: pd.DataFrame) -> None:
    assert frame["post_id"].str.fullmatch(r"t[13]_[a-z0-9]+").all()
    assert frame["url"].str.startswith("https://www.reddit.com/").all()
    assert frame["created_at"].notna().all() and frame["text"].str.len().gt(0).all()
    assert frame["author_followers"].isna().all() and frame["views"].isna().all()


def test_search_over_all(sent: list[SentRequest]) -> None:
    with reddit_cassette(shared_reddit("TestSubreddit.test_search")):
        result = build(query="praw oauth search").collect(None)
    assert sent[1].path == "/r/all/search/" and sent[1].query["sort"] == "new"
    frame = result.frame
    check_frame(frame)
    assert len(frame) == 6 and (frame["kind"] == "post").all()
    assert frame["thread_id"].equals(frame["post_id"]) and frame["likes"].notna().all()
    assert frame["replies"].notna().all()  # num_comments
    assert set(json.loads(result.cursor)) == {"search"}


def test_watched_subreddit_posts_and_comments(sent: list[SentRequest]) -> None:
    with reddit_cassette(
        shared_reddit("TestSubredditListings.test_new"), shared_reddit("TestSubredditListings.test_comments")
    ):
        result = build(subreddits=["askreddit"], max_pages=1).collect(None)
    assert [r.path for r in sent[1:]] == ["/r/askreddit/new", "/r/askreddit/comments/"]
    frame = result.frame
    check_frame(frame)
    posts, comments = frame[frame["kind"] == "post"], frame[frame["kind"] == "comment"]
    assert len(posts) + len(comments) + sum(result.skipped.values()) == 200
    assert len(posts) > 90 and len(comments) > 90
    assert comments["parent_id"].str.match(r"t[13]_").all() and comments["thread_id"].str.startswith("t3_").all()
    # 2016 comments carry no permalink: the url is built from the thread and the comment id
    assert comments["url"].str.fullmatch(r"https://www\.reddit\.com/comments/[a-z0-9]+/_/[a-z0-9]+/").all()
    state = json.loads(result.cursor)
    assert set(state["posts"]) == {"resume", "newest"}  # a full page: the gap below is for the next run


def test_stream_of_all_new_posts_page() -> None:
    collector = build(subreddits=["all"], max_pages=1)
    with reddit_cassette(shared_reddit("TestSubredditStreams.test_submissions")):
        things, window = collector.fetch_listing(collector.listings()[0], {})
    assert len(things) == 100
    assert window == {"resume": "t3_5jo10c", "newest": {"t": 1482373050.0, "id": "t3_5jo13y"}}


def test_thread_of_a_brand_post(sent: list[SentRequest]) -> None:
    collector = build(include_own=True)
    collector.include_own = False  # only the conversation part
    cursor = json.dumps({"threads": {"t3_2gmzqe": {"t": CLOCK - 60}}})
    with reddit_cassette(shared_reddit("TestSubmission.test_comments")):
        result = collector.collect(cursor)
    assert [r.path for r in sent[1:]] == ["/comments/2gmzqe/"]
    frame = result.frame.set_index("post_id")
    assert "t3_2gmzqe" in frame.index and (frame["kind"] == "comment").sum() >= 1
    assert (frame.loc[frame["kind"] == "comment", "thread_id"] == "t3_2gmzqe").all()


def test_conversation_below_a_brand_comment_with_replace_more(sent: list[SentRequest]) -> None:
    collector = build(include_own=True)
    collector.include_own = False
    cursor = json.dumps({"threads": {"t1_d8r4im1": {"t": CLOCK - 60}}})
    with reddit_cassette(shared_reddit("TestCommentForest.test_replace__on_direct_comment")) as cassette:
        result = collector.collect(cursor)
    assert cassette.all_played  # info, refresh with context, then "continue this thread"
    assert [r.path for r in sent[1:]] == ["/api/info/", "/comments/57dw9a/_/d8r4im1", "/comments/57dw9a/_/d8rzxi2"]
    frame = result.frame
    check_frame(frame)
    assert "t1_d8r4im1" in set(frame["post_id"]) and len(frame) > 5
    assert (frame["thread_id"] == "t3_57dw9a").all()
    assert json.loads(result.cursor)["threads"] == {"t1_d8r4im1": {"t": CLOCK - 60}}


def test_inbox_mentions_with_user_login_and_the_listing_loop_guard(user_login: None, sent: list[SentRequest]) -> None:
    collector = build(include_mentions=True, include_own=False, max_pages=3)
    assert not collector.reddit.read_only
    # with repeats on, the request for page 2 replays page 1: the same items again must end the run
    with reddit_cassette(shared_reddit("TestInbox.test_mentions"), repeats=True):
        result = collector.collect(None)
    assert [r.path for r in sent] == ["/api/v1/access_token", "/message/mentions", "/message/mentions"]
    assert sent[2].query["after"] == "t1_ekfncs9"
    frame = result.frame
    check_frame(frame)
    assert len(frame) + sum(result.skipped.values()) == 16
    assert set(frame["matched"]) == {"u/acme_support"} and frame["thread_id"].str.startswith("t3_").all()


@pytest.mark.parametrize(
    ("name", "mention", "posted"),
    [
        ("TestSubmission.test_reply", {"post_id": "t3_4b1tfm", "kind": "post"}, "Test reply"),
        ("TestComment.test_reply", {"post_id": "t1_d1616q2", "kind": "comment"}, "Comment reply"),
    ],
)
def test_reply_through_the_real_recordings(
    user_login: None, sent: list[SentRequest], name: str, mention: dict[str, str], posted: str
) -> None:
    with reddit_cassette(shared_reddit(name)):
        new_id = reddit.reply(mention, posted)
    assert new_id.startswith("t1_") and len(new_id) > 3
    assert sent[-1].path == "/api/comment/" and f"thing_id={mention['post_id']}" in sent[-1].body
