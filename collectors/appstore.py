"""App Store: customer reviews of an iOS app from Apple's public customer-reviews feed.

No credentials. One JSON feed per app and country (storefront), newest first, 50 reviews a
page and at most 10 pages (Apple serves no more):
`https://itunes.apple.com/{country}/rss/customerreviews/page={n}/id={app_id}/sortby=mostrecent/json`.
Each review is a mention of kind "review": its stars (`im:rating`) as `rating`, its title and
text as the text ("title" + blank line + text), `im:version` as `app_version`, the author's
name, `im:voteSum` (people who found it helpful) as likes. Entries without an id, a date or
text are dropped and counted; a rating that is not 1..5 is stored as no rating and counted
(frame.conform). A page whose `entry` is a single object (Apple does that for one review) is
read like a list; an entry naming the app itself (`im:name`, older feeds) is not a review.

A review's `created_at` is its `updated` time: the time of the version collected first. An edited
review collected again keeps that time once stored (store.writer: its hour and day do not move),
while its new text, rating and app version replace the old ones and it is scored and flagged again
(pipeline.ingest). Only a version at least as new as the stored one (by `updated`, kept as
mentions.edited_at) replaces it, whichever of two collections commits last (store.writer).

Source keys: `app_id` (the number in the app's store URL), `countries` (default ["us"]).
Cursor: JSON `{"<country>": {"newest": ISO time, "ids": [digests of the ids at that time]}}`
(collectors.streams.cursor_id: no review id is kept there; plain ids from an older cursor still
match, and are written back as digests: collectors.streams.seen_ids): a run stops at the first page
reaching what the previous run saw.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import requests

from collectors.base import CollectResult, FatalError
from collectors.streams import cursor_id, decode_cursor, encode_cursor, seen_ids, window_of
from collectors.web import fetch, html_to_text
from config import Brand, Config, Source
from frame import conform, empty_frame

FEED = "https://itunes.apple.com/{country}/rss/customerreviews/page={page}/id={app_id}/sortby=mostrecent/json"
APP_URL = "https://apps.apple.com/{country}/app/id{app_id}?see-all=reviews"
#: Apple serves 10 pages of 50 reviews per app and country, no more.
MAX_PAGES = 10
DEFAULT_COUNTRIES = ("us",)
_USER_ID = re.compile(r"/id(\d+)")


def _label(entry: dict[str, Any], key: str) -> str | None:
    """`entry[key]["label"]` as stripped text, None when absent or not text."""
    value = entry.get(key)
    label = value.get("label") if isinstance(value, dict) else None
    if isinstance(label, int | float) and not isinstance(label, bool):
        label = str(label)
    return label.strip() if isinstance(label, str) and label.strip() else None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _entries(body: Any) -> list[Any]:
    feed = body.get("feed") if isinstance(body, dict) else None
    if not isinstance(feed, dict):
        raise FatalError("app store reviews: unexpected answer (no feed object)")
    entries = feed.get("entry")
    if isinstance(entries, dict):  # one review: Apple gives the object, not a list
        return [entries]
    return entries if isinstance(entries, list) else []


#: counted when a review's `link` has a shape Apple does not send (the review is kept, linked to the app's page).
ODD_LINK = "review link malformed (app page linked instead)"


def _href(link: Any) -> tuple[str | None, bool]:
    """The review's https link from its `link` ({"attributes": {"href": ...}}, or a list of such), and
    whether the link had an odd shape (attributes not an object, a string, a list without one)."""
    if link is None:
        return None, False
    shaped = False
    for item in link if isinstance(link, list) else [link]:
        attributes = item.get("attributes") if isinstance(item, dict) else None
        href = attributes.get("href") if isinstance(attributes, dict) else None
        shaped = shaped or isinstance(href, str)
        if isinstance(href, str) and href.startswith("https://"):
            return href, False
    return None, not shaped  # a plain http:// link is well formed: the app page is linked, nothing counted


def entry_row(
    entry: dict[str, Any], app_id: str, country: str, skipped: Counter[str] | None = None
) -> dict[str, Any] | None:
    """One feed entry as a mention-frame row (platform facts only); None for the app's own entry.

    An odd part that has a fallback (the link) is counted in `skipped` and replaced."""
    if "im:name" in entry and "im:rating" not in entry:
        return None
    author = _object(entry.get("author"))
    name = _label(author, "name")
    uri = _label(author, "uri") or ""
    user = _USER_ID.search(uri)
    content = _object(entry.get("content"))
    attributes = _object(content.get("attributes"))
    body = _label(entry, "content") or ""
    if str(attributes.get("type", "text")).lower() == "html":
        body = html_to_text(body)
    title = _label(entry, "title")
    text = "\n\n".join(p for p in (title, body) if p)
    href, odd = _href(entry.get("link"))
    if odd and skipped is not None:
        skipped[ODD_LINK] += 1
    url = href or APP_URL.format(country=country, app_id=app_id)
    votes = _label(entry, "im:voteSum")
    return {
        "platform": "appstore",
        "post_id": _label(entry, "id"),
        "url": url,
        "kind": "review",
        "author_id": user.group(1) if user else None,
        "author_handle": name,
        "author_name": name,
        "text": text or None,
        "created_at": _label(entry, "updated"),
        "likes": int(votes) if votes and votes.isdigit() else None,
        "rating": _label(entry, "im:rating"),
        "app_version": _label(entry, "im:version"),
        "matched": f"app {app_id} ({country})",
    }


class AppStoreCollector:
    platform = "appstore"

    def __init__(
        self, source: Source, brand: Brand, session: requests.Session | None = None, now: datetime | None = None
    ) -> None:
        self.source, self.brand = source, brand
        self.app_id = str(source.options["app_id"])
        self.countries = tuple(source.options.get("countries") or DEFAULT_COUNTRIES)
        self.pages = min(source.max_pages, MAX_PAGES)
        self.session = session or requests.Session()
        self.now = now

    def _page(self, country: str, page: int) -> list[Any]:
        url = FEED.format(country=country, page=page, app_id=self.app_id)
        response = fetch(self.session, url, what=f"app store reviews ({country}, page {page})")
        try:
            body = response.json()
        except ValueError:
            raise FatalError(f"app store reviews ({country}): unexpected answer (not JSON)") from None
        return _entries(body)

    def _country(self, country: str, seen: dict[str, Any], skipped: Counter[str]) -> tuple[list[dict], dict]:
        """This country's new reviews, and its next cursor entry."""
        newest = pd.to_datetime(seen.get("newest"), utc=True, errors="coerce") if seen.get("newest") else pd.NaT
        known = seen_ids(self.platform, seen.get("ids"))  # digests, also of an older cursor's plain ids
        rows: list[dict[str, Any]] = []
        for page in range(1, self.pages + 1):
            entries = self._page(country, page)
            reached = False
            for entry in entries:
                row = entry_row(entry, self.app_id, country, skipped) if isinstance(entry, dict) else None
                if row is None:
                    if not isinstance(entry, dict):
                        skipped["malformed review"] += 1
                    continue
                when = pd.to_datetime(row["created_at"], utc=True, errors="coerce")
                if (
                    pd.notna(newest)
                    and pd.notna(when)
                    and (when < newest or (when == newest and cursor_id(self.platform, row["post_id"]) in known))
                ):
                    reached = True
                    continue
                if row["rating"] is None:
                    skipped["review without a rating (kept)"] += 1
                rows.append(row)
            if reached or not entries:
                break
        times = pd.to_datetime(pd.Series([r["created_at"] for r in rows], dtype=object), utc=True, errors="coerce")
        if times.notna().any():
            top = times.max()
            ids = sorted(
                {
                    cursor_id(self.platform, r["post_id"])
                    for r, t in zip(rows, times, strict=True)
                    if t == top and r["post_id"]
                }
            )
            if pd.notna(newest) and top == newest:
                ids = sorted(set(ids) | known)
            return rows, {"newest": top.isoformat(), "ids": ids}
        if "ids" in seen:  # nothing newer: the same entry, its ids as digests (an older cursor is rewritten)
            return rows, {**seen, "ids": sorted(known)}
        return rows, dict(seen)

    def collect(self, cursor: str | None) -> CollectResult:
        state = decode_cursor(cursor)
        skipped: Counter[str] = Counter()
        rows: list[dict[str, Any]] = []
        for country in self.countries:
            found, state[country] = self._country(country, window_of(state, country), skipped)
            rows += found
        return CollectResult(self._frame(rows, skipped), encode_cursor(state), skipped)

    def _frame(self, rows: list[dict[str, Any]], skipped: Counter[str]) -> pd.DataFrame:
        if not rows:
            return empty_frame()
        frame = pd.DataFrame(rows)
        frame["is_own"] = False
        frame["brand"] = self.brand.name
        frame["source"] = self.source.name
        frame["retrieved_at"] = self.now or datetime.now(UTC)
        return conform(frame, skipped)


def from_source(source: Source, config: Config) -> AppStoreCollector:
    """The collector for a configured `platform = "appstore"` source."""
    return AppStoreCollector(source, config.brand(source.brand))
