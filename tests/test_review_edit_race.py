"""Two collections of one edited app review: the newest version (by the review's own time) is stored, whatever
the order the collections commit in, and the stored row's rollups and flags agree with it.

A run fetches a review's version, then scores and writes it; another run (a manual `cli.py collect` beside
the scheduler, a second scheduler process) may fetch the next version meanwhile and commit first. Real
collectors (Google Play, App Store) on replayed answers, real ingests. On PostgreSQL the two ingests overlap:
A is held just before its commit, B starts, and A is let go once B waits on a lock A holds (seen in
pg_stat_activity, no sleeps racing threads); on SQLite (one writer at a time) the later commit is the later
ingest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from collectors.appstore import AppStoreCollector
from collectors.googleplay import GooglePlayCollector, service_account
from pipeline.ingest import ingest
from store import writer
from store.schema import mentions, rollup_hourly
from tests import test_appstore, test_googleplay
from tests.json_replay import session_for
from tests.test_concurrent_ingest import _race
from tests.test_googleplay_edits import recording, review

FIRST = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)  # the version collected first (its hour and day stay)
EDIT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a later edit
LATEST = datetime(2026, 11, 16, 21, 30, tzinfo=UTC)  # the newest edit

LOVED = ("Love it, best notes app", 5)
ANGRY = ("Crashes on every launch since 4.2, lost all my notes", 1)
MIXED = ("Sync is back but the widget is gone, please bring it back", 3)

Versions = Callable[[Path, str, str, int, datetime], pd.DataFrame]


def _googleplay(tmp_path: Path, name: str, text: str, stars: int, when: datetime) -> pd.DataFrame:
    path = recording(tmp_path, name, review(text=text, stars=stars, seconds=int(when.timestamp())))
    session, _ = session_for(path)
    collector = GooglePlayCollector(
        test_googleplay.source(),
        test_googleplay.ACME,
        session=session,
        now=test_googleplay.NOW,
        key=service_account(test_googleplay.KEY_JSON),
    )
    return collector.collect(None).frame


APP_FEED = "https://itunes.apple.com/us/rss/customerreviews/page={page}/id=1234567890/sortby=mostrecent/json"


def _appstore(tmp_path: Path, name: str, text: str, stars: int, when: datetime) -> pd.DataFrame:
    entry = {
        "author": {"uri": {"label": "https://itunes.apple.com/us/reviews/id501"}, "name": {"label": "Mara K"}},
        "updated": {"label": when.isoformat()},
        "im:rating": {"label": str(stars)},
        "im:version": {"label": "4.2.0"},
        "id": {"label": "11500000077"},
        "title": {"label": "My review"},
        "content": {"label": text, "attributes": {"type": "text"}},
        "im:voteSum": {"label": "1"},
    }
    path = tmp_path / f"{name}.json"
    pages = [{"url": APP_FEED.format(page=1), "reply": {"feed": {"entry": [entry]}}}]
    pages.append({"url": APP_FEED.format(page=2), "reply": {"feed": {}}})
    path.write_text(json.dumps(pages), encoding="utf-8")
    session, _ = session_for(path)
    collector = AppStoreCollector(test_appstore.source(), test_appstore.ACME, session=session, now=test_appstore.NOW)
    return collector.collect(None).frame


COLLECTORS: dict[str, Versions] = {"googleplay": _googleplay, "appstore": _appstore}


@pytest.fixture(params=sorted(COLLECTORS))
def versions(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Callable[[str, tuple[str, int], datetime], pd.DataFrame]:
    """The collected frame of one version of the review: (text, stars) at its own last-modified time."""
    collect = COLLECTORS[request.param]
    count = iter(range(100))

    def version(name: str, words: tuple[str, int], when: datetime) -> pd.DataFrame:
        frame = collect(tmp_path, f"{name}-{next(count)}", words[0], words[1], when)
        assert len(frame) == 1 and frame["kind"].tolist() == ["review"]
        return frame

    return version


def _brands() -> list[Any]:
    return [test_googleplay.ACME]


ROW = ["text", "rating", "created_at", "sentiment_label", "needs_reply", "flag_signals", "priority_base"]


def _row(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        found = conn.execute(select(*(mentions.c[c] for c in ROW))).mappings().all()
    assert len(found) == 1
    row = dict(found[0])
    stamp = pd.Timestamp(row["created_at"])  # SQLite gives it without an offset (UTC)
    row["created_at"] = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return row


def _rollups(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(select(rollup_hourly).order_by(*rollup_hourly.primary_key.columns)).all()
    return [tuple(r) for r in rows]


def _check_derived(engine: Engine) -> None:
    """The rollups agree with the stored row: rebuilding them from mentions changes nothing."""
    kept = _rollups(engine)
    with engine.begin() as conn:
        writer.refresh_rollups(conn, writer.hour_ranges(pd.Series([pd.Timestamp(FIRST)])))
    assert _rollups(engine) == kept


def _newest_alone(engine: Engine, frames: list[pd.DataFrame]) -> dict[str, Any]:
    """What the store holds after the given ingests in order (the reference: no race)."""
    for frame in frames:
        ingest(engine, frame, _brands())
    return _row(engine)


def test_an_older_version_committed_after_the_newer_one_does_not_replace_it(engine: Engine, versions) -> None:  # type: ignore[no-untyped-def]
    """Run A fetched the edit, run B fetched the newest edit a moment later and committed first; A commits last."""
    ingest(engine, versions("v0", LOVED, FIRST), _brands())
    older, newest = versions("v1", ANGRY, EDIT), versions("v2", MIXED, LATEST)
    ingest(engine, newest, _brands())
    expected, rolled = _row(engine), _rollups(engine)
    assert (expected["text"], expected["rating"]) == (newest["text"].iloc[0], 3)
    assert expected["created_at"] == pd.Timestamp(FIRST)  # the first version's hour and day stay
    ingest(engine, older, _brands())
    assert _row(engine) == expected  # was the older text, rating and flags (the newest edit lost)
    assert _rollups(engine) == rolled
    _check_derived(engine)


def test_a_newest_version_equal_to_the_stored_words_still_wins(engine: Engine, versions) -> None:  # type: ignore[no-untyped-def]
    """Edited back: the newest version has the first version's words; an older edit committed later loses."""
    ingest(engine, versions("v0", LOVED, FIRST), _brands())
    angry, back = versions("v1", ANGRY, EDIT), versions("v2", LOVED, LATEST)
    expected = _newest_alone(engine, [back])
    ingest(engine, angry, _brands())
    assert _row(engine) == expected  # was the angry edit: the newest version (the stored words) lost
    _check_derived(engine)


def test_a_newer_version_committed_last_replaces_the_stored_one(engine: Engine, versions) -> None:  # type: ignore[no-untyped-def]
    """The ordinary order still works: each newer edit replaces the stored words and flags."""
    ingest(engine, versions("v0", LOVED, FIRST), _brands())
    ingest(engine, versions("v1", ANGRY, EDIT), _brands())
    assert (_row(engine)["rating"], _row(engine)["needs_reply"]) == (1, True)
    ingest(engine, versions("v2", MIXED, LATEST), _brands())
    row = _row(engine)
    assert (MIXED[0] in row["text"], row["rating"], row["created_at"]) == (True, 3, pd.Timestamp(FIRST))
    _check_derived(engine)


# ------------------------------------------------------------------------------ PostgreSQL: at once


@pytest.mark.postgres
@pytest.mark.parametrize("a_has_newest", [True, False], ids=["newest-commits-first", "newest-commits-last"])
def test_postgres_two_ingests_of_one_review_at_once_keep_the_newest(
    pg_engine: Engine,
    second_pg_engine: Engine,
    versions,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    a_has_newest: bool,
) -> None:
    """A (held just before its commit) and B write two versions of one review; B waits on A, A commits first."""
    ingest(pg_engine, versions("v0", LOVED, FIRST), _brands())
    older, newest = versions("v1", ANGRY, EDIT), versions("v2", MIXED, LATEST)
    first, second = (newest, older) if a_has_newest else (older, newest)
    _race(pg_engine, second_pg_engine, first, second, monkeypatch)
    row = _row(pg_engine)
    assert (row["rating"], MIXED[0] in row["text"]) == (3, True)  # was (1, False) when the newest committed first
    assert row["created_at"] == pd.Timestamp(FIRST)
    _check_derived(pg_engine)
    # the same as the newest version ingested with no race at all
    with pg_engine.begin() as conn:
        conn.execute(mentions.delete())
        conn.execute(rollup_hourly.delete())
    assert row == _newest_alone(pg_engine, [versions("v0", LOVED, FIRST), newest])


@pytest.mark.postgres
def test_postgres_a_newest_version_edited_back_wins_over_an_edit_committing_meanwhile(
    pg_engine: Engine,
    second_pg_engine: Engine,
    versions,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """B brings the newest version, with the first version's words; A (an older edit) commits while B runs.

    B looks the review up only once A committed (writer.lock_reviews): it sees A's words, so its own are new
    to the store and replace them (without the lock B saw the first words, wrote nothing but the time, and
    A's older edit stayed)."""
    ingest(pg_engine, versions("v0", LOVED, FIRST), _brands())
    angry, back = versions("v1", ANGRY, EDIT), versions("v2", LOVED, LATEST)
    _race(pg_engine, second_pg_engine, angry, back, monkeypatch)
    row = _row(pg_engine)
    assert (row["rating"], row["needs_reply"], LOVED[0] in row["text"]) == (5, False, True)
    _check_derived(pg_engine)
