"""PostgreSQL at 10M: the dashboard pages over a big PostgreSQL store, and what the store costs.

Reuses bench/bench_pages.py's method (each page under Streamlit's AppTest in a process of its
own that plays the server, app.py on every rerun). Per page:

- first render: app.py's first run, then the switch to the page (cold caches: its SQL reads);
- rerun: a rerun with nothing changed (median / max of --reruns);
- after a write: a batch of 5, 20 or 100 new mentions is ingested (ingest: upsert, rollups of
  the touched hours, data_version bump) by another process (as the scheduler would: its imports and
  frames are not the dashboard's), then the page reruns and re-reads;
- memory: the page process's peak resident set size, and its resident set at the end.

The plain baseline, measured in the same run: the Overview's headline numbers (mentions,
engagements, positive/negative, open flagged, last 30 days, one brand) computed straight from
the `mentions` table on every rerun, no rollups, no cache: what each rerun would cost without them.

Database: `pg_total_relation_size` of every table (mentions and its indexes, rollups), the
database size, and the row count.

Run: .venv/bin/python bench/bench_pg_scale.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_perfpg
     [--reruns 10] [--pages overview,queue] [--baseline main] [--restart] [--write]

--baseline REF runs every page's child over REF's code too (`git archive REF`), before this tree's, on the
same store in the same run; the method (this script's child and writer) is this tree's for both codes. --restart empties the store's part cache (store.readcache) before each code's
first child of a page ("empty") and then runs that child again ("restarted": a new server process that
finds what the first one kept).
(seed first: DATABASE_URL=<url> .venv/bin/python cli.py seed-demo --mentions 1000000 --days 365 --seed N
for N in 1..10). --write puts the tables in the "PostgreSQL at 10M" section of bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_pages  # noqa: E402  (the page method: AppTest runs, timing, memory)

PAGES = ["overview", "engagement", "sentiment", "queue", "sources"]
WRITE_SIZES = (5, 20, 100)
PLAIN_SQL = """
SELECT count(*) AS mentions,
       coalesce(sum(coalesce(likes,0) + coalesce(replies,0) + coalesce(reposts,0) + coalesce(quotes,0)), 0),
       sum(CASE WHEN sentiment_label = 'positive' THEN 1 ELSE 0 END),
       sum(CASE WHEN sentiment_label = 'negative' THEN 1 ELSE 0 END),
       sum(CASE WHEN needs_reply AND s.first_response_at IS NULL
                 AND coalesce(s.status, 'new') IN ('new', 'assigned') THEN 1 ELSE 0 END)
FROM mentions m LEFT JOIN mention_state s ON s.mention_id = m.id
WHERE m.brand = 'Acme' AND NOT m.is_own AND m.created_at >= %(start)s AND m.created_at < %(end)s
"""


# ---------------------------------------------------------------------------------------------- child


USER = "bench-pg-scale"


def _account(url: str) -> None:
    """The admin account the bench signs in as (created once)."""
    from store import accounts
    from store.engine import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        if accounts.get(conn, USER) is None:
            accounts.add(conn, USER, "admin", "bench-pg-scale-password", actor="bench")
    engine.dispose()


class Ingester:
    """Adds `n` fresh demo mentions dated now (ids of their own), as a collection run would."""

    def __init__(self, url: str) -> None:
        import tomllib

        from config import DEMO_TOML, parse_config
        from store.engine import make_engine

        self.engine = make_engine(url)
        self.brands = parse_config(tomllib.loads(DEMO_TOML), None).brands
        self.batches = 0

    def write(self, n: int) -> int:
        """`n` new mentions of others, posted in the last minutes (as a collection run stores them)."""
        from collectors import demo
        from pipeline.ingest import ingest

        self.batches += 1
        base = 900_000_000_000 + (os.getpid() % 10_000) * 10_000_000 + self.batches * 10_000
        made = demo.generate(mentions=2 * n + 2, days=1, seed=self.batches, id_base=base, source="demo:bench")
        frame = made[~made["is_own"]].head(n).reset_index(drop=True)
        now = datetime.now(UTC)
        frame["created_at"] = pd.to_datetime([now - timedelta(seconds=20 * (i + 1)) for i in range(len(frame))])
        frame["kind"], frame["parent_id"], frame["thread_id"] = "post", None, None
        return ingest(self.engine, frame, self.brands).new


def ingester(url: str) -> None:
    """`--ingester`: an Ingester in a process of its own, as the scheduler is: one batch size per line
    on stdin, the count of new mentions stored per line on stdout."""
    writes = Ingester(url)
    for line in sys.stdin:
        print(writes.write(int(line)), flush=True)
    writes.engine.dispose()


class Writer:
    """The collections the pages see, from another process (the scheduler's, not the dashboard's): its
    imports and frames are not counted in the page process's memory."""

    def __init__(self, url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--ingester", "--url", url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )

    def write(self, n: int) -> int:
        """Store `n` new mentions and wait until they are committed."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{n}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer.strip():
            raise RuntimeError(f"the writer process stopped (exit {self.process.wait()})")
        return int(answer)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=120)


def _peak_mb() -> float:
    """This process's peak resident set size (MB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_mb() -> float:
    """This process's resident set size now (MB), from /proc/self/status."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(name: str, url: str, reruns: int, root: Path = ROOT) -> dict[str, Any]:
    """One page over the code at `root` (this tree or a baseline's `git archive`), measured by this script."""
    os.environ["DATABASE_URL"] = url
    os.environ.pop("MONITOR_CONFIG", None)
    root = root.resolve()
    os.chdir(root)
    sys.path.insert(0, str(root))  # the pages' code (store/, ui/, ...) from `root`, before this tree's
    if name == "plain":
        return {"name": name, **plain(url, reruns), "peak_mb": _peak_mb()}
    _account(url)
    from streamlit.testing.v1 import AppTest

    bench_pages._serve_like_a_server()
    at = AppTest.from_file(str(root / "app.py"), default_timeout=bench_pages.TIMEOUT)
    at.session_state["auth_user"] = USER  # signed in (ui/auth.USER), as after the sign-in form
    if name != "overview":
        at.switch_page(f"pages/{name}.py")
    result: dict[str, Any] = {"name": name, "first_s": bench_pages._timed(at)}  # a fresh server's first render
    result["title"] = at.title[0].value if at.title else ""
    pages_code = Path(sys.modules["ui.context"].__file__ or "").resolve()
    if not pages_code.is_relative_to(root):
        raise RuntimeError(f"{name}: the pages ran {pages_code}, not the code under {root}")
    if result["title"] in ("", "Sign in"):
        raise RuntimeError(f"{name}: the page did not render (title {result['title']!r})")
    bench_pages._timed(at)  # settle: the first rerun after the first render
    warm = [bench_pages._timed(at) for _ in range(reruns)]
    result |= {"rerun_median_s": statistics.median(warm), "rerun_max_s": max(warm)}
    if name == "queue":  # paging: pages 2, 3, 50 and 1 of the queue, each a rerun (bench_pages' method)
        paging = []
        for number in (2, 3, 50, 1):
            at.session_state["queue_page_no"] = number
            paging.append(bench_pages._timed(at))
        result["paging_s"] = paging
    writer = Writer(url)
    after: list[float] = []
    written = 0
    for size in WRITE_SIZES * max(1, reruns // len(WRITE_SIZES)):
        written += writer.write(size)
        after.append(bench_pages._timed(at))
        bench_pages._timed(at)  # and the rerun after it is warm again
    writer.close()
    result |= {"after_write_median_s": statistics.median(after), "after_write_max_s": max(after), "written": written}
    result |= {"peak_mb": _peak_mb(), "end_mb": _current_mb()}
    return result


def plain(url: str, reruns: int) -> dict[str, Any]:
    """The baseline: the Overview's headline numbers straight from `mentions`, every rerun."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    times = []
    with psycopg.connect(conninfo) as conn:
        for _ in range(reruns + 1):
            started = time.perf_counter()
            for start, stop in ((end - timedelta(days=30), end), (end - timedelta(days=60), end - timedelta(days=30))):
                conn.execute(PLAIN_SQL, {"start": start, "end": stop}).fetchone()
            times.append(time.perf_counter() - started)
    return {"first_s": times[0], "rerun_median_s": statistics.median(times[1:]), "rerun_max_s": max(times[1:])}


# ---------------------------------------------------------------------------------------------- growing the store


def grow(url: str, copies: int, first: int = 1, shift_minutes: int = 7) -> None:
    """Copy the stored seed in SQL as copies `first`..`copies`: fresh post ids (`~k` suffix, threads
    kept), each copy `k * shift_minutes` earlier; brand-reply states copied with them; then
    rollup_hourly once, whole.

    The shortcut for a 10M store when `seed-demo` is too slow on a shared machine: each copy has
    the seed's shape (a year of mentions, its brands, platforms, sentiment and threads), as another
    `--seed` would, with the same texts. The secondary indexes of `mentions` are dropped for the
    copy and built again after it (their exact definitions, read from the catalog).
    """
    import psycopg

    from store import touched
    from store.engine import make_engine
    from store.writer import INSERT_COLUMNS, bump_data_version, refresh_rollups

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    suffixed = {"post_id", "parent_id", "thread_id"}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        defs = conn.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, "
            "pg_get_constraintdef(c.oid) FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
            "AND c.conrelid = i.indrelid WHERE i.indrelid = 'mentions'::regclass AND NOT i.indisprimary"
        ).fetchall()
        for index, _, constraint, _ in defs:
            conn.execute(f"ALTER TABLE mentions DROP CONSTRAINT {constraint}" if constraint else f"DROP INDEX {index}")
        for k in range(first, copies + 1):
            shift = f"interval '{k * shift_minutes} minutes'"
            exprs = []
            for c in INSERT_COLUMNS:
                if c in suffixed:
                    exprs.append(f"{c} || '~{k}'")
                elif c == "created_at":
                    exprs.append(f"created_at - {shift}")
                elif c == "day":
                    exprs.append(f"((created_at - {shift}) AT TIME ZONE 'UTC')::date")
                else:
                    exprs.append(c)
            started = time.perf_counter()
            conn.execute(
                f"INSERT INTO mentions ({', '.join(INSERT_COLUMNS)}) SELECT {', '.join(exprs)} FROM mentions "
                "WHERE strpos(post_id, '~') = 0"
            )
            print(f"copy {k}: {time.perf_counter() - started:.0f} s, load {_load()}", flush=True)
        started = time.perf_counter()
        for _, indexdef, constraint, condef in defs:
            conn.execute(f"ALTER TABLE mentions ADD CONSTRAINT {constraint} {condef}" if constraint else indexdef)
        print(f"{len(defs)} indexes built: {time.perf_counter() - started:.0f} s, load {_load()}", flush=True)
        started = time.perf_counter()
        conn.execute(
            "INSERT INTO mention_state (mention_id, status, first_response_at, response_post_id, responded_by, "
            "updated_at, updated_by, version) "
            "SELECT c.id, s.status, s.first_response_at - k * interval '1 minute' * %(shift)s::int, "
            "s.response_post_id || '~' || k, s.responded_by, s.updated_at, s.updated_by, s.version "
            "FROM mention_state s JOIN mentions m ON m.id = s.mention_id AND strpos(m.post_id, '~') = 0 "
            "CROSS JOIN generate_series(%(first)s::int, %(last)s::int) AS k "
            "JOIN mentions c ON c.platform = m.platform AND c.post_id = m.post_id || '~' || k "
            "ON CONFLICT (mention_id) DO NOTHING",
            {"shift": shift_minutes, "first": first, "last": copies},
        )
        conn.execute("ANALYZE mentions")
        conn.execute("ANALYZE mention_state")
        print(f"states copied: {time.perf_counter() - started:.0f} s, load {_load()}", flush=True)
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as sa:
        row = sa.exec_driver_sql("SELECT date_trunc('hour', min(created_at)), max(created_at) FROM mentions").one()
        low: datetime = row[0]
        high: datetime = row[1]
        refresh_rollups(sa, [(low, high + timedelta(hours=1))])
        bump_data_version(sa)
        # recorded as touching every day: unrecorded, the bump would make the first collection after it
        # count as touching every day too (store.touched), and a bench's first write re-read the year
        touched.record(sa, None)
    engine.dispose()
    print(f"rollup_hourly rebuilt: {time.perf_counter() - started:.0f} s, load {_load()}", flush=True)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"vacuumed, load {_load()}", flush=True)


# ---------------------------------------------------------------------------------------------- parent


def sizes(url: str) -> dict[str, Any]:
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as conn:
        one = lambda sql: conn.execute(sql).fetchone() or (None, None)  # noqa: E731
        count = one("SELECT count(*) FROM mentions")[0]
        first, last = one("SELECT min(created_at), max(created_at) FROM mentions")
        rollups = one("SELECT count(*) FROM rollup_hourly")[0]
        database = one("SELECT pg_database_size(current_database())")[0]
        tables = conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), pg_indexes_size(c.oid) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY 2 DESC LIMIT 6"
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexrelname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes "
            "WHERE relname = 'mentions' ORDER BY 2 DESC"
        ).fetchall()
    return {
        "mentions": count,
        "first": str(first)[:10],
        "last": str(last)[:10],
        "rollup_rows": rollups,
        "database_bytes": database,
        "tables": [list(t) for t in tables],
        "indexes": [list(i) for i in indexes],
    }


def run(name: str, url: str, reruns: int, root: Path = ROOT) -> dict[str, Any]:
    """This script's `--child name` over the code at `root` in a process of its own: its JSON line,
    with the load average before and after. The method (this file) is the same for every code measured."""
    before = _load()
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            name,
            "--root",
            str(root),
            "--url",
            url,
            "--reruns",
            str(reruns),
        ],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=3 * bench_pages.TIMEOUT,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{name} ({root}) failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return {**json.loads(lines[-1]), "load_before": before, "load": _load()}


def warm_up(url: str, page: str, root: Path = ROOT) -> dict[str, Any]:
    """`cli.py warm --page PAGE` for the default brand (the bench child's) over the code at `root`: wall, the
    child's CPU and peak resident set (its own rusage), and the load before and after."""
    from config import load_config

    brand = next(b.name for b in load_config(None).own_brands())
    before = _load()
    started = time.perf_counter()
    command = [sys.executable, str(root / "cli.py"), "warm", "--brand", brand, "--page", page]
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("MONITOR_CONFIG", None)
    child = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    out = child.stdout.read().decode() if child.stdout else ""
    if status != 0:
        error = child.stderr.read().decode() if child.stderr else ""
        raise RuntimeError(f"warm-up of {page} failed:\n{out}\n{error[-3000:]}")
    return {
        "warm_s": time.perf_counter() - started,
        "warm_cpu_s": usage.ru_utime + usage.ru_stime,
        "warm_peak_mb": usage.ru_maxrss / 1024,
        "warm_out": out.strip().splitlines(),
        "warm_load_before": before,
        "warm_load": _load(),
    }


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def table(results: list[dict[str, Any]], plain_result: dict[str, Any]) -> str:
    ms = lambda s: f"{s * 1000:,.0f}"  # noqa: E731
    rows = [
        "| page, code | first render (s) | rerun median / max (ms) | after a write median / max (ms) | peak / end memory (MB) "
        "| load before / after |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        name = f"{r['name']}, {r['code']}" if r.get("code") else r["name"]
        if "warm_s" in r:
            name += f" (warm-up before: {r['warm_s']:.1f} s, {r['warm_cpu_s']:.1f} s CPU, {r['warm_peak_mb']:,.0f} MB)"
        rows.append(
            f"| {name} | {r['first_s']:.2f} | {ms(r['rerun_median_s'])} / {ms(r['rerun_max_s'])} | "
            f"{ms(r['after_write_median_s'])} / {ms(r['after_write_max_s'])} | {r['peak_mb']:,.0f} / {r.get('end_mb', 0):,.0f} | "
            f"{r.get('load_before', '')} / {r.get('load', '')} |"
        )
        if r.get("paging_s"):
            rows.append(f"| {name} paging (pages 2, 3, 50, 1) | | {', '.join(ms(v) for v in r['paging_s'])} | | | |")
    p = plain_result
    rows.append(
        f"| **plain SQL** (Overview numbers from `mentions`) | {p['first_s']:.2f} | "
        f"{ms(p['rerun_median_s'])} / {ms(p['rerun_max_s'])} | same as rerun | - | "
        f"{p.get('load_before', '')} / {p.get('load', '')} |"
    )
    return "\n".join(rows)


def size_table(info: dict[str, Any]) -> str:
    gb = lambda b: f"{b / 1024**3:,.2f}"  # noqa: E731
    rows = ["| table | total (GB) | data (GB) | indexes (GB) |", "|---|---:|---:|---:|"]
    rows += [f"| {name} | {gb(total)} | {gb(data)} | {gb(idx)} |" for name, total, data, idx in info["tables"]]
    rows.append(f"| **database** | {gb(info['database_bytes'])} | | |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=False, default=os.environ.get("DATABASE_URL"), help="a seeded PostgreSQL")
    parser.add_argument("--reruns", type=int, default=9)
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated subset of pages")
    parser.add_argument("--write", action="store_true", help="print the section for bench/README.md")
    parser.add_argument("--grow", type=int, default=0, help="copy the stored seed up to this many times (SQL)")
    parser.add_argument("--grow-from", type=int, default=1, help="the first copy's number (copies made before)")
    parser.add_argument("--baseline", help="a git ref measured beside this tree, page by page (git archive)")
    parser.add_argument(
        "--restart",
        action="store_true",
        help="per page and code: empty the part cache, run the child, run it again (a restarted server)",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="per page: empty the part cache, run `cli.py warm --page PAGE` (the default brand), then the child "
        "(the first server on a store whose cache the scheduler's warm-up filled)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    parser.add_argument("--ingester", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.url or not args.url.startswith("postgresql"):
        sys.exit("give --url postgresql+psycopg://... (a seeded PostgreSQL database; see the docstring)")
    if args.child:
        print(json.dumps(child(args.child, args.url, args.reruns, Path(args.root))))
        return
    if args.ingester:
        ingester(args.url)
        return
    if args.grow:
        grow(args.url, args.grow, args.grow_from)
        return
    baseline = bench_pages.baseline_tree(args.baseline) if args.baseline else None
    try:
        measure(args, baseline)
    finally:
        if baseline is not None:
            shutil.rmtree(baseline, ignore_errors=True)


def measure(args: argparse.Namespace, baseline: Path | None) -> None:
    info = sizes(args.url)
    print(json.dumps({"sizes": info, "load": _load()}), flush=True)
    codes = [(f"{args.baseline}", baseline)] if baseline is not None else []
    codes.append(("this tree" if baseline is not None else "", ROOT))
    results = []
    for name in args.pages.split(","):
        for code, root in codes:
            modes = [
                "empty",
                *(["warmed"] if args.warm and root == ROOT else []),
                *(["restarted"] if args.restart else []),
            ]
            for mode in modes if len(modes) > 1 else [""]:
                warmed: dict[str, Any] = {}
                if mode in ("empty", "warmed"):
                    bench_pages.clear_part_cache(args.url)
                if mode == "warmed":
                    warmed = warm_up(args.url, name, root)
                    print(json.dumps(warmed), flush=True)
                result = run(name, args.url, args.reruns, root)
                result.update(warmed)
                result["code"] = ", ".join(p for p in (code, mode) if p)
                results.append(result)
                print(json.dumps(results[-1]), flush=True)
    plain_result = run("plain", args.url, args.reruns)
    print(json.dumps(plain_result), flush=True)
    print(table(results, plain_result))
    print(size_table(info))
    if args.write:
        out = ROOT / "bench" / "pg_scale_last.json"
        out.write_text(json.dumps({"sizes": info, "pages": results, "plain": plain_result}, indent=1))
        print(f"raw figures: {out}")


if __name__ == "__main__":
    main()
