"""Replays `[{url, reply, status?, headers?, once?, method?}]` recordings through requests; never the network.

A recording matches when the method (GET unless it says), host and path (unquoted) are the same and every
query parameter it names has the same value in the request. Every request is kept (method,
URL, headers, body) so tests can check what was sent. Used by the app review collectors'
tests (tests/cassettes/appstore, tests/cassettes/googleplay).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

import requests


class JsonReplay(requests.adapters.BaseAdapter):
    def __init__(self, *files: Path) -> None:
        super().__init__()
        self.entries: list[dict[str, Any]] = [e for f in files for e in json.loads(f.read_text(encoding="utf-8"))]
        self.requests: list[Any] = []

    def keep(self, request: requests.PreparedRequest) -> None:
        """What tests see of each request (here the whole prepared request)."""
        self.requests.append(request)

    def matches(self, entry: dict[str, Any], request: requests.PreparedRequest) -> bool:
        url, recorded = urlsplit(request.url), urlsplit(entry["url"])
        params = dict(parse_qsl(url.query))
        return (
            entry.get("method", "GET") == request.method
            and recorded.netloc == url.netloc
            and unquote(recorded.path) == unquote(url.path)
            and all(params.get(k) == v for k, v in parse_qsl(recorded.query))
        )

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        self.keep(request)
        for entry in self.entries:
            if self.matches(entry, request):
                if entry.get("once"):
                    self.entries.remove(entry)
                return self._response(request, entry)
        raise AssertionError(f"no recording for {request.method} {request.url}")

    def _response(self, request, entry):  # type: ignore[no-untyped-def]
        response = requests.Response()
        response.status_code = entry.get("status", 200)
        response.headers.update({"Content-Type": "application/json; charset=utf-8", **entry.get("headers", {})})
        response._content = json.dumps(entry["reply"]).encode("utf-8")
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self) -> None:
        pass


R = TypeVar("R", bound=JsonReplay)


def session_for(*files: Path, replay_class: type[R] = JsonReplay) -> tuple[requests.Session, R]:  # type: ignore[assignment]  # the default class is an R
    replay = replay_class(*files)
    session = requests.Session()
    session.mount("https://", replay)
    session.mount("http://", replay)
    return session, replay
