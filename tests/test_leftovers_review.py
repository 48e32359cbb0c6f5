"""Known leftovers from session 4, each confirmed against the code first (see the lead's review brief)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from config import Config
from pipeline import retention
from pipeline.runner import run_source
from tests.test_googleplay import ACME, source
from tests.test_googleplay_edits import play, recording, review
from tests.test_privacy import traces


def test_retention_leaves_a_google_play_review_id_nowhere(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    brand = dataclasses.replace(ACME, retain_days=30)
    src = source()
    config = Config(path=None, brands=(brand,), sources=(src,))
    old = review(review_id="gp:AOqpTOEXAMPLEreview", reply_at=1794920400)
    assert run_source(engine, config, src, sleep=lambda s: None, collector=play(recording(tmp_path, "r", old))).new == 2
    later = datetime.fromtimestamp(1794920400, UTC) + timedelta(days=60)  # both past the 30 days
    done = retention.apply_retention(engine, config, later)
    assert done.erased == 2
    assert traces(engine, ["AOqpTOEXAMPLEreview"]) == []


def test_retention_of_a_review_whose_reply_is_recent(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    brand = dataclasses.replace(ACME, retain_days=30)
    src = source()
    config = Config(path=None, brands=(brand,), sources=(src,))
    old = review(review_id="gp:AOqpTOEXAMPLEreview", seconds=1794916800 - 40 * 86400, reply_at=1794916800 - 5 * 86400)
    assert run_source(engine, config, src, sleep=lambda s: None, collector=play(recording(tmp_path, "r", old))).new == 2
    done = retention.apply_retention(engine, config, datetime.fromtimestamp(1794916800, UTC))
    print(done)
    print(traces(engine, ["AOqpTOEXAMPLEreview"]))
    assert traces(engine, ["AOqpTOEXAMPLEreview"]) == []


def test_a_google_play_body_that_is_not_text_is_not_stored_as_text(tmp_path: Path) -> None:
    """A review whose `text` is the number 7 (or a reply's) has no text: dropped and counted, as the App
    Store collector does with a non-text label, never stored as the words "7"."""
    odd = review(review_id="gp:NUMBER", text=7, reply_at=1794920400)  # type: ignore[arg-type]
    odd["comments"][1]["developerComment"]["text"] = {"nested": "object"}
    fine = review(review_id="gp:FINE", text="Works well", stars=5, seconds=1794913200)
    result = play(recording(tmp_path, "odd", odd, fine)).collect(None)
    assert result.frame["post_id"].tolist() == ["gp:FINE"]
    assert result.skipped["missing text"] == 2  # the review and the reply


def test_no_brand_selected_means_every_brand_for_conversations(sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    """store.reader.Filters: brands empty = all, as for every other read (rollups, top posts...)."""
    from config import load_config
    from pipeline.seed import seed_demo
    from store import reader
    from store import resolution as conversations_store
    from tests.conftest import FIXED_NOW

    config = load_config(None)
    seed_demo(sqlite_engine, config, mentions=400, days=10, end=FIXED_NOW)
    start, end = FIXED_NOW.date() - timedelta(days=9), FIXED_NOW.date()
    days = {b.name: 7 for b in config.brands}
    with sqlite_engine.connect() as conn:
        every = conversations_store.conversations(
            conn, reader.Filters(tuple(b.name for b in config.brands), (), start, end), days
        )
        unselected = conversations_store.conversations(conn, reader.Filters((), (), start, end), days)
    assert len(every) > 0
    assert sorted(unselected["mention_id"]) == sorted(every["mention_id"])
