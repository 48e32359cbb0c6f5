"""Sentiment at ingest: VADER compound and its label, scored once per mention.

Formula (analysis.formulas.FORMULAS["sentiment"]): compound = VADER `polarity_scores(t)["compound"]`
(-1..1) of the *brand-neutral* text; label `positive` if compound >= 0.05, `negative` if <= -0.05,
else `neutral`. Brand-neutral (`masked_text`): the mention's own brand name, keywords and
handles, its competitors' names, and any @handle or URL are removed before scoring, because
VADER's lexicon scores many names ("united" +1.8, "best" +3.2, "glad" +2.0, "free" +2.3), so a
brand's name would otherwise move its own score. `score(texts)` (no brand context) is plain VADER.
VADER is an English lexicon: text it cannot judge (a known non-English `lang`, mostly non-Latin
letters, or, with no language given, text analysis.language detects as not English) gets NaN and
the label `unscored`, never a guess. A manager's correction (`mention_state.sentiment_override`)
wins: see `effective_label`.

Speed: one analyser per process, each distinct text scored once, and batches with many
distinct texts split over a process pool (both cores) in chunks.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pandas as pd

from analysis import _vader, language
from analysis.distinct import per_distinct
from analysis.formulas import NEGATIVE_AT, POSITIVE_AT
from config import Brand

LABELS: tuple[str, ...] = ("positive", "neutral", "negative")
UNSCORED = "unscored"
#: below this many distinct texts one process is faster than starting a pool.
PARALLEL_MIN_TEXTS = 10_000
#: texts per task handed to a pool worker.
CHUNK_TEXTS = 5_000
#: language codes that say nothing about the language (X: und, zxx, qme, qht, ...).
UNKNOWN_LANGS = frozenset({"", "und", "zxx", "qme", "qht", "qam", "qct", "qst", "art", "mul"})

_LETTER = r"[^\W\d_]"
#: any @handle (X, Bluesky @a.bsky.social, Mastodon @a@server) and any link: names, not opinions.
_ANY_HANDLE_OR_URL = r"(?:https?://|www\.)\S+|(?<![\w@])@[\w.-]+(?:@[\w.-]+)?"
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


_LATIN_RE = re.compile(_LATIN)
_LETTER_RE = re.compile(_LETTER)


def _mostly_latin(texts: pd.Series) -> pd.Series:
    """Per text: at least half its letters (`_LETTER`) are Latin (`_LATIN`); True for a missing text.

    An ASCII text's letters are all Latin (A-Z, a-z), so only the others are counted.
    """

    def one(text: object) -> bool:
        if not isinstance(text, str) or text.isascii():
            return True
        return len(_LATIN_RE.findall(text)) * 2 >= len(_LETTER_RE.findall(text))

    return pd.Series(np.fromiter(map(one, texts.tolist()), bool, len(texts)), index=texts.index, dtype=bool)


def scorable(frame: pd.DataFrame, detect: bool = True) -> pd.Series:
    """True where VADER can judge the text: English, or no language given, mostly Latin letters and
    (with `detect`) not detected as another language by analysis.language.

    `lang` starting with `en` (en, en-GB, en_US) is English; a known other code is not; no code
    (null, or one of UNKNOWN_LANGS) falls back to the script: text whose letters are more than
    half non-Latin (Cyrillic, CJK, Arabic, ...) is not scorable, and mostly Latin text is detected
    (FORMULAS["language"]; only those rows, each distinct text once). Missing text is not scorable.
    """
    text = frame["text"].astype("string")
    lang = frame["lang"].astype("string").str.strip().str.lower() if "lang" in frame else None
    if lang is None:
        lang = pd.Series(pd.NA, index=frame.index, dtype="string")
    unknown = lang.isna() | lang.isin(UNKNOWN_LANGS)
    english = lang.str.match(r"en(?:$|[-_])").fillna(False).astype(bool)
    mostly_latin = per_distinct(text, _mostly_latin)
    guess = (unknown & mostly_latin & text.notna()).fillna(False).astype(bool)
    if detect and guess.any():
        guess[guess] = ~language.not_english(text[guess])
    ok = english | guess
    return (ok & text.notna()).fillna(False).astype(bool)


def _clean_term(term: str) -> str:
    return str(term).strip().strip('"').strip().lstrip("@#")


def brand_terms(brand: Brand, brands: Iterable[Brand] = ()) -> list[str]:
    """What `masked_text` removes for a mention of `brand`: its name, keywords, handles (whole and
    the part before a server), its competitors' names and, when they are configured brands, their
    keywords and handles. Longest first, lower case, no duplicates."""
    by_name = {b.name: b for b in brands}
    terms: set[str] = set()
    for b in (brand, *(by_name.get(c) for c in brand.competitors)):
        if b is None:
            continue
        terms |= {_clean_term(b.name), *(_clean_term(k) for k in b.keywords)}
        for handle in b.handles.values():
            whole = _clean_term(handle)
            terms |= {whole, whole.split("@")[0]}
    terms |= {_clean_term(c) for c in brand.competitors}
    return sorted({t.lower() for t in terms if t}, key=lambda t: (-len(t), t))


def _terms_pattern(terms: Sequence[str]) -> str:
    words = "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in terms)
    return rf"(?<!\w)(?:{words})(?!\w)"


def _blank(texts: pd.Series, pattern: re.Pattern[str]) -> pd.Series:
    """Each match of `pattern` replaced by a space."""
    return texts.str.replace(pattern, " ", regex=True)


def masked_text(frame: pd.DataFrame, brands: Sequence[Brand]) -> pd.Series:
    """`text` with every @handle and URL removed, and per row its brand's `brand_terms` (case ignored).

    Rows whose `brand` is not in `brands` lose only handles and URLs. One vectorised regex per
    brand, each distinct text once.
    """
    text = frame["text"].astype("string")
    out = per_distinct(text, lambda t: t.str.replace(_ANY_HANDLE_OR_URL, " ", regex=True))
    brand_col = frame["brand"].astype("string") if "brand" in frame else pd.Series(pd.NA, index=frame.index)
    for brand in brands:
        rows = (brand_col == brand.name).fillna(False).to_numpy(dtype=bool)
        terms = brand_terms(brand, brands)
        if not rows.any() or not terms:
            continue
        pattern = re.compile(_terms_pattern(terms), re.IGNORECASE)
        out.loc[rows] = per_distinct(out[rows], partial(_blank, pattern=pattern)).to_numpy()
    return out


def score_frame(
    frame: pd.DataFrame, brands: Sequence[Brand] | None = None, ok: pd.Series | None = None
) -> pd.DataFrame:
    """`sentiment` and `sentiment_label` for a mention frame (uses `text`, `lang`, and `brand`).

    Rows `scorable` rejects (or, when given, rows where `ok` is False) get NaN and `unscored`.
    With `brands` (ingest always passes them) the brand-neutral `masked_text` is scored
    (FORMULAS["sentiment"]); without, the text as is, like `score`.
    """
    ok_rows = (scorable(frame) if ok is None else ok.reindex(frame.index).fillna(False)).to_numpy(dtype=bool)
    values = np.full(len(frame), np.nan)
    if ok_rows.any():
        text = masked_text(frame[ok_rows], brands) if brands is not None else frame["text"][ok_rows]
        values[ok_rows] = compounds([str(t) for t in text])
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
