"""Collector speed: mapping API pages to the mention frame, and storing them, against the APIs' rate limits.

For X (API v2 search pages: 100 posts with metrics, references and includes.users) and
Reddit (listing JSON of 100 posts and comments, parsed by praw as a run would), measures:

- map:   page payload -> mention frame (collectors.x.map_page / praw objects + collectors.reddit.map_things,
         then conform), against a plain baseline (pd.DataFrame of the raw items);
- store: ingest of the mapped rows into a fresh SQLite store (sentiment, flags, rollups, cursor
         in one transaction), against a plain baseline (DataFrame.to_sql append of the same rows);

for one 100-item page and a 10,000-item backfill (100 pages, one ingest). Then compares the
time per page with the time the APIs allow per page: X's app limit of 450 requests / 15 min
on recent search (100 posts each: one page every 2 s) and Reddit's 100 queries per minute
(one page every 0.6 s). No network. Run: .venv/bin/python bench/bench_collect.py
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
import praw  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from collectors import reddit, x  # noqa: E402
from config import load_config  # noqa: E402
from frame import conform  # noqa: E402
from pipeline.ingest import ingest  # noqa: E402
from store.engine import make_engine  # noqa: E402

X_SECONDS_PER_PAGE = 15 * 60 / 450  # app-only recent search: 450 requests per 15 minutes
REDDIT_SECONDS_PER_PAGE = 60 / 100  # OAuth clients: 100 queries per minute
TEXTS = [
    "Does the Acme Phone X2 work with my old charger? @acme",
    "@acme my order #{n} is {d} days late, can someone help?",
    "acme support fixed my order in {d} minutes, thank you!",
    "the acme app crashed again after the update, useless",
    "¿Alguien sabe si acme tiene soporte en español?",
    "Acme vs Globex stand mixers? Thinking of buying one for {d} reasons",
]
START = datetime(2025, 3, 12, 12, tzinfo=UTC)


def text(rng: random.Random, n: int) -> str:
    return rng.choice(TEXTS).format(n=n, d=rng.randint(2, 40))


def x_page(rng: random.Random, page: int) -> dict[str, Any]:
    """A search page shaped like the v2 API's: data, includes.users, meta."""
    users = [
        {
            "id": str(1000 + u),
            "username": f"user{u}",
            "name": f"User {u}",
            "public_metrics": {"followers_count": rng.randint(0, 50_000)},
        }
        for u in range(40)
    ]
    data = []
    for i in range(100):
        n = page * 100 + i
        created = START - timedelta(seconds=30 * n)
        ms = int(created.timestamp() * 1000)
        tweet_id = str(((ms - x.SNOWFLAKE_EPOCH_MS) << 22) | i)
        tweet: dict[str, Any] = {
            "id": tweet_id,
            "text": text(rng, n),
            "author_id": str(1000 + rng.randrange(40)),
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conversation_id": tweet_id,
            "lang": "en",
            "public_metrics": {
                "retweet_count": rng.randint(0, 9),
                "reply_count": rng.randint(0, 9),
                "like_count": rng.randint(0, 99),
                "quote_count": 0,
                "impression_count": rng.randint(10, 9999),
            },
        }
        if rng.random() < 0.3:
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": str(int(tweet_id) - 12345)}]
        data.append(tweet)
    return {"data": data, "includes": {"users": users}, "meta": {"result_count": 100, "next_token": f"t{page}"}}


def reddit_listing(rng: random.Random, page: int) -> dict[str, Any]:
    """A listing shaped like Reddit's: half posts, half comments."""
    children = []
    for i in range(100):
        n = page * 100 + i
        created = (START - timedelta(seconds=30 * n)).timestamp()
        common = {
            "id": f"b{n:06d}",
            "author": f"user{rng.randrange(40)}",
            "author_fullname": f"t2_{n}",
            "subreddit": "acme",
            "created_utc": created,
            "score": rng.randint(0, 500),
        }
        if i % 2:
            children.append(
                {
                    "kind": "t1",
                    "data": {
                        **common,
                        "name": f"t1_b{n:06d}",
                        "body": text(rng, n),
                        "link_id": "t3_a00001",
                        "parent_id": "t3_a00001",
                        "permalink": f"/r/acme/comments/a00001/_/b{n:06d}/",
                    },
                }
            )
        else:
            children.append(
                {
                    "kind": "t3",
                    "data": {
                        **common,
                        "name": f"t3_b{n:06d}",
                        "title": text(rng, n),
                        "selftext": "",
                        "num_comments": rng.randint(0, 50),
                        "permalink": f"/r/acme/comments/b{n:06d}/post/",
                    },
                }
            )
    return {"kind": "Listing", "data": {"after": f"t1_b{page:06d}", "children": children}}


def timed(fn: Callable[..., Any], repeat: int, setup: Callable[[], Any] | None = None) -> tuple[float, Any]:
    """Median wall time in ms of fn(prepared) over `repeat` runs (setup untimed), and the last result."""
    times, result = [], None
    for _ in range(repeat):
        prepared = setup() if setup else None
        start = time.perf_counter()
        result = fn(prepared) if setup else fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median is shown)")
    args = parser.parse_args()
    rng = random.Random(7)
    config = load_config(None)
    x_pages = [x_page(rng, p) for p in range(100)]
    listings = [reddit_listing(rng, p) for p in range(100)]
    client = praw.Reddit(
        client_id="bench", client_secret="bench", user_agent="bench", check_for_updates=False, check_for_async=False
    )
    now = datetime.now(UTC)
    x_ctx = x.MapContext(brand="Acme", matched="acme", source="x-bench", retrieved_at=now, handle="acme")
    r_ctx = reddit.MapContext(brand="Acme", matched="acme", source="reddit-bench", retrieved_at=now, handle="acme")

    def map_x(pages: list[dict[str, Any]]) -> pd.DataFrame:
        skipped: Counter[str] = Counter()
        return conform(pd.DataFrame([row for p in pages for row in x.map_page(p, x_ctx, skipped)]), skipped)

    def map_reddit(pages: list[dict[str, Any]]) -> pd.DataFrame:
        skipped: Counter[str] = Counter()
        # a Listing here (iterable); praw types objectify() as any of its results
        things = [t for p in pages for t in client._objector.objectify(data=p)]  # type: ignore[union-attr]
        return conform(pd.DataFrame(reddit.map_things(things, r_ctx, skipped)), skipped)

    def plain_map_x(pages: list[dict[str, Any]]) -> pd.DataFrame:
        return pd.DataFrame([t for p in pages for t in p["data"]])

    def plain_map_reddit(pages: list[dict[str, Any]]) -> pd.DataFrame:
        return pd.DataFrame([c["data"] for p in pages for c in p["data"]["children"]])

    folder = tempfile.TemporaryDirectory()
    stores = iter(range(1_000_000))

    def fresh_store() -> Any:
        """A new, migrated SQLite store (not timed: only the ingest is)."""
        return make_engine(f"sqlite:///{folder.name}/store{next(stores)}.db")

    def fresh_plain() -> Any:
        return create_engine(f"sqlite:///{folder.name}/plain{next(stores)}.db")

    def store(engine: Any, frame: pd.DataFrame, platform: str) -> None:
        ingest(engine, frame, config.brands, source=f"{platform}-bench", platform=platform, cursor="c")
        engine.dispose()

    def plain_store(engine: Any, frame: pd.DataFrame) -> None:
        frame.to_sql("mentions", engine, if_exists="append", index=False)
        engine.dispose()

    print(
        f"{'':28}{'map ms':>10}{'plain map':>11}{'store ms':>10}{'to_sql':>9}{'total':>9}{'per page':>10}"
        f"{'API allows':>12}{'share':>8}"
    )
    for platform, pages, mapper, plain, budget in (
        ("x", x_pages, map_x, plain_map_x, X_SECONDS_PER_PAGE),
        ("reddit", listings, map_reddit, plain_map_reddit, REDDIT_SECONDS_PER_PAGE),
    ):
        for label, chunk, repeat in (
            ("1 page (100 items)", pages[:1], args.repeat),
            ("backfill (10,000 items)", pages, max(args.repeat // 2, 1)),
        ):
            map_ms, frame = timed(partial(mapper, chunk), repeat)
            plain_map_ms, _ = timed(partial(plain, chunk), repeat)
            store_ms, _ = timed(partial(store, frame=frame, platform=platform), repeat, fresh_store)
            plain_store_ms, _ = timed(partial(plain_store, frame=frame), repeat, fresh_plain)
            per_page = (map_ms + store_ms) / len(chunk)
            print(
                f"{platform + ' ' + label:28}{map_ms:10.1f}{plain_map_ms:11.1f}{store_ms:10.1f}"
                f"{plain_store_ms:9.1f}{map_ms + store_ms:9.1f}{per_page:10.1f}{budget * 1000:12.0f}"
                f"{per_page / (budget * 1000):8.1%}"
            )
            assert len(frame) == 100 * len(chunk)
    folder.cleanup()
    print(
        "share = time to map and store a page / time between pages at the API's rate limit;"
        " below 100% collection is never the bottleneck"
    )


if __name__ == "__main__":
    main()
