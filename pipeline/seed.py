"""Seeding the demo data set, by command or on the dashboard's first start."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, insert, select

from collectors import demo
from config import Config
from pipeline import sources as collector_sources
from pipeline.ingest import IngestResult, ingest_frames
from store import writer
from store.schema import meta

#: a bigger demo set is generated and stored in slices of this many mentions, so memory stays bounded
SLICE_MENTIONS = 100_000
#: slice i of seed s has ids from s * 10**9 + SLICE_ID_OFFSET + i * SLICE_ID_STEP (collectors.demo ids: the
#: unsliced set of seed s starts at s * 10**9, its brand replies at 5 * 10**8 past some seed's, the live demo at 10**12)
SLICE_ID_OFFSET, SLICE_ID_STEP = 100_000_000, 1_000_000


def demo_frames(
    mentions: int, days: int = 60, seed: int = 7, end: datetime | None = None, slice_mentions: int | None = None
) -> Iterator[pd.DataFrame]:
    """The demo data set as frames of at most about `slice_mentions` mentions, generated one at a time.

    Up to `slice_mentions` (default SLICE_MENTIONS) it is `collectors.demo.generate(mentions, days, seed, end)` itself. A bigger set is
    that many slices, each a demo set of its own over the same days (its own threads, authors and brand
    replies; ids of its own, from `seed` and the slice's number), so the same arguments give the same rows.
    """
    slice_mentions = slice_mentions or SLICE_MENTIONS
    if mentions <= slice_mentions:
        yield demo.generate(mentions=mentions, days=days, seed=seed, end=end)
        return
    if slice_mentions > SLICE_ID_STEP // 2:  # a slice's brand replies take ids 500,000 past its mentions'
        raise ValueError(f"slices of at most {SLICE_ID_STEP // 2:,} mentions")
    slices = -(-mentions // slice_mentions)
    if slices * SLICE_ID_STEP > 10**9 - SLICE_ID_OFFSET:
        raise ValueError(f"at most {slice_mentions * (10**9 - SLICE_ID_OFFSET) // SLICE_ID_STEP:,} demo mentions")
    base = (seed % 1000) * 10**9 + SLICE_ID_OFFSET
    for number in range(slices):
        size = mentions // slices + (1 if number < mentions % slices else 0)
        yield demo.generate(
            mentions=size, days=days, seed=seed * 1000 + number, end=end, id_base=base + number * SLICE_ID_STEP
        )


def seed_demo(
    engine: Engine, config: Config, mentions: int = 5000, days: int = 60, seed: int = 7, end: datetime | None = None
) -> IngestResult:
    """Generate the demo data set and store it, in one transaction; seeding twice with one seed adds nothing.

    A big set is generated and written slice by slice (`demo_frames`), one slice in memory at a time.
    """
    result = ingest_frames(engine, demo_frames(mentions, days, seed, end), config.brands)
    with engine.begin() as conn:
        if conn.execute(select(meta.c.key).where(meta.c.key == "demo")).first() is None:
            conn.execute(insert(meta).values(key="demo", value="seeded"))
    return result


def is_demo(engine: Engine) -> bool:
    """True when the store holds demo data (seeded or from a demo source)."""
    with engine.connect() as conn:
        return conn.execute(select(meta.c.key).where(meta.c.key == "demo")).first() is not None


def seed_if_first_start(engine: Engine, config: Config) -> bool:
    """Seed the demo when the store is empty and no configured source can run; True if seeded."""
    with engine.connect() as conn:
        if not writer.store_is_empty(conn):
            return False
    if any(s.platform != "demo" and collector_sources.source_state(s) == "ready" for s in config.sources):
        return False
    seed_demo(engine, config)
    return True
