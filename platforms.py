"""The platform table: one `PlatformSpec` per platform, and nothing else describes platforms.

Each spec names the platform's label, its collector and replier ("module:function", imported
only when used, so the dashboard never loads tweepy or praw), the pydantic model of the keys a
`[[sources]]` table of that platform may carry, and the credentials it reads with and posts
with. Everything else reads this table: `frame.PLATFORMS`, config validation, the collector
and replier look-ups, the demo. Adding a platform = one adapter module + one entry in SPECS.

This module imports nothing from the project (frame.py and config.py import it). It also holds
the checked value types that option models and config.py share: each refuses a wrong value
with one plain sentence ("expected true or false, got 'false'") that config.py puts after the
file, table and key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainValidator

# ------------------------------------------------------------------------------ checked value types


def shown(value: Any, limit: int = 60) -> str:
    """How a wrong value is quoted in a message: its TOML-ish repr, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false (without quotes), got {shown(value)}")
    return value


def whole(minimum: int, maximum: int | None = None) -> Callable[[Any], int]:
    """A checker for a whole number in [minimum, maximum] (booleans and floats refused)."""
    wanted = f"a whole number >= {minimum}" if maximum is None else f"a whole number from {minimum} to {maximum}"

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected {wanted}, got {shown(value)}")
        if value < minimum or (maximum is not None and value > maximum):
            raise ValueError(f"expected {wanted}, got {value}")
        return value

    return check


def number(above: float, at_most: float | None = None, *, inclusive_low: bool = False) -> Callable[[Any], float]:
    """A checker for a finite number > `above` (>= with inclusive_low) and <= `at_most`."""
    low = f">= {above:g}" if inclusive_low else f"> {above:g}"
    wanted = f"a finite number {low}" + (f" and at most {at_most:g}" if at_most is not None else "")

    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected {wanted}, got {shown(value)}")
        out = float(value)
        too_low = out < above if inclusive_low else out <= above
        if not math.isfinite(out) or too_low or (at_most is not None and out > at_most):
            raise ValueError(f"expected {wanted}, got {value}")
        return out

    return check


def text(max_chars: int = 1000) -> Callable[[Any], str]:
    """A checker for a non-empty string of at most `max_chars` characters (stripped)."""

    def check(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"expected a non-empty string, got {shown(value)}")
        if len(value.strip()) > max_chars:
            raise ValueError(f"expected at most {max_chars} characters, got {len(value.strip())}")
        return value.strip()

    return check


def check_text_list(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'expected a list of strings such as ["a", "b"], got {shown(value)}')
    return list(value)


def check_text_or_list(value: Any) -> str | list[str]:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(f"expected a string or a list of strings, got {shown(value)}")


Flag = Annotated[bool, PlainValidator(check_flag)]
TextList = Annotated[list[str], PlainValidator(check_text_list)]
TextOrList = Annotated[str | list[str], PlainValidator(check_text_or_list)]
Text = Annotated[str, PlainValidator(text())]


class Options(BaseModel):
    """Base of a platform's source keys: unknown keys refused, every value checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ------------------------------------------------------------------------------ option models

SUBREDDIT = re.compile(r"(r/)?[A-Za-z0-9_]{2,21}")


def _subreddits(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and SUBREDDIT.fullmatch(v) for v in value):
        raise ValueError(f'expected a list of subreddit names such as ["python", "r/gadgets"], got {shown(value)}')
    return list(value)


def _thread_comments(value: Any) -> bool | int:
    if isinstance(value, bool) or (isinstance(value, int) and value >= 0):
        return value
    raise ValueError(f"expected true, false or a number of threads >= 0, got {shown(value)}")


def _http_url(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"https?://[^/\s]+", value.strip()):
        raise ValueError(f"expected an http(s) URL, got {shown(value)}")
    return value.strip()


def _url_list(value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list of http(s) URLs, got {shown(value)}")
    return [_http_url(v) for v in value]


def _column_map(value: Any) -> str | dict[str, str]:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        return dict(value)
    raise ValueError(f'expected a table {{ column = "field" }} or "column=field,...", got {shown(value)}')


class AccountOptions(Options):
    """X and Bluesky: a search (`query`) and/or the brand account's mentions and own posts."""

    include_mentions: Flag | None = None
    include_own: Flag | None = None
    #: revisit the conversations the brand answered (true/false or how many a run; collectors/threads.py).
    thread_comments: Annotated[bool | int, PlainValidator(_thread_comments)] | None = None


def _websocket_url(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"wss?://[^/\s]+", value.strip()):
        raise ValueError(f"expected a WebSocket URL (wss://...), got {shown(value)}")
    return value.strip()


def _jetstream(value: Any) -> str:
    if value != "jetstream":
        raise ValueError(f'expected "jetstream" (the only Bluesky stream), got {shown(value)}')
    return str(value)


class XOptions(AccountOptions):
    #: posts read per calendar month (UTC); the collector stops before a page would pass it.
    monthly_read_budget: Annotated[int, PlainValidator(whole(10, 100_000_000))] | None = None


class BlueskyOptions(AccountOptions):
    #: "jetstream": a long-lived WebSocket instead of polling (pipeline/streams.py).
    stream: Annotated[str, PlainValidator(_jetstream)] | None = None
    jetstream: Annotated[str, PlainValidator(_websocket_url)] | None = None


class RedditOptions(AccountOptions):
    subreddits: Annotated[list[str], PlainValidator(_subreddits)] | None = None


class MastodonOptions(AccountOptions):
    instance: Text | None = None
    hashtags: TextOrList | None = None
    #: true: the streaming API for hashtags (and notifications with a token), polling as fallback.
    stream: Flag | None = None


class HackerNewsOptions(Options):
    tags: TextOrList | None = None
    #: the brand account's stories and comments (handles.hackernews), and revisiting their replies.
    include_own: Flag | None = None
    thread_comments: Annotated[bool | int, PlainValidator(_thread_comments)] | None = None


class RssOptions(Options):
    url: Annotated[str, PlainValidator(_http_url)] | None = None
    feeds: Annotated[list[str], PlainValidator(_url_list)] | None = None


class CsvOptions(Options):
    path: Text
    map: Annotated[str | dict[str, str], PlainValidator(_column_map)] | None = None


class DemoOptions(Options):
    per_run: Annotated[int, PlainValidator(whole(1, 100_000))] | None = None


# --- app reviews (issue 18): Apple's public customer-reviews feed, Google Play's Developer API
APP_STORE_ID = re.compile(r"(?:id)?(\d{1,12})")
COUNTRY = re.compile(r"[a-z]{2}")
#: Java package names, as Google Play's applicationId: two or more dotted parts.
PACKAGE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+")


def _app_store_id(value: Any) -> str:
    """An App Store app id: 284882215, "284882215" or "id284882215" (as in the app's store URL)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    if isinstance(value, str) and (found := APP_STORE_ID.fullmatch(value.strip())):
        return found.group(1)
    raise ValueError(f'expected the app\'s numeric App Store id such as 284882215 or "id284882215", got {shown(value)}')


def _countries(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if (
        not isinstance(value, list | tuple)
        or not value
        or not all(isinstance(v, str) and COUNTRY.fullmatch(v.strip().lower()) for v in value)
    ):
        raise ValueError(f'expected a list of two-letter country codes such as ["us", "gb"], got {shown(value)}')
    return list(dict.fromkeys(v.strip().lower() for v in value))


def _package(value: Any) -> str:
    if not isinstance(value, str) or not PACKAGE.fullmatch(value.strip()) or len(value.strip()) > 150:
        raise ValueError(f'expected an Android package name such as "com.example.app", got {shown(value)}')
    return value.strip()


class AppStoreOptions(Options):
    #: the app's numeric id (its store URL's "id..." part).
    app_id: Annotated[str, PlainValidator(_app_store_id)]
    #: storefronts to read, newest reviews first in each (default ["us"]).
    countries: Annotated[list[str], PlainValidator(_countries)] | None = None


class GooglePlayOptions(Options):
    #: the app's package name (applicationId); only the team's own apps can be read.
    package_name: Annotated[str, PlainValidator(_package)]


class NoOptions(Options):
    """Platforms stored and charted from imports, never collected."""


# ------------------------------------------------------------------------------ the table

CredentialRule = Callable[[str | None, Mapping[str, Any]], tuple[str, ...]]


def always(*names: str) -> CredentialRule:
    """Read credentials that do not depend on the source."""
    return lambda _query, _options: names


def _bluesky_read(query: str | None, options: Mapping[str, Any]) -> tuple[str, ...]:
    """Jetstream is public: a streamed source needs no login."""
    return () if options.get("stream") == "jetstream" else _BLUESKY


def _mastodon_read(query: str | None, options: Mapping[str, Any]) -> tuple[str, ...]:
    """Public hashtag timelines need no token; a search or the account's mentions do."""
    return ("MASTODON_ACCESS_TOKEN",) if query or options.get("include_mentions") is True else ()


@dataclass(frozen=True)
class PlatformSpec:
    name: str
    label: str
    #: "module:function" taking (source, config) and returning a Collector; None = import only.
    collector: str | None = None
    options: type[Options] = NoOptions
    #: (query, options) -> credential names a source cannot run without.
    read_credentials: CredentialRule = always()
    #: credential names posting a reply needs.
    write_credentials: tuple[str, ...] = ()
    #: "module:function" taking (mention, text) and returning the posted reply's id.
    replier: str | None = None

    def credentials_to_read(self, query: str | None, options: Mapping[str, Any]) -> list[str]:
        return list(self.read_credentials(query, options))


_X_WRITE = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_SECRET")
_REDDIT_READ = ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT")
_BLUESKY = ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")
#: a service account's JSON key (the file's path, or its content), with access to the app in Play Console.
_GOOGLE_PLAY = ("GOOGLE_PLAY_SERVICE_ACCOUNT",)

SPECS: dict[str, PlatformSpec] = {
    spec.name: spec
    for spec in (
        PlatformSpec(
            "x",
            "X",
            collector="collectors.x:from_source",
            options=XOptions,
            read_credentials=always("X_BEARER_TOKEN"),
            write_credentials=_X_WRITE,
            replier="collectors.x:reply",
        ),
        PlatformSpec(
            "reddit",
            "Reddit",
            collector="collectors.reddit:from_source",
            options=RedditOptions,
            read_credentials=always(*_REDDIT_READ),
            write_credentials=(*_REDDIT_READ, "REDDIT_USERNAME", "REDDIT_PASSWORD"),
            replier="collectors.reddit:reply",
        ),
        PlatformSpec(
            "bluesky",
            "Bluesky",
            collector="collectors.bluesky:from_source",
            options=BlueskyOptions,
            read_credentials=_bluesky_read,
            write_credentials=_BLUESKY,
            replier="collectors.bluesky:reply",
        ),
        PlatformSpec(
            "mastodon",
            "Mastodon",
            collector="collectors.mastodon:from_source",
            options=MastodonOptions,
            read_credentials=_mastodon_read,
            write_credentials=("MASTODON_ACCESS_TOKEN",),
            replier="collectors.mastodon:reply",
        ),
        PlatformSpec(
            "hackernews", "Hacker News", collector="collectors.hackernews:from_source", options=HackerNewsOptions
        ),
        PlatformSpec("rss", "RSS", collector="collectors.rss:from_source", options=RssOptions),
        PlatformSpec("appstore", "App Store", collector="collectors.appstore:from_source", options=AppStoreOptions),
        PlatformSpec(
            "googleplay",
            "Google Play",
            collector="collectors.googleplay:from_source",
            options=GooglePlayOptions,
            read_credentials=always(*_GOOGLE_PLAY),
            write_credentials=_GOOGLE_PLAY,
            replier="collectors.googleplay:reply",
        ),
        PlatformSpec("csv", "CSV import", collector="pipeline.importer:from_source", options=CsvOptions),
        PlatformSpec("demo", "Demo", collector="collectors.demo:from_source", options=DemoOptions),
        PlatformSpec("instagram", "Instagram"),
        PlatformSpec("facebook", "Facebook"),
        PlatformSpec("linkedin", "LinkedIn"),
        PlatformSpec("youtube", "YouTube"),
        PlatformSpec("tiktok", "TikTok"),
    )
}

NAMES: tuple[str, ...] = tuple(SPECS)
#: platforms a `[[sources]]` table may name (those with a collector).
COLLECTED: tuple[str, ...] = tuple(n for n, s in SPECS.items() if s.collector)
#: platforms the dashboard can post replies on.
REPLYING: tuple[str, ...] = tuple(n for n, s in SPECS.items() if s.replier)

#: other names imports use for a platform -> its name here.
ALIASES: dict[str, str] = {
    "twitter": "x",
    "tweet": "x",
    "x (twitter)": "x",
    "twitter/x": "x",
    "x.com": "x",
    "hn": "hackernews",
    "hacker news": "hackernews",
    "hacker_news": "hackernews",
    "ycombinator": "hackernews",
    "bsky": "bluesky",
    "ig": "instagram",
    "fb": "facebook",
    "yt": "youtube",
    "linked in": "linkedin",
    "tik tok": "tiktok",
    "feed": "rss",
    "atom": "rss",
    "app store": "appstore",
    "apple app store": "appstore",
    "ios": "appstore",
    "itunes": "appstore",
    "google play": "googleplay",
    "google_play": "googleplay",
    "play store": "googleplay",
    "android": "googleplay",
}


def canonical(name: str) -> str | None:
    """A platform name as imports may spell it ('Twitter', 'HN') -> its name here, or None."""
    key = name.strip().lower()
    if key in SPECS:
        return key
    return ALIASES.get(key)


def label(name: str) -> str:
    """How a platform is named on pages: 'Hacker News'; an unknown name as given."""
    spec = SPECS.get(name)
    return spec.label if spec else name
