"""Cursor state shared by every collector: codec, loop guard, and the two gap-keeping windows."""

from __future__ import annotations

from collectors.streams import LoopGuard, Window, advance_window, decode_cursor, encode_cursor, window_of


def test_cursor_round_trip_drops_empty_entries_and_keeps_unicode():
    state = {"search": {"since": "99", "resume": None}, "feeds": {}, "tag:café": {"since": 5}, "ids": []}
    text = encode_cursor(state)
    assert text == '{"search":{"since":"99"},"tag:café":{"since":5}}'
    assert decode_cursor(text) == {"search": {"since": "99"}, "tag:café": {"since": 5}}
    assert encode_cursor({"search": {"since": None}}) is None


def test_unreadable_or_legacy_cursors():
    assert decode_cursor(None) == {} and decode_cursor("") == {} and decode_cursor("[1, 2]") == {}
    assert decode_cursor("not json") == {}
    assert decode_cursor("1460323737035677698", legacy_key="search") == {"search": {"since": "1460323737035677698"}}
    assert decode_cursor("t3_abc", legacy_key="search") == {"search": {"since": "t3_abc"}}
    assert window_of({"search": "hand-edited"}, "search") == {} and window_of({}, "own") == {}


def test_loop_guard_trips_on_the_second_sighting_of_any_token():
    guard = LoopGuard()
    assert not guard.seen_before("a") and not guard.seen_before({"page": 2}) and not guard.tripped
    assert guard.seen_before({"page": 2}) and guard.tripped


def test_position_window_keeps_a_gap_until_it_is_filled():
    first = Window().next(oldest=50, newest=90, complete=False)
    assert first == Window(since=90)  # a first run takes the newest pages only: no backfill
    capped = first.next(oldest=120, newest=200, complete=False)
    assert capped == Window(since=90, until=120, newest=200)  # (90, 120) still to fetch
    assert capped.next(oldest=95, newest=119, complete=True) == Window(since=200)


def test_token_window_resumes_below_the_oldest_item():
    capped = advance_window({"since": "100"}, top="300", bottom="token-250", exhausted=False)
    assert capped == {"since": "100", "resume": "token-250", "newest": "300"}
    assert advance_window(capped, top="249", bottom=None, exhausted=True) == {"since": "300"}
