"""Team accounts: roles, permissions, passwords (argon2id), sign-in with throttling.

Roles, each including the one before: `viewer` sees every page and downloads reports;
`responder` also acts on the reply queue and replies; `admin` also manages accounts.
`require(account, permission)` is the one check; the store functions that act call it and
raise `Forbidden` with a message that says who may do it.

Passwords are hashed with argon2id (argon2-cffi) and never stored, logged or audited in clear.
An account whose name is an email address may have no password: it signs in through single
sign-on only (`add(..., password=None)`).

Every change is audited in the same transaction (store.audit), and so is every sign-in,
failed sign-in (without the password) and refusal. After MAX_FAILURES failed sign-ins for one
username within FAILURE_WINDOW, that username is refused for LOCKOUT from the last of them.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from store import audit
from store.schema import accounts, sign_in_failures

ROLES: tuple[str, ...] = ("viewer", "responder", "admin")
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "view": ROLES,
    "respond": ("responder", "admin"),
    "admin": ("admin",),
}
WHAT = {"view": "view the dashboard", "respond": "act on the reply queue", "admin": "manage team accounts"}
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
MAX_NAME = 256
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
FIRST_ADMIN = "admin"

_hasher = PasswordHasher()
_dummy_hash: str | None = None


@dataclass(frozen=True)
class Account:
    """Who is acting: the account's name and role."""

    name: str
    role: str


class Forbidden(Exception):
    """The account's role may not do this; the message says which roles may."""


class AccountError(ValueError):
    """Bad input for an account change (unknown role, duplicate name, short password...); nothing changed."""


class SignInError(Exception):
    """A sign-in was refused; the message is safe to show (it never says whether a name exists)."""


def require(account: Account | None, permission: str) -> Account:
    """Raise Forbidden unless `account` holds `permission` ("view", "respond" or "admin"); returns it."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r} (known: {', '.join(PERMISSIONS)})")
    if account is None:
        raise Forbidden("Sign in first.")
    allowed = PERMISSIONS[permission]
    if account.role not in allowed:
        raise Forbidden(
            f"{account.name} has the {account.role} role, which may not {WHAT[permission]}: "
            f"that needs the {' or '.join(allowed)} role (an admin can change it)."
        )
    return account


def can(account: Account | None, permission: str) -> bool:
    """Whether `account` holds `permission` (for greying out controls; actions still call require)."""
    try:
        require(account, permission)
    except Forbidden:
        return False
    return True


# ---------------------------------------------------------------------------------------------- input checks


def clean_name(name: str | None) -> str:
    """The name as stored: trimmed, email addresses in lower case; refused when empty or odd."""
    text = unicodedata.normalize("NFC", (name or "").strip())
    if not text:
        raise AccountError("The username is empty.")
    if len(text) > MAX_NAME:
        raise AccountError(f"The username is longer than {MAX_NAME} characters.")
    if any(unicodedata.category(c).startswith("C") for c in text):
        raise AccountError("The username has control characters.")
    return text.lower() if "@" in text else text


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    return role


def check_password(password: str | None) -> str:
    """The password, or AccountError saying why it is refused (never echoing it)."""
    if password is None or password == "":
        raise AccountError("The password is empty.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"The password is too short: use at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"The password is longer than {MAX_PASSWORD} characters.")
    return password


def _hash(password: str) -> str:
    return _hasher.hash(check_password(password))


def _verify(stored: str | None, password: str) -> bool:
    global _dummy_hash
    if not stored:  # unknown or SSO-only: spend the same time, so timing does not tell
        _dummy_hash = _dummy_hash or _hasher.hash(secrets.token_urlsafe(16))
        stored, password = _dummy_hash, password + "\0"
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


# ---------------------------------------------------------------------------------------------- reads


def _row(conn: Connection, name: str) -> dict[str, Any] | None:
    found = conn.execute(select(accounts).where(accounts.c.name == name)).mappings().first()
    return dict(found) if found else None


def get(conn: Connection, name: str) -> Account | None:
    """The enabled account of that name, or None (unknown or disabled)."""
    try:
        key = clean_name(name)
    except AccountError:
        return None
    row = _row(conn, key)
    if row is None or not row["enabled"]:
        return None
    return Account(row["name"], row["role"])


def count(conn: Connection) -> int:
    """How many accounts exist (enabled or not)."""
    return int(conn.execute(select(func.count()).select_from(accounts)).scalar() or 0)


def list_accounts(conn: Connection) -> pd.DataFrame:
    """Every account, A to Z: name, role, enabled, sso_only, created_at, last_sign_in_at (never a hash)."""
    a = accounts
    rows = conn.execute(
        select(
            a.c.name,
            a.c.role,
            a.c.enabled,
            a.c.password_hash.is_(None).label("sso_only"),
            a.c.created_at,
            a.c.last_sign_in_at,
        ).order_by(a.c.name)
    ).mappings()
    frame = pd.DataFrame(rows.all(), columns=["name", "role", "enabled", "sso_only", "created_at", "last_sign_in_at"])
    for column in ("created_at", "last_sign_in_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    frame["enabled"] = frame["enabled"].astype(bool)
    frame["sso_only"] = frame["sso_only"].astype(bool)
    return frame


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """What the audit keeps of an account: never the hash."""
    return {"name": row["name"], "role": row["role"], "enabled": bool(row["enabled"])}


def _existing(conn: Connection, name: str) -> dict[str, Any]:
    row = _row(conn, clean_name(name))
    if row is None:
        raise AccountError(f"No account named {name.strip()!r}.")
    return row


def _enabled_admins(conn: Connection) -> int:
    query = select(func.count()).select_from(accounts).where(accounts.c.role == "admin", accounts.c.enabled)
    return int(conn.execute(query).scalar() or 0)


def _keep_an_admin(conn: Connection, row: dict[str, Any]) -> None:
    if row["role"] == "admin" and row["enabled"] and _enabled_admins(conn) <= 1:
        raise AccountError(f"{row['name']} is the last enabled admin: make another admin first.")


# ---------------------------------------------------------------------------------------------- changes
# `actor` is the signed-in Account (it must be an admin: refused with Forbidden otherwise) or, from
# the command line or the system, a label such as "cli:dana" (whoever has the shell is trusted).


def _actor(actor: str | Account) -> str:
    if isinstance(actor, Account):
        require(actor, "admin")
        return actor.name
    return actor


def add(
    conn: Connection,
    name: str,
    role: str,
    password: str | None,
    *,
    actor: str | Account,
    now: datetime | None = None,
) -> Account:
    """Create an account. `password=None` only for an email name (SSO-only account)."""
    actor = _actor(actor)
    key = clean_name(name)
    _check_role(role)
    if password is None and "@" not in key:
        raise AccountError("A password is needed (only an email address may sign in with single sign-on alone).")
    digest = _hash(password) if password is not None else None
    if _row(conn, key) is not None:
        raise AccountError(f"An account named {key!r} already exists.")
    at = _now(now)
    conn.execute(
        insert(accounts).values(
            name=key,
            role=role,
            password_hash=digest,
            enabled=True,
            email=key if "@" in key else None,
            created_at=at,
        )
    )
    after = {"name": key, "role": role, "enabled": True, "sso_only": digest is None}
    audit.record(conn, actor=actor, action="user_add", after=after, at=at)
    return Account(key, role)


def set_role(conn: Connection, name: str, role: str, *, actor: str | Account, now: datetime | None = None) -> Account:
    actor = _actor(actor)
    row = _existing(conn, name)
    _check_role(role)
    if row["role"] == role:
        return Account(row["name"], role)
    if role != "admin":
        _keep_an_admin(conn, row)
    conn.execute(update(accounts).where(accounts.c.id == row["id"]).values(role=role))
    audit.record(
        conn,
        actor=actor,
        action="user_set_role",
        before=_public(row),
        after=_public(row | {"role": role}),
        at=_now(now),
    )
    return Account(row["name"], role)


def _set_enabled(conn: Connection, name: str, enabled: bool, actor: str | Account, now: datetime | None) -> None:
    actor = _actor(actor)
    row = _existing(conn, name)
    if bool(row["enabled"]) == enabled:
        return
    if not enabled:
        _keep_an_admin(conn, row)
    conn.execute(update(accounts).where(accounts.c.id == row["id"]).values(enabled=enabled))
    audit.record(
        conn,
        actor=actor,
        action="user_enable" if enabled else "user_disable",
        before=_public(row),
        after=_public(row | {"enabled": enabled}),
        at=_now(now),
    )


def disable(conn: Connection, name: str, *, actor: str | Account, now: datetime | None = None) -> None:
    """The account can no longer sign in (its open sessions end on their next click); kept for the audit."""
    _set_enabled(conn, name, False, actor, now)


def enable(conn: Connection, name: str, *, actor: str | Account, now: datetime | None = None) -> None:
    _set_enabled(conn, name, True, actor, now)


def reset_password(
    conn: Connection, name: str, password: str, *, actor: str | Account, now: datetime | None = None
) -> None:
    """Set a new password (and lift a sign-in lockout for that name)."""
    actor = _actor(actor)
    row = _existing(conn, name)
    digest = _hash(password)
    conn.execute(update(accounts).where(accounts.c.id == row["id"]).values(password_hash=digest))
    conn.execute(delete(sign_in_failures).where(sign_in_failures.c.username == row["name"]))
    audit.record(conn, actor=actor, action="user_reset_password", after=_public(row), at=_now(now))


def first_admin(conn: Connection, now: datetime | None = None) -> str | None:
    """On a store with no account, create `admin` with a random password and return it (once); else None."""
    if count(conn):
        return None
    password = secrets.token_urlsafe(15)  # 20 characters, 120 bits
    add(conn, FIRST_ADMIN, "admin", password, actor="system:first-start", now=now)
    return password


# ---------------------------------------------------------------------------------------------- sign-in


def locked_until(conn: Connection, name: str, now: datetime) -> datetime | None:
    """When the lockout of `name` ends, or None when it may try now."""
    f = sign_in_failures
    rows = conn.execute(
        select(f.c.at).where(f.c.username == name, f.c.at > now - FAILURE_WINDOW - LOCKOUT).order_by(f.c.at)
    ).all()
    times = [_utc(r[0]) for r in rows]
    until: datetime | None = None
    for i in range(MAX_FAILURES - 1, len(times)):
        if times[i] - times[i - MAX_FAILURES + 1] <= FAILURE_WINDOW:
            end = (times[i] + LOCKOUT).to_pydatetime()
            until = max(until, end) if until else end
    return until if until and until > now else None


def _utc(value: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)


def _fail(conn: Connection, name: str, now: datetime, reason: str) -> None:
    conn.execute(insert(sign_in_failures).values(username=name, at=now))
    audit.record(conn, actor=name, action="sign_in_failed", detail=reason, at=now)


def authenticate(conn: Connection, name: str, password: str, now: datetime | None = None) -> Account:
    """The account when the name and password match an enabled account; else SignInError.

    The failure (throttle and audit rows) is written in the caller's transaction: catch
    SignInError inside it so they are committed (`sign_in` does that for you).
    """
    at = _now(now)
    try:
        key = clean_name(name)
    except AccountError as exc:
        raise SignInError(str(exc)) from None
    if not password:
        raise SignInError("Enter your password.")
    until = locked_until(conn, key, at)
    if until is not None:
        audit.record(
            conn, actor=key, action="sign_in_throttled", detail=f"locked until {until:%Y-%m-%d %H:%M} UTC", at=at
        )
        raise SignInError(
            f"Too many failed sign-ins for {key}: this username is locked for {int(LOCKOUT.total_seconds() // 60)} "
            f"minutes, until {until:%H:%M} UTC ({until:%Y-%m-%d}). Try again then, or ask an admin to reset the password."
        )
    row = _row(conn, key)
    if row is None or not _verify(row["password_hash"], password[:MAX_PASSWORD]):
        if row is None:
            _verify(None, password[:MAX_PASSWORD])  # the same time as a real check
        _fail(conn, key, at, "unknown username" if row is None else "wrong password")
        raise SignInError("Wrong username or password.")
    if not row["enabled"]:
        audit.record(conn, actor=key, action="sign_in_refused", detail="account disabled", at=at)
        raise SignInError(f"The account {key} is disabled: ask an admin to enable it.")
    if _hasher.check_needs_rehash(row["password_hash"]):
        conn.execute(update(accounts).where(accounts.c.id == row["id"]).values(password_hash=_hasher.hash(password)))
    return _signed_in(conn, row, at, "password")


def sign_in(engine: Engine, name: str, password: str, now: datetime | None = None) -> Account:
    """authenticate in a transaction of its own that keeps the failure records, then raise SignInError."""
    problem: SignInError | None = None
    with engine.begin() as conn:
        try:
            return authenticate(conn, name, password, now)
        except SignInError as exc:
            problem = exc
    raise problem


def sign_in_sso(engine: Engine, email: str | None, now: datetime | None = None) -> Account:
    """authenticate_sso in a transaction of its own that keeps the refusal in the audit trail."""
    problem: SignInError | None = None
    with engine.begin() as conn:
        try:
            return authenticate_sso(conn, email, now)
        except SignInError as exc:
            problem = exc
    raise problem


def authenticate_sso(conn: Connection, email: str | None, now: datetime | None = None) -> Account:
    """The account named by the email a single sign-on provider vouched for; else SignInError."""
    at = _now(now)
    if not email or "@" not in email:
        raise SignInError("The single sign-on provider gave no email address, so no account matches.")
    key = clean_name(email)
    row = _row(conn, key)
    if row is None:
        audit.record(conn, actor=key, action="sign_in_refused", detail="sso: no account for this email", at=at)
        raise SignInError(
            f"There is no account for {key}. Ask an admin to add it: "
            f".venv/bin/python cli.py users add {key} --role viewer --sso (or on the Team page)."
        )
    if not row["enabled"]:
        audit.record(conn, actor=key, action="sign_in_refused", detail="sso: account disabled", at=at)
        raise SignInError(f"The account {key} is disabled: ask an admin to enable it.")
    return _signed_in(conn, row, at, "sso")


def _signed_in(conn: Connection, row: dict[str, Any], at: datetime, how: str) -> Account:
    conn.execute(update(accounts).where(accounts.c.id == row["id"]).values(last_sign_in_at=at))
    conn.execute(delete(sign_in_failures).where(sign_in_failures.c.username == row["name"]))
    audit.record(conn, actor=row["name"], action="sign_in", detail=how, at=at)
    return Account(row["name"], row["role"])


#: the brief's name for list_accounts (kept last so the builtin `list` is untouched above).
list = list_accounts  # noqa: A001
