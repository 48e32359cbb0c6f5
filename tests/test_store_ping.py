"""A pooled PostgreSQL connection is pinged before use only after it has been idle (store.engine
PING_AFTER_IDLE_S), and one that died while idle is replaced; the dashboard's reads run in autocommit
(ui.context.reading): no transaction is left open, and a write through the same engine still commits
or rolls back as a whole."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from store import engine as store_engine
from ui import context


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(store_engine, "_clock", found)
    return found


def pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    done: list[int] = []
    original = engine.dialect.do_ping

    def do_ping(dbapi_connection: Any) -> bool:
        done.append(1)
        return original(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", do_ping)
    return done


def backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_used_a_moment_ago_is_not_pinged(
    pg_engine: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg_engine.dispose()  # connections made from here on carry the injected clock's times
    done = pings(pg_engine, monkeypatch)
    first = backend(pg_engine)  # a new connection: not pinged
    clock.now += store_engine.PING_AFTER_IDLE_S / 2
    assert backend(pg_engine) == first and done == []
    clock.now += store_engine.PING_AFTER_IDLE_S
    assert backend(pg_engine) == first and done == [1], "idle long enough: pinged once"


def test_a_connection_that_died_while_idle_is_replaced(
    pg_engine: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg_engine.dispose()
    first = backend(pg_engine)
    admin = create_engine(pg_engine.url)
    try:
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
    finally:
        admin.dispose()
    clock.now += store_engine.PING_AFTER_IDLE_S
    assert backend(pg_engine) != first, "the dead connection was found by the ping and replaced"


def test_dashboard_reads_leave_no_transaction_and_writes_stay_atomic(pg_engine: Engine) -> None:
    with context.reading(pg_engine) as conn:
        conn.execute(text("SELECT 1"))
        driver = conn.connection.driver_connection
        assert driver is not None and driver.autocommit is True
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid() "
                    "AND state = 'idle in transaction'"
                )
            ).scalar_one()
            == 0
        )
        assert conn.execute(text("SELECT now() = statement_timestamp()")).scalar_one() is True
    # the same pooled connection, taken for a write: a transaction again, rolled back whole on an error
    with pytest.raises(RuntimeError), pg_engine.begin() as conn:
        assert conn.connection.driver_connection.autocommit is False  # type: ignore[union-attr]
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('pgafter4', '1')"))
        raise RuntimeError("abandon the write")
    with context.reading(pg_engine) as conn:
        assert conn.execute(text("SELECT count(*) FROM meta WHERE key = 'pgafter4'")).scalar_one() == 0
