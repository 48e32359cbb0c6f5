"""Ingest: conform a collected frame, derive sentiment and reply flags once, and write it.

The one path every collector, the demo seeder and file imports take into the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine

from analysis import flags, language, sentiment
from config import Brand
from frame import conform
from pipeline.privacy import cursor_to_store
from store import judged, privacy, touched, writer

#: rows per part: scored, flagged and written together (bounded memory; fewer, bigger statements)
CHUNK_ROWS = 200_000
#: PostgreSQL: after a write of this many new mentions (a seed, an import, a backfill) the table's
#: statistics are refreshed at once: planned on the empty table's, the follow-up look-ups
#: (store.resolution.candidates) scanned a whole platform per chunk, 3x slower at 300,000 mentions.
ANALYZE_AFTER = 100_000


@dataclass
class IngestResult:
    fetched: int
    new: int
    updated: int
    replies_linked: int
    skipped: Counter[str] = field(default_factory=Counter)
    #: the cursor as stored (pipeline.privacy.cursor_to_store: naming nobody forgotten)
    cursor: str | None = None


def enrich(
    frame: pd.DataFrame,
    brands: tuple[Brand, ...] | list[Brand],
    own_post_ids: set[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Add the columns derived at ingest: day, sentiment, sentiment_label and reply flags.

    `lang` gets the detected language where the platform gave none (analysis.language; NA when unsure).
    Sentiment is the brand-neutral score (analysis.sentiment.masked_text); which rows are English
    (their `lang`, or detected when there is none) is decided once and used by both sentiment
    and the reply rules, so a non-English post is `unscored` and flagged on language-neutral
    rules only. `own_post_ids` names the brand's own posts stored earlier, so replies to them count as
    addressed to the brand even when they do not name it.
    """
    out = frame.copy()
    out["day"] = out["created_at"].dt.tz_convert("UTC").dt.date
    english = sentiment.scorable(_with_detected_lang(out), detect=False)
    scored = sentiment.score_frame(out, list(brands), ok=english)
    out["sentiment"] = scored["sentiment"]
    out["sentiment_label"] = scored["sentiment_label"]
    flagged = flags.assess(out, list(brands), own_post_ids=own_post_ids, english=english)
    out["needs_reply"] = flagged["needs_reply"].astype(bool)
    out["flag_signals"] = flagged["flag_signals"]
    out["priority_base"] = flagged["priority_base"].astype(int)
    return out


def _with_detected_lang(out: pd.DataFrame) -> pd.DataFrame:
    """Store the detected language (analysis.language.detect, each distinct text once) in `lang` where the
    platform gave none, and return the frame `sentiment.scorable` should judge without detecting again:
    only the non-English detections filled in, so a text detected as English or unsure keeps the script
    rule, exactly as when scorable detects itself."""
    missing = (out["lang"].isna() & out["text"].notna()).to_numpy(dtype=bool)
    if not missing.any():
        return out
    found = language.detect(out.loc[missing, "text"]).astype("string")
    for_scoring = out[["text", "lang"]].copy()  # what scorable reads
    out.loc[missing, "lang"] = found
    for_scoring.loc[missing, "lang"] = found.where(found != "en")
    return for_scoring


def ingest(
    engine: Engine, frame: pd.DataFrame, brands: tuple[Brand, ...] | list[Brand], **options: Any
) -> IngestResult:
    """Store `frame` (any collector's output) with its cursor and run row, in one transaction.

    Only rows not stored yet are scored and flagged; stored rows get their counts refreshed.
    With `source`, the cursor is saved in the same transaction; with `run_id`, the run row is
    finished there too, so rows, cursor and run agree after any crash. `options` are
    ingest_frames' (source, platform, cursor, run_id, skipped, chunk_rows, status).
    """
    return ingest_frames(engine, [frame], brands, **options)


def ingest_frames(
    engine: Engine,
    frames: Iterable[pd.DataFrame],
    brands: tuple[Brand, ...] | list[Brand],
    *,
    source: str | None = None,
    platform: str | None = None,
    cursor: str | None = None,
    run_id: int | None = None,
    skipped: Counter[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    status: str = "ok",
) -> IngestResult:
    """`ingest` of frames that arrive one after another (a generator: only one is in memory), in one transaction.

    Each frame is conformed and written in parts of `chunk_rows`: known keys found with one join
    per part (store.writer), new rows scored and flagged, all upserted, brand replies linked both
    ways; at the end the new mentions' sums are added to the hourly rollups and the hours of updated
    mentions recomputed (writer.update_rollups). A key repeated in a later frame counts as already stored.
    """
    skipped = skipped if skipped is not None else Counter()
    result = IngestResult(fetched=0, new=0, updated=0, replies_linked=0, skipped=skipped, cursor=cursor)
    forgotten: set[str] = set()  # post and user ids of the rows dropped as forgotten authors' (cursor_to_store)
    changed: list[np.ndarray] = []  # hours of stored mentions this write updated: recomputed (writer.update_rollups)
    days: set[date] | None = set()  # touched (store.touched.ingest_days); None: every day
    with engine.begin() as conn:
        writer.take_write_lock(conn)  # SQLite: before any look-up, so a post stored meanwhile is seen as known
        empty = writer.store_is_empty(conn)
        first_id = writer.first_new_id(conn)  # SQLite: the new mentions' ids start here (their rollup sums added)
        judged.note_ingest(conn, empty)  # which formulas version the stored judgements are (store.judged)
        for frame in frames:
            rows = conform(frame, skipped)
            del frame  # conformed: the caller's frame is not kept beside its copy (when nothing else holds it)
            result.fetched += len(rows)
            rows = privacy.drop_blocked(conn, rows, skipped, forgotten)  # forgotten authors, posts erased earlier
            all_new = empty  # keys are unique in a conformed frame: none stored when the store was empty before it
            stored_times: list[pd.Series] = []
            for start in range(0, len(rows), chunk_rows):
                part = rows.iloc[start : start + chunk_rows]
                new, linked, times, known = _write_part(conn, part, brands, all_new=all_new, store_empty=empty)
                if known.any():
                    changed.append(_hours(times[known]))
                empty = False
                result.new += new
                result.updated += len(part) - new
                result.replies_linked += linked
                stored_times.append(times)
            if stored_times:  # a stored row keeps its created_at: its hour and day are the ones touched
                rows = rows.assign(created_at=pd.concat(stored_times))
            if days is not None:
                these = touched.ingest_days(conn, rows)
                days = None if these is None else days | these
            del rows  # only one frame in memory
        if result.new + result.updated:
            hours = np.unique(np.concatenate(changed)) if changed else np.array([], dtype="datetime64[ns]")
            writer.update_rollups(conn, pd.Series(pd.to_datetime(hours, utc=True)), first_id)
            writer.bump_data_version(conn)
            touched.record(conn, days)  # the days it touched: page caches keep the others
        if source is not None or run_id is not None:  # naming nobody forgotten, even by a forget running meanwhile
            cursor = cursor_to_store(
                conn, platform or "unknown", cursor, forgotten, source or writer.run_source(conn, run_id)
            )
            result.cursor = cursor
        if source is not None:
            writer.save_cursor(conn, source, platform or "unknown", cursor)
        if run_id is not None:
            writer.finish_run(
                conn,
                run_id,
                status=status,
                fetched=result.fetched,
                new=result.new,
                skipped=sum(skipped.values()),
                cursor=cursor,
                error=None,
            )
    if result.new >= ANALYZE_AFTER:
        writer.analyze(engine)
    return result


def _write_part(
    conn: Connection,
    part: pd.DataFrame,
    brands: tuple[Brand, ...] | list[Brand],
    *,
    all_new: bool,
    store_empty: bool,
) -> tuple[int, int, pd.Series, np.ndarray]:
    """Write one part of a batch (keys unique in it); returns (new rows, mentions whose brand reply was
    linked, each row's created_at as stored: the part's own for new rows, the stored one for known rows,
    which rows were known: stored before).

    `all_new`: none of its keys can be stored yet; `store_empty`: nothing is stored at all yet. Known
    rows keep their stored created_at (an edited app review is dated by the version first collected);
    a known review whose text or rating changed is scored and flagged again (writer.EDITED). A review's own
    time goes along as `edited_at`: an older version than the stored one replaces nothing, whichever of two
    ingests commits last; on PostgreSQL its stored row is locked before it is looked up (writer.lock_reviews).
    """
    keys = list(zip(part["platform"], part["post_id"], strict=True))
    review = (part["kind"] == "review").to_numpy(dtype=bool)
    if not all_new and review.any():  # PostgreSQL: another ingest of these reviews waits until this one commits
        writer.lock_reviews(conn, [k for k, r in zip(keys, review, strict=True) if r])
    stored = writer.stored_versions(conn, [] if all_new else keys).set_index(["platform", "post_id"])
    before = stored.reindex(pd.MultiIndex.from_tuples(keys, names=["platform", "post_id"]))
    is_new = before["kind"].isna().to_numpy(dtype=bool)
    created = part["created_at"].where(is_new, before["created_at"].set_axis(part.index))
    version = part["created_at"].where(review)  # a review's own time: the newest version wins (writer._on_conflict)
    edited = _edited(part, before, is_new)
    own_posts = set() if store_empty else writer.own_posts_answered(conn, part[is_new | edited])
    fresh = part.iloc[0:0]
    if is_new.any():  # enrich copies what it is given: all-new rows (an import's) are not copied before that
        fresh = enrich(part if is_new.all() else part[is_new], brands, own_posts)
        fresh["edited_at"] = version[is_new]
    # derived columns are not written on conflict, so known rows need no scoring
    known = part[~is_new & ~edited].assign(
        created_at=created[~is_new & ~edited],
        edited_at=version[~is_new & ~edited],
        day=lambda f: f["created_at"].dt.date,
        sentiment=None,
        sentiment_label="unscored",
        needs_reply=False,
        flag_signals=None,
        priority_base=0,
    )
    inserted: int | None = 0
    # scored rows may replace a stored review's words when not older (one stored meanwhile); known rows never
    for rows, scored in ((fresh, True), (known, False)):
        if len(rows):
            again = writer.upsert_rows(conn, rows, edited=scored)
            inserted = None if inserted is None or again is None else inserted + again
    del fresh, known  # scored rows are stored: not kept while the links are found
    if edited.any():  # the new words, scored as of the stored time
        rescored = enrich(part[edited].assign(created_at=created[edited], edited_at=version[edited]), brands, own_posts)
        again = writer.upsert_rows(conn, rescored, edited=True)
        inserted = None if inserted is None or again is None else inserted + again
    new_keys = {k for k, n in zip(keys, is_new, strict=True) if n}
    linked = writer.link_brand_replies(conn, part, new_keys, store_was_empty=store_empty)
    return (len(new_keys) if inserted is None else inserted), linked, created, ~is_new


def _hours(times: pd.Series) -> np.ndarray:
    """The distinct UTC hours of `times`."""
    return np.unique(times.dt.tz_convert("UTC").dt.floor("h").to_numpy("datetime64[ns]"))


def _edited(part: pd.DataFrame, before: pd.DataFrame, is_new: np.ndarray) -> np.ndarray:
    """Known app reviews (kind "review" stored and collected) whose text or rating is not the stored one.

    A missing text or rating never counts as a change (a null never erases what is stored)."""
    review = (part["kind"].to_numpy() == "review") & (before["kind"].to_numpy() == "review") & ~is_new
    if not review.any():
        return review
    text, old_text = part["text"].astype(object).to_numpy(), before["review_text"].to_numpy(dtype=object)
    rating = part["rating"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    old_rating = pd.to_numeric(before["rating"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    new_text = np.array([isinstance(t, str) and t != o for t, o in zip(text, old_text, strict=True)], dtype=bool)
    new_rating = ~np.isnan(rating) & (rating != old_rating)
    return review & (new_text | new_rating)
