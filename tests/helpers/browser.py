"""The dashboard in a real browser: a real `streamlit run` server on a store, driven by Debian's chromium
through Playwright (never a downloaded browser). One home for starting and stopping the server, the
browser and a page, logging in, waiting and screenshots; the browser test modules take the fixtures
`server` (the demo store), `browser` and `page` from here.

Without chromium the tests skip, unless OUTCOMES_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from dashboard import serve
from tests.helpers.app import ARTIFACTS
from tests.helpers.stores import copy_store

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT_S = 60          # the server must answer within this
WAIT_MS = 45_000              # any one thing on a page must appear within this
VIEWPORT = {"width": 1400, "height": 1000}


def need_browser() -> None:
    """Skip without chromium/playwright; fail instead when CI requires the browser tests."""
    reason = None
    if not CHROMIUM.exists():
        reason = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright Python package is not installed"
    if reason:
        if os.environ.get("OUTCOMES_REQUIRE_BROWSER") == "1":
            pytest.fail(f"OUTCOMES_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@contextmanager
def dashboard(store: Path, folder: Path, *options: str, port: int | None = None) -> Iterator[dict]:
    """`streamlit run dashboard/app.py` on `store` (its log in `folder`), stopped afterwards; yields
    {"url", "store", "folder", "log"}. `options` go to streamlit (e.g. "--secrets.files", path)."""
    log = folder / "streamlit.log"
    try:
        with serve.serving(store, log, *options, port=port, start_timeout_s=START_TIMEOUT_S) as url:
            yield {"url": url, "store": store, "folder": folder, "log": log}
    except serve.ServerFailed as failed:
        pytest.fail(str(failed))


@pytest.fixture(scope="module")
def server(demo_path, tmp_path_factory):
    """The dashboard on a copy of the demo store (this module's tests may change it)."""
    need_browser()
    folder = tmp_path_factory.mktemp("browser")
    with dashboard(copy_store(demo_path, folder), folder) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, timeout=60_000)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def fresh_page(browser) -> Iterator:
    """A page in a new browser context: no cookies, no session, German locale."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = browser.new_context(viewport=dict(VIEWPORT), locale="de-DE")
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def page(browser):
    with fresh_page(browser) as tab:
        yield tab


def open_as(page, url: str, name: str = "admin") -> None:
    """Open `url` as a person with a bookmark would: the login form first (the demo password), then
    the page of the URL with its ?program=…&as_of=… (the login keeps path and query). The form speaks
    the language the URL asks for."""
    from playwright.sync_api import expect

    from pipelines import text

    lang = "en" if "lang=en" in url else "de"
    page.goto(url)
    expect(page.get_by_role("heading", name=text.say("access.login.title", lang), level=1)).to_be_visible()
    page.get_by_label(text.say("access.login.name", lang), exact=True).fill(name)
    page.get_by_label(text.say("access.login.password", lang), exact=True).fill("demo")
    page.get_by_role("button", name=text.say("access.login.submit", lang), exact=True).click()
    signed_in = text.say("access.logged_in_as", lang, name=name, role="").split(" (")[0]
    expect(page.get_by_test_id("stSidebar").get_by_text(signed_in)).to_be_visible()
    wait_until_idle(page)


def wait_until_idle(page) -> None:
    """Until the script has finished running and the charts have drawn."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=WAIT_MS)
    page.wait_for_load_state("networkidle", timeout=WAIT_MS)
    page.wait_for_timeout(300)   # plotly draws after the last message


def assert_no_error(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    assert "Traceback" not in page.inner_text("body")
    expect(page.get_by_text("Page not found")).to_have_count(0)     # a URL path that is not a page


def screenshot(page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main section, so the window grows to fit it first."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = page.evaluate("Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                           "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight), 800)")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 12_000)})
    page.wait_for_timeout(500)           # charts redraw for the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})
    return path
