"""Trends from rollup frames (volume, engagement, sentiment, share of voice, spikes) and from bounded
mention frames (top authors, terms, hashtags, what drove a spike).

Rollup frames have store/schema.py rollup_hourly's columns: hour (UTC), brand, platform, kind,
is_own, mentions, engagements, ..., positive, neutral, negative, unscored, sentiment_sum, flagged.
Periods are UTC days or ISO weeks (analysis.periods). Formulas: analysis.formulas.FORMULAS.

`own` chooses the rows by who wrote them: "exclude" (default: mentions by others, what
volume, sentiment and share of voice mean), "include" (all rows) or "only" (the brand's own
posts, e.g. for the engagement its posts get).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.engagement import SUM_COLUMNS, add_rates, mention_engagement
from analysis.periods import Period, period_start

Own = Literal["exclude", "include", "only"]
SENTIMENT_COLUMNS: tuple[str, ...] = ("positive", "neutral", "negative", "unscored", "sentiment_sum")

STOP_WORDS: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
    each few for from further get got had hadn't has hasn't have haven't having he he'd he'll he's her here
    here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
    just let's like me more most mustn't my myself no nor not now of off on once only or other ought our ours
    ourselves out over own really same shan't she she'd she'll she's should shouldn't so some still such than
    that that's the their theirs them themselves then there there's these they they'd they'll they're they've
    this those through to too under until up us very was wasn't we we'd we'll we're we've were weren't what
    what's when when's where where's which while who who's whom why why's will with won't would wouldn't you
    you'd you'll you're you've your yours yourself yourselves im ive dont cant wont didnt doesnt isnt thats
    yeah yes ok okay lol via amp rt one two new even much many every back going go gonna want need know think
    make made see say said way day today time thing things anyone someone everyone anything something
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
_TAG_OR_HANDLE_RE = re.compile(r"[@#]\w+")
_TOKEN_RE = re.compile(r"(?<![\w'])[a-z][a-z0-9]*(?:'[a-z]+)?")
_HASHTAG_RE = re.compile(r"(?<![\w#])#(\w*[^\W\d_]\w*)")


def select_own(rollup: pd.DataFrame, own: Own = "exclude") -> pd.DataFrame:
    """The rows `own` asks for (see the module docstring)."""
    if own == "include" or "is_own" not in rollup:
        return rollup
    is_own = rollup["is_own"].fillna(False).astype(bool)
    if own == "exclude":
        return rollup[~is_own]
    if own == "only":
        return rollup[is_own]
    raise ValueError(f"own must be exclude, include or only, not {own!r}")


def net_sentiment(positive: pd.Series, negative: pd.Series) -> pd.Series:
    """(positive - negative) / (positive + negative), -1..1; NaN when both are 0."""
    pos = positive.to_numpy(dtype=float)
    neg = negative.to_numpy(dtype=float)
    total = pos + neg
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(total > 0, (pos - neg) / total, np.nan)
    return pd.Series(values, index=positive.index, name="net_sentiment")


def summarize(
    rollup: pd.DataFrame,
    period: Period = "day",
    by: Sequence[str] = ("brand",),
    own: Own = "exclude",
    fill_gaps: bool = True,
) -> pd.DataFrame:
    """Volume, engagement and sentiment per period (UTC day / ISO week) and `by` (brand, platform, kind).

    Output columns: period, `by`, mentions, engagements, no_engagement_data, views,
    engagements_with_views, followers, engagements_with_followers, positive, neutral,
    negative, unscored, sentiment_sum, flagged (sums), then engagement_rate, rate_denominator,
    rate_coverage, engagements_per_mention (analysis.engagement), net_sentiment,
    avg_sentiment (sentiment_sum / scored mentions), negative_share (negative / scored).
    With `fill_gaps`, periods with no rows between the first and last are present with zeros
    for every group seen, so charts and spike baselines see the quiet days.
    """
    return from_sums(period_sums(rollup, period, by, own), period, by, fill_gaps)


def period_sums(
    rollup: pd.DataFrame, period: Period = "day", by: Sequence[str] = ("brand",), own: Own = "exclude"
) -> pd.DataFrame:
    """The sums `summarize` starts from, indexed by (period, `by`): one row per period and group seen.
    Sums of rows split by time join with `join_sums`, so each part's sums can be kept on their own."""
    rows = select_own(rollup, own)
    columns = [c for c in (*SUM_COLUMNS, *SENTIMENT_COLUMNS, "flagged") if c in rows]
    # grouped by column names: Series keys cost pandas a repr of each key per groupby
    keyed = rows[columns].assign(period=period_start(rows["hour"], period), **{c: rows[c] for c in by})
    return keyed.groupby(["period", *by], observed=True, sort=True)[columns].sum()


def join_sums(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """`period_sums` of consecutive time parts of some rows -> `period_sums` of all of them (a period
    both parts hold, a week across the split, is added up; float sums may then differ in the last bit)."""
    full = [p for p in parts if len(p)]
    if not full:
        return parts[-1]
    sums = full[0] if len(full) == 1 else pd.concat(full)
    if not sums.index.is_unique:
        sums = sums.groupby(level=list(range(sums.index.nlevels)), sort=True).sum()
    elif not sums.index.is_monotonic_increasing:
        sums = sums.sort_index()
    return sums


def from_sums(sums: pd.DataFrame, period: Period, by: Sequence[str], fill_gaps: bool = True) -> pd.DataFrame:
    """`summarize`'s output from `period_sums`."""
    if fill_gaps and len(sums):
        sums = _fill_gaps(sums, period, list(by))
    out = add_rates(sums.reset_index())
    out["net_sentiment"] = net_sentiment(out["positive"], out["negative"]).to_numpy()
    scored = (out["positive"] + out["neutral"] + out["negative"]).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["avg_sentiment"] = np.where(scored > 0, out["sentiment_sum"].to_numpy(dtype=float) / scored, np.nan)
        out["negative_share"] = np.where(scored > 0, out["negative"].to_numpy(dtype=float) / scored, np.nan)
    return out


def _fill_gaps(sums: pd.DataFrame, period: Period, by: list[str]) -> pd.DataFrame:
    periods = sums.index.get_level_values("period")
    freq = {"hour": "h", "day": "D", "week": "7D"}[period]
    full = pd.date_range(periods.min(), periods.max(), freq=freq, name="period")
    if not by:
        return sums.reindex(full, fill_value=0)
    groups = sums.index.droplevel("period").unique()
    index = pd.MultiIndex.from_tuples(
        [(p, *(g if isinstance(g, tuple) else (g,))) for p in full for g in groups], names=["period", *by]
    )
    return sums.reindex(index, fill_value=0)


def share_of_voice(
    rollup: pd.DataFrame,
    brand: str,
    competitors: Sequence[str],
    period: Period = "week",
    own: Own = "exclude",
) -> pd.DataFrame:
    """Share of voice per period: each of `brand` and `competitors`, mentions / (brand + competitors' mentions).

    Long format: period, brand, mentions, share (NaN when nobody was mentioned that period),
    every period x brand present (0 mentions when none). The brand's own share is the rows
    where brand == `brand`.
    """
    names = [brand, *[c for c in competitors if c != brand]]
    rows = select_own(rollup, own)
    rows = rows[rows["brand"].isin(names)]
    if rows.empty:
        return pd.DataFrame(
            {
                "period": pd.Series(dtype="datetime64[ns, UTC]"),
                "brand": pd.Series(dtype=object),
                "mentions": pd.Series(dtype=np.int64),
                "share": pd.Series(dtype=float),
            }
        )
    start = period_start(rows["hour"], period).rename("period")
    table = rows["mentions"].groupby([start, rows["brand"]], observed=True).sum().unstack(fill_value=0)
    freq = {"hour": "h", "day": "D", "week": "7D"}[period]
    table = table.reindex(
        index=pd.date_range(table.index.min(), table.index.max(), freq=freq, name="period"),
        columns=pd.Index(names, name="brand"),
        fill_value=0,
    )
    totals = table.sum(axis=1).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = table.to_numpy(dtype=float) / totals[:, None]
    shares[totals == 0, :] = np.nan
    long = table.stack().rename("mentions").reset_index()
    long["share"] = shares.reshape(-1)
    long["mentions"] = long["mentions"].astype(np.int64)
    return long


def spikes(values: pd.Series, window: int = 7, k: float = 3.0, min_value: float = 0.0) -> pd.DataFrame:
    """Periods whose value is above its trailing baseline by more than k sigma.

    `values` is indexed by period, in time order, with quiet periods present as 0 (summarize
    fills them). baseline = mean of the previous `window` values, std their population
    standard deviation; a spike has value > baseline + k x std, value > baseline and
    value >= min_value; the first `window` periods have no baseline and never spike.
    Returns period, value, baseline, std, threshold, z (NaN when std is 0), one row per spike.
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    series = pd.Series(values.to_numpy(dtype=float), index=values.index)
    previous = series.shift(1).rolling(window, min_periods=window)
    baseline = previous.mean()
    std = previous.std(ddof=0)
    threshold = baseline + k * std
    hit = (series > threshold) & (series > baseline) & (series >= min_value) & baseline.notna()
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(std > 0, (series - baseline) / std, np.nan)
    out = pd.DataFrame(
        {"value": series, "baseline": baseline, "std": std, "threshold": threshold, "z": z},
        index=values.index,
    )[hit.to_numpy()]
    out.index.name = values.index.name or "period"
    return out.reset_index()


def spike_mentions(
    mentions: pd.DataFrame, start: pd.Timestamp, period: Period = "day", n: int = 10, brand: str | None = None
) -> pd.DataFrame:
    """The mentions that drove a spike: those posted in the period (day / ISO week, UTC) holding `start`
    (of `brand` if given, own posts excluded), the `n` with most engagements first (ties: newest first).

    Returns those rows of `mentions` with an added `engagements` column.
    """
    start = pd.Timestamp(start)
    start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
    start = period_start(pd.Series([start]), period).iloc[0]
    created = pd.to_datetime(mentions["created_at"], utc=True)
    mask = period_start(created, period) == start
    if brand is not None:
        mask &= (mentions["brand"] == brand).fillna(False)
    if "is_own" in mentions:
        mask &= ~mentions["is_own"].fillna(False).astype(bool)
    rows = mentions[mask.to_numpy(dtype=bool)]
    rows = rows.assign(engagements=mention_engagement(rows)["engagements"])
    return rows.sort_values(["engagements", "created_at"], ascending=[False, False]).head(n)


def top_authors(mentions: pd.DataFrame, by: Literal["reach", "engagement"] = "reach", n: int = 10) -> pd.DataFrame:
    """Top authors of others' mentions by reach (most followers) or by engagement (summed).

    Authors are (platform, author_handle). Returns platform, author_handle, author_name,
    followers (the largest seen), mentions, engagements, last_seen; sorted by followers or
    engagements (ties: more mentions first), `n` rows.
    """
    rows = mentions
    if "is_own" in rows:
        rows = rows[~rows["is_own"].fillna(False).astype(bool).to_numpy()]
    rows = rows[rows["author_handle"].notna().to_numpy()]
    data = pd.DataFrame(
        {
            "platform": rows["platform"],
            "author_handle": rows["author_handle"],
            "author_name": rows.get("author_name"),
            "followers": pd.to_numeric(rows["author_followers"], errors="coerce").astype(float),
            "engagements": mention_engagement(rows)["engagements"],
            "created_at": rows["created_at"],
        }
    )
    grouped = data.groupby(["platform", "author_handle"], observed=True, sort=False).agg(
        author_name=("author_name", "last"),
        followers=("followers", "max"),
        mentions=("engagements", "size"),
        engagements=("engagements", "sum"),
        last_seen=("created_at", "max"),
    )
    key = "followers" if by == "reach" else "engagements"
    if by not in ("reach", "engagement"):
        raise ValueError("by must be reach or engagement")
    grouped = grouped.sort_values([key, "mentions"], ascending=[False, False], na_position="last")
    out = grouped.head(n).reset_index()
    out["followers"] = out["followers"].astype("Int64")
    return out


def _excluded_words(exclude: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for phrase in exclude:
        cleaned = phrase.strip().strip('"').lower().lstrip("@#")
        words.add(cleaned)
        words.update(re.findall(r"[a-z0-9]+", cleaned))
    return words


def _raw_token_counts(texts: pd.Series) -> Counter[str]:
    # split on white space once for the whole batch and count: links, handles and words never
    # span white space, so cleaning each distinct raw token afterwards gives the same counts
    # far faster than a regex pass per text.
    return Counter("\n".join(texts.dropna().astype(str).tolist()).lower().split())


def top_terms(texts: pd.Series, n: int = 20, exclude: Iterable[str] = (), min_length: int = 3) -> pd.DataFrame:
    """Most used words: lower-cased, links, @handles and #hashtags removed, English stop words,
    `exclude` (brand names, keywords, handles) and words shorter than `min_length` dropped.

    Returns term, count (occurrences); by count, then term.
    """
    drop = STOP_WORDS | _excluded_words(exclude)
    counts: Counter[str] = Counter()
    for raw, count in _raw_token_counts(texts).items():
        cleaned = _TAG_OR_HANDLE_RE.sub(" ", _URL_RE.sub(" ", raw)).replace("’", "'")
        for word in _TOKEN_RE.findall(cleaned):
            if len(word) >= min_length and word not in drop:
                counts[word] += count
    return _top(counts, "term", n)


def top_hashtags(texts: pd.Series, n: int = 20, exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Most used hashtags (lower-cased, without #), `exclude` dropped. Returns hashtag, count."""
    drop = _excluded_words(exclude)
    counts: Counter[str] = Counter()
    for raw, count in _raw_token_counts(texts).items():
        if "#" in raw:
            for tag in _HASHTAG_RE.findall(_URL_RE.sub(" ", raw)):
                if tag not in drop:
                    counts[tag] += count
    return _top(counts, "hashtag", n)


def _top(counts: Counter[str], name: str, n: int) -> pd.DataFrame:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
    return pd.DataFrame(
        {
            name: pd.Series([k for k, _ in ranked], dtype=object),
            "count": pd.Series([v for _, v in ranked], dtype=np.int64),
        }
    )
