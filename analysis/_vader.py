"""The VADER analyser, one per process, and the chunk worker the process pool runs.

Kept apart from `sentiment.py` (no pandas import) so a pool worker starts quickly.

`FastAnalyzer` is vaderSentiment 3.3.2's SentimentIntensityAnalyzer with its hot spots
rewritten to give the same numbers faster: the emoji step's character loop runs only on
text that holds an emoji, the lower-cased word list the negation and idiom checks rebuild for
every word is built once per text, words outside the lexicon skip the valence step (it adds 0
for them), the text is split without building a SentiText, and `compound` (all `compounds`
needs) skips the other scores and returns 0.0 at once for a text with no lexicon word. Any other
vaderSentiment version gets the stock class.
tests/test_sentiment.py and bench/bench_sentiment.py check the scores are identical.
"""

from __future__ import annotations

import re
import string
from functools import cache
from importlib.metadata import version

from vaderSentiment import vaderSentiment as vs

PATCHED_VERSION = "3.3.2"
_NEGATE = frozenset(vs.NEGATE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PUNCTUATION = string.punctuation


class _Words:
    """What stock sentiment_valence reads of a SentiText: the words and whether only some are ALL CAPS."""

    __slots__ = ("words_and_emoticons", "is_cap_diff")

    def __init__(self, words: list[str]) -> None:
        self.words_and_emoticons = words
        capitals = sum(1 for w in words if w.isupper())
        self.is_cap_diff = 0 < len(words) - capitals < len(words)


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

    def _prepared(self, text: str) -> tuple[str, list[str], list[str]]:
        """(text, its words and emoticons, their lower case) exactly as stock SentiText splits them."""
        text = text.strip() if self._emoji_chars.isdisjoint(text) else self._replace_emoji(text).strip()
        words = [w if len(stripped := w.strip(_PUNCTUATION)) <= 2 else stripped for w in text.split()]
        return text, words, [w.lower() for w in words]

    def _valences(self, words: list[str], lower: list[str]) -> list[float]:
        """Each word's valence after the but-check, as stock polarity_scores computes them."""
        sentitext = _Words(words)
        sentiments: list[float] = []
        self._current = (words, lower)
        last = len(words) - 1
        try:
            lexicon = self.lexicon
            for i, item in enumerate(words):
                valence = 0
                word = lower[i]
                if word not in lexicon or word in vs.BOOSTER_DICT:  # stock sentiment_valence adds 0 for these
                    sentiments.append(valence)
                    continue
                if i < last and word == "kind" and lower[i + 1] == "of":
                    sentiments.append(valence)
                    continue
                sentiments = self.sentiment_valence(valence, sentitext, item, i, sentiments)
            return self._but_check(words, sentiments)
        finally:
            self._current = (None, [])

    def polarity_scores(self, text: str) -> dict[str, float]:
        text, words, lower = self._prepared(text)
        return self.score_valence(self._valences(words, lower), text)

    def compound(self, text: str) -> float:
        """`polarity_scores(text)["compound"]`, computing nothing else: a text with no word in the
        lexicon has only zero valences, so its compound is 0.0 without scoring."""
        text, words, lower = self._prepared(text)
        lexicon = self.lexicon
        if not any(w in lexicon for w in lower):
            return 0.0
        sentiments = self._valences(words, lower)
        total = float(sum(sentiments))
        emphasis = self._punctuation_emphasis(text)
        if total > 0:
            total += emphasis
        elif total < 0:
            total -= emphasis
        return round(vs.normalize(total), 4)

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
    scorer = analyzer()
    if isinstance(scorer, FastAnalyzer):
        return [scorer.compound(t) for t in texts]
    polarity = scorer.polarity_scores
    return [float(polarity(t)["compound"]) for t in texts]
