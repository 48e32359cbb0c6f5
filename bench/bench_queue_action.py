"""A page's rerun after a reply-queue action: this branch against main, in the same run (issue 14).

Each (code, page) runs under Streamlit's AppTest in a process of its own, signed in, app.py on every
rerun as in a server (bench_pages' child set-up). After the first render and warm reruns, a queue
action is written through store.queue the way ui/queue_actions does (assign / unassign, one mention
per action, alternately on a flagged mention ten days before the newest stored day and on one of the
newest day), then the page reruns: that rerun is timed. Both codes run on copies of one store (the
action writes), the baseline is `git archive main` of the repository.

Run: .venv/bin/python bench/bench_queue_action.py --main-db /tmp/a.db --branch-db /tmp/b.db
(two copies of a seeded store: cp m1m.db a.db; cp m1m.db b.db).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_pages  # noqa: E402  (bench/ is not a package)

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "sentiment"]
#: (which mention, what) per round: an old mention in a closed week, then one of the newest day.
ROUNDS = (("old", "assign"), ("new", "assign"), ("old", "unassign"), ("new", "unassign"))
TIMEOUT = bench_pages.TIMEOUT


def _mentions(url: str) -> dict[str, int]:
    """A flagged, unanswered top-level mention of the first brand ten days before the newest day, and one of that day."""
    from sqlalchemy import select

    from config import load_config
    from store.engine import make_engine
    from store.schema import mention_state, mentions

    engine = make_engine(url)
    brand = load_config(None).brands[0].name
    m, s = mentions, mention_state
    found: dict[str, int] = {}
    with engine.connect() as conn:
        newest: date = conn.execute(select(m.c.day).order_by(m.c.day.desc()).limit(1)).scalar_one()
        for name, day in (("old", newest - timedelta(days=10)), ("new", newest)):
            found[name] = int(
                conn.execute(
                    select(m.c.id)
                    .select_from(m.outerjoin(s, s.c.mention_id == m.c.id))
                    .where(m.c.brand == brand, m.c.day == day, m.c.needs_reply.is_(True), m.c.is_own.is_(False))
                    .where(m.c.parent_id.is_(None), s.c.first_response_at.is_(None))
                    .order_by(m.c.id)
                    .limit(1)
                ).scalar_one()
            )
    engine.dispose()
    return found


def _act(url: str, mention_id: int, what: str) -> None:
    """What ui/queue_actions does on Assign: store.queue.assign at the version the user saw, in one transaction."""
    from store import accounts, queue
    from store.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            account = accounts.get(conn, bench_pages.USER)
            state = queue.mention_with_state(conn, mention_id)
            assert account is not None and state is not None
            who = "bench-teammate" if what == "assign" else None
            result = queue.assign(conn, mention_id, int(state["version"]), who, account)
        if not result.ok:
            raise RuntimeError(f"the action failed: {result.message}")
    finally:
        engine.dispose()


def child(root: str, page: str, url: str, reruns: int) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("MONITOR_CONFIG", None)
    os.chdir(root)
    sys.path.insert(0, root)
    bench_pages._account(url)
    from streamlit.testing.v1 import AppTest

    bench_pages._serve_like_a_server()
    at = AppTest.from_file(str(Path(root) / "app.py"), default_timeout=TIMEOUT)
    at.session_state["auth_user"] = bench_pages.USER
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    first = bench_pages._timed(at)
    for _ in range(2):
        bench_pages._timed(at)
    warm = [bench_pages._timed(at) for _ in range(reruns)]
    targets = _mentions(url)
    after: list[float] = []
    for which, what in ROUNDS:
        _act(url, targets[which], what)
        after.append(bench_pages._timed(at))
    return {
        "page": page,
        "first_s": first,
        "warm_median_s": statistics.median(warm),
        "after_s": after,
        "after_median_s": statistics.median(after),
        "after_max_s": max(after),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run(root: Path, page: str, url: str, reruns: int) -> dict[str, Any]:
    return bench_pages.run(root, page, url, reruns, script=__file__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--main-db", help="a SQLite file (a copy: the actions write) for main's code")
    parser.add_argument("--branch-db", help="another copy of the same store for this tree's code")
    parser.add_argument("--baseline", default="main", help="the git revision to compare with")
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.root, args.child, args.db, args.reruns)))
        return
    if not args.main_db or not args.branch_db:
        parser.error("--main-db and --branch-db are required")
    with tempfile.TemporaryDirectory() as folder:
        baseline = Path(folder)
        archive = subprocess.run(["git", "archive", args.baseline], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive.stdout, check=True)
        print(f"load before: {Path('/proc/loadavg').read_text().strip()}")
        rows = []
        for page in PAGES:
            for name, tree, path in (("main", baseline, args.main_db), ("branch", ROOT, args.branch_db)):
                started = time.perf_counter()
                found = run(tree, page, f"sqlite:///{Path(path).resolve()}", args.reruns)
                found |= {"code": name, "wall_s": time.perf_counter() - started}
                found["load"] = Path("/proc/loadavg").read_text().split()[0]
                print(json.dumps(found))
                rows.append(found)
        print(f"load after: {Path('/proc/loadavg').read_text().strip()}")
        print(
            "| page | code | first render | warm rerun | after an action (median / max) | each rerun | peak MB | load |"
        )
        print("|---|---|---:|---:|---:|---|---:|---:|")
        for r in rows:
            each = ", ".join(f"{s:.2f}" for s in r["after_s"])
            print(
                f"| {r['page']} | {r['code']} | {r['first_s']:.2f} s | {r['warm_median_s']:.3f} s "
                f"| {r['after_median_s']:.2f} / {r['after_max_s']:.2f} s | {each} | {r['peak_mb']:.0f} | {r['load']} |"
            )


if __name__ == "__main__":
    main()
