"""Hiding the secret parts of URLs before they are shown or logged: one function for every place.

`redact_url` hides a URL's password (user info) and the values of query and fragment
parameters named like a secret (password, pass, pwd, token, key, secret, auth, signature, ...),
leaving the rest of the text exactly as written. `redact_text` scrubs those same values out of
any message that may echo the URL (a driver's error, an exception's text).
Imports nothing from the project: the store, collectors and pages all use it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, unquote_plus

MASK = "***"
#: a parameter whose name contains one of these (any case) holds a secret.
SECRET_NAME = re.compile(r"pass|pwd|token|key|secret|auth|sign|sig$|credential|session|cookie", re.IGNORECASE)
_USERINFO = re.compile(r"^(?P<head>(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#:@]*):(?P<secret>[^/?#]*)@")
_BARE_USERINFO = re.compile(r"^(?P<head>[^/?#:@\s]+):(?P<secret>[^/?#\s]*)@(?=[^/?#@\s]+)")
_PARAM = re.compile(r"(?P<head>[?&;#](?P<name>[^=&;#]*)=)(?P<value>[^&;#]*)")


def _secrets(url: str) -> list[str]:
    """The secret values in `url`, as written (percent-encoded) and decoded."""
    found: list[str] = []
    match = _USERINFO.match(url) or _BARE_USERINFO.match(url)
    if match and match.group("secret"):
        found.append(match.group("secret"))
    for param in _PARAM.finditer(url):
        if param.group("value") and SECRET_NAME.search(unquote_plus(param.group("name"))):
            found.append(param.group("value"))
    decoded = [unquote(v) for v in found] + [unquote_plus(v) for v in found]
    return sorted({v for v in found + decoded if v}, key=len, reverse=True)


def redact_url(url: str) -> str:
    """`url` with its password and secret-named parameter values replaced by ***."""
    text = str(url)
    text = _USERINFO.sub(lambda m: f"{m.group('head')}:{MASK}@", text, count=1)
    text = _BARE_USERINFO.sub(lambda m: f"{m.group('head')}:{MASK}@", text, count=1)

    def param(match: re.Match[str]) -> str:
        secret = match.group("value") and SECRET_NAME.search(unquote_plus(match.group("name")))
        return match.group("head") + (MASK if secret else match.group("value"))

    return _PARAM.sub(param, text)


def redact_text(message: str, url: str) -> str:
    """`message` with every secret of `url` (and `url` itself) replaced: for errors that may echo it."""
    out = str(message).replace(url, redact_url(url)) if url else str(message)
    for secret in _secrets(url):
        out = out.replace(secret, MASK)
    return out
