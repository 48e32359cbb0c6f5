"""Hacker News: stories and comments matching a query, newest first, via Algolia's HN API.

No credentials. `search_by_date` with `numericFilters=created_at_i>since` reads only what
is new; pages are capped by the source's `max_pages` and a page seen twice ends the run.
A story is its own thread; a comment's thread is its story and its parent the item it
answers. Algolia also returns fuzzy matches ("apple" finds "applauded"); hits whose text,
story title or link name neither a query word nor a brand keyword (or name an `exclude`
term) are dropped and counted.

Source keys: `query` (default: the brand's name), `tags` (default `["story", "comment"]`),
`include_own` (default on when the brand sets `handles.hackernews`: that account's stories and
comments, Algolia tag `author_<handle>`, kept whatever words they use) and `thread_comments`
(default on with `include_own`: the brand's recent comments are re-read through Algolia's
`items/<id>`, whose `children` are the replies below them, so what the people it answered say
next is collected; for `resolution_days`, at most `thread_comments` comments a run;
collectors/threads.py).
Cursor: JSON `{"search": {"since": created_at_i, ...}, "own": {...}, "threads": {...}}`
(collectors.streams.Window, collectors.threads).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import requests

from collectors.base import CollectResult, FatalError, RetriableError
from collectors.keywords import KeywordMatcher, query_terms
from collectors.streams import LoopGuard, Window, decode_cursor, encode_cursor
from collectors.threads import Gone, follow_days, revisit, thread_limit
from collectors.web import fetch, html_to_text
from config import Brand, Config, Source
from frame import conform, empty_frame

API = "https://hn.algolia.com/api/v1/search_by_date"
ITEM_API = "https://hn.algolia.com/api/v1/items/{}"
ITEM_URL = "https://news.ycombinator.com/item?id={}"
HITS_PER_PAGE = 100
DEFAULT_TAGS = ("story", "comment")


def _tags(value: Any) -> str:
    """Algolia tag filter: a list is OR-ed ("(story,comment)"); a string is passed as written."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    tags = [str(t).strip() for t in (value or DEFAULT_TAGS) if str(t).strip()]
    return "(" + ",".join(tags) + ")"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _str_id(value: Any) -> str | None:
    number = _int(value)
    return str(number) if number is not None else None


def hit_row(hit: dict[str, Any]) -> dict[str, Any] | None:
    """One Algolia hit as a mention-frame row (platform facts only), None when it has no id."""
    post_id = _str_id(hit.get("objectID"))
    if post_id is None:
        return None
    tags = hit.get("_tags")
    if not isinstance(tags, list):
        tags = []
    is_comment = "comment" in tags or (hit.get("comment_text") and not hit.get("title"))
    if is_comment:
        text = html_to_text(hit.get("comment_text"))
        parent, thread = _str_id(hit.get("parent_id")), _str_id(hit.get("story_id"))
    else:
        title = str(hit.get("title") or "").strip()
        body = html_to_text(hit.get("story_text"))
        text = "\n\n".join(p for p in (title, body) if p)
        parent, thread = None, post_id
    created = hit.get("created_at_i") if _int(hit.get("created_at_i")) is not None else hit.get("created_at")
    author = hit.get("author") if isinstance(hit.get("author"), str) else None
    return {
        "platform": "hackernews",
        "post_id": post_id,
        "url": ITEM_URL.format(post_id),
        # a story that links elsewhere is an article; Ask/Show HN text posts are conversations
        "kind": "comment" if is_comment else ("article" if str(hit.get("url") or "").strip() else "post"),
        "parent_id": parent,
        "thread_id": thread,
        "author_id": author,
        "author_handle": author,
        "author_name": author,
        "text": text or None,
        "created_at": created,
        "likes": _int(hit.get("points")),
        "replies": None if is_comment else _int(hit.get("num_comments")),
        "story_title": hit.get("story_title") or hit.get("title"),
        "story_url": hit.get("story_url") or hit.get("url"),
    }


def item_rows(item: dict[str, Any], skipped: Counter[str]) -> list[dict[str, Any]]:
    """The comments below an Algolia `items/<id>` answer (its nested `children`), as frame rows;
    deleted or malformed children are counted in `skipped`, their replies still read."""
    rows: list[dict[str, Any]] = []
    story = _str_id(item.get("story_id"))
    level = item.get("children") if isinstance(item.get("children"), list) else []
    while level:
        below: list[Any] = []
        for child in level:
            if not isinstance(child, dict) or _str_id(child.get("id")) is None:
                skipped["malformed comment"] += 1
                continue
            kids = child.get("children")
            below += kids if isinstance(kids, list) else []
            author = child.get("author") if isinstance(child.get("author"), str) else None
            if author is None and not child.get("text"):
                skipped["deleted comment"] += 1
                continue
            post_id = str(child["id"])
            created = (
                child.get("created_at_i") if _int(child.get("created_at_i")) is not None else child.get("created_at")
            )
            rows.append(
                {
                    "platform": "hackernews",
                    "post_id": post_id,
                    "url": ITEM_URL.format(post_id),
                    "kind": "comment",
                    "parent_id": _str_id(child.get("parent_id")),
                    "thread_id": _str_id(child.get("story_id")) or story,
                    "author_id": author,
                    "author_handle": author,
                    "author_name": author,
                    "text": html_to_text(child.get("text")) or None,
                    "created_at": created,
                    "likes": _int(child.get("points")),
                    "replies": None,
                    "story_title": None,
                    "story_url": None,
                }
            )
        level = below
    return rows


class HackerNewsCollector:
    platform = "hackernews"

    def __init__(
        self,
        source: Source,
        brand: Brand,
        session: requests.Session | None = None,
        now: datetime | None = None,
        thread_days: float | None = None,
    ) -> None:
        self.source, self.brand = source, brand
        self.query = source.query or brand.name
        self.tags = _tags(source.options.get("tags"))
        self.session = session or requests.Session()
        self.now = now
        own = brand.handles.get("hackernews")
        self.own_handle = own.lower() if own else None
        self.include_own = bool(source.options.get("include_own", bool(own)))
        if self.include_own and not own:
            raise FatalError(f"source {source.name}: include_own needs handles.hackernews on brand {brand.name}")
        self.thread_limit = thread_limit(source, self.include_own)
        if self.thread_limit and not self.include_own:
            raise FatalError(f"source {source.name}: thread_comments follows the brand's answers: it needs include_own")
        self.thread_days = thread_days if thread_days is not None else follow_days(None, brand)
        self.matcher = KeywordMatcher([*query_terms(self.query), *brand.keywords, brand.name], brand.exclude)

    def _page(self, window: Window, page: int, query: str, tags: str) -> dict[str, Any]:
        filters = []
        if window.since is not None:
            filters.append(f"created_at_i>{int(window.since)}")
        if window.until is not None:
            filters.append(f"created_at_i<{int(window.until)}")
        params: dict[str, Any] = {"query": query, "tags": tags, "hitsPerPage": HITS_PER_PAGE, "page": page}
        if filters:
            params["numericFilters"] = ",".join(filters)
        body = fetch(self.session, API, params=params, what="hackernews search").json()
        if not isinstance(body, dict):
            raise FatalError("hackernews search: unexpected answer (not a JSON object)")
        return body

    def _now(self) -> datetime:
        return self.now or datetime.now(UTC)

    def collect(self, cursor: str | None) -> CollectResult:
        state = decode_cursor(cursor)
        skipped: Counter[str] = Counter()
        rows = self._search(state, "search", self.query, self.tags, skipped)
        if self.include_own:
            own = self._search(state, "own", "", f"(story,comment),author_{self.own_handle}", skipped)
            rows += [{**row, "matched": "own account"} for row in own]
        deleted: list[str] = []
        if self.thread_limit:
            rows += revisit(
                state,
                self._answers(rows),
                now=self._now().timestamp(),
                days=self.thread_days,
                limit=self.thread_limit,
                fetch=lambda item_id, _entry: self._children(item_id, skipped),
                skipped=skipped,
                deleted=deleted,
                what=self.source.name,
            )
        frame = self._frame(rows, skipped)
        return CollectResult(frame, encode_cursor(state), skipped, deleted=deleted)

    def _answers(self, rows: list[dict[str, Any]]) -> list[tuple[str, float, dict[str, Any]]]:
        """The brand account's comments among `rows`: the threads to follow."""
        found: list[tuple[str, float, dict[str, Any]]] = []
        for row in rows:
            if row["kind"] == "comment" and str(row.get("author_handle") or "").lower() == self.own_handle:
                when = pd.to_datetime(_epoch(row.get("created_at")), utc=True, errors="coerce")
                if not pd.isna(when):
                    found.append((row["post_id"], when.timestamp(), {}))
        return found

    def _children(self, item_id: str, skipped: Counter[str]) -> list[dict[str, Any]]:
        """Everything below the brand's comment `item_id` (Algolia items API)."""
        try:
            body = fetch(self.session, ITEM_API.format(item_id), what="hackernews item").json()
        except FatalError as exc:  # 404 and other refusals: this item cannot be read any more
            raise Gone(str(exc)) from None
        except ValueError:
            raise RetriableError("hackernews item: unexpected answer (not JSON)") from None
        if not isinstance(body, dict) or _str_id(body.get("id")) != item_id:
            skipped["malformed item"] += 1
            return []
        if body.get("author") is None and not body.get("text"):
            raise Gone(f"hackernews item {item_id} was deleted", deleted=item_id)
        rows = item_rows(body, skipped)
        return [{**row, "matched": f"thread of {self.own_handle}"} for row in rows]

    def _search(self, state: dict[str, Any], name: str, query: str, tags: str, skipped: Counter[str]) -> list[dict]:
        """One newest-first search_by_date stream above its window (`state[name]`), capped by max_pages."""
        window = Window.load(state.get(name))
        rows: list[dict[str, Any]] = []
        guard = LoopGuard()
        complete = False
        for page in range(self.source.max_pages):
            body = self._page(window, page, query, tags)
            hits = body.get("hits")
            if not isinstance(hits, list):
                hits = []
            ids = [h.get("objectID") for h in hits if isinstance(h, dict)]
            if hits and guard.seen_before(ids):
                skipped["page seen twice (loop guard)"] += 1
                complete = True
                break
            for hit in hits:
                row = hit_row(hit) if isinstance(hit, dict) else None
                if row is None:
                    skipped["malformed hit"] += 1
                    continue
                rows.append(row)
            pages = _int(body.get("nbPages")) or 0
            if not hits or page + 1 >= pages:
                complete = True
                break
        stamps = pd.to_datetime([_epoch(r["created_at"]) for r in rows], utc=True, errors="coerce")
        times = [int(t.timestamp()) for t in stamps if not pd.isna(t)]
        # `until` is exclusive, so the oldest second is kept in the gap: nothing at that second is lost
        oldest = min(times) + 1 if times else None
        state[name] = window.next(oldest, max(times) if times else None, complete).dump()
        return rows

    def _frame(self, rows: list[dict[str, Any]], skipped: Counter[str]) -> pd.DataFrame:
        if not rows:
            return empty_frame()
        # the same item found by the search, the own stream or a thread: the first one is kept
        frame = pd.DataFrame(rows).drop_duplicates("post_id", keep="first")
        if "matched" not in frame:
            frame["matched"] = None
        searchable = (
            frame["text"].fillna("") + "\n" + frame["story_title"].fillna("") + "\n" + frame["story_url"].fillna("")
        )
        # the brand's own items and the threads below them are kept whatever words they use
        matched = frame["matched"].where(frame["matched"].notna(), searchable.map(self.matcher.match))
        fuzzy = matched.isna() & frame["text"].notna()  # no text at all is counted by conform
        if fuzzy.any():
            skipped["no query word or keyword (fuzzy match or excluded term)"] += int(fuzzy.sum())
        frame = frame[~fuzzy].assign(matched=matched[~fuzzy])
        handles = frame["author_handle"].fillna("").str.lower()
        frame["is_own"] = (handles == self.own_handle) if self.own_handle else False
        frame["brand"] = self.brand.name
        frame["source"] = self.source.name
        frame["retrieved_at"] = self._now()
        return conform(frame.drop(columns=["story_title", "story_url"]), skipped)


def _epoch(value: Any) -> Any:
    """created_at as Algolia gives it (epoch seconds, or ISO text) -> something pandas reads as UTC."""
    number = _int(value) if not isinstance(value, str) else None
    return pd.Timestamp(number, unit="s", tz="UTC") if number is not None else value


def from_source(source: Source, config: Config) -> HackerNewsCollector:
    """The collector for a configured `platform = "hackernews"` source."""
    brand = config.brand(source.brand)
    return HackerNewsCollector(source, brand, thread_days=follow_days(config, brand))
