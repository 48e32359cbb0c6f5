"""The collector contract: what `collect` returns, and the errors a collector raises.

The frame itself (columns, dtypes, `conform`) is in `frame.py`, shared with store and analysis.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd


class CollectorError(Exception):
    """A source could not be collected."""


class RetriableError(CollectorError):
    """Worth trying again later (429, 5xx, timeouts); `retry_after` in seconds when known."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FatalError(CollectorError):
    """Retrying will not help (401/403, a bad query, bad config): stop this source."""


class MissingCredentials(FatalError):
    """The source needs credentials that are not set; it is skipped, never crashes a run."""

    def __init__(self, names: list[str]) -> None:
        super().__init__("missing credentials: " + ", ".join(names))
        self.names = names


@dataclass
class CollectResult:
    """What one `collect` call returns: rows, the cursor to save with them, skipped rows by reason,
    and the ids of stored posts the platform now reports deleted or removed (store.privacy.mark_deleted)."""

    frame: pd.DataFrame
    cursor: str | None
    skipped: Counter[str] = field(default_factory=Counter)
    #: the run's state when it is not plain "ok" but no error either (X: "budget reached").
    state: str | None = None
    #: post ids the platform says were deleted or removed (their stored text is erased).
    deleted: list[str] = field(default_factory=list)


class Collector(Protocol):
    """One class per platform; `collect(cursor)` fetches everything newer than `cursor`."""

    platform: str

    def collect(self, cursor: str | None) -> CollectResult: ...
