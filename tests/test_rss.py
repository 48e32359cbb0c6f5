"""RSS / Atom collector: feeds replayed with vcrpy (record_mode none) through requests and feedparser."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
import requests
import vcr
from sqlalchemy import select

from collectors.base import FatalError, RetriableError
from collectors.rss import RssCollector, entry_id, feed_urls
from collectors.streams import decode_cursor
from collectors.web import html_to_text
from config import Brand, Config, Source
from frame import FRAME_COLUMNS
from pipeline.runner import run_source
from store.schema import mentions

HERE = Path(__file__).parent / "cassettes" / "rss"
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
ACME = Brand(name="Acme", keywords=("acme", '"acme phone"'), exclude=("acme anvil",))
NEWS = "https://news.example.com/search.rss?q=acme"
BLOG = "https://blog.example.org/feed.atom"
replay = vcr.VCR(record_mode="none", match_on=["method", "scheme", "host", "port", "path", "query"])


def source(**options) -> Source:  # type: ignore[no-untyped-def]
    return Source(name="feeds", platform="rss", brand="Acme", every_seconds=3600, options=options)


def test_feeds_map_to_the_frame_with_keywords_and_exclusions() -> None:
    with replay.use_cassette(str(HERE / "acme_feeds.yaml")):
        result = RssCollector(source(url=NEWS, feeds=[BLOG]), ACME, now=NOW).collect(None)
    frame = result.frame.set_index("post_id")
    assert list(result.frame.columns) == FRAME_COLUMNS
    assert set(frame.index) == {
        "https://news.example.com/2026/11/acme-phone-x3",
        f"{NEWS}#12345",  # a bare guid is scoped by its feed
        "tag:blog.example.org,2026:acme-buds",
    }
    phone = frame.loc["https://news.example.com/2026/11/acme-phone-x3"]
    assert phone["created_at"] == pd.Timestamp("2026-11-18T08:30:00Z")  # +0100 honoured
    assert phone["author_handle"] == "news.example.com" and phone["author_name"] == "Jane Reporter"
    assert (phone["lang"], phone["kind"], phone["matched"], phone["platform"]) == ("en-us", "article", "acme", "rss")
    assert pd.isna(phone["likes"]) and not phone["is_own"]
    review = frame.loc["tag:blog.example.org,2026:acme-buds"]
    assert review["text"] == (
        "Six weeks with Acme Buds\n\nThe battery life of the Acme Buds is disappointing.\n\nSound: fine."
    )
    assert review["created_at"] == pd.Timestamp("2026-11-18T12:45:00Z")
    assert review["author_handle"] == "blog.example.org" and review["author_name"] == "Sam Reviewer"
    assert result.skipped == {"not about the brand (no keyword, or an excluded term)": 3, "entry without id or date": 1}


def test_hostile_html_is_reduced_to_text() -> None:
    with replay.use_cassette(str(HERE / "acme_feeds.yaml")):
        frame = RssCollector(source(url=NEWS), ACME, now=NOW).collect(None).frame
    text = frame.set_index("post_id").loc["https://news.example.com/2026/11/acme-phone-x3", "text"]
    assert text == "Acme launches the Phone X3 & new buds\n\nAcme's new phone is great.\nRead more"
    for bad in ("<", "script", "cookie", "onerror", "javascript", "display:none", "iframe"):
        assert bad not in text


def test_html_to_text_edge_cases() -> None:
    assert html_to_text("a &lt;b&gt; &amp;amp; <!-- hidden --> c") == "a <b> &amp; c"
    assert html_to_text("<p>one<br>two</p><p>three") == "one\ntwo\n\nthree"
    assert html_to_text("<script>x</script><SCRIPT>y</SCRIPT>ok<style>z") == "ok"
    assert html_to_text("<div><unclosed <b>bold") == "bold"
    assert html_to_text(None) == "" and html_to_text("plain") == "plain"


def test_second_run_uses_conditional_get_and_the_cursor() -> None:
    session = requests.Session()
    with (
        replay.use_cassette(str(HERE / "acme_feeds.yaml")),
        mock.patch.object(session, "get", wraps=session.get) as spy,
    ):
        collector = RssCollector(source(url=NEWS, feeds=[BLOG]), ACME, session=session, now=NOW)
        first = collector.collect(None)
        second = collector.collect(first.cursor)
    sent = spy.call_args_list[2].kwargs["headers"]
    feeds = decode_cursor(first.cursor)["feeds"]
    assert feeds[NEWS]["etag"] == '"news-v1"' and feeds[NEWS]["newest"] == "2026-11-18T08:30:00+0000"
    assert sent["If-None-Match"] == '"news-v1"' and sent["If-Modified-Since"] == "Wed, 18 Nov 2026 09:35:00 GMT"
    # 304 for the news feed; the blog repeats its old entry and adds one dated before it (still new)
    assert list(second.frame["post_id"]) == ["tag:blog.example.org,2026:acme-follow-up"]
    assert decode_cursor(second.cursor)["feeds"][NEWS] == feeds[NEWS]


def test_rerun_on_the_same_content_stores_nothing_new(engine) -> None:  # type: ignore[no-untyped-def]
    src = source(url=NEWS, feeds=[BLOG])
    config = Config(path=None, brands=(ACME,), sources=(src,))
    with replay.use_cassette(str(HERE / "acme_feeds.yaml")):
        first = run_source(engine, config, src, sleep=lambda s: None, collector=RssCollector(src, ACME, now=NOW))
        second = run_source(engine, config, src, sleep=lambda s: None, collector=RssCollector(src, ACME, now=NOW))
    assert (first.status, first.new, first.skipped) == ("ok", 3, 4)
    assert (second.status, second.new) == ("ok", 1)
    with engine.connect() as conn:
        assert len(conn.execute(select(mentions.c.post_id)).all()) == 4


@pytest.mark.parametrize(
    ("url", "error", "message"),
    [
        ("https://down.example.com/feed.xml", RetriableError, "server error 503"),
        ("https://gone.example.com/feed.xml", FatalError, r"not found \(404\)"),
        ("https://html.example.com/feed", FatalError, "not an RSS or Atom feed"),
    ],
)
def test_failing_feed_errors(url: str, error: type, message: str) -> None:
    with replay.use_cassette(str(HERE / "errors.yaml")), pytest.raises(error, match=message) as caught:
        RssCollector(source(url=url), ACME, now=NOW).collect(None)
    if error is RetriableError:
        assert caught.value.retry_after == 120.0


def test_one_failing_feed_does_not_stop_the_others_and_encodings_are_honoured() -> None:
    urls = ["https://gone.example.com/feed.xml", "https://latin1.example.com/feed.xml"]
    with replay.use_cassette(str(HERE / "errors.yaml")):
        result = RssCollector(source(feeds=urls), ACME, now=NOW).collect(None)
    assert list(result.frame["text"]) == ["Acme au café\n\nTrès bien, Acme !"]
    assert any("gone.example.com" in reason and "404" in reason for reason in result.skipped)
    assert list(decode_cursor(result.cursor)["feeds"]) == ["https://latin1.example.com/feed.xml"]


def test_source_without_a_feed_is_fatal_and_ids_are_bounded() -> None:
    with pytest.raises(FatalError, match="needs `url` or `feeds`"):
        RssCollector(source(), ACME)
    assert feed_urls(source(url=" https://a/x ", feeds=["https://a/x", "https://b/y", 3])) == [
        "https://a/x",
        "https://b/y",
    ]
    long_link = "https://example.com/" + "a" * 300
    assert entry_id({"link": long_link}, "https://f").startswith("sha1:")
    assert len(entry_id({"link": long_link}, "https://f")) <= 128
    assert entry_id({}, "https://f") is None


def test_garbage_cursor_reads_as_no_cursor() -> None:
    with replay.use_cassette(str(HERE / "acme_feeds.yaml")):
        result = RssCollector(source(url=NEWS), ACME, now=NOW).collect("not json {")
    assert len(result.frame) == 2 and json.loads(result.cursor)["feeds"][NEWS]["ids"]
