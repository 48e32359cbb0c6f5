"""Business-hours SLA clocks wired in: the queue's waited time, SLA state and order, the Overview's
median first response, and the weekly report's business and calendar first-response times. On
SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (the `engine` fixture)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select, update

from analysis import flags, sla
from config import DEMO_TOML, BusinessHours, load_config
from pipeline import export
from pipeline.seed import seed_demo
from store import queue
from store.schema import mention_state, mentions
from tests import test_app_support as support
from tests.conftest import FIXED_NOW
from tests.test_app_support import Store, in_range, metric, open_app
from ui import queue_view

NY = ZoneInfo("America/New_York")
OFFICE = BusinessHours(
    **{"timezone": "America/New_York", "days": "mon-fri", "hours": "09:00-17:00", "holidays": ["2026-12-25"]}
)
HOURS = {"Acme": OFFICE}
seeded_db = support.seeded_db
store = support.store


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY).astimezone(UTC)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=600, days=20, end=FIXED_NOW)
    return engine


def craft(engine: Engine) -> dict[str, int]:
    """Three flagged Acme mentions on X moved after the demo data (Friday 20 to Saturday 21 Nov 2026, New York):
    `friday` at 16:45 and `saturday` at 11:00 unanswered, `early` at 06:00 answered at 09:05."""
    with engine.begin() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                select(mentions.c.id)
                .where(mentions.c.brand == "Acme", mentions.c.needs_reply.is_(True), mentions.c.is_own.is_(False))
                .where(mentions.c.platform == "x")
                .order_by(mentions.c.id)
                .limit(3)
            )
        ]
        conn.execute(mention_state.delete().where(mention_state.c.mention_id.in_(ids)))
        plan = {
            "friday": (ny(2026, 11, 20, 16, 45), 40),
            "saturday": (ny(2026, 11, 21, 11, 0), 50),
            "early": (ny(2026, 11, 20, 6, 0), 40),
        }
        found = dict(zip(plan, ids, strict=True))
        for name, (created, base) in plan.items():
            conn.execute(
                update(mentions).where(mentions.c.id == found[name]).values(created_at=created, priority_base=base)
            )
        conn.execute(
            insert(mention_state).values(
                mention_id=found["early"],
                status="replied",
                first_response_at=ny(2026, 11, 20, 9, 5),
                responded_by="Dana",
                updated_at=ny(2026, 11, 20, 9, 5),
                updated_by="Dana",
                version=1,
            )
        )
    return found


CRAFTED = queue.QueueFilters(
    brands=("Acme",), statuses=queue.STATUSES, start=datetime(2026, 11, 20).date(), end=datetime(2026, 11, 22).date()
)


def test_queue_waits_in_business_time_and_orders_by_it(seeded: Engine) -> None:
    ids = craft(seeded)
    sla_hours = {"Acme": 0.5}
    monday_0910, monday_0920 = ny(2026, 11, 23, 9, 10), ny(2026, 11, 23, 9, 20)
    with seeded.connect() as conn:
        early = queue.queue_page(conn, CRAFTED, now=monday_0910, sla_hours=sla_hours, business_hours=HOURS)
        page = queue.queue_page(conn, CRAFTED, now=monday_0920, sla_hours=sla_hours, business_hours=HOURS)
        calendar = queue.queue_page(conn, CRAFTED, now=monday_0920, sla_hours=sla_hours)
    by_id = early.set_index("id")
    # Friday 16:45 -> Monday 09:10: 15 + 10 business minutes, within a 30-minute SLA
    assert by_id.loc[ids["friday"], "waited_hours"] == pytest.approx(25 / 60)
    assert not by_id.loc[ids["friday"], "sla_breached"]
    assert by_id.loc[ids["saturday"], "waited_hours"] == pytest.approx(10 / 60)
    assert by_id.loc[ids["early"], "waited_hours"] == pytest.approx(5 / 60)  # answered at 09:05
    assert by_id["business_time"].all()

    # ten minutes later Friday's mention has waited 35 business minutes: breached, and first
    assert list(page["id"]) == [ids["friday"], ids["saturday"], ids["early"]]
    assert list(page["priority"]) == [40 + 30, 50 + 13, 40]  # 20 x 20/30 = 13.3 -> 13
    assert list(page["sla_breached"]) == [True, False, False]
    assert page["reasons"].iloc[0].endswith("waiting 35 business min, SLA 0.5 business hours")
    shown = queue_view.table(page)
    assert list(shown["waited"]) == ["35 business minutes", "20 business minutes", "5 business minutes"]
    assert list(shown["sla"]) == ["breached (0.5 business hours)", "within 0.5 business hours", "answered in time"]
    # the same rows around the clock: both unanswered ones breached, the higher base first
    assert list(calendar["id"]) == [ids["saturday"], ids["friday"], ids["early"]]
    assert not calendar["business_time"].any() and calendar["reasons"].iloc[0].endswith("SLA 0.5 h")

    rescored = queue.rescore(early, monday_0920, HOURS)
    assert list(rescored.set_index("id").loc[list(page["id"]), "priority"]) == list(page["priority"])


def test_sql_order_and_shown_priority_agree_in_business_time(seeded: Engine) -> None:
    """The ORDER BY (SQL, fed analysis.sla's cutoff and windows) gives analysis.flags' numbers,
    and both match the reference analysis.sla.business_elapsed row by row."""
    sla_hours = {"Acme": 2.0, "Globex": 6.5}
    hours = {"Acme": OFFICE, "Globex": BusinessHours(timezone="Europe/Berlin", hours="08:00-12:30", days=("sat",))}
    seen = {"within": 0, "breached": 0}
    for now in (FIXED_NOW - timedelta(days=3, hours=5, minutes=7), FIXED_NOW + timedelta(hours=30)):
        m, s = mentions, mention_state
        with seeded.connect() as conn:
            query = (
                select(
                    m.c.id,
                    m.c.brand,
                    m.c.created_at,
                    m.c.priority_base,
                    m.c.flag_signals,
                    s.c.first_response_at,
                    queue._priority_order(conn, now, sla_hours, hours).label("sql"),
                )
                .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
                .where(m.c.needs_reply.is_(True))
            )
            rows = pd.DataFrame(conn.execute(query).mappings().all())
        rows["created_at"] = pd.to_datetime(rows["created_at"], utc=True, format="ISO8601")
        rows["first_response_at"] = pd.to_datetime(rows["first_response_at"], utc=True, format="ISO8601")
        rows["sla_hours"] = rows["brand"].map(sla_hours).astype(float)
        shown = flags.queue_priority(rows, pd.Timestamp(now), hours)
        sla_used = flags.effective_sla(rows["sla_hours"].to_numpy(dtype=float))
        points = flags.wait_points(shown["waited_hours"].to_numpy(dtype=float), sla_used)
        open_rows = rows["first_response_at"].isna().to_numpy()
        expected = rows["priority_base"].to_numpy(dtype=float) + np.where(open_rows, points, 0.0)
        assert np.allclose(rows["sql"].to_numpy(dtype=float), expected, atol=1e-6)
        for i in rows.index[rows["brand"].isin(list(hours))][:150]:
            row = rows.loc[i]
            end = row["first_response_at"] if pd.notna(row["first_response_at"]) else now
            reference = sla.business_elapsed(
                row["created_at"].to_pydatetime(), pd.Timestamp(end).to_pydatetime(), hours[row["brand"]]
            )
            assert shown.loc[i, "waited_hours"] == pytest.approx(reference.total_seconds() / 3600, abs=1e-9)
            if open_rows[i]:
                breach_at = sla.deadline(row["created_at"].to_pydatetime(), float(sla_used[i]), hours[row["brand"]])
                assert bool(shown.loc[i, "sla_breached"]) == (now > breach_at)
                seen["breached" if shown.loc[i, "sla_breached"] else "within"] += 1
    assert min(seen.values()) > 0, seen


def test_overview_median_first_response_in_business_hours(store: Store, tmp_path: Path, monkeypatch) -> None:
    body = DEMO_TOML.replace(
        "sla_hours = 4\n",
        'sla_hours = 4\nbusiness_hours = { timezone = "America/New_York", days = "mon-fri", hours = "09:00-17:00" }\n',
        1,
    )
    (tmp_path / "monitor.toml").write_text(body, encoding="utf-8")
    monkeypatch.setenv("MONITOR_CONFIG", str(tmp_path / "monitor.toml"))
    at = open_app()
    answered = store.frame(
        "SELECT m.created_at, s.first_response_at FROM mentions m JOIN mention_state s ON s.mention_id = m.id "
        "WHERE m.needs_reply = 1 AND m.brand = 'Acme' AND m.is_own = 0 AND m.created_at >= :start "
        "AND m.created_at < :end AND s.first_response_at IS NOT NULL AND s.status != 'dismissed'",
        **in_range(),
    )
    assert len(answered) > 10
    office = load_config(tmp_path / "monitor.toml").brand("Acme").business_hours
    minutes = [
        sla.business_elapsed(
            pd.Timestamp(a, tz="UTC").to_pydatetime(), pd.Timestamp(b, tz="UTC").to_pydatetime(), office
        ).total_seconds()
        / 60
        for a, b in zip(answered["created_at"], answered["first_response_at"], strict=True)
    ]
    median = float(np.median(minutes))
    tile = metric(at, "Median first response")
    expected = f"{median:.0f} business minutes" if median < 60 else f"{median / 60:.1f} business hours"
    assert tile.value == expected
    assert "business" in tile.value and "In calendar time:" in tile.help


def test_weekly_summary_gives_calendar_and_business_first_response(engine: Engine, tmp_path: Path) -> None:
    body = DEMO_TOML.replace(
        "sla_hours = 4\n",
        'sla_hours = 0.5\nbusiness_hours = { timezone = "America/New_York", days = "mon-fri", '
        'hours = "09:00-17:00", holidays = ["2026-12-25"] }\n',
        1,
    )
    (tmp_path / "monitor.toml").write_text(body, encoding="utf-8")
    config = load_config(tmp_path / "monitor.toml")
    seed_demo(engine, load_config(None), mentions=600, days=20, end=FIXED_NOW)
    ids = craft(engine)
    with engine.begin() as conn:  # Friday's mention answered Monday 09:20: 35 business minutes, 2 days 16:35 calendar
        conn.execute(
            insert(mention_state).values(
                mention_id=ids["friday"],
                status="replied",
                first_response_at=ny(2026, 11, 23, 9, 20),
                responded_by="Lee",
                updated_at=ny(2026, 11, 23, 9, 20),
                updated_by="Lee",
                version=1,
            )
        )
    result = export.export_week(
        engine, config, "2026-W47", out_dir=tmp_path / "out", brand="Acme", now=ny(2026, 11, 23, 9, 30)
    )
    with (result.out_dir / "summary.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    at = header.index("median_first_response_min")
    assert header[at : at + 3] == ["median_first_response_min", "median_first_response_business_min", "sla_breaches"]
    # Friday 20 Nov (UTC) on X: `early` (5 business minutes, 185 calendar) and `friday` (35 and 3875)
    (row,) = [r for r in rows if r["day"] == "2026-11-20" and r["platform"] == "x"]
    assert (row["flagged"], row["replied"]) == ("2", "2")
    assert (row["median_first_response_min"], row["median_first_response_business_min"]) == ("2030.0", "20.0")
    assert row["sla_breaches"] == "1"  # 35 business minutes > 30; calendar time would breach both
    notes = (result.out_dir / "notes.txt").read_text(encoding="utf-8")
    assert (
        "- business hours of Acme: mon, tue, wed, thu, fri 09:00-17:00 America/New_York, holidays 2026-12-25" in notes
    )
    assert "- first_response_business_time: " in notes and "- business_time: " in notes


def test_weekly_summary_without_business_hours_leaves_the_business_column_empty(seeded: Engine, tmp_path: Path) -> None:
    _, summary, _ = export.week_frames(seeded, load_config(None), "2026-W46", now=FIXED_NOW)
    assert summary["median_first_response_min"].notna().any()
    assert summary["median_first_response_business_min"].isna().all()
