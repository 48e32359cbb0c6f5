"""Language of a post when the platform gives none: py3langid, whose model ships inside the package.

Formula (analysis.formulas.FORMULAS["language"]): a post is "not English" when py3langid's most
likely language (all its 97 languages, probabilities normalised) is not English with probability
>= NOT_ENGLISH_AT; otherwise it is taken as English (short or ambiguous text keeps the benefit of
the doubt). @handles, URLs and the `#` of hashtags are removed before detection: they are names,
not language. Each distinct text is detected once; the model loads on first use (~1-2 s) and
nothing is downloaded. Measured on short posts (5-30 words): bench/README.md, "Judgement".
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pandas as pd

from analysis.distinct import per_distinct

#: a detected language other than English counts only at this normalised probability or above.
NOT_ENGLISH_AT = 0.5
_NOISE = re.compile(r"(?:https?://|www\.)\S+|@[\w.@-]+|#")


@cache
def _identifier() -> Any:
    from py3langid.langid import _load_identifier  # the packaged model; loaded once per process

    return _load_identifier(norm_probs=True)


def _detect_distinct(texts: pd.Series) -> pd.Series:
    classify = _identifier().classify
    out: list[Any] = []
    for text in texts.to_numpy(dtype=object):  # plain objects: iterating an arrow array costs more
        if text is None or text is pd.NA:
            out.append(pd.NA)
            continue
        cleaned = _NOISE.sub(" ", str(text)).strip()
        if not cleaned:
            out.append(pd.NA)
            continue
        code, probability = classify(cleaned)
        out.append(code if probability >= NOT_ENGLISH_AT else pd.NA)
    return pd.Series(out, index=texts.index, dtype="string")


def detect(texts: pd.Series) -> pd.Series:
    """ISO 639-1 code of each text's likely language, NA when unsure (below NOT_ENGLISH_AT) or empty.

    Same index as `texts`; each distinct text is detected once.
    """
    if texts.empty:
        return pd.Series([], index=texts.index, dtype="string")
    return per_distinct(texts.astype("string"), _detect_distinct)


def not_english(texts: pd.Series) -> pd.Series:
    """True where `detect` finds a language other than English (FORMULAS["language"])."""
    found = detect(texts)
    return (found.notna() & (found != "en")).fillna(False).astype(bool)
