"""Import speed: CSV rows through `pipeline.importer.import_file` into SQLite, this tree against a baseline.

The CSV is built from the demo data set (collectors.demo.generate) and written the way other
tools export: their column names (id, screen_name, favorite_count, retweet_count,
in_reply_to_status_id, ...), times with UTC offsets in several zones, a brand column; `--distinct`
(default 0.6) of the rows get a text of their own (1,000,000 rows: about 600,000 distinct texts).
Building it is not timed. Then, in the same run, each in a child process of its own (so its
peak RSS is the import's own), one after another or with `--parallel` all at once (on a shared
machine each then runs under the same load):

- **this tree**: `import_file` into a fresh, migrated SQLite store (read in chunks, map columns,
  parse times, derive ids, sentiment, reply flags, brand-reply links, rollups, upsert);
- **baselines**: the same with the code of each `--baseline-ref` (repeatable; default `main`, from `git archive`);

then each baseline store's derived values (lang, sentiment, label, reply flags, priority, brand) are
compared row for row with this tree's: the trees must store the same. Each child's CPU counts the processes
it waited for (not VADER's pool when it is started through a forkserver: those are the forkserver's children);
memory is the child's own peak RSS, its largest waited-for child's, and the peak of all their proportional set
sizes summed (sampled every second: shared pages once).

`--stages` also times this tree's import in process, split by stage (each stage function wrapped
with a timer); `--reimport` the same file again (nothing new); `--plain` a bare `pd.read_csv` +
`DataFrame.to_sql` of the file (no mapping, no scoring, no upsert: a rerun would duplicate every row).

Run: .venv/bin/python bench/bench_import.py [--rows 1000000] [--distinct 0.6] [--stages] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import json
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sqlalchemy import create_engine, func, select  # noqa: E402

import analysis.flags  # noqa: E402
import analysis.language  # noqa: E402
import analysis.sentiment  # noqa: E402
import pipeline.importer  # noqa: E402
import pipeline.ingest  # noqa: E402
import store.writer  # noqa: E402
from collectors import demo  # noqa: E402
from config import load_config  # noqa: E402
from store.engine import make_engine  # noqa: E402
from store.schema import mentions, rollup_hourly  # noqa: E402

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


def write_csv(path: Path, rows: int, seed: int = 11, distinct: int = 0) -> int:
    """A tool-export-like CSV of about `rows` demo mentions (times in four zones, with offsets); returns its
    number of distinct texts.

    With `distinct`, about that many texts are distinct: rows picked at random get a reference of their own
    appended ("... (ref 123456)"), as exports of real posts differ far more than the demo's templates.
    """
    frame = demo.generate(rows, days=365, seed=seed).head(rows)
    more = distinct - frame["text"].nunique()
    if more > 0:
        picked = np.random.default_rng(seed).choice(len(frame), size=min(more, len(frame)), replace=False)
        refs = pd.Series(np.arange(len(picked)) + 100_000, index=frame.index[picked]).astype(str)
        frame.loc[frame.index[picked], "text"] = frame.loc[frame.index[picked], "text"] + " (ref " + refs + ")"
    out = frame.drop(columns=["source", "retrieved_at", "matched"]).rename(columns=RENAMES)
    zone = pd.Series(ZONES * (len(out) // len(ZONES) + 1)).head(len(out)).to_numpy()
    stamps = pd.Series(index=out.index, dtype=object)
    for name in ZONES:
        rows_in_zone = zone == name
        local = out.loc[rows_in_zone, "created_at"].dt.tz_convert(name)
        stamps[rows_in_zone] = local.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    out["created_at"] = stamps
    out.to_csv(path, index=False)
    return int(out["text"].nunique())


CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import pipeline.importer
from config import load_config
from store.engine import make_engine
engine = make_engine("sqlite:///" + sys.argv[2])
started = time.perf_counter()
result = pipeline.importer.import_file(engine, load_config(None), sys.argv[3])
seconds = time.perf_counter() - started
try:  # VmHWM: this process's own peak; ru_maxrss keeps the forking parent's peak across exec on Linux
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
usage = resource.getrusage(resource.RUSAGE_SELF)  # CPU time: less skewed than wall time by other jobs
children = resource.getrusage(resource.RUSAGE_CHILDREN)  # processes it waited for
cpu = usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": result.rows, "new": result.new, "peak_mb": peak,
                  "child_peak_mb": children.ru_maxrss / 1024}))
"""


def child_import(code: Path, db: Path, csv: Path) -> dict[str, float]:
    """`import_file` with the code in `code`, in a child process of its own (its peak RSS is the import's);
    `tree_pss_mb`: the peak, sampled every second, of the proportional set size summed over the child and its
    processes (a pool it waited for), pages they share counted once in all."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MONITOR_CONFIG")}
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(code), str(db), str(csv)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=code,
        env=env,
    )
    peak = [0.0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], sum(_pss_kb(pid) for pid in _tree(process.pid)) / 1024)
            time.sleep(1.0)  # smaps_rollup walks the page tables: sampled often it takes a core of its own

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"child failed ({code}):\n{err[-3000:]}")
    got: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    got["tree_pss_mb"] = peak[0]
    return got


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux /proc; just `pid` elsewhere)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(c) for c in children.read().split())
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
    except OSError:
        return 0


#: what ingest derives per row: the two trees must store the same values
DERIVED = ("lang", "sentiment", "sentiment_label", "needs_reply", "flag_signals", "priority_base", "brand", "matched")


def derived_values(db: Path) -> pd.DataFrame:
    """The derived columns of every stored mention, by (platform, post_id)."""
    engine = create_engine(f"sqlite:///{db}")  # as stored: the baseline's migrations may be newer than ours
    columns = [mentions.c.platform, mentions.c.post_id, *(mentions.c[c] for c in DERIVED)]
    with engine.connect() as conn:
        frame = pd.read_sql(select(*columns).order_by(mentions.c.platform, mentions.c.post_id), conn)
    engine.dispose()
    return frame


def rollups(db: Path) -> pd.DataFrame:
    """Every hourly rollup row as stored, by its key."""
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        frame = pd.read_sql(select(rollup_hourly).order_by(*rollup_hourly.primary_key.columns), conn)
    engine.dispose()
    return frame


def _differences(a: pd.DataFrame, b: pd.DataFrame, columns: list[str]) -> list[str]:
    """`columns` of `a` and `b` (same length) that differ in some row, with how many rows differ."""
    differ = []
    for column in columns:
        left, right = a[column], b[column]
        same = (left == right) | (left.isna() & right.isna())
        if not bool(same.all()):
            differ.append(f"{column} ({int((~same).sum()):,} rows)")
    return differ


def compare_stores(ours: Path, theirs: Path) -> str:
    """Whether both trees stored the same rows with the same derived values (row for row), and the same
    hourly rollups (every column, exactly)."""
    a, b = derived_values(ours), derived_values(theirs)
    if len(a) != len(b):
        return f"DIFFERENT: {len(a):,} rows stored against {len(b):,}"
    differ = _differences(a, b, ["platform", "post_id", *DERIVED])
    ra, rb = rollups(ours), rollups(theirs)
    if len(ra) != len(rb):
        differ.append(f"rollup_hourly: {len(ra):,} rows against {len(rb):,}")
    else:
        differ += [f"rollup_hourly.{d}" for d in _differences(ra, rb, list(ra.columns))]
    if differ:
        return f"DIFFERENT: {', '.join(differ)}"
    return f"identical: {len(a):,} rows, columns {', '.join(DERIVED)}; {len(ra):,} rollup_hourly rows, every column"


def extract(ref: str, folder: Path) -> Path:
    """The tree of git `ref`, extracted into `folder` (the baseline's code)."""
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


class Stages:
    """Wall time spent in named functions (wrapped in place for the run, restored after)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        #: the highest RSS (MB) sampled while the label was the innermost stage of the importing thread
        self.peak_mb: dict[str, float] = defaultdict(float)
        self._restore: list[tuple[object, str, object]] = []
        self._main = threading.get_ident()
        self._stack: list[str] = []
        self._sampling = threading.Event()

    def _sample(self) -> None:
        page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
        with open("/proc/self/statm") as statm:
            while not self._sampling.wait(0.02):
                statm.seek(0)
                rss = int(statm.read().split()[1]) * page_mb
                label = self._stack[-1] if self._stack else "(between stages)"
                self.peak_mb[label] = max(self.peak_mb[label], rss)

    def sample_memory(self) -> threading.Thread:
        """Sample this process's RSS every 20 ms until `restore` (Linux /proc)."""
        sampler = threading.Thread(target=self._sample, daemon=True)
        sampler.start()
        return sampler

    def wrap(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # the store's internals moved: time what still exists
            return

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            main = threading.get_ident() == self._main
            if main:
                self._stack.append(label)
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                if main:
                    self._stack.pop()

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
        self._sampling.set()
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
    stages.wrap(store.writer, "stored_versions", "ingest: look up stored versions")
    stages.wrap(store.writer, "own_posts_answered", "ingest: own posts answered")
    stages.wrap(analysis.language, "detect", "ingest: language detection")
    stages.wrap(pipeline.ingest, "enrich", "ingest: enrich (language, sentiment, flags)")
    stages.wrap(pipeline.ingest.touched, "ingest_days", "ingest: touched days")
    stages.wrap(pipeline.importer, "ingest", "ingest (pipeline.ingest.ingest, total)")
    stages.wrap(pipeline.importer, "ingest_frames", "ingest (pipeline.ingest.ingest_frames, total)")
    return stages


def timed_import(
    db: Path, csv: Path, chunk_rows: int, profile: bool
) -> tuple[float, pipeline.importer.ImportResult, dict[str, float]]:
    engine = make_engine(f"sqlite:///{db}")  # creating and migrating the store is not timed
    config = load_config(None)
    stages = instrument()
    stages.sample_memory()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    with profiler or contextlib.nullcontext():
        result = pipeline.importer.import_file(engine, config, csv, chunk_rows=chunk_rows)
    seconds = time.perf_counter() - started
    stages.restore()
    if profiler is not None:
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
            int(os.environ.get("PROFILE_LINES", "30"))
        )
    engine.dispose()
    print("peak RSS while the importing thread was in (innermost stage; the reading thread runs beside it):")
    for label, mb in sorted(stages.peak_mb.items(), key=lambda kv: -kv[1]):
        print(f"    {label:<46} {mb:7,.0f} MB")
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


def _load() -> str:
    """/proc/loadavg's three averages (1, 5, 15 minutes)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _db(folder: Path, label: str) -> Path:
    return folder / f"{label.replace(' ', '_').replace('/', '_')}.db"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=float, default=0.6, help="share of rows with a text of their own")
    parser.add_argument(
        "--baseline-ref",
        action="append",
        help="git ref whose import is a baseline (repeatable: each in the same run; default main)",
    )
    parser.add_argument(
        "--parallel",
        action="store_true",
        help="run this tree's and the baselines' imports at once (same load for each; on a shared machine)",
    )
    parser.add_argument("--no-compare", action="store_true", help="skip the child-process runs (this tree, baseline)")
    parser.add_argument("--stages", action="store_true", help="also time this tree's import in process, by stage")
    parser.add_argument("--chunk-rows", type=int, default=pipeline.importer.CHUNK_ROWS)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the in-process import")
    parser.add_argument("--reimport", action="store_true", help="time importing the same file again (in process)")
    parser.add_argument("--plain", action="store_true", help="also time read_csv + to_sql of the file")
    args = parser.parse_args(argv)
    print(f"load average at start: {_load()} (2 cores, shared with other jobs)")
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        folder = Path(tmp)
        csv = folder / "export.csv"
        started = time.perf_counter()
        texts = write_csv(csv, args.rows, distinct=int(args.rows * args.distinct))
        print(
            f"built {csv.stat().st_size / 1e6:,.0f} MB CSV of {args.rows:,} rows, {texts:,} distinct texts, in "
            f"{time.perf_counter() - started:.0f} s (not timed)\n"
        )
        if not args.no_compare:
            refs = args.baseline_ref or ["main"]
            codes = {"this tree": ROOT, **{ref: extract(ref, folder / f"base{i}") for i, ref in enumerate(refs)}}
            print(f"load average before the imports: {_load()}", flush=True)
            with ThreadPoolExecutor(max_workers=len(codes) if args.parallel else 1) as pool:
                futures = {
                    label: pool.submit(child_import, code, _db(folder, label), csv) for label, code in codes.items()
                }
                runs = {}
                for label, future in futures.items():
                    got = runs[label] = future.result()
                    print(
                        f"{label:<12} import {got['seconds']:7.1f} s  (CPU {got.get('cpu', float('nan')):7.1f} s)  "
                        f"{got['rows'] / got['seconds']:>8,.0f} rows/s  "
                        f"peak RSS {got['peak_mb']:,.0f} MB (children {got.get('child_peak_mb', 0):,.0f} MB, all by PSS "
                        f"{got.get('tree_pss_mb', 0):,.0f} MB)  new {got['new']:,.0f}  (load average now: {_load()})",
                        flush=True,
                    )
            for ref in refs:
                speedup = runs[ref]["seconds"] / runs["this tree"]["seconds"]
                cpu = runs[ref].get("cpu", float("nan")) / runs["this tree"].get("cpu", float("nan"))
                print(f"this tree is {speedup:.2f}x as fast as {ref} (CPU time: {cpu:.2f}x)")
                print(f"stored values against {ref}: {compare_stores(_db(folder, 'this tree'), _db(folder, ref))}")
        if args.stages or args.profile:
            seconds, result, stages = timed_import(folder / "store.db", csv, args.chunk_rows, args.profile)
            report("import in process (parse, map, score, store)", seconds, result.rows, stages)
            print("    " + "\n    ".join(result.lines()))
            print(f"    mentions stored: {stored_rows(folder / 'store.db'):,}")
            if args.reimport:
                again_seconds, again, again_stages = timed_import(folder / "store.db", csv, args.chunk_rows, False)
                report("re-import (nothing new)", again_seconds, again.rows, again_stages)
                print(
                    f"    new {again.new:,}, already stored {again.already_stored:,}; "
                    f"mentions stored: {stored_rows(folder / 'store.db'):,}"
                )
        if args.plain:
            read, total, rows = baseline(folder / "plain.db", csv)
            report("plain read_csv + to_sql", total, rows, {"read_csv": read, "to_sql": total - read})
    print(f"load average at end: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
