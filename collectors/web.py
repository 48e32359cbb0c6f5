"""Plain-HTTP helpers for the sources without an SDK (Hacker News, RSS), and HTML to text.

`fetch` maps what can go wrong with a GET onto the collector errors: timeouts, connection
failures, 429 and 5xx are retriable (with the server's Retry-After when it gives one);
401/403, 404/410 and other 4xx are fatal. `html_to_text` turns the HTML that Mastodon,
Hacker News and feeds carry into the plain text the store keeps: markup, scripts, styles
and comments dropped, entities decoded, paragraphs and line breaks kept as newlines.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

import requests

from collectors.base import FatalError, RetriableError
from redact import redact_text, redact_url

USER_AGENT = "engagement-monitor/0.1 (self-hosted social listening)"
#: (connect, read) seconds.
TIMEOUT: tuple[float, float] = (10.0, 30.0)
#: a response bigger than this is refused (a feed or an API page is far smaller).
MAX_BYTES = 20_000_000


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - (now if now is not None else time.time()), 0.0)


def check_status(response: requests.Response, what: str) -> None:
    """Raise RetriableError / FatalError for a failed response; return for 2xx and 304."""
    code = response.status_code
    if code < 400 or code == 304:
        return
    if code == 429:
        wait = retry_after(response.headers.get("Retry-After"))
        raise RetriableError(f"{what}: rate limited (429)", retry_after=wait)
    if code >= 500:
        raise RetriableError(
            f"{what}: server error {code}", retry_after=retry_after(response.headers.get("Retry-After"))
        )
    if code in (401, 403):
        raise FatalError(f"{what}: access denied ({code})")
    if code in (404, 410):
        raise FatalError(f"{what}: not found ({code}); check the URL")
    raise FatalError(f"{what}: request refused ({code})")


def fetch(
    session: requests.Session,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    what: str | None = None,
    timeout: tuple[float, float] = TIMEOUT,
) -> requests.Response:
    """GET `url` and return the response (2xx or 304); collector errors for everything else."""
    what = what or redact_url(url)
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    try:
        response = session.get(url, params=params, headers=sent, timeout=timeout)
    except requests.Timeout:
        raise RetriableError(f"{what}: timed out") from None
    except requests.ConnectionError as exc:
        raise RetriableError(f"{what}: connection failed ({exc.__class__.__name__})") from None
    except (
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
    ) as exc:
        raise FatalError(redact_text(f"{what}: bad URL ({exc})", url)) from None
    except requests.RequestException as exc:
        raise RetriableError(f"{what}: request failed ({exc.__class__.__name__})") from None
    check_status(response, what)
    if len(response.content) > MAX_BYTES:
        raise FatalError(f"{what}: response larger than {MAX_BYTES // 1_000_000} MB")
    return response


_DROP = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math", "head", "title"}
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "ul",
    "ol",
    "table",
    "hr",
}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self.dropping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.dropping = max(self.dropping - 1, 0)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(data)


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment: tags, scripts, styles and comments removed, entities decoded."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return html.strip()
    parser = _TextExtractor()
    try:
        parser.feed(str(html))
        parser.close()
    except Exception:  # malformed markup: keep what was read
        pass
    text = "".join(parser.parts).replace("\xa0", " ")
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
