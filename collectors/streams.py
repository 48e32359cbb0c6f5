"""Cursor state for sources that read several newest-first streams in one run.

A source's cursor is one string in the store; the Bluesky, Mastodon, Hacker News and RSS
collectors keep a small JSON object in it, one entry per stream. A cursor that is not such
an object (empty, hand-edited, from an older version) reads as "no cursor": the source then
starts from the newest items again, which the upsert makes harmless.

`Window` is how a newest-first API with a page cap never loses items: while a run is cut
short by the cap, the gap between the last complete position and the oldest item seen is
kept and fetched first on the next runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


def load_state(cursor: str | None) -> dict[str, Any]:
    """The cursor's JSON object, or {} when absent or unreadable."""
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except (TypeError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def dump_state(state: dict[str, Any]) -> str | None:
    """The cursor string for `state` (stable key order), None when there is nothing to keep."""
    kept = {k: v for k, v in state.items() if v not in (None, {}, [])}
    return json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if kept else None


class PageGuard:
    """Remembers pagination tokens; a token seen twice means the API is looping, so the run ends."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def repeated(self, token: Any) -> bool:
        key = json.dumps(token, sort_keys=True, default=str)
        if key in self._seen:
            return True
        self._seen.add(key)
        return False


@dataclass(frozen=True)
class Window:
    """Positions (times or ids, comparable) of one newest-first stream.

    since: everything at or before it is stored. until: when set, (since, until) is still to
    fetch, and everything from until on is stored up to `newest`.
    """

    since: Any = None
    until: Any = None
    newest: Any = None

    @classmethod
    def load(cls, raw: Any) -> Window:
        if isinstance(raw, dict):
            return cls(raw.get("since"), raw.get("until"), raw.get("newest"))
        return cls()

    def dump(self) -> dict[str, Any] | None:
        out = {
            k: v for k, v in (("since", self.since), ("until", self.until), ("newest", self.newest)) if v is not None
        }
        return out or None

    def next(self, oldest: Any, newest: Any, complete: bool) -> Window:
        """The window after a run that saw items from `oldest` to `newest` (None if none).

        complete: the run reached `since` (or the end of the results), not the page cap. A
        first run (no `since`) keeps only the newest pages: no backfill of all history.
        """
        top = _max(newest, self.newest, self.since)
        if self.since is None or complete:
            return Window(since=top)
        if oldest is None or (self.until is not None and oldest >= self.until):
            return Window(since=top)  # no progress possible: give the gap up rather than loop
        return Window(since=self.since, until=oldest, newest=top)


def _max(*values: Any) -> Any:
    present = [v for v in values if v is not None]
    return max(present) if present else None
