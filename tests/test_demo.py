"""The demo data set: deterministic, shaped like the mention frame, believable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pandas.testing as pdt
from sqlalchemy import Engine

from collectors import demo
from config import Config, Source
from frame import FRAME_SCHEMA
from pipeline.seed import seed_demo
from tests.conftest import FIXED_NOW


def test_same_seed_same_data_other_seed_other_data():
    a = demo.generate(2000, seed=11, end=FIXED_NOW)
    b = demo.generate(2000, seed=11, end=FIXED_NOW)
    c = demo.generate(2000, seed=12, end=FIXED_NOW)
    pdt.assert_frame_equal(a, b)
    assert not a["text"].equals(c["text"])
    assert not set(a["post_id"]) & set(c["post_id"])


def test_frame_contract_and_coverage():
    frame = demo.generate(6000, days=60, seed=5, end=FIXED_NOW)
    assert list(frame.columns) == list(FRAME_SCHEMA)
    assert {c: str(t) for c, t in frame.dtypes.items()} == FRAME_SCHEMA
    assert 5500 <= len(frame) <= 6500
    assert not frame.duplicated(["platform", "post_id"]).any()
    assert set(frame["brand"]) == {"Acme", "Globex", "Initech"}
    assert set(frame["platform"]) == {"x", "reddit", "bluesky", "mastodon", "hackernews", "rss"}
    span = frame["created_at"].max() - frame["created_at"].min()
    assert pd.Timedelta(days=58) < span <= pd.Timedelta(days=60)
    assert frame["created_at"].max() <= FIXED_NOW
    assert frame["url"].str.startswith("https://").all()
    assert {"post", "comment", "reply", "quote"} <= set(frame["kind"])


def test_posts_are_believable():
    frame = demo.generate(6000, seed=5, end=FIXED_NOW)
    text = frame["text"]
    assert text.str.contains(r"\?").mean() > 0.1  # questions
    assert text.str.contains("refund|broken|delayed|cancelled", case=False).mean() > 0.03  # complaints
    assert text.str.contains("love|amazing|thank", case=False).mean() > 0.05  # praise
    langs = set(frame["lang"].dropna())
    assert {"en", "es", "de", "fr", "ja", "pt"} <= langs
    followers = frame["author_followers"].dropna()
    assert followers.max() > 200 * followers.median()  # heavy-tailed reach
    likes = frame["likes"].dropna()
    assert likes.quantile(0.99) > 10 * max(likes.median(), 1)  # heavy-tailed engagement
    assert frame.loc[frame["platform"] == "rss", ["likes", "views"]].isna().all().all()
    assert frame.loc[frame["platform"] == "reddit", "author_followers"].isna().all()


def test_the_brand_answers_threads_after_realistic_delays():
    frame = demo.generate(6000, seed=5, end=FIXED_NOW)
    own = frame[frame["is_own"]]
    assert len(own) > 100 and set(own["brand"]) == {"Acme"}
    parents = frame.set_index(["platform", "post_id"])
    keys = list(zip(own["platform"], own["parent_id"], strict=True))
    assert all(k in parents.index for k in keys)
    delays = own["created_at"].to_numpy() - parents.loc[keys, "created_at"].to_numpy()
    hours = pd.Series(delays).dt.total_seconds() / 3600
    assert (hours > 0).all()
    assert 0.5 < hours.median() < 8


def test_demo_source_with_per_run_adds_exactly_that_many_per_run():
    collector = demo.DemoCollector(brand="Acme", per_run=4, now=FIXED_NOW)
    first = collector.collect(None)
    second = collector.collect(first.cursor)
    assert (len(first.frame), first.cursor, len(second.frame), second.cursor) == (4, "4", 4, "8")
    assert set(first.frame["brand"]) == {"Acme"}
    assert set(first.frame["platform"]) <= set(demo.PLATFORM_SHARE)  # the platform it imitates, never "demo"
    assert not set(first.frame["post_id"]) & set(second.frame["post_id"])
    assert first.frame["url"].str.startswith("https://").all()
    assert set(first.frame["source"]) == {"demo:demo-live"}


def test_load_mode_ids_depend_on_the_cursor_alone_not_the_minute_of_the_run():
    """Two load-mode sources at the same cursor make the same posts, whenever each runs (the two-scheduler
    test on PostgreSQL counts on it): before, a run a minute later drew its posts in another order and
    numbered other platforms, so about 1,160 of 1,500 ids differed."""
    ids = []
    for minutes in (0, 1, 90, 60 * 24 * 3):
        now = FIXED_NOW + timedelta(minutes=minutes)
        made = demo.DemoCollector(brand="Acme", per_run=1500, now=now).collect("3000")
        assert made.frame["created_at"].max() <= pd.Timestamp(now)  # times still follow the run's clock
        ids.append(list(made.frame["post_id"]))
    assert all(run == ids[0] for run in ids)
    assert len(set(ids[0])) == 1500


LIVE_HANDLE = r"^(?:" + "|".join(demo.ADJECTIVES) + r")_(?:" + "|".join(demo.NOUNS) + r")\d+$"


def _live_runs(start: datetime, minutes: int, every: int) -> pd.DataFrame:
    """What a `demo` source with the default settings stores when it runs every `every` minutes."""
    cursor, frames = None, []
    for step in range(0, minutes, every):
        collector = demo.from_source(
            Source(name="demo-live", platform="demo", brand="Acme", every_seconds=every * 60), None
        )
        collector.now = start + timedelta(minutes=step + every)
        result = collector.collect(cursor)
        cursor = result.cursor
        frames.append(result.frame)
    return pd.concat(frames, ignore_index=True)


def test_live_demo_looks_like_the_seeded_set():
    """Before: 5 mentions a minute (7,200 a day against the seeded ~79), platform `demo`, a "Demo" author."""
    seeded = demo.generate(5000, days=60, seed=7, end=FIXED_NOW)
    others = seeded[~seeded["is_own"]]
    per_day = others.groupby(others["created_at"].dt.date).size()
    start = datetime(2026, 11, 20, tzinfo=UTC)
    live = _live_runs(start, minutes=3 * 24 * 60, every=30)
    assert not live.duplicated(["platform", "post_id"]).any()
    assert not set(zip(live["platform"], live["post_id"], strict=True)) & set(
        zip(seeded["platform"], seeded["post_id"], strict=True)
    )
    mentions = live[~live["is_own"]]
    daily = mentions.groupby(mentions["created_at"].dt.date).size()
    assert len(daily) == 3
    # the seeded pace: never a spike, however long the demo runs
    assert (daily < per_day.median() + 3 * per_day.std()).all() and (daily > per_day.median() / 2).all(), daily
    assert set(mentions["platform"]) == set(demo.PLATFORM_SHARE)  # the platforms imitated; never "demo"
    assert set(mentions["brand"]) == set(demo.BRANDS)
    assert mentions["author_handle"].str.match(LIVE_HANDLE).all()
    assert not live["author_name"].str.contains("Demo").any()
    hours = mentions["created_at"].dt.hour.value_counts().reindex(range(24), fill_value=0)
    assert hours.loc[[12, 13, 18, 19]].mean() > 3 * hours.loc[[1, 2, 3, 4]].mean()  # the seeded day rhythm
    assert set(live["source"]) == {"demo:demo-live"}
    # the brand answers like in the seeded set, so the queue does not grow faster than it did
    own = live[live["is_own"]]
    assert len(own) > 0 and set(own["author_name"]) == {"Acme Support"}
    wants = mentions["text"].str.contains(r"\?|refund|broken|help", case=False) & (mentions["brand"] == "Acme")
    assert len(own) > 0.2 * wants.sum()


def test_live_demo_run_after_run_adds_each_mention_once_and_catches_up_at_most_a_day():
    start = datetime(2026, 11, 20, 9, tzinfo=UTC)
    every_minute = _live_runs(start, minutes=3 * 60, every=1)
    every_hour = _live_runs(start, minutes=3 * 60, every=60)
    assert len(every_minute) > 0 and _keys(every_minute) == _keys(
        every_hour
    )  # how often it runs changes nothing but the delay
    collector = demo.DemoCollector(now=start + timedelta(days=5))
    late = collector.collect((start - timedelta(days=30)).isoformat()).frame
    assert late["created_at"].min() >= start + timedelta(days=4)


def test_posting_follows_the_day_in_utc_whatever_time_it_is_seeded():
    for end in (FIXED_NOW, FIXED_NOW.replace(hour=3), FIXED_NOW.replace(hour=21)):
        hours = demo.generate(6000, seed=5, end=end)["created_at"].dt.hour
        by_hour = hours.value_counts()
        assert by_hour.loc[[12, 13, 18, 19]].mean() > 3 * by_hour.loc[[1, 2, 3, 4]].mean()


def _keys(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["platform"], frame["post_id"], strict=True))


def test_a_later_end_only_adds_what_happened_in_between():
    """Ids never depend on `end`: a minute later, the only new rows are the brand replies that fell due.

    (Ids once followed time order, which `end` changes: at 3,000 mentions several of these
    minutes gave ~50 new rows each; at 200,000 mentions ~20,000.)
    """
    before = demo.generate(3000, seed=7, end=FIXED_NOW)
    for minute in range(1, 11):
        end = FIXED_NOW + timedelta(minutes=minute)
        after = demo.generate(3000, seed=7, end=end)
        known = _keys(before)
        new = after[[k not in known for k in zip(after["platform"], after["post_id"], strict=True)]]
        assert (new["created_at"] > end - timedelta(minutes=1)).all() and new["is_own"].all(), (minute, new)
        before = after


def test_seeding_again_a_minute_later_adds_only_replies_that_fell_due(sqlite_engine: Engine, demo_config: Config):
    first_end, second_end = FIXED_NOW + timedelta(minutes=3), FIXED_NOW + timedelta(minutes=4)
    first = seed_demo(sqlite_engine, demo_config, mentions=3000, days=60, end=first_end)
    assert first.new == first.fetched
    again = seed_demo(sqlite_engine, demo_config, mentions=3000, days=60, end=first_end)
    assert again.new == 0 and again.updated == again.fetched
    later = seed_demo(sqlite_engine, demo_config, mentions=3000, days=60, end=second_end)
    due = _keys(demo.generate(3000, days=60, seed=7, end=second_end)) - _keys(demo.generate(3000, end=first_end))
    assert later.new == len(due) <= 2  # before ids were made independent of `end`: 55 new rows
