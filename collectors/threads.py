"""Revisiting the conversations the brand joined, so what people say after its answer is collected.

X, Bluesky, Mastodon and Hacker News keep, in the source's cursor under "threads", the brand's
recent items: {key: {"t": the brand item's time (epoch seconds), ...what the platform needs to
revisit it}}. Each run adds the brand items it collected, forgets those older than the follow-up
window (`resolution_days`, default analysis.formulas.DEFAULT_RESOLUTION_DAYS), and revisits the
newest `thread_comments` of them (the per-run cap; Reddit's collector has the same option).
What a revisit finds is stored as ordinary mention rows (kind reply/comment, with author_handle,
thread_id and parent_id), so the same author's next post in the thread can be read from the store.

Failures stay inside the revisits: a conversation that is gone (deleted, private: `Gone`) is
dropped and counted; a rate limit or an outage (RetriableError) ends the revisits for this run
and keeps every entry for the next one; another refusal skips that conversation this run. The
run's main collection, its rows and its cursor are never lost to a revisit.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.formulas import DEFAULT_RESOLUTION_DAYS
from collectors.base import CollectorError, FatalError, RetriableError
from collectors.streams import encode_cursor

log = logging.getLogger(__name__)

#: the cursor key of the followed conversations.
KEY = "threads"
#: the fact naming the conversation's first post (Reddit's submission), dropped alone by forget_followed.
THREAD_FACT = "thread"
#: conversations revisited per run when `thread_comments = true` (or unset with the brand's items read).
DEFAULT_THREADS = 5
GONE = "conversation gone"
POSTPONED = "conversation revisits postponed (rate limit or outage)"
UNREADABLE = "conversation refused this run"


class Gone(Exception):
    """The conversation can no longer be read (deleted, removed, private): stop following it."""

    def __init__(self, message: str, deleted: str | None = None) -> None:
        super().__init__(message)
        #: the brand item's id when the platform says it was deleted (store.privacy erases it).
        self.deleted = deleted


def follow_days(config: Any, brand: Any) -> float:
    """How long a conversation is followed after the brand's answer: `resolution_days` of the
    brand, else of the configuration, else DEFAULT_RESOLUTION_DAYS."""
    for holder in (brand, config):
        days = getattr(holder, "resolution_days", None)
        if isinstance(days, int | float) and not isinstance(days, bool) and days > 0:
            return float(days)
    return float(DEFAULT_RESOLUTION_DAYS)


def thread_limit(source: Any, default: bool) -> int:
    """The source's `thread_comments` (true/false or a number of conversations a run revisits)."""
    value = source.options.get("thread_comments", default)
    if isinstance(value, bool):
        return DEFAULT_THREADS if value else 0
    if not isinstance(value, int) or value < 0:
        raise FatalError(f"source {source.name}: thread_comments must be true, false or a number of threads")
    return value


@dataclass
class Followed:
    """The followed conversations of one source (the cursor's "threads" entry)."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, state: Mapping[str, Any]) -> Followed:
        """The stored entries; anything malformed is dropped (the worst case is one missed revisit)."""
        raw = state.get(KEY)
        raw = raw if isinstance(raw, dict) else {}
        kept = {
            str(k): dict(v)
            for k, v in raw.items()
            if isinstance(v, dict) and isinstance(v.get("t"), int | float) and not isinstance(v.get("t"), bool)
        }
        return cls(kept)

    def add(self, key: str, t: float, **facts: Any) -> None:
        """Follow `key` from time `t`: a later brand item in the same conversation moves `t` on,
        the facts stored first are kept (e.g. the brand's first answer)."""
        old = self.entries.get(key, {})
        merged = {**{k: v for k, v in facts.items() if v is not None}, **old}  # what was stored first stays
        merged["t"] = max(float(t), float(old.get("t", t)))
        self.entries[key] = merged

    def due(self, now: float, days: float, limit: int) -> list[str]:
        """Drop entries older than the window; the newest `limit` keys, newest first."""
        horizon = now - days * 86_400
        self.entries = {k: v for k, v in self.entries.items() if v["t"] >= horizon}
        ordered = sorted(self.entries, key=lambda k: (-self.entries[k]["t"], k))
        return ordered[:limit]


def forget_followed(cursor: str | None, ids: Iterable[str]) -> str | None:
    """The cursor without the followed conversations that name one of `ids` (a forgotten person's user
    id or post ids): an entry's key, or its facts' answered person ("to") or conversation ("conv", X's
    "<conversation>:<user id>" entries). An entry whose `thread` fact names one (Reddit's: the submission
    the brand's comment sits under) loses that fact only: the brand's own item is still followed (looked
    up by its own id). Anything else, and a cursor naming none of them, comes back unchanged
    (pipeline.privacy.clean_cursors)."""
    wanted = {str(i) for i in ids if i}
    if not cursor or not wanted:
        return cursor
    try:
        state = json.loads(cursor)
    except (TypeError, ValueError):
        return cursor
    entries = state.get(KEY) if isinstance(state, dict) else None
    if not isinstance(entries, dict):
        return cursor

    def names(key: str, entry: Any) -> bool:
        facts = entry if isinstance(entry, dict) else {}
        return bool(wanted & ({key, *key.split(":")} | {str(facts.get(f)) for f in ("to", "conv") if f in facts}))

    kept = {
        k: {f: x for f, x in v.items() if f != THREAD_FACT or str(x) not in wanted} if isinstance(v, dict) else v
        for k, v in entries.items()
        if not names(str(k), v)
    }
    if kept == entries:
        return cursor
    state[KEY] = kept or None
    return encode_cursor(state)


def named_ids(cursor: str | None) -> set[str]:
    """Every user or post id the cursor names where forget_followed and streams.forget_positions look: the
    followed conversations' keys (and their ":" parts) and `to`, `conv` and `thread` facts, the streams'
    positions' ids ({"t", "id"}) and `resume` tokens. What a run's cursor is checked for before it is written
    (pipeline.privacy.cursor_to_store)."""
    try:
        state = json.loads(cursor) if cursor else None
    except (TypeError, ValueError):
        return set()
    if not isinstance(state, dict):
        return set()
    found: set[str] = set()
    for name, value in state.items():
        if not isinstance(value, dict):
            continue
        if name == KEY:
            for key, entry in value.items():
                found |= {str(key), *str(key).split(":")}
                facts = entry if isinstance(entry, dict) else {}
                found |= {str(facts[f]) for f in ("to", "conv", THREAD_FACT) if facts.get(f) is not None}
            continue
        for field_name in ("since", "newest"):
            position = value.get(field_name)
            if isinstance(position, dict) and isinstance(position.get("id"), str):
                found.add(position["id"])
        if isinstance(value.get("resume"), str):
            found.add(value["resume"])
    return {i for i in found if i}


def revisit(
    state: dict[str, Any],
    found: Iterable[tuple[str, float, dict[str, Any]]],
    *,
    now: float,
    days: float,
    limit: int,
    fetch: Callable[[str, dict[str, Any]], list[dict[str, Any]]],
    skipped: Counter[str],
    deleted: list[str] | None = None,
    what: str = "",
) -> list[dict[str, Any]]:
    """Add the brand items `found` ((key, time, facts)) to the followed conversations in `state`,
    revisit the due ones with `fetch(key, entry)` (rows; it may update `entry`, e.g. a since-id)
    and store the entries back. Failures as the module says; returns the rows found."""
    followed = Followed.load(state)
    for key, t, facts in found:
        followed.add(key, t, **facts)
    rows: list[dict[str, Any]] = []
    due = followed.due(now, days, limit) if limit else []
    for done, key in enumerate(due):
        entry = followed.entries[key]
        try:
            rows += fetch(key, entry)
        except Gone as exc:
            skipped[GONE] += 1
            followed.entries.pop(key, None)
            if exc.deleted and deleted is not None:
                deleted.append(exc.deleted)
        except RetriableError as exc:
            skipped[POSTPONED] += len(due) - done
            log.warning("%s: conversation revisits postponed to the next run: %s", what, exc)
            break
        except CollectorError as exc:
            skipped[UNREADABLE] += 1
            log.warning("%s: conversation %s not read this run: %s", what, key, exc)
    state[KEY] = followed.entries or None
    return rows
