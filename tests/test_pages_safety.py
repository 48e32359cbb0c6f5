"""What strangers wrote is shown as text: no markdown, no HTML, and links only to a post's own
http(s) address."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from config import load_config
from frame import conform
from pipeline.ingest import ingest
from store import queue
from store.accounts import Account
from tests import test_app_support as support
from tests.conftest import FIXED_NOW
from tests.test_app_support import Store, open_app, table
from ui.text import duration_hours, escape_markdown, one_line, plain, safe_url

seeded_db = support.seeded_db
store = support.store

NASTY = (
    "@acme help!! my order is broken?? **bold** _it_ <script>alert('x')</script> <b>html</b> "
    "[win a prize](https://evil.example) ![img](https://evil.example/i.png) $x^2$ :red[alarm] "
    ":material/warning: #hashtag\n- not a list"
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.com/a/status/1", "https://x.com/a/status/1"),
        ("http://news.example.com/a?b=1", "http://news.example.com/a?b=1"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("//evil.example/x", None),
        ("https://", None),
        ("https://a b.com", None),
        ("https://@evil.example", None),
        ("ftp://files.example.com/x", None),
        (" https://x.com/a ", "https://x.com/a"),
        (None, None),
        (42, None),
        ("https://x.com/\u202eevil", None),
    ],
)
def test_safe_url(url: object, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_text_helpers() -> None:
    assert escape_markdown("**a** [b](c) $d$ :red[e]") == r"\*\*a\*\* \[b\]\(c\) \$d\$ \:red\[e\]"
    assert escape_markdown(None) == ""
    assert plain("a\u202eb\x00c", None) == "abc"
    assert plain("abcdef", 4) == "abc…"
    assert plain(float("nan")) == ""
    assert one_line("a\n\n b\tc", 10) == "a b c"
    assert duration_hours(0.5) == "30 min" and duration_hours(6.25) == "6.2 h" and duration_hours(72) == "3.0 d"
    assert duration_hours(None) == "–"


def add_nasty_mention(store: Store, url: str) -> int:
    frame = pd.DataFrame(
        {
            "platform": ["x"],
            "post_id": ["1999000000000000001"],
            "url": [url],
            "kind": ["post"],
            "author_id": ["666"],
            "author_handle": ["**bold_handle**"],
            "author_name": ["<i>Name</i>"],
            "author_followers": [10],
            "text": [NASTY],
            "lang": ["en"],
            "created_at": [pd.Timestamp(FIXED_NOW - timedelta(hours=2))],
            "likes": [1],
            "replies": [0],
            "reposts": [0],
            "quotes": [0],
            "views": [100],
            "brand": ["Acme"],
            "matched": ["acme"],
            "is_own": [False],
            "source": ["test"],
            "retrieved_at": [pd.Timestamp(FIXED_NOW)],
        }
    )
    ingest(store.engine, conform(frame), load_config(None).brands)
    mention_id = int(store.scalar("SELECT id FROM mentions WHERE post_id = '1999000000000000001'"))
    assert store.scalar("SELECT needs_reply FROM mentions WHERE id = :id", id=mention_id)
    with store.engine.begin() as conn:
        assert queue.assign(conn, mention_id, 0, "Zed", Account("test", "responder")).ok
    return mention_id


def test_post_text_and_names_are_text_in_the_queue(store: Store) -> None:
    mention_id = add_nasty_mention(store, "javascript:alert(document.cookie)")
    at = open_app("queue")
    at.selectbox(key="queue_assignee").set_value("Zed").run()
    assert not at.exception
    assert int(at.selectbox(key="queue_pick").value) == mention_id
    assert NASTY in [str(t.value) for t in at.text]  # the post itself: st.text, verbatim
    for element in [*at.markdown, *at.caption, *at.subheader, *at.title, *at.info, *at.warning, *at.success]:
        value = str(element.value)
        assert "<script>" not in value and "**bold**" not in value and "](https://evil" not in value, value
    assert not at.get("link_button")  # javascript: is no link
    shown = table(at, "priority", "waited", "reasons")
    assert shown["author"].iloc[0] == "**bold_handle**"  # dataframes show text as text


def test_the_open_link_is_the_posts_own_url(store: Store) -> None:
    add_nasty_mention(store, "https://x.com/bold_handle/status/1999000000000000001")
    at = open_app("queue")
    at.selectbox(key="queue_assignee").set_value("Zed").run()
    links = at.get("link_button")
    assert [link.proto.url for link in links] == ["https://x.com/bold_handle/status/1999000000000000001"]
