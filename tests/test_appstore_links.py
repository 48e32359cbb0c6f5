"""App Store entries whose `link` has an odd shape (kept, linked to the app's page, counted), and a
forgotten reviewer's review id (recordings written into a tmp folder, replayed through
tests/json_replay.py; no network)."""

from __future__ import annotations

import json
from typing import Any

from collectors.appstore import APP_URL, ODD_LINK, AppStoreCollector
from config import Config
from pipeline import privacy
from pipeline.runner import run_source
from tests.json_replay import session_for
from tests.test_appstore import ACME, NOW, source
from tests.test_privacy import traces

FEED = "https://itunes.apple.com/us/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json"
GOOD = {"attributes": {"rel": "related", "href": "https://itunes.apple.com/us/review?id=1234567890"}}


def entry(review_id: str, link: Any) -> dict[str, Any]:
    return {
        "author": {"uri": {"label": "https://itunes.apple.com/us/reviews/id501"}, "name": {"label": "Mara K"}},
        "updated": {"label": "2026-11-17T15:20:11-07:00"},
        "im:rating": {"label": "2"},
        "id": {"label": review_id},
        "title": {"label": "Sync"},
        "content": {"label": "Sync fails", "attributes": {"type": "text"}},
        "link": link,
    }


def test_odd_links_keep_the_review_link_the_app_page_and_are_counted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    entries = [
        entry("1", {"attributes": None}),
        entry("2", {"attributes": "x"}),
        entry("3", "https://example.com"),
        entry("4", [{"attributes": {"rel": "self"}}, GOOD]),
        entry("5", GOOD),
        entry("6", {"attributes": {"href": "http://itunes.apple.com/plain"}}),
    ]
    path = tmp_path / "links.json"
    path.write_text(json.dumps([{"url": FEED, "reply": {"feed": {"entry": entries}}}]), encoding="utf-8")
    session, _ = session_for(path)
    result = AppStoreCollector(source(max_pages=1), ACME, session=session, now=NOW).collect(None)
    urls = result.frame.set_index("post_id")["url"].to_dict()
    app = APP_URL.format(country="us", app_id="1234567890")
    assert urls == {
        "1": app,
        "2": app,
        "3": app,
        "4": GOOD["attributes"]["href"],
        "5": GOOD["attributes"]["href"],
        "6": app,
    }
    assert result.skipped == {ODD_LINK: 3}


def test_forgetting_a_reviewer_leaves_their_review_id_nowhere(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = source(max_pages=1)
    config = Config(path=None, brands=(ACME,), sources=(src,))
    path = tmp_path / "one.json"
    path.write_text(json.dumps([{"url": FEED, "reply": {"feed": {"entry": [entry("987654321012", GOOD)]}}}]))
    session, _ = session_for(path)
    store = AppStoreCollector(src, ACME, session=session, now=NOW)
    assert run_source(engine, config, src, sleep=lambda s: None, collector=store).new == 1
    assert privacy.forget(engine, "appstore", "Mara K", actor="admin", brands=[ACME]).erased == 1
    assert traces(engine, ["987654321012", "Mara K"]) == []  # not in the cursor nor in the run's copy of it
