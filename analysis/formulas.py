"""The metric formulas and their constants, stated once: pages and CSV reports print these next
to each number, and the code that computes them (numpy in analysis/, SQL in store/) reads the
same constants. Where each fact lives: docs/architecture.md.

Every function in `analysis/` that computes one of these cites its key here. Bump
FORMULAS_VERSION whenever a formula (or a threshold in one) changes, so a report says
which rules produced its numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

FORMULAS_VERSION = "36"  # 2: business hours; 3: brand-neutral sentiment, reply rule table, articles, detected languages; 4: gratitude needs praise words; 5: reply rules for other brands (news, negated praise), reviews and ratings, resolution after a reply; 6: the learned reply layer (session 6, unbumped then), replies to other users in the brand's thread (session 8); 7: advice between customers in the brand's thread, a comment with the writer's own reference number, the layer retrained with flags_fresh7.csv (session 9); 8: a comment naming the brand only as "their" that speaks for the writer's organisation, a me-too comment with an order number, a plain yes/no question or a hyphenated name is about the brand, rules from flags_fresh8.csv's kinds of miss and false flag, the layer retrained with it (session 10); 9: a reply in the brand's thread about a relative's experience, a question about the other user's thing or encouragement is not addressed (rule category peer-aside), a me-too reply with the writer's own number is not peer talk, customer / supporter / member numbers are references, rules from flags_fresh9.csv's kinds, the layer retrained with it (session 10, branch judge6); 10: a fault the brand already put right, told with praise or thanks, is gratitude whatever the score or a "but" (rule category put-right), "is <up to five words> worth it" asked of the crowd, the layer retrained with flags_fresh10.csv (session 10, branch judge7); 11: a question without a mark opening with the brand's name (rule asks-by-name), injuries (rule injury), praise opening a post that then tells a fault (rule ironic-opener), "anyone done / been to X, is it ..." asked of the crowd, the layer retrained with flags_fresh11.csv (session 11, branch judge8); 12: a me-too reply in the brand's thread ("same here, ...", "ours did the same, ...") tells the writer's own fault (rule me-too-own) and is no longer peer advice, thanks to the brand by name for a fault (rule thanks-for-fault), a verdict after a fault put right ("all good now", "can't fault them") is gratitude, "X or Y for <a use>?" asked of the crowd, the layer retrained with flags_fresh12.csv and flags_fresh13.csv (session 11, branch judge9); 13: sarcasm about the writer's own purchase opening the post ("so glad i pay ...", "nothing like paying ...", "thanks <brand> for the '...'"; rules sarcastic-delight, thanks-for-fault), safety reports without a safety word (rule hazard), "is it just me or" asked of the crowd, the layer retrained with flags_fresh14.csv and flags_fresh15.csv (session 12, branch judge10); 14: sarcasm about the writer's own purchase ("so grateful to <brand> for ...", "thrilled to pay", "paid <brand> £85 to ...", "nothing says ... like"; rules sarcastic-delight, thanks-for-fault, paid-for-it, ironic-story), faults told in emoji (rule weary-emoji), more safety words (rule hazard), a price paid before the name makes it the brand's, and as not needing one: "X or Y for <a longer use>?" asked of the crowd, price gripes about a whole trade (industry-wide), a fault put right "but <fix>" (put-right), questions about another user's choice in the brand's thread (peer-aside), the layer retrained with flags_fresh16.csv and flags_fresh17.csv (session 13, branch judge11); 15: sarcasm ("with a free bonus ...", "lovely of <brand> to ...", "great work <brand>, sending ...", "nothing like a ... where"), pests, sickness and no-entry emoji, more safety words (hives, shards, a bone in food, a red light run), "same, my ..." me-too replies, a fault told as a tally, and as not needing one: advice to another user by handle, "no problems since" after a fix, whole-trade price gripes, "which feels better" asked of the crowd, the layer retrained with flags_fresh18.csv and flags_fresh19.csv (session 13, branch judge12); 16: styled letters (𝐛𝐨𝐥𝐝, 𝘪𝘵𝘢𝘭𝘪𝘤, full-width) read as plain ones by the rules and the layer, praise opening a post with a word quoted back (rule praised-quote), "so kind of / really reassuring / so grateful <brand> <did>" (ironic-kindness), falls, near misses, hissing gas and missing barriers (injury), emoji with a reference, "still greyed out" replies, "sort it" closing a post, and as not needing one: verdicts after a fault put right ("no fuss", "works again", "much obliged"), trade-wide gripes ("a scam everywhere now"), "did you get the ..." asked of another user, "roto-" inside a name, the layer retrained with flags_fresh20.csv .. flags_fresh23.csv (session 14, branch judge14); 17: a bare mood (the brand's name, handle or hashtag with emoji or one mood word only: "docusign 😩") needs no reply and the layer does not read it (rule category bare-mood; fresh20's and fresh21's relabelled), a post opening as an article's headline ("A long read on ...") is judged as an article, circled and squared letters, and script / double-struck / Fraktur letters kept in Letterlike Symbols (ℯ, ℊ, ℂ), read as plain ones, a several-word name written as one (#MaidenheadAquatics) names the brand, a fault told as a terse tally (terse-tally), thanks for a job done "so well" that a fault followed (ironic-result), "very smart" / "perfect timing" / "everywhere except" closing a fault, invoice numbers as references, "double deducted", "showing blank", and as not needing one: "no questions" / "patched it and" / "the update fixed it" after a fault put right, "<trade> is a scam" and "every <kind of> app ..." gripes, the layer retrained with flags_fresh24.csv and flags_fresh25.csv (session 15, branch judge15); 18: sarcasm about the writer's own purchase ("delighted that my <thing> ...", "love my <thing>, especially the part where ...", "big thanks to <brand> for the <thing> that ..."; rules own-thing-delight, thanks-for-the-thing), faults told without a fault word ("jammed on day one", "has a crack", "tastes burnt", "absorbs nothing", "full of moths"; fault-told), "taken £x twice", and as not needing one: a fault put right ("restored same day", "toasty ever since", "the saga is over"), "A short history of" / "On <topic>:" essays, trade-wide fee gripes, the brand in a choice put to the crowd ("<brand> <product> or <other> for ...?") or one of a whole trade ("<brand> and every other carrier"), 17 bare moods of older sets relabelled False, the layer retrained with flags_fresh26.csv .. flags_fresh29.csv (session 15, branch judge16); 19: the learned layer decides the English posts it applies to, reading the rules' signals, how the post reaches the brand and its tone with the text (a post the rules flag can be left out, one they do not can be flagged at the same threshold), trained on thirty-eight sets (session 17, branch stack); 20: the layer's terms chosen the same on every machine (ties at the term cap broken by the term, not by the CPU's sort), retrained: its scores move, none of the 13,890 development rows' decisions (session 18); 21: the layer retrained on forty-four sets (fresh36-41 added), a brand's name in small letters is read as an ordinary word in English posts only (German capitalises every noun: "weiß jemand ob thomann noch ..." names the brand), a post in another language with the writer's own order, booking or account reference ("Bestellung 41233018", "réservation 5541330") is a complaint (rule non-english-reference) (session 18, branch judge19); 22: a brand's name is read as an ordinary word only when it is one common English word (wordfreq, analysis.flags.common_word: not "crumbl", "loganair", "boost juice"), a country's account ("@Wayfair_de", "@HomeDepotMexico") is the brand's handle, an influencer's or creator's pitch naming its audience is never flagged (rule category pitch; 3 older pitches relabelled False as the guide says), the layer retrained on forty-six sets (fresh42 and fresh43 added after their blind scoring) (session 19, branch judge20); 23: a brand's name written against Chinese, Japanese or Korean letters names it ("DeepLの無料版"), me-too comments opening "exact same" / "same situation here" / "same at" and first-person comments with a patient, member, policy, account, agreement, contract or job number of five digits or more are the writer's own case, more creators' pitches, the layer retrained on forty-eight sets (fresh44 and fresh45 added after their blind scoring) (session 19, branch judge21); 24: a me-too reply whose own case the brand already put right ("refunded within the week", "got the money back via the app", "the refund came through", "they did remove it in the end") is gratitude (rule put-right), the layer retrained on the same forty-eight sets (session 20, branch judge22); 25: a fault the brand already put right with nothing asked is settled (the layer does not read it), me-too comments opening with a bare "same" and receipt, serial, prescription, batch and device numbers, references in several lettered parts ("FS-AT-3302088") and last digits ("account ending 6021") are the writer's own case, Swedish, Danish, German, Dutch, Italian, Portuguese, Irish, Japanese, Korean and Chinese reference words (rule non-english-reference), the layer reads praise and praise spoken to the brand, retrained on fifty-two sets (fresh46 and fresh47 added after their blind scoring, then fresh48 and fresh49 after theirs) (session 20, branch judge23); 26: more praise words ("a gem", "so patient", "changed my commute", "quick work, ta", "merci"), me-too comments opening "had the same" and member numbers by their last digits are the writer's own case, the layer retrained on fifty-four sets (fresh50 and fresh51 added after their blind scoring) (session 20, branch judge24); 27: a code standing on its own ("RTN-55821", "7714-0203", "FV/2026/11/88412", six digits or more; never money, a date or a span of years) is a reference whatever word names it (rule reference-number), a case ended "fine since", "all good", "no issue now", "fixed itself", "nothing to chase", "in the end they paid", "as an apology" or the writer's own earlier complaint then thanks is put right (rule put-right), the layer retrained on fifty-six sets (fresh52 and fresh53 added after their blind scoring) (session 21, branch judge25); 28: "all fine in the end", "not a peep since", "without a hitch", "it was in my account the next day" and the writer's own earlier complaint dated before the praise ("last month I roasted you on here ...") end a case put right (rule put-right), codes of letters and digits run together ("C24-09417", "CP123987665PL") are references, an interjection before a me-too "same" ("lol same, ...") is the writer's voice, the layer retrained on fifty-eight sets (fresh54 and fresh55 added after their blind scoring) (session 21, branch judge26); 29: a reply or comment with a reference and no word spoken to or about another person is the writer's own case (the interjection rule of 28 folded into it), references by the last digits of a line, number, SIM, plan or order, in groups of digits ("order 4-120-087", "member JH 0087 2210") or digits then letters ("ref 1177-MKB"), a post in another language with a number of four digits or more (not a year) and no thanks, praise or English-only word is a complaint (rule non-english-number), a case that came right by itself or after a while ("reversed automatically after 24hrs", "turned up 10 min later") is put right, the layer retrained on sixty sets (fresh56 and fresh57 added after their blind scoring), then on sixty-two (fresh58 and fresh59 added after theirs) (session 21, branch judge27); 30: a booking locator of six letters and digits ("booking JKRWQE", "PNR MB2K9R") and a player tag ("tag #8GQ2VLLR") are references, a Hacker News comment telling a fault in the writer's own integration ("our bot gets 4014 since last week") or asking the brand about its API is addressed to the brand, the layer retrained on the same sixty-two sets, then on sixty-four (fresh60 and fresh61 added after their blind scoring) (session 21, branch judge28); 31: a reply in the brand's thread opening with other users' @handles speaks to them, not to the brand, unless it tells the writer's own case, and the learned layer learns from the demo's comments under the brand's own Show HN story (the story sits in the held-out part and was dropped with it, so those comments answered nobody's post in training); two thresholds in place of one, both 0.0 (branch judge29 was frozen with -0.5 for posts the rules flag and 0.5 for the others, chosen on sets the layer was not trained on, and flagged more with no need on the blind sets it was scored on), the layer retrained on sixty-six sets (fresh62 and fresh63 added after their blind scoring) (session 22, branches judge29 and judge30); 32: a post in another language that opens with the brand's @handle and holds no thanks or praise word is a complaint (rule non-english-hailed), more thanks and praise words of other languages, the layer retrained on sixty-eight sets (fresh64 and fresh65 added after their blind scoring), then on seventy (fresh66 and fresh67 added after theirs) (session 22, branch judge31); 33: a post in another language holding the brand's @handle anywhere, not only opening it, with no thanks or praise word is a complaint (rule non-english-hailed), thanks in Czech, Welsh and Afrikaans; the demo's development posts weigh 4 in the layer's training against 1 for every other set's (chosen on data the layer was not trained on: the demo's development part in five folds and fresh62-67 judged by a layer trained on the sets before them), the layer retrained on seventy sets, then on seventy-two (fresh68 and fresh69 added after their blind scoring) (session 23, branch judge32); 34: a post in another language telling what is still not there, not answered, not working, charged or late in its own words ("nog steeds geen reactie", "toujours rien reçu", "paise kat gaye", "又延误", "접속이 안 돼요") is a complaint (rule non-english-fault), a repair or replacement quote the writer disputes ("wants $129 to replace a battery") is a billing complaint, the layer retrained on seventy-four sets (fresh70 and fresh71 added after their blind scoring; branch judge33 was frozen with the regularisation C 3, chosen as the demo weight was, found fewer on fresh70, and C stays 10) (session 24, branch judge33); 35: the learned layer no longer reads which platform a post came from (trained without it, the sets judged by a layer trained on the sets before them flag 13 fewer posts with no need and find as many), still nothing and nobody answering in more of other languages' words ("y nada todavía", "vẫn chưa ai trả lời", "abhi tak nahi", "tot nu a ajuns"; rule non-english-fault), the layer retrained on seventy-four sets, then on seventy-six (fresh72 and fresh73 added after their blind scoring) (session 25, branch judge34); 36: the service itself down told with no verb ("fibra down since 7am"; rule outage), a cockroach in a drink or an allergy ignored (hazard), a person hit, taken to hospital or harassed (injury), staff who shrugged a report off or did nothing and someone asked to look at it (rule shrugged-off), the layer retrained on seventy-six sets (session 26, branch judge35)
#: a brand's reply SLA when it sets none (monitor.toml `sla_hours`), in hours.
DEFAULT_SLA_HOURS = 4.0
#: how long after the brand's first response an author's follow-up still counts (monitor.toml `resolution_days`),
#: in days; collectors revisit the conversations the brand joined for this long.
DEFAULT_RESOLUTION_DAYS = 7
#: the outcomes of an answered conversation (analysis.resolution); a manager may set the first three by hand.
OUTCOMES: tuple[str, ...] = ("resolved", "unresolved", "no_follow_up", "pending")

#: VADER compound at or above this is positive, at or below NEGATIVE_AT negative.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05

# --- priority: FORMULAS["priority_base"] and ["priority"] (analysis.flags in numpy, store.queue in SQL)
#: points per reply signal.
POINTS: dict[str, int] = {
    "question": 15,
    "help": 20,
    "problem": 25,
    "hint": 15,
    "sarcasm": 15,
    "negative": 10,
    "negative_per_compound": 15,
    #: a post only the learned layer flagged (analysis.reply_model).
    "model": 15,
}
#: reach points = REACH_PER_DECADE x (log10(followers) - REACH_FROM_DECADE), within 0..REACH_POINTS_MAX.
REACH_PER_DECADE = 5
REACH_FROM_DECADE = 2
REACH_POINTS_MAX = 20
#: engagement points = ENGAGEMENT_PER_DECADE x log10(1 + engagements), within 0..ENGAGEMENT_POINTS_MAX.
ENGAGEMENT_PER_DECADE = 5
ENGAGEMENT_POINTS_MAX = 10
#: priority_base is capped here; waiting points come on top while unanswered.
BASE_CAP = 70
#: waiting points = WAIT_POINTS x min(1, waited / SLA) + BREACH_POINTS once the SLA is breached.
WAIT_POINTS = 20
BREACH_POINTS = 10
PRIORITY_MAX = 100

# --- reviews and ratings (issue 18): FORMULAS["needs_reply"] for reviews, ["avg_rating"], ["csat"]
#: a review rated at or below this always needs a reply (1-2 stars).
LOW_RATING_AT = 2
#: a review with this rating needs a reply when it names a problem (or asks / asks for help).
MIXED_RATING = 3
#: priority points for a low rating, by stars.
RATING_POINTS: dict[int, int] = {1: 30, 2: 20}
#: CSAT counts reviews rated at or above this as satisfied (4-5 stars).
SATISFIED_AT = 4


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def competitors(self) -> Sequence[str]: ...


def own_brand_names(brands: Iterable[_Named]) -> set[str]:
    """Brands the team runs (FORMULAS["own_brand"]): a brand is own if it lists competitors or is
    not named as anyone's competitor; if that leaves none, all are own."""
    brands = list(brands)
    competitor_names = {c for b in brands for c in b.competitors}
    own = {b.name for b in brands if b.competitors or b.name not in competitor_names}
    return own or {b.name for b in brands}


#: key -> the formula as a reader should see it.
FORMULAS: dict[str, str] = {
    "sentiment": (
        f"VADER compound score (-1..1) of the brand-neutral post text: the mention's own brand names, keywords "
        "and handles, its competitors' names and every @handle and link are removed first, so a brand's name "
        "(VADER scores 'united', 'best', 'glad', 'free', 'smart') never moves its score; label positive if "
        f">= {POSITIVE_AT:g}, negative if <= {NEGATIVE_AT:g}, else neutral; 'unscored' for text VADER cannot "
        "judge: not English by its platform language or, when none is given, by language detection. A "
        "manager's correction wins."
    ),
    "language": (
        "the platform's language code; when there is none, py3langid's most likely language (probability >= 0.5, "
        "else English); @handles and links are ignored. Posts not in English are 'unscored' and flagged on "
        "the rules that need no English only (punctuation, emoji, named words and references of other languages)"
    ),
    "engagements": "likes + replies + reposts + quotes (a missing count counts as 0)",
    "engagement_rate": (
        "engagements / views over mentions whose views are known (views > 0; denominator 'views'); when no "
        "mention in the group has views: engagements / author followers over mentions whose followers are "
        "known (> 0; denominator 'followers'). Each ratio only counts engagements of mentions with that "
        "denominator; the two are never mixed"
    ),
    "share_of_voice": "brand mentions / (brand mentions + competitor mentions), per period",
    "net_sentiment": "(positive - negative) / (positive + negative); empty when both are 0",
    "avg_sentiment": "sum of VADER compound / scored mentions (unscored excluded)",
    "needs_reply": (
        "addressed to an own brand (names or @-mentions it, answers or sits in the thread of its post, or is in "
        "its subreddit, except a comment there under another user's post that names the brand nowhere; a comment under "
        "a user's post that carries the writer's own reference number in their own voice (or after \"same here\") is "
        'addressed, and so is one naming the brand only as "their" / "they" that speaks for the writer\'s own '
        "organisation (our, we, us); a post opening "
        "with other users' @handles only speaks to them: outside the brand's thread it is not addressed, in it only "
        "complaint rules count and the learned layer does not read it; so does a reply in the brand's thread that "
        "advises another user or tells them a me-too story, rule category peer, unless it carries the writer's own reference "
        "number; a reply in the brand's thread about a relative's experience, a question about the other user's thing "
        "or encouragement is not addressed, rule category peer-aside, unless it asks the brand or carries the writer's "
        "own reference number; an English post that writes a brand's name only in small letters while capitalising other "
        "words means the ordinary word, not the brand, only when the name is one common English word, wordfreq's Zipf "
        ">= 3.2: 'gap', 'peacock', never 'crumbl' or 'boost juice'; a country's account of the brand, '@wayfair_de', is "
        "its handle; a name written against Chinese, Japanese or Korean letters names the brand: 'deeplの無料版') AND a question (not rhetorical), a help request, or a complaint, each a named rule of "
        "the rule table (analysis/rules.py, extended per brand by products, complaint_terms and praise_terms): "
        "a complaint rule (refund, billing, late-or-lost, ...), a weaker problem cue (negation, again, "
        "waited-duration, my-thing, ...) in a post without praise (a complaint is cancelled only by thanks or "
        "praise in words with compound >= 0.3, never by a high score alone), negative sentiment without praise words and "
        "not explained by a not-a-problem rule ('no issues at all'), or sarcasm; negated praise ('not great') is no "
        "praise; in a news post about the brand (results, layoffs, strikes, 'reportedly') whose author writes "
        "nothing personal (no I/my/we/our/you/your) only questions, help requests and sarcasm count; posts not in English use the "
        "rules that need no English only (punctuation, emoji, named words and references of other languages); then the learned layer (analysis/reply_model.py, English posts only, no "
        "reviews, not spoken to other users) decides: a logistic regression on the brand-masked text's words and "
        "character n-grams, the rules' signals (which rules fired, whether the rules alone flag it, whether the post "
        "opens with the brand's @handle or sits in its thread, and its kind: post, reply or comment; not its platform) and the sentiment compound; the post "
        "is flagged when its decision is at least the model's keep_at where the rules flag it, its add_at where they do not (both 0.0); never the brand's own posts, reposts, articles (RSS entries, "
        "linked Hacker News stories), posts naming a brand's ignore_terms, an influencer's pitch naming its audience (rule category pitch), or "
        "competitor-only mentions"
    ),
    "own_brand": "a brand that lists competitors, or that no brand names as a competitor (all brands when none is)",
    "priority_base": (
        "the points of the rule that fired, by default: "
        f"question {POINTS['question']} + help {POINTS['help']} + problem vocabulary {POINTS['problem']} (else weaker "
        f"problem cue {POINTS['hint']}) + negative {POINTS['negative']} + {POINTS['negative_per_compound']} x "
        f"|compound| + sarcasm {POINTS['sarcasm']} (when neither problem words nor negative) + {POINTS['model']} when the "
        "learned layer alone flagged it + reach "
        f"{REACH_PER_DECADE} x (log10(followers) - {REACH_FROM_DECADE}) capped 0..{REACH_POINTS_MAX} + engagement "
        f"{ENGAGEMENT_PER_DECADE} x log10(1 + likes + replies + reposts + quotes) capped 0..{ENGAGEMENT_POINTS_MAX}; "
        f"rounded, capped at {BASE_CAP}; 0 when no reply is needed"
    ),
    "priority": (
        f"priority_base + waiting points: {WAIT_POINTS} x min(1, waited / SLA) + {BREACH_POINTS} once the SLA is "
        f"breached; 0..{PRIORITY_MAX}. Answered mentions keep priority_base"
    ),
    "waited_hours": (
        "(first response, or now if unanswered) - posted, in hours; for a brand with business_hours only the "
        "time inside its opening hours counts (business hours)"
    ),
    "business_time": (
        "time inside a brand's business_hours (monitor.toml): its open days (local time zone, holidays "
        "closed), from opening to closing; a mention posted outside hours starts its clock at the next "
        "opening. SLA deadline = posted + SLA hours of business time. Brands without business_hours count "
        "calendar time around the clock"
    ),
    "response_rate": "flagged mentions with a first response / flagged mentions",
    "first_response_time": (
        "first_response_at - created_at over answered flagged mentions, mean and median, in minutes (calendar time)"
    ),
    "first_response_business_time": (
        "the same over answered flagged mentions of brands with business_hours, counting business time only "
        "(see business_time), in minutes; empty for brands without business_hours"
    ),
    "sla_breach_rate": (
        "flagged mentions answered after SLA, or unanswered and already waiting longer than SLA / flagged mentions; "
        "waited in business time for brands with business_hours"
    ),
    "resolution_outcome": (
        "for each conversation the brand answered (another's mention with a first response: a collected brand "
        "reply, a reply posted from the dashboard, or Mark replied), the follow-up is the same author's first post "
        "on the same platform in the same thread (its thread, or answering the brand's reply) after the first "
        "response and within the brand's resolution_days "
        f"(default {DEFAULT_RESOLUTION_DAYS}). Outcome: 'unresolved' when the follow-up repeats the problem (a "
        "complaint rule or weaker problem cue of the reply rule table, sarcasm, or a help request) or is negative "
        "without thanking; 'resolved' when it thanks the brand (a praise rule, not sarcastic) or is positive, "
        "neutral or unscored without a problem; 'no follow-up' when none came within the window; 'pending' while "
        "the window is still open and nothing came yet. A manager's outcome wins"
    ),
    "resolution_rate": (
        "resolved / (resolved + unresolved + no follow-up) over answered conversations, by the day the mention "
        "was posted; pending conversations are left out"
    ),
    "sentiment_shift": (
        "follow-up VADER compound - the answered mention's compound (-2..2), for conversations with a follow-up "
        "whose two posts are both scored; mean_sentiment_shift is its mean"
    ),
    "spike": ("value > mean + k x std of the previous `window` periods (population std); needs a full window"),
    "period": "day or ISO week (Monday 00:00 UTC), in UTC",
    # --- reviews and ratings (issue 18)
    "review_needs_reply": (
        f"a review (App Store, Google Play, or an imported row with a rating) of an own brand's app is addressed "
        f"to it; it needs a reply when rated 1 to {LOW_RATING_AT} stars (always), {MIXED_RATING} stars with a "
        "complaint or problem cue, a question or a help request (the rule table), or 4-5 stars with a question or "
        "a help request; negative sentiment or sarcasm alone does not flag a rated review. Priority adds "
        + ", ".join(
            f"{points} points for {stars} star{'s' if stars > 1 else ''}" for stars, points in RATING_POINTS.items()
        )
    ),
    "avg_rating": "sum of star ratings / rated reviews (1-5), per period, app and platform; empty when none is rated",
    "csat": (
        f"reviews rated {SATISFIED_AT} or 5 stars / rated reviews, per period, app and platform (CSAT-style share of "
        "satisfied reviewers, 0-100 %); empty when none is rated"
    ),
}
