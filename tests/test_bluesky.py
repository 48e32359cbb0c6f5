"""Bluesky collector and replies through the real atproto SDK, answered by an httpx.MockTransport.

The answers (tests/cassettes/bluesky/*.json) are shaped like the app.bsky / com.atproto
lexicons; the SDK's own request, session and error code runs unchanged.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pandas as pd
import pytest
from atproto_client.request import Request
from sqlalchemy import select

from collectors import bluesky
from collectors.base import FatalError, MissingCredentials, RetriableError
from collectors.bluesky import BlueskyCollector, from_source, reply
from collectors.streams import decode_cursor
from config import Brand, Config, Source
from frame import FRAME_COLUMNS
from pipeline.runner import run_source
from store.schema import mention_state, mentions

HERE = Path(__file__).parent / "cassettes" / "bluesky"
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
ACME = Brand(name="Acme", keywords=("acme",), handles={"bluesky": "acme.bsky.social"})
POST = "at://did:plc:{}/app.bsky.feed.post/{}"
MENTION, OWN_REPLY = POST.format("fan", "3lmention"), POST.format("acmebrand", "3lownreply")
P1, P2, P3, P4 = (
    POST.format(who, key)
    for who, key in [("angry", "3lsearch1"), ("fan", "3lsearch2"), ("ghost", "3lsearch3"), ("angry", "3lsearch4")]
)
BRAND_POST = POST.format("acmebrand", "3lbrandpost")


class XrpcReplay:
    """An httpx transport handler answering XRPC calls from a fixture file; never the network.

    An entry matches on nsid, HTTP method, the query parameters it lists (and those it says
    must be `absent`); createSession entries and `once` entries answer one call each.
    """

    def __init__(self, name: str) -> None:
        text = (HERE / name).read_text(encoding="utf-8").replace("{reset}", str(int(NOW.timestamp()) + 60))
        self.entries = json.loads(text)
        self.calls: list[tuple[str, dict[str, str], str | None, bytes]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        nsid = request.url.path.rsplit("/", 1)[-1]
        params = dict(request.url.params.multi_items())
        self.calls.append((nsid, params, request.headers.get("authorization"), request.content))
        for entry in self.entries:
            if entry["nsid"] != nsid or entry.get("method", "GET") != request.method:
                continue
            if any(params.get(k) != v for k, v in entry.get("params", {}).items()):
                continue
            if any(k in params for k in entry.get("absent", [])):
                continue
            if entry.get("once") or nsid == "com.atproto.server.createSession":
                self.entries.remove(entry)
            body = entry["body"]
            if isinstance(body, str):
                return httpx.Response(entry.get("status", 200), text=body, headers=entry.get("headers"))
            return httpx.Response(entry.get("status", 200), json=body, headers=entry.get("headers"))
        raise AssertionError(f"no recorded answer for {request.method} {request.url}")

    def nsids(self) -> list[str]:
        return [c[0] for c in self.calls]


@pytest.fixture(autouse=True)
def no_cached_sessions():  # type: ignore[no-untyped-def]
    bluesky._SESSIONS.clear()
    yield
    bluesky._SESSIONS.clear()


def source(query: str | None = "acme", max_pages: int = 10, **options) -> Source:  # type: ignore[no-untyped-def]
    return Source(
        name="sky",
        platform="bluesky",
        brand="Acme",
        every_seconds=600,
        query=query,
        max_pages=max_pages,
        options={"thread_comments": False, **options},  # follow-ups: tests/test_bluesky_followups.py
    )


def collector(name: str, src: Source | None = None) -> tuple[BlueskyCollector, XrpcReplay]:
    replay = XrpcReplay(name)
    request = Request(transport=httpx.MockTransport(replay))
    return BlueskyCollector(
        src or source(), ACME, "acme.bsky.social", "app-pass-1234", request=request, now=NOW, clock=NOW.timestamp
    ), replay


def test_search_notifications_and_own_posts_map_to_the_frame() -> None:
    sky, replay = collector("collect.json")
    result = sky.collect(None)
    assert replay.nsids() == [
        "com.atproto.server.createSession",
        "app.bsky.notification.listNotifications",
        "app.bsky.feed.searchPosts",
        "app.bsky.feed.searchPosts",
        "app.bsky.feed.getAuthorFeed",
    ]
    login = json.loads(replay.calls[0][3])
    assert login["identifier"] == "acme.bsky.social" and replay.calls[0][2] is None
    assert all(auth and auth.startswith("Bearer ey") for _, _, auth, _ in replay.calls[1:])
    assert replay.calls[1][1]["reasons"] == "quote"  # mention, reply and quote are asked for
    frame = result.frame.set_index("post_id")
    assert list(result.frame.columns) == FRAME_COLUMNS
    assert set(frame.index) == {P1, P2, P3, P4, MENTION, OWN_REPLY}
    angry = frame.loc[P1]
    assert (angry["kind"], angry["thread_id"], angry["lang"], angry["matched"]) == ("post", P1, "en", "acme")
    assert (angry["likes"], angry["replies"], angry["reposts"], angry["quotes"]) == (14, 2, 5, 1)
    assert angry["url"] == "https://bsky.app/profile/angry.bsky.social/post/3lsearch1"
    assert angry["created_at"] == pd.Timestamp("2026-11-18T10:00:00Z") and pd.isna(angry["views"])
    question = frame.loc[P2]
    assert (question["kind"], question["parent_id"], question["thread_id"]) == ("reply", BRAND_POST, BRAND_POST)
    assert pd.isna(question["lang"]) and pd.isna(question["author_name"])
    quote = frame.loc[P3]
    assert quote["kind"] == "quote" and quote["url"] == "https://bsky.app/profile/did:plc:ghost/post/3lsearch3"
    mention = frame.loc[MENTION]
    assert mention["matched"] == "notification: mention" and pd.isna(mention["likes"])
    own = frame.loc[OWN_REPLY]
    assert own["is_own"] and own["parent_id"] == MENTION and not frame.loc[[P1, P2, MENTION], "is_own"].any()
    assert result.skipped == {"malformed post": 2, "unparseable created_at": 1}
    assert decode_cursor(result.cursor) == {
        "notifications": "2026-11-18T11:00:01.000Z",
        "own": "2026-11-18T11:20:00.000Z",
        "search": {"since": "2026-11-18T10:00:00.000Z"},
    }


def test_second_run_reads_only_what_is_newer_and_stores_nothing_twice(engine) -> None:  # type: ignore[no-untyped-def]
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    sky, _ = collector("collect.json", src)
    first = run_source(engine, config, src, sleep=lambda s: None, collector=sky)
    assert (first.status, first.new) == ("ok", 6)
    sky, replay = collector("collect.json", src)
    second = run_source(engine, config, src, sleep=lambda s: None, collector=sky)
    search = [c for c in replay.calls if c[0] == "app.bsky.feed.searchPosts"]
    assert len(search) == 1 and search[0][1]["since"] == "2026-11-18T10:00:00.000Z"
    assert (second.status, second.fetched, second.new) == ("ok", 1, 0)
    with engine.connect() as conn:
        answered = conn.execute(
            select(mention_state.c.response_post_id, mention_state.c.status)
            .join(mentions, mention_state.c.mention_id == mentions.c.id)
            .where(mentions.c.post_id == MENTION)
        ).one()
        assert len(conn.execute(select(mentions.c.id)).all()) == 6
    assert tuple(answered) == (OWN_REPLY, "replied")


def test_page_cap_keeps_a_search_gap_and_a_repeated_cursor_ends_the_run() -> None:
    sky, _ = collector("collect.json", source(max_pages=1, include_mentions=False, include_own=False))
    capped = sky.collect(json.dumps({"search": {"since": "2026-11-18T07:00:00.000Z"}}))
    assert decode_cursor(capped.cursor)["search"] == {
        "since": "2026-11-18T07:00:00.000Z",
        "until": "2026-11-18T09:00:00.000Z",
        "newest": "2026-11-18T10:00:00.000Z",
    }
    sky, replay = collector("loop.json", source(include_mentions=False, include_own=False))
    result = sky.collect(None)
    assert len([c for c in replay.calls if c[0] == "app.bsky.feed.searchPosts"]) == 2
    assert result.skipped["page cursor seen twice (loop guard)"] == 1


@pytest.mark.parametrize(
    ("query", "error", "message"),
    [
        ("busy", RetriableError, "rate limited"),
        ("gateway", RetriableError, "network error"),
        ("unavailable", RetriableError, "server error 503"),
        ("bad query", FatalError, "InvalidRequest"),
    ],
)
def test_errors_are_retriable_or_fatal(query: str, error: type, message: str) -> None:
    sky, _ = collector("errors.json", source(query, include_mentions=False, include_own=False))
    with pytest.raises(error, match=message) as caught:
        sky.collect(None)
    if query == "busy":
        assert caught.value.retry_after == 60  # the reset header, 60 s after the injected clock


def test_expired_session_logs_in_again_and_sessions_are_reused() -> None:
    sky, replay = collector("errors.json", source("expired", include_mentions=False, include_own=False))
    result = sky.collect(None)
    assert list(result.frame["post_id"]) == [P4]
    assert replay.nsids().count("com.atproto.server.createSession") == 2
    again, replay = collector("loop.json", source(include_mentions=False, include_own=False))
    again.collect(None)
    assert "com.atproto.server.createSession" not in replay.nsids()  # the session of this process is reused


def test_bad_password_is_fatal_and_missing_credentials_are_named(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sky, _ = collector("bad_login.json")
    with pytest.raises(FatalError, match="BLUESKY_APP_PASSWORD") as caught:
        sky.collect(None)
    assert "app-pass-1234" not in str(caught.value)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BLUESKY_HANDLE", raising=False)
    monkeypatch.delenv("BLUESKY_APP_PASSWORD", raising=False)
    with pytest.raises(MissingCredentials, match="BLUESKY_HANDLE, BLUESKY_APP_PASSWORD"):
        from_source(source(), Config(path=None, brands=(ACME,), sources=()))


def test_reply_answers_in_the_right_thread(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BLUESKY_HANDLE", "acme.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-1234")
    replay = XrpcReplay("reply.json")
    request = Request(transport=httpx.MockTransport(replay))
    text = "It shouldn't! See https://acme.example/help for a free replacement."
    assert reply({"post_id": P2}, text, request=request) == POST.format("acmebrand", "3lnewreply")
    created = json.loads(replay.calls[-1][3])
    assert created["repo"] == "acme.bsky.social" and created["record"]["text"] == text
    parent = created["record"]["reply"]["parent"]
    assert (parent["uri"], parent["cid"]) == (P2, "bafyrei3lsearch2")
    assert created["record"]["reply"]["root"]["uri"] == BRAND_POST
    assert created["record"]["facets"][0]["features"][0]["uri"] == "https://acme.example/help"
    with pytest.raises(FatalError, match="deleted"):
        reply({"post_id": POST.format("fan", "3ldeleted")}, "hello", request=request)
    with pytest.raises(FatalError, match="allows 300"):
        reply({"post_id": P2}, "x" * 301, request=request)
    with pytest.raises(FatalError, match="not a Bluesky post id"):
        reply({"post_id": "12345"}, "hello", request=request)
