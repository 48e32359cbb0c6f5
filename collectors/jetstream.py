"""Bluesky through Jetstream: a long-lived WebSocket of every new post, filtered by the brand's keywords.

Jetstream (https://github.com/bluesky-social/jetstream) serves the network's repository
commits as JSON. A source with `stream = "jetstream"` connects to `jetstream` (default the
public us-east instance) with `wantedCollections=app.bsky.feed.post`, keeps the posts whose
text names the brand's keywords (collectors.keywords, minus `exclude`), and turns deletes of
posts into deletions. Identity and account events, other collections, updates and malformed
frames are counted and skipped.

Every event carries `time_us` (microseconds since the epoch): the position. On reconnect the
stream resumes `REWIND_US` before the last saved position, so nothing between the last save
and the drop is lost; what comes twice is upserted once.

This module only connects and maps; batching, saving, reconnects and state are
pipeline/streams.py. No credentials: Jetstream is public.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.sync.client import connect

from collectors.base import FatalError, RetriableError
from collectors.bluesky import post_row
from collectors.keywords import KeywordMatcher
from collectors.streams import decode_cursor
from config import Brand, Source
from redact import redact_url

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
COLLECTION = "app.bsky.feed.post"
#: resume this long before the last saved position (microseconds).
REWIND_US = 5_000_000
#: how long one receive waits before the stream reports it is idle (lets batches flush, stops be seen).
RECV_SECONDS = 1.0
OPEN_TIMEOUT = 20.0


class StreamEvent:
    """One event, mapped: `row` (a post to keep), `deleted` (a post id gone), or neither (skipped: `reason`)."""

    __slots__ = ("position", "when", "row", "deleted", "reason")

    def __init__(
        self,
        position: int | None,
        when: datetime | None,
        row: dict[str, Any] | None = None,
        deleted: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.position, self.when, self.row, self.deleted, self.reason = position, when, row, deleted, reason


def position_of(cursor: str | None) -> int | None:
    """The Jetstream position (time_us) kept in a source's cursor ({"jetstream": time_us})."""
    value = decode_cursor(cursor).get("jetstream")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def cursor_for(position: int | None) -> str | None:
    return json.dumps({"jetstream": position}) if position else None


def subscribe_url(base: str, position: int | None) -> str:
    """The endpoint with wantedCollections and (when resuming) cursor = position - REWIND_US."""
    parts = urlsplit(base)
    query = [("wantedCollections", COLLECTION)]
    if position:
        query.append(("cursor", str(max(position - REWIND_US, 0))))
    extra = f"{parts.query}&" if parts.query else ""
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/subscribe", extra + urlencode(query), ""))


def _when(time_us: Any) -> datetime | None:
    if isinstance(time_us, int) and not isinstance(time_us, bool) and time_us > 0:
        return datetime.fromtimestamp(time_us / 1_000_000, UTC)
    return None


class JetstreamMapper:
    """Frames (text) -> StreamEvent, for one brand."""

    def __init__(self, source: Source, brand: Brand) -> None:
        self.source, self.brand = source, brand
        extra = [source.query] if source.query else []
        self.matcher = KeywordMatcher.for_brand(brand, extra)

    def event(self, frame: str | bytes) -> StreamEvent:
        try:
            data = json.loads(frame)
        except (TypeError, ValueError):
            return StreamEvent(None, None, reason="malformed frame")
        if not isinstance(data, dict):
            return StreamEvent(None, None, reason="malformed frame")
        position = data.get("time_us") if isinstance(data.get("time_us"), int) else None
        when = _when(position)
        kind = data.get("kind")
        if kind != "commit":
            return StreamEvent(position, when, reason=f"{kind} event" if kind in ("identity", "account") else "other")
        commit = value if isinstance(value := data.get("commit"), dict) else {}
        did, rkey = data.get("did"), commit.get("rkey")
        if commit.get("collection") != COLLECTION or not isinstance(did, str) or not isinstance(rkey, str):
            return StreamEvent(position, when, reason="not a post")
        uri = f"at://{did}/{COLLECTION}/{rkey}"
        operation = commit.get("operation")
        if operation == "delete":
            return StreamEvent(position, when, deleted=uri)
        if operation != "create":
            return StreamEvent(position, when, reason=f"post {operation}")
        record = value if isinstance(value := commit.get("record"), dict) else {}
        matched = self.matcher.match(record.get("text") if isinstance(record.get("text"), str) else None)
        if matched is None:
            return StreamEvent(position, when, reason="no keyword")
        view = {
            "uri": uri,
            "record": record,
            "author": {"did": did},
            "indexedAt": when.isoformat() if when else None,
        }
        row = post_row(view)
        if row is None:
            return StreamEvent(position, when, reason="malformed post")
        row.pop("sort_at", None)
        row.pop("indexed_at", None)
        row.update(matched=matched, brand=self.brand.name, source=self.source.name, is_own=False)
        return StreamEvent(position, when, row=row)


class JetstreamStream:
    """`events(cursor, stop)`: one connection's StreamEvents, None when idle; raises when it drops."""

    platform = "bluesky"

    def __init__(self, source: Source, brand: Brand, url: str | None = None) -> None:
        self.url = url or source.options.get("jetstream") or DEFAULT_URL
        self.mapper = JetstreamMapper(source, brand)

    def describe(self) -> str:
        return redact_url(self.url)

    def events(self, cursor: str | None, stop: threading.Event) -> Iterator[StreamEvent | None]:
        url = subscribe_url(self.url, position_of(cursor))
        try:
            opened = connect(url, open_timeout=OPEN_TIMEOUT, max_size=2**22)
        except InvalidStatus as exc:
            status = exc.response.status_code
            error = FatalError if 400 <= status < 500 and status != 429 else RetriableError
            raise error(f"jetstream refused the connection ({status})") from None
        except InvalidURI as exc:
            raise FatalError(f"jetstream: bad URL ({exc.__class__.__name__})") from None
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            raise RetriableError(f"jetstream: cannot connect ({exc.__class__.__name__})") from None
        with opened as ws:
            yield None  # connected
            while not stop.is_set():
                try:
                    frame = ws.recv(timeout=RECV_SECONDS)
                except TimeoutError:
                    yield None
                    continue
                except ConnectionClosed as exc:
                    code = exc.rcvd.code if exc.rcvd else "no close frame"
                    raise RetriableError(f"jetstream: connection closed ({code})") from None
                except OSError as exc:
                    raise RetriableError(f"jetstream: connection lost ({exc.__class__.__name__})") from None
                yield self.mapper.event(frame)
