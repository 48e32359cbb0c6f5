"""What a forget costs on a store with N runs rows (1/3 App Store and 1/3 RSS with digest cursors, 1/3 X with a
followed conversation): wall and CPU of pipeline.privacy.forget of one X person, then of another. Run it in this
tree and in a copy of main (the baseline) in the same session: `PYTHONPATH=. .venv/bin/python bench/bench_forget_cursors.py DB N`."""

import json
import os
import sys
import time
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import insert

from config import Brand
from pipeline import privacy
from pipeline.ingest import ingest
from store.engine import make_engine
from store.schema import runs

N = int(sys.argv[2])
path = sys.argv[1]
if os.path.exists(path):
    os.remove(path)
engine = make_engine(f"sqlite:///{path}")
now = datetime(2026, 11, 30, tzinfo=UTC)
acme = Brand(name="Acme", keywords=("acme",))
row = {
    "platform": "x",
    "post_id": "1861000000000000001",
    "url": None,
    "kind": "post",
    "text": "@acme hi there friend",
    "created_at": now,
    "brand": "Acme",
    "matched": "acme",
    "author_id": "1449000000000000001",
    "author_handle": "mara_k",
    "author_name": "Mara",
    "is_own": False,
    "source": "x",
}
row2 = {**row, "post_id": "1861000000000000002", "author_id": "1449000000000000002", "author_handle": "bo_b"}
ingest(engine, pd.DataFrame([row, row2]), (acme,), source="x", platform="x")
digests = ["h:" + f"{i:032x}" for i in range(20)]
cur = {
    "appstore": json.dumps({"us": {"newest": now.isoformat(), "ids": digests}}, separators=(",", ":")),
    "rss": json.dumps({"feeds": {"https://a/rss": {"newest": "x", "ids": digests}}}, separators=(",", ":")),
    "x": json.dumps(
        {"search": {"since": "1"}, "threads": {"1:2": {"t": 1.0, "conv": "1", "to": "2", "after": "3"}}},
        separators=(",", ":"),
    ),
}
with engine.begin() as conn:
    batch = []
    for i in range(N):
        p = ("appstore", "rss", "x")[i % 3]
        batch.append({"source": p, "platform": p, "started_at": now, "status": "ok", "cursor": cur[p]})
        if len(batch) == 10000:
            conn.execute(insert(runs), batch)
            batch = []
    if batch:
        conn.execute(insert(runs), batch)
for who in ("mara_k", "bo_b"):
    w, c = time.perf_counter(), time.process_time()
    r = privacy.forget(engine, "x", who, actor="bench", brands=(acme,))
    print(
        f"N={N} {who} erased={r.erased} forget wall {time.perf_counter() - w:.3f} s cpu {time.process_time() - c:.3f} s"
    )
