"""The learned reply layer: a logistic regression on word and character n-grams of a post's brand-masked text, the
rule table's signals for the post and its tone.

Trained by scripts/train_reply_model.py (scikit-learn, a development dependency) on the labelled development
sets (tests/data/flags_*.csv, never the held-out `test` split of flags_labelled.csv) and kept as numbers in
analysis/reply_model.json: per feature family (word 1-2 grams, character 2-5 grams inside word boundaries) the
vocabulary, its idf weights and coefficients; a coefficient per rule signal (analysis.flags.signal_tokens: which rule of which
category fired, and whether the rules alone would flag the post) and one for the sentiment compound; the intercept.
Inference here is numpy and the standard library
only (scikit-learn's TfidfVectorizer with sublinear tf and l2 norm per family, then the linear decision), so the
runtime never needs scikit-learn; tests/test_reply_model.py checks it equals scikit-learn's decision.

The text it reads is analysis.sentiment.masked_text (the brand's names, keywords, handles, its competitors, every
@handle and URL removed), lower-cased: the model learns how customers write, not which brand they name. English
only: analysis.flags applies it to English posts only, where it decides (a post the rules flag stays flagged where the decision is at least `keep_at`, one
they do not flag is added at `add_at` and above; both chosen on sets the model was not trained on, scripts/
train_reply_model.py KEEP_AT and ADD_AT): FORMULAS["needs_reply"].
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

#: the trained model shipped with the code (written by scripts/train_reply_model.py).
MODEL_FILE = Path(__file__).with_name("reply_model.json")
#: scikit-learn's word tokens as the trainer configures them: runs of word characters, one letter words kept.
WORD_TOKEN = r"(?u)\b\w+\b"
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
_WORD = re.compile(WORD_TOKEN)
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class Family:
    """One feature family: per term of its vocabulary, (idf, idf x coefficient).

    The same numbers by term number for `decision`'s batched path: `number` (term -> its row), and per row
    `idf`, `weighted` (idf x coefficient) and `square` ((1.0 x idf) ** 2: a term counted once, computed as
    `reference_decision` computes it).
    """

    weights: dict[str, tuple[float, float]]
    number: dict[str, int] = field(init=False, repr=False, compare=False)
    idf: np.ndarray = field(init=False, repr=False, compare=False)
    weighted: np.ndarray = field(init=False, repr=False, compare=False)
    square: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = list(self.weights.values())
        object.__setattr__(self, "number", {term: i for i, term in enumerate(self.weights)})
        object.__setattr__(self, "idf", np.array([idf for idf, _ in values], dtype=float))
        object.__setattr__(self, "weighted", np.array([weighted for _, weighted in values], dtype=float))
        object.__setattr__(self, "square", np.array([(1.0 * idf) ** 2 for idf, _ in values], dtype=float))


@dataclass(frozen=True)
class Model:
    words: Family
    chars: Family
    intercept: float
    #: per rule signal (analysis.flags.signal_tokens), its coefficient (a signal the model was not trained on counts 0).
    signals: dict[str, float]
    #: the coefficient of the sentiment compound (-1..1; 0 where the post is unscored).
    tone: float
    #: a post the layer applies to that the rules flag stays flagged where the decision is at least this...
    keep_at: float
    #: ...and one they do not flag is flagged where it is at least this (session 22; one threshold, 0.0, until then).
    add_at: float


def word_terms(text: str) -> list[str]:
    """Word 1-grams and 2-grams as scikit-learn's "word" analyzer makes them (text already lower-cased)."""
    tokens = _WORD.findall(text)
    low, high = WORD_NGRAMS
    out = tokens[:] if low == 1 else []
    for n in range(max(low, 2), high + 1):
        out += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return out


def _words(text: str) -> list[str]:
    """The words `char_terms` pads (runs of white space are one space first, as in scikit-learn)."""
    return _SPACES.sub(" ", text).split()


def _word_char_terms(word: str) -> list[str]:
    """One word's character n-grams, padded with a space (a short word counts once, whole)."""
    low, high = CHAR_NGRAMS
    out: list[str] = []
    padded = f" {word} "
    length = len(padded)
    for n in range(low, high + 1):
        if length <= n:
            out.append(padded)
            break
        out.extend([padded[i : i + n] for i in range(length - n + 1)])
    return out


def char_terms(text: str) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space, as scikit-learn's "char_wb" analyzer."""
    return [term for word in _words(text) for term in _word_char_terms(word)]


def _family_score(terms: Iterable[str], family: Family) -> float:
    """The family's part of the decision: sublinear tf x idf, l2-normalised, dot the coefficients."""
    weights = family.weights
    counts: dict[str, int] = {}
    for term in terms:
        if term in weights:
            counts[term] = counts.get(term, 0) + 1
    if not counts:
        return 0.0
    square = dot = 0.0
    for term, count in counts.items():
        idf, weighted = weights[term]
        tf = 1.0 + math.log(count)
        square += (tf * idf) ** 2
        dot += tf * weighted
    return dot / math.sqrt(square)


def signal_score(
    signals: Sequence[Sequence[str]] | np.ndarray, compound: np.ndarray, model: Model | None = None
) -> np.ndarray:
    """The rule signals' and the tone's part of the decision, per post: the sum of its signals' coefficients plus
    the tone coefficient x its compound (NaN counts 0)."""
    model = model or load()
    weights = model.signals
    sums: dict[tuple[str, ...], float] = {}  # per distinct set of signals (few): the sum of their coefficients
    for row in signals:
        key = tuple(row)
        if key not in sums:
            sums[key] = sum(weights.get(s, 0.0) for s in key)
    out = np.fromiter((sums[tuple(row)] for row in signals), dtype=float, count=len(signals))
    return out + model.tone * np.nan_to_num(np.asarray(compound, dtype=float), nan=0.0)


def reference_decision(texts: Sequence[str], model: Model | None = None) -> np.ndarray:
    """`decision` computed plainly, text by text (what the batched `decision` must equal, bit for bit)."""
    model = model or load()
    return np.array(
        [
            model.intercept + _family_score(word_terms(t), model.words) + _family_score(char_terms(t), model.chars)
            for t in texts
        ],
        dtype=float,
    )


def _family_scores(ids: np.ndarray, sizes: np.ndarray, family: Family) -> np.ndarray:
    """`_family_score` of many texts, given as their in-vocabulary term numbers one after another (`sizes` per text),
    with the same floating-point operations in the same order: per distinct term in order of first appearance,
    (tf x idf) ** 2 and tf x weight, added to the text's sums one after another from 0.0 (`np.add.at` adds in
    index order), then dot / sqrt(square); 0.0 for a text without terms."""
    texts = len(sizes)
    square, dot = np.zeros(texts), np.zeros(texts)
    if len(ids) == 0:
        return square
    text = np.repeat(np.arange(texts, dtype=np.int64), sizes)
    order = np.argsort(text * len(family.idf) + ids, kind="stable")  # by (text, term), then by position
    keys = (text * len(family.idf) + ids)[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    first = np.zeros(len(ids), dtype=np.int64)  # at a term's first appearance in its text: how often it appears
    first[order[starts]] = np.diff(np.r_[starts, len(keys)])
    at = np.flatnonzero(first)  # the distinct terms, by text and first appearance
    term, count = ids[at], first[at]
    squares, products = family.square[term], family.weighted[term]  # a term once: tf = 1.0
    repeated = np.flatnonzero(count > 1)
    if len(repeated):  # tf = 1 + log(count): Python's own arithmetic, once per distinct (term, count)
        span = int(count.max()) + 1
        pairs, back = np.unique(term[repeated] * span + count[repeated], return_inverse=True)
        values = []
        for pair in pairs.tolist():
            number, times = divmod(pair, span)
            tf, idf, weighted = 1.0 + math.log(times), float(family.idf[number]), float(family.weighted[number])
            values.append(((tf * idf) ** 2, tf * weighted))
        table = np.array(values, dtype=float)
        squares[repeated], products[repeated] = table[back, 0], table[back, 1]
    np.add.at(square, text[at], squares)  # in order: each text's terms one after another
    np.add.at(dot, text[at], products)
    found = sizes > 0
    return np.divide(dot, np.sqrt(square), out=np.zeros(texts), where=found)


#: texts judged at a time (bounds the term numbers held).
_BATCH = 8_192


def decision(texts: Sequence[str], model: Model | None = None) -> np.ndarray:
    """The text's part of the model's decision (log-odds that a reply is needed; `signal_score` adds the rest) per
    lower-cased, brand-masked text, the intercept included.

    Equal, bit for bit, to `reference_decision` (tests/test_reply_model.py), but batched: each word's
    in-vocabulary character n-grams are found once per call, terms absent from the weights are dropped before
    counting, and counting and sums run across texts in numpy (`_family_scores`).
    """
    model = model or load()
    words, chars = model.words.number, model.chars.number
    by_word: dict[str, list[int]] = {}  # a word's character n-grams in the vocabulary, in order
    out = np.zeros(len(texts))
    for start in range(0, len(texts), _BATCH):
        batch = texts[start : start + _BATCH]
        word_ids: list[int] = []
        char_ids: list[int] = []
        word_sizes, char_sizes = np.zeros(len(batch), dtype=np.int64), np.zeros(len(batch), dtype=np.int64)
        for row, text in enumerate(batch):
            before = len(word_ids)
            word_ids += [words[t] for t in word_terms(text) if t in words]
            word_sizes[row] = len(word_ids) - before
            before = len(char_ids)
            for word in _words(text):
                known = by_word.get(word)
                if known is None:
                    known = by_word[word] = [chars[t] for t in _word_char_terms(word) if t in chars]
                char_ids += known
            char_sizes[row] = len(char_ids) - before
        scores = (
            model.intercept
            + _family_scores(np.array(word_ids, dtype=np.int64), word_sizes, model.words)
            + _family_scores(np.array(char_ids, dtype=np.int64), char_sizes, model.chars)
        )
        out[start : start + len(batch)] = scores
    return out


def probability(score: np.ndarray) -> np.ndarray:
    """The decision as a probability (what a manager reads in the reason)."""
    return 1.0 / (1.0 + np.exp(-score))


def _family(data: dict[str, list[object]]) -> Family:
    terms, idf, coef = data["terms"], data["idf"], data["coef"]
    return Family({str(t): (float(i), float(i) * float(c)) for t, i, c in zip(terms, idf, coef, strict=True)})  # type: ignore[arg-type]


def from_dict(data: dict[str, object]) -> Model:
    """A model from the shipped file's content (scripts/train_reply_model.py writes it)."""
    words, chars = data["words"], data["chars"]
    assert isinstance(words, dict) and isinstance(chars, dict)
    signals = data["signals"]
    assert isinstance(signals, dict)
    return Model(
        _family(words),
        _family(chars),
        float(data["intercept"]),  # type: ignore[arg-type]
        {str(k): float(v) for k, v in signals.items()},
        float(data["tone"]),  # type: ignore[arg-type]
        float(data["keep_at"]),  # type: ignore[arg-type]
        float(data["add_at"]),  # type: ignore[arg-type]
    )


@cache
def load(path: Path = MODEL_FILE) -> Model:
    """The shipped model, read once per process."""
    return from_dict(json.loads(path.read_text(encoding="utf-8")))
