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

#: a brand whose name is a common English word (analysis.flags.common_word), for the ordinary-word tests: since session
#: 19 "Acme" (rare in English) is never read as an ordinary word
KETTLE = Brand("Kettle", keywords=("kettle",))
#: a comment under another user's reddit post in a subreddit not named like the brand
REDDIT_COMMENT = {
    "platform": "reddit",
    "kind": "comment",
    "url": "https://www.reddit.com/r/london/comments/abc/post/k1/",
}


def test_table_is_well_formed() -> None:
    assert rules.check_table() == []
    assert {r.category for r in rules.RULES} == set(rules.CATEGORIES)
    nowhere = rules.Rule("nowhere", "complaint", ("kaputt",), ("kaputt",), ("ok",), other_languages_only=True)
    assert rules.check_table((nowhere,)) == ["nowhere: english_only and other_languages_only: it would run on no post"]


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.name)
def test_every_example_of_every_rule(rule: rules.Rule) -> None:
    pattern = re.compile(rules.brand_rules()[[r.name for r in rules.brand_rules()].index(rule.name)].regex)
    assert rule.matches and rule.misses
    for text in rule.matches:
        assert pattern.search(text), (rule.name, text)
    for text in rule.misses:
        assert not pattern.search(text), (rule.name, text)


def assess(*rows: dict[str, Any], brands: list[Brand] = BRANDS, **kwargs: Any) -> pd.DataFrame:
    """The rule table's and the addressing logic's answer (the learned layer is tests/test_reply_model.py's)."""
    kwargs.setdefault("model", False)
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
        # English words in a French post that names the brand with no @handle (rule `non-english-hailed` flags a post in
        # another language that holds the brand's @handle, anywhere since session 23, and no thanks or praise word)
        mention(post_id="1", lang="fr", text="never again acme, worst support"),
        mention(post_id="2", lang="fr", text="@acme vous avez un support en français ?"),
        mention(post_id="3", lang="es", text="@acme mi pedido no funciona"),
        mention(post_id="4", lang="en", text="never again @acme, worst support"),
    )
    assert assess(*rows)["needs_reply"].tolist() == [False, True, True, True]
    # spoken to the brand in another language with no thanks or praise word: a complaint; with one: not
    said = assess(
        mention(post_id="5", lang="sw", text="@acme stima imepotea tangu saa nne asubuhi"),
        mention(post_id="6", lang="pt", text="@acme adorei o fone novo, som incrível"),
    )
    assert said["needs_reply"].tolist() == [True, False]
    assert said["flag_signals"].tolist()[0] == "complaint: non-english-hailed"
    # the @handle after the text (session 23), never inside an e-mail address; thanks in Czech
    later = assess(
        mention(post_id="7", lang="sv", text="appen kopplar ner varje gång jag byter till 4G @acme"),
        mention(post_id="8", lang="cs", text="díky @acme, balík přišel druhý den"),
        mention(post_id="9", lang="es", text="acme: escríbeme a ana.lopez@example.com"),
    )
    assert later["needs_reply"].tolist() == [True, False, False]
    # ingest's decision wins over the lang column
    english = pd.Series([True, True, True, False])
    decided = assess(*rows, english=english)
    assert decided["needs_reply"].tolist() == [True, True, True, True]
    # the last, read as another language, is flagged by the language-neutral rule only (its @handle, no thanks)
    assert decided["flag_signals"].tolist()[3] == "complaint: non-english-hailed"


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
            # (session 10: "someone else's files" is `wrong-item` now, named first; the last owner's are not)
            text="@acme the refurbished laptop has the last owner's files on it. Not great for privacy.",
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


def test_emoji_only_post_is_no_sarcasm() -> None:
    """The irony marker marks irony in words: "@acme 🙄" alone shows no "sarcasm: irony-marker" reason."""
    out = assess(
        mention(post_id="1", text="@acme 🙄"),
        mention(post_id="2", text="@acme.bsky.social 🙃🙃", platform="bluesky"),
        mention(post_id="3", text="@acme best support ever 🙄"),
    )
    assert out["needs_reply"].tolist() == [False, False, True]
    assert out["flag_signals"].tolist() == [None, None, "sarcasm: irony-marker"]


def test_negation_counts_only_in_a_conversation_with_the_brand() -> None:
    """`negation` is `spoken_only`: in a post that talks about the brand ("doesn't matter which", "don't judge me")
    it is no problem report; opening with the brand's @handle, or in its thread, it still counts."""
    assert [r.name for r in rules.RULES if r.spoken_only] == ["negation", "persists", "me-too-own"]
    text = "acme, globex, whoever, doesn't matter which one you pick"
    out = assess(
        mention(post_id="1", text="acme dinner on a tuesday, don't judge me"),
        mention(post_id="2", text="@acme the app doesn't sync"),
        mention(post_id="3", platform="x", parent_id="old", text="still doesn't sync"),
        mention(post_id="4", text=text),
        own_post_ids=[("x", "old")],
    )
    assert out["needs_reply"].tolist() == [False, True, True, False]
    assert out["flag_signals"].tolist()[1:3] == ["problem: negation", "problem: negation"]


def test_questions_to_other_users_are_not_asked_of_the_brand() -> None:
    """In the brand's thread a reply opening with another user's @handle speaks to that user (only the writer's own case
    with a reference still counts: session 22); a comment in the brand's subreddit asking "you" asks the poster; a
    top-level post there asks all."""
    reddit = "https://www.reddit.com/r/acme/comments/abc/title/"
    out = assess(
        mention(post_id="1", parent_id="old", text="@gooner_tom you going saturday? got a spare"),
        mention(post_id="2", parent_id="old", text="@jen_ux mine arrived broken too, order 5530-1187"),
        mention(post_id="3", platform="reddit", kind="comment", url=reddit, text="are you on the beta channel?"),
        mention(
            post_id="4",
            platform="reddit",
            kind="post",
            url=reddit,
            text="can you get the discount without a .edu email?",
        ),
        own_post_ids=[("x", "old")],
    )
    assert out["needs_reply"].tolist() == [False, True, False, True]


def test_market_talk_in_small_letters() -> None:
    """Comparisons and lists without capitals are market talk too ("hertz or enterprise for ...", "uber, bolt,
    freenow", "not just ring"), and so is talk about a whole industry; the brand's @handle first is not."""
    neg = {"sentiment": -0.5, "sentiment_label": "negative"}
    out = assess(
        mention(post_id="1", text="acme or globex for a family of four? want the cheapest"),
        mention(post_id="2", text="uber, acme, freenow, surge pricing at 2am is criminal", **neg),
        mention(post_id="3", text="the cold kills every lithium doorbell battery, not just acme", **neg),
        mention(post_id="4", text="every insurer is jacking rates, acme too, the whole industry is broken", **neg),
        mention(post_id="5", text="acme vs globex doorbell? one without a subscription"),
        mention(post_id="6", text="@acme or globex, which one fixes my broken screen faster?"),
    )
    assert out["needs_reply"].tolist() == [False, False, False, False, False, True]


def test_brand_handles_with_account_words() -> None:
    """An @handle that adds an account word to the brand's name ("@theacme", "@acmeuk", "@acme_help") is the
    brand's; another account that only starts like it is not."""
    out = assess(
        mention(post_id="1", platform="bluesky", text="@theacme.com how do I switch my plan to annual"),
        mention(post_id="2", text="@acmeuk where is my order?"),
        mention(post_id="3", text="@acme_help my order arrived broken"),
        mention(post_id="4", text="@acme_fans_club where is the meetup?"),
    )
    assert out["needs_reply"].tolist() == [True, True, True, False]


def test_a_testimonial_is_no_complaint() -> None:
    """Praise told to others about the brand (not spoken to it, no "but") outweighs the problem words of the
    story it tells; spoken to the brand ("thanks @acme for ...", "you"), or with a turn ("but"), it does not."""
    neg = {"sentiment": -0.4, "sentiment_label": "negative"}
    out = assess(
        mention(
            post_id="1",
            text="Acme's fraud team caught a scam payment before it left my account. Seriously impressive",
            **neg,
        ),
        mention(post_id="2", text="Thanks @acme for cancelling my order, impressive work", **neg),
        mention(post_id="3", text="Acme's app is impressive but it crashed twice today", **neg),
        mention(
            post_id="4", text="@acme your fraud team caught a scam payment, impressive but my card is blocked", **neg
        ),
    )
    assert out["needs_reply"].tolist() == [False, True, True, True]


def test_a_thing_of_the_brand_one_word_on_keeps_the_brand() -> None:
    """The ordinary-word reading is spared when a thing a customer has of the brand follows the name, also one
    word on ("my acme car policy"); the name alone after a determiner is still the ordinary word."""
    out = assess(
        mention(
            post_id="1",
            brand="Kettle",
            text="cancelled my kettle car policy in September and they STILL took a payment. want my $142 back",
        ),
        mention(post_id="2", brand="Kettle", text="Cancelled the kettle in September, STILL cold"),
        brands=[*BRANDS, KETTLE],
    )
    assert out["needs_reply"].tolist() == [True, False]


def test_problem_persisting_counts_only_in_a_conversation_with_the_brand() -> None:
    """`persists` ("still getting the same rejection") is `spoken_only`: in the brand's thread it reports that
    the brand's advice did not work; in a post about the brand it is no problem report."""
    out = assess(
        mention(post_id="1", platform="x", parent_id="old", text="i did that, still getting the same rejection"),
        mention(post_id="2", platform="x", parent_id="old", text="still happening after reinstalling"),
        mention(post_id="3", text="acme is still the same shop i went to as a kid"),
        own_post_ids=[("x", "old")],
    )
    assert out["needs_reply"].tolist() == [True, True, False]
    assert out["flag_signals"].tolist()[:2] == ["problem: persists", "problem: persists"]


def test_questions_without_a_mark_or_a_handle() -> None:
    """`asks-plain`: a yes/no or "which ..." question with no question mark and no @handle first is asked of
    the brand in its thread or in a post naming it; opinions and "is it just me" are not."""
    out = assess(
        mention(post_id="1", text="does the acme 2 year guarantee cover the battery or just the motor"),
        mention(post_id="2", platform="x", parent_id="old", text="will my stickers come across as well"),
        mention(post_id="3", platform="x", parent_id="old", text="which email do i send the proof to"),
        mention(post_id="4", text="is it just me or does the acme logo look like a waffle"),
        mention(post_id="5", text="is acme actually cheaper than globex or is that a myth"),
        own_post_ids=[("x", "old")],
    )
    assert out["needs_reply"].tolist() == [True, True, True, False, False]
    assert out["flag_signals"].tolist()[:3] == ["question: asks-plain"] * 3


def test_thread_replies_and_product_reports_without_fault_words() -> None:
    """Session 5's third blind set, fold 1 (rules2 phase 2): advice followed without effect, a question about the
    brand's range in its thread, a batch code with a best-before date (no praise: "best before"), a wish ("would
    be nice if") that is no praise, ironic thanks for a thing that failed; a refund for damaged goods is thanks."""
    out = assess(
        mention(post_id="1", platform="x", parent_id="old", text="I emailed support like you said, still nothing"),
        mention(post_id="2", platform="x", parent_id="old", text="which of the pods would you recommend then"),
        mention(post_id="3", text="@acme two bars were hollow. best before 08/27, batch L3142"),
        mention(post_id="4", text="The update broke my Acme setup. Would be nice if they documented it."),
        mention(post_id="5", text="wow thanks @acme for the alarm that didn't go off"),
        mention(post_id="6", text="@acme got a refund for the squashed berries without asking, nice touch"),
        own_post_ids=[("x", "old")],
    )
    assert out["needs_reply"].tolist() == [True, True, True, True, True, False]
    signals = out["flag_signals"].tolist()
    assert signals[1] == "question: asks-plain" and signals[2].startswith("complaint: batch-code")
    assert "sarcasm: ironic-thanks" in signals[4]


def test_comments_answering_another_user_in_the_brands_subreddit_are_not_addressed() -> None:
    """Session 7 (flags_fresh4.csv: all 45 reddit comments needed no reply): a comment under another user's post in
    the brand's subreddit that names the brand nowhere answers that user (advice, a me-too story, a question back),
    whatever its words; one that names the brand or its @handle, a top-level post there and a comment in the brand's
    own thread still count."""
    reddit = "https://www.reddit.com/r/acme/comments/abc/post/"
    comment = {"platform": "reddit", "kind": "comment", "url": reddit + "k1/"}
    out = assess(
        mention(post_id="1", **comment, text="Did you pay through the app store? Apple would handle the refund."),
        mention(post_id="2", **comment, text="This happened to my flatmate. It's a scam at this point."),
        mention(post_id="3", **comment, text="Same here, acme support never answered my ticket either"),
        mention(post_id="4", platform="reddit", kind="post", url=reddit, text="My order arrived broken, what now?"),
        mention(post_id="5", **{**comment, "thread_id": "own1"}, text="tried that, still broken"),
        own_post_ids=[("reddit", "own1")],
    )
    assert out["needs_reply"].tolist() == [False, False, True, True, True]


def test_a_name_in_small_letters_before_a_noun_is_the_brand() -> None:
    """Session 7: after a determiner in an all-lowercase post the name is the ordinary word ("the acme of my
    career"), unless a noun follows it: then it names the brand's product ("my acme lawnmower won't start", "in the
    acme queue"); a function word, an adverb or a past tense after it keeps the ordinary reading."""
    texts = [
        "my {} lawnmower won't start, battery full, just clicks",
        "sat in the {} queue for 3 hours and got an error at the front",
        "the {} just clicked off and died on me again",
        "the {} of my career was that year, a nightmare",
        "a huge {} between what they say and do, the problem is everywhere",
    ]
    out = assess(
        *(mention(post_id=str(i), brand="Kettle", text=t.format("kettle")) for i, t in enumerate(texts)),
        brands=[*BRANDS, KETTLE],
    )
    assert out["needs_reply"].tolist() == [True, True, False, False, False]
    # session 19: a name that is no common English word ("acme") is never the ordinary word: each names the brand, and
    # each tells a fault ("won't start", "an error", "died", "a nightmare", "the problem")
    rare = assess(*(mention(post_id=str(i), text=t.format("acme")) for i, t in enumerate(texts)))
    assert rare["needs_reply"].tolist() == [True] * 5


def test_product_faults_without_fault_words() -> None:
    """Session 7 (`physical-fault`, `asks-handle` with a sign in the subject): parts coming off, leaking, shrinking,
    split bags, a battery flat on day one; a yes/no question to the brand's handle without a mark."""
    out = assess(
        mention(post_id="1", text="@acme the chain came off three times in an hour. new tool, first use."),
        mention(post_id="2", text="@acme opened a new pack, 3 were already leaking white crust"),
        mention(post_id="3", text="@acme opened a box of 240 and half the bags are split"),
        mention(post_id="4", text="@acme do go+ points still work at the franchised stations or only company ones"),
        mention(post_id="5", text="@acme the leaked renders look great, the photos came out great too"),
    )
    assert out["needs_reply"].tolist() == [True, True, True, True, False]
    signals = out["flag_signals"].tolist()
    assert "complaint: physical-fault" in signals[0] and "question: asks-handle" in signals[3]


def test_text_signals_of_one_row_equal_the_same_row_among_others() -> None:
    """The rule matches are read row by row off the compiled table (flags._matches, flags._first_rule): one
    row alone, its signals within a larger frame and str.extract's leftmost-match choice agree."""
    texts = [
        "@acme still happening after the reinstall, like you said",
        "thanks @acme, works now",
        "is the acme deal in-app only or in store too",
        "",
    ]
    rows = pd.DataFrame(
        {
            "text": texts,
            "brand": "Acme",
            "sentiment": [-0.3, 0.6, 0.0, 0.0],
            "sentiment_label": ["negative", "positive", "neutral", "neutral"],
        }
    )
    together = flags.text_signals(rows, BRANDS)
    for i in range(len(rows)):
        alone = flags.text_signals(rows.iloc[[i]], BRANDS)
        assert alone.iloc[0].equals(together.iloc[i]), texts[i]
    table = flags._table((), (), (), True)
    for category in ("question", "complaint", "hint", "praise"):
        lower = pd.Series([t.lower() for t in texts], dtype=object)
        hit, names, _ = flags._first_rule(lower, table, category)
        pattern = table.patterns[category]
        assert pattern is not None
        groups = lower.str.extract(pattern, expand=True).notna().to_numpy(dtype=bool)
        expected = [table.rules[category][g.argmax()].name if g.any() else "" for g in groups]
        assert list(names) == expected and list(hit) == [bool(g.any()) for g in groups]


def test_advice_between_customers_in_the_brands_thread_and_a_comment_with_the_writers_own_reference() -> None:
    """Session 9 (flags_fresh7.csv's false flags and misses; weak evidence, most rows of both kinds are that set's): a
    reply in the brand's thread that advises another user or tells them a me-too story (rules category `peer`) counts
    only its problem words, as one opening with other users' @handles; the same words spoken to the brand, or a
    problem word, still count. A comment under a user's post (reddit, hacker news) that names the brand nowhere is
    addressed to it when it carries the writer's own reference number in their own voice; without one it is not."""
    thread = {"platform": "bluesky", "kind": "reply", "parent_id": "old"}
    reddit = REDDIT_COMMENT
    out = assess(
        mention(post_id="1", **thread, text="check your order history, mine showed the deleted ones as drafts"),
        mention(post_id="2", **thread, text="you need the code from the letter not the email, don't wait"),
        mention(post_id="3", **thread, text="this happened to my brother, they turned up 2 weeks later"),
        # session 10 (judge6): a relative's story alone is talk between users (rules category `peer-aside`); asking the
        # brand for something keeps it addressed
        mention(post_id="4", **thread, text="this happened to my brother, can you check it? his parcel arrived broken"),
        mention(post_id="5", **thread, text="still waiting 2 weeks later, nobody has called"),
        mention(
            post_id="6", **reddit, text="Same thing happened to me, two payments and nobody has answered. ref RF88410"
        ),
        mention(post_id="7", **reddit, text="Same thing happened to me, two payments and nobody has answered"),
        mention(post_id="8", **reddit, text="You'll need the booking ref RF88410 from the email"),
        own_post_ids=[("bluesky", "old")],
    )
    assert out["needs_reply"].tolist() == [False, False, False, True, True, True, False, False]
    assert out["flag_signals"].iloc[5] == "complaint: no-response"


def test_talk_between_users_in_the_brands_thread_and_me_too_replies_with_the_writers_own_number() -> None:
    """Session 10 (branch judge6, flags_fresh9.csv's false flags and misses): in the brand's thread a reply about a
    relative's experience, a question about the other user's thing or encouragement is not addressed to the brand, even
    with problem words ("nightmare", "never came back"); asking the brand for something, or the writer's own reference
    number, keeps it addressed. A me-too reply ("mine did the same") with the writer's own supporter / customer number
    is the writer's own case, and so is a comment under a user's post with "for me" and a customer id."""
    thread = {"platform": "bluesky", "kind": "reply", "parent_id": "old"}
    reddit = REDDIT_COMMENT
    out = assess(
        mention(post_id="1", **thread, text="same thing happened to my mum last spring, its a nightmare with fitting"),
        mention(post_id="2", **thread, text="looks gorgeous! where did you get the tiles?"),
        mention(post_id="3", **thread, text="they have to provide it within 12 working days or they can't, keep going"),
        mention(post_id="4", **thread, text="same happened to my dad, can you please refund him? charged twice"),
        mention(post_id="5", **thread, text="Mine did the same, two payments taken, supporter number 30229117."),
        mention(post_id="6", **thread, text="still charged twice and nobody has answered"),
        mention(
            post_id="7",
            **reddit,
            text="Exactly the same for me. Cancelled in June, charged every month since. Customer ID EX-498120.",
        ),
        mention(post_id="8", **reddit, text="Exactly the same for me. Cancelled in June, charged every month since."),
        own_post_ids=[("bluesky", "old")],
    )
    assert out["needs_reply"].tolist() == [False, False, False, True, True, True, True, False]


def test_comments_naming_the_brand_as_their_me_too_references_and_plain_questions_in_small_letters() -> None:
    """Session 10 (flags_fresh8.csv's misses): a comment under a user's post that names the brand only as "their" /
    "they" and speaks for the writer's own organisation is addressed to the brand (without "our" / "we" it is talk
    about the brand); a me-too opener is the writer's own voice for a reference number ("mine too, order 78990"); a
    name in small letters is the brand in a post opening as a yes/no question, or when written with a hyphen."""
    hn = {
        "platform": "hackernews",
        "kind": "comment",
        "thread_id": "hn-1",
        "url": "https://news.ycombinator.com/item?id=1",
    }
    reddit = REDDIT_COMMENT
    hyphen = Brand("Lay-Z-Spa", keywords=("lay-z-spa",))
    out = flags.assess(
        frame(
            mention(post_id="1", **hn, text="Their backend started rejecting our chargers' heartbeats last week."),
            mention(post_id="2", **hn, text="Their backend started rejecting heartbeats last week, I read."),
            mention(post_id="3", **reddit, text="they told me the same and it was broken for weeks"),
            mention(post_id="4", **reddit, text='mine too, order 78990, picked up monday and now "not received"'),
            mention(post_id="5", **reddit, text='picked up monday and now "not received", order 78990 for them'),
            mention(
                post_id="6",
                brand="Kettle",
                text="can a kettle curved hose reach the back of the Garden or only straight",
            ),
            mention(
                post_id="7", brand="Kettle", text="a kettle screamed in the Garden all night and it's broken my sleep"
            ),
            mention(post_id="8", brand="Lay-Z-Spa", text="filled the lay-z-spa on Saturday, it was half empty"),
        ),
        [*BRANDS, KETTLE, hyphen],
    )
    assert out["needs_reply"].tolist() == [True, False, False, True, False, True, False, True]
    assert out["flag_signals"].iloc[0] == "complaint: software-fault"


def test_bare_moods_need_no_reply_but_a_detail_or_a_question_does() -> None:
    """Session 15: the brand's name, @handle or #hashtag with only emoji or a mood word is a bare mood (rules category
    `bare-mood`): nothing to act on. A word saying what failed, a reference or a question keeps a short post flagged;
    a headline post is judged as an article; circled letters read as plain ones."""
    out = assess(
        mention(post_id="1", text="acme 😩"),
        mention(post_id="2", text="@acme 😡😡😡"),
        mention(post_id="3", text="#acme ugh 😒"),
        mention(post_id="4", text="#acme coil dead after 2 digs 😡"),
        mention(post_id="5", text="acme 🪜💥 AC-22340"),
        mention(post_id="6", text="@acme 📵📵📵 again??"),
        mention(post_id="7", text="A long read on Acme and the phone market: who really pays for repairs?"),
        mention(post_id="8", text="ⓐⓒⓜⓔ ⓟⓗⓞⓝⓔ ⓢⓒⓡⓔⓔⓝ ⓒⓡⓐⓒⓚⓔⓓ on day 2"),
    )
    assert out["needs_reply"].tolist() == [False, False, False, True, True, True, False, True]


def test_only_a_common_english_word_is_read_as_an_ordinary_word() -> None:
    """Session 19: the ordinary-word reading ("A peacock screamed") needs a name that is one common English word
    (wordfreq's Zipf >= flags.COMMON_WORD_ZIPF); a rare or made-up name or a name of several words is the brand in a
    post that capitalises other words ("crumbl. 4 pack. 2 flavours wrong. ... Orem")."""
    assert [flags.common_word(n) for n in ("Gap", "Kettle", "Peacock", "Next", " ring ")] == [True] * 5
    assert [flags.common_word(n) for n in ("Crumbl", "Loganair", "Acme", "Boost Juice", "Lay-Z-Spa", "O2", "")] == [
        False
    ] * 7
    crumbl, boost = Brand("Crumbl", keywords=("crumbl",)), Brand("Boost Juice", keywords=("boost juice",))
    out = assess(
        mention(post_id="1", brand="Crumbl", text="crumbl. 4 pack. 2 flavours wrong. no receipt in the bag. Orem"),
        mention(post_id="2", brand="Boost Juice", text="boost juice Carindale. 25 min wait. wrong smoothie. no straw"),
        mention(post_id="3", brand="Kettle", text="kettle. 4 pack. 2 flavours wrong. no receipt in the bag. Orem"),
        brands=[*BRANDS, crumbl, boost, KETTLE],
    )
    assert out["needs_reply"].tolist() == [True, True, False]


def test_a_country_account_of_the_brand_is_its_handle() -> None:
    """Session 19 (flags_fresh40.csv): a post opening with the brand's country account ("@Acme_de", "@AcmeMexico")
    speaks to the brand, not to another user; a handle that only starts with the name does not."""
    out = assess(
        mention(post_id="1", lang="de", text="@Acme_de Bestellung 4472315607, das Regal kam beschädigt an"),
        mention(post_id="2", lang="es", text="@AcmeMexico pedí una estufa hace un mes, pedido 5520-88130, no llega"),
        mention(post_id="3", text="@acme_fran is your order broken too? mine is"),
    )
    assert out["needs_reply"].tolist() == [True, True, False]


def test_a_creators_pitch_is_not_flagged() -> None:
    """Session 19 (rule category `pitch`): an influencer's or creator's offer naming its audience needs no reply (the
    labelling guide: chatter), even with a question to the brand; a complaint mentioning followers still does."""
    out = assess(
        mention(
            post_id="1", text="@acme I'm a food creator with 2M on TikTok, would love to collab. who handles that?"
        ),
        mention(post_id="2", text="hey @acme we make moving vlogs for 300k subs, would you sponsor our next episode?"),
        mention(
            post_id="3", text="@acme my 12k followers all saw the wrong price on your site, refund the difference?"
        ),
    )
    assert out["needs_reply"].tolist() == [False, False, True]


def test_a_name_against_chinese_japanese_or_korean_letters_names_the_brand() -> None:
    """Session 19 (flags_fresh43.csv): Japanese writes a name against the next word ("DeepLの無料版", "楽天Koboで"), so
    the name's boundary is any letter but a letter of a script written with spaces; "acmeology" stays no mention."""
    out = assess(
        mention(post_id="1", lang="ja", text="Acmeの無料版って、1ヶ月に翻訳できるファイル数の上限はまだ3つですか？"),
        mention(post_id="2", lang="ja", text="楽天Acmeで買った電子書籍、解約したら読めなくなりますか？"),
        mention(post_id="3", text="is acmeology a real word? asking for a friend"),
    )
    assert out["needs_reply"].tolist() == [True, True, False]


def test_me_too_comments_with_the_writers_own_reference() -> None:
    """Session 19 (flags_fresh42/43.csv's misses): a comment under another user's post opening "exact same", "same
    situation here" or "same at", or told in the first person with a patient or agreement number, is the writer's own
    case, addressed to the brand; without a reference it stays the writer's story to the poster."""
    reddit = REDDIT_COMMENT
    out = assess(
        mention(
            post_id="1", **reddit, text="exact same, sense 2, case 19490533, they said wait 48h, that was 6 days ago"
        ),
        mention(
            post_id="2", **reddit, text="same situation here (visa refused, order TL-2212003). any answer from them?"
        ),
        mention(post_id="3", **reddit, text="mine was a filling on the wrong side, patient 71-30144, no call back"),
        mention(post_id="4", **reddit, text="exact same, they said wait 48h and that was 6 days ago"),
    )
    assert out["needs_reply"].tolist() == [True, True, True, False]


def test_me_too_comments_with_receipts_serials_and_references_in_other_languages() -> None:
    """Session 20 (flags_fresh46/47.csv's misses): a comment under another user's post opening with a bare "same", or in
    the first person, with a receipt, serial, prescription or batch number, a reference in several lettered parts or
    one in the post's own language, is the writer's own case, addressed to the brand; without one it stays the writer's
    story to the poster."""
    reddit = REDDIT_COMMENT
    out = assess(
        mention(post_id="1", **reddit, text="same, stuck at 38% since tuesday, order ECV-5521002"),
        mention(post_id="2", **reddit, text="literally the same shop did this to me, receipt 417-22601, no call back"),
        mention(post_id="3", **reddit, text="mine leak too, order MB-UK-4402008, emailed them 10 days ago"),
        mention(post_id="4", **reddit, text="mine does the same and it gave me a rash, batch 3190C"),
        mention(post_id="5", **reddit, lang="pt", text="mesma coisa, matrícula 8822016, cancelei em agosto"),
        mention(post_id="6", **reddit, text="same, stuck at 38% since tuesday, no word from anyone"),
        mention(post_id="7", **reddit, text="same, I kept the receipt 2024 style in a shoebox"),
    )
    assert out["needs_reply"].tolist() == [True, True, True, True, True, False, False]


def test_posts_in_other_languages_with_references_in_their_own_words() -> None:
    """Session 20: Swedish, Japanese and Korean order, contract and case numbers are references (rule
    non-english-reference), so a post in those languages carrying one is a complaint."""
    out = assess(
        mention(
            post_id="1", lang="sv", text="@acme ni skulle komma i tisdags, ingen kom och ingen ringde. Avtal 7721-0043"
        ),
        mention(post_id="2", lang="ja", text="@acme 注文番号 2212-88765 のソファ、配達予定日を2回も過ぎてます。"),
        mention(post_id="3", lang="ko", text="@acme 뚜껑이 깨져서 왔어요. 주문번호 INF-KR-30041."),
        mention(post_id="4", lang="sv", text="@acme tack för en fin dag i butiken"),
    )
    assert out["needs_reply"].tolist() == [True, True, True, False]


def test_a_fault_already_put_right_is_settled_and_the_layer_does_not_read_it() -> None:
    """Session 20 (flags_fresh46/47.csv's false flags): a me-too reply in the brand's thread whose own case the brand
    already put right ("refunded within the week") is gratitude by the rules (rule put-right), and the learned layer does
    not decide it: nothing is left to answer. One still open, or one asking something, stays the layer's."""
    thread = {"platform": "x", "kind": "reply", "parent_id": "old"}
    rows = frame(
        mention(post_id="1", **thread, text="same glitch with my tickets in may, refunded within the week"),
        mention(post_id="2", **thread, text="had a cancelled reservation in june, got the money back via the app"),
        mention(
            post_id="3",
            **thread,
            text="same glitch with my tickets in may, refunded within the week they said, still nothing",
        ),
        mention(
            post_id="4", **thread, text="same glitch in may, refunded within the week. can I get the fee back too?"
        ),
    )
    inputs = flags.learned_inputs(rows, BRANDS, own_post_ids=[("x", "old")])
    assert inputs["rows"].tolist() == [False, False, True, True]
    # a fix promised, not kept, is no settlement (the put-right rule's words, in reported speech)
    promised = frame(
        mention(post_id="5", **thread, text="you said the double payment would be refunded in 5 days and it's been 12"),
        mention(post_id="6", **thread, text="engineer came and fixed it same day, no fuss"),
    )
    assert flags.learned_inputs(promised, BRANDS, own_post_ids=[("x", "old")])["rows"].tolist() == [True, False]
    out = flags.assess(rows, BRANDS, own_post_ids=[("x", "old")])
    assert out["needs_reply"].tolist()[:2] == [False, False]
