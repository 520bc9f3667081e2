"""The critical path in a real browser: a real `streamlit run` server on the demo store, driven by
Debian's chromium through Playwright (never a downloaded browser).

Screenshots of every page land in tests/artifacts/ (git-ignored). Without chromium the tests
skip, unless OUTCOMES_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.stores import copy_store
from tests.helpers.app import APP, ARTIFACTS, KASSEL, PAGES, ROOT, free_port

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT_S = 60          # the server must answer within this
WAIT_MS = 45_000              # any one thing on a page must appear within this
KASSEL_QUERY = f"?program={KASSEL}&as_of=2020-08-31"


def _need_browser() -> None:
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


def _wait_for_health(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"streamlit did not answer within {START_TIMEOUT_S} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def server(demo_path, tmp_path_factory):
    """`streamlit run dashboard/app.py` on a free port with a copy of the demo store; stopped afterwards."""
    _need_browser()
    folder = tmp_path_factory.mktemp("browser")
    store = copy_store(demo_path, folder)
    port = free_port()
    log = folder / "streamlit.log"
    env = {**os.environ, "OUTCOMES_DB": str(store),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, process, log)
        yield {"url": url, "store": store, "folder": folder, "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, timeout=60_000)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    try:
        yield tab
    finally:
        context.close()


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
    page.wait_for_timeout(500)   # plotly draws after the last message


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
    page.wait_for_timeout(800)           # charts redraw for the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": 1000})
    return path


# what shows that a page has drawn (for Kassel on 31.08.2020)
READY = {
    "uebersicht": "37 von 50 · 74 %",
    "verlauf": "Eintritte und Ergebnisse pro Monat",
    "vergleich": "Zeit bis zum Ergebnis",
    "verlaeufe": "Austrittsgründe",
    "ziele": "Programmdatei (TOML) herunterladen",
    "daten": "Ladeprotokoll",
    "programme": "Daten als CSV",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_opens_by_its_url(server, page, name):
    from playwright.sync_api import expect

    _, slug, title = PAGES[name]
    open_as(page, f"{server['url']}/{slug}{KASSEL_QUERY}")
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    if slug in READY:
        expect(page.get_by_text(READY[slug], exact=False).first).to_be_visible()
    wait_until_idle(page)
    assert_no_error(page)
    path = page.url.split("?")[0]
    assert path == f"{server['url']}/{slug}"
    expect(page.get_by_test_id("stSidebar").get_by_role("link", name=title)).to_be_visible()
    assert screenshot(page, slug).stat().st_size > 10_000


def test_root_url_opens_the_overview_and_keeps_the_query(server, page):
    from playwright.sync_api import expect

    open_as(page, f"{server['url']}/{KASSEL_QUERY}")
    expect(page.get_by_text("37 von 50 · 74 %")).to_be_visible()
    assert page.url == f"{server['url']}/uebersicht{KASSEL_QUERY}&lang=de"   # the view's language joins the URL
    assert_no_error(page)


def test_overview_shows_the_kassel_figures(server, page):
    from playwright.sync_api import expect

    open_as(page, f"{server['url']}/uebersicht{KASSEL_QUERY}")
    expect(page.get_by_text("37 von 50 · 74 %")).to_be_visible()
    wait_until_idle(page)
    # the tiles, in order (expect retries until the page shows them, within WAIT_MS)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stMetricLabel")).to_have_text(
        ["Eingetreten", "Im Programm", "Im Coaching", "Ausbildung begonnen", "In Beschäftigung"])
    expect(main.get_by_test_id("stMetricValue")).to_have_text(["155", "106", "106", "37", "14"])
    expect(page.get_by_text("Stichtag: 31.08.2020")).to_be_visible()
    expect(page.get_by_text("Mindestens 50 Frauen in Ausbildung", exact=True)).to_be_visible()
    expect(page.get_by_text("im Plan").first).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Sozialwirtschaft integriert")).to_be_visible()
    assert "2020-08-31" in [i.input_value() for i in sidebar.locator("input").all()]   # shown as 31.08.2020
    assert_no_error(page)
    screenshot(page, "uebersicht-kassel")


def test_upload_on_the_daten_page(server, page, tmp_path):
    from playwright.sync_api import expect

    program = tmp_path / "browser-programm.toml"
    program.write_text('[program]\nid = "browser-programm"\nname = "Browser-Programm"\n'
                       'organisation = "Stadt Teststadt"\nregion = "Hessen"\nfunder = "Land Hessen"\n'
                       'start = 2021-01-01\nend = 2022-12-31\n', encoding="utf-8")
    sheet = tmp_path / "browser-tracking.csv"
    sheet.write_text("Programm;Teilnehmer-ID;Eintritt;Coaching ab\nbrowser-programm;X1;01.02.2021;01.02.2021\n"
                     "browser-programm;X2;01.03.2021;01.03.2021\n", encoding="utf-8")
    open_as(page, f"{server['url']}/daten")
    expect(page.get_by_role("heading", name="Daten", level=1)).to_be_visible()
    wait_until_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(program), str(sheet)])
    expect(page.get_by_text("browser-tracking.csv", exact=True)).to_be_visible()
    page.get_by_role("button", name="Zuordnung speichern und laden").click()
    expect(page.get_by_text("browser-tracking.csv [Tracking-Blatt]: geladen – gelesen 2, geladen 2, abgewiesen 0")
           ).to_be_visible()
    expect(page.get_by_text("browser-programm.toml [Programmdatei]: geladen")).to_be_visible()
    wait_until_idle(page)
    assert_no_error(page)
    screenshot(page, "daten-upload")


def choose_option(page, label: str, option: str) -> None:
    """Pick `option` in the select box labelled `label` (typing filters Streamlit's long option lists)."""
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def test_import_assistant_assigns_saves_and_reuses_the_mapping(server, page, tmp_path):
    """Headers no alias knows are assigned once in the assistant; next month's file of the same program loads
    without touching anything (issue #10.6/#10.8)."""
    from playwright.sync_api import expect

    head = "Teilnehmerinnen Stadtteilprojekt;;\nNr.;Projektstart;Begleitung ab\n"
    march = tmp_path / "maerz.csv"
    march.write_text(head + "BR-1;02.03.2020;02.03.2020\nBR-2;09.03.2020;\n", encoding="utf-8")
    april = tmp_path / "april.csv"
    april.write_text(head + "BR-3;01.04.2020;01.04.2020\nBR-4;14.04.2020;20.04.2020\n", encoding="utf-8")
    open_as(page, f"{server['url']}/daten")
    wait_until_idle(page)
    choose_option(page, "Programm der Dateien", "Sozialwirtschaft integriert")
    wait_until_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(march)])
    expect(page.get_by_text("Kopfzeile: Zeile 2")).to_be_visible()
    wait_until_idle(page)
    for label, option in (("Nr.", "Teilnehmer-ID"), ("Projektstart", "Eintritt"), ("Begleitung ab", "Coaching ab")):
        choose_option(page, label, option)
        wait_until_idle(page)
    screenshot(page, "daten-assistent-zuordnung")
    page.get_by_role("button", name="Zuordnung speichern und laden").click()
    expect(page.get_by_text("maerz.csv [Tracking-Blatt]: geladen – gelesen 2, geladen 2, abgewiesen 0")).to_be_visible()
    assert (server["folder"] / "mappings" / "sozialwirtschaft-integriert.toml").exists()
    wait_until_idle(page)
    # next month: the same program, the same headers; nothing is touched but the upload and the button
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(april)])
    expect(page.get_by_text("Gespeicherte Zuordnung des Programms angewendet.", exact=False)).to_be_visible()
    wait_until_idle(page)
    page.get_by_role("button", name="Zuordnung speichern und laden").click()
    expect(page.get_by_text("april.csv [Tracking-Blatt]: geladen – gelesen 2, geladen 2, abgewiesen 0")).to_be_visible()
    wait_until_idle(page)
    assert_no_error(page)
    screenshot(page, "daten-assistent-naechster-monat")
