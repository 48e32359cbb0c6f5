"""A cheap pre-screen for large regular expressions: the literal text a match cannot do without.

The reply rules (analysis.rules) are hundreds of alternatives joined into one pattern per category; Python's `re`
tries every alternative at every position of a text, and most texts match none. `needed` reads a pattern's parse
tree and returns strings of which any match must contain one ("refund", "charged twice", "?"), or None when it
cannot tell (a class of characters, a back-reference, case-insensitive parts, a part that may match nothing).
A text holding none of them cannot match, so it is not searched; a text holding some is searched with the
original pattern, so every answer is the pattern's own.

`Screen` does that for one compiled pattern (`search`, `sub`); `Alternatives` for a pattern made of
alternatives (`first`: which alternative the whole pattern's leftmost match takes, searching only the
alternatives whose literals the text holds). tests/test_screen.py compares both with plain `re` on the
labelled sets and on odd texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes (standard library)
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any

#: the most strings one literal choice may stand for ("(?:can't|cannot) (?:log|sign) in" is four).
_MOST = 64
#: needed strings are cut to this length.
_LONGEST = 10
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def _product(left: set[str], right: set[str]) -> set[str] | None:
    out = {a + b for a in left for b in right}
    return out if len(out) <= _MOST else None


def _exact_seq(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
    out: set[str] | None = {""}
    for op, av in items:
        part = _exact(op, av)
        if part is None or out is None:
            return None
        out = _product(out, part)
    return out


def _exact(op: Any, av: Any) -> set[str] | None:
    """Every string the item can consume (a superset is fine), when they are few; None otherwise."""
    if op is sre.LITERAL:
        return {chr(av)}
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # consume nothing
        return {""}
    if op is sre.IN:
        if all(kind is sre.LITERAL for kind, _ in av) and len(av) <= _MOST:
            return {chr(code) for _, code in av}
        return None
    if op is sre.SUBPATTERN:
        _, add_flags, _, inner = av
        return None if add_flags & sre.SRE_FLAG_IGNORECASE else _exact_seq(inner.data)
    if op is sre.ATOMIC_GROUP:
        return _exact_seq(av.data)
    if op is sre.BRANCH:
        either = _union(av[1], _exact_seq)
        return either if either is not None and len(either) <= _MOST else None
    if op in _REPEATS:
        low, high, inner = av
        part = _exact_seq(inner.data)
        if part is None or high > 2:
            return None
        out: set[str] = set()
        times: set[str] | None = {""}  # what `count` repetitions consume
        for count in range(high + 1):
            if times is None:
                return None
            if count >= low:
                out |= times
            if count < high:
                times = _product(times, part)
        return out if len(out) <= _MOST else None
    return None


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The choice a text is less likely to hold: its shortest string longer, then fewer strings."""
    if a is None or b is None:
        return a if b is None else b
    return a if (min(map(len, a)), -len(a)) >= (min(map(len, b)), -len(b)) else b


def _solid(strings: set[str]) -> set[str] | None:
    return strings if strings and "" not in strings else None


def _union(alternatives: Iterable[Any], part_of: Callable[[Any], set[str] | None]) -> set[str] | None:
    """The strings of every alternative of a branch (`part_of` each one's items); None when one has none."""
    out: set[str] = set()
    for alternative in alternatives:
        part = part_of(alternative.data)
        if part is None:
            return None
        out |= part
    return out


def _needed_seq(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
    """Strings of which every match of the sequence puts one in the text, or None."""
    best: set[str] | None = None
    run: set[str] = {""}  # what the items since the last unknown one consume, one after another
    for op, av in items:
        if op is sre.ASSERT:  # consumes nothing, but what it looks at is in the text
            best = _better(best, _needed(op, av))
        part = _exact(op, av)
        if part is not None:
            joined = _product(run, part)
            if joined is not None:
                run = joined
                continue
            best, run = _better(best, _solid(run)), part
            continue
        best, run = _better(best, _solid(run)), {""}
        best = _better(best, _needed(op, av))
    return _better(best, _solid(run))


def _needed(op: Any, av: Any) -> set[str] | None:
    if op is sre.SUBPATTERN:
        _, add_flags, _, inner = av
        return None if add_flags & sre.SRE_FLAG_IGNORECASE else _needed_seq(inner.data)
    if op is sre.ATOMIC_GROUP:
        return _needed_seq(av.data)
    if op is sre.ASSERT:  # a lookaround that must match: its text is in the text too
        return _needed_seq(av[1].data)
    if op is sre.BRANCH:
        return _union(av[1], _needed_seq)
    if op in _REPEATS and av[0] >= 1:
        return _needed_seq(av[2].data)
    return None


@cache
def _parse(pattern: str, flags: int) -> Any:
    return parser.parse(pattern, flags)


@cache
def needed(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings of which every match of `pattern` (compiled with `flags`) puts at least one in the searched text,
    or None when no such strings are known (then every text must be searched). Each is at most `_LONGEST`
    characters: the start of a string a match needs is needed too, and a shorter screen is cheaper to build."""
    if flags & re.IGNORECASE:
        return None
    tree = _parse(pattern, flags)
    if tree.state.flags & sre.SRE_FLAG_IGNORECASE:
        return None
    found = _needed_seq(tree.data)
    return frozenset(s[:_LONGEST] for s in found) if found else None


def _trie(strings: Iterable[str]) -> str:
    """One pattern matching exactly `strings` (non-empty), as a tree of their characters: at each position the
    longest of them starting there, so `re` tries one character per step instead of every string."""
    root: dict[str, Any] = {}
    for string in strings:
        node = root
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return body
        return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"

    return emit(root)


class Screen:
    """One compiled pattern with its pre-screen: `search` and `sub` answer as the pattern's own do."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        strings = needed(pattern.pattern, pattern.flags)
        self.screen = re.compile(_trie(strings)) if strings else None

    def could_match(self, text: str) -> bool:
        """False only where the pattern cannot match `text`."""
        return self.screen is None or self.screen.search(text) is not None

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.could_match(text) else None

    def sub(self, repl: str, text: str) -> str:
        return self.pattern.sub(repl, text) if self.could_match(text) else text


@cache
def screen(pattern: str | re.Pattern[str]) -> Screen:
    """The `Screen` of a pattern (a text is compiled as `re.compile` would), made once per process."""
    return Screen(re.compile(pattern))


class Alternatives:
    """Alternatives searched as their union `(?:a0)|(?:a1)|...` would be, reporting which one matched.

    The union's search finds the leftmost position any alternative matches at, and there the first alternative
    (in order) that matches. Each alternative's own leftmost match tells the same: the union matches at the
    smallest of their starts, with the first alternative starting there. So only the alternatives a text can
    match (their needed strings are in it, or none are known) are searched, each on its own.
    """

    def __init__(self, regexes: Sequence[str]) -> None:
        self.regexes = list(regexes)
        self.patterns: list[re.Pattern[str] | None] = [None] * len(regexes)  # each compiled when first searched
        # an alternative with groups of its own (a back-reference counts them) is searched only within the union
        self.union = (
            re.compile("|".join(f"(?P<a{n}>{r})" for n, r in enumerate(regexes)))
            if any(_parse(r, 0).state.groups > 1 for r in regexes)
            else None
        )
        self.always: list[int] = []  # alternatives without needed strings: searched in every text
        owners: dict[str, set[int]] = {}
        for number, regex in enumerate(self.regexes):
            strings = needed(regex) if self.union is None else None
            if strings is None:
                self.always.append(number)
                continue
            for string in strings:
                owners.setdefault(string, set()).add(number)
        # every string found at a position is the longest there: the shorter ones starting there are its prefixes
        self.owners = {
            found: frozenset(n for end in range(1, len(found) + 1) for n in owners.get(found[:end], ()))
            for found in owners
        }
        self.finder = re.compile(f"(?=({_trie(owners)}))") if owners else None
        self.screen = re.compile(_trie(owners)) if owners else None  # any of them? (`re` skips ahead faster)

    def candidates(self, text: str) -> list[int]:
        """The alternatives that could match `text`, in order."""
        chosen = set(self.always)
        if self.finder is not None and self.screen is not None and self.screen.search(text) is not None:
            for found in self.finder.finditer(text):
                chosen |= self.owners[found.group(1)]
        return sorted(chosen)

    def first(self, text: str) -> int | None:
        """The alternative the union's `search` matches with (None: no match)."""
        if self.union is not None:
            found = self.union.search(text)
            return None if found is None else next(n for n in range(len(self.regexes)) if found.start(f"a{n}") >= 0)
        best, best_start = None, len(text) + 1
        for number in self.candidates(text):
            pattern = self.patterns[number]
            if pattern is None:
                pattern = self.patterns[number] = re.compile(self.regexes[number])
            found = pattern.search(text)
            if found is not None and found.start() < best_start:
                best, best_start = number, found.start()
        return best
