"""Writes our App Store customer-reviews recordings (JSON, `[{url, reply, status?, headers?, once?}]`).

Shaped after Apple's customer-reviews feed as it is served
(`https://itunes.apple.com/{country}/rss/customerreviews/page={n}/id={app_id}/sortby=mostrecent/json`):
`feed.entry[]` with `author.name.label`, `author.uri.label`, `im:rating.label`, `im:version.label`,
`title.label`, `content.label` (+ `attributes.type`), `id.label`, `updated.label`, `link`,
`im:voteSum`, `im:voteCount`, `im:contentType`; a page past the last review has no `entry`; a
page with one review gives `entry` as an object. The recordings are committed; this rewrites
them the same way: `.venv/bin/python tests/cassettes/appstore/make_recordings.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent
APP = "1234567890"
PATH = "/{country}/rss/customerreviews/page={page}/id={app}/sortby=mostrecent/json"
HOST = "https://itunes.apple.com"


def url(country: str, page: int, app: str = APP) -> str:
    return HOST + PATH.format(country=country, page=page, app=app)


def entry(rid, when, stars, title, text, *, version="4.2.0", author="notetaker", user="1000", votes=0, kind="text"):
    out = {
        "author": {
            "uri": {"label": f"https://itunes.apple.com/us/reviews/id{user}"},
            "name": {"label": author},
            "label": "",
        },
        "updated": {"label": when},
        "im:rating": {"label": stars},
        "im:version": {"label": version},
        "id": {"label": rid},
        "title": {"label": title},
        "content": {"label": text, "attributes": {"type": kind}},
        "link": {
            "attributes": {
                "rel": "related",
                "href": f"https://itunes.apple.com/us/review?id={APP}&type=Purple%20Software",
            }
        },
        "im:voteSum": {"label": str(votes)},
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
        "im:voteCount": {"label": str(votes + 1)},
    }
    return out


def feed(country: str, page: int, entries=None, app: str = APP) -> dict:
    self_url = f"https://mzstoreservices-int-st.itunes.apple.com{PATH.format(country=country, page=page, app=app)}"
    body = {
        "author": {"name": {"label": "iTunes Store"}, "uri": {"label": "http://www.apple.com/us/itunes/"}},
        "updated": {"label": "2026-11-18T04:00:00-07:00"},
        "rights": {"label": "Copyright 2008 Apple Inc."},
        "title": {"label": "iTunes Store: Customer Reviews"},
        "icon": {"label": "http://itunes.apple.com/favicon.ico"},
        "link": [
            {
                "attributes": {
                    "rel": "alternate",
                    "type": "text/html",
                    "href": f"https://apps.apple.com/WebObjects/MZStore.woa/wa/viewGrouping?cc={country}&id=1000",
                }
            },
            {"attributes": {"rel": "self", "href": self_url}},
        ],
        "id": {"label": self_url},
    }
    if entries is not None:
        body["entry"] = entries
    return {"feed": body}


def write(name: str, recordings: list[dict]) -> None:
    text = "[\n" + ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in recordings) + "\n]\n"
    (OUT / name).write_text(text, encoding="utf-8")


US_PAGE_1 = [
    entry(
        "11500000005",
        "2026-11-17T15:20:11-07:00",
        "1",
        "Crashes on launch",
        "Since 4.2 the app crashes every time I open it. Lost my notes!",
        author="Mara K",
        user="501",
        votes=3,
    ),
    entry(
        "11500000004",
        "2026-11-17T09:02:45-07:00",
        "5",
        "Love it",
        "Best notes app I have used, syncs perfectly.",
        author="jon",
        user="502",
    ),
    entry(
        "11500000003",
        "2026-11-16T22:10:00-07:00",
        "3",
        "OK but sync is broken",
        "Nice design but sync is broken on my iPad.",
        author="Pat",
        user="503",
        version="4.1.9",
    ),
]
US_PAGE_2 = [
    entry(
        "11500000002",
        "2026-11-15T12:00:00-07:00",
        "4",
        "Good",
        "Does what it says.",
        author="Lee",
        user="504",
        version="4.1.9",
    ),
    entry(
        "11500000001",
        "2026-11-14T08:30:00-07:00",
        "2",
        "Too many ads",
        "The free tier is full of ads.",
        author="Sam",
        user="505",
        version="4.1.8",
    ),
]
GB_ONLY = entry(
    "11500000010", "2026-11-17T10:00:00+00:00", "5", "Brilliant", "Cracking little app.", author="Ollie", user="601"
)

write(
    "acme_reviews.json",
    [
        {"url": url("us", 1), "reply": feed("us", 1, US_PAGE_1)},
        {"url": url("us", 2), "reply": feed("us", 2, US_PAGE_2)},
        {"url": url("us", 3), "reply": feed("us", 3)},  # past the last review: no `entry`
        {"url": url("gb", 1), "reply": feed("gb", 1, GB_ONLY)},  # one review: `entry` is an object
        {"url": url("gb", 2), "reply": feed("gb", 2)},
    ],
)

# the next run: one new review on top of page 1
write(
    "acme_newer.json",
    [
        {
            "url": url("us", 1),
            "reply": feed(
                "us",
                1,
                [
                    entry(
                        "11500000006",
                        "2026-11-18T01:00:00-07:00",
                        "2",
                        "Still crashing",
                        "4.2.1 did not fix the crash.",
                        author="Mara K",
                        user="501",
                        version="4.2.1",
                    ),
                    *US_PAGE_1,
                ],
            ),
        },
    ],
)

write(
    "errors.json",
    [
        {
            "url": url("us", 1, "429"),
            "status": 429,
            "headers": {"Retry-After": "60"},
            "reply": {"errorMessage": "Too many requests"},
        },
        {"url": url("us", 1, "503"), "status": 503, "reply": {"errorMessage": "Service Unavailable"}},
        {"url": url("us", 1, "404"), "status": 404, "reply": {"errorMessage": "Not found"}},
        {"url": url("us", 1, "777"), "reply": ["not", "a", "feed"]},
        {"url": url("us", 1, "888"), "status": 429, "once": True, "reply": {"errorMessage": "Too many requests"}},
        {"url": url("us", 1, "888"), "reply": feed("us", 1, [US_PAGE_2[0]], app="888")},
        {"url": url("us", 2, "888"), "reply": feed("us", 2, app="888")},
        {
            "url": url("us", 1, "999"),
            "reply": feed(
                "us",
                1,
                [
                    {
                        k: v
                        for k, v in entry("21", "2026-11-17T10:00:00Z", "5", "No stars", "Where is my rating?").items()
                        if k != "im:rating"
                    },
                    entry("22", "2026-11-17T09:00:00Z", "7", "Seven stars", "Off the scale."),
                    entry(
                        "23",
                        "2026-11-17T08:00:00Z",
                        "4",
                        "Émoji 🎉 ‮RTL‬ zero\u200bwidth",
                        "Works 👍🏽 — ünïcödé ✓ and a NUL\u0000 here",
                        author="Zoë 🦄",
                    ),
                    entry(
                        "24",
                        "2026-11-17T07:00:00Z",
                        "2",
                        "<b>HTML</b> title",
                        "<p>Sync <script>alert(1)</script>fails &amp; I <i>hate</i> it</p>",
                        kind="html",
                    ),
                    entry("25", "2026-11-17T06:00:00Z", "1", "Tags as text", "I <3 the old version <b>not</b> this"),
                    {
                        k: v
                        for k, v in entry("", "2026-11-17T05:00:00Z", "3", "No id", "Missing id.").items()
                        if k != "id"
                    },
                    entry("27", "yesterday-ish", "3", "Bad date", "Date is garbage."),
                    "not an entry",
                    {"im:name": {"label": "Acme Notes"}, "id": {"label": "https://apps.apple.com/us/app/id999"}},
                ],
                app="999",
            ),
        },
        {"url": url("us", 2, "999"), "reply": feed("us", 2, app="999")},
    ],
)
