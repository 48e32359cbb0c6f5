"""Team: the accounts, and the admin's changes to them (the same store functions as `cli.py users`).

Admins only: the page is not in other roles' navigation, and it refuses anybody else who reaches it.
Every change is audited under the admin's name; passwords are never shown or kept in the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from store import accounts
from store.accounts import AccountError
from ui import auth, context, tables

ctx = context.load()
admin = auth.require("admin")
FLASH = "team_flash"

st.title("Team")
st.caption(
    "Roles: **viewer** sees every page and downloads reports; **responder** also acts on the reply queue and "
    "replies; **admin** also manages accounts here. An email address as the username signs in with single "
    "sign-on (no password needed). Every change is kept in the audit trail (`.venv/bin/python cli.py audit`)."
)
context.show_formulas_notice(ctx, admin.role)  # stored judgements of older formulas


def _change(done: str, change: Callable[[Any], Any], *clear: str) -> None:
    try:
        with ctx.engine.begin() as conn:
            change(conn)
    except (AccountError, accounts.Forbidden) as exc:
        st.session_state[FLASH] = ("error", str(exc))
    else:
        st.session_state[FLASH] = ("success", done)
    for key in clear:  # passwords never stay in the session
        st.session_state[key] = ""


def _add() -> None:
    name = str(st.session_state.get("team_new_name") or "")
    role = str(st.session_state.get("team_new_role") or "viewer")
    sso = bool(st.session_state.get("team_new_sso"))
    first = str(st.session_state.get("team_new_password") or "")
    again = str(st.session_state.get("team_new_password2") or "")
    if not sso and first != again:
        st.session_state[FLASH] = ("error", "The two passwords differ; nothing was saved.")
        st.session_state["team_new_password"] = st.session_state["team_new_password2"] = ""
        return
    password = None if sso else first
    _change(
        f"Added {name.strip()} ({role}).",
        lambda conn: accounts.add(conn, name, role, password, actor=admin),
        "team_new_password",
        "team_new_password2",
    )


def _set_role(name: str) -> None:
    role = str(st.session_state.get("team_role") or "")
    _change(f"{name} is now {role}.", lambda conn: accounts.set_role(conn, name, role, actor=admin))


def _enabled(name: str, enabled: bool) -> None:
    change = accounts.enable if enabled else accounts.disable
    _change(f"{name} is {'enabled' if enabled else 'disabled'}.", lambda conn: change(conn, name, actor=admin))


def _reset(name: str) -> None:
    first = str(st.session_state.get("team_password") or "")
    again = str(st.session_state.get("team_password2") or "")
    if first != again:
        st.session_state[FLASH] = ("error", "The two passwords differ; nothing was saved.")
        st.session_state["team_password"] = st.session_state["team_password2"] = ""
        return
    _change(
        f"Password of {name} changed.",
        lambda conn: accounts.reset_password(conn, name, first, actor=admin),
        "team_password",
        "team_password2",
    )


flash = st.session_state.pop(FLASH, None)
if flash:
    (st.success if flash[0] == "success" else st.error)(flash[1])

with ctx.engine.connect() as conn:
    team = accounts.list_accounts(conn)
st.dataframe(
    team,
    hide_index=True,
    placeholder=tables.MISSING,
    width="stretch",
    column_config={
        "name": st.column_config.TextColumn("Username"),
        "role": st.column_config.TextColumn("Role"),
        "enabled": st.column_config.CheckboxColumn("Enabled"),
        "sso_only": st.column_config.CheckboxColumn("Single sign-on only"),
        "created_at": st.column_config.DatetimeColumn("Created (UTC)", format="YYYY-MM-DD HH:mm"),
        "last_sign_in_at": st.column_config.DatetimeColumn("Last sign-in (UTC)", format="YYYY-MM-DD HH:mm"),
    },
)

left, right = st.columns(2, gap="large")
with left, st.form("team_add", border=True):
    st.markdown("**Add an account**")
    st.text_input("Username", key="team_new_name", max_chars=accounts.MAX_NAME, placeholder="name or email")
    st.selectbox("Role", accounts.ROLES, key="team_new_role")
    st.checkbox("Single sign-on only (the username is an email; no password)", key="team_new_sso")
    st.text_input("New password", key="team_new_password", type="password", max_chars=accounts.MAX_PASSWORD)
    st.text_input("New password again", key="team_new_password2", type="password", max_chars=accounts.MAX_PASSWORD)
    st.caption(f"At least {accounts.MIN_PASSWORD} characters.")
    st.form_submit_button("Add account", on_click=_add, type="primary")

with right:
    names = list(team["name"])
    if names:
        picked = st.selectbox("Account", names, key="team_pick")
        row = team.set_index("name").loc[picked]
        with st.container(border=True):
            st.markdown("**Role**")
            st.selectbox("Role", accounts.ROLES, index=accounts.ROLES.index(row["role"]), key="team_role")
            st.button("Set role", key="team_set_role", on_click=_set_role, args=(picked,))
        with st.container(border=True):
            if row["enabled"]:
                st.button("Disable", key="team_disable", on_click=_enabled, args=(picked, False))
            else:
                st.button("Enable", key="team_enable", on_click=_enabled, args=(picked, True))
        with st.container(border=True), st.form("team_reset", border=False):
            st.markdown("**Reset the password**")
            st.text_input("New password", key="team_password", type="password", max_chars=accounts.MAX_PASSWORD)
            st.text_input("New password again", key="team_password2", type="password", max_chars=accounts.MAX_PASSWORD)
            st.form_submit_button("Reset password", on_click=_reset, args=(picked,))
