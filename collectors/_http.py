"""Small helpers the API collectors share: request timeouts, retry waits, cursors and loop guards.

Kept free of tweepy and praw so each platform module stays about its own API. Nothing here
ever formats a credential: errors built from these helpers name variables, never values.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Hashable
from typing import Any

import requests

#: seconds a single HTTP request may take before it counts as a (retriable) timeout.
REQUEST_TIMEOUT = 30.0
#: the longest wait a rate-limit answer may ask for before the runner retries (X windows are 15 min).
MAX_RETRY_AFTER = 900.0
#: loggers that print request headers or bodies at DEBUG: kept at INFO so a token never reaches a log.
CHATTY_LOGGERS = ("tweepy", "prawcore", "praw", "requests_oauthlib", "oauthlib")


class TimeoutSession(requests.Session):
    """A requests session whose every request has a timeout (requests has none by default)."""

    def __init__(self, timeout: float = REQUEST_TIMEOUT) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def quiet_secret_loggers() -> None:
    """Keep client libraries' DEBUG output (tweepy logs the Authorization header) out of any log.

    The level is set on the libraries' own loggers, so it holds even when the app runs at DEBUG.
    """
    for name in CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)


def retry_wait(seconds: float | None, cap: float = MAX_RETRY_AFTER) -> float | None:
    """A wait in seconds clamped to [1, cap]; None stays None (the runner then backs off itself)."""
    if seconds is None:
        return None
    return float(min(max(seconds, 1.0), cap))


def header_seconds(headers: Any, name: str) -> float | None:
    """A numeric header (e.g. retry-after) as float, or None when absent or malformed."""
    try:
        value = headers.get(name) if headers is not None else None
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def decode_cursor(cursor: str | None, legacy_key: str) -> dict[str, dict[str, Any]]:
    """A stored cursor as {stream: window}; a bare legacy value becomes {legacy_key: {"since": value}}.

    A cursor that cannot be read starts afresh rather than failing the source forever.
    """
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except ValueError:
        return {legacy_key: {"since": cursor.strip()}}
    if isinstance(state, int | str):
        return {legacy_key: {"since": str(state)}}
    if not isinstance(state, dict):
        return {}
    return {k: v for k, v in state.items() if isinstance(k, str) and isinstance(v, dict)}


def encode_cursor(state: dict[str, dict[str, Any]]) -> str | None:
    """The cursor string saved with a run's rows (compact, stable key order)."""
    kept = {k: {f: v for f, v in w.items() if v is not None} for k, w in state.items()}
    kept = {k: w for k, w in kept.items() if w}
    return json.dumps(kept, sort_keys=True, separators=(",", ":")) if kept else None


class LoopGuard:
    """Remembers pagination tokens (or item ids); `seen_before(x)` is True the second time x shows up."""

    def __init__(self) -> None:
        self._seen: set[Hashable] = set()
        self.tripped = False

    def seen_before(self, token: Hashable) -> bool:
        if token in self._seen:
            self.tripped = True
            return True
        self._seen.add(token)
        return False


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
