"""collectors/threads.py: the follow-up window and the followed-conversation entries kept in cursors.

The revisits themselves are tested per platform on recorded traffic (tests/test_*_followups.py,
tests/test_reddit_collect.py)."""

from __future__ import annotations

from types import SimpleNamespace

from analysis.formulas import DEFAULT_RESOLUTION_DAYS
from collectors.threads import Followed, follow_days


def test_the_window_is_resolution_days_of_the_brand_then_the_config_then_the_default() -> None:
    assert follow_days(None, None) == DEFAULT_RESOLUTION_DAYS == 7
    config, brand = SimpleNamespace(resolution_days=3), SimpleNamespace(resolution_days=2)
    assert follow_days(config, brand) == 2.0
    assert follow_days(config, SimpleNamespace(resolution_days=None)) == 3.0
    for wrong in (True, 0, -1, "5"):  # never a window from a value that is not a positive number
        assert follow_days(SimpleNamespace(resolution_days=wrong), None) == 7


def test_entries_read_from_a_cursor_drop_what_is_malformed_and_keep_the_first_facts() -> None:
    state = {"threads": {"a": {"t": 100, "since": "5"}, "b": {"t": True}, "c": {"t": "1"}, "d": "x", "e": {}}}
    followed = Followed.load(state)
    assert followed.entries == {"a": {"t": 100, "since": "5"}}
    followed.add("a", 50, since="9", to="u")
    assert followed.entries["a"] == {"t": 100.0, "since": "5", "to": "u"}  # a later answer moves t only
    followed.add("z", 300)
    followed.add("y", 200)
    assert followed.due(now=400, days=1, limit=2) == ["z", "y"]  # newest first, capped
    assert followed.due(now=100 + 86_400 + 1, days=1, limit=9) == ["z", "y"]  # "a" left the window
    assert "a" not in followed.entries
    assert Followed.load({"threads": "junk"}).entries == {} and Followed.load({}).entries == {}
