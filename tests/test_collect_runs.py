"""X and Reddit sources through the runner, the platform table and `cli.py collect`.

Rows and cursor are saved together: a run that fails before its write leaves the cursor
as it was, and the rerun stores exactly what an uninterrupted run would have.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from collectors.x import XCollector
from config import Config, parse_config
from pipeline import runner, sources
from pipeline.runner import MAX_RETRIES, load_cursor, run_all, run_source
from platforms import SPECS
from store.schema import mentions, runs
from tests.test_collect_vcr import REDDIT_ENV, REDDIT_USER_ENV, X_ENV, own_x, x_cassette
from tests.test_x_collect import CLOCK, IDS

BRANDS = [
    {
        "name": "Acme",
        "keywords": ["acme"],
        "competitors": ["Globex"],
        "handles": {"x": "acme", "reddit": "acme_support"},
    },
    {"name": "Globex", "keywords": ["globex"]},
]
X_SOURCE = {"name": "x-acme", "platform": "x", "brand": "Acme", "every": "15m", "query": "acme"}
REDDIT_SOURCE = {"name": "reddit-acme", "platform": "reddit", "brand": "Acme", "every": "15m", "query": "acme"}
DEMO_SOURCE = {"name": "demo-live", "platform": "demo", "brand": "Acme", "every": "1m", "per_run": 3}
ALL_CREDENTIALS = [
    *X_ENV,
    *REDDIT_ENV,
    *REDDIT_USER_ENV,
    "X_API_KEY",
    "X_API_SECRET",
    "X_ACCESS_TOKEN",
    "X_ACCESS_SECRET",
]


def make_config(*sources: dict[str, Any]) -> Config:
    return parse_config({"brands": BRANDS, "sources": list(sources)}, None)


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ALL_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def x_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in X_ENV.items():
        monkeypatch.setenv(name, value)


def stored(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(
                    mentions.c.post_id, mentions.c.kind, mentions.c.parent_id, mentions.c.likes, mentions.c.text
                ).order_by(mentions.c.post_id)
            )
        ]


def x_collector(config: Config) -> XCollector:
    from collectors.x import from_source

    return from_source(config.source("x-acme"), config, clock=lambda: CLOCK)


def test_the_platform_table_knows_x_and_reddit_and_what_they_need(monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_config(X_SOURCE, REDDIT_SOURCE)
    assert SPECS["x"].collector == "collectors.x:from_source"
    assert SPECS["reddit"].collector == "collectors.reddit:from_source"
    assert sources.source_state(config.source("x-acme")) == "missing credentials: X_BEARER_TOKEN"
    assert sources.source_state(config.source("reddit-acme")) == (
        "missing credentials: REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, REDDIT_USER_AGENT"
    )
    for name, value in {**X_ENV, **REDDIT_ENV}.items():
        monkeypatch.setenv(name, value)
    assert sources.source_state(config.source("x-acme")) == "ready"
    assert sources.source_state(config.source("reddit-acme")) == "ready"
    assert type(sources.build(config.source("x-acme"), config)).__name__ == "XCollector"
    assert type(sources.build(config.source("reddit-acme"), config)).__name__ == "RedditCollector"


def test_one_failing_source_never_stops_the_others(sqlite_engine: Engine, x_token: None) -> None:
    config = make_config(X_SOURCE, DEMO_SOURCE)
    with x_cassette(own_x("unauthorized")):
        summaries = run_all(sqlite_engine, config, sleep=lambda s: None)
    assert [(s.source, s.status) for s in summaries] == [("x-acme", "error"), ("demo-live", "ok")]
    assert summaries[1].new == 3
    with sqlite_engine.connect() as conn:
        recorded = dict(conn.execute(select(runs.c.source, runs.c.error)).all())
    assert recorded["x-acme"].startswith("fatal: X rejected the credentials") and recorded["demo-live"] is None


def test_missing_credentials_skip_the_source(sqlite_engine: Engine) -> None:
    config = make_config(X_SOURCE, REDDIT_SOURCE, DEMO_SOURCE)
    summaries = run_all(sqlite_engine, config, sleep=lambda s: None)
    assert [s.line() for s in summaries[:2]] == [
        "x-acme: skipped: missing credentials: X_BEARER_TOKEN",
        "reddit-acme: skipped: missing credentials: REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, REDDIT_USER_AGENT",
    ]
    assert summaries[2].status == "ok"


def test_a_run_failing_midway_leaves_the_cursor_and_the_rerun_misses_nothing(
    sqlite_engine: Engine, tmp_path: Path, x_token: None
) -> None:
    config = make_config({**X_SOURCE, "max_pages": 5})
    source = config.source("x-acme")
    with x_cassette(own_x("search_two_pages")):  # the first run, complete
        run_source(sqlite_engine, config, source, sleep=lambda s: None, collector=x_collector(config))
    before = load_cursor(sqlite_engine, "x-acme")
    assert json.loads(before) == {"search": {"since": IDS["T3"]}}

    # the next run gets a page, then the API fails until the runner gives up: nothing is written
    with x_cassette(own_x("search_fails_on_page_two")):
        failed = run_source(sqlite_engine, config, source, sleep=lambda s: None, collector=x_collector(config))
    assert failed.status == "error" and failed.error == "retriable: X server error (503)"
    assert load_cursor(sqlite_engine, "x-acme") == before and len(stored(sqlite_engine)) == 5

    # an uninterrupted store for comparison, then a rerun of the interrupted run
    from store.engine import make_engine

    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    with x_cassette(own_x("search_two_pages")):
        run_source(fresh, config, source, sleep=lambda s: None, collector=x_collector(config))
    with x_cassette(own_x("search_two_pages")):
        again = run_source(sqlite_engine, config, source, sleep=lambda s: None, collector=x_collector(config))
    assert again.status == "ok" and again.new == 0
    assert stored(sqlite_engine) == stored(fresh)
    fresh.dispose()


def test_a_crash_at_the_write_leaves_rows_and_cursor_as_they_were(
    sqlite_engine: Engine, x_token: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(X_SOURCE)
    source = config.source("x-acme")

    def killed(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("process killed")

    original = runner.ingest
    monkeypatch.setattr(runner, "ingest", killed)
    with x_cassette(own_x("search_two_pages")):
        summary = run_source(sqlite_engine, config, source, sleep=lambda s: None, collector=x_collector(config))
    assert summary.status == "error" and "process killed" in summary.error
    assert load_cursor(sqlite_engine, "x-acme") is None and stored(sqlite_engine) == []
    monkeypatch.setattr(runner, "ingest", original)
    with x_cassette(own_x("search_two_pages")):
        rerun = run_source(sqlite_engine, config, source, sleep=lambda s: None, collector=x_collector(config))
    assert rerun.status == "ok" and rerun.new == 5 and len(stored(sqlite_engine)) == 5


def write_config(tmp_path: Path, *sources: dict[str, Any]) -> Path:
    lines = [
        "[[brands]]",
        'name = "Acme"',
        'keywords = ["acme"]',
        'competitors = ["Globex"]',
        'handles = { x = "acme", reddit = "acme_support" }',
        "",
        "[[brands]]",
        'name = "Globex"',
        "",
    ]
    for source in sources:
        lines.append("[[sources]]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in source.items()]
        lines.append("")
    path = tmp_path / "monitor.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_cli_collect_prints_a_line_per_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli import app

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    path = write_config(tmp_path, X_SOURCE, REDDIT_SOURCE, DEMO_SOURCE)
    result = CliRunner().invoke(app, ["--config", str(path), "collect"])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 0, result.output  # skipped sources are not failures
    assert lines[0] == "x-acme: skipped: missing credentials: X_BEARER_TOKEN"
    assert lines[1].startswith("reddit-acme: skipped: missing credentials: REDDIT_CLIENT_ID")
    assert lines[2].startswith("demo-live: fetched 3, new 3")

    for name, value in X_ENV.items():
        monkeypatch.setenv(name, value)
    with x_cassette(own_x("unauthorized")):
        failed = CliRunner().invoke(app, ["--config", str(path), "collect", "--source", "x-acme"])
    assert failed.exit_code == 1
    assert failed.output.strip() == (
        "x-acme: error: fatal: X rejected the credentials (401 Unauthorized): check X_BEARER_TOKEN"
    )
    assert X_ENV["X_BEARER_TOKEN"] not in failed.output


def test_retries_are_bounded(sqlite_engine: Engine, x_token: None) -> None:
    config = make_config(X_SOURCE)
    waits: list[float] = []
    with x_cassette(own_x("rate_limited_then_ok"), own_x("rate_limited_then_ok")):
        collector = x_collector(config)
        collector.clock = lambda: CLOCK - 10_000  # a reset far away: the wait is capped
        summary = run_source(sqlite_engine, config, config.source("x-acme"), sleep=waits.append, collector=collector)
    assert summary.status == "ok" and waits == [900.0] and len(waits) <= MAX_RETRIES
