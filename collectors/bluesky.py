"""Bluesky (the `atproto` SDK): search, the brand account's notifications and own posts; replies.

Credentials: BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (an app password, Settings > Privacy
and security > App passwords; never the account password). Search needs a logged-in session.

Streams, each newest first with its own position in the cursor (JSON, collectors.streams):
- `search`: app.bsky.feed.searchPosts for the source's `query` (sort=latest), `since` /
  `until` windows so a run cut by `max_pages` leaves no gap;
- `notifications` (`include_mentions`, default on): mentions, replies and quotes of the account;
- `own` (`include_own`, default on): the brand account's posts and replies (author feed), so
  the store sees when the brand answered someone;
- `threads` (`thread_comments`, default on with `include_own`): app.bsky.feed.getPostThread of
  the brand's recent replies to other accounts, so what the people it answered say next is
  collected (replies below the brand's, THREAD_DEPTH levels deep), for `resolution_days`, at most
  `thread_comments` threads a run (collectors/threads.py).

Reads go through `Client.invoke_query` and are mapped from the JSON, not the SDK's models:
one malformed post would fail the model of its whole page, here it is skipped and counted.
Sessions are reused within a process (createSession is limited to 30 per 5 minutes); the
session string lives in memory only and is never written or logged.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from inspect import signature
from typing import Any

import pandas as pd
from atproto import Client, models
from atproto_client import exceptions as atx
from atproto_client.request import Request

from collectors.base import CollectorError, CollectResult, FatalError, MissingCredentials, RetriableError
from collectors.streams import LoopGuard, Window, decode_cursor, encode_cursor
from collectors.threads import Gone, follow_days, revisit, thread_limit
from config import Brand, Config, Source, credential
from frame import conform, empty_frame

PAGE_LIMIT = 100
MAX_REPLY_CHARS = 300
TIMEOUT_SECONDS = 30.0
CREDENTIALS = ["BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD"]
NOTIFICATION_REASONS = ("mention", "reply", "quote")
#: reply levels read below the brand's post by getPostThread (the API's default is 6).
THREAD_DEPTH = 6
_SESSIONS: dict[str, str] = {}
_SESSIONS_LOCK = threading.Lock()


def _time(value: Any) -> str | None:
    """An ISO time as UTC with milliseconds ('2024-05-01T10:00:00.123Z'), None when unparseable."""
    if not isinstance(value, str) or not value:
        return None
    stamp = pd.to_datetime(value, utc=True, errors="coerce")
    if pd.isna(stamp):
        return None
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def map_error(exc: Exception, what: str = "bluesky", clock: Callable[[], float] = time.time) -> CollectorError:
    """The collector error for an atproto SDK exception (retriable: 429, 5xx, network; else fatal)."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    content = getattr(response, "content", None)
    detail = " ".join(str(getattr(content, k, "") or "") for k in ("error", "message")).strip()
    if isinstance(exc, atx.RateLimitExceededError):
        reset = (getattr(response, "headers", None) or {}).get("ratelimit-reset")
        wait = float(reset) - clock() if reset and str(reset).isdigit() else None
        return RetriableError(f"{what}: rate limited (429)", retry_after=max(wait, 0.0) if wait is not None else None)
    if isinstance(exc, atx.NetworkError):  # timeouts, connection errors, 502
        return RetriableError(f"{what}: network error ({status or exc.__class__.__name__})")
    if isinstance(exc, atx.UnauthorizedError):
        return FatalError(
            f"{what}: not authorised ({status}{': ' + detail if detail else ''}); "
            "check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD"
        )
    if isinstance(exc, atx.RequestErrorBase) and status is not None and status >= 500:
        return RetriableError(f"{what}: server error {status}")
    if isinstance(exc, atx.RequestErrorBase):
        return FatalError(f"{what}: request refused ({status}{': ' + detail if detail else ''})")
    return FatalError(f"{what}: {exc.__class__.__name__}: {exc}")


def _expired(exc: Exception) -> bool:
    content = getattr(getattr(exc, "response", None), "content", None)
    return getattr(content, "error", None) in {"ExpiredToken", "InvalidToken", "AuthenticationRequired"}


def login(handle: str, password: str, request: Request | None = None, fresh: bool = False) -> Client:
    """A logged-in client, reusing this process's session for `handle` unless `fresh`."""
    client = Client(request=request or Request(timeout=TIMEOUT_SECONDS))
    with _SESSIONS_LOCK:
        cached = None if fresh else _SESSIONS.get(handle)
    # no profile lookup (one request less) where the SDK has the option (recent atproto versions)
    quiet = {"fetch_bsky_profile": False} if "fetch_bsky_profile" in signature(Client.login).parameters else {}
    try:
        if cached:
            client.login(session_string=cached, **quiet)
        else:
            client.login(handle, password, **quiet)
    except atx.AtProtocolError as exc:
        raise map_error(exc, "bluesky login") from None

    def remember(_event: Any, session: Any) -> None:
        with _SESSIONS_LOCK:
            _SESSIONS[handle] = session.encode()

    client.on_session_change(remember)
    with _SESSIONS_LOCK:
        _SESSIONS[handle] = client.export_session_string()
    return client


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _thread(post: Mapping[str, Any], uri: str) -> dict[str, Any]:
    """kind, parent_id and thread_id: a reply names its parent and root, a quote embeds a record."""
    record = _mapping(post.get("record"))
    reply = _mapping(record.get("reply"))
    parent = _mapping(reply.get("parent")).get("uri")
    root = _mapping(reply.get("root")).get("uri")
    quoting = str(_mapping(record.get("embed")).get("$type") or "").startswith("app.bsky.embed.record")
    return {
        "kind": "reply" if parent else "quote" if quoting else "post",
        "parent_id": parent,
        "thread_id": root or (None if parent else uri),
    }


def _author(post: Mapping[str, Any], uri: str) -> dict[str, Any]:
    """author_id (the DID), handle and name, and the post's web URL (by handle, else by DID)."""
    author = _mapping(post.get("author"))
    handle, did = _text(author.get("handle")), _text(author.get("did"))
    who = handle if handle and handle != "handle.invalid" else did
    return {
        "url": f"https://bsky.app/profile/{who}/post/{uri.rsplit('/', 1)[-1]}" if who else None,
        "author_id": did,
        "author_handle": handle,
        "author_name": author.get("displayName") or None,
    }


def _times(post: Mapping[str, Any]) -> dict[str, Any]:
    """created_at as the author claims it; sort_at the earlier of claimed and indexed (a clock can be
    wrong); indexed_at when the network saw it (the search cursor)."""
    record = _mapping(post.get("record"))
    claimed, indexed = _time(record.get("createdAt")), _time(post.get("indexedAt"))
    known = [t for t in (claimed, indexed) if t]
    return {
        "created_at": record.get("createdAt") or post.get("indexedAt"),
        "sort_at": min(known) if known else None,
        "indexed_at": indexed or claimed,
    }


def post_row(post: Mapping[str, Any]) -> dict[str, Any] | None:
    """A post view (or a notification, same fields) as a mention-frame row; None without an at:// uri."""
    uri = post.get("uri")
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    record = _mapping(post.get("record"))
    langs = record.get("langs") if isinstance(record.get("langs"), list) else []
    return {
        "platform": "bluesky",
        "post_id": uri,
        **_thread(post, uri),
        **_author(post, uri),
        "text": _text(record.get("text")),
        "lang": str(langs[0])[:16] if langs else None,
        "likes": post.get("likeCount"),
        "replies": post.get("replyCount"),
        "reposts": post.get("repostCount"),
        "quotes": post.get("quoteCount"),
        **_times(post),
    }


class BlueskyCollector:
    platform = "bluesky"

    def __init__(
        self,
        source: Source,
        brand: Brand,
        handle: str,
        password: str,
        request: Request | None = None,
        now: datetime | None = None,
        clock: Callable[[], float] = time.time,
        thread_days: float | None = None,
    ) -> None:
        self.source, self.brand = source, brand
        self.handle, self._password = handle.lstrip("@"), password
        self.request, self.now, self.clock = request, now, clock
        self.actor = (brand.handles.get("bluesky") or self.handle).lstrip("@")
        self.include_mentions = bool(source.options.get("include_mentions", True))
        self.include_own = bool(source.options.get("include_own", True))
        self.thread_limit = thread_limit(source, self.include_own)
        if self.thread_limit and not self.include_own:
            raise FatalError(f"source {source.name}: thread_comments follows the brand's answers: it needs include_own")
        self.thread_days = thread_days if thread_days is not None else follow_days(None, brand)
        self.client: Client | None = None

    def _query(self, nsid: str, params: Any, gone: str | None = None) -> dict[str, Any]:
        """One XRPC query through the SDK; a dead cached session is replaced once by a fresh login.
        With `gone` (the post asked for), NotFound / blocked answers raise collectors.threads.Gone."""
        if self.client is None:
            self.client = login(self.handle, self._password, self.request)
        try:
            response = self.client.invoke_query(nsid, params=params)
        except atx.AtProtocolError as exc:
            error = getattr(getattr(getattr(exc, "response", None), "content", None), "error", None)
            if gone and error in {"NotFound", "BlockedActor", "BlockedByActor"}:
                raise Gone(f"bluesky {nsid}: {error}", deleted=gone if error == "NotFound" else None) from None
            if not _expired(exc):
                raise map_error(exc, f"bluesky {nsid}", self.clock) from None
            self.client = login(self.handle, self._password, self.request, fresh=True)
            try:
                response = self.client.invoke_query(nsid, params=params)
            except atx.AtProtocolError as again:
                raise map_error(again, f"bluesky {nsid}", self.clock) from None
        if not isinstance(response.content, dict):
            raise RetriableError(f"bluesky {nsid}: unexpected answer (not JSON)")
        return response.content

    def _pages(self, nsid: str, params: Callable[[str | None], Any], key: str, skipped: Counter[str]) -> Any:
        """Yield the items of each page, following the API cursor up to max_pages (loop guarded)."""
        guard, token = LoopGuard(), None
        for _ in range(self.source.max_pages):
            body = self._query(nsid, params(token))
            items = body.get(key) if isinstance(body.get(key), list) else []
            yield items
            token = body.get("cursor") if isinstance(body.get("cursor"), str) else None
            if not items or not token:
                return
            if guard.seen_before(token):
                skipped["page cursor seen twice (loop guard)"] += 1
                return
        yield None  # the page cap was reached

    def _search(self, state: dict[str, Any], skipped: Counter[str]) -> list[dict[str, Any]]:
        window = Window.load(state.get("search"))
        rows: list[dict[str, Any]] = []

        def params(token: str | None) -> Any:
            return models.AppBskyFeedSearchPosts.Params(
                q=self.source.query,
                sort="latest",
                limit=PAGE_LIMIT,
                cursor=token,
                since=window.since,
                until=window.until,
            )

        complete = True
        for items in self._pages("app.bsky.feed.searchPosts", params, "posts", skipped):
            if items is None:
                complete = False
                break
            rows += self._rows(items, skipped, matched=self.source.query)
        times = [r["sort_at"] for r in rows if r["sort_at"]]
        state["search"] = window.next(min(times, default=None), max(times, default=None), complete).dump()
        return rows

    def _since(
        self,
        state: dict[str, Any],
        name: str,
        items_key: str,
        nsid: str,
        params: Callable[[str | None], Any],
        keep: Callable[[dict[str, Any]], tuple[dict[str, Any], str] | None],
        skipped: Counter[str],
    ) -> list[dict]:
        """Newest-first pages until the stream's stored position; position = newest indexedAt seen."""
        since = state.get(name) if isinstance(state.get(name), str) else None
        rows: list[dict[str, Any]] = []
        for items in self._pages(nsid, params, items_key, skipped):
            if items is None:
                skipped[f"{name}: page cap reached before the last position"] += 1
                break
            reached = False
            for item in items:
                picked = keep(item) if isinstance(item, dict) else None
                if picked is None:
                    continue
                post, matched = picked
                row_list = self._rows([post], skipped, matched=matched)
                for row in row_list:
                    if since and row["indexed_at"] and row["indexed_at"] <= since:
                        reached = True
                        continue
                    rows.append(row)
            if reached:
                break
        newest = max((r["indexed_at"] for r in rows if r["indexed_at"]), default=None)
        state[name] = max(filter(None, (since, newest)), default=None)
        return rows

    def _notifications(self, state: dict[str, Any], skipped: Counter[str]) -> list[dict[str, Any]]:
        def params(token: str | None) -> Any:
            return models.AppBskyNotificationListNotifications.Params(
                limit=PAGE_LIMIT, cursor=token, reasons=list(NOTIFICATION_REASONS)
            )

        def keep(item: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
            reason = item.get("reason")
            return (item, f"notification: {reason}") if reason in NOTIFICATION_REASONS else None

        return self._since(
            state, "notifications", "notifications", "app.bsky.notification.listNotifications", params, keep, skipped
        )

    def _own(self, state: dict[str, Any], skipped: Counter[str]) -> list[dict[str, Any]]:
        def params(token: str | None) -> Any:
            return models.AppBskyFeedGetAuthorFeed.Params(
                actor=self.actor, filter="posts_with_replies", limit=PAGE_LIMIT, cursor=token
            )

        def keep(item: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
            post = item.get("post")
            if item.get("reason") or not isinstance(post, dict):
                return None  # a repost by the brand, not its own words
            return post, "own account"

        return self._since(state, "own", "feed", "app.bsky.feed.getAuthorFeed", params, keep, skipped)

    def _rows(self, items: list[Any], skipped: Counter[str], matched: str | None) -> list[dict[str, Any]]:
        rows = []
        for item in items:
            row = post_row(item) if isinstance(item, dict) else None
            if row is None:
                skipped["malformed post"] += 1
                continue
            row["matched"] = matched
            rows.append(row)
        return rows

    def _answers(self, own: list[dict[str, Any]]) -> list[tuple[str, float, dict[str, Any]]]:
        """The brand's replies to other accounts among its own posts: the threads to follow."""
        found: list[tuple[str, float, dict[str, Any]]] = []
        for row in own:
            parent, did = row.get("parent_id"), row.get("author_id")
            if not parent or (did and str(parent).startswith(f"at://{did}/")):
                continue  # a post, or the brand answering itself (a thread of its own)
            when = pd.to_datetime(row.get("sort_at"), utc=True, errors="coerce")
            if not pd.isna(when):
                found.append((row["post_id"], when.timestamp(), {}))
        return found

    def _thread(self, uri: str, _entry: dict[str, Any], skipped: Counter[str]) -> list[dict[str, Any]]:
        """The posts of the thread below the brand's post `uri` (its replies, THREAD_DEPTH levels; the
        brand's post itself is not repeated)."""
        params = models.AppBskyFeedGetPostThread.Params(uri=uri, depth=THREAD_DEPTH, parent_height=0)
        body = self._query("app.bsky.feed.getPostThread", params, gone=uri)
        top = _mapping(body.get("thread"))
        kind = str(top.get("$type") or "")
        if kind.endswith(("#notFoundPost", "#blockedPost")):
            raise Gone(f"bluesky thread {kind.rsplit('#', 1)[-1]}", deleted=uri if "notFound" in kind else None)
        if not kind.endswith("#threadViewPost"):
            skipped["malformed thread"] += 1
            return []
        posts: list[Any] = []
        level = top.get("replies") if isinstance(top.get("replies"), list) else []
        while level:
            below: list[Any] = []
            for node in level:
                node = _mapping(node)
                if not str(node.get("$type") or "").endswith("#threadViewPost"):
                    skipped["thread reply not visible (deleted or blocked)"] += 1
                    continue
                posts.append(node.get("post"))
                replies = node.get("replies")
                below += replies if isinstance(replies, list) else []
            level = below
        return self._rows(posts, skipped, matched=f"thread of @{self.actor}")

    def collect(self, cursor: str | None) -> CollectResult:
        state = decode_cursor(cursor)
        skipped: Counter[str] = Counter()
        rows: list[dict[str, Any]] = []
        deleted: list[str] = []
        # later duplicates win in conform: notifications lack counts, so search and own come after
        if self.include_mentions:
            rows += self._notifications(state, skipped)
        if self.source.query:
            rows += self._search(state, skipped)
        if self.include_own:
            own = self._own(state, skipped)
            rows += own
            if self.thread_limit:
                rows += revisit(
                    state,
                    self._answers(own),
                    now=self.clock(),
                    days=self.thread_days,
                    limit=self.thread_limit,
                    fetch=lambda uri, entry: self._thread(uri, entry, skipped),
                    skipped=skipped,
                    deleted=deleted,
                    what=self.source.name,
                )
        return CollectResult(self._frame(rows, skipped), encode_cursor(state), skipped, deleted=deleted)

    def _own_ids(self) -> set[str]:
        ids = {self.handle.lower(), self.actor.lower()}
        session = getattr(self.client, "_session", None)
        if session is not None and getattr(session, "did", None):
            ids.add(session.did)
        return ids

    def _frame(self, rows: list[dict[str, Any]], skipped: Counter[str]) -> pd.DataFrame:
        if not rows:
            return empty_frame()
        frame = pd.DataFrame(rows).drop(columns=["sort_at", "indexed_at"])
        own = self._own_ids()
        handles = frame["author_handle"].astype("string").str.lower()
        frame["is_own"] = (handles.isin(own).fillna(False) | frame["author_id"].isin(own)).astype(bool)
        frame["brand"] = self.brand.name
        frame["source"] = self.source.name
        frame["retrieved_at"] = self.now or datetime.fromtimestamp(self.clock(), UTC)
        return conform(frame, skipped)


def _credentials() -> tuple[str, str]:
    values = {name: credential(name) for name in CREDENTIALS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise MissingCredentials(missing)
    return str(values["BLUESKY_HANDLE"]), str(values["BLUESKY_APP_PASSWORD"])


def from_source(source: Source, config: Config) -> BlueskyCollector:
    """The collector for a configured `platform = "bluesky"` source."""
    handle, password = _credentials()
    brand = config.brand(source.brand)
    return BlueskyCollector(source, brand, handle, password, thread_days=follow_days(config, brand))


def reply(mention: Mapping[str, Any], text: str, *, request: Request | None = None) -> str:
    """Post `text` as the brand account's reply to a Bluesky mention; returns the new post's at:// uri."""
    text = (text or "").strip()
    if not text:
        raise FatalError("bluesky: the reply is empty")
    if len(text) > MAX_REPLY_CHARS:
        raise FatalError(f"bluesky: the reply has {len(text)} characters; Bluesky allows {MAX_REPLY_CHARS}")
    uri = str(mention.get("post_id") or "")
    if not uri.startswith("at://"):
        raise FatalError(f"bluesky: {uri!r} is not a Bluesky post id (at://...)")
    handle, password = _credentials()
    client = login(handle, password, request)
    try:
        found = client.invoke_query("app.bsky.feed.getPosts", params=models.AppBskyFeedGetPosts.Params(uris=[uri]))
        posts = found.content.get("posts") if isinstance(found.content, dict) else None
        if not posts:
            raise FatalError("bluesky: the post was deleted or is not visible to the brand account")
        post = posts[0]
        parent = models.ComAtprotoRepoStrongRef.Main(uri=post["uri"], cid=post["cid"])
        root_ref = ((post.get("record") or {}).get("reply") or {}).get("root")
        root = models.ComAtprotoRepoStrongRef.Main(uri=root_ref["uri"], cid=root_ref["cid"]) if root_ref else parent
        from atproto_client.utils import facet_detection

        created = client.send_post(
            text,
            profile_identify=handle,
            facets=facet_detection.detect_facets(text) or None,
            reply_to=models.AppBskyFeedPost.ReplyRef(parent=parent, root=root),
        )
    except atx.AtProtocolError as exc:
        raise map_error(exc, "bluesky reply") from None
    except (KeyError, TypeError) as exc:
        raise FatalError(f"bluesky: the post's reference is incomplete ({exc})") from None
    return str(created.uri)
