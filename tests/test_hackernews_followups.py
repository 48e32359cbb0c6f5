"""Hacker News: the brand account's own items, and the replies below its comments (Algolia's
items/<id> children), replayed from tests/cassettes/hackernews/follow_up*.json (make_follow_ups.py)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from collectors import threads
from collectors.base import FatalError
from collectors.hackernews import HackerNewsCollector
from collectors.streams import decode_cursor
from config import Config, Source
from pipeline.runner import run_source
from store.schema import cursors, mentions
from tests.test_hackernews import ACME, HERE, NOW, session_for

ANSWER_TIME = pd.Timestamp("2026-11-18T10:05:00Z").timestamp()


def source(**options) -> Source:  # type: ignore[no-untyped-def]
    return Source(name="hn", platform="hackernews", brand="Acme", every_seconds=900, query="acme", options=options)


def collector(cassette: str, src: Source | None = None, now: pd.Timestamp = NOW):  # type: ignore[no-untyped-def]
    session, replay = session_for(HERE / cassette)
    return HackerNewsCollector(src or source(), ACME, session=session, now=now), replay


def test_own_comments_and_the_replies_below_them_are_collected() -> None:
    hn, replay = collector("follow_up.json")
    result = hn.collect(None)
    own = replay.requests[1]
    assert (own.get("query"), own["tags"]) == (None, "(story,comment),author_acme_hq")  # no words asked for
    assert replay.requests[2] == {}  # GET /api/v1/items/41000003
    frame = result.frame.set_index("post_id")
    assert set(frame.index) == {"41000002", "41000003", "41000050", "41000052", "41000053"}
    answer = frame.loc["41000003"]
    assert answer["is_own"] and answer["matched"] == "own account"  # kept without a brand word
    follow = frame.loc["41000050"]
    assert (follow["kind"], follow["parent_id"], follow["thread_id"]) == ("comment", "41000003", "41000001")
    assert (follow["author_handle"], follow["is_own"], follow["text"]) == (
        "unhappy_dev",
        False,
        "Confirmed, works again. Thanks!",
    )
    assert follow["matched"] == "thread of acme_hq" and follow["created_at"] == pd.Timestamp("2026-11-18T10:30Z")
    assert frame.loc["41000052", "parent_id"] == "41000050"
    assert frame.loc["41000053", "parent_id"] == "41000051"  # below a deleted comment, still read
    assert result.skipped == {"deleted comment": 1, "malformed comment": 1}
    state = decode_cursor(result.cursor)
    assert state["threads"] == {"41000003": {"t": ANSWER_TIME}}
    assert state["own"] == {"since": int(ANSWER_TIME)} and "search" in state


def test_gone_deleted_and_malformed_items_and_the_window() -> None:
    t = ANSWER_TIME
    followed = {"41000060": {"t": t + 3}, "41000061": {"t": t + 2}, "41000062": {"t": t + 1}, "41000003": {"t": t}}
    hn, replay = collector("follow_up_gone.json")
    result = hn.collect(json.dumps({"threads": followed}))
    assert result.frame.empty and result.deleted == ["41000061"]  # the brand's comment was deleted
    assert result.skipped == {threads.GONE: 2, "malformed item": 1}
    assert decode_cursor(result.cursor)["threads"] == {"41000062": {"t": t + 1}, "41000003": {"t": t}}
    assert len(replay.requests) == 6
    # resolution_days after the newest, nothing is read; the cap reads the newest first
    late, replay = collector("follow_up_gone.json", now=NOW + pd.Timedelta(days=7))
    assert "threads" not in decode_cursor(late.collect(json.dumps({"threads": followed})).cursor)
    assert len(replay.requests) == 2
    capped, replay = collector("follow_up_gone.json", source(thread_comments=1))
    assert decode_cursor(capped.collect(json.dumps({"threads": followed})).cursor)["threads"] == {
        k: v for k, v in followed.items() if k != "41000060"
    }
    assert len(replay.requests) == 3


def test_a_rate_limit_on_the_item_keeps_the_run_and_its_cursor(engine: Engine) -> None:
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    hn, _ = collector("follow_up_rate_limited.json", src)
    waits: list[float] = []
    summary = run_source(engine, config, src, sleep=waits.append, collector=hn)
    assert (summary.status, summary.new, summary.skipped, waits) == ("ok", 2, 1, [])
    with engine.connect() as conn:
        stored = decode_cursor(conn.execute(select(cursors.c.cursor)).scalar_one())
        assert set(conn.execute(select(mentions.c.post_id)).scalars()) == {"41000002", "41000003"}
    assert stored["threads"] == {"41000003": {"t": ANSWER_TIME}} and stored["own"] == {"since": int(ANSWER_TIME)}
    hn, _ = collector("follow_up.json", src)
    again = run_source(engine, config, src, sleep=waits.append, collector=hn)
    assert (again.status, again.new) == ("ok", 3)
    with engine.connect() as conn:
        row = conn.execute(
            select(mentions.c.author_handle, mentions.c.parent_id, mentions.c.thread_id).where(
                mentions.c.post_id == "41000050"
            )
        ).one()
    assert tuple(row) == ("unhappy_dev", "41000003", "41000001")


def test_own_items_need_the_handle_and_thread_comments_needs_them() -> None:
    from config import Brand

    with pytest.raises(FatalError, match="handles.hackernews"):
        HackerNewsCollector(source(include_own=True), Brand(name="Acme"))
    assert not HackerNewsCollector(source(), Brand(name="Acme")).include_own  # no handle: off by default
    with pytest.raises(FatalError, match="needs include_own"):
        HackerNewsCollector(source(include_own=False, thread_comments=2), ACME)
    hn, replay = collector("follow_up.json", source(thread_comments=False))
    assert "threads" not in decode_cursor(hn.collect(None).cursor) and len(replay.requests) == 2
