"""Hacker News collector: replays Algolia answers (../shared real ones, and our own) through requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pytest
import requests
from sqlalchemy import select

from collectors.base import FatalError, RetriableError
from collectors.hackernews import HackerNewsCollector
from collectors.streams import decode_cursor
from config import Brand, Config, Source
from frame import FRAME_COLUMNS
from pipeline.runner import run_source
from store.schema import mentions, runs
from tests.conftest import shared_path
from tests.json_replay import JsonReplay
from tests.json_replay import session_for as replay_session

HERE = Path(__file__).parent / "cassettes" / "hackernews"
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
ACME = Brand(name="Acme", keywords=("acme",), handles={"hackernews": "acme_hq"})


class AlgoliaReplay(JsonReplay):
    """Answers requests from `[{url, reply, status?, headers?, once?}]` recordings; never the network.

    A recording matches when the path is the same and every query parameter it names has
    the same value in the request (hitsPerPage, which only sizes pages, is ignored). `requests`
    keeps each request's query parameters.
    """

    def keep(self, request: requests.PreparedRequest) -> None:
        self.requests.append(dict(parse_qsl(urlsplit(request.url).query)))

    def matches(self, entry: dict[str, Any], request: requests.PreparedRequest) -> bool:
        url, recorded = urlsplit(request.url), urlsplit(entry["url"])
        params = dict(parse_qsl(url.query))
        wanted = {k: v for k, v in parse_qsl(recorded.query) if k != "hitsPerPage"}
        return recorded.path == url.path and all(params.get(k) == v for k, v in wanted.items())


def session_for(*files: Path) -> tuple[requests.Session, AlgoliaReplay]:
    return replay_session(*files, replay_class=AlgoliaReplay)


def source(query: str | None = "acme", max_pages: int = 10, **options) -> Source:  # type: ignore[no-untyped-def]
    return Source(
        name="hn",
        platform="hackernews",
        brand="Acme",
        every_seconds=900,
        query=query,
        max_pages=max_pages,
        options={"include_own": False, **options},  # the own stream and follow-ups: test_hackernews_followups.py
    )


def collector(src: Source, *files: Path, brand: Brand = ACME) -> tuple[HackerNewsCollector, AlgoliaReplay]:
    session, replay = session_for(*files)
    return HackerNewsCollector(src, brand, session=session, now=NOW), replay


def test_real_story_recording_maps_to_the_frame() -> None:
    real = shared_path("cassettes", "hackernews", "fixtures.json")
    brand = Brand(name="Apple", keywords=("apple",))
    hn, replay = collector(source("apple", max_pages=1, tags=["story"]), real, brand=brand)
    result = hn.collect(None)
    assert replay.requests[0]["tags"] == "(story)" and replay.requests[0]["query"] == "apple"
    assert list(result.frame.columns) == FRAME_COLUMNS
    row = result.frame.iloc[0]
    assert row["post_id"] == "7919424" and row["kind"] == "article" and row["thread_id"] == "7919424"
    assert row["text"] == "Judge says concerned about Apple, Google hiring settlement"
    assert row["url"] == "https://news.ycombinator.com/item?id=7919424"
    assert row["created_at"] == pd.Timestamp("2014-06-20T03:35:46Z")
    assert (row["likes"], row["replies"], row["matched"]) == (1, 0, "apple")
    assert pd.isna(row["reposts"]) and pd.isna(row["views"]) and pd.isna(row["author_followers"])
    assert decode_cursor(result.cursor) == {"search": {"since": 1403235346}}


def test_real_comment_recordings_decode_html_and_drop_fuzzy_matches() -> None:
    real = shared_path("cassettes", "hackernews", "fixtures.json")
    fib = Brand(name="Fibonacci", keywords=("fibonacci",))
    hn, _ = collector(source("fibonacci", max_pages=1, tags="(comment)"), real, brand=fib)
    row = hn.collect(None).frame.iloc[0]
    assert (row["kind"], row["parent_id"], row["thread_id"]) == ("comment", "7919207", "7919207")
    assert "What's fascinating" in row["text"] and "<p>" not in row["text"] and "&#x27;" not in row["text"]
    # Algolia's typo tolerance finds "applauded" for "apple": not a mention, counted instead
    apple = Brand(name="Apple", keywords=("apple",))
    hn, _ = collector(source("apple", max_pages=1, tags="(comment)"), real, brand=apple)
    result = hn.collect(None)
    assert result.frame.empty
    assert result.skipped["no query word or keyword (fuzzy match or excluded term)"] == 1


def test_pages_comments_threads_and_own_replies() -> None:
    hn, replay = collector(source(), HERE / "acme_pages.json")
    result = hn.collect(None)
    frame = result.frame.set_index("post_id")
    assert [r["page"] for r in replay.requests] == ["0", "1"]
    assert set(frame.index) == {"41000001", "41000002", "41000003"}
    story, complaint, answer = frame.loc["41000001"], frame.loc["41000002"], frame.loc["41000003"]
    # a story linking elsewhere is an article (never flagged for a reply)
    assert (story["kind"], story["likes"], story["replies"]) == ("article", 154, 87)
    assert story["text"] == "Acme Cloud is down again"
    assert (complaint["parent_id"], complaint["thread_id"]) == ("41000001", "41000001")
    assert complaint["text"] == "Third Acme outage this month.\nWe are moving off it."  # the script is gone
    assert answer["is_own"] and not complaint["is_own"] and answer["parent_id"] == "41000002"
    assert "Sorry about the outage — it's fixed now" in answer["text"]
    assert (frame["brand"] == "Acme").all() and (frame["source"] == "hn").all()
    assert decode_cursor(result.cursor) == {"search": {"since": 1794996300}}


def test_incremental_run_asks_only_for_newer_items_and_keeps_the_gap_when_capped() -> None:
    files = (HERE / "acme_incremental.json",)
    hn, replay = collector(source(max_pages=1), *files)
    first = hn.collect(json.dumps({"search": {"since": 1794996300}}))
    assert replay.requests[0]["numericFilters"] == "created_at_i>1794996300"
    assert set(first.frame["post_id"]) == {"41000010", "41000011"}
    gap = decode_cursor(first.cursor)["search"]
    assert gap == {"since": 1794996300, "until": 1794999601, "newest": 1795001400}
    hn, replay = collector(source(max_pages=1), *files)
    second = hn.collect(first.cursor)
    assert replay.requests[0]["numericFilters"] == "created_at_i>1794996300,created_at_i<1794999601"
    assert second.frame.empty
    assert decode_cursor(second.cursor) == {"search": {"since": 1795001400}}


def test_a_page_seen_twice_ends_the_run() -> None:
    hn, replay = collector(source(), HERE / "acme_loop.json")
    result = hn.collect(None)
    assert len(replay.requests) == 2 and len(result.frame) == 1
    assert result.skipped["page seen twice (loop guard)"] == 1


def test_malformed_hits_are_skipped_or_nulled_never_crash() -> None:
    hn, _ = collector(source(), HERE / "acme_broken.json")
    result = hn.collect(None)
    frame = result.frame.set_index("post_id")
    assert set(frame.index) == {"41000030", "41000033"}
    assert pd.isna(frame.loc["41000030", "likes"])  # "lots" is not a count
    assert pd.isna(frame.loc["41000033", "replies"])  # a negative count is not one either
    assert result.skipped["malformed hit"] == 2
    assert result.skipped["missing text"] == 1
    assert result.skipped["unparseable created_at"] == 1


@pytest.mark.parametrize(
    ("query", "error", "retry_after"),
    [
        ("rate", RetriableError, 30.0),
        ("down", RetriableError, None),
        ("denied", FatalError, None),
        ("weird", FatalError, None),
    ],
)
def test_http_errors_are_retriable_or_fatal(query: str, error: type, retry_after: float | None) -> None:
    hn, _ = collector(source(query), HERE / "errors.json")
    with pytest.raises(error) as caught:
        hn.collect(None)
    if retry_after is not None:
        assert caught.value.retry_after == retry_after


def test_timeouts_are_retriable() -> None:
    class Slow(requests.adapters.BaseAdapter):
        def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
            raise requests.ReadTimeout("slow")

        def close(self) -> None:
            pass

    session = requests.Session()
    session.mount("https://", Slow())
    with pytest.raises(RetriableError, match="timed out"):
        HackerNewsCollector(source(), ACME, session=session).collect(None)


def test_run_source_retries_a_429_then_stores_once(engine) -> None:  # type: ignore[no-untyped-def]
    src = source("flaky")
    config = Config(path=None, brands=(ACME,), sources=(src,))
    waits: list[float] = []
    hn, _ = collector(src, HERE / "errors.json")
    summary = run_source(engine, config, src, sleep=waits.append, collector=hn)
    assert (summary.status, summary.fetched, summary.new, waits) == ("ok", 1, 1, [7.0])
    hn, _ = collector(src, HERE / "errors.json")
    again = run_source(engine, config, src, sleep=waits.append, collector=hn)
    assert (again.status, again.new) == ("ok", 0)
    with engine.connect() as conn:
        assert conn.execute(select(mentions.c.post_id)).scalars().all() == ["41000040"]
        statuses = conn.execute(select(runs.c.status, runs.c.fetched, runs.c.new).order_by(runs.c.id)).all()
    assert [tuple(r) for r in statuses] == [("ok", 1, 1), ("ok", 1, 0)]


def test_fatal_error_is_recorded_in_runs(sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    src = source("denied")
    config = Config(path=None, brands=(ACME,), sources=(src,))
    hn, _ = collector(src, HERE / "errors.json")
    summary = run_source(sqlite_engine, config, src, sleep=lambda s: None, collector=hn)
    assert summary.status == "error" and "fatal" in summary.error and "403" in summary.error
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(runs.c.status)).scalar() == "error"
