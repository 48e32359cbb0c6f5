"""The VADER analyser, one per process, and the chunk worker the process pool runs.

Kept apart from `sentiment.py` (no pandas import) so a pool worker starts quickly.

`FastAnalyzer` is vaderSentiment 3.3.2's SentimentIntensityAnalyzer with three hot spots
rewritten to give the same numbers faster: the emoji step is one regex instead of a
character loop, and the lower-cased word list the negation and idiom checks rebuild for
every word is built once per text. Any other vaderSentiment version gets the stock class.
tests/test_sentiment.py and bench/bench_sentiment.py check the scores are identical.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.metadata import version

from vaderSentiment import vaderSentiment as vs

PATCHED_VERSION = "3.3.2"
_NEGATE = frozenset(vs.NEGATE)


class FastAnalyzer(vs.SentimentIntensityAnalyzer):
    """SentimentIntensityAnalyzer (3.3.2) giving identical scores, faster."""

    def __init__(self) -> None:
        super().__init__()
        # the stock loop looks at one character at a time, so only one-character emoji can match.
        singles = sorted(k for k in self.emojis if len(k) == 1)
        self._emoji_re = re.compile("[" + "".join(re.escape(c) for c in singles) + "]")
        self._words: list[str] | None = None
        self._lower: list[str] = []

    def _describe(self, match: re.Match[str]) -> str:
        start = match.start()
        space = "" if start == 0 or match.string[start - 1] == " " else " "
        return space + self.emojis[match.group()]

    def _lowered(self, words: list[str]) -> list[str]:
        if words is not self._words:
            return [str(w).lower() for w in words]
        return self._lower

    def polarity_scores(self, text: str) -> dict[str, float]:
        if self._emoji_re.search(text) is None:
            text = text.strip()
        else:
            text = self._emoji_re.sub(self._describe, text).strip()
        sentitext = vs.SentiText(text)
        sentiments: list[float] = []
        words_and_emoticons = sentitext.words_and_emoticons
        self._words, self._lower = words_and_emoticons, [str(w).lower() for w in words_and_emoticons]
        try:
            for i, item in enumerate(words_and_emoticons):
                valence = 0
                if item.lower() in vs.BOOSTER_DICT:
                    sentiments.append(valence)
                    continue
                if (
                    i < len(words_and_emoticons) - 1
                    and item.lower() == "kind"
                    and words_and_emoticons[i + 1].lower() == "of"
                ):
                    sentiments.append(valence)
                    continue
                sentiments = self.sentiment_valence(valence, sentitext, item, i, sentiments)
            sentiments = self._but_check(words_and_emoticons, sentiments)
            return self.score_valence(sentiments, text)
        finally:
            self._words, self._lower = None, []

    def _negation_check(self, valence, words_and_emoticons, start_i, i):  # type: ignore[no-untyped-def]
        lower = self._lowered(words_and_emoticons)
        if start_i == 0:
            word = lower[i - (start_i + 1)]
            if word in _NEGATE or "n't" in word:
                valence = valence * vs.N_SCALAR
        if start_i == 1:
            if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
                valence = valence
            else:
                word = lower[i - (start_i + 1)]
                if word in _NEGATE or "n't" in word:
                    valence = valence * vs.N_SCALAR
        if start_i == 2:
            if (
                lower[i - 3] == "never"
                and (lower[i - 2] == "so" or lower[i - 2] == "this")
                or (lower[i - 1] == "so" or lower[i - 1] == "this")
            ):
                valence = valence * 1.25
            elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
                valence = valence
            else:
                word = lower[i - (start_i + 1)]
                if word in _NEGATE or "n't" in word:
                    valence = valence * vs.N_SCALAR
        return valence

    def _special_idioms_check(self, valence, words_and_emoticons, i):  # type: ignore[no-untyped-def]
        lower = self._lowered(words_and_emoticons)
        onezero = f"{lower[i - 1]} {lower[i]}"
        twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
        twoone = f"{lower[i - 2]} {lower[i - 1]}"
        threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
        threetwo = f"{lower[i - 3]} {lower[i - 2]}"
        for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if seq in vs.SPECIAL_CASES:
                valence = vs.SPECIAL_CASES[seq]
                break
        if len(lower) - 1 > i:
            zeroone = f"{lower[i]} {lower[i + 1]}"
            if zeroone in vs.SPECIAL_CASES:
                valence = vs.SPECIAL_CASES[zeroone]
        if len(lower) - 1 > i + 1:
            zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
            if zeroonetwo in vs.SPECIAL_CASES:
                valence = vs.SPECIAL_CASES[zeroonetwo]
        for n_gram in (threetwoone, threetwo, twoone):
            if n_gram in vs.BOOSTER_DICT:
                valence = valence + vs.BOOSTER_DICT[n_gram]
        return valence


@cache
def analyzer() -> vs.SentimentIntensityAnalyzer:
    """This process's one analyser (its lexicon is loaded once)."""
    if version("vaderSentiment") == PATCHED_VERSION:
        return FastAnalyzer()
    return vs.SentimentIntensityAnalyzer()


def compounds(texts: list[str]) -> list[float]:
    """VADER compound for each text, exactly stock `polarity_scores(t)["compound"]`."""
    polarity = analyzer().polarity_scores
    return [polarity(t)["compound"] for t in texts]
