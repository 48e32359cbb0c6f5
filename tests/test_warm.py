"""ui.warm / `cli.py warm`: the pages' closed parts computed ahead of the first visitor and kept in the
store's part cache. A page's first render after it computes no closed part, and shows exactly what it
shows without it (the parts are computed by the same code, only earlier); on SQLite, and on PostgreSQL
when TEST_DATABASE_URL is set."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, delete, func, select

from config import load_config
from pipeline.scheduler import WarmJob
from pipeline.seed import seed_demo
from store import readcache
from store.schema import read_cache
from tests import test_app_support as support
from tests.conftest import FIXED_NOW, child_env
from tests.test_app_support import Store, charts, open_app
from ui import context, metrics, views, warm
from ui.context import Context

seeded_db = support.seeded_db
store = support.store
ROOT = Path(__file__).resolve().parents[1]
MINUTE = FIXED_NOW.replace(second=0, microsecond=0).isoformat()


@pytest.fixture(autouse=True)
def fixed_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "now_minute", lambda: MINUTE)


@pytest.fixture(autouse=True)
def fresh_process() -> Any:
    warm.forget_memory()
    yield
    warm.forget_memory()


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every part stored from now on (a part computed because it was not in the store)."""
    names: list[str] = []
    original = readcache.save

    def save(engine: Engine, key: str, slot: str, name: str, value: Any, *args: Any, **kwargs: Any) -> bool:
        names.append(name)
        return original(engine, key, slot, name, value, *args, **kwargs)

    monkeypatch.setattr(readcache, "save", save)
    return names


def stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(read_cache)).scalar() or 0)


def empty_cache(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(read_cache))


def filled(engine: Engine, **options: Any) -> warm.Filled:
    """`warm.fill` as `cli.py warm` runs it, then a fresh process (no Streamlit cache)."""
    done = warm.fill(Context(config=load_config(None), engine=engine, url=str(engine.url)), **options)
    warm.forget_memory()
    return done


@pytest.mark.parametrize("page", warm.PAGES)
def test_a_page_after_warm_computes_no_closed_part(store: Store, saved: list[str], page: str) -> None:
    done = filled(store.engine)
    assert not done.failed and stored(store.engine) > 0
    assert {p for _, p in done.seconds} == {"app", *warm.PAGES}
    saved.clear()
    open_app(page)
    # every part the page's first render needed was ready (on this store every day is closed: FIXED_NOW is past)
    assert saved == []


def page_output(page: str) -> tuple[Any, ...]:
    at = open_app(page)
    return (
        [(m.label, m.value, m.delta, m.help) for m in at.metric],
        charts(at),
        [d.value for d in at.dataframe],
        [str(c.value) for c in at.caption],
    )


@pytest.mark.parametrize("page", ["overview", "sentiment", "engagement"])
def test_a_page_shows_the_same_with_and_without_warm(store: Store, page: str) -> None:
    cold = page_output(page)  # computed by the page itself, part cache empty
    warm.forget_memory()
    empty_cache(store.engine)
    filled(store.engine)
    ready = page_output(page)
    assert ready[0] == cold[0] and ready[1] == cold[1] and ready[3] == cold[3]
    assert len(ready[2]) == len(cold[2])
    for a, b in zip(ready[2], cold[2], strict=True):
        pd.testing.assert_frame_equal(a, b)


def overview_and_responses(ctx: Context) -> tuple[Any, ...]:
    selected = warm.default_selection(ctx, "Acme")
    assert selected is not None
    versions = context.versions(ctx)
    config = ctx.config
    kpis = metrics.kpis(
        ctx.engine,
        versions,
        selected,
        tuple(context.rivals(config, "Acme")),
        context.sla_hours(config),
        MINUTE,
        context.business_hours(config),
        tuple(config.brands),
    )
    judged = metrics.judged(ctx.engine, versions, selected, tuple(config.brands), MINUTE)
    posts = metrics.top_posts(ctx.engine, versions[0], selected, "engagements", warm.ENGAGEMENT_TOP)
    return kpis, judged, posts


def test_parts_from_warm_are_the_parts_a_page_computes(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_demo(engine, load_config(None), mentions=1500, days=45, end=FIXED_NOW)
    ctx = Context(config=load_config(None), engine=engine, url=str(engine.url))
    # computed the page's way with no part cache at all
    monkeypatch.setattr(readcache, "save", lambda *args, **kwargs: False)
    kpis, judged, posts = overview_and_responses(ctx)
    assert stored(engine) == 0 and kpis[0].answered > 0 and len(judged) > 0
    monkeypatch.undo()
    monkeypatch.setattr(context, "now_minute", lambda: MINUTE)
    warm.forget_memory()

    filled(engine, brands=["Acme"])
    with engine.connect() as conn:
        names = set(conn.execute(select(read_cache.c.name)).scalars())
    assert {"ui.metrics._kept_part", "store.reader.response_times", "store.reader.day_rollups"} <= names
    computed: list[str] = []
    original = readcache.save
    monkeypatch.setattr(
        readcache, "save", lambda e, k, s, name, *a, **kw: computed.append(name) or original(e, k, s, name, *a, **kw)
    )
    found_kpis, found_judged, found_posts = overview_and_responses(ctx)
    assert computed == []  # all from the store
    assert found_kpis == kpis
    pd.testing.assert_frame_equal(found_judged, judged)
    pd.testing.assert_frame_equal(found_posts, posts)


def test_warm_on_an_empty_store_and_bad_names(engine: Engine) -> None:
    ctx = Context(config=load_config(None), engine=engine, url=str(engine.url))
    assert warm.fill(ctx).seconds == {}  # nothing stored: nothing to compute, no error
    with pytest.raises(ValueError, match="unknown brand"):
        warm.fill(ctx, brands=["Nope"])
    with pytest.raises(ValueError, match="unknown page"):
        warm.fill(ctx, pages=["nope"])


def test_a_failing_page_is_left_to_the_page(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "engagement_mix", broken)
    done = filled(store.engine, brands=["Acme"])
    assert done.failed == {("Acme", "engagement"): "RuntimeError"}
    assert ("Acme", "queue") in done.seconds  # the next pages still ran


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


def test_cli_warm(store: Store, tmp_path: Path) -> None:
    env = child_env(DATABASE_URL=store.url, PYTHONPATH=str(ROOT))
    result = cli("warm", "--brand", "Acme", "--page", "overview", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Acme overview:" in result.stdout and "warmed in" in result.stdout
    assert "Traceback" not in result.stderr and "No runtime found" not in result.stderr
    with store.engine.connect() as conn:
        names = set(conn.execute(select(read_cache.c.name)).scalars())
    assert "ui.metrics._kept_part" in names
    for args, message in (
        (("--brand", "Nope"), "unknown brand(s): Nope"),
        (("--page", "nope"), "unknown page(s): nope"),
    ):
        bad = cli("warm", *args, env=env, cwd=tmp_path)
        assert bad.returncode == 2 and message in bad.stderr and "Traceback" not in bad.stderr


def test_the_scheduler_job_runs_warm_in_a_child_and_a_signal_stops_it(store: Store, tmp_path: Path) -> None:
    config = load_config(None)
    stop = threading.Event()
    ok = WarmJob(config, stop, command=[sys.executable, "-c", "import sys; sys.exit(0)"])
    assert ok() == 0
    failing = WarmJob(config, stop, command=[sys.executable, "-c", "import sys; sys.exit(3)"])
    assert failing() == 3
    # a child that says a lot (more than a pipe holds) is not blocked by the job waiting for it
    talkative = "import sys; sys.stderr.write('x' * 2_000_000); sys.exit(4)"
    assert WarmJob(config, stop, command=[sys.executable, "-c", talkative])() == 4
    # a child that would run for long is stopped as soon as the scheduler stops
    waiting = WarmJob(config, stop, command=[sys.executable, "-c", "import time; time.sleep(600)"])
    result: list[int | None] = []
    thread = threading.Thread(target=lambda: result.append(waiting()))
    thread.start()
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive() and result == [None]
    assert WarmJob(config, stop)() is None  # stopped: nothing started
    assert WarmJob(config, threading.Event()).command[-1] == "warm"
