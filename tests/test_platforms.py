"""The platform table: one spec per platform, and everything else reads it."""

from __future__ import annotations

import importlib

import pytest

import frame
import platforms
from collectors import demo
from config import CREDENTIALS, Source
from pipeline import replies, sources
from platforms import SPECS


def resolve(target: str):  # type: ignore[no-untyped-def]
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def test_the_frame_and_the_demo_read_the_table():
    assert frame.PLATFORMS == tuple(SPECS) == platforms.NAMES
    assert tuple(n for n, s in SPECS.items() if s.replier) == demo.REPLYING_PLATFORMS
    assert set(platforms.COLLECTED) == {
        *("x", "reddit", "bluesky", "mastodon", "hackernews", "rss", "csv", "demo"),
        *("appstore", "googleplay"),
    }


@pytest.mark.parametrize("name", list(SPECS))
def test_each_spec_points_at_real_functions_and_known_credentials(name):
    spec = SPECS[name]
    for target in (spec.collector, spec.replier):
        if target:
            assert callable(resolve(target)), target
    names = set(spec.write_credentials) | set(spec.credentials_to_read("q", {"include_mentions": True}))
    assert names <= set(CREDENTIALS), names - set(CREDENTIALS)
    assert spec.options.model_config.get("extra") == "forbid"
    assert replies.can_reply(name) == (spec.replier is not None)


def test_import_only_platforms_have_a_label_and_nothing_else():
    for name in ("instagram", "facebook", "linkedin", "youtube", "tiktok"):
        spec = SPECS[name]
        assert spec.label and spec.collector is None and spec.replier is None and not spec.write_credentials
        assert sources.source_state(Source(name="s", platform=name, brand="A", every_seconds=60)) == (
            f"no collector for {name} yet"
        )


def test_mastodon_needs_its_token_only_to_search_or_read_mentions(monkeypatch):
    monkeypatch.delenv("MASTODON_ACCESS_TOKEN", raising=False)
    tags = Source(name="m", platform="mastodon", brand="A", every_seconds=60, options={"hashtags": ["acme"]})
    search = Source(name="m", platform="mastodon", brand="A", every_seconds=60, query="acme")
    mentions = Source(name="m", platform="mastodon", brand="A", every_seconds=60, options={"include_mentions": True})
    assert sources.required_credentials(tags) == []
    assert sources.required_credentials(search) == sources.required_credentials(mentions) == ["MASTODON_ACCESS_TOKEN"]
    assert sources.source_state(search) == "missing credentials: MASTODON_ACCESS_TOKEN"


@pytest.mark.parametrize(
    ("spelled", "name"),
    [("Twitter", "x"), ("HN", "hackernews"), (" bsky ", "bluesky"), ("instagram", "instagram"), ("myspace", None)],
)
def test_aliases_for_imports(spelled, name):
    assert platforms.canonical(spelled) == name
    assert all(target in SPECS for target in platforms.ALIASES.values())


def test_labels():
    assert platforms.label("hackernews") == "Hacker News" and platforms.label("x") == "X"
    assert platforms.label("unknown") == "unknown"
