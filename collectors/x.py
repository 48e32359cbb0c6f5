"""X (API v2, through tweepy.Client): recent search, the brand's mentions, its own posts and replies.

A source runs up to three newest-first streams, each with its own `since_id` window in the
cursor: `search` (the source's query, reposts excluded), `mentions` (posts naming the brand
account) and `own` (the brand's posts and replies, so the store learns when it answered).
Every stream goes through `tweepy.Paginator` with at most `source.max_pages` pages a run;
a stream cut short by that cap remembers the gap and fills it on later runs.

Follow-ups (`thread_comments`, default on with `include_own`): for each conversation where the
brand answered someone, recent search for `conversation_id:<id> from:<that author>` newer than
the brand's answer (one page a conversation and run, `since_id` kept per conversation in the
cursor), for `resolution_days` but never past recent search's 7 days; see collectors/threads.py.

The API omits fields it has no value for, and old recordings carry only `id` and `text`:
mapping tolerates any field missing or malformed, leaving it null. `created_at` falls back
to the time encoded in the post id (X ids are Snowflakes), a fact the API does state.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import requests
import tweepy

import platforms
from collectors._http import TimeoutSession, header_seconds, quiet_secret_loggers, retry_wait
from collectors.base import CollectorError, CollectResult, FatalError, MissingCredentials, RetriableError
from collectors.streams import LoopGuard, advance_window, decode_cursor, encode_cursor, window_of
from collectors.threads import Gone, follow_days, revisit, thread_limit
from config import Config, Source, credential
from frame import conform

log = logging.getLogger(__name__)
quiet_secret_loggers()

SEARCH, MENTIONS, OWN = "search", "mentions", "own"
TWEET_FIELDS = [
    "created_at",
    "public_metrics",
    "author_id",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "lang",
]
USER_FIELDS = ["public_metrics"]
EXPANSIONS = ["author_id"]
PAGE_SIZE = 100
#: the smallest max_results X accepts on search (mentions and timelines take 5): less left = budget reached.
MIN_PAGE_SIZE = 10
READ_CREDENTIALS = ["X_BEARER_TOKEN"]
WRITE_CREDENTIALS = list(platforms.SPECS["x"].write_credentials)
SNOWFLAKE_EPOCH_MS = 1_288_834_974_657
#: recent search refuses ids older than 7 days; keep a minute's margin.
RECENT_SEARCH_SECONDS = 7 * 86_400 - 60


# ---------------------------------------------------------------- mapping: payload -> rows


@dataclass(frozen=True)
class MapContext:
    """What a page's rows share: who they are for, which stream found them, and when."""

    brand: str
    matched: str
    source: str
    retrieved_at: datetime
    handle: str | None = None
    brand_user_id: str | None = None
    #: the account whose timeline this is: every post on the page is its own.
    owner: Mapping[str, Any] | None = None


def snowflake_time(post_id: str | int) -> datetime | None:
    """The creation time encoded in an X id, or None for ids that are not Snowflakes."""
    try:
        ms = (int(post_id) >> 22) + SNOWFLAKE_EPOCH_MS
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(ms / 1000, UTC) if int(post_id) > 2**22 else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _created_at(value: Any, post_id: str) -> datetime | None:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            pass
    return snowflake_time(post_id)


def _references(value: Any) -> dict[str, str]:
    """referenced_tweets as {type: id}, ignoring malformed entries."""
    refs: dict[str, str] = {}
    if isinstance(value, list):
        for ref in value:
            if isinstance(ref, dict) and _text(ref.get("type")) and _text(str(ref.get("id") or "")):
                refs.setdefault(ref["type"], str(ref["id"]))
    return refs


def users_by_id(includes: Any) -> dict[str, Mapping[str, Any]]:
    """includes.users keyed by id (empty when the expansion is missing or malformed)."""
    users = includes.get("users") if isinstance(includes, dict) else None
    if not isinstance(users, list):
        return {}
    return {str(u["id"]): u for u in users if isinstance(u, dict) and u.get("id") is not None}


def _shape(refs: Mapping[str, str]) -> dict[str, Any]:
    """kind and parent_id from the referenced tweets: a reply, a quote, or a post."""
    if "replied_to" in refs:
        return {"kind": "reply", "parent_id": refs["replied_to"]}
    if "quoted" in refs:
        return {"kind": "quote", "parent_id": refs["quoted"]}
    return {"kind": "post", "parent_id": None}


def _author(user: Mapping[str, Any], author_id: str | None, post_id: str) -> dict[str, Any]:
    """The author's columns from the page's includes.users, and the post's URL (by handle when known)."""
    handle = _text(user.get("username"))
    user_metrics = value if isinstance(value := user.get("public_metrics"), dict) else {}
    return {
        "url": f"https://x.com/{handle}/status/{post_id}" if handle else f"https://x.com/i/web/status/{post_id}",
        "author_id": author_id,
        "author_handle": handle,
        "author_name": _text(user.get("name")),
        "author_followers": _count(user_metrics.get("followers_count")),
    }


def _counts(item: Mapping[str, Any]) -> dict[str, Any]:
    """The engagement counts of public_metrics (impressions as views)."""
    metrics = value if isinstance(value := item.get("public_metrics"), dict) else {}
    return {
        "likes": _count(metrics.get("like_count")),
        "replies": _count(metrics.get("reply_count")),
        "reposts": _count(metrics.get("retweet_count")),
        "quotes": _count(metrics.get("quote_count")),
        "views": _count(metrics.get("impression_count")),
    }


def _is_own(ctx: MapContext, author_id: str | None, handle: str | None) -> bool:
    """The brand's own post: read from its own timeline, or written by its account (id or handle)."""
    own_handle = (ctx.handle or "").lower()
    return bool(
        ctx.owner is not None
        or (author_id is not None and author_id == ctx.brand_user_id)
        or (handle is not None and own_handle and handle.lower() == own_handle)
    )


def map_tweet(item: Any, users: Mapping[str, Mapping[str, Any]], ctx: MapContext) -> dict[str, Any] | str:
    """One API v2 tweet object as a mention row, or the reason it is skipped."""
    if not isinstance(item, dict):
        return "malformed item"
    post_id = str(item.get("id") or "").strip()
    if not post_id.isdigit():
        return "missing post_id"
    text = _text(item.get("text"))
    refs = _references(item.get("referenced_tweets"))
    if "retweeted" in refs or (not refs and text is not None and text.startswith("RT @")):
        return "repost"
    created_at = _created_at(item.get("created_at"), post_id)
    if created_at is None:
        return "missing created_at"
    author_id = _text(str(item.get("author_id") or "")) or (str(ctx.owner["id"]) if ctx.owner else None)
    user = users.get(author_id or "") or ctx.owner or {}
    author = _author(user, author_id, post_id)
    lang = _text(item.get("lang"))
    return {
        "platform": "x",
        "post_id": post_id,
        **_shape(refs),
        "thread_id": _text(str(item.get("conversation_id") or "")),
        **author,
        "text": text,
        "lang": None if lang == "und" else lang,
        "created_at": created_at,
        **_counts(item),
        "brand": ctx.brand,
        "matched": ctx.matched,
        "is_own": _is_own(ctx, author_id, author["author_handle"]),
        "source": ctx.source,
        "retrieved_at": ctx.retrieved_at,
    }


def map_page(page: Any, ctx: MapContext, skipped: Counter[str]) -> list[dict[str, Any]]:
    """A v2 response page ({data, includes, meta}) as rows; unusable items counted in `skipped`."""
    data = page.get("data") if isinstance(page, dict) else None
    if data is None:
        return []
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        skipped["malformed page"] += 1
        return []
    users = users_by_id(page.get("includes"))
    rows: list[dict[str, Any]] = []
    for item in data:
        row = map_tweet(item, users, ctx)
        if isinstance(row, str):
            skipped[row] += 1
        else:
            rows.append(row)
    return rows


def page_ids(page: Any) -> list[int]:
    """Every numeric post id on a page, mapped or not: the window moves past skipped items too."""
    data = page.get("data") if isinstance(page, dict) else None
    data = [data] if isinstance(data, dict) else data if isinstance(data, list) else []
    return [int(i) for i in (str(t.get("id", "")) for t in data if isinstance(t, dict)) if i.isdigit()]


def brand_answers(page: Any, brand_id: str, own_timeline: bool) -> list[tuple[str, float, dict[str, Any]]]:
    """The brand's replies to somebody else on a page, as conversations to follow:
    ("<conversation id>:<answered user id>", time, {"conv", "to", "after": the reply's id})."""
    data = page.get("data") if isinstance(page, dict) else None
    data = [data] if isinstance(data, dict) else data if isinstance(data, list) else []
    found: list[tuple[str, float, dict[str, Any]]] = []
    for item in data:
        if not isinstance(item, dict):
            continue
        post_id, conv = str(item.get("id") or ""), str(item.get("conversation_id") or "")
        to, author = str(item.get("in_reply_to_user_id") or ""), str(item.get("author_id") or "")
        mine = own_timeline or author == brand_id
        if not (mine and post_id.isdigit() and conv.isdigit() and to.isdigit() and to != brand_id):
            continue
        when = _created_at(item.get("created_at"), post_id)
        if when is not None:
            found.append((f"{conv}:{to}", when.timestamp(), {"conv": conv, "to": to, "after": post_id}))
    return found


def next_token(page: Any) -> str | None:
    meta = page.get("meta") if isinstance(page, dict) else None
    token = meta.get("next_token") if isinstance(meta, dict) else None
    return token if isinstance(token, str) and token else None


# ---------------------------------------------------------------- errors


def translate(exc: Exception, clock: Callable[[], float] = time.time, write: bool = False) -> CollectorError:
    """A tweepy / requests failure as RetriableError (429, 5xx, timeouts) or FatalError (the rest)."""
    names = ", ".join(WRITE_CREDENTIALS if write else READ_CREDENTIALS)
    if isinstance(exc, tweepy.HTTPException):
        detail = "; ".join(m for m in exc.api_messages if isinstance(m, str))[:300]
        detail = f": {detail}" if detail else ""
        status = getattr(exc.response, "status_code", None)
        headers = getattr(exc.response, "headers", None)
        if isinstance(exc, tweepy.TooManyRequests):
            reset = header_seconds(headers, "x-rate-limit-reset")
            wait = reset - clock() + 1 if reset is not None else header_seconds(headers, "retry-after")
            return RetriableError("X rate limit reached (429 Too Many Requests)", retry_after=retry_wait(wait))
        if isinstance(exc, tweepy.TwitterServerError):
            return RetriableError(
                f"X server error ({status})", retry_after=retry_wait(header_seconds(headers, "retry-after"))
            )
        if isinstance(exc, tweepy.Unauthorized):
            return FatalError(f"X rejected the credentials (401 Unauthorized): check {names}")
        if isinstance(exc, tweepy.Forbidden):
            return FatalError(f"X refused this (403 Forbidden){detail}")
        if isinstance(exc, tweepy.BadRequest):
            return FatalError(f"X refused the request (400 Bad Request){detail}")
        if isinstance(exc, tweepy.NotFound):
            return FatalError(f"X has no such resource (404 Not Found){detail}")
        return FatalError(f"X answered {status}{detail}")
    if isinstance(exc, requests.JSONDecodeError):
        return RetriableError("X sent an answer that is not JSON")
    if isinstance(exc, requests.RequestException):
        return RetriableError(f"X did not answer ({exc.__class__.__name__})")
    return FatalError(f"X client error ({exc.__class__.__name__}: {exc})")


# ---------------------------------------------------------------- collecting


@dataclass(frozen=True)
class Stream:
    """One newest-first endpoint: its name in the cursor, the client method and its arguments."""

    name: str
    method: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    matched: str
    owner: Mapping[str, Any] | None = None
    recent_only: bool = False


def search_query(query: str) -> str:
    """The query with reposts excluded at the source (they would be skipped anyway, and cost quota)."""
    return query if "is:retweet" in query else f"({query}) -is:retweet"


@dataclass
class XCollector:
    """Collects one configured X source; `collect(cursor)` returns rows newer than the cursor."""

    client: tweepy.Client
    source: str
    brand: str
    query: str | None = None
    handle: str | None = None
    include_mentions: bool = False
    include_own: bool = False
    max_pages: int = 10
    clock: Callable[[], float] = time.time
    #: posts read per calendar month (UTC); None: no budget.
    monthly_read_budget: int | None = None
    #: conversations the brand answered revisited per run (0: none), and for how many days.
    thread_limit: int = 0
    thread_days: float = 7.0
    platform: str = field(default="x", init=False)
    _answers: list[tuple[str, float, dict[str, Any]]] = field(default_factory=list, init=False, repr=False)
    _account: Mapping[str, Any] | None = field(default=None, init=False, repr=False)
    _reads: int = field(default=0, init=False, repr=False)
    _budget_hit: bool = field(default=False, init=False, repr=False)

    def collect(self, cursor: str | None) -> CollectResult:
        """Rows newer than the cursor. The cursor also counts this month's reads ({"reads": {month, count}}):
        with a budget, no page is fetched that could pass it, and the run's state is "budget reached"."""
        state = decode_cursor(cursor, SEARCH)
        skipped: Counter[str] = Counter()
        retrieved_at = datetime.fromtimestamp(self.clock(), UTC)
        month = retrieved_at.strftime("%Y-%m")
        counted = reads if isinstance(reads := state.get("reads"), dict) else {}
        self._reads = int(counted.get("count") or 0) if counted.get("month") == month else 0
        self._budget_hit = False
        self._answers = []
        rows: list[dict[str, Any]] = []
        try:
            for stream in self.streams():
                if self._budget_hit:
                    break
                found, state[stream.name] = self._run(stream, window_of(state, stream.name), skipped, retrieved_at)
                rows += found
            if self.thread_limit:
                rows += self._follow_ups(state, skipped, retrieved_at)
        except CollectorError:
            raise
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise translate(exc, self.clock) from exc
        if self.monthly_read_budget is not None:  # counted where a budget is set (the Sources page shows it)
            state["reads"] = {"month": month, "count": self._reads}
        frame = pd.DataFrame(rows)
        if len(frame):
            frame = frame.drop_duplicates("post_id", keep="first")  # the same post found by two streams
        if self._budget_hit:
            log.warning(
                "%s: monthly read budget reached (%d of %d)", self.source, self._reads, self.monthly_read_budget
            )
        state_note = "budget reached" if self._budget_hit else None
        return CollectResult(conform(frame, skipped), encode_cursor(state), skipped, state=state_note)

    def _page_size(self) -> int | None:
        """max_results for the next stream: 100, or what is left of the budget; None when too little is left."""
        if self.monthly_read_budget is None:
            return PAGE_SIZE
        left = self.monthly_read_budget - self._reads
        return min(PAGE_SIZE, left) if left >= MIN_PAGE_SIZE else None

    def account(self) -> Mapping[str, Any]:
        """The brand account ({id, username, name, public_metrics}); looked up once per collector."""
        if self._account is None:
            page = self.client.get_user(username=self.handle, user_fields=USER_FIELDS)
            user = page.get("data") if isinstance(page, dict) else None
            if not isinstance(user, dict) or not user.get("id"):
                raise FatalError(f"X has no user @{self.handle}: check handles.x of brand {self.brand}")
            self._account = {**user, "username": user.get("username") or self.handle}
        return self._account

    def streams(self) -> list[Stream]:
        common = {
            "tweet_fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "user_fields": USER_FIELDS,
            "max_results": PAGE_SIZE,
        }
        streams: list[Stream] = []
        if self.query:
            streams.append(
                Stream(
                    SEARCH,
                    self.client.search_recent_tweets,
                    (search_query(self.query),),
                    common,
                    self.query,
                    recent_only=True,
                )
            )
        if self.include_mentions or self.include_own:
            account = self.account()
            user_id = str(account["id"])
            if self.include_mentions:
                streams.append(Stream(MENTIONS, self.client.get_users_mentions, (user_id,), common, f"@{self.handle}"))
            if self.include_own:
                streams.append(
                    Stream(
                        OWN,
                        self.client.get_users_tweets,
                        (user_id,),
                        {**common, "exclude": ["retweets"]},
                        f"from:{self.handle}",
                        owner=account,
                    )
                )
        return streams

    def _usable(self, stream: Stream, window: dict[str, Any]) -> dict[str, Any]:
        """Drop window bounds that recent search would refuse (older than 7 days): that past is gone."""
        window = {k: v for k, v in window.items() if isinstance(v, str) and v.isdigit()}
        if not stream.recent_only:
            return window
        horizon = datetime.fromtimestamp(self.clock() - RECENT_SEARCH_SECONDS, UTC)

        def too_old(key: str) -> bool:
            when = snowflake_time(window[key]) if key in window else None
            return when is not None and when < horizon

        if too_old("resume"):
            window = {"since": window.get("newest")}
        if too_old("since"):
            window.pop("since")
        return {k: v for k, v in window.items() if v is not None}

    def _run(
        self, stream: Stream, window: dict[str, Any], skipped: Counter[str], retrieved_at: datetime
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Fetch one stream's pages above its window (capped), map them, and say where it now stands."""
        window = self._usable(stream, window)
        kwargs = dict(stream.kwargs)
        size = self._page_size()
        if size is None:
            self._budget_hit = True
            return [], window
        kwargs["max_results"] = size
        if window.get("since"):
            kwargs["since_id"] = window["since"]
        if window.get("resume"):
            kwargs["until_id"] = window["resume"]
        account = self._account or {}
        ctx = MapContext(
            brand=self.brand,
            matched=stream.matched,
            source=self.source,
            retrieved_at=retrieved_at,
            handle=self.handle,
            brand_user_id=str(account["id"]) if account.get("id") else None,
            owner=stream.owner,
        )
        rows: list[dict[str, Any]] = []
        ids: list[int] = []
        guard = LoopGuard()
        exhausted = False
        pages = iter(tweepy.Paginator(stream.method, *stream.args, limit=self.max_pages, **kwargs))
        while True:
            if self.monthly_read_budget is not None and self._reads + size > self.monthly_read_budget:
                self._budget_hit = True  # the next page could pass the budget: not fetched
                break
            page = next(pages, None)
            if page is None:
                break
            self._reads += len(page_ids(page))
            rows += map_page(page, ctx, skipped)
            ids += page_ids(page)
            if ctx.brand_user_id:
                self._answers += brand_answers(page, ctx.brand_user_id, stream.owner is not None)
            token = next_token(page)
            if token is None:
                exhausted = True
                break
            if guard.seen_before(token):
                log.warning("%s/%s: pagination token repeated; stopping this run there", self.source, stream.name)
                break
        top, bottom = (str(max(ids)), str(min(ids))) if ids else (None, None)
        return rows, advance_window(window, top, bottom, exhausted)

    def _follow_ups(self, state: dict[str, Any], skipped: Counter[str], retrieved_at: datetime) -> list[dict[str, Any]]:
        """What the people the brand answered said next in those conversations (collectors/threads.py)."""
        account = self.account()
        ctx = MapContext(
            brand=self.brand,
            matched=f"conversation of @{self.handle}",
            source=self.source,
            retrieved_at=retrieved_at,
            handle=self.handle,
            brand_user_id=str(account["id"]),
        )

        def fetch(_key: str, entry: dict[str, Any]) -> list[dict[str, Any]]:
            conv, to = str(entry.get("conv") or ""), str(entry.get("to") or "")
            since = str(entry.get("since") or entry.get("after") or "")
            if not (conv.isdigit() and to.isdigit() and since.isdigit()):
                raise Gone("malformed conversation entry")
            size = self._page_size()
            if size is None:
                self._budget_hit = True
                raise RetriableError("monthly read budget reached")
            try:
                page = self.client.search_recent_tweets(
                    f"conversation_id:{conv} from:{to}",
                    tweet_fields=TWEET_FIELDS,
                    expansions=EXPANSIONS,
                    user_fields=USER_FIELDS,
                    max_results=size,
                    since_id=since,
                )
            except tweepy.BadRequest as exc:  # e.g. an id recent search no longer accepts
                raise Gone(f"X refused the conversation search ({exc})") from exc
            except (tweepy.TweepyException, requests.RequestException) as exc:
                raise translate(exc, self.clock) from exc
            ids = page_ids(page)
            self._reads += len(ids)
            if ids:
                entry["since"] = str(max(ids))
            return map_page(page, ctx, skipped)

        # recent search reads 7 days back: the window is resolution_days, never longer than that
        days = min(self.thread_days, RECENT_SEARCH_SECONDS / 86_400)
        answers = sorted(self._answers, key=lambda a: int(a[2]["after"]))  # the brand's first answer first
        return revisit(
            state,
            answers,
            now=self.clock(),
            days=days,
            limit=self.thread_limit,
            fetch=fetch,
            skipped=skipped,
            what=self.source,
        )


# ---------------------------------------------------------------- clients, factory, replies


def make_client(**credentials: str | None) -> tweepy.Client:
    """A tweepy.Client returning plain dicts (robust to malformed fields), with request timeouts."""
    client = tweepy.Client(**credentials, return_type=dict, wait_on_rate_limit=False)
    client.session = TimeoutSession()
    return client


def _option(source: Source, key: str, default: bool) -> bool:
    value = source.options.get(key, default)
    if not isinstance(value, bool):
        raise FatalError(f"source {source.name}: {key} must be true or false")
    return value


def from_source(source: Source, config: Config, clock: Callable[[], float] = time.time) -> XCollector:
    """Build the collector for a `platform = "x"` source (platforms.SPECS collector).

    Without a query, the source follows the brand account (mentions and own posts) unless
    told otherwise; with one, `include_mentions` / `include_own` add those streams.
    """
    brand = config.brand(source.brand)
    handle = brand.handles.get("x")
    account_default = source.query is None
    include_mentions = _option(source, "include_mentions", account_default and bool(handle))
    include_own = _option(source, "include_own", account_default and bool(handle))
    if (include_mentions or include_own) and not handle:
        raise FatalError(f"source {source.name}: mentions and own posts need handles.x on brand {brand.name}")
    if not source.query and not (include_mentions or include_own):
        raise FatalError(f"source {source.name}: nothing to collect (set query, or handles.x on brand {brand.name})")
    threads = thread_limit(source, include_own)
    if threads and not include_own:
        raise FatalError(f"source {source.name}: thread_comments follows the brand's answers: it needs include_own")
    token = credential("X_BEARER_TOKEN")
    if not token:
        raise MissingCredentials(READ_CREDENTIALS)
    return XCollector(
        make_client(bearer_token=token),
        source=source.name,
        brand=brand.name,
        query=source.query,
        handle=handle,
        include_mentions=include_mentions,
        include_own=include_own,
        max_pages=source.max_pages,
        clock=clock,
        monthly_read_budget=source.options.get("monthly_read_budget"),
        thread_limit=threads,
        thread_days=follow_days(config, brand),
    )


def write_client() -> tweepy.Client:
    """A client allowed to post (OAuth 1.0a user context); MissingCredentials names what is unset."""
    values = {name: credential(name) for name in WRITE_CREDENTIALS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise MissingCredentials(missing)
    return make_client(
        consumer_key=values["X_API_KEY"],
        consumer_secret=values["X_API_SECRET"],
        access_token=values["X_ACCESS_TOKEN"],
        access_token_secret=values["X_ACCESS_SECRET"],
    )


def reply(mention: Mapping[str, Any], text: str, client: tweepy.Client | None = None) -> str:
    """Post `text` as the brand's reply to `mention` (its post_id); returns the new post's id."""
    post_id = str(mention.get("post_id") or "").strip()
    if not post_id.isdigit():
        raise FatalError("this mention has no X post id to reply to")
    client = client or write_client()
    try:
        page = client.create_tweet(text=text, in_reply_to_tweet_id=post_id, user_auth=True)
    except (tweepy.TweepyException, requests.RequestException) as exc:
        error = translate(exc, write=True)
        if isinstance(exc, tweepy.Forbidden | tweepy.NotFound):
            error = FatalError(
                f"X refused the reply: the post may be deleted, protected or not open to replies ({error})"
            )
        raise error from exc
    data = page.get("data") if isinstance(page, dict) else None
    new_id = data.get("id") if isinstance(data, dict) else None
    if not new_id:
        raise FatalError("X accepted the reply but sent back no post id")
    return str(new_id)
