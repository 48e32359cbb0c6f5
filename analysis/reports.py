"""Weekly reports, pure: ISO weeks, and the mentions / summary frames and notes built from mention rows.

Every number comes from the analysis functions (engagement, trends, response, flags,
sentiment); this module only selects, groups and orders. pipeline/export.py reads the rows
and writes the files; the Reports page previews the same frames. Column order is part of
the contract (docs/reports.md): MENTION_COLUMNS and SUMMARY_COLUMNS.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from analysis import engagement, flags, resolution, response, satisfaction, sentiment, trends
from analysis.formulas import DEFAULT_SLA_HOURS, FORMULAS, FORMULAS_VERSION
from analysis.periods import period_start
from config import Brand, BusinessHours

WEEK = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")

# fmt: off
MENTION_COLUMNS: tuple[str, ...] = (
    "platform", "post_id", "url", "created_at", "brand", "author_handle", "author_followers", "kind", "text",
    "sentiment", "sentiment_label", "likes", "replies", "reposts", "quotes", "views", "engagements",
    "needs_reply", "priority", "reasons", "status", "assignee", "first_response_at", "source_sentiment",
    "rating", "app_version",
)
SUMMARY_COLUMNS: tuple[str, ...] = (
    "day", "platform", "brand", "mentions", "engagements", "engagement_rate", "engagement_rate_denominator",
    "positive", "neutral", "negative", "net_sentiment", "share_of_voice", "flagged", "replied",
    "median_first_response_min", "median_first_response_business_min", "sla_breaches",
    "answered", "resolved", "unresolved", "no_follow_up", "resolution_rate", "mean_sentiment_shift",
)
#: the stored columns the two frames are built from (pipeline.export reads exactly these).
ROW_COLUMNS: tuple[str, ...] = (
    "platform", "post_id", "url", "created_at", "brand", "author_handle", "author_followers", "kind", "text",
    "sentiment", "sentiment_label", "sentiment_override", "likes", "replies", "reposts", "quotes", "views",
    "needs_reply", "flag_signals", "priority_base", "status", "assignee", "first_response_at", "source_sentiment",
    "rating", "app_version",
)
#: FORMULAS keys a report states (in this order) in its notes.
REPORT_FORMULAS: tuple[str, ...] = (
    "period", "engagements", "engagement_rate", "sentiment", "net_sentiment", "share_of_voice", "needs_reply",
    "priority_base", "priority", "waited_hours", "business_time", "response_rate", "first_response_time",
    "first_response_business_time", "sla_breach_rate", "resolution_outcome", "resolution_rate", "sentiment_shift",
)
#: satisfaction.csv (reviews and ratings, issue 18): one row per UTC day, platform, brand and app.
SATISFACTION_COLUMNS: tuple[str, ...] = (
    "day", "platform", "brand", "app", "rated", "avg_rating", "csat", *satisfaction.STAR_COLUMNS,
)
SATISFACTION_FORMULAS: tuple[str, ...] = ("avg_rating", "csat", "review_needs_reply")
# fmt: on
#: decimals kept in summary.csv (rates and scores; minutes to a tenth).
ROUNDING = {
    "engagement_rate": 6,
    "net_sentiment": 4,
    "share_of_voice": 4,
    "median_first_response_min": 1,
    "median_first_response_business_min": 1,
    "resolution_rate": 4,
    "mean_sentiment_shift": 4,
}
#: summary.csv's resolution counts (analysis.resolution.resolution_stats).
RESOLUTION_COUNTS: tuple[str, ...] = ("answered", "resolved", "unresolved", "no_follow_up")


# --- weeks -----------------------------------------------------------------------------------


def parse_week(text: str) -> tuple[str, datetime, datetime]:
    """'2026-W47' -> ('2026-W47', Monday 00:00 UTC, the next Monday 00:00 UTC); ValueError otherwise."""
    match = WEEK.match(str(text))
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{year} has no ISO week {week} (weeks run 01 to 52 or 53)") from None
        start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
        return f"{year}-W{week:02d}", start, start + timedelta(days=7)
    raise ValueError(f"bad week {text!r}: use an ISO week as YYYY-Www, e.g. 2026-W47")


def week_of(moment: datetime) -> str:
    """The ISO week (UTC) a moment falls in, e.g. 2026-W47."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    iso = moment.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def last_full_week(now: datetime) -> str:
    """The newest ISO week (UTC) that has ended by `now`: the week before now's week."""
    return week_of((now.replace(tzinfo=UTC) if now.tzinfo is None else now) - timedelta(days=7))


def default_week(now: datetime) -> str:
    """The week a report shows unless told otherwise (the CLI, the scheduler, the Reports page): the last full week."""
    return last_full_week(now)


def comparison_set(brands: Sequence[Brand], name: str) -> tuple[str, list[str]] | None:
    """(own brand, its competitors) for the share-of-voice group `name` belongs to; None when none.

    An own brand with competitors is its own group; a competitor belongs to the first own
    brand that names it.
    """
    for brand in brands:
        if brand.competitors and (brand.name == name or name in brand.competitors):
            return brand.name, list(brand.competitors)
    return None


def brands_to_read(brands: Sequence[Brand], name: str | None) -> list[str] | None:
    """The brands whose rows a report on `name` needs (it and its share-of-voice group); None for all."""
    if name is None:
        return None
    group = comparison_set(brands, name)
    return [name] if group is None else sorted({name, group[0], *group[1]})


# --- frames -----------------------------------------------------------------------------------


def _utc(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True)


def business_hours(brands: Sequence[Brand]) -> dict[str, BusinessHours]:
    """The brands that keep business hours: their SLA clocks and business first-response times count
    business time (analysis.sla); the others run around the clock."""
    return {b.name: b.business_hours for b in brands if b.business_hours is not None}


def _sla_hours(rows: pd.DataFrame, brands: Sequence[Brand]) -> pd.Series:
    by_name = {b.name: b.sla_hours for b in brands}
    return rows["brand"].map(by_name).astype(float).fillna(DEFAULT_SLA_HOURS)


def prepare(rows: pd.DataFrame, brands: Sequence[Brand]) -> pd.DataFrame:
    """Stored rows (ROW_COLUMNS) with UTC times, the effective label, the status and each brand's SLA."""
    out = rows.reset_index(drop=True).copy()
    for column in ("created_at", "first_response_at"):
        out[column] = _utc(out[column])
    for column in ("author_followers", "likes", "replies", "reposts", "quotes", "views"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    out["sentiment"] = pd.to_numeric(out["sentiment"], errors="coerce").astype(float)
    out["sentiment_label"] = sentiment.effective_label(
        out["sentiment_label"].astype(object), out["sentiment_override"].astype(object)
    )
    out["needs_reply"] = out["needs_reply"].fillna(False).astype(bool)
    out["status"] = out["status"].astype(object).where(out["status"].notna(), "new")
    out["sla_hours"] = _sla_hours(out, brands)
    out["day"] = period_start(out["created_at"], "day").dt.date
    return out


def mentions_frame(rows: pd.DataFrame, brands: Sequence[Brand], now: datetime) -> pd.DataFrame:
    """mentions.csv: one row per mention, MENTION_COLUMNS in order, oldest first.

    `rows` as prepare() returns them. engagements: analysis.engagement; priority and reasons:
    analysis.flags.queue_priority as of `now`, for mentions that need a reply (else empty); a brand
    with business hours waits in business time.
    """
    out = rows.copy()
    out["engagements"] = engagement.mention_engagement(out)["engagements"].astype("int64")
    flagged = out["needs_reply"].to_numpy(dtype=bool)
    out["priority"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    out["reasons"] = pd.Series(None, index=out.index, dtype=object)
    if flagged.any():
        queue = flags.queue_priority(out[flagged], pd.Timestamp(now), business_hours(brands))
        out.loc[flagged, "priority"] = queue["priority"].astype("int64").to_numpy()
        out.loc[flagged, "reasons"] = queue["reasons"].to_numpy()
    out["rating"] = pd.to_numeric(out["rating"], errors="coerce").astype("Int64")  # whole stars (issue 18)
    return out.loc[:, list(MENTION_COLUMNS)].reset_index(drop=True)


def _per_mention_rollup(rows: pd.DataFrame) -> pd.DataFrame:
    """One rollup-shaped row per mention (analysis.engagement.mention_sums plus label counts)."""
    sums = engagement.mention_sums(rows)
    label = rows["sentiment_label"]
    sums["hour"] = rows["created_at"]
    sums["brand"] = rows["brand"]
    sums["platform"] = rows["platform"]
    for name in (*sentiment.LABELS, sentiment.UNSCORED):
        sums[name] = (label == name).astype(np.int64).to_numpy()
    sums["sentiment_sum"] = rows["sentiment"].where(label != sentiment.UNSCORED, 0.0).fillna(0.0)
    sums["flagged"] = rows["needs_reply"].astype(np.int64)
    sums["is_own"] = False
    return sums


def _share_of_voice(per: pd.DataFrame, brands: Sequence[Brand]) -> pd.DataFrame:
    """share_of_voice per day, platform and brand (analysis.trends.share_of_voice in each group)."""
    parts = []
    for brand in brands:
        if not brand.competitors:
            continue
        for platform, group in per.groupby("platform", sort=True):
            share = trends.share_of_voice(group, brand.name, brand.competitors, period="day", own="include")
            if share.empty:
                continue
            share["platform"] = platform
            parts.append(share)
    if not parts:
        return pd.DataFrame(columns=["day", "platform", "brand", "share_of_voice"])
    shares = pd.concat(parts, ignore_index=True).drop_duplicates(["period", "platform", "brand"], keep="first")
    shares["day"] = shares["period"].dt.date
    return shares.rename(columns={"share": "share_of_voice"})[["day", "platform", "brand", "share_of_voice"]]


def summary_frame(
    rows: pd.DataFrame, brands: Sequence[Brand], now: datetime, conversations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """summary.csv: one row per UTC day, platform and brand with mentions, SUMMARY_COLUMNS in order.

    Volume, engagement and sentiment: analysis.trends.summarize; share of voice:
    analysis.trends.share_of_voice (the brand against its group's other brands, same day and
    platform; empty without competitors); flagged, replied, median first response and SLA
    breaches: analysis.response.response_stats as of `now` (dismissed mentions left out).
    median_first_response_min is calendar time; median_first_response_business_min the same in
    business time for brands with business hours (empty for the others), whose SLA breaches
    count business time too. answered, resolved, unresolved, no_follow_up, resolution_rate and
    mean_sentiment_shift: analysis.resolution over `conversations` (store.resolution's answered
    conversations of the week's mentions, with their follow-ups) as of `now`, by the day the
    answered mention was posted; pending conversations count in `answered` only.
    """
    keys = ["day", "platform", "brand"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SUMMARY_COLUMNS})
    per = _per_mention_rollup(rows)
    volume = trends.summarize(per, period="day", by=("platform", "brand"), own="include", fill_gaps=False)
    volume = volume[volume["mentions"] > 0].copy()
    volume["day"] = volume["period"].dt.date
    out = volume.rename(columns={"rate_denominator": "engagement_rate_denominator"})
    out = out.merge(_share_of_voice(per, brands), on=keys, how="left")
    flagged_rows = rows[rows["needs_reply"].to_numpy(dtype=bool)]
    answers = (
        response.response_stats(flagged_rows, pd.Timestamp(now), by=keys, business_hours=business_hours(brands))
        if len(flagged_rows)
        else None
    )
    medians = ["median_first_response_min", "median_first_response_business_min"]
    if answers is not None:
        answers = answers.rename(
            columns={
                "first_response_median_min": "median_first_response_min",
                "first_response_business_median_min": "median_first_response_business_min",
                "sla_breached": "sla_breaches",
            }
        )
        out = out.drop(columns=["flagged"]).merge(
            answers[[*keys, "flagged", "replied", *medians, "sla_breaches"]], on=keys, how="left"
        )
    else:
        out = out.drop(columns=["flagged"]).assign(
            flagged=0,
            replied=0,
            median_first_response_min=np.nan,
            median_first_response_business_min=np.nan,
            sla_breaches=0,
        )
    out = out.merge(_resolution(conversations, brands, now), on=keys, how="left")
    for column in ("flagged", "replied", "sla_breaches", *RESOLUTION_COUNTS):
        out[column] = out[column].fillna(0).astype("int64")
    for column in ("mentions", "engagements", "positive", "neutral", "negative"):
        out[column] = out[column].astype("int64")
    for column, digits in ROUNDING.items():
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float).round(digits)
    out = out.sort_values(keys, kind="stable").reset_index(drop=True)
    return out.loc[:, list(SUMMARY_COLUMNS)]


def _resolution(conversations: pd.DataFrame | None, brands: Sequence[Brand], now: datetime) -> pd.DataFrame:
    """resolution_stats per UTC day, platform and brand of the answered mentions."""
    columns = ["day", "platform", "brand", *RESOLUTION_COUNTS, "resolution_rate", "mean_sentiment_shift"]
    if conversations is None or conversations.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype=object if c in ("day", "platform", "brand") else float) for c in columns}
        )
    judged = resolution.outcomes(conversations, pd.Timestamp(now), brands)
    stats = resolution.resolution_stats(judged, by=("platform", "brand"), period="day")
    stats["day"] = stats["period"].dt.date
    return stats[columns]


# --- notes ------------------------------------------------------------------------------------


def no_engagement_data(rows: pd.DataFrame) -> int:
    """Mentions with none of likes, replies, reposts, quotes reported (their engagements count as 0)."""
    if rows.empty:
        return 0
    return int((~engagement.mention_engagement(rows)["has_engagement_data"].astype(bool)).sum())


def notes_text(
    week: str,
    start: datetime,
    end: datetime,
    *,
    brand: str | None,
    all_brands: Sequence[str],
    mentions: int,
    summary_rows: int,
    missing_engagement: int,
    generated_at: datetime,
    left_out: dict[str, int] | None = None,
    business_hours: dict[str, BusinessHours] | None = None,
    demo: int = 0,
    judged_with: str | None = None,
) -> str:
    """notes.txt: the week, the filters, the counts and the formulas (with FORMULAS_VERSION).

    `judged_with`: the formulas version the stored judgements were made with (store.judged) when it is not
    FORMULAS_VERSION ("not recorded" when the store never kept it); named beside it."""
    last_day = (end - timedelta(days=1)).date()
    brand_text = brand if brand is not None else "all (" + ", ".join(all_brands) + ")" if all_brands else "all"
    lines = [
        f"Weekly report {week}",
        f"Week: {start:%a %d %b %Y} to {last_day:%a %d %b %Y} (UTC): mentions created from "
        f"{start.isoformat()} up to, not including, {end.isoformat()}.",
        f"Generated: {generated_at.astimezone(UTC).isoformat(timespec='seconds')}. Status, replies, priority "
        "and SLA figures are as of this time.",
        "",
        "Filters",
        f"- brand: {brand_text}",
        "- platforms: all",
        "- the brands' own posts and replies are left out (as on the dashboard)",
        *(
            f"- business hours of {name}: {', '.join(h.days)} {h.hours} {h.timezone}"
            + (f", holidays {', '.join(d.isoformat() for d in h.holidays)}" if h.holidays else "")
            + " (its SLA clock counts business time)"
            for name, h in sorted((business_hours or {}).items())
        ),
        *(
            [
                "- left out: mentions stored under brands the config does not name: "
                + ", ".join(f"{name} ({count})" for name, count in left_out.items())
            ]
            if left_out
            else []
        ),
        "",
        "Counts",
        f"- mentions: {mentions} (rows in mentions.csv)",
        f"- summary rows: {summary_rows} (one per day, platform and brand with mentions)",
        f"- mentions with no engagement data (no likes, replies, reposts or quotes reported): {missing_engagement}; "
        "their engagements count as 0",
    ]
    if demo:
        lines.append(
            f"- DEMO DATA: {demo} of the {mentions} mentions are generated demo posts (the demo data set or a "
            "`demo` source), not real people"
        )
    if mentions == 0:
        lines += ["", "No mentions in this week: mentions.csv and summary.csv hold only their headers."]
    lines += [
        "",
        "Columns",
        "- mentions.csv: " + ", ".join(MENTION_COLUMNS),
        "- summary.csv: " + ", ".join(SUMMARY_COLUMNS),
        "- times are ISO 8601 in UTC with their offset; days are UTC dates; empty cells mean unknown or "
        "not applicable.",
        "- text cells that begin with =, +, -, @, a tab or a carriage return start with an added ' so a "
        "spreadsheet shows them as text, never runs them; remove that first ' to get the original.",
        "- summary flagged / replied / SLA breaches leave out mentions a manager dismissed; share of voice is "
        "empty for brands without configured competitors.",
        "- summary median_first_response_min is calendar time; median_first_response_business_min counts only "
        "the brand's business hours and is empty for brands without business_hours; SLA breaches, priority "
        "and reasons count business time for brands with business_hours.",
        "- summary answered / resolved / unresolved / no_follow_up count the conversations the brand answered, "
        "by the day the answered mention was posted, with their outcome as of the generated time (a manager's "
        "outcome wins); conversations whose follow-up window is still open with no follow-up yet are pending: "
        "counted in answered, left out of resolution_rate. mean_sentiment_shift is empty without a scored "
        "follow-up.",
        "",
        f"Formulas (version {FORMULAS_VERSION}"
        + (f"; stored judgements: version {judged_with}" if judged_with is not None else "")
        + ")",
    ]
    if judged_with is not None:
        lines.append(
            f"- sentiment, needs reply, flag signals and priority were stored by formulas version {judged_with}, "
            f"not {FORMULAS_VERSION}: rows may mix the two until `.venv/bin/python cli.py rejudge` has run"
        )
    lines += [f"- {key}: {FORMULAS[key]}" for key in REPORT_FORMULAS if key in FORMULAS]
    return "\n".join(lines) + "\n"


# --- satisfaction.csv (reviews and ratings, issue 18) ------------------------------------------


def satisfaction_frame(counts: pd.DataFrame) -> pd.DataFrame:
    """satisfaction.csv: per UTC day, platform, brand and app (the reviews' source) with rated reviews:
    rated, avg_rating (FORMULAS["avg_rating"], 4 decimals), csat (FORMULAS["csat"], a share 0..1, 4
    decimals) and the count of each star. `counts`: store.reader.satisfaction's daily counts."""
    if counts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SATISFACTION_COLUMNS})
    out = satisfaction.summarize(counts, "day", by=("platform", "brand", "app"))
    out["day"] = out["period"].dt.date
    out["avg_rating"] = out["avg_rating"].round(4)
    out["csat"] = out["csat"].round(4)
    out = out.sort_values(["day", "platform", "brand", "app"], kind="stable").reset_index(drop=True)
    return out.loc[:, list(SATISFACTION_COLUMNS)]


def satisfaction_notes(frame: pd.DataFrame) -> str:
    """The part of notes.txt about satisfaction.csv: its columns, the week's figures per app, the formulas."""
    lines = ["", "Satisfaction (satisfaction.csv: reviews with a 1-5 star rating)"]
    lines.append("- satisfaction.csv: " + ", ".join(SATISFACTION_COLUMNS))
    if frame.empty:
        lines.append("- no rated reviews in this week: satisfaction.csv holds only its header.")
    else:
        week = frame.groupby(["platform", "brand", "app"], sort=True)[["rated", *satisfaction.STAR_COLUMNS]].sum()
        for (platform, brand, app), row in week.iterrows():
            stars = sum(s * row[f"stars_{s}"] for s in range(1, 6))
            happy = row["stars_4"] + row["stars_5"]
            lines.append(
                f"- {platform} / {brand} / {app or '(no source)'}: {row['rated']} rated, average "
                f"{stars / row['rated']:.2f} stars, CSAT {happy / row['rated']:.1%} for the week"
            )
    lines += ["- avg_rating and csat are per day; csat is a share from 0 to 1 (0.75 = 75 %)."]
    lines += [f"- {key}: {FORMULAS[key]}" for key in SATISFACTION_FORMULAS]
    return "\n".join(lines) + "\n"
