"""Page speed after a collection and at first start: every dashboard page, this branch against main.

Each (code, page) runs under Streamlit's AppTest in a process of its own (the process plays a
freshly started server), signed in, app.py included on every rerun as in a server. The same
child runs twice per page: once over this tree and once over the baseline, the main branch's
code (`git archive main` into a temporary folder), both on the same database in the same run.
Measured per page:

- first render: the first run of a fresh process that shows the page (imports, first queries,
  app.py and the page; Reports builds its report);
- warm rerun: median of reruns with nothing new (a click);
- after a collection: `ROUNDS` times, N new mentions (5, 100, 5) are stored through
  pipeline.ingest (the scheduler's path) on the last stored day, then the page reruns: that
  rerun is timed (median and max);
- queue paging (queue page only): pages 2, 3, 50 and 1 of the reply queue, each a rerun;
- peak memory: the process's maximum resident set size.

Before the first render each child stores one small collection (so both codes start from a
store whose last write they wrote themselves). The database grows by ~120 mentions a child.

Run: .venv/bin/python bench/bench_pages.py --db /tmp/m1m.db [--db postgresql+psycopg://...] [--write]
Profile one page after a collection (the script thread, where Streamlit runs the page):
.venv/bin/python bench/bench_pages.py --child overview --root . --db /tmp/m1m.db --profile /tmp/overview.prof
(--statements /tmp/overview.json: every SQL statement of those reruns, timed).
(seed first: DATABASE_URL=sqlite:////tmp/m1m.db .venv/bin/python cli.py seed-demo --mentions 1000000).
--write puts the tables in a subsection of bench/README.md's "Pages" section (its other subsections are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "engagement", "sentiment", "queue", "reports", "sources"]
SIZES = (5, 100, 5)
TIMEOUT = 900
USER = "bench-pages"


# ---------------------------------------------------------------------------------------------- child


def _serve_like_a_server() -> None:
    """Run app.py on every AppTest rerun, as a server does (see tests/test_app_support.py)."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]


def _timed(at: Any) -> float:
    started = time.perf_counter()
    at.run(timeout=TIMEOUT)
    took = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"the page failed: {[e.value for e in at.exception]}")
    return took


def _collect(url: str, size: int) -> None:
    """Store `size` new demo mentions just after the newest stored one, as a collection does."""
    import pandas as pd

    from collectors import demo
    from config import load_config
    from pipeline.ingest import ingest
    from store.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            newest = pd.Timestamp(conn.exec_driver_sql("SELECT max(created_at) FROM mentions").scalar())
        newest = newest.tz_localize("UTC") if newest.tzinfo is None else newest.tz_convert("UTC")
        seed = random.randint(1, 10**6)
        frame = demo.generate(
            size * 2, days=1, seed=seed, end=newest.to_pydatetime(), id_base=8 * 10**12 + seed * 10**6
        )
        frame = frame[~frame["is_own"]].head(size).copy()
        frame["created_at"] = newest + pd.Timedelta(seconds=1)  # the newest day: what a collection adds
        ingest(engine, frame, load_config(None).brands)
    finally:
        engine.dispose()


def _account(url: str) -> None:
    from store import accounts
    from store.engine import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        if accounts.get(conn, USER) is None:
            accounts.add(conn, USER, "admin", "bench-pages-password", actor="bench")
    engine.dispose()


def _profiled(profile: str | None) -> Any:
    """With a file name: a cProfile.Profile that runs inside the AppTest script thread while `on` is
    set (Streamlit runs the page in a thread of its own, which a profile of the main thread misses)."""
    if not profile:
        return None
    import cProfile

    from streamlit.runtime.scriptrunner import script_runner

    profiler = cProfile.Profile()
    profiler.on = False  # type: ignore[attr-defined]
    original = script_runner.ScriptRunner._run_script

    def run_script(self: Any, rerun_data: Any) -> None:
        if not profiler.on:  # type: ignore[attr-defined]
            return original(self, rerun_data)
        profiler.enable()
        try:
            return original(self, rerun_data)
        finally:
            profiler.disable()

    script_runner.ScriptRunner._run_script = run_script  # type: ignore[method-assign]
    return profiler


class _Statements:
    """With a file name: every SQL statement the page's reruns after a collection send, timed (start of
    execute to its end, rows fetched later not included), with the rerun it belongs to."""

    def __init__(self, path: str | None) -> None:
        self.path, self.on, self.rerun = path, False, 0
        self.rows: list[dict[str, Any]] = []
        if not path:
            return
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if not self.on:
            return
        took = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
        self.rows.append({"rerun": self.rerun, "ms": took * 1000, "sql": " ".join(statement.split())[:300]})

    def dump(self, reruns: list[float]) -> None:
        if self.path:
            Path(self.path).write_text(json.dumps({"reruns_s": reruns, "statements": self.rows}), encoding="utf-8")


def child(
    root: str, page: str, url: str, reruns: int, profile: str | None = None, statements: str | None = None
) -> dict[str, Any]:
    started = time.perf_counter()
    root = str(Path(root).resolve())  # AppTest resolves a relative path against the calling file
    os.environ["DATABASE_URL"] = url
    os.environ.pop("MONITOR_CONFIG", None)
    os.chdir(root)
    sys.path.insert(0, root)
    _account(url)
    _collect(url, SIZES[0])
    from streamlit.testing.v1 import AppTest

    _serve_like_a_server()
    profiler = _profiled(profile)
    timed = _Statements(statements)
    at = AppTest.from_file(str(Path(root) / "app.py"), default_timeout=TIMEOUT)
    at.session_state["auth_user"] = USER
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    first = _timed(at)
    title = at.title[0].value if at.title else ""
    for _ in range(2):
        _timed(at)
    warm = [_timed(at) for _ in range(reruns)]
    after: list[float] = []
    for size in SIZES:
        _collect(url, size)
        if profiler is not None:
            profiler.on = True
        timed.on, timed.rerun = True, len(after)
        after.append(_timed(at))
        timed.on = False
        if profiler is not None:
            profiler.on = False
    timed.dump(after)
    if profiler is not None and profile:
        profiler.dump_stats(profile)  # the reruns after a collection only (pstats: divide by len(SIZES))
    paging: list[float] = []
    if page == "queue":
        for number in (2, 3, 50, 1):  # pages of the queue, as the pagination widget picks them
            at.session_state["queue_page_no"] = number
            paging.append(_timed(at))
    return {
        "page": page,
        "title": title,
        "first_s": first,
        "process_s": time.perf_counter() - started,
        "warm_median_s": statistics.median(warm),
        "after_s": after,
        "after_median_s": statistics.median(after),
        "after_max_s": max(after),
        "paging_s": paging,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# ---------------------------------------------------------------------------------------------- parent


def run(root: Path, page: str, url: str, reruns: int, script: str = __file__) -> dict[str, Any]:
    """`script --child page` over the code at `root` in a process of its own: its JSON line."""
    done = subprocess.run(
        [sys.executable, script, "--child", page, "--root", str(root), "--db", url, "--reruns", str(reruns)],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=3 * TIMEOUT,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{page} ({root}) failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(lines[-1])


def schema_head(root: Path) -> str:
    """The newest migration of the code in `root` (the revision no other one names as down_revision)."""
    revisions, downs = set(), set()
    for path in (root / "store" / "migrations" / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = re.search(r'^revision\s*=\s*"([^"]+)"', text, re.M)
        down = re.search(r'^down_revision[^=]*=\s*"([^"]+)"', text, re.M)
        if found:
            revisions.add(found.group(1))
        if down:
            downs.add(down.group(1))
    heads = revisions - downs
    if len(heads) != 1:
        raise RuntimeError(f"{root}: not one migration head: {sorted(heads)}")
    return heads.pop()


def prepare_store(tree: Path, url: str) -> None:
    """Migrate the store with this tree's code once (it then holds every table of both codes: a branch
    only adds), so each child can be told its own code's head (`stamp`) instead of failing on a
    revision it does not know."""
    command = [sys.executable, "-c", "from store.engine import make_engine; make_engine()"]
    subprocess.run(command, cwd=tree, env={**os.environ, "DATABASE_URL": url}, check=True, timeout=TIMEOUT)


def stamp(url: str, revision: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{revision}'")
    engine.dispose()


def clear_part_cache(url: str) -> None:
    """Empty the store's part cache (store.readcache), so a first render starts from nothing kept."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    if inspect(engine).has_table("read_cache"):
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM read_cache")
    engine.dispose()


def baseline_tree(ref: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-main-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def describe(url: str) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.exec_driver_sql("SELECT count(*) FROM mentions").scalar()
        first, last = conn.exec_driver_sql("SELECT min(created_at), max(created_at) FROM mentions").one()
    engine.dispose()
    return f"{engine.dialect.name}, {count:,} mentions, {str(first)[:10]} to {str(last)[:10]}"


def table(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:
    s = lambda v: f"{v:.2f}"  # noqa: E731
    restarted = all("restart_first_s" in mine for _, mine in pairs)
    first = (
        "first render (s) main / branch, empty part cache / **branch, restarted**"
        if restarted
        else ("first render (s) main / branch")
    )
    again = " branch, restarted |" if restarted else ""
    rows = [
        f"| page | {first} | warm rerun (ms) main / branch | after a collection, "
        f"median / max (s) main | branch |{again} peak MB main / branch |",
        "|---|---:|---:|---:|---:|" + ("---:|" if restarted else "") + "---:|",
    ]
    for main, mine in pairs:
        figure = f"{s(main['first_s'])} / **{s(mine['first_s'])}**"
        if restarted:
            figure = f"{s(main['first_s'])} / {s(mine['first_s'])} / **{s(mine['restart_first_s'])}**"
        rows.append(
            f"| {mine['page']} | {figure} | "
            f"{main['warm_median_s'] * 1000:.0f} / {mine['warm_median_s'] * 1000:.0f} | "
            f"{s(main['after_median_s'])} / {s(main['after_max_s'])} | "
            f"**{s(mine['after_median_s'])} / {s(mine['after_max_s'])}** | "
            + (f"{s(mine['restart_after_median_s'])} / {s(mine['restart_after_max_s'])} | " if restarted else "")
            + f"{main['peak_mb']:.0f} / {mine['peak_mb']:.0f} |"
        )
        if mine["paging_s"]:
            rows.append(
                f"| queue paging (pages 2, 3, 50, 1) | | | {', '.join(s(v) for v in main['paging_s'])} | "
                f"**{', '.join(s(v) for v in mine['paging_s'])}** |" + (" |" if restarted else "") + " |"
            )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="a seeded store: SQLite path or database URL (repeatable)")
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated subset of pages")
    parser.add_argument("--baseline", default="main", help="the git ref measured beside this tree")
    parser.add_argument("--tree", help="measure this folder instead of the working tree (e.g. a git archive)")
    parser.add_argument("--write", action="store_true", help="record the tables in bench/README.md (Pages)")
    parser.add_argument(
        "--restart",
        action="store_true",
        help="empty the store's part cache before each page's branch child, then run the branch child again "
        "(a restarted server: its first render finds what the first process kept)",
    )
    parser.add_argument(
        "--profile",
        help="with --child (one page, one code): cProfile the page's script thread over the reruns after a "
        "collection into this file (python -m pstats FILE)",
    )
    parser.add_argument(
        "--statements",
        help="with --child (one page, one code): every SQL statement of the reruns after a collection, with "
        "its time, into this JSON file",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    dbs = [d if "://" in d else f"sqlite:///{d}" for d in (args.db or ["/tmp/m1m.db"])]
    if args.child:
        print(json.dumps(child(args.root, args.child, dbs[0], args.reruns, args.profile, args.statements)))
        return
    baseline, tree = baseline_tree(args.baseline), Path(args.tree) if args.tree else ROOT
    try:
        measure(args, dbs, baseline, tree)
    finally:
        shutil.rmtree(baseline, ignore_errors=True)


def measure(args: argparse.Namespace, dbs: list[str], baseline: Path, tree: Path) -> None:
    load = os.getloadavg()
    blocks = []
    for url in dbs:
        label = describe(url)
        print(f"database: {label}", flush=True)
        pairs = []
        prepare_store(tree, url)
        heads = {baseline: schema_head(baseline), tree: schema_head(tree)}
        for page in args.pages.split(","):
            stamp(url, heads[baseline])
            main_result = run(baseline, page, url, args.reruns)
            print(json.dumps(main_result), flush=True)
            stamp(url, heads[tree])
            if args.restart:
                clear_part_cache(url)
            mine = run(tree, page, url, args.reruns)
            print(json.dumps(mine), flush=True)
            if args.restart:
                again = run(tree, page, url, args.reruns)
                print(json.dumps(again), flush=True)
                mine["restart_first_s"] = again["first_s"]
                mine["restart_after_median_s"] = again["after_median_s"]
                mine["restart_after_max_s"] = again["after_max_s"]
            pairs.append((main_result, mine))
        stamp(url, heads[tree])
        blocks.append(f"Store: {label}.\n\n{table(pairs)}")
    after = os.getloadavg()
    text = section(blocks, args, load, after)
    print(text)
    if args.write:
        write_section(text)


def section(blocks: list[str], args: argparse.Namespace, load: tuple[float, ...], after: tuple[float, ...]) -> str:
    tables = "\n\n".join(blocks)
    return f"""`bench/bench_pages.py` (run: `.venv/bin/python bench/bench_pages.py --db /tmp/m1m.db
--db postgresql+psycopg://postgres@127.0.0.1:5432/bench --write`; seed each store first with
`DATABASE_URL=... .venv/bin/python cli.py seed-demo --mentions 1000000`). Every page runs under
Streamlit's `AppTest` in a fresh process (a freshly started server), signed in, app.py on every
rerun; the same child runs over this tree and over `{args.baseline}` (`git archive`), on the same
store, in the same run. **first render** = the first run that shows the page in that process;
**warm rerun** = median of {args.reruns} reruns with nothing new; **after a collection** = the
rerun right after storing {", ".join(map(str, SIZES))} new mentions through `pipeline.ingest` on
the last stored day (median / max of the three). Load average (1, 5, 15 min) at the start:
{", ".join(f"{v:.1f}" for v in load)}; at the end: {", ".join(f"{v:.1f}" for v in after)} on 2 cores
shared with other helpers' jobs, so every figure is inflated by the load: compare the two columns
of a row, not rows or runs.

{tables}
"""


LATEST = "### Latest run (`bench_pages.py --write`)"


def write_section(text: str) -> None:
    """Put the run in its own subsection at the end of bench/README.md's Pages section: the other
    subsections there (first render, after a collection, earlier runs) are kept."""
    readme = ROOT / "bench" / "README.md"
    current = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    block = f"{LATEST}\n\n{text.strip()}\n\n"
    latest = re.compile(r"^" + re.escape(LATEST) + r"\n.*?(?=^##+ |\Z)", re.S | re.M)
    pages = re.compile(r"^## Pages\n.*?(?=^## |\Z)", re.S | re.M)
    if latest.search(current):
        updated = latest.sub(lambda _: block, current, count=1)
    elif found := pages.search(current):
        updated = current[: found.end()].rstrip() + "\n\n" + block + current[found.end() :]
    else:
        updated = current.rstrip() + "\n\n## Pages\n\n" + block
    readme.write_text(updated.rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
