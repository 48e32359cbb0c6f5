"""Re-judging stored mentions: what ingest derived once, derived again with the current formulas.

Ingest derives `lang` (when the platform gave none), sentiment, sentiment_label, needs_reply,
flag_signals and priority_base once (pipeline.ingest.enrich) and stores them in `mentions`. A release
that changes a formula (analysis.formulas.FORMULAS_VERSION) leaves stored rows judged by the old one.

`meta` key VERSION_KEY records the FORMULAS_VERSION every stored judgement was made with: ingest writes it
into an empty store (`note_ingest`), `rejudge` when it has re-derived every row. A store made before this
key existed has none ("not recorded"). An ingest by code with an older version than the recorded one (an
old scheduler still running after an upgrade) lowers it to its own, so the store never claims more
than it holds.

`rejudge` walks the mentions by id in chunks of `chunk` rows, each chunk one write transaction that takes
the store's write lock as ingest does (store.writer.take_write_lock on SQLite; on PostgreSQL the chunk's
rows are locked FOR UPDATE, so an edited review is not scored from words replaced meanwhile): the rows
are read, conformed and enriched exactly as ingest does (stored own posts they answer found the same way),
and only rows whose derived columns differ are updated by id, then the rollups of their hours are rebuilt,
the data version bumped and their days recorded (store.touched: page caches and the persistent read cache
store.readcache follow), exactly like an ingest. The chunk's last id and the counts so far are written in
the same transaction to PROGRESS_KEY, so a crash loses at most the chunk under way and a new run resumes
after the last committed chunk; re-running a chunk writes nothing new (idempotent). A mention collected
during the run gets a higher id than every chunk done, so the run reaches it before it ends, and it was
judged by the collecting code anyway (on PostgreSQL a collection that took its ids before a chunk and
commits after it leaves them below the last id: judged by that collecting code only). An ingest by an
older release (store.judged.note_ingest) lowers the version and makes the run start over. The run ends (VERSION_KEY set, PROGRESS_KEY removed, one audit row
"rejudge") in the transaction that finds no row after the last id.

Never changed: mention_state (queue status, assignee, notes, replies, a manager's sentiment correction or
outcome, a dismissal: "no reply needed" is the manual override of a flag), the audit trail, and anything
of an erased mention (mention_privacy: forgotten authors, retention, deleted at source; its text is gone and
its judgement stays as it was). Nothing is inserted or deleted. Rows of a brand no longer configured keep
their judgement (there are no brand terms to judge them by).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from analysis.formulas import FORMULAS_VERSION
from config import Brand, Config
from frame import FRAME_COLUMNS, conform
from pipeline.ingest import enrich
from store import audit, touched, writer
from store.judged import PROGRESS_KEY, VERSION_KEY, behind, progress, set_value, stored_version
from store.schema import mention_privacy, mentions, meta

log = logging.getLogger(__name__)

#: rows per chunk (one transaction; SQLite holds its write lock this long, about a second under load).
CHUNK_ROWS = 5_000
#: the columns ingest derives (pipeline.ingest.enrich), compared and written back.
DERIVED: tuple[str, ...] = ("lang", "sentiment", "sentiment_label", "needs_reply", "flag_signals", "priority_base")
#: a sentiment score this close to the stored one is the same score (floats read back from the database).
SCORE_TOLERANCE = 1e-9
COUNTS: tuple[str, ...] = (
    "examined",
    "changed",
    "flag_changed",
    "flagged_now",
    "unflagged_now",
    "label_changed",
    "score_changed",
    "priority_changed",
    "signals_changed",
    "lang_changed",
    "kept_erased",
    "kept_unknown_brand",
)


class RejudgeError(Exception):
    """Bad input for a re-judge (a chunk size out of range)."""


@dataclass
class RejudgeResult:
    """What a re-judge did (the whole run's counts, also across a resumed crash)."""

    from_version: str | None
    to_version: str = FORMULAS_VERSION
    done: bool = False
    resumed: bool = False
    chunks: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    def lines(self) -> list[str]:
        c = self.counts
        before = self.from_version or "not recorded"
        head = f"re-judged {c['examined']:,} mention(s) with formulas version {self.to_version} (stored: {before})" + (
            ", resumed after an interrupted run" if self.resumed else ""
        )
        return [
            head,
            f"changed: {c['changed']:,} row(s)",
            f"  needs reply: {c['flag_changed']:,} ({c['flagged_now']:,} now flagged, {c['unflagged_now']:,} no longer)",
            f"  sentiment label: {c['label_changed']:,}; score: {c['score_changed']:,}",
            f"  priority: {c['priority_changed']:,}; signals: {c['signals_changed']:,}; language: {c['lang_changed']:,}",
            f"kept as stored: {c['kept_erased']:,} erased, {c['kept_unknown_brand']:,} of brands no longer configured",
            "done: the store's judgements are now version " + self.to_version
            if self.done
            else "not finished: run it again to continue",
        ]


# ------------------------------------------------------------------------------------------- the run


def _read_chunk(conn: Connection, after: int, limit: int) -> pd.DataFrame:
    """The next `limit` stored mentions after id `after`, with their derived columns and whether erased."""
    m = mentions
    erased = select(mention_privacy.c.mention_id).where(mention_privacy.c.mention_id == m.c.id).exists()
    columns = [m.c.id, *(m.c[c] for c in FRAME_COLUMNS), *(m.c[c] for c in DERIVED if c != "lang")]
    query = select(*columns, erased.label("erased")).where(m.c.id > after).order_by(m.c.id).limit(limit)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(of=m)
    rows = conn.execute(query).all()
    names = ["id", *FRAME_COLUMNS, *(f"stored_{c}" for c in DERIVED if c != "lang"), "erased"]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=names)
    frame["stored_lang"] = frame["lang"]
    return frame


def _same_score(new: pd.Series, old: pd.Series) -> np.ndarray:
    a = pd.to_numeric(new, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    b = pd.to_numeric(old, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    both_null = np.isnan(a) & np.isnan(b)
    with np.errstate(invalid="ignore"):
        close = np.abs(a - b) <= SCORE_TOLERANCE
    return both_null | close


def _same_text(new: pd.Series, old: pd.Series) -> np.ndarray:
    a = new.astype(object).where(new.notna(), None).to_numpy(dtype=object)
    b = old.astype(object).where(old.notna(), None).to_numpy(dtype=object)
    return np.array([x == y for x, y in zip(a, b, strict=True)], dtype=bool)


def judge(conn: Connection, rows: pd.DataFrame, brands: Sequence[Brand]) -> pd.DataFrame:
    """The derived columns of stored rows (`_read_chunk`'s, not erased, of configured brands) as ingest would
    derive them now: conformed and enriched like a collected frame, answered own posts looked up in the store.
    Returns DERIVED by the rows' ids."""
    keyed = rows.set_index(["platform", "post_id"])["id"]
    part = conform(rows[FRAME_COLUMNS])
    own_posts = writer.own_posts_answered(conn, part)
    fresh = enrich(part, list(brands), own_posts)
    ids = keyed.reindex(pd.MultiIndex.from_frame(fresh[["platform", "post_id"]].astype(object))).to_numpy()
    return fresh[list(DERIVED)].set_axis(pd.Index(ids, name="id"))


def _compare(rows: pd.DataFrame, fresh: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """The rows whose derived columns differ (id, DERIVED, created_at, and what touched needs) and the counts."""
    old = rows.set_index("id").loc[fresh.index]
    flag_new = fresh["needs_reply"].astype(bool).to_numpy()
    flag_old = old["stored_needs_reply"].astype(bool).to_numpy()
    same = {
        "flag": flag_new == flag_old,
        "label": _same_text(fresh["sentiment_label"], old["stored_sentiment_label"]),
        "score": _same_score(fresh["sentiment"], old["stored_sentiment"]),
        "priority": fresh["priority_base"].astype(int).to_numpy()
        == pd.to_numeric(old["stored_priority_base"]).fillna(0).astype(int).to_numpy(),
        "signals": _same_text(fresh["flag_signals"], old["stored_flag_signals"]),
        "lang": _same_text(fresh["lang"], old["stored_lang"]),
    }
    changed = ~np.logical_and.reduce(list(same.values()))
    counts = {
        "changed": int(changed.sum()),
        "flag_changed": int((~same["flag"]).sum()),
        "flagged_now": int((flag_new & ~flag_old).sum()),
        "unflagged_now": int((~flag_new & flag_old).sum()),
        "label_changed": int((~same["label"]).sum()),
        "score_changed": int((~same["score"]).sum()),
        "priority_changed": int((~same["priority"]).sum()),
        "signals_changed": int((~same["signals"]).sum()),
        "lang_changed": int((~same["lang"]).sum()),
    }
    out = fresh[changed].join(old.loc[changed, ["created_at", "platform", "is_own", "thread_id", "parent_id"]])
    return out, counts


def _write(conn: Connection, changed: pd.DataFrame) -> None:
    """Update the changed rows' derived columns by id; rebuild their hours' rollups, bump the data version and
    record their days (and the answered conversations they may follow up) as an ingest does."""
    m = mentions
    statement = update(m).where(m.c.id == bindparam("row_id")).values({c: bindparam(f"new_{c}") for c in DERIVED})
    params = [
        {
            "row_id": int(row_id),
            "new_lang": None if pd.isna(values["lang"]) else str(values["lang"]),
            "new_sentiment": None if pd.isna(values["sentiment"]) else float(values["sentiment"]),
            "new_sentiment_label": str(values["sentiment_label"]),
            "new_needs_reply": bool(values["needs_reply"]),
            "new_flag_signals": None if pd.isna(values["flag_signals"]) else str(values["flag_signals"]),
            "new_priority_base": int(values["priority_base"]),
        }
        for row_id, values in changed[list(DERIVED)].iterrows()
    ]
    for start in range(0, len(params), writer.CHUNK):
        conn.execute(statement, params[start : start + writer.CHUNK])
    times = pd.to_datetime(changed["created_at"], utc=True, format="mixed")
    writer.refresh_rollups(conn, writer.hour_ranges(times))
    writer.bump_data_version(conn)
    followed = touched.followed_days(conn, changed.assign(is_own=changed["is_own"].astype(bool)))
    days: set[date] | None = None if followed is None else touched.days_of(times) | followed
    touched.record(conn, days)


def _start(conn: Connection) -> tuple[int, dict[str, int], str | None, bool]:
    """(last id done, counts so far, the version the run started from, resumed) from PROGRESS_KEY; a run
    toward another version (an older release's, interrupted) starts over."""
    found = progress(conn)
    if found is not None and found.get("to") == FORMULAS_VERSION and isinstance(found.get("last_id"), int):
        counts = {k: int(found.get("counts", {}).get(k, 0)) for k in COUNTS}
        return int(found["last_id"]), counts, found.get("from"), True
    return 0, dict.fromkeys(COUNTS, 0), stored_version(conn), False


def step(
    engine: Engine,
    brands: Sequence[Brand],
    *,
    chunk: int = CHUNK_ROWS,
    actor: str = "system",
    result: RejudgeResult | None = None,
) -> RejudgeResult:
    """One chunk of a re-judge, in one write transaction (resuming after PROGRESS_KEY's last id). The returned
    result's `done` is True when no row was left: then VERSION_KEY is set and the run audited."""
    with engine.begin() as conn:
        writer.take_write_lock(conn)  # SQLite: collections wait for this chunk, and this chunk for them
        last_id, counts, from_version, resumed = _start(conn)
        out = result or RejudgeResult(from_version=from_version, resumed=resumed)
        out.from_version, out.counts = from_version, counts
        rows = _read_chunk(conn, last_id, chunk)
        if rows.empty:
            _finish(conn, out, actor)
            return out
        known = {b.name for b in brands}
        erased = rows["erased"].astype(bool).to_numpy()
        unknown = ~rows["brand"].isin(known).to_numpy(dtype=bool) & ~erased
        judged = rows[~erased & ~unknown]
        counts["examined"] += len(rows)
        counts["kept_erased"] += int(erased.sum())
        counts["kept_unknown_brand"] += int(unknown.sum())
        if len(judged):
            fresh = judge(conn, judged.reset_index(drop=True), brands)
            changed, found = _compare(judged, fresh)
            for key, value in found.items():
                counts[key] += value
            if len(changed):
                _write(conn, changed)
        last = int(rows["id"].max())
        state = {"to": FORMULAS_VERSION, "from": from_version, "last_id": last, "counts": counts}
        set_value(conn, PROGRESS_KEY, json.dumps(state, sort_keys=True))
        out.chunks += 1
        return out


def _finish(conn: Connection, out: RejudgeResult, actor: str) -> None:
    set_value(conn, VERSION_KEY, FORMULAS_VERSION)
    conn.execute(delete(meta).where(meta.c.key == PROGRESS_KEY))
    out.done = True
    audit.record(
        conn,
        actor=actor,
        action="rejudge",
        before={"formulas_version": out.from_version},
        after={"formulas_version": FORMULAS_VERSION},
        detail=json.dumps(out.counts, sort_keys=True),
    )


def rejudge(
    engine: Engine,
    config: Config,
    *,
    chunk: int = CHUNK_ROWS,
    actor: str = "system",
    max_chunks: int | None = None,
    on_chunk: Callable[[RejudgeResult], None] | None = None,
) -> RejudgeResult:
    """Re-derive every stored mention with the current formulas, chunk by chunk, until none is left (or
    `max_chunks` were done: the scheduler's small steps). Resumes an interrupted run."""
    if chunk < 1 or chunk > 100_000:
        raise RejudgeError("--chunk must be between 1 and 100,000 mentions")
    result: RejudgeResult | None = None
    while True:
        result = step(engine, config.brands, chunk=chunk, actor=actor, result=result)
        log.info(
            "re-judged %s mention(s), %s changed", f"{result.counts['examined']:,}", f"{result.counts['changed']:,}"
        )
        if on_chunk is not None:
            on_chunk(result)
        if result.done or (max_chunks is not None and result.chunks >= max_chunks):
            return result


def pending(engine: Engine) -> bool:
    """True when stored judgements may be from another formulas version, or a re-judge is under way."""
    with engine.connect() as conn:
        return behind(conn) or progress(conn) is not None


class RejudgeJob:
    """The scheduler's background re-judge: `chunks_per_run` chunks of `chunk` rows per run (the write lock is
    held one small chunk at a time, so collections interleave) while the store's judgements are not this
    code's version; `on_done` once they are. A failure is logged, never stops collection."""

    def __init__(
        self,
        engine: Engine,
        config: Config,
        *,
        chunk: int = 1_000,
        chunks_per_run: int = 5,
        on_done: Callable[[], None] | None = None,
    ) -> None:
        self.engine, self.config, self.chunk, self.chunks_per_run = engine, config, chunk, chunks_per_run
        self.on_done = on_done

    def __call__(self) -> RejudgeResult | None:
        try:
            result = None
            if pending(self.engine):
                result = rejudge(
                    self.engine, self.config, chunk=self.chunk, actor="scheduler", max_chunks=self.chunks_per_run
                )
                if result.done:
                    log.info("re-judge done: %s", "; ".join(result.lines()[:2]))
            if (result is None or result.done) and self.on_done is not None:
                self.on_done()
            return result
        except Exception:
            log.exception("background re-judge failed")
            return None
