"""Alert check benchmark: one `pipeline.alerts.check` at 1,000,000 mentions on SQLite.

    .venv/bin/python bench/bench_alerts.py [--mentions 1000000] [--db PATH] [--repeat 7]

Seeds the demo (pipeline.seed.seed_demo, ending at a fixed `now`) unless --db names a store
seeded before, then times, as the median of --repeat runs, with one rule of every kind
(spikes per hour and per day, SLA breach, high reach, source failing / silent, weekly
report) notifying a JSON webhook on 127.0.0.1:
- the first check (evaluates, stores what fired, delivers it to the loopback receiver),
- a steady-state check (everything already fired: evaluate and suppress; nothing due),
- baseline, in the same run: `SELECT COUNT(*) FROM mentions`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from config import DEMO_TOML, parse_config  # noqa: E402
from pipeline import alerts  # noqa: E402
from pipeline.seed import seed_demo  # noqa: E402
from store.engine import make_engine  # noqa: E402

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
KINDS = {
    "spike-hour": 'when = "volume_spike"',
    "spike-day": 'when = "volume_spike"\nperiod = "day"',
    "negative": 'when = "negative_spike"',
    "breach": 'when = "sla_breach"\nat_fraction = 0.8',
    "reach": 'when = "high_reach"\nfollowers = 20000\nengagements = 200',
    "failing": 'when = "source_failing"',
    "silent": 'when = "source_silent"',
    "weekly": 'when = "weekly_report"',
}


def receiver() -> tuple[ThreadingHTTPServer, list[bytes]]:
    got: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            got.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, got


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None, help="a store seeded before (kept)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    rules = "".join(
        f'\n[[alerts]]\nname = "{name}"\nbrand = "Acme"\nnotify = ["BENCH_HOOK"]\n{body}\n'
        for name, body in KINDS.items()
    )
    config = parse_config(tomllib.loads(DEMO_TOML + f'\n[reports]\ndir = "{folder}"\n' + rules), None)
    db = args.db or folder / "alerts.db"
    fresh = not db.exists()
    engine = make_engine(f"sqlite:///{db}")
    if fresh:
        started = time.perf_counter()
        seed_demo(engine, config, mentions=args.mentions, end=NOW)
        print(f"seeded {args.mentions:,} mentions in {time.perf_counter() - started:.0f} s -> {db}")
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM mentions")).scalar()
    server, got = receiver()
    os.environ["BENCH_HOOK"] = f"json://127.0.0.1:{server.server_address[1]}/bench"
    with engine.begin() as conn:  # a repeated benchmark starts from no fired alerts
        conn.execute(text("DELETE FROM alert_deliveries"))
        conn.execute(text("DELETE FROM alert_events"))
    lines: list[str] = []
    first = timed(lambda: lines.extend(alerts.check(engine, config, NOW)))
    steady, baseline = [], []
    for _ in range(args.repeat):
        steady.append(timed(lambda: alerts.check(engine, config, NOW)))
        with engine.connect() as conn:
            baseline.append(timed(lambda: conn.execute(text("SELECT COUNT(*) FROM mentions")).scalar()))  # noqa: B023
    server.shutdown()
    print(f"store: {count:,} mentions (SQLite)")
    for line in lines:
        print("  " + line)
    print(f"first check (fires {sum(line.startswith('fired') for line in lines)}, delivers {len(got)}): {first:.3f} s")
    print(f"steady-state check, median of {args.repeat}: {statistics.median(steady):.3f} s")
    print(f"baseline SELECT COUNT(*) FROM mentions, median of {args.repeat}: {statistics.median(baseline):.3f} s")


if __name__ == "__main__":
    main()
