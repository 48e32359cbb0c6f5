"""Store benchmark: `seed-demo` into an empty store, then into a populated one, against main's code.

    .venv/bin/python bench/bench_store.py [--mentions 1000000] [--baseline-mentions 200000]
        [--postgres URL] [--no-sqlite] [--no-baseline]

Each measurement runs in a child process of its own (so its peak RSS is its own):
`pipeline.seed.seed_demo(mentions=N, seed=1)` into a fresh store ("empty"), then
`seed_demo(mentions=N, seed=2)` into that store, which now holds N mentions ("populated"): the
case of a large import or backfill into a team's store. The figure is populated / empty (the
target: at most 1.5x). The baseline is the same two steps with the code of `--baseline-ref`
(default `main`, extracted with `git archive`), measured in the same run, at
`--baseline-mentions` (its populated case took 906.7 s at 1,000,000 on PostgreSQL, too long to
repeat in every run). PostgreSQL: each child gets a schema of its own in the `--postgres`
database, dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

CHILD = """
import json, resource, sys, time
from datetime import datetime, UTC
sys.path.insert(0, sys.argv[1])
from config import load_config
from pipeline.seed import seed_demo
from store.engine import make_engine
url, mentions = sys.argv[2], int(sys.argv[3])
end = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
engine = make_engine(url)
config = load_config(None)
out = {}
for label, seed in (("empty", 1), ("populated", 2)):
    started = time.perf_counter()
    result = seed_demo(engine, config, mentions=mentions, seed=seed, end=end)
    out[label] = time.perf_counter() - started
    out[label + "_new"] = result.new
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
engine.dispose()
print(json.dumps(out))
"""


def child_json(script: str, code: Path, *args: str) -> dict[str, float]:
    """Run `script` with the code in `code` in a child process of its own (its peak memory is the
    child's); the last line it prints is JSON. No DATABASE_URL or MONITOR_CONFIG reaches it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MONITOR_CONFIG")}
    done = subprocess.run(
        [sys.executable, "-c", script, str(code), *args],
        capture_output=True,
        text=True,
        cwd=code,
        env=env,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"child failed ({code}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_child(code: Path, url: str, mentions: int) -> dict[str, float]:
    return child_json(CHILD, code, url, str(mentions))


def targets(folder: Path, postgres: str | None, sqlite: bool) -> list[tuple[str, str, str | None]]:
    """(database label, URL, PostgreSQL schema to drop) for one child."""
    out: list[tuple[str, str, str | None]] = []
    if sqlite:
        out.append(("SQLite", f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.db'}", None))
    if postgres:
        from store.engine import database_url

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with create_engine(database_url(postgres)).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in postgres else "?"
        out.append(("PostgreSQL", f"{database_url(postgres)}{sep}options=-csearch_path%3D{schema}", schema))
    return out


def drop(postgres: str | None, schema: str | None) -> None:
    if postgres and schema:
        from store.engine import database_url

        with create_engine(database_url(postgres)).begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--baseline-mentions", type=int, default=200_000)
    parser.add_argument("--baseline-ref", default="main")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores, shared with other jobs)")
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        folder = Path(tmp)
        runs: list[tuple[str, Path, int]] = [("this branch", ROOT, args.mentions)]
        if not args.no_baseline:
            base = folder / "baseline"
            base.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.baseline_ref], capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
            runs += [(args.baseline_ref, base, args.baseline_mentions)]
            if args.baseline_mentions != args.mentions:
                runs.insert(1, ("this branch", ROOT, args.baseline_mentions))
        print(f"{'code':<12} {'database':<10} {'N':>9} {'empty':>9} {'populated':>10} {'ratio':>6} {'peak RSS':>9}")
        for label, code, mentions in runs:
            for database, url, schema in targets(folder, args.postgres, not args.no_sqlite):
                try:
                    got = run_child(code, url, mentions)
                finally:
                    drop(args.postgres, schema)
                print(
                    f"{label:<12} {database:<10} {mentions:>9,} {got['empty']:>8.1f}s {got['populated']:>9.1f}s "
                    f"{got['populated'] / got['empty']:>5.2f}x {got['peak_mb']:>7,.0f}MB"
                    f"  (new: {got['empty_new']:,.0f} then {got['populated_new']:,.0f})",
                    flush=True,
                )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
