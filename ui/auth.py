"""The sign-in gate: until somebody signs in, the app is one sign-in form and nothing else.

`gate(ctx)` runs first in app.py. Without a signed-in account it defines the navigation as the
sign-in page alone (so no other page, filter or number can render, whatever the address asked
for) and stops. With one, it re-reads the account on every rerun (a role change applies on the
next click; a disabled account is signed out), ends the session after `idle_hours` without a
click, and returns the account. Pages get it from `current_account()`.

Local accounts sign in with `Username` and `Password` (store.accounts: argon2, throttled). When
`.streamlit/secrets.toml` has an `[auth]` section, Streamlit's own `st.login` (OpenID Connect)
is offered beside the form; the email the provider vouches for must be an account's name.
"""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from typing import Any

import streamlit as st

from store import accounts
from store.accounts import Account, SignInError
from ui.context import Context

USER = "auth_user"  # the signed-in account's name
ACCOUNT = "auth_account"  # the Account as re-read on this rerun
SEEN = "auth_last_seen"  # the last click (UTC)
NOTICE = "auth_notice"  # (kind, text) for the sign-in page
SSO_REFUSED = "auth_sso_refused"  # an email the provider gave that has no account
USERNAME, PASSWORD, SUBMIT = "auth_username", "auth_password", "auth_submit"


def now() -> datetime:
    """The clock (tests replace it)."""
    return datetime.now(UTC)


def idle_hours(config: Any) -> float:
    """`[auth] idle_hours` (validated when the config loads; default 12)."""
    return float(config.auth.idle_hours)


def sso_settings() -> dict[str, Any] | None:
    """The `[auth]` section of .streamlit/secrets.toml, or None when single sign-on is not set up."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file, or one that does not parse: no SSO
        return None
    return dict(section) if section else None


def _sso_user() -> str | None:
    """The email of a person signed in through st.login, if any."""
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or "") or None
    except Exception:
        return None
    return None


def current_account() -> Account | None:
    """Who is signed in, as re-read on this rerun (None before sign-in)."""
    found = st.session_state.get(ACCOUNT)
    return found if isinstance(found, Account) else None


def require(permission: str) -> Account:
    """The signed-in account when it holds `permission`; else a clear message and a stopped page."""
    account = current_account()
    try:
        accounts.require(account, permission)
    except accounts.Forbidden as exc:
        st.error(f"{exc}", icon=":material/lock:")
        st.stop()
    assert account is not None
    return account


def _forget(notice: tuple[str, str] | None = None) -> None:
    for key in (USER, ACCOUNT, SEEN):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE] = notice


def _start(account: Account) -> None:
    _forget()
    st.session_state.pop(NOTICE, None)
    st.session_state[USER] = account.name
    st.session_state[ACCOUNT] = account
    st.session_state[SEEN] = now()


def _record(ctx: Context, name: str, action: str, detail: str | None = None) -> None:
    from store import audit

    with ctx.engine.begin() as conn:
        audit.record(conn, actor=name, action=action, detail=detail, at=now())


def _session(ctx: Context) -> Account | None:
    """The account of this session after the idle and enabled checks, or None."""
    name = st.session_state.get(USER)
    if not name:
        email = _sso_user()
        if email and sso_settings() and st.session_state.get(SSO_REFUSED) != email:
            try:
                account = accounts.sign_in_sso(ctx.engine, email, now())
            except SignInError as exc:
                st.session_state[SSO_REFUSED] = email
                st.session_state[NOTICE] = ("error", str(exc))
                return None
            _start(account)
            return account
        return None
    last = st.session_state.get(SEEN)
    hours = idle_hours(ctx.config)
    if isinstance(last, datetime) and now() - last > timedelta(hours=hours):
        _record(ctx, name, "session_expired", f"no activity for {hours:g} hours")
        _forget(("info", f"You were signed out after {hours:g} hours without activity. Sign in again."))
        return None
    with ctx.engine.connect() as conn:
        current = accounts.get(conn, name)
    if current is None:
        _forget(("error", f"The account {name} is disabled or gone: ask an admin."))
        return None
    st.session_state[ACCOUNT] = current
    st.session_state[SEEN] = now()
    return current


def _submit(ctx: Context) -> None:
    name = str(st.session_state.get(USERNAME) or "")
    password = str(st.session_state.get(PASSWORD) or "")
    st.session_state[PASSWORD] = ""  # never kept in the session
    if not name.strip():
        st.session_state[NOTICE] = ("error", "Enter your username.")
        return
    try:
        account = accounts.sign_in(ctx.engine, name, password, now())
    except SignInError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
        return
    _start(account)


def _sign_out(ctx: Context) -> None:
    name = st.session_state.get(USER)
    if name:
        _record(ctx, name, "sign_out")
        _leave_queue(ctx, name)
    _forget(("success", "Signed out."))
    if _sso_user():
        st.session_state.pop(SSO_REFUSED, None)
        st.logout()


def _leave_queue(ctx: Context, name: str) -> None:
    """Nobody is shown as on a mention after signing out (store.presence)."""
    from store import presence

    with ctx.engine.begin() as conn:
        presence.leave(conn, name)


def _sign_in_page(ctx: Context) -> None:
    st.title("Engagement monitor")
    st.caption("Sign in to see the dashboard.")
    notice = st.session_state.get(NOTICE)
    if notice:
        getattr(st, notice[0] if notice[0] in ("error", "info", "success") else "info")(notice[1])
    refused = st.session_state.get(SSO_REFUSED)
    if refused and _sso_user():
        st.button("Sign out", key="auth_sso_sign_out", on_click=_sign_out, args=(ctx,))
    with ctx.engine.connect() as conn:
        empty = accounts.count(conn) == 0
    if empty:
        st.info(
            "No account exists yet. `.venv/bin/python cli.py run` creates an `admin` account on first start and prints "
            "its password; or add one: `.venv/bin/python cli.py users add NAME --role admin`.",
            icon=":material/person_add:",
        )
    with st.form("sign_in", border=True, enter_to_submit=True):
        st.text_input("Username", key=USERNAME, max_chars=accounts.MAX_NAME, autocomplete="username")
        st.text_input(
            "Password",
            key=PASSWORD,
            type="password",
            max_chars=accounts.MAX_PASSWORD,
            autocomplete="current-password",
        )
        st.form_submit_button("Sign in", key=SUBMIT, type="primary", on_click=_submit, args=(ctx,))
    settings = sso_settings()
    if settings and importlib.util.find_spec("authlib") is None:
        st.warning("Single sign-on is set up in secrets.toml, but Authlib is not installed: `pip install Authlib`.")
    elif settings:
        providers = [k for k, v in settings.items() if isinstance(v, dict)]
        st.caption("Or with your organisation's account:")
        if providers:
            for provider in providers:
                st.button(f"Sign in with {provider}", key=f"auth_sso_{provider}", on_click=st.login, args=(provider,))
        else:
            st.button("Sign in with single sign-on", key="auth_sso", on_click=st.login)


def gate(ctx: Context) -> Account:
    """The signed-in account; else the sign-in page alone, and the script stops here."""
    account = _session(ctx)
    if account is not None:
        return account
    page = st.Page(lambda: _sign_in_page(ctx), title="Sign in", icon=":material/login:", url_path="sign-in")
    st.navigation([page], position="hidden").run()
    st.stop()
    raise AssertionError("unreachable")  # st.stop raises


def sidebar(account: Account, ctx: Context) -> None:
    """Who is signed in, and the Sign out button."""
    with st.sidebar:
        st.divider()
        st.caption(f"Signed in as **{_plain(account.name)}** ({account.role})")
        st.button("Sign out", key="auth_sign_out", icon=":material/logout:", on_click=_sign_out, args=(ctx,))


def _plain(text: str) -> str:
    from ui.text import escape_markdown

    return escape_markdown(text)
