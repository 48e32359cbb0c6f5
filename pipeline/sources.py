"""Building a configured source's collector, and whether it can run (platforms.SPECS says how).

Collector modules are imported only when a source of their platform is built, so the demo
and the dashboard never load tweepy or praw.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from collectors.base import Collector, MissingCredentials
from config import Config, Source, missing_credentials
from platforms import SPECS


def load(target: str) -> Callable[..., Any]:
    """'module:function' -> the function (imported now)."""
    module, _, name = target.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return function


def required_credentials(source: Source) -> list[str]:
    """Credential names the source cannot run without (see config.CREDENTIALS)."""
    spec = SPECS.get(source.platform)
    return spec.credentials_to_read(source.query, source.options) if spec else []


def source_state(source: Source) -> str:
    """'ready', 'missing credentials: A, B', 'disabled' or 'no collector for <platform> yet'."""
    if not source.enabled:
        return "disabled"
    spec = SPECS.get(source.platform)
    if spec is None or spec.collector is None:
        return f"no collector for {source.platform} yet"
    missing = missing_credentials(required_credentials(source))
    return "missing credentials: " + ", ".join(missing) if missing else "ready"


def build(source: Source, config: Config) -> Collector:
    """The collector for `source`; MissingCredentials when its keys are not set."""
    spec = SPECS.get(source.platform)
    if spec is None or spec.collector is None:
        raise KeyError(f"no collector for platform {source.platform!r}")
    missing = missing_credentials(required_credentials(source))
    if missing:
        raise MissingCredentials(missing)
    factory: Callable[[Source, Config], Collector] = load(spec.collector)
    return factory(source, config)
