"""Page reads split at the last selected day (store.reader.SPLITS), kept by the days they cover
(store.touched) in ui.context.read: the joined parts give exactly the whole read, and every write
(new rows, backdated rows, a brand reply to an old mention, a write that records nothing) shows
on the next read. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, delete, select

from collectors import demo
from config import load_config
from pipeline.ingest import ingest
from pipeline.seed import seed_demo
from store import reader, touched, writer
from store import resolution as conversations_store
from store.schema import mentions, meta, rollup_hourly
from tests.conftest import FIXED_NOW
from ui import context

FILTERS = reader.Filters(brands=("Acme",), start=FIXED_NOW.date() - timedelta(days=13), end=FIXED_NOW.date())
SLA = {"Acme": 4.0, "Globex": 2.0}
SHAPES = {
    "fourteen days": FILTERS,
    "one day": reader.Filters(brands=("Acme",), start=FILTERS.end, end=FILTERS.end),
    "reddit, two brands": reader.Filters(("Acme", "Globex"), ("reddit",), FILTERS.start, FILTERS.end),
}
#: (reader, positional arguments after the filters, keyword arguments)
READS: dict[str, tuple[Any, tuple[Any, ...], dict[str, Any]]] = {
    "rollups": (reader.rollups, (), {}),
    "platforms_in": (reader.platforms_in, (), {}),
    "hourly_totals": (reader.hourly_totals, (), {}),
    "demo_rows": (reader.demo_rows, (), {}),
    "open_flagged_count": (reader.open_flagged_count, (), {}),
    "response_times": (reader.response_times, (SLA,), {}),
    "top_posts by engagements": (reader.top_posts, (), {"by": "engagements", "limit": 7}),
    "top_posts by views": (reader.top_posts, (), {"by": "views", "limit": 7}),
    "top_posts by followers": (reader.top_posts, (), {"by": "followers", "limit": 3}),
    "top authors by engagements": (reader.top_authors, (), {"by": "engagements", "limit": 4}),
    "top authors by followers": (reader.top_authors, (), {"by": "followers", "limit": 4}),
    "most negative": (reader.extreme_posts, ("negative",), {"limit": 6}),
    "most positive": (reader.extreme_posts, ("positive",), {"limit": 6}),
    "recent negative texts": (reader.recent_texts, ("negative",), {"limit": 40}),
    "every recent text": (reader.recent_texts, ("positive",), {"limit": 100_000}),
    "answered conversations": (conversations_store.conversations, ({"Acme": 7, "Globex": 3},), {}),
}


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=800, days=20, end=FIXED_NOW)
    return engine


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    context.read.clear()
    context._read_part.clear()


def same(found: Any, expected: Any) -> None:
    """Equal results; rows of an unordered read (rollups, response times) in any order."""
    if isinstance(expected, pd.Series):
        assert sorted(found.astype(str)) == sorted(expected.astype(str))
        return
    if not isinstance(expected, pd.DataFrame):
        assert found == expected
        return
    assert list(found.columns) == list(expected.columns)
    if "id" not in expected:  # no order asked of SQL: compare sorted
        found = found.sort_values(list(found.columns)).reset_index(drop=True)
        expected = expected.sort_values(list(expected.columns)).reset_index(drop=True)
    pd.testing.assert_frame_equal(found.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)


def joined(conn: Any, function: Any, filters: reader.Filters, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The read as ui.context.read does it, in parts (uncached)."""
    split = reader.SPLITS[function]
    parts = reader.split_days(filters)
    assert len(parts) == (1 if filters.start == filters.end else 2)

    def part_read(f: Any, part: reader.Filters, *more: Any, **options: Any) -> Any:
        return f(conn, part, *more, **options)

    if split.compose is not None:
        return (
            split.compose(part_read, parts, *args, **kwargs)
            if len(parts) > 1
            else function(conn, filters, *args, **kwargs)
        )
    return split.join([split.part(conn, part, *args, **kwargs) for part in parts], *args, **kwargs)


@pytest.mark.parametrize("name", list(READS))
def test_joined_parts_are_the_whole_read(seeded: Engine, name: str) -> None:
    function, args, kwargs = READS[name]
    with seeded.connect() as conn:
        for filters in SHAPES.values():
            whole = function(conn, filters, *args, **kwargs)
            same(joined(conn, function, filters, args, kwargs), whole)
    if name in ("top_posts by engagements", "most negative", "top authors by engagements"):
        assert len(whole) == kwargs["limit"]  # the store holds more than the limit: the join had to choose


@pytest.mark.parametrize("by", ["engagements", "followers"])
@pytest.mark.parametrize("candidates", [0, 400])
def test_top_authors_in_parts_with_a_newcomer_on_the_last_day(
    seeded: Engine, by: str, candidates: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An author seen only on the last day with a huge count, and one seen before whose last-day post lifts
    them into the top: both ranked exactly (also when the candidates are too many and the whole range is read)."""
    monkeypatch.setattr(reader, "AUTHOR_CANDIDATES", candidates)
    config, base = load_config(None), demo.generate(50, days=10, seed=3, end=FIXED_NOW)
    last_day = pd.Timestamp(FILTERS.end_at) - timedelta(hours=1)
    with seeded.connect() as conn:
        fifth = reader.top_authors(conn, FILTERS, by=by, limit=5).iloc[-1]
    ingest(seeded, post(base, "viral", last_day, likes=10**6, author_followers=10**8), config.brands)
    lifted = post(base, "lift", last_day, likes=1, author_followers=None, views=None)
    lifted["author_handle"], lifted["platform"] = fifth["author_handle"], fifth["platform"]
    lifted["likes"] = 10**5
    ingest(seeded, lifted, config.brands)
    with seeded.connect() as conn:
        for limit in (1, 3, 5):
            whole = reader.top_authors(conn, FILTERS, by=by, limit=limit)
            same(joined(conn, reader.top_authors, FILTERS, (), {"by": by, "limit": limit}), whole)
        assert "a_viral" in set(whole["author_handle"])


def page(engine: Engine) -> dict[str, Any]:
    """What a page reads through the cache after a rerun's one versions query."""
    with engine.connect() as conn:
        versions = reader.versions(conn)
    return {
        name: context.read(engine, f, versions, FILTERS, *args, **kwargs) for name, (f, args, kwargs) in READS.items()
    }


def truth(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {name: f(conn, FILTERS, *args, **kwargs) for name, (f, args, kwargs) in READS.items()}


def check(engine: Engine) -> dict[str, Any]:
    found, expected = page(engine), truth(engine)
    for name in READS:
        same(found[name], expected[name])
    return found


def post(base: pd.DataFrame, post_id: str, when: pd.Timestamp, **values: Any) -> pd.DataFrame:
    row = base[(base["platform"] == "x") & ~base["is_own"] & (base["brand"] == "Acme")].iloc[[0]].copy()
    row["post_id"], row["created_at"], row["parent_id"] = post_id, when, None
    row["text"] = "@acme my order is lost and support never answers, still waiting for a refund"
    row["likes"], row["views"], row["author_followers"], row["author_handle"] = 10**9, 10**10, 10**9, f"a_{post_id}"
    for column, value in values.items():
        row[column] = value
    return row.reset_index(drop=True)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which parts are read from the store (the others come from the cache)."""
    reads: list[str] = []
    for function, split in list(reader.SPLITS.items()):

        def part(conn: Any, filters: reader.Filters, *args: Any, _f: Any = split.part, **kwargs: Any) -> Any:
            reads.append(f"{_f.__name__} {filters.start}..{filters.end}")
            return _f(conn, filters, *args, **kwargs)

        part.__module__, part.__qualname__ = split.part.__module__, split.part.__qualname__
        monkeypatch.setitem(reader.SPLITS, function, reader.Split(part, split.join, split.queue, split.compose))
    return reads


def test_every_write_shows_on_the_next_read(seeded: Engine, counted: list[str]) -> None:
    config = load_config(None)
    last_day = pd.Timestamp(FILTERS.end_at) - timedelta(hours=1)
    closed = f"{FILTERS.start}..{FILTERS.end - timedelta(days=1)}"
    check(seeded)
    assert any(closed in r for r in counted)
    base = demo.generate(50, days=10, seed=3, end=FIXED_NOW)

    # a collection of new mentions on the last day: the days before come from the cache
    counted.clear()
    ingest(seeded, post(base, "new-1", last_day), config.brands)
    found = check(seeded)
    assert found["top_posts by engagements"]["author_handle"].iloc[0] == "a_new-1"
    assert counted and not any(closed in r for r in counted)

    # a backdated mention (ten days ago): its day is read again, and it shows
    counted.clear()
    ingest(seeded, post(base, "old-1", last_day - timedelta(days=10), likes=2 * 10**9), config.brands)
    found = check(seeded)
    assert found["top_posts by engagements"]["author_handle"].iloc[0] == "a_old-1"
    assert any(closed in r for r in counted)
    flagged = found["open_flagged_count"]

    # the brand answers that old mention today: the answered mention's day is touched too
    reply = post(base, "reply-1", last_day, is_own=True, parent_id="old-1", author_handle="acme")
    reply["text"] = "Sorry about that! Please DM us your order number."
    ingest(seeded, reply, config.brands)
    found = check(seeded)
    assert found["open_flagged_count"] == flagged - 1
    talks = found["answered conversations"].set_index("post_id")
    assert talks.loc["old-1", "response_post_id"] == "reply-1" and pd.isna(talks.loc["old-1", "follow_up_id"])

    # the author follows up today, answering the brand's reply: the old conversation's day is touched
    counted.clear()
    thanks = post(
        base, "thanks-1", last_day + timedelta(minutes=5), parent_id="reply-1", author_handle="a_old-1", likes=0
    )
    thanks["views"], thanks["author_followers"] = 0, 1
    thanks["text"] = "@acme thanks, sorted now!"
    ingest(seeded, thanks, config.brands)
    found = check(seeded)
    talks = found["answered conversations"].set_index("post_id")
    assert talks.loc["old-1", "follow_up_post_id"] == "thanks-1"
    assert any(closed in r for r in counted)

    # a write that bumps the version without saying what it touched (an erasure): everything is read again
    counted.clear()
    with seeded.begin() as conn:
        conn.execute(delete(mentions).where(mentions.c.post_id == "old-1"))
        hour = pd.Timestamp(last_day - timedelta(days=10)).floor("h").to_pydatetime()
        conn.execute(delete(rollup_hourly).where(rollup_hourly.c.hour == hour))
        writer.refresh_rollups(conn, [(hour, hour + timedelta(hours=1))])
        writer.bump_data_version(conn)
    found = check(seeded)
    assert "a_old-1" not in set(found["top_posts by engagements"]["author_handle"])
    assert any(closed in r for r in counted)

    # the next recorded write counts that gap as touching every day once, then keeps closed days again
    ingest(seeded, post(base, "new-2", last_day), config.brands)
    check(seeded)
    counted.clear()
    ingest(seeded, post(base, "new-3", last_day), config.brands)
    found = check(seeded)
    assert not any(closed in r for r in counted)
    assert found["top_posts by engagements"]["author_handle"].iloc[0] == "a_new-1"


def test_a_sentiment_correction_touches_its_day(seeded: Engine) -> None:
    from store import queue
    from store.accounts import Account

    check(seeded)
    negative = page(seeded)["most negative"]
    target = negative.iloc[0]
    manager = Account(name="mia", role="admin")
    with seeded.begin() as conn:
        state = queue.mention_with_state(conn, int(target["id"]))
        assert state is not None
        assert queue.correct_sentiment(conn, int(target["id"]), state["version"], "positive", manager).ok
    found = check(seeded)
    assert int(target["id"]) not in set(found["most negative"]["id"])


def test_stamps_move_only_for_touched_days(engine: Engine) -> None:
    day = FILTERS.end
    with engine.begin() as conn:
        writer.bump_data_version(conn)
        touched.record(conn, {day})
    with engine.connect() as conn:
        first = touched.state(conn)
    assert first.stamp(day, day) == (1, 0) and first.stamp(FILTERS.start, day - timedelta(days=1)) == (0, 0)

    with engine.begin() as conn:
        writer.bump_data_version(conn)
        touched.record(conn, {day - timedelta(days=5)})
    with engine.connect() as conn:
        second = touched.state(conn)
    assert second.stamp(day, day) == (1, 0)
    assert second.stamp(FILTERS.start, day - timedelta(days=1)) == (2, 0)

    with engine.begin() as conn:
        writer.bump_data_version(conn)  # says nothing: every stamp moves
    with engine.connect() as conn:
        third = touched.state(conn)
    assert third.stamp(day, day) != second.stamp(day, day)
    assert third.stamp(FILTERS.start, day) != second.stamp(FILTERS.start, day)

    with engine.begin() as conn:
        writer.bump_data_version(conn)
        touched.record(conn, {day})
        assert conn.execute(select(meta.c.value).where(meta.c.key == touched.ALL)).scalar() == "4"
    with engine.connect() as conn:
        fourth = touched.state(conn)
    assert fourth.stamp(FILTERS.start, day - timedelta(days=1)) == (4, 0)


def test_a_weeks_report_is_rebuilt_only_when_a_write_touches_that_week(seeded: Engine) -> None:
    from analysis.reports import week_of
    from ui import reports
    from ui.context import Context

    ctx = Context(config=load_config(None), engine=seeded, url=str(seeded.url))
    config, base = ctx.config, demo.generate(50, days=10, seed=3, end=FIXED_NOW)
    now = pd.Timestamp(FIXED_NOW)
    earlier = week_of((now - timedelta(days=7)).to_pydatetime())

    def stamp() -> tuple[int, ...]:
        with seeded.connect() as conn:
            return reports.week_stamp(ctx, reader.versions(conn), earlier)

    first = stamp()
    ingest(seeded, post(base, "today-1", now), config.brands)  # this week: last week's files stay
    assert stamp() == first
    ingest(seeded, post(base, "backdated-1", now - timedelta(days=7)), config.brands)  # into that week
    assert stamp() != first


# --- a freshly started server: closed days' parts come from the store (store.readcache) -----------


def restart() -> None:
    """What a new dashboard process has: no Streamlit cache at all (the store's part cache stays)."""
    context.read.clear()
    context._read_part.clear()


def test_a_fresh_server_reads_closed_days_from_the_store(seeded: Engine, counted: list[str]) -> None:
    from store import readcache
    from store.schema import read_cache

    config = load_config(None)
    last_day = pd.Timestamp(FILTERS.end_at) - timedelta(hours=1)
    closed = f"{FILTERS.start}..{FILTERS.end - timedelta(days=1)}"
    check(seeded)
    with seeded.connect() as conn:
        stored: list[Any] = list(conn.execute(select(read_cache.c.name)).scalars())
    names = {str(name) for name in stored}
    expected = {context._function_key(reader.SPLITS[f].part) for f, _, _ in READS.values()}
    expected.discard(context._function_key(reader.top_authors))  # composed: its parts are other reads
    assert expected <= names  # every part of every read is kept (none refused by the codec's exact round trip)
    assert context._function_key(reader.author_ranks) in names

    # a new process: nothing read from the store for the closed days, and every read exactly as before
    restart()
    counted.clear()
    check(seeded)
    assert not any(closed in r for r in counted)

    base = demo.generate(50, days=10, seed=3, end=FIXED_NOW)
    # a backdated mention, then a new process: its day's part is read again and it shows
    ingest(seeded, post(base, "old-1", last_day - timedelta(days=10), likes=2 * 10**9), config.brands)
    restart()
    counted.clear()
    found = check(seeded)
    assert found["top_posts by engagements"]["author_handle"].iloc[0] == "a_old-1"
    assert any(closed in r for r in counted)
    flagged = found["open_flagged_count"]

    # a brand reply to that old mention, then a new process
    reply = post(base, "reply-1", last_day, is_own=True, parent_id="old-1", author_handle="acme")
    reply["text"] = "Sorry about that! Please DM us your order number."
    ingest(seeded, reply, config.brands)
    restart()
    found = check(seeded)
    assert found["open_flagged_count"] == flagged - 1
    assert found["answered conversations"].set_index("post_id").loc["old-1", "response_post_id"] == "reply-1"

    # a sentiment correction, then a new process
    from store import queue
    from store.accounts import Account

    target = found["most negative"].iloc[0]
    with seeded.begin() as conn:
        state = queue.mention_with_state(conn, int(target["id"]))
        assert state is not None
        assert queue.correct_sentiment(
            conn, int(target["id"]), state["version"], "positive", Account("mia", "admin")
        ).ok
    restart()
    assert int(target["id"]) not in set(check(seeded)["most negative"]["id"])

    # and a new process after a write that said nothing of its days reads everything again
    with seeded.begin() as conn:
        writer.bump_data_version(conn)
    restart()
    counted.clear()
    check(seeded)
    assert any(closed in r for r in counted)
    assert readcache.code_key()  # parts are kept per code version too


@pytest.mark.parametrize("by", ["engagements", "followers"])
def test_author_leaders_rank_and_sum_as_the_two_reads_do(seeded: Engine, by: str) -> None:
    """One GROUP BY (reader.author_leaders) gives the authors author_ranks ranks, in its order, with the
    sums author_sums gives them: what top_authors_split takes for the days before."""
    with seeded.connect() as conn:
        for filters in SHAPES.values():
            for limit in (1, 4, 50):
                leaders = reader.author_leaders(conn, filters, by=by, limit=limit)
                ranks = reader.author_ranks(conn, filters, by=by, limit=limit)
                same(reader._rank_view(leaders), ranks)
                keys = list(zip(ranks["platform"], ranks["author_handle"], strict=True))
                assert list(zip(leaders["platform"], leaders["author_handle"], strict=True)) == keys  # same order
                sums = reader.author_sums(conn, filters, tuple(ranks["author_handle"]))
                same(leaders, reader._pick(sums, keys))
