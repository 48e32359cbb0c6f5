"""The dashboard in a real browser: start `streamlit run app.py` on a seeded store, visit every page in
headless Chromium, work the reply queue, download a report, and keep a screenshot of each page at
1440x900 (desktop) and 390x844 (phone) in artifacts/screenshots/ (git-ignored) for people to look at."""

from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config import DEMO_TOML, load_config
from pipeline import export
from pipeline.seed import seed_demo
from store import accounts, queue
from store.engine import make_engine
from tests.conftest import FIXED_NOW, child_env

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WAIT_MS = 90_000
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PAGES = {  # link -> heading
    "Overview": "Overview: Acme",
    "Engagement": "Engagement: Acme",
    "Sentiment": "Sentiment: Acme",
    "Reply queue": "Reply queue",
    "Reports": "Weekly reports",
    "Sources": "Sources",
    "Alerts": "Alerts",
}
USER, PASSWORD = "Browser Tester", "a browser test passphrase"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A Streamlit server on a free port over a freshly seeded demo store."""
    folder = tmp_path_factory.mktemp("browser")
    config = folder / "monitor.toml"
    config.write_text(DEMO_TOML, encoding="utf-8")
    url = f"sqlite:///{folder / 'monitor.db'}"
    engine = make_engine(url)
    seed_demo(engine, load_config(config), mentions=4000, days=60, end=FIXED_NOW)
    with engine.begin() as conn:
        accounts.add(conn, USER, "responder", PASSWORD, actor="test")
    port = free_port()
    env = child_env(DATABASE_URL=url, MONITOR_CONFIG=str(config))
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start:\n" + (folder / "server.log").read_text())
            time.sleep(0.3)
        yield {"base": base, "engine": engine, "config": load_config(config), "folder": folder}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator:  # type: ignore[type-arg]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished the rerun (no 'running' indicator) and charts are drawn."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS)
    page.wait_for_timeout(700)


def shoot(page, name: str, viewport: dict[str, int] = DESKTOP) -> Path:  # type: ignore[no-untyped-def]
    """The whole page at the viewport's width: Streamlit scrolls inside its main block, so the window
    grows to fit it first (then goes back to `viewport`)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]'); return m ? m.scrollHeight : 1000; }"
    )
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], min(int(height) + 40, 9000))})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path


def close_sidebar(page) -> None:  # type: ignore[no-untyped-def]
    """On a phone the open sidebar covers the page: close it (its own button) when it is open."""
    sidebar = page.locator('[data-testid="stSidebar"]').first
    if (
        sidebar.count()
        and sidebar.get_attribute("aria-expanded") != "false"
        and sidebar.get_attribute("data-collapsed") == "false"
    ):
        sidebar.hover()
        page.locator('[data-testid="stSidebarCollapseButton"] button').first.click()
        page.wait_for_timeout(500)


def visit(page, label: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name=label, exact=True).first.click()
    page.get_by_role("heading", name=heading).first.wait_for(timeout=WAIT_MS)
    settle(page)


def sign_in(page, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Fill the sign-in form (the labels scripts rely on: Username, Password, Sign in)."""
    page.get_by_role("textbox", name="Username").wait_for(timeout=WAIT_MS)
    page.get_by_role("textbox", name="Username").fill(USER)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_every_page_a_queue_action_and_a_download(server: dict, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    # a fresh server whose first request is a page's own address shows the sign-in form and nothing else,
    # then the app with its filters
    page.goto(f"{server['base']}/engagement", wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in", exact=True).wait_for(timeout=WAIT_MS)
    settle(page)
    shoot(page, "sign-in")
    assert page.get_by_text("Filters").count() == 0 and page.locator('[data-testid="stMetric"]').count() == 0
    sign_in(page, "not the password")
    page.get_by_text("Wrong username or password.").wait_for(timeout=WAIT_MS)
    sign_in(page)
    page.get_by_text("Filters").first.wait_for(timeout=WAIT_MS)
    page.goto(server["base"], wait_until="domcontentloaded")  # a new browser session: sign in again
    sign_in(page)
    page.get_by_role("heading", name="Overview: Acme").wait_for(timeout=WAIT_MS)
    page.locator(".js-plotly-plot").nth(2).wait_for(timeout=WAIT_MS)
    settle(page)
    assert page.get_by_text("Demo data").first.is_visible()
    assert page.locator('[data-testid="stMetric"]').count() == 10  # 8 + resolved after reply, sentiment shift
    shoot(page, "overview")

    visit(page, "Engagement", "Engagement: Acme")
    page.locator(".js-plotly-plot").nth(2).wait_for(timeout=WAIT_MS)
    settle(page)
    shoot(page, "engagement")

    visit(page, "Sentiment", "Sentiment: Acme")
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=WAIT_MS)
    settle(page)
    shoot(page, "sentiment")

    visit(page, "Reply queue", "Reply queue")
    dismiss = page.get_by_role("button", name="Dismiss")
    dismiss.wait_for(timeout=WAIT_MS)
    shoot(page, "queue")
    wanted = queue.QueueFilters(brands=("Acme",), start=FIXED_NOW.date() - timedelta(days=29), end=FIXED_NOW.date())
    with server["engine"].connect() as conn:
        first = queue.queue_page(conn, wanted, now=datetime.now(UTC), sla_hours={"Acme": 4.0}, limit=1)
    # Dismiss asks for a reason first (the button is disabled until one is picked)
    settle(page)
    reason = page.get_by_test_id("stSelectbox").filter(has_text="Dismiss because")
    reason.locator("input").click()
    page.keyboard.type("spam")  # the select filters its options as one types; Enter picks the first
    page.get_by_role("option").filter(has_text="spam").first.wait_for(timeout=WAIT_MS)
    page.keyboard.press("Enter")
    dismiss.click()
    page.get_by_text("Dismissed").first.wait_for(timeout=WAIT_MS)
    settle(page)
    with server["engine"].connect() as conn:
        dismissed = conn.exec_driver_sql(
            "SELECT mention_id, updated_by FROM mention_state WHERE status = 'dismissed'"
        ).all()
    assert len(dismissed) == 1 and dismissed[0][1] == "Browser Tester"
    assert dismissed[0][0] == int(first["id"].iloc[0])  # the most urgent one, picked by default
    shoot(page, "queue-after-dismiss")

    visit(page, "Reports", "Weekly reports")
    page.get_by_text("summary rows").first.wait_for(timeout=WAIT_MS)
    settle(page)
    shoot(page, "reports")
    command = page.locator("code").filter(has_text="cli.py export --week").first.inner_text().split()
    week = command[command.index("--week") + 1]
    brand = command[command.index("--brand") + 1] if "--brand" in command else None  # the sidebar's brand
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name="Download mentions.csv").click()
    saved = server["folder"] / "downloaded-mentions.csv"
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfplatform,post_id,url,created_at,brand")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    frame, _, _ = export.week_frames(server["engine"], server["config"], week, brand)
    assert len(rows) - 1 == len(frame) > 0
    assert [r[1] for r in rows[1:]] == list(frame["post_id"].astype(str))

    visit(page, "Sources", "Sources")
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT_MS)
    settle(page)
    shoot(page, "sources")

    visit(page, "Alerts", "Alerts")
    shoot(page, "alerts")

    for name in ("overview", "engagement", "sentiment", "queue", "reports", "sources", "alerts"):
        assert (SHOTS / f"{name}.png").stat().st_size > 20_000, name
    assert not problems, problems
    context.close()


def test_every_page_on_a_phone(server: dict, browser) -> None:  # type: ignore[no-untyped-def]
    """390 px wide: every page drawn, the sidebar reached through its button, charts' titles clear of
    Plotly's toolbar (the toolbar shows on tap, at the top right)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(server["base"], wait_until="domcontentloaded")
    sign_in(page)
    page.get_by_role("heading", name="Overview: Acme").wait_for(timeout=WAIT_MS)
    for label, heading in PAGES.items():
        if label != "Overview":
            close_sidebar(page)
            page.locator('[data-testid="stExpandSidebarButton"]').first.click()
            page.get_by_role("link", name=label, exact=True).first.click()
            page.get_by_role("heading", name=heading).first.wait_for(timeout=WAIT_MS)
        settle(page)
        close_sidebar(page)
        name = "phone-" + label.lower().replace(" ", "-")
        for number, plot in enumerate(page.locator(".js-plotly-plot").all()):
            plot.scroll_into_view_if_needed()
            plot.tap()  # what shows the toolbar on a phone
            title = plot.locator(".gtitle").first.bounding_box()
            bar = plot.locator(".modebar").first.bounding_box()
            if title and bar:
                overlaps = title["y"] < bar["y"] + bar["height"] and title["x"] + title["width"] > bar["x"]
                assert not overlaps, (label, number, title, bar)
        assert shoot(page, name, PHONE).stat().st_size > 10_000, name
    assert not problems, problems
    context.close()
