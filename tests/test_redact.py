"""Secrets in URLs: one function hides them everywhere a URL is shown or logged."""

from __future__ import annotations

import pytest

from redact import redact_text, redact_url
from store.engine import StoreError, make_engine, safe_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://user:hunter2@db:5432/monitor", "postgresql+psycopg://user:***@db:5432/monitor"),
        (
            "postgresql+psycopg://user@db/monitor?password=hunter2&sslmode=require",
            "postgresql+psycopg://user@db/monitor?password=***&sslmode=require",
        ),
        (
            "https://feeds.example.com/rss?API_KEY=k1&Token=t2&pwd=p3&pass=p4&client_secret=s5&auth=a6&signature=g7&page=2",
            "https://feeds.example.com/rss?API_KEY=***&Token=***&pwd=***&pass=***&client_secret=***&auth=***&signature=***&page=2",
        ),
        ("https://u:p%40ss@example.com/a#access_token=abc", "https://u:***@example.com/a#access_token=***"),
        ("https://user:pa@ss@example.com/", "https://user:***@example.com/"),
        ("user:hunter2@db/monitor", "user:***@db/monitor"),
        ("sqlite:///data/monitor.db", "sqlite:///data/monitor.db"),
        ("https://example.com/feed?q=acme&key=", "https://example.com/feed?q=acme&key="),
        ("https://example.com/feed?q=acme", "https://example.com/feed?q=acme"),
    ],
)
def test_redact_url_hides_every_secret_part_and_keeps_the_rest(url, shown):
    assert redact_url(url) == shown
    assert safe_url(url) == shown


def test_redact_text_scrubs_the_secrets_a_message_echoes():
    url = "postgresql://me:p%40ss-w0rd@db/x?password=q%2Bq"
    message = f"could not parse {url}; password p@ss-w0rd, q+q, q%2Bq"
    out = redact_text(message, url)
    for secret in ("p%40ss-w0rd", "p@ss-w0rd", "q+q", "q%2Bq"):
        assert secret not in out
    assert "postgresql://me:***@db/x?password=***" in out


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://nobody:Hunter2pw@127.0.0.1:1/none?connect_timeout=2&password=Qs3cretQ",
        "postgresql+psycopg://nobody:Hunter2pw@127.0.0.1:notaport/none?password=Qs3cretQ",
        "nonsense://nobody:Hunter2pw@host/x?password=Qs3cretQ",
    ],
)
def test_store_errors_never_show_a_password(url):
    with pytest.raises(StoreError) as caught:
        make_engine(url)
    text = str(caught.value)
    assert "Hunter2pw" not in text and "Qs3cretQ" not in text and "***" in text


def test_cli_database_error_hides_the_password_in_the_query_string(tmp_path):
    import os

    from tests.test_cli import ROOT, cli

    env = {k: v for k, v in os.environ.items() if not k.startswith(("X_", "REDDIT_", "BLUESKY_", "MASTODON_"))}
    env.pop("MONITOR_CONFIG", None)
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2&password=Qs3cretQ",
    )
    result = cli("seed-demo", "--mentions", "10", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "database error: cannot open the database" in result.stderr and "password=***" in result.stderr
    assert "Qs3cretQ" not in result.stderr + result.stdout and "Traceback" not in result.stderr
