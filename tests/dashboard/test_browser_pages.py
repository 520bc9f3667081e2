"""Every page in a real browser (tests/helpers/browser.py: a real `streamlit run` on a copy of the demo
store, Debian's chromium through Playwright), walked through in one logged-in session; a screenshot of
each lands in tests/artifacts/. Apart from test_browser.py so that the two files run on two workers at
once (pytest-xdist keeps a file on one)."""

from __future__ import annotations

import pytest

from tests.helpers.app import KASSEL, PAGES
from tests.helpers.browser import assert_no_error, fresh_page, open_as, screenshot, wait_until_idle

pytestmark = pytest.mark.browser

KASSEL_QUERY = f"?program={KASSEL}&as_of=2020-08-31"


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


@pytest.fixture(scope="module")
def session(server, browser):
    """One visitor, logged in once through a bookmarked Kassel link, who then walks through the pages."""
    with fresh_page(browser) as tab:
        open_as(tab, f"{server['url']}/uebersicht{KASSEL_QUERY}")
        yield tab


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_opens_with_its_own_url_and_keeps_the_view(server, session, name):
    """Each page from the sidebar, in the same session: its title, what shows it has drawn, no error, its
    own path in the address with the program and date kept. (Each page's URL opened in a fresh browser,
    login first, is test_browser_answers.py's bookmark test.)"""
    from playwright.sync_api import expect

    page = session
    _, slug, title = PAGES[name]
    page.get_by_test_id("stSidebar").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    if slug in READY:
        expect(page.get_by_text(READY[slug], exact=False).first).to_be_visible()
    wait_until_idle(page)
    assert_no_error(page)
    path, _, query = page.url.partition("?")
    assert path == f"{server['url']}/{slug}"
    assert f"program={KASSEL}" in query and "as_of=2020-08-31" in query, page.url
    expect(page.get_by_test_id("stSidebar").get_by_role("link", name=title)).to_be_visible()
    assert screenshot(page, slug).stat().st_size > 10_000
