"""The reply rules as data: every rule has a name, a category, its patterns, its points and
examples that must and must not match (tests/test_rules.py runs every example).

analysis.flags compiles the table once per brand (the brand's monitor.toml vocabulary adds
rules, see `brand_rules`) and names the rule that fired in the reasons a manager reads
("complaint: refund", "problem: waited-duration"). Patterns are Python regular expressions
matched against the lower-cased text with links removed; `\\b` word boundaries are the
author's business (scripts written without spaces, such as Japanese, need none).

Categories (what a match means; FORMULAS["needs_reply"]):
- question: asks something (a reply is expected unless a `rhetorical` rule also matches);
- rhetorical: a question nobody expects an answer to ("who else loves ...?");
- help: asks for help or an action;
- complaint: problem vocabulary (POINTS["problem"]);
- hint: a weaker problem cue (POINTS["hint"]); counts only in a post without praise that is not
  clearly positive; a hint marked `spoken_only` ("negation") only in a conversation with the brand (the
  post opens with its @handle or sits in its thread);
- sarcasm: praise words used ironically; invites a reply whatever the sentiment says;
- not-a-problem: text that holds problem words but reports no problem ("no issues", "fees
  included"); removed before complaint and hint rules run, and then a negative score alone no
  longer counts as a complaint;
- praise: with it, negative sentiment alone and weaker cues are not a complaint;
- not-praise: praise words that praise nothing ("not great", "not happy"); removed before the
  praise rules run (the complaint rule `negated-praise` counts them as a problem);
- news: a report about the brand (headline, rumour, results, layoffs, stock, takeovers,
  "reportedly") or commentary on its past or its business ("hot take", "postmortem", "in 2015"):
  its weaker cues and negative sentiment never count, and when the author writes nothing personal
  (no I/me/my/we/our/us/you/your, `PERSONAL`) its problem words do not count either: they are the
  news, not the author's problem (questions, help requests and sarcasm still do);
- peer: in the brand's thread, a reply that advises another user or tells them a me-too story ("check your order
  history, mine showed ...", "this happened to my brother"), asks which of two things they had ("the orange or the blue
  one?") or wishes them well ("hope they sort it"): analysis.flags treats it as a reply opening with other users'
  @handles (only its problem words count; the learned layer does not read it);
- peer-aside: in the brand's thread, a reply about another person's experience ("same thing happened to my mum"), a
  question about the other user's thing ("where did you get the tiles?") or encouragement ("keep going"): talk between
  users, not to the brand; analysis.flags does not take it as addressed to the brand (its problem words do not count
  either) unless it asks the brand for something ("can you", "please") or carries the writer's own reference number.
- put-right: a fault the brand already put right, told with praise or thanks ("double charged me last month but fixed it
  the same day", "penalty cancelled, thank you for sorting it"): analysis.flags takes it as gratitude whatever the
  sentiment score or a "but" says, so the fault's words do not flag it; the patterns refuse a fault still live after
  the fix ("still", "again", "not fixed", "but").
- bare-mood: what is left of a post once the brand's names, any @handle and #hashtag are taken out, when it is only
  emoji, punctuation or one mood word ("docusign 😩", "@acme 😡😡", "starlink ugh"): a mood with nothing the team can
  act on (no reference, nothing saying what failed); analysis.flags judges no rule on it and the learned layer does not
  read it (session 15: the labelling guide since fresh22 says no reply).
- pitch: an influencer's, creator's or newsletter's offer to work with the brand, naming the audience it brings ("food
  creator with 2M on TikTok, would love to collab", "300k subs, would you sponsor our next episode?"): the labelling
  guide says no reply (chatter, session 16); analysis.flags judges no rule on it and the learned layer does not read it.
- article: a post that opens as an article's or essay's headline ("A long read on ...", "An essay on ...", "How <brand>
  became ..."): analysis.flags treats it as an item of `kind` "article" (never flagged; session 15).

`english_only` rules are English vocabulary and run only on posts taken as English; the rest
(punctuation, emoji, and the named non-English vocabulary rules) run on every post, so a
French post is flagged on those language-neutral rules only; `other_languages_only` rules (vocabulary of other
languages, with `english_only` False) run on posts not taken as English only.

Who a post is addressed to (other users' @handles, the brand's name as an ordinary word, the brand
listed among others, the brand's @handle first) is decided in analysis.flags, from the brand's
names; this table holds what the text says.

Tuning: rules are tuned on the `dev` rows of tests/data/flags_labelled.csv (the demo brand), on
tests/data/flags_dev_extra.csv, tests/data/flags_fresh.csv (scored once blind, development since
session 4), tests/data/flags_dev_extra2.csv, tests/data/flags_fresh2.csv (scored once blind,
development since session 5), tests/data/flags_fresh3.csv (scored once blind at the end of session 5,
development since, tuned on in two folds by brand), tests/data/flags_fresh4.csv (scored once blind at the end of
session 6, development since session 7), tests/data/flags_fresh5.csv and tests/data/flags_fresh6.csv (scored once blind
in session 7, development since; session 8 wrote rules from their misses), tests/data/flags_fresh7.csv (scored once
blind in session 8, development since session 9, which wrote rules from its misses), tests/data/flags_fresh8.csv (scored
once blind in session 9, development since session 10, which wrote rules from its kinds of miss and false flag),
tests/data/flags_fresh9.csv (scored once blind in session 10, development since, branch judge6),
tests/data/flags_fresh10.csv (scored once blind in session 10, development since, branch judge7),
tests/data/flags_fresh11.csv (scored once blind in session 10, development since session 11, branch judge8),
tests/data/flags_fresh12.csv and tests/data/flags_fresh13.csv (scored once blind in session 11, development since,
branch judge9), tests/data/flags_fresh14.csv and tests/data/flags_fresh15.csv (scored once blind in session 12,
development since, branch judge10), tests/data/flags_fresh16.csv and tests/data/flags_fresh17.csv (scored once blind
in session 12, development since session 13, branch judge11), tests/data/flags_fresh18.csv and
tests/data/flags_fresh19.csv (scored once blind in session 13, development since, branch judge12),
tests/data/flags_fresh20.csv .. tests/data/flags_fresh23.csv (scored once blind in session 13, development since
session 14, branch judge14), tests/data/flags_fresh24.csv and tests/data/flags_fresh25.csv (scored once blind in
session 14, development since session 15, branch judge15); the `test` rows are held out
(bench/bench_judgement.py, bench/README.md "Judgement"). Prefer general vocabulary and
structure over a phrase that fits one post, and check a change on brands it was not written for
(the folds by brand in bench_judgement).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from analysis.formulas import POINTS

#: after a put-right pattern: nothing later in the post says the fault is still live (rule `put-right`).
_STILL_LIVE = (
    r"(?![^\n]*\b(?:still|not (?:fixed|sorted|working|right)|isn't|hasn't|wasn't|won't|never|eventually|until|but)\b)"
    r"(?![^\n]*\b(?:broke|broken|stopped|happened|wrong|crashed|failed|down|back) again\b)"
)

CATEGORIES: tuple[str, ...] = (
    "question",
    "rhetorical",
    "help",
    "complaint",
    "hint",
    "sarcasm",
    "not-a-problem",
    "praise",
    "not-praise",
    "news",
    "peer",
    "peer-aside",
    "put-right",
    "bare-mood",
    "article",
    "pitch",
)
#: the points a category's rules carry by default (0: the category adds no points itself).
CATEGORY_POINTS: dict[str, int] = {
    "question": POINTS["question"],
    "rhetorical": 0,
    "help": POINTS["help"],
    "complaint": POINTS["problem"],
    "hint": POINTS["hint"],
    "sarcasm": POINTS["sarcasm"],
    "not-a-problem": 0,
    "praise": 0,
    "not-praise": 0,
    "news": 0,
    "peer": 0,
    "peer-aside": 0,
    "put-right": 0,
    "bare-mood": 0,
    "article": 0,
    "pitch": 0,
}


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    patterns: tuple[str, ...]
    matches: tuple[str, ...]
    misses: tuple[str, ...]
    points: int | None = None  # None: CATEGORY_POINTS[category]
    english_only: bool = True
    #: a hint that counts only in a conversation with the brand (a post opening with its @handle, or in its
    #: thread): "doesn't matter which", "don't judge me" in a post about the brand are no problem reports.
    spoken_only: bool = False
    #: vocabulary of other languages that English posts never need (session 18: run on posts not taken as English only,
    #: so English posts, most of every import, pay nothing for it).
    other_languages_only: bool = False

    @property
    def score(self) -> int:
        return CATEGORY_POINTS[self.category] if self.points is None else self.points

    @property
    def regex(self) -> str:
        return "|".join(f"(?:{p})" for p in self.patterns)


_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple of)"
_SPAN = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
_NEG = (
    r"(?:not|never|can't|cant|cannot|couldn't|didn't|doesn't|don't|isn't|wasn't|aren't|haven't|hasn't|won't|wont"
    r"|shouldn't|wouldn't)"
)
#: praise words negated ("not great", "never happy", "wasn't helpful"): no praise, a problem.
#: thanks and praise words of other languages (rules `non-english-number`, `non-english-hailed`): a post in another
#: language holding one is read as thanks. Session 22 added the praise words of the development posts in other languages
#: that open with the brand's @handle and need no reply ("adorei o fone novo, som incrível", "tolles handy, bin sehr
#: zufrieden", "बहुत बढ़िया सर्विस"); session 23 thanks in Czech, Welsh and Afrikaans ("díky", "diolch", "baie dankie").
_OTHER_THANKS = (
    r"gracias|obrigad|valeu|danke|merci|grazie|bedankt|dank je|dziękuj|děkuj|terima kasih|salamat|teşekkür"
    r"|ありがとう|감사|谢谢|thank|tack|takk|kiitos|asante|shukriya|dhanyavaad|orgulho|perfect|parfait|perfekt|perfeit"
    r"|dzięki|धन्यवाद|शुक्रिया|बढ़िया|incr[ií]vel|incre[ií]ble|좋아|\btoll|zufrieden|chapeau|prachtig|\btop\b|😍|❤|🥰"
    r"|g[ée]nial|bravo|maravilh|maravill|excelente|ottimo|bellissim|perfett|geweldig|świetn|harika|mükemmel|素晴らし"
    r"|最高|很好|太棒|d[ií]ky|diolch|dankie"
)
_NEGATED_PRAISE = (
    r"\b(?:not|never|hardly|no longer|isn't|wasn't|aren't|weren't|ain't)\s+(?:\w+\s+)?"
    r"(?:great|good|happy|impressed|ideal|ok|okay|cool|helpful|pleased|satisfied|fine|amazing|nice|acceptable)\b"
)
#: the author speaks to someone, in the second person (analysis.flags: a negative tone alone counts only in a post
#: that speaks to the brand: this, or opening with its @handle).
SECOND_PERSON = r"\b(?:you|you're|you've|your|yours|u|ur|y'all)\b"
#: the author speaks for themselves or to the brand (analysis.flags: a `news` post without it is not a complaint).
PERSONAL = r"\b(?:i|i'm|im|i've|i'd|i'll|me|my|mine|we|we're|we've|our|ours|us|you|you're|your|yours|u|ur)\b"
#: the author speaks for themselves (analysis.flags: a comment with a reference number in it is the writer's own case).
FIRST_PERSON = r"\b(?:i|i'm|im|i've|i'd|i'll|me|my|mine|we|we're|we've|our|ours|us)\b"
#: the author speaks to or about someone else (analysis.flags: a comment with a reference number that tells another
#: user what to do with theirs, "you'll need the booking ref from the email", or tells another's case, "order 78990 for
#: them", is not the writer's own case).
ANOTHER_PERSON = r"\b(?:you|you'll|you'd|you're|you've|your|yours|u|ur|he|she|his|her|him|for them|their)\b"
#: analysis.flags writes this in place of the brand's name where an English post opens with it and goes on as a question
#: ("naked wines is the angel money refundable if i leave": the name hails the brand, as an @handle would; rule
#: `asks-by-name`). No post holds it.
BRAND_FIRST = "‹brand›"

#: things a customer owns or waits for; a brand's `products` extend this list (`brand_rules`).
THINGS = (
    "order",
    "bill",
    "account",
    "phone",
    "device",
    "laptop",
    "router",
    "modem",
    "screen",
    "battery",
    "repair",
    "return",
    "refund",
    "plan",
    "package",
    "parcel",
    "delivery",
    "card",
    "charger",
    "subscription",
    "internet",
    "connection",
    "service",
    "data",
    "sim",
    "number",
    "line",
    "invoice",
    "payment",
    "money",
    "booking",
    "reservation",
    "flight",
    "bag",
    "luggage",
    "ticket",
    "app",
    "policy",
    "premium",
    "claim",
    "insurance",
    "membership",
    "prescription",
    "appointment",
    "streak",
)


def things(extra: tuple[str, ...] = ()) -> str:
    """THINGS and `extra` (a brand's products) as regular-expression alternatives, longest first."""
    words = sorted({*THINGS, *(w.lower() for w in extra)}, key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in words)


RULES: tuple[Rule, ...] = (
    # ---------------------------------------------------------------- question
    Rule(
        "question-mark",
        "question",
        (r"[?？¿❓❔⁉]",),
        matches=("does it work with android?", "¿tienen tiendas en monterrey", "@yodel 📦❓❓"),
        misses=("it works with android.",),
        english_only=False,
    ),
    Rule(
        "question-opener",
        "question",
        (
            r"^(?:[@#]\S+\s+)*(?:how|why|where|when(?= (?:is|are|was|will|do|does|did|can|should|would|\w+ (?:will|be)\b))"
            r"|anyone|does anyone|is there a way|can (?:someone|anyone|you|i))\b(?!')",
        ),
        matches=("@acme how long does shipping take", "anyone tried the new plan", "@acme when will my refund arrive"),
        misses=(
            "shipping was quick, anyone can see that",
            "how's it going lol",
            "when life gives you lemons make lemonade",
        ),
    ),
    Rule(
        # a question without a question mark (one with a mark is `question-mark`), put to whoever the post
        # opens with (the brand: other users' posts are not addressed to it, analysis.flags):
        # "@delta is the lounge open before 5am"
        "asks-handle",
        "question",
        (
            r"^(?![^?？]*[?？])(?:@\S+\s+)+(?:(?:so|and|also|hey|hi|hello|quick question),?\s+)?"
            r"(?:(?:do|does|did|is|are|will|would|can|could|should|has|have)\s+(?:the|there|it|my|this|that"
            r"|these|those|your|you|u|i|we|a|an|any|anyone|someone)|what|which|whats|what's|where|when)\b"
            r"(?!\s+\w+ (?:best|great|amazing|awesome)\b)",
            # any subject after do / does / will / can ...: "@guardian do students get a cheaper rate"
            r"^(?![^?？]*[?？])(?:@\S+\s+)+(?:(?:so|and|also|hey|hi|hello|quick question),?\s+)?"
            r"(?:do|does|will|would|can|could|should)\s+(?!not\b|never\b|you\s+(?:guys\s+)?(?:ever|even|really)\b)"
            # the subject may carry a sign or a hyphen ("go+ points", "wi-fi calls")
            r"\w[\w+&'-]*\s+(?!(?:\w+ )?(?:best|great|amazing|awesome)\b)\w+",
        ),
        matches=(
            "@delta is the sky club open before 5am",
            "@peacocktv will the games be in 4k",
            "@hinge so does the rose thing reset weekly",
            "@guardian do students get a cheaper rate",
            "@fuelco do go+ points work at the motorway stations",
        ),
        misses=(
            "@acme my cat sleeps on the box",
            "@acme go+ points do add up",
            "is the club open",
            "@acme is now on the fediverse",
            "@acme do not buy this",
        ),
    ),
    Rule(
        # session 11 (branch judge8, flags_fresh11.csv's misses): a question without a mark put to the brand by its name
        # opening the post ("planet ice is there a parent and toddler session", "cake box can u put a photo on the cake",
        # "rockover do you rent shoes in size 13"; analysis.flags writes BRAND_FIRST for the name). 26 of the 31 rows of
        # the fourteen sets that open so need a reply, all 5 others are statements ("peloton is a case study", "timpson
        # is the only shop", "peacock has ..."), which the guards refuse
        "asks-by-name",
        "question",
        (
            rf"^{BRAND_FIRST} (?:(?:so|and|also|hey|hi|hello),?\s+)?(?:(?:do|does|did|can|could|will|would|should)\s+"
            r"(?!not\b|never\b)\w[\w+&'-]*\s+\w+|(?:is|are) (?:the|there|it|my|this|that|these|those|your|any)\b"
            r"(?!\s+(?:\w+ )?(?:only|best|worst|most|first|last|reason|place|one|greatest|cheapest|biggest|king)\b)"
            r"|(?:what|whats|what's|which|where|when|how|why)\b)",
        ),
        matches=(
            f"{BRAND_FIRST} is there a parent and toddler session or are the little ones just in public skates",
            f"{BRAND_FIRST} can u put a photo on the cake if i send it by whatsapp",
            f"{BRAND_FIRST} do you rent shoes in size 13 or should i bring my own",
            f"{BRAND_FIRST} how far ahead do you need for a 3 tier, wedding is in 5 weeks",
            f"{BRAND_FIRST} whats the rule on swimwear",
        ),
        misses=(
            f"{BRAND_FIRST} is a case study in hardware margins",
            f"{BRAND_FIRST} is the only shop on our high street that's been open for 30 years",
            f"{BRAND_FIRST} is the best app on my phone",
            f"{BRAND_FIRST} has a surprisingly good collection",
            "planet ice is there a parent and toddler session",
            f"the {BRAND_FIRST} can u put",
        ),
    ),
    Rule(
        # a question word opening a sentence, without a question mark: "... no announcement. what is happening"
        "question-sentence",
        "question",
        (
            r"^(?![^?？]*[?？]).*?(?:[.!,;:]|^)\s*(?:where|what|why|when|how) (?:is|are|was|were|do|does|did|can|should|am)\b",
            r"^(?![^?？]*[?？]).*?(?:[.!,;:]|^)\s*what (?:happened|changed|gives)\b",
            r"^(?![^?？]*[?？]).*?(?:[.!,;:]|^)\s*who (?:has|have|took|is handling|do i|should i|can i) (?:my|our|it)\b",
            r"^(?![^?？]*[?？]).*\bor (?:nah|not)\s*$",
            r"^(?![^?？]*[?？]).*?(?:[.!,;:]|^)\s*what (?:now|next)\s*[.!]*\s*$",
            r"\b(?:i'm |i am |was |just )?wondering (?:if|whether|how|when|why|where|what)\b",
            # session 9 (flags_fresh7.csv's misses, non-native English without a mark): "is possible to have quote in
            # euros", "where i find the insurance document" (no inversion after the question word)
            r"(?<!it )(?<!it's )(?<!its )(?<!that )(?<!this )\bis (?:it )?possible (?:to|for (?:me|us|you) to)\b",
            r"(?:^|[.,!;:]\s*)(?:(?:hi|hello|hey|please|sorry)\s+)?(?:where|how) (?:i|we) (?:can |could |should |must )?"
            r"(?:find|get|send|download|change|cancel|pay|book|contact|reach|see|check|upload|apply)\b",
            # a service question without a mark: "does yodel deliver on sundays or ..."
            r"^(?![^?？]*[?？])(?:[@#]\S+\s+)*(?:does|do|can|will|would|could) (?!not\b)(?:\w+ ){1,3}?"
            r"(?:deliver|ship|accept|take|offer|support|work|cover|open|sell|stock|allow|let|get shipped|do|have|make|fix"
            r"|repair|carry|price[- ]match)\b",
        ),
        matches=(
            "stopped for 25 min. what is happening",
            "chat is closed. where do i send it",
            "it used to be instant. what changed",
            "the lab says the store has it. who has my glasses",
            "is cross save coming or nah",
            "no new screen booked. what now",
            "@hinge wondering if there's any way to see who liked me",
            "does yodel deliver on sundays or do i give up",
            "does boots do blister packs for elderly patients",
            "hello we move from italy in march, is possible to have quote in euros",
            "sorry my english, where i find the insurance document for the unit",
        ),
        misses=(
            "i know what is happening",
            "how's it going",
            "no bag. where is it?",
            "what now for the club after that result, a rebuild",
            "do not buy their work boots",
            "it is possible to change it online",
            "that's where i find the best deals",
        ),
    ),
    Rule(
        # a yes/no or "which ..." question without a question mark and without an @handle first (`asks-handle`
        # has one): "does the dyson guarantee cover the battery or just the motor", "will my stickers come
        # across as well", "which email do i send the proof to" (other users' posts are not addressed to the
        # brand, analysis.flags; opinions asked of the crowd are `rhetorical`)
        "asks-plain",
        "question",
        (
            r"^(?![^?？]*[?？])(?:(?:so|and|also|hey|hi|ok|okay|quick question),?\s+)?"
            # what to buy or switch to is asked of the crowd: "should i switch to firefox or stay on chrome"
            r"(?!should (?:i|we) (?:switch|get|buy|go|pick|choose|stay|upgrade)\b)"
            r"(?:do|does|did|is|are|will|would|can|could|should)\s+(?!not\b|never\b|you\s+(?:guys\s+)?(?:ever|even|really)\b)"
            # the subject may be the brand's @handle (session 10: "does @laundryheap.bsky.social wash with ...")
            r"(?:i|we|my|the|it|this|that|these|those|there|your|you|u|a|an|any|they|our|[a-z][\w-]*(?:'s|’s)?|@[\w.-]+)\s+"
            r"(?!(?:\w+ )?(?:best|great|amazing|awesome|worth|good|bad|actually|really|just me)\b)\w+",
            r"^(?![^?？]*[?？]).*?(?:[.!,;:]\s+|^)(?:which|what) (?:of the )?(?:[\w-]+ ){1,2}(?:do|does|should|can|will|would)"
            r" (?:i|we|my|it|you)\b(?! (?:get|buy|pick|choose|go for|switch to)\b)",
        ),
        matches=(
            "does the dyson 2 year guarantee cover the battery or just the motor, asking before i buy",
            "will my stickers come across as well or only the messages",
            "is the replacement the same model or the newer one",
            "which email do i send the proof of death to, for my mum's account",
            "serial ends in 4471. what info do you need for the warranty claim",
            "which of the pods would you recommend for a baby's clothes then",
            "does samsonite's 10 year warranty cover airline damage or just manufacturing faults",
            "does @laundryheap.bsky.social wash with fragrance free detergent, asking for my eczema",
        ),
        misses=(
            "does not work at all",
            "is the best hoover i have owned",
            "do you guys ever sleep",
            "which one do you think is better?",
            "will never order again",
            "is it just me or does the logo look like a waffle",
            "is bolt actually cheaper than uber in lisbon or is that a myth",
            "should i switch to firefox or stay on chrome for web dev",
            "which lego set should i get my 8 year old",
        ),
    ),
    # ---------------------------------------------------------------- rhetorical
    Rule(
        "who-else",
        "rhetorical",
        (r"\bwho else\b", r"\bam i the only one who (?:loves?|likes?|enjoys?)\b"),
        matches=("who else loves the new widgets?",),
        misses=("who do i contact about my order?",),
    ),
    Rule(
        "how-great-is",
        "rhetorical",
        (
            r"\bhow (?:cool|awesome|great|good|amazing|nice|fast|beautiful|smooth|cute) (?:is|are|was)\b",
            r"\b(?:isn't|isnt|aren't) (?:it|this|that|they) (?:great|amazing|awesome|beautiful|cool)\b",
            r"\bwhy (?:is|are) (?:it|this|they|the \w+) so (?:good|great|amazing)\b",
            r"\bwhat a\b",
        ),
        matches=("how good is the camera though?", "isn't it great?"),
        misses=("how do i reset it?",),
    ),
    Rule(
        "crowd-question",
        "rhetorical",
        (
            r"^(?:[@#]\S+\s+)*anyone (?:going|watching|attending|else going|else watching)\b",
            r"\bpoll\b",
            # session 13 (branch judge12, fresh19's false flag): "x or y ..., which actually feel better by 6pm?" (6 rows
            # of the twenty-two sets in 6, none needs a reply)
            r"\bwhich (?:actually |one )?(?:feels?|is) (?:better|best)\b",
            r"\bwhat (?:are|do) (?:you|people|y'all|you guys|everyone) (?:all )?(?:using|use|think|prefer)\b",
            r"\bcurious (?:what|how|about) (?:people|everyone|you|others|the experience|your experience)\b",
            r"\bwhich (?:\w+ )?(?:colou?r|model|one|size|trim|plan|version) (?:did|do|would|should) (?:you|u|y'all|people)\b",
            # opinions and experiences asked of other users, not of the brand
            # session 10 (judge7): a subject of up to five words ("is a crown golf membership worth it for a beginner"; 15 rows of
            # the thirteen sets match, none needs a reply)
            r"\b(?:is|was) (?:it|this|that|\w+(?: \w+){0,4}) (?:really |actually |still )?worth (?:it|the money)\b",
            r"^(?:[@#]\S+\s+)*any(?:one|body) (?:here )?been (?:to|using)\b",
            r"\b(?:thoughts|opinions|experiences?) from (?:people|anyone|owners|users)\b",
            r"\b(?:has|have|did) any(?:one|body) (?:here |actually )?(?:used|tried|switched|been using|learned|learnt)\b",
            r"^(?:[@#]\S+\s+)*any(?:one|body) (?:here )?switched\b",
            r"\bis any(?:one|body) (?:here )?(?:running|using)\b",
            r"\b(?:any(?:one|body) else )?remember when\b",
            r"\bwhat do (?:you|y'all|people|folks) (?:all )?use instead of\b",
            r"\b(?:is|are) \w+ (?:really|actually) (?:that|as) (?:bad|good)\b",
            r"\bor is it just (?:me|the|a|people)\b",
            r"^(?:[@#]\S+\s+)*any(?:one|body) (?:here )?(?:actually|ever|really|have|has|got|use|uses)\b",
            r"\bworth it or\b",
            # session 8 (flags_fresh5/6.csv's false flags): opinions asked of the crowd without "anyone": worth a
            # price or "any good", one thing against another, "... too or just ours", a me-too habit
            r"\b(?:actually |really )worth\b|\bworth (?:it|the (?:extra|money|price|hype|upgrade)|[£$€]\d[\w.]*)\b[^.?!]*\bor (?:nah|not|no)\b",
            r"\bworth (?:the extra|[£$€]\d[\w.]*)\b",
            r"\bany good\b(?=\s*[?,]|\s+or\b|\s*$)",
            r"^(?:is|are|was|were) (?:[\w'’-]+ ){1,6}or (?:[\w'’-]+ ){1,6}(?:better|worse|cheaper|nicer|best)\b",
            # session 11 (branch judge9, flags_fresh13.csv's false flags): "X or Y for <a use>?" opening the post ("hoka
            # speedgoat or salomon for muddy fell races? opinions please"; 42 rows of the sixteen sets in 10 match, none
            # needs a reply) and "is X or Y more <adjective>" (2 rows, fresh3 and fresh13, neither needs one)
            r"^(?:[@#]\S+\s+)*(?:[\w'’.&-]+ ){1,4}or (?:[\w'’.&-]+ ){1,4}for (?!(?:my|our|me|us|it)\b)(?:[\w'’-]+ ){0,4}"
            r"[\w'’-]+\s*"
            r"(?:\?|, (?:anyone|opinions|help|thoughts))",
            # session 13 (branch judge11, flags_fresh16.csv's and flags_fresh17.csv's false flags): the same with a longer
            # second choice or use ("the wave or a proper week in cornwall for learning to surf as an adult? torn", "roland
            # digital piano or a second hand upright for a kid who might quit after a year?"): 86 rows of the twenty sets
            # match (26 more than the shape above), none needs a reply; the crowd asked what it did ("what did you lot
            # do?"), "worth it?" as its own sentence, "do people actually ...": 2 + 2 + 2 rows, none needs one;
            r"^(?:[@#]\S+\s+)*(?:[\w'’.&-]+ ){1,4}or (?:[\w'’.&-]+ ){1,6}for (?!(?:my|our|me|us|it)\b)[^?.!\n]{1,70}\?",
            r"\bwhat did (?:you lot|you all|y'all|everyone|people) (?:do|get|go for|pick|choose)\b|\bwhat did you go for\b",
            r"(?:^|[.?!]\s+)worth it\s*\?",
            r"\bdo people (?:actually|still|really) \w+",
            # and the asker "thinking of switching", or asking whether it "actually helped anyone": 3 + 1 rows (fresh2,
            # fresh13, fresh16, fresh17), none needs one
            r"\bthinking (?:about|of) switching\b|\bactually help(?:ed)? (?:anyone|anybody)\b",
            r"^(?:is|are|was|were) (?:[\w'’-]+ ){1,6}or (?:[\w'’-]+ ){1,6}more \w+",
            r"\b(?:too|as well) or (?:is it )?just (?:me|mine|ours|us|my \w+|our \w+)\b",
            r"^(?:[@#]\S+\s+)*any(?:one|body) else (?:do|use|love|enjoy|play|go to|shop at|collect|prefer)\b",
            r"\b(?:which|what) \w+ (?:are|were) (?:you|u|y'all) (?:using|on|running|playing)\b",
            # session 9 (flags_fresh7.csv's false flags): a choice put to the crowd ("casio or a cheap smartwatch for a
            # 12 year old? which would you get"), a post opening with "X or a Y ...?" (not after an @handle, not a
            # question word or verb first), "what are we paying for"
            r"\bwhich (?:\w+ )?(?:would|should|do) (?:you|u|y'all|people|folks) (?:get|buy|pick|choose|go for)\b",
            # session 10: "academy haircut for £15: anyone tried it?" (2 of 2 rows of the eleven sets need no reply)
            r"\bany(?:one|body) (?:here )?tried (?:it|this|them|both|one|that)\b",
            r"^(?!@)(?!(?:is|are|do|does|did|can|could|will|would|should|has|have|was|were|why|how|what|where|when|who"
            r"|which|any\w*|my|our|i|we)\b)[^?.!,@]{1,40}\bor (?:a|an|the|some|another|one|other) [^?.!]{1,40}\?",
            r"\bwhat (?:are|am|is) (?:we|i|they|you) (?:even |actually )?paying (?:for|them for)\b",
            # session 10 (flags_fresh8.csv's false flags, a gripe about a whole market): "why does every stairlift cost
            # the same as a small car" (3 of 3 rows of the eleven sets opening so need no reply)
            r"^(?:[@#]\S+\s+)*why (?:does|do|is|are) (?:every|all)\b",
            # session 11 (branch judge8, flags_fresh11.csv's false flags): the crowd's experience, then how it was ("anyone
            # done the padi rescue diver course, is it as hard as people say"; 5 rows of the fourteen sets in 3, none needs a
            # reply; "has anyone done the red funnel with a roof box, does that put you in the high vehicle lane" asks the
            # brand and does not match)
            r"^(?:[@#]\S+\s+)*(?:has |have |did )?any(?:one|body) (?:here )?(?:been to|done|had|tried|used|visited) "
            r"[^?.!,]{1,60}[,.?]\s*(?:is|are|was|were) (?:it|they|that) (?:still |as |too |really |actually |any |worth |good"
            r"|bad|quick|ok|okay|hard|busy|nice|easy)",
            # session 12 (branch judge10, flags_fresh14.csv's and flags_fresh15.csv's false flags): the crowd asked first
            # ("is it just me or does weetabix taste different lately", "honest question for the snack nerds here", "anyone
            # else find it bleak that ..."): 6 rows of the eighteen sets in 5 (extra, fresh, fresh7, fresh14, fresh15 x2),
            # none needs a reply
            r"^(?:[@#]\S+\s+)*(?:is it just me,? or|honest question for|anyone else find it)\b",
        ),
        matches=(
            "dailies from acme or the optician's, which actually feel better by 6pm?",
            "is it just me or does the cereal taste different lately",
            "the wave or a proper week in cornwall for learning to surf as an adult? torn",
            "forest garden log store or build my own from pallets? what did you lot do?",
            "thinking about one for the shed. anyone used one somewhere windy? worth it?",
            "do people actually buy the school photos anymore?",
            "does it taste like actual kombucha or is it mostly juice? thinking about switching.",
            "did the sock actually help anyone sleep better, or just worry more?",
            "honest question for the snack nerds here: were the crisps thicker in the 90s",
            "is the exclusive colour variant actually worth the extra tenner",
            "first class weekend upgrade worth £25 or nah",
            "is the data analytics cert worth it in this job market or nah",
            "is the no7 serum actually any good or just hype",
            "is the science museum or the natural history museum better for a 6 year old",
            "is your production dropping this month too or just ours lol",
            "anyone else do the lottery with a work syndicate? how do you split it",
            "which webcam are you using btw? looks crisp",
            "what tier are you on?",
            "poll: which colour did you get?",
            "is peacock premium worth it just for the games?",
            "has anyone used their video visits? is it quick",
            "anyone switched from tesla to rivian?",
            "is yodel really that bad or is it just the loud ones online?",
            "anyone here have their pet insurance for a senior dog?",
            "le creuset or staub for a first dutch oven, which would you buy",
            "red driving school or an independent instructor? mates say independents are cheaper",
            "bins emptied fortnightly. what are we paying for",
            "why does every stairlift cost the same as a small car",
            "academy haircut for £15: anyone tried it?",
            "anyone done the padi rescue diver course, is it as hard as people say",
            "anyone had the biscoff cake, is it too sweet for adults",
            "has anyone used pickfords recently, are they still good or coasting on the name",
            "hoka speedgoat or salomon for muddy fell races? opinions please",
            "anglian or a local firm for a conservatory roof, anyone had both done?",
            "is co-star or the pattern more accurate, my sister swears by the pattern",
        ),
        misses=(
            "anyone else unable to log in?",
            "is my refund or my replacement coming first?",
            "can i get a refund or a voucher for my cancelled flight?",
            "is the 13 worth upgrading to from the 11?",
            "anyone else getting error 503 this morning?",
            "is the any good way to export my data?",
            "is the outage over or not",
            "@acme a refund or a voucher? which one is it",
            "is my order lost or a delay?",
            "which would you recommend to fix my account",
            "which email do you need it sent to",
            "why does my order say every item is out of stock",
            "has anyone done the red funnel with a roof box, does that put you in the high vehicle lane",
            "has anyone had luck getting a student ticket without a uni email? the form just loops back",
        ),
    ),
    Rule(
        "teaser",
        "rhetorical",
        (r"\bguess what\b", r"\bdid you know\b"),
        matches=("guess what arrived today?",),
        misses=("what arrived today?",),
    ),
    # ---------------------------------------------------------------- help
    Rule(
        "need-help",
        "help",
        (
            r"\b(?:need|needs|needing|want|get|getting|any|some)\s+(?:some\s+|urgent\s+)?help\b",
            r"\b(?<!the )(?<!your )(?<!for )help\s*(?:me|us|please|pls|plz|with|needed|!|\?)",
        ),
        matches=("i need help with my account", "help me please"),
        misses=("thanks for the help yesterday",),
    ),
    Rule(
        "please-act",
        "help",
        (
            r"\b(?:please|pls|plz)\s+(?:help|fix|advise|respond|reply|answer|dm|contact|check|look|sort|escalate"
            r"|refund|call|get back|let me know|update|assist|confirm|explain|send|restore|reinstate|reverse|unlock"
            r"|reactivate|reopen|unblock|cancel)",
            # an explanation demanded of the brand: "@lemonade you raised my premium 38%. explain that one"
            r"^(?:@\S+\s+)+.*\bexplain (?:that|this|why|how|yourselves)\b",
            # session 14 (branch judge14, flags_fresh23.csv's misses): "sort it" closing the post ("heating off all night in
            # room 508, #Staycity sort it"): 6 rows of the twenty-six sets (fresh4, fresh14, fresh16 x2, fresh23 x2), all
            # need a reply; "hope they sort it" (another user's wish) does not match
            r"(?<!hope they )(?<!hope you )(?<!they'll )\bsort (?:it|this)(?: out)?(?: please| now| today| asap)?\s*[.!]*\s*$",
        ),
        matches=(
            "please fix this",
            "pls respond",
            "please restore it",
            "@acme you raised my premium. explain that one",
            "heating off all night in room 508, #staycity sort it",
        ),
        misses=("please enjoy the show", "that sounds so frustrating, hope they sort it"),
    ),
    Rule(
        "can-you",
        "help",
        (
            r"\b(?:can|could|would|will)\s+(?:you|someone|somebody|anyone|u|y'all|you guys)\s+(?:please\s+|pls\s+)?"
            r"(?:still\s+|just\s+|also\s+)?"
            r"(?:help|fix|check|look|tell|explain|assist|dm|advise|confirm|reset|refund|send|sort)",
        ),
        matches=("can you check my order", "could someone please explain the fee", "can you still look into it"),
        misses=("you can check the status online",),
    ),
    Rule(
        "contact-me",
        "help",
        (
            r"\b(?:dm|message|contact|call|email)\s+(?:me|us)\b(?!\s+if\b)",
            r"\bwho (?:do|should|can) (?:i|we) (?:contact|talk to|speak to|call|email)\b",
        ),
        matches=("dm me about it", "who do i contact about a lost bag"),
        misses=("they called me back quickly", "we're hiring, dm me if you want a referral"),
    ),
    Rule(
        "how-do-i",
        "help",
        (
            r"\bhow (?:do|can|should|would) (?:i|we)\b",
            # "showed me how to thaw it", "that's how to handle it": told, not asked (session 9, flags_fresh7.csv)
            r"(?<!showed me )(?<!showed us )(?<!show me )(?<!taught me )(?<!that's )(?<!thats )(?<!that is )\bhow to\b",
            r"\bis there (?:a|any) way\b",
            r"\bwhat (?:do|should|can) (?:i|we) do\b",
        ),
        matches=("how do i turn off auto-renew", "is there a way to export", "can someone explain how to turn it off"),
        misses=("i know how it works", "showed me how to thaw it myself", "fair play, that's how to handle it"),
    ),
    Rule(
        "any-update",
        "help",
        (r"\bany (?:updates?|news|eta|word) (?:on|about|for|yet)\b", r"\bany updates?\b", r"\bupdate on my\b"),
        matches=("any update on my refund", "update on my ticket pls", "any news on the xbox release date"),
        misses=("the update is great",),
    ),
    Rule(
        "help-word",
        "help",
        (r"\bayuda\b", r"\baidez\b", r"\bhilfe\b", r"\bajuda\b", r"\baiuto\b"),
        matches=("hilfe, ich komme nicht in mein konto", "ayuda por favor"),
        misses=("helpful staff",),
        english_only=False,
    ),
    # ---------------------------------------------------------------- not-a-problem
    Rule(
        "no-problems",
        "not-a-problem",
        (
            r"\b(?:no|zero|not a single|not one|never an?|never any|without an?y?)\s+(?:\w+\s+)?(?:problems?|issues?|bugs?"
            r"|complaints?|lag|crash(?:es)?|delays?|outages?|drops?|questions asked|hidden fees?|fees?)\b",
            r"\bno complaints\b",
            r"\bnot (?:even )?a complaint\b",
            r"\b(?:never|haven't|have not|hasn't|has not|not once) (?:\w+ )?(?:had|paid|seen|hit|run into|got) (?:a|an|any|one)"
            r" (?:single )?(?:\w+ )?(?:problems?|issues?|fees?|complaints?|outages?|delays?|bugs?)\b",
        ),
        matches=(
            "no issues at all since we switched",
            "zero problems in a year",
            "4 years and never had a problem",
            "haven't paid an overdraft fee since",
        ),
        misses=("so many issues",),
    ),
    Rule(
        "problem-fixed",
        "not-a-problem",
        (
            r"\b(?:problems?|issues?|bugs?|outages?|faults?|errors?|glitch(?:es)?) (?:is |was |were |got |has been |have been )?"
            r"(?:fixed|resolved|solved|sorted)\b",
            r"\b(?:fix|fixed|fixes|fixing|solved|resolved|sorted|replaced|repaired|swapped)\b[^.!?\n]{0,30}"
            r"\b(?:problems?|issues?|bugs?|faulty|broken|cracked|crash(?:es)?|errors?|glitch(?:es)?|faults?|outages?)\b",
        ),
        matches=("problem solved, thanks", "they replaced my cracked screen", "fixed the crash i reported"),
        misses=("the problem is not solved",),
    ),
    Rule(
        "refund-received",
        "not-a-problem",
        (
            r"\b(?:thanks?|thank you|thx)\b[^.!?\n]{0,12}\b(?:refunds?|fix|replacement|repair)\b",
            r"\b(?:got|received|receiving|getting)\b[^.!?\n]{0,20}?\brefunds?\b",
            r"\brefund (?:came|arrived|was processed)\b",
            r"\brefunded(?<!n't refunded)(?<!not refunded)(?<!never refunded) (?:the|my|me|us|it|a|an)\b",
        ),
        matches=("got my refund today", "thanks for the refund", "they refunded the charge within an hour"),
        misses=("where is my refund", "still haven't refunded me"),
    ),
    Rule(
        "feared-but-fine",
        "not-a-problem",
        (
            r"\b(?:thought|expected|worried|feared|afraid|assumed)\b[^.!?\n]{0,60}\bbut (?:it|they|that|this|everything)"
            r"(?: \w+)? (?:was|were|went|worked|is|are)\b",
        ),
        matches=("thought i'd have trouble with the trade-in but it was effortless",),
        misses=("thought it would be fixed by now. it was not",),
    ),
    Rule(
        "tenure",
        "not-a-problem",
        (
            rf"\b(?:been|was|were) (?:with|using|a customer of|a member of|banking with|flying with) [^.!?\n]{{0,30}}"
            rf"\b(?:for|since) {_NUM} (?:years?|months?)\b",
            rf"\b(?:customer|member|user|subscriber) (?:for|since) {_NUM} (?:years?|months?)\b",
            r"\b(?:years|months) with (?:my|our|the|this)\b",
            # session 10 (flags_fresh8.csv's false flags): "the only shop that's been open for 30 years straight"
            rf"\b(?:open|running|trading) (?:for )?{_NUM} years\b",
            # a small fault once in years, or one mark after years of use, is praise of a thing that lasts ("leaked a
            # bit of acid once in 8 years and still runs", "12 years, one scratch on the strap and that's it"; 2 rows,
            # fresh8's: weak evidence)
            rf"\b(?:[\w'-]+ ){{0,6}}once in {_NUM} years\b",
            r"\b(?:one|a single|only one|just one) (?:small |tiny |little )?(?:scratch|scuff|mark|chip|dent|ding)\b"
            r"(?:[^.!?]{0,30})\band that'?s it\b",
        ),
        matches=(
            "been with brightwater for 6 years",
            "just hit 5 years with my laptop",
            "customer for ten years",
            "leaked a bit of acid once in 8 years and still runs",
            "one scratch on the strap and that's it",
        ),
        misses=(
            "waiting for 6 years",
            "been waiting for 3 months",
            "one scratch on the screen already",
            "once in a while it crashes",
        ),
    ),
    Rule(
        "disclaimer",
        "not-a-problem",
        (r"\b(?:not|no|never been) (?:affiliated|sponsored|an ad|a paid \w+)\b", r"\bno affiliation\b"),
        matches=("not affiliated, but their blog is worth reading",),
        misses=("not paid back yet",),
    ),
    Rule(
        # the author says the brand is not to blame: the problem words that follow are not about it (a
        # `news` rule: with no personal voice nothing counts; with one, only its weaker cues are dropped)
        "not-their-fault",
        "news",
        (
            r"\bnot (?:\w+'s|their|your|its) fault\b",
            r"\bnothing against\b",
            r"\bno fault of\b",
            # session 10: "that isn't a Met Office problem specifically" (3 rows of the eleven sets, none needs a reply)
            r"\b(?:isn't|is not|not) (?:a|an) (?:[\w-]+ ){1,3}problem\b",
        ),
        matches=(
            "not northwind's fault at all but i lost my card",
            "nothing against sprouts, just wish",
            "that isn't a met office problem specifically",
        ),
        misses=("their fault entirely", "not a problem, thanks"),
    ),
    Rule(
        "fees-included",
        "not-a-problem",
        (r"\bfees? (?:are |were |is )?(?:all )?included\b", r"\bincluding (?:all )?fees?\b"),
        matches=("fees included in the price",),
        misses=("hidden fees everywhere",),
    ),
    Rule(
        "figure-of-speech",
        "not-a-problem",
        (
            r"\bworst case\b",
            r"\bcan't wait\b",
            r"\bcannot wait\b",
            r"\bcan't stop\b",
            r"\bnot bad\b",
            r"\bstuck in my head\b",
            r"\bdidn't expect (?:that|it|this)\b",
            # session 9: "still not over it" (a concert, flags_fresh7.csv)
            r"\bstill not over (?:it|that|this|him|her|them)\b",
        ),
        matches=(
            "can't wait for the launch",
            "not bad at all",
            "faster, didn't expect that",
            "i'm still not over it",
        ),
        misses=("can't log in",),
    ),
    Rule(
        # session 10 (flags_fresh8.csv's false flags): sympathy for another user's trouble ("that sounds so frustrating,
        # hope they sort it"): the problem word is the other user's (1 row of the eleven sets: weak evidence)
        "sympathy",
        "not-a-problem",
        (
            r"\b(?:that|this|it) sounds (?:so |really |very |super )?(?:frustrating|awful|rough|horrible|stressful|terrible"
            r"|grim|hard|annoying|infuriating)\b",
        ),
        matches=("that sounds so frustrating, hope they sort it", "oh no, that sounds awful"),
        misses=("this is so frustrating", "sounds like a fault to me"),
    ),
    # ---------------------------------------------------------------- complaint
    Rule(
        "refund",
        "complaint",
        (r"\brefund(?:s|ed)?\b", r"\bmoney back\b", r"\b\w+ fee back\b", r"\bchargeback\b"),
        matches=("my refund still hasn't arrived",),
        misses=("refundable tickets only",),
    ),
    Rule(
        "billing",
        "complaint",
        (
            r"\bcharged twice\b",
            # session 15 (branch judge15): "double deducted / billed / debited / taken" too (11 rows of the twenty-eight sets
            # with "double charged", 10 need a reply; the other is a fault put right)
            r"\bdouble[- ](?:charged|deducted|billed|debited|taken)\b",
            r"\bovercharg\w*",
            r"\bcharg(?:e|ed|ing) me\b",
            r"\b(?:hidden|extra|surprise|late|overdraft|junk|service|booking|cancellation|admin|ridiculous|insane|crazy)"
            r" (?:fees?|charges?)\b",
            r"\bfees? (?:went up|increased|again|on top)\b",
            r"\b(?:doubled|tripled|quadrupled|hiked|upped) (?:my|our|the|their) (?:\w+ )?(?:bill|prices?|fees?|rates?"
            r"|direct debit|premium|payments?|tariff|subscription|rent)\b",
            r"\b(?:bill|prices?|fees?|rates?|premium|tariff|subscription)s? (?:doubled|tripled|jumped|shot up)\b",
            r"\b(?:tripled|doubled) (?:my|our|the) (?:\w+ )?bill\b",
            r"\bprice (?:increase|hike|rise)s?\b",
            r"\braised? (?:the |their |our )?prices?\b",
            r"\bbill (?:went up|increased|is higher)\b",
            r"\b(?:scam(?:med)?|fraud|rip ?off|ripped off|cash grab)\b",
            r"\b(?:is|are|was|were) (?:a|an absolute|a total) (?:trap|con)\b",
            # session 10 (flags_fresh8.csv's misses): "the charger took £18 for 3 kwh", "the booth took £8 and printed
            # nothing" (24 of 24 rows of the eleven sets with "took / charged / charged me £..." need a reply)
            r"\b(?:took|swallowed|kept) (?:my )?[£$€]\d",
            # session 15 (branch judge16, flags_fresh26/27.csv's misses, a double charge in other words): "has taken £64.20
            # twice", "debited £1,150 from me on two consecutive days" (an amount, then twice): 3 rows of the thirty-two
            # sets, all need a reply
            r"\b(?:taken|took|debited|charged|billed|deducted) (?:me )?[£$€]\s?[\d,.]+ (?:from (?:me|my \w+) )?(?:twice|two"
            r" times|on two (?:consecutive |separate )?days)\b",
            # session 24 (the demo's development misses in five folds: "wants $129 to replace a battery they glued in"):
            # a repair or replacement quote for the writer's own thing, which the writer disputes. 4 rows of the seventy-
            # two sets (demo, fresh54, fresh60, fresh67), all need a reply
            r"\b(?:wants?|quoted(?: me)?|charging(?: me)?|asking(?: me)?) [£$€]\s?\d[\d,.]* (?:to|for) (?:fix|replac|repair"
            r"|swap|chang)\w*",
        ),
        matches=(
            "charged twice this month",
            "can't believe they want $129 to replace a battery they glued in",
            "vanmoof quoted me €380 to replace a rear light cable",
            "pod point at tesco took £18 for 3 kwh",
            "hidden fees on every booking",
            "doubled my direct debit",
            "a service charge",
            "a 15% price rise letter",
            "trainline has taken £64.20 twice for one return",
            "acme has debited £1,150 from me on two consecutive days",
        ),
        misses=(
            "fees included in the price",
            "the charger is great",
            "took 10 minutes, £5 well spent",
            "they only want $20 for the replacement",
        ),
    ),
    Rule(
        "cancelled",
        "complaint",
        (r"\bcancel+(?:ed|ation)\b", r"\bcan't cancel\b"),
        matches=("my flight got cancelled",),
        misses=("noise cancelling is great",),
    ),
    Rule(
        "late-or-lost",
        "complaint",
        (
            r"\bdelay(?:ed|s)?\b",
            r"\blost\b",
            r"\blosing\b",
            r"\bnever (?:arrived|received|came|showed up)\b",
            r"\b(?:haven't|hasn't|have not|has not|didn't|did not) (?:seen|received|got|gotten|heard|arrived|moved"
            r"|shipped|come|came|showed up)\b",
            r"\b(?:arrived|arriving|running|is|was|been|always|days|weeks|hours) late\b",
            r"\bsupposed to\b",
            r"\bmissing\b",
        ),
        matches=("package delayed again", "tracking hasn't moved in 4 days"),
        misses=("arrived a day early",),
    ),
    Rule(
        "still-waiting",
        "complaint",
        (
            r"\bstill waiting\b",
            r"\bstill (?:not|no|nothing|haven't|hasn't|says|shows|stuck|broken|down|missing)\b",
            r"\bstill (?:billing|charging|sending|taking)\b",
            r"\bstill [\"'“]?(?:processing|pending|in transit|preparing|being processed|awaiting|on hold)\b",
            r"\bwaiting (?:for|since|on) (?:weeks|days|hours|a week|a month|over|my)\b",
            # session 14 (branch judge14, flags_fresh21.csv's misses, a reply opening with "still" and the fault: "still
            # claimed, and the video is demonetised", "still greyed out"): 185 rows of the twenty-six sets open with "still"
            # but not with praise ("still love it", "still going strong"), all need a reply; the other rules find most of
            # them, this takes the state words they do not know (14 rows, all need one)
            r"^still (?!(?:love|loving|going strong|the best|my favou?rite|works|working|fine|good|great|happy|on them|using"
            r"|use|no (?:problems|issues|complaints)|can't believe|cannot believe|obsessed|the one|one of|my go)\b)"
            r"(?:greyed|claimed|blocked|locked|charged|frozen|flagged|declined|rejected|closed|empty|blank|cold|leaking)\b",
        ),
        matches=(
            "still waiting for my order",
            "still no word",
            'ordered 18 days ago. still "processing"',
            "still greyed out, i have a deadline tonight",
        ),
        misses=("still love it", "still going strong after 5 years"),
    ),
    Rule(
        "no-response",
        "complaint",
        (
            r"\bno (?:answer|response|reply)\b",
            r"\bnot responding\b",
            r"\bunanswered\b",
            r"\bignor(?:ed|ing)\b",
            # nobody serving the author (session 8: "nobody" alone also fired on "the sequel nobody wanted", "nobody
            # else can build gimbals at that price", "nobody is surprised")
            r"\b(?:nobody|no one)(?: (?:at|from|in|on) (?:the )?[\w-]+)?"
            r" (?:(?:has|had|have|will|would|could|can|even|ever|so much as|seems to|bothered to|actually|just|ever) )*"
            r"(?:told|tell(?! me otherwise)|answer\w*|came|comes|come|replie[sd]|reply|call\w*|rang|mention\w*|apologi[sz]\w*"
            r"|email\w*|turned up|turns up|showed up|shows up|picks? up|got back|gets back|respond\w*|opened|started|helped"
            r"|help|explain\w*|contacted|checked|looked|said|sneezed|fixed|sorted|cares|care)\b",
            r"\bhung up\b",
            r"\bon hold\b",
            r"\b(?:reads? from a script|same (?:script|answer)|different answers)\b",
            r"\bpromised\b",
            r"\bnot (?:a|one) (?:single )?(?:word|call|email|reply)\b",
            r"\b(?:no|without an?|not even an?) (?:apology|explanation|call back|callback)\b",
            # session 8: nobody told, the booking unknown
            r"\bno (?:announcement|communication|record of)\b",
            # session 9 (flags_fresh7.csv's misses): a visit moved and moved ("booked for tuesday, then thursday, now
            # next week"), nobody in charge ("reversed with nobody guiding it")
            r"\b(?:booked|scheduled|due|arranged|confirmed|promised) (?:for|on) (?:the )?\w+(?: \w+)?,? then (?:the )?"
            r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d|next|tomorrow|today)",
            r"\b(?:moved|rescheduled|changed|pushed back) (?:it |the (?:date|appointment|visit|booking|install|fitting) )?"
            r"(?:again|twice|three times)\b",
            r"\b(?:with |and )?(?:nobody|no one) (?:guiding|watching|supervising|checking|manning|directing)\b",
        ),
        matches=(
            "45 minutes on hold",
            "nobody answers",
            "nobody at the store could tell me why",
            "no one will tell me anything",
            "which nobody mentioned",
            "not a word of apology",
            "sitting outside stafford for 40 minutes with no announcement at all",
            "the branch has no record of the booking at all",
            'fitter was booked for tuesday, then thursday, now "next week"',
            "they've rescheduled the install again",
            "one of your lorries reversed the length of our road with nobody guiding it",
        ),
        misses=(
            "answered in minutes",
            "turbo tax, the sequel nobody wanted",
            "nobody else can build gimbals at that price",
            "the caramel has been grainy since the 90s and nobody can tell me otherwise",
            "booked for a table, then dessert",
            "moved the sofa again",
        ),
    ),
    Rule(
        "not-working",
        "complaint",
        (
            r"\bnot working\b",
            r"\b(?:doesn't|does not|isn't|is not|won't|will not|wont|doesnt) work\b",
            r"\bstopped working\b",
            r"\bwon't (?:turn on|charge|load|open|connect|start|boot|sync|update|let me|apply|accept|show|scan|play|print"
            r"|save|send|stay)\b",
            r"\b(?:broken|broke|breaks|defective|faulty|damaged|dead(?: pixel)?|dies|died|snapped|cracked|bricked"
            r"|unusable|scratch(?:ed|es)?)\b(?<!broken)",
            r"\bbroken\b(?! in\b)",
            r"\b(?:arrived|came) (?:without|broken|damaged|open|opened|crushed|cracked|dead|empty)\b",
            r"\b(?:was|were|is|are|got|arrived|came) (?:all |completely )?(?:squashed|smashed|leaking|torn)\b",
            r"\btears? open\b",
            r"\b(?:battery drain|drains? (?:the |my )?battery|overheat(?:s|ing)?)\b",
            r"\blasted (?:\d+|a|one|two|three|four|five|six) (?:days?|weeks?|months?)\b",
            r"\b(?:card|payment|claim|transfer|transaction|application)s? (?:was |were |got |keeps? getting |is )?(?:declined|rejected|denied)\b",
            r"\b(?:declined|rejected|denied) (?:my|our|the) (?:card|payment|claim|transfer|transaction|application)\b",
            # session 10 (flags_fresh8.csv's misses, a fault told as a story: 7 of 8 rows of the eleven sets need a reply,
            # the eighth a reddit comment the rules do not address): "engineer came tuesday, it did it again", "so no, not
            # fixed", "stops halfway and beeps"
            r"\b(?:did|does|happened|doing|done) it again\b",
            r"\bnot fixed\b",
            r"\b(?:stops|stopped|stopping|cuts out|cut out) (?:halfway|randomly|at random|mid[- ]?way)\b",
        ),
        matches=(
            "the app is not working",
            "engineer came tuesday, it did it again wednesday night",
            "it beeped and stopped again this morning, so no, not fixed",
            "mum's stairlift stops halfway and beeps",
            "screen arrived cracked",
            "your card was declined at the pump",
            "the app won't show my dining pass",
            "half my multipack was squashed open",
        ),
        misses=(
            "works great",
            "walking boots finally broken in",
            "got a refund for the squashed berries, nice touch",
            "the fixed price menu was lovely",
        ),
    ),
    Rule(
        # a physical product fault told without the words broken / faulty (session 7, from flags_fresh4.csv's fold 0
        # brands): parts that come off or fall apart, things that leak, shrink or split, a new battery or pack
        # already flat, empty or mouldy
        "physical-fault",
        "complaint",
        (
            r"\b(?:came|comes|coming|fell|falls|falling) (?:off|apart|loose|to bits|to pieces)\b",
            r"\b(?:falls|falling|fell) out\b(?! (?:of love|with)\b)",
            r"\b(?:leaks|leaked|leaking)\b(?! (?:trailer|footage|memo|images?|renders?|photos?|pics|benchmarks?|screenshots?|specs|roadmap|details|documents?)\b)",
            r"\b(?:shrank|shrunk|shrinks)\b",
            r"\b(?:is|are|was|were|got|came|arrived) (?:all |already |completely )?split\b",
            r"\bsplit (?:clean |right )?(?:open|in half|in two|at the seams?)\b",
            r"\b(?:was|were|is|are|arrived|came) (?:already |completely |totally )?flat (?:on|out of|from|after|within)\b",
            r"\balready (?:flat|dead|mouldy|moldy)\b|\b(?:was|were|is|are|arrived|came) (?:all |already )?(?:mouldy|moldy)\b",
            # session 8 (flags_fresh5/6.csv's misses): gone flat or rotting, arrived with pests or damage, a part of
            # the thing damaged ("corners crushed, spine bent"), a noise it makes, less than the label says
            r"\b(?:went|goes|going|gone|keeps going) (?:flat|mouldy|moldy|rusty)\b|\brotting\b",
            r"\b(?:arrived|came|delivered) (?:covered in|crawling with|riddled with|infested|full of (?:holes|bugs|insects|ants|flies"
            r"|mou?ld|dirt|hair|water|sand|dust))\b",
            r"\b(?:corners?|box|spine|lid|screen|case|frame|edges?|packaging|handle|seal|hinge|zip|zipper|strap|seam)s? "
            r"(?:\w+ )?(?:crushed|dented|bent|ripped|torn|chipped|smashed|snapped)\b",
            r"\b(?:making|makes|made|has|with) (?:a |an )?(?:\w+ )?(?:grinding|rattling|squeaking|squealing|screeching"
            r"|whining|buzzing|clicking|crackling) (?:sound|noise)\b"
            r"|\b(?:constant|loud|weird|strange) (?:click|clicking|hum|humming|buzz|buzzing|rattle|rattling|grinding)\b",
            r"\b(?:lighter|smaller|shorter|thinner|weaker|less|fewer) than (?:the |it |what )?(?:label|advertised|described"
            r"|pictured|stated|listed|promised|claimed|on the box|says on|the photos?|the pictures?)\b",
            # session 9 (flags_fresh7.csv's misses, faults told as a story): a thing in pieces, one that arrived bent,
            # property hit by the brand's vehicle or staff ("clipped a parked car")
            r"\bin (?:\d+|two|three|four|five|several|many|a (?:few|hundred|thousand|million)) pieces\b",
            r"\b(?:arrived|came|delivered|turned up)(?: \w+)?,? (?:also |all |completely |badly |slightly )?(?:bent|dented|warped"
            r"|chipped|snapped|shattered|scratched)\b",
            r"\b(?:clipped|scraped|dented|hit|reversed into|drove into|backed into) (?:a|my|our|the|someone's|next door's) "
            r"(?:parked |neighbour's |new )?(?:car|van|wall|gate|fence|door|doorframe|bannister|floor)\b(?! park)",
            # session 10 (flags_fresh8.csv's misses, faults told as a story): "sunday morning it was half empty and the
            # lawn was a lake", "the toilets by gate 9 are flooded and closed" (2 + 2 rows of the eleven sets, all need a
            # reply: weak evidence)
            r"\b(?:it|it's|its) (?:was |is |went |had gone )?half (?:empty|deflated)\b",
            r"\b(?:is|are|was|were|been|got) (?:all |completely )?(?:flooded|overflowing)\b",
        ),
        matches=(
            "the chainsaw chain came off three times in an hour",
            "bristles falling out after a week",
            "3 were already leaking white crust",
            "the protector shrank to a kid size",
            "half the bags are split",
            "the sole split clean in half",
            "battery from a sealed pack was flat on day one",
            "airbed went flat three nights in a row",
            "roots rotting in the pots",
            "lemon tree arrived covered in scale insects",
            "photo book arrived in a paper envelope, corners crushed, spine bent",
            "my bike fan is making a grinding sound after 3 weeks",
            "plays with a constant click on side b",
            "two of them are 2kg lighter than the label",
            "grandmother's mirror is in 3 pieces",
            "new sheet arrived, also bent",
            "reversed the length of our road and clipped a parked car",
            "sunday morning it was half empty and the lawn was a lake",
            "the toilets by gate 9 are flooded and closed",
        ),
        misses=(
            "the photos came out great",
            "falling out of love with podcasts",
            "the leaked trailer looks amazing",
            "leaked renders of the next phone",
            "we split the bill",
            "the road was flat all the way",
            "the stain came out in one wash",
            "my new bag arrived full of goodies",
            "you crushed it at the gig",
            "the grinding sound of the coffee mill in the morning is my alarm",
            "lighter than my old one, love it",
            "i ate my lunch in pieces of five minutes",
            "the bent nail trick worked",
            "hit the car park at 9",
            "the cinema was half empty, bliss",
            "the roads flooded again, stay safe",
        ),
    ),
    Rule(
        # session 15 (branch judge16, flags_fresh26-29.csv's misses, a fault told without a fault word the table knew): a
        # part jammed, seized, scorched or peeling "on day one / after two sessions / already / since"; a crack, hole, tear,
        # bubble or dent the thing "has"; food or a refill that tastes or smells burnt, rancid, off or of ammonia; a thing
        # that "absorbs / controls / heats nothing"; a sealed bag "full of moths". Counted on the thirty-two sets: 19 rows,
        # all need a reply (7 flagged before); "it has never once jammed" and "change it every 4 weeks or it tastes off"
        # do not match
        "fault-told",
        "complaint",
        (
            r"\b(?:jammed|seized|scorched|peeling|blistered|warped|frayed|rusted|rusting)\b(?=[^.!?\n]{0,40}\b(?:day (?:one|1"
            r"|two|2)|on the first|after (?:one|two|three|a|an|\d+)|within|already|since|from new)\b)"
            r"|\b(?:scorched|singed|melted) (?:a|the|my|our|through)\b",
            r"\b(?:has|had|with|got|there's|theres) an? (?:crack|hole|tear|bubble|dent|chip)\b",
            r"(?<!or it )\b(?:tastes?|tasted|smells?|smelled|smelt) (?:burnt|rancid|off|of ammonia|of bleach|of petrol)\b",
            r"\b(?:absorbs|holds|heats|cools|cleans|controls) (?:absolutely )?nothing\b",
            r"\bfull of (?:little |tiny )?(?:moths|weevils|maggots|mould|mold|bugs|ants|flies)\b",
        ),
        matches=(
            "grinder top jammed on day one",
            "new pack absorbs nothing at all",
            "the coils i bought last week taste burnt from the first puff",
            "my new deck has a crack running from the front truck bolt after two sessions",
            "the power supply had scorched a brown ring into the bedside table",
            "the bread flour in my last order is full of little moths",
            "the salmon portions smell of ammonia straight out of the box",
            "upper lip peeling in a square since session 3",
        ),
        misses=(
            "ten years on the same printer and it has never once jammed",
            "change it every 4 weeks or it tastes off",
            "our shed came with a warped door, they sent a new one in four days",
            "the hole punch is great",
            "smells of fresh bread every morning",
        ),
    ),
    Rule(
        # session 12 (branch judge10, flags_fresh14.csv's and flags_fresh15.csv's misses, safety reports with no safety word
        # the rules knew): a thing that melted, bulged or smells of chemicals / burning, a part that spun off or slid,
        # vomiting, weevils. Counted on the eighteen sets: 12 rows in 6 sets (fresh4, fresh6, fresh7, fresh13, fresh14 x5,
        # fresh15 x4), all need a reply ("maggots" left out: 2 rows are bait prices, neither needs one)
        "hazard",
        "complaint",
        (
            r"\b(?:melted|bulged|bulging|swollen battery|battery (?:has )?swollen|smell(?:s|ed|ing)? (?:of )?(?:chemicals?"
            r"|burning)|weevils?|vomit(?:ing|ed)|spun off|slid down)\b",
            # session 13 (branch judge11, flags_fresh16.csv's and flags_fresh17.csv's safety reports): blisters given, a
            # mark that looks like a burn, a flame that nearly caught someone, a hospital visit ("urgent care", "a&e"), a
            # safety part that peeled off: 7 rows of the twenty sets in 4 (fresh5, fresh13, fresh16 x2, fresh17 x3), all
            # need a reply ("zero blisters after 20 miles" and "blister packs" do not match)
            r"\b(?:gave|giving|got|left) (?:me |him |her |us |them |my \w+ )?blisters\b|\bblisters (?:all|on|from)\b"
            r"|\blooks? like a (?:burn|scald)\b|\bnearly caught (?:fire|my|her|his|their)\b|\burgent care\b|\ba&e\b"
            r"|\bpeeled off\b",
            # session 13 (branch judge12, flags_fresh18.csv's and flags_fresh19.csv's safety reports): hives, shards,
            # an eye red and stinging, a bone in food, gums bled, a driver running a red light: 9 rows of the twenty-two
            # sets (fresh4, fresh14, fresh15, fresh16, fresh18, fresh19 x4), all need a reply ("national hives", bee
            # hives, do not match)
            r"\b(?:in|out in) hives\b|\bhives (?:within|all over|on|from)\b|\bshards?\b|\bred and stinging\b"
            r"|\bbone in (?:the|my|a|his|her)\b|\bgums? bled\b|\bran a red light\b",
            # session 26 (the sets judged by a layer trained on the sets before fresh62: a cockroach in a drink, a
            # medicine prescribed against an allergy, missed): counted on the seventy-six sets, "allergic reaction" /
            # "allergic to" 11 rows and a cockroach or roach in something 2, all need a reply ("cockroach rave", a joke
            # to another user, does not match)
            r"\ballergic (?:reaction|to)\b|\b(?:cockroach|roach)(?:es)? (?:in|on) (?:my|the|our|his|her|a)\b"
            r"|\b(?:a|small|dead|live|tiny|big) cockroach\b",
        ),
        matches=(
            "the plug end melted a bit overnight",
            "my camera battery bulged and it smells chemical",
            "full of weevils. sealed bag",
            "vomiting for hours after eating it",
            "the bracket slid down the frame with my toddler in it",
            "the aftercare film gave me blisters all round the tattoo",
            "the sock left a red mark on my baby's foot, looks like a burn",
            "the candles flared up, nearly caught my daughter's hair",
            "the reflective strip peeled off in the first wash",
            "hives within minutes, she has a milk allergy",
            "there were shards in the milk",
            "found a piece of bone in the lamb pouch",
            "the driver ran a red light with 12 passengers on board",
            "prescribed a medicine i told him i'm allergic to",
            "there was a small cockroach in the bottom of my milk tea",
        ),
        misses=(
            "the cheese melts nicely",
            "the battery lasts all day",
            "smells lovely",
            "£7 for a tub of maggots now",
            "zero blisters after 20 miles",
            "do you do blister packs for my nan",
            "fourth year using thorne's national hives",
            "the bone in ham was lovely",
            "cockroach rave 😭",
        ),
    ),
    Rule(
        # session 11 (branch judge8, flags_fresh11.csv's misses, safety reports): a person hurt by the product or the
        # venue, told without a fault word ("came out with a rash", "split her chin", "hit the mat hard"); 8 rows of the
        # fourteen sets in 5, all need a reply
        "injury",
        "complaint",
        (
            r"\b(?:sprained|needed stitches|(?:came|come|comes) (?:out|home|back) with (?:a |an )?(?:rash|burn|cut|bruise"
            r"|black eye|sprain)|gave (?:me|him|her|us|them|my \w+) (?:a |an )?(?:rash|burn|allergic reaction))\b",
            r"\b(?:split (?:his|her|my|their|your) (?:chin|lip|head|eyebrow)|(?:broke|broken|fractured) (?:his|her|my|their)"
            r" (?:arm|wrist|leg|ankle|finger|nose|collarbone)|burn(?:t|ed) (?:my|his|her|their) (?:hand|arm|fingers?|gums"
            r"|mouth|skin|tongue))\b",
            r"\b(?:(?:went|go|ended up|end up|taken) (?:to|in) a&e|hit the (?:mat|floor|ground|wall) hard)\b",
            # session 14 (branch judge14, flags_fresh20-23.csv's safety reports told without a fault word): a fall, a near
            # miss, gas hissing, sparks or flames, a dig or lane left without a barrier, a driver on the phone, a twisted
            # ankle. Counted on the twenty-six sets: 31 rows, 29 need a reply (the two that do not: "fell off the same move
            # 9 times ... still smiling", a climber, and "no barrier and no sign telling you where to pay"); "fallen off a
            # cliff" does not match
            r"\bfell (?:on|down|off|over|onto|from|through|in)\b|\bnearly (?:hit|fell|killed|took|landed|electrocut\w*"
            r"|burnt|burned|set)\b|\b(?:hissing|sparking|sparks|flames? coming|caught fire|electric shock|shocked me|unfenced"
            r"|no barrier|no railing)\b|\bon (?:his|her|their) phone (?:on|while|the whole)\b|\btwisted (?:her|his|my|their"
            r"|a) (?:ankle|knee|wrist)\b",
            # session 26 (the sets judged by a layer trained on the sets before fresh62: a plate that hit the writer's
            # foot, a hospital visit, guests harassed, missed): counted on the seventy-six sets, 8 + 2 + 2 rows, one
            # does not need a reply (a first shift's "burnt my hand on the nacho cheese machine", matched before)
            r"\b(?:hit|struck|injured|hurt|bit|scratched) my (?:foot|head|hand|arm|leg|face|son|daughter|kid|child"
            r"|baby|dog|mum|mom|dad|wife|husband)\b|\b(?:had to go|went|ended up|rushed|was taken|taken) (?:to )?(?:the )?"
            r"(?:hospital|emergency room)\b|\bharass(?:ed|ing) (?:me|my|us|our)\b",
        ),
        matches=(
            "my kid came home from the park with a sprained wrist and nobody filled in an accident form",
            "the foam pit smelled like a wet dog and my daughter came out with a rash on her legs",
            "the ice was so rutted my daughter caught an edge and split her chin",
            "the auto belay dropped me way too fast tonight, hit the mat hard",
            "the lid knob came off and burnt my hand when it fell",
            "it closed on his finger. needed stitches",
            "the stair lights are out, my dad fell on the second flight last night",
            "a light fitting fell on our table, nearly hit my friend",
            "the gas bottle in our hut was hissing all night",
            "driver was on his phone on the motorway",
            "a 20kg plate bounced and hit my foot, i had to go to the hospital",
            "the beach boys were harassing my mum on the loungers",
        ),
        misses=(
            "the only wipes that didn't give my daughter a rash",
            "walking boots finally broken in, heels no longer bleeding",
            "the stitches on the seam are lovely",
            "handled my dad's injury claim, thank you",
            "their support has fallen off a cliff",
            "i've fallen off the wagon",
            "the hospital parking app is great",
            "the new lounge hit my expectations",
        ),
    ),
    Rule(
        # session 26 (the sets judged by a layer trained on the sets before fresh62: safety and conduct reports told
        # with no fault word, "told a cast member, she shrugged", "please get someone to check it", missed): staff who
        # shrugged a report off or did nothing, someone asked to look at it. Counted on the seventy-six sets: 18 and 11
        # rows, all need a reply
        "shrugged-off",
        "complaint",
        (
            r"\b(?:staff|security|guard|driver|manager|lifeguard|crew|attendant|cast member|cashier|agent|employee"
            r"|conductor|waiter|waitress|they|he|she)s? (?:just |only )?(?:did nothing|shrugged)\b",
            r"\b(?:someone|somebody) (?:needs to|should|has to|must) (?:look at|check|fix|sort) (?:this|it|that)\b"
            r"|\bplease (?:get|send) (?:someone|somebody) to\b",
        ),
        matches=(
            "told a cast member about the man vaping in the queue, she shrugged",
            "the rope line is hanging loose. please get someone to check it before a kid goes under",
            "the plate bounced and hit a kid. someone needs to look at this",
        ),
        misses=(
            "the regulator looked at it and shrugged it off years ago",
            "someone should look at their fees in general",
            "staff did a great job",
        ),
    ),
    Rule(
        # session 14 (branch judge14, flags_fresh20.csv's and flags_fresh21.csv's misses, a fault told as a measure): a thing
        # too short or long by a measure ("one sleeve 2cm shorter than the other", "trousers 4 inches too short"), a visit
        # hours late ("inspector was an hour late"), only one of what was booked or paid for ("only one therapist turned
        # up", "only 1 came"). Counted on the twenty-six sets: 16 rows, all need a reply ("1cm out on a frame
        # is not within any tolerance", which needs none, is left out: "out" is not a measure word here)
        "measured-fault",
        "complaint",
        (
            r"\b\d+(?:\.\d+)? ?(?:cm|mm|inches|inch|in|ft|feet|metres?|m) (?:shorter|longer|too (?:short|long|big|small"
            r"|wide|narrow|high|low)|lower|higher)\b",
            r"\b(?:an|one|two|three|four|\d+) hours? late\b",
            r"\bonly (?:one|two|half|\d+) (?:of \w+ )?(?:\w+ )?(?:turned up|showed up|came|arrived|working|worked)\b",
        ),
        matches=(
            "my suit came back with one sleeve 2cm shorter than the other",
            "trousers 4 inches too short",
            "inspector was an hour late and then rushed the whole thing",
            "booked a couples massage, only one therapist turned up",
        ),
        misses=(
            "1cm out on a frame is not within any tolerance",
            "the 2 hour lesson flew by",
            "only one thing to say: brilliant",
        ),
    ),
    Rule(
        "cannot-do",
        "complaint",
        (
            r"\b(?:can't|cannot|can not|cant|unable to|couldn't) (?:even |still |seem to |ever )?(?:log ?in|sign ?in|access|reset|connect|pair|update"
            r"|install|cancel|activate|get|find|reach|use|download|pay|checkout|order|hold|turn)\b",
            r"\blocked out\b",
            r"\bno (?:way|option) to (?:\w+ )?(?:cancel|claim|contact|reach|change|talk|turn off|opt out|delete|remove|speak)\b",
            r"\bhacked\b",
        ),
        matches=("can't log in since this morning", "i can't even get to the menu"),
        misses=("can't wait to use it",),
    ),
    Rule(
        "software-fault",
        "complaint",
        (
            r"\bcrash(?:es|ed|ing)?\b",
            r"\bfreez(?:e|es|ing)\b",
            r"\bfroze\b",
            r"\bfrozen\b",
            r"\bbug(?:gy|s)?\b",
            r"\bglitch(?:es|y)?\b",
            r"\berrors?\b",
            r"\bstuck\b",
            r"\b(?:rebooting|restarting|looping|loops?|boot ?loops?)\b",
            r"\b(?:wiped|erased|ate my)\b|\bate (?:[£$€]\d|\d+ (?:tokens|coins|credits|quid|pounds|dollars|euros)\b)",
            r"\b(?:404|500|503)\b",
            r"\bnot loading\b",
            r"\bnothing loads\b",
            r"\bslower\b",
            r"\bstutter(?:s|ing)?\b",
            r"\bout of (?:sync|date)\b",
            r"\bdoes nothing\b",
            # session 10 (flags_fresh8.csv's misses, an integration's fault told plainly; 21 of 21 rows of the eleven
            # sets with these need a reply): "started rejecting our heartbeats", "rejects every image", "stale snapshot"
            r"\b(?:started|starts|keeps?|kept) (?:returning|rejecting|refusing|failing|dropping)\b",
            r"\brejects? (?:every|all|each|any)\b",
            r"\bstale (?:data|snapshot|feed|results?|cache|status)\b",
            # session 15 (branch judge15, flags_fresh25.csv's miss "my episode art is showing blank"): a page or a picture
            # that shows blank (5 rows of the twenty-eight sets, all need a reply)
            r"\b(?:is|are|shows?|showing|comes? up|came up|went|goes|gone|loads?|loading) (?:completely |totally |just )?"
            r"blank\b",
        ),
        matches=(
            "the app crashes on launch",
            "their backend started rejecting our chargepoints' heartbeats",
            "the photo checker rejects every image from our booths",
            "has been returning the same stale snapshot for a week",
            "stuck on the logo screen",
            "subtitles are out of sync",
            "the arcade ate £15 in tokens",
            "my episode art is showing blank",
        ),
        misses=(
            "smooth and fast",
            "fill in the blank form",
            "the app rejects nothing i throw at it, love it",
            "stale bread for the ducks",
        ),
    ),
    Rule(
        "outage",
        "complaint",
        (
            r"\boutages?\b",
            r"\b(?:unreachable|unavailable)\b",
            r"\b(?:is|are|been|was|went|were|it's) down\b",
            r"\bdown again\b",
            r"\bno (?:signal|service|internet|connection|wifi|data|sound|power|electricity|heating|hot water|gas)\b",
            r"\bwithout (?:internet|service|signal)\b",
            r"\bdrop(?:s|ped|ping)? (?:calls?|connection|out)\b",
            r"\bdisconnect(?:s|ed|ing)?\b",
            r"\b(?:call|connection|line) dropped\b",
            r"\b(?:intermittent|constant|random|frequent|signal|connection|call|wifi) (?:drops|dropouts)\b",
            # session 26 (the sets judged by a layer trained on the sets before fresh62: "fibra down in ñuñoa since 7am"
            # missed): the service itself down, told with no verb. Counted on the seventy-six sets: 16 rows, all need a
            # reply ("power down", a verb, left out)
            r"\b(?:internet|wifi|wi-fi|fibre|fiber|fibra|broadband|network|signal|service|app|site|website|servers?"
            r"|line|portal)s? (?:still |been )?down\b",
        ),
        matches=(
            "the site is down again",
            "no signal all day",
            "third week of intermittent drops",
            "fibra down in the whole street since 7am",
        ),
        misses=("download speed is great", "price drops every friday", "power down the router and wait"),
    ),
    Rule(
        "wrong-item",
        "complaint",
        (
            r"\b(?<!nothing )wrong \w+\b",
            r"\b(?:ordered|booked|paid for|asked for)\b[^.!?\n]{0,40}\b(?:received|got|sent me|gave (?:me|us))\b",
            r"\bdifferent (?:colou?r|size|model|item)\b",
            r"\bexpired\b",
            r"\bpast (?:its|the|their) (?:use[- ]by|sell[- ]by|best[- ]before|expiry)\b",
            r"\b(?:mou?ldy|rotten|gone off)\b",
            r"\bfound (?:a |an |some )?(?:\w+ ){0,3}(?:plastic|hair|glass|metal|insects?|maggots?|mou?ld|stones?)\b",
            # session 10 (flags_fresh8.csv's misses): another person's things or data ("someone else's supporting
            # documents", "a stranger's birth certificate", "meals from a different child"; 10 of 10 rows of the eleven
            # sets with these need a reply)
            r"\bsomeone else'?s\b|\ba stranger'?s\b",
            r"\bfrom a different (?:child|kid|customer|person|family|patient|account)\b|\banother (?:kid|child|customer|person"
            r"|family|patient)'?s\b",
        ),
        matches=(
            "sent me the wrong size",
            "came back with someone else's supporting documents in the envelope",
            "the app shows meals from a different child today",
            "the chicken is past its use-by date",
            "booked a sea view, got a view of the bins",
        ),
        misses=("nothing wrong with it, love it", "someone else recommended it", "a different kind of great"),
    ),
    Rule(
        # a product's batch or lot code: the author reports a fault in something they bought ("batch L3142")
        "batch-code",
        "complaint",
        (
            r"\bbatch(?: code| number| no\.?)?\s*[:#]?\s*[a-z]{0,3}\d{3,}\b",
            r"\blot (?:code|number|no\.?)\s*[:#]?\s*[a-z]{0,3}\d{3,}\b",
        ),
        matches=("best before 08/27, batch l3142", "lot number 220917"),
        misses=("a batch of 12 cookies", "a lot 2025 planning"),
    ),
    Rule(
        "stop-it",
        "complaint",
        (
            r"\bplease stop\b",
            r"\bstop (?:sending|charging|calling|emailing|spamming)\b",
            r"\bspam(?:med|ming|s)?\b",
            r"\bunsubscribed?\b",
            r"\bdon't buy\b",
            r"\bavoid\b",
            r"\bregret\b",
        ),
        matches=("stop sending me emails",),
        misses=("non-stop fun",),
    ),
    Rule(
        "strong-words",
        "complaint",
        (
            r"\brefus(?:e|ed|es|ing)\b",
            r"\b(?:terrible|awful|worst|horrible|useless|furious|unacceptable|disappoint(?:ed|ing)|frustrat\w*"
            r"|annoy(?:ing|ed)|nightmare|downhill|ruin(?:s|ed)?|shame(?:less| on)|impossible|creepy)\b",
            r"\bcomplain(?:t|ts|ing)?\b",
            r"\b(?:is|are|was) (?:a|an absolute|a complete|a total) joke\b",
            r"\bfail(?:s|ed|ing|ure)?\b",
            r"\b(?:problem|issues?|trouble)\b",
        ),
        matches=("worst customer service ever", "having an issue with checkout"),
        misses=("best service ever",),
    ),
    Rule(
        "negated-praise",
        "complaint",
        (_NEGATED_PRAISE,),
        matches=("not great for privacy", "not happy at all", "support wasn't very helpful"),
        misses=("not bad at all", "great, not sure why i waited"),
    ),
    Rule(
        "angry-emoji",
        "complaint",
        (r"😡|🤬|😠|😤|👎",),
        matches=("@deliveroo 😡😡😡",),
        misses=("@deliveroo 😍",),
        english_only=False,
    ),
    Rule(
        # session 13 (branch judge11, flags_fresh16.csv's and flags_fresh17.csv's misses, faults told in emoji): a flat,
        # weary, broken or crossed-out face or sign ("wagas 🍜 + 1 hr wait = 😐", "topps tiles delivery 🔲🔲🔲💔", "🎹🔇
        # roland", "pickup #4 🏺⏳", "🍕❌"), not in quotes. Counted on the twenty sets: 17 rows in 10 sets, all need a
        # reply (in quotes: fresh2's notification that "just said '😐'", which needs none); 😭, 🤢, 💀, 💥 and 😢 are left out (as often laughter, seasickness
        # or joy: 8 of the 19 rows they add need none)
        "weary-emoji",
        "complaint",
        (
            r"(?<![\"“'‘])(?:😐|😑|💔|❌|🔇|⏳|😩)(?![\"”'’])",
            # session 13 (branch judge12, flags_fresh18.csv's and flags_fresh19.csv's misses): pests, sickness, no entry
            # and holes ("rowse 🍯🐜🐜🐜", "fresh step 🐈💨😷", "go ape 🌳⛔", "rapha bibs 🩳➡️🕳️"): 8 rows of the
            # twenty-two sets (fresh18 x3, fresh19 x5), all need a reply; 💀 (2 of 3 need one) and 🔥 (2 of 5) are left out
            r"🐜|🪳|🪱|😷|🤮|⛔|🕳|🚫",
        ),
        matches=(
            "wagas 🍜 + 1 hr wait = 😐",
            "topps tiles delivery 🔲🔲🔲💔",
            "🎹🔇 roland",
            "habito. offer. expired. 😩😩",
            "rowse 🍯🐜🐜🐜",
            "go ape 🌳⛔ cancelled at the gate",
        ),
        misses=(
            "@acme 😍",
            "my mum cried 😭👰",
            "quorn 🤢",
            'the app sent a notification that just said "😐"',
            "tabasco 🔥🔥🔥 on everything",
        ),
        english_only=False,
    ),
    Rule(
        # session 14 (branch judge14, flags_fresh22.csv's misses): a post of the brand's name and emoji that carries a
        # reference of the writer's own ("werner 🪜💥 WL-22340", "ultraframe 🏠❄️💧 UF-91544"): something the team can act
        # on. 8 rows of the twenty-six sets (fresh22 x7, fresh23), all need a reply
        "emoji-reference",
        "complaint",
        (r"^(?=[^\n]*[\U0001F300-\U0001FAFF\u2600-\u27BF])[^\n]*?\b[a-z]{1,4}-\d{3,}\b",),
        matches=("werner 🪜💥 wl-22340", "econoloft 🏠💧💧 job el-3018"),
        misses=("werner 🪜💪 love it", "booked the m-25 route"),
        english_only=False,
    ),
    Rule(
        # session 15 (branch judge15, flags_fresh24.csv's and flags_fresh25.csv's misses): a fault told as a terse tally,
        # the post opening with three or more short fragments each closed by a full stop ("audible. 1 credit spent. book
        # not in library. email confirms purchase. 3 days.", "romford dogs. race night package. £35 a head. food came
        # cold."). Counted on the twenty-eight sets: 152 rows in 17 sets, 151 need a reply (143 flagged already; the
        # other: fresh8's "it's cloudy. I bought a celestron. it will be cloudy until 2027. this is the law")
        "terse-tally",
        "complaint",
        (r"^(?:@\S+\s+)*(?:[^.!?\n]{1,32}\. ){3,}",),
        matches=(
            "audible. 1 credit spent. book not in library. email confirms purchase. 3 days.",
            "@acme groom room. asked for a teddy trim. got a shave. dog looks like a naked mole rat. £58.",
        ),
        misses=(
            "ordered on monday. arrived tuesday, great service",
            "the new season of the show is out now and the first episode is a belter. watch it. honestly.",
        ),
        english_only=False,
    ),
    Rule(
        "non-english-problem",
        "complaint",
        (
            # es, fr, de, pt, it words for refund / broken / not working / late / lost
            r"\b(?:reembolso|devoluci[oó]n|no funciona|nunca lleg[oó]|retraso|dej[oó] de funcionar)\b",
            # not a part of a hyphenated name ("roto-rooter", session 14)
            r"(?<![\w-])(?:roto|rotto)(?![\w-])",
            r"\b(?:remboursement|ne marche pas|ne fonctionne pas|panne|cass[ée]|perdu|factur[ée] deux fois)\b",
            r"\b(?:kaputt|funktioniert nicht|st[üu]rzt|r[üu]ckerstattung|erstattung|defekt)\b",
            r"\b(?:n[ãa]o funciona|n[ãa]o liga|quebrado|atrasado|reembolso)\b",
            r"\b(?:rimborso|non funziona|non si accende|in ritardo)\b",
            # scripts written without spaces: no word boundaries
            r"届きません|届かない|壊れ|返金|故障|не пришёл|не пришел|не работает|возврат|сломал|退款|坏了",
        ),
        matches=("mi pedido no funciona", "注文した商品がまだ届きません", "el teléfono está roto"),
        misses=("me encanta mi nuevo reloj", "roto-rooter or a local septic guy, who's cheaper"),
        english_only=False,
    ),
    Rule(
        # session 18 (branch judge19, flags_fresh40.csv's and flags_fresh41.csv's misses, scored blind first): a post in
        # another language carrying the writer's own order, booking, account or case reference ("@thomann meine
        # Bestellung 41233018 ist seit zwei Wochen ...", "pedido 5520-88130, y todavía no llega", "réservation 5541330,
        # aucune nouvelle"): the writer is in a service process with the brand, as the English `reference-number` says,
        # and posts in other languages have few other signals. The word (de, fr, es, pt, it, nl, pl, cy, gd) then a
        # code of at least five digits (a year is not one). Of the 91 posts not in English in the forty-four sets, 22
        # match, all need a reply; with the ordinary-word test for English posts only (analysis.flags), fresh38-41's
        # non-English posts that need a reply are found 35 of 41, 22 before (those left: four to regional handles the
        # Brands tables do not list, an Irish and a German fault). It runs on posts not taken as English only.
        "non-english-reference",
        "complaint",
        (
            r"\b(?:bestell(?:ung|nummer)|auftrag(?:snummer)?|buchung(?:snummer)?|kundennummer|vertragsnummer"
            r"|rechnung(?:snummer)?|sendungsnummer|commande|r[ée]servation|dossier|num[ée]ro|facture|compte|compteur"
            r"|pedido|orden|reserva|reclamo|reclamaci[óo]n|n[úu]mero|expediente|factura|cuenta|encomenda|protocolo"
            r"|fatura|ordine|prenotazione|pratica|bestel(?:ling|nummer)|ordernummer|boeking(?:snummer)?|klantnummer"
            r"|dossiernummer|kaartnummer|factuurnummer|zam[óo]wienie|rezerwacja|numer|archeb|àireamh"
            # session 20 (flags_fresh44-47.csv's misses): Swedish, Danish, German, Dutch, Italian, Portuguese and Irish
            # reference words, and order, booking and member numbers in Japanese, Korean and Chinese
            r"|ärende(?:nummer)?|avtal(?:snummer)?|kundnummer|serienummer|bokning(?:snummer)?|ordrenummer|sagsnummer"
            r"|vorgang(?:snummer)?|seriennummer|ticketnummer|aktenzeichen|transactie-id|bonnummer|scontrino|matricola"
            r"|matr[íi]cula|uimhir|注文番号|予約番号|会員番号|問い合わせ番号|受付番号|番号|주문번호|예약번호|회원번호|订单号|订单编号)\b"
            r"[\s:#.]*(?:n[°ºo]\.?\s*|nr\.?\s*)?(?=(?:[a-z-]*\d){5})[a-z\d-]+",
        ),
        matches=(
            "@thomann meine bestellung 41233018 ist seit zwei wochen offen",
            "pareil pour nous, réservation 5541330, aucune nouvelle",
            "@acme mi pedido gc-1108890 llegó sin el cable",
            "@acme dim ond un tocyn gyrhaeddodd, archeb wfc-228551",
            "@anticimex ni skulle komma i tisdags, ingen kom och ingen ringde. avtal 7721-0043",
            "@nitori_official 注文番号 2212-88765 のソファ、配達予定日を2回も過ぎてます。",
            "@innisfreeofficial 뚜껑이 깨져서 왔어요. 주문번호 inf-kr-30041.",
            "mesma coisa, matrícula 8822016, cancelei em agosto e ainda me cobraram a multa",
        ),
        misses=("la reserva de 2024 fue perfecta", "dossier on the 2019 election", "my order 41233018 never came"),
        english_only=False,
        other_languages_only=True,
    ),
    Rule(
        # session 21 (branch judge27, flags_fresh54-57.csv's misses: "Lote L2403", "cartão final 3390", "nomor saya
        # berakhiran 2231", "予約番号4481-0926", "apólice 0531.22.1198", "job no. FSC-MUM-5521"): a number of four digits
        # or more (not a year) in a post with no thanks or praise word. Of the fifty-eight sets' development posts in
        # other languages that are not the brand's own, 269 hold one with no such word, all need a reply (14 of them
        # were missed); the years and model numbers in praise ("la tienda que compré en 2015 ... ¡gracias!") do not.
        # A rule of its own: the reply and comment logic reads `non-english-reference` in every language, this one is
        # read only where the post is not English.
        "non-english-number",
        "complaint",
        (
            rf"^(?!.*?(?:{_OTHER_THANKS})"
            # nor a word only English has (a post in English the detector took for another language: "did you get a
            # photo of them, call the store not the 1300 number")
            r"|.*?\b(?:the|you|your|did|does|anyone|were|what|never|with)\b)"
            r".*?(?:(?<![\d.,:])(?!(?:19|20)\d\d(?![\d/-]))[a-z]{0,3}\d{4,}|(?<![\d.,:])\d{4}[-/ .]\d{2,})",
        ),
        matches=(
            "@cervezaquilmes dos latas venían abolladas y perdiendo. lote 2403 b, vence 12/26",
            "aconteceu comigo também, cartão final 3390 bloqueado desde ontem",
            "@toyokoinn_en 予約番号4481-0926、隣の部屋の音が一晩中うるさくて",
        ),
        misses=(
            "la tienda de campaña que compré en 2015 sigue como el primer día. ¡gracias!",
            "seit zwölf jahren fährt unser m9540 jeden tag. danke!",
            "tengo 4.000 correos sin leer",
            "did you get a photo of them, call the store not the 1300 number",
        ),
        english_only=False,
        other_languages_only=True,
    ),
    Rule(
        # session 22 (branch judge31, flags_fresh64.csv's misses: "@TransLink 今天早上R4在Joyce站停了20分钟 ...", "@SMRT_Singapore
        # bas 961 lambat 30 minit pagi ni ...", "@KenyaPower_Care stima imepotea ..."): a post in another language that
        # opens by speaking to an @handle (the brand's: a post opening with other users' handles only is not addressed to
        # it) with no thanks or praise word. Of the sixty-eight sets' development posts in other languages opening with
        # the brand's @handle and no such word, 360 need a reply (32 of them were missed) and 10 do not, all praise
        # whose words `_OTHER_THANKS` now holds.
        # Session 23 (flags_fresh69.csv's misses: "검은사막 업데이트 후에 계속 튕겨요 ... @PearlAbyss", "Mullvad-appen på Android
        # kopplar ner ... @mullvadnet", Yoruba and Hausa posts ending "@AirtelNigeria"): the @handle anywhere in the post,
        # not only opening it (never inside an e-mail address). Of the seventy-two sets' development posts in other
        # languages that hold an @handle after some text and no thanks or praise word, 24 need a reply and 3 do not, all
        # thanks in Welsh, Czech and Afrikaans ("diolch", "díky", "baie dankie"), now in `_OTHER_THANKS`.
        "non-english-hailed",
        "complaint",
        (rf"^(?!.*?(?:{_OTHER_THANKS})).*?(?<![\w.])@[\w.-]",),
        matches=(
            "@translink 今天早上r4在joyce站停了20分钟，一点广播都没有",
            "@kenyapower_care stima imepotea kisumu milimani tangu saa nne asubuhi",
            "la app se cierra cada vez que abro el carrito, ya la reinstalé @acme",
            "muy mal servicio @acme",
        ),
        misses=(
            "@acme adorei o fone novo, som incrível",
            "@zooplus dzięki za szybką dostawę",
            "díky @acme, balík přišel druhý den",
            "escríbeme a ana.lopez@example.com si sabes algo",
        ),
        english_only=False,
        other_languages_only=True,
    ),
    Rule(
        # session 24 (the seventy-two sets' development posts in other languages that need a reply and were still missed,
        # 45 of 724: no reference, no @handle, no word `non-english-problem` knows): what is still not there, not
        # answered, not working, charged or late, in the words of Dutch, German, French, Portuguese, Spanish, Italian,
        # Polish, Norwegian, Swedish, Danish, Finnish, Turkish, Indonesian, Tagalog, Swahili, Hindi and Urdu in Latin
        # letters, Vietnamese, Chinese, Japanese and Korean ("nog steeds geen reactie", "seitdem wieder funkstille",
        # "toujours rien reçu", "o picpay cobrou uma anuidade", "kursi saya rusak", "paise kat gaye", "又延误",
        # "1週間返事なし", "접속이 안 돼요"). Of those 45, 30 match; of the 344 development posts in other languages that
        # need no reply, none does (nor any of the general phrases added beside them, "sin respuesta", "keine antwort",
        # "cevap yok", "没有回复", found already in 32 posts that need a reply). Read only where the post is not English.
        "non-english-fault",
        "complaint",
        (
            # nl, de, fr, pt, es, it
            r"\b(?:nog steeds (?:geen|niet|niks)|geen reactie|crasht|niet ontvangen|nog niks ontvangen)\b",
            r"\b(?:funkstille|abgebucht|storniert|gar nicht mehr|nicht eingegangen|beschwerde|keine antwort"
            r"|immer noch nicht)\b",
            r"\b(?:toujours (?:rien|pas)|ne r[ée]pond (?:plus|pas)|rien re[çc]u|aucune r[ée]ponse|d[ée]bit[ée] deux fois)",
            r"\b(?:cobr(?:ou|aram)|n[ãa]o aparece|sem resposta|ainda n[ãa]o (?:chegou|recebi))\b",
            r"\b(?:sigo esperando|sin respuesta|no me han devuelto|cobr(?:aron|ado) dos veces)\b",
            r"\b(?:ancora niente|nessuna risposta|addebitat[oi] due volte)\b",
            # pl, no, sv, da, fi, tr
            r"\b(?:pobra[łl]|reklamacj\w*|nie dzia[łl]a|nadal nie|brak odpowiedzi)",
            r"\b(?:refusjon|innstilt|ingen svar|har ikke fått|inte fått|ikke modtaget|veloitti|rahat takaisin"
            r"|ei vastausta)\b",
            r"(?:bekledim|h[âa]l[âa] gelmedi|cevap yok|cevap vermiyor|[çc]al[ıi][şs]m[ıi]yor|\bbozuk\b)",
            # id, tl, sw, hi and ur in Latin letters, vi
            r"\b(?:masih belum|rusak|patah|nggak bisa|gak bisa|tidak bisa|tidak berlaku|belum sampai|tidak ada balasan"
            r"|belum ada balasan|wala pa rin|bado sijapata|paise kat|wapas karo|nahi aay[ai]|nahi mil[ai])\b",
            r"\b(?:bị mốc|bị hỏng|không hoạt động|không nhận được)",
            # session 25: still nothing and nobody answering, in more words (es, vi, tl, el, ro, af, ar, hi and ur in Latin
            # letters, ja, no, sw); in the seventy-four development sets as collected they match 24 posts in other
            # languages, every one needing a reply (three of them missed before)
            r"\b(?:y nada todav[ií]a|todav[ií]a nada|nadie (?:me )?(?:responde|contesta)|no (?:me )?ha llegado"
            r"|sigue sin llegar)\b",
            r"(?:vẫn chưa|chưa ai trả lời|chưa nhận được|không ai trả lời)",
            r"\b(?:hindi pa rin|wala pang sagot|wala pa ring sagot|walang sumasagot)\b",
            r"(?:ακόμα (?:δεν|τίποτα)|καμία απάντηση|δεν (?:έχει )?έρθει)",
            r"\b(?:tot nu(?! toe)|niciun r[ăa]spuns|nu func[țţt]ioneaz[ăa]|nu a(?:m)? (?:primit|ajuns))\b",  # not Dutch "tot nu toe"
            r"\b(?:steeds nie|nog geen antwoord|werk nie)\b",
            r"(?:لم يصل|لم يتم الرد|لا يوجد رد|ما وصل|ما حدا رد)",
            r"\b(?:pending hai|abhi tak nahi|jawab nahi|koi jawab nahi)\b",
            r"(?:まだ届かない|まだ届いてない|返信がない|返信なし)",
            r"\b(?:fortsatt ikke|ikke kommet|ingen respons)\b",
            r"\b(?:bado hajajibu|hakuna jibu|haijafika|bado sijapokea)\b",
            # scripts written without spaces: no word boundaries
            r"延误|迟到|無法連線|无法连接|还没(?:有)?(?:到|收到)|没有回复|没人回复|直らない|つながらない|繋がらない|返事(?:が)?(?:ない|なし)"
            r"|剥がれ|届いていない|안 돼요|안 되|접속이 안",
        ),
        matches=(
            "nog steeds geen reactie op mijn mail over de afschrijving",
            "habe die unterlagen geschickt. seitdem wieder funkstille.",
            "devis promis pour le 15, toujours rien reçu",
            "o picpay cobrou uma anuidade no cartão",
            "xxi mall kelapa gading kursi saya rusak",
            "maine pack hataya tha phir bhi paise kat gaye",
            "smrt 今天早上南北线又延误",
            "サポートに連絡したけど1週間返事なし。",
            "점검 끝났는데 아직도 접속이 안 돼요",
            "les escribí el lunes con el número de reserva y nada todavía",
            "gọi hotline 3 lần rồi vẫn chưa ai trả lời",
            "refund ka status abhi tak pending hai",
            "comanda 55120 tot nu a ajuns",
        ),
        misses=(
            "me encanta mi nuevo reloj",
            "adorei o atendimento, chegou rápido",
            "super service, alles kwam op tijd aan",
            "pelayanannya cepat sekali, terima kasih",
            "tot nu toe super tevreden over de levering",
            "llegó todo perfecto, gracias",
            "đồ ăn ngon, giao nhanh",
        ),
        english_only=False,
        other_languages_only=True,
    ),
    # ---------------------------------------------------------------- hint
    Rule(
        "negation",
        "hint",
        (
            rf"\b(?={_NEG}\b)(?<!\bi )(?<!\bi'm )(?<!\bi've )(?<!\bi'd )(?<!\bwe ){_NEG}\b(?: \w+)?",
            r"\b(?:nothing|none|nowhere)\b",
        ),
        matches=("the app doesn't sync", "nothing happens"),
        misses=("it syncs fine", "i'm not crying", "i've never even flown with them"),
        spoken_only=True,
    ),
    Rule(
        # in a conversation with the brand, the problem is still there after its advice: "i did that, still
        # getting the same rejection", "still happening after reinstalling", "sent it back with the same fault"
        "persists",
        "hint",
        (
            r"\bstill (?:happening|getting|going|goes|doing|does|seeing|showing|the same|there|on|at|in|up)\b",
            r"\b(?:like|as) (?:you|u|your \w+) (?:said|suggested|told me|advised|asked)\b",
            r"\bsame (?:problem|issue|error|fault|rejection|message|result|screen|response)\b",
            # session 8: the replacement no better, the same fault on another one in the brand's thread
            r"\breplacements? (?:\w+ )?(?:was|were|is|are) (?:the same|also|just as|no better|worse|even worse)\b",
            r"\bmine (?:is|are|was|were|did|does|do) (?:the same|too|as well)\b",
        ),
        matches=(
            "i did that, still getting the same rejection",
            "still happening after reinstalling",
            "the reset email still goes to the old one",
            "sent it back with the same fault",
            "i emailed guest relations like you said, the auto reply says 10 business days",
            "the replacement plants were the same, roots rotting in the pots",
            "mine are the same, i thought it was just me",
        ),
        misses=("still love it", "same day delivery", "ha, i said the same thing to my dad"),
        spoken_only=True,
    ),
    Rule(
        # session 11 (branch judge9, flags_fresh12.csv's and flags_fresh13.csv's misses): a reply in the brand's thread
        # opening with a me-too ("same here", "ours did the same", "we had the exact same", "the same happened to me",
        # "me too", "mine split in the same place") tells the writer's own fault, often with no fault word ("same here,
        # half the new songs have no lyrics on screen"). Counted on the sixteen sets (in-thread replies): 46 rows in 6
        # sets (fresh4, fresh9, fresh10, fresh11 x8, fresh12 x16, fresh13 x19), all 46 need a reply; advice or "fine"
        # after the opener ("we had the same, it was the router's 5ghz band, switch to 2.4") is refused, a bare "same,"
        # is left alone (4 of 8 such replies need none: "same, i use it with the watch and it's fine offline"), and a
        # relative's story stays `other-user-story`
        "me-too-own",
        "hint",
        (
            r"^(?:same (?:here|thing here|for me|for mine|with mine|with ours|batch here|problem here|issue here)\b"
            r"|(?:me|mine|us|ours) too\b|ditto\b"
            r"|(?:the )?same (?:thing )?happened (?:to|with) (?:me|us|mine|ours)\b"
            r"|(?:the )?same (?:thing )?happened (?:to|with) (?:my|our) (?!(?:\w+ )?(?:brother|sister|mum|mom|dad|friend"
            r"|neighbour|partner|mate|flatmate|wife|husband|son|daughter|nan|gran|grandad|grandma|uncle|aunt|cousin"
            r"|parents|colleague)\b)"
            r"|(?:ours|mine) (?:did|does|went|was|is) (?:exactly |the exact )?(?:the )?same\b"
            r"|we had the (?:exact |exactly )?same\b"
            r"|(?:ours|mine) \w+ (?:in|at|on) the same (?:place|spot|point|bit|day)\b"
            # session 13 (branch judge11, flags_fresh17.csv's misses): "same thing, two batches in one order", "same thing
            # with ours", "mine's doing the same": 4 rows of the twenty sets (fresh14, fresh17 x3), all need a reply (the
            # fresh14 one is refused by the guard below: "the wax was fine but ...")
            r"|same thing,|same thing with (?:mine|ours|my|our)\b|(?:mine|ours)(?:'s| is) (?:doing|done) (?:exactly )?the same\b"
            # session 13 (branch judge12, flags_fresh18.csv's and flags_fresh19.csv's misses): "same, my <thing> ..." (18
            # rows of the twenty-two sets in 8, all need a reply) and "mine came back / ours was ... too / as well" (4
            # rows in 4 sets, all need one)
            r"|same, my \w+|(?:mine|ours) (?:came back|was|were|did) [^.\n]*\b(?:too|as well)\b)"
            r"(?![^\n]*\b(?:fine|better|love|loved|great|works|worked|working now|sorted|fixed|switch|turned out"
            r"|it was the|just (?:use|try))\b)",
        ),
        matches=(
            "same here, half the new songs have no lyrics on screen",
            "ours did the same, whole cake tipped over on the second shot",
            "we had the exact same with our door, have to lift the handle to get it to lock",
            "mine split in the same place at about 200 miles",
            "the same happened to me, quote said £390 and the insurer wanted £540",
            "me too, about 10 notifications in the middle of the night",
            "same happened with my order, part missing",
            "same thing, two batches in one order, wall is stripy now",
            "mine's doing the same, wildly different weights in a row",
            "same, my throttle cuts out on hills as well",
            "mine came back haemolysed too and i followed every step",
        ),
        misses=(
            "same, i use it with the watch and it's fine offline",
            "we had the same, it was the router's 5ghz band, switch to 2.4 and it paired",
            "same thing with ours, it was fine after the update",
            "same happened to my dad, turned out it was a different model",
            "same thing happened to my mum last spring",
            "mine has been fine since the spring update",
            "ours was rained off, did it the next night instead",
            "same dealer told me that about a 2006 part",
        ),
        spoken_only=True,
    ),
    Rule(
        "again",
        "hint",
        (
            r"\bagain\b",
            r"\bevery (?:time|day|night|morning|evening|week|month)\b",
            r"\bevery \d+ (?:seconds|secs|minutes|mins)\b",
            r"\b(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth) time\b",
            r"\b(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth) \w+(?: \w+){0,4} (?:this|in a|in one) (?:week|month|year)\b",
            r"\b(?:two|three|four|five|six|\d+) times\b(?! (?:a|per|each|every) )",
            r"\btwice\b",
        ),
        matches=("logged out again", "third time this week", "sent it four times", "3rd branch closure this year"),
        misses=("first time trying it", "i go running 4 times a week now"),
    ),
    Rule(
        # session 10 (flags_fresh8.csv's misses, a delay told as a story without a delay word): paid for a fast service
        # ("paid laundryheap for next day delivery tuesday. it's friday."), a day named as now, something missed because
        # of it ("its 12:40 and I've missed my shift", "fast track lane closed, missed our boarding"). 4 + 3 + 3 rows of
        # the eleven sets, 10 of them need a reply, 1 not (a missed connection told as praise; a hint does not count with
        # praise): weak evidence
        "promised-time",
        "hint",
        (
            r"\bpaid (?:[\w-]+ ){0,2}for (?:next[- ]day|express|same[- ]day|priority|fast[- ]track|premium)\b",
            r"\bit'?s (?:now )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            r"\bmissed (?:my|our) (?:shift|flight|train|boarding|connection|appointment|interview|ferry|bus"
            r"|plane|slot|check-in|gate)\b",
        ),
        matches=(
            "paid laundryheap for next day delivery tuesday. it's friday.",
            "its 12:40 and i've missed my shift",
            "fast track lane closed, missed our boarding",
        ),
        misses=("paid for the tickets on friday", "it's a monday thing", "never miss my train now"),
    ),
    Rule(
        "waited-duration",
        "hint",
        (
            rf"\b(?<!in ){_NUM} (?:more |working |business |whole |full |long )?{_SPAN} (?:ago|since|later|now|already|after"
            rf"|without|for)\b",
            rf"\b(?:takes?|took) {_NUM} {_SPAN}\b",
            rf"\b(?:since|after|for|in over|over) {_NUM} {_SPAN}\b",
            r"\bsince (?:yesterday|last (?:week|month|night|year)|this morning|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
        ),
        matches=(
            "been waiting 3 weeks for the repair",
            "two days later and nothing",
            "pending since tuesday",
            '"within 2 working days" was 9 working days ago',
        ),
        misses=("arrived in 2 days", "since you asked, tuesday"),
    ),
    Rule(
        "my-thing",
        "hint",
        (r"\bmy (?!new\b)(?:\w+ )?(?:{things})\b",),
        matches=("my order from monday", "my phone after the update"),
        misses=("my new phone is here", "my weekend plans"),
    ),
    Rule(
        "logistics",
        "hint",
        (
            r"\b(?:billed|invoiced|courier|shipments?|vanished|disappeared|gone|removed)\b",
            r"\btrack(?:ing|er) (?:says|said|shows|showed|number|info|page|link|code|still|hasn't|has not|stopped|stuck)\b",
            r"\b(?:my|the|no|order|package|parcel|delivery) track(?:ing|er)\b",
            r"\bpending\b",
            r"\b(?:box|label|listing|website|site|ad|advert|description|page|email|app) (?:said|says|claimed|claims|promised)\b",
            r"\b(?:i|we) (?:paid|pay|am paying|are paying)\b",
            r"\bwithout (?:asking|telling|warning|notice|consent|permission|my consent|any notice)\b(?! for)",
            r"\btimes? out\b",
            r"\bshuts?(?: itself)? off\b",
            r"\bresets? (?:itself|themselves)\b",
            r"\b(?:got|was|were|been) told\b",
            r"\b(?:told|tells?) me to\b",
            r"\bkeeps? (?!getting better|improving)\w+ing\b",
            r"\bonly (?:works|lasts|charges|gets|lasted)\b",
            r"\bdifferent \w+ than\b",
            r"\btold (?:me|us) (?:it's|it is|it was|that|they)\b",
            r"\bwant (?:my|our) (?:[$£€]?\d[\d.,]* |money )?back\b",
            r"\b(?:raised|increased|hiked|doubled|tripled|jacked up) (?:my|our) \w+",
            r"\bsince the (?:last |latest |new )?(?:update|upgrade|patch|version|release)\b",
            r"\b(?:just )?hangs (?:on|at)\b",
            r"\bno (?:\w+ )?(?:agents?|slots?|appointments?|one) (?:available|free)\b",
            r"\b(?:app|site|website|page|screen|status|widget|chat|portal|tracker|email) (?:still )?(?:says|said|shows|showing)"
            r" [\"“'‘]",
        ),
        matches=(
            "the courier left it outside",
            "they removed the headphone jack",
            "tracking still says pending",
            "the box said 256gb",
            "you moved me after i paid for the aisle",
            "doubled my direct debit without asking",
            'told me it\'s "normal"',
            'the support widget says "no agents available"',
            "want my $142 back",
            "hangs on establishing connection since the update",
        ),
        misses=(
            "shipping was free",
            "the watch sleep tracking is accurate",
            "replaced it without asking for a receipt",
        ),
    ),
    Rule(
        # a case, order or ticket reference: the author is in a service process with the brand
        "reference-number",
        "hint",
        (
            r"\b(?:case|ticket|order|ref|reference|claim|booking|complaint|incident|tracking)\s*(?:number|no\.?|num|id|#)\s*"
            r"[:#]?\s*[a-z]{0,4}-?\d{4,}",
            r"\b(?:case|ticket|order|ref|reference|claim|booking|complaint|incident)\s*[:#]?\s*[a-z]{1,4}-?\d{5,}",
            r"\b(?:case|ticket|order|ref|reference|claim|booking|complaint|incident)\s*[:#]?\s*\d{4,}-\d{3,}",
            # session 9: "ref 8841233" (flags_fresh7.csv, one row)
            r"\b(?:ref|reference)\s*[:#]?\s*\d{5,}\b",
            # session 10: "order 78990", "ticket 44871" (a bare number of five digits or more: no year; 30 of 30 such rows
            # of the eleven sets need a reply)
            r"\b(?:order|booking|ticket|claim|case|complaint|incident)\s*[:#]?\s*\d{5,}\b",
            # session 15 (branch judge15, flags_fresh24.csv's miss "... #MarksonPianos invoice 30912"): an invoice number
            # (8 rows of the twenty-eight sets, all need a reply)
            r"\binvoice\s*(?:number|no\.?|#)?\s*[:#]?\s*[a-z]{0,4}-?\d{4,}",
            r"\b(?:reference|ref|case number|order number) is in (?:the|my)\b",
            # session 10 (branch judge6, flags_fresh9.csv's misses): "supporter number 30229117", "customer id
            # ex-498120", "member no. 6331 0042 1178" (12 rows of the twelve sets, all need a reply: fresh2, fresh3,
            # fresh5 x2, fresh8, fresh9 x7)
            r"\b(?:customer|supporter|account|member|membership|policy|donor)\s*(?:number|no\.?|num|id|#)\s*[:#]?\s*"
            r"[a-z]{0,4}-?\d{4,}",
            # session 19 (flags_fresh40/42.csv's misses): a number of at least five digits after the word naming what it
            # numbers, with no "number" between ("patient 71-30144", "agreement 9931-187", "job 7720-1143")
            r"\b(?:patient|member|policy|account|agreement|contract|job)\s*[:#]?\s*\d{2,}[- ]?\d{3,}\b",
            # session 20 (flags_fresh46/47.csv's misses, me-too comments and Hacker News comments with the writer's own
            # reference): a receipt, serial, prescription, batch or device number ("receipt 417-22601", "rx 3309214",
            # "batch 3190C", "hub ID 54EF44-8812"; at least four digits, not a year), a reference in several lettered parts
            # ("order FS-AT-3302088", "ticket LK-PRT-44120") and the last digits of one ("serial ending 4480", "account
            # ending 6021", "policy ending 5502")
            r"\b(?:receipt|serial|rx|prescription|batch|lot|imei|(?:hub|device|unit|router|camera) id)\s*(?:number|no\.?|#)?"
            r"\s*[:#]?\s*(?!(?:19|20)\d\d\b)(?=(?:[a-z-]*\d){4})[a-z\d][a-z\d-]{3,}",
            r"\b(?:order|booking|ticket|claim|case|complaint|incident|receipt|invoice)\s*[:#]?\s*[a-z]{1,4}(?:-[a-z]{1,5}){1,3}"
            r"-\d{4,}",
            r"\b(?:order|booking|ticket|claim|case)\s*[:#]?\s*[a-z]{1,4}\d{1,2}-\d{4,}",
            r"\b(?:serial|account|card|policy|member|customer|(?:hub|device) id|id|imei|phone|meter|line|number|mobile|sim|plan"
            r"|contract|subscription|booking|order|ticket|iban)(?: number| no\.?)?\s+(?:ends|ending)"
            r"(?: in| with)?"
            r"\s+(?=(?:[a-z]*\d){2})[a-z\d]{3,8}\b",
            # session 21 (flags_fresh52/53.csv's misses, scored blind: me-too comments with their own reference after a
            # word no pattern above knows, "Angebot 2024-5609", "return ref from the website RTN-55821", "protocolo
            # 2024031188", "OS 7714-0203", "invoice FV/2026/11/88412", "cultpass ID 7734021"): a code standing on its own,
            # whatever word names it: at least five digits after up to three letter groups ("rtn-55821", "lab-4471902"),
            # digit groups joined by "-" or "/" ending in three digits or more ("7714-0203", "2024-r-009871",
            # "fv/2026/11/88412"), or six digits or more; never money, a decimal, a date ("2024-05-01", "30/11/2024") or
            # a span of years ("2024-2025"). Counted on the fifty-six sets' development rows: 680 rows hold such a code
            # that no pattern above matches, all 680 need a reply
            r"(?<![\w$£€₹¥/.,:'’-])(?=[a-z/-]{0,18}\d)(?!(?:19|20)\d\d[-/.][01]?\d[-/.][0-3]?\d(?![\w-]))"
            r"(?![0-3]?\d[-/.][01]?\d[-/.](?:19|20)?\d\d(?![\w-]))(?!(?:19|20)\d\d[-/](?:19|20)?\d\d(?![\w-]))"
            r"(?:(?:[a-z]{1,5}[-/]?){1,3}\d{5,}(?:[-/][a-z\d]+)*|(?:[a-z]{1,5}[-/]){0,3}\d{2,}(?:[-/][a-z\d]{1,6})*[-/]\d{3,}"
            r"(?:[-/][a-z\d]+)*|\d{6,})(?![\w-])",
            # session 21 (branch judge26, flags_fresh54/55.csv's misses): letters and digits run together before a joined
            # part ("repair # c24-09417", "order d01-7734120": 18 rows of the fifty-eight sets, all need a reply) and a
            # long code of letters and digits ("pq7bg60700192840128003x", "cp123987665pl", "jjd00026483019": at least
            # ten characters, eight of them digits, a letter among them; 57 rows, all need a reply)
            r"(?<![\w$£€₹¥/.,:'’-])[a-z]{1,4}\d{2,}[-/]\d{4,}(?![\w-])",
            r"(?<![\w-])(?=(?:[a-z]*\d){8})(?=\d*[a-z])[a-z\d]{10,}(?![\w-])",
            # session 21 (branch judge27, flags_fresh56/57.csv's misses): a reference in groups of digits ("order
            # 4-120-087", "parcel 6200 4419 7756", "member jh 0087 2210": 37 rows of the fifty-eight sets, all need a reply)
            # and digits then letters ("ref 1177-mkb": 9 rows, all need a reply)
            r"\b(?:order|booking|ticket|claim|case|parcel|member|ref|reference|account|policy)\s*(?:no\.?|#|number)?\s*[:#]?"
            r"\s*(?:[a-z]{1,3}\s?\d{2,4}(?:[- ]\d{3,4})+|\d{1,4}(?:[- ]\d{3,4}){2,})\b",
            r"\b(?:ref|reference|case|ticket|order|booking|claim|receipt)\s*(?:no\.?|#|number)?\s*[:#]?\s*\d{3,}-[a-z]{2,4}\b",
            # session 21 (branch judge28, flags_fresh58/59.csv's misses): a booking locator of six letters and digits
            # ("booking JKRWQE", "PNR MB2K9R", "localizador PXKRTE": a digit in it or four consonants in a row, so no
            # English word; 41 rows of the sixty-two sets, all need a reply, and one that does not: "the booking glitch")
            # and a player or user tag ("tag #8GQ2VLLR": 15 rows, all need a reply)
            r"\b(?:booking|pnr|locator|localizador|reservation|confirmation|booking ref(?:erence)?|booking code|record"
            r" locator)\s*(?:code|no\.?|#|number|ref)?\s*[:#]?\s*(?:(?=[a-z]*\d)|(?=[a-z]*[b-df-hj-np-tv-xz]{4}))[a-z0-9]{6}\b",
            r"\b(?:tag|player tag|player id|user id|uid|gamertag|account id)\s*[:#]?\s*#?(?=[a-z]*\d)[a-z0-9]{6,12}\b",
        ),
        matches=(
            "same thing with my terrace quote right now, angebot 2024-5609, no answer",
            "return ref from the website rtn-55821, nobody has come back to me",
            "add me to the list, os 7714-0203, no technician yet",
            "same thing, invoice fv/2026/11/88412, charged although my package has it",
            "5 months left on cultpass id 7734021",
            "same canada service, repair # c24-09417, came back with the same error",
            "envío pq7bg60700192840128003x, sevilla, no answer",
            "calls drop every 2 minutes for a week now. line ending 4471",
            "mine reset too, member jh 0087 2210, 1,800 points gone",
            "yep, mine was cancelled saturday night, order 4-120-087, nothing back yet",
            "still no callback, ref 1177-mkb",
            "same here, punta arenas last friday, booking jkrwqe, the chat closed my case",
            "same since yesterday on my th14, tag #8gq2vllr, support says wait 48h",
            "patient 71-30144, they still haven't called me back",
            "same boat, agreement 9931-187, 4 visits for a dishwasher",
            "case number 2211-8840",
            "order ws-00482193",
            "ref #88123",
            "reference is in the thread above",
            "ref 8841233 closed as collected",
            "mine too, order 78990, picked up that same monday",
            "mine did the same, two payments taken, supporter number 30229117.",
            "customer id ex-498120",
            "literally the same shop did this to me, receipt 417-22601, still haven't heard from the manager",
            "same here, hub id 54ef44-8812, factory reset twice and still invisible",
            "mine does the same and it gave me a rash, batch 3190c, i'd like an answer too",
            "same, order fs-at-3302088, also returned, no refund yet after 3 weeks",
            "ticket lk-prt-44120 open, no response",
            "my machine's serial ends 30917",
            "same here, policy ending 5502, requested a transfer in march",
            "same here, 2,100 points gone, member number ending 0456",
            "same story, order ps2-79004, also may deposit",
        ),
        misses=(
            "booking 2025 trips soon",
            "order 66",
            "ticket prices for 2026",
            "order 2026 calendars now",
            "account number changed",
            "my account 2024 review",
            "member 12 of the team",
            "keep the receipt 2024 style",
            "serial killers podcast",
            "the batch 12 cookies",
            "a card ending in tears",
            "paid $120000 for the kitchen",
            "the 2024-2025 season",
            "booked for 2024-05-01",
            "on 30/11/2024 it rained",
            "version 2.40.11 is out",
            "the rtx-4090 runs hot",
            "the a7iv-2024 edition",
            "my wifi password is abcdefghij",
            "the order of 1-0-0 wins",
            "a line ending in a comma",
            "the policy on 2024",
            "the booking glitch i complained about last month",
            "booking online was easy",
            "hackers accessed data in a breach of its reservation system",
        ),
        english_only=False,
    ),
    Rule(
        "too-much",
        "hint",
        (
            r"\bso (?:hot|slow|low|bad|loud|quiet)\b",
            r"\btoo (?:hot|slow|low|expensive|late)\b",
            r"\bbarely\b",
            r"\b(?:takes?|took|taking|spins?|spinning|loads?|loading|waiting|wait) (?:\w+ )?forever\b",
        ),
        matches=("way too expensive now", "barely lasts a day", "the page just spins forever"),
        misses=("not too bad",),
    ),
    Rule(
        "non-english-cue",
        "hint",
        (
            r"\b(?:nadie|nunca|sin \w+|no me|dos veces|cobra\w+)\b",
            r"\b(?:personne|jamais|toujours pas|deux fois)\b",
            r"\b(?:niemand|immer noch|zweimal|nicht angekommen)\b",
            r"\b(?:n[ãa]o cheg\w+|n[ãa]o receb\w+|duas vezes)\b",
            r"\b(?:non si|due volte)\b",
        ),
        matches=("nadie me responde", "colis perdu, personne ne répond"),
        misses=("gracias, todo bien",),
        english_only=False,
    ),
    # ---------------------------------------------------------------- sarcasm
    Rule(
        "ironic-thanks",
        "sarcasm",
        (
            r"\bthanks for nothing\b",
            r"\bthanks a lot for\b",
            r"\b(?:thanks?|thank you)(?: so much| a lot| again)? (?:@?[\w.@]+ )?for (?:cancel|los|break|ruin|charg|ignor|wast)\w*",
            r"(?<!thanks )(?<!thank you )\bso much for\b",
            r"\bgreat job (?:losing|breaking|ruining)\b",
            r"\b(?:thanks?|thank you)(?: so much| a lot)? (?:@?[\w.@]+ )?for the (?:[\w-]+ ){1,3}that (?:didn't|did not"
            r"|never|doesn't|won't|wasn't|isn't)\b",
            r"\b(?:thanks?|thank you)(?: so much| a lot)? (?:@?[\w.@]+ )?for the (?:surprise|unexpected|hidden|random) "
            r"(?:[$£€\d]|charges?|fees?|hold|bill|price|increase)",
        ),
        matches=(
            "thanks a lot for the 9 hour delivery window",
            "thanks @acme for cancelling my order",
            "so much for next day delivery",
            'thanks @hertz for the surprise $300 "hold" on my debit card',
            "wow thanks @sonos for the alarm that didn't go off",
        ),
        misses=("thanks a lot!", "thanks so much for the quick help", "thanks for the surprise birthday card"),
    ),
    Rule(
        "ironic-praise",
        "sarcasm",
        (
            r"\boh (?:great|wonderful|lovely|brilliant|perfect|fantastic|joy|good)\b",
            r"\blove (?:paying|waiting|being (?:charged|ignored|told))\b",
            r"\byeah right\b",
            r"\b(?:just |really )?love (?:how|it when) (?:my|you|your|the)\b",
            r"\bjust what i needed\b",
            r"\b(?:exactly|really|just) what i paid for\b",
            r"^(?:@\S+\s+)*(?:great|fantastic|brilliant|wonderful|lovely|perfect|awesome),? (?:@\S+,? )?another\b",
            r"\bnice one\b",
            r"\bsure,? i'll just\b",
            r"\bmake it make sense\b",
            r"\bimagine (?:selling|paying|charging|being)\b",
            r"\blol ok\b",
            r"\bhow you treat\b",
            # session 10 (branch judge6, flags_fresh9.csv's miss): "love that the laundry room has had one working dryer
            # for five weeks" (praise of a thing that has been broken; 1 row of the twelve sets: weak evidence)
            r"^(?:i )?love (?:that|how) (?:the|my|our) [^.!?]{0,60}\b(?:has|have) (?:had|been) (?:only |just )?"
            r"(?:one working|no |broken|out of order|down for)",
        ),
        matches=(
            "oh great, another update",
            "love how my order vanished",
            "love that the unite students laundry room has had one working dryer for five weeks",
        ),
        misses=(
            "i love my new watch",
            "apparently acme is opening a store",
            "i love that the watch battery lasts a whole week",
            "love that my order came early",
        ),
    ),
    Rule(
        # session 9 (flags_fresh7.csv's misses, sarcasm about the author's own purchase or visit): praise of a thing
        # that went wrong ("lovely to get a 15% price rise letter", "10/10 to bristol waste for emptying our food bin
        # all over the pavement", "nice of @prusa3d to ship my sheet in a box with no padding", "love that hollywood
        # bowl put us on the lane next to a stag do"), a promise quoted back ('"quality built in" they said',
        # '"ships in 3 days" was a lovely idea'), an ironic closing line ("great value that 👍", "very romantic",
        # "really relaxing family afternoon"). Each shape fits one or two development rows: weak evidence
        "ironic-story",
        "sarcasm",
        (
            # session 13 (branch judge12, flags_fresh18.csv's and flags_fresh19.csv's misses, a fault told as a tally):
            # two or more "label: value." fragments, one a number or none ("boat hired: 6 berth. boat given: 4 berth.",
            # "clumps: none. smell: everywhere."): 3 rows of the twenty-two sets (fresh18 x2, fresh19), all need a reply
            r"\b[a-z]+: (?:none|never|nothing|zero|\d+[a-z ]*)\.\s[^\n]*\b[a-z]+: ",
            r"\b(?:lovely|nice|great|fun|love) to (?:get|receive|find|wake up to|come home to) (?:a |an |another |my |our )?"
            r"(?:[\w%£$-]+ ){0,3}(?:price rise|rise|increase|hike|bill|fine|charge|fee)\b",
            # a thing done all over the place ("for emptying our food bin all over the pavement"), not a kindness
            r"\b10/10 (?:to|for) (?:[\w@.-]+ ){1,4}for (?!the\b|a\b|my\b|our\b)\w+ing\b[^.!?]{0,40}"
            r"\b(?:all over|everywhere|across the|into the|onto the)\b",
            r"\bnice of (?:@?[\w.]+ ){1,3}to \w+ [^.!?]{0,60}\b(?:no|without|never|wrong|late|bent|broken|damaged)\b",
            r"\blove (?:that|how) (?!(?:my|you|your|the|it|they|we|i)\b)(?:[\w@.-]+ ){1,3}(?:put|charged|moved|left)"
            r" (?:us|me|my|our)\b",
            r"[\"“][^\"”]{2,40}[\"”],? (?:they|you|it|he|she) (?:said|say|says|promised|claimed)\b",
            r"[\"“][^\"”]{2,30}[\"”] (?:was|is) a (?:lovely|nice|great|good) (?:idea|thought|touch|promise)\b",
            r"\b(?:great|good|top|brilliant|lovely) (?:value|service|stuff|job),? that\s*[.!]*\s*(?:[^\w\s]\s*)*$",
            r"[.!,;]\s+(?:very|really|so|how|truly) (?:romantic|relaxing|reassuring|thoughtful|professional|efficient"
            r"|convenient|classy|helpful)(?: (?:family |day |evening )?(?:afternoon|morning|evening|day|night|weekend|trip))?"
            r"\s*[.!]*\s*(?:[^\w\s]\s*)*$",
            # session 13 (branch judge11, flags_fresh16.csv's and flags_fresh17.csv's misses): "..., very artistic", ".
            # really useful in a crash", ". very fun" after a fault: 4 rows of the twenty sets (fresh16, fresh17 x3), all
            # need a reply
            r"[.!,;]\s+(?:very|really|so|truly) (?:artistic|useful|fun|authentic)\b",
            # session 15 (branch judge15, flags_fresh24.csv's and flags_fresh25.csv's misses): "very realistic / smart /
            # clever / educational" and "perfect / great / impeccable timing" closing a fault: with the closers above 11
            # rows of the twenty-eight sets, all need a reply
            r"[.!,;]\s+(?:very|really|so|truly) (?:smart|clever|realistic|educational)\b"
            r"|[.!,;]\s+(?:perfect|great|impeccable|excellent|brilliant|lovely) timing\b",
            # session 15 (branch judge15): praise of a thing that works "everywhere / with everything except" the one place
            # or thing the writer needs ("fast internet everywhere except the campsite I bought it for", "connect to
            # everything except my phone"): 2 rows of the twenty-eight sets (fresh19, fresh25), both need a reply
            r"\b(?:everywhere|everything) except (?:the|my|our|when)\b",
        ),
        matches=(
            "clumping. 3 days in. clumps: none. smell: everywhere.",
            "7 nights. boat hired: 6 berth. boat given: 4 berth.",
            "the omnibus arrived folded in half, very artistic",
            "locking me out while I take the bins out. very smart. much lock",
            "an advert over my episode about my dad's funeral. perfect timing",
            "fast internet everywhere except the campsite I specifically bought it for",
            "lovely to get a 15% price rise letter from big yellow",
            "10/10 to bristol waste for emptying our food bin all over the pavement",
            "nice of @prusa3d to ship my spring steel sheet in a box with no padding",
            "love that hollywood bowl put us on the lane right next to a 30 person stag do",
            'cold shower number 6 courtesy of my boiler. "quality built in" they said 🥶',
            '"ships in 3 days" was a lovely idea. day 24',
            "was literally the last car loaded. great value that 👍",
            "getting the valentine's card to her on the 16th. very romantic",
            "right next to a stag do. really relaxing family afternoon",
        ),
        misses=(
            "lovely to get a thank you card from the team",
            "10/10 to the staff for the birthday cake",
            "10/10 to the staff for making my son's birthday",
            "love that the zoo sent me a birthday voucher",
            "lovely to get a letter from the team",
            "our tent survived the storm. 10/10",
            "nice of them to refund me so quickly",
            "love that my order came early",
            "great value for a family of four",
            "the staff were very helpful and kind",
            "so helpful, thanks",
            "the staff made it really fun for the kids",
            "the tutor was very realistic about the exam",
            "perfect timing for the holidays",
            "everything except delivery is included",
        ),
    ),
    Rule(
        # session 11 (branch judge8, flags_fresh11.csv's misses, sarcasm opening the post): praise that opens the post
        # and then tells a fault ("lovely that the changing hut has no lock", "wow love that they let 200 kids into a
        # session", "love that the website ... crashes at 11:40pm"); 6 rows of the fourteen sets in 3, all need a reply
        "ironic-opener",
        "sarcasm",
        (
            # the fault after it: a thing missing ("no lock", not "no fees"), closed, broken or lost, a crowd let in, a thing
            # left out ("leave my case outside"), a crash
            r"^(?:@\S+\s+)*(?:wow,? |oh,? )?(?:i )?(?:love|lovely|so glad|great|nice) (?:that|of) [^\n]{0,100}?\b(?:no (?!(?:"
            r"fees?|charges?|ads|queues?|wait\w*|extra|hidden|catch|fuss|problems?|issues?|more|longer)\b)\w+|closed|shut"
            r"|broke|broken|lost|leave|left (?:my|our|us|me)|let \d+|crash\w*)\b",
        ),
        matches=(
            "lovely that the changing hut has no lock. my phone went walkabout",
            'wow love that they let 200 kids into a session "capped at 80"',
            "lovely of the wine club to leave my case outside in the rain",
            'love that the website says "pay by midnight tomorrow" and then crashes at 11:40pm',
        ),
        misses=(
            "love that my order came early",
            "the lad fixed my bag strap for free and wouldn't take anything. love that company",
            "love that they never charge for delivery",
            "lovely that the cafe stays open late now",
            "love that there's no queue at the new store and no hidden fees",
        ),
    ),
    Rule(
        # session 11 (branch judge9, flags_fresh12.csv's and flags_fresh13.csv's misses): thanks opening the post, to the
        # brand by name, for a fault ("thank you <brand> for telling us a week before that ...", "thanks <brand> for
        # passing my quote to every broker"). 5 rows of the sixteen sets in 4 (labelled dev, fresh7, fresh12, fresh13), all
        # need a reply; the verbs name a fault only ("sending", "giving", "letting" are left alone: thanks for them is
        # mostly meant), and "thanks for ..." with no name between is gratitude
        "thanks-for-fault",
        "sarcasm",
        (
            r"^(?:thanks|thank you|cheers)(?! (?:so|very) much\b)(?: [\w&@.'-]+){1,3} for (?:telling (?:us|me) "
            r"(?:\w+ ){0,3}(?:before|after|late|on the day|last minute)|passing|charging|cancelling|ruining|losing"
            r"|leaving)\b",
            # session 12 (branch judge10, flags_fresh14.csv's and flags_fresh15.csv's misses): thanks to the brand by name
            # for a thing in scare quotes ("thanks quorn for the '8 pieces' pack", "thanks weetabix, the 'resealable'
            # bag"): 5 rows of the eighteen sets in 3 (fresh12, fresh14 x3, fresh15), all need a reply; and for seating
            # / logging / giving one's own thing away: 3 rows (fresh14 x2, fresh15), all need one
            r"^(?:@\S+\s+)*(?:thanks|thank you|cheers)(?! (?:so|very) much\b)(?: [\w&@.'-]+){1,3}(?:,| for) (?:the |my |a )?"
            r"[\"'“‘]",
            r"^(?:thanks|thank you|cheers)(?! (?:so|very) much\b)(?: [\w&@.'-]+){1,3} for (?:logging me out|seating (?:me|us)"
            r"|giving my|locking me out|keeping (?:me|us) waiting)\b",
            # session 13 (branch judge11, flags_fresh17.csv's misses): thanks by name for packing / printing / wrapping a
            # thing ("thank you <brand> for packing a £120 omnibus in a jiffy bag") or for a thing that is "now" broken
            # ("cheers <brand> for the shed that's now a lovely indoor pond"): 2 rows of the twenty sets (fresh17 x2),
            # both need a reply (weak evidence)
            r"^(?:@\S+\s+)*(?:thanks|thank you|cheers)(?! (?:so|very) much\b)(?: [\w&@.'-]+){1,3} for (?:packing|printing"
            r"|wrapping)\b",
            r"^(?:@\S+\s+)*(?:thanks|thank you|cheers)(?! (?:so|very) much\b)(?: [\w&@.'-]+){1,3} for (?:the|my|a|an) "
            r"[^.!?\n]{1,50}\bthat(?:'s| is)? now\b",
        ),
        matches=(
            "thanks quorn for the '8 pieces' pack with 5 pieces in it",
            "thanks weetabix, the 'resealable' bag lasted one morning",
            "thanks @acme for logging me out mid-run",
            "thanks the globe for seating me behind the one pillar",
            "thank you acme for packing a £120 omnibus in a jiffy bag",
            "cheers acme for the shed that's now a lovely indoor pond",
            'thank you oakhurst weddings for telling us a week before that the fireworks "aren\'t allowed anymore"',
            'thanks compare the market for passing my "private" quote to every broker in the country',
            "thanks @acme for cancelling my order without telling me",
        ),
        misses=(
            "thanks for cancelling it so quickly",
            "thank you so much for cancelling my booking at no cost",
            "thanks lovevery for sending the new kit early",
            "thank you acme for telling us about the delay in advance",
            "thanks acme for the lovely gift",
            "thanks, the 'new' one works",
            "thanks acme for giving us a refund",
            "thanks acme for the shed, it's now my favourite room",
        ),
    ),
    Rule(
        # session 12 (branch judge10, flags_fresh14.csv's and flags_fresh15.csv's misses, sarcasm about the writer's own
        # purchase or visit): delight opening the post at a thing paid for or a fault ("so glad i pay <brand> £40 a month
        # to ...", "nothing like paying £55 for ...", "love that my <thing> decided ...", "genuinely thrilled that ...",
        # "really appreciate <brand> shipping ...", "loved queuing 90 minutes", "oh brilliant <brand>, ..."). Counted on
        # the eighteen sets: 20 rows in 9 sets (extra, extra2, fresh, fresh2 x2, fresh8, fresh13 x2, fresh14 x6,
        # fresh15 x8), 19 need a reply (fresh2's "love paying a £4.50 booking fee ... arsenal really spoiling us" needs
        # none); a bare "brilliant, ..." (2 rows, neither needs one) is left alone
        "sarcastic-delight",
        "sarcasm",
        (
            r"^(?:@\S+\s+)*(?:so|really|very) (?:glad|pleased|happy) (?:that )?(?:i (?:pay|paid)|my \w+(?: \w+)? "
            r"(?:refuses|decided|won't|wont))\b",
            r"^(?:@\S+\s+)*(?:genuinely|really|so|absolutely) (?:thrilled|delighted) that\b",
            r"^(?:@\S+\s+)*(?:really |truly )?appreciate @?[\w.]+ (?:shipping|sending|delivering|charging|cancell?ing"
            r"|printing|packing|wrapping)\b",
            r"^(?:@\S+\s+)*nothing like (?:paying|spending|queu?ing|waiting)\b",
            r"^(?:@\S+\s+)*(?:i )?(?:love|loving|lovely) (?:how|that) my (?!(?:son|daughter|kids?|wife|husband|partner|mum|dad|mom|friends?|family|boy|girl)\b)"
            r"[^.\n]{0,40}?\bdecided\b",
            r"^(?:@\S+\s+)*(?:great|lovely|nice|loved|love) (?:to pay|paying|queu?ing|waiting) ",
            r"^(?:@\S+\s+)*(?:oh (?:brilliant|great|wonderful|fantastic|lovely)\b|wonderful, the\b)",
            # session 13 (branch judge11, flags_fresh16.csv's and flags_fresh17.csv's misses; counted on the twenty sets):
            # gratitude opening the post ("so grateful to <brand> for my bubble tea with 4 pearls in it", "truly grateful
            # for the '...' ramen"), with a quote, a number or "that" in the same sentence: 3 rows (fresh16 x3), all need a
            # reply; delight at having paid ("thrilled to pay <brand>
            # two grand for a sofa with a broken leg", "so glad we paid £96 ...", "love that i paid <brand> prices for
            # ..."): 4 rows more (fresh16 x3, fresh17), all need one; "nothing says <occasion> like <someone doing / a thing
            # that / a quote>": 5 rows in 5 sets (extra, fresh13, fresh15, fresh16, fresh17), all need one (without the
            # verb, quote or "that": fresh6's "nothing says back to school like a ryman receipt as long as your arm", which
            # needs none, matched too)
            r"^(?:@\S+\s+)*(?:so|truly|really|very|eternally) (?:grateful|thankful) (?:to|for) [^.!?\n]{0,60}?(?:[\"“'‘]"
            r"|\b\d+\b|\bthat\b)",
            r"^(?:@\S+\s+)*(?:(?:so|really|very|absolutely|genuinely) )?(?:thrilled|delighted|glad|happy|pleased) (?:to pay"
            r"|(?:that )?we paid)\b",
            r"^(?:@\S+\s+)*(?:i )?(?:love|loving) (?:that|how) (?:i|we) paid\b",
            r"^(?:@\S+\s+)*nothing says [^.!?\n]{1,40} like [^.!?\n]{0,40}?(?:\b\w+ing\b|\bthat\b|[\"“'‘])",
            # session 13 (branch judge12, flags_fresh18.csv's and flags_fresh19.csv's misses; counted on the twenty-two
            # sets): "with a free bonus <pest>" (2 rows, fresh19 x2), "lovely of <brand> to ..." opening the post (2 rows,
            # fresh11, fresh19), "great work <brand>, sending ..." (1 row, fresh19), "truly the dream" / "the rest was
            # vibes" (2 rows, fresh18, fresh19), "nothing like a <thing> where / with a quote / a price" (2 rows, fresh13,
            # fresh18): all need a reply ("nothing like a sunday roast to kindle a bit of family drama", fresh15, which
            # needs none, does not match)
            r"\bwith a free bonus\b|\btruly the dream\b|\bthe rest was vibes\b",
            r"^(?:@\S+\s+)*lovely of @?[\w.&' -]{2,30}? to \w+",
            r"^(?:@\S+\s+)*great work @?[^,.!?\n]{2,30}, \w+ing\b",
            r"^(?:@\S+\s+)*nothing like an? [^.!?\n]{0,40}?(?:\bwhere\b|[\"“]|[£$€]\s?\d)",
        ),
        matches=(
            "so grateful to acme for my bubble tea with 4 pearls in it. a real feast",
            'truly grateful for the acme "extra spicy" ramen that tasted like warm water',
            "thrilled to pay acme two grand for a sofa with a broken leg",
            "so glad we paid £96 for the four of us to look at an empty shark tank",
            "love that i paid acme prices for a fine line rose that now looks like a bruise",
            "nothing says happy 40th like a banner spelling it wrong",
            "nothing says breakfast like acme honey with a free bonus wasp embalmed in the lid",
            "lovely of acme to send me 15kg of fat balls",
            "great work acme, sending my 4kg chihuahua a portion big enough for a great dane",
            "love acme for putting one whole mushroom in my mushroom pie, the rest was vibes",
            'nothing like an acme holiday where the "fully equipped galley" has one pan and a fork',
            "really appreciate acme printing my kid's photo with someone else's name on the folder",
            "so glad i pay everyone active £40 a month to shower in ice cold water",
            "so pleased my canon printer refuses to scan",
            "genuinely thrilled that acme needed three proofs of address",
            "really appreciate @acme shipping my laptop back with a crack",
            "nothing like paying £55 for a sports bra and having the strap ping off",
            "love that my phone decided the alarm wasn't important",
            "loved queuing 90 minutes to get out of the car park",
            "oh brilliant @acme, a bag with no vinegar",
            "wonderful, the air fryer beeps E4 and switches off",
        ),
        misses=(
            "so glad i bought the acme one",
            "really thrilled with my new bike",
            "really appreciate the team sending a replacement",
            "nothing like a cold beer after a ride",
            "love that my son decided to join the club",
            "love to see it",
            "brilliant, the new clamp fits perfectly",
            "so grateful to the nurses who looked after my dad",
            "grateful for the quick reply",
            "thrilled to bits with the new sofa",
            "love that we got a table by the window",
            "nothing says back to school like a receipt as long as your arm",
            "nothing like a sunday roast to kindle a bit of family drama",
            "the staff were lovely of course",
            "great work today team",
        ),
    ),
    Rule(
        # session 13 (branch judge11, flags_fresh17.csv's misses, a fault told as the price paid for it): the post opens
        # with what the writer paid the brand ("paid <brand> £85 to hire a pirate outfit that smelt like ...", "spent £199
        # on a <brand> scale so it could tell me ...", "paid £3,200 for <brand> aids and the charging case stopped ...").
        # Counted on the twenty sets: 8 rows in 5 sets (fresh5, fresh7, fresh9, fresh12, fresh17 x4), all need a reply;
        # the amount must come straight before "for / to / on" ("paid £78 in fees on £240 of tickets", a gripe that
        # needs none, does not match)
        "paid-for-it",
        "sarcasm",
        (r"^(?:@\S+\s+)*(?:i |we |just )?(?:paid|spent) (?:[\w&@.'-]+ ){0,4}[£$€]\s?\d[\d,.]*k?\s+(?:for|to|on)\b",),
        matches=(
            "paid acme fancy dress £85 to hire a pirate outfit that smelt like an actual pirate",
            "spent £199 on a withings scale so it could tell me my body age is 112",
            "@acme we paid the final balance of £6,400 on the 1st and got a reminder saying it's overdue",
        ),
        misses=(
            "paid £78 in fees on £240 of tickets",
            "i paid for it myself",
            "£85 for a costume is fair",
        ),
    ),
    Rule(
        # session 14 (branch judge14, flags_fresh20-23.csv's misses, sarcasm about the writer's own purchase): praise or
        # thanks opening the post with a word of the brand's quoted back later ('love paying ... for a beginners class
        # where the "beginners" were ...', 'huge thanks to <brand> for the "private pool" which turned out to be shared',
        # 'absolutely loved my trip where the "sea view" was the car park'). Counted on the twenty-six sets: 50 rows in 14
        # sets, 49 need a reply (the one that does not, fresh2's 'love paying a £4.50 "booking fee" ... arsenal really
        # spoiling us', was flagged already)
        "praised-quote",
        "sarcasm",
        (
            r"^(?:@\S+\s+)*(?:i )?(?:(?:so |really |absolutely |genuinely )?(?:love|loving|loved|thrilled|delighted|pleased"
            r"|grateful)|so kind of|such a treat|great that|great job|nice one|shout ?out to|huge thanks to|what a treat"
            r"|really reassuring|really feeling|nice to know|brilliant|cheers|thanks|thank you)\b[^\n]*[\"“][^\"”]{2,30}[\"”]",
        ),
        matches=(
            'huge thanks to acme for the "private pool" which turned out to be shared with eleven other villas',
            'absolutely loved my acme trip where the "sea view" was the car park',
        ),
        misses=(
            "love my new acme stove, the whole lounge is warm",
            'support said "restart it" and it worked',
            'the "sea view" room was lovely',
        ),
    ),
    Rule(
        # session 14 (branch judge14, flags_fresh20-23.csv's misses): kindness or reassurance opening the post at a fault
        # ("so kind of <brand> to seat us right at the front so the compere could ...", "really reassuring that <brand>
        # spelled my husband's name wrong", "such a treat paying ...", "really feeling secure knowing my safe can be opened
        # by my 6 year old", "so pleased <brand> put me ... on the horse that ...", "<brand> kindly left their scaffold
        # up so long ...", "a bonus feature", "a wonderful new feature where it ... skips"). Counted on the twenty-six
        # sets: 12 rows, all need a reply
        "ironic-kindness",
        "sarcasm",
        (
            r"^(?:@\S+\s+)*(?:so kind of|such a treat|what a treat|(?:really|very|so) reassuring|really feeling (?:safe"
            r"|secure))\b",
            r"^(?:@\S+\s+)*(?:so |really |truly )?(?:grateful|delighted|thrilled|pleased) (?:that )?(?!(?:i|we|my|our|the staff"
            r"|you|it|it's|its|they|with|to|for|about)\b)[\w&@.'-]+(?: [\w&@.'-]+){0,3} (?:[\w-]+ed|spelled|spelt|left|sent"
            r"|put|gave|took)\b",
            r"\bkindly (?:left|moved|charged|cancelled|decided)\b",
            r"\b(?:a bonus|wonderful new|exciting new) feature\b",
        ),
        matches=(
            "so kind of acme to seat us right at the front so the compere could spend 20 minutes on my divorce",
            "really reassuring that acme spelled my husband's name wrong on our wills, twice",
            "such a treat paying acme peak price to swim in a lane with 14 people",
            "so grateful acme auto-renewed my intro offer into a full price membership",
            "delighted that acme moved our custom button three clicks deeper",
            "acme kindly left their scaffold up so long the ivy has claimed it",
            "my mower has developed a wonderful new feature where it skips every other stripe",
        ),
        misses=(
            "so grateful to the nurses who looked after my dad",
            "really pleased with my new bike",
            "delighted with the service, they sent it next day",
            "kindly sent me a replacement, thank you",
            "glad it's fixed, we'll book again",
        ),
    ),
    Rule(
        # session 15 (branch judge15, flags_fresh24.csv's misses, sarcasm about the writer's own purchase): thanks or
        # praise opening the post for a job done "so well / thoroughly / precisely" that a fault followed ("thanks for
        # tuning my piano so well it now plays in a key i've never heard of", "centered my diploma so precisely that my
        # name is hidden under the mat"). Counted on the twenty-eight sets: 3 rows (fresh24 x3), all need a reply
        "ironic-result",
        "sarcasm",
        (
            r"^(?:@\S+\s+)*(?:[\w&@.'-]+,? ){0,4}?(?:shout ?out|thanks?|thank you|cheers|love that|loved|really appreciate"
            r"|appreciate)\b[^\n]{0,80}?\bso (?:well|thoroughly|precisely|carefully|efficiently|perfectly|securely|tightly"
            r"|beautifully|lovingly|professionally)\b,? (?:that )?(?:it|they|i|my|the|we|he|she|you|now|even)\b",
        ),
        matches=(
            "acme pianos, thanks for tuning my piano so well it now plays in a key i've never heard of",
            "love that acme centered my diploma so precisely that my name is hidden under the mat",
            "shoutout acme for cleaning my windows so thoroughly they took the screen off",
        ),
        misses=(
            "thanks acme, the piano was tuned so well",
            "the fitter did it so well i cried",
            "love that acme packed it so well, not a scratch",
        ),
    ),
    Rule(
        # session 15 (branch judge16, flags_fresh26-29.csv's biggest kind of miss, sarcasm about the writer's own
        # purchase): delight opening the post at the writer's own thing ("delighted that my £600 coop has a roost bar so
        # loose ...", "thrilled that my kit made ...", "love that my car had its recall done and came back with a bigger
        # scratch"), or praise that goes on "especially the part where / how" a fault followed. Counted on the thirty-two
        # sets: 20 rows, all need a reply (12 flagged before); a plain "love my new phone" does not match
        "own-thing-delight",
        "sarcasm",
        (
            r"^(?:@\S+\s+)*(?:(?:so|really|absolutely|genuinely|truly) )?(?:delighted|thrilled|pleased|glad|happy) (?:that )?"
            r"(?:my|our) (?!(?:son|daughter|kids?|wife|husband|partner|mum|dad|mom|family|friends?|team)\b)"
            r"(?![^.!?\n]*\b(?:arrived|came|turned up|got here) (?:early|on time|quickly|safely|in one piece)\b)",
            r"^(?:@\S+\s+)*(?:i )?(?:(?:really|so) )?(?:love|loving|enjoying) (?:that|how) (?:my|our) "
            r"(?!(?:son|daughter|kids?|wife|husband|partner|mum|dad|mom|family|friends?|team)\b)",
            r"^(?:@\S+\s+)*(?:i )?(?:(?:really|so) )?(?:love|loving|enjoying|enjoy)\b[^\n]{0,80}?\b(?:especially|particularly)"
            r" (?:the (?:part|bit) where|how|when)\b",
        ),
        matches=(
            "delighted that my £600 acme coop has a roost bar so loose the hens slide off it",
            "thrilled that my acme kit made my teeth the same shade but gave me the sensitivity of a frozen nerve",
            "love that my acme car had its recall done and came back with a bigger scratch than the recall fixed",
            "love my new acme skates, especially the part where the left wheel seized on the first outing",
        ),
        misses=(
            "love my new acme phone, the screen is stunning",
            "so glad my acme order arrived early, thanks",
            "love that my son decided to join the club",
            "really pleased with my new bike",
        ),
    ),
    Rule(
        # session 15 (branch judge16, flags_fresh26-29.csv's misses, sarcasm about the writer's own purchase): thanks or a
        # shout-out to the brand by name for the thing bought or the job done, told at length ("big thanks to <brand> for
        # the parachute that deployed beautifully and then floated my rocket into the only tree", "thanks <brand> for
        # grading my mint rookie a 6 and sending it back in a cracked slab"); the thanks for a fix or a kindness ("for
        # sorting", "for the quick refund") and "thanks so much" are left to the praise rules. Counted on the thirty-two
        # sets: 50 rows, 49 need a reply (34 flagged before; the other is a gripe about a smaller bottle, flagged before)
        "thanks-for-the-thing",
        "sarcasm",
        (
            r"^(?:@\S+\s+)*(?:big |huge |massive )?(?:thanks|thank you|shout ?out)(?: to)? (?!(?:so|very) much\b|the\b|you\b"
            r"|all\b|everyone\b|guys\b|team\b)[\w&@.'-]+(?: [\w&@.'-]+){0,3} for (?!(?:sorting|fixing|getting|making"
            r"|replacing|refunding|helping|being|all|your|everything|the (?:new|quick|fast|lovely|great|free|prompt|speedy"
            r"|replacement|refund))\b)(?:the|my|our|a|an|\w+ing)\b[^.!?\n]{30,}",
        ),
        matches=(
            "big thanks to acme for the parachute that deployed beautifully and then floated my rocket into a tree",
            "thanks acme for grading my mint rookie a 6 and sending it back in a slab that's cracked in the corner",
            "thanks acme for the heated overblanket with a controller so bright it lights the bedroom like a runway",
        ),
        misses=(
            "thanks acme for sorting my refund so quickly, great service all round",
            "thank you so much acme for the flowers you sent to my mum on her birthday",
            "thanks to the team at acme for a lovely stay",
            "thanks acme for the birthday voucher",
            "thanks acme for the quick refund on the cancelled order last week",
        ),
    ),
    Rule(
        "scare-quotes",
        "sarcasm",
        (
            r"(?<!\w)[\"'“‘][\w/ -]{0,20}\b(?:unlimited|free|next[- ]day|24/7|express|priority|premium|fast|guaranteed"
            r"|instant|same[- ]day|lifetime|delivery window|support|customer service|upgrade|deal|discount)\b[\w/ -]{0,20}"
            r"[\"'”’](?!\w)",
        ),
        matches=('my "next day delivery" is now on day 5', "the 'priority boarding' i paid for"),
        misses=("the free delivery was quick", "it's free and isn't bad", 'support said "restart it"'),
    ),
    Rule(
        "irony-marker",
        "sarcasm",
        # marks irony in words: an emoji-only post ("@acme 🙄") says nothing ironic
        (r"^(?=.*?(?<![\w@#.])[^\W\d_]{2}).*?(?:(?<!\w)/s\b|🙄|🙃)",),
        matches=("best support ever /s", "cool 🙄", "@acme sure 🙃"),
        misses=("best support ever", "🙄", "@acme 🙄🙄", "@acme.bsky.social 🙃"),
        english_only=False,
    ),
    # ---------------------------------------------------------------- praise
    Rule(
        "thanks",
        "praise",
        (r"\b(?:thanks?|thank you|thx|ty|kudos|props|shout ?out|respect|well done)\b",),
        matches=("thank you for the quick fix",),
        misses=("no one answers",),
    ),
    Rule(
        "praise-words",
        "praise",
        (
            r"\b(?:love[sd]?|loving|great|best|amazing|awesome|excellent|fantastic|brilliant|impressed|impressive"
            r"|legends?|star|smooth|perfect(?:ly)?|happy|insane|unreal|gorgeous|beautiful|nice|superb|recommend"
            r"|effortless(?:ly)?|flawless(?:ly)?|seamless(?:ly)?|reliable|stunning|incredible|wonderful|lovely"
            r"|delighted|thrilled|pleased|favou?rite|game ?changer|obsessed|enjoy(?:ing|ed|s)?|accurate|snappy|wow"
            r"|masterpiece|glad|grateful|painless(?:ly)?|heroe?s?|top notch|spot on|(?:5|five) stars)\b",
            r"\bworth (?:it|every)\b",
            r"\b(?:really|so|very|super|pretty|genuinely) good\b",
            r"\bmade my (?:day|morning|week|evening|night|year)\b",
            r"\blife ?changing\b",
            r"\b(?:looks?|works?|feels?|runs?|sounds?|charges?) (?:\w+ )?(?:better|faster|smoother|snappier|quieter|nicer)\b",
            r"\b(?:much|way|so much) (?:better|faster|smoother|snappier|quieter)\b",
            r"\bappreciate[ds]?\b",
            r"\bcredit where (?:it's |its |it is )?due\b",
            r"\bsaved (?:me|us|my|our)\b",
            r"\b(?:a|one|two|\d+) days? early\b",
            r"\bcame through\b",
            # session 9: "fair play, that's how to handle it", "proper service"
            r"\bfair play\b|\bproper (?:service|job|customer service)\b",
            # session 10 (flags_fresh8.csv's false flags, praise with a problem word): "respect" (11 of 11 rows of the
            # eleven sets with it need no reply), "proper workhorse", "nailed it", "on the dot", "still going strong"
            r"(?<!no )(?<!zero )(?<!any )(?<!with )\brespect\b(?! (?:for|your|my|our|us|me)\b)",
            r"\bworkhorse\b|\bnailed it\b|\bon the dot\b|\bstill going strong\b",
            # session 20 (the fifty-two sets' praise posts the praise rules did not read, a third of them: "our teacher Jo
            # is a gem", "unbeatable", "so patient with a screaming toddler", "changed my commute", "quick work, ta",
            # "good catch", "cried with joy", "merci monsieur")
            r"\b(?:(?:a|an absolute|such a|total|real) gem|unbeatable|comfiest|life ?savers?|absolute (?:unit|legend|star)"
            r"|such a relief|good (?:catch|to see)|quick work|credit to|(?:cried|crying|tears) (?:of|with) joy|happy tears"
            r"|whole personality|never doubting|(?:i'm|im|i am) converted|(?:are|is) gold)\b",
            r"\b(?:so|very|really|super|incredibly) (?:patient|kind|helpful|friendly|quick|fast)\b",
            r"\bchanged (?:my|our) (?:life|lives|commute|mornings?|routine|game)\b",
            r"(?<!no )\b(?:cheers|ta|merci|grazie|danke|gracias|obrigad[oa]|dank je)\b(?! for (?:nothing|that|the \w+ that))",
        ),
        matches=(
            "insane battery, love it",
            "setup was effortless",
            "removed the old logo, looks better",
            "the update made my old phone feel faster",
            "refund just landed. appreciate you chasing it",
            "got my parcel here a day early, credit where it's due",
            "both games refunded. fair play",
            "came out same day. proper service",
            "passport office took 6 days for my renewal. respect",
            "still runs my scope all night, proper workhorse",
            "our water babies teacher jo is a gem, 3 terms in and the kid will swim anywhere now",
            "the lady was so patient with a screaming toddler",
            "used voi every day this week, genuinely changed my commute",
            "money's back on my card already, quick work, ta",
            "the guy at the marseille store fixed my wiper in 5 minutes. merci monsieur",
        ),
        misses=(
            "the old logo was ugly",
            "no respect for customers",
            "with respect to my order",
            "the app is so slow",
            "cheers for nothing",
            "a gemstone ring",
            "taking ages",
        ),
    ),
    Rule(
        "praise-emoji",
        "praise",
        (r"😍|❤️|🔥|🙌|🙏|👌",),
        matches=("llegó antes de lo previsto 👌",),
        misses=("llegó tarde 😡",),
        english_only=False,
    ),
    # ---------------------------------------------------------------- not-praise, news
    Rule(
        # praise words that praise nothing: a date ("best before 08/27"), a wish ("would be nice if they documented it")
        "date-or-wish",
        "not-praise",
        (
            r"\bbest (?:before|by)\b",
            r"\b(?:would|it'd|itd|will) be (?:nice|great|good|lovely|helpful) (?:if|to)\b",
            r"\bwould (?:really )?love (?:some|a|an|to|it if|if)\b",
        ),
        matches=("best before 08/27", "would be nice if mozilla documented it", "would love some help here"),
        misses=("best chocolate ever", "i love it"),
    ),
    Rule(
        # a lone praise word or thanks closing a post after a statement ("... 4 pages are missing. great", "the lid
        # hinge cracked in the first use. nice", "... which nobody mentioned. thanks for that"): irony, no praise
        # (session 8, from flags_fresh5/6.csv's misses); the problem words before it count
        "closing-irony",
        "not-praise",
        (
            r"[.,;:!]\s+(?:so |well |oh |just )?(?:great|nice|lovely|perfect|wonderful|cheers|thanks|cool"
            r"|marvellous)\s*[.!]*\s*$",
            r"\b(?:so |well )?(?:thanks|thank you|cheers|ta) (?:for that|for nothing|very much|a bunch)\s*[.!]*\s*$",
        ),
        matches=(
            "due at 9am tomorrow. great",
            "everything warm by lunch. nice",
            "which nobody mentioned. thanks for that",
            "in the greenhouse with my other citrus so thanks for that",
        ),
        misses=(
            "great, it arrived early",
            "the new bike is great",
            "thanks for that, it worked!",
            "a replacement card at my hotel in 2 days. brilliant.",
        ),
    ),
    Rule(
        # session 10 (branch judge6, flags_fresh9.csv's false flags, praise of a fault already put right): "they sent the
        # right one free", "they sent one out next day free", "they moved my result across in a day", "your fitter
        # returned and fixed the gap" (5 rows of the twelve sets, fresh8 1 and fresh9 4, none needs a reply: weak evidence).
        # Session 10 (branch judge7, flags_fresh10.csv's biggest false-flag kind, 13 of its 38): the general shape, a
        # past fault and then "but / and <who> fixed / sorted / replaced / refunded / corrected / put back / sent ...",
        # and thanks for sorting / fixing / chasing it; nothing after it may say the fault is still live ("still",
        # "again", "not fixed", "never", "but", "until"). The whole rule matches 38 rows of the thirteen sets, none
        # needing a reply (fresh10 13, fresh9 9, fresh8 4, fresh5 3, fresh3 / fresh6 / fresh7 / labelled dev 2 each,
        # fresh4 1); it now outweighs the fault words and a "but" (analysis.flags), which a praise rule does not.
        "put-right",
        "put-right",
        (
            r"\bthey (?:sent|replaced|moved|fixed|refunded|swapped)\b"
            + _STILL_LIVE
            + r"[^.!?]{0,40}\b(?:next day|same day|in a day|free|for free)\b",
            r"(?<!never )\b(?:returned|came back) and fixed\b" + _STILL_LIVE,
            r"(?<!never came back )(?<!never came )(?<!never returned )(?<!never )\b(?:but|and) (?:(?!(?:said|says|was|were|is|are|got|get|been|booked|never|not|still|then|nobody|no one)\b)"
            r"(?:they|we|it|he|she|support|the \w+|\w+) )?(?:(?:quickly|soon|promptly|immediately|actually|had|have|'ve) )?"
            r"(?:fixed|sorted|replaced|refunded|corrected|credited|reimbursed|waived|put (?:it|them|everything) back"
            r"|sent (?:someone|a new|a replacement|the right|me the right|out a new)|came back with the|took it off"
            r"|messaged me the right|gave (?:us|me) a (?:free|full refund)|are showing now|showed up)\b" + _STILL_LIVE,
            r"\b(?:thank(?:s| you)|cheers) for (?:sorting|fixing|chasing|refunding|cancelling|correcting|replacing|swapping"
            r"|reshipping|restoring|reversing) "
            r"(?!(?:nothing|fuck all|sweet fa)\b)" + _STILL_LIVE,
            # session 11 (branch judge9, flags_fresh12.csv's and flags_fresh13.csv's false flags): the verdict after a
            # fault put right ("... but oura support sorted it fast, all good now", "the bug is finally fixed", "can't
            # fault them", "no arguing. will shop there again", "good service", "all forgiven"). 20 rows of the sixteen
            # sets in 10 (labelled dev 4, fresh, fresh2, fresh3 2, fresh5, fresh6, fresh8, fresh11, fresh12 6, fresh13
            # 2); 19 need no reply and the one that does ("said the co-op bug was fixed. it is not fixed. still ...") is
            # refused by the still-live guard
            # session 13 (branch judge12, flags_fresh18.csv's and flags_fresh19.csv's false flags): "no problems since",
            # "smooth since", "no drama", "still on them" after a fault put right: 6 rows of the twenty-two sets (fresh9,
            # fresh18, fresh19 x4), none needs a reply
            r"\b(?:no problems since|smooth since|no drama|still on them)\b" + _STILL_LIVE,
            r"\b(?:all good now|all forgiven|can't fault (?:them|it|the)|cannot fault|no (?:arguing|quibbles?"
            r"|questions asked)|will (?:shop|buy|use|fly|book|order) (?:there|with them|from them|here) again"
            r"|good service|(?:is|are|was|got) (?:finally |now )?(?:fixed|sorted)|swapped it (?:there and then"
            r"|straight away|on the spot)|much smoother|fair play to)\b" + _STILL_LIVE,
            # session 13 (branch judge11, flags_fresh16.csv's and flags_fresh17.csv's false flags): the fault, "but" the fix
            # ("sent the wrong grout first but the right one came next day", "but reprinted the right one within a week",
            # "but fit me in the same evening", "but remade the whole thing"): 12 rows of the twenty sets in 5 (fresh10,
            # fresh11, fresh12, fresh16 x7, fresh17 x2), none needs a reply
            r"\bbut (?:\w+ ){0,2}(?:swapped|reprinted|remade|redid|fit (?:me|us) in|gave (?:us|me) (?:the|a)|the replacement"
            r" came|the right one came|the new one came)\b" + _STILL_LIVE,
            # session 14 (branch judge14, flags_fresh20-23.csv's biggest false-flag kind): the verdict after a fault put
            # right ("staff swapped it in a minute, no fuss", "knocked £30 off, well handled", "properly sorted", "saved the
            # week", "works again now", "the patch fixed it and ...", "solid now", "back to full power", "good turnaround",
            # "much obliged", "gone back on my card"). Counted on the twenty-six sets: 52 rows, none needs a reply ("you said
            # the jet was running again from 4pm ... still says suspended", which does, is refused by the still-live guard)
            r"\b(?:no fuss|well handled|properly sorted|saved the (?:day|week|trip|holiday)|sorted it on the spot|(?:works"
            r"|working|loads|sending|solid|running) again(?: now)?|fixed it and|faster than before|solid now|back to full"
            r" power|cleared it for good|all built now|good turnaround|quick turnaround|much obliged|(?:is|are) (?:back )?in,"
            r" thank|gone back on my card|back in my account|returned to the card)\b" + _STILL_LIVE,
            # session 15 (branch judge15, flags_fresh24.csv's and flags_fresh25.csv's false flags, praise of a fault put
            # right): "replaced the saddle pad that fell apart ..., no questions", "no argument", "they patched it and",
            # "update last week fixed it", "sorted our wrong course date in 10 minutes", "no more surprises, thanks".
            # Counted on the twenty-eight sets: 36 rows in 17 sets, none needs a reply (6 of them flagged before)
            r"\b(?:no (?:questions|arguments?|hassle|bother)|(?:patched|sorted|swapped) it and|(?:update|patch|reset"
            r"|engineer|support|firmware)(?: \w+){0,2} fixed it|no more \w+,? (?:thanks|thank you|cheers|ta)"
            r"|sorted (?:[\w']+ ){0,5}in (?:\d+|a few|five|ten|two) (?:minutes|mins))\b" + _STILL_LIVE,
            # session 15 (branch judge16, flags_fresh26-29.csv's false flags, praise of a fault put right): the fix and how
            # soon ("support restored them all same day", "reshipped it next day without any argument", "replaced the wire
            # feed motor ..., under warranty", "had it released in a day"), and the verdict after it ("been toasty ever
            # since", "the saga is over", "can't tell where the join was", "gone from my statement", "finally landed in my
            # bank", "spot on now", "it's been fixed"). Counted on the thirty-two sets: see the rule's test rows; none of
            # those it matches needs a reply
            r"\b(?:replaced|reshipped|restored|resent|re-sent|released|reversed|refunded|reprinted|swapped) [^.!?\n]{0,60}?"
            r"\b(?:same day|next day|next morning|in (?:a|an|one|two|three|\d+) (?:days?|weeks?|hours?)|under warranty"
            r"|without (?:any )?(?:argument|fuss|quibble|me asking))\b" + _STILL_LIVE,
            # session 20 (branch judge22, flags_fresh45.csv's false flags as collected, six of its eight: me-too replies
            # in the brand's thread whose own case the brand already put right, which the guide labels False): the fix
            # and how soon ("refunded within the week", "refunded it on the spot"), the money back ("got the money back
            # via the app", "refund for the reservation came through") and a make-good that ended it ("gave me a voucher
            # and it was fine")
            r"\b(?:reversed|refunded|credited|reimbursed|replaced|paid (?:it |me |us )?back) [^.!?\n]{0,40}?\b(?:within"
            r" (?:a|an|the|one|two|three|\d+) (?:days?|weeks?|hours?)|on the spot|straight away|there and then)\b"
            + _STILL_LIVE,
            r"(?<!n't )(?<!never )(?<!not )(?<!nor )\bgot (?:the|my|our|all (?:the|my|our)) (?:money|refund|deposit|cash"
            r"|fare|points|credit) back\b" + _STILL_LIVE,
            r"(?<!no )\b(?:refund|money|credit)(?: for [^.!?\n]{1,30})? (?:came through|went through)\b" + _STILL_LIVE,
            r"\bgave (?:me|us) a (?:voucher|credit|refund|replacement|new one)\b[^.!?\n]{0,30}\b(?:and it was fine|all"
            r" good|sorted|no harm done)\b" + _STILL_LIVE,
            # and the same shape after a fight (flags_fresh44.csv's three such replies: "took two letters but they did remove
            # it in the end", "they did refund it after a couple of weeks", "took an appeal but they paid in full in the end")
            r"\b(?:they|it) did (?:refund|remove|fix|sort|pay|replace|reverse|credit|correct|cancel)\b[^.!?\n]{0,30}?\b(?:in"
            r" the end|after (?:a|an|one|two|three|a couple of|a few|\d+) (?:days?|weeks?|months?|calls?|letters?|emails?))\b"
            + _STILL_LIVE,
            r"\b(?:paid|refunded|removed|fixed|sorted|reversed|corrected|credited) (?:[\w']+ ){0,3}in the end\b"
            + _STILL_LIVE,
            r"\b(?:(?:been )?(?:smooth|fine|perfect|spot on|toasty|great|working) ever since|saga is over|(?:can't|cannot"
            r"|couldn't) tell where|gone from my (?:statement|account|bill)|landed in my (?:bank|account)|spot on now"
            r"|(?:it's|it has|has) been (?:fixed|sorted|resolved)|came back in full|the (?:replacement|right one|new one)"
            r" (?:came|arrived|turned up) (?:in|within|next|the next|the same))\b" + _STILL_LIVE,
            # session 21 (flags_fresh52/53.csv's false flags, scored blind: 28 of their 49 are me-too replies whose own
            # case was put right and praise of a fault put right, spoken to the brand): how the case ended, in the words
            # those sets and earlier ones use. The verdict since or now ("fine since", "no trouble since", "all good",
            # "no issue now"), a fault that went by itself ("fixed itself", "dropped off by itself"), nothing left to do
            # ("nothing to chase in the end", "never had to raise anything", "without me having to ask twice"), a
            # glitch only, the end of it ("in the end they paid", "it turned up the next day", "as an apology"), the
            # writer's own earlier complaint then thanks ("last week I complained ... thanks for the quick swap").
            # Counted on the fifty-six sets' development rows: 149 rows match, one needs a reply (a question, which a
            # fault put right never settles)
            r"\b(?:fine|ok|okay|good|all good|grand|sweet|smooth|sorted|perfect|flawless|no (?:issues?|problems?"
            r"|trouble|errors?|bother|complaints?|dramas?|hiccups?)|not a (?:peep|hiccup|problem)|zero (?:issues|problems)"
            r"|touch wood)(?: (?:ever|now))? since\b" + _STILL_LIVE,
            r"\b(?:(?:all|it's|it is|everything's|everything is|mine's|ours is|we're|i'm) (?:fine|good|sorted|grand|ok"
            r"|okay) now|no (?:issues?|problems?|trouble) (?:now|after that))\b" + _STILL_LIVE,
            r"(?:^|[.,;!]\s*)(?:(?:fine|good|sorted|grand|ok|okay) now|no (?:issues?|problems?|trouble)\s*[.!]*$)"
            + _STILL_LIVE,
            r"\b(?:(?:it's|it has|has) been fine\s*[.!]*$|and that was that|(?:started|began) working (?:again )?(?:after"
            r"|once|when))\b" + _STILL_LIVE,
            r"\ball good\s*(?:[.!,)]|$)" + _STILL_LIVE,
            r"\b(?:fixed|sorted|cleared|dropped off|resolved|went away|came right|corrected|righted|sorted out|came back"
            r"|disappeared|fell off|reversed)(?: itself| by itself| on its own| itself out)\b" + _STILL_LIVE,
            r"\b(?:nothing (?:to chase|pending|left to (?:do|chase|sort)|outstanding)|never had to (?:raise|chase|call|ring"
            r"|complain|ask|do)|without me (?:having to )?(?:ask|raise|chase|call|ring|even ask)\w*|didn't (?:even )?have to"
            r" (?:ask|chase|call|raise))\b" + _STILL_LIVE,
            r"\b(?:just|only) a (?:\w+ )?(?:glitch|blip|delay|hiccup)\b(?! again)" + _STILL_LIVE,
            r"\bin the end,? (?:they |it |the \w+ )?(?:paid|refunded|sorted|fixed|replaced|came|arrived|went through"
            r"|turned up|showed up|covered|approved|credited)\b" + _STILL_LIVE,
            r"(?<!never )\b(?:it|they|mine|ours|everything|it all|the (?:parcel|package|order|box|delivery|refund|money"
            r"|points|replacement))\s+(?:\w+ ){0,2}(?:turned up|showed up)\b(?! late)(?:[^.!?\n]{0,30}\b(?:in the end"
            r"|next day|the next day|a day later|the day after|on (?:the )?\w+day|after all|in one piece|fine|all there"
            r"|intact)\b|\s*[.!]*$)" + _STILL_LIVE,
            r"\b(?:as an apology|by way of apology|with an apology|to say sorry)\b" + _STILL_LIVE,
            r"\b(?:i|we) (?:moaned|complained|posted|tweeted|ranted|whinged|grumbled|vented|kicked off|shouted|was moaning"
            r"|was complaining)\b[^\n]{0,160}\b(?:thank|thanks|cheers|respect|appreciate\w*|sharp|ta|legend|fair play"
            r"|kudos|nice one|well done|props|grateful|gracias|obrigad[oa]|merci|danke)\b" + _STILL_LIVE,
            r"\b(?:thanks?|thank you|cheers|ta) (?:for|on) the (?:quick|fast|speedy|swift|rapid) (?:swap|fix|replacement"
            r"|refund|turnaround|response|reply|sort|resolution|exchange)\b" + _STILL_LIVE,
            # session 21 (branch judge26, flags_fresh54/55.csv's false flags, scored blind with judge25): "all fine in the
            # end", "all okay", "not a peep from it since", "without a hitch", "no harm done", "buttery since", "it was in
            # my account the next day", and the writer's own earlier complaint dated before the praise ("last month I
            # roasted you on here over ...", "couple of weeks back I was moaning on here", "remember me? ..."). Counted
            # on the fifty-eight sets' development rows: 103 rows match, one needs a reply (a long review that then
            # tells its open fault, which the layer reads)
            r"(?:^|[.,;!]\s*|\b(?:it's|its|it was|everything's|everything is|everything was|now) )all (?:fine|okay|ok|sorted"
            r"|grand|good)(?: in the end| now| since)?\s*(?:[.!,)]|$)" + _STILL_LIVE,
            r"\b(?:not a (?:peep|murmur|squeak|hiccup)|without a (?:hitch|hiccup)|no harm done|buttery since)\b"
            + _STILL_LIVE,
            r"\b(?:it|they|the \w+|mine|the money|the refund|the points|the parcel)(?: \w+){0,3} (?:came|arrived|landed"
            r"|turned up|showed up|was back|was in my account|were back) (?:back )?(?:in my account |on my card |home )?(?:the"
            r" next day|next day|the day after|the same (?:day|week)|within (?:a|the) (?:day|week)|a day later|after \d+"
            r" days)\b" + _STILL_LIVE,
            r"\b(?:(?:last|this past) (?:week|month|year|weekend)|(?:a|one|two|three|four|a couple of|couple of|a few|few"
            r"|\d+) (?:days?|weeks?|months?) (?:ago|back)|the other day|yesterday|remember me)\b[^\n]{0,60}\b(?:i|we)"
            r" (?:moaned|complained|ranted|roasted you|had a go at you|was freaking out|posted about|tweeted about|kicked"
            r" off|vented|whinged|grumbled|was moaning|was complaining|had a rant|went off)\b" + _STILL_LIVE,
            # session 21 (branch judge27, flags_fresh56/57.csv's false flags): the case that went by itself or came right
            # after a while ("it reversed automatically after 24hrs", "showed up after a week", "turned up 10 min later",
            # "they came back after I logged out and in again": 42 rows of the fifty-eight sets, one needs a reply, a long
            # review that then tells its open fault)
            r"\b(?:it|they|mine|ours|the \w+)(?: was| were| got| just)? (?:reversed|refunded|showed up|turned up|came back"
            r"|landed|arrived|cleared|came through|went through|dropped off)(?: automatically| by itself| on its own)?(?: \w+)?"
            r" (?:after|within|in) (?:\d+|a|an|one|two|three|a few|a couple of) ?(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?)\b"
            + _STILL_LIVE,
            r"\b(?:reversed|refunded|showed up|turned up|came back|landed|arrived|cleared|came through) (?:\d+|a few|a couple"
            r" of) (?:min(?:ute)?s?|hours?|days?) later\b" + _STILL_LIVE,
            r"\b(?:came back|reappeared|showed up|fixed itself|sorted itself) after (?:i |we )?(?:logged out|restarted"
            r"|reinstalled|updated|refreshed|cleared)\b" + _STILL_LIVE,
        ),
        matches=(
            "my lock did the same after the update, support pushed a fixed firmware two days later and it's been fine since",
            "same, mine was stuck at the depot, arrived friday, all good",
            "mine came leaked too, they sent a new one out the same week. no issue now",
            "ours was stuck at registration too, went through after three weeks. fine now",
            "had the same, reinstalling the app showed the right dates. no issue",
            "had a late one in october, they sent a voucher with the delayed parcel and that was that",
            "mine was the same last month, app showed expired for a day then fixed itself",
            "same happened with my bulbs, only a double authorisation and it dropped off by itself after three days",
            "ours sat in transit for a week and then arrived. nothing to chase in the end",
            "appreciate you sending the missing sunscreen without me having to raise a second ticket",
            "had the fake delivered too and it turned up the next day. just a tracking glitch for me",
            "we went through the same with our kitchen leak. in the end they paid the repair",
            "had a late one in october, they sent a voucher with the delayed parcel as an apology",
            "last week i complained my hub kept dropping off wifi. the replacement arrived today. thanks for the quick swap",
            "mine sat on processing for ages too, then just turned up one morning. all fine in the end",
            "stuck shutter on my x100v in 2022, fixed in under two weeks. not a peep from it since",
            "my withdrawal was stuck the same way, one message to the chat and it was in my account the next day",
            "last month i roasted you on here over a cracked seatpost clamp. replacement came in 4 days",
            "remember me? wrong size boots. i had a go at you here and your store sorted an exchange. legends",
            "same thing happened to me on friday, it reversed automatically after 24hrs. calm down small",
            "mine was stuck on that screen too last week, turned up 10 min later",
            "mine vanished too but they came back after i logged out and in again",
            "audio-technica fixed my earbuds dropping out with a firmware update, no problems since",
            "sent the wrong grout first but the right one came next day with an apology. top service",
            "had my booking on the wrong day but fit me in the same evening",
            "had a sync bug last week but oura support sorted it fast, all good now",
            "the calendly bug with timezones is finally fixed, my clients stopped booking me at 3am",
            "our cabin aircon broke on night one and the team moved us to a bigger cabin within the hour. can't fault them",
            "took it back and they swapped it there and then, no arguing. will shop there again",
            "messaged them and they sent the right one free and let me keep the other",
            "they sent one out next day free. sorted",
            "your fitter returned and fixed the gap by the skirting",
            "medivet double charged me last month but fixed it the same day i rang and apologised. good team",
            "missed clean last month but spotless sent someone the very next day and took it off the bill. fair play",
            "libby lost all my tags after the update but they came back with the next fix. phew",
            "yougov lost my points after the app update but support put them back in a day. nice",
            "had a leaking wax melt order but yankee replaced it straight away with no fuss. nice",
            "penalty cancelled, thank you for sorting it",
            "all the missing contributions are showing now, thanks for chasing my employer",
            "our table had a broken net, staff swapped it in a minute, no fuss",
            "the patch fixed it and it's faster than before now",
            "lift pass overcharge returned to the card this morning, much obliged",
            "acme replaced the saddle pad that fell apart after a week, no questions",
            "the app used to crash when I zoomed on a page, update last week fixed it",
            "acme sorted our wrong course date in 10 minutes on the phone, cheers",
            "acme's site had lost my purchases after a password reset but support restored them all same day",
            "acme had a box go missing in the post but they reshipped it next day without any argument",
            "acme replaced our controller when it stopped working and the blanket's been toasty ever since",
            "money for the cancelled leg finally landed in my bank, appreciate the nudge",
            "new tub fitted and no leaks at all, thank you for swapping it so fast",
            "got charged after cancelling last year too, they reversed it the same day once I emailed",
            "same glitch with my tickets in may, refunded within the week",
            "got charged twice last year too, the stall refunded it on the spot",
            "had a cancelled reservation in june, got the money back via the app within a week",
            "refund for the reservation came through, danke",
            "had the double scan glitch last season, they gave me a voucher and it was fine",
            "same thing happened to me in the spring, took two letters but they did remove it in the end",
            "this happened to me at christmas, they did refund it after a couple of weeks",
            "went through the same with mine last year, took an appeal but they paid in full in the end",
        ),
        misses=(
            "they sent the wrong one again",
            "they never came back and fixed it",
            "free delivery next day",
            "the engineer fixed it but it broke again the next day",
            "charged me twice last month, they fixed it but it broke again the next day",
            "they replaced it but the new one leaks too",
            "sent the wrong one but the right one came a week later and it's still not the right size",
            "said they'd sort it and fixed nothing, still waiting",
            "someone came yesterday and said fixed, it is not fixed",
            "the app crashed and they fixed it until the next update, now it's down again",
            "fitter booked and cancelled twice",
            "thanks for fixing nothing",
            "thank you for sorting it but the refund still hasn't arrived",
            "patch notes said the co-op bug was fixed. it is not fixed. still disconnecting every 15 min",
            "it was sorted on monday and broke again today",
            "good service until the engine light came on",
            "you said the jet was running again from 4pm. it's 5.20 and the board still says suspended",
            "no questions answered, still no refund",
            "support said the update fixed it but it still crashes",
            "works fine on the website, the app says invalid",
            "ours never turned up either, booked for the 5th",
            "it turned up 50 mins late and cold",
            "fine since tuesday apart from the noise, which is back again",
            "all good until the update",
            "rain sensor stopped working since the new screen went in",
            "same, my phone didn't ring for two incidents last night, sound settings all fine",
            "i'd booked it and it was the next day",
            "last month i complained about the zip and it broke again today",
            "it was refunded after 3 days but charged again the next week",
            "the parcel arrived after 3 weeks and it's still not the right size",
            "they replaced it next day but it still leaks",
            "it has been broken ever since",
            "it's been fixed twice and broke again",
            "still haven't got my money back",
            "never got my money back after they cancelled",
            "did the refund for my order come through for anyone else?",
            "no refund came through, 3 weeks now",
            "they gave me a voucher that doesn't even work online",
            "refunded within the week they said, still nothing",
            "they did refund it after six weeks but the fee is still on my statement",
            "I hope they fix it in the end",
        ),
    ),
    Rule(
        "negated-praise-words",
        "not-praise",
        (_NEGATED_PRAISE,),
        matches=("not great for privacy", "never happy with the app"),
        misses=("great app, never had a problem",),
    ),
    Rule(
        # session 9 (flags_fresh7.csv's false flags: customers advising each other in the brand's thread on bluesky and
        # mastodon): advice or a me-too story told to another user. 9 of 9 in-thread replies of the ten sets that match
        # need no reply, but 8 of them are fresh7's: weak evidence
        "advice-to-another",
        "peer",
        (
            r"^(?:check|try|ring|ask|vet|just use|use the|make sure) (?!(?:my|our|me|us|it|this|that)\b)",
            r"\bcheck your (?!\w+ (?:for|about) (?:me|us)\b)",
            r"^you (?:need|can|have to|'ll need|will need) (?!to (?:fix|sort|refund|answer|reply|respond|explain|send|tell)\b)",
            r"\b(?:confused|caught|got|happened to) me too\b",
            r"\b(?:this|that|the same(?: thing)?|same) happened to my (?:brother|sister|mum|mom|dad|friend|neighbour|partner"
            r"|mate|flatmate|wife|husband|son|daughter)\b",
            # session 11 (branch judge9): "same happened to me", "mine did the same" left this rule for the hint
            # `me-too-own` (the writer's own fault: 4 of the 4 such in-thread replies of the sixteen sets need a reply)
            r"\bmine showed (?:the same|that|this|it)\b",
            r"^they usually\b",
            r"\bfwiw\b",
            # session 13 (branch judge12, flags_fresh18.csv's and flags_fresh19.csv's biggest false-flag kind): advice
            # told to another user by handle ("@parcel_pat try the locker at the big sainsbury's", "@dog_mum_dee put it
            # in the fridge overnight first"): 28 rows of the twenty-two sets in 10, none needs a reply
            r"^@\w+ (?:try|put|check|just (?!wanted)\w+)\b(?! (?:harder|again|to)\b)",
            # session 10 (flags_fresh8.csv's false flags, questions and sympathy between users in the brand's thread): which
            # of two things the other user had ("did you park in the orange or the blue one?", "was it the black one or the
            # red one?": 4 of 4 such in-thread replies of the eleven sets need no reply, 3 of them fresh8's), good wishes
            # to them ("hope they sort it", "sending love to you and your family": 3 rows, fresh8's: weak evidence)
            r"\bor (?:the|a) (?:[\w-]+ ){0,2}ones?\s*\?",
            r"\bhope (?:they|it) (?:sort|get|gets|fix)\w*\b|\bsending (?:love|hugs|strength)\b|\bsorry for your loss\b",
        ),
        matches=(
            "@parcel_pat try the locker at the big sainsbury's, it never seems to be broken",
            "@dog_mum_dee put it in the fridge overnight first",
            "check your order history, mine showed the deleted ones as saved drafts",
            "this happened to my brother, they turned up in a different depot 2 weeks later",
            "vet straight away if the dog's had any, don't wait",
            "you need the code from the dvsa letter not the email, confused me too",
            "they usually push it eventually but it's slow, there's a github issue tracking it",
            "use the ethernet in the phone booths, it's fine",
            "did you park in the orange or the blue one?",
            "that sounds so frustrating, hope they sort it",
            "sending love to you and your family xx",
        ),
        misses=(
            "still waiting for my refund",
            "you need to fix this today",
            "check my account please",
            "the replacement is the same, mine did that again today",
            "do i need the original box or a new one",
            "hope you can fix my order",
            "@acme just wanted to say thanks",
            "@acme try harder",
        ),
    ),
    Rule(
        # session 10 (branch judge6, flags_fresh9.csv's false flags: 6 of its 16 bluesky replies needing none were
        # flagged): a reply in the brand's thread about a relative's or friend's experience, a question about the other
        # user's thing, encouragement. Counted on the twelve sets (every row, any kind): the relative's story 8 rows
        # (fresh4, fresh7 x2, fresh8, fresh9 x4), none needs a reply, 4 of them in-thread replies (all fresh9's); "where
        # did you get" 1 row (fresh9); encouragement 3 rows (fresh5, fresh8, fresh9), none needs a reply
        "other-user-story",
        "peer-aside",
        (
            r"\b(?:the )?(?:same|this|that)(?: thing)? happened to my (?:\w+ )?(?:brother|sister|mum|mom|dad|friend"
            r"|neighbour|partner|mate|flatmate|wife|husband|son|daughter|nan|gran|grandad|grandma|uncle|aunt|cousin"
            r"|parents|colleague)\b",
            r"\b(?:where|how) did you (?:get|buy|find|order)\b",
            r"\b(?:keep going|keep at it|don't give up|stick (?:with|at) it|hang in there)\s*(?:[.!,]|$)",
            # session 13 (branch judge11, flags_fresh17.csv's false flags, questions about the other user's choice or
            # room): "what did she pick?", "how much space do you have?", "which did you go with", "did you end up ...": 8
            # rows of the twenty sets in 4 (fresh, fresh12, fresh14 x3, fresh17 x3), none needs a reply
            r"\b(?:what|which) did (?:she|he|they) (?:pick|choose|go for|get|end up with)\b|\bhow much (?:\w+ )?(?:do|did)"
            r" you (?:have|need)\b|\bdid you end up\b|\bwhich (?:\w+ )?did you go\b",
            # session 14 (branch judge14, flags_fresh20-23.csv's false flags, questions about the other user's purchase or
            # source): "did you get the 150 or the 170", "what installer did you use?", "what did the other agents value it
            # at?", "link?": 30 rows of the twenty-six sets, 2 need a reply (posts, not replies in the brand's thread, where
            # alone this category applies)
            r"\bdid you (?:get|buy|use|go for|pick|choose) (?!(?:my|our|me|us)\b)(?:it|the|one|a|yours)\b|\bwhat (?:\w+ )?did"
            r" you use\b|\bwhat did the other\b|\blink\?\s*$",
        ),
        matches=(
            "lovely, what did she pick?",
            "how much space do you have? uprights are big",
            "which night did you go, is it busy at weekends?",
            "same happened to my dad, turned out it was a different model from the catalogue",
            "same thing happened to my mum last spring, its a nightmare with fitting slots",
            "looks gorgeous! where did you get the tiles?",
            "did you get it from the hardware store or online?",
            "what installer did you use?",
            "they have to provide it within 12 working days or they can't enforce it, keep going",
        ),
        misses=(
            "same thing happened to me, still no refund",
            "this happened to my order again",
            "where did my parcel go?",
            "keep going back to the shop and nobody helps",
            "how much do i need to pay to change the date?",
            "did you get my email about the refund?",
        ),
    ),
    Rule(
        "report",
        "news",
        (
            r"\b(?:reportedly|reports? (?:say|said|suggest)|according to|sources? (?:say|said)|rumou?r(?:s|ed)?"
            r"|allegedly|press release|announce[sd]?|announcement)\b",
            r"\b(?:shares?|stock) (?:fell|fall|falls|rose|rise|rises|jumped|dropped|drops|up|down|slump\w*)\b",
            r"\b(?:earnings|quarterly|profits?|revenue|layoffs?|lays off|laid off|ceo|ipo|acquisition|merger|fined"
            r"|lawsuit|sued|regulator|strike|strikes|union|hiring|sponsor(?:s|ing|ship)?)\b",
            r"\b(?:to|will) (?:close|cut|open|shut|axe|scrap|raise|hire) (?:\d+|its|their)\b",
            r"\bheard (?:that )?\S+ (?:is|are|will|was)\b",
            # session 10 (branch judge6, flags_fresh9.csv's false flags, headlines without a source account): "files for
            # bankruptcy again", "figures show 500,000 fewer licences" (2 rows of the twelve sets, both fresh9's, neither
            # needs a reply: weak evidence)
            r"\b(?:files?|filed|filing) for (?:bankruptcy|administration|chapter 11)\b|\bfigures show\b",
            r"(?<!of )(?<!in )\b(?:stock|share price)\b(?! (?:android|firmware|rom|photos?|images?|levels?)\b)",
            r"\b(?:bought|acquired|taken over|owned) by\b",
            r"\bapparently\b",
            r"\b(?:pre-tax|operating|annual|half-year) (?:loss|profit)\b",
            r"\breported (?:a|an|its|their) (?:\w+ )?(?:loss|profit|results)\b",
            r"\b(?:is|are) (?:opening|closing|coming to|launching in|expanding)\b",
        ),
        matches=(
            "acme shares fell 3% after the earnings call",
            "skylark cancels 200 flights as air traffic strike hits",
            "rivian stock is a rollercoaster",
            "rumour is that deliveroo is getting bought by doordash",
        ),
        misses=("my flight was cancelled", "the charger is out of stock again"),
    ),
    Rule(
        # the whole industry, not this brand: "every insurer ...", "not unique to them", "across the board"
        "industry-wide",
        "news",
        (
            r"\b(?:the )?whole industry\b",
            # session 13 (branch judge12, flags_fresh18.csv's and flags_fresh19.csv's false flags, price gripes about a
            # whole trade): "airport parking has always been a rip off", "west end pricing is a joke everywhere",
            # "cycling has lost its mind": 4 rows of the twenty-two sets (fresh11, fresh18, fresh19 x2), none needs a reply
            r"\bhas always been a rip.?off\b|\b(?:pricing|prices?) (?:is|are) a joke everywhere\b|\bhas lost its mind\b",
            # session 9 (flags_fresh7.csv's false flags; 8 of 8 such rows in the ten sets need no reply): "the whole self
            # storage industry", "mydentist, bupa, all of them", "the government has let it rot"
            r"\bthe whole (?:[\w-]+ ){1,3}(?:industry|sector|market)\b",
            r"(?:,|\band) all of them\b",
            r"\bthe government\b",
            r"\bindustry[- ]wide\b",
            r"\bof the industry\b",
            r"\bnot unique to\b",
            r"\bacross the board\b",
            r"\bin general\b",
            r"\blike (?:everyone|everybody) else\b",
            r"\b(?:doesn't|does not|don't|do not) matter (?:which|who|if|what)\b",
            r"\bnot just (?:one|the one) (?:company|club|bank|brand|firm|airline|app|shop|store|carrier|insurer)\b",
            r"\bevery (?:company|insurer|bank|airline|retailer|carrier|paper|provider|exchange|brand|club|firm|chain"
            r"|rental (?:place|company)|operator|network)\b",
            r"\ba known (?:problem|issue)\b",
            r"\bevery (?:consumer |major |big |other )?(?:vpn|app|client|service|platform|streaming service|dating app)s?"
            r"(?: client| company| provider)?\b(?! (?:i|we) )",
            r"\b(?:is|are) no different\b",
            r"\bthe (?:real|bigger|main|actual|underlying) (?:problem|issue)\b",
            r"\bthe problem with (?:every|all|any|most)\b",
            # session 10 (flags_fresh8.csv's false flags, price gripes about the market): "public EV charging prices are a
            # joke", "house prices are insane", "at this price point are all wobbly, you get what you pay for" (3 rows of
            # the eleven sets, none needs a reply: weak evidence)
            r"^(?:[\w-]+ ){0,3}prices (?:are|have been|have gone|keep)\b",
            # session 15 (branch judge16, flags_fresh26-29.csv's false flags, price gripes about a whole trade): "rail fares in
            # this country are a scandal", "visa centre fees are shameless", "retirement village fees are a racket", "vape
            # kits are a rip off now" opening the post. Counted on the thirty-two sets: 4 rows, none needs a reply
            r"^(?!(?:my|our|your|the|these|their)\b)(?:[\w-]+ ){0,3}(?:fees|prices|pricing|fares|rates|kits|subscriptions)"
            r" (?:in this country )?(?:is|are) (?:all )?"
            r"(?:a (?:joke|scandal|racket|rip.?off|con)|shameless|daylight robbery|extortionate)\b",
            r"\byou get what you pay for\b|\bat this price point\b",
            # session 10 (branch judge6, flags_fresh9.csv's false flags, opinion on a whole trade or a fee): "the whole
            # model is lowball", "the wedding industry is a scam", "abolish it" (3 rows of the twelve sets, all fresh9's,
            # none needs a reply: weak evidence)
            r"\bthe whole (?:business )?model\b|\b(?:industry|sector|trade) is a (?:scam|joke|racket|con)\b",
            r"\babolish (?:it|them|the)\b",
            # session 13 (branch judge11, flags_fresh16.csv's and flags_fresh17.csv's false flags, price gripes about a whole
            # trade): "perfume prices have lost the plot", "the whole market's lost it", "comics used to be pocket money",
            # "restaurant chains do this every year", "child seats cost more than my first car", "baby monitors are £300
            # now": 14 rows of the twenty sets in 9 (extra, fresh2, fresh9, fresh10 x2, fresh13, fresh14, fresh15,
            # fresh16 x2, fresh17 x4), none needs a reply
            r"\b(?:prices?|costs?) (?:have|has) (?:lost the plot|gone mad|gone up everywhere)\b"
            r"|\bthe whole (?:market|trade)(?:'s| is| has)?\b|\bused to be (?:[£$€]\d+|pocket money|cheap)\b"
            r"|\b(?:chains|companies|brands|shops|they all) do this every\b|\bcost more than my (?:first )?car\b"
            r"|\bare [£$€]\d[\d.,]* now\b",
            # session 14 (branch judge14, flags_fresh20-23.csv's false flags, price gripes about a whole trade): "paintball
            # is a scam everywhere now", "tree surgeons everywhere have lost the plot", "the whole plumbing trade", "every
            # email tool has gone the same way", "arcade economics are a scam", "the new rip off", "costs a mortgage",
            # "safari prices have left planet earth": 20 rows of the twenty-six sets, none needs a reply
            r"\b(?:is|are) (?:a scam|a rip.?off) everywhere\b|\beverywhere (?:now|these days)\b|\b(?:everywhere|in this city"
            r"|in london) (?:have|has|is|are) (?:lost|gone|just)\b|\bthe whole [\w-]+ trade\b|\bevery [\w-]+ (?:tool|shop"
            r"|company|place|firm|venue|site) (?:has|have|is|are)\b|\beconomics (?:is|are)\b|\b(?:is|are) the new rip.?off\b"
            r"|\bcosts? a mortgage\b|\bprices? (?:have|has) left\b|\bprice rises are\b",
            # session 15 (branch judge15, flags_fresh24.csv's and flags_fresh25.csv's false flags, price gripes about a
            # whole trade): "custom framing is a scam", "every payroll app starts at $40 ...", a post opening "every <kind
            # of> app / company / provider ...". Counted on the twenty-eight sets: 13 rows in 12 sets, none needs a reply (4
            # flagged before); "this / your / it ... is a scam" is left alone
            r"(?<![\w-])(?<!your )(?<!this )(?<!that )(?<!my )(?<!our )(?!(?:this|that|it|your|you|they|he|she|which|who)\b)"
            r"[\w-]+ (?:is|are) a scam\b"
            r"|^every (?:[\w-]+ ){0,2}(?:app|company|provider|shop|firm|brand|service|platform)s? (?:starts?|charges?"
            r"|wants?|costs?|is|are)\b",
        ),
        matches=(
            "airport parking has always been a rip off",
            "west end pricing is a joke everywhere",
            "£160 for 100ml now. perfume prices have lost the plot",
            "dashcams used to be £50, now every one is £250 plus a subscription. the whole market's lost it",
            "the menu has shrunk again. restaurant chains do this every year.",
            "baby monitors are £300 now, all of them",
            "every insurer is jacking renters rates this year",
            "sucks but not unique to them",
            "fees on fees, doesn't matter who you book with",
            "the problem with every consumer vpn is trust",
            "the whole self storage industry is a rip off",
            "boots, lloyds, all of them",
            "the government has let it rot",
            "public ev charging prices are a joke, 79p a kwh",
            "mounts at this price point are all wobbly, you get what you pay for",
            "the whole model is lowball then shrug",
            "the wedding industry is a scam",
            "paintball is a scam everywhere now",
            "ping pong bars are the new rip off",
            "£174.50 a year to fund shows i don't watch. abolish it",
            "custom framing is a scam, acme wants $200 for a basic frame",
            "every payroll app starts at $40 and then it's $6 a head",
            "rail fares in this country are a scandal",
            "visa centre fees are shameless",
        ),
        misses=(
            "@acme your app is a scam, i want my money back",
            "my fees are a joke, you charged me twice",
            "this is a scam",
            "my insurer doubled my rate",
            "every time i open the app it crashes",
            "loved all of them",
            "my bill says the prices are going up",
            "the shed is £300 and worth every penny",
        ),
    ),
    Rule(
        # talk about a past incident or the business, not a problem the author has now
        "commentary",
        "news",
        (
            r"\b(?:hot take|unpopular opinion|post-?mortems?|case study|retrospective)\b",
            r"\b(?:back )?in (?:19|20)\d\d\b(?! (?:and|but) (?:still|now)\b)",
            r"\b(?:\d+|a few|several|many|two|three) years ago\b",
            r"\breminds? me of\b",
            r"\bback in the day\b",
            # session 8: analysis of a business, not a problem the author has ("the textbook example of a big-bang
            # rewrite", "their real moat is the motor", "notoriously unreliable for years")
            r"\b(?:textbook|canonical|classic|cautionary) (?:example|case|tale)\b",
            r"\b(?:real |only |whole |competitive )?moat\b|\bdominance\b|\bconsolidation\b|\bbusiness model\b"
            r"|\bmarket share\b|\bunit economics\b",
            r"\bnotoriously\b",
            # session 9: the news about the brand ("every time wework is in the news"), one development row: weak
            r"\b(?:is|are|was|were|been) in the news\b",
        ),
        matches=(
            "hot take: the outage last year taught the whole industry about multi-region",
            "i built something similar in 2015 and it went nowhere",
            "the app rewrite is the textbook example of a big-bang rewrite",
            "their real moat is the motor and the manufacturing",
            "the realtime feed has been notoriously unreliable for years",
            "every time wework is in the news it's another valuation story",
        ),
        misses=("my router has dropped out every night since monday",),
    ),
    # ---------------------------------------------------------------- article
    Rule(
        # session 15 (branch judge15, flags_fresh25.csv's false flags, essays shared as mastodon posts): a post opening as
        # a headline, "a (good / long / short) piece / read / essay / article / explainer on ...", "how <brand> became /
        # went from / ended up ...". Counted on the twenty-eight sets: 21 rows, none needs a reply (3 flagged before,
        # one with a question mark: "A piece on the August lock and renting: who owns the access log ...?")
        "headline",
        "article",
        (
            r"^(?:a |an )?(?:short |long |new |good |quick |great |longer |interesting )?(?:piece|read|essay|write-?up"
            r"|article|longread|explainer|deep dive|column)(?: \w+)? (?:on|about)\b",
            r"^how @?[\w&.' -]{2,30}? (?:became|went from|ended up)\b",
            # session 15 (branch judge16, flags_fresh26-29.csv's false flags, mastodon essays): "A short history of ...",
            # "On the odd history of ...", "On insoles: ..." opening the post. Counted on the thirty-two sets: 5 rows, none
            # needs a reply
            r"^(?:an? )?(?:short|brief|long|potted|odd|strange) history of\b|^an? history of\b"
            r"|^on (?:the )?(?:[\w-]+ ){0,2}(?:history|economics|business|rise|fall|politics) of\b|^on (?!hold\b|time\b)[a-z]+(?: [a-z]+)?: [a-z]",
        ),
        matches=(
            "a short history of refractive surgery in britain: from radial keratotomy to the high street",
            "on the odd history of the acme stampede, the truck that taught a generation to solder",
            "on insoles: acme have been making the same basic insole since 1977",
            "long read on acme selling off its stores and what it means",
            "how acme became the default for audiobooks",
        ),
        misses=(
            "post it on their facebook page, they reply there faster",
            "how acme lost my parcel twice",
            "read the article on your site and still can't find the returns address",
            "on hold for an hour: still no answer",
            "on hold: 40 minutes so far",
            "history of my account shows two payments",
        ),
        english_only=False,
    ),
    # ---------------------------------------------------------------- pitch
    Rule(
        # session 19: an offer to work with the brand that names the audience it brings (the labelling guide since
        # session 16: influencer, sponsorship and partnership pitches are chatter, no reply). Both must be there: an
        # audience ("80k followers", "(45k)", "2M on TikTok", "300k subs") and an offer ("collab", "partnership",
        # "sponsored", "media kit", "would you sponsor", "in exchange for"); "my sponsor" is the writer's own. Counted on
        # the forty-four sets: 30 posts, every one a pitch (3 labelled True before the guide settled them, relabelled:
        # fresh34 36432, fresh35 37114 and 37230); 15 of the held-out false flags of fresh38-41 (the layer trained
        # without them) were such pitches.
        "creator-pitch",
        "pitch",
        (
            r"^(?=[\s\S]*?(?:\b\d[\d,.]*\s?(?:k|m|million)?\+?\s+(?:[a-z]+\s+)?(?:followers|subs|subscribers|readers"
            r"|listeners|viewers|views)\b|\(\d[\d,.]*\s?[km]\)|\b\d[\d,.]*\s?[km]\s+(?:on|across)\s+(?:tiktok|instagram"
            r"|insta|ig|youtube|yt|twitch|linkedin)\b))"
            r"(?=[\s\S]*?(?:\bcollab(?:s|orat\w*)?\b|\bpartnerships?\b|\bpartner (?:with|on)\b|(?<!my )\bsponsor(?:ed"
            r"|ship|ships)?\b|\bmedia kit\b|\bbrand deals?\b|\bambassador|\bin exchange for\b|\bmy rates\b"
            r"|\bdm (?:me )?for rates\b|\bwork with (?:creators|influencers)\b|\bcreator program(?:me)?\b"
            r"|\blove to feature\b))",
        ),
        matches=(
            "@chipotletweets i'm a food creator with 2m on tiktok, would love to collab on a secret menu series",
            "hey @uhaul we make moving day vlogs for 300k subs, would you sponsor our next episode?",
            "hi casetify 👋 i'm a ugc creator (tech + lifestyle, 120k on tiktok) and would love to chat about a "
            "partnership!",
            "@waterbabies i'm a parenting blogger (45k) would love a free term in exchange for reviews",
            "i run a remote work newsletter (45k readers) and want to pitch a partnership for our january issue",
            "@kobo hi! bookstagrammer here (22k), would love to feature the libra colour. do you work with creators?",
        ),
        misses=(
            "stats dropped 70% overnight and my sponsor wants an explanation. ~4k downloads per episode",
            "would love to collab with you on a fix for this, the app crashed again",
            "my 12k followers all saw the wrong price on your site",
            "our partnership account was charged twice, invoice 4471",
        ),
    ),
    # ---------------------------------------------------------------- bare-mood
    Rule(
        # session 15 (branch judge15): the brand's name, @handle or #hashtag and a mood only ("docusign 😩", "august
        # lock"'s "🔒😤", "@acme 😡😡😡"): the labelling guide since fresh22 says no reply (fresh20 and fresh21 relabelled).
        # Matched against the rest of the post once analysis.flags has blanked the brand's names, @handles and
        # #hashtags: emoji, punctuation or one mood word and nothing else (no letter, digit or question mark). Counted
        # on the twenty-eight sets: 107 posts, 90 need no reply; the other 17 are bare moods labelled True before the
        # guide said otherwise (fresh, fresh2 x2, fresh12, fresh16, fresh17, fresh19 x11; not relabelled)
        "bare-mood",
        "bare-mood",
        (
            r"^[^\w?]*[^\w\s?][^\w?]*$",
            r"^[^\w?]*(?:ugh+|u?rgh+|argh+|sigh|meh|smh|ffs|wtf|omg|yikes|oof|bruh|welp|hm{2,}|nope)(?!\w)[^\w?]*$",
        ),
        matches=(" 😩", "  🔒😤", " 🏠⏳⏳⏳ ", "  ugh 😒", " sigh"),
        misses=(" coil dead after 2 digs 😡", " 📵📵📵 again??", " 🪜💥 wl-22340", " sure 🙄", " ", " 😩?"),
        english_only=False,
    ),
)


def category_regex(category: str) -> str:
    """The rules of `category` in RULES as one regular expression (analysis.flags reads `peer` this way)."""
    return "|".join(f"(?:{r.regex})" for r in RULES if r.category == category)


def rule_regex(name: str) -> str:
    """The regular expression of the rule `name` in RULES."""
    return next(r.regex for r in RULES if r.name == name)


def _expand(rule: Rule, products: tuple[str, ...]) -> Rule:
    if rule.name != "my-thing":
        return rule
    return Rule(
        rule.name,
        rule.category,
        tuple(p.replace("{things}", things(products)) for p in rule.patterns),
        rule.matches,
        rule.misses,
        rule.points,
        rule.english_only,
        rule.spoken_only,
    )


def _terms_rule(name: str, category: str, terms: tuple[str, ...]) -> Rule | None:
    words = sorted({str(t).strip().strip('"').strip().lower() for t in terms} - {""}, key=lambda w: (-len(w), w))
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in words)
    return Rule(
        name,
        category,
        (rf"(?<!\w)(?:{alternatives})(?!\w)",),
        matches=(words[0],),
        misses=(),
        english_only=False,
    )


@cache
def brand_rules(
    products: tuple[str, ...] = (), complaint_terms: tuple[str, ...] = (), praise_terms: tuple[str, ...] = ()
) -> tuple[Rule, ...]:
    """RULES with a brand's vocabulary (monitor.toml): its `products` join the things of `my-thing`
    ("my <product>" is a weaker problem cue); `complaint_terms` and `praise_terms` become the rules
    `brand-complaint-term` and `brand-praise-term` (any language). `ignore_terms` are applied by
    analysis.flags: a mention naming one is never flagged."""
    rules = [_expand(r, products) for r in RULES]
    for rule in (
        _terms_rule("brand-complaint-term", "complaint", complaint_terms),
        _terms_rule("brand-praise-term", "praise", praise_terms),
    ):
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole-word, case-insensitive pattern of `terms` (quotes dropped), None when there are none."""
    rule = _terms_rule("terms", "complaint", terms)
    return re.compile(rule.regex, re.IGNORECASE) if rule is not None else None


def check_table(rules: tuple[Rule, ...] = RULES) -> list[str]:
    """Problems with the table: unknown categories, duplicate names, rules without both kinds of example, a rule
    for no language, patterns that do not compile, examples that do not behave. Empty when all is well."""
    problems: list[str] = []
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            problems.append(f"{rule.name}: duplicate name")
        seen.add(rule.name)
        if rule.category not in CATEGORIES:
            problems.append(f"{rule.name}: unknown category {rule.category!r}")
        if not rule.matches or not rule.misses:
            problems.append(f"{rule.name}: needs at least one example that matches and one that does not")
        if rule.english_only and rule.other_languages_only:
            problems.append(f"{rule.name}: english_only and other_languages_only: it would run on no post")
        try:
            pattern = re.compile(_expand(rule, ()).regex)
        except re.error as exc:
            problems.append(f"{rule.name}: {exc}")
            continue
        problems += [f"{rule.name}: should match {t!r}" for t in rule.matches if not pattern.search(t)]
        problems += [f"{rule.name}: should not match {t!r}" for t in rule.misses if pattern.search(t)]
    return problems
