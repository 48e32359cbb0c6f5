"""Writes the Mastodon follow-up answers (follow_up*.yaml, vcrpy) in this folder, shaped after
Mastodon's documented entities: Account, Status, Context (GET /api/v1/statuses/:id/context) and
its errors (404 "Record not found", 429 with X-RateLimit-Reset).
Rerun: `.venv/bin/python tests/cassettes/mastodon/make_follow_ups.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parent
HOST = "https://mastodon.example"


def account(aid: str, acct: str, name: str, followers: int) -> dict:
    user = acct.split("@")[0]
    return {
        "id": aid,
        "username": user,
        "acct": acct,
        "display_name": name,
        "locked": False,
        "bot": False,
        "created_at": "2022-01-01T00:00:00.000Z",
        "note": "",
        "url": f"https://{acct.split('@')[1] if '@' in acct else 'mastodon.example'}/@{user}",
        "followers_count": followers,
        "following_count": 10,
        "statuses_count": 100,
        "emojis": [],
        "fields": [],
    }


ACME = account("1", "acme", "Acme Support", 50000)
FAN = account("300", "fan@third.example", "Buds Fan", 85)
OTHER = account("400", "other@other.example", "Other", 12)


def status(
    sid: str, who: dict, html: str, at: str, parent: str | None = None, parent_account: str | None = None
) -> dict:
    return {
        "id": sid,
        "created_at": at,
        "in_reply_to_id": parent,
        "in_reply_to_account_id": parent_account,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"{HOST}/users/{who['username']}/statuses/{sid}",
        "url": f"{who['url']}/{sid}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "content": html,
        "reblog": None,
        "account": who,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }


MENTION = status(
    "113000000000000005", FAN, "<p>@acme how do I pair the buds with Linux?</p>", "2026-11-18T11:00:00.000Z"
)
ANSWER = status(
    "113000000000000006",
    ACME,
    "<p>@fan@third.example hold the button for 5 s, then pair as usual</p>",
    "2026-11-18T11:20:00.000Z",
    MENTION["id"],
    FAN["id"],
)
OWN_POST = status("113000000000000007", ACME, "<p>New firmware is out (1/2)</p>", "2026-11-18T11:25:00.000Z")
SELF = status(
    "113000000000000008", ACME, "<p>(2/2) changelog on the site</p>", "2026-11-18T11:26:00.000Z", OWN_POST["id"], "1"
)
FOLLOW = status(
    "113000000000000010",
    FAN,
    "<p>@acme that worked, thank you!</p>",
    "2026-11-18T11:40:00.000Z",
    ANSWER["id"],
    ACME["id"],
)
OTHER_REPLY = status(
    "113000000000000011",
    OTHER,
    "<p>@fan did it keep the pairing after a reboot?</p>",
    "2026-11-18T11:45:00.000Z",
    FOLLOW["id"],
    FAN["id"],
)
BOOST = dict(status("113000000000000012", OTHER, "", "2026-11-18T11:46:00.000Z"), reblog=FOLLOW)
NO_ID = {k: v for k, v in status("0", FAN, "<p>no id</p>", "2026-11-18T11:47:00.000Z").items() if k != "id"}
JSON = {
    "Content-Type": ["application/json; charset=utf-8"],
    "X-RateLimit-Limit": ["300"],
    "X-RateLimit-Remaining": ["299"],
}


def interaction(path: str, body: object, code: int = 200, headers: dict | None = None) -> dict:
    reasons = {200: "OK", 404: "Not Found", 429: "Too Many Requests"}
    return {
        "request": {"body": None, "headers": {}, "method": "GET", "uri": HOST + path},
        "response": {
            "body": {"string": json.dumps(body, ensure_ascii=False)},
            "headers": {**JSON, **(headers or {})},
            "status": {"code": code, "message": reasons[code]},
        },
    }


class NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def write(name: str, note: str, interactions: list[dict]) -> None:
    text = f"# {note}\n" + yaml.dump(
        {"interactions": interactions, "version": 1}, Dumper=NoAliases, sort_keys=False, width=120
    )
    (OUT / name).write_text(text, encoding="utf-8")


VERIFY = interaction("/api/v1/accounts/verify_credentials", ACME)
OWN = "/api/v1/accounts/1/statuses?limit=40"
write(
    "follow_up.yaml",
    "The token account's statuses (an answer to @fan, a post, a reply to itself), then the answer's context.",
    [
        VERIFY,
        interaction(OWN, [SELF, OWN_POST, ANSWER]),
        interaction(OWN + f"&max_id={ANSWER['id']}", []),
        interaction(
            f"/api/v1/statuses/{ANSWER['id']}/context",
            {"ancestors": [MENTION], "descendants": [FOLLOW, OTHER_REPLY, BOOST, NO_ID, "not a status"]},
        ),
    ],
)
write(
    "follow_up_rate_limited.yaml",
    "The brand's answer, then 429 on its context (X-RateLimit-Reset one minute after the server's Date).",
    [
        VERIFY,
        interaction(OWN, [ANSWER]),
        interaction(OWN + f"&max_id={ANSWER['id']}", []),
        interaction(
            f"/api/v1/statuses/{ANSWER['id']}/context",
            {"error": "Too many requests"},
            429,
            {
                "X-RateLimit-Remaining": ["0"],
                "X-RateLimit-Reset": ["2026-11-18T12:05:00.000Z"],
                "Date": ["Wed, 18 Nov 2026 12:04:00 GMT"],
            },
        ),
    ],
)
write(
    "follow_up_gone.yaml",
    "Nothing new of the brand's; contexts: a deleted status (404), a malformed answer, an empty thread.",
    [
        VERIFY,
        interaction(OWN + f"&since_id={ANSWER['id']}", []),
        interaction("/api/v1/statuses/113000000000000009/context", {"error": "Record not found"}, 404),
        interaction("/api/v1/statuses/113000000000000013/context", {"ancestors": "?", "descendants": None}),
        interaction(f"/api/v1/statuses/{ANSWER['id']}/context", {"ancestors": [MENTION], "descendants": []}),
    ],
)
