"""Seeding the demo data set, by command or on the dashboard's first start."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, insert, select

from collectors import demo
from config import Config
from pipeline import sources as collector_sources
from pipeline.ingest import IngestResult, ingest
from store import writer
from store.schema import meta


def seed_demo(
    engine: Engine, config: Config, mentions: int = 5000, days: int = 60, seed: int = 7, end: datetime | None = None
) -> IngestResult:
    """Generate the demo data set and store it; seeding twice with one seed adds nothing."""
    frame = demo.generate(mentions=mentions, days=days, seed=seed, end=end)
    result = ingest(engine, frame, config.brands)
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
