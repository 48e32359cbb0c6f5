"""Bluesky follow-ups: getPostThread of the brand's replies, replayed (tests/cassettes/bluesky/follow_up*.json,
written by make_follow_ups.py) through the real atproto SDK, as in test_bluesky.py."""

from __future__ import annotations

import json

import httpx
import pandas as pd
import pytest
from atproto_client.request import Request
from sqlalchemy import Engine, select

from collectors import threads
from collectors.base import FatalError
from collectors.bluesky import THREAD_DEPTH, BlueskyCollector
from collectors.streams import decode_cursor
from config import Config, Source
from pipeline.runner import run_source
from store.schema import cursors, mentions
from tests.test_bluesky import ACME, MENTION, NOW, OWN_REPLY, POST, XrpcReplay, no_cached_sessions  # noqa: F401

FOLLOW, SECOND, SAME = POST.format("fan", "3lfollowup"), POST.format("fan", "3lsecond"), POST.format("other", "3lsame")
SELF_REPLY, BRAND_POST = POST.format("acmebrand", "3lselfreply"), POST.format("acmebrand", "3lbrandpost")
REPLY_TIME = pd.Timestamp("2026-11-18T11:20:00Z").timestamp()


def source(**options) -> Source:  # type: ignore[no-untyped-def]
    """The brand account's own posts (follow-ups default on with them)."""
    return Source(
        name="sky-own",
        platform="bluesky",
        brand="Acme",
        every_seconds=600,
        options={"include_mentions": False, **options},
    )


def collector(
    name: str, src: Source | None = None, now: float = NOW.timestamp()
) -> tuple[BlueskyCollector, XrpcReplay]:
    replay = XrpcReplay(name)
    request = Request(transport=httpx.MockTransport(replay))
    sky = BlueskyCollector(src or source(), ACME, "acme.bsky.social", "app-pass", request=request, clock=lambda: now)
    sky.now = NOW
    return sky, replay


def test_the_thread_below_the_brands_reply_is_collected() -> None:
    sky, replay = collector("follow_up.json")
    result = sky.collect(None)
    assert replay.nsids()[1:] == ["app.bsky.feed.getAuthorFeed", "app.bsky.feed.getPostThread"]
    asked = replay.calls[2][1]
    assert asked == {"uri": OWN_REPLY, "depth": str(THREAD_DEPTH), "parentHeight": "0"}
    frame = result.frame.set_index("post_id")
    assert set(frame.index) == {OWN_REPLY, SELF_REPLY, BRAND_POST, FOLLOW, SECOND, SAME}
    follow = frame.loc[FOLLOW]
    assert (follow["kind"], follow["parent_id"], follow["thread_id"]) == ("reply", OWN_REPLY, MENTION)
    assert (follow["author_handle"], follow["is_own"], follow["matched"]) == (
        "fan.example.com",
        False,
        "thread of @acme.bsky.social",
    )
    assert frame.loc[SECOND, "parent_id"] == FOLLOW and frame.loc[SECOND, "thread_id"] == MENTION
    assert frame.loc[OWN_REPLY, "is_own"] and (frame["is_own"].sum(), len(result.frame)) == (3, 6)
    # deleted and blocked replies, and one without an at:// uri, are counted, never stored
    assert result.skipped == {"thread reply not visible (deleted or blocked)": 2, "malformed post": 1}
    # only the brand's answer to another account is followed (not its post, not its own thread)
    assert decode_cursor(result.cursor)["threads"] == {OWN_REPLY: {"t": REPLY_TIME}}


def test_followed_threads_are_revisited_until_resolution_days_then_dropped() -> None:
    first, _ = collector("follow_up.json")
    cursor = first.collect(None).cursor
    later, replay = collector("follow_up_gone.json", now=REPLY_TIME + 6 * 86_400)
    result = later.collect(cursor)
    assert replay.nsids()[-1] == "app.bsky.feed.getPostThread" and replay.calls[-1][1]["uri"] == OWN_REPLY
    assert result.frame.empty  # the thread has no replies yet
    assert decode_cursor(result.cursor)["threads"] == {OWN_REPLY: {"t": REPLY_TIME}}
    closed, replay = collector("follow_up_gone.json", now=REPLY_TIME + 7 * 86_400 + 1)
    result = closed.collect(cursor)
    assert "app.bsky.feed.getPostThread" not in replay.nsids() and "threads" not in decode_cursor(result.cursor)
    shorter, replay = collector("follow_up_gone.json", now=REPLY_TIME + 2 * 86_400)
    shorter.thread_days = 1.5  # resolution_days
    assert "threads" not in decode_cursor(shorter.collect(cursor).cursor)
    assert "app.bsky.feed.getPostThread" not in replay.nsids()


def test_deleted_hidden_and_malformed_threads(engine: Engine) -> None:
    deleted, hidden, odd, refused = (
        POST.format("acmebrand", k) for k in ("3ldeleted", "3lhidden", "3lodd", "3lrefused")
    )
    t = REPLY_TIME
    state = {
        "threads": {
            deleted: {"t": t + 4},
            hidden: {"t": t + 3},
            odd: {"t": t + 2},
            refused: {"t": t + 1},
            OWN_REPLY: {"t": t},
        }
    }
    sky, replay = collector("follow_up_gone.json", source(thread_comments=5), now=t + 3600)
    result = sky.collect(json.dumps(state))
    assert [c[1]["uri"] for c in replay.calls if c[0] == "app.bsky.feed.getPostThread"] == [
        deleted,
        hidden,
        odd,
        refused,
        OWN_REPLY,
    ]
    assert result.skipped == {threads.GONE: 2, "malformed thread": 1, threads.UNREADABLE: 1}
    assert result.deleted == [deleted, hidden]  # the brand's posts the network no longer has
    # a refused request (not "gone") is tried again next run
    assert set(decode_cursor(result.cursor)["threads"]) == {odd, refused, OWN_REPLY}
    # the cap: thread_comments = 2 reads the two newest
    sky, replay = collector("follow_up_gone.json", source(thread_comments=2), now=t + 3600)
    sky.collect(json.dumps(state))
    assert [c[1]["uri"] for c in replay.calls if c[0] == "app.bsky.feed.getPostThread"] == [deleted, hidden]


def test_a_rate_limit_on_the_thread_keeps_the_run_and_its_cursor(engine: Engine) -> None:
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    sky, replay = collector("follow_up_rate_limited.json", src)
    waits: list[float] = []
    summary = run_source(engine, config, src, sleep=waits.append, collector=sky)
    assert replay.nsids()[-1] == "app.bsky.feed.getPostThread"
    assert (summary.status, summary.new, summary.skipped, waits) == ("ok", 1, 1, [])
    with engine.connect() as conn:
        stored = decode_cursor(conn.execute(select(cursors.c.cursor)).scalar_one())
        assert list(conn.execute(select(mentions.c.post_id)).scalars()) == [OWN_REPLY]
    assert stored == {"own": "2026-11-18T11:20:00.000Z", "threads": {OWN_REPLY: {"t": REPLY_TIME}}}
    # the next run reads the thread it could not read, and stores the follow-ups
    sky, replay = collector("follow_up.json", src)
    again = run_source(engine, config, src, sleep=waits.append, collector=sky)
    assert again.status == "ok" and again.new == 3
    with engine.connect() as conn:
        row = conn.execute(
            select(mentions.c.author_handle, mentions.c.parent_id, mentions.c.thread_id).where(
                mentions.c.post_id == FOLLOW
            )
        ).one()
    assert tuple(row) == ("fan.example.com", OWN_REPLY, MENTION)


def test_thread_comments_needs_the_brands_posts() -> None:
    with pytest.raises(FatalError, match="needs include_own"):
        collector("follow_up.json", source(include_own=False, thread_comments=True))
    sky, replay = collector("follow_up.json", source(thread_comments=False))
    assert "threads" not in decode_cursor(sky.collect(None).cursor)
    assert "app.bsky.feed.getPostThread" not in replay.nsids()
