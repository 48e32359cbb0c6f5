"""Writes the Bluesky follow-up answers (follow_up*.json) in this folder, shaped after the
app.bsky.feed lexicons (getAuthorFeed, getPostThread: threadViewPost / notFoundPost /
blockedPost) and the XRPC error body. Rerun: `.venv/bin/python tests/cassettes/bluesky/make_follow_ups.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent
SESSION = json.loads((OUT / "collect.json").read_text(encoding="utf-8"))[0]
POST = "at://did:plc:{}/app.bsky.feed.post/{}"
ACME = {"did": "did:plc:acmebrand", "handle": "acme.bsky.social", "displayName": "Acme", "labels": []}
FAN = {"did": "did:plc:fan", "handle": "fan.example.com", "displayName": "", "labels": []}
OTHER = {"did": "did:plc:other", "handle": "other.bsky.social", "displayName": "Other", "labels": []}
MENTION = POST.format("fan", "3lmention")
BRAND_POST = POST.format("acmebrand", "3lbrandpost")


def ref(uri: str) -> dict[str, str]:
    return {"uri": uri, "cid": "bafyrei" + uri.rsplit("/", 1)[-1]}


def view(uri: str, author: dict, text: str, at: str, parent: str | None = None, root: str | None = None, **counts):  # type: ignore[no-untyped-def]
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": at, "langs": ["en"]}
    if parent:
        record["reply"] = {"root": ref(root or parent), "parent": ref(parent)}
    return {
        "uri": uri,
        "cid": "bafyrei" + uri.rsplit("/", 1)[-1],
        "author": author,
        "record": record,
        "indexedAt": at,
        "labels": [],
        "replyCount": counts.get("replies", 0),
        "repostCount": 0,
        "likeCount": counts.get("likes", 0),
        "quoteCount": 0,
    }


def node(post: dict, *replies: dict) -> dict:
    return {"$type": "app.bsky.feed.defs#threadViewPost", "post": post, "replies": list(replies)}


OWN_REPLY = view(
    POST.format("acmebrand", "3lownreply"),
    ACME,
    "So sorry! Please DM us the order number and we'll fix it today.",
    "2026-11-18T11:20:00.000Z",
    parent=MENTION,
    replies=2,
)
SELF_REPLY = view(
    POST.format("acmebrand", "3lselfreply"),
    ACME,
    "(2/2) Store hours are on the site.",
    "2026-11-18T11:10:00.000Z",
    parent=BRAND_POST,
)
BRAND = view(BRAND_POST, ACME, "(1/2) New Acme Buds are out!", "2026-11-18T11:05:00.000Z", replies=1)
FOLLOW = view(
    POST.format("fan", "3lfollowup"),
    FAN,
    "Thanks, that was quick, it's sorted!",
    "2026-11-18T11:40:00.000Z",
    parent=OWN_REPLY["uri"],
    root=MENTION,
    likes=1,
    replies=1,
)
SECOND = view(
    POST.format("fan", "3lsecond"),
    FAN,
    "Oh and the box was damaged, too",
    "2026-11-18T11:45:00.000Z",
    parent=FOLLOW["uri"],
    root=MENTION,
)
SAME = view(
    POST.format("other", "3lsame"),
    OTHER,
    "Same here, order #1300 missing",
    "2026-11-18T11:30:00.000Z",
    parent=OWN_REPLY["uri"],
    root=MENTION,
)
BROKEN = {"uri": "not-an-at-uri", "author": FAN, "record": {"text": "no uri"}}
THREAD = node(
    OWN_REPLY,
    node(FOLLOW, node(SECOND)),
    {"$type": "app.bsky.feed.defs#notFoundPost", "uri": POST.format("gone", "3lgone"), "notFound": True},
    {
        "$type": "app.bsky.feed.defs#blockedPost",
        "uri": POST.format("troll", "3ltroll"),
        "blocked": True,
        "author": {"did": "did:plc:troll", "viewer": {"blockedBy": True}},
    },
    node(SAME),
    node(BROKEN),
)
FEED = {"nsid": "app.bsky.feed.getAuthorFeed", "params": {"actor": "acme.bsky.social"}}


def thread_of(uri: str, body: dict, status: int = 200, headers: dict | None = None) -> dict:
    entry = {"nsid": "app.bsky.feed.getPostThread", "params": {"uri": uri}, "body": body}
    if status != 200:
        entry["status"] = status
    if headers:
        entry["headers"] = headers
    return entry


def write(name: str, entries: list[dict]) -> None:
    (OUT / name).write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


write(
    "follow_up.json",
    [
        SESSION,
        {**FEED, "body": {"feed": [{"post": OWN_REPLY}, {"post": SELF_REPLY}, {"post": BRAND}]}},
        thread_of(OWN_REPLY["uri"], {"thread": THREAD}),
    ],
)
write(
    "follow_up_rate_limited.json",
    [
        SESSION,
        {**FEED, "body": {"feed": [{"post": OWN_REPLY}]}},
        thread_of(
            OWN_REPLY["uri"],
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            429,
            {"ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": "{reset}"},
        ),
    ],
)
write(
    "follow_up_gone.json",
    [
        SESSION,
        {**FEED, "body": {"feed": []}},
        thread_of(
            POST.format("acmebrand", "3ldeleted"),
            {"error": "NotFound", "message": "Post not found: " + POST.format("acmebrand", "3ldeleted")},
            400,
        ),
        thread_of(
            POST.format("acmebrand", "3lhidden"),
            {
                "thread": {
                    "$type": "app.bsky.feed.defs#notFoundPost",
                    "uri": POST.format("acmebrand", "3lhidden"),
                    "notFound": True,
                }
            },
        ),
        thread_of(POST.format("acmebrand", "3lodd"), {"thread": "not a thread"}),
        thread_of(
            POST.format("acmebrand", "3lrefused"),
            {"error": "InvalidRequest", "message": "Error: uri must be a valid at-uri"},
            400,
        ),
        thread_of(OWN_REPLY["uri"], {"thread": node(OWN_REPLY)}),
    ],
)
