"""Posting the brand's reply to a mention from the reply queue, on the mention's own platform.

The platform table (platforms.SPECS, `replier`) names the function that posts there; each takes
`(mention, text)` and returns the posted reply's id. Modules load only when used, so pages
that offer replying never import tweepy or praw. Errors are the collectors' own:
MissingCredentials names the unset write credentials, FatalError says in plain words why
the platform refused (forbidden, deleted post), RetriableError means "try again later".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from collectors.base import FatalError
from config import missing_credentials as missing_names
from pipeline.sources import load
from platforms import SPECS


def can_reply(platform: str) -> bool:
    """Whether replies can be posted on this platform from the dashboard."""
    spec = SPECS.get(platform)
    return spec is not None and spec.replier is not None


def missing_credentials(platform: str) -> list[str]:
    """Names of the unset credentials that posting a reply on `platform` needs (never their values)."""
    spec = SPECS.get(platform)
    return missing_names(spec.write_credentials if spec else [])


def post_reply(platform: str, mention: Mapping[str, Any], text: str) -> str:
    """Post `text` as a reply to `mention` (needs its post_id) and return the posted reply's id."""
    spec = SPECS.get(platform)
    if spec is None or spec.replier is None:
        raise FatalError(f"replying on {platform} is not supported yet")
    if not text or not text.strip():
        raise FatalError("the reply is empty")
    replier: Callable[[Mapping[str, Any], str], str] = load(spec.replier)
    return replier(mention, text)
