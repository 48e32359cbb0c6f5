"""The reply queue: which mentions need a reply, why (in words a manager reads), and how urgently.

`assess` runs once at ingest and stores `needs_reply`, `flag_signals` and `priority_base`
(everything that does not change with time); `queue_priority` adds the time-waited part when
the queue is read. Formulas: analysis.formulas.FORMULAS["needs_reply"], ["priority_base"],
["priority"]. "Already answered" is the queue's business (mention_state.first_response_at).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import sla as sla_clock
from analysis.distinct import per_distinct
from analysis.formulas import (
    BASE_CAP,
    BREACH_POINTS,
    DEFAULT_SLA_HOURS,
    ENGAGEMENT_PER_DECADE,
    ENGAGEMENT_POINTS_MAX,
    POINTS,
    PRIORITY_MAX,
    REACH_FROM_DECADE,
    REACH_PER_DECADE,
    REACH_POINTS_MAX,
    WAIT_POINTS,
    own_brand_names,
)
from config import Brand

#: authors with at least this many followers are "high reach" (named in the signals).
HIGH_REACH_FOLLOWERS = 10_000

_URL = r"(?:https?://|www\.)\S+"
_SEP = "; "

_QUESTION = re.compile(
    r"[?？¿]"
    r"|^(?:[@#]\S+\s+)*(?:how|why|where|when|anyone|does anyone|is there a way|can (?:someone|anyone|you|i))\b(?!')"
)
#: questions nobody expects an answer to ("who else loves ...?").
_RHETORICAL = re.compile(
    r"\bwho else\b|\bhow (?:cool|awesome|great|good|amazing|nice|fast|beautiful|smooth|cute) (?:is|are|was)\b"
    r"|\bwhat a\b|\b(?:isn't|isnt|aren't) (?:it|this|that|they) (?:great|amazing|awesome|beautiful|cool)\b"
    r"|\bam i the only one who (?:loves?|likes?|enjoys?)\b|\bguess what\b|\bdid you know\b"
    r"|\bwhy (?:is|are) (?:it|this|they|the \w+) so (?:good|great|amazing)\b"
)
_HELP = re.compile(
    r"\b(?:need|needs|needing|want|get|getting|any|some)\s+(?:some\s+|urgent\s+)?help\b"
    r"|\b(?<!the )(?<!your )(?<!for )help\s*(?:me|us|please|pls|plz|with|needed|!|\?)"
    r"|\b(?:please|pls|plz)\s+(?:help|fix|advise|respond|reply|answer|dm|contact|check|look|sort|escalate"
    r"|refund|call|get back|let me know|update|assist|confirm|explain|send)"
    r"|\b(?:can|could|would|will)\s+(?:you|someone|somebody|anyone|u|y'all|you guys)\s+(?:please\s+|pls\s+)?"
    r"(?:help|fix|check|look|tell|explain|assist|dm|advise|confirm|reset|refund|send|sort)"
    r"|\b(?:dm|message|contact|call|email)\s+(?:me|us)\b"
    r"|\bhow (?:do|can|should|would) (?:i|we)\b|\bhow to\b|\bis there (?:a|any) way\b"
    r"|\bwho (?:do|should|can) (?:i|we) (?:contact|talk to|speak to|call|email)\b"
    r"|\bwhat (?:do|should|can) (?:i|we) do\b|\bany updates?\b|\bupdate on my\b"
    r"|\bayuda\b|\baidez\b|\bhilfe\b|\bajuda\b"
)
#: phrases that contain problem words but report no problem ("no issues", "issue resolved").
_NOT_A_PROBLEM = re.compile(
    r"\b(?:no|zero|not a single|not one|never an?|never any|without an?y?)\s+(?:\w+\s+)?(?:problems?|issues?|bugs?"
    r"|complaints?|lag|crash(?:es)?|delays?|outages?|drops?|questions asked)\b"
    r"|\b(?:problems?|issues?|bugs?|outages?|faults?|errors?|glitch(?:es)?) (?:is |was |were |got |has been |have been )?"
    r"(?:fixed|resolved|solved|sorted)\b"
    r"|\b(?:fix|fixed|fixes|fixing|solved|resolved|sorted|replaced|repaired|swapped)\b[^.!?\n]{0,30}"
    r"\b(?:problems?|issues?|bugs?|faulty|broken|cracked|tint|port)\b"
    r"|\b(?:thanks?|thank you|thx)\b[^.!?\n]{0,12}\b(?:refunds?|fix|replacement|repair)\b"
    r"|\b(?:got|received|receiving|getting)\b[^.!?\n]{0,20}?\brefunds?\b|\brefund (?:came|arrived|was processed)\b"
    r"|\bworst case\b|\bcan't wait\b|\bcannot wait\b|\bcan't stop\b|\bnot bad\b|\bno complaints\b|\bstuck in my head\b"
)
#: problem vocabulary; the first match is named in the signals ("complaint: refund").
_PROBLEM = re.compile(
    r"(\b(?:refund(?:s|ed)?|money back|\w+ fee back|cancel+ed|cancel+ation|delay(?:ed|s)?|broken|broke|breaks|lost"
    r"|losing|still waiting|still (?:not|no|nothing|haven't|hasn't|says|shows|stuck|broken|down|missing|unpatched)"
    r"|waiting (?:for|since|on) (?:weeks|days|hours|a week|a month|over|my)|no answer|no response|no reply|not responding"
    r"|unanswered|ignor(?:ed|ing)|not working|(?:doesn't|does not|isn't|is not|won't|will not|wont|doesnt) work"
    r"|stopped working|won't (?:turn on|charge|load|open|connect|start|boot|sync|update|let me|apply|accept)"
    r"|(?:can't|cannot|can not|cant|unable to|couldn't) (?:log ?in|sign ?in|access|reset|connect|pair|update|install"
    r"|cancel|activate|get|find|reach|use|download|pay|checkout|order|hold|turn)"
    r"|(?:haven't|hasn't|have not|has not|didn't|did not|never) (?:seen|received|got|gotten|heard|arrived|moved"
    r"|shipped|come|came|showed up)|never (?:arrived|received|came|ordered)|supposed to"
    r"|crash(?:es|ed|ing)?|freez(?:e|es|ing)|froze|frozen|bug(?:gy|s)?|glitch(?:es|y)?|errors?|outages?|stuck"
    r"|(?:is|are|been|was|went|were|it's) down|down again|not loading|nothing loads|charged twice|double charged"
    r"|overcharg\w*|charg(?:e|ed|ing) me|fees?|price (?:increase|hike)s?|raised? (?:the |their |our )?prices?"
    r"|bill (?:went up|increased|is higher)|scam(?:med)?|fraud|rip ?off|ripped off|refus(?:e|ed|es|ing)"
    r"|defective|faulty|damaged|missing|dead(?: pixel)?|dies|died|wiped|delet(?:e|es|ed|ing)|erased|cash grab|ruin(?:s|ed)?|impossible|scratch(?:ed|es)?|different (?:colou?r|size|model|item)|snapped|cracked|bricked"
    r"|drop(?:s|ped|ping)? (?:calls?|connection|out)|dropped|drops|disconnect(?:s|ed|ing)?|stutter(?:s|ing)?|hiss"
    r"|rebooting|restarting|loops?|looping|bouncing|unusable|404|500|503|expired|overheat(?:s|ing)?"
    r"|(?:arrived|arriving|running|is|was|been|always|days|weeks|hours) late|wrong \w+|different answers"
    r"|(?:arrived|came) (?:without|broken|damaged|open|opened|crushed|cracked|dead|empty)|slower|ate my"
    r"|same (?:fault|problem|issue|script|answer)|reads? from a script|on hold|hold music|hung up|callback"
    r"|promised|nobody|no one|no (?:signal|service|internet|connection|wifi|data|sound)|without (?:internet|service"
    r"|signal)|battery drain|drains? (?:the |my )?battery|keeps? (?!getting better|improving)\w+ing"
    r"|please stop|stop (?:sending|charging|calling|emailing|spamming)|unsubscribed|regret|avoid|don't buy"
    r"|lasted (?:\d+|a|one|two|three|four|five|six) (?:days?|weeks?|months?)|downhill|creepy|annoy(?:ing|ed)"
    r"|frustrat\w*|shame(?:less| on)|out of date|outdated|quietly|removed|disappoint(?:ed|ing)|unacceptable"
    r"|terrible|awful|worst|horrible|useless|furious|complain(?:t|ts|ing)?|fail(?:s|ed|ing|ure)?|problem|issues?"
    r"|trouble|nightmare|locked out|hacked|reembolso|devoluci[oó]n|no funciona|roto|nunca lleg[oó]|retraso"
    r"|remboursement|ne marche pas|ne fonctionne pas|panne|cass[ée]|kaputt|funktioniert nicht|st[üu]rzt"
    r"|r[üu]ckerstattung|erstattung|defekt|n[ãa]o funciona|n[ãa]o liga|quebrado|atrasado)\b"
    # scripts without spaces between words: no \b
    r"|届きません|届かない|壊れ|返金|故障|не пришёл|не пришел|не работает|возврат|сломал|退款|坏了)"
)
#: a reply was invited ironically: "thanks a lot for ...", "oh great", "/s".
_SARCASM = re.compile(
    r"\bthanks for nothing\b|\bthanks a lot for\b|\bso much for\b|\boh great\b|\byeah right\b|/s\b|🙄|🙃"
    r"|\b(?:just |really )?love (?:how|it when) (?:my|you|your|the)\b|\bgreat job (?:losing|breaking|ruining)\b"
    r"|\bjust what i needed\b|\bnice one\b|\bsure,? i'll just\b|\bmake it make sense\b|\bimagine (?:selling|paying"
    r"|charging|being)\b|\bcan't believe\b|\bapparently\b|\blol ok\b|\bhow you treat\b"
)
#: praise vocabulary: with it, negative sentiment alone (no problem words) is not a complaint.
_PRAISE = re.compile(
    r"\b(?:thanks?|thank you|thx|ty|kudos|props|shout ?out|respect|love[sd]?|loving|great|best|amazing|awesome"
    r"|excellent|fantastic|brilliant|impressed|impressive|legends?|star|well done|smooth|perfect(?:ly)?|happy"
    r"|insane|unreal|gorgeous|beautiful|nice|superb|recommend)\b|😍|❤️|🔥|🙌|🙏"
)
#: weaker cues of a problem report: count only in a post that does not praise and is not clearly positive.
_PROBLEM_HINT = re.compile(
    r"\b((?:not|never|nobody|nothing|none|nowhere|noone|won't|wont|can't|cant|cannot|couldn't|didn't|doesn't"
    r"|don't|isn't|wasn't|aren't|haven't|hasn't|shouldn't|wouldn't)\b(?: \w+)?"
    r"|again|every (?:time|day|night|morning|evening|week|month)|each (?:time|one)|\d+(?:st|nd|rd|th) time"
    r"|(?:second|third|fourth|fifth) time|(?:two|three|four|five|six|\d+) times"
    r"|(?<!in )(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|few|several) (?:more )?(?:minutes?|hours?"
    r"|days?|weeks?|months?|years?) (?:ago|since|later|now|already|after|without|for)"
    r"|takes? (?:\d+|a|one|two|three|four|five|six|several) (?:hours?|days?|weeks?|months?)"
    r"|(?:since|after|for|in over|over) (?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|few|several)"
    r" (?:minutes?|hours?|days?|weeks?|months?)"
    r"|my (?!new\b)(?:\w+ )?(?:order|bill|account|phone|watch|laptop|router|buds|earbuds|screen|battery|repair|return|refund"
    r"|plan|package|parcel|delivery|card|device|charger|subscription|internet|connection|service|data|case|sim"
    r"|number|line|keyboard|speaker|invoice|payment|money)"
    r"|billed|invoiced|courier|tracking|shipments?|vanished|gone|times? out|shuts?(?: itself)? off|resets? (?:itself|themselves)|reset themselves"
    r"|so (?:hot|slow|low|bad|loud)|too (?:hot|slow|low|expensive|late)|barely|cash grab|sin \w+|nadie|personne"
    r"|perdu|niemand|nunca|jamais|toujours pas|immer noch|no me|non si|non funziona|cobra\w+|rimborso|rotto"
    r"|in ritardo|n[ãa]o cheg\w+|n[ãa]o receb\w+|nicht angekommen|dej[oó] de|deux fois|dos veces|zweimal"
    r"|due volte|duas vezes|twice|(?:got|was|were|been) told|told me to|only (?:works|lasts|charges|gets|lasted)"
    r"|still|different \w+ than)\b"
)
_REPOST = re.compile(r"^RT @")


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name].astype("string")
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _brand_terms(brand: Brand) -> list[str]:
    terms = {brand.name.lower()}
    terms |= {k.strip().strip('"').strip().lower() for k in brand.keywords}
    for handle in brand.handles.values():
        local = handle.lstrip("@").split("@")[0].lower()
        terms.add(local)
        terms.add(handle.lstrip("@").lower())
    return sorted((t for t in terms if t), key=len, reverse=True)


def _names_pattern(brand: Brand) -> str:
    return r"(?<!\w)(?:" + "|".join(re.escape(t) for t in _brand_terms(brand)) + r")(?!\w)"


def _community_names(brand: Brand) -> set[str]:
    names = {_norm(brand.name)} | {_norm(k.strip('"')) for k in brand.keywords}
    names |= {_norm(h.lstrip("@").split("@")[0]) for h in brand.handles.values()}
    return {n for n in names if n}


def _addressed(
    frame: pd.DataFrame, text: pd.Series, own: set[str], brands: Sequence[Brand], own_posts: set[str]
) -> pd.Series:
    brand_col = _col(frame, "brand")
    platform = _col(frame, "platform").fillna("")
    out = pd.Series(False, index=frame.index)
    parent_key = platform + "\x1f" + _col(frame, "parent_id").fillna("")
    thread_key = platform + "\x1f" + _col(frame, "thread_id").fillna("")
    answers_own = parent_key.isin(own_posts) | thread_key.isin(own_posts)
    subreddit = _col(frame, "url").str.extract(r"/r/([A-Za-z0-9_]+)", expand=False).str.lower()
    subreddit = subreddit.str.replace(r"[^0-9a-z]", "", regex=True)
    for brand in brands:
        if brand.name not in own:
            continue
        rows = (brand_col == brand.name).fillna(False).to_numpy(dtype=bool)
        if not rows.any():
            continue
        pattern = _names_pattern(brand)
        named = per_distinct(text[rows], lambda t, p=pattern: t.str.contains(p, regex=True))
        community = subreddit[rows].isin(_community_names(brand))
        out.loc[rows] = (named | community | answers_own[rows]).fillna(False).to_numpy(dtype=bool)
    return out


def _own_post_keys(frame: pd.DataFrame, extra: Iterable[tuple[str, str]] | None) -> set[str]:
    is_own = frame["is_own"].fillna(False).astype(bool) if "is_own" in frame else pd.Series(False, index=frame.index)
    own_rows = frame[is_own.to_numpy(dtype=bool)]
    keys = set((_col(own_rows, "platform").fillna("") + "\x1f" + _col(own_rows, "post_id").fillna("")).tolist())
    keys |= {f"{p}\x1f{i}" for p, i in (extra or ())}
    return keys


def _reach_text(followers: float) -> str:
    if followers >= 1_000_000:
        return f"{followers / 1e6:.1f}".removesuffix(".0") + "M followers"
    return f"{int(followers // 1000)}k followers"


def _reach_labels(followers: np.ndarray) -> np.ndarray:
    """ "12k followers" / "2.5M followers" for high-reach authors, "" for the rest."""
    out = np.full(len(followers), "", dtype=object)
    high = followers >= HIGH_REACH_FOLLOWERS
    out[high] = [_reach_text(f) for f in followers[high]]
    return out


def _signals(text: pd.Series, compound: pd.Series, negative: pd.Series) -> pd.DataFrame:
    """What the (lower-cased, link-free) text says: question, help, problem (+ its term), hint, negative, sarcasm.

    Sarcasm invites a reply whatever VADER says. Gratitude (compound >= 0.5, or >= 0.3 with
    praise words; no question, help request or sarcasm) outweighs problem words ("thanks for
    fixing my issue"); praise words outweigh negative sentiment alone and the weaker hints.
    """
    cleaned = text.str.replace(_NOT_A_PROBLEM, " ", regex=True)
    question = text.str.contains(_QUESTION) & ~text.str.contains(_RHETORICAL)
    help_ = text.str.contains(_HELP)
    sarcasm = text.str.contains(_SARCASM)
    praising = text.str.contains(_PRAISE) & ~sarcasm
    plain = ~question & ~sarcasm & ~help_
    grateful = plain & ((compound >= 0.5) | (praising & (compound >= 0.3)))
    term = cleaned.str.extract(_PROBLEM, expand=False)
    problem = term.notna() & ~grateful
    hint_term = cleaned.str.extract(_PROBLEM_HINT, expand=False)
    hint = hint_term.notna() & ~praising & ~grateful & (compound < 0.5)
    negative = negative & ~(praising & ~problem)
    return pd.DataFrame(
        {
            "question": question,
            "help": help_,
            "problem": problem,
            "term": term.where(problem),
            "hint": hint,
            "hint_term": hint_term.where(hint),
            "negative": negative,
            "sarcasm": sarcasm,
            "complaint": problem | hint | negative | sarcasm,
        }
    )


def assess(
    frame: pd.DataFrame,
    brands: Sequence[Brand],
    own_brands: Collection[str] | None = None,
    own_post_ids: Iterable[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """`needs_reply`, `flag_signals` and `priority_base` for each mention, with the frame's index.

    Input: the mention frame plus `sentiment` and `sentiment_label`. Own brands are derived from
    `brands` with analysis.formulas.own_brand_names (config.Config.own_brands' rule) unless `own_brands` names
    them. `own_post_ids` adds (platform, post_id) of the brand's own posts stored earlier, so a
    reply to one of them counts as addressed to the brand (own posts in `frame` count anyway).

    needs_reply: not is_own, not a repost ("RT @..."), author not one of the brand's handles,
    `brand` is an own brand, addressed to it (names it / a keyword / @handle, answers or sits in
    the thread of its post, or is in a subreddit named like it), AND a question (not rhetorical),
    a help request, or a complaint (FORMULAS["needs_reply"]; see `_signals`). flag_signals (None
    when no reply is needed) e.g. "question; complaint: refund; negative; 12k followers";
    "problem: <cue>" names a weaker cue. priority_base: FORMULAS["priority_base"] (0..70).
    Quality on tests/data/flags_labelled.csv: bench/README.md.
    """
    own = set(own_brands) if own_brands is not None else own_brand_names(brands)
    raw_text = _col(frame, "text").fillna("")
    text = per_distinct(raw_text, lambda t: t.str.lower().str.replace(_URL, " ", regex=True))
    is_own = frame["is_own"].fillna(False).astype(bool) if "is_own" in frame else pd.Series(False, index=frame.index)
    handles = {h.lstrip("@").lower() for b in brands if b.name in own for h in b.handles.values()}
    by_handle = _col(frame, "author_handle").str.lstrip("@").str.lower().isin(handles).fillna(False)
    repost = raw_text.str.match(_REPOST).fillna(False)
    eligible = ~(is_own | by_handle | repost)

    addressed = _addressed(frame, text, own, brands, _own_post_keys(frame, own_post_ids))
    sentiment = pd.to_numeric(frame["sentiment"], errors="coerce") if "sentiment" in frame else None
    compound = (sentiment if sentiment is not None else pd.Series(np.nan, index=frame.index)).fillna(0.0)
    negative = (_col(frame, "sentiment_label") == "negative").fillna(False)
    candidate = (eligible & addressed).fillna(False).to_numpy(dtype=bool)
    # the text rules are the costly part: run them only where a reply could be needed.
    inputs = pd.DataFrame({"text": text, "compound": compound, "negative": negative})[candidate]
    found = per_distinct(inputs, lambda d: _signals(d["text"], d["compound"], d["negative"]))
    flag: dict[str, np.ndarray] = {}
    for column in ("question", "help", "problem", "hint", "negative", "sarcasm", "complaint"):
        flag[column] = np.zeros(len(frame), dtype=bool)
        flag[column][candidate] = found[column].to_numpy(dtype=bool)
    term = np.full(len(frame), "", dtype=object)
    hint = np.full(len(frame), "", dtype=object)
    term[candidate] = found["term"].fillna("").str.replace(r"\s+", " ", regex=True).to_numpy(dtype=object)
    hint[candidate] = found["hint_term"].fillna("").str.replace(r"\s+", " ", regex=True).to_numpy(dtype=object)
    need = flag["question"] | flag["help"] | flag["complaint"]

    followers = pd.to_numeric(_col(frame, "author_followers"), errors="coerce").fillna(0).to_numpy(dtype=float)
    engagement = sum(
        pd.to_numeric(_col(frame, c), errors="coerce").fillna(0).to_numpy(dtype=float)
        for c in ("likes", "replies", "reposts", "quotes")
    )
    points = (
        POINTS["question"] * flag["question"]
        + POINTS["help"] * flag["help"]
        + POINTS["problem"] * flag["problem"]
        + POINTS["hint"] * (flag["hint"] & ~flag["problem"])
        + flag["negative"]
        * (POINTS["negative"] + POINTS["negative_per_compound"] * np.abs(compound.to_numpy(dtype=float)))
        + POINTS["sarcasm"] * (flag["sarcasm"] & ~flag["problem"] & ~flag["negative"])
        + np.clip(REACH_PER_DECADE * (np.log10(np.maximum(followers, 1)) - REACH_FROM_DECADE), 0, REACH_POINTS_MAX)
        + np.clip(ENGAGEMENT_PER_DECADE * np.log10(1 + engagement), 0, ENGAGEMENT_POINTS_MAX)
    )
    base = np.where(need, np.minimum(np.floor(points + 0.5), BASE_CAP), 0).astype(np.int64)

    parts = [
        np.where(flag["question"], "question", ""),
        np.where(flag["help"], "help", ""),
        np.where(flag["problem"], "complaint: " + term, ""),
        np.where(flag["hint"] & ~flag["problem"], "problem: " + hint, ""),
        np.where(flag["negative"], "negative", ""),
        np.where(flag["sarcasm"], "sarcasm", ""),
        _reach_labels(followers),
    ]
    joined = (
        pd.Series(
            [_SEP.join(p for p in row if p) for row in zip(*parts, strict=True)],
            index=frame.index,
            dtype=object,
        )
        if len(frame)
        else pd.Series([], index=frame.index, dtype=object)
    )
    signals = joined.where(need & (joined != ""), None)
    return pd.DataFrame({"needs_reply": need, "flag_signals": signals, "priority_base": base}, index=frame.index)


def _timing_text(
    answered: np.ndarray, hours: np.ndarray, sla: np.ndarray, business: np.ndarray | None = None
) -> np.ndarray:
    """ "waiting 35 min, SLA 4 h" / "waiting 6 h, ..." / "answered after 3 d, ..." (few distinct texts, formatted once).

    Rows on a brand's business hours say so and stay in hours: "waiting 6 business hours, SLA 4 business hours".
    """
    hours = np.maximum(hours, 0.0)
    on_hours = np.zeros(len(hours), dtype=bool) if business is None else business.astype(bool)
    code = np.where(
        hours < 1,
        np.floor(hours * 60),
        np.where((hours < 48) | on_hours, 1_000 + np.floor(hours), 1_000_000 + np.floor(hours / 24)),
    )
    sla_codes, sla_values = pd.factorize(sla)
    group = (sla_codes.astype(np.int64) * 2 + answered.astype(np.int64)) * 2 + on_hours.astype(np.int64)
    keys = group * 10_000_000 + code.astype(np.int64)
    inverse, unique = pd.factorize(keys)
    texts = []
    for key in unique:
        group_key, value = divmod(int(key), 10_000_000)
        rest, is_business = divmod(group_key, 2)
        sla_code, was_answered = divmod(rest, 2)
        verb = "answered after" if was_answered else "waiting"
        if is_business:
            duration = f"{value} business min" if value < 1_000 else f"{value - 1_000} business hours"
            texts.append(f"{verb} {duration}, SLA {sla_values[sla_code]:g} business hours")
            continue
        if value >= 1_000_000:
            duration = f"{value - 1_000_000} d"
        elif value >= 1_000:
            duration = f"{value - 1_000} h"
        else:
            duration = f"{value} min"
        texts.append(f"{verb} {duration}, SLA {sla_values[sla_code]:g} h")
    return np.array(texts, dtype=object)[inverse]


def effective_sla(sla_hours: np.ndarray) -> np.ndarray:
    """The SLA each row is measured against: its brand's hours, DEFAULT_SLA_HOURS when unknown or not > 0."""
    return np.where(np.nan_to_num(sla_hours, nan=0.0) > 0, np.nan_to_num(sla_hours, nan=0.0), DEFAULT_SLA_HOURS)


def wait_points(waited: np.ndarray, sla: np.ndarray) -> np.ndarray:
    """FORMULAS["priority"]'s waiting points, unrounded: WAIT_POINTS x min(1, waited / SLA) + BREACH_POINTS
    once breached. store.queue orders by the same formula in SQL (tests/test_priority_forms.py ties them)."""
    return WAIT_POINTS * np.clip(waited / sla, 0.0, 1.0) + BREACH_POINTS * (waited > sla)


def waited_hours(
    rows: pd.DataFrame, end: pd.Series, business_hours: Mapping[str, sla_clock.Hours] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """FORMULAS["waited_hours"]: hours from created_at to `end` (NaN where either is missing), and
    which rows count business time: those whose `brand` has business hours (analysis.sla)."""
    created = pd.to_datetime(rows["created_at"], utc=True)
    finish = pd.to_datetime(end, utc=True)
    hours = np.array((finish - created).dt.total_seconds() / 3600, dtype=float)
    business = np.zeros(len(rows), dtype=bool)
    if business_hours and "brand" in rows:
        brands = rows["brand"].astype(object).to_numpy()
        for name, opening in business_hours.items():
            if opening is None:
                continue
            mine = brands == name
            if mine.any():
                hours[mine] = sla_clock.elapsed_hours(created[mine], finish[mine], opening)
                business |= mine
    return hours, business


def queue_priority(
    queue: pd.DataFrame, now: pd.Timestamp, business_hours: Mapping[str, sla_clock.Hours] | None = None
) -> pd.DataFrame:
    """`priority`, `reasons`, `waited_hours`, `sla_breached` for queue rows, with the queue's index.

    Input columns: priority_base, flag_signals, created_at (UTC), first_response_at (UTC or NaT),
    sla_hours, and `brand` when `business_hours` (brand -> config.BusinessHours) is given: those
    brands' rows count business time only (analysis.sla), and their reasons say "business hours".
    waited_hours = (first_response_at, or `now` if unanswered) - created_at;
    sla_breached = waited_hours > sla_hours. priority (FORMULAS["priority"]) = priority_base +
    20 x min(1, waited / SLA) + 10 if breached, capped at 100, for unanswered rows; answered rows
    keep priority_base. reasons = flag_signals + "waiting 6 h, SLA 4 h" (or "answered after ...").
    """
    now = pd.Timestamp(now)
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    responded = pd.to_datetime(queue["first_response_at"], utc=True)
    answered = responded.notna().to_numpy()
    end = responded.where(responded.notna(), now)
    waited, business = waited_hours(queue, end, business_hours)
    waited = np.maximum(np.nan_to_num(waited, nan=0.0), 0.0)
    sla = effective_sla(pd.to_numeric(queue["sla_hours"], errors="coerce").to_numpy(dtype=float))
    breached = waited > sla
    base = pd.to_numeric(queue["priority_base"], errors="coerce").fillna(0).to_numpy(dtype=float)
    priority = np.where(answered, base, base + np.floor(wait_points(waited, sla) + 0.5))
    priority = np.clip(priority, 0, PRIORITY_MAX).astype(np.int64)

    timing = _timing_text(answered, waited, sla, business)
    signals = queue["flag_signals"].astype(object).where(queue["flag_signals"].notna(), "").to_numpy(dtype=object)
    reasons = np.where(signals != "", signals + _SEP + timing, timing)
    return pd.DataFrame(
        {
            "priority": priority,
            "reasons": reasons.astype(object),
            "waited_hours": waited,
            "sla_breached": breached,
        },
        index=queue.index,
    )
