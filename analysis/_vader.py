"""The VADER analyser, one per process, and the chunk worker the process pool runs.

Kept apart from `sentiment.py` (no pandas import) so a pool worker starts quickly.

`FastAnalyzer` is vaderSentiment 3.3.2's SentimentIntensityAnalyzer with three hot spots
rewritten to give the same numbers faster: the emoji step's character loop runs only on
text that holds an emoji, and the lower-cased word list the negation and idiom checks rebuild for
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
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class FastAnalyzer(vs.SentimentIntensityAnalyzer):
    """SentimentIntensityAnalyzer (3.3.2) giving identical scores, faster."""

    def __init__(self) -> None:
        super().__init__()
        # the stock loop looks at one character at a time, so only one-character emoji can match.
        self._emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)
        if any(c.isascii() for c in self._emoji_chars):  # _replace_emoji only looks at non-ASCII
            raise ValueError("an ASCII emoji in the VADER emoji lexicon")
        # (words, their lower case) of the text being scored; one attribute, so one atomic store
        # and a thread that finds another thread's words simply lower-cases its own.
        self._current: tuple[list[str] | None, list[str]] = (None, [])

    def _replace_emoji(self, text: str) -> str:
        # as the stock loop: each emoji becomes its description, after a space unless it starts
        # the text or follows a space.
        parts: list[str] = []
        last = 0
        for match in _NON_ASCII.finditer(text):
            start = match.start()
            description = self.emojis.get(match.group())
            if description is None:
                continue
            parts.append(text[last:start])
            if start > 0 and text[start - 1] != " ":
                parts.append(" ")
            parts.append(description)
            last = start + 1
        parts.append(text[last:])
        return "".join(parts)

    def _lowered(self, words: list[str]) -> list[str]:
        current = self._current
        if current[0] is words:
            return current[1]
        return [str(w).lower() for w in words]

    def polarity_scores(self, text: str) -> dict[str, float]:
        text = text.strip() if self._emoji_chars.isdisjoint(text) else self._replace_emoji(text).strip()
        sentitext = vs.SentiText(text)
        sentiments: list[float] = []
        words_and_emoticons = sentitext.words_and_emoticons
        lower = [str(w).lower() for w in words_and_emoticons]
        self._current = (words_and_emoticons, lower)
        last = len(words_and_emoticons) - 1
        try:
            for i, item in enumerate(words_and_emoticons):
                valence = 0
                if lower[i] in vs.BOOSTER_DICT:
                    sentiments.append(valence)
                    continue
                if i < last and lower[i] == "kind" and lower[i + 1] == "of":
                    sentiments.append(valence)
                    continue
                sentiments = self.sentiment_valence(valence, sentitext, item, i, sentiments)
            sentiments = self._but_check(words_and_emoticons, sentiments)
            return self.score_valence(sentiments, text)
        finally:
            self._current = (None, [])

    def _negation_check(self, valence, words_and_emoticons, start_i, i):
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

    def _special_idioms_check(self, valence, words_and_emoticons, i):
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
        try:
            return FastAnalyzer()
        except ValueError:
            pass
    return vs.SentimentIntensityAnalyzer()


def compounds(texts: list[str]) -> list[float]:
    """VADER compound for each text, exactly stock `polarity_scores(t)["compound"]`."""
    polarity = analyzer().polarity_scores
    return [polarity(t)["compound"] for t in texts]
