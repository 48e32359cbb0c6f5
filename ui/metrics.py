"""What the pages show, computed once per (database, versions, filters) by analysis/ over small
reads through ui.context.read, so a warm rerun only draws. No formula lives here: every number comes from
analysis.engagement, analysis.trends or analysis.response.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from analysis import engagement, periods, resolution, response, trends
from analysis.periods import Period
from config import Brand, BusinessHours
from store import readcache, reader, touched
from store import resolution as conversations_store
from store.reader import Filters
from ui.context import HASH_FUNCS, queue_days, read, read_part, reading, split_parts

T = TypeVar("T")

SPIKE_WINDOW = 7
SPIKE_K = 3.0


@dataclass(frozen=True)
class Kpis:
    """One period's headline numbers (None when there is nothing to compute them from)."""

    mentions: int
    engagements: int
    engagement_rate: float | None
    rate_denominator: str | None
    rate_coverage: float | None
    net_sentiment: float | None
    share_of_voice: float | None
    open_flagged: int
    median_first_response_min: float | None
    response_rate: float | None
    sla_breach_rate: float | None
    #: the brand keeps business hours: the median below is in business time (and SLA breaches count it).
    business_time: bool = False
    #: the calendar median when business_time (the tile's help gives both).
    median_first_response_calendar_min: float | None = None
    #: answered conversations and their outcomes (analysis.resolution.resolution_stats).
    answered: int = 0
    resolved: int = 0
    unresolved: int = 0
    no_follow_up: int = 0
    pending: int = 0
    resolution_rate: float | None = None
    mean_sentiment_shift: float | None = None


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else number


def market(filters: Filters, rivals: list[str]) -> Filters:
    """The same selection over the brand and its competitors (share of voice, sentiment comparison)."""
    return Filters(
        brands=(filters.brands[0], *rivals), platforms=filters.platforms, start=filters.start, end=filters.end
    )


def _volume(engine: Engine, versions: tuple[int, int], filters: Filters, rivals: list[str]) -> dict[str, Any]:
    """The tiles that follow from the rollups and the open flagged count (not from the time).

    The rollups are added up per part of the range (`_volume_sums`, kept by the part's stamp), and the
    formulas (analysis.engagement.summarize_rollup, trends.net_sentiment, trends.share_of_voice) are
    applied once to the range's sums: after a collection only the last day's rows are summed again.
    The sums are whole numbers, so the tiles are exactly those of the range's rows read at once."""
    parts = [
        _volume_sums(engine, stamp, part, tuple(rivals))
        for part, stamp in split_parts(engine, reader.day_rollups, versions[0], filters)
    ]
    found = [p for p in parts if p["rows"]]
    totals = None
    net = None
    if found:
        sums = pd.DataFrame([_added([p["sums"] for p in found])])
        totals = engagement.summarize_rollup(sums, period=None).iloc[0]
        positive, negative = (sum(p[label] for p in found) for label in ("positive", "negative"))
        net = _number(trends.net_sentiment(pd.Series([positive]), pd.Series([negative]))[0])
    share = None
    voices = [p["voices"] for p in parts if p["voices"] is not None and len(p["voices"])]
    if rivals and voices:
        mentioned = _added(voices)
        # one period spanning the whole range: share of voice over the range
        everyone = pd.DataFrame(
            {"hour": filters.start_at, "brand": mentioned.index, "is_own": False, "mentions": mentioned.to_numpy()}
        )
        sov = trends.share_of_voice(everyone, filters.brands[0], rivals, period="hour")
        share = _number(sov.loc[sov["brand"] == filters.brands[0], "share"].iloc[0])
    return {
        "mentions": int(totals["mentions"]) if totals is not None else 0,
        "engagements": int(totals["engagements"]) if totals is not None else 0,
        "engagement_rate": _number(totals["engagement_rate"]) if totals is not None else None,
        "rate_denominator": totals["rate_denominator"] if totals is not None and totals["rate_denominator"] else None,
        "rate_coverage": _number(totals["rate_coverage"]) if totals is not None else None,
        "net_sentiment": net,
        "share_of_voice": share,
        "open_flagged": read(engine, reader.open_flagged_count, versions, filters),
    }


def _added(series: list[pd.Series]) -> pd.Series:
    """Series of whole numbers added by label (a label missing from one counts 0 there)."""
    total = series[0]
    for more in series[1:]:
        total = total.add(more, fill_value=0)
    return total.astype("int64")


@st.cache_resource(show_spinner=False, max_entries=256, ttl=3600, hash_funcs=HASH_FUNCS)
def _volume_sums(engine: Engine, stamp: tuple[int, ...], part: Filters, rivals: tuple[str, ...]) -> dict[str, Any]:
    """One part's rollups added up for the volume tiles (read-only): its row count, the sums of
    analysis.engagement.SUM_COLUMNS, positive and negative, and (with rivals) the mentions per brand of
    the brand and its competitors."""
    rows = read_part(engine, reader.day_rollups, stamp, part)
    out: dict[str, Any] = {"rows": len(rows), "sums": None, "positive": 0, "negative": 0, "voices": None}
    if len(rows):
        columns = [c for c in engagement.SUM_COLUMNS if c in rows]
        out["sums"] = rows[columns].sum().astype("int64")
        out["positive"], out["negative"] = int(rows["positive"].sum()), int(rows["negative"].sum())
    if rivals:
        everyone = read_part(engine, reader.day_rollups, stamp, market(part, list(rivals)))
        if len(everyone):
            out["voices"] = everyone.groupby("brand", sort=True)["mentions"].sum().astype("int64")
    return out


def _with_responses(
    engine: Engine,
    volume: dict[str, Any],
    versions: tuple[int, int],
    filters: Filters,
    sla: dict[str, float],
    minute: str,
    hours: dict[str, BusinessHours] | None,
    brands: tuple[Brand, ...],
) -> Kpis:
    """`volume` with the response and resolution tiles as of `minute`."""
    stats = response_summary(engine, versions, filters, sla, minute, hours).iloc[0]
    # business time when every selected brand keeps business hours (the Overview shows one brand)
    on_hours = hours or {}
    business = bool(filters.brands) and all(b in on_hours for b in filters.brands)
    median = "first_response_business_median_min" if business else "first_response_median_min"
    conversations = judged(engine, versions, filters, brands, minute)
    outcome = same_input(
        "kpis:resolution_stats", (conversations,), (), lambda: resolution.resolution_stats(conversations)
    ).iloc[0]
    return Kpis(
        **volume,
        median_first_response_min=_number(stats[median]),
        response_rate=_number(stats["response_rate"]),
        sla_breach_rate=_number(stats["sla_breach_rate"]),
        business_time=business,
        median_first_response_calendar_min=_number(stats["first_response_median_min"]) if business else None,
        answered=int(outcome["answered"]),
        resolved=int(outcome["resolved"]),
        unresolved=int(outcome["unresolved"]),
        no_follow_up=int(outcome["no_follow_up"]),
        pending=int(outcome["pending"]),
        resolution_rate=_number(outcome["resolution_rate"]),
        mean_sentiment_shift=_number(outcome["mean_sentiment_shift"]),
    )


@st.cache_data(show_spinner=False, max_entries=64, ttl=600, hash_funcs=HASH_FUNCS)
def kpis(
    engine: Engine,
    versions: tuple[int, int],
    filters: Filters,
    rivals: tuple[str, ...],
    sla: dict[str, float],
    minute: str,
    business_hours: dict[str, BusinessHours] | None = None,
    brands: tuple[Brand, ...] = (),
) -> tuple[Kpis, Kpis]:
    """The headline numbers for the range and for the period just before it (response figures in
    business time for a brand in `business_hours`; resolution after a reply with `brands`' settings)."""
    now, before = (
        _kept_kpis(
            engine, _days_stamp(engine, versions, span), span, rivals, sla, minute, business_hours, brands, versions
        )
        for span in (filters, filters.previous())
    )
    return now, before


def _days_stamp(engine: Engine, versions: tuple[int, int], filters: Filters) -> tuple[int, ...]:
    """Changes when a write touches a day of the range or the reply workflow moves (store.touched)."""
    return tuple(n for _, stamp in split_parts(engine, reader.open_flagged_count, versions, filters) for n in stamp)


@st.cache_data(show_spinner=False, max_entries=64, ttl=600, hash_funcs=HASH_FUNCS)
def _kept_kpis(
    engine: Engine,
    stamp: tuple[int, ...],
    filters: Filters,
    rivals: tuple[str, ...],
    sla: dict[str, float],
    minute: str,
    business_hours: dict[str, BusinessHours] | None,
    brands: tuple[Brand, ...],
    _versions: tuple[int, int],
) -> Kpis:
    """One range's headline numbers, kept under its days' stamp (not the data version): the period
    before the range is not computed again when a collection touches only today. In a new minute only
    the response and resolution tiles are taken again (from parts kept under the same stamps)."""
    volume = _kept_volume(engine, stamp, filters, rivals, _versions)
    return _with_responses(engine, volume, _versions, filters, sla, minute, business_hours, brands)


@st.cache_data(show_spinner=False, max_entries=64, ttl=600, hash_funcs=HASH_FUNCS)
def _kept_volume(
    engine: Engine, stamp: tuple[int, ...], filters: Filters, rivals: tuple[str, ...], _versions: tuple[int, int]
) -> dict[str, Any]:
    """`_volume` under the range's days' stamp (no minute: those tiles do not age)."""
    return _volume(engine, _versions, filters, list(rivals))


@st.cache_resource(show_spinner=False, max_entries=16, ttl=120, hash_funcs=HASH_FUNCS)
def judged(
    engine: Engine, versions: tuple[int, int], filters: Filters, brands: tuple[Brand, ...], minute: str
) -> pd.DataFrame:
    """The answered conversations of mentions in range with their outcome as of `minute`, in
    analysis.resolution.KEPT_COLUMNS (no texts): what the resolution figures count, the outcomes
    analysis.resolution.outcomes gives over the whole range. Each block of days is judged once and
    kept (`_kept_part`); a new minute only closes the windows that ended. Read-only: shared, not copied."""
    days = read(engine, touched.state, versions[0])
    changed = queue_days(engine, versions[1])
    parts = [
        # under the stamp of the part's conversations: a collection that answered and followed up none
        # of them (new mentions, no replies in their threads) leaves the part as it is, not read again
        _kept_part(
            engine, (*days.conversation_stamp(part.start, part.end), changed.stamp(part.start, part.end)), part, brands
        )
        for part in blocks(filters)
    ]
    # the very same parts (a collection that brought nothing for the range's conversations hands back
    # today's last judgement whole) are stacked once, and `as_of` hands that frame back when no window
    # closed since: what is computed from it (the resolution figures, the Responses section) is then
    # taken by identity (`same_input`) instead of computed again
    stacked = same_input("judged:stack", tuple(parts), (), lambda: _stack(parts, ignore_index=True))
    return same_input("judged:as_of", (stacked,), (minute,), lambda: resolution.as_of(stacked, pd.Timestamp(minute)))


#: results computed from frames that are kept read-only (cached parts), by the frames' identity: this
#: many per kind of result (a judged range's stack is a few MB at 1M mentions; a miss only recomputes).
SAME_INPUT_KEPT = 6
_SAME_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _same_inputs() -> dict[str, dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]]]:
    return {}


def same_input(kind: str, inputs: tuple[Any, ...], key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or its result from an earlier call of this `kind` with the very same `inputs`
    objects (and equal `key`).

    For results of read-only frames handed out by the caches (kept parts, their stack): a write that
    leaves a frame's part unchanged hands back the same object, so whatever follows from it alone is
    not computed again. The inputs are held with the result, so their ids cannot be reused by other
    objects while the entry lives; the oldest entries of a kind go first (SAME_INPUT_KEPT)."""
    ident = (tuple(id(o) for o in inputs), key)
    with _SAME_LOCK:
        memo = _same_inputs().setdefault(kind, {})
        found = memo.get(ident)
    if found is not None and all(a is b for a, b in zip(found[0], inputs, strict=True)):
        return found[1]
    value = compute()
    with _SAME_LOCK:
        memo.pop(ident, None)
        memo[ident] = (inputs, value)
        while len(memo) > SAME_INPUT_KEPT:
            memo.pop(next(iter(memo)))
    return value


#: the days before a range's last are judged in blocks of this many days, aligned on the calendar
#: (Monday to Sunday): a range that moves on by a day, or a write backdated into one of those days,
#: reads and judges one block again, not every day before the last.
BLOCK_DAYS = 7


def blocks(filters: Filters) -> list[Filters]:
    """The range as calendar blocks of BLOCK_DAYS (the first and last clipped to the range) over the
    days before the last, then the last day (store.reader.split_days' last part)."""
    parts = reader.split_days(filters)
    if len(parts) == 1:
        return parts
    closed, last = parts
    out = []
    day = closed.start
    while day <= closed.end:
        end = min(closed.end, day + timedelta(days=BLOCK_DAYS - 1 - (day.toordinal() - 1) % BLOCK_DAYS))
        out.append(Filters(filters.brands, filters.platforms, day, end))
        day = end + timedelta(days=1)
    return [*out, last]


@st.cache_resource(show_spinner=False, max_entries=128, ttl=3600, hash_funcs=HASH_FUNCS)
def _kept_part(engine: Engine, stamp: tuple[int, ...], part: Filters, brands: tuple[Brand, ...]) -> pd.DataFrame:
    """One part's answered conversations judged once (analysis.resolution.outcomes as of BEFORE_ALL, `keep`), kept by the
    part's stamp; a part that ends before today is also kept in the store (store.readcache), so a
    restarted server neither reads those conversations nor judges them again. Read-only."""

    def compute() -> pd.DataFrame:
        window = resolution.window_days(brands)
        with reading(engine) as conn:
            found, possible = conversations_store.rows_between(
                conn, part.start_at, part.end_at, window, part.brands or None, part.platforms
            )
        return _judged_rows(engine, part, brands, found, possible)

    if part.end >= datetime.now(UTC).date():  # today's part changes with every collection: memory only
        return compute()
    return readcache.cached(engine, "ui.metrics._kept_part", repr(part), stamp, (part, brands), {}, compute)


@dataclass(frozen=True)
class _Judged:
    """A part's last judgement (kept per database, part and brands by `_judged_rows`)."""

    #: JUDGED_BY and JUDGEMENT of its conversations with a follow-up.
    judgement: pd.DataFrame
    #: what `_kept_part` gave.
    kept: pd.DataFrame
    #: for a one-day part (a range's last day: today's), the rows it was judged from
    #: (store.resolution.rows_between).
    rows: tuple[pd.DataFrame, pd.DataFrame] | None = None


def _judged_rows(
    engine: Engine, part: Filters, brands: tuple[Brand, ...], found: pd.DataFrame, possible: pd.DataFrame
) -> pd.DataFrame:
    """`keep` of a part's conversations judged as of BEFORE_ALL, from the rows they are joined from.

    The part's last judgement is reused: all of it when the rows read are the very same as last time
    (today's part after a collection that brought no answer and no follow-up for today's mentions),
    else the judgement of each conversation with a follow-up whose JUDGED_BY values are unchanged."""
    key = (HASH_FUNCS[Engine](engine), part, repr(brands))
    earlier = _judged_before().get(key)
    if earlier is not None and earlier.rows is not None and _same(earlier.rows, (found, possible)):
        return earlier.kept
    conversations = conversations_store.joined(found, possible, resolution.window_days(brands))
    followed = conversations["follow_up_at"].notna().to_numpy(dtype=bool)
    waiting = resolution.outcomes(conversations[~followed], resolution.BEFORE_ALL, brands)
    answered = _judge(conversations[followed], brands, earlier.judgement if earlier is not None else None)
    kept = resolution.keep(_stack([answered, waiting]).sort_index()).reset_index(drop=True)
    # a range's last day (today's part, which every collection reads again) keeps its rows: few of them
    one_day = part.start == part.end
    remembered = _Judged(answered[JUDGED_BY + JUDGEMENT], kept, (found, possible) if one_day else None)
    with _JUDGED_LOCK:  # sessions run in threads of one server
        before = _judged_before()
        before[key] = remembered
        while len(before) > JUDGED_KEPT:
            before.pop(next(iter(before)))
    return kept


def _same(earlier: tuple[pd.DataFrame, pd.DataFrame], now: tuple[pd.DataFrame, pd.DataFrame]) -> bool:
    """The same rows, values and dtypes (NaN equal to NaN)."""
    return all(a.shape == b.shape and a.equals(b) for a, b in zip(earlier, now, strict=True))


def _stack(frames: list[pd.DataFrame], ignore_index: bool = False) -> pd.DataFrame:
    """Frames of the same columns one after the other (empty ones left out, so they change no dtype)."""
    full = [f for f in frames if len(f)]
    if len(full) == 1:
        return full[0]
    return pd.concat(full, ignore_index=ignore_index) if full else frames[0]


#: what analysis.resolution.outcomes judges a conversation with a follow-up by: its judgement
#: (JUDGEMENT) follows from these alone, whatever the time.
JUDGED_BY: list[str] = [
    "mention_id",
    "brand",
    "sentiment",
    "follow_up_id",
    "follow_up_text",
    "follow_up_sentiment",
    "follow_up_label",
    "outcome_override",
    "outcome_frozen",
    "sentiment_shift_frozen",
]
JUDGEMENT: list[str] = ["computed_outcome", "overridden", "outcome", "sentiment_shift"]
#: parts whose last judged conversations are kept for the next read of the same part.
JUDGED_KEPT = 32
_JUDGED_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _judged_before() -> dict[tuple[Any, ...], _Judged]:
    """The last judgement per (database, part, brands): a part read again after a write (today's,
    mostly) judges only the conversations that are new or changed since, or nothing."""
    return {}


def _judge(followed: pd.DataFrame, brands: tuple[Brand, ...], before: pd.DataFrame | None) -> pd.DataFrame:
    """analysis.resolution.outcomes of conversations with a follow-up, taking the judgement of a
    conversation whose JUDGED_BY values are unchanged from `before` (an earlier judgement)."""
    epoch = resolution.BEFORE_ALL  # any time will do: a conversation with a follow-up does not depend on it
    if before is None or before.empty or followed.empty:
        return resolution.outcomes(followed, epoch, brands)
    known = followed[JUDGED_BY].merge(before[JUDGED_BY + JUDGEMENT], on=JUDGED_BY, how="left", indicator=True)
    hit = (known["_merge"] == "both").to_numpy(dtype=bool)
    if len(known) != len(followed) or not hit.any():
        return resolution.outcomes(followed, epoch, brands)
    kept = followed[hit].assign(**{c: known.loc[hit, c].astype(before[c].dtype).to_numpy() for c in JUDGEMENT})
    return _stack([kept, resolution.outcomes(followed[~hit], epoch, brands)]).sort_index()


@st.cache_data(show_spinner=False, max_entries=32, ttl=120, hash_funcs=HASH_FUNCS)
def response_summary(
    engine: Engine,
    versions: tuple[int, int],
    filters: Filters,
    sla: dict[str, float],
    minute: str,
    business_hours: dict[str, BusinessHours] | None = None,
) -> pd.DataFrame:
    """analysis.response.response_stats over the range (now = `minute`, so it is recomputed once a minute);
    brands in `business_hours` count business time (analysis.sla)."""
    hours = {b: h for b, h in (business_hours or {}).items() if not filters.brands or b in filters.brands}
    now = pd.Timestamp(minute)
    rows = []
    for part, stamp in split_parts(engine, reader.response_times, versions, filters):
        answered, waiting = _prepared_part(engine, stamp, part, sla, hours)
        # an unanswered mention's wait (SLA breach) grows with `now`: prepared as of it, unless every
        # one of them had breached already at an earlier minute (a breach stays one as the wait grows)
        settled = _settled_part(engine, stamp, part, sla, hours)
        kept = settled.get("prepared")
        if kept is not None and now >= settled["now"]:
            rows += [answered, kept]
            continue
        prepared = response.prepare(waiting, now, business_hours=hours or None)
        if bool((prepared["sla_breached"] == 1).all()):
            with _JUDGED_LOCK:
                settled.update(now=now, prepared=prepared)
        rows += [answered, prepared]
    # the same prepared rows (every part kept: the period before a range, in a new minute) give the same figures
    return same_input("response_summary", tuple(rows), (), lambda: response.overall(_stack(rows, ignore_index=True)))


@st.cache_resource(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def _settled_part(
    engine: Engine, stamp: tuple[int, ...], part: Filters, sla: dict[str, float], hours: dict[str, BusinessHours]
) -> dict[str, Any]:
    """One part's unanswered mentions prepared as of the minute (`now`) by which every one of them
    had breached its SLA (empty until then): the same at any later minute, so a closed part's are not
    prepared again each minute. Filled by response_summary."""
    return {}


@st.cache_resource(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def _prepared_part(
    engine: Engine, stamp: tuple[int, ...], part: Filters, sla: dict[str, float], hours: dict[str, BusinessHours]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One part's flagged mentions (kept by the part's stamp): the answered ones prepared for
    analysis.response (they do not depend on the time), and the unanswered ones as read. Read-only."""
    frame = read_part(engine, reader.response_times, stamp, part, sla, with_brand=bool(hours))
    done = frame["first_response_at"].notna().to_numpy(dtype=bool)
    # any time will do: an answered mention's figures end at its first response
    answered = response.prepare(frame[done], pd.Timestamp(0, tz="UTC"), business_hours=hours or None)
    return answered, frame[~done]


def _rollups_for(period: Period) -> Any:
    """The rollup read a period needs: hourly rows for hours, rows summed per day otherwise (the same sums)."""
    return reader.rollups if period == "hour" else reader.day_rollups


def _history(filters: Filters, period: Period) -> Filters:
    """The range plus enough earlier periods for a full spike baseline."""
    extra = {"hour": timedelta(hours=SPIKE_WINDOW), "day": timedelta(days=SPIKE_WINDOW)}.get(
        period, timedelta(weeks=SPIKE_WINDOW)
    )
    start = filters.start - max(extra, timedelta(days=1))
    return Filters(filters.brands, filters.platforms, start, filters.end)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def over_time(engine: Engine, data_version: int, filters: Filters, period: Period) -> dict[str, pd.DataFrame]:
    """Per period: by platform (`by_platform`), all platforms (`total`), and volume / negative-share
    spikes against a trailing baseline that may reach before the range (`volume_spikes`, `negative_spikes`)."""
    history = _history(filters, period)
    platform_sums = period_sums(engine, data_version, history, period, ("platform",))
    if platform_sums.empty:
        empty = pd.DataFrame()
        return {"by_platform": empty, "total": empty, "volume_spikes": empty, "negative_spikes": empty}
    start = _first_period(filters, period)
    by_platform = trends.from_sums(platform_sums, period, ("platform",))
    total = _history_total(engine, data_version, filters, period)
    series = total.set_index("period")
    volume = trends.spikes(series["mentions"], window=SPIKE_WINDOW, k=SPIKE_K, min_value=5)
    negative = trends.spikes(series["negative_share"].fillna(0), window=SPIKE_WINDOW, k=SPIKE_K)
    keep = {
        "by_platform": by_platform[by_platform["period"] >= start].reset_index(drop=True),
        "total": total[total["period"] >= start].reset_index(drop=True),
        "volume_spikes": volume[volume["period"] >= start].reset_index(drop=True),
        "negative_spikes": negative[negative["period"] >= start].reset_index(drop=True),
    }
    return keep


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def total_over_time(engine: Engine, data_version: int, filters: Filters, period: Period) -> pd.DataFrame:
    """`over_time`'s `total` alone (all platforms per period; empty when nothing is stored): what the
    Sentiment page charts, without the per-platform sums and the spikes it does not show."""
    total = _history_total(engine, data_version, filters, period)
    if total.empty:
        return pd.DataFrame()
    return total[total["period"] >= _first_period(filters, period)].reset_index(drop=True)


def _first_period(filters: Filters, period: Period) -> pd.Timestamp:
    """The period the range starts in (a whole ISO week when charting weeks)."""
    return periods.period_start(pd.Series([pd.Timestamp(filters.start_at)]), period).iloc[0]


def _history_total(engine: Engine, data_version: int, filters: Filters, period: Period) -> pd.DataFrame:
    """All platforms per period over the range and its spike baseline (`_history`)."""
    sums = period_sums(engine, data_version, _history(filters, period), period, ())
    return trends.from_sums(sums, period, ()) if len(sums) else pd.DataFrame()


def period_sums(
    engine: Engine, data_version: int, filters: Filters, period: Period, by: tuple[str, ...]
) -> pd.DataFrame:
    """analysis.trends.period_sums over the range, joined from each part's sums (kept by the part's
    stamp): after a collection only the last day's rows are summed again."""
    function = _rollups_for(period)
    parts = [
        _part_sums(engine, stamp, part, period, by)
        for part, stamp in split_parts(engine, function, data_version, filters)
    ]
    return trends.join_sums(parts)


@st.cache_resource(show_spinner=False, max_entries=256, ttl=3600, hash_funcs=HASH_FUNCS)
def _part_sums(
    engine: Engine, stamp: tuple[int, ...], part: Filters, period: Period, by: tuple[str, ...]
) -> pd.DataFrame:
    """One part's period sums (read-only: shared, not copied)."""
    return trends.period_sums(read_part(engine, _rollups_for(period), stamp, part), period, by)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def by_brand(
    engine: Engine, data_version: int, filters: Filters, rivals: tuple[str, ...], period: Period
) -> pd.DataFrame:
    """Net sentiment (analysis.trends.from_sums) per period and brand: the brand and its competitors."""
    sums = period_sums(engine, data_version, market(filters, list(rivals)), period, ("brand",))
    return trends.from_sums(sums, period, ("brand",)) if len(sums) else pd.DataFrame()


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def by_platform_kind(engine: Engine, data_version: int, filters: Filters) -> pd.DataFrame:
    """Engagement summed per platform and kind over the range, with rates (analysis.engagement)."""
    rows = read(engine, reader.day_rollups, data_version, filters)
    if rows.empty:
        return pd.DataFrame()
    return engagement.summarize_rollup(rows, period=None, by=("platform", "kind"))


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def by_platform(engine: Engine, data_version: int, filters: Filters) -> pd.DataFrame:
    """Engagement summed per platform over the range, with rates (analysis.engagement)."""
    rows = read(engine, reader.day_rollups, data_version, filters)
    if rows.empty:
        return pd.DataFrame()
    return engagement.summarize_rollup(rows, period=None, by=("platform",))


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def hour_of_week(engine: Engine, data_version: int, filters: Filters, value: str) -> pd.DataFrame:
    """A 7 x 24 table (weekday 0 = Monday, hour 0..23, UTC) of mentions or engagements per hour of the week."""
    hours = read(engine, reader.hourly_totals, data_version, filters)
    grid = np.zeros((7, 24))
    if not hours.empty:
        sums = hours.groupby([hours["hour"].dt.day_of_week, hours["hour"].dt.hour])[value].sum()
        grid[sums.index.get_level_values(0), sums.index.get_level_values(1)] = sums.to_numpy(dtype=float)
    return pd.DataFrame(grid, index=range(7), columns=range(24))


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def top_posts(engine: Engine, data_version: int, filters: Filters, by: str, limit: int) -> pd.DataFrame:
    """The top posts with engagements and engagement rate per analysis.engagement.mention_engagement."""
    posts = read(engine, reader.top_posts, data_version, filters, by=by, limit=limit)
    if posts.empty:
        return posts
    return pd.concat([posts, engagement.mention_engagement(posts)], axis=1)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def top_authors(engine: Engine, data_version: int, filters: Filters, by: str, limit: int) -> pd.DataFrame:
    """Top authors with their engagement rate (analysis.engagement.add_rates over their summed mentions)."""
    authors = read(engine, reader.top_authors, data_version, filters, by=by, limit=limit)
    if authors.empty:
        return authors
    return engagement.add_rates(authors)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600, hash_funcs=HASH_FUNCS)
def extreme_posts(engine: Engine, data_version: int, filters: Filters, label: str, limit: int) -> pd.DataFrame:
    """The most negative or positive posts, with engagements per analysis.engagement.mention_engagement."""
    posts = read(engine, reader.extreme_posts, data_version, filters, label, limit=limit)
    if posts.empty:
        return posts
    return pd.concat([posts, engagement.mention_engagement(posts)], axis=1)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600, hash_funcs=HASH_FUNCS)
def driving_terms(
    engine: Engine, data_version: int, filters: Filters, label: str, words: tuple[str, ...], sample: int
) -> tuple[pd.DataFrame, int]:
    """Most used terms in the newest `sample` mentions with this sentiment label, and how many were read."""
    texts = read(engine, reader.recent_texts, data_version, filters, label, limit=sample)
    return trends.top_terms(texts, n=15, exclude=words), len(texts)
