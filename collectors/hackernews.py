"""Hacker News: stories and comments matching a query, newest first, via Algolia's HN API.

No credentials. `search_by_date` with `numericFilters=created_at_i>since` reads only what
is new; pages are capped by the source's `max_pages` and a page seen twice ends the run.
A story is its own thread; a comment's thread is its story and its parent the item it
answers. Algolia also returns fuzzy matches ("apple" finds "applauded"); hits whose text,
story title or link name neither a query word nor a brand keyword (or name an `exclude`
term) are dropped and counted.

Source keys: `query` (default: the brand's name), `tags` (default `["story", "comment"]`).
Cursor: JSON `{"search": {"since": created_at_i, ...}}` (see collectors.streams.Window).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import requests

from collectors.base import CollectResult, FatalError
from collectors.keywords import KeywordMatcher, query_terms
from collectors.streams import LoopGuard, Window, decode_cursor, encode_cursor
from collectors.web import fetch, html_to_text
from config import Brand, Config, Source
from frame import conform, empty_frame

API = "https://hn.algolia.com/api/v1/search_by_date"
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


class HackerNewsCollector:
    platform = "hackernews"

    def __init__(
        self, source: Source, brand: Brand, session: requests.Session | None = None, now: datetime | None = None
    ) -> None:
        self.source, self.brand = source, brand
        self.query = source.query or brand.name
        self.tags = _tags(source.options.get("tags"))
        self.session = session or requests.Session()
        self.now = now
        own = brand.handles.get("hackernews")
        self.own_handle = own.lower() if own else None
        self.matcher = KeywordMatcher([*query_terms(self.query), *brand.keywords, brand.name], brand.exclude)

    def _page(self, window: Window, page: int) -> dict[str, Any]:
        filters = []
        if window.since is not None:
            filters.append(f"created_at_i>{int(window.since)}")
        if window.until is not None:
            filters.append(f"created_at_i<{int(window.until)}")
        params: dict[str, Any] = {"query": self.query, "tags": self.tags, "hitsPerPage": HITS_PER_PAGE, "page": page}
        if filters:
            params["numericFilters"] = ",".join(filters)
        body = fetch(self.session, API, params=params, what="hackernews search").json()
        if not isinstance(body, dict):
            raise FatalError("hackernews search: unexpected answer (not a JSON object)")
        return body

    def collect(self, cursor: str | None) -> CollectResult:
        state = decode_cursor(cursor)
        window = Window.load(state.get("search"))
        skipped: Counter[str] = Counter()
        rows: list[dict[str, Any]] = []
        guard = LoopGuard()
        complete = False
        for page in range(self.source.max_pages):
            body = self._page(window, page)
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
        frame = self._frame(rows, skipped)
        times = [int(t.timestamp()) for t in frame["created_at"]] if len(frame) else []
        # `until` is exclusive, so the oldest second is kept in the gap: nothing at that second is lost
        oldest = min(times) + 1 if times else None
        state["search"] = window.next(oldest, max(times) if times else None, complete).dump()
        return CollectResult(frame, encode_cursor(state), skipped)

    def _frame(self, rows: list[dict[str, Any]], skipped: Counter[str]) -> pd.DataFrame:
        if not rows:
            return empty_frame()
        frame = pd.DataFrame(rows)
        searchable = (
            frame["text"].fillna("") + "\n" + frame["story_title"].fillna("") + "\n" + frame["story_url"].fillna("")
        )
        matched = searchable.map(self.matcher.match)
        fuzzy = matched.isna() & frame["text"].notna()  # no text at all is counted by conform
        if fuzzy.any():
            skipped["no query word or keyword (fuzzy match or excluded term)"] += int(fuzzy.sum())
        frame = frame[~fuzzy].assign(matched=matched[~fuzzy])
        handles = frame["author_handle"].fillna("").str.lower()
        frame["is_own"] = (handles == self.own_handle) if self.own_handle else False
        frame["brand"] = self.brand.name
        frame["source"] = self.source.name
        frame["retrieved_at"] = self.now or datetime.now(UTC)
        return conform(frame.drop(columns=["story_title", "story_url"]), skipped)


def from_source(source: Source, config: Config) -> HackerNewsCollector:
    """The collector for a configured `platform = "hackernews"` source."""
    return HackerNewsCollector(source, config.brand(source.brand))
