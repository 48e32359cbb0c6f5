"""The store on SQLite and PostgreSQL: upsert, refresh, state kept, brand replies, rollups, readers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, insert, select, text

from collectors import demo
from pipeline.ingest import ingest
from store import reader
from store.engine import StoreError, make_engine
from store.schema import mention_state, mentions, rollup_hourly
from tests.conftest import FIXED_NOW


def frame(n: int = 400, seed: int = 3) -> pd.DataFrame:
    return demo.generate(n, days=10, seed=seed, end=FIXED_NOW)


def count(engine, table=mentions) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar())


def test_second_upsert_adds_nothing(engine, demo_config):
    rows = frame()
    first = ingest(engine, rows, demo_config.brands)
    second = ingest(engine, rows, demo_config.brands)
    assert first.new == len(rows) and first.updated == 0
    assert second.new == 0 and second.updated == len(rows)
    assert count(engine) == len(rows)


def test_upsert_refreshes_counts_but_a_null_never_erases_one(engine, demo_config):
    rows = frame()
    ingest(engine, rows, demo_config.brands)
    target = rows[rows["platform"] == "x"].iloc[0]
    changed = rows[rows["post_id"] == target["post_id"]].copy()
    changed["likes"] = 987654
    changed["views"] = pd.NA
    changed["text"] = "edited text is not a refresh"
    ingest(engine, changed, demo_config.brands)
    with engine.connect() as conn:
        likes, views, body = conn.execute(
            select(mentions.c.likes, mentions.c.views, mentions.c.text).where(mentions.c.post_id == target["post_id"])
        ).one()
    assert likes == 987654
    assert views == target["views"]
    assert body == target["text"]


def test_recollection_never_touches_a_managers_work(engine, demo_config):
    rows = frame()
    ingest(engine, rows, demo_config.brands)
    with engine.begin() as conn:
        untouched = ~mentions.c.id.in_(select(mention_state.c.mention_id))
        mention_id = conn.execute(select(mentions.c.id).where(mentions.c.needs_reply, untouched).limit(1)).scalar()
        conn.execute(
            insert(mention_state).values(
                mention_id=mention_id,
                status="assigned",
                assignee="sam",
                note="call back",
                sentiment_override="negative",
                version=3,
            )
        )
        before = conn.execute(select(mention_state).where(mention_state.c.mention_id == mention_id)).one()
    bumped = rows.assign(likes=rows["likes"] + 1)
    ingest(engine, bumped, demo_config.brands)
    with engine.connect() as conn:
        after = conn.execute(select(mention_state).where(mention_state.c.mention_id == mention_id)).one()
    assert after == before


def test_brand_reply_records_first_response_whichever_arrives_first(engine, demo_config):
    base = frame(50)
    parent = base[(base["platform"] == "x") & ~base["is_own"]].iloc[[0]].copy()
    parent["post_id"], parent["text"] = "p1", "@acme my order is lost, still waiting for a refund"
    reply = parent.copy()
    reply["post_id"], reply["parent_id"], reply["is_own"] = "r1", "p1", True
    reply["author_handle"], reply["text"] = "acme", "Sorry! Please DM us."
    reply["created_at"] = parent["created_at"] + timedelta(hours=3)
    later = reply.copy()
    later["post_id"], later["created_at"] = "r2", parent["created_at"] + timedelta(hours=5)

    linked = [
        ingest(engine, later, demo_config.brands).replies_linked,  # the brand's later reply is collected first
        ingest(engine, parent, demo_config.brands).replies_linked,
        ingest(engine, reply, demo_config.brands).replies_linked,  # then the earlier one
        ingest(engine, reply, demo_config.brands).replies_linked,  # collecting it again changes nothing
    ]
    assert linked == [0, 1, 1, 0]
    with engine.connect() as conn:
        state = conn.execute(
            select(mention_state)
            .join(mentions, mentions.c.id == mention_state.c.mention_id)
            .where(mentions.c.post_id == "p1")
        ).one()
    assert pd.Timestamp(state.first_response_at).tz_localize(None) == reply["created_at"].iloc[0].tz_localize(None)
    assert state.response_post_id == "r1"
    assert state.status == "replied"
    assert state.version == 2


def test_rollups_agree_with_the_rows(engine, demo_config):
    rows = frame(600)
    ingest(engine, rows, demo_config.brands)
    ingest(engine, rows.assign(likes=rows["likes"] * 2), demo_config.brands)
    with engine.connect() as conn:
        stored = pd.read_sql(select(mentions), conn)
        totals = conn.execute(
            select(
                func.sum(rollup_hourly.c.mentions),
                func.sum(rollup_hourly.c.likes),
                func.sum(rollup_hourly.c.flagged),
                func.sum(rollup_hourly.c.negative),
            )
        ).one()
    assert totals[0] == len(stored)
    assert totals[1] == int(stored["likes"].fillna(0).sum())
    assert totals[2] == int(stored["needs_reply"].sum())
    assert totals[3] == int((stored["sentiment_label"] == "negative").sum())


def test_reader_filters_and_open_flagged(engine, demo_config):
    rows = frame(800)
    ingest(engine, rows, demo_config.brands)
    with engine.connect() as conn:
        first, last = reader.date_bounds(conn)
        chosen = reader.Filters(brands=("Acme",), platforms=("x", "reddit"), start=first, end=last)
        roll = reader.rollups(conn, chosen)
        open_count = reader.open_flagged_count(conn, chosen)
        answered = conn.execute(
            select(func.count()).select_from(mention_state).where(mention_state.c.first_response_at.is_not(None))
        ).scalar()
    sel = rows[(rows["brand"] == "Acme") & rows["platform"].isin(["x", "reddit"]) & ~rows["is_own"]]
    assert int(roll["mentions"].sum()) == len(sel)
    with engine.connect() as conn:
        stored = pd.read_sql(
            select(mentions.c.id, mentions.c.brand, mentions.c.platform, mentions.c.needs_reply, mentions.c.is_own),
            conn,
        )
        states = pd.read_sql(select(mention_state.c.mention_id, mention_state.c.first_response_at), conn)
    flagged = stored[stored["needs_reply"] & (stored["brand"] == "Acme") & stored["platform"].isin(["x", "reddit"])]
    assert open_count == len(set(flagged["id"]) - set(states["mention_id"]))
    assert answered > 0


def test_a_reader_reads_while_a_writer_writes(tmp_path, demo_config):
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    writer_engine, reader_engine = make_engine(url), make_engine(url)
    ingest(writer_engine, frame(200, seed=1), demo_config.brands)
    errors: list[Exception] = []
    seen: list[int] = []
    started = threading.Event()

    def write() -> None:
        started.set()
        ingest(writer_engine, frame(3000, seed=2), demo_config.brands)

    thread = threading.Thread(target=write)
    thread.start()
    started.wait(5)
    try:
        for _ in range(20):
            seen.append(count(reader_engine))
    except Exception as exc:  # noqa: BLE001 - any error here is the failure
        errors.append(exc)
    thread.join()
    assert not errors
    assert seen and all(s >= 200 for s in seen)
    assert count(reader_engine) > 200


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(StoreError, match="cannot open the database"):
        make_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2")


def test_a_data_folder_that_cannot_be_made_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the data folder"):
        make_engine(f"sqlite:///{blocker / 'data' / 'monitor.db'}")


def test_a_read_only_location_is_a_clear_error():
    # /proc refuses new files even to root: the same failure as a read-only volume
    with pytest.raises(StoreError, match="cannot open the database|not writable"):
        make_engine("sqlite:////proc/monitor.db")


def test_schema_is_migrated_once_and_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    make_engine(url).dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == "0007"  # the head: stream_state (the lead sets the chain at merge)


def test_a_reply_to_a_stored_brand_post_is_addressed_to_the_brand(engine, demo_config):
    base = frame(50)
    own = base[base["platform"] == "x"].iloc[[0]].copy()
    own["post_id"], own["is_own"], own["author_handle"] = "own-1", True, "acme"
    own["text"], own["parent_id"], own["thread_id"] = "Our spring lineup is here.", None, None
    ingest(engine, own, demo_config.brands)
    reply = own.copy()
    reply["post_id"], reply["is_own"], reply["author_handle"] = "q-1", False, "someone"
    reply["parent_id"] = reply["thread_id"] = "own-1"
    reply["text"] = "when does it ship to Canada?"  # does not name the brand
    ingest(engine, reply, demo_config.brands)
    with engine.connect() as conn:
        needs = conn.execute(select(mentions.c.needs_reply).where(mentions.c.post_id == "q-1")).scalar()
    assert needs is True


def test_processes_opening_a_new_database_together_migrate_it_once(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    url = f"sqlite:///{tmp_path / 'race.db'}"
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from store.engine import make_engine; make_engine({url!r})"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0007"  # the head
