"""Speed of the analysis functions the dashboard calls, at the scale of 1,000,000 mentions.

Builds (seeded) a rollup_hourly frame equivalent to 1,000,000 mentions over 60 days (3 brands,
6 platforms, 4 kinds, own and others' posts), a 100,000-row flagged queue and a 100,000-row
mention frame (the bounded subsets pages pass: flagged rows, a spike's day, top-N queries),
times each public function (best of --repeat runs) and prints a plain-pandas baseline where
one is meaningful. Run: .venv/bin/python bench/bench_analysis.py
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import engagement, flags, response, sentiment, trends  # noqa: E402
from config import Brand  # noqa: E402

BRANDS = ("Acme", "Globex", "Initech")
PLATFORMS = ("x", "reddit", "bluesky", "mastodon", "hackernews", "rss")
KINDS = ("post", "comment", "reply", "quote")
START = pd.Timestamp("2024-03-01", tz="UTC")
DAYS = 60
WORDS = [
    "battery",
    "screen",
    "update",
    "app",
    "order",
    "refund",
    "delivery",
    "support",
    "camera",
    "price",
    "shipping",
    "login",
    "account",
    "charger",
    "crash",
    "review",
    "unboxing",
    "launch",
    "store",
    "warranty",
    "sale",
    "discount",
    "bluetooth",
    "sync",
    "speed",
    "design",
]
TAGS = ("#acme", "#tech", "#fail", "#help", "#android", "#launch", "#deal", "#review")


def rollup_frame(total_mentions: int = 1_000_000, seed: int = 1) -> pd.DataFrame:
    """rollup_hourly rows whose `mentions` sum to about `total_mentions`."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range(START, periods=DAYS * 24, freq="h")
    index = pd.MultiIndex.from_product([hours, BRANDS, PLATFORMS, KINDS, (False, True)])
    cells = index.to_frame(index=False, name=["hour", "brand", "platform", "kind", "is_own"])
    brand_w = cells["brand"].map({"Acme": 0.5, "Globex": 0.3, "Initech": 0.2}).to_numpy()
    platform_w = cells["platform"].map(dict(zip(PLATFORMS, (0.35, 0.25, 0.12, 0.1, 0.08, 0.1), strict=True)))
    kind_w = cells["kind"].map({"post": 0.4, "comment": 0.3, "reply": 0.2, "quote": 0.1}).to_numpy()
    own_w = np.where(cells["is_own"], 0.02, 0.98)
    daily = 1 + 0.5 * np.sin(2 * np.pi * cells["hour"].dt.hour.to_numpy() / 24)
    weights = brand_w * platform_w.to_numpy() * kind_w * own_w * daily
    lam = total_mentions * weights / weights.sum()
    mentions = rng.poisson(lam)
    cells["mentions"] = mentions
    cells = cells[mentions > 0].reset_index(drop=True)
    m = cells["mentions"].to_numpy()
    likes = rng.poisson(m * 6.0)
    replies = rng.poisson(m * 1.2)
    reposts = rng.poisson(m * 1.5)
    quotes = rng.poisson(m * 0.3)
    has_views = cells["platform"].isin(["x"]).to_numpy()
    views = np.where(has_views, rng.poisson(m * 900), 0)
    positive = rng.binomial(m, 0.4)
    negative = rng.binomial(m - positive, 0.35)
    unscored = rng.binomial(m - positive - negative, 0.1)
    neutral = m - positive - negative - unscored
    cells = cells.assign(
        engagements=likes + replies + reposts + quotes,
        likes=likes,
        replies=replies,
        reposts=reposts,
        quotes=quotes,
        no_engagement_data=np.where(cells["platform"] == "rss", m, 0),
        views=views,
        engagements_with_views=np.where(has_views, likes + replies + reposts + quotes, 0),
        followers=rng.poisson(m * 2500),
        engagements_with_followers=likes + replies + reposts + quotes,
        positive=positive,
        neutral=neutral,
        negative=negative,
        unscored=unscored,
        sentiment_sum=positive * 0.55 - negative * 0.5,
        flagged=rng.binomial(negative + 0, 0.5),
    )
    return cells


def mention_frame(n: int = 100_000, seed: int = 2) -> pd.DataFrame:
    """A mention frame with sentiment columns (the bounded subsets the pages pass)."""
    rng = np.random.default_rng(seed)
    created = START + pd.to_timedelta(rng.integers(0, DAYS * 86400, n), unit="s")
    words = np.array(WORDS)
    texts = [
        " ".join(rng.choice(words, rng.integers(4, 14))) + " " + rng.choice(TAGS) + ("?" if rng.random() < 0.2 else "")
        for _ in range(n)
    ]
    authors = rng.zipf(1.6, n) % 20_000
    followers = (rng.pareto(1.2, n) * 300).astype(np.int64)
    frame = pd.DataFrame(
        {
            "platform": rng.choice(PLATFORMS, n),
            "post_id": np.arange(n).astype(str),
            "url": None,
            "kind": rng.choice(KINDS, n),
            "parent_id": None,
            "thread_id": None,
            "author_id": authors.astype(str),
            "author_handle": np.char.add("user", authors.astype(str)),
            "author_name": np.char.add("User ", authors.astype(str)),
            "author_followers": pd.array(followers, dtype="Int64"),
            "text": np.where(rng.random(n) < 0.5, np.char.add("@acme ", np.array(texts)), np.array(texts)),
            "lang": "en",
            "created_at": created,
            "likes": pd.array(rng.zipf(2.0, n) - 1, dtype="Int64"),
            "replies": pd.array(rng.poisson(1, n), dtype="Int64"),
            "reposts": pd.array(rng.poisson(1, n), dtype="Int64"),
            "quotes": pd.array(rng.poisson(0.2, n), dtype="Int64"),
            "views": pd.array(np.where(rng.random(n) < 0.35, rng.integers(10, 100_000, n), 0), dtype="Int64"),
            "brand": rng.choice(BRANDS, n, p=[0.5, 0.3, 0.2]),
            "matched": "acme",
            "is_own": rng.random(n) < 0.02,
        }
    )
    compound = np.round(rng.uniform(-1, 1, n), 4)
    frame["sentiment"] = compound
    frame["sentiment_label"] = sentiment.label_of(frame["sentiment"])
    return frame


def queue_frame(n: int = 100_000, seed: int = 3) -> pd.DataFrame:
    """The flagged queue as the store returns it."""
    rng = np.random.default_rng(seed)
    created = START + pd.to_timedelta(rng.integers(0, DAYS * 86400, n), unit="s")
    answered = rng.random(n) < 0.7
    delay = pd.to_timedelta(rng.exponential(3 * 3600, n).astype(np.int64), unit="s")
    first = pd.Series(created + delay).where(answered)
    signals = np.array(["question", "complaint: refund; negative", "help; question", "negative; 12k followers"])
    return pd.DataFrame(
        {
            "platform": rng.choice(PLATFORMS, n),
            "brand": "Acme",
            "priority_base": rng.integers(10, 71, n),
            "flag_signals": rng.choice(signals, n),
            "created_at": created,
            "first_response_at": first.astype("datetime64[ns, UTC]"),
            "sla_hours": rng.choice([2.0, 4.0, 8.0], n),
            "status": np.where(answered, "replied", "new"),
        }
    )


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def plain_queue(queue: pd.DataFrame, now: pd.Timestamp) -> pd.DataFrame:
    """Baseline: the same priority computed row by row with DataFrame.apply."""

    def one(row: pd.Series) -> pd.Series:
        end = row["first_response_at"] if pd.notna(row["first_response_at"]) else now
        waited = (end - row["created_at"]).total_seconds() / 3600
        breached = waited > row["sla_hours"]
        points = 20 * min(1.0, waited / row["sla_hours"]) + 10 * breached
        return pd.Series(
            {
                "priority": min(100, row["priority_base"] + round(points)),
                "reasons": f"{row['flag_signals']}; waiting {int(waited)} h, SLA {row['sla_hours']:g} h",
                "waited_hours": waited,
                "sla_breached": breached,
            }
        )

    return queue.apply(one, axis=1)


def plain_terms(texts: pd.Series, n: int) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w for w in text.lower().split() if len(w) >= 3 and w not in trends.STOP_WORDS)
    return counts.most_common(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    r = args.repeat

    rollup = rollup_frame()
    mentions = mention_frame()
    queue = queue_frame()
    now = START + pd.Timedelta(days=DAYS)
    acme = Brand("Acme", keywords=("acme",), competitors=("Globex", "Initech"), handles={"x": "acme"})
    brands = [acme, Brand("Globex", keywords=("globex",)), Brand("Initech", keywords=("initech",))]
    print(
        f"rollup: {len(rollup):,} rows = {int(rollup['mentions'].sum()):,} mentions over {DAYS} days; "
        f"queue: {len(queue):,} rows; mention frame: {len(mentions):,} rows\n"
    )
    daily = trends.summarize(rollup, "day", by=("brand",))
    acme_daily = daily[daily["brand"] == "Acme"].set_index("period")["mentions"]
    spike_day = acme_daily.idxmax()
    flagged = queue.assign(first_response_at=queue["first_response_at"])

    rows: list[tuple[str, float, str, float | None]] = [
        ("trends.summarize day x brand", best(lambda: trends.summarize(rollup, "day", ("brand",)), r), "rollup", None),
        (
            "trends.summarize week x brand x platform",
            best(lambda: trends.summarize(rollup, "week", ("brand", "platform")), r),
            "rollup",
            None,
        ),
        (
            "engagement.summarize_rollup day x platform",
            best(lambda: engagement.summarize_rollup(rollup, "day", ("platform",)), r),
            "rollup",
            None,
        ),
        (
            "trends.share_of_voice week",
            best(lambda: trends.share_of_voice(rollup, "Acme", ["Globex", "Initech"], "week"), r),
            "rollup",
            None,
        ),
        (
            "trends.spikes (60 days, window 7)",
            best(lambda: trends.spikes(acme_daily, 7, 3.0), r),
            "series",
            None,
        ),
        (
            "flags.queue_priority",
            best(lambda: flags.queue_priority(queue, now), r),
            "queue 100k",
            # row-by-row apply is slow: timed on 10,000 rows and scaled to 100,000
            10 * best(lambda: plain_queue(queue.head(10_000), now), 1),
        ),
        (
            "response.response_stats by platform",
            best(lambda: response.response_stats(flagged, now, by=("platform",)), r),
            "queue 100k",
            None,
        ),
        (
            "response.response_stats by week",
            best(lambda: response.response_stats(flagged, now, by=("week",)), r),
            "queue 100k",
            None,
        ),
        (
            "trends.top_authors reach",
            best(lambda: trends.top_authors(mentions, "reach", 10), r),
            "mentions 100k",
            None,
        ),
        (
            "trends.top_authors engagement",
            best(lambda: trends.top_authors(mentions, "engagement", 10), r),
            "mentions 100k",
            None,
        ),
        (
            "trends.top_terms",
            best(lambda: trends.top_terms(mentions["text"], 20, exclude=["acme"]), r),
            "mentions 100k",
            best(lambda: plain_terms(mentions["text"], 20), 1),
        ),
        ("trends.top_hashtags", best(lambda: trends.top_hashtags(mentions["text"], 20), r), "mentions 100k", None),
        (
            "trends.spike_mentions (one day)",
            best(lambda: trends.spike_mentions(mentions, spike_day, "day", 10, "Acme"), r),
            "mentions 100k",
            None,
        ),
        (
            "engagement.mention_engagement",
            best(lambda: engagement.mention_engagement(mentions), r),
            "mentions 100k",
            None,
        ),
        ("flags.assess (ingest)", best(lambda: flags.assess(mentions, brands), 1), "mentions 100k", None),
    ]
    big = pd.concat([mentions] * 10, ignore_index=True)
    rows.append(
        (
            "engagement.summarize_mentions day x brand",
            best(lambda: engagement.summarize_mentions(big, "day", ("brand",)), 1),
            "mentions 1M",
            None,
        )
    )
    width = max(len(name) for name, *_ in rows)
    print(f"{'function':<{width}}  {'input':<14} {'seconds':>8}  plain-pandas baseline")
    for name, seconds, data, baseline in rows:
        base = f"{baseline:8.3f} s ({baseline / seconds:,.0f}x slower)" if baseline is not None else ""
        print(f"{name:<{width}}  {data:<14} {seconds:8.3f}  {base}")


if __name__ == "__main__":
    main()
