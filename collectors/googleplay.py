"""Google Play: reviews of the team's own Android apps, and replies to them, via the Play Developer API.

`reviews.list` (GET .../androidpublisher/v3/applications/{package}/reviews, 100 a page, the
next page by `token`) gives the reviews written or edited in the last seven days (the API keeps
no more); `reviews.reply` (POST .../reviews/{reviewId}:reply, at most 350 characters) answers one,
which the API allows for one's own apps. Both need a service account with access to the app in
Play Console: its JSON key in GOOGLE_PLAY_SERVICE_ACCOUNT (the file's path or the JSON itself,
from the environment, `.env` or `.streamlit/secrets.toml`), exchanged for an access token with
a signed JWT (RFC 7523, RS256, scope androidpublisher) at the key's `token_uri`. The key and
the token are never logged, shown or stored; errors name the variable, never its value.

Each review is a mention of kind "review": `starRating` as `rating`, the text ("title<TAB>body"
becomes "title", blank line, "body"), `appVersionName` as `app_version`, `authorName`,
`thumbsUpCount` as likes, `reviewerLanguage` as lang. A developer reply already on Google Play
becomes the brand's own reply (post id "<reviewId>:reply"), so the queue sees it answered.
Reviews without an id or the user's comment are counted and dropped.

A review's `created_at` is the user comment's `lastModified`: the time of the version collected first.
An edited review collected again keeps that time once stored (store.writer: its hour and day do not
move), while its new text, rating and app version replace the old ones and it is scored and flagged
again (pipeline.ingest), so a 5-star review edited to 1 star enters the reply queue. Only a version at
least as new as the stored one (by `lastModified`, kept as mentions.edited_at) replaces it, whichever of
two collections commits last (store.writer).

Source key: `package_name`. Cursor: JSON `{"newest": epoch seconds, "ids": [digests of the review ids at
that time]}` (collectors.streams.cursor_id: no review id is kept there; a plain id from an older cursor
still matches, and is written back as its digest: collectors.streams.seen_ids), where a
review's time is its last activity: its own last edit or the developer's reply, whichever is later
(a reply posted in Play Console leaves the review in the list; the run after it stores the reply).
Times are compared in whole microseconds, as stored (Play gives nanoseconds).
"""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pandas as pd
import requests

from collectors.base import CollectResult, FatalError, MissingCredentials, RetriableError
from collectors.streams import LoopGuard, cursor_id, decode_cursor, encode_cursor, seen_ids
from collectors.web import TIMEOUT, USER_AGENT, check_status
from config import Brand, Config, Source, credential
from frame import conform, empty_frame

CREDENTIAL = "GOOGLE_PLAY_SERVICE_ACCOUNT"
API = "https://androidpublisher.googleapis.com/androidpublisher/v3/applications/{package}/reviews"
SCOPE = "https://www.googleapis.com/auth/androidpublisher"
TOKEN_URI = "https://oauth2.googleapis.com/token"
REVIEW_URL = "https://play.google.com/store/apps/details?id={package}&reviewId={review}"
PAGE_SIZE = 100
#: Google Play's limit on a developer reply (reviews.reply).
MAX_REPLY_CHARS = 350
REPLY_SUFFIX = ":reply"


# ------------------------------------------------------------------------------ credentials


def service_account(value: str | None = None) -> dict[str, str]:
    """The service account key from GOOGLE_PLAY_SERVICE_ACCOUNT (a path to the JSON file, or the JSON)."""
    value = value if value is not None else credential(CREDENTIAL)
    if not value or not value.strip():
        raise MissingCredentials([CREDENTIAL])
    text = value.strip()
    if not text.startswith("{"):
        try:
            text = Path(text).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            raise FatalError(f"google play: {CREDENTIAL} names a file that cannot be read") from None
    try:
        key = json.loads(text)
    except ValueError:
        key = None
    if not isinstance(key, dict) or not all(isinstance(key.get(k), str) for k in ("client_email", "private_key")):
        raise FatalError(
            f"google play: {CREDENTIAL} is not a service account key (JSON with client_email and private_key)"
        )
    token_uri = key.get("token_uri") or TOKEN_URI
    if not isinstance(token_uri, str) or not token_uri.startswith("https://"):
        raise FatalError(f"google play: the token_uri in {CREDENTIAL} is not an https URL")
    return {
        "client_email": key["client_email"],
        "private_key": key["private_key"],
        "private_key_id": str(key.get("private_key_id") or ""),
        "token_uri": token_uri,
    }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def signed_assertion(key: Mapping[str, str], now: float) -> str:
    """The RS256 JWT a service account trades for an access token (RFC 7523; Google's OAuth 2.0 for servers)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    header = {"alg": "RS256", "typ": "JWT", **({"kid": key["private_key_id"]} if key.get("private_key_id") else {})}
    claims = {
        "iss": key["client_email"],
        "scope": SCOPE,
        "aud": key["token_uri"],
        "iat": int(now),
        "exp": int(now) + 3600,
    }
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64(json.dumps(claims, separators=(",", ":")).encode())
    )
    try:
        private = serialization.load_pem_private_key(key["private_key"].encode(), password=None)
    except (ValueError, TypeError):
        raise FatalError(f"google play: the private_key in {CREDENTIAL} is not a PEM RSA key") from None
    if not isinstance(private, rsa.RSAPrivateKey):
        raise FatalError(f"google play: the private_key in {CREDENTIAL} is not an RSA key")
    signature = private.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64(signature)


class PlayApi:
    """Authorised calls to the Play Developer API: one access token per instance, errors as collector errors."""

    def __init__(self, key: Mapping[str, str], session: requests.Session | None = None, clock: Any = time.time) -> None:
        self.key, self.session, self.clock = key, session or requests.Session(), clock
        self._token: str | None = None

    def _send(self, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
        headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
        try:
            response = self.session.request(method, url, headers=headers, timeout=TIMEOUT, **kwargs)
        except requests.Timeout:
            raise RetriableError(f"{what}: timed out") from None
        except requests.ConnectionError as exc:
            raise RetriableError(f"{what}: connection failed ({exc.__class__.__name__})") from None
        except requests.RequestException as exc:
            raise RetriableError(f"{what}: request failed ({exc.__class__.__name__})") from None
        return response

    def token(self) -> str:
        if self._token is None:
            assertion = signed_assertion(self.key, self.clock())
            form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion}
            response = self._send("POST", self.key["token_uri"], "google play sign-in", data=form)
            if response.status_code in (400, 401, 403):
                reason = _field(response, "error") or str(response.status_code)
                raise FatalError(
                    f"google play sign-in: the service account in {CREDENTIAL} was refused ({reason}); "
                    "check the key is current"
                )
            check_status(response, "google play sign-in")
            token = _json(response, "google play sign-in").get("access_token")
            if not isinstance(token, str) or not token:
                raise FatalError("google play sign-in: no access token in the answer")
            self._token = token
        return self._token

    def call(self, method: str, url: str, what: str, **kwargs: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token()}"}
        response = self._send(method, url, what, headers=headers, **kwargs)
        if response.status_code in (401, 403):
            status = _field(response, "status") or str(response.status_code)
            raise FatalError(
                f"{what}: access denied ({status}); the service account needs access to the app in Play Console"
            )
        if response.status_code == 404:
            raise FatalError(f"{what}: not found (404); check package_name, or the review is gone")
        if response.status_code == 400:
            raise FatalError(f"{what}: refused (400): {_field(response, 'message') or 'bad request'}")
        check_status(response, what)
        return _json(response, what)


def _json(response: requests.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise FatalError(f"{what}: unexpected answer (not JSON)") from None
    if not isinstance(body, dict):
        raise FatalError(f"{what}: unexpected answer (not a JSON object)")
    return body


def _field(response: requests.Response, name: str) -> str | None:
    """A short word from a JSON error answer (OAuth's `error`, Google's `error.status` / `error.message`)."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    value = body.get(name)
    if value is None and isinstance(body.get("error"), dict):
        value = body["error"].get(name)
    return str(value)[:200] if isinstance(value, str | int) else None


# ------------------------------------------------------------------------------ mapping


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(stamp: Any) -> int | None:
    """A Play `{seconds, nanos}` timestamp as whole microseconds since the epoch (floored, as stored)."""
    if not isinstance(stamp, dict):
        return None
    try:
        return int(stamp["seconds"]) * 1_000_000 + int(stamp.get("nanos") or 0) // 1000
    except (KeyError, TypeError, ValueError):
        return None


def _time(micros: int | None) -> datetime | None:
    """Microseconds since the epoch as a UTC datetime (exact: no float seconds in between)."""
    if micros is None:
        return None
    try:
        return _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        return None


def _cursor_micros(value: Any) -> int | None:
    """The cursor's `newest` (epoch seconds, a float) as whole microseconds."""
    return round(value * 1_000_000) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    try:
        return int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    """A comment's text, stripped; "" when it is not text (a number, an object): never its repr."""
    return value.strip() if isinstance(value, str) else ""


def review_rows(review: dict[str, Any], package: str) -> list[dict[str, Any]] | None:
    """A review as mention-frame rows (the review, and the developer's reply when there is one); None if malformed."""
    review_id = review.get("reviewId")
    comments = _list(review.get("comments"))
    user = next(
        (c["userComment"] for c in comments if isinstance(c, dict) and isinstance(c.get("userComment"), dict)), None
    )
    if not isinstance(review_id, str) or not review_id.strip() or user is None:
        return None
    text = _text(user.get("text"))  # not text: none (conform drops the review and counts it, as the App Store's)
    if "\t" in text:  # "title<TAB>body"
        title, _, body = text.partition("\t")
        text = "\n\n".join(p.strip() for p in (title, body) if p.strip())
    author = review.get("authorName") if isinstance(review.get("authorName"), str) else None
    url = REVIEW_URL.format(package=quote(package), review=quote(review_id, safe=""))
    rows = [
        {
            "platform": "googleplay",
            "post_id": review_id,
            "url": url,
            "kind": "review",
            "author_handle": author,
            "author_name": author,
            "text": text or None,
            "lang": user.get("reviewerLanguage") if isinstance(user.get("reviewerLanguage"), str) else None,
            "created_at": _time(_micros(user.get("lastModified"))),
            "likes": _int(user.get("thumbsUpCount")),
            "rating": user.get("starRating"),
            "app_version": user.get("appVersionName") if isinstance(user.get("appVersionName"), str) else None,
            "is_own": False,
        }
    ]
    developer = next(
        (
            c["developerComment"]
            for c in comments
            if isinstance(c, dict) and isinstance(c.get("developerComment"), dict)
        ),
        None,
    )
    said = developer.get("text") if developer is not None else None
    if developer is not None and said is not None and (_text(said) or not isinstance(said, str)):
        # a blank reply is none; one that is not text is kept without text, so conform drops and counts it
        rows.append(
            {
                "platform": "googleplay",
                "post_id": review_id + REPLY_SUFFIX,
                "url": url,
                "kind": "reply",
                "parent_id": review_id,
                "thread_id": review_id,
                "text": _text(said) or None,
                "created_at": _time(_micros(developer.get("lastModified"))),
                "is_own": True,
            }
        )
    return rows


def _activity(found: list[dict[str, Any]]) -> int | None:
    """A review's last activity in microseconds: its own last edit, or the developer's reply when later
    (a reply posted in Play Console leaves the review in the list, so a run must not skip it as seen).
    None when the review's own time is unreadable (it is then never skipped, and conform counts it)."""
    if found[0]["created_at"] is None:
        return None
    times = [t for t in (r["created_at"] for r in found) if isinstance(t, datetime)]
    return max((t - _EPOCH) // timedelta(microseconds=1) for t in times)


class GooglePlayCollector:
    platform = "googleplay"

    def __init__(
        self,
        source: Source,
        brand: Brand,
        session: requests.Session | None = None,
        now: datetime | None = None,
        key: Mapping[str, str] | None = None,
    ) -> None:
        self.source, self.brand = source, brand
        self.package = str(source.options["package_name"])
        self.session, self.now, self.key = session, now, key

    def collect(self, cursor: str | None) -> CollectResult:
        state = decode_cursor(cursor)
        newest = _cursor_micros(state.get("newest"))
        known = seen_ids(self.platform, state.get("ids"))  # digests, also of an older cursor's plain ids
        now = self.now
        clock = (lambda: now.timestamp()) if now is not None else time.time
        api = PlayApi(self.key or service_account(), self.session, clock)
        url = API.format(package=quote(self.package, safe=""))
        skipped: Counter[str] = Counter()
        rows: list[dict[str, Any]] = []
        latest: dict[str, int] = {}  # review id -> its last activity (microseconds), for the next cursor
        guard = LoopGuard()
        token: str | None = None
        for _ in range(self.source.max_pages):
            params: dict[str, Any] = {"maxResults": PAGE_SIZE, **({"token": token} if token else {})}
            body = api.call("GET", url, f"google play reviews ({self.package})", params=params)
            reviews = _list(body.get("reviews"))
            all_old = bool(reviews)
            for review in reviews:
                found = review_rows(review, self.package) if isinstance(review, dict) else None
                if found is None:
                    skipped["malformed review"] += 1
                    continue
                activity = _activity(found)
                review_id = str(found[0]["post_id"])
                if (
                    newest is not None
                    and activity is not None
                    and (activity < newest or (activity == newest and cursor_id(self.platform, review_id) in known))
                ):
                    continue
                all_old = False
                if found[0]["rating"] is None:
                    skipped["review without a rating (kept)"] += 1
                rows += found
                if activity is not None:
                    latest[review_id] = activity
            pages = body.get("tokenPagination")
            pages = pages if isinstance(pages, dict) else {}
            token = pages.get("nextPageToken") if isinstance(pages.get("nextPageToken"), str) else None
            if not token or all_old:
                break
            if guard.seen_before([token]):
                skipped["page seen twice (loop guard)"] += 1
                break
        frame = self._frame(rows, skipped)
        if latest:
            top = max(latest.values())
            ids = {cursor_id(self.platform, i) for i, t in latest.items() if t == top}
            if newest is not None and top == newest:
                ids |= known
            state = {"newest": top / 1_000_000, "ids": sorted(ids)}
        elif "ids" in state:  # nothing newer: the same cursor, its ids as digests (an older one is rewritten)
            state = {**state, "ids": sorted(known)}
        return CollectResult(frame, encode_cursor(state), skipped)

    def _frame(self, rows: list[dict[str, Any]], skipped: Counter[str]) -> pd.DataFrame:
        if not rows:
            return empty_frame()
        frame = pd.DataFrame(rows)
        frame["brand"] = self.brand.name
        frame["source"] = self.source.name
        frame["matched"] = self.package
        frame["retrieved_at"] = self.now or datetime.now(UTC)
        return conform(frame, skipped)


def from_source(source: Source, config: Config) -> GooglePlayCollector:
    """The collector for a configured `platform = "googleplay"` source."""
    return GooglePlayCollector(source, config.brand(source.brand))


# ------------------------------------------------------------------------------ replying


def _package_of(mention: Mapping[str, Any]) -> str | None:
    query = parse_qs(urlsplit(str(mention.get("url") or "")).query)
    found = query.get("id")
    return found[0] if found else None


def reply(
    mention: Mapping[str, Any],
    text: str,
    *,
    session: requests.Session | None = None,
    key: Mapping[str, str] | None = None,
    clock: Any = time.time,
) -> str:
    """Post `text` as the developer's reply to a Google Play review (reviews.reply); returns "<reviewId>:reply".

    A review has one developer reply: posting again replaces it. The app is the one named in
    the review's URL (as collected).
    """
    text = (text or "").strip()
    if not text:
        raise FatalError("google play: the reply is empty")
    if len(text) > MAX_REPLY_CHARS:
        raise FatalError(f"google play: the reply has {len(text)} characters; Google Play allows {MAX_REPLY_CHARS}")
    review_id = str(mention.get("post_id") or "")
    package = _package_of(mention)
    if mention.get("kind") not in (None, "review") or not review_id or review_id.endswith(REPLY_SUFFIX):
        raise FatalError("google play: only a review can be answered")
    if not package:
        raise FatalError("google play: the review's URL does not name its app (package)")
    api = PlayApi(key or service_account(), session, clock)
    url = API.format(package=quote(package, safe="")) + "/" + quote(review_id, safe="") + ":reply"
    body = api.call("POST", url, "google play reply", json={"replyText": text})
    if not isinstance(body.get("result"), dict):
        raise FatalError("google play reply: unexpected answer (no result)")
    return review_id + REPLY_SUFFIX
