"""Reddit (through praw): search, watched subreddits, the brand's inbox mentions, own comments and threads.

A source runs newest-first listings, each with its own window in the cursor (the newest
item's created time and fullname, plus a gap to fill when a run hit its page cap):
`search` (the query over r/all or the listed subreddits, newest first), or `posts` and
`comments` (every new post and comment of the listed subreddits, when there is no query);
`mentions` (the logged-in account's inbox, only with user credentials); `own_comments` and
`own_posts` (the brand account's, so the store learns when it answered). `threads` revisits
the conversations the brand joined in the last days (bounded `replace_more`), so answers
to the brand are collected too.

praw runs read-only without REDDIT_USERNAME / REDDIT_PASSWORD, and never checks for
updates (a monitor must not phone home). Items are read from their raw attributes so
mapping never triggers a lazy fetch; post ids are fullnames (`t3_...`, `t1_...`), which is
what a comment's `parent_id` names, so brand replies link to what they answer.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import praw
import prawcore
from praw.models import Comment, Submission

from collectors._http import REQUEST_TIMEOUT, header_seconds, quiet_secret_loggers, retry_wait
from collectors.base import CollectorError, CollectResult, FatalError, MissingCredentials, RetriableError
from collectors.streams import LoopGuard, advance_window, decode_cursor, encode_cursor, window_of
from collectors.threads import follow_days, thread_limit
from config import Config, Source, credential
from frame import conform

log = logging.getLogger(__name__)
quiet_secret_loggers()

READ_CREDENTIALS = ["REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT"]
USER_CREDENTIALS = ["REDDIT_USERNAME", "REDDIT_PASSWORD"]
PAGE_SIZE = 100
#: "load more comments" expansions per conversation and run (each one is a request).
REPLACE_MORE_LIMIT = 4
SITE = "https://www.reddit.com"
GONE = {"[deleted]", "[removed]"}
DELETED = "deleted or removed"
#: Reddit API error types that mean the target is gone or closed: retrying will not help.
CLOSED = {
    "DELETED_COMMENT": "the comment was deleted",
    "DELETED_LINK": "the post was deleted",
    "THREAD_LOCKED": "the thread is locked",
    "TOO_OLD": "the thread is archived (too old to reply)",
    "SUBREDDIT_NOTALLOWED": "the account may not post in this subreddit",
}
COMMENTS_PATH = re.compile(r"/comments/([a-z0-9]+)/", re.I)
SUBREDDIT = re.compile(r"[A-Za-z0-9_]{2,21}")


# ---------------------------------------------------------------- mapping: praw things -> rows


@dataclass(frozen=True)
class MapContext:
    brand: str
    matched: str
    source: str
    retrieved_at: datetime
    handle: str | None = None


def fullname(thing: Any) -> str | None:
    """`t3_<id>` for a post, `t1_<id>` for a comment, None for anything else (messages, "more")."""
    prefix = "t3_" if isinstance(thing, Submission) else "t1_" if isinstance(thing, Comment) else None
    thing_id = vars(thing).get("id") if prefix else None
    return f"{prefix}{thing_id}" if isinstance(thing_id, str) and thing_id else None


def created_utc(thing: Any) -> float | None:
    value = vars(thing).get("created_utc")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _name(obj: Any) -> str | None:
    """A Redditor's or Subreddit's name without a lazy fetch (praw may also leave a plain str)."""
    if isinstance(obj, str):
        return obj or None
    value = vars(obj).get("name") or vars(obj).get("display_name") if obj is not None else None
    return value if isinstance(value, str) and value else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _thread_of(data: Mapping[str, Any]) -> str | None:
    link = _str(data.get("link_id"))
    if link:
        return link
    match = COMMENTS_PATH.search(_str(data.get("context")) or _str(data.get("permalink")) or "")
    return f"t3_{match.group(1).lower()}" if match else None


def _url(data: Mapping[str, Any], name: str, thread: str | None) -> str:
    path = _str(data.get("permalink")) or (_str(data.get("context")) or "").split("?", 1)[0]
    if path.startswith("/"):
        return SITE + path
    if path.startswith("http"):
        return path
    if name.startswith("t1_") and thread:
        return f"{SITE}/comments/{thread[3:]}/_/{name[3:]}/"
    return f"{SITE}/comments/{name[3:]}/"


def map_thing(thing: Any, ctx: MapContext) -> dict[str, Any] | str:
    """One praw Submission or Comment as a mention row, or the reason it is skipped."""
    name = fullname(thing)
    if name is None:
        return "not a post or comment"
    data = vars(thing)
    author = _name(data.get("author"))
    thread: str | None  # a comment's thread can be unknown
    if name.startswith("t3_"):
        title, body = _str(data.get("title")), _str(data.get("selftext"))
        text = "\n\n".join(t for t in (title, body) if t and t not in GONE) or None
        kind, parent, thread = "post", None, name
        replies, reposts = _count(data.get("num_comments")), _count(data.get("num_crossposts"))
    else:
        text = _str(data.get("body"))
        kind, parent, thread = "comment", _str(data.get("parent_id")), _thread_of(data)
        replies, reposts = None, None
        if text in GONE:
            return DELETED
    if author is None and (text is None or name.startswith("t3_") and _str(data.get("selftext")) in GONE):
        return DELETED
    created = created_utc(thing)
    if created is None:
        return "missing created_at"
    handle = (ctx.handle or "").lower()
    return {
        "platform": "reddit",
        "post_id": name,
        "url": _url(data, name, thread),
        "kind": kind,
        "parent_id": parent,
        "thread_id": thread,
        "author_id": _str(data.get("author_fullname")),
        "author_handle": author,
        "author_name": None,  # Reddit has user names only
        "author_followers": None,  # listings do not say
        "text": text,
        "lang": None,
        "created_at": datetime.fromtimestamp(created, UTC),
        "likes": None if data.get("score_hidden") is True else _count(data.get("score")),
        "replies": replies,
        "reposts": reposts,
        "quotes": None,
        "views": None,
        "brand": ctx.brand,
        "matched": ctx.matched,
        "is_own": bool(author and handle and author.lower() == handle),
        "source": ctx.source,
        "retrieved_at": ctx.retrieved_at,
    }


def map_things(
    things: list[Any], ctx: MapContext, skipped: Counter[str], deleted: list[str] | None = None
) -> list[dict[str, Any]]:
    """Rows for `things`; the ids of items Reddit shows as [deleted]/[removed] go to `deleted`."""
    rows: list[dict[str, Any]] = []
    for thing in things:
        row = map_thing(thing, ctx)
        if isinstance(row, str):
            skipped[row] += 1
            if row == DELETED and deleted is not None and (name := fullname(thing)):
                deleted.append(name)
        else:
            rows.append(row)
    return rows


# ---------------------------------------------------------------- errors


def _api_error(exc: praw.exceptions.RedditAPIException) -> CollectorError:
    kinds = [item.error_type for item in exc.items]
    if "RATELIMIT" in kinds:
        return RetriableError("Reddit asks to slow down (RATELIMIT)", retry_after=60.0)
    for kind in kinds:
        if kind in CLOSED:
            return FatalError(f"Reddit refused: {CLOSED[kind]} ({kind})")
    return FatalError("Reddit refused: " + "; ".join(item.error_message for item in exc.items)[:300])


def translate(exc: Exception, write: bool = False) -> CollectorError:
    """A praw / prawcore failure as RetriableError (429, 5xx, timeouts) or FatalError (the rest)."""
    if isinstance(exc, praw.exceptions.RedditAPIException):
        return _api_error(exc)
    if isinstance(exc, prawcore.TooManyRequests):
        headers = exc.response.headers
        wait = header_seconds(headers, "retry-after") or header_seconds(headers, "x-ratelimit-reset")
        return RetriableError("Reddit rate limit reached (429 Too Many Requests)", retry_after=retry_wait(wait))
    if isinstance(exc, prawcore.ServerError):
        return RetriableError(f"Reddit server error ({exc.response.status_code})")
    if isinstance(exc, prawcore.RequestException):
        return RetriableError(f"Reddit did not answer ({exc.original_exception.__class__.__name__})")
    if isinstance(exc, prawcore.OAuthException):
        return FatalError(f"Reddit refused the login ({exc.error}): check REDDIT_USERNAME and REDDIT_PASSWORD")
    if isinstance(exc, prawcore.Redirect):
        return FatalError(f"Reddit redirected to {exc.path}: the subreddit probably does not exist")
    if isinstance(exc, prawcore.ResponseException):
        status = exc.response.status_code
        if status == 401:
            names = ", ".join(READ_CREDENTIALS[:2] + (USER_CREDENTIALS if write else []))
            return FatalError(f"Reddit rejected the credentials (401 Unauthorized): check {names}")
        if status == 403:
            what = "the reply" if write else "access"
            return FatalError(f"Reddit refused {what} (403 Forbidden): private, banned, locked or not allowed")
        if status == 404:
            return FatalError("Reddit has no such post, user or subreddit (404 Not Found): deleted or misspelled?")
        if status >= 500:
            return RetriableError(f"Reddit server error ({status})")
        return FatalError(f"Reddit refused the request ({status})")
    return FatalError(f"Reddit client error ({exc.__class__.__name__}: {exc})")


ERRORS = (praw.exceptions.PRAWException, prawcore.PrawcoreException)


# ---------------------------------------------------------------- collecting


@dataclass(frozen=True)
class Listing:
    """One newest-first listing: its name in the cursor, how to open it, and what it stands for."""

    name: str
    open: Callable[[int, dict[str, str]], Iterator[Any]]  # (limit, params) -> praw ListingGenerator
    matched: str


def _opener(
    method: Callable[..., Iterator[Any]], *args: Any, **kwargs: Any
) -> Callable[[int, dict[str, str]], Iterator[Any]]:
    """(limit, params) -> the praw ListingGenerator of `method`, 100 items a request."""
    return lambda limit, params: method(*args, limit=limit, request_limit=PAGE_SIZE, params=params, **kwargs)


def _position(value: Any) -> dict[str, Any] | None:
    ok = isinstance(value, dict) and isinstance(value.get("t"), int | float) and isinstance(value.get("id"), str)
    return {"t": float(value["t"]), "id": value["id"]} if ok else None


def _readable(window: dict[str, Any]) -> dict[str, Any]:
    """A stored window with anything malformed dropped (the worst case is re-reading a page)."""
    since, newest, resume = _position(window.get("since")), _position(window.get("newest")), window.get("resume")
    if isinstance(resume, str) and newest is not None:
        return {"since": since, "resume": resume, "newest": newest}
    return {"since": since}


@dataclass
class RedditCollector:
    """Collects one configured Reddit source; `collect(cursor)` returns items newer than the cursor."""

    reddit: praw.Reddit
    source: str
    brand: str
    query: str | None = None
    subreddits: tuple[str, ...] = ()
    handle: str | None = None
    include_mentions: bool = False
    include_own: bool = False
    thread_limit: int = 0
    max_pages: int = 10
    clock: Callable[[], float] = time.time
    #: conversations the brand joined are revisited for this long (`resolution_days`), at most `thread_limit` a run.
    thread_days: float = field(default_factory=lambda: follow_days(None, None))
    platform: str = field(default="reddit", init=False)

    def collect(self, cursor: str | None) -> CollectResult:
        state = decode_cursor(cursor, "search")
        skipped: Counter[str] = Counter()
        retrieved_at = datetime.fromtimestamp(self.clock(), UTC)
        rows: list[dict[str, Any]] = []
        deleted: list[str] = []
        try:
            for listing in self.listings():
                ctx = MapContext(self.brand, listing.matched, self.source, retrieved_at, self.handle)
                things, state[listing.name] = self.fetch_listing(listing, window_of(state, listing.name))
                rows += map_things(things, ctx, skipped, deleted)
            if self.thread_limit:
                found, state["threads"] = self._threads(
                    window_of(state, "threads"), rows, retrieved_at, skipped, deleted
                )
                rows += found
        except CollectorError:
            raise
        except ERRORS as exc:
            raise translate(exc) from exc
        frame = pd.DataFrame(rows)
        if len(frame):
            frame = frame.drop_duplicates("post_id", keep="first")  # the same item found by two listings
        return CollectResult(conform(frame, skipped), encode_cursor(state), skipped, deleted=deleted)

    def listings(self) -> list[Listing]:
        """The newest-first listings this source reads, in order."""
        place = "+".join(self.subreddits) or "all"
        sub = self.reddit.subreddit(place)
        account = f"u/{self.handle}"
        found: list[Listing] = []
        if self.query:
            found.append(Listing("search", _opener(sub.search, self.query, sort="new", time_filter="all"), self.query))
        elif self.subreddits:
            found.append(Listing("posts", _opener(sub.new), f"r/{place}"))
            found.append(Listing("comments", _opener(sub.comments), f"r/{place}"))
        if self.include_mentions:
            found.append(Listing("mentions", _opener(self.reddit.inbox.mentions), account))
        if self.include_own:
            user = self.reddit.redditor(self.handle)
            found.append(Listing("own_comments", _opener(user.comments.new), account))
            found.append(Listing("own_posts", _opener(user.submissions.new), account))
        return found

    def fetch_listing(self, listing: Listing, window: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """Items above the listing's window, newest first, at most max_pages pages; and the new window."""
        window = _readable(window)
        since, resume = window.get("since"), window.get("resume")
        # _readable leaves `since` None or {"t": float, "id": str}: since_t is None exactly when since is
        since_t: float | None = since["t"] if since else None
        since_id: str | None = since["id"] if since else None
        limit = self.max_pages * PAGE_SIZE
        generator = listing.open(limit, {"after": resume} if resume else {})
        guard = LoopGuard()
        things: list[Any] = []
        reached = False
        for thing in generator:
            name = fullname(thing)
            if name is None:
                continue
            if guard.seen_before(name):
                log.warning("%s/%s: the listing repeated %s; stopping this run there", self.source, listing.name, name)
                break
            created = created_utc(thing)
            if since_t is not None and (name == since_id or (created is not None and created < since_t)):
                reached = True
                break
            things.append(thing)
        exhausted = reached or (not guard.tripped and len(things) < limit)
        dated = [(created_utc(t), fullname(t)) for t in things if created_utc(t) is not None]
        top = {"t": max(dated)[0], "id": max(dated)[1]} if dated else None
        bottom = fullname(things[-1]) if things else None
        return things, advance_window(window, top, bottom, exhausted)

    def _threads(
        self,
        active: dict[str, Any],
        rows: list[dict[str, Any]],
        retrieved_at: datetime,
        skipped: Counter[str],
        deleted: list[str] | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Revisit the conversations around the brand's recent comments and posts (bounded); a
        conversation answering 404 was deleted at the source and its item goes to `deleted`."""
        threads = {k: v for k, v in active.items() if isinstance(v, dict) and isinstance(v.get("t"), int | float)}
        for row in rows:
            if row["is_own"] and row["created_at"] is not None:
                threads[row["post_id"]] = {"t": row["created_at"].timestamp(), "thread": row["thread_id"]}
        horizon = self.clock() - self.thread_days * 86_400
        keep = sorted((k for k, v in threads.items() if v["t"] >= horizon), key=lambda k: -threads[k]["t"])
        keep = keep[: self.thread_limit]
        ctx = MapContext(self.brand, f"thread of u/{self.handle}", self.source, retrieved_at, self.handle)
        found: list[dict[str, Any]] = []
        for name in list(keep):
            try:
                found += map_things(self._conversation(name, threads[name].get("thread")), ctx, skipped, deleted)
            except (prawcore.Forbidden, prawcore.NotFound, praw.exceptions.ClientException) as exc:
                skipped["conversation gone"] += 1
                keep.remove(name)
                if isinstance(exc, prawcore.NotFound) and deleted is not None:
                    deleted.append(name)
        return found, {k: threads[k] for k in keep}

    def _conversation(self, name: str, thread: str | None) -> list[Any]:
        """The brand's item and everything answering it, with at most REPLACE_MORE_LIMIT expansions."""
        if name.startswith("t3_"):
            post = self.reddit.submission(id=name[3:])
            post.comments.replace_more(limit=REPLACE_MORE_LIMIT)
            return [post, *post.comments.list()]
        if thread:  # known thread: no extra lookup of the comment
            comment = Comment(self.reddit, _data={"id": name[3:], "link_id": thread})
        else:
            comment = self.reddit.comment(id=name[3:])
        comment.refresh()
        comment.replies.replace_more(limit=REPLACE_MORE_LIMIT)
        return [comment, *comment.replies.list()]


# ---------------------------------------------------------------- client, factory, replies


def make_reddit(user: bool | None = None) -> praw.Reddit:
    """A praw.Reddit from the credentials; read-only unless user credentials are set.

    `user=True` requires REDDIT_USERNAME / REDDIT_PASSWORD (MissingCredentials otherwise),
    `user=None` uses them when present.
    """
    values = {name: credential(name) for name in READ_CREDENTIALS + USER_CREDENTIALS}
    needed = READ_CREDENTIALS + (USER_CREDENTIALS if user else [])
    missing = [name for name in needed if not values[name]]
    if missing:
        raise MissingCredentials(missing)
    login = user is not False and all(values[n] for n in USER_CREDENTIALS)
    return praw.Reddit(
        client_id=values["REDDIT_CLIENT_ID"],
        client_secret=values["REDDIT_CLIENT_SECRET"],
        user_agent=values["REDDIT_USER_AGENT"],
        username=values["REDDIT_USERNAME"] if login else None,
        password=values["REDDIT_PASSWORD"] if login else None,
        check_for_updates=False,
        check_for_async=False,
        timeout=int(REQUEST_TIMEOUT),
    )


def has_user_credentials() -> bool:
    return all(credential(name) for name in USER_CREDENTIALS)


def _flag(source: Source, key: str, default: bool) -> bool:
    value = source.options.get(key, default)
    if not isinstance(value, bool):
        raise FatalError(f"source {source.name}: {key} must be true or false")
    return value


def from_source(source: Source, config: Config, clock: Callable[[], float] = time.time) -> RedditCollector:
    """Build the collector for a `platform = "reddit"` source (platforms.SPECS collector).

    Options: `subreddits` (list; with a query the search is restricted to them, without one
    every new post and comment there is taken), `include_mentions`, `include_own` (both
    default to true for a source with neither query nor subreddits), `thread_comments`
    (true/false or how many conversations a run revisits; defaults to include_own).
    """
    brand = config.brand(source.brand)
    handle = brand.handles.get("reddit")
    subreddits = source.options.get("subreddits", [])
    if not isinstance(subreddits, list) or not all(
        isinstance(s, str) and SUBREDDIT.fullmatch(s.removeprefix("r/")) for s in subreddits
    ):
        raise FatalError(f'source {source.name}: subreddits must be a list of names such as "python"')
    account_default = source.query is None and not subreddits and bool(handle)
    include_own = _flag(source, "include_own", account_default)
    include_mentions = _flag(source, "include_mentions", account_default and has_user_credentials())
    threads = thread_limit(source, include_own)
    if (include_own or include_mentions or threads) and not handle:
        raise FatalError(f"source {source.name}: the brand account's items need handles.reddit on brand {brand.name}")
    if not (source.query or subreddits or include_own or include_mentions):
        raise FatalError(f"source {source.name}: nothing to collect (set query or subreddits, or handles.reddit)")
    reddit = make_reddit(user=True if include_mentions else None)
    return RedditCollector(
        reddit,
        source=source.name,
        brand=brand.name,
        query=source.query,
        subreddits=tuple(s.removeprefix("r/") for s in subreddits),
        handle=handle,
        include_mentions=include_mentions,
        include_own=include_own,
        thread_limit=threads if include_own else 0,
        max_pages=source.max_pages,
        clock=clock,
        thread_days=follow_days(config, brand),
    )


def reply(mention: Mapping[str, Any], text: str, reddit: praw.Reddit | None = None) -> str:
    """Post `text` as the brand's reply to `mention` (a post or comment); returns the new comment's fullname."""
    post_id = str(mention.get("post_id") or "").strip()
    prefix, _, bare = post_id.rpartition("_") if "_" in post_id else ("", "", post_id)
    if prefix not in ("t1", "t3", "") or not re.fullmatch(r"[a-z0-9]+", bare or ""):
        raise FatalError("this mention has no Reddit post or comment id to reply to")
    is_post = prefix == "t3" or (not prefix and mention.get("kind") == "post")
    reddit = reddit or make_reddit(user=True)
    try:
        target = reddit.submission(id=bare) if is_post else reddit.comment(id=bare)
        posted = target.reply(text)
    except ERRORS as exc:
        raise translate(exc, write=True) from exc
    posted_id = vars(posted).get("id") if posted is not None else None
    if not posted_id:
        raise FatalError("Reddit did not confirm the reply (quarantined subreddit?): check the account's comments")
    return f"t1_{posted_id}"
