"""The learned reply layer: a logistic regression on word and character n-grams of a post's brand-masked text.

Trained by scripts/train_reply_model.py (scikit-learn, a development dependency) on the labelled development
sets (tests/data/flags_*.csv, never the held-out `test` split of flags_labelled.csv) and kept as numbers in
analysis/reply_model.json: per feature family (word 1-2 grams, character 2-5 grams inside word boundaries) the
vocabulary, its idf weights and coefficients, and the intercept. Inference here is numpy and the standard library
only (scikit-learn's TfidfVectorizer with sublinear tf and l2 norm per family, then the linear decision), so the
runtime never needs scikit-learn; tests/test_reply_model.py checks it equals scikit-learn's decision.

The text it reads is analysis.sentiment.masked_text (the brand's names, keywords, handles, its competitors, every
@handle and URL removed), lower-cased: the model learns how customers write, not which brand they name. English
only: analysis.flags applies it to English posts only. How analysis.flags combines it with the rule table (the
`keep_at` and `add_at` thresholds, chosen by leave-one-set-out figures): FORMULAS["needs_reply"].
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
    """One feature family: per term of its vocabulary, (idf, idf x coefficient)."""

    weights: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class Model:
    words: Family
    chars: Family
    intercept: float
    #: a rule flag on a weaker cue only stands where the decision is at least this (the model's veto below it).
    keep_at: float
    #: a post the rules do not flag is flagged where the decision is at least this.
    add_at: float


def word_terms(text: str) -> list[str]:
    """Word 1-grams and 2-grams as scikit-learn's "word" analyzer makes them (text already lower-cased)."""
    tokens = _WORD.findall(text)
    low, high = WORD_NGRAMS
    out = tokens[:] if low == 1 else []
    for n in range(max(low, 2), high + 1):
        out += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return out


def char_terms(text: str) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space, as scikit-learn's "char_wb" analyzer."""
    low, high = CHAR_NGRAMS
    out: list[str] = []
    for word in _SPACES.sub(" ", text).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            if length <= n:  # a short word counts once, whole
                out.append(padded)
                break
            out.extend([padded[i : i + n] for i in range(length - n + 1)])
    return out


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


def decision(texts: Sequence[str], model: Model | None = None) -> np.ndarray:
    """The model's decision (log-odds that a reply is needed) per lower-cased, brand-masked text."""
    model = model or load()
    return np.array(
        [
            model.intercept + _family_score(word_terms(t), model.words) + _family_score(char_terms(t), model.chars)
            for t in texts
        ],
        dtype=float,
    )


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
    return Model(
        _family(words),
        _family(chars),
        float(data["intercept"]),  # type: ignore[arg-type]
        float(data["keep_at"]),  # type: ignore[arg-type]
        float(data["add_at"]),  # type: ignore[arg-type]
    )


@cache
def load(path: Path = MODEL_FILE) -> Model:
    """The shipped model, read once per process."""
    return from_dict(json.loads(path.read_text(encoding="utf-8")))
