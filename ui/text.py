"""Showing what strangers wrote, safely: post text as text, links only to a post's own http(s) URL.

Streamlit's markdown renders emphasis, links, images, `:color[...]`, `:material/...:` icons and
`$LaTeX$`; post text and author names must never reach it unescaped. Prefer `st.text`, `st.code`
or a dataframe; `escape_markdown` is for the rare label that mixes our words with theirs.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

import pandas as pd

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^])")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def escape_markdown(value: object) -> str:
    """`value` as a string that Streamlit markdown shows literally (no links, emphasis, icons or math)."""
    text = CONTROL.sub("", "" if value is None else str(value))
    return MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("\n", "  \n")


def plain(value: object, limit: int | None = None) -> str:
    """Text with control and bidi-override characters removed, cut to `limit` characters with an ellipsis."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = CONTROL.sub("", str(value))
    if limit is not None and len(text) > limit:
        return text[: max(limit - 1, 0)].rstrip() + "…"
    return text


def one_line(value: object, limit: int = 90) -> str:
    """A post squeezed onto one line (newlines become spaces), cut to `limit` characters."""
    return plain(re.sub(r"\s+", " ", plain(value)).strip(), limit)


def safe_url(value: object) -> str | None:
    """The URL if it is a plain http(s) address with a host, else None (never javascript:, data:, ...)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or parts.netloc.startswith("@"):
        return None
    return url


def count(value: object) -> str:
    """A whole number with thousands separators, or an en dash when unknown."""
    try:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return f"{int(value):,}"  # type: ignore[call-overload]  # any value: what int() refuses raises, caught below
    except (TypeError, ValueError):
        return "–"


def business_duration(hours: float | None) -> str:
    """'35 business minutes', '2.5 business hours' (business time stays in hours: a business day varies)."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return "–"
    if hours < 1:
        return f"{hours * 60:.0f} business minutes"
    return f"{hours:.1f} business hours"


def duration_hours(hours: float | None) -> str:
    """'35 min', '6.5 h', '3.2 d' for a number of hours; an en dash when unknown."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return "–"
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"
