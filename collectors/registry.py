"""Which collector serves which platform, and the credentials each needs.

Collector modules are imported only when a source of their platform is built, so the
demo and the dashboard never load tweepy or praw.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from collectors.base import Collector, MissingCredentials
from config import Config, Source, missing_credentials

#: platform -> (module, factory function name); the factory takes (source, config).
FACTORIES: dict[str, tuple[str, str]] = {
    "demo": ("collectors.demo", "from_source"),
    "x": ("collectors.x", "from_source"),
    "reddit": ("collectors.reddit", "from_source"),
    "bluesky": ("collectors.bluesky", "from_source"),
    "mastodon": ("collectors.mastodon", "from_source"),
    "hackernews": ("collectors.hackernews", "from_source"),
    "rss": ("collectors.rss", "from_source"),
    "csv": ("pipeline.importer", "from_source"),
}
#: platform -> credentials a source needs before it can run (read access).
REQUIRED: dict[str, list[str]] = {
    "demo": [],
    "x": ["X_BEARER_TOKEN"],
    "reddit": ["REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT"],
    "bluesky": ["BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD"],
    "mastodon": [],  # hashtags need none; a `query` or mentions need a token: see required_credentials
    "hackernews": [],
    "rss": [],
    "csv": [],
}


def required_credentials(source: Source) -> list[str]:
    """Credential names the source cannot run without (see config.CREDENTIALS)."""
    names = list(REQUIRED.get(source.platform, []))
    if source.platform == "mastodon" and (source.query or source.options.get("include_mentions") is True):
        names.append("MASTODON_ACCESS_TOKEN")
    return names


def source_state(source: Source) -> str:
    """'ready', 'missing credentials: A, B', 'disabled' or 'no collector for <platform> yet'."""
    if not source.enabled:
        return "disabled"
    if source.platform not in FACTORIES:
        return f"no collector for {source.platform} yet"
    missing = missing_credentials(required_credentials(source))
    return "missing credentials: " + ", ".join(missing) if missing else "ready"


def build(source: Source, config: Config) -> Collector:
    """The collector for `source`; MissingCredentials when its keys are not set."""
    if source.platform not in FACTORIES:
        raise KeyError(f"no collector for platform {source.platform!r}")
    missing = missing_credentials(required_credentials(source))
    if missing:
        raise MissingCredentials(missing)
    module_name, factory_name = FACTORIES[source.platform]
    factory: Callable[[Source, Config], Collector] = getattr(importlib.import_module(module_name), factory_name)
    return factory(source, config)
