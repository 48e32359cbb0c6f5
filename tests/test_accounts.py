"""store.accounts and store.audit: roles, passwords, throttled sign-in, and the append-only trail;
every queue action refused for a viewer and audited for a responder. SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from config import load_config
from pipeline.seed import seed_demo
from store import accounts, audit, queue
from store.accounts import Account, AccountError, Forbidden, SignInError
from store.schema import accounts as accounts_table
from store.schema import mention_state
from tests.conftest import FIXED_NOW, ROOT

PASSWORD = "correct horse battery"
ADMIN = "cli:test"
NOW = FIXED_NOW


def add(engine: Engine, name: str = "dana", role: str = "responder", password: str | None = PASSWORD) -> Account:
    with engine.begin() as conn:
        return accounts.add(conn, name, role, password, actor=ADMIN, now=NOW)


def trail(engine: Engine, **kwargs) -> list[dict]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return audit.query(conn, **kwargs).to_dict("records")


def stored(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(accounts_table).order_by(accounts_table.c.name)).mappings()]


# ---------------------------------------------------------------------------------------------- roles


def test_permissions_by_role() -> None:
    viewer, responder, admin = (Account("v", "viewer"), Account("r", "responder"), Account("a", "admin"))
    assert [accounts.can(a, "view") for a in (viewer, responder, admin)] == [True, True, True]
    assert [accounts.can(a, "respond") for a in (viewer, responder, admin)] == [False, True, True]
    assert [accounts.can(a, "admin") for a in (viewer, responder, admin)] == [False, False, True]
    with pytest.raises(Forbidden, match="v has the viewer role, which may not act on the reply queue"):
        accounts.require(viewer, "respond")
    with pytest.raises(Forbidden, match="Sign in first"):
        accounts.require(None, "view")
    with pytest.raises(ValueError, match="unknown permission"):
        accounts.require(admin, "fly")


# ---------------------------------------------------------------------------------------------- accounts


def test_add_hashes_the_password_and_audits_without_it(engine: Engine) -> None:
    assert add(engine, "Dana") == Account("Dana", "responder")
    row = stored(engine)[0]
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in row["password_hash"]
    assert row["enabled"] and row["created_at"] and row["last_sign_in_at"] is None
    [entry] = trail(engine)
    assert (entry["actor"], entry["action"]) == (ADMIN, "user_add")
    assert json.loads(entry["after"]) == {"name": "Dana", "role": "responder", "enabled": True, "sso_only": False}
    assert PASSWORD not in json.dumps(trail(engine), default=str)


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("dana", "superuser", PASSWORD, "Unknown role 'superuser': use one of viewer, responder, admin"),
        ("dana", "viewer", "short pw", "too short: use at least 12 characters"),
        ("dana", "viewer", "", "The password is empty"),
        ("dana", "viewer", None, "A password is needed"),
        ("   ", "viewer", PASSWORD, "The username is empty"),
        ("da\x00na", "viewer", PASSWORD, "control characters"),
    ],
)
def test_bad_input_changes_nothing(engine: Engine, name: str, role: str, password: str | None, message: str) -> None:
    with pytest.raises(AccountError, match=message), engine.begin() as conn:
        accounts.add(conn, name, role, password, actor=ADMIN)
    assert stored(engine) == [] and trail(engine) == []


def test_duplicates_unknown_names_and_the_last_admin(engine: Engine) -> None:
    add(engine, "boss", "admin")
    add(engine, "dana")
    before = (stored(engine), trail(engine))
    cases = [
        (lambda c: accounts.add(c, "dana", "viewer", PASSWORD, actor=ADMIN), "already exists"),
        (lambda c: accounts.set_role(c, "nobody", "viewer", actor=ADMIN), "No account named 'nobody'"),
        (lambda c: accounts.set_role(c, "dana", "root", actor=ADMIN), "Unknown role 'root'"),
        (lambda c: accounts.reset_password(c, "dana", "tiny", actor=ADMIN), "too short"),
        (lambda c: accounts.set_role(c, "boss", "viewer", actor=ADMIN), "last enabled admin"),
        (lambda c: accounts.disable(c, "boss", actor=ADMIN), "last enabled admin"),
    ]
    for change, message in cases:
        with pytest.raises(AccountError, match=message), engine.begin() as conn:
            change(conn)
    assert (stored(engine), trail(engine)) == before


def test_role_changes_disable_enable_and_reset_are_audited(engine: Engine) -> None:
    add(engine, "boss", "admin")
    add(engine, "dana")
    with engine.begin() as conn:
        assert accounts.set_role(conn, "dana", "admin", actor="boss") == Account("dana", "admin")
        accounts.disable(conn, "dana", actor="boss")
        assert accounts.get(conn, "dana") is None
        accounts.enable(conn, "dana", actor="boss")
        accounts.reset_password(conn, "dana", "a brand new passphrase", actor="boss")
        assert accounts.get(conn, "dana") == Account("dana", "admin")
    entries = trail(engine, actor="boss")
    assert [e["action"] for e in entries] == ["user_set_role", "user_disable", "user_enable", "user_reset_password"]
    assert (
        json.loads(entries[0]["before"])["role"] == "responder" and json.loads(entries[0]["after"])["role"] == "admin"
    )
    assert json.loads(entries[1]["after"])["enabled"] is False
    assert "passphrase" not in json.dumps(entries, default=str)
    assert accounts.sign_in(engine, "dana", "a brand new passphrase", NOW) == Account("dana", "admin")
    with pytest.raises(SignInError, match="Wrong username or password"):
        accounts.sign_in(engine, "dana", PASSWORD, NOW)


def test_first_admin_only_on_an_empty_store(engine: Engine) -> None:
    with engine.begin() as conn:
        password = accounts.first_admin(conn, NOW)
    assert password and len(password) >= accounts.MIN_PASSWORD
    assert accounts.sign_in(engine, "admin", password, NOW) == Account("admin", "admin")
    with engine.begin() as conn:
        assert accounts.first_admin(conn, NOW) is None
    assert password not in json.dumps(trail(engine), default=str)
    assert password not in json.dumps(stored(engine), default=str)


def test_sso_accounts_have_no_password_and_match_their_email(engine: Engine) -> None:
    add(engine, "Lee@Example.com", "viewer", None)
    assert stored(engine)[0]["name"] == "lee@example.com" and stored(engine)[0]["password_hash"] is None
    assert accounts.sign_in_sso(engine, "LEE@example.com", NOW) == Account("lee@example.com", "viewer")
    with pytest.raises(SignInError, match="no account for stranger@example.com.*users add stranger@example.com"):
        accounts.sign_in_sso(engine, "stranger@example.com", NOW)
    with pytest.raises(SignInError, match="Wrong username or password"):  # no password sign-in for SSO-only
        accounts.sign_in(engine, "lee@example.com", PASSWORD, NOW)
    assert [e["action"] for e in trail(engine)][-3:] == ["sign_in", "sign_in_refused", "sign_in_failed"]


# ---------------------------------------------------------------------------------------------- sign-in


def test_sign_in_records_the_time_and_refuses_disabled_accounts(engine: Engine) -> None:
    add(engine)
    assert accounts.sign_in(engine, " dana ", PASSWORD, NOW) == Account("dana", "responder")
    assert stored(engine)[0]["last_sign_in_at"] is not None
    with engine.begin() as conn:
        accounts.disable(conn, "dana", actor=ADMIN, now=NOW)
    with pytest.raises(SignInError, match="The account dana is disabled: ask an admin to enable it"):
        accounts.sign_in(engine, "dana", PASSWORD, NOW)
    with pytest.raises(SignInError, match="Wrong username or password"):  # a wrong password says nothing more
        accounts.sign_in(engine, "dana", "not the password", NOW)
    actions = [e["action"] for e in trail(engine)]
    assert actions == ["user_add", "sign_in", "user_disable", "sign_in_refused", "sign_in_failed"]


def test_five_failures_in_fifteen_minutes_lock_the_name_for_fifteen(engine: Engine) -> None:
    add(engine)
    for minute in range(5):  # 12:00 .. 12:08
        with pytest.raises(SignInError, match="Wrong username or password"):
            accounts.sign_in(engine, "dana", f"guess number {minute}", NOW + timedelta(minutes=2 * minute))
    locked = NOW + timedelta(minutes=9)
    with pytest.raises(SignInError, match=r"Too many failed sign-ins for dana.*15 minutes, until 12:23 UTC"):
        accounts.sign_in(engine, "dana", PASSWORD, locked)  # even the right password waits
    with pytest.raises(SignInError, match="until 12:23 UTC"):
        accounts.sign_in(engine, "dana", PASSWORD, NOW + timedelta(minutes=22, seconds=59))
    assert accounts.sign_in(engine, "dana", PASSWORD, NOW + timedelta(minutes=23)) == Account("dana", "responder")
    entries = trail(engine)
    assert [e["action"] for e in entries].count("sign_in_failed") == 5
    assert [e["action"] for e in entries].count("sign_in_throttled") == 2
    assert not any("guess number" in str(e["detail"]) for e in entries)  # never the password


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(engine: Engine) -> None:
    add(engine)
    for minute in (0, 4, 8, 12, 16):
        with pytest.raises(SignInError, match="Wrong"):
            accounts.sign_in(engine, "dana", "wrong password!", NOW + timedelta(minutes=minute))
    assert accounts.sign_in(engine, "dana", PASSWORD, NOW + timedelta(minutes=17)) == Account("dana", "responder")


def test_unknown_names_are_throttled_too_and_other_names_are_not(engine: Engine) -> None:
    add(engine)
    for _ in range(5):
        with pytest.raises(SignInError, match="Wrong username or password"):
            accounts.sign_in(engine, "ghost", PASSWORD, NOW)
    with pytest.raises(SignInError, match="Too many failed sign-ins for ghost"):
        accounts.sign_in(engine, "ghost", PASSWORD, NOW)
    assert accounts.sign_in(engine, "dana", PASSWORD, NOW) == Account("dana", "responder")


# ---------------------------------------------------------------------------------------------- the trail


def test_the_audit_log_is_append_only(engine: Engine) -> None:
    add(engine)
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert len(trail(engine)) == 1 and trail(engine)[0]["actor"] == ADMIN


def test_no_code_updates_or_deletes_audit_rows() -> None:
    """Only store/audit.py names the table's writes, and it only inserts; the one exception is
    store/privacy.py's redaction on a privacy request (the triggers allow only that UPDATE)."""
    source = (ROOT / "store" / "audit.py").read_text()
    tree = ast.parse(source)
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
    assert functions == {"record", "history", "query"}
    assert "update(" not in source and "delete(" not in source
    for path in [*ROOT.glob("*.py"), *ROOT.glob("*/*.py")]:
        if ".venv" in path.parts or path.parts[-2] == "tests":
            continue
        code = path.read_text()
        if path == ROOT / "store" / "privacy.py":
            assert code.count("update(a)") == 1 and "delete(" not in code and "DELETE FROM audit_log" not in code
            continue
        for bad in ("update(audit_log", "delete(audit_log", "audit_log.update", "audit_log.delete"):
            assert bad not in code, (path, bad)
        assert "UPDATE audit_log" not in code.replace("ON audit_log", "") and "DELETE FROM audit_log" not in code


def test_query_by_time_and_actor(engine: Engine) -> None:
    with engine.begin() as conn:
        audit.record(conn, actor="ann", action="sign_in", at=NOW - timedelta(days=2))
        audit.record(conn, actor="bea", action="sign_in", at=NOW - timedelta(days=1))
        audit.record(conn, actor="ann", action="sign_out", at=NOW)
        with pytest.raises(ValueError, match="unknown audit action"):
            audit.record(conn, actor="ann", action="teleport")
    assert [e["action"] for e in trail(engine, actor="ann")] == ["sign_in", "sign_out"]
    assert [e["actor"] for e in trail(engine, since=(NOW - timedelta(days=1)).date())] == ["bea", "ann"]
    assert [e["actor"] for e in trail(engine, until=NOW.date())] == ["ann", "bea"]
    assert str(trail(engine)[0]["at"].tz) == "UTC"


# ---------------------------------------------------------------------------------------------- the queue


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=300, days=10, end=FIXED_NOW)
    return engine


def an_open_mention(engine: Engine) -> int:
    with engine.connect() as conn:
        page = queue.queue_page(
            conn, queue.QueueFilters(brands=("Acme",)), now=FIXED_NOW, sla_hours={"Acme": 4.0}, limit=1
        )
    return int(page["id"].iloc[0])


def states(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(mention_state).order_by(mention_state.c.mention_id)).mappings()]


ACTIONS = {
    "assign": lambda c, m, a: queue.assign(c, m, 0, "lee", a),
    "unassign": lambda c, m, a: queue.assign(c, m, 0, None, a),
    "mark_replied": lambda c, m, a: queue.set_status(c, m, 0, "replied", a),
    "dismiss": lambda c, m, a: queue.set_status(c, m, 0, "dismissed", a),
    "reopen": lambda c, m, a: queue.set_status(c, m, 0, "new", a),
    "note": lambda c, m, a: queue.add_note(c, m, 0, "called them", a),
    "correct_sentiment": lambda c, m, a: queue.correct_sentiment(c, m, 0, "negative", a),
    "reply_allowed": lambda c, m, a: queue.reply_allowed(c, m, 0, a),
    "reply_posted": lambda c, m, a: queue.record_reply(c, m, 0, "190000001", a, "Sorry, we are on it"),
    "reply_failed": lambda c, m, a: queue.record_reply_failure(c, m, a, "X refused: forbidden", "Sorry"),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_viewer_is_refused_every_action_and_nothing_changes(seeded: Engine, action: str) -> None:
    mention_id = an_open_mention(seeded)
    before = (states(seeded), trail(seeded))
    with seeded.connect() as conn:
        version = queue.queue_version(conn)
    with pytest.raises(Forbidden, match="vic has the viewer role"), seeded.begin() as conn:
        ACTIONS[action](conn, mention_id, Account("vic", "viewer"))
    assert (states(seeded), trail(seeded)) == before
    with seeded.connect() as conn:
        assert queue.queue_version(conn) == version


@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "reply_allowed"])
def test_every_action_is_audited_with_before_and_after(seeded: Engine, action: str) -> None:
    mention_id = an_open_mention(seeded)
    dana = Account("dana", "responder")
    with seeded.begin() as conn:
        result = ACTIONS[action](conn, mention_id, dana)
    assert result is None or result.ok
    with seeded.connect() as conn:
        [entry] = audit.history(conn, mention_id).to_dict("records")
    assert (entry["actor"], entry["action"], entry["mention_id"]) == ("dana", action, mention_id)
    if action == "reply_failed":
        assert entry["detail"].startswith("X refused: forbidden")
        return
    before, after = json.loads(entry["before"]), json.loads(entry["after"])
    assert (before["version"], after["version"]) == (0, 1)
    expected = {
        "assign": {"assignee": "lee", "status": "assigned"},
        "unassign": {},
        "mark_replied": {"status": "replied", "responded_by": "dana"},
        "dismiss": {"status": "dismissed"},
        "reopen": {},
        "note": {},
        "correct_sentiment": {"sentiment_override": "negative"},
        "reply_posted": {"status": "replied", "response_post_id": "190000001", "responded_by": "dana"},
    }[action]
    assert {k: after[k] for k in expected} == expected
    assert all(before.get(k) in (None, "new") for k in expected)
    if action == "note":
        assert entry["detail"] == "called them"
    if action == "reply_posted":
        assert entry["detail"] == "reply id 190000001: Sorry, we are on it"


def test_a_mentions_history_is_in_order_and_refused_writes_leave_none(seeded: Engine) -> None:
    mention_id = an_open_mention(seeded)
    dana, lee = Account("dana", "responder"), Account("lee", "admin")
    with seeded.begin() as conn:
        assert queue.assign(conn, mention_id, 0, "lee", dana).ok
        assert not queue.set_status(conn, mention_id, 0, "dismissed", lee).ok  # stale: nothing written
        assert queue.set_status(conn, mention_id, 1, "dismissed", lee).ok
        assert queue.set_status(conn, mention_id, 2, "assigned", lee).ok
    with seeded.connect() as conn:
        history = audit.history(conn, mention_id)
    assert list(history["action"]) == ["assign", "dismiss", "reopen"]
    assert list(history["actor"]) == ["dana", "lee", "lee"]
    assert json.loads(history["after"].iloc[2])["status"] == "assigned"
    assert history["at"].is_monotonic_increasing


def test_the_accounts_module_never_logs(tmp_path: Path) -> None:
    source = (ROOT / "store" / "accounts.py").read_text()
    assert "logging" not in source and "print(" not in source


def test_account_changes_by_a_signed_in_account_need_the_admin_role(engine: Engine) -> None:
    add(engine, "boss", "admin")
    add(engine, "dana")
    before = (stored(engine), trail(engine))
    dana = Account("dana", "responder")
    for change in (
        lambda c: accounts.add(c, "lee", "admin", PASSWORD, actor=dana),
        lambda c: accounts.set_role(c, "dana", "admin", actor=dana),
        lambda c: accounts.disable(c, "boss", actor=dana),
        lambda c: accounts.reset_password(c, "boss", "taken over now!", actor=dana),
    ):
        with pytest.raises(Forbidden, match="may not manage team accounts"), engine.begin() as conn:
            change(conn)
    assert (stored(engine), trail(engine)) == before
    with engine.begin() as conn:
        accounts.set_role(conn, "dana", "viewer", actor=Account("boss", "admin"))
    assert trail(engine)[-1]["actor"] == "boss"
