"""HTTP helpers the API collectors share: request timeouts, retry waits, quiet client loggers.

Cursor state and loop guards are in collectors/streams.py.

Kept free of tweepy and praw so each platform module stays about its own API. Nothing here
ever formats a credential: errors built from these helpers name variables, never values.
"""

from __future__ import annotations

import logging
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

    def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
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
