"""Retention: per brand `retain_days` (monitor.toml); past it a mention's personal content is erased.

Text, URL, author id, handle and name go (store.privacy.erase); the row with its platform, brand,
time, counts, sentiment, flags and queue state stays, so rollups, past charts and weekly figures
do not change. Work is done in batches of `batch` mentions, each in one transaction, so a run
killed midway has erased whole batches only and the next run carries on. `cli.py retention` and
the scheduler's daily job call `apply_retention`; each real run is one audit row.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from config import Config
from pipeline.privacy import clean_cursors, clean_erased_positions, move_positions, posts_by_platform
from store import audit, privacy, writer

log = logging.getLogger(__name__)
BATCH = 2000


@dataclass
class BrandRetention:
    brand: str
    retain_days: int
    cutoff: datetime
    erased: int = 0
    alerts: int = 0


@dataclass
class RetentionResult:
    dry_run: bool
    brands: list[BrandRetention] = field(default_factory=list)
    #: stored cursors and runs' copies rewritten (plain ids of seen items turned into digests)
    cursors: int = 0

    @property
    def erased(self) -> int:
        return sum(b.erased for b in self.brands)

    def lines(self) -> list[str]:
        verb = "would erase" if self.dry_run else "erased"
        if not self.brands:
            return ["no brand sets retain_days: every mention is kept (see README, Privacy)"]
        return [
            f"{b.brand}: {verb} {b.erased} mention(s) created before {b.cutoff:%Y-%m-%d %H:%M} UTC "
            f"(retain_days = {b.retain_days})" + (f", {b.alerts} alert message(s)" if b.alerts else "")
            for b in self.brands
        ]


def apply_retention(
    engine: Engine,
    config: Config,
    now: datetime | None = None,
    *,
    dry_run: bool = False,
    actor: str = privacy.SYSTEM,
    batch: int = BATCH,
    between_batches: Callable[[], None] | None = None,
) -> RetentionResult:
    """Erase every brand's mentions older than its `retain_days`; with `dry_run`, only count them.

    `between_batches` is called after each committed batch (tests use it to stop a run midway).
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    result = RetentionResult(dry_run=dry_run)
    oldest: datetime | None = None  # the earliest created_at erased by this pass
    for brand in config.brands:
        if brand.retain_days is None:
            continue
        done = BrandRetention(brand.name, brand.retain_days, now - timedelta(days=brand.retain_days))
        result.brands.append(done)
        if dry_run:
            with engine.connect() as conn:
                done.erased = privacy.expired_count(conn, brand.name, done.cutoff)
            continue
        first = True
        while True:
            with engine.begin() as conn:
                ids = privacy.expired_ids(conn, brand.name, done.cutoff, batch)
                if not ids:
                    break
                if first:  # a brand's oldest come first (expired_ids): the runs started since may name them
                    found = privacy.oldest_created(conn, ids)
                    oldest = found if oldest is None or (found is not None and found < oldest) else oldest
                    first = False
                posts = posts_by_platform(conn, ids)  # before they are erased
                done.erased += privacy.erase(conn, ids, "retention", now, config.brands)
                for platform, post_ids in posts.items():  # X's and Mastodon's since-ids naming them move down
                    result.cursors += move_positions(conn, platform, post_ids, runs_too=False)
                writer.bump_data_version(conn)
            if between_batches is not None:
                between_batches()
        with engine.begin() as conn:
            done.alerts = privacy.erase_old_alerts(conn, brand.name, done.cutoff)
    if not dry_run and result.brands:
        with engine.begin() as conn:  # cursors saved before digests, and the runs' copies, named erased items
            result.cursors += clean_cursors(conn)
            if oldest is not None:  # a listing's position or a followed item erased now (Reddit)
                result.cursors += clean_erased_positions(conn, oldest)
        detail = {b.brand: {"erased": b.erased, "retain_days": b.retain_days, "before": b.cutoff.isoformat()}
                  for b in result.brands}  # fmt: skip
        with engine.begin() as conn:
            audit.record(conn, actor=actor, action="retention", detail=json.dumps(detail, sort_keys=True), at=now)
        log.info("retention: erased %d mention(s)", result.erased)
    return result


class RetentionJob:
    """The scheduler's daily retention run (a failure is logged, never stops collection)."""

    def __init__(self, engine: Engine, config: Config, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine, self.config, self.now = engine, config, now

    def __call__(self) -> RetentionResult | None:
        try:
            return apply_retention(self.engine, self.config, self.now())
        except Exception:
            log.exception("retention run failed")
            return None
