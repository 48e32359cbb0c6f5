"""The metric formulas, stated once: pages and CSV reports print these next to each number.

Every function in `analysis/` that computes one of these cites its key here. Bump
FORMULAS_VERSION whenever a formula (or a threshold in one) changes, so a report says
which rules produced its numbers.
"""

from __future__ import annotations

FORMULAS_VERSION = "1"
#: the reply SLA when a brand sets no `sla_hours` (monitor.toml), in hours.
DEFAULT_SLA_HOURS = 4.0

#: key -> the formula as a reader should see it.
FORMULAS: dict[str, str] = {
    "sentiment": (
        "VADER compound score (-1..1) of the post text; label positive if >= 0.05, negative if <= -0.05, "
        "else neutral; 'unscored' for text VADER cannot judge (not English). A manager's correction wins."
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
        "its subreddit) AND a question, a help request, or a complaint: problem vocabulary (refund, cancelled, "
        "broken, still waiting, ...), a weaker problem cue (a negation, 'again', 'for 3 weeks', 'my order', ...) "
        "in a post without praise, negative sentiment without praise words, or sarcasm; never the brand's own "
        "posts, reposts or competitor-only mentions"
    ),
    "priority_base": (
        "question 15 + help 20 + problem vocabulary 25 (else weaker problem cue 15) + negative 10 + 15 x |compound| "
        "+ sarcasm 15 (when neither problem words nor negative) + reach 5 x (log10(followers) - 2) capped 0..20 "
        "+ engagement 5 x log10(1 + likes + replies + reposts + quotes) capped 0..10; rounded, capped at 70; "
        "0 when no reply is needed"
    ),
    "priority": (
        "priority_base + waiting points: 20 x min(1, waited / SLA) + 10 once the SLA is breached; "
        "0..100. Answered mentions keep priority_base"
    ),
    "waited_hours": "(first response, or now if unanswered) - posted, in hours",
    "response_rate": "flagged mentions with a first response / flagged mentions",
    "first_response_time": (
        "first_response_at - created_at over answered flagged mentions, mean and median, in minutes"
    ),
    "sla_breach_rate": (
        "flagged mentions answered after SLA, or unanswered and already waiting longer than SLA / flagged mentions"
    ),
    "spike": ("value > mean + k x std of the previous `window` periods (population std); needs a full window"),
    "period": "day or ISO week (Monday 00:00 UTC), in UTC",
}
