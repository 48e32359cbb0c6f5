"""Ingest: conform a collected frame, derive sentiment and reply flags once, and write it.

The one path every collector, the demo seeder and file imports take into the store.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from analysis import flags, sentiment
from collectors.base import conform
from config import Brand
from store import writer


@dataclass
class IngestResult:
    fetched: int
    new: int
    updated: int
    replies_linked: int
    skipped: Counter[str] = field(default_factory=Counter)


def enrich(frame: pd.DataFrame, brands: tuple[Brand, ...] | list[Brand]) -> pd.DataFrame:
    """Add the columns derived at ingest: day, sentiment, sentiment_label and reply flags."""
    out = frame.copy()
    out["day"] = out["created_at"].dt.tz_convert("UTC").dt.date
    scored = sentiment.score_frame(out)
    out["sentiment"] = scored["sentiment"]
    out["sentiment_label"] = scored["sentiment_label"]
    flagged = flags.assess(out, list(brands))
    out["needs_reply"] = flagged["needs_reply"].astype(bool)
    out["flag_signals"] = flagged["flag_signals"]
    out["priority_base"] = flagged["priority_base"].astype(int)
    return out


def ingest(
    engine: Engine,
    frame: pd.DataFrame,
    brands: tuple[Brand, ...] | list[Brand],
    *,
    source: str | None = None,
    platform: str | None = None,
    cursor: str | None = None,
    run_id: int | None = None,
    skipped: Counter[str] | None = None,
    chunk_rows: int = 200_000,
) -> IngestResult:
    """Store `frame` (any collector's output) with its cursor and run row, in one transaction.

    Only rows not stored yet are scored and flagged; stored rows get their counts refreshed.
    With `source`, the cursor is saved in the same transaction; with `run_id`, the run row is
    finished there too, so rows, cursor and run agree after any crash.
    """
    skipped = skipped if skipped is not None else Counter()
    rows = conform(frame, skipped)
    result = IngestResult(fetched=len(rows), new=0, updated=0, replies_linked=0, skipped=skipped)
    with engine.begin() as conn:
        empty = writer.store_is_empty(conn)
        for start in range(0, max(len(rows), 1), chunk_rows):
            part = rows.iloc[start : start + chunk_rows]
            if part.empty:
                break
            keys = list(zip(part["platform"], part["post_id"], strict=True))
            stored = set() if empty else writer.existing_keys(conn, keys)
            is_new = pd.Series([k not in stored for k in keys], index=part.index)
            new_rows = enrich(part[is_new], brands) if is_new.any() else None
            old_rows = part[~is_new]
            if len(old_rows):
                # values for derived columns are not written on conflict; any placeholder will do
                old_rows = old_rows.assign(
                    day=old_rows["created_at"].dt.date, sentiment=None, sentiment_label="unscored",
                    needs_reply=False, flag_signals=None, priority_base=0,
                )
            batch = pd.concat([f for f in (new_rows, old_rows) if f is not None and len(f)], ignore_index=True)
            new_keys = {k for k, n in zip(keys, is_new, strict=True) if n}
            written = writer.write_mentions(conn, batch, new_keys)
            result.new += written.new
            result.updated += written.updated
            result.replies_linked += written.replies_linked
        if source is not None:
            writer.save_cursor(conn, source, platform or "unknown", cursor)
        if run_id is not None:
            writer.finish_run(
                conn, run_id, status="ok", fetched=result.fetched, new=result.new,
                skipped=sum(skipped.values()), cursor=cursor, error=None,
            )
    return result
