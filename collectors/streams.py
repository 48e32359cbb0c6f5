"""Cursor state for sources that read several newest-first streams in one run.

A source's cursor is one string in the store; every collector keeps a small JSON object in
it, one entry per stream. A cursor that is not such an object (empty, hand-edited, from an
older version) reads as "no cursor" (or, for X and Reddit, as a bare since-id/fullname): the
source then starts from the newest items again, which the upsert makes harmless.

How a newest-first API with a page cap never loses items: while a run is cut short by the
cap, the gap below the newest items is kept and fetched first on the next runs. Two forms:
`Window` for APIs queried by position (a time or an id: Bluesky, Mastodon, Hacker News), and
`advance_window` for paginators that resume from a token (tweepy's Paginator, praw listings).
`LoopGuard` ends a run when an API hands back a page token it gave before.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def cursor_id(platform: str, post_id: str) -> str:
    """How a cursor names an item it has seen: a digest, so the id of a post erased later (a forgotten
    person's app review) is not kept in the cursor or in the runs' copies of it."""
    return DIGEST_PREFIX + hashlib.sha256(f"{platform} {post_id}".encode()).hexdigest()[:32]


#: how a digest (cursor_id) starts.
DIGEST_PREFIX = "h:"
_DIGEST = re.compile(re.escape(DIGEST_PREFIX) + r"[0-9a-f]{32}")


def seen_ids(platform: str, ids: Any) -> set[str]:
    """A cursor's list of seen items as digests (cursor_id): what collectors compare and write back.

    A cursor saved before digests keeps plain ids: each is digested here, so it still matches the item it
    names and the next cursor written holds only digests (the old one is rewritten on its source's next run).
    Anything else in the list (not text nor a whole number: a hand edit) is dropped."""
    items = ids if isinstance(ids, list) else []
    return {
        i if isinstance(i, str) and _DIGEST.fullmatch(i) else cursor_id(platform, str(i))
        for i in items
        if isinstance(i, str | int) and not isinstance(i, bool) and str(i)
    }


#: the platforms whose cursors keep lists of seen items ("ids": seen_ids) anywhere in their JSON.
SEEN_ID_PLATFORMS = ("appstore", "googleplay", "rss")


def digest_seen(platform: str, cursor: str | None) -> str | None:
    """The cursor with every plain id of its "ids" lists turned into its digest (order kept, repeats
    dropped): what the source's next run would write. A forget or retention rewrites the stored cursors
    and the runs' copies with it (pipeline.privacy.clean_cursors). Anything else comes back unchanged."""
    if not cursor:
        return cursor
    try:
        state = json.loads(cursor)
    except (TypeError, ValueError):
        return cursor
    changed = False

    def walk(item: Any) -> Any:
        nonlocal changed
        if isinstance(item, dict):
            out = {}
            for key, value in item.items():
                if key == "ids" and isinstance(value, list):
                    digests = [d for i in value for d in seen_ids(platform, [i])]
                    kept = list(dict.fromkeys(digests))
                    changed = changed or kept != value
                    out[key] = kept
                else:
                    out[key] = walk(value)
            return out
        if isinstance(item, list):
            return [walk(x) for x in item]
        return item

    rewritten = walk(state)
    return json.dumps(rewritten, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if changed else cursor


def decode_cursor(cursor: str | None, legacy_key: str | None = None) -> dict[str, Any]:
    """The cursor's JSON object, or {} when absent or unreadable.

    With `legacy_key`, a bare value (a cursor saved before cursors were JSON) reads as
    {legacy_key: {"since": value}}.
    """
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except (TypeError, ValueError):
        state = cursor.strip()
    if isinstance(state, dict):
        return state
    if legacy_key and isinstance(state, int | str) and not isinstance(state, bool):
        return {legacy_key: {"since": str(state)}}
    return {}


def encode_cursor(state: dict[str, Any]) -> str | None:
    """The cursor string for `state` (stable key order), None when there is nothing to keep."""
    kept = {k: ({f: x for f, x in v.items() if x is not None} if isinstance(v, dict) else v) for k, v in state.items()}
    kept = {k: v for k, v in kept.items() if v not in (None, {}, [])}
    return json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if kept else None


def window_of(state: dict[str, Any], name: str) -> dict[str, Any]:
    """One stream's entry as a dict ({} when missing or hand-edited into something else)."""
    value = state.get(name)
    return value if isinstance(value, dict) else {}


class LoopGuard:
    """Remembers pagination tokens (or item ids); `seen_before(x)` is True the second time x shows up."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self.tripped = False

    def seen_before(self, token: Any) -> bool:
        key = json.dumps(token, sort_keys=True, default=str)
        if key in self._seen:
            self.tripped = True
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


def advance_window(window: dict[str, Any], top: Any, bottom: Any, exhausted: bool) -> dict[str, Any]:
    """Where a newest-first stream stands after a run; what makes reruns lose and repeat nothing.

    `window` is {"since": position of the newest stored item} and, while a gap remains
    below the newest items (a run hit its page cap before reaching `since`), "resume" (the
    token to continue below the oldest item fetched) and "newest" (what `since` becomes
    once the gap is filled). `top` is the newest item fetched now, `bottom` the token to
    resume below the oldest; both None when nothing came back.
    """
    filling = window.get("resume") is not None
    since = window.get("since")
    newest = window.get("newest") if filling else top
    if exhausted or bottom is None:
        done = newest if newest is not None else since
        return {"since": done} if done is not None else {}
    return {k: v for k, v in (("since", since), ("resume", bottom), ("newest", newest)) if v is not None}


def forget_positions(platform: str, cursor: str | None, ids: Any) -> str | None:
    """The cursor without the plain ids of `ids` (a forgotten person's post ids) in its streams' positions:
    a position {"t": time, "id": item id} (Reddit's `since` and `newest`) keeps its time and gets the id's digest
    (cursor_id: the stream still stops at that time, an item at that very second is read again and stored as
    known), and a `resume` token naming one is dropped with the gap it continues (the stream is read from its
    newest items down to `since` again, as far as its page cap allows). Anything else, and a cursor naming none
    of them, comes back unchanged (pipeline.privacy.clean_cursors)."""
    wanted = {str(i) for i in ids if i}
    if not cursor or not wanted or platform in ID_POSITION_PLATFORMS:  # their bare ids: move_id_positions
        return cursor
    try:
        state = json.loads(cursor)
    except (TypeError, ValueError):
        return cursor
    if not isinstance(state, dict):
        return cursor
    changed = False
    for name, window in state.items():
        if not isinstance(window, dict):
            continue
        kept = dict(window)
        if isinstance(kept.get("resume"), str) and kept["resume"] in wanted:
            kept.pop("resume")
            kept.pop("newest", None)
        for key in ("since", "newest"):
            position = kept.get(key)
            if isinstance(position, dict) and isinstance(position.get("id"), str) and position["id"] in wanted:
                kept[key] = {**position, "id": cursor_id(platform, position["id"])}
        if kept != window:
            state[name], changed = kept, True
    return encode_cursor(state) if changed else cursor


#: the platforms whose streams' positions are bare post ids: X's since_id windows (`since`, and while a gap is
#: filled `resume` and `newest`: advance_window) and Mastodon's Windows of status ids (`since`, `until`, `newest`).
ID_POSITION_PLATFORMS = ("x", "mastodon")
#: entries of their cursors that hold no positions of a stream of posts: the followed conversations
#: (collectors.threads, rewritten by forget_followed), X's read count, Mastodon's notifications (notification ids).
NOT_POST_WINDOWS = ("threads", "reads", "notifications")


def _bare(value: Any) -> str | None:
    """A position that is a bare post id (a whole number, as JSON number or digits) as text; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return value
    return None


def _post_windows(platform: str, cursor: str | None) -> dict[str, Any]:
    """The cursor's state when `platform` keeps bare post ids as positions (an X cursor saved as a bare since-id
    reads as {"search": {"since": id}}, as collectors.x reads it); {} otherwise."""
    if platform not in ID_POSITION_PLATFORMS or not cursor:
        return {}
    return decode_cursor(cursor, "search" if platform == "x" else None)


def id_positions(platform: str, cursor: str | None) -> set[str]:
    """The post ids X's and Mastodon's streams name as positions (`since`, `resume`, `until`, `newest`)."""
    found: set[str] = set()
    for name, window in _post_windows(platform, cursor).items():
        if name not in NOT_POST_WINDOWS and isinstance(window, dict):
            found |= {p for k in ("since", "resume", "until", "newest") if (p := _bare(window.get(k))) is not None}
    return found


#: the low bits of X's and Mastodon's snowflake ids below the post's time (X: ms since 2010-11-04 << 22,
#: Mastodon: ms since 1970 << 16)
SNOWFLAKE_SHIFT = {"x": 22, "mastodon": 16}
#: a Mastodon id whose time part is below this (ms: September 2001) is no snowflake: a small sequential id of an
#: instance older than Mastodon 2.0
MASTODON_SNOWFLAKE_MS = 1_000_000_000_000


def position_floor(platform: str, post_id: str) -> str | None:
    """A since-id below `post_id` naming no post: the last id of the millisecond before the post's
    (`((id >> shift) << shift) - 1`), so it keeps only the post's time (which its erased row keeps anyway) and a
    stream resumed from it reads again at most the posts of that millisecond. None for an id that is no snowflake
    (a pre-snowflake Mastodon id) or not a whole number."""
    number = _bare(post_id)
    shift = SNOWFLAKE_SHIFT.get(platform)
    if number is None or shift is None:
        return None
    time = int(number) >> shift
    if time == 0 or (platform == "mastodon" and time < MASTODON_SNOWFLAKE_MS):
        return None
    return str((time << shift) - 1)


def move_id_positions(
    platform: str,
    cursor: str | None,
    ids: Any,
    below: Callable[[str], str | None],
    above: Callable[[str, str], str | None],
) -> str | None:
    """The cursor with none of `ids` (erased posts) among X's and Mastodon's positions, each moved so that the
    stream's next run reads again no stored post and skips no post not fetched yet:

    - `since` (everything at or below it is stored) becomes `below(id)`, the newest stored post of the source
      below it (store.privacy.stored_below), or when there is none its floor (position_floor: an id naming no
      post just below the post's time), so the stream still reads everything above it; only a pre-snowflake
      Mastodon id with no stored post below goes (the stream starts over from its newest items, as on a first run);
    - while a gap is still to fetch (X's `resume`, Mastodon's `until`: the oldest item fetched above it; `newest`:
      the newest item fetched, what `since` becomes once the gap is filled), `newest` becomes `below(id)` (or its
      floor) and the gap's bottom its floor (everything from the bottom up was fetched: the gap then reads again
      no post, and skips at most posts of the bottom's own millisecond below it; moving the bottom up to a stored
      post instead made a run whose pages held only forgotten posts move it back, and the gap never filled), or
      for a pre-snowflake Mastodon id `above(id, newest)` (the oldest stored post above it, up to `newest`); a
      floor at or below `since` fills the gap (`since` becomes `newest`); when `newest` has no post left at or
      above the bottom, the gap is given up (the stream is read from its newest items down to `since`).

    The type of a position is kept (Mastodon's are JSON numbers). A cursor naming none of them comes back unchanged."""
    wanted = {str(i) for i in ids if i}
    state = _post_windows(platform, cursor) if wanted else {}

    def down(post_id: str) -> str | None:
        return below(post_id) or position_floor(platform, post_id)

    changed = False
    for name, window in list(state.items()):
        if name in NOT_POST_WINDOWS or not isinstance(window, dict):
            continue
        kept = dict(window)

        def typed(key: str, value: str, kept: dict[str, Any] = kept) -> Any:
            return int(value) if isinstance(kept.get(key), int) else value

        bottom_key = "resume" if "resume" in kept else "until"
        bottom, newest = _bare(kept.get(bottom_key)), _bare(kept.get("newest"))
        if bottom is not None and (bottom in wanted or newest in wanted):
            top = down(newest) if newest in wanted else newest
            if top is not None and int(top) >= int(bottom):
                low = (position_floor(platform, bottom) or above(bottom, top)) if bottom in wanted else bottom
            else:
                low = None
            since = _bare(kept.get("since"))
            if top is None or low is None:
                kept.pop(bottom_key)
                kept.pop("newest", None)
            elif since is not None and int(low) <= int(since):  # nothing left below the bottom's floor: filled
                kept.pop(bottom_key)
                kept.pop("newest", None)
                kept["since"] = typed("since", top) if int(top) > int(since) else kept["since"]
            else:
                kept.update({bottom_key: typed(bottom_key, low), "newest": typed("newest", top)})
        elif newest is not None and newest in wanted:  # no gap: `newest` is not read, but names the post
            moved = down(newest)
            if moved is None:
                kept.pop("newest")
            else:
                kept["newest"] = typed("newest", moved)
        since = _bare(kept.get("since"))
        if since is not None and since in wanted:
            moved = down(since)
            if moved is None:
                kept.pop("since")
            else:
                kept["since"] = typed("since", moved)
        if kept != window:
            state[name], changed = kept, True
    return encode_cursor(state) if changed else cursor
