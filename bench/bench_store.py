"""Store benchmark: seed-demo at 1,000,000 mentions, and upsert throughput against plain to_sql.

    .venv/bin/python bench/bench_store.py [--rows 100000] [--seed-mentions 1000000] [--postgres URL]

Upsert = pipeline.ingest.ingest without the derived columns' cost (rows are pre-enriched), so
the figure is the database write: upsert by (platform, post_id), brand-reply links, rollups.
The baseline, measured in the same run on the same rows: DataFrame.to_sql(if_exists="append")
into an empty table with no keys (what a naive collector would do; it duplicates on rerun).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from collectors import demo  # noqa: E402
from config import Brand, load_config  # noqa: E402
from pipeline.ingest import enrich  # noqa: E402
from pipeline.seed import seed_demo  # noqa: E402
from store import writer  # noqa: E402
from store.engine import make_engine  # noqa: E402


def upsert_rate(url: str, rows: pd.DataFrame, brands: tuple[Brand, ...]) -> dict[str, float]:
    engine = make_engine(url)
    enriched = enrich(rows, brands)
    keys = set(zip(enriched["platform"], enriched["post_id"], strict=True))
    timings = {}
    for label in ("upsert (new rows)", "upsert again (all known)"):
        started = time.perf_counter()
        with engine.begin() as conn:
            writer.upsert_rows(conn, enriched)
            writer.link_brand_replies(conn, rows, keys if label.startswith("upsert (") else set())
            writer.refresh_rollups(conn, writer.hour_ranges(rows["created_at"]))
        timings[label] = len(rows) / (time.perf_counter() - started)
    plain = create_engine(url)
    table = f"plain_{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    enriched.to_sql(table, plain, if_exists="append", index=False, chunksize=20_000, method=None)
    timings["baseline to_sql append"] = len(rows) / (time.perf_counter() - started)
    with plain.begin() as conn:
        conn.execute(text(f"DROP TABLE {table}"))
    engine.dispose()
    plain.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed-mentions", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    config = load_config(None)
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))

    if args.seed_mentions:
        engine = make_engine(f"sqlite:///{folder / 'seed.db'}")
        started = time.perf_counter()
        result = seed_demo(engine, config, mentions=args.seed_mentions)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = sum(f.stat().st_size for f in folder.glob("seed.db*")) / 2**20
        print(
            f"seed-demo {result.fetched:,} mentions (SQLite): {seconds:.1f} s, "
            f"{result.fetched / seconds:,.0f} mentions/s, peak RSS {peak:,.0f} MB, database {size:,.0f} MB"
        )
        engine.dispose()

    rows = demo.generate(args.rows, seed=99)
    targets = {"SQLite": f"sqlite:///{folder / 'upsert.db'}"}
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    if args.postgres:
        from store.engine import database_url

        admin = create_engine(database_url(args.postgres))
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in args.postgres else "?"
        targets["PostgreSQL"] = f"{database_url(args.postgres)}{sep}options=-csearch_path%3D{schema}"
    for name, url in targets.items():
        rates = upsert_rate(url, rows, config.brands)
        base = rates["baseline to_sql append"]
        for label, rate in rates.items():
            print(f"{name:10} {label:26} {rate:>10,.0f} rows/s  ({rate / base:.2f}x baseline)  n={len(rows):,}")
    if args.postgres:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
