"""What a retention pass costs on a store with N runs rows (1/2 Reddit with listing positions and a followed brand
comment, 1/2 App Store with digest cursors) when it erases one old Reddit submission that every Reddit cursor
names: wall and CPU of pipeline.retention.apply_retention, twice (the second erases nothing). Run it in this tree
and in a copy of main (the baseline) in the same session:
`PYTHONPATH=. .venv/bin/python bench/bench_retention_positions.py DB N [named|other]`."""

import dataclasses
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import insert

from config import Brand, Config
from pipeline import retention
from pipeline.ingest import ingest
from store.engine import make_engine
from store.schema import runs

N = int(sys.argv[2])
#: "named": every Reddit cursor names the erased submission (all rewritten); "other": they name a newer one
NAMED = (sys.argv[3] if len(sys.argv) > 3 else "named") == "named"
path = sys.argv[1]
if os.path.exists(path):
    os.remove(path)
engine = make_engine(f"sqlite:///{path}")
now = datetime(2026, 11, 30, tzinfo=UTC)
old = now - timedelta(days=60)
acme = Brand(name="Acme", keywords=("acme",), retain_days=30)
row = {"platform": "reddit", "post_id": "t3_old1", "url": None, "kind": "post", "text": "acme broke my blender",
       "created_at": old, "brand": "Acme", "matched": "acme", "author_id": "t2_bob", "author_handle": "bob",
       "author_name": None, "is_own": False, "source": "r"}  # fmt: skip
ingest(engine, pd.DataFrame([row]), (acme,), source="r", platform="reddit")
digests = ["h:" + f"{i:032x}" for i in range(20)]
named = "t3_old1" if NAMED else "t3_new1"
cur = {
    "appstore": json.dumps({"us": {"newest": now.isoformat(), "ids": digests}}, separators=(",", ":")),
    "reddit": json.dumps(
        {
            "search": {"since": {"t": old.timestamp(), "id": named}},
            "own_comments": {"since": {"t": old.timestamp(), "id": "t1_own1"}},
            "threads": {"t1_own1": {"t": old.timestamp(), "thread": named}},
        },
        separators=(",", ":"),
    ),  # fmt: skip
}
with engine.begin() as conn:
    batch = []
    for i in range(N):
        p = ("appstore", "reddit")[i % 2]
        started = old + timedelta(minutes=i * 20 * 60 * 24 * 59 // max(N, 1))  # spread over the 59 days since
        batch.append({"source": p, "platform": p, "started_at": started, "status": "ok", "cursor": cur[p]})
        if len(batch) == 10000:
            conn.execute(insert(runs), batch)
            batch = []
    if batch:
        conn.execute(insert(runs), batch)
config = Config(path=None, brands=(dataclasses.replace(acme),), sources=())
for attempt in ("first", "second"):
    w, c = time.perf_counter(), time.process_time()
    r = retention.apply_retention(engine, config, now)
    print(f"N={N} {'named' if NAMED else 'other'} {attempt}: erased={r.erased} cursors={r.cursors} "
          f"wall {time.perf_counter() - w:.3f} s cpu {time.process_time() - c:.3f} s")  # fmt: skip
