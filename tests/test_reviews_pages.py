"""The Overview's ratings charts (issue 18) on the seeded demo store plus a few app reviews: the
numbers drawn are checked against the reviews written here, and the charts stay hidden without them."""

from __future__ import annotations

import pandas as pd

from config import load_config
from pipeline.ingest import ingest
from store.engine import make_engine
from tests import test_app_support as support
from tests.test_app_support import Store, chart, charts, open_app, texts, values
from tests.test_reviews import review_rows

seeded_db = support.seeded_db
store = support.store


def test_overview_shows_average_rating_and_csat_by_app(store: Store) -> None:
    engine = make_engine(store.url)
    ingest(engine, review_rows(), load_config(None).brands)
    engine.dispose()
    at = open_app("overview")
    # a 30-day range charts days, but 1-3 reviews a day per app is too few: weeks (Mon 16 Nov 2026)
    average = chart(at, "Average rating per ISO week by app")
    lines = {t["name"]: values(t["y"]).tolist() for t in average["data"]}
    assert lines == {"App Store: acme-ios": [3.6], "Google Play: acme-android": [4.0]}
    assert [pd.Timestamp(t["x"][0]) for t in average["data"]] == [pd.Timestamp("2026-11-16T00:00:00Z")] * 2
    assert average["layout"]["yaxis"]["range"] == [0.9, 5.1]
    csat = chart(at, "CSAT per ISO week by app")
    assert {t["name"]: values(t["y"]).tolist() for t in csat["data"]} == {
        "App Store: acme-ios": [0.6],
        "Google Play: acme-android": [0.75],
    }
    assert "9 rated reviews in this range: average 3.78 stars, CSAT 67% (6 rated 4 or 5)." in texts(at)
    assert at.subheader[-1].value == "Ratings"


def test_overview_has_no_ratings_without_rated_reviews(store: Store) -> None:
    at = open_app("overview")
    titles = [figure["layout"]["title"]["text"] for figure in charts(at)]
    assert titles and not [t for t in titles if "rating" in t.lower() or "CSAT" in t]
    assert "Ratings" not in [s.value for s in at.subheader]
