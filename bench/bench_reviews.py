"""Reviews benchmark: the Overview's satisfaction read (store.reader.satisfaction) on a big store.

    .venv/bin/python bench/bench_reviews.py [--mentions 1000000] [--reviews 20000] [--postgres URL]

Rows are written straight into `mentions` (no sentiment or flags: only the read is measured):
`--mentions` posts without a rating over 90 days and `--reviews` rated reviews among them, for
one brand. The figure: one 30-day satisfaction read (GROUP BY day, brand, platform, app over the
partial index of rated mentions, migration 0009). Baselines, in the same run on the same rows:
the same query with the rating condition wrapped in an expression no index matches (what the
read would cost without the partial index: the brand/date index, then every row of the range),
and a plain COUNT(*) of the brand's mentions in the range.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from store import measures, reader  # noqa: E402
from store.engine import make_engine  # noqa: E402
from store.reader import Filters  # noqa: E402
from store.schema import mentions  # noqa: E402

END = datetime(2026, 11, 18, tzinfo=UTC)


def fill(url: str, total: int, rated: int) -> None:
    engine = make_engine(url)
    rng = np.random.default_rng(7)
    seconds = rng.integers(0, 90 * 86400, total)
    review = np.zeros(total, dtype=bool)
    review[rng.choice(total, rated, replace=False)] = True
    stars = rng.integers(1, 6, total)
    chunk = 50_000
    with engine.begin() as conn:
        for start in range(0, total, chunk):
            rows = []
            for i in range(start, min(start + chunk, total)):
                when = END - timedelta(seconds=int(seconds[i]))
                rows.append(
                    {
                        "platform": ("appstore" if i % 2 else "googleplay") if review[i] else "x",
                        "post_id": str(i),
                        "kind": "review" if review[i] else "post",
                        "text": "t",
                        "created_at": when,
                        "day": when.date(),
                        "brand": "Acme",
                        "is_own": False,
                        "source": ("acme-ios" if i % 2 else "acme-android") if review[i] else "x-search",
                        "rating": int(stars[i]) if review[i] else None,
                    }
                )
            conn.execute(insert(mentions), rows)
    engine.dispose()


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def measure(url: str) -> dict[str, float]:
    engine = make_engine(url)
    filters = Filters(("Acme",), (), date(2026, 10, 20), date(2026, 11, 18))
    m = mentions
    app = func.coalesce(m.c.source, "").label("app")
    # the rating condition as an expression the planner cannot match to the partial index
    unindexed = (
        select(m.c.day, m.c.brand, m.c.platform, app, *measures.rating_sums())
        .where(reader._others(filters), func.coalesce(m.c.rating, 0) + 0 > 0)
        .group_by(m.c.day, m.c.brand, m.c.platform, app)
    )
    count = select(func.count()).where(reader._others(filters))
    with engine.connect() as conn:
        rows = len(reader.satisfaction(conn, filters))
        out = {
            "satisfaction read (partial index)": timed(lambda: reader.satisfaction(conn, filters)),
            "baseline: same query, index unusable": timed(lambda: conn.execute(unindexed).all()),
            "baseline: COUNT(*) of the range": timed(lambda: conn.execute(count).scalar()),
        }
    engine.dispose()
    print(f"  ({rows} result rows)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--reviews", type=int, default=20_000)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        urls = [f"sqlite:///{folder}/bench.db"] + ([args.postgres] if args.postgres else [])
        for url in urls:
            name = url.split(":")[0]
            started = time.perf_counter()
            fill(url, args.mentions, args.reviews)
            print(
                f"{name}: {args.mentions:,} mentions, {args.reviews:,} rated, filled in {time.perf_counter() - started:.0f} s"
            )
            for label, seconds in measure(url).items():
                print(f"  {label}: {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
