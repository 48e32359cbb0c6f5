"""Mastodon (`Mastodon.py`): hashtag timelines, search, notifications and own posts; replies.

Source keys: `instance` (default mastodon.social), `hashtags` (read with no token where the
instance allows public timelines), `query` (full-text search: needs a token, and finds what
the instance has indexed), `include_mentions` (notifications: mentions of the token's
account; default on when a token is set) and `include_own` (the brand account's statuses,
default on: the token's account, else the brand's `mastodon` handle looked up publicly) and
`thread_comments` (default on with `include_own`: the status context of the brand's recent
replies to other accounts, so what the people it answered say next is collected; for
`resolution_days`, at most `thread_comments` statuses a run, collectors/threads.py).

Credential: MASTODON_ACCESS_TOKEN (Preferences > Development > New application, scopes
`read` and `write:statuses`) on the instance named by `instance`. Without it, hashtags and
own statuses are still collected; a `query` without it is reported as missing credentials.

Every stream is read newest first with `since_id` and `max_id`; its position is a
collectors.streams.Window of status (or notification) ids, so a run cut by `max_pages`
leaves no gap. Ids are the instance's own, so replies link to what they answer. Boosts are
skipped (the boosted status is somebody else's words). Rate limits raise at once
(`ratelimit_method="throw"`) and become retriable errors with the instance's reset time.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from inspect import signature
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import requests
from mastodon import Mastodon, StreamListener, errors

from collectors.base import CollectorError, CollectResult, FatalError, MissingCredentials, RetriableError
from collectors.streams import LoopGuard, Window, decode_cursor, encode_cursor
from collectors.threads import Gone, follow_days, revisit, thread_limit
from collectors.web import USER_AGENT, html_to_text
from config import Brand, Config, Source, credential, load_config
from frame import conform, empty_frame

DEFAULT_INSTANCE = "mastodon.social"
PAGE_LIMIT = 40
MAX_REPLY_CHARS = 500
TIMEOUT_SECONDS = 30.0
#: assumed server version: no version request on start, and every endpoint used here exists since 3.x.
ASSUMED_VERSION = "4.2.0"
TOKEN = "MASTODON_ACCESS_TOKEN"
_SEARCH_LIMIT = "limit" in signature(Mastodon.search_v2).parameters


def base_url(instance: str | None) -> str:
    """'mastodon.social' or 'https://mastodon.social/' -> 'https://mastodon.social'."""
    value = (instance or DEFAULT_INSTANCE).strip().rstrip("/")
    return value if "://" in value else f"https://{value}"


def make_client(instance: str | None, token: str | None, session: requests.Session | None = None) -> Mastodon:
    return Mastodon(
        access_token=token or None,
        api_base_url=base_url(instance),
        ratelimit_method="throw",
        request_timeout=TIMEOUT_SECONDS,
        mastodon_version=ASSUMED_VERSION,
        version_check_mode="created",
        session=session,
        user_agent=USER_AGENT,
    )


def server_wait(response: requests.Response) -> float | None:
    """Seconds from a 429's `Date` to its `X-RateLimit-Reset`: the wait on the server's own clock."""
    from email.utils import parsedate_to_datetime

    reset, date = response.headers.get("X-RateLimit-Reset"), response.headers.get("Date")
    if not reset or not date:
        return None
    try:
        when = datetime.fromtimestamp(int(reset), UTC) if reset.isdigit() else datetime.fromisoformat(reset)
        return max((when - parsedate_to_datetime(date)).total_seconds(), 0.0)
    except (ValueError, TypeError, OverflowError):
        return None


def map_error(
    exc: Exception,
    api: Mastodon | None,
    what: str,
    clock: Callable[[], float] = time.time,
    wait: float | None = None,
) -> CollectorError:
    """The collector error for a Mastodon.py exception (retriable: 429, 5xx, network; else fatal).

    A 429 waits `wait` seconds when known (server_wait), else until Mastodon.py's reset time on `clock`.
    """
    if isinstance(exc, errors.MastodonRatelimitError):
        reset = getattr(api, "ratelimit_reset", None)
        if wait is None and isinstance(reset, int | float):
            wait = max(float(reset) - clock(), 0.0)
        return RetriableError(f"{what}: rate limited (429)", retry_after=wait)
    if isinstance(exc, errors.MastodonNetworkError | errors.MastodonServerError):
        return RetriableError(f"{what}: {exc.__class__.__name__.removeprefix('Mastodon')} ({str(exc)[:200]})")
    status = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
    detail = exc.args[3] if len(exc.args) > 3 and exc.args[3] else ""
    if isinstance(exc, errors.MastodonUnauthorizedError) or status in (401, 403):
        return FatalError(
            f"{what}: not authorised ({status or 401}{': ' + str(detail) if detail else ''}); "
            f"check {TOKEN}, or the instance may require a token for this"
        )
    if isinstance(exc, errors.MastodonNotFoundError):
        return FatalError(f"{what}: not found (404); check the instance and names in the source")
    if status is not None and status >= 500:
        return RetriableError(f"{what}: server error {status}")
    return FatalError(
        f"{what}: {exc.__class__.__name__.removeprefix('Mastodon')}"
        f"{f' ({status})' if status else ''}{': ' + str(detail) if detail else ''}"
    )


def _id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class MastodonCollector:
    platform = "mastodon"

    def __init__(
        self,
        source: Source,
        brand: Brand,
        token: str | None,
        session: requests.Session | None = None,
        now: datetime | None = None,
        clock: Callable[[], float] = time.time,
        thread_days: float | None = None,
    ) -> None:
        self.source, self.brand, self.now, self.clock = source, brand, now, clock
        self.limit_wait: float | None = None  # the last 429's wait, on the server's clock
        self.instance = base_url(source.options.get("instance"))
        self.host = urlsplit(self.instance).hostname or ""
        self.token = token
        tags = source.options.get("hashtags") or []
        self.hashtags = [
            str(t).strip().lstrip("#")
            for t in ([tags] if isinstance(tags, str) else tags)
            if str(t).strip().lstrip("#")
        ]
        self.include_mentions = bool(source.options.get("include_mentions", bool(token))) and bool(token)
        self.include_own = bool(source.options.get("include_own", True))
        self.thread_limit = thread_limit(source, self.include_own)
        if self.thread_limit and not self.include_own:
            raise FatalError(f"source {source.name}: thread_comments follows the brand's answers: it needs include_own")
        self.thread_days = thread_days if thread_days is not None else follow_days(None, brand)
        #: the brand's replies to other accounts read this run: (status id, time, {}).
        self._answers: list[tuple[str, float, dict[str, Any]]] = []
        handle = brand.handles.get("mastodon")
        self.own_acct = self.full_acct(handle) if handle else None
        self.own_account_id: str | None = None
        self.api = make_client(self.instance, token, session)
        self.api.session.hooks["response"].append(self._note_rate_limit)

    def _note_rate_limit(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code == 429:
            self.limit_wait = server_wait(response)

    def full_acct(self, acct: str) -> str:
        """'acme' on this instance -> 'acme@host'; 'acme@other.host' stays; lower case, no leading @."""
        acct = acct.strip().lstrip("@").lower()
        return acct if "@" in acct else f"{acct}@{self.host}"

    def _call(self, what: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except errors.MastodonError as exc:
            raise map_error(exc, self.api, f"mastodon {what}", self.clock, self.limit_wait) from None

    def _stream(
        self, state: dict[str, Any], name: str, fetch: Callable[[int | None, int | None], Any], skipped: Counter[str]
    ) -> list[Any]:
        """Items of one newest-first stream newer than its position, at most max_pages pages."""
        window = Window.load(state.get(name))
        items: list[Any] = []
        guard, max_id, complete = LoopGuard(), window.until, False
        for _ in range(self.source.max_pages):
            page = fetch(window.since, max_id) or []
            ids = [i for i in (_id(item.get("id")) for item in page if isinstance(item, Mapping)) if i is not None]
            items += [item for item in page if isinstance(item, Mapping)]
            skipped["malformed item"] += sum(1 for item in page if not isinstance(item, Mapping))
            if not ids:
                complete = True
                break
            max_id = min(ids)
            if guard.seen_before(max_id):
                skipped[f"{name}: page seen twice (loop guard)"] += 1
                complete = True
                break
        seen = [i for i in (_id(item.get("id")) for item in items) if i is not None]
        state[name] = window.next(min(seen, default=None), max(seen, default=None), complete).dump()
        return items

    def _hashtag(self, state: dict[str, Any], tag: str, skipped: Counter[str]) -> list[dict[str, Any]]:
        def fetch(since: int | None, max_id: int | None) -> Any:
            return self._call(
                f"#{tag}", self.api.timeline_hashtag, hashtag=tag, since_id=since, max_id=max_id, limit=PAGE_LIMIT
            )

        return self._rows(self._stream(state, f"tag:{tag.lower()}", fetch, skipped), f"#{tag}", skipped)

    def _search(self, state: dict[str, Any], skipped: Counter[str]) -> list[dict[str, Any]]:
        def fetch(since: int | None, max_id: int | None) -> Any:
            sized = {"limit": PAGE_LIMIT} if _SEARCH_LIMIT else {}  # older Mastodon.py: the server's page size
            found = self._call(
                "search",
                self.api.search_v2,
                q=self.source.query,
                resolve=False,
                result_type="statuses",
                min_id=since,
                max_id=max_id,
                **sized,
            )
            return found.get("statuses") if isinstance(found, Mapping) else []

        return self._rows(self._stream(state, "search", fetch, skipped), self.source.query, skipped)

    def _notifications(self, state: dict[str, Any], skipped: Counter[str]) -> list[dict[str, Any]]:
        def fetch(since: int | None, max_id: int | None) -> Any:
            return self._call(
                "notifications",
                self.api.notifications,
                types=["mention"],
                since_id=since,
                max_id=max_id,
                limit=PAGE_LIMIT,
            )

        notes = [n for n in self._stream(state, "notifications", fetch, skipped) if n.get("type") == "mention"]
        statuses = [n.get("status") for n in notes if isinstance(n.get("status"), Mapping)]
        skipped["mention without a status"] += len(notes) - len(statuses)
        return self._rows(statuses, "notification: mention", skipped)

    def _own_id(self) -> str | None:
        if self.own_account_id is None:
            if self.token:
                me = self._call("verify_credentials", self.api.account_verify_credentials)
                self.own_account_id = str(me.get("id")) if me and me.get("id") else None
                if me and me.get("acct") and not self.own_acct:
                    self.own_acct = self.full_acct(str(me.get("acct")))
            elif self.own_acct:
                acct = self.own_acct.removesuffix(f"@{self.host}")
                found = self._call("account lookup", self.api.account_lookup, acct=acct)
                self.own_account_id = str(found.get("id")) if found and found.get("id") else None
        return self.own_account_id

    def _own(self, state: dict[str, Any], skipped: Counter[str]) -> list[dict[str, Any]]:
        account = self._own_id()
        if account is None:
            return []

        def fetch(since: int | None, max_id: int | None) -> Any:
            return self._call(
                "own statuses",
                self.api.account_statuses,
                id=account,
                since_id=since,
                max_id=max_id,
                exclude_reblogs=True,
                limit=PAGE_LIMIT,
            )

        statuses = self._stream(state, "own", fetch, skipped)
        for status in statuses:  # the brand's replies to other accounts (not its own threads)
            status_id, parent = _id(status.get("id")), _id(status.get("in_reply_to_id"))
            when = pd.to_datetime(status.get("created_at"), utc=True, errors="coerce")
            to_self = str(status.get("in_reply_to_account_id")) == account
            if status_id is not None and parent is not None and not to_self and not pd.isna(when):
                self._answers.append((str(status_id), when.timestamp(), {}))
        return self._rows(statuses, "own account", skipped)

    def _context(self, status_id: str, rows: list[dict[str, Any]], skipped: Counter[str]) -> list[dict[str, Any]]:
        """The replies below the brand's status (its context's descendants), in the conversation of the
        context's first ancestor; the brand's own row of this run gets that thread too."""
        try:
            context = self.api.status_context(int(status_id))
        except errors.MastodonNotFoundError:
            raise Gone(f"mastodon status {status_id} not found", deleted=status_id) from None
        except errors.MastodonError as exc:
            raise map_error(exc, self.api, "mastodon context", self.clock, self.limit_wait) from None
        below = context.get("descendants") if isinstance(context, Mapping) else None
        above = context.get("ancestors") if isinstance(context, Mapping) else None
        if not isinstance(below, list) or not isinstance(above, list):
            skipped["malformed context"] += 1
            return []
        root = _id(above[0].get("id")) if above and isinstance(above[0], Mapping) else None
        thread = str(root) if root is not None else status_id
        found = self._rows([s for s in below if isinstance(s, Mapping)], f"thread of {self.own_acct}", skipped)
        skipped["malformed status"] += sum(1 for s in below if not isinstance(s, Mapping))
        for row in [*found, *(r for r in rows if r["post_id"] == status_id)]:
            row["thread_id"] = thread
        return found

    def _rows(self, statuses: list[Any], matched: str | None, skipped: Counter[str]) -> list[dict[str, Any]]:
        rows = []
        for status in statuses:
            if status.get("reblog"):
                skipped["boost (not the booster's words)"] += 1
                continue
            row = self.status_row(status)
            if row is None:
                skipped["malformed status"] += 1
                continue
            row["matched"] = matched
            rows.append(row)
        return rows

    def status_row(self, status: Mapping[str, Any]) -> dict[str, Any] | None:
        """A status as a mention-frame row; None without an id."""
        post_id = _id(status.get("id"))
        if post_id is None:
            return None
        account = value if isinstance(value := status.get("account"), Mapping) else {}
        acct = account.get("acct") if isinstance(account.get("acct"), str) else None
        parent = _id(status.get("in_reply_to_id"))
        warning = html_to_text(status.get("spoiler_text") if isinstance(status.get("spoiler_text"), str) else "")
        body = html_to_text(status.get("content") if isinstance(status.get("content"), str) else "")
        text = "\n\n".join(p for p in (warning, body) if p)
        url = status.get("url") or status.get("uri")
        return {
            "platform": "mastodon",
            "post_id": str(post_id),
            "url": url if isinstance(url, str) else None,
            "kind": "reply" if parent is not None else "post",
            "parent_id": str(parent) if parent is not None else None,
            "thread_id": None if parent is not None else str(post_id),
            "author_id": str(account["id"]) if account.get("id") is not None else None,
            "author_handle": self.full_acct(acct) if acct else None,
            "author_name": account.get("display_name") or None,
            "author_followers": account.get("followers_count"),
            "text": text or None,
            "lang": status.get("language") if isinstance(status.get("language"), str) else None,
            "created_at": status.get("created_at"),
            "likes": status.get("favourites_count"),
            "replies": status.get("replies_count"),
            "reposts": status.get("reblogs_count"),
            "quotes": status.get("quotes_count"),
        }

    def collect(self, cursor: str | None) -> CollectResult:
        state = decode_cursor(cursor)
        skipped: Counter[str] = Counter()
        rows: list[dict[str, Any]] = []
        if self.include_mentions:
            rows += self._notifications(state, skipped)
        for tag in self.hashtags:
            rows += self._hashtag(state, tag, skipped)
        if self.source.query:
            rows += self._search(state, skipped)
        deleted: list[str] = []
        if self.include_own:
            self._answers = []
            rows += self._own(state, skipped)
            if self.thread_limit:
                rows += revisit(
                    state,
                    self._answers,
                    now=self.clock(),
                    days=self.thread_days,
                    limit=self.thread_limit,
                    fetch=lambda status_id, _entry: self._context(status_id, rows, skipped),
                    skipped=skipped,
                    deleted=deleted,
                    what=self.source.name,
                )
        skipped = Counter({k: v for k, v in skipped.items() if v})
        return CollectResult(self._frame(rows, skipped), encode_cursor(state), skipped, deleted=deleted)

    def _frame(self, rows: list[dict[str, Any]], skipped: Counter[str]) -> pd.DataFrame:
        if not rows:
            return empty_frame()
        frame = pd.DataFrame(rows)
        own = frame["author_id"].eq(self.own_account_id) if self.own_account_id else False
        if self.own_acct:
            own = own | frame["author_handle"].eq(self.own_acct)
        frame["is_own"] = pd.Series(own, index=frame.index).fillna(False).astype(bool)
        frame["brand"] = self.brand.name
        frame["source"] = self.source.name
        frame["retrieved_at"] = self.now or datetime.fromtimestamp(self.clock(), UTC)
        return conform(frame, skipped)


def from_source(source: Source, config: Config) -> MastodonCollector:
    """The collector for a configured `platform = "mastodon"` source (`query` and mentions need the token)."""
    token = credential(TOKEN)
    if (source.query or source.options.get("include_mentions") is True) and not token:
        raise MissingCredentials([TOKEN])
    brand = config.brand(source.brand)
    return MastodonCollector(source, brand, token, thread_days=follow_days(config, brand))


def _reply_instance(mention: Mapping[str, Any]) -> str | None:
    """The instance the mention was collected from: its source's `instance`, else its URL's host."""
    name = mention.get("source")
    if name:
        try:
            return load_config().source(str(name)).options.get("instance")
        except Exception:  # no config or no such source: fall back to the URL
            pass
    url = mention.get("url")
    return urlsplit(url).hostname if isinstance(url, str) and url else None


def reply(
    mention: Mapping[str, Any], text: str, *, instance: str | None = None, session: requests.Session | None = None
) -> str:
    """Post `text` as the brand account's reply to a Mastodon mention; returns the new status id.

    The status is answered by its id on `instance` (default: the instance the mention was
    collected from), which must be the instance of MASTODON_ACCESS_TOKEN.
    """
    text = (text or "").strip()
    if not text:
        raise FatalError("mastodon: the reply is empty")
    token = credential(TOKEN)
    if not token:
        raise MissingCredentials([TOKEN])
    status_id = _id(mention.get("post_id"))
    if status_id is None:
        raise FatalError(f"mastodon: {mention.get('post_id')!r} is not a Mastodon status id")
    api = make_client(instance or _reply_instance(mention), token, session)
    try:
        target = api.status(status_id)
        author = (target.get("account") or {}).get("acct")
        body = text if not author or f"@{author}" in text else f"@{author} {text}"
        if len(body) > MAX_REPLY_CHARS:
            raise FatalError(
                f"mastodon: the reply has {len(body)} characters with the @mention; "
                f"the usual limit is {MAX_REPLY_CHARS}"
            )
        posted = api.status_post(
            body,
            in_reply_to_id=status_id,
            visibility=target.get("visibility") or None,
            language=target.get("language") or None,
        )
    except errors.MastodonNotFoundError:
        raise FatalError("mastodon: the status was deleted or is not visible to the brand account") from None
    except errors.MastodonError as exc:
        raise map_error(exc, api, "mastodon reply") from None
    return str(posted.get("id"))


# ---------------------------------------------------------------------- streaming (stream = true)

#: a streaming connection with nothing at all for this long (Mastodon sends a heartbeat every
#: few seconds) is taken as dropped.
STREAM_READ_TIMEOUT = 90.0
IDLE_SECONDS = 1.0


class _Listener(StreamListener):
    """Mastodon.py's callbacks -> (kind, payload, matched) on a queue; keeps the response to close it."""

    def __init__(self, out: queue.Queue[tuple[str, Any, str | None]], matched: str | None, updates: bool) -> None:
        super().__init__()
        self.out, self.matched, self.updates = out, matched, updates
        self.response: Any = None

    def handle_stream(self, response: Any) -> None:
        self.response = response
        super().handle_stream(response)

    def on_update(self, status: Any) -> None:
        if self.updates:  # the user stream's updates are the home timeline: not mentions
            self.out.put(("status", status, self.matched))

    def on_notification(self, notification: Any) -> None:
        if isinstance(notification, Mapping) and notification.get("type") == "mention":
            self.out.put(("status", notification.get("status"), "notification: mention"))

    def on_delete(self, status_id: Any) -> None:
        self.out.put(("delete", status_id, None))

    def on_unknown_event(self, name: str, unknown_event: Any = None) -> None:
        pass


class MastodonStream:
    """Hashtag timelines (and, with a token, notifications) through Mastodon.py's streaming API (SSE).

    One connection per hashtag plus one for the user's notifications, read by Mastodon.py on
    helper threads; `events(cursor, stop)` yields their statuses as StreamEvents, None when
    idle, and raises when any connection ends: RetriableError, or FatalError when the instance
    refuses streaming (4xx): the source then keeps to polling.
    """

    platform = "mastodon"

    def __init__(self, collector: MastodonCollector, token: str | None) -> None:
        self.collector, self.token = collector, token
        self.statuses: dict[str, int] = {}
        session = requests.Session()
        session.hooks["response"].append(self._remember)
        self.api = make_client(collector.instance, token, session)

    def _remember(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        if "/api/v1/streaming" in response.url:
            self.statuses[urlsplit(response.url).path] = response.status_code

    def _hashtag_stream(self, tag: str) -> Callable[[Any], Any]:
        """Opens the hashtag's stream with a listener (self.api read when called, as for the user stream)."""
        return lambda lis: self.api.stream_hashtag(tag, lis, timeout=STREAM_READ_TIMEOUT)

    def _connections(self) -> list[tuple[Callable[[Any], Any], str | None, bool]]:
        found: list[tuple[Callable[[Any], Any], str | None, bool]] = []
        for tag in self.collector.hashtags:
            found.append((self._hashtag_stream(tag), f"#{tag}", True))
        if self.token and self.collector.include_mentions:
            found.append((lambda lis: self.api.stream_user(lis, timeout=STREAM_READ_TIMEOUT), None, False))
        return found

    def _event(self, kind: str, payload: Any, matched: str | None) -> Any:
        from collectors.jetstream import StreamEvent

        if kind == "delete":
            return StreamEvent(None, None, deleted=str(payload))
        if not isinstance(payload, Mapping) or payload.get("reblog"):
            return StreamEvent(None, None, reason="boost or malformed status")
        row = self.collector.status_row(payload)
        if row is None:
            return StreamEvent(None, None, reason="malformed status")
        when = pd.to_datetime(row.get("created_at"), utc=True, errors="coerce")
        handle = row.get("author_handle")
        own = bool(self.collector.own_acct and handle == self.collector.own_acct)
        row.update(matched=matched, brand=self.collector.brand.name, source=self.collector.source.name, is_own=own)
        return StreamEvent(None, None if pd.isna(when) else when.to_pydatetime(), row=row)

    def _failure(self, exc: BaseException | None) -> CollectorError:
        refused = [(path, code) for path, code in self.statuses.items() if 400 <= code < 500 and code != 429]
        if refused:
            path, code = refused[0]
            return FatalError(f"mastodon streaming refused ({code} on {path}): polling only")
        if exc is None:
            return RetriableError("mastodon streaming: the server closed the connection")
        return RetriableError(f"mastodon streaming: {exc.__class__.__name__.removeprefix('Mastodon')}")

    def events(self, cursor: str | None, stop: threading.Event) -> Iterator[Any]:
        connections = self._connections()
        if not connections:
            raise FatalError("mastodon streaming: no hashtags (and no token for notifications) to stream")
        out: queue.Queue[tuple[str, Any, str | None]] = queue.Queue()
        listeners = []
        self.statuses.clear()

        def read(open_stream: Callable[[Any], Any], listener: _Listener) -> None:
            try:
                open_stream(listener)
                out.put(("end", None, None))
            except Exception as exc:  # reported to the stream's reader, which reconnects or gives up
                out.put(("error", exc, None))

        for open_stream, matched, updates in connections:
            listener = _Listener(out, matched, updates)
            listeners.append(listener)
            threading.Thread(target=read, args=(open_stream, listener), daemon=True, name="mastodon-stream").start()
        announced = False
        try:
            while not stop.is_set():
                try:
                    kind, payload, matched = out.get(timeout=IDLE_SECONDS)
                except queue.Empty:
                    if not announced and all(lis.response is not None for lis in listeners):
                        announced = True
                    yield None
                    continue
                if kind in ("end", "error"):
                    raise self._failure(payload if kind == "error" else None)
                if not announced:
                    announced = True
                    yield None
                yield self._event(kind, payload, matched)
        finally:
            for listener in listeners:
                if listener.response is not None:
                    with contextlib.suppress(Exception):  # closing a dead connection
                        listener.response.close()


def stream_from_source(source: Source, config: Config) -> MastodonStream:
    """The stream for a `stream = true` Mastodon source (notifications only with the token)."""
    token = credential(TOKEN)
    return MastodonStream(MastodonCollector(source, config.brand(source.brand), token), token)
