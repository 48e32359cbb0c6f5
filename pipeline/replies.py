"""Posting the brand's reply to a mention from the reply queue, on the mention's own platform.

One small table maps a platform to the function that posts there; each takes
`(mention, text)` and returns the posted reply's id. Modules load only when used, so pages
that offer replying never import tweepy or praw. Errors are the collectors' own:
MissingCredentials names the unset write credentials, FatalError says in plain words why
the platform refused (forbidden, deleted post), RetriableError means "try again later".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from collectors.base import FatalError
from config import REPLY_CREDENTIALS
from config import missing_credentials as missing_names

#: platform -> (module, function); the function posts `text` as a reply to `mention`.
REPLIERS: dict[str, tuple[str, str]] = {
    "x": ("collectors.x", "reply"),
    "reddit": ("collectors.reddit", "reply"),
    "bluesky": ("collectors.bluesky", "reply"),
    "mastodon": ("collectors.mastodon", "reply"),
}


def can_reply(platform: str) -> bool:
    """Whether replies can be posted on this platform from the dashboard."""
    return platform in REPLIERS


def missing_credentials(platform: str) -> list[str]:
    """Names of the unset credentials that posting a reply on `platform` needs (never their values)."""
    return missing_names(REPLY_CREDENTIALS.get(platform, []))


def post_reply(platform: str, mention: Mapping[str, Any], text: str) -> str:
    """Post `text` as a reply to `mention` (needs its post_id) and return the posted reply's id."""
    if platform not in REPLIERS:
        raise FatalError(f"replying on {platform} is not supported yet")
    if not text or not text.strip():
        raise FatalError("the reply is empty")
    module, name = REPLIERS[platform]
    replier: Callable[[Mapping[str, Any], str], str] = getattr(importlib.import_module(module), name)
    return replier(mention, text)
