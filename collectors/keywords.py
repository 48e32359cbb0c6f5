"""Matching text against a brand's keywords, for sources that take everything and filter here.

Feeds and imported files carry posts that may or may not be about the brand. A keyword
matches as a whole word or phrase, case-insensitively ("acme" matches "Acme's" and "#acme",
not "acmeville"); quotes around a keyword ("\\"acme phone\\"") are the phrase syntax of the
config and are dropped. A text naming an `exclude` term is never a match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from config import Brand

_QUERY_WORD = re.compile(r'"([^"]+)"|(\S+)')
_OPERATORS = {"or", "and", "not"}


def clean_terms(keywords: Iterable[str]) -> list[str]:
    """Keywords without their quotes and surrounding spaces, empty ones dropped, order kept."""
    out: list[str] = []
    for keyword in keywords:
        term = str(keyword).strip().strip('"').strip()
        if term and term.lower() not in (t.lower() for t in out):
            out.append(term)
    return out


def query_terms(query: str | None) -> list[str]:
    """The words and quoted phrases of a search query, without operators and negated words."""
    if not query:
        return []
    terms: list[str] = []
    for phrase, word in _QUERY_WORD.findall(query):
        if phrase:
            terms.append(phrase)
        elif word.lower() not in _OPERATORS and not word.startswith("-") and not word.startswith("("):
            terms.append(word.strip("()"))
    return clean_terms(terms)


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    ordered = sorted(terms, key=len, reverse=True)  # the longest phrase wins
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class KeywordMatcher:
    """`match(text)` -> the keyword found (as configured), or None when absent or excluded."""

    def __init__(self, keywords: Iterable[str], exclude: Iterable[str] = ()) -> None:
        self.terms = clean_terms(keywords)
        self._by_lower = {t.lower(): t for t in self.terms}
        self._find = _pattern(self.terms)
        self._exclude = _pattern(clean_terms(exclude))

    @classmethod
    def for_brand(cls, brand: Brand, extra: Iterable[str] = ()) -> KeywordMatcher:
        """The brand's keywords (its name when it has none) plus `extra` terms, minus its exclusions."""
        keywords = list(brand.keywords) or [brand.name]
        return cls([*keywords, *extra], brand.exclude)

    def match(self, text: str | None) -> str | None:
        if not text or self._find is None:
            return None
        if self._exclude is not None and self._exclude.search(text):
            return None
        found = self._find.search(text)
        if found is None:
            return None
        key = re.sub(r"\s+", " ", found.group(0)).lower()
        return self._by_lower.get(key, found.group(0))
