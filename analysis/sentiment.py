"""Sentiment at ingest: VADER compound and its label, scored once per mention.

Formula (analysis.formulas.FORMULAS["sentiment"]): compound = VADER `polarity_scores(t)["compound"]`
(-1..1); label `positive` if compound >= 0.05, `negative` if <= -0.05, else `neutral`.
VADER is an English lexicon: text it cannot judge gets NaN and the label `unscored`, never a
guess. A manager's correction (`mention_state.sentiment_override`) wins: see `effective_label`.

Speed: one analyser per process, each distinct text scored once, and batches with many
distinct texts split over a process pool (both cores) in chunks.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from analysis import _vader
from analysis.distinct import per_distinct
from analysis.formulas import NEGATIVE_AT, POSITIVE_AT

LABELS: tuple[str, ...] = ("positive", "neutral", "negative")
UNSCORED = "unscored"
#: below this many distinct texts one process is faster than starting a pool.
PARALLEL_MIN_TEXTS = 10_000
#: texts per task handed to a pool worker.
CHUNK_TEXTS = 5_000
#: language codes that say nothing about the language (X: und, zxx, qme, qht, ...).
UNKNOWN_LANGS = frozenset({"", "und", "zxx", "qme", "qht", "qam", "qct", "qst", "art", "mul"})

_LETTER = r"[^\W\d_]"
_LATIN = r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]"


def label_of(sentiment: pd.Series) -> pd.Series:
    """Label for each compound: positive >= 0.05, negative <= -0.05, neutral between, unscored for NaN."""
    values = pd.to_numeric(sentiment, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    labels = np.select(
        [np.isnan(values), values >= POSITIVE_AT, values <= NEGATIVE_AT],
        [UNSCORED, "positive", "negative"],
        default="neutral",
    )
    return pd.Series(labels, index=sentiment.index, dtype=object)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _workers() -> int:
    """Processes worth starting: the cores not already busy (load average; this process counts as one).

    On a machine shared with other jobs extra workers would only queue for the same cores.
    """
    cores = _cores()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not available on this platform
        return cores
    return max(1, min(cores, round(cores - load + 1)))


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork when this process runs a single thread (cheap: workers inherit the loaded analyser);
    otherwise forkserver (Streamlit and APScheduler run threads, and forking those is unsafe)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def compounds(texts: list[str], workers: int | None = None) -> list[float]:
    """VADER compound of each text in order; distinct texts scored once, in parallel when many.

    `workers` defaults to the idle cores (`_workers`); 1 forces a single process.
    """
    unique = list(dict.fromkeys(texts))
    workers = _workers() if workers is None else max(1, workers)
    if workers == 1 or len(unique) < PARALLEL_MIN_TEXTS:
        scores = _vader.compounds(unique)
    else:
        chunk = max(1_000, min(CHUNK_TEXTS, -(-len(unique) // (workers * 4))))
        chunks = [unique[i : i + chunk] for i in range(0, len(unique), chunk)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            scores = [s for part in pool.map(_vader.compounds, chunks) for s in part]
    if len(unique) == len(texts):
        return scores
    by_text = dict(zip(unique, scores, strict=True))
    return [by_text[t] for t in texts]


def score(texts: pd.Series) -> pd.DataFrame:
    """Columns `sentiment` (float, VADER compound) and `sentiment_label`, same index as `texts`.

    Missing text (NA) is `unscored` with NaN; every other text is scored as is.
    """
    present = texts.notna().to_numpy()
    values = np.full(len(texts), np.nan)
    if present.any():
        values[present] = compounds([str(t) for t in texts[present]])
    sentiment = pd.Series(values, index=texts.index, dtype=float)
    return pd.DataFrame({"sentiment": sentiment, "sentiment_label": label_of(sentiment)})


def scorable(frame: pd.DataFrame) -> pd.Series:
    """True where VADER can judge the text: English, or no language given and mostly Latin letters.

    `lang` starting with `en` (en, en-GB, en_US) is English; a known other code is not; no code
    (null, or one of UNKNOWN_LANGS) falls back to the script: text whose letters are more than
    half non-Latin (Cyrillic, CJK, Arabic, ...) is not scorable. Missing text is not scorable.
    """
    text = frame["text"].astype("string")
    lang = frame["lang"].astype("string").str.strip().str.lower() if "lang" in frame else None
    if lang is None:
        lang = pd.Series(pd.NA, index=frame.index, dtype="string")
    unknown = lang.isna() | lang.isin(UNKNOWN_LANGS)
    english = lang.str.match(r"en(?:$|[-_])").fillna(False).astype(bool)
    mostly_latin = per_distinct(
        text, lambda t: (t.str.count(_LATIN).fillna(0) * 2 >= t.str.count(_LETTER).fillna(0)).astype(bool)
    )
    ok = english | (unknown & mostly_latin)
    return (ok & text.notna()).astype(bool)


def score_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`sentiment` and `sentiment_label` for a mention frame (uses `text` and `lang`).

    Rows `scorable` rejects get NaN and `unscored`; the rest are scored like `score`.
    """
    ok = scorable(frame).to_numpy()
    values = np.full(len(frame), np.nan)
    if ok.any():
        values[ok] = compounds([str(t) for t in frame["text"][ok]])
    sentiment = pd.Series(values, index=frame.index, dtype=float)
    return pd.DataFrame({"sentiment": sentiment, "sentiment_label": label_of(sentiment)})


def effective_label(label: pd.Series, override: pd.Series) -> pd.Series:
    """The label every consumer shows and counts: a manager's override when it is a valid label, else `label`.

    Valid overrides are positive, neutral and negative (case and spaces ignored); null, empty or
    anything else leaves the ingest label.
    """
    cleaned = override.reindex(label.index).astype("string").str.strip().str.lower()
    valid = cleaned.isin(LABELS).fillna(False).to_numpy(dtype=bool)
    values = label.astype(object).to_numpy(copy=True)
    values[valid] = cleaned.to_numpy(dtype=object)[valid]
    return pd.Series(values, index=label.index, dtype=object, name=label.name)
