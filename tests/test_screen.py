"""The fast paths of the reply judgement at ingest answer exactly as the plain ones: analysis.screen (the rule
table and the other large patterns searched only where they can match) and reply_model.decision (batched),
on every labelled set's texts (tests/data/flags_*.csv) and on odd texts: empty, Unicode, huge."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import flags, reply_model, rules, screen, sentiment
from config import Brand
from tests.test_flags import DEVELOPMENT_SETS, LABELLED, in_brand_threads

#: every labelled set (the development sets; flags_fresh7.csv, the latest blind set, is one of them since session 9).
SETS: list[tuple[Path, list[Brand]]] = [(path, brands) for _, path, brands in DEVELOPMENT_SETS]

#: texts that test the edges: nothing, white space of every kind, combining marks, scripts without spaces, emoji,
#: case that changes length when folded, control characters, a huge text, a text of one repeated term, many terms.
ODD = [
    "",
    " ",
    "?",
    "\n\t\r\x0b\x0c\u00a0\u2003\u3000",
    "e\u0301\u0301 cafe\u0301 ﬁx ß İstanbul ǅ Ω",
    "注文した商品がまだ届きません。返金してください？",
    "ما زال طلبي لم يصل، أريد استرداد المال",
    "🙂🎉❓❔⁉ ¿ ？ 📦❓❓",
    "\x00\x01\x1f\x7f\ud7ff\ue000\U0010ffff",
    "refund " * 1_000,
    "x" * 20_000,
    " ".join(f"word{i} refund{i}?" for i in range(2_000)),
    "my order never came and i want a refund, no issues with the app though. not great. who else? hot take: 2015",
    "@acme @acme_help is the app down?? can't log in since monday!!! not happy",
    "RT @acme: great news",
    "acme, globex and initech compared: which is cheaper",
    "Acme or Globex? i'm not sure, not just acme",
]


def _read(path: Path) -> pd.DataFrame:
    data = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
    data["author_followers"] = pd.to_numeric(data["author_followers"]).astype("Int64")
    data["is_own"] = data["is_own"] == "True"
    return data


def _with_odd_rows(data: pd.DataFrame, brands: list[Brand]) -> pd.DataFrame:
    """`data` with the odd texts added as posts to its first brand, once plain and once naming the brand."""
    brand = brands[0].name
    rows = [
        {**data.iloc[0].to_dict(), "id": f"odd-{i}", "post_id": f"odd-{i}", "text": text, "brand": brand}
        for i, text in enumerate([*ODD, *(f"{brand.lower()} {t}" for t in ODD), *(f"@{brand} {t}" for t in ODD)])
    ]
    return pd.concat([data, pd.DataFrame(rows)], ignore_index=True)


def _judged_sets() -> Iterator[tuple[pd.DataFrame, list[Brand], list[tuple[str, str]], pd.Series]]:
    for path, brands in SETS:
        data = _read(path)
        data = _with_odd_rows(data, brands) if path == LABELLED else data
        own_posts = in_brand_threads(data, brands)
        english = sentiment.scorable(data)
        scored = pd.concat([data, sentiment.score_frame(data, brands, ok=english)], axis=1)
        yield scored, brands, own_posts, english


def _union_first(self: screen.Alternatives, text: str) -> int | None:
    """The plain answer: the union of every alternative searched at once, the first named group that matched."""
    union = re.compile("|".join(f"(?P<a{n}>{r})" for n, r in enumerate(self.regexes)))
    found = union.search(text)
    return None if found is None else next(n for n in range(len(self.regexes)) if found.start(f"a{n}") >= 0)


def test_assess_with_the_fast_paths_equals_the_plain_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every labelled set (as collected; the first with the odd texts): needs_reply, flag_signals and priority_base equal with
    the screens and the batched model, and with every pattern searched in every text and the model text by text."""
    judged = list(_judged_sets())
    fast = [flags.assess(s, b, own_post_ids=o, english=e) for s, b, o, e in judged]
    with monkeypatch.context() as plain:
        plain.setattr(screen.Screen, "could_match", lambda self, text: True)
        plain.setattr(screen.Alternatives, "first", _union_first)
        plain.setattr(reply_model, "decision", reply_model.reference_decision)
        slow = [flags.assess(s, b, own_post_ids=o, english=e) for s, b, o, e in judged]
    flagged = 0
    for ours, theirs in zip(fast, slow, strict=True):
        pd.testing.assert_frame_equal(ours, theirs)
        flagged += int(ours["needs_reply"].sum())
    assert flagged > 1_000  # the sets flag many posts: the comparison is not of empty answers
    assert any(s.str.startswith("model:").any() for s in (f["flag_signals"].dropna() for f in fast))


def _rule_texts() -> list[str]:
    """Every labelled text as the rules read it (lower case, links removed), the odd texts and the rules' examples."""
    texts = [*ODD, *(t.lower() for t in ODD)]
    for path, _ in SETS:
        texts += _read(path)["text"].fillna("").str.lower().str.replace(flags._URL, " ", regex=True).tolist()
    for rule in rules.RULES:
        texts += [*rule.matches, *rule.misses]
    return texts


@pytest.fixture(scope="module")
def rule_texts() -> list[str]:
    return _rule_texts()


@pytest.mark.parametrize("english", [True, False])
def test_each_category_finds_the_rule_the_union_finds(rule_texts: list[str], english: bool) -> None:
    """analysis.screen.Alternatives.first against the table's own union pattern (flags._Table.patterns), with the
    demo vocabulary and with a brand's products and terms (which change `my-thing` and add two rules)."""
    for vocabulary in (((), (), ()), (("kettle", "smart plug"), ("mouldy", "leaks"), ("lush",))):
        table = flags._table(*vocabulary, english)
        for category, union in table.patterns.items():
            if union is None:
                continue
            top = [union.groupindex[f"r{i}"] for i in range(len(table.rules[category]))]
            first = table.alternatives[category].first
            hits = 0
            for text in rule_texts:
                found = union.search(text)
                expected = None if found is None else next(i for i, g in enumerate(top) if found.start(g) >= 0)
                assert first(text) == expected, (category, text[:200])
                hits += expected is not None
            assert hits > 0, category


def test_screened_search_and_sub_equal_the_patterns() -> None:
    """analysis.screen.Screen against plain `re`: the table's own patterns and each brand's names, market-talk and
    ignore-term patterns, on its set's texts (raw and as the rules read them) and the odd texts."""
    table = flags._table((), (), (), True)
    shared = [p for p in (table.not_a_problem, table.not_praise, table.personal, table.second_person) if p is not None]
    shared += [flags._VOCATIVE, flags._CONTRAST]
    screened_texts = 0
    for path, brands in SETS:
        raw = _read(path)["text"].fillna("").tolist()
        texts = [*ODD, *raw, *(t.lower() for t in raw)]
        patterns: list[str | re.Pattern[str]] = [*shared] if path == LABELLED else []
        for brand in brands[:3]:
            ignore = rules.terms_pattern(tuple(brand.ignore_terms) or ("spam", "giveaway"))
            assert ignore is not None
            patterns += [flags._names_pattern(brand), flags._listed_pattern(brand), ignore]
        for pattern in patterns:
            screened, compiled = screen.screen(pattern), re.compile(pattern)
            for text in texts:
                found, expected = screened.search(text), compiled.search(text)
                assert (found and found.span()) == (expected and expected.span()), (pattern, text[:200])
                assert screened.sub(" ", text) == compiled.sub(" ", text)
                screened_texts += not screened.could_match(text)
    assert screened_texts > 10_000  # the screens do skip texts


def test_listed_searches_only_where_the_brand_is_named_and_answers_as_the_pattern() -> None:
    """flags._listed (the market-talk pattern searched only in texts holding the brand's names, case ignored) against
    the pattern searched in every text: each set's raw texts, the odd texts, and case-folding look-alikes."""
    found = 0
    for path, brands in SETS:
        raw = _read(path)["text"].fillna("").tolist()
        for brand in brands[:3]:
            name = brand.name
            texts = [*ODD, *raw, f"Delta, {name.upper()} and United", f"{name} vs Lucid", f"{name.lower()} or hertz?"]
            texts += [f"Globex, {name.replace('s', 'ſ').replace('k', 'K')} and Initech", f"İ {name} vs Rivian"]
            series = pd.Series(texts, dtype="string")
            expected = series.str.contains(flags._listed_pattern(brand), regex=True).fillna(False).tolist()
            assert flags._listed(series, brand).fillna(False).tolist() == expected, name
            found += sum(expected)
    assert found > 100  # the pattern does match: the comparison is not of empty answers


def test_needed_strings() -> None:
    assert screen.needed(r"\brefunds?\b") == {"refund", "refunds"}
    assert screen.needed(r"[?？¿]") == {"?", "？", "¿"}
    assert screen.needed(r"\b(?:can't|cannot) (?:log|sign) in\b") == {
        "can't log ",
        "can't sign",
        "cannot log",
        "cannot sig",
    }  # cut to ten characters: the start of a needed string is needed too
    assert screen.needed(r"^(?=.*\bbroken\b).*") == {"broken"}  # a lookahead's text is in the text
    assert screen.needed(r"(?!no )issue|problem") == {"issue", "problem"}
    assert screen.needed(r"(?:very )?slow(?:er)?") == {"slow", "slower", "very slow", "very slowe"}
    assert screen.needed(r"\d+ days") == {" days"}
    for unknown in (r"\w+", r"[a-z]{3}", r"a*", r"(?:x|\d)", r"(?i:refund)", r"(?!refund)\w"):
        assert screen.needed(unknown) is None, unknown
    assert screen.needed("refund", re.IGNORECASE) is None
    assert screen.needed("(?i)refund") is None


def test_every_rule_example_holds_one_of_its_needed_strings() -> None:
    """What a rule's examples match, they match through one of the rule's needed strings (a wrong string would
    hide a match: the screen is only as good as this)."""
    known = 0
    for rule in rules.brand_rules(("kettle",), ("mouldy",), ("lush",)):
        strings = screen.needed(rule.regex)
        if strings is None:
            continue
        known += 1
        for example in rule.matches:
            assert re.search(rule.regex, example), (rule.name, example)
            assert any(s in example for s in strings), (rule.name, example, sorted(strings))
    assert known >= len(rules.RULES) * 0.9  # nearly every rule is screened


def test_alternatives_with_groups_of_their_own_search_the_union() -> None:
    """A back-reference numbers groups: such alternatives are searched as one union, as the table would."""
    alternatives = screen.Alternatives([r"(?P<x>a)(?P=x)", r"b", r"(?:c)"])
    assert alternatives.union is not None
    assert [alternatives.first(t) for t in ("xaa", "ab", "cb", "z")] == [0, 1, 2, None]
    plain = screen.Alternatives([r"refund", r"\bmy order\b", r"x"])
    assert [plain.first(t) for t in ("my order, refund", "refund my order", "xx", "")] == [1, 0, 2, None]
    assert plain.candidates("nothing here") == []


def _model_texts() -> list[str]:
    texts = [*ODD, *(t.lower() for t in ODD), "x" * 200_000, " ".join(f"w{i} refund{i % 7}" for i in range(30_000))]
    for scored, brands, _, _ in _judged_sets():
        texts += flags.model_text(scored, brands).tolist()
    return texts


def test_batched_decision_equals_the_plain_one_bit_for_bit() -> None:
    texts = _model_texts()
    assert len(texts) > 3_000
    fast, plain = reply_model.decision(texts), reply_model.reference_decision(texts)
    assert fast.dtype == plain.dtype == np.float64
    np.testing.assert_array_equal(fast.view(np.uint64), plain.view(np.uint64))
    # in batches of any size, and text by text
    assert np.array_equal(np.concatenate([reply_model.decision(texts[i : i + 7]) for i in range(0, 70, 7)]), plain[:70])
    assert reply_model.decision([]).shape == (0,)
