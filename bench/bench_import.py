"""Import speed: 1,000,000 CSV rows through `pipeline.importer.import_file` into SQLite.

The CSV is built from the demo data set (collectors.demo.generate) and written the way other
tools export: their column names (id, screen_name, favorite_count, retweet_count,
in_reply_to_status_id, ...), times with UTC offsets in several zones, a brand column. Building
it is not timed. Then, in the same run:

- **import**: `import_file` into a fresh, migrated SQLite store (read in chunks, map columns,
  parse times, derive ids, sentiment, reply flags, brand-reply links, rollups, upsert), with the
  time split by stage (each stage function wrapped with a timer);
- **re-import**: the same file again (nothing new: every row is looked up and refreshed);
- **baseline**: `pd.read_csv` + `DataFrame.to_sql` of the same file into a fresh SQLite file
  (no mapping, no scoring, no upsert: a rerun would duplicate every row).

Run: .venv/bin/python bench/bench_import.py [--rows 1000000] [--chunk-rows 200000] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from sqlalchemy import create_engine, func, select  # noqa: E402

import analysis.flags  # noqa: E402
import analysis.sentiment  # noqa: E402
import pipeline.importer  # noqa: E402
import pipeline.ingest  # noqa: E402
import store.writer  # noqa: E402
from collectors import demo  # noqa: E402
from config import load_config  # noqa: E402
from store.engine import make_engine  # noqa: E402
from store.schema import mentions  # noqa: E402

TARGET_SECONDS = 120.0
TARGET_ROWS = 1_000_000
RENAMES = {
    "post_id": "id",
    "author_handle": "screen_name",
    "author_name": "name",
    "author_followers": "followers_count",
    "likes": "favorite_count",
    "replies": "reply_count",
    "reposts": "retweet_count",
    "quotes": "quote_count",
    "views": "impression_count",
    "parent_id": "in_reply_to_status_id",
    "thread_id": "conversation_id",
    "url": "permalink",
}
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo"]


def write_csv(path: Path, rows: int, seed: int = 11) -> None:
    """A tool-export-like CSV of about `rows` demo mentions (times in four zones, with offsets)."""
    frame = demo.generate(rows, days=365, seed=seed).head(rows)
    out = frame.drop(columns=["source", "retrieved_at", "matched"]).rename(columns=RENAMES)
    zone = pd.Series(ZONES * (len(out) // len(ZONES) + 1)).head(len(out)).to_numpy()
    stamps = pd.Series(index=out.index, dtype=object)
    for name in ZONES:
        rows_in_zone = zone == name
        local = out.loc[rows_in_zone, "created_at"].dt.tz_convert(name)
        stamps[rows_in_zone] = local.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    out["created_at"] = stamps
    out.to_csv(path, index=False)


class Stages:
    """Wall time spent in named functions (wrapped in place for the run, restored after)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._restore: list[tuple[object, str, object]] = []

    def wrap(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # the store's internals moved: time what still exists
            return

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        self._restore.append((owner, name, original))
        setattr(owner, name, timed)

    def wrap_iterator(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = original(*args, **kwargs)
            while True:
                started = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    self.seconds[label] += time.perf_counter() - started
                    return
                self.seconds[label] += time.perf_counter() - started
                yield item

        self._restore.append((owner, name, original))
        setattr(owner, name, timed)

    def restore(self) -> None:
        for owner, name, original in reversed(self._restore):
            setattr(owner, name, original)
        self._restore.clear()


def instrument() -> Stages:
    stages = Stages()
    stages.wrap_iterator(pipeline.importer, "read_chunks", "read CSV chunks (pyarrow, reading thread)")
    stages.wrap(pipeline.importer, "to_frame", "map columns, times, ids, brands (reading thread)")
    stages.wrap(pipeline.ingest, "conform", "ingest: conform")
    stages.wrap(analysis.sentiment, "score_frame", "ingest: sentiment (analysis.sentiment)")
    stages.wrap(analysis.flags, "assess", "ingest: reply flags (analysis.flags)")
    stages.wrap(store.writer, "existing_keys", "ingest: look up stored keys")
    stages.wrap(store.writer, "link_brand_replies", "ingest: link brand replies")
    stages.wrap(store.writer, "refresh_rollups", "ingest: hourly rollups")
    stages.wrap(store.writer, "upsert_rows", "ingest: upsert rows")
    stages.wrap(store.writer, "write_mentions", "ingest: write (upsert + links + rollups)")
    stages.wrap(pipeline.importer, "ingest", "ingest (pipeline.ingest.ingest, total)")
    return stages


def timed_import(
    db: Path, csv: Path, chunk_rows: int, profile: bool
) -> tuple[float, pipeline.importer.ImportResult, dict[str, float]]:
    engine = make_engine(f"sqlite:///{db}")  # creating and migrating the store is not timed
    config = load_config(None)
    stages = instrument()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    with profiler or contextlib.nullcontext():
        result = pipeline.importer.import_file(engine, config, csv, chunk_rows=chunk_rows)
    seconds = time.perf_counter() - started
    stages.restore()
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    engine.dispose()
    return seconds, result, dict(stages.seconds)


def baseline(db: Path, csv: Path) -> tuple[float, float, int]:
    engine = create_engine(f"sqlite:///{db}")
    started = time.perf_counter()
    frame = pd.read_csv(csv)
    read = time.perf_counter() - started
    frame.to_sql("plain", engine, index=False, chunksize=50_000)
    total = time.perf_counter() - started
    engine.dispose()
    return read, total, len(frame)


def stored_rows(db: Path) -> int:
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        count = int(conn.execute(select(func.count()).select_from(mentions)).scalar_one())
    engine.dispose()
    return count


def report(label: str, seconds: float, rows: int, stages: dict[str, float] | None = None) -> None:
    print(f"{label:<34} {seconds:8.1f} s  {rows / seconds:>10,.0f} rows/s")
    for name, value in sorted((stages or {}).items(), key=lambda kv: -kv[1]):
        print(f"    {name:<46} {value:7.1f} s  {100 * value / seconds:5.1f}%")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk-rows", type=int, default=pipeline.importer.CHUNK_ROWS)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the first import")
    parser.add_argument("--no-reimport", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        folder = Path(tmp)
        csv = folder / "export.csv"
        started = time.perf_counter()
        write_csv(csv, args.rows)
        print(
            f"built {csv.stat().st_size / 1e6:,.0f} MB CSV of {args.rows:,} rows in "
            f"{time.perf_counter() - started:.0f} s (not timed); chunks of {args.chunk_rows:,} rows\n"
        )
        seconds, result, stages = timed_import(folder / "store.db", csv, args.chunk_rows, args.profile)
        report("import (parse, map, score, store)", seconds, result.rows, stages)
        print("    " + "\n    ".join(result.lines()))
        print(f"    mentions stored: {stored_rows(folder / 'store.db'):,}")
        if not args.no_reimport:
            again_seconds, again, again_stages = timed_import(folder / "store.db", csv, args.chunk_rows, False)
            report("re-import (nothing new)", again_seconds, again.rows, again_stages)
            print(
                f"    new {again.new:,}, already stored {again.already_stored:,}; "
                f"mentions stored: {stored_rows(folder / 'store.db'):,}"
            )
        read, total, rows = baseline(folder / "plain.db", csv)
        report("baseline read_csv + to_sql", total, rows, {"read_csv": read, "to_sql": total - read})
        target = TARGET_SECONDS * result.rows / TARGET_ROWS
        verdict = "within" if seconds < target else "OVER"
        print(
            f"\nimport: {seconds:.1f} s for {result.rows:,} rows, {verdict} the target "
            f"({TARGET_SECONDS:.0f} s per {TARGET_ROWS:,} rows, i.e. {target:.1f} s here); "
            f"{seconds / total:.1f}x the plain baseline"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
