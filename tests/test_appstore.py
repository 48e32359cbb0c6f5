"""App Store reviews: Apple's customer-reviews feed replayed from tests/cassettes/appstore (no network)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from collectors.appstore import AppStoreCollector
from collectors.base import FatalError, RetriableError
from collectors.streams import cursor_id, decode_cursor
from config import Brand, Config, ConfigError, Source, load_config
from frame import FRAME_COLUMNS, RATING_OUT_OF_RANGE
from pipeline.runner import run_source
from store.schema import mentions
from tests.json_replay import session_for

HERE = Path(__file__).parent / "cassettes" / "appstore"
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
ACME = Brand(name="Acme", keywords=("acme",))


def source(app_id: str = "1234567890", countries: list[str] | None = None, max_pages: int = 10) -> Source:
    options: dict = {"app_id": app_id}
    if countries is not None:
        options["countries"] = countries
    return Source(
        name="acme-ios", platform="appstore", brand="Acme", every_seconds=3600, max_pages=max_pages, options=options
    )


def collector(src: Source, *files: Path):  # type: ignore[no-untyped-def]
    session, replay = session_for(*files)
    return AppStoreCollector(src, ACME, session=session, now=NOW), replay


def test_reviews_map_to_the_frame_with_rating_title_version_and_author() -> None:
    store, replay = collector(source(countries=["us", "gb"]), HERE / "acme_reviews.json")
    result = store.collect(None)
    paths = [r.path_url for r in replay.requests]
    assert paths == [
        "/us/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json",
        "/us/rss/customerreviews/page=2/id=1234567890/sortby=mostrecent/json",
        "/us/rss/customerreviews/page=3/id=1234567890/sortby=mostrecent/json",
        "/gb/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json",
        "/gb/rss/customerreviews/page=2/id=1234567890/sortby=mostrecent/json",
    ]
    frame = result.frame.set_index("post_id")
    assert list(result.frame.columns) == FRAME_COLUMNS
    assert len(frame) == 6 and not result.skipped
    crash = frame.loc["11500000005"]
    assert crash["kind"] == "review" and crash["platform"] == "appstore"
    assert crash["rating"] == 1 and crash["app_version"] == "4.2.0"
    assert crash["text"] == "Crashes on launch\n\nSince 4.2 the app crashes every time I open it. Lost my notes!"
    assert (crash["author_name"], crash["author_handle"], crash["author_id"]) == ("Mara K", "Mara K", "501")
    assert crash["created_at"] == pd.Timestamp("2026-11-17T22:20:11Z")  # -07:00 taken to UTC
    assert crash["likes"] == 3 and pd.isna(crash["replies"])
    assert crash["url"] == "https://itunes.apple.com/us/review?id=1234567890&type=Purple%20Software"
    assert (crash["brand"], crash["source"], crash["is_own"]) == ("Acme", "acme-ios", False)
    assert crash["matched"] == "app 1234567890 (us)"
    assert frame["rating"].to_dict() == {
        "11500000005": 1,
        "11500000004": 5,
        "11500000003": 3,
        "11500000002": 4,
        "11500000001": 2,
        "11500000010": 5,
    }
    assert frame.loc["11500000010", "matched"] == "app 1234567890 (gb)"  # `entry` as a single object
    assert decode_cursor(result.cursor) == {
        "gb": {"ids": [cursor_id("appstore", "11500000010")], "newest": "2026-11-17T10:00:00+00:00"},
        "us": {"ids": [cursor_id("appstore", "11500000005")], "newest": "2026-11-17T22:20:11+00:00"},
    }


def test_the_next_run_reads_only_newer_reviews_and_stops_at_the_first_page() -> None:
    first, _ = collector(source(), HERE / "acme_reviews.json")
    cursor = first.collect(None).cursor
    again, replay = collector(source(), HERE / "acme_reviews.json")
    nothing = again.collect(cursor)
    assert nothing.frame.empty and len(replay.requests) == 1
    assert decode_cursor(nothing.cursor) == decode_cursor(cursor)
    plain = '{"us": {"ids": ["11500000005"], "newest": "2026-11-17T22:20:11+00:00"}}'  # a cursor from before digests
    assert collector(source(), HERE / "acme_reviews.json")[0].collect(plain).frame.empty
    newer, replay = collector(source(), HERE / "acme_newer.json")
    result = newer.collect(cursor)
    assert result.frame["post_id"].tolist() == ["11500000006"] and len(replay.requests) == 1
    assert result.frame.iloc[0]["app_version"] == "4.2.1" and result.frame.iloc[0]["rating"] == 2
    assert decode_cursor(result.cursor)["us"] == {
        "ids": [cursor_id("appstore", "11500000006")],
        "newest": "2026-11-18T08:00:00+00:00",
    }


def test_max_pages_caps_the_pages_read() -> None:
    store, replay = collector(source(max_pages=1), HERE / "acme_reviews.json")
    result = store.collect(None)
    assert len(replay.requests) == 1 and len(result.frame) == 3


def test_malformed_entries_are_kept_nulled_or_counted_never_crash() -> None:
    store, _ = collector(source("999"), HERE / "errors.json")
    result = store.collect(None)
    frame = result.frame.set_index("post_id")
    assert sorted(frame.index) == ["21", "22", "23", "24", "25"]
    assert pd.isna(frame.loc["21", "rating"]) and pd.isna(frame.loc["22", "rating"])  # missing; "7"
    assert frame.loc["23", "rating"] == 4
    assert frame.loc["23", "text"] == (
        "Émoji 🎉 \u202eRTL\u202c zero\u200bwidth\n\nWorks 👍🏽 — ünïcödé ✓ and a NUL here"
    )  # kept as written, the NUL removed
    assert frame.loc["23", "author_name"] == "Zoë 🦄"
    # type "html": the text's markup and script are gone (a title is always plain text)
    assert frame.loc["24", "text"] == "<b>HTML</b> title\n\nSync fails & I hate it"
    assert frame.loc["25", "text"] == "Tags as text\n\nI <3 the old version <b>not</b> this"  # type "text": as written
    assert result.skipped == Counter(
        {
            "review without a rating (kept)": 1,
            RATING_OUT_OF_RANGE: 1,
            "malformed review": 1,
            "missing post_id": 1,
            "unparseable created_at": 1,
        }
    )


@pytest.mark.parametrize(
    ("app_id", "error", "retry_after"),
    [
        ("429", RetriableError, 60.0),
        ("503", RetriableError, None),
        ("404", FatalError, None),
        ("777", FatalError, None),
    ],
)
def test_http_errors_are_retriable_or_fatal(app_id: str, error: type, retry_after: float | None) -> None:
    store, _ = collector(source(app_id), HERE / "errors.json")
    with pytest.raises(error) as caught:
        store.collect(None)
    if retry_after is not None:
        assert caught.value.retry_after == retry_after


def test_run_source_retries_a_429_then_stores_the_review(engine) -> None:  # type: ignore[no-untyped-def]
    src = source("888")
    config = Config(path=None, brands=(ACME,), sources=(src,))
    waits: list[float] = []
    store, _ = collector(src, HERE / "errors.json")
    summary = run_source(engine, config, src, sleep=waits.append, collector=store)
    assert (summary.status, summary.fetched, summary.new, len(waits)) == ("ok", 1, 1, 1)
    with engine.connect() as conn:
        row = conn.execute(select(mentions.c.kind, mentions.c.rating, mentions.c.app_version)).one()
    assert tuple(row) == ("review", 4, "4.1.9")


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("", "app_id"),
        ('app_id = "store"', "numeric App Store id"),
        ('app_id = 123\ncountries = ["usa"]', "two-letter country codes"),
        ('app_id = 123\nquery = "x"\ncolour = 1', "colour"),
    ],
)
def test_bad_source_keys_are_refused_in_words(tmp_path, keys: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "monitor.toml"
    path.write_text(
        f'[[brands]]\nname = "Acme"\n\n[[sources]]\nname = "ios"\nplatform = "appstore"\nbrand = "Acme"\n{keys}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)


def test_app_id_forms_and_countries_are_normalised(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "monitor.toml"
    path.write_text(
        '[[brands]]\nname = "Acme"\n\n[[sources]]\nname = "ios"\nplatform = "appstore"\nbrand = "Acme"\n'
        'app_id = "id1234567890"\ncountries = ["US", "gb", "us"]\n',
        encoding="utf-8",
    )
    src = load_config(path).sources[0]
    assert src.options == {"app_id": "1234567890", "countries": ["us", "gb"]}
