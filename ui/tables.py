"""Tables of posts and authors: dataframes (which never render HTML or markdown), links only to
the post's own http(s) URL. `*_view` builds the display frame (cached by ui.views); `show_*` draws it.

Long text is never cut where people need it: rows of WRAP_ROW_HEIGHT px let a cell wrap onto
three lines, and clicking a cell opens it in full (Streamlit's cell overlay). A missing value is
an empty cell, never the word "None"."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

import platforms
from ui.text import one_line, plain, safe_url

PLATFORM_NAMES = {name: spec.label for name, spec in platforms.SPECS.items()}
#: a row height (px) above Streamlit's 4rem lets text cells wrap (three lines of post text).
WRAP_ROW_HEIGHT = 72
#: the longest post text a table holds (the cell overlay shows all of it).
TEXT_LIMIT = 2000
#: what a table shows where a value is missing (st.dataframe's placeholder; Streamlit's own is "None").
MISSING = "–"


def text_cells(values: pd.Series, limit: int | None = None) -> pd.Series:
    """Display text for a column: control characters removed, missing values empty (never "None")."""
    return values.map(lambda v: plain(v, limit)).astype(object)


POST_COLUMNS: dict[str, ColumnConfig] = {
    "posted": st.column_config.DatetimeColumn("Posted (UTC)", format="YYYY-MM-DD HH:mm"),
    "platform": st.column_config.TextColumn("Platform"),
    "author": st.column_config.TextColumn("Author"),
    "text": st.column_config.TextColumn("Text", width="large", help="Long posts wrap; click a cell to read it all"),
    "open": st.column_config.LinkColumn("Open", display_text="open ↗", width="small"),
    "engagements": st.column_config.NumberColumn("Engagements", format="localized"),
    "likes": st.column_config.NumberColumn("Likes", format="localized"),
    "replies": st.column_config.NumberColumn("Replies", format="localized"),
    "reposts": st.column_config.NumberColumn("Reposts", format="localized"),
    "views": st.column_config.NumberColumn("Views", format="localized"),
    "followers": st.column_config.NumberColumn("Author followers", format="localized"),
    "rate": st.column_config.NumberColumn("Engagement rate", format="percent"),
    "per": st.column_config.TextColumn("Rate per"),
    "sentiment": st.column_config.NumberColumn("Sentiment (VADER)", format="%+.2f"),
    "corrected": st.column_config.TextColumn("Corrected to"),
}
AUTHOR_COLUMNS: dict[str, ColumnConfig] = {
    "platform": st.column_config.TextColumn("Platform"),
    "author": st.column_config.TextColumn("Author"),
    "name": st.column_config.TextColumn("Name"),
    "mentions": st.column_config.NumberColumn("Mentions", format="localized"),
    "engagements": st.column_config.NumberColumn("Engagements", format="localized"),
    "reach": st.column_config.NumberColumn("Followers (reach)", format="localized"),
    "rate": st.column_config.NumberColumn("Engagement rate", format="percent"),
    "per": st.column_config.TextColumn("Rate per"),
    "last_seen": st.column_config.DatetimeColumn("Last mention (UTC)", format="YYYY-MM-DD HH:mm"),
}


def platform_name(platform: object) -> str:
    return PLATFORM_NAMES.get(str(platform), plain(platform, 30))


def links(values: pd.Series) -> pd.Series:
    """Each URL if it is a plain http(s) address, else None (no javascript:, data:, ...)."""
    return values.map(safe_url).astype(object)


def post_view(frame: pd.DataFrame) -> pd.DataFrame:
    """Posts as shown: time, platform, author, one-line text, counts, rate, sentiment, link."""
    columns = {
        "posted": frame["created_at"],
        "platform": frame["platform"].map(platform_name),
        "author": frame["author_handle"].map(lambda v: plain(v, 60)),
        "text": frame["text"].map(lambda v: one_line(v, TEXT_LIMIT)),
        "engagements": frame.get("engagements"),
        "likes": frame["likes"],
        "replies": frame["replies"],
        "reposts": frame["reposts"],
        "views": frame["views"],
        "followers": frame["author_followers"],
        "rate": frame.get("engagement_rate"),
        "per": _optional_text(frame.get("rate_denominator")),
        "sentiment": frame.get("sentiment"),
        "corrected": _optional_text(frame.get("sentiment_override")),
        "open": links(frame["url"]),
    }
    view = pd.DataFrame({k: v for k, v in columns.items() if v is not None})
    return view.dropna(axis=1, how="all")


def _optional_text(values: pd.Series | None) -> pd.Series | None:
    """A text column as shown, or None when the frame lacks it or it is empty throughout (then not shown)."""
    if values is None or values.isna().all():
        return None
    return text_cells(values)


def author_view(frame: pd.DataFrame) -> pd.DataFrame:
    """Authors as shown: mentions, engagements, reach, engagement rate, last mention."""
    return pd.DataFrame(
        {
            "platform": frame["platform"].map(platform_name),
            "author": frame["author_handle"].map(lambda v: plain(v, 60)),
            "name": frame["author_name"].map(lambda v: plain(v, 60)),
            "mentions": frame["mentions"],
            "engagements": frame["engagements"],
            "reach": frame["max_followers"],
            "rate": frame["engagement_rate"],
            "per": text_cells(frame["rate_denominator"]),
            "last_seen": frame["last_seen"],
        }
    )


#: what a table of posts shows first: the link, who and when, the text (wide, wrapping), then the numbers.
ENGAGEMENT_ORDER = (
    "open",
    "posted",
    "platform",
    "author",
    "text",
    "engagements",
    "rate",
    "per",
    "likes",
    "replies",
    "reposts",
    "views",
    "followers",
    "sentiment",
    "corrected",
)
SENTIMENT_ORDER = ("open", "posted", "platform", "author", "sentiment", "corrected", "text", "engagements")


def show_posts(view: pd.DataFrame, *, key: str, order: tuple[str, ...] = ENGAGEMENT_ORDER) -> None:
    columns = [c for c in order if c in view.columns]
    st.dataframe(
        view,
        hide_index=True,
        placeholder=MISSING,
        column_config=POST_COLUMNS,
        column_order=columns,
        key=key,
        width="stretch",
        row_height=WRAP_ROW_HEIGHT,
    )


def show_authors(view: pd.DataFrame, *, key: str) -> None:
    st.dataframe(view, hide_index=True, placeholder=MISSING, column_config=AUTHOR_COLUMNS, key=key, width="stretch")
