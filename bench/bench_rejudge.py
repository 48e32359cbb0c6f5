"""What `cli.py rejudge` costs on a big SQLite store, beside the plain baseline of ingesting as many mentions.

    PYTHONPATH=. .venv/bin/python bench/bench_rejudge.py STORE WORKDIR [--mentions N] [--chunk C] [--skip-baseline]

STORE is a seeded demo store (`cli.py seed-demo --mentions 1000000`); it is copied to WORKDIR/rejudge.db and left
as it is. In the copy about 1.5 % of the mentions get a stale reply flag (needs_reply, reasons and priority
turned around) and about 1 % a stale sentiment label, the share the issue expects after a formulas change; then
pipeline.rejudge.rejudge runs in a child process (wall, CPU, peak RSS, each chunk's time: how long a collection
waits for the write lock at most). The baseline, in another child process in the same run: seed-demo of N
mentions into an empty store (generation, scoring, flagging, writing: what a fresh ingest of as many costs).
The machine's load (/proc/loadavg) is printed before and after. Results also go to WORKDIR/results.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    return Path("/proc/loadavg").read_text().split(" ")[:3].__str__()


def _usage() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": own.ru_utime + own.ru_stime, "peak_rss_mb": own.ru_maxrss / 1024}


def child_rejudge(db: str, chunk: int) -> dict:
    from config import load_config
    from pipeline import rejudge
    from store.engine import make_engine

    engine = make_engine(f"sqlite:///{db}")
    config = load_config(None)
    times: list[float] = []
    last = [time.perf_counter()]

    def tick(_result: rejudge.RejudgeResult) -> None:
        now = time.perf_counter()
        times.append(now - last[0])
        last[0] = now

    start = time.perf_counter()
    result = rejudge.rejudge(engine, config, chunk=chunk, actor="bench", on_chunk=tick)
    wall = time.perf_counter() - start
    return {
        "wall_s": wall,
        **_usage(),
        "chunks": len(times),
        "chunk_median_s": statistics.median(times),
        "chunk_p95_s": sorted(times)[int(0.95 * (len(times) - 1))],
        "chunk_max_s": max(times),
        "first_chunk_s": times[0],
        "counts": result.counts,
        "done": result.done,
        "from_version": result.from_version,
    }


def child_ingest(db: str, mentions: int) -> dict:
    from config import load_config
    from pipeline.seed import seed_demo
    from store.engine import make_engine

    engine = make_engine(f"sqlite:///{db}")
    start = time.perf_counter()
    result = seed_demo(engine, load_config(None), mentions=mentions)
    return {"wall_s": time.perf_counter() - start, **_usage(), "new": result.new}


def stale(db: Path) -> dict[str, int]:
    """Turn about 1.5 % of the reply flags and 1 % of the sentiment labels around (what a formulas change leaves)."""
    conn = sqlite3.connect(db)
    with conn:
        flags = conn.execute(
            "UPDATE mentions SET needs_reply = 1 - needs_reply, "
            "flag_signals = CASE WHEN needs_reply = 1 THEN NULL ELSE 'question: stale' END, "
            "priority_base = CASE WHEN needs_reply = 1 THEN 0 ELSE 15 END WHERE id % 67 = 0"
        ).rowcount
        labels = conn.execute(
            "UPDATE mentions SET sentiment_label = CASE sentiment_label WHEN 'neutral' THEN 'positive' "
            "ELSE 'neutral' END WHERE id % 97 = 1 AND sentiment_label != 'unscored'"
        ).rowcount
    total = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    conn.close()
    return {"mentions": total, "stale_flags": flags, "stale_labels": labels}


def run_child(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", nargs="?")
    parser.add_argument("workdir", nargs="?")
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=5_000)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--child", nargs="*")
    options = parser.parse_args()
    if options.child:
        kind, db, number = options.child
        found = child_rejudge(db, int(number)) if kind == "rejudge" else child_ingest(db, int(number))
        print(json.dumps(found))
        return
    work = Path(options.workdir)
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"load_before": _load()}
    copy = work / "rejudge.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copy(options.store, copy)
    results["store"] = stale(copy)
    print("store:", results["store"], "load:", results["load_before"], flush=True)
    results["rejudge"] = run_child("rejudge", str(copy), str(options.chunk))
    results["load_after_rejudge"] = _load()
    print("rejudge:", json.dumps(results["rejudge"]), "load:", results["load_after_rejudge"], flush=True)
    if not options.skip_baseline:
        base = work / "baseline.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{base}{suffix}").unlink(missing_ok=True)
        results["ingest_baseline"] = run_child("ingest", str(base), str(options.mentions))
        print("baseline ingest:", json.dumps(results["ingest_baseline"]), flush=True)
    results["load_after"] = _load()
    print("load after:", results["load_after"])
    (work / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
