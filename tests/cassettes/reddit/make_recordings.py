"""Writes our Reddit API recordings (vcrpy JSON) in this folder, shaped after Reddit's JSON listings.

Same format and placeholders as praw's own recordings (<ACCESS_TOKEN> and so on). The
recordings are committed; this shows how they were written and rewrites them the same way:
`.venv/bin/python tests/cassettes/reddit/make_recordings.py`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent
OUT.mkdir(parents=True, exist_ok=True)
UA = "<USER_AGENT> PRAW/7.8.1 prawcore/2.4.0"


def ts(hh, mm):
    return float(datetime(2025, 3, 12, hh, mm, tzinfo=UTC).timestamp())


def post(pid, author, sub, title, selftext, created, score, comments, crossposts=0):
    return {
        "kind": "t3",
        "data": {
            "id": pid,
            "name": f"t3_{pid}",
            "title": title,
            "selftext": selftext,
            "author": author,
            "author_fullname": f"t2_{author[:6]}" if author != "[deleted]" else None,
            "subreddit": sub,
            "subreddit_id": "t5_2qh1i",
            "subreddit_name_prefixed": f"r/{sub}",
            "permalink": f"/r/{sub}/comments/{pid}/{title.lower().replace(' ', '_')[:40]}/",
            "url": f"https://www.reddit.com/r/{sub}/comments/{pid}/",
            "is_self": True,
            "over_18": False,
            "created_utc": created,
            "score": score,
            "ups": score,
            "num_comments": comments,
            "num_crossposts": crossposts,
            "upvote_ratio": 0.93,
            "stickied": False,
            "locked": False,
            "archived": False,
        },
    }


def comment(cid, author, sub, link, parent, body, created, score, replies="", score_hidden=False, extra=None):
    data = {
        "id": cid,
        "name": f"t1_{cid}",
        "body": body,
        "author": author,
        "author_fullname": f"t2_{author[:6]}" if author != "[deleted]" else None,
        "subreddit": sub,
        "subreddit_id": "t5_2qh1i",
        "subreddit_name_prefixed": f"r/{sub}",
        "link_id": f"t3_{link}",
        "parent_id": parent,
        "permalink": f"/r/{sub}/comments/{link}/_/{cid}/",
        "created_utc": created,
        "score": score,
        "ups": score,
        "score_hidden": score_hidden,
        "replies": replies,
        "depth": 0,
        "stickied": False,
        "archived": False,
        "locked": False,
    }
    data.update(extra or {})
    return {"kind": "t1", "data": data}


def listing(children, after=None):
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "dist": len(children),
            "modhash": None,
            "geo_filter": "",
            "children": children,
            "before": None,
        },
    }


def interaction(method, uri, status, body, headers=None, req_body=""):
    reasons = {
        200: "OK",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        429: "Too Many Requests",
        503: "Service Unavailable",
    }
    auth = "Basic <BASIC_AUTH>" if "access_token" in uri else "bearer <ACCESS_TOKEN>"
    return {
        "recorded_at": "2025-03-12T12:00:00",
        "request": {
            "body": req_body,
            "headers": {"Accept": ["*/*"], "Authorization": [auth], "User-Agent": [UA]},
            "method": method,
            "uri": uri,
        },
        "response": {
            "body": {"string": json.dumps(body) if not isinstance(body, str) else body},
            "headers": {
                "content-type": ["application/json; charset=UTF-8"],
                "x-ratelimit-remaining": ["995.0"],
                "x-ratelimit-used": ["5"],
                "x-ratelimit-reset": ["300"],
                **(headers or {}),
            },
            "status": {"code": status, "message": reasons[status]},
            "url": uri,
        },
    }


def token(grant="client_credentials"):
    body = {"access_token": "<ACCESS_TOKEN>", "token_type": "bearer", "expires_in": 86400, "scope": "*"}
    req = (
        "grant_type=password&username=<USERNAME>&password=<PASSWORD>" if grant == "password" else f"grant_type={grant}"
    )
    return interaction("POST", "https://www.reddit.com/api/v1/access_token", 200, body, req_body=req)


def write(name, interactions, note):
    (OUT / name).write_text(json.dumps({"note": note, "interactions": interactions, "version": 1}, indent=1) + "\n")


API = "https://oauth.reddit.com"
P1 = post(
    "1j9aaa1",
    "blender_bob",
    "Appliances",
    "My Acme blender died after 2 weeks",
    "Anyone else? Acme support hasn't answered my ticket.",
    ts(9, 0),
    42,
    7,
    1,
)
P2 = post("1j9aaa0", "kim_cooks", "Cooking", "Acme vs Globex stand mixers?", "", ts(8, 30), 5, 3)
M1 = comment(
    "mf1m001",
    "dan_diy",
    "Appliances",
    "1j9aaa1",
    "t3_1j9aaa1",
    "Same here. Pinging u/acme_support, any news?",
    ts(9, 20),
    3,
    extra={
        "permalink": None,
        "link_id": None,
        "context": "/r/Appliances/comments/1j9aaa1/my_acme_blender_died/mf1m001/?context=3",
        "type": "username_mention",
        "was_comment": True,
        "subject": "username mention",
        "new": True,
        "link_title": "My Acme blender died after 2 weeks",
    },
)
for key in ("permalink", "link_id"):
    del M1["data"][key]
A1 = comment(
    "mf1a001",
    "acme_support",
    "Appliances",
    "1j9aaa1",
    "t3_1j9aaa1",
    "Sorry to hear that! Please DM us your order number and we'll replace it.",
    ts(9, 45),
    4,
)
C1 = comment(
    "mf1c001",
    "blender_bob",
    "Appliances",
    "1j9aaa1",
    "t1_mf1a001",
    "Thanks, DM sent. Still waiting for a refund though.",
    ts(10, 5),
    2,
)
C1["data"]["depth"] = 1
MORE = {
    "kind": "more",
    "data": {
        "count": 1,
        "name": "t1_mf1c003",
        "id": "mf1c003",
        "parent_id": "t1_mf1a001",
        "depth": 1,
        "children": ["mf1c003"],
    },
}
C3 = comment(
    "mf1c003", "kim_cooks", "Appliances", "1j9aaa1", "t1_mf1a001", "Same problem, also waiting.", ts(10, 20), 1
)
C3["data"]["depth"] = 1
A1_TREE = json.loads(json.dumps(A1))
A1_TREE["data"]["replies"] = listing([C1, MORE])

write(
    "account.json",
    [
        token("password"),
        interaction(
            "GET",
            f"{API}/r/all/search/?q=acme&sort=new&restrict_sr=False&t=all&limit=100&raw_json=1",
            200,
            listing([P1, P2]),
        ),
        interaction("GET", f"{API}/message/mentions?limit=100&raw_json=1", 200, listing([M1])),
        interaction("GET", f"{API}/user/acme_support/comments?sort=new&limit=100&raw_json=1", 200, listing([A1])),
        interaction("GET", f"{API}/user/acme_support/submitted?sort=new&limit=100&raw_json=1", 200, listing([])),
        interaction(
            "GET", f"{API}/comments/1j9aaa1/_/mf1a001?context=100&raw_json=1", 200, [listing([P1]), listing([A1_TREE])]
        ),
        interaction(
            "POST",
            f"{API}/api/morechildren/?raw_json=1",
            200,
            {"json": {"errors": [], "data": {"things": [C3]}}},
            req_body="api_type=json&children=mf1c003&link_id=t3_1j9aaa1&sort=confidence",
        ),
    ],
    "The brand account u/acme_support (user login): search for acme, inbox mention, its own comment answering a "
    "post, and the conversation around that comment (with one 'load more comments')",
)

# a watched subreddit: 100 new posts, then 3 older on page 2; comments on each run
NEW = [
    post(
        f"1j8{n:04d}",
        f"user{n % 7}",
        "acme",
        f"Acme post number {n}",
        "Some text about acme.",
        ts(10, 0) - 60 * n,
        n % 13,
        n % 5,
    )
    for n in range(100)
]
OLD = [post(f"1j7{n:04d}", "user9", "acme", f"Older acme post {n}", "", ts(8, 0) - 60 * n, 1, 0) for n in range(3)]
RC = [
    comment("mf2c001", "kim_cooks", "acme", "1j80000", "t3_1j80000", "Great news for acme fans", ts(10, 1), 2),
    comment("mf2c002", "dan_diy", "acme", "1j80000", "t1_mf2c001", "Agreed!", ts(10, 2), 1),
]
write(
    "subreddit_two_pages.json",
    [
        token(),
        interaction("GET", f"{API}/r/acme/new?limit=100&raw_json=1", 200, listing(NEW, after=NEW[-1]["data"]["name"])),
        interaction("GET", f"{API}/r/acme/comments/?limit=100&raw_json=1", 200, listing(RC)),
        interaction("GET", f"{API}/r/acme/new?limit=100&after={NEW[-1]['data']['name']}&raw_json=1", 200, listing(OLD)),
        interaction("GET", f"{API}/r/acme/comments/?limit=100&raw_json=1", 200, listing([])),
    ],
    "Watching r/acme: a first page of 100 new posts (after set), its comments; then the page below it and no "
    "new comments",
)

write(
    "half_broken.json",
    [
        token(),
        interaction(
            "GET",
            f"{API}/r/acme/new?limit=100&raw_json=1",
            200,
            listing(
                [
                    post("1j9bbb1", "[deleted]", "acme", "[deleted]", "[removed]", ts(9, 0), 1, 0),
                    post("1j9bbb2", "kim_cooks", "acme", "Acme mixer review", "", ts(9, 1), "many", 4),
                    {
                        "kind": "t3",
                        "data": {
                            "id": "1j9bbb3",
                            "name": "t3_1j9bbb3",
                            "title": "No date on this acme post",
                            "author": "dan_diy",
                            "subreddit": "acme",
                        },
                    },
                ]
            ),
        ),
        interaction(
            "GET",
            f"{API}/r/acme/comments/?limit=100&raw_json=1",
            200,
            listing(
                [
                    comment("mf3c001", "[deleted]", "acme", "1j9bbb2", "t3_1j9bbb2", "[deleted]", ts(9, 5), 1),
                    comment("mf3c002", "kim_cooks", "acme", "1j9bbb2", "t3_1j9bbb2", "[removed]", ts(9, 6), 1),
                    comment(
                        "mf3c003",
                        "dan_diy",
                        "acme",
                        "1j9bbb2",
                        "t3_1j9bbb2",
                        "score hidden here, acme",
                        ts(9, 7),
                        5,
                        score_hidden=True,
                        extra={"permalink": None},
                    ),
                ]
            ),
        ),
    ],
    "r/acme with damaged items: deleted and removed posts and comments, a score that is not a number, "
    "no created_utc, a hidden score, no permalink",
)

UNAUTH = {"message": "Unauthorized", "error": 401}
write(
    "token_unauthorized.json",
    [
        interaction(
            "POST", "https://www.reddit.com/api/v1/access_token", 401, UNAUTH, req_body="grant_type=client_credentials"
        )
    ],
    "The app credentials are wrong: 401 on the token request",
)
write(
    "forbidden.json",
    [
        token(),
        interaction(
            "GET",
            f"{API}/r/acme_private/new?limit=100&raw_json=1",
            403,
            {"reason": "private", "message": "Forbidden", "error": 403},
        ),
    ],
    "A private subreddit: 403",
)
write(
    "not_found.json",
    [
        token("password"),
        interaction(
            "GET",
            f"{API}/user/acme_support/comments?sort=new&limit=100&raw_json=1",
            404,
            {"message": "Not Found", "error": 404},
        ),
    ],
    "The brand account does not exist (or was suspended): 404 on its comments",
)
UNAVAILABLE = "<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>"
SEARCH = f"{API}/r/all/search/?q=acme&sort=new&restrict_sr=False&t=all&limit=100&raw_json=1"
write(
    "unavailable_then_ok.json",
    [token()]
    + [{**interaction("GET", SEARCH, 503, UNAVAILABLE)} for _ in range(3)]
    + [interaction("GET", SEARCH, 200, listing([P1]))],
    "Search answered 503 three times (prawcore retries twice by itself), then 200",
)
write(
    "rate_limited_then_ok.json",
    [
        token(),
        interaction(
            "GET",
            SEARCH,
            429,
            {"message": "Too Many Requests", "error": 429},
            headers={"x-ratelimit-remaining": ["0"], "x-ratelimit-used": ["100"], "x-ratelimit-reset": ["42"]},
        ),
        interaction("GET", SEARCH, 200, listing([P1])),
    ],
    "Search answered 429 (x-ratelimit-reset 42 s), then 200",
)
write(
    "thread_gone.json",
    [
        token("password"),
        interaction(
            "GET",
            f"{API}/comments/1j9aaa1/_/mf1a001?context=100&raw_json=1",
            404,
            {"message": "Not Found", "error": 404},
        ),
    ],
    "The conversation around the brand's comment is gone: 404",
)
write(
    "reply_deleted.json",
    [
        token("password"),
        interaction(
            "POST",
            f"{API}/api/comment/?raw_json=1",
            200,
            {"json": {"errors": [["DELETED_COMMENT", "that comment has been deleted", "parent"]]}},
            req_body="api_type=json&text=Sorry+to+hear+that&thing_id=t1_mf1m001",
        ),
    ],
    "Replying to a deleted comment: 200 with a DELETED_COMMENT error, as the API answers",
)
write(
    "reply_forbidden.json",
    [
        token("password"),
        interaction(
            "POST",
            f"{API}/api/comment/?raw_json=1",
            403,
            {"message": "Forbidden", "error": 403},
            req_body="api_type=json&text=Sorry+to+hear+that&thing_id=t3_1j9aaa1",
        ),
    ],
    "Replying where the account is banned: 403",
)
