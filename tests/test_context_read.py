"""ui.context.read: the one cached reader between the pages and the store."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from ui import context

calls: list[str] = []


def _counting(name: str, module: str) -> Any:
    def rows(conn: Connection, wanted: int) -> str:
        calls.append(name)
        return f"{name}:{wanted}"

    rows.__module__ = module
    return rows


@pytest.fixture(autouse=True)
def fresh() -> None:
    context.read.clear()
    calls.clear()


def test_a_read_is_cached_by_version_and_arguments(sqlite_engine: Engine) -> None:
    rows = _counting("a", "store.reader")
    assert context.read(sqlite_engine, rows, 1, 5) == "a:5"
    assert context.read(sqlite_engine, rows, 1, 5) == "a:5"
    assert calls == ["a"]
    context.read(sqlite_engine, rows, 2, 5)  # a write bumped the version: read again
    context.read(sqlite_engine, rows, 2, 6)  # other arguments
    context.read(sqlite_engine, rows, (2, 1), 6)  # the queue version moved
    assert calls == ["a", "a", "a", "a"]


def test_same_named_readers_of_two_modules_do_not_share_entries(sqlite_engine: Engine) -> None:
    # Streamlit hashes a plain function by its bare name: reader.rows and queue.rows would collide.
    first, second = _counting("reader", "store.reader"), _counting("queue", "store.queue")
    assert first.__qualname__ == second.__qualname__
    assert context.read(sqlite_engine, first, 1, 5) == "reader:5"
    assert context.read(sqlite_engine, second, 1, 5) == "queue:5"


def test_two_databases_do_not_share_entries(sqlite_engine: Engine, tmp_path: Any) -> None:
    from store.engine import make_engine

    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        rows = _counting("a", "store.reader")
        context.read(sqlite_engine, rows, 1, 5)
        context.read(other, rows, 1, 5)
        assert calls == ["a", "a"]
    finally:
        other.dispose()
