"""The sign-in gate and the Team page under AppTest: nothing renders before sign-in, wrong
passwords and throttling say so, sessions end on Sign out and after inactivity (injected clock),
and only admins see and use the Team page."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

import ui.auth
from config import DEMO_TOML, parse_config
from store import accounts, audit
from tests import test_app_support as support
from tests.test_app_support import APP, PASSWORD, TIMEOUT, Store, ensure_account, open_app, texts

seeded_db = support.seeded_db
store = support.store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(ui.auth, "now", fake)
    return fake


def fresh() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_username").input(name)
    at.text_input(key="auth_password").input(password)
    at.button(key="auth_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def only_the_form(at: AppTest) -> None:
    """The sign-in form and nothing of the dashboard: no page, number, post, name, filter or demo label."""
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert at.text_input(key="auth_password").proto.type == at.text_input(key="auth_password").proto.PASSWORD
    assert [b.label for b in at.button if b.label == "Sign in"] == ["Sign in"]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert not at.multiselect and not at.selectbox and not at.date_input  # no filters anywhere
    assert not at.sidebar.children, "the sidebar is empty"
    assert "Demo data" not in texts(at) and "Acme" not in texts(at)
    assert not [b for b in at.button if b.label == "Sign out"]


def test_before_sign_in_only_the_form_renders(store: Store) -> None:
    ensure_account("dana", "responder")
    at = fresh()
    only_the_form(at)
    assert "Sign in" in texts(at) or at.title[0].value == "Engagement monitor"
    # the navigation holds the sign-in page alone: no other page can be asked for
    with pytest.raises(ValueError, match=r"Known pages: \['Sign in'\]"):
        at.switch_page("pages/queue.py")


def test_wrong_password_then_sign_in_and_sign_out(store: Store, clock: Clock) -> None:
    ensure_account("dana", "responder")
    at = submit(fresh(), "dana", "not the password at all")
    assert "Wrong username or password." in [e.value for e in at.error]
    only_the_form(at)
    assert at.text_input(key="auth_password").value == ""  # never kept
    submit(at, "dana", PASSWORD)
    assert any(m.label.startswith("Mentions") for m in at.metric)  # the Overview
    assert at.sidebar.children and at.multiselect  # and the filters
    assert "Signed in as **dana** (responder)" in texts(at)
    assert not [b for b in at.button if b.label == "Team"]
    at.button(key="auth_sign_out").click().run()
    only_the_form(at)
    assert "Signed out." in [s.value for s in at.success]
    with store.engine.connect() as conn:
        actions = list(audit.query(conn, actor="dana")["action"])
    assert actions == ["sign_in_failed", "sign_in", "sign_out"]


def test_five_failures_lock_the_username_for_fifteen_minutes(store: Store, clock: Clock) -> None:
    ensure_account("dana", "responder")
    at = fresh()
    for attempt in range(5):
        submit(at, "dana", f"wrong guess {attempt}")
        assert [e.value for e in at.error] == ["Wrong username or password."]
        clock.now += timedelta(minutes=1)
    submit(at, "dana", PASSWORD)  # 09:05: the right password, but locked until 09:19
    [message] = [e.value for e in at.error]
    assert "Too many failed sign-ins for dana" in message and "until 09:19 UTC" in message
    only_the_form(at)
    clock.now = datetime(2026, 11, 18, 9, 19, tzinfo=UTC)
    submit(at, "dana", PASSWORD)
    assert any(m.label.startswith("Mentions") for m in at.metric)


def test_a_disabled_account_cannot_sign_in_and_is_signed_out(store: Store, clock: Clock) -> None:
    ensure_account("boss", "admin")
    ensure_account("dana", "responder")
    at = submit(fresh(), "dana", PASSWORD)
    assert at.metric
    with store.engine.begin() as conn:
        accounts.disable(conn, "dana", actor="boss")
    at.run()  # her next click
    only_the_form(at)
    assert "The account dana is disabled or gone: ask an admin." in [e.value for e in at.error]
    submit(at, "dana", PASSWORD)
    assert "The account dana is disabled: ask an admin to enable it." in [e.value for e in at.error]


def test_sessions_end_after_the_idle_hours(store: Store, clock: Clock) -> None:
    ensure_account("dana", "responder")
    at = submit(fresh(), "dana", PASSWORD)
    clock.now += timedelta(hours=11, minutes=59)
    at.run()
    assert at.metric  # still signed in; and this click starts the idle clock again
    clock.now += timedelta(hours=12, minutes=1)
    at.run()
    only_the_form(at)
    assert "You were signed out after 12 hours without activity. Sign in again." in [i.value for i in at.info]
    with store.engine.connect() as conn:
        assert list(audit.query(conn, actor="dana")["action"]) == ["sign_in", "session_expired"]


def test_idle_hours_come_from_the_config() -> None:
    assert ui.auth.idle_hours(parse_config(tomllib.loads(DEMO_TOML + "\n[auth]\nidle_hours = 2\n"), None)) == 2.0
    assert ui.auth.idle_hours(parse_config(tomllib.loads(DEMO_TOML), None)) == 12.0


def test_an_empty_store_says_how_to_get_the_first_account(store: Store) -> None:
    at = fresh()
    only_the_form(at)
    assert "python cli.py users add NAME --role admin" in texts(at)


def test_single_sign_on_is_offered_when_secrets_have_an_auth_section(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "authlib" else real(name, *a))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret",
        "client_id": "client",
        "client_secret": "secret",
        "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration",
    }
    at.run()
    assert not at.exception
    assert [b.label for b in at.button if "single sign-on" in b.label] == ["Sign in with single sign-on"]
    only_the_form(at)
    assert not [b for b in fresh().button if "single sign-on" in b.label]


# ---------------------------------------------------------------------------------------------- Team page


def test_only_admins_reach_the_team_page(store: Store) -> None:
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in her navigation
        open_app("team", user="dana", role="responder")
    admin = open_app("team", user="boss", role="admin")
    assert [t.value for t in admin.title] == ["Team"]
    shown = admin.dataframe[0].value
    assert list(shown["name"]) == ["boss", "dana"] and "password_hash" not in shown.columns


def test_the_team_page_refuses_a_session_whose_role_changed(store: Store) -> None:
    ensure_account("dana", "admin")
    at = open_app("team", user="boss", role="admin")
    with store.engine.begin() as conn:
        accounts.set_role(conn, "boss", "viewer", actor="dana")
    at.run()  # the role is re-read on every click: the page refuses, and the navigation drops it
    assert "Team" not in [t.value for t in at.title]


def test_an_admin_manages_accounts_on_the_team_page(store: Store) -> None:
    at = open_app("team", user="boss", role="admin")
    at.text_input(key="team_new_name").input("lee")
    at.selectbox(key="team_new_role").set_value("responder")
    at.text_input(key="team_new_password").input("short")
    at.text_input(key="team_new_password2").input("short")
    at.button[[b.label for b in at.button].index("Add account")].click().run()
    assert any("too short" in e.value for e in at.error)
    with store.engine.connect() as conn:
        assert list(accounts.list_accounts(conn)["name"]) == ["boss"]
    at.text_input(key="team_new_name").input("lee")
    at.text_input(key="team_new_password").input("a long enough password")
    at.text_input(key="team_new_password2").input("a long enough password")
    at.button[[b.label for b in at.button].index("Add account")].click().run()
    assert "Added lee (responder)." in [s.value for s in at.success]
    at.selectbox(key="team_pick").set_value("lee").run()
    at.selectbox(key="team_role").set_value("viewer").run()
    at.button(key="team_set_role").click().run()
    at.button(key="team_disable").click().run()
    with store.engine.connect() as conn:
        team = accounts.list_accounts(conn).set_index("name")
        trail = audit.query(conn, actor="boss")
    assert (team.loc["lee", "role"], bool(team.loc["lee", "enabled"])) == ("viewer", False)
    assert list(trail["action"]) == ["user_add", "user_set_role", "user_disable"]
    assert "a long enough password" not in trail.to_csv()
    at.button(key="team_enable").click().run()
    at.text_input(key="team_password").input("the new long password")
    at.text_input(key="team_password2").input("the new long password")
    at.button[[b.label for b in at.button].index("Reset password")].click().run()
    assert "Password of lee changed." in [s.value for s in at.success]
    assert accounts.sign_in(store.engine, "lee", "the new long password").role == "viewer"
