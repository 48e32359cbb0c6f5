"""Re-judging stored mentions (pipeline.rejudge, `cli.py rejudge`): a store judged by an older rule holds, after
a re-judge, the rows a fresh ingest with the current formulas gives; managers' work and erased mentions stay; a
crash mid-way resumes to the same result; rows collected during the run are kept and judged by the new code.

The "older rule" is the current one with two changes monkeypatched into ingest: a post ending in a question
mark never needed a reply, and a sentiment score within 0.2 of zero was neutral. The store then says it was
judged with formulas version "6".
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from analysis import flags, sentiment
from analysis.formulas import FORMULAS_VERSION
from collectors import demo
from config import Config
from pipeline import export, rejudge
from pipeline.ingest import ingest
from store import judged, touched
from store.engine import make_engine
from store.schema import audit_log, mention_privacy, mention_state, mentions, meta, rollup_hourly, suppressed_authors
from tests.conftest import FIXED_NOW, builtin_demo_config, child_env

OLD = "6"
DERIVED = ["lang", "sentiment", "sentiment_label", "needs_reply", "flag_signals", "priority_base"]
ROOT = Path(__file__).resolve().parents[1]


def _frame(seed: int = 41, size: int = 700, id_base: int = 30_000_000) -> pd.DataFrame:
    return demo.generate(size, days=3, seed=seed, end=FIXED_NOW, id_base=id_base)


@contextmanager
def older_rule() -> Iterator[None]:
    """Ingest judges with the older rule and records version OLD while this is open."""
    with pytest.MonkeyPatch.context() as patch:
        real_assess, real_score = flags.assess, sentiment.score_frame

        def assess(frame: pd.DataFrame, brands: Any, **options: Any) -> pd.DataFrame:
            out = real_assess(frame, brands, **options)
            asks = frame["text"].astype("string").str.rstrip().str.endswith("?").fillna(False).to_numpy(dtype=bool)
            out.loc[asks, "needs_reply"] = False
            out.loc[asks, "flag_signals"] = None
            out.loc[asks, "priority_base"] = 0
            return out

        def score_frame(frame: pd.DataFrame, brands: Any, **options: Any) -> pd.DataFrame:
            out = real_score(frame, brands, **options)
            mild = (out["sentiment"].abs() < 0.2).fillna(False).to_numpy(dtype=bool)
            out.loc[mild & (out["sentiment_label"] != "unscored").to_numpy(dtype=bool), "sentiment_label"] = "neutral"
            return out

        patch.setattr(flags, "assess", assess)
        patch.setattr(sentiment, "score_frame", score_frame)
        patch.setattr(judged, "FORMULAS_VERSION", OLD)
        yield


def _config() -> Config:
    return builtin_demo_config()


def _old_store(engine: Engine, *frames: pd.DataFrame) -> None:
    with older_rule():
        for frame in frames or (_frame(),):
            ingest(engine, frame, _config().brands)


def _fresh_store(path: Path, *frames: pd.DataFrame) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    for frame in frames or (_frame(),):
        ingest(engine, frame, _config().brands)
    return engine


def _derived(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(mentions.c.platform, mentions.c.post_id, *(mentions.c[c] for c in DERIVED))).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["platform", "post_id", *DERIVED])
    frame["sentiment"] = pd.to_numeric(frame["sentiment"]).round(9)
    frame["needs_reply"] = frame["needs_reply"].astype(bool)
    frame["priority_base"] = frame["priority_base"].astype(int)
    return frame.sort_values(["platform", "post_id"]).reset_index(drop=True)


def _rollups(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.DataFrame(
            [tuple(r) for r in conn.execute(select(rollup_hourly)).all()], columns=rollup_hourly.c.keys()
        )
    frame["hour"] = pd.to_datetime(frame["hour"], utc=True, format="mixed")
    frame["is_own"] = frame["is_own"].astype(bool)
    frame["sentiment_sum"] = frame["sentiment_sum"].astype(float).round(6)
    keys = ["hour", "brand", "platform", "kind", "is_own"]
    return frame.sort_values(keys).reset_index(drop=True)


def _meta(engine: Engine, key: str) -> str | None:
    with engine.connect() as conn:
        value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
    return None if value is None else str(value)


def _table(engine: Engine, table: Any) -> list[tuple]:
    with engine.connect() as conn:
        return sorted((tuple(r) for r in conn.execute(select(table)).all()), key=repr)


# ------------------------------------------------------------------------------------------- versions


def test_ingest_records_the_version_in_a_new_store_and_an_older_writer_lowers_it(sqlite_engine: Engine) -> None:
    frame = _frame(size=200)
    ingest(sqlite_engine, frame, _config().brands)
    assert _meta(sqlite_engine, judged.VERSION_KEY) == FORMULAS_VERSION
    with sqlite_engine.connect() as conn:
        assert not judged.behind(conn)
    with older_rule():  # an old scheduler still running after the upgrade
        ingest(sqlite_engine, _frame(seed=42, size=100, id_base=31_000_000), _config().brands)
    assert _meta(sqlite_engine, judged.VERSION_KEY) == OLD
    with sqlite_engine.connect() as conn:
        assert judged.behind(conn)
        assert "version 6" in (judged.notice(judged.status(conn)) or "")
    ingest(sqlite_engine, _frame(seed=43, size=100, id_base=32_000_000), _config().brands)  # new code: stays OLD
    assert _meta(sqlite_engine, judged.VERSION_KEY) == OLD


def test_a_store_from_before_the_key_stays_not_recorded_until_a_rejudge(sqlite_engine: Engine) -> None:
    ingest(sqlite_engine, _frame(size=200), _config().brands)
    with sqlite_engine.begin() as conn:  # a store made before versions were kept
        conn.execute(meta.delete().where(meta.c.key == judged.VERSION_KEY))
    ingest(sqlite_engine, _frame(seed=44, size=100, id_base=33_000_000), _config().brands)
    with sqlite_engine.connect() as conn:
        assert judged.stored_version(conn) is None and judged.behind(conn)
        assert "not recorded" in (judged.notice(judged.status(conn)) or "")
    assert export.judged_with(sqlite_engine) == "not recorded"
    result = rejudge.rejudge(sqlite_engine, _config())
    assert result.done and result.from_version is None and result.counts["changed"] == 0
    assert "stored: not recorded" in result.lines()[0]
    with sqlite_engine.connect() as conn:
        assert judged.stored_version(conn) == FORMULAS_VERSION and judged.notice(judged.status(conn)) is None


# ------------------------------------------------------------------------------------------- the run


def test_rejudge_gives_the_rows_and_rollups_of_a_fresh_ingest(engine: Engine, tmp_path: Path) -> None:
    _old_store(engine)
    fresh = _fresh_store(tmp_path / "fresh.db")
    before = _derived(engine)
    assert not before.equals(_derived(fresh))  # the older rule really judged differently
    version_before = _meta(engine, "data_version")
    result = rejudge.rejudge(engine, _config(), chunk=150, actor="test")
    assert result.done and result.from_version == OLD and not result.resumed
    pd.testing.assert_frame_equal(_derived(engine), _derived(fresh))
    pd.testing.assert_frame_equal(_rollups(engine), _rollups(fresh))
    assert _meta(engine, judged.VERSION_KEY) == FORMULAS_VERSION
    assert _meta(engine, judged.PROGRESS_KEY) is None
    assert int(_meta(engine, "data_version") or 0) > int(version_before or 0)  # page caches read again
    now = _derived(fresh)
    changed = ~((before == now) | (before.isna() & now.isna())).all(axis=1)
    counts = result.counts
    assert counts["examined"] == len(before) and counts["changed"] == int(changed.sum()) > 0
    flips = int((before["needs_reply"] != _derived(fresh)["needs_reply"]).sum())
    assert counts["flag_changed"] == flips > 0 and counts["flagged_now"] == flips and counts["unflagged_now"] == 0
    assert counts["label_changed"] == int((before["sentiment_label"] != _derived(fresh)["sentiment_label"]).sum()) > 0
    with engine.connect() as conn:
        assert not judged.behind(conn)
        stamp = touched.state(conn)
    assert stamp.through == stamp.data_version  # every bump said which days it touched
    again = rejudge.rejudge(engine, _config(), chunk=150)  # idempotent: nothing left to change
    assert again.done and again.counts["changed"] == 0
    fresh.dispose()


def test_managers_work_and_the_audit_trail_stay(engine: Engine, tmp_path: Path) -> None:
    _old_store(engine)
    fresh = _derived(_fresh_store(tmp_path / "fresh.db"))
    will_flag = set(fresh.loc[fresh["needs_reply"], "post_id"])
    with engine.begin() as conn:
        rows = conn.execute(select(mentions.c.id, mentions.c.post_id, mentions.c.needs_reply, mentions.c.is_own)).all()
        worked = {r[0] for r in conn.execute(select(mention_state.c.mention_id)).all()}
        others = [r for r in rows if not r.is_own and r.id not in worked]
        asks = [r.id for r in others if r.post_id in will_flag and not r.needs_reply]
        flagged = [r.id for r in others if r.needs_reply]
        now = datetime(2026, 11, 18, 9, tzinfo=UTC)
        closed, assigned, corrected = asks[0], flagged[0], asks[1]
        who = {"updated_at": now, "updated_by": "ann"}
        insert = mention_state.insert()
        conn.execute(insert.values(mention_id=closed, status="dismissed", dismiss_reason="no_reply_needed", note="known", version=3, **who))  # fmt: skip
        conn.execute(insert.values(mention_id=assigned, status="assigned", assignee="bob", note="call back", version=2, **who))  # fmt: skip
        conn.execute(insert.values(mention_id=corrected, status="replied", sentiment_override="negative", first_response_at=now, response_post_id="r1", responded_by="ann", version=4, **who))  # fmt: skip
        conn.execute(audit_log.insert().values(at=now, actor="ann", action="dismiss", mention_id=closed))
    states, trail = _table(engine, mention_state), _table(engine, audit_log)
    result = rejudge.rejudge(engine, _config(), chunk=200, actor="cli:tester")
    assert result.done
    assert _table(engine, mention_state) == states  # status, assignee, notes, replies, corrections
    after = _table(engine, audit_log)
    assert set(trail) <= set(after)
    new = [r for r in after if r not in trail]
    assert len(new) == 1 and new[0][3] == "rejudge" and new[0][2] == "cli:tester"
    assert json.loads(new[0][5]) == {"formulas_version": OLD} and json.loads(new[0][6]) == {
        "formulas_version": FORMULAS_VERSION
    }
    assert json.loads(new[0][7])["changed"] == result.counts["changed"]
    with engine.connect() as conn:
        flag = conn.execute(select(mentions.c.needs_reply).where(mentions.c.id == closed)).scalar()
        status = conn.execute(select(mention_state.c.status).where(mention_state.c.mention_id == closed)).scalar()
        rolled = conn.execute(select(func.sum(rollup_hourly.c.negative))).scalar()
    assert flag and status == "dismissed"  # flagged by the new rule, still closed by its manager
    assert rolled is not None


def test_erased_and_forgotten_mentions_keep_their_judgement(engine: Engine) -> None:
    from pipeline import privacy

    _old_store(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            select(mentions.c.platform, mentions.c.author_handle, mentions.c.text).where(mentions.c.is_own.is_(False))
        ).all()
    asker = next(r for r in rows if str(r.text).rstrip().endswith("?") and r.author_handle)
    privacy.forget(engine, asker.platform, asker.author_handle, actor="test", brands=_config().brands)
    with engine.connect() as conn:
        erased_ids = [r[0] for r in conn.execute(select(mention_privacy.c.mention_id)).all()]
        kept = conn.execute(
            select(mentions.c.id, *(mentions.c[c] for c in DERIVED), mentions.c.text).where(
                mentions.c.id.in_(erased_ids)
            )
        ).all()
        count = conn.execute(select(func.count()).select_from(mentions)).scalar()
    suppressed = _table(engine, suppressed_authors)
    assert erased_ids
    result = rejudge.rejudge(engine, _config(), chunk=300)
    assert result.counts["kept_erased"] == len(erased_ids)
    with engine.connect() as conn:
        after = conn.execute(
            select(mentions.c.id, *(mentions.c[c] for c in DERIVED), mentions.c.text).where(
                mentions.c.id.in_(erased_ids)
            )
        ).all()
        assert conn.execute(select(func.count()).select_from(mentions)).scalar() == count  # nothing re-created
    assert sorted(map(tuple, after)) == sorted(map(tuple, kept))
    assert _table(engine, suppressed_authors) == suppressed


def test_a_crash_after_chunk_k_resumes_to_the_same_result(engine: Engine, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _old_store(engine)
    twin = make_engine(f"sqlite:///{tmp_path / 'twin.db'}")
    _old_store(twin)
    whole = rejudge.rejudge(twin, _config(), chunk=100)
    fresh = _fresh_store(tmp_path / "fresh.db")
    real_write, calls = rejudge._write, {"n": 0}

    def crashing(conn: Any, changed: pd.DataFrame) -> None:
        calls["n"] += 1
        real_write(conn, changed)
        if calls["n"] == 3:  # after its rows are written, before the chunk commits
            raise RuntimeError("power cut")

    monkeypatch.setattr(rejudge, "_write", crashing)
    with pytest.raises(RuntimeError, match="power cut"):
        rejudge.rejudge(engine, _config(), chunk=100)
    monkeypatch.setattr(rejudge, "_write", real_write)
    with engine.connect() as conn:
        progress = judged.progress(conn)
        assert judged.stored_version(conn) == OLD and judged.behind(conn)
        assert "under way" in (judged.notice(judged.status(conn)) or "")
    assert progress is not None and progress["last_id"] > 0 and progress["to"] == FORMULAS_VERSION
    half = _derived(engine)
    assert not half.equals(_derived(fresh)) and not half.equals(_derived(twin))  # part done, part not
    result = rejudge.rejudge(engine, _config(), chunk=100)
    assert result.done and result.resumed and result.from_version == OLD
    assert result.counts == whole.counts  # the whole run's counts, across the crash
    pd.testing.assert_frame_equal(_derived(engine), _derived(fresh))
    pd.testing.assert_frame_equal(_rollups(engine), _rollups(fresh))
    twin.dispose()
    fresh.dispose()


def test_collections_during_the_run_are_kept_and_judged_by_the_new_code(engine: Engine, tmp_path: Path) -> None:
    first, second, third = _frame(), _frame(seed=51, size=300, id_base=40_000_000), _frame(seed=52, size=300, id_base=50_000_000)  # fmt: skip
    _old_store(engine, first)
    done: list[int] = []

    def collect(result: rejudge.RejudgeResult) -> None:
        done.append(result.chunks)
        if len(done) == 1:  # the upgraded scheduler collects between two chunks
            ingest(engine, second, _config().brands)
        elif len(done) == 2:  # and an old one, still running, too: the store is back to OLD and the run starts over
            with older_rule():
                ingest(engine, third, _config().brands)
            assert _meta(engine, judged.VERSION_KEY) == OLD and _meta(engine, judged.PROGRESS_KEY) is None

    result = rejudge.rejudge(engine, _config(), chunk=200, on_chunk=collect)
    assert result.done and len(done) > 3
    fresh = _fresh_store(tmp_path / "fresh.db", first, second, third)
    pd.testing.assert_frame_equal(_derived(engine), _derived(fresh))
    pd.testing.assert_frame_equal(_rollups(engine), _rollups(fresh))
    assert _meta(engine, judged.VERSION_KEY) == FORMULAS_VERSION
    fresh.dispose()


def test_a_collection_in_another_thread_is_kept_whatever_the_interleaving(engine: Engine, tmp_path: Path) -> None:
    """A collection running at the same time as the re-judge (threads; on SQLite each waits for the other's
    write lock): every row of both is stored once and judged by the current formulas, whichever commits first."""
    import threading

    first, second = _frame(), _frame(seed=53, size=400, id_base=60_000_000)
    _old_store(engine, first)
    errors: list[BaseException] = []

    def collect() -> None:
        try:
            ingest(engine, second, _config().brands)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            errors.append(exc)

    thread = threading.Thread(target=collect)
    thread.start()
    result = rejudge.rejudge(engine, _config(), chunk=100)
    thread.join()
    assert not errors and result.done and not rejudge.pending(engine)
    fresh = _fresh_store(tmp_path / "fresh.db", first, second)
    pd.testing.assert_frame_equal(_derived(engine), _derived(fresh))  # whichever committed first
    fresh.dispose()


def test_an_empty_store_and_a_bad_chunk(sqlite_engine: Engine) -> None:
    result = rejudge.rejudge(sqlite_engine, _config())
    assert result.done and result.counts["examined"] == 0
    with pytest.raises(rejudge.RejudgeError):
        rejudge.rejudge(sqlite_engine, _config(), chunk=0)


# ------------------------------------------------------------------------------------------- scheduler


def test_the_scheduler_rejudges_in_small_steps_and_then_stops(sqlite_engine: Engine, tmp_path: Path) -> None:
    import threading

    from apscheduler.schedulers.background import BackgroundScheduler

    from pipeline import scheduler

    _old_store(sqlite_engine)
    built = scheduler.build_schedule(sqlite_engine, _config(), threading.Event(), owner="t", reports=False,
                                     scheduler_cls=BackgroundScheduler, now=lambda: FIXED_NOW)  # fmt: skip
    job = built.scheduler.get_job(scheduler.REJUDGE_JOB)
    assert job is not None
    step = job.func
    step.chunk, step.chunks_per_run = 100, 2
    total = len(_derived(sqlite_engine))
    first = step()
    assert first is not None and not first.done and first.counts["examined"] == 200 < total
    runs = 1
    while built.scheduler.get_job(scheduler.REJUDGE_JOB) is not None:
        assert step() is not None
        runs += 1
        assert runs < 100
    assert runs == -(-(-(-total // 100) + 1) // 2)  # two chunks a run; the last chunk finds nothing left
    fresh = _fresh_store(tmp_path / "fresh.db")
    pd.testing.assert_frame_equal(_derived(sqlite_engine), _derived(fresh))
    assert step() is None  # current: one look at meta, nothing written
    with sqlite_engine.connect() as conn:
        actors = [r[0] for r in conn.execute(select(audit_log.c.actor).where(audit_log.c.action == "rejudge"))]
    assert actors == ["scheduler"]
    again = scheduler.build_schedule(sqlite_engine, _config(), threading.Event(), owner="t", reports=False,
                                     scheduler_cls=BackgroundScheduler, now=lambda: FIXED_NOW)  # fmt: skip
    assert again.scheduler.get_job(scheduler.REJUDGE_JOB) is None
    fresh.dispose()


# ------------------------------------------------------------------------------------------- notes.txt


def test_notes_name_the_stored_version_when_it_differs(sqlite_engine: Engine) -> None:
    _old_store(sqlite_engine)
    week = "2026-W47"
    _, _, notes = export.week_frames(sqlite_engine, _config(), week, now=FIXED_NOW)
    assert f"Formulas (version {FORMULAS_VERSION}; stored judgements: version {OLD})" in notes
    assert "cli.py rejudge" in notes
    rejudge.rejudge(sqlite_engine, _config())
    _, _, notes = export.week_frames(sqlite_engine, _config(), week, now=FIXED_NOW)
    assert f"Formulas (version {FORMULAS_VERSION})\n" in notes and "stored judgements" not in notes


# ------------------------------------------------------------------------------------------- command line


def _cli(*args: str) -> Any:
    import cli

    return CliRunner().invoke(cli.app, list(args))


def test_cli_rejudge_reports_counts_and_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    empty = _cli("rejudge")
    assert empty.exit_code == 0 and "nothing stored" in empty.output
    _old_store(engine)
    status = _cli("rejudge", "--status")
    assert status.exit_code == 0 and f"formulas version: {FORMULAS_VERSION}; stored judgements: {OLD}" in status.output
    bad = _cli("rejudge", "--chunk", "0")
    assert bad.exit_code == 2 and "--chunk must be between" in bad.output
    assert _meta(engine, judged.VERSION_KEY) == OLD  # nothing changed
    done = _cli("rejudge", "--chunk", "250")
    assert done.exit_code == 0, done.output
    assert f"with formulas version {FORMULAS_VERSION} (stored: {OLD})" in done.output
    flips = int(done.output.split("needs reply: ")[1].split(" ")[0].replace(",", ""))
    assert flips > 0 and "done: the store's judgements are now version" in done.output
    with engine.connect() as conn:
        row = conn.execute(select(audit_log.c.actor, audit_log.c.detail).where(audit_log.c.action == "rejudge")).one()
    assert row.actor.startswith("cli:") and json.loads(row.detail)["flag_changed"] == flips
    assert f"stored judgements: {FORMULAS_VERSION}" in _cli("rejudge", "--status").output
    engine.dispose()


def test_cli_rejudge_refuses_an_unknown_option_without_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "rejudge", "--everything"],
        capture_output=True,
        text=True,
        env=child_env(DATABASE_URL=f"sqlite:///{tmp_path / 'monitor.db'}"),
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2 and "No such option" in done.stderr and "Traceback" not in done.stderr


# ------------------------------------------------------------------------------------------- dashboard


def test_admins_see_the_version_notice_and_it_goes_after_a_rejudge(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.test_app_support import open_app, serve_like_a_server

    serve_like_a_server(monkeypatch)
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    _old_store(engine)

    def notices(at: Any) -> list[str]:
        return [w.value for w in at.warning if "Stored sentiment and reply flags were judged" in str(w.value)]

    admin = open_app(user="Ada", role="admin")
    shown = notices(admin)
    assert len(shown) == 1 and f"version {OLD}" in shown[0] and f"version {FORMULAS_VERSION}" in shown[0]
    assert "cli.py rejudge" in shown[0]
    team = open_app("team", user="Ada", role="admin")
    assert notices(team)
    assert not notices(open_app(user="Vic", role="viewer"))  # only admins are told
    rejudge.rejudge(engine, _config())
    assert not notices(open_app(user="Ada", role="admin"))
    engine.dispose()
