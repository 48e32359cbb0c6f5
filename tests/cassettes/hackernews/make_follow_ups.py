"""Writes the Hacker News follow-up answers (follow_up*.json, `[{url, reply, status?, headers?}]`)
in this folder, shaped after Algolia's HN API: `search_by_date` hits (own stream: tag
`author_<handle>`) and `items/<id>` (the item with its nested `children`; a deleted comment
has author and text null). Rerun: `.venv/bin/python tests/cassettes/hackernews/make_follow_ups.py`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent
STORY = 41000001
OWN_TAGS = "(story,comment),author_acme_hq"


def at(hh: int, mm: int) -> dict:
    when = datetime(2026, 11, 18, hh, mm, tzinfo=UTC)
    return {"created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "created_at_i": int(when.timestamp())}


def hit(oid: int, author: str, text: str, hhmm: tuple[int, int], parent: int) -> dict:
    return {
        **at(*hhmm),
        "title": None,
        "url": None,
        "author": author,
        "points": None,
        "story_text": None,
        "comment_text": text,
        "num_comments": None,
        "story_id": STORY,
        "story_title": "Acme Cloud is down again",
        "story_url": "https://status.acme.example",
        "parent_id": parent,
        "objectID": str(oid),
        "_tags": ["comment", f"author_{author}", f"story_{STORY}"],
    }


def item(oid: int, author: str | None, text: str | None, hhmm: tuple[int, int], parent: int, *children: object) -> dict:
    return {
        "id": oid,
        **at(*hhmm),
        "type": "comment",
        "author": author,
        "title": None,
        "url": None,
        "text": text,
        "points": None,
        "parent_id": parent,
        "story_id": STORY,
        "children": list(children),
        "options": [],
    }


COMPLAINT = hit(41000002, "unhappy_dev", "Third Acme outage this month.", (10, 0), STORY)
ANSWER = hit(41000003, "acme_hq", "Sorry about that, it&#x27;s fixed now.", (10, 5), 41000002)
TREE = item(
    41000003,
    "acme_hq",
    "Sorry about that, it&#x27;s fixed now.",
    (10, 5),
    41000002,
    item(
        41000050,
        "unhappy_dev",
        "<p>Confirmed, works again. Thanks!",
        (10, 30),
        41000003,
        item(41000052, "other_dev", "Not for me, still 502s", (10, 40), 41000050),
    ),
    item(
        41000051, None, None, (10, 35), 41000003, item(41000053, "bystander", "What did they say?", (10, 45), 41000051)
    ),
    "not an item",
)


def search(query: str, tags: str, hits: list[dict]) -> dict:
    return {
        "url": f"/api/v1/search_by_date?query={query}&tags={tags}&page=0",
        "reply": {"hits": hits, "nbHits": len(hits), "page": 0, "nbPages": 1 if hits else 0, "hitsPerPage": 100},
    }


def write(name: str, entries: list[dict]) -> None:
    (OUT / name).write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


write(
    "follow_up.json",
    [
        search("acme", "(story,comment)", [COMPLAINT]),
        search("", OWN_TAGS, [ANSWER]),
        {"url": "/api/v1/items/41000003", "reply": TREE},
    ],
)
write(
    "follow_up_rate_limited.json",
    [
        search("acme", "(story,comment)", [COMPLAINT]),
        search("", OWN_TAGS, [ANSWER]),
        {
            "url": "/api/v1/items/41000003",
            "status": 429,
            "headers": {"Retry-After": "30"},
            "reply": {"message": "Too many requests"},
        },
    ],
)
write(
    "follow_up_gone.json",
    [
        search("acme", "(story,comment)", []),
        search("", OWN_TAGS, []),
        {"url": "/api/v1/items/41000060", "status": 404, "reply": {"status": 404, "error": "Not Found"}},
        {"url": "/api/v1/items/41000061", "reply": item(41000061, None, None, (9, 0), STORY)},
        {"url": "/api/v1/items/41000062", "reply": ["not", "an", "item"]},
        {"url": "/api/v1/items/41000003", "reply": item(41000003, "acme_hq", "Sorry about that.", (10, 5), 41000002)},
    ],
)
