"""Writes our Google Play Developer API recordings (JSON, `[{url, reply, method?, status?, headers?, once?}]`).

Shaped after the androidpublisher v3 reference: `reviews.list` answers
`{"reviews": [Review], "tokenPagination": {"nextPageToken"}, "pageInfo": {...}}`, a Review is
`{"reviewId", "authorName", "comments": [{"userComment": UserComment}, {"developerComment": ...}]}`,
a UserComment carries `text` ("title<TAB>body"), `lastModified` {seconds, nanos}, `starRating`,
`reviewerLanguage`, `device`, `androidOsVersion`, `appVersionCode`, `appVersionName`,
`thumbsUpCount`, `thumbsDownCount`, `deviceMetadata`, `originalText`; `reviews.reply` answers
`{"result": {"replyText", "lastEdited"}}`. The token endpoint answers like Google's OAuth 2.0
server (`access_token`, `expires_in`, `token_type`; `invalid_grant` when refused). Errors use
Google's JSON error shape. Rewrite: `.venv/bin/python tests/cassettes/googleplay/make_recordings.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent
TOKEN = "https://oauth2.googleapis.com/token"
API = "https://androidpublisher.googleapis.com/androidpublisher/v3/applications/{package}/reviews"
GRANTED = {
    "method": "POST",
    "url": TOKEN,
    "reply": {"access_token": "ya29.test-token", "expires_in": 3599, "token_type": "Bearer"},
}
#: 2026-11-17T12:00:00Z
T0 = 1794916800


def stamp(offset: int, nanos: int = 0) -> dict:
    return {"seconds": str(T0 + offset), "nanos": nanos}


def user(text, stars, offset, *, version="4.2.0", code=420, lang="en", thumbs=0):
    comment = {
        "text": text,
        "lastModified": stamp(offset, 250_000_000),
        "starRating": stars,
        "reviewerLanguage": lang,
        "device": "oriole",
        "androidOsVersion": 34,
        "appVersionCode": code,
        "appVersionName": version,
        "thumbsUpCount": thumbs,
        "thumbsDownCount": 0,
        "deviceMetadata": {
            "productName": "oriole (Pixel 6)",
            "manufacturer": "Google",
            "deviceClass": "FORM_FACTOR_PHONE",
            "screenWidthPx": 1080,
            "screenHeightPx": 2400,
            "nativePlatform": "ABI_ARM64_V8,ABI_ARM_V7,ABI_ARM",
            "screenDensityDpi": 420,
            "glEsVersion": 196610,
            "ramMb": 7680,
        },
    }
    if stars is None:
        del comment["starRating"]
    return {"userComment": comment}


def review(rid, author, *comments):
    out = {"reviewId": rid, "comments": list(comments)}
    if author is not None:
        out["authorName"] = author
    return out


def developer(text, offset):
    return {"developerComment": {"text": text, "lastModified": stamp(offset)}}


def write(name: str, recordings: list[dict]) -> None:
    text = "[\n" + ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in recordings) + "\n]\n"
    (OUT / name).write_text(text, encoding="utf-8")


ACME = API.format(package="com.acme.notes")
write(
    "reviews.json",
    [
        GRANTED,
        {
            "url": ACME + "?token=page-2",
            "reply": {
                "reviews": [
                    review("gp:AOqpTOE2", "Lee", user("Fine\tDoes the job.", 4, -7200, version="4.1.9", code=419)),
                    review(
                        "gp:AOqpTOE1",
                        "Sam",
                        user("Ads everywhere in the free tier", 2, -10800, version="4.1.8", code=418),
                    ),
                ],
                "pageInfo": {"totalResults": 2, "resultPerPage": 2, "startIndex": 0},
            },
        },
        {
            "url": ACME,
            "reply": {
                "reviews": [
                    review(
                        "gp:AOqpTOE5",
                        "Mara K",
                        user("Crashes\tCrashes on start since the update, lost my notes", 1, 0, thumbs=5),
                    ),
                    review(
                        "gp:AOqpTOE4",
                        "Jon",
                        user("Love it, syncs perfectly", 5, -1800),
                        developer("Thanks Jon, glad you like it!", -900),
                    ),
                    review("gp:AOqpTOE3", "Pat", user("Sync is broken on my tablet", 3, -3600, lang="en_GB")),
                ],
                "tokenPagination": {"nextPageToken": "page-2"},
                "pageInfo": {"totalResults": 3, "resultPerPage": 3, "startIndex": 0},
            },
        },
    ],
)
write("empty.json", [GRANTED, {"url": API.format(package="com.acme.quiet"), "reply": {}}])
write(
    "errors.json",
    [
        GRANTED,
        {
            "url": API.format(package="com.acme.rate"),
            "status": 429,
            "headers": {"Retry-After": "30"},
            "reply": {
                "error": {
                    "code": 429,
                    "message": "Quota exceeded for quota metric 'Queries'.",
                    "status": "RESOURCE_EXHAUSTED",
                }
            },
        },
        {
            "url": API.format(package="com.acme.denied"),
            "status": 403,
            "reply": {
                "error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}
            },
        },
        {
            "url": API.format(package="com.acme.gone"),
            "status": 404,
            "reply": {"error": {"code": 404, "message": "Package not found: com.acme.gone.", "status": "NOT_FOUND"}},
        },
        {
            "url": API.format(package="com.acme.odd"),
            "reply": {
                "reviews": [
                    review("gp:NOSTARS", "Ann", user("No stars given", None, 0)),
                    review("gp:SEVEN", "Bo", user("Seven stars!", 7, -60)),
                    review(
                        "gp:UNICODE",
                        "Zoë 🦄",
                        user(
                            "Émoji 🎉\tWorks 👍🏽 — ünïcödé ✓ \u202eRTL\u202c zero\u200bwidth NUL\u0000",
                            4,
                            -120,
                            lang="fr",
                        ),
                    ),
                    review("gp:HTML", "Eve", user("<b>Bold</b> claim <script>alert(1)</script> &amp; more", 2, -180)),
                    review("gp:NOCOMMENT", "Nil"),
                    {"authorName": "No id", "comments": [user("no id", 3, -240)]},
                    "not a review",
                    review("gp:NODATE", "Dee", {"userComment": {"text": "no date", "starRating": 3}}),
                ]
            },
        },
    ],
)
write(
    "token_refused.json",
    [
        {
            "method": "POST",
            "url": TOKEN,
            "status": 400,
            "reply": {"error": "invalid_grant", "error_description": "Invalid JWT Signature."},
        }
    ],
)
write(
    "reply.json",
    [
        GRANTED,
        {
            "method": "POST",
            "url": ACME + "/gp:AOqpTOE5:reply",
            "reply": {"result": {"replyText": "Sorry Mara, 4.2.1 fixes the crash.", "lastEdited": stamp(3600)}},
        },
        {
            "method": "POST",
            "url": ACME + "/gp:DELETED:reply",
            "status": 404,
            "reply": {"error": {"code": 404, "message": "Review not found.", "status": "NOT_FOUND"}},
        },
    ],
)
