"""The store's part cache (store.readcache) against erasures and deployments: no erased name or text
is left in the cache table by any path (a forget that finds no posts of the person, a part that was
being computed while the erasure ran), and a deployment of other code behind a kept result never
serves what the old code stored. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from config import load_config
from pipeline import privacy
from pipeline.ingest import ingest
from store import readcache, reader
from store.schema import read_cache
from tests import test_privacy as people
from tests.conftest import FIXED_NOW
from ui import context


def stored_bytes(engine: Engine) -> bytes:
    with engine.connect() as conn:
        values: list[Any] = list(conn.execute(select(read_cache.c.data)).scalars())
    return b"".join(bytes(value) for value in values)


FILTERS = reader.Filters(("Acme",), (), FIXED_NOW.date() - timedelta(days=6), FIXED_NOW.date())


def fill(engine: Engine) -> None:
    """The newest texts and the top posts of the week, read through the dashboard's cache."""
    context.read.clear()
    context._read_part.clear()
    with engine.connect() as conn:
        versions = reader.versions(conn)
    context.read(engine, reader.recent_texts, versions, FILTERS, "negative", limit=1000)
    context.read(engine, reader.top_posts, versions, FILTERS, by="engagements", limit=500)


def a_stranger_names_them(engine: Engine) -> None:
    """Only a stranger's post naming the person is stored (the person never posted, or was erased before)."""
    row = people.post(
        "at://did:plc:stranger/app.bsky.feed.post/77",
        f"@{people.HANDLE} is right, Acme lost my parcel too, awful",
        FIXED_NOW - timedelta(days=3),
        author_id="did:plc:stranger",
        author_handle="stranger.bsky.social",
    )
    ingest(engine, pd.DataFrame([row]), load_config(None).brands)


def test_forget_of_a_person_named_only_by_others_leaves_no_name_in_the_cache(engine: Engine) -> None:
    a_stranger_names_them(engine)
    fill(engine)
    assert people.HANDLE.encode() in stored_bytes(engine)  # the stranger's text, kept in a closed day's part
    done = privacy.forget(engine, "bluesky", people.HANDLE, actor="cli:test", now=people.NOW)
    assert done.erased == 0 and done.swept["texts"] == 1  # nothing of theirs stored; the stranger's text cleaned
    assert people.HANDLE.encode() not in stored_bytes(engine)


def test_a_part_computed_while_an_erasure_runs_is_not_stored(engine: Engine) -> None:
    """A dashboard reads a part, the person is forgotten meanwhile, then the dashboard stores the part
    it read: the erased texts must not land in the cache table (the erasure emptied it before)."""
    people.with_person(engine)
    with engine.connect() as conn:
        part = reader.Filters(("Acme",), (), FILTERS.start, FILTERS.end - timedelta(days=1))
        stamp = (reader.versions(conn)[0], 0)

    def compute_while_forgotten() -> pd.DataFrame:
        with engine.connect() as conn:
            found = reader.top_posts_ranked(conn, part, by="engagements", limit=500)
        assert people.THEIR_TEXTS[0] in set(found["text"])
        privacy.forget(engine, "bluesky", people.HANDLE, actor="cli:test", now=people.NOW)
        return found

    value = readcache.cached(
        engine,
        "store.reader.top_posts_ranked",
        repr(part),
        stamp,
        (part,),
        {"by": "engagements"},
        compute_while_forgotten,
    )
    assert people.THEIR_TEXTS[0] in set(value["text"])  # the page shows what it read (this once)
    kept = stored_bytes(engine)
    for needle in (people.HANDLE, *people.THEIR_TEXTS):
        assert needle.encode() not in kept
    # and a later read that finds the cache working again stores parts as before
    assert readcache.cached(engine, "t.read", "p", (1, 0), (), {}, lambda: 7) == 7
    assert readcache.cached(engine, "t.read", "p", (1, 0), (), {}, lambda: 8) == 7


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "changed",
    [
        "pipeline/export.py",  # the Reports page's preview is computed there (ui.reports keeps it)
        "ui/reports.py",  # and shaped there
        "store/migrations/versions/0099_backfill.py",  # a migration that rewrites stored rows
        "store/reader.py",
        "ui/metrics.py",  # the judged conversation blocks and kept parts are composed there
        "ui/queue_read.py",  # the stored queue parts' layout (version, stamp, frame)
    ],
)
def test_the_code_key_covers_every_module_behind_a_kept_result(tmp_path: Path, changed: str) -> None:
    files = {
        "store/reader.py": "x = 1\n",
        "analysis/trends.py": "x = 1\n",
        "pipeline/export.py": "x = 1\n",
        "ui/reports.py": "x = 1\n",
        "ui/metrics.py": "x = 1\n",
        "ui/queue_read.py": "x = 1\n",
        "store/migrations/versions/0099_backfill.py": "x = 1\n",
    }
    before = readcache.code_digest(_tree(tmp_path / "a", files))
    after = readcache.code_digest(_tree(tmp_path / "b", {**files, changed: "x = 2\n"}))
    assert before != after
    assert readcache.code_digest(_tree(tmp_path / "c", files)) == before  # stable for the same code
