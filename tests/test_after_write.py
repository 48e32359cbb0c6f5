"""After a write, the pages' analysis is computed from per-part results (ui.metrics over
store.reader.day_rollups and per-part judged conversations), kept by the days each part covers: the
numbers must be exactly those computed from the whole range read at once, after a collection of new
mentions, a backdated mention, a write for another brand, a brand reply and a follow-up to an old
conversation. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import plotly.io as pio
import pytest
from sqlalchemy import Engine

from analysis import engagement, resolution, response, trends
from analysis.periods import Period
from collectors import demo
from config import BusinessHours, load_config
from pipeline.ingest import ingest
from store import reader, touched, writer
from store import resolution as conversations_store
from tests import test_split_reads as split_reads
from tests.conftest import FIXED_NOW
from tests.test_split_reads import FILTERS, post
from ui import context, metrics, views

seeded = split_reads.seeded
fresh_caches = split_reads.fresh_caches

#: the dashboard's "now": a day after the last stored post, so some conversations are still pending.
MINUTE = (FIXED_NOW + timedelta(days=1)).isoformat()
RIVALS = ("Globex", "Initech")
#: how the per-part figures may differ from the whole: sums of floats (sentiment_sum) added in another order.
CLOSE = {"check_exact": False, "rtol": 1e-12, "atol": 1e-12}
SLA = {"Acme": 4.0, "Globex": 2.0}
OFFICE = BusinessHours(timezone="America/New_York", hours="09:00-17:00")


@pytest.fixture(autouse=True)
def fresh_metric_caches() -> None:
    for cached in (
        metrics.kpis,
        metrics.over_time,
        metrics.total_over_time,
        metrics.by_brand,
        metrics.by_platform,
        metrics.by_platform_kind,
        metrics.response_summary,
        metrics.hour_of_week,
        metrics.judged,
        metrics._kept_part,
        metrics._kept_kpis,
        metrics._prepared_part,
        metrics._settled_part,
        metrics._part_sums,
        views.responses,
    ):
        cached.clear()
    metrics._judged_before().clear()
    metrics._same_inputs().clear()


def versions(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return reader.versions(conn)


def whole(engine: Engine, function: Any, filters: reader.Filters, *args: Any, **kwargs: Any) -> Any:
    with engine.connect() as conn:
        return function(conn, filters, *args, **kwargs)


def test_day_rollups_hold_the_hourly_sums(seeded: Engine) -> None:
    hourly = whole(seeded, reader.rollups, FILTERS)
    daily = whole(seeded, reader.day_rollups, FILTERS)
    assert list(daily.columns) == list(hourly.columns) and len(daily) < len(hourly)
    assert (daily["hour"] == daily["hour"].dt.floor("D")).all()
    numbers = [c for c in hourly.columns if c not in reader.ROLLUP_KEYS]
    assert daily[numbers].sum().to_dict() == pytest.approx(hourly[numbers].sum().to_dict())
    days: tuple[Period, ...] = ("day", "week")
    for period in days:
        groups: tuple[tuple[str, ...], ...] = ((), ("platform",), ("brand",))
        for by in groups:
            expected = trends.summarize(hourly, period, by=by)
            found = trends.summarize(daily, period, by=by)
            pd.testing.assert_frame_equal(found, expected, **CLOSE)
    sums: tuple[tuple[str, ...], ...] = ((), ("platform",), ("platform", "kind"))
    for by in sums:
        expected = engagement.summarize_rollup(hourly, period=None, by=by)
        found = engagement.summarize_rollup(daily, period=None, by=by)
        pd.testing.assert_frame_equal(found, expected, check_dtype=False)


def test_one_day_rollups_summed_in_sql_equal_the_hourly_rows_summed(seeded: Engine) -> None:
    """A one-day part's day rollups (summed in SQL, what a collection reads again) equal the same
    day's hourly rows summed in pandas: columns, dtypes, order, sums (floats to the last bits)."""
    config = load_config(None)
    base = demo.generate(50, days=10, seed=3, end=FIXED_NOW)
    ingest(seeded, post(base, "own-1", pd.Timestamp(FILTERS.end_at) - timedelta(hours=2), is_own=True), config.brands)
    every = (*(b.name for b in config.brands), "nobody")
    checked = 0
    for offset in range((FILTERS.end - FILTERS.start).days + 1):
        day = FILTERS.start + timedelta(days=offset)
        for brands in ((), ("Acme",), every):
            for platforms in ((), ("reddit", "bluesky")):
                for own in (False, True):
                    part = reader.Filters(brands, platforms, day, day)
                    expected = reader.days_of_rollups(whole(seeded, reader.rollups, part, include_own=own))
                    found = whole(seeded, reader.day_rollups, part, include_own=own)
                    pd.testing.assert_frame_equal(found, expected, **CLOSE)
                    checked += len(found)
    assert checked > 0
    nothing = reader.Filters(("nobody",), (), FILTERS.end, FILTERS.end)
    assert whole(seeded, reader.day_rollups, nothing).empty


def expected_outcomes(engine: Engine, filters: reader.Filters, brands: tuple[Any, ...]) -> pd.DataFrame:
    found = whole(engine, conversations_store.conversations, filters, resolution.window_days(brands))
    return resolution.outcomes(found, pd.Timestamp(MINUTE), brands)


def check(engine: Engine) -> dict[str, Any]:
    """Every per-part figure against the same figure computed from whole reads."""
    config = load_config(None)
    brands = tuple(config.brands)
    now = versions(engine)
    shown: dict[str, Any] = {}
    for filters in (
        FILTERS,
        FILTERS.previous(),
        reader.Filters(("Acme", "Globex"), ("reddit",), FILTERS.start, FILTERS.end),
    ):
        expected = expected_outcomes(engine, filters, brands)
        # the kept form (judged once per block of days, no texts) gives the same outcomes and figures
        kept = metrics.judged(engine, now, filters, brands, MINUTE)
        pd.testing.assert_frame_equal(kept, resolution.keep(expected))
        for by, period in (((), None), (("platform",), None), (("responded_by",), None), ((), "day"), ((), "week")):
            pd.testing.assert_frame_equal(
                resolution.resolution_stats(kept, by=by, period=period),
                resolution.resolution_stats(expected, by=by, period=period),
            )
    shown["responses"] = expected_outcomes(engine, FILTERS, brands)
    # the Sentiment page's Responses section, built from the kept parts (taken by identity when they
    # did not change) against the one built from the whole judgement
    for period in ("day", "week"):
        found_section = views.responses(engine, now, FILTERS, brands, MINUTE, period)
        same_section(found_section, views._responses(resolution.keep(shown["responses"]), period))
    for hours in (None, {"Acme": OFFICE}):
        for minute in (MINUTE, (FIXED_NOW - timedelta(days=3)).isoformat()):
            found = metrics.response_summary(engine, now, FILTERS, SLA, minute, hours)
            flagged = whole(engine, reader.response_times, FILTERS, SLA, with_brand=bool(hours))
            expected = response.response_stats(flagged, pd.Timestamp(minute), business_hours=hours)
            pd.testing.assert_frame_equal(found, expected, **CLOSE)
    every: tuple[Period, ...] = ("day", "week", "hour")
    for period in every:
        short = (
            FILTERS
            if period != "hour"
            else reader.Filters(FILTERS.brands, (), FILTERS.end - timedelta(days=2), FILTERS.end)
        )
        series = metrics.over_time(engine, now[0], short, period)
        rows = whole(engine, reader.rollups, metrics._history(short, period))
        for name, by in (("by_platform", ("platform",)), ("total", ())):
            expected = trends.summarize(rows, period, by=by)
            start = expected["period"] >= series[name]["period"].min()
            pd.testing.assert_frame_equal(series[name], expected[start].reset_index(drop=True), **CLOSE)
        shown[f"over_time {period}"] = series
        # the Sentiment page's total alone is over_time's total
        pd.testing.assert_frame_equal(metrics.total_over_time(engine, now[0], short, period), series["total"])
    market = whole(engine, reader.rollups, metrics.market(FILTERS, list(RIVALS)))
    compared = metrics.by_brand(engine, now[0], FILTERS, RIVALS, "day")
    pd.testing.assert_frame_equal(compared, trends.summarize(market, "day", by=("brand",)), **CLOSE)
    finer: tuple[Period, ...] = ("week", "hour")
    for period in finer:
        short = reader.Filters(FILTERS.brands, (), FILTERS.end - timedelta(days=2), FILTERS.end)
        rows = whole(engine, reader.rollups, metrics.market(short, list(RIVALS)))
        found = metrics.by_brand(engine, now[0], short, RIVALS, period)
        pd.testing.assert_frame_equal(found, trends.summarize(rows, period, by=("brand",)), **CLOSE)
    rows = whole(engine, reader.rollups, FILTERS)
    pd.testing.assert_frame_equal(
        metrics.by_platform_kind(engine, now[0], FILTERS),
        engagement.summarize_rollup(rows, period=None, by=("platform", "kind")),
        check_dtype=False,
    )
    hours = whole(engine, reader.hourly_totals, FILTERS)
    table = metrics.hour_of_week(engine, now[0], FILTERS, "mentions")
    for (day, hour), amount in (
        hours.groupby([hours["hour"].dt.day_of_week, hours["hour"].dt.hour])["mentions"].sum().items()
    ):
        assert table.loc[day, hour] == amount
    assert table.to_numpy().sum() == hours["mentions"].sum()
    tiles, before = metrics.kpis(engine, now, FILTERS, RIVALS, {"Acme": 4.0}, MINUTE, None, brands)
    assert tiles.mentions == int(rows["mentions"].sum())
    # the volume tiles, added up per part, are those of the whole range's rows (and so for the period before)
    for found_tiles, span in ((tiles, FILTERS), (before, FILTERS.previous())):
        expected = whole_volume(engine, span)
        assert {k: getattr(found_tiles, k) for k in expected} == expected
    assert tiles.answered == len(shown["responses"])
    earlier = FILTERS.previous()
    assert before.mentions == int(whole(engine, reader.rollups, earlier)["mentions"].sum())
    assert before.answered == len(expected_outcomes(engine, earlier, brands))
    assert before.open_flagged == whole(engine, reader.open_flagged_count, earlier)
    shown["kpis"], shown["before"] = tiles, before
    return shown


def whole_volume(engine: Engine, filters: reader.Filters) -> dict[str, Any]:
    """The volume tiles from the range's rows read at once (as ui.metrics computed them before they were
    added up per part)."""
    rows = whole(engine, reader.day_rollups, filters)
    totals = engagement.summarize_rollup(rows, period=None).iloc[0] if len(rows) else None
    net = trends.net_sentiment(pd.Series([rows["positive"].sum()]), pd.Series([rows["negative"].sum()]))[0]
    everyone = whole(engine, reader.day_rollups, metrics.market(filters, list(RIVALS)))
    sov = trends.share_of_voice(everyone.assign(hour=filters.start_at), filters.brands[0], RIVALS, period="hour")
    share = sov.loc[sov["brand"] == filters.brands[0], "share"].iloc[0]
    assert totals is not None and len(everyone), "the test range has rows"
    return {
        "mentions": int(totals["mentions"]),
        "engagements": int(totals["engagements"]),
        "engagement_rate": metrics._number(totals["engagement_rate"]),
        "rate_denominator": totals["rate_denominator"] or None,
        "rate_coverage": metrics._number(totals["rate_coverage"]),
        "net_sentiment": metrics._number(net),
        "share_of_voice": metrics._number(share),
        "open_flagged": whole(engine, reader.open_flagged_count, filters),
    }


def same_section(found: views.Section, expected: views.Section) -> None:
    """The same figures (as sent to the browser), table and note."""
    assert [pio.to_json(f) for f in found.figures] == [pio.to_json(f) for f in expected.figures]
    assert (found.table is None) == (expected.table is None)
    if expected.table is not None:
        pd.testing.assert_frame_equal(found.table, expected.table)
    assert (found.note, found.help) == (expected.note, expected.help)


def test_per_part_figures_equal_the_whole_after_every_write(seeded: Engine) -> None:
    config = load_config(None)
    last_day = pd.Timestamp(FILTERS.end_at) - timedelta(hours=1)
    base = demo.generate(50, days=10, seed=3, end=FIXED_NOW)
    first = check(seeded)

    # a collection on the last day
    ingest(seeded, post(base, "new-1", last_day), config.brands)
    found = check(seeded)
    assert found["kpis"].mentions == first["kpis"].mentions + 1

    # a backdated mention, ten days ago: its day's part is computed again
    ingest(seeded, post(base, "old-1", last_day - timedelta(days=10)), config.brands)
    found = check(seeded)
    assert found["kpis"].mentions == first["kpis"].mentions + 2

    # a mention backdated into the period before the range: the tiles' comparison moves
    ingest(seeded, post(base, "older-1", pd.Timestamp(FILTERS.previous().end_at) - timedelta(hours=2)), config.brands)
    found = check(seeded)
    assert found["before"].mentions == first["before"].mentions + 1

    # a write for another brand, backdated
    ingest(seeded, post(base, "globex-1", last_day - timedelta(days=5), brand="Globex"), config.brands)
    check(seeded)

    # the brand answers the old mention today, then its author follows up: the old conversation changes
    reply = post(base, "reply-1", last_day, is_own=True, parent_id="old-1", author_handle="acme")
    reply["text"] = "Sorry about that! Please DM us your order number."
    ingest(seeded, reply, config.brands)
    found = check(seeded)
    talks = found["responses"].set_index("post_id")
    assert talks.loc["old-1", "outcome"] == "pending"
    thanks = post(base, "thanks-1", last_day + timedelta(minutes=5), parent_id="reply-1", author_handle="a_old-1")
    thanks["text"] = "@acme thanks, sorted now!"
    ingest(seeded, thanks, config.brands)
    found = check(seeded)
    talks = found["responses"].set_index("post_id")
    assert talks.loc["old-1", "follow_up_post_id"] == "thanks-1" and talks.loc["old-1", "outcome"] == "resolved"
    assert found["kpis"].answered == first["kpis"].answered + 1


def test_a_part_read_again_judges_only_new_or_changed_conversations(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(None)
    brands = tuple(config.brands)
    last_day = pd.Timestamp(FILTERS.end_at) - timedelta(hours=1)
    base = demo.generate(50, days=10, seed=3, end=FIXED_NOW)
    original = resolution.outcomes
    judged: list[int] = []

    def outcomes(conversations: pd.DataFrame, now: pd.Timestamp, brands: Any) -> pd.DataFrame:
        judged.append(int(conversations["follow_up_at"].notna().sum()))
        return original(conversations, now, brands)

    monkeypatch.setattr(resolution, "outcomes", outcomes)
    first = metrics.judged(seeded, versions(seeded), FILTERS, brands, MINUTE)
    days = resolution.window_days(brands)
    assert (
        sum(judged) == whole(seeded, conversations_store.conversations, FILTERS, days)["follow_up_at"].notna().sum() > 0
    )

    # a new mention today: today's part is read again, and none of its follow-ups is judged again
    judged.clear()
    ingest(seeded, post(base, "new-1", last_day), config.brands)
    found = metrics.judged(seeded, versions(seeded), FILTERS, brands, MINUTE)
    assert sum(judged) == 0 and len(found) == len(first)
    expected = whole(seeded, conversations_store.conversations, FILTERS, days)
    pd.testing.assert_frame_equal(found, resolution.keep(original(expected, pd.Timestamp(MINUTE), brands)))

    # the same rows read again (nothing new for today's conversations): the part's judgement is taken whole
    judged.clear()
    ingest(seeded, post(base, "new-2", last_day, brand="Globex"), config.brands)
    again = metrics.judged(seeded, versions(seeded), FILTERS, brands, MINUTE)
    assert judged == [] and again.equals(found)

    # the brand answers today's new mention: one more conversation today (pending, no follow-up yet)
    reply = post(base, "reply-new-1", last_day + timedelta(minutes=1), is_own=True, parent_id="new-1")
    reply["author_handle"] = "acme"
    ingest(seeded, reply, config.brands)
    found = metrics.judged(seeded, versions(seeded), FILTERS, brands, MINUTE)
    assert len(found) == len(first) + 1 and sum(judged) == 0
    expected = whole(seeded, conversations_store.conversations, FILTERS, days)
    pd.testing.assert_frame_equal(found, resolution.keep(original(expected, pd.Timestamp(MINUTE), brands)))

    # a follow-up to a conversation answered today: that one conversation is judged
    talk = expected[
        (expected["created_at"] >= pd.Timestamp(FILTERS.end_at) - timedelta(days=1)) & expected["follow_up_at"].isna()
    ]
    talk = talk[talk["platform"] == "x"].iloc[0]
    reply = post(
        base,
        "follow-1",
        talk["first_response_at"] + timedelta(minutes=1),
        parent_id=talk["response_post_id"],
        author_handle=talk["author_handle"],
    )
    reply["text"] = "still broken, nobody helped"
    judged.clear()
    ingest(seeded, reply, config.brands)
    found = metrics.judged(seeded, versions(seeded), FILTERS, brands, MINUTE)
    assert sum(judged) == 1
    assert found.set_index("mention_id").loc[talk["mention_id"], "outcome"] == "unresolved"
    expected = whole(seeded, conversations_store.conversations, FILTERS, days)
    pd.testing.assert_frame_equal(found, resolution.keep(original(expected, pd.Timestamp(MINUTE), brands)))


def test_kept_outcomes_follow_the_minute(seeded: Engine) -> None:
    """A part judged once gives, at every later minute, the outcomes of a whole judgement at that minute."""
    brands = tuple(load_config(None).brands)
    now = versions(seeded)
    found = None
    for minute in (MINUTE, (FIXED_NOW + timedelta(days=5)).isoformat(), (FIXED_NOW + timedelta(days=30)).isoformat()):
        found = metrics.judged(seeded, now, FILTERS, brands, minute)
        expected = whole(seeded, conversations_store.conversations, FILTERS, resolution.window_days(brands))
        pd.testing.assert_frame_equal(
            found, resolution.keep(resolution.outcomes(expected, pd.Timestamp(minute), brands))
        )
    assert found is not None and "pending" not in set(found["outcome"])


def test_a_restarted_server_takes_judged_closed_days_from_the_store(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The closed days' judged conversations are kept in the store (store.readcache): a process with
    empty caches neither reads nor judges them again, and a backdated write into a closed day (or a
    follow-up to an old conversation) is judged again from the store, equal to a whole judgement."""
    config = load_config(None)
    brands = tuple(config.brands)
    first = metrics.judged(seeded, versions(seeded), FILTERS, brands, MINUTE)

    def restart() -> None:
        for cached in (metrics.judged, metrics._kept_part, context.read, context._read_part):
            cached.clear()
        metrics._judged_before().clear()

    read: list[Any] = []
    original = conversations_store.rows_between

    def between(conn: Any, start: Any, end: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(pd.Timestamp(end))
        return original(conn, start, end, *args, **kwargs)

    monkeypatch.setattr(conversations_store, "rows_between", between)
    restart()
    again = metrics.judged(seeded, versions(seeded), FILTERS, brands, MINUTE)
    pd.testing.assert_frame_equal(again, first)
    assert read == [], "every part of this past range comes from the store"

    # a backdated complaint ten days ago, answered by the brand and thanked for: that day's part moves
    last_day = pd.Timestamp(FILTERS.end_at) - timedelta(hours=1)
    base = demo.generate(50, days=10, seed=3, end=FIXED_NOW)
    old = last_day - timedelta(days=10, hours=12)  # the post, the reply and the thanks on one day
    ingest(seeded, post(base, "old-9", old), config.brands)
    reply = post(base, "reply-9", old + timedelta(hours=1), is_own=True, parent_id="old-9", author_handle="acme")
    ingest(seeded, reply, config.brands)
    thanks = post(base, "thanks-9", old + timedelta(hours=2), parent_id="reply-9", author_handle="a_old-9")
    thanks["text"] = "@acme thanks, sorted now!"
    ingest(seeded, thanks, config.brands)
    restart()
    found = metrics.judged(seeded, versions(seeded), FILTERS, brands, MINUTE)
    block = next(b for b in metrics.blocks(FILTERS) if b.start <= old.date() <= b.end)
    assert read == [pd.Timestamp(block.end_at)], "only the block of days with the writes"
    assert block.end < FILTERS.end - timedelta(days=1), "a block, not every day before the last"
    monkeypatch.setattr(conversations_store, "rows_between", original)
    expected = whole(seeded, conversations_store.conversations, FILTERS, resolution.window_days(brands))
    pd.testing.assert_frame_equal(found, resolution.keep(resolution.outcomes(expected, pd.Timestamp(MINUTE), brands)))
    assert len(found) == len(first) + 1
    assert found.set_index("mention_id").loc[found["mention_id"].max(), "outcome"] == "resolved"


def test_blocks_cover_the_range_on_calendar_weeks() -> None:
    """The judged conversations' blocks: every day of the range once, in order, Monday to Sunday but
    clipped to the range, the last day apart; a range moved on by a day shares its inner blocks."""
    for length in (1, 2, 7, 8, 30, 61):
        for shift in range(7):
            end = FILTERS.end + timedelta(days=shift)
            filters = reader.Filters(FILTERS.brands, ("x",), end - timedelta(days=length - 1), end)
            parts = metrics.blocks(filters)
            days = [p.start + timedelta(days=i) for p in parts for i in range((p.end - p.start).days + 1)]
            assert days == [filters.start + timedelta(days=i) for i in range(length)]
            assert all(p.brands == filters.brands and p.platforms == filters.platforms for p in parts)
            if length > 1:
                assert parts[-1].start == parts[-1].end == end
                assert all(p.end.weekday() == 6 for p in parts[:-2])
                assert all(p.start.weekday() == 0 for p in parts[1:-1])
                moved = reader.Filters(filters.brands, filters.platforms, filters.start, end + timedelta(days=1))
                inner = parts[:-2] if length > 8 else []
                assert set(inner) <= set(metrics.blocks(moved))


def test_unanswered_mentions_that_all_breached_are_not_prepared_again(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part whose unanswered mentions had all breached their SLA at a minute gives the same response
    figures at every later minute without preparing them again; an earlier minute is prepared anew."""
    now = versions(seeded)
    later = [(FIXED_NOW + timedelta(days=d)).isoformat() for d in (2, 3, 40)]
    metrics.response_summary(seeded, now, FILTERS, SLA, later[0])
    prepared: list[int] = []
    original = response.prepare

    def prepare(flagged: pd.DataFrame, at: pd.Timestamp, business_hours: Any = None) -> pd.DataFrame:
        prepared.append(len(flagged))
        return original(flagged, at, business_hours=business_hours)

    monkeypatch.setattr(response, "prepare", prepare)
    flagged = whole(seeded, reader.response_times, FILTERS, SLA)
    for minute in [*later[1:], (FIXED_NOW - timedelta(days=3)).isoformat()]:
        if minute not in later:
            assert prepared == [], "two days after the range every unanswered mention has breached: kept"
        metrics.response_summary.clear()
        found = metrics.response_summary(seeded, now, FILTERS, SLA, minute)
        expected = response.response_stats(flagged, pd.Timestamp(minute))
        pd.testing.assert_frame_equal(found, expected, **CLOSE)
    assert len(prepared) == 2, "an earlier minute prepares both parts again"


def test_unchanged_conversations_are_taken_by_identity(seeded: Engine) -> None:
    """A write that changes none of the range's conversations (another brand's mention today) hands
    back the very same judged frame and Responses section, and the tiles' resolution figures; a
    brand reply to an old mention and its author's follow-up (an older day changes) give new ones,
    equal to those computed from the whole range read again."""
    config = load_config(None)
    brands = tuple(config.brands)
    last_day = pd.Timestamp(FILTERS.end_at) - timedelta(hours=1)
    base = demo.generate(50, days=10, seed=3, end=FIXED_NOW)

    def shown() -> tuple[pd.DataFrame, views.Section, metrics.Kpis]:
        now = versions(seeded)
        tiles = metrics.kpis(seeded, now, FILTERS, RIVALS, {"Acme": 4.0}, MINUTE, None, brands)[0]
        return (
            metrics.judged(seeded, now, FILTERS, brands, MINUTE),
            views.responses(seeded, now, FILTERS, brands, MINUTE, "day"),
            tiles,
        )

    judged, section, tiles = shown()
    ingest(seeded, post(base, "globex-today", last_day, brand="Globex"), config.brands)
    again, same, kept = shown()
    assert again is judged and same is section
    assert (kept.answered, kept.resolved, kept.pending) == (tiles.answered, tiles.resolved, tiles.pending)

    # the brand answers a mention posted ten days ago, then its author thanks it: that day's block changes
    ingest(seeded, post(base, "old-7", last_day - timedelta(days=10)), config.brands)
    reply = post(base, "reply-7", last_day, is_own=True, parent_id="old-7", author_handle="acme")
    ingest(seeded, reply, config.brands)
    thanks = post(base, "thanks-7", last_day + timedelta(minutes=5), parent_id="reply-7", author_handle="a_old-7")
    thanks["text"] = "@acme thanks, sorted now!"
    ingest(seeded, thanks, config.brands)
    moved, built, counted = shown()
    assert moved is not judged and built is not section
    expected = resolution.keep(expected_outcomes(seeded, FILTERS, brands))
    pd.testing.assert_frame_equal(moved, expected)
    same_section(built, views._responses(expected, "day"))
    stats = resolution.resolution_stats(expected).iloc[0]
    assert (counted.answered, counted.resolved) == (int(stats["answered"]), int(stats["resolved"]))
    assert counted.answered == tiles.answered + 1 and counted.resolved == tiles.resolved + 1


def test_same_input_takes_results_by_identity_only() -> None:
    """A result is taken only for the very same input objects: an equal copy is computed again (a
    frame read again is a new object even when equal), and each kind keeps its newest few."""
    calls: list[int] = []

    def compute(n: int) -> Any:
        calls.append(n)
        return {"n": n}

    frame = pd.DataFrame({"a": [1, 2]})
    first = metrics.same_input("test", (frame,), ("k",), lambda: compute(1))
    assert metrics.same_input("test", (frame,), ("k",), lambda: compute(2)) is first and calls == [1]
    assert metrics.same_input("test", (frame.copy(),), ("k",), lambda: compute(3)) == {"n": 3}
    assert metrics.same_input("test", (frame,), ("other",), lambda: compute(4)) == {"n": 4}
    assert metrics.same_input("another kind", (frame,), ("k",), lambda: compute(5)) == {"n": 5}
    kept = [pd.DataFrame({"a": [n]}) for n in range(metrics.SAME_INPUT_KEPT + 1)]
    for n, item in enumerate(kept):
        metrics.same_input("test", (item,), (), lambda n=n: compute(100 + n))
    calls.clear()
    metrics.same_input("test", (kept[-1],), (), lambda: compute(0))
    metrics.same_input("test", (kept[0],), (), lambda: compute(-1))
    assert calls == [-1], "the newest is kept, the oldest was let go"
    assert len(metrics._same_inputs()["test"]) == metrics.SAME_INPUT_KEPT


def test_conversation_stamp_follows_only_writes_that_touch_conversations() -> None:
    """A day's conversation stamp is the last version that touched its conversations while the day's
    last write noted it; after a write that did not (older code, or `record` without a note) it is
    the day's own stamp."""
    day = FILTERS.end
    quiet = touched.State(data_version=5, through=5, days={day: 5}, talks={day: (5, 2)})
    assert quiet.conversation_stamp(day, day) == (2, 0) and quiet.stamp(day, day) == (5, 0)
    unnoted = touched.State(data_version=6, through=6, days={day: 6}, talks={day: (5, 2)})
    assert unnoted.conversation_stamp(day, day) == (6, 0)
    bare = touched.State(data_version=6, through=6, days={day: 6})
    assert bare.conversation_stamp(day, day) == (6, 0)
    gap = touched.State(data_version=7, through=6, days={day: 6}, talks={day: (6, 2)})
    assert gap.conversation_stamp(day, day) == (-1, 7)
    everything = touched.State(data_version=8, through=8, every_day=8, days={day: 6}, talks={day: (6, 2)})
    assert everything.conversation_stamp(day, day) == (8, 0)


def test_a_collection_that_touches_no_conversation_reads_none_again(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New mentions that answer nothing and reply in no thread leave the last day's conversations
    unread; a reply in an answered conversation's thread, a brand reply, and a write recorded without
    a note (the reply queue's) read them again; every time equal to the whole judgement."""
    config = load_config(None)
    brands = tuple(config.brands)
    days = resolution.window_days(brands)
    last_day = pd.Timestamp(FILTERS.end_at) - timedelta(hours=1)
    base = demo.generate(50, days=10, seed=3, end=FIXED_NOW)
    read: list[pd.Timestamp] = []
    original = conversations_store.rows_between

    def between(conn: Any, start: Any, end: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(pd.Timestamp(start))
        return original(conn, start, end, *args, **kwargs)

    def judged_now() -> pd.DataFrame:
        found = metrics.judged(seeded, versions(seeded), FILTERS, brands, MINUTE)
        monkeypatch.setattr(conversations_store, "rows_between", original)
        expected = whole(seeded, conversations_store.conversations, FILTERS, days)
        monkeypatch.setattr(conversations_store, "rows_between", between)
        pd.testing.assert_frame_equal(
            found, resolution.keep(resolution.outcomes(expected, pd.Timestamp(MINUTE), brands))
        )
        return found

    first = judged_now()
    monkeypatch.setattr(conversations_store, "rows_between", between)
    read.clear()
    plain = post(base, "plain-1", last_day, thread_id=None)
    ingest(seeded, plain, config.brands)
    assert judged_now() is first and read == [], "nothing of the conversations changed: nothing read"

    # somebody replies in that mention's thread: nobody answered it, so no conversation changes either
    aside = post(base, "aside-1", last_day + timedelta(seconds=30), parent_id="plain-1", thread_id="plain-1")
    ingest(seeded, aside, config.brands)
    assert judged_now() is first and read == [], "a reply in a thread nobody answered: nothing read"
    with seeded.connect() as conn:
        assert touched.followed_days(conn, aside) == {FILTERS.end}, "the day is still touched for other reads"

    # a brand reply to that mention: it is answered now, its day is read again
    reply = post(base, "reply-plain-1", last_day + timedelta(minutes=1), is_own=True, parent_id="plain-1")
    reply["author_handle"], reply["thread_id"] = "acme", None
    ingest(seeded, reply, config.brands)
    found = judged_now()
    assert read == [pd.Timestamp(FILTERS.end_at) - timedelta(days=1)] and len(found) == len(first) + 1

    # its author follows up in the brand's reply: read again, judged
    read.clear()
    thanks = post(base, "thanks-plain-1", last_day + timedelta(minutes=2), parent_id="reply-plain-1")
    thanks["author_handle"], thanks["thread_id"], thanks["text"] = "a_plain-1", None, "@acme thanks, sorted now!"
    ingest(seeded, thanks, config.brands)
    found = judged_now()
    assert len(read) == 1 and found.set_index("mention_id")["outcome"].eq("resolved").sum() > 0

    # a write recorded without a note (as store.queue records): every day it names is read again
    read.clear()
    with seeded.begin() as conn:
        writer.bump_data_version(conn)
        touched.record(conn, {FILTERS.end})
    judged_now()
    assert len(read) == 1
