"""analysis.rules: every example in the rule table, the named misfires, brand vocabulary, articles, languages."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

from analysis import flags, rules
from config import Brand
from frame import KINDS
from tests.test_flags import BRANDS, frame, mention


def test_table_is_well_formed() -> None:
    assert rules.check_table() == []
    assert {r.category for r in rules.RULES} == set(rules.CATEGORIES)


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.name)
def test_every_example_of_every_rule(rule: rules.Rule) -> None:
    pattern = re.compile(rules.brand_rules()[[r.name for r in rules.brand_rules()].index(rule.name)].regex)
    assert rule.matches and rule.misses
    for text in rule.matches:
        assert pattern.search(text), (rule.name, text)
    for text in rule.misses:
        assert not pattern.search(text), (rule.name, text)


def assess(*rows: dict[str, Any], brands: list[Brand] = BRANDS, **kwargs: Any) -> pd.DataFrame:
    return flags.assess(frame(*rows), brands, **kwargs)


def test_named_misfires_are_not_flagged() -> None:
    texts = [
        "@acme removed the old logo, looks better",
        "Apparently @acme is opening a store",
        "@acme no issues at all since we switched",
        "@acme fees included in the price",
    ]
    out = assess(
        *(mention(post_id=str(i), text=t, sentiment=-0.3, sentiment_label="negative") for i, t in enumerate(texts[2:3]))
    )
    assert out["needs_reply"].tolist() == [False]  # "no issues": the negative score alone does not count
    out = assess(*(mention(post_id=str(i), text=t) for i, t in enumerate(texts)))
    assert out["needs_reply"].tolist() == [False, False, False, False]


def test_reasons_name_the_rule() -> None:
    out = assess(
        mention(post_id="1", text="@acme thanks a lot for the 9 hour delivery window"),
        mention(post_id="2", text="@acme been waiting 3 weeks for the repair"),
        mention(post_id="3", text="@acme how do I turn off auto-renew"),
    )
    assert out["flag_signals"].tolist() == [
        "sarcasm: ironic-thanks",
        "problem: waited-duration",
        "question: question-opener; help: how-do-i",
    ]


def test_brand_vocabulary_extends_the_rules_without_code() -> None:
    bank = Brand(
        "Bank",
        keywords=("bank",),
        handles={"x": "bank"},
        products=("debit card",),
        complaint_terms=("card swallowed", "frozen account"),
        praise_terms=("smooth transfer",),
        ignore_terms=("giveaway",),
    )
    out = assess(
        mention(post_id="1", brand="Bank", text="@bank card swallowed by the machine at the till"),
        mention(post_id="2", brand="Bank", text="@bank my debit card from last week"),
        mention(post_id="3", brand="Bank", text="@bank where is the giveaway?"),
        mention(
            post_id="4", brand="Bank", text="@bank smooth transfer, cheers", sentiment=-0.2, sentiment_label="negative"
        ),
        brands=[bank],
    )
    assert out["needs_reply"].tolist() == [True, True, False, False]
    assert out["flag_signals"].tolist()[:2] == ["complaint: brand-complaint-term", "problem: my-thing"]
    # without the vocabulary the same posts are not complaints
    plain = Brand("Bank", keywords=("bank",), handles={"x": "bank"})
    assert assess(mention(brand="Bank", text="@bank card swallowed by the machine at the till"), brands=[plain])[
        "needs_reply"
    ].tolist() == [False]


def test_articles_are_never_flagged() -> None:
    assert "article" in KINDS
    out = assess(
        mention(post_id="1", kind="article", platform="rss", text="Acme outage: is the cloud down again?"),
        mention(post_id="2", kind="post", text="Acme outage: is the cloud down again?"),
    )
    assert out["needs_reply"].tolist() == [False, True]


def test_non_english_posts_use_language_neutral_rules_only() -> None:
    rows = (
        mention(post_id="1", lang="fr", text="@acme never again, worst support"),  # English words in a French post
        mention(post_id="2", lang="fr", text="@acme vous avez un support en français ?"),
        mention(post_id="3", lang="es", text="@acme mi pedido no funciona"),
        mention(post_id="4", lang="en", text="@acme never again, worst support"),
    )
    assert assess(*rows)["needs_reply"].tolist() == [False, True, True, True]
    # ingest's decision wins over the lang column
    english = pd.Series([True, True, True, False])
    assert assess(*rows, english=english)["needs_reply"].tolist() == [True, True, True, False]


def test_news_about_the_brand_is_not_the_authors_problem() -> None:
    out = assess(
        mention(
            post_id="1",
            text="Acme cancels 200 flights as air traffic strike hits France",
            sentiment=-0.34,
            sentiment_label="negative",
        ),
        mention(post_id="2", text="Acme shares fell 3% after the earnings call, outage costs blamed"),
        # the same news, written by someone it affects: a complaint
        mention(post_id="3", text="@acme my flight got cancelled because of the strike, no rebooking offered"),
        # a question still counts in a news post
        mention(post_id="4", text="Acme reportedly closing 40 stores, is the Leeds one affected?"),
    )
    assert out["needs_reply"].tolist() == [False, False, True, True]
    assert out["flag_signals"].tolist()[2:] == ["complaint: cancelled", "question: question-mark"]


def test_negated_praise_is_no_praise() -> None:
    out = assess(
        mention(
            post_id="1",
            text="@acme the refurbished laptop has someone else's files on it. Not great for privacy.",
            sentiment=-0.51,
            sentiment_label="negative",
        ),
        mention(post_id="2", text="@acme great laptop, not a single problem"),
    )
    assert out["needs_reply"].tolist() == [True, False]
    assert out["flag_signals"].tolist()[0] == "complaint: negated-praise; negative"


def test_first_person_negation_and_tenure_are_no_problem_cues() -> None:
    texts = {
        "@acme the safety video song is stuck in my head and I've never even flown with you": False,
        "Been with @acme for 6 years and counting": False,
        "@acme the discount you advertised wasn't applied at checkout": True,  # negation about the service
        "@acme been waiting for 6 weeks": True,  # a wait is not a tenure
    }
    out = assess(*(mention(post_id=str(i), text=t) for i, t in enumerate(texts)))
    assert out["needs_reply"].tolist() == list(texts.values())
