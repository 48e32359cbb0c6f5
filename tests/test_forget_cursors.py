"""Forget and the sources' cursors, the cases earlier sessions left (session 10, leftovers2):

- a cursor whose seen-items list holds bare numbers (an id saved as a JSON number) is rewritten too;
- a Reddit cursor keeps no id of a forgotten person's submission or comment (followed threads, listing windows);
- a collection running while a forget runs never writes the person's followed conversations back
  (the cursor and the run's copy are filtered when written: pipeline.privacy.cursor_to_store).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy import text as sa_text

from collectors.streams import cursor_id, decode_cursor, encode_cursor, forget_positions
from config import Config
from pipeline import privacy
from pipeline.ingest import ingest
from pipeline.runner import run_source, start_run
from store import privacy as store_privacy
from store import writer
from store.schema import cursors, meta, runs
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
    with engine.connect() as conn:  # the newer key, past both runs (the former one is read by nothing now)
        marks = dict(conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.like("cursor_%"))).all())
    assert marks[store_privacy.RUNS_CHECKED_KEY] == "2"
    assert decode_cursor(stored)["us"]["ids"] == [
        cursor_id("appstore", "11500000042"),
        cursor_id("appstore", "11500000043"),
    ]


# ---------------------------------------------------------------------------------------------- Reddit


def test_after_a_forget_the_reddit_cursor_keeps_no_id_of_the_persons_submission(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The Reddit source's cursor keeps, per listing, the newest item's fullname (`since`: here the person's
    submission t3_1j9aaa1) and, per followed brand comment, the submission it sits under (`thread`): a forget of
    the submission's author digests the position (the listing still stops there, by its time) and drops the
    `thread` fact (the brand's comment is still followed, looked up by its own id); the run's copy alike."""
    import time

    from tests.test_collect_vcr import REDDIT_ENV, REDDIT_USER_ENV, own_reddit, reddit_cassette
    from tests.test_reddit_collect import ACCOUNT, build, make_config

    for name, value in {**REDDIT_ENV, **REDDIT_USER_ENV}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    config = make_config(**ACCOUNT)
    src = config.source("reddit-acme")
    with reddit_cassette(own_reddit("account")):
        assert run_source(engine, config, src, sleep=lambda s: None, collector=build(config)).new == 6
    with engine.connect() as conn:
        before = decode_cursor(conn.execute(select(cursors.c.cursor)).scalar_one())
    assert before["search"]["since"]["id"] == "t3_1j9aaa1" and before["threads"]["t1_mf1a001"]["thread"] == "t3_1j9aaa1"
    result = privacy.forget(engine, "reddit", "blender_bob", actor="admin", brands=config.brands)
    assert result.erased == 2
    assert traces(engine, ["t3_1j9aaa1", "t1_mf1c001", "t2_blende", "blender_bob"]) == []  # was the cursor's, the run's
    assert result.swept["cursors"] == 2
    with engine.connect() as conn:
        kept = [decode_cursor(c) for c in (
            conn.execute(select(cursors.c.cursor)).scalar_one(), conn.execute(select(runs.c.cursor)).scalar_one()
        )]  # fmt: skip
    for state in kept:
        assert state["search"] == {"since": {"t": 1_741_770_000.0, "id": cursor_id("reddit", "t3_1j9aaa1")}}
        assert state["threads"] == {"t1_mf1a001": {"t": 1_741_772_700.0}}  # still followed, without the submission
        assert state["own_comments"] == before["own_comments"] and state["mentions"] == before["mentions"]


def test_a_digested_reddit_position_still_stops_the_listing_at_its_time() -> None:
    """The listing read from a digested `since` stops at the first older item: the forgotten submission (at
    that very second) is read again (ingest drops it: its author is suppressed), nothing older is."""
    import praw
    from praw.models import Submission

    from collectors import reddit

    client = praw.Reddit(client_id="x", client_secret="y", user_agent="test", check_for_updates=False)
    things = [Submission(client, _data={"id": i, "created_utc": t}) for i, t in (("new1", 200.0), ("aaa1", 100.0),
                                                                                 ("old1", 90.0))]  # fmt: skip
    listing = reddit.Listing("posts", lambda limit, params: iter(things), "r/acme")
    collector = reddit.RedditCollector(reddit=client, source="reddit-acme", brand="Acme", subreddits=("acme",))
    plain = {"since": {"t": 100.0, "id": "t3_aaa1"}}
    digested = decode_cursor(forget_positions("reddit", json.dumps({"posts": plain}), ["t3_aaa1"]))["posts"]
    assert digested == {"since": {"t": 100.0, "id": cursor_id("reddit", "t3_aaa1")}}
    assert [reddit.fullname(t) for t in collector.fetch_listing(listing, plain)[0]] == ["t3_new1"]
    read, window = collector.fetch_listing(listing, digested)
    assert [reddit.fullname(t) for t in read] == ["t3_new1", "t3_aaa1"]
    assert window == {"since": {"t": 200.0, "id": "t3_new1"}}
    gap = {"resume": "t3_aaa1", "newest": {"t": 200.0, "id": "t3_new1"}, "since": {"t": 50.0, "id": "t3_z"}}
    assert decode_cursor(forget_positions("reddit", json.dumps({"posts": gap}), ["t3_aaa1"]))["posts"] == {
        "since": {"t": 50.0, "id": "t3_z"}  # the gap below the forgotten item is given up: read again from the top
    }


# ---------------------------------------------------------------------------------------------- a run meanwhile


class _ForgetWhileCollecting:
    """The real collector; `meanwhile` (a forget) runs once the collector has read the cursor and before the run
    writes it back: what a forget started during a long collection does (its transactions commit in between)."""

    def __init__(self, inner: object, meanwhile: object) -> None:
        self.inner, self.meanwhile = inner, meanwhile
        self.platform = inner.platform  # type: ignore[attr-defined]

    def collect(self, cursor: str | None):  # type: ignore[no-untyped-def]
        result = self.inner.collect(cursor)  # type: ignore[attr-defined]
        self.meanwhile()  # type: ignore[operator]
        return result


def _reddit(monkeypatch):  # type: ignore[no-untyped-def]
    import time

    from tests.test_collect_vcr import REDDIT_ENV, REDDIT_USER_ENV

    for name, value in {**REDDIT_ENV, **REDDIT_USER_ENV}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)


def _no_trace_of_bob(engine: Engine, tables: tuple[str, ...] | None = None) -> None:
    found = traces(engine, ["t3_1j9aaa1", "t1_mf1c001", "t2_blende", "blender_bob"])
    assert [t for t in found if tables is None or t[0] in tables] == []
    with engine.connect() as conn:
        copies = conn.execute(select(runs.c.cursor).where(runs.c.cursor.is_not(None))).scalars().all()
        stored = conn.execute(select(cursors.c.cursor)).scalar_one()
    for state in [decode_cursor(c) for c in [stored, *copies]]:
        assert state["threads"] == {"t1_mf1a001": {"t": 1_741_772_700.0}}  # the brand's comment, still followed
        assert state["search"]["since"] == {"t": 1_741_770_000.0, "id": cursor_id("reddit", "t3_1j9aaa1")}


def test_a_collection_running_during_a_forget_does_not_write_the_person_back(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The run read the cursor (naming the person's submission) before the forget cleaned it, and writes its own
    copy after: the cursor is filtered when written (the person is suppressed, their posts erased), so neither
    the source's cursor nor the run's copy names them again."""
    from tests.test_collect_vcr import own_reddit, reddit_cassette
    from tests.test_reddit_collect import ACCOUNT, build, make_config

    _reddit(monkeypatch)
    config = make_config(**ACCOUNT)
    src = config.source("reddit-acme")
    with reddit_cassette(own_reddit("account"), repeats=True):
        assert run_source(engine, config, src, sleep=lambda s: None, collector=build(config)).status == "ok"
        done: list[object] = []
        during = _ForgetWhileCollecting(
            build(config),
            lambda: done.append(privacy.forget(engine, "reddit", "blender_bob", actor="admin", brands=config.brands)),
        )
        summary = run_source(engine, config, src, sleep=lambda s: None, collector=during)  # type: ignore[arg-type]
    assert summary.status == "ok" and done and done[0].erased == 2  # type: ignore[attr-defined]
    assert "t3_1j9aaa1" not in (summary.cursor or "")  # the cursor as stored, also in the CLI's line
    _no_trace_of_bob(engine)


def test_a_run_after_a_forget_does_not_name_the_person_in_its_cursor(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Forgotten before anything of theirs was stored: the run drops their posts (suppressed) and its cursor,
    which the collector built from them, names none of them either."""
    from tests.test_collect_vcr import own_reddit, reddit_cassette
    from tests.test_reddit_collect import ACCOUNT, build, make_config

    _reddit(monkeypatch)
    config = make_config(**ACCOUNT)
    src = config.source("reddit-acme")
    assert privacy.forget(engine, "reddit", "blender_bob", actor="admin").erased == 0
    with reddit_cassette(own_reddit("account")):
        summary = run_source(engine, config, src, sleep=lambda s: None, collector=build(config))
    assert summary.status == "ok" and summary.new == 4
    # the cursor tables only: the replies stored under his dropped submission still name it as their parent and
    # thread (ingest renames no references to a post it drops; not a cursor's doing, left as it was)
    _no_trace_of_bob(engine, ("cursors", "runs"))


def _x_followed(engine: Engine):  # type: ignore[no-untyped-def]
    """An X source with a stored post of the person (X_USER, mara_k) and a cursor following their conversation."""
    from config import Source
    from tests.test_cursor_digests import X_CONV, X_OTHER, X_USER, _x_post

    src = Source(name="x-acme", platform="x", brand="Acme", every_seconds=600, options={"query": "acme"})
    rows = pd.DataFrame([_x_post(X_CONV, X_USER, "mara_k", WHEN, thread_id=X_CONV)])
    ingest(engine, rows, (ACME,), source=src.name, platform="x")
    t = WHEN.timestamp()
    followed = {f"{X_CONV}:{X_USER}": {"t": t, "conv": X_CONV, "to": X_USER},
                f"77:{X_OTHER}": {"t": t, "conv": "77", "to": X_OTHER}}  # fmt: skip
    return src, rows, encode_cursor({"search": {"since": "1861000000000000013"}, "threads": followed})


def test_an_x_run_that_read_its_cursor_before_a_forget_writes_none_of_their_conversations(engine: Engine) -> None:
    """The X run read its cursor (following the person's conversation), the forget ran, the run writes: the
    entries naming the person are dropped as it writes (the source's cursor and the run's copy)."""
    from tests.test_cursor_digests import X_CONV, X_OTHER, X_USER

    src, rows, cursor = _x_followed(engine)
    run_id = start_run(engine, src)  # the run starts and reads the cursor ...
    assert privacy.forget(engine, "x", "mara_k", actor="admin", brands=(ACME,)).erased == 1  # ... a forget meanwhile
    stored = ingest(engine, rows, (ACME,), source=src.name, platform="x", cursor=cursor, run_id=run_id)
    assert stored.new == 0 and sum(stored.skipped.values()) == 1  # the person's post: dropped, suppressed
    assert traces(engine, [X_USER, X_CONV, "mara_k"]) == []
    with engine.connect() as conn:
        kept = [conn.execute(select(cursors.c.cursor)).scalar_one(), conn.execute(select(runs.c.cursor).where(runs.c.id == run_id)).scalar_one()]  # fmt: skip
    assert [list(decode_cursor(c)["threads"]) for c in kept] == [[f"77:{X_OTHER}"]] * 2
    assert stored.cursor == kept[0]


@pytest.mark.postgres
def test_on_postgresql_a_forget_waits_for_a_run_writing_its_cursor(pg_engine: Engine) -> None:
    """PostgreSQL runs and forgets write at once: a run that filtered its cursor before the person was suppressed
    and has not committed yet is waited for by the forget's cursor pass (an advisory lock per platform, shared by
    runs, exclusive for a forget), which then rewrites what the run wrote. Driven step by step: the run's
    transaction stays open until the forget is seen waiting in pg_locks."""
    from tests.test_cursor_digests import X_USER

    src, _rows, cursor = _x_followed(pg_engine)
    with pg_engine.connect() as run:
        with run.begin():
            written = privacy.cursor_to_store(run, "x", cursor)  # nobody suppressed yet: written as read
            assert written == cursor
            writer.save_cursor(run, src.name, "x", written)
            done: list[object] = []
            forget = threading.Thread(
                target=lambda: done.append(privacy.forget(pg_engine, "x", "mara_k", actor="admin", brands=(ACME,)))
            )
            forget.start()
            waiting = _wait_for(pg_engine, lambda: bool(done) or _advisory_waits(pg_engine) > 0)
            assert waiting and not done, "the forget's cursor pass did not wait for the run's open transaction"
        forget.join(timeout=60)
    assert done and done[0].erased == 1  # type: ignore[attr-defined]
    with pg_engine.connect() as conn:
        stored = conn.execute(select(cursors.c.cursor)).scalar_one()
    assert X_USER not in stored and "mara_k" not in stored


def _advisory_waits(engine: Engine) -> int:
    """Sessions of this database waiting for the X cursors' advisory lock (store.privacy.cursor_lock_key)."""
    query = sa_text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = :key"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    with engine.connect() as conn:
        return int(conn.execute(query, {"key": store_privacy.cursor_lock_key("x")}).scalar() or 0)


def _wait_for(engine: Engine, condition) -> bool:  # type: ignore[no-untyped-def]
    """Poll a database state (not a race on time: the state holds until the test moves on), 60 s at most."""
    import time

    for _ in range(1200):
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_run_failing_after_a_forget_keeps_no_entry_of_theirs_in_its_copy(engine: Engine) -> None:
    """A failed run records the cursor it read as its copy: read before the forget, it is filtered too."""
    from pipeline.runner import record_failure
    from tests.test_cursor_digests import X_CONV, X_USER

    src, _rows, cursor = _x_followed(engine)
    run_id = start_run(engine, src)
    privacy.forget(engine, "x", "mara_k", actor="admin", brands=(ACME,))
    record_failure(engine, run_id, "error", "retriable: rate limited", cursor, "x")
    assert traces(engine, [X_USER, X_CONV, "mara_k"]) == []


def test_retention_rewrites_the_reddit_cursor_naming_an_erased_submission(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Retention erases the subreddit's old items; the listing positions still naming them (a quiet listing's
    newest item can be older than `retain_days`) get their digest, a followed brand comment erased goes, and
    the runs' copies alike. A copy of a run older than the erased items is not read (nothing to name)."""
    from pipeline import retention
    from tests.test_collect_vcr import own_reddit, reddit_cassette
    from tests.test_reddit_collect import ACCOUNT, build, make_config

    _reddit(monkeypatch)
    config = make_config(**ACCOUNT)
    src = config.source("reddit-acme")
    with reddit_cassette(own_reddit("account")):
        assert run_source(engine, config, src, sleep=lambda s: None, collector=build(config)).new == 6
    old = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)  # the recordings' items: 2025-03-12 08:20 to 09:45
    config = dataclasses.replace(config, brands=tuple(dataclasses.replace(b, retain_days=30) for b in config.brands))
    done = retention.apply_retention(engine, config, old + pd.Timedelta(days=45))
    assert done.erased == 6
    assert traces(engine, ["t3_1j9aaa1", "t1_mf1a001", "t1_mf1m001"]) == []  # was the cursor's and the run's
    assert done.cursors == 2
    with engine.connect() as conn:
        state = decode_cursor(conn.execute(select(cursors.c.cursor)).scalar_one())
    assert state["search"] == {"since": {"t": 1_741_770_000.0, "id": cursor_id("reddit", "t3_1j9aaa1")}}
    assert "threads" not in state  # the brand's followed comment is erased (and long past its window anyway)


def test_followed_conversations_naming_the_person_by_bare_numbers_are_dropped_too(engine: Engine) -> None:
    """The forget's own pass (followed conversations) matched bare numbers already: its SQL filter is a substring
    of the cursor's text and collectors.threads compares facts as text. A hand-edited X cursor with numeric
    `conv` and `to` facts loses the person's entry. (Hacker News keeps no seen-items list: its cursor holds
    times and the brand's own comment ids, nothing of the people it answered.)"""
    from config import Source

    src = Source(name="x-acme", platform="x", brand="Acme", every_seconds=600, options={"query": "acme"})
    cursor = json.dumps({"threads": {"1861:1449": {"t": 1.0, "conv": 1861, "to": 1449},
                                     "77:88": {"t": 1.0, "conv": 77, "to": 88}}})  # fmt: skip
    _save(engine, src, "x", cursor)
    with engine.begin() as conn:
        assert privacy.clean_cursors(conn, "x", ["1449"]) == 2
    with engine.connect() as conn:
        for stored in (conn.execute(select(cursors.c.cursor)).scalar_one(), conn.execute(select(runs.c.cursor)).scalar_one()):  # fmt: skip
            assert list(decode_cursor(stored)["threads"]) == ["77:88"]
