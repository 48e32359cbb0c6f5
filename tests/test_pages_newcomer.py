"""What a newcomer's first week found (issue 17): the demo label follows the data shown, text is not
cut off, charts say what they show, tiles and notes speak in words, README commands run."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

import cli
from pipeline import export
from tests import test_app_support as support
from tests.test_app_support import ROOT, Store, chart, demo_label_shown, open_app, table, texts
from ui import charts, tables

seeded_db = support.seeded_db
store = support.store
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _captions(at: AppTest) -> list[tuple[str, str]]:
    return [(str(c.value), str(c.proto.help)) for c in at.caption]


def change(store: Store, sql: str, **params: object) -> None:
    """A write outside the writer: bump the data version as every stored change does."""
    store.execute(sql, **params)
    store.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'data_version'")


# --- demo and real data -------------------------------------------------------------------------


def test_the_demo_label_follows_the_rows_in_the_selection(store: Store) -> None:
    """Before: the label stayed once the store had been seeded, on pages of imported real mentions."""
    store.execute("UPDATE mentions SET source = 'import:sprout.csv' WHERE brand = 'Acme'")
    at = open_app()
    assert not demo_label_shown(at)
    assert not any("Demo data" in str(w.value) for w in at.sidebar.warning)
    at.sidebar.selectbox(key="filter_brand").set_value("Globex").run()
    assert demo_label_shown(at)  # Globex's rows are still the seeded demo
    change(store, "UPDATE mentions SET source = 'demo:demo-live' WHERE brand = 'Acme' AND platform = 'x'")
    at.sidebar.selectbox(key="filter_brand").set_value("Acme").run()
    label = next(str(c.value) for c in at.caption if "Demo data" in str(c.value))
    shown = store.scalar("SELECT count(*) FROM mentions WHERE brand = 'Acme' AND platform = 'x' AND "
                         "created_at >= :start AND created_at < :end", **support.in_range())  # fmt: skip
    assert f"{shown:,} of the" in label  # a mixed selection says how much of it is generated


def test_notes_say_when_a_report_holds_demo_rows(store: Store) -> None:
    """Before: notes.txt said nothing about the demo brands in a report."""
    from config import load_config

    config = load_config(None)
    week = "2026-W46"
    _, _, notes = export.week_frames(store.engine, config, week)
    found = re.search(r"DEMO DATA: (\d+) of the (\d+) mentions are generated demo posts", notes)
    assert found and found.group(1) == found.group(2) != "0"
    store.execute("UPDATE mentions SET source = 'import:brandwatch.json'")
    _, _, notes = export.week_frames(store.engine, config, week)
    assert "DEMO DATA" not in notes


# --- pages --------------------------------------------------------------------------------------


def test_post_tables_wrap_open_in_full_and_never_say_none(store: Store) -> None:
    """Before: post text cut at 280 characters on one line; missing values shown as 'None'."""
    long = "Still waiting on my refund. " * 30
    top = store.scalar("SELECT id FROM mentions WHERE brand = 'Acme' AND is_own = 0 ORDER BY likes DESC LIMIT 1")
    change(store, "UPDATE mentions SET text = :t, likes = 10000000 WHERE id = :id", t=long, id=top)
    at = open_app("engagement")
    posts = table(at, "text", "open")
    assert posts["text"].iloc[0] == long.strip()
    frames = [d for d in at.dataframe if "text" in d.value.columns]
    assert frames and all(d.proto.row_height > 64 for d in frames)  # above 4rem: cells wrap
    for page in ("engagement", "sentiment", "sources"):
        at.switch_page(f"pages/{page}.py").run()
        for frame in at.dataframe:
            cells = frame.value.astype(str)
            assert not (cells == "None").any().any(), (page, frame.value.columns.tolist())
            assert frame.proto.placeholder == "–", (page, frame.value.columns.tolist())  # Streamlit's is "None"


def test_the_queue_why_column_wraps(store: Store) -> None:
    """Before: the queue's "Why" was cut at one line of a medium column."""
    at = open_app("queue")
    queue_table = next(d for d in at.dataframe if "reasons" in d.value.columns)
    assert queue_table.proto.row_height > 64 and queue_table.proto.placeholder == "–"


def test_weekly_ticks_fall_on_mondays() -> None:
    """Before: the axis said 'ISO week starting' while Plotly put its weekly ticks on Sundays."""
    weeks = pd.date_range("2026-09-07", periods=10, freq="W-MON", tz="UTC")
    frame = pd.DataFrame({"period": weeks, "value": range(10), "platform": "x"})
    for build in (charts.lines, charts.stacked_areas, charts.bars):
        fig = build(
            frame, x="period", y="value", group="platform", title="t", x_title=charts.x_title("week"),
            y_title="v", period="week",
        )  # fmt: skip
        axis = fig.layout.xaxis
        assert pd.Timestamp(axis.tick0).day_name() == "Monday" and axis.dtick == 7 * 86_400_000
        assert "Monday" in axis.title.text


def test_overview_engagements_are_stacked_and_notes_speak_in_words(store: Store) -> None:
    at = open_app()
    engaged = chart(at, "Engagements per")
    assert all(trace.get("stackgroup") for trace in engaged["data"])  # before: seven crossing lines
    note, help_text = next((c, h) for c, h in _captions(at) if "spike" in c)
    assert "population std" not in note and "window" not in note and "average of the 7 days" in note
    help_text = help_text.replace("\\", "")  # the help is markdown, escaped
    assert "population std" in help_text and "window = 7" in help_text


def test_rates_per_view_and_per_follower_are_separate_and_absent_rates_are_explained(store: Store) -> None:
    """Before: one chart mixed per-view and per-follower bars; no rates drew an empty -100%..100% frame."""
    at = open_app("engagement")
    per_view, per_follower = chart(at, "Engagement rate per view"), chart(at, "Engagement rate per follower")
    assert {t["name"] for t in per_view["data"]} == {"x"}  # the demo set reports views on X only
    assert "x" not in {t["name"] for t in per_follower["data"]}
    change(store, "UPDATE mentions SET views = NULL, author_followers = NULL")  # an import with no reach data
    change(store, "UPDATE rollup_hourly SET views = 0, engagements_with_views = 0, followers = 0, "
                  "engagements_with_followers = 0")  # fmt: skip
    at = open_app("engagement")
    titles = [f["layout"]["title"]["text"] for f in support.charts(at)]
    assert not [t for t in titles if t.startswith("Engagement rate")], titles
    assert "No engagement rate to chart" in texts(at)


def test_a_tile_without_change_shows_no_arrow() -> None:
    """Before: 'Open flagged 0' with a red up arrow and '+0'."""

    def page() -> None:
        import streamlit as st

        from ui import tiles

        tiles.tile(st, "Open flagged", "0", tiles.count_change(0, 0), "help", lower_is_better=True)
        tiles.tile(st, "Mentions", "5", tiles.count_change(5, 4), "help")
        tiles.tile(st, "Net sentiment", "+0.10", tiles.score_change(0.1, 0.1), "help")

    at = AppTest.from_function(page).run()
    flagged, mentions, net = at.metric
    assert flagged.proto.direction == Metric.MetricDirection.NONE and flagged.delta == "no change"
    assert net.proto.direction == Metric.MetricDirection.NONE
    assert mentions.proto.direction == Metric.MetricDirection.UP and mentions.delta == "+1 (+25%)"


def test_the_queue_header_says_priority_in_words(store: Store) -> None:
    at = open_app("queue")
    header, help_text = _captions(at)[0] if "Priority" in _captions(at)[0][0] else _captions(at)[1]
    assert "Priority (0-100) is higher for questions" in header
    assert "priority_base" not in header and "min(" not in header
    help_text = help_text.replace("\\", "")  # the help is markdown, escaped
    assert "Priority = priority_base + waiting points" in help_text and "min(1, waited / SLA)" in help_text


def test_chart_titles_sit_below_the_plotly_toolbar() -> None:
    """Before: on a 390 px phone the toolbar (top right) covered the chart titles (top left, same row)."""
    frame = pd.DataFrame({"period": pd.date_range("2026-11-01", periods=3, tz="UTC"), "value": [1, 2, 3]})
    fig = charts.lines(frame, x="period", y="value", group=None, title="A long title", x_title="d", y_title="v")
    title = fig.layout.title
    assert title.yref == "container" and title.y == 1 and title.pad.t >= charts.TOOLBAR_PX
    assert fig.layout.margin.t >= title.pad.t + 30


def test_text_cells_never_say_none() -> None:
    cells = tables.text_cells(pd.Series(["a", None, float("nan"), pd.NA], dtype=object))
    assert cells.tolist() == ["a", "", "", ""]


# --- command line -------------------------------------------------------------------------------


def test_readme_commands_use_the_virtual_environment_and_exist() -> None:
    """Before: `python cli.py ...` failed with the system Python (No module named 'typer')."""
    lines = re.findall(r"[^\s`|(]*python3? cli\.py [a-z-]+(?: [a-z-]+)?", README)
    assert lines and all(line.startswith(".venv/bin/python cli.py") for line in lines), [
        line for line in lines if not line.startswith(".venv/bin/python")
    ]
    commands = {tuple(line.split()[2:]) for line in lines}
    group = cli.app
    for words in sorted(commands):
        path = [w for w in words if re.fullmatch(r"[a-z][a-z-]*", w)]
        result = CliRunner().invoke(group, [*path[:2], "--help"])
        if result.exit_code != 0:  # a sub-command group takes one word
            result = CliRunner().invoke(group, [path[0], "--help"])
        assert result.exit_code == 0, (words, result.output)
    for doc in (ROOT / "docs").glob("*.md"):
        assert not re.search(r"(?<![/\w.])python cli\.py", doc.read_text(encoding="utf-8")), doc


def test_streamlit_settings_print_one_address() -> None:
    """Before: headless Streamlit asked checkip.amazonaws.com for the external IP and printed
    'Did not auto detect external IP' when it could not."""
    import tomllib

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["browser"]["serverAddress"] == "localhost"
    assert settings["browser"]["gatherUsageStats"] is False


def test_run_starts_streamlit_with_one_address(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pipeline import scheduler

    started: list[dict] = []
    monkeypatch.setattr(scheduler, "supervise", lambda commands: started.append(commands) or 0)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'run.db'}")
    monkeypatch.setattr(cli, "first_start_admin", lambda engine: None)
    result = CliRunner().invoke(cli.app, ["run", "--no-scheduler", "--port", "8599"])
    assert result.exit_code == 0, result.output
    dashboard = started[0]["dashboard"]
    assert dashboard[dashboard.index("--browser.serverAddress") + 1] == "localhost"
    assert "dashboard: http://localhost:8599" in result.output


def test_the_demo_source_is_documented_as_imitating_the_seeded_set() -> None:
    assert "on the platforms it imitates" in README
