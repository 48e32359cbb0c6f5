"""Mastodon collector and replies through Mastodon.py, replayed with vcrpy (record_mode none).

../shared/cassettes/mastodon/test_search.yaml is real traffic; tests/cassettes/mastodon holds
hand-written answers shaped like Mastodon's documented entities.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import vcr
from mastodon import errors
from sqlalchemy import select

from collectors.base import FatalError, MissingCredentials, RetriableError
from collectors.mastodon import MastodonCollector, base_url, from_source, reply
from collectors.streams import decode_cursor
from config import Brand, Config, Source
from frame import FRAME_COLUMNS
from pipeline.runner import run_source
from store.schema import mention_state, mentions
from tests.conftest import shared_path

HERE = Path(__file__).parent / "cassettes" / "mastodon"
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
INSTANCE = "https://mastodon.example"
ACME = Brand(name="Acme", keywords=("acme",), handles={"mastodon": "acme@mastodon.example"})
S1, S2, S3, S5, S6 = (f"11300000000000000{i}" for i in (1, 2, 3, 5, 6))


def query_subset(r1, r2) -> None:  # type: ignore[no-untyped-def]
    """The recorded query parameters all appear in the request (extra request parameters are fine)."""
    assert set(r2.query) <= set(r1.query)


def search_terms(r1, r2) -> None:  # type: ignore[no-untyped-def]
    """For the real recording: the same search words and result type, whatever else differs."""

    def pick(r):  # type: ignore[no-untyped-def]
        return {k: v for k, v in r.query if k in ("q", "type")}

    assert pick(r1) == pick(r2)


def replay(*extra: str) -> vcr.VCR:
    recorder = vcr.VCR(record_mode="none", match_on=["method", "scheme", "host", "port", "path", *extra])
    recorder.register_matcher("query_subset", query_subset)
    recorder.register_matcher("search_terms", search_terms)
    return recorder


def source(query: str | None = None, max_pages: int = 10, **options) -> Source:  # type: ignore[no-untyped-def]
    return Source(
        name="masto",
        platform="mastodon",
        brand="Acme",
        every_seconds=600,
        query=query,
        max_pages=max_pages,
        options={"instance": INSTANCE, "thread_comments": False, **options},  # follow-ups: test_mastodon_followups.py
    )


def test_real_search_recording_replays_through_mastodon_py() -> None:
    real = shared_path("cassettes", "mastodon", "test_search.yaml")
    src = Source(
        name="real",
        platform="mastodon",
        brand="Acme",
        every_seconds=600,
        query="mastodonpy_test",
        options={"instance": "http://localhost:3000", "include_own": False, "include_mentions": False},
    )
    collector = MastodonCollector(src, ACME, token="__MASTODON_PY_TEST_ACCESS_TOKEN", now=NOW)
    with replay("search_terms").use_cassette(str(real)) as cassette:
        result = collector.collect(None)
        assert cassette.play_count == 1
    assert result.frame.empty and list(result.frame.columns) == FRAME_COLUMNS
    assert result.cursor is None and not result.skipped


def test_hashtag_timeline_without_token_maps_statuses() -> None:
    collector = MastodonCollector(source(hashtags=["#acme"]), ACME, token=None, now=NOW)
    assert not collector.include_mentions
    with replay("query_subset").use_cassette(str(HERE / "hashtag_no_token.yaml")):
        result = collector.collect(None)
    frame = result.frame.set_index("post_id")
    assert list(result.frame.columns) == FRAME_COLUMNS and set(frame.index) == {S1, S2, S3}
    angry = frame.loc[S2]
    assert angry["text"] == "My #acme phone died & support won't answer\nday 3"
    assert (angry["author_handle"], angry["author_name"], angry["author_followers"]) == (
        "angry@other.example",
        "Angry Customer",
        1200,
    )
    assert (angry["likes"], angry["replies"], angry["reposts"]) == (4, 1, 2) and pd.isna(angry["quotes"])
    assert (angry["kind"], angry["thread_id"], angry["matched"]) == ("post", S2, "#acme")
    assert angry["url"] == "https://other.example/@angry/113000000000000002"
    assert angry["created_at"] == pd.Timestamp("2026-11-18T10:00:00Z") and not angry["is_own"]
    answer = frame.loc[S3]
    assert answer["is_own"] and (answer["kind"], answer["parent_id"]) == ("reply", S2)
    assert answer["author_handle"] == "acme@mastodon.example" and pd.isna(answer["thread_id"])
    rant = frame.loc[S1]
    assert rant["text"] == "Acme rant\n\nHonestly the whole thing is a mess"  # content warning kept
    assert pd.isna(rant["lang"]) and pd.isna(rant["likes"])
    assert result.skipped["boost (not the booster's words)"] == 1
    # the boost (id ...004) counts as seen: since_id skips it next time
    assert decode_cursor(result.cursor) == {"tag:acme": {"since": int(S3) + 1}, "own": {"since": int(S3)}}


def test_second_run_asks_only_for_newer_statuses() -> None:
    with replay("query_subset").use_cassette(str(HERE / "hashtag_no_token.yaml")) as cassette:
        first = MastodonCollector(source(hashtags=["acme"]), ACME, token=None, now=NOW).collect(None)
        second = MastodonCollector(source(hashtags=["acme"]), ACME, token=None, now=NOW).collect(first.cursor)
        assert cassette.all_played
    assert second.frame.empty and second.cursor == first.cursor


def test_notifications_and_own_replies_link_the_brand_answer(engine) -> None:  # type: ignore[no-untyped-def]
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    collector = MastodonCollector(src, ACME, token="test-token", now=NOW)
    with replay("query_subset").use_cassette(str(HERE / "notifications_token.yaml")):
        result = collector.collect(None)
    frame = result.frame.set_index("post_id")
    assert set(frame.index) == {S3, S5, S6}
    fan = frame.loc[S5]
    assert fan["matched"] == "notification: mention" and fan["author_handle"] == "fan@third.example"
    assert fan["text"] == "@acme love the new buds! How do I pair them with Linux?"
    assert frame.loc[S6, "is_own"] and frame.loc[S6, "parent_id"] == S5
    assert result.skipped == {"malformed status": 1, "mention without a status": 1, "unparseable created_at": 1}
    state = decode_cursor(result.cursor)
    assert state["notifications"] == {"since": 9001} and state["own"] == {"since": int(S6)}
    with replay("query_subset").use_cassette(str(HERE / "notifications_token.yaml")):
        summary = run_source(
            engine,
            config,
            src,
            sleep=lambda s: None,
            collector=MastodonCollector(src, ACME, token="test-token", now=NOW),
        )
    assert (summary.status, summary.new) == ("ok", 3)
    with engine.connect() as conn:
        answered = conn.execute(
            select(mentions.c.post_id, mention_state.c.response_post_id, mention_state.c.status)
            .join(mention_state, mention_state.c.mention_id == mentions.c.id)
            .where(mentions.c.post_id == S5)
        ).one()
    assert tuple(answered) == (S5, S6, "replied")


def test_search_keeps_the_gap_when_the_page_cap_cuts_a_run() -> None:
    src = source("acme", max_pages=1, include_own=False, include_mentions=False)
    cursor = json.dumps({"search": {"since": 113000000000000000}})
    with replay("query_subset").use_cassette(str(HERE / "notifications_token.yaml")):
        first = MastodonCollector(src, ACME, token="test-token", now=NOW).collect(cursor)
        second = MastodonCollector(src, ACME, token="test-token", now=NOW).collect(first.cursor)
    assert set(first.frame["post_id"]) == {S5, S2}
    assert decode_cursor(first.cursor)["search"] == {"since": 113000000000000000, "until": int(S2), "newest": int(S5)}
    assert list(second.frame["post_id"]) == [S1]
    assert decode_cursor(second.cursor)["search"] == {"since": 113000000000000000, "until": int(S1), "newest": int(S5)}


@pytest.mark.parametrize(
    ("tag", "error", "message"),
    [
        ("busy", RetriableError, "rate limited"),
        ("down", RetriableError, "ServiceUnavailable"),
        ("private", FatalError, "not authorised"),
    ],
)
def test_errors_are_retriable_or_fatal(tag: str, error: type, message: str) -> None:
    collector = MastodonCollector(source(hashtags=[tag], include_own=False), ACME, token=None, now=NOW)
    with replay("query_subset").use_cassette(str(HERE / "errors.yaml")), pytest.raises(error, match=message) as caught:
        collector.collect(None)
    if tag == "busy":  # reset 60 s after the server's Date: measured on the server's clock, not ours
        assert caught.value.retry_after == 60


def test_a_rate_limit_without_a_server_date_waits_until_the_reset_on_the_injected_clock() -> None:
    from types import SimpleNamespace

    from collectors.mastodon import map_error

    api = SimpleNamespace(ratelimit_reset=1_000_060.0)
    busy = errors.MastodonRatelimitError("Hit rate limit.")
    assert map_error(busy, api, "m", clock=lambda: 1_000_000.0).retry_after == 60
    assert map_error(busy, api, "m", clock=lambda: 1_000_100.0).retry_after == 0
    assert map_error(busy, api, "m", clock=lambda: 0.0, wait=30).retry_after == 30
    assert map_error(busy, SimpleNamespace(ratelimit_reset=None), "m").retry_after is None


def test_invalid_token_on_search_is_fatal_and_loop_guard_ends_a_run() -> None:
    collector = MastodonCollector(source("acme", include_own=False, include_mentions=False), ACME, token="bad")
    with replay("query_subset").use_cassette(str(HERE / "errors.yaml")), pytest.raises(FatalError, match="401"):
        collector.collect(None)
    collector = MastodonCollector(source(hashtags=["loop"], include_own=False), ACME, token=None, now=NOW)
    with replay("query_subset").use_cassette(str(HERE / "errors.yaml")):
        result = collector.collect(None)
    assert list(result.frame["post_id"]) == [S2]
    assert result.skipped["tag:loop: page seen twice (loop guard)"] == 1


def test_credentials_needed_only_for_search_and_mentions(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MASTODON_ACCESS_TOKEN", raising=False)
    config = Config(path=None, brands=(ACME,), sources=())
    with pytest.raises(MissingCredentials, match="MASTODON_ACCESS_TOKEN"):
        from_source(source("acme"), config)
    with pytest.raises(MissingCredentials):
        from_source(source(include_mentions=True), config)
    assert from_source(source(hashtags=["acme"]), config).token is None
    assert base_url("mastodon.social/") == "https://mastodon.social"


def test_reply_posts_in_reply_to_the_status(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "test-token")
    mention = {"post_id": S5, "url": "https://third.example/@fan/113000000000000005", "source": None}
    with replay("query_subset", "body").use_cassette(str(HERE / "reply.yaml")) as cassette:
        assert reply(mention, "thanks!", instance=INSTANCE) == "113000000000000099"
        assert cassette.all_played is False  # the deleted-status answer is for the next test
        with pytest.raises(FatalError, match="deleted"):
            reply({"post_id": "404404"}, "hello", instance=INSTANCE)
    with pytest.raises(FatalError, match="empty"):
        reply(mention, "  ", instance=INSTANCE)
    monkeypatch.delenv("MASTODON_ACCESS_TOKEN")
    with pytest.raises(MissingCredentials):
        reply(mention, "thanks!", instance=INSTANCE)
