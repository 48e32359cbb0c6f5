"""Stream throughput: Jetstream events per second one stream thread keeps up with, with scoring and flags.

Feeds `pipeline.streams.StreamRunner` a replay of Jetstream-shaped frames (an in-process
stream: the WebSocket itself is not measured, the mapping, keyword filter, batching and the
real ingest path are) into a fresh SQLite store, with default batches (5 s or 500 events,
here cut by size since the replay is faster than real time). `--match` sets the share of
posts naming the brand (kept, scored, flagged, written); the rest are dropped by the filter.

Compared with the live rate of `app.bsky.feed.post` on Jetstream: we assume 50 posts/s
(Bluesky's posts-only firehose has run at roughly 20-60 posts/s in 2024-2025, peaking near
100; see bench/README.md). Run: .venv/bin/python bench/bench_streams.py [--events 50000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collectors.jetstream import JetstreamMapper  # noqa: E402
from config import parse_config  # noqa: E402
from pipeline.streams import StreamRunner  # noqa: E402
from store.engine import make_engine  # noqa: E402

ASSUMED_LIVE_POSTS_PER_SECOND = 50.0
T0 = 1_741_780_800_000_000
WORDS = [
    "the",
    "a",
    "phone",
    "battery",
    "love",
    "hate",
    "broken",
    "great",
    "support",
    "slow",
    "fast",
    "today",
    "app",
    "update",
    "screen",
]


def frames(count: int, match: float, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30)))
        if rng.random() < match:
            text = f"{text} acme {rng.choice(['is great', 'broke again', 'support?', 'help please'])}"
        commit = {"rev": str(i), "operation": "create", "collection": "app.bsky.feed.post", "rkey": f"r{i}",
                  "record": {"text": text, "createdAt": "2025-03-12T12:00:00.000Z", "langs": ["en"]}}  # fmt: skip
        out.append(json.dumps({"did": f"did:plc:{i % 5000:024d}", "time_us": T0 + i * 20_000, "kind": "commit",
                               "commit": commit}))  # fmt: skip
    return out


class Replay:
    platform = "bluesky"

    def __init__(self, mapper: JetstreamMapper, data: list[str]) -> None:
        self.mapper, self.data = mapper, data

    def events(self, cursor: str | None, stop: threading.Event) -> Iterator[Any]:
        yield None
        for frame in self.data:
            yield self.mapper.event(frame)
        stop.set()


def run(events: int, match: float) -> dict[str, float]:
    config = parse_config(
        {
            "brands": [{"name": "Acme", "keywords": ["acme"]}],
            "sources": [{"name": "bsky", "platform": "bluesky", "brand": "Acme", "stream": "jetstream"}],
        },
        None,
    )
    data = frames(events, match)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        source = config.source("bsky")
        stream = Replay(JetstreamMapper(source, config.brands[0]), data)
        runner = StreamRunner(engine, config, source, stream)
        started = time.perf_counter()
        runner.run(threading.Event())
        seconds = time.perf_counter() - started
        engine.dispose()
    return {"events": events, "kept": runner.kept_total, "seconds": seconds, "per_second": events / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    args = parser.parse_args()
    print(f"assumed live rate: {ASSUMED_LIVE_POSTS_PER_SECOND:.0f} posts/s (Jetstream, app.bsky.feed.post)")
    print("| share matching | events | kept | seconds | events/s | x live rate |")
    print("|---:|---:|---:|---:|---:|---:|")
    for match in (0.01, 0.10, 1.0):
        r = run(args.events, match)
        print(f"| {match:.0%} | {r['events']:,} | {r['kept']:,} | {r['seconds']:.1f} | {r['per_second']:,.0f} | "
              f"{r['per_second'] / ASSUMED_LIVE_POSTS_PER_SECOND:,.0f}x |")  # fmt: skip


if __name__ == "__main__":
    main()
