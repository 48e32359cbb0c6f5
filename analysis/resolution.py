"""Resolution after a reply: what became of each conversation the brand answered, pure (no I/O).

For each answered mention (another's mention with a first response) `follow_ups` picks the
follow-up: the same author's first post on the same platform in the same thread (its thread id,
or answering the brand's reply) after the first response and within the brand's
`resolution_days`. `outcomes` judges it (FORMULAS["resolution_outcome"]) with the reply rule
table (analysis.flags.text_signals) and adds the sentiment shift (FORMULAS["sentiment_shift"]);
`resolution_stats` counts outcomes per group (FORMULAS["resolution_rate"]).

Outcomes: "resolved", "unresolved", "no_follow_up", and "pending" while the window is still open
and nothing came yet (so a conversation answered an hour ago is not counted as silent). A
manager's outcome (`outcome_override`) wins over the computed one. When a conversation's personal
content is erased (retention, forget, deleted at the source) its computed outcome and shift are kept
(`outcome_frozen`, `sentiment_shift_frozen`, see store.resolution.freeze) and used instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import flags
from analysis.formulas import DEFAULT_RESOLUTION_DAYS, OUTCOMES
from analysis.periods import Period, period_start
from config import Brand

RESOLVED, UNRESOLVED, NO_FOLLOW_UP, PENDING = OUTCOMES
#: outcomes a manager may set by hand (pending is only ever computed).
MANUAL: tuple[str, ...] = (RESOLVED, UNRESOLVED, NO_FOLLOW_UP)
#: how an outcome is shown.
LABELS: dict[str, str] = {
    RESOLVED: "resolved",
    UNRESOLVED: "unresolved",
    NO_FOLLOW_UP: "no follow-up",
    PENDING: "pending",
}
#: the answered mention's columns `follow_ups` needs.
ANSWERED_COLUMNS: tuple[str, ...] = (
    "mention_id",
    "platform",
    "post_id",
    "thread_id",
    "author_handle",
    "brand",
    "created_at",
    "text",
    "sentiment",
    "first_response_at",
    "response_post_id",
    "responded_by",
    "outcome_override",
    "outcome_frozen",
    "sentiment_shift_frozen",
)
#: a possible follow-up's columns.
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "id",
    "platform",
    "post_id",
    "parent_id",
    "thread_id",
    "author_handle",
    "created_at",
    "text",
    "sentiment",
    "sentiment_label",
)
#: what `follow_ups` adds to each answered row (NaN / NaT / None when there is no follow-up).
FOLLOW_UP_COLUMNS: tuple[str, ...] = (
    "follow_up_id",
    "follow_up_post_id",
    "follow_up_at",
    "follow_up_text",
    "follow_up_sentiment",
    "follow_up_label",
)
STATS_COLUMNS: tuple[str, ...] = (
    "answered",
    "resolved",
    "unresolved",
    "no_follow_up",
    "pending",
    "resolution_rate",
    "mean_sentiment_shift",
)


def window_days(brands: Sequence[Brand]) -> dict[str, int]:
    """Each brand's `resolution_days` (brands not named fall back to DEFAULT_RESOLUTION_DAYS)."""
    return {b.name: int(b.resolution_days) for b in brands}


def thread_key(frame: pd.DataFrame) -> pd.Series:
    """The conversation a mention belongs to: its thread id, or its own id when it starts one."""
    return frame["thread_id"].astype(object).where(frame["thread_id"].notna(), frame["post_id"])


def _windows(answered: pd.DataFrame, days: Mapping[str, float]) -> pd.Series:
    per = answered["brand"].map(dict(days)).astype(float).fillna(float(DEFAULT_RESOLUTION_DAYS))
    return pd.to_timedelta(per, unit="D")


def follow_ups(answered: pd.DataFrame, candidates: pd.DataFrame, days: Mapping[str, float]) -> pd.DataFrame:
    """The answered rows (ANSWERED_COLUMNS) with their follow-up (FOLLOW_UP_COLUMNS) and `window_end`.

    A candidate (CANDIDATE_COLUMNS: others' posts) is a follow-up of an answered mention when it
    is on the same platform, by the same author (handles compared without case or a leading @),
    in the same conversation (its thread_id is the mention's thread key, or its parent_id is the
    brand's reply `response_post_id` or the mention itself), posted after the first response and
    at most the brand's `days` after it; the first such post (then the lowest id) is taken.
    """
    out = answered.reset_index(drop=True).copy()
    out["first_response_at"] = pd.to_datetime(out["first_response_at"], utc=True)
    out["created_at"] = pd.to_datetime(out["created_at"], utc=True)
    out["window_end"] = out["first_response_at"] + _windows(out, days)
    empty = {
        "follow_up_id": pd.Series(np.nan, index=out.index, dtype=float),
        "follow_up_post_id": pd.Series(None, index=out.index, dtype=object),
        "follow_up_at": pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]"),
        "follow_up_text": pd.Series(None, index=out.index, dtype=object),
        "follow_up_sentiment": pd.Series(np.nan, index=out.index, dtype=float),
        "follow_up_label": pd.Series(None, index=out.index, dtype=object),
    }
    for column, values in empty.items():
        out[column] = values
    if out.empty or candidates.empty:
        return out
    left = out[["platform", "author_handle", "mention_id", "post_id", "response_post_id", "first_response_at"]].copy()
    left["key"] = thread_key(out)
    left["window_end"] = out["window_end"]
    left["_row"] = out.index
    left["author"] = _author(left["author_handle"])
    right = candidates.copy()
    right["created_at"] = pd.to_datetime(right["created_at"], utc=True)
    right["author"] = _author(right["author_handle"])
    right = right.dropna(subset=["author"])
    pairs = left.dropna(subset=["author"]).merge(
        right.drop(columns=["author_handle"]), on=["platform", "author"], suffixes=("", "_f")
    )
    if pairs.empty:
        return out
    same_thread = (
        (pairs["thread_id"] == pairs["key"])
        | (pairs["parent_id"] == pairs["response_post_id"]).fillna(False)
        | (pairs["parent_id"] == pairs["post_id"])
    ).fillna(False)
    in_time = (pairs["created_at"] > pairs["first_response_at"]) & (pairs["created_at"] <= pairs["window_end"])
    pairs = pairs[
        same_thread.to_numpy(dtype=bool) & in_time.to_numpy(dtype=bool) & (pairs["id"] != pairs["mention_id"])
    ]
    if pairs.empty:
        return out
    first = pairs.sort_values(["_row", "created_at", "id"], kind="stable").drop_duplicates("_row", keep="first")
    rows = first["_row"].to_numpy()
    out.loc[rows, "follow_up_id"] = first["id"].astype(float).to_numpy()
    out.loc[rows, "follow_up_post_id"] = first["post_id_f"].to_numpy(dtype=object)
    out.loc[rows, "follow_up_at"] = first["created_at"].to_numpy()
    out.loc[rows, "follow_up_text"] = first["text"].to_numpy(dtype=object)
    out.loc[rows, "follow_up_sentiment"] = pd.to_numeric(first["sentiment"], errors="coerce").to_numpy(dtype=float)
    out.loc[rows, "follow_up_label"] = first["sentiment_label"].to_numpy(dtype=object)
    for column in ("follow_up_post_id", "follow_up_text", "follow_up_label"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def _author(handles: pd.Series) -> pd.Series:
    text = handles.astype(object).where(handles.notna(), None)
    return text.map(lambda h: h.strip().lstrip("@").casefold() or None if isinstance(h, str) else None)


def outcomes(conversations: pd.DataFrame, now: pd.Timestamp, brands: Sequence[Brand]) -> pd.DataFrame:
    """`follow_ups`' frame plus `computed_outcome`, `outcome` (the manager's when set), `overridden` and
    `sentiment_shift` (FORMULAS["resolution_outcome"], ["sentiment_shift"]), as of `now`.

    A follow-up repeats the problem when the rule table finds a complaint rule (not cancelled by
    gratitude), a weaker problem cue, sarcasm or a help request in it: unresolved. Otherwise it
    thanks the brand (a praise rule): resolved; else a negative follow-up is unresolved and a
    positive, neutral or unscored one resolved. No follow-up: pending until `window_end`, then
    no_follow_up.
    """
    out = conversations.copy()
    now = pd.Timestamp(now)
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    n = len(out)
    has = out["follow_up_at"].notna().to_numpy(dtype=bool) if n else np.zeros(0, dtype=bool)
    computed = np.full(n, NO_FOLLOW_UP, dtype=object)
    if n:
        open_window = (pd.to_datetime(out["window_end"], utc=True) > now).to_numpy(dtype=bool)
        computed[~has & open_window] = PENDING
    if has.any():
        said = out.loc[has, ["brand", "follow_up_text", "follow_up_sentiment", "follow_up_label"]].set_axis(
            ["brand", "text", "sentiment", "sentiment_label"], axis=1
        )
        found = flags.text_signals(said, brands)
        repeats = (found["problem"] | found["hint"] | found["sarcasm"] | found["help"]).to_numpy(dtype=bool)
        thanks = found["praise"].to_numpy(dtype=bool) & ~repeats
        negative = (said["sentiment_label"] == "negative").fillna(False).to_numpy(dtype=bool)
        unresolved = repeats | (negative & ~thanks)
        computed[has] = np.where(unresolved, UNRESOLVED, RESOLVED)
    if "outcome_frozen" in out:  # kept when the conversation's personal content was erased
        frozen = out["outcome_frozen"].isin(OUTCOMES).to_numpy(dtype=bool)
        computed[frozen] = out["outcome_frozen"].to_numpy(dtype=object)[frozen]
    override = out["outcome_override"] if "outcome_override" in out else pd.Series(None, index=out.index)
    manual = override.astype(object).where(override.isin(MANUAL), None)
    out["computed_outcome"] = computed
    out["overridden"] = manual.notna().to_numpy(dtype=bool)
    out["outcome"] = np.where(out["overridden"], manual.to_numpy(dtype=object), computed)
    original = pd.to_numeric(out["sentiment"], errors="coerce").astype(float)
    follow = pd.to_numeric(out["follow_up_sentiment"], errors="coerce").astype(float)
    label = out["follow_up_label"].astype(object)
    out["sentiment_shift"] = (follow - original).where(label != "unscored")
    if "outcome_frozen" in out:
        kept = out["outcome_frozen"].notna()
        frozen_shift = pd.to_numeric(out["sentiment_shift_frozen"], errors="coerce").astype(float)
        out["sentiment_shift"] = out["sentiment_shift"].where(~kept, frozen_shift)
    return out


#: what a judged conversation keeps for the figures (no texts, no handles): `keep` takes these columns
#: of `outcomes`' frame, and `as_of` turns them into the outcomes at any later time.
KEPT_COLUMNS: tuple[str, ...] = (
    "mention_id",
    "platform",
    "brand",
    "created_at",
    "responded_by",
    "window_end",
    "frozen",
    "computed_outcome",
    "overridden",
    "outcome",
    "sentiment_shift",
)
#: a time before every window's end: `outcomes` as of it judges each conversation once for every later
#: time (one with a follow-up does not depend on the time, one without is pending until `as_of`).
BEFORE_ALL = pd.Timestamp(0, tz="UTC")


def keep(judged: pd.DataFrame) -> pd.DataFrame:
    """KEPT_COLUMNS of `outcomes`' frame (`frozen`: the outcome was kept when the content was erased)."""
    frozen = (
        judged["outcome_frozen"].isin(OUTCOMES) if "outcome_frozen" in judged else pd.Series(False, index=judged.index)
    )
    out = judged.assign(frozen=frozen.to_numpy(dtype=bool))
    return out[list(KEPT_COLUMNS)]


def as_of(kept: pd.DataFrame, now: pd.Timestamp) -> pd.DataFrame:
    """`kept` (`keep` of `outcomes` as of an earlier time, e.g. BEFORE_ALL) as `outcomes` would
    judge it at `now`: a pending conversation whose window has closed by `now` has no follow-up."""
    now = pd.Timestamp(now)
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    # compared and replaced in the columns' own (string) dtype: no object array of every row
    closed = (
        (kept["computed_outcome"] == PENDING).to_numpy(dtype=bool)
        & ~kept["frozen"].to_numpy(dtype=bool)
        & ~(pd.to_datetime(kept["window_end"], utc=True) > now).to_numpy(dtype=bool)
    )
    if not closed.any():
        return kept
    computed = kept["computed_outcome"].mask(closed, NO_FOLLOW_UP)
    outcome = kept["outcome"].where(kept["overridden"].to_numpy(dtype=bool), computed)
    return kept.assign(computed_outcome=computed, outcome=outcome)


def resolution_stats(judged: pd.DataFrame, by: Sequence[str] = (), period: Period | None = None) -> pd.DataFrame:
    """STATS_COLUMNS overall or per `by` columns (and per `period` of the mention's created_at:
    "day" or "week", as `period` column). resolution_rate: FORMULAS["resolution_rate"] (NaN when no
    conversation has a known outcome); mean_sentiment_shift: mean of `sentiment_shift` (NaN when none)."""
    data = pd.DataFrame(
        {name: (judged["outcome"] == name).to_numpy(dtype=np.int64) for name in OUTCOMES}, index=judged.index
    )
    data["answered"] = 1
    data["shift"] = pd.to_numeric(judged["sentiment_shift"], errors="coerce").astype(float)
    keys: list[str] = []
    if period is not None:
        data["period"] = period_start(pd.to_datetime(judged["created_at"], utc=True), period)
        keys.append("period")
    for column in by:
        # as it is (no round trip of every row through an object array); an empty frame's as before
        data[column] = judged[column].array if len(judged) else judged[column].to_numpy()
        keys.append(column)
    counts = ["answered", *OUTCOMES]
    if keys:
        grouped = data.groupby(keys, sort=True, dropna=False)
        out = grouped[counts].sum()
        out["mean_sentiment_shift"] = grouped["shift"].mean()
        out = out.reset_index()
    else:
        out = pd.DataFrame({c: [int(data[c].sum())] for c in counts})
        out["mean_sentiment_shift"] = [data["shift"].mean()]
    known = (out[RESOLVED] + out[UNRESOLVED] + out[NO_FOLLOW_UP]).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["resolution_rate"] = np.where(known > 0, out[RESOLVED].to_numpy(dtype=float) / known, np.nan)
    for column in counts:
        out[column] = out[column].astype(np.int64)
    return out[[*keys, *STATS_COLUMNS]]
