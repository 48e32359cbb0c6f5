"""RSS / Atom: any feed URL (news searches, blogs, review sites) as a source.

Each feed is fetched with requests (timeouts, status codes mapped to retriable / fatal,
conditional GET with the feed's ETag / Last-Modified) and the bytes parsed by feedparser.
An entry is new when its id was not in the feed at the previous run (publication times
are not a safe cursor: feeds publish late and backdate). Entries are kept when they name one of the brand's keywords (or the source's `query`) and
none of its `exclude` terms; entry HTML is reduced to plain text (scripts and markup gone).
Entries without a date cannot be stored and are counted. With several feeds, one failing
feed is counted and skipped; the source fails only when every feed fails.

Source keys: `url` (one feed) and/or `feeds` (a list). No credentials.
Cursor: JSON `{"feeds": {url: {"newest": ISO time, "ids": [digests of the ids in the feed], "etag", "modified"}}}`
(collectors.streams.cursor_id: no entry id is kept there, so an erased entry's id stays nowhere; a plain id
from an older cursor still matches, and is written back as its digest: collectors.streams.seen_ids).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import requests

from collectors.base import CollectorError, CollectResult, FatalError, RetriableError
from collectors.keywords import KeywordMatcher, query_terms
from collectors.streams import cursor_id, decode_cursor, encode_cursor, seen_ids
from collectors.web import fetch, html_to_text
from config import Brand, Config, Source
from frame import conform, empty_frame
from redact import redact_url

MAX_ID_CHARS = 128
#: ids remembered per feed (a feed is a window of its latest entries, rarely more than a few hundred).
MAX_SEEN_IDS = 500
ISO = "%Y-%m-%dT%H:%M:%S%z"


def feed_urls(source: Source) -> list[str]:
    """The source's feed URLs (`url` then `feeds`), duplicates dropped."""
    urls: list[str] = []
    single = source.options.get("url")
    many = source.options.get("feeds") or []
    for value in ([single] if single else []) + (list(many) if isinstance(many, list | tuple) else [many]):
        if isinstance(value, str) and value.strip() and value.strip() not in urls:
            urls.append(value.strip())
    return urls


def label(url: str) -> str:
    """How a feed is named in messages: scheme, host and path only (a query string may hold a key)."""
    parts = urlsplit(url)
    return f"feed {redact_url(f'{parts.scheme}://{parts.netloc}{parts.path}')}" if parts.netloc else f"feed {url[:80]}"


def _entry_time(entry: dict[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        try:
            if value:
                year, month, day, hour, minute, second = value[:6]
                return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except (TypeError, ValueError):
            continue
    return None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def entry_id(entry: dict[str, Any], feed_url: str) -> str | None:
    """A stable id: the entry's id or link when globally unique, else scoped by the feed; hashed when long."""
    raw = str(entry.get("id") or entry.get("link") or "").strip()
    if not raw:
        title, when = entry.get("title"), _entry_time(entry)
        if not title or when is None:
            return None
        raw = f"{feed_url}#{title}|{when.isoformat()}"
    elif "://" not in raw and not raw.startswith(("tag:", "urn:")):
        raw = f"{feed_url}#{raw}"  # a bare guid ("12345") is only unique within its feed
    if len(raw) > MAX_ID_CHARS:
        raw = "sha1:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()
    return raw


def entry_text(entry: Mapping[str, Any]) -> str:
    """Title and body as plain text (the fullest body the entry carries)."""
    title = html_to_text(entry.get("title"))
    content = entry.get("content")
    body = ""
    if isinstance(content, list) and content and isinstance(content[0], dict):
        body = str(content[0].get("value") or "")
    body = html_to_text(body or entry.get("summary") or entry.get("description"))
    if body.startswith(title):  # some feeds repeat the title as the summary
        title = ""
    return "\n\n".join(p for p in (title, body) if p)


class RssCollector:
    platform = "rss"

    def __init__(
        self, source: Source, brand: Brand, session: requests.Session | None = None, now: datetime | None = None
    ) -> None:
        self.source, self.brand = source, brand
        self.urls = feed_urls(source)
        if not self.urls:
            raise FatalError(f"source {source.name}: an rss source needs `url` or `feeds`")
        self.session = session or requests.Session()
        self.now = now
        self.matcher = KeywordMatcher.for_brand(brand, query_terms(source.query))

    def collect(self, cursor: str | None) -> CollectResult:
        state = decode_cursor(cursor)
        saved = state.get("feeds")
        feeds: dict[str, Any] = saved if isinstance(saved, dict) else {}
        skipped: Counter[str] = Counter()
        rows: list[dict[str, Any]] = []
        errors: list[CollectorError] = []
        for url in self.urls:
            try:
                fresh, feeds[url] = self._feed(url, feeds.get(url) or {}, skipped)
            except CollectorError as exc:
                errors.append(exc)
                skipped[f"feed failed: {exc}"] += 1
                continue
            rows += fresh
        if errors and len(errors) == len(self.urls):
            retriable = [e for e in errors if isinstance(e, RetriableError)]
            raise retriable[0] if retriable else errors[0]
        state["feeds"] = {u: feeds[u] for u in self.urls if feeds.get(u)}
        return CollectResult(self._frame(rows, skipped), encode_cursor(state), skipped)

    def _feed(self, url: str, seen: dict[str, Any], skipped: Counter[str]) -> tuple[list[dict[str, Any]], dict]:
        """New matching entries of one feed, and the feed's next cursor entry."""
        response = self._get(url, seen)
        known = seen_ids(self.platform, seen.get("ids"))  # digests, also of an older cursor's plain ids
        if response.status_code == 304:  # unchanged: the same entry, an older one's plain ids as digests
            ids = seen.get("ids")
            digests = isinstance(ids, list) and all(isinstance(i, str) for i in ids) and set(ids) == known
            return [], seen if digests or not known else {**seen, "ids": sorted(known)}
        parsed = _parse(response, url)
        feed = parsed.get("feed") or {}
        rows: list[dict[str, Any]] = []
        current: list[str] = []
        stamps: list[str] = []
        for entry in parsed.get("entries") or []:
            post_id, when = entry_id(entry, url), _entry_time(entry)
            if post_id is None or when is None:
                skipped["entry without id or date"] += 1
                continue
            current.append(cursor_id(self.platform, post_id))
            stamps.append(when.strftime(ISO))
            if current[-1] in known:
                continue  # in the feed at the last run already
            row = self._row(entry, post_id, when, feed, url)
            if row is None:
                skipped["not about the brand (no keyword, or an excluded term)"] += 1
                continue
            rows.append(row)
        return rows, _next_cursor(seen, known, current, stamps, response)

    def _get(self, url: str, seen: dict[str, Any]) -> requests.Response:
        """The feed, asked conditionally (ETag, Last-Modified) so an unchanged one answers 304."""
        headers = {}
        if seen.get("etag"):
            headers["If-None-Match"] = str(seen["etag"])
        if seen.get("modified"):
            headers["If-Modified-Since"] = str(seen["modified"])
        return fetch(self.session, url, headers=headers, what=label(url))

    def _row(
        self, entry: Mapping[str, Any], post_id: str, when: datetime, feed: Mapping[str, Any], url: str
    ) -> dict[str, Any] | None:
        """An entry as a row, or None when it is not about the brand."""
        text = entry_text(entry)
        matched = self.matcher.match(text)
        if matched is None:
            return None
        link = entry.get("link") or None
        return {
            "post_id": post_id,
            "url": link,
            "text": text,
            "created_at": when,
            "lang": str(feed.get("language") or "").strip().lower()[:16] or None,
            "author_handle": _host(link) or _host(feed.get("link")) or _host(url),
            "author_name": entry.get("author") or feed.get("title") or None,
            "matched": matched,
        }

    def _frame(self, rows: list[dict[str, Any]], skipped: Counter[str]) -> pd.DataFrame:
        if not rows:
            return empty_frame()
        frame = pd.DataFrame(rows)
        frame["platform"] = "rss"
        frame["kind"] = "article"  # a feed entry is news, not a conversation: never flagged for a reply
        frame["thread_id"] = frame["post_id"]
        frame["author_id"] = frame["author_handle"]
        frame["brand"] = self.brand.name
        frame["is_own"] = False
        frame["source"] = self.source.name
        frame["retrieved_at"] = self.now or datetime.now(UTC)
        return conform(frame, skipped)


def from_source(source: Source, config: Config) -> RssCollector:
    """The collector for a configured `platform = "rss"` source."""
    return RssCollector(source, config.brand(source.brand))


def _parse(response: requests.Response, url: str) -> Any:
    """The feed parsed by feedparser; FatalError when it is neither RSS nor Atom."""
    import feedparser

    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() in ("content-type", "content-language")}
    parsed = feedparser.parse(response.content, response_headers=headers | {"content-location": response.url or url})
    if not parsed.get("version") and not parsed.get("entries"):
        reason = parsed.get("bozo_exception") or "no feed elements"
        raise FatalError(f"{label(url)}: not an RSS or Atom feed ({reason})")
    return parsed


def _next_cursor(
    seen: dict[str, Any], known: set[str], current: list[str], stamps: list[str], response: requests.Response
) -> dict[str, Any]:
    """The feed's cursor entry: newest entry time, the digests of the ids in the feed now (`current`; the
    previous ones, `known`, when it has none), and its validators."""
    cursor_entry = {
        "newest": max([*stamps, *([seen["newest"]] if seen.get("newest") else [])], default=None),
        "ids": list(dict.fromkeys(current))[:MAX_SEEN_IDS] or sorted(known),
        "etag": response.headers.get("ETag"),
        "modified": response.headers.get("Last-Modified"),
    }
    return {k: v for k, v in cursor_entry.items() if v}
