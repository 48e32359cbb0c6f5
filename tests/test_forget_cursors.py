"""Forget and the sources' cursors, the cases earlier sessions left (session 10, leftovers2):

- a cursor whose seen-items list holds bare numbers (an id saved as a JSON number) is rewritten too;
- a Reddit cursor keeps no id of a forgotten person's submission or comment (followed threads, listing windows);
- a collection running while a forget runs never writes the person's followed conversations back
  (the cursor and the run's copy are filtered when written: pipeline.privacy.cursor_to_store).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, insert, select

from collectors.streams import cursor_id, decode_cursor
from config import Config
from pipeline import privacy
from pipeline.ingest import ingest
from pipeline.runner import start_run
from store import privacy as store_privacy
from store import writer
from store.schema import cursors, meta
from tests import test_appstore
from tests.test_privacy import traces

WHEN = datetime(2026, 11, 17, 15, 20, 11, tzinfo=UTC)
ACME = test_appstore.ACME


def _review(post_id: str, author: str, author_id: str) -> dict:
    return {"platform": "appstore", "post_id": post_id, "url": None, "kind": "review",
            "text": f"Sync lost my notes {post_id[-2:]}", "created_at": WHEN, "brand": "Acme", "matched": "acme",
            "author_id": author_id, "author_handle": author, "author_name": author, "is_own": False, "rating": 2,
            "source": "acme-ios"}  # fmt: skip


def _save(engine: Engine, source: object, platform: str, cursor: str) -> None:
    """The cursor as the source's row and as a finished run's copy."""
    run_id = start_run(engine, source)  # type: ignore[arg-type]
    with engine.begin() as conn:
        writer.finish_run(conn, run_id, status="ok", fetched=1, new=0, skipped=0, cursor=cursor, error=None)
        writer.save_cursor(conn, source.name, platform, cursor)  # type: ignore[attr-defined]


def test_a_seen_items_list_of_bare_numbers_is_rewritten_by_forget(engine: Engine) -> None:
    """App Store review ids saved as JSON numbers (`"ids":[11500000042]`, read by collectors.streams.seen_ids
    like text): the SQL filter of clean_cursors looked for `"ids":["` only and left them, in the source's cursor
    and in the run's copy."""
    src = test_appstore.source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    ingest(engine, pd.DataFrame([_review("11500000042", "Mara Kowalczyk", "90421")]), config.brands)
    numbers = json.dumps({"us": {"newest": WHEN.isoformat(), "ids": [11500000042, 11500000043]}})
    spaced = json.dumps({"us": {"newest": WHEN.isoformat(), "ids": [11500000042]}}, indent=1)  # a hand edit
    _save(engine, src, "appstore", numbers)
    other = dataclasses.replace(test_appstore.source(app_id="999"), name="acme-ios-2")
    _save(engine, other, "appstore", spaced)
    with engine.begin() as conn:  # a pass of the former filter marked these runs checked (it had read past them)
        conn.execute(insert(meta).values(key=store_privacy.OLD_RUNS_CHECKED_KEYS[0], value="2"))
    result = privacy.forget(engine, "appstore", "Mara Kowalczyk", actor="admin", brands=config.brands)
    assert result.erased == 1
    assert traces(engine, ["11500000042", "Mara Kowalczyk"]) == []  # was the cursors' and the runs' numbers
    assert result.swept["cursors"] == 4
    with engine.connect() as conn:
        stored = conn.execute(select(cursors.c.cursor).where(cursors.c.source == src.name)).scalar_one()
    with engine.connect() as conn:  # the newer key only, past both runs
        marks = conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.like("cursor_%"))).all()
    assert [tuple(m) for m in marks] == [(store_privacy.RUNS_CHECKED_KEY, "2")]
    assert decode_cursor(stored)["us"]["ids"] == [
        cursor_id("appstore", "11500000042"),
        cursor_id("appstore", "11500000043"),
    ]
