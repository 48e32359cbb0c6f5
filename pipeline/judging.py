"""Judging on the second core: a worker process judges part of the next rows while the importer stores.

A large write (an import, a seed, a backfill) spends about two thirds of its time judging new rows
(pipeline.ingest.enrich: language, sentiment, reply flags) and the rest storing them, one after the other in
one process. `AheadJudge` forks one worker when the write starts (before any row is read, after the models
are loaded, so it shares them copy-on-write). For each part of rows the importer hands it a share of the
part's new rows and judges the rest itself; the worker's share of part k+1 is handed over *before* part k
is stored, so the worker judges while the importer writes. The shares are sized from measured times so that
both finish together.

Exact: a row's judgement depends only on its own columns and on which posts count as the brand's own (a
reply to one is addressed to the brand: analysis.flags). Rows handed over ahead are judged with the own
posts known then (those stored before that the rows answer, every own post of the part being stored and of
the part itself); once the part before is stored the importer knows the true set, keeps the worker's answer
for every row whose parent or thread is an own post in both sets or in neither, and judges the others again
in place. Rows that turn out to be stored already are not used. A worker that died leaves its rows to the
importer (judged in place): what is stored is the same with the worker, without it, or with it killed.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np
import pandas as pd

from analysis import sentiment
from config import Brand

#: the columns pipeline.ingest.enrich adds or changes: all a worker sends back
DERIVED = ("day", "lang", "sentiment", "sentiment_label", "needs_reply", "flag_signals", "priority_base")
#: a part with fewer new rows than this is judged in place (handing it over costs more than it saves)
MIN_ROWS = 5_000
#: the worker's share of the first part, judged while the importer judges the rest (nothing stored yet)
FIRST_SHARE = 0.5
#: the worker judges what it is handed in pieces of this many rows (its memory stays small)
PIECE_ROWS = 10_000
#: mention columns judging never reads (frame.FRAME_SCHEMA): not sent to the worker
UNREAD = frozenset(
    {"author_id", "author_name", "views", "matched", "source", "retrieved_at", "source_sentiment", "app_version"}
)

Own = Collection[tuple[str, str]]
Judge = Callable[..., pd.DataFrame]  # pipeline.ingest.enrich(rows, brands, own_post_ids)


def available() -> bool:
    """Two idle cores, fork, and this process runs one thread (forking a threaded process is unsafe)."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and sentiment.idle_cores() >= 2
    )


def own_keys(rows: pd.DataFrame) -> set[tuple[str, str]]:
    """(platform, post_id) of the brand's own posts among `rows` (`is_own`)."""
    if "is_own" not in rows or rows.empty:
        return set()
    mine = rows["is_own"].fillna(False).astype(bool).to_numpy(dtype=bool)
    return set(zip(rows["platform"][mine].astype(str), rows["post_id"][mine].astype(str), strict=True))


def answers(rows: pd.DataFrame, own: Own) -> np.ndarray:
    """Per row: its parent or thread is one of `own` (what the judgement reads of the own posts)."""
    keys = {f"{p}\x1f{i}" for p, i in own}
    platform = rows["platform"].astype("string").fillna("")
    parent = platform + "\x1f" + rows["parent_id"].astype("string").fillna("")
    thread = platform + "\x1f" + rows["thread_id"].astype("string").fillna("")
    return (parent.isin(keys) | thread.isin(keys)).to_numpy(dtype=bool)


@dataclass
class Handed:
    """Rows handed to the worker: their keys, the own posts they are judged with, when."""

    keys: pd.MultiIndex
    count: int
    own: set[tuple[str, str]]
    sent: float


class AheadJudge:
    """One forked worker judging the rows handed to it, in order; `take` returns its answers.

    Use as a context manager: the worker is stopped on exit. `judge` is pipeline.ingest.enrich (passed in so
    this module does not import the ingest that uses it).
    """

    def __init__(self, judge: Judge, brands: Sequence[Brand], warm: pd.DataFrame | None = None) -> None:
        self.judge = judge
        self.brands = tuple(brands)
        self.handed: list[Handed] = []
        self.alive = True
        if warm is not None and len(warm):  # load the models and rule tables before the fork: shared, not copied
            judge(warm, self.brands, set())
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        gc.collect()
        gc.freeze()  # the parent's objects stay out of the collector: their pages are not copied into the worker
        try:
            self._process = context.Process(
                target=_serve, args=(child, judge, self.brands), name="judge-ahead", daemon=True
            )
            self._process.start()
        finally:
            gc.unfreeze()
        child.close()
        # both cores are busy now: VADER starts no pool of its own in the importer either (restored by close)
        self._one_process, sentiment.ONE_PROCESS = sentiment.ONE_PROCESS, True
        # rates in rows a second: judging in the worker and in place, storing (while the worker judges)
        self.worker_rate = 0.0
        self.own_rate = 0.0
        self.store_rate = 0.0

    def __enter__(self) -> AheadJudge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(OSError, ValueError):
                self._conn.send(None)
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._conn.close()
        self.alive = False
        sentiment.ONE_PROCESS = self._one_process

    def hand(self, rows: pd.DataFrame, own: Own) -> None:
        """Hand `rows` (keys unique) to the worker, judged with `own` as the brand's own posts."""
        if not self.alive or rows.empty:
            return
        own_set = set(own)
        try:
            self._conn.send((rows[[c for c in rows.columns if c not in UNREAD]], own_set))
        except (OSError, ValueError):  # the worker died: its rows are judged in place
            self.alive = False
            return
        keys = pd.MultiIndex.from_arrays([rows["platform"], rows["post_id"]], names=["platform", "post_id"])
        self.handed.append(Handed(keys, len(rows), own_set, time.perf_counter()))

    def share(self, new_rows: int, storing: int | None = None) -> int:
        """How many of a part's `new_rows` to hand over so that the worker and the importer finish together.

        `storing`: handed before a part of that many rows is stored (pipelined): the worker judges x rows
        while the importer stores that part and judges the rest, x / w = storing / s + (n - x) / o (rates
        in rows a second: w the worker's judging, o the importer's, s its storing). Without `storing`
        (nothing to store meanwhile) or before any rate is known: a fixed share."""
        if not self.alive or new_rows < MIN_ROWS:
            return 0
        w, o, s = self.worker_rate, self.own_rate, self.store_rate
        if storing is None or not (w and o and s):
            return int(new_rows * FIRST_SHARE)
        x = (storing / s + new_rows / o) / (1 / w + 1 / o)
        return int(min(new_rows, max(0.0, x)))

    def take(self) -> tuple[Handed, pd.DataFrame | None]:
        """The oldest handed rows and the worker's answers for them (the DERIVED columns, indexed by key),
        or None when the worker died."""
        handed = self.handed.pop(0)
        answer: Any = None
        if self.alive:
            try:
                answer = self._conn.recv()
            except (EOFError, OSError):
                answer = None
            if answer is None:
                self.alive = False
        if answer is None:
            return handed, None
        derived, seconds = answer
        if seconds > 0:
            self.worker_rate = handed.count / seconds
        return handed, derived


def _serve(conn: Connection, judge: Judge, brands: tuple[Brand, ...]) -> None:
    """The worker: judge each (rows, own) received, send back the DERIVED columns and the seconds it took."""
    sentiment.ONE_PROCESS = True  # both cores are busy: VADER starts no pool of its own here
    try:
        while True:
            try:
                item = conn.recv()
            except EOFError:
                return
            if item is None:
                return
            rows, own = item
            started = time.perf_counter()
            derived = pd.concat(
                [
                    judge(rows.iloc[at : at + PIECE_ROWS], brands, own).loc[:, list(DERIVED)]
                    for at in range(0, len(rows), PIECE_ROWS)
                ]
            )
            derived.index = pd.MultiIndex.from_arrays(
                [rows["platform"], rows["post_id"]], names=["platform", "post_id"]
            )
            del rows
            conn.send((derived, time.perf_counter() - started))
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers or inherited connections' cleanup in a forked child


def combine(
    new: pd.DataFrame,
    handed: Handed | None,
    derived: pd.DataFrame | None,
    judged: pd.DataFrame | None,
    own: set[tuple[str, str]],
    in_place: Callable[[pd.DataFrame], pd.DataFrame],
) -> pd.DataFrame:
    """`new` (a part's new rows) with the DERIVED columns, as `in_place(new)` would give them.

    `judged`: `in_place` of the rows not handed to the worker (None when all were handed); `derived`: the
    worker's answers for the handed rows (None when it died), used where the row's parent or thread is an
    own post both in `handed.own` and in `own` (the true own posts) or in neither; the other handed rows are
    judged in place now."""
    keys = pd.MultiIndex.from_arrays([new["platform"], new["post_id"]])
    was_handed = keys.isin(handed.keys) if handed is not None else np.zeros(len(new), dtype=bool)
    if not was_handed.any():
        return judged if judged is not None else in_place(new)
    use = np.zeros(len(new), dtype=bool)
    if handed is not None and derived is not None and len(derived):
        found = keys.isin(derived.index) & was_handed
        if found.any():
            rows = new[found]
            same = answers(rows, handed.own) == answers(rows, own)
            use[np.flatnonzero(found)[same]] = True
    again = was_handed & ~use
    pieces: list[tuple[np.ndarray, pd.DataFrame]] = []
    if use.any():
        pieces.append((np.flatnonzero(use), derived.reindex(keys[use])))  # type: ignore[union-attr]
    if judged is not None:
        pieces.append((np.flatnonzero(~was_handed), judged))
    if again.any():
        pieces.append((np.flatnonzero(again), in_place(new[again])))
    out = new.copy()
    for column in DERIVED:
        values = np.empty(len(new), dtype=float if column == "sentiment" else object)
        for at, frame in pieces:
            values[at] = frame[column].to_numpy(dtype=values.dtype, na_value=np.nan if column == "sentiment" else None)
        out[column] = values
    out["needs_reply"] = out["needs_reply"].astype(bool)
    out["priority_base"] = out["priority_base"].astype(int)
    return out
