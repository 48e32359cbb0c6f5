"""Cursors that remember seen items keep digests of their ids (collectors.streams.cursor_id), never the ids:
App Store, Google Play and RSS. A cursor saved by an older version (plain ids) still works, and its source's
next run writes it back as digests; after a forget, no id of the erased person's items is left in any table
(every text column, the sources' cursors and the runs' copies included). Replayed answers, no network.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import requests
from sqlalchemy import Engine, select

from collectors.appstore import AppStoreCollector
from collectors.googleplay import GooglePlayCollector, service_account
from collectors.rss import RssCollector
from collectors.streams import cursor_id, decode_cursor, digest_seen, encode_cursor, seen_ids
from collectors.threads import forget_followed
from config import Config, Source
from pipeline import privacy, retention
from pipeline.ingest import ingest
from pipeline.runner import run_source, start_run
from store import writer
from store.schema import cursors, runs
from tests import test_appstore, test_googleplay
from tests.json_replay import JsonReplay, session_for
from tests.test_googleplay_edits import recording, review
from tests.test_privacy import traces

WHEN = datetime(2026, 11, 17, 15, 20, 11, tzinfo=UTC)
APP_FEED = "https://itunes.apple.com/us/rss/customerreviews/page={page}/id=1234567890/sortby=mostrecent/json"
APP_REVIEW, APP_AUTHOR = "11500000042", "Mara Kowalczyk"


def _app_entry(review_id: str, author: str, when: datetime, text: str) -> dict[str, Any]:
    return {
        "author": {"uri": {"label": "https://itunes.apple.com/us/reviews/id90421"}, "name": {"label": author}},
        "updated": {"label": when.isoformat()},
        "im:rating": {"label": "2"},
        "id": {"label": review_id},
        "title": {"label": "Sync"},
        "content": {"label": text, "attributes": {"type": "text"}},
    }


def _app_store(tmp_path: Path, *entries: dict[str, Any]) -> AppStoreCollector:
    path = tmp_path / f"appstore-{len(list(tmp_path.iterdir()))}.json"
    pages = [
        {"url": APP_FEED.format(page=1), "reply": {"feed": {"entry": list(entries)}}},
        {"url": APP_FEED.format(page=2), "reply": {"feed": {}}},
    ]
    path.write_text(json.dumps(pages), encoding="utf-8")
    session, _ = session_for(path)
    return AppStoreCollector(test_appstore.source(), test_appstore.ACME, session=session, now=test_appstore.NOW)


def _play(path: Path) -> GooglePlayCollector:
    session, _ = session_for(path)
    key = service_account(test_googleplay.KEY_JSON)
    return GooglePlayCollector(
        test_googleplay.source(), test_googleplay.ACME, session=session, now=test_googleplay.NOW, key=key
    )


def _only_digests(cursor: str | None) -> list[str]:
    """Every id list in the cursor, checked to hold digests only."""
    found: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "ids":
                    assert isinstance(value, list) and all(seen_ids("-", [i]) == {i} for i in value), value
                    found.extend(value)
                else:
                    walk(value)

    walk(decode_cursor(cursor))
    return found


def test_seen_ids_digests_plain_ids_and_keeps_digests() -> None:
    digest = cursor_id("appstore", "1")
    assert seen_ids("appstore", ["1", 1, digest]) == {digest}
    assert seen_ids("appstore", ["2", None, True, {"x": 1}, ""]) == {cursor_id("appstore", "2")}
    assert seen_ids("appstore", "not a list") == set()


def test_digest_seen_rewrites_plain_ids_in_place_and_leaves_the_rest() -> None:
    digest = cursor_id("rss", "b")
    old = json.dumps({"feeds": {NEWS: {"ids": ["b", "a", digest, "a"], "etag": '"v1"', "empty": None}}})
    new = decode_cursor(digest_seen("rss", old))
    assert new == {"feeds": {NEWS: {"ids": [digest, cursor_id("rss", "a")], "etag": '"v1"', "empty": None}}}
    done = digest_seen("rss", old)
    assert digest_seen("rss", done) is done  # digests only: the very same string back
    for other in (None, "", "1790000000000000001", "[1, 2]", '{"since": "7"}'):  # nothing to rewrite
        assert digest_seen("rss", other) == other


def test_forget_followed_drops_only_the_entries_naming_the_ids() -> None:
    followed = {f"{X_CONV}:{X_USER}": {"t": 1.0, "conv": X_CONV, "to": X_USER},
                "77:88": {"t": 2.0, "conv": "77", "to": "88"}}  # fmt: skip
    cursor = encode_cursor({"search": {"since": "5"}, "threads": followed})
    assert decode_cursor(forget_followed(cursor, [X_USER]))["threads"] == {"77:88": followed["77:88"]}
    assert decode_cursor(forget_followed(cursor, ["77"]))["threads"] == {
        f"{X_CONV}:{X_USER}": followed[f"{X_CONV}:{X_USER}"]
    }
    assert decode_cursor(forget_followed(cursor, [X_USER, "88"])) == {"search": {"since": "5"}}
    assert forget_followed(cursor, ["5", "1.0"]) is cursor  # a since-id or a time is not a conversation
    assert forget_followed("not json", [X_USER]) == "not json" and forget_followed(cursor, []) is cursor


def test_app_store_reads_an_older_plain_id_cursor_and_writes_it_back_as_digests(tmp_path: Path) -> None:
    entry = _app_entry(APP_REVIEW, APP_AUTHOR, WHEN, "Sync lost my notes")
    old = json.dumps({"us": {"newest": WHEN.isoformat(), "ids": [APP_REVIEW]}})  # as saved before digests
    same = _app_store(tmp_path, entry).collect(old)
    assert same.frame.empty  # the plain id still names the review: not collected again
    assert _only_digests(same.cursor) == [cursor_id("appstore", APP_REVIEW)]
    assert APP_REVIEW not in (same.cursor or "")  # was the cursor as read, plain id included
    # a newer review at the same time as the seen one: both are remembered, as digests
    other = _app_entry("11500000043", "Bo", WHEN, "Widget gone")
    both = _app_store(tmp_path, other, entry).collect(old)
    assert both.frame["post_id"].tolist() == ["11500000043"]
    assert sorted(_only_digests(both.cursor)) == sorted(cursor_id("appstore", i) for i in (APP_REVIEW, "11500000043"))


def test_google_play_reads_an_older_plain_id_cursor_and_writes_it_back_as_digests(tmp_path: Path) -> None:
    path = recording(tmp_path, "same", review(review_id="gp:AOqpTOPLAIN", seconds=1794916800))
    old = json.dumps({"newest": 1794916800.0, "ids": ["gp:AOqpTOPLAIN"]})  # as saved before 9641011
    same = _play(path).collect(old)
    assert same.frame.empty
    assert _only_digests(same.cursor) == [cursor_id("googleplay", "gp:AOqpTOPLAIN")]
    assert "AOqpTOPLAIN" not in (same.cursor or "")  # was the cursor as read


NEWS = "https://news.example.com/search.rss?q=acme"
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://news.example.com</link>
<item><guid>https://news.example.com/2026/11/acme-sync</guid><title>Acme sync outage</title>
<description>Acme notes lost sync for an hour.</description><pubDate>Tue, 17 Nov 2026 10:00:00 GMT</pubDate></item>
</channel></rss>"""
ITEM = "https://news.example.com/2026/11/acme-sync"


class _FeedReplay(JsonReplay):
    """Replays a feed's XML (the reply as text), and a 304 when the recording says so."""

    def _response(self, request, entry):  # type: ignore[no-untyped-def]
        response = requests.Response()
        response.status_code = entry.get("status", 200)
        response.headers.update({"Content-Type": "application/rss+xml", **entry.get("headers", {})})
        response._content = str(entry.get("reply") or "").encode("utf-8")
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response


def _rss(tmp_path: Path, status: int) -> RssCollector:
    path = tmp_path / f"feed-{status}.json"
    path.write_text(json.dumps([{"url": NEWS, "status": status, "reply": FEED if status == 200 else ""}]))
    session, _ = session_for(path, replay_class=_FeedReplay)
    src = Source(name="feeds", platform="rss", brand="Acme", every_seconds=3600, options={"url": NEWS})
    return RssCollector(src, test_appstore.ACME, session=session, now=test_appstore.NOW)


def test_rss_reads_an_older_plain_id_cursor_and_writes_it_back_as_digests(tmp_path: Path) -> None:
    first = _rss(tmp_path, 200).collect(None)
    assert first.frame["post_id"].tolist() == [ITEM]
    assert _only_digests(first.cursor) == [cursor_id("rss", ITEM)]  # was [ITEM]
    old = json.dumps({"feeds": {NEWS: {"newest": "2026-11-17T10:00:00+0000", "ids": [ITEM], "etag": '"v1"'}}})
    for status in (200, 304):  # the feed again, or unchanged
        again = _rss(tmp_path, status).collect(old)
        assert again.frame.empty, status  # the plain id still names the entry
        assert _only_digests(again.cursor) == [cursor_id("rss", ITEM)], status
        assert ITEM not in (again.cursor or ""), status


def test_after_a_forget_no_id_of_the_reviewers_items_is_left_in_the_store(engine: Engine, tmp_path: Path) -> None:
    """A store whose App Store and Google Play cursors were saved by an older version (plain ids): after the
    sources' next runs and a forget of both reviewers, none of their review ids or names is in any table."""
    app_src, play_src = test_appstore.source(), test_googleplay.source()
    config = Config(path=None, brands=(test_appstore.ACME,), sources=(app_src, play_src))
    play_id, play_author = "gp:AOqpTOFORGETME", "Ann Example"
    app_entry = _app_entry(APP_REVIEW, APP_AUTHOR, WHEN, "Sync lost my notes again")
    play_path = recording(tmp_path, "play", review(review_id=play_id, author=play_author, seconds=1794916800))
    assert run_source(engine, config, app_src, sleep=lambda s: None, collector=_app_store(tmp_path, app_entry)).new
    assert run_source(engine, config, play_src, sleep=lambda s: None, collector=_play(play_path)).new
    old_app = json.dumps({"us": {"newest": WHEN.isoformat(), "ids": [APP_REVIEW]}})
    old_play = json.dumps({"newest": 1794916800.0, "ids": [play_id]})
    for src, old in ((app_src, old_app), (play_src, old_play)):  # runs of an older version copied them
        run_id = start_run(engine, src)
        with engine.begin() as conn:
            writer.finish_run(conn, run_id, status="ok", fetched=1, new=0, skipped=0, cursor=old, error=None)
    with engine.begin() as conn:  # the cursors as an older version saved them
        writer.save_cursor(conn, app_src.name, "appstore", old_app)
        writer.save_cursor(conn, play_src.name, "googleplay", old_play)
    # the next runs find nothing newer, and write the cursors back
    assert run_source(engine, config, app_src, sleep=lambda s: None, collector=_app_store(tmp_path, app_entry)).new == 0
    assert run_source(engine, config, play_src, sleep=lambda s: None, collector=_play(play_path)).new == 0
    with engine.connect() as conn:
        for cursor in conn.execute(select(cursors.c.cursor)).scalars():
            _only_digests(cursor)
    assert privacy.forget(engine, "appstore", APP_AUTHOR, actor="admin", brands=[test_appstore.ACME]).erased == 1
    assert privacy.forget(engine, "googleplay", play_author, actor="admin", brands=[test_appstore.ACME]).erased == 1
    # was the old runs' copies of the cursors (runs.cursor), with the reviews' plain ids
    assert traces(engine, [APP_REVIEW, play_id, APP_AUTHOR, play_author]) == []
    with engine.connect() as conn:  # the runs' copies now as the sources' next runs wrote them: digests
        copies = conn.execute(select(runs.c.cursor).where(runs.c.cursor.is_not(None))).scalars().all()
    assert len(copies) == 6 and all(_only_digests(c) for c in copies)


def test_retention_turns_the_plain_ids_of_the_runs_copies_into_digests(engine: Engine, tmp_path: Path) -> None:
    """Retention erases old reviews: the plain ids an older version's runs copied go too (the source's
    cursor and the runs' copies alike), and the source still knows the review it saw."""
    app_src = test_appstore.source()
    brand = dataclasses.replace(test_appstore.ACME, retain_days=1)
    config = Config(path=None, brands=(brand,), sources=(app_src,))
    entry = _app_entry(APP_REVIEW, APP_AUTHOR, WHEN, "Sync lost my notes again")
    assert run_source(engine, config, app_src, sleep=lambda s: None, collector=_app_store(tmp_path, entry)).new
    old = json.dumps({"us": {"newest": WHEN.isoformat(), "ids": [APP_REVIEW]}})
    run_id = start_run(engine, app_src)
    with engine.begin() as conn:
        writer.finish_run(conn, run_id, status="ok", fetched=1, new=0, skipped=0, cursor=old, error=None)
        writer.save_cursor(conn, app_src.name, "appstore", old)
    done = retention.apply_retention(engine, config, WHEN + timedelta(days=30))
    assert done.erased == 1
    assert traces(engine, [APP_REVIEW, APP_AUTHOR]) == []  # was the cursor's and the old run's plain id
    assert done.cursors == 2
    with engine.connect() as conn:
        stored = conn.execute(select(cursors.c.cursor)).scalar_one()
    assert _only_digests(stored) == [cursor_id("appstore", APP_REVIEW)]
    assert _app_store(tmp_path, entry).collect(stored).frame.empty  # still seen: not collected again


X_USER, X_OTHER, X_CONV, X_BRAND = "1449000000000000001", "1449000000000000002", "1861000000000000001", "1449"


def _x_post(post_id: str, author_id: str, handle: str, when: datetime, **extra: Any) -> dict[str, Any]:
    return {"platform": "x", "post_id": post_id, "url": f"https://x.com/{handle}/status/{post_id}",
            "kind": "post", "text": f"@acme where is my order {post_id[-3:]}", "created_at": when, "brand": "Acme",
            "matched": "acme", "author_id": author_id, "author_handle": handle, "author_name": handle.title(),
            "is_own": False, "source": "x-acme", **extra}  # fmt: skip


def test_after_a_forget_no_followed_x_conversation_names_the_person(engine: Engine) -> None:
    """The X source's cursor follows the conversations the brand answered ("<conversation>:<user id>",
    `to` the answered person) for up to 7 days, and its runs copy it: a forget of that person drops their
    entries (by user id, and the conversation their forgotten post started) and keeps everybody else's."""
    src = Source(name="x-acme", platform="x", brand="Acme", every_seconds=600, options={"query": "acme"})
    config = Config(path=None, brands=(test_appstore.ACME,), sources=(src,))
    other_conv = "1861000000000000002"
    rows = [
        _x_post(X_CONV, X_USER, "mara_k", WHEN, thread_id=X_CONV),
        _x_post(other_conv, X_OTHER, "bo_b", WHEN, thread_id=other_conv),
    ]
    ingest(engine, pd.DataFrame(rows), config.brands, source=src.name, platform="x")
    t = WHEN.timestamp()
    followed = {
        f"{X_CONV}:{X_USER}": {"t": t, "conv": X_CONV, "to": X_USER, "after": "1861000000000000011"},
        f"{X_CONV}:{X_OTHER}": {"t": t, "conv": X_CONV, "to": X_OTHER, "after": "1861000000000000012"},
        f"{other_conv}:{X_OTHER}": {"t": t, "conv": other_conv, "to": X_OTHER, "after": "1861000000000000013"},
    }
    cursor = encode_cursor({"search": {"since": "1861000000000000013"}, "threads": followed})
    run_id = start_run(engine, src)
    with engine.begin() as conn:
        writer.finish_run(conn, run_id, status="ok", fetched=3, new=2, skipped=0, cursor=cursor, error=None)
        writer.save_cursor(conn, src.name, "x", cursor)
    result = privacy.forget(engine, "x", "mara_k", actor="admin", brands=config.brands)
    assert result.erased == 1
    # was the cursor's and the run's "<conversation>:<user id>" entries, with `to` = the person's user id
    assert traces(engine, [X_USER, X_CONV, "mara_k"]) == []
    assert result.swept["cursors"] == 2
    with engine.connect() as conn:
        kept = [decode_cursor(c) for c in (
            conn.execute(select(cursors.c.cursor)).scalar_one(), conn.execute(select(runs.c.cursor)).scalar_one()
        )]  # fmt: skip
    for state in kept:
        assert list(state["threads"]) == [f"{other_conv}:{X_OTHER}"]  # another person's conversation stays
        assert state["search"] == {"since": "1861000000000000013"}
