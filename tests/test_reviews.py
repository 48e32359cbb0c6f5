"""Reviews and ratings (issue 18): which reviews need a reply by their stars (analysis.flags.review_need)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pytest

from analysis import flags, reports, satisfaction, sentiment
from analysis.formulas import FORMULAS, RATING_POINTS
from config import Brand

ACME = Brand("Acme", keywords=("acme",), competitors=("Globex",), handles={"googleplay": "Acme Inc"})
BRANDS = [ACME, Brand("Globex", keywords=("globex",))]


def review(text: str, rating: Any, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "platform": "googleplay",
        "post_id": "r",
        "kind": "review",
        "author_handle": "someone",
        "author_followers": None,
        "text": text,
        "lang": "en",
        "likes": None,
        "brand": "Acme",
        "is_own": False,
        "rating": rating,
    }
    row.update(values)
    return row


def assess(*rows: dict[str, Any], score: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    frame["rating"] = frame["rating"].astype("Int8")
    if score:
        scored = sentiment.score_frame(frame, BRANDS)
        frame["sentiment"], frame["sentiment_label"] = scored["sentiment"], scored["sentiment_label"]
    else:
        frame["sentiment"], frame["sentiment_label"] = 0.0, "neutral"
    return flags.assess(frame, BRANDS)


@pytest.mark.parametrize(
    ("text", "rating", "needed"),
    [
        ("Great app, love it", 1, True),  # 1-2 stars: always, whatever the words
        ("ok", 2, True),
        ("Nice design", 3, False),  # 3 stars: only with a problem
        ("Nice design but sync is broken", 3, True),
        ("It keeps crashing again", 3, True),
        ("How do I export my notes?", 3, True),
        ("Love it!", 5, False),
        ("I hate that I did not find this sooner", 5, False),  # negative words alone: not for 4-5 stars
        ("Yeah right, 'best app ever'", 4, False),  # sarcasm alone: not for a rated review
        ("Great, but how do I export my notes?", 5, True),  # a question is still answered
        ("The app keeps crashing, refund please", None, True),  # unrated review: the text rules, addressed
        ("Nice design", None, False),
    ],
)
def test_a_review_needs_a_reply_by_its_stars(text: str, rating: int | None, needed: bool) -> None:
    out = assess(review(text, rating))
    assert bool(out["needs_reply"].iloc[0]) is needed


def test_low_stars_add_their_points_and_name_the_rating_first() -> None:
    out = assess(review("ok", 1), review("ok", 2, post_id="r2"), review("sync is broken", 3, post_id="r3"), score=False)
    assert out["priority_base"].tolist()[:2] == [RATING_POINTS[1], RATING_POINTS[2]] == [30, 20]
    assert out["flag_signals"].tolist()[:2] == ["rating: 1 star", "rating: 2 stars"]
    assert out["flag_signals"].iloc[2].startswith("rating: 3 stars; complaint: ")


def test_own_replies_competitor_reviews_and_ignore_terms_are_never_flagged() -> None:
    muted = Brand("Acme", keywords=("acme",), competitors=("Globex",), ignore_terms=("giveaway",))
    frame = pd.DataFrame(
        [
            review("ok", 1, is_own=True, kind="reply"),
            review("ok", 1, post_id="g", brand="Globex"),
            review("giveaway entry", 1, post_id="i"),
            review("ok", 1, post_id="h", author_handle="Acme Inc"),
        ]
    )
    frame["sentiment"], frame["sentiment_label"] = 0.0, "neutral"
    frame["rating"] = frame["rating"].astype("Int8")
    assert flags.assess(frame, [muted, BRANDS[1]])["needs_reply"].tolist() == [False, False, False, True]
    assert not flags.assess(frame.iloc[[3]], BRANDS)["needs_reply"].iloc[0]  # the brand's own handle


def test_a_post_without_a_rating_is_judged_as_before() -> None:
    post = review("sync is broken", None, kind="post", platform="x")  # names no brand: not addressed
    assert not assess(post)["needs_reply"].iloc[0]
    assert assess({**post, "text": "@acme sync is broken"})["needs_reply"].iloc[0]
    # judged exactly as the same post with no rating column at all (session 18: "acme sync is broken", naming the brand
    # without its handle, is left out by the layer retrained on forty-four sets, decision -0.03: these words alone)
    texts = ["acme sync is broken", "@acme sync is broken", "acme, where is my refund?", "love acme"]
    rows = [{**post, "text": t} for t in texts]
    unrated = pd.DataFrame(rows).drop(columns=["rating"])
    scored = sentiment.score_frame(unrated, BRANDS)
    unrated["sentiment"], unrated["sentiment_label"] = scored["sentiment"], scored["sentiment_label"]
    assert assess(*rows).equals(flags.assess(unrated, BRANDS))


def test_the_rule_is_stated_in_the_formulas() -> None:
    rule = FORMULAS["review_needs_reply"]
    assert "1 to 2 stars (always)" in rule and "30 points for 1 star, 20 points for 2 stars" in rule


# --------------------------------------------------------------------------- satisfaction

#: (day, brand, platform, source, rating, is_own); Mon 16 and Tue 17 Nov 2026 (one ISO week).
REVIEWS = [
    ("2026-11-16T08:00Z", "Acme", "appstore", "acme-ios", 5, False),
    ("2026-11-16T09:00Z", "Acme", "appstore", "acme-ios", 4, False),
    ("2026-11-16T23:59Z", "Acme", "appstore", "acme-ios", 1, False),
    ("2026-11-16T10:00Z", "Acme", "googleplay", "acme-android", 2, False),
    ("2026-11-17T00:00Z", "Acme", "appstore", "acme-ios", 3, False),
    ("2026-11-17T11:00Z", "Acme", "appstore", "acme-ios", 5, False),
    ("2026-11-17T12:00Z", "Acme", "googleplay", "acme-android", 5, False),
    ("2026-11-17T13:00Z", "Acme", "googleplay", "acme-android", 5, False),
    ("2026-11-17T14:00Z", "Acme", "googleplay", "acme-android", 4, False),
    ("2026-11-17T15:00Z", "Acme", "googleplay", "acme-android", None, False),  # unrated: not counted
    ("2026-11-17T16:00Z", "Acme", "googleplay", "acme-android", 1, True),  # the brand's own: left out
    ("2026-11-17T17:00Z", "Globex", "googleplay", "globex-android", 1, False),  # another brand
    ("2026-11-17T18:00Z", "Acme", "x", "x-search", None, False),  # a post, no rating
]


def review_rows() -> pd.DataFrame:
    rows = [
        {
            "platform": platform,
            "post_id": f"r{i}",
            "kind": "post" if platform == "x" else "review",
            "text": "fine",
            "created_at": when,
            "brand": brand,
            "source": source,
            "rating": rating,
            "is_own": own,
        }
        for i, (when, brand, platform, source, rating, own) in enumerate(REVIEWS)
    ]
    return pd.DataFrame(rows)


def stored_counts(engine) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    from pipeline.ingest import ingest
    from store import reader

    ingest(engine, review_rows(), BRANDS)
    with engine.connect() as conn:
        return reader.satisfaction(conn, reader.Filters(("Acme",), (), date(2026, 11, 1), date(2026, 11, 30)))


def test_average_rating_and_csat_per_day_and_week_by_app(engine) -> None:  # type: ignore[no-untyped-def]
    counts = stored_counts(engine)
    mine = review_rows()
    mine = mine[(mine["brand"] == "Acme") & ~mine["is_own"]]
    expected = satisfaction.daily_counts(frame_conform(mine))
    pd.testing.assert_frame_equal(counts, expected, check_dtype=False)  # SQL and pandas count alike
    days = satisfaction.summarize(counts, "day").set_index(["platform", "app", "period"])
    assert days[["rated", "rating_sum", "satisfied"]].to_dict("index") == {
        ("appstore", "acme-ios", pd.Timestamp("2026-11-16", tz="UTC")): {"rated": 3, "rating_sum": 10, "satisfied": 2},
        ("appstore", "acme-ios", pd.Timestamp("2026-11-17", tz="UTC")): {"rated": 2, "rating_sum": 8, "satisfied": 1},
        ("googleplay", "acme-android", pd.Timestamp("2026-11-16", tz="UTC")): {
            "rated": 1,
            "rating_sum": 2,
            "satisfied": 0,
        },
        ("googleplay", "acme-android", pd.Timestamp("2026-11-17", tz="UTC")): {
            "rated": 3,
            "rating_sum": 14,
            "satisfied": 3,
        },
    }
    assert days["avg_rating"].round(4).tolist() == [3.3333, 2.0, 4.0, 4.6667]  # by day, then app
    assert days["csat"].round(4).tolist() == [0.6667, 0.0, 0.5, 1.0]
    weeks = satisfaction.summarize(counts, "week")
    assert weeks[["app", "rated", "avg_rating", "csat"]].values.tolist() == [
        ["acme-ios", 5, 3.6, 0.6],
        ["acme-android", 4, 4.0, 0.75],
    ]
    stars = counts.groupby("app")[list(satisfaction.STAR_COLUMNS)].sum()
    assert stars.loc["acme-ios"].tolist() == [1, 0, 1, 1, 2] and stars.loc["acme-android"].tolist() == [0, 1, 0, 1, 2]


def test_no_ratings_means_no_rows() -> None:
    empty = satisfaction.summarize(satisfaction.daily_counts(pd.DataFrame()), "day")
    assert empty.empty and {"avg_rating", "csat"} <= set(empty.columns)


def frame_conform(rows: pd.DataFrame) -> pd.DataFrame:
    from frame import conform

    return conform(rows)


def test_weekly_report_writes_satisfaction_csv_and_notes(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from config import Config
    from pipeline import export

    stored_counts(engine)
    config = Config(path=None, brands=tuple(BRANDS), sources=())
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    result = export.export_week(engine, config, "2026-W47", tmp_path / "out", now=now)
    written = pd.read_csv(tmp_path / "out" / "satisfaction.csv", encoding="utf-8-sig")
    assert list(written.columns) == list(reports.SATISFACTION_COLUMNS)
    assert written.values.tolist() == [
        ["2026-11-16", "appstore", "Acme", "acme-ios", 3, 3.3333, 0.6667, 1, 0, 0, 1, 1],
        ["2026-11-16", "googleplay", "Acme", "acme-android", 1, 2.0, 0.0, 0, 1, 0, 0, 0],
        ["2026-11-17", "appstore", "Acme", "acme-ios", 2, 4.0, 0.5, 0, 0, 1, 0, 1],
        ["2026-11-17", "googleplay", "Acme", "acme-android", 3, 4.6667, 1.0, 0, 0, 0, 1, 2],
        ["2026-11-17", "googleplay", "Globex", "globex-android", 1, 1.0, 0.0, 1, 0, 0, 0, 0],
    ]
    notes = (tmp_path / "out" / "notes.txt").read_text(encoding="utf-8")
    assert "- appstore / Acme / acme-ios: 5 rated, average 3.60 stars, CSAT 60.0% for the week" in notes
    assert "- googleplay / Acme / acme-android: 4 rated, average 4.00 stars, CSAT 75.0% for the week" in notes
    assert f"- csat: {FORMULAS['csat']}" in notes and f"- avg_rating: {FORMULAS['avg_rating']}" in notes
    assert notes == export.week_frames(engine, config, "2026-W47", now=now)[2]  # the same notes in memory
    mentions_csv = pd.read_csv(result.files[0], encoding="utf-8-sig", dtype=str).set_index("post_id")
    assert mentions_csv.loc["r0", "rating"] == "5" and pd.isna(mentions_csv.loc["r12", "rating"])
    acme = export.satisfaction_week(engine, config, "2026-W47", brand="Acme")
    assert set(acme["brand"]) == {"Acme"} and len(acme) == 4
    nothing = export.satisfaction_week(engine, config, "2026-W45")
    assert nothing.empty and list(nothing.columns) == list(reports.SATISFACTION_COLUMNS)
    assert "no rated reviews in this week" in reports.satisfaction_notes(nothing)


def test_an_imported_rating_or_stars_column_is_stored_checked(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from config import Config
    from frame import RATING_OUT_OF_RANGE
    from pipeline.importer import import_file
    from store.schema import mentions

    path = tmp_path / "reviews.csv"
    path.write_text(
        "Review ID,Date,Platform,Stars,App Version,Review\n"
        "a1,2026-11-16 10:00,App Store,4/5,4.2.0,Acme is great\n"
        "a2,2026-11-16 11:00,Google Play,1 star,4.1.0,Acme crashes\n"
        "a3,2026-11-16 12:00,google play,7,,Acme seven\n"
        "a4,2026-11-16 13:00,Twitter,,,Acme tweet\n"
        "a5,2026-11-16 14:00,ios,five,,Acme words\n",
        encoding="utf-8",
    )
    config = Config(path=None, brands=tuple(BRANDS), sources=())
    result = import_file(sqlite_engine, config, path)
    assert result.new == 5 and result.skipped == {RATING_OUT_OF_RANGE: 2}  # "7" and "five": kept, no rating
    with sqlite_engine.connect() as conn:
        rows = conn.execute(
            select(
                mentions.c.post_id, mentions.c.platform, mentions.c.kind, mentions.c.rating, mentions.c.app_version
            ).order_by(mentions.c.post_id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("a1", "appstore", "review", 4, "4.2.0"),
        ("a2", "googleplay", "review", 1, "4.1.0"),
        ("a3", "googleplay", "review", None, None),
        ("a4", "x", "post", None, None),
        ("a5", "appstore", "review", None, None),
    ]


def test_the_queue_shows_a_reviews_stars_and_version(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from store import queue
    from store.schema import mentions
    from ui.queue_view import review_text

    stored_counts(engine)
    with engine.connect() as conn:
        first = conn.execute(select(mentions.c.id).where(mentions.c.post_id == "r3")).scalar_one()
        post = conn.execute(select(mentions.c.id).where(mentions.c.post_id == "r12")).scalar_one()
        review = queue.mention_with_state(conn, first)
        tweet = queue.mention_with_state(conn, post)
    assert review is not None and tweet is not None
    assert review_text(review) == "Review: ★★☆☆☆ (2 of 5)"
    assert review_text({**review, "app_version": "4.2.0"}) == "Review: ★★☆☆☆ (2 of 5) · app version 4.2.0"
    assert review_text(tweet) is None and review_text({"rating": 9}) is None
