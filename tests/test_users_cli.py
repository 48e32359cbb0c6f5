"""`cli.py users ...` and `cli.py audit`: accounts from the command line (honouring DATABASE_URL),
bad input as one message with nothing changed, and the audit trail as spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

import cli
from store import accounts, audit
from store.accounts import Account
from store.engine import make_engine

PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli.app, list(args), input=input)


def listed(db: Engine) -> list[tuple]:
    with db.connect() as conn:
        frame = accounts.list_accounts(conn)
    return list(frame[["name", "role", "enabled"]].itertuples(index=False, name=None))


def trail(db: Engine) -> list[dict]:
    with db.connect() as conn:
        return audit.query(conn).to_dict("records")


def test_add_with_a_prompt_asked_twice(db: Engine) -> None:
    result = run("users", "add", "dana", "--role", "responder", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "added dana (responder)" in result.output
    assert PASSWORD not in result.output  # hidden input
    assert accounts.sign_in(db, "dana", PASSWORD) == Account("dana", "responder")
    [entry] = [e for e in trail(db) if e["action"] == "user_add"]
    assert entry["actor"].startswith("cli:") and PASSWORD not in str(entry)


def test_a_mistyped_confirmation_adds_nothing(db: Engine) -> None:
    result = run("users", "add", "dana", "--role", "viewer", input=f"{PASSWORD}\n{PASSWORD}x\n")
    assert result.exit_code != 0 and "do not match" in result.output
    assert listed(db) == []


def test_add_with_password_stdin_and_sso(db: Engine) -> None:
    assert run("users", "add", "boss", "--role", "admin", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    sso = run("users", "add", "Lee@Example.com", "--role", "viewer", "--sso")
    assert sso.exit_code == 0 and "single sign-on only" in sso.output
    assert listed(db) == [("boss", "admin", True), ("lee@example.com", "viewer", True)]
    assert accounts.sign_in(db, "boss", PASSWORD).role == "admin"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "add", "dana", "--role", "owner", "--password-stdin"], PASSWORD, "Unknown role 'owner'"),
        (["users", "add", "dana", "--role", "viewer", "--password-stdin"], "too short\n", "too short"),
        (["users", "add", "dana", "--role", "viewer", "--password-stdin"], "\n", "The password is empty"),
        (["users", "add", "dana", "--role", "viewer", "--sso"], None, "--sso needs an email address"),
        (["users", "add", "boss", "--role", "viewer", "--password-stdin"], PASSWORD, "already exists"),
        (["users", "set-role", "ghost", "admin"], None, "No account named 'ghost'"),
        (["users", "set-role", "boss", "god"], None, "Unknown role 'god'"),
        (["users", "set-role", "boss", "viewer"], None, "last enabled admin"),
        (["users", "disable", "boss"], None, "last enabled admin"),
        (["users", "enable", "ghost"], None, "No account named 'ghost'"),
        (["users", "reset-password", "ghost", "--password-stdin"], PASSWORD, "No account named 'ghost'"),
        (["users", "reset-password", "boss", "--password-stdin"], "short\n", "too short"),
        (["audit", "--since", "yesterday"], None, "--since 'yesterday' is not a date"),
        (["audit", "--since", "2026-11-20", "--until", "2026-11-01"], None, "--until is before --since"),
    ],
)
def test_bad_input_is_one_message_and_changes_nothing(
    db: Engine, args: list[str], stdin: str | None, message: str
) -> None:
    with db.begin() as conn:
        accounts.add(conn, "boss", "admin", PASSWORD, actor="setup")
    before = (listed(db), trail(db))
    result = run(*args, input=stdin)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (listed(db), trail(db)) == before
    assert accounts.sign_in(db, "boss", PASSWORD).role == "admin"


def test_list_set_role_disable_enable_reset(db: Engine) -> None:
    run("users", "add", "boss", "--role", "admin", "--password-stdin", input=PASSWORD)
    run("users", "add", "dana", "--role", "viewer", "--password-stdin", input=PASSWORD)
    accounts.sign_in(db, "dana", PASSWORD)
    shown = run("users", "list").output.splitlines()
    assert shown[0].split() == ["name", "role", "enabled", "last", "sign-in"]
    assert shown[1].split()[:4] == ["boss", "admin", "yes", "never"]
    assert shown[2].split()[:3] == ["dana", "viewer", "yes"] and shown[2].endswith("UTC")
    assert run("users", "set-role", "dana", "responder").output.strip() == "dana is now responder"
    assert run("users", "disable", "dana").exit_code == 0
    assert run("users", "list").output.splitlines()[2].split()[:3] == ["dana", "responder", "no"]
    assert run("users", "enable", "dana").exit_code == 0
    new = "another long passphrase"
    assert run("users", "reset-password", "dana", "--password-stdin", input=new + "\n").exit_code == 0
    assert accounts.sign_in(db, "dana", new) == Account("dana", "responder")
    actions = [e["action"] for e in trail(db) if e["actor"].startswith("cli:")]
    assert actions == ["user_add", "user_add", "user_set_role", "user_disable", "user_enable", "user_reset_password"]


def test_list_on_an_empty_store_says_how_to_start(db: Engine) -> None:
    assert "no accounts yet" in run("users", "list").output


def test_audit_csv_to_stdout_and_to_a_file_is_spreadsheet_safe(db: Engine, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    with db.begin() as conn:
        audit.record(conn, actor="=HYPERLINK(evil)", action="sign_in_failed", at=datetime(2026, 11, 2, 9, tzinfo=UTC))
        audit.record(
            conn,
            actor="ann",
            action="note",
            mention_id=7,
            detail="+1 call back",
            at=datetime(2026, 11, 3, 9, tzinfo=UTC),
        )
        audit.record(conn, actor="bea", action="sign_in", at=datetime(2026, 11, 5, 9, tzinfo=UTC))
    result = run("audit")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["id", "at", "actor", "action", "mention_id", "before", "after", "detail"]
    assert [r["actor"] for r in rows] == ["'=HYPERLINK(evil)", "ann", "bea"]
    assert rows[1]["detail"] == "'+1 call back" and rows[1]["mention_id"] == "7"
    assert rows[0]["at"] == "2026-11-02T09:00:00+00:00"
    out = tmp_path / "audit.csv"
    ranged = run("audit", "--since", "2026-11-03", "--until", "2026-11-03", "--out", str(out))
    assert ranged.exit_code == 0 and "1 audit rows written" in ranged.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,at,actor")
    assert [r["actor"] for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))] == ["ann"]
    by_actor = list(csv.DictReader(io.StringIO(run("audit", "--actor", "bea").stdout)))
    assert [r["action"] for r in by_actor] == ["sign_in"]
