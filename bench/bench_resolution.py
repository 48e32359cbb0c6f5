"""Resolution after a reply: reading a range's answered conversations with their follow-ups
(store.resolution.conversations) and judging them (analysis.resolution.outcomes), against the
existing response-time read of the same range (store.reader.response_times), measured in the same run.

Run: .venv/bin/python bench/bench_resolution.py [--mentions 200000] [--days 60] [--postgres URL]
(~2 min at 200,000 mentions). Prints the median of --repeat runs of each read, cold caches aside.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import resolution  # noqa: E402
from config import load_config  # noqa: E402
from pipeline.seed import seed_demo  # noqa: E402
from store import reader  # noqa: E402
from store import resolution as stored  # noqa: E402
from store.engine import make_engine  # noqa: E402

END = datetime(2026, 11, 18, 12, tzinfo=UTC)


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(url: str, mentions: int, days: int, repeat: int) -> None:
    engine = make_engine(url)
    config = load_config(None)
    started = time.perf_counter()
    seed_demo(engine, config, mentions=mentions, days=days, end=END)
    print(
        f"{url.split(':')[0]}: seeded {mentions:,} mentions over {days} days in {time.perf_counter() - started:.1f} s"
    )
    filters = reader.Filters(("Acme",), (), (END - timedelta(days=29)).date(), END.date())
    windows = resolution.window_days(config.brands)
    sla = {b.name: b.sla_hours for b in config.brands}
    now = pd.Timestamp(END + timedelta(days=1))

    def conversations() -> pd.DataFrame:
        with engine.connect() as conn:
            return stored.conversations(conn, filters, windows)

    def judged() -> pd.DataFrame:
        return resolution.outcomes(conversations(), now, config.brands)

    def baseline() -> pd.DataFrame:
        with engine.connect() as conn:
            return reader.response_times(conn, filters, sla)

    found = judged()
    stats = resolution.resolution_stats(found).iloc[0]
    print(
        f"  30 days of Acme: {len(found):,} answered conversations, {int(found['follow_up_at'].notna().sum()):,} "
        f"follow-ups; resolution rate {stats['resolution_rate']:.3f}"
    )
    base = median_seconds(baseline, repeat)
    read = median_seconds(conversations, repeat)
    full = median_seconds(judged, repeat)
    print(f"  baseline reader.response_times (flagged rows of the range): {base * 1000:8.1f} ms  1.00x")
    print(f"  store.resolution.conversations (answered + follow-ups):     {read * 1000:8.1f} ms  {read / base:.2f}x")
    print(f"  ... + analysis.resolution.outcomes (rule table):            {full * 1000:8.1f} ms  {full / base:.2f}x")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="a PostgreSQL URL to a database of its own (its tables are created)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{folder}/bench.db", args.mentions, args.days, args.repeat)
    if args.postgres:
        measure(args.postgres, args.mentions, args.days, args.repeat)


if __name__ == "__main__":
    main()
