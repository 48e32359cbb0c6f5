"""Replaying recorded HTTP for the X and Reddit collectors (helpers, and checks on the recordings).

Real recordings are read from ../shared/cassettes (skipped with a reason when absent), ours
from tests/cassettes. Nothing is ever recorded: record_mode "none" makes an unrecorded
request fail instead of reaching the network. Reddit recordings carry placeholders for
credentials, swapped for the test values on load (vcrpy's filter_sensitive_data).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import vcr
from requests.adapters import HTTPAdapter
from vcr.filters import decode_response
from vcr.persisters.filesystem import FilesystemPersister

from tests.conftest import shared_path

HERE = Path(__file__).resolve().parent
OWN = HERE / "cassettes"
#: what the recordings' placeholders stand for in these tests (praw's own test values).
REDDIT_SECRETS = {
    "<CLIENT_ID>": "test-client-id",
    "<CLIENT_SECRET>": "test-client-secret",
    "<USER_AGENT>": "engagement-monitor tests",
    "<USERNAME>": "acme_support",
    "<PASSWORD>": "test-password",
    "<ACCESS_TOKEN>": "test-access-token",
    "<REFRESH_TOKEN>": "test-refresh-token",
    "<BASIC_AUTH>": "dGVzdA==",
    "<TEST_SUBREDDIT>": "test",
}
X_ENV = {"X_BEARER_TOKEN": "test-bearer"}
X_WRITE_ENV = {"X_API_KEY": "k", "X_API_SECRET": "s", "X_ACCESS_TOKEN": "1072250532645998596-t", "X_ACCESS_SECRET": "a"}
REDDIT_ENV = {
    "REDDIT_CLIENT_ID": REDDIT_SECRETS["<CLIENT_ID>"],
    "REDDIT_CLIENT_SECRET": REDDIT_SECRETS["<CLIENT_SECRET>"],
    "REDDIT_USER_AGENT": REDDIT_SECRETS["<USER_AGENT>"],
}
REDDIT_USER_ENV = {"REDDIT_USERNAME": REDDIT_SECRETS["<USERNAME>"], "REDDIT_PASSWORD": REDDIT_SECRETS["<PASSWORD>"]}


class ManyFiles(FilesystemPersister):
    """Loads several recordings as one cassette (paths joined with os.pathsep); never saves.

    Compressed bodies (tweepy's recordings are gzip) are decoded on load, as vcrpy's
    decode_compressed_response would have done when recording: its playback of a gzip body
    is not decoded by the urllib3 versions in use here.
    """

    @classmethod
    def load_cassette(cls, cassette_path, serializer):  # type: ignore[no-untyped-def]
        requests, responses = [], []
        for part in str(cassette_path).split(os.pathsep):
            loaded = FilesystemPersister.load_cassette(part, serializer)
            requests += loaded[0]
            responses += [decode_response(r) for r in loaded[1]]
        return requests, responses

    @staticmethod
    def save_cassette(cassette_path, cassette_dict, serializer):  # type: ignore[no-untyped-def]
        raise AssertionError("tests never record")


def _cassette(serializer: str, paths: tuple[Path, ...], repeats: bool, secrets: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    recorder = vcr.VCR(
        serializer=serializer,
        record_mode="none",
        match_on=["method", "host", "path"],  # the collectors ask for more fields than the recordings did
    )
    recorder.register_persister(ManyFiles)
    return recorder.use_cassette(
        os.pathsep.join(str(p) for p in paths),
        allow_playback_repeats=repeats,
        filter_sensitive_data=tuple((secrets or {}).items()),
    )


def x_cassette(*paths: Path, repeats: bool = False):  # type: ignore[no-untyped-def]
    """Replay X recordings (vcrpy YAML), in order, as one cassette."""
    return _cassette("yaml", paths, repeats)


def reddit_cassette(*paths: Path, repeats: bool = False):  # type: ignore[no-untyped-def]
    """Replay Reddit recordings (vcrpy JSON) with placeholders swapped for the test credentials."""
    return _cassette("json", paths, repeats, REDDIT_SECRETS)


class SentRequest:
    """A request as the client sent it (the recordings' own query strings differ)."""

    def __init__(self, prepared: requests.PreparedRequest) -> None:
        parts = urlsplit(prepared.url or "")
        self.method, self.path = prepared.method, parts.path
        self.query = dict(parse_qsl(parts.query))
        body = prepared.body
        self.body = body.decode() if isinstance(body, bytes) else body or ""


def record_sent(monkeypatch: pytest.MonkeyPatch) -> list[SentRequest]:
    """Capture every request the clients send (vcrpy answers them further down the stack)."""
    sent: list[SentRequest] = []
    original = HTTPAdapter.send

    def send(self: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        sent.append(SentRequest(request))
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", send)
    return sent


def shared_x(name: str) -> Path:
    return shared_path("cassettes", "x", f"test_client_{name}.yaml")


def shared_reddit(name: str) -> Path:
    return shared_path("cassettes", "reddit", f"{name}.json")


def own_x(name: str) -> Path:
    return OWN / "x" / f"{name}.yaml"


def own_reddit(name: str) -> Path:
    return OWN / "reddit" / f"{name}.json"


# ---------------------------------------------------------------- checks on our recordings


@pytest.mark.parametrize(
    "path",
    sorted((OWN / "x").glob("*.yaml")) + sorted((OWN / "reddit").glob("*.json")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_own_recordings_load_and_hold_no_secrets(path: Path) -> None:
    serializer = "yaml" if path.suffix == ".yaml" else "json"
    requests, responses = FilesystemPersister.load_cassette(path, _serializer(serializer))
    assert requests and len(requests) == len(responses)
    for request in requests:  # credentials only ever as placeholders
        auth = request.headers.get("Authorization", "<NONE>")
        assert re.fullmatch(r"(Basic |bearer )?<[A-Z_]+>", auth), auth
    assert set(re.findall(r"<[A-Z_]+>", path.read_text())) <= set(REDDIT_SECRETS)
    assert all(r.host in {"api.twitter.com", "www.reddit.com", "oauth.reddit.com"} for r in requests)


def _serializer(name: str):  # type: ignore[no-untyped-def]
    from vcr.serializers import jsonserializer, yamlserializer

    return yamlserializer if name == "yaml" else jsonserializer


def test_shared_recordings_are_replayed_not_copied() -> None:
    shared = {p.name for p in (OWN / "x").glob("*")} | {p.name for p in (OWN / "reddit").glob("*")}
    assert not any(name.startswith(("test_client_", "Test")) for name in shared)
