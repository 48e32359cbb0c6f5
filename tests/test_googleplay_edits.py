"""Google Play across runs: a developer reply posted after the review was seen, sub-microsecond times,
edited reviews, and a forgotten reviewer (recordings written per test into tmp folders, replayed
through tests/json_replay.py; no network)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from collectors.googleplay import GooglePlayCollector, service_account
from collectors.streams import cursor_id, decode_cursor
from config import Config
from pipeline import privacy
from pipeline.ingest import ingest
from pipeline.runner import run_source
from store import touched
from store.schema import mention_state, mentions, rollup_hourly
from tests.json_replay import session_for
from tests.test_googleplay import ACME, KEY_JSON, NOW, source
from tests.test_privacy import traces

PAGE = "https://androidpublisher.googleapis.com/androidpublisher/v3/applications/com.acme.notes/reviews"
TOKEN = {"method": "POST", "url": "https://oauth2.googleapis.com/token", "reply": {"access_token": "ya29.test-token"}}


def review(
    review_id: str = "gp:R1",
    text: str = "Crashes on start",
    stars: int = 1,
    seconds: int = 1794916800,
    nanos: int = 0,
    reply_at: int | None = None,
    author: str = "Ann Example",
) -> dict[str, Any]:
    comments: list[dict[str, Any]] = [
        {
            "userComment": {
                "text": text,
                "starRating": stars,
                "lastModified": {"seconds": str(seconds), "nanos": nanos},
                "appVersionName": "4.2.0",
                "thumbsUpCount": 2,
            }
        }
    ]
    if reply_at is not None:
        comments.append(
            {"developerComment": {"text": "Sorry, 4.2.1 fixes it.", "lastModified": {"seconds": str(reply_at)}}}
        )
    return {"reviewId": review_id, "authorName": author, "comments": comments}


def recording(tmp_path: Path, name: str, *reviews: dict[str, Any]) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps([TOKEN, {"url": PAGE, "reply": {"reviews": list(reviews)}}]), encoding="utf-8")
    return path


def play(path: Path) -> GooglePlayCollector:
    session, _ = session_for(path)
    return GooglePlayCollector(source(), ACME, session=session, now=NOW, key=service_account(KEY_JSON))


def test_a_reply_posted_later_on_a_seen_review_is_collected(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = play(recording(tmp_path, "run1", review())).collect(None)
    assert first.frame["post_id"].tolist() == ["gp:R1"]
    # the team answered in Play Console; the review is still in the seven-day list
    second = play(recording(tmp_path, "run2", review(reply_at=1794920400))).collect(first.cursor)
    assert sorted(second.frame["kind"]) == ["reply", "review"]
    assert decode_cursor(second.cursor) == {"newest": 1794920400.0, "ids": [cursor_id("googleplay", "gp:R1")]}
    third = play(recording(tmp_path, "run3", review(reply_at=1794920400))).collect(second.cursor)
    assert third.frame.empty  # seen, reply included


def test_a_review_timed_below_the_microsecond_is_not_collected_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = recording(tmp_path, "nanos", review(nanos=987654321))
    first = play(path).collect(None)
    assert decode_cursor(first.cursor)["newest"] == 1794916800.987654
    again = play(path).collect(first.cursor)
    assert again.frame.empty and decode_cursor(again.cursor) == decode_cursor(first.cursor)


def test_the_later_reply_answers_the_stored_review(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    assert run_source(engine, config, src, sleep=lambda s: None, collector=play(recording(tmp_path, "a", review())))
    later = play(recording(tmp_path, "b", review(reply_at=1794920400)))
    summary = run_source(engine, config, src, sleep=lambda s: None, collector=later)
    assert (summary.status, summary.new) == ("ok", 1)
    with engine.connect() as conn:
        state = conn.execute(
            select(mention_state.c.status, mention_state.c.response_post_id).join(
                mentions, mentions.c.id == mention_state.c.mention_id
            )
        ).all()
    assert [r[0] for r in state] == ["replied"] and state[0][1] is not None


DAY1 = 1794052800  # 2026-11-07T12:00:00Z
DAY2 = 1794916800  # 2026-11-17T12:00:00Z


def test_an_edited_review_is_rescored_in_place_and_its_stored_day_is_touched(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    loved = review(text="Love it", stars=5, seconds=DAY1)
    assert run_source(engine, config, src, sleep=lambda s: None, collector=play(recording(tmp_path, "v1", loved)))
    with engine.begin() as conn:  # a manager's note on it: an edit never touches mention_state
        mention_id = conn.execute(select(mentions.c.id)).scalar_one()
        conn.execute(
            mention_state.insert().values(
                mention_id=mention_id, status="dismissed", note="fan", version=3, updated_by="mara", updated_at=NOW
            )
        )
    edited = review(text="Crashes on every launch since 2.0, lost all my data", stars=1, seconds=DAY2)
    edited["comments"][0]["userComment"]["thumbsUpCount"] = 40
    summary = run_source(engine, config, src, sleep=lambda s: None, collector=play(recording(tmp_path, "v2", edited)))
    assert (summary.status, summary.new) == ("ok", 0)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                mentions.c.created_at,
                mentions.c.rating,
                mentions.c.text,
                mentions.c.needs_reply,
                mentions.c.likes,
                mentions.c.sentiment_label,
            )
        ).one()
        rollup = conn.execute(
            select(rollup_hourly.c.hour, rollup_hourly.c.likes, rollup_hourly.c.flagged, rollup_hourly.c.negative)
        ).all()
        state = conn.execute(
            select(mention_state.c.status, mention_state.c.note, mention_state.c.version, mention_state.c.updated_by)
        ).one()
        days = touched.state(conn)
    assert pd.Timestamp(row.created_at).tz_localize(None) == pd.Timestamp("2026-11-07T12:00:00")  # first collected
    assert (row.rating, row.text, row.needs_reply, row.likes) == (
        1,
        edited["comments"][0]["userComment"]["text"],
        True,
        40,
    )
    assert row.sentiment_label == "negative"
    assert [(pd.Timestamp(r.hour).tz_localize(None), r.likes, r.flagged, r.negative) for r in rollup] == [
        (pd.Timestamp("2026-11-07T12:00:00"), 40, 1, 1)
    ]
    assert tuple(state) == ("dismissed", "fan", 3, "mara")
    assert days.days == {date(2026, 11, 7): days.data_version}  # the stored day, not the edit's


def test_a_review_collected_again_unchanged_keeps_its_scores(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    path = recording(tmp_path, "same", review())
    run_source(engine, config, src, sleep=lambda s: None, collector=play(path))
    with engine.connect() as conn:
        first = conn.execute(select(mentions.c.sentiment, mentions.c.needs_reply, mentions.c.flag_signals)).one()
    result = ingest(engine, play(path).collect(None).frame, [ACME])  # no cursor: the same review again
    assert (result.new, result.updated) == (0, 1)
    with engine.connect() as conn:
        assert (
            conn.execute(select(mentions.c.sentiment, mentions.c.needs_reply, mentions.c.flag_signals)).one() == first
        )


def test_forgetting_a_reviewer_leaves_their_review_id_nowhere(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    answered = review(review_id="gp:AOqpTOEXAMPLEreview", reply_at=1794920400)
    other = review(review_id="gp:OTHER", author="Bo", seconds=1794913200)
    path = recording(tmp_path, "forget", answered, other)
    assert run_source(engine, config, src, sleep=lambda s: None, collector=play(path)).new == 3
    result = privacy.forget(engine, "googleplay", "Ann Example", actor="admin", brands=[ACME])
    assert result.erased == 2  # the review and the developer reply naming it
    for needle in ("AOqpTOEXAMPLEreview", "Ann Example"):
        assert traces(engine, [needle]) == []
    with engine.connect() as conn:
        state = conn.execute(select(mention_state.c.status, mention_state.c.response_post_id)).one()
    assert state.status == "replied" and state.response_post_id.startswith("erased:")
    assert traces(engine, ["gp:OTHER"])  # the other reviewer's review is untouched
    # collected again: the forgotten review and the reply to it are not stored again
    again = run_source(engine, config, src, sleep=lambda s: None, collector=play(path))
    assert again.new == 0
    assert traces(engine, ["AOqpTOEXAMPLEreview"]) == []
