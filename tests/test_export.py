"""Weekly reports: the frames equal the analysis functions; the CSVs are safe and survive a round trip."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, event, func, insert, select

from analysis import engagement, flags, reports, response, trends
from analysis.formulas import FORMULAS_VERSION
from config import Config
from pipeline.export import (
    DANGEROUS_FIRST,
    csv_bytes,
    export_week,
    neutralise,
    read_week,
    unneutralise,
    week_frames,
)
from pipeline.ingest import ingest
from pipeline.seed import seed_demo
from store import writer
from store.engine import make_engine
from store.reader import Filters, rollups
from store.schema import mention_state, mentions
from tests.conftest import FIXED_NOW

WEEK = "2026-W46"  # Mon 9 Nov to Sun 15 Nov 2026: the last full week before FIXED_NOW
START, END = datetime(2026, 11, 9, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC)
NOW = FIXED_NOW + timedelta(days=7)  # reports taken a week later


def _seed(engine: Engine, config: Config) -> None:
    seed_demo(engine, config, mentions=2500, days=21, end=FIXED_NOW)
    with engine.begin() as conn:  # a manager's work: an assignment, a dismissal, a corrected label
        flagged = (
            conn.execute(
                select(mentions.c.id)
                .outerjoin(mention_state, mention_state.c.mention_id == mentions.c.id)
                .where(mentions.c.needs_reply.is_(True), mention_state.c.mention_id.is_(None))
                .where(mentions.c.created_at >= START, mentions.c.created_at < END)
                .order_by(mentions.c.id)
                .limit(3)
            )
            .scalars()
            .all()
        )
        conn.execute(
            insert(mention_state),
            [
                {"mention_id": flagged[0], "status": "assigned", "assignee": "Zoë", "sentiment_override": "positive"},
                {"mention_id": flagged[1], "status": "dismissed", "assignee": "=ops", "sentiment_override": None},
                {"mention_id": flagged[2], "status": "assigned", "assignee": "José", "sentiment_override": None},
            ],
        )
        writer.refresh_rollups(conn, [(START, END)])


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Config]]:
    from config import load_config

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('export') / 'monitor.db'}")
    config = load_config(None)
    _seed(engine, config)
    yield engine, config
    engine.dispose()


def _week_mentions(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).where(
                mentions.c.created_at >= START, mentions.c.created_at < END, mentions.c.is_own.is_(False)
            )
        ).scalar()


# --- weeks -------------------------------------------------------------------------------------


def test_weeks_parse_and_the_last_full_week_is_the_one_before_now() -> None:
    assert reports.parse_week("2026-W46") == ("2026-W46", START, END)
    assert reports.parse_week("2026-w7")[0] == "2026-W07"
    assert reports.parse_week("2026-W53")[1] == datetime(2026, 12, 28, tzinfo=UTC)  # 2026 has 53 weeks
    assert reports.parse_week("2021-W01")[1] == datetime(2021, 1, 4, tzinfo=UTC)  # ISO year != calendar year
    for bad in ("2026-47", "W47", "2026-W", "2026-W00", "2025-W53", "47/2026", ""):
        with pytest.raises(ValueError, match="week"):
            reports.parse_week(bad)
    assert reports.last_full_week(FIXED_NOW) == WEEK
    assert reports.last_full_week(datetime(2026, 11, 16, 0, 0, tzinfo=UTC)) == WEEK  # Monday 00:00: W46 just ended
    assert reports.last_full_week(datetime(2027, 1, 4, 8, tzinfo=UTC)) == "2026-W53"
    assert reports.week_of(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"


# --- the numbers --------------------------------------------------------------------------------


def test_export_rows_and_totals_equal_the_analysis_functions(engine: Engine, demo_config: Config) -> None:
    _seed(engine, demo_config)
    frame, summary, notes = week_frames(engine, demo_config, WEEK, now=NOW)

    assert list(frame.columns) == list(reports.MENTION_COLUMNS)
    assert list(summary.columns) == list(reports.SUMMARY_COLUMNS)
    assert len(frame) == _week_mentions(engine) > 100
    assert frame["created_at"].is_monotonic_increasing
    assert frame["created_at"].min() >= pd.Timestamp(START) and frame["created_at"].max() < pd.Timestamp(END)

    # per mention: engagements and queue priority come from analysis
    assert frame["engagements"].tolist() == engagement.mention_engagement(frame)["engagements"].tolist()
    rows = reports.prepare(read_week(engine, START, END), demo_config.brands)
    queue = flags.queue_priority(rows[rows["needs_reply"]], pd.Timestamp(NOW))
    assert frame.loc[frame["needs_reply"], "priority"].tolist() == queue["priority"].tolist()
    assert frame.loc[~frame["needs_reply"], "priority"].isna().all()
    assert (frame["status"] == "dismissed").sum() == 1 and "Zoë" in set(frame["assignee"])

    # per day, platform, brand: the rollups through analysis.trends
    with engine.connect() as conn:
        rolled = rollups(conn, Filters(brands=(), start=START.date(), end=(END - timedelta(days=1)).date()))
    expected = trends.summarize(rolled, period="day", by=("platform", "brand"), fill_gaps=False)
    expected = expected[expected["mentions"] > 0].assign(day=lambda f: f["period"].dt.date)
    merged = summary.merge(expected, on=["day", "platform", "brand"], suffixes=("", "_x"), validate="1:1")
    assert len(merged) == len(summary) == len(expected)
    for column in ("mentions", "engagements", "positive", "neutral", "negative"):
        assert merged[column].tolist() == merged[f"{column}_x"].astype(int).tolist(), column
    assert np.allclose(merged["engagement_rate"], merged["engagement_rate_x"], atol=1e-6, equal_nan=True)
    assert (merged["engagement_rate_denominator"].fillna("") == merged["rate_denominator"].fillna("")).all()
    assert np.allclose(merged["net_sentiment"], merged["net_sentiment_x"], atol=1e-4, equal_nan=True)
    assert summary["mentions"].sum() == len(frame)

    # share of voice: Acme against its competitors, per day and platform
    for platform in ("x", "reddit"):
        share = trends.share_of_voice(rolled[rolled["platform"] == platform], "Acme", ["Globex", "Initech"], "day")
        share = share[share["mentions"] > 0].assign(day=lambda f: f["period"].dt.date)
        got = summary[summary["platform"] == platform].merge(share, on=["day", "brand"], validate="1:1")
        assert len(got) == len(share) and np.allclose(got["share_of_voice"], got["share"], atol=1e-4)

    # response figures: analysis.response over the flagged rows, dismissed left out
    flagged = rows[rows["needs_reply"]]
    totals = response.response_stats(flagged, pd.Timestamp(NOW))
    assert summary["flagged"].sum() == totals["flagged"].iloc[0] == flagged["status"].ne("dismissed").sum()
    assert summary["replied"].sum() == totals["replied"].iloc[0]
    assert summary["sla_breaches"].sum() == totals["sla_breached"].iloc[0]
    by_group = response.response_stats(flagged, pd.Timestamp(NOW), by=("day", "platform", "brand"))
    got = summary.merge(by_group, on=["day", "platform", "brand"])
    assert np.allclose(got["median_first_response_min"], got["first_response_median_min"], atol=0.05, equal_nan=True)

    assert f"Formulas (version {FORMULAS_VERSION})" in notes
    assert f"- mentions: {len(frame)} (rows in mentions.csv)" in notes
    assert (
        f"engagement data (no likes, replies, reposts or quotes reported): {reports.no_engagement_data(rows)}" in notes
    )


def test_a_brand_report_keeps_only_that_brand_and_its_share_of_voice(seeded: tuple[Engine, Config]) -> None:
    engine, config = seeded
    frame, summary, notes = week_frames(engine, config, WEEK, brand="Globex", now=NOW)
    everything = week_frames(engine, config, WEEK, now=NOW)[1]
    assert set(frame["brand"]) == {"Globex"} and set(summary["brand"]) == {"Globex"}
    same = everything[everything["brand"] == "Globex"].reset_index(drop=True)
    pd.testing.assert_frame_equal(summary, same)  # share of voice still counts Acme and Initech
    assert summary["share_of_voice"].between(0, 1).all()
    assert "- brand: Globex" in notes
    with pytest.raises(ValueError, match="unknown brand 'Nope'"):
        week_frames(engine, config, WEEK, brand="Nope")


def test_reading_a_week_filters_by_created_at_in_sql(seeded: tuple[Engine, Config]) -> None:
    engine, config = seeded
    statements: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        rows = read_week(engine, START, END)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(rows) == _week_mentions(engine)
    ((query, parameters),) = [s for s in statements if "FROM mentions" in s[0]]
    assert "mentions.created_at >= ?" in query and "mentions.created_at < ?" in query
    with engine.connect() as conn:  # SQLite searches an index on created_at rather than scanning the table
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", parameters))
    assert "USING INDEX" in plan and "created_at>?" in plan.replace(" ", ""), plan
    assert "SCAN mentions" not in plan


# --- the files ----------------------------------------------------------------------------------

NASTY = [
    ('=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0"),
    ("+1 for Acme, love it", "+plus"),
    ("-5 stars. Acme refund please", "-minus"),
    ("@acme help, my order is missing", "@at_handle"),
    ("\tTabbed complaint about Acme", "tab"),
    ("\rCarriage return Acme", "cr"),
    ('Acme said "it is fixed", it is "not"', "quotes"),
    ("Line one about Acme\nline two\r\nline three", "newlines"),
    ("Acme の新しい電話、最高です 📱", "日本"),
    ("Acme Привет, отличный сервис", "Кириллица"),
    ("Acme مرحبا خدمة رائعة", "عربي"),
    ("Comma, separated, Acme; and 'single' quotes", "plain"),
]


def _nasty_frame() -> pd.DataFrame:
    n = len(NASTY)
    return pd.DataFrame(
        {
            "platform": "x",
            "post_id": [f"-{i}" if i % 2 else f"{i}" for i in range(n)],
            "url": [f"https://x.com/u/status/{i}" for i in range(n)],
            "kind": "post",
            "author_handle": [h for _, h in NASTY],
            "text": [t for t, _ in NASTY],
            "lang": None,
            "created_at": [START + timedelta(hours=3 + i) for i in range(n)],
            "likes": [i if i % 3 else None for i in range(n)],
            "replies": 1,
            "views": [None if i % 2 else 1000 + i for i in range(n)],
            "author_followers": 1234,
            "brand": "Acme",
            "matched": "acme",
        }
    )


@pytest.fixture
def nasty_store(sqlite_engine: Engine, demo_config: Config) -> Engine:
    ingest(sqlite_engine, _nasty_frame(), demo_config.brands)
    return sqlite_engine


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def test_csvs_neutralise_formulas_and_round_trip_text(nasty_store: Engine, demo_config: Config, tmp_path: Path) -> None:
    result = export_week(nasty_store, demo_config, WEEK, tmp_path / "out", now=NOW)
    frame = week_frames(nasty_store, demo_config, WEEK, now=NOW)[0]
    assert result.mentions == len(NASTY) and result.files == tuple(
        tmp_path / "out" / n for n in ("mentions.csv", "summary.csv", "notes.txt", "satisfaction.csv")
    )
    raw = (tmp_path / "out" / "mentions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + b"platform,post_id,url,created_at,brand,")
    cells = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert cells[0] == list(reports.MENTION_COLUMNS)
    assert len(cells) == len(NASTY) + 1  # embedded newlines stay inside their cells
    for row in cells[1:]:
        for value, column in zip(row, cells[0], strict=True):
            if value[:1] in DANGEROUS_FIRST:  # nothing a spreadsheet could run
                assert column == "sentiment" and float(value) < 0, (column, value)

    back = _read(tmp_path / "out" / "mentions.csv")
    for column in ("text", "author_handle", "post_id"):
        assert unneutralise(back[column]).tolist() == frame[column].tolist(), column
    neutral_text = back.set_index(unneutralise(back["post_id"]))["text"]
    assert neutral_text["0"].startswith("'=HYPERLINK") and neutral_text["-1"].startswith("'+1")
    assert neutral_text["-5"] == "'\rCarriage return Acme" and neutral_text["4"] == "'\tTabbed complaint about Acme"
    assert back["created_at"].str.fullmatch(r"2026-11-09T\d\d:\d\d:\d\d\+00:00").all()

    numbers = pd.read_csv(tmp_path / "out" / "mentions.csv", encoding="utf-8-sig")
    for column in ("sentiment", "likes", "replies", "views", "engagements", "author_followers", "priority"):
        assert pd.api.types.is_numeric_dtype(numbers[column]), column  # numbers stay numbers
    assert numbers["likes"].isna().sum() == frame["likes"].isna().sum()
    assert (numbers["sentiment"] < 0).any()  # a negative score is a number, not a neutralised text

    summary = pd.read_csv(tmp_path / "out" / "summary.csv", encoding="utf-8-sig")
    assert list(summary.columns) == list(reports.SUMMARY_COLUMNS)
    assert summary["mentions"].sum() == len(NASTY)
    assert summary["engagements"].sum() == frame["engagements"].sum()


def test_neutralise_touches_text_only() -> None:
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "+x", "-x", "@x", "\tx", "\rx", "ok", "'=kept", None, " =space"],
            "score": [-0.5, 1, -2, 0, 0, 0, 0, 0, 0, 0],
            "count": pd.array([-1, None, 3, 4, 5, 6, 7, 8, 9, 10], dtype="Int64"),
            "when": pd.Timestamp("2026-11-18 12:00", tz="Europe/Berlin"),
        }
    )
    out = neutralise(frame)
    assert out["text"].tolist()[:8] == ["'=1+1", "'+x", "'-x", "'@x", "'\tx", "'\rx", "ok", "''=kept"]
    assert pd.isna(out["text"].iloc[8]) and out["text"].iloc[9] == " =space"
    assert out["score"].tolist() == frame["score"].tolist() and out["count"].dtype == "Int64"
    assert out["when"].iloc[0] == "2026-11-18T11:00:00+00:00"
    assert unneutralise(out["text"]).tolist()[:8] == frame["text"].tolist()[:8]
    lines = csv_bytes(frame).decode("utf-8-sig").split("\r\n")
    assert lines[0] == "text,score,count,when" and lines[1].startswith("'=1+1,-0.5,-1,")


def test_an_empty_week_writes_headers_and_says_so(nasty_store: Engine, demo_config: Config, tmp_path: Path) -> None:
    result = export_week(nasty_store, demo_config, "2026-W10", tmp_path, now=NOW)
    assert result.empty and result.mentions == 0 and result.summary_rows == 0
    assert (tmp_path / "mentions.csv").read_bytes().decode("utf-8-sig") == ",".join(reports.MENTION_COLUMNS) + "\r\n"
    assert (tmp_path / "summary.csv").read_bytes().decode("utf-8-sig") == ",".join(reports.SUMMARY_COLUMNS) + "\r\n"
    notes = (tmp_path / "notes.txt").read_text(encoding="utf-8")
    assert "Weekly report 2026-W10" in notes and "No mentions in this week" in notes
    assert "2026-03-02T00:00:00+00:00" in notes


def test_export_defaults_to_the_reports_dir_and_replaces_old_files(
    nasty_store: Engine, demo_config: Config, tmp_path: Path
) -> None:
    from dataclasses import replace

    from config import Reports

    config = replace(demo_config, reports=Reports(dir=str(tmp_path / "reports")))
    first = export_week(nasty_store, config, "2026-w46", now=NOW)
    assert first.out_dir == tmp_path / "reports" / WEEK
    again = export_week(nasty_store, config, WEEK, now=NOW)
    assert again.files == first.files
    assert sorted(p.name for p in first.out_dir.iterdir()) == [
        "mentions.csv",
        "notes.txt",
        "satisfaction.csv",
        "summary.csv",
    ]
