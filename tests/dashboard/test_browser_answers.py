"""Bookmarkable views in a real browser: a link to every page (program, date, language and one of
the page's own options) opened in a fresh browser context shows that view; the link the page
offers under "Link kopieren" does the same; the start page's row links; the print view."""

from __future__ import annotations

import re

import pytest

from tests.helpers.app import ARTIFACTS, KASSEL
from tests.helpers.browser import assert_no_error, open_as, screenshot, wait_until_idle

pytestmark = pytest.mark.browser

BASE = f"program={KASSEL}&as_of=2020-08-31&lang=en"
# page -> (the page's own option in the link, what shows that view — in English, as the link asks)
BOOKMARKS = {
    "start": ("state=met", ["Programs at a glance"]),
    "uebersicht": ("", ["Overview: Sozialwirtschaft integriert · 2020-08-31", "51 of 50 · 102%"]),
    "verlauf": ("", ["Progress", "Entries and outcomes per month"]),
    "vergleich": ("by=cohort&status=employment", ["Comparison", "Time to outcome"]),
    "verlaeufe": ("", ["Participant pathways", "Exit reasons"]),
    "ziele": (f"edit={KASSEL}", ["Targets"]),
    "bericht": ("from=2019-01-01&to=2020-06-30&internal=1", ["Report"]),
    "programme": ("year=2021", ["ESF indicators"]),
    "daten": ("", ["Data"]),
    "hilfe": ("", ["Help", "What each number counts"]),
}


def open_fresh(browser, url: str):
    """A new browser context (no cookies, no session) on `url`."""
    from playwright.sync_api import expect

    expect.set_options(timeout=45_000)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    tab = context.new_page()
    tab.set_default_timeout(45_000)
    open_as(tab, url)          # a fresh browser meets the login first, then the bookmarked view
    return context, tab


@pytest.mark.parametrize("slug", list(BOOKMARKS))
def test_a_bookmarked_link_shows_the_same_view_in_a_fresh_browser(server, browser, slug):
    from playwright.sync_api import expect

    option, shown = BOOKMARKS[slug]
    url = f"{server['url']}/{slug}?{BASE}" + (f"&{option}" if option else "")
    context, tab = open_fresh(browser, url)
    try:
        for words in shown:
            expect(tab.get_by_text(words, exact=False).first).to_be_visible()
        assert_no_error(tab)
        sidebar = tab.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Sozialwirtschaft integriert")).to_be_visible()   # the program chip
        expect(sidebar.get_by_test_id("stDateInput").locator("input")).to_have_value("2020-08-31")
        # the page's option is on screen, and still in the address
        if slug == "start":   # only met targets: the agreement's row first (a canvas table: its DOM mirror)
            expect(tab.get_by_test_id("stMultiSelect").filter(has_text="State")).to_contain_text("met")
            expect(tab.get_by_test_id("glide-cell-3-0")).to_have_text("51 of 50")
            expect(tab.get_by_test_id("glide-cell-2-0")).to_have_text("✔ met")
        if slug == "vergleich":
            expect(tab.get_by_test_id("stSelectbox").filter(has_text="Group by").locator("input")).to_have_value("Cohort")
            expect(tab.get_by_test_id("stSelectbox").filter(has_text="Outcome").locator("input")).to_have_value("Employment")
        if slug == "bericht":
            expect(tab.get_by_test_id("stDateInput").filter(has_text="From").locator("input")).to_have_value(
                "2019-01-01")
        if slug == "programme":
            expect(tab.get_by_test_id("stSelectbox").filter(has_text="Year").first.locator("input")).to_have_value("2021")
        for part in [BASE, option]:
            for pair in filter(None, part.split("&")):
                assert pair in tab.url, (pair, tab.url)
        screenshot(tab, f"bookmark_{slug}")
    finally:
        context.close()


def test_the_copied_link_opens_the_same_comparison_elsewhere(server, browser):
    from playwright.sync_api import expect

    context, tab = open_fresh(browser, f"{server['url']}/vergleich?{BASE}")
    try:
        tab.get_by_test_id("stSelectbox").filter(has_text="Group by").click()
        tab.get_by_role("option", name="Cohort").click()
        wait_until_idle(tab)
        tab.get_by_test_id("stSidebar").get_by_text("Copy link").click()
        link = tab.get_by_test_id("stCode").inner_text().strip()
        assert link.startswith(f"{server['url']}/vergleich?") and "by=cohort" in link and "lang=en" in link
    finally:
        context.close()
    context, other = open_fresh(browser, link)
    try:
        expect(other.get_by_test_id("stSelectbox").filter(has_text="Group by").locator("input")).to_have_value("Cohort")
        expect(other.get_by_text("Comparison").first).to_be_visible()
        assert_no_error(other)
    finally:
        context.close()


def test_root_opens_the_start_page_and_a_row_link_the_overview(server, page):
    from playwright.sync_api import expect

    open_as(page, f"{server['url']}/?as_of=2020-08-31")
    wait_until_idle(page)
    expect(page.get_by_text("Programme im Überblick").first).to_be_visible()
    assert re.search(r"/start\?", page.url), page.url
    screenshot(page, "start")
    page.get_by_role("button", name="Übersicht: Sozialwirtschaft integriert").click()
    wait_until_idle(page)
    expect(page.get_by_text("Übersicht: Sozialwirtschaft integriert · 31.08.2020").first).to_be_visible()
    expect(page.get_by_text("51 von 50 · 102 %")).to_be_visible()
    assert_no_error(page)


def test_print_view_has_no_sidebar_and_names_program_and_date(server, page):
    from playwright.sync_api import expect

    open_as(page, f"{server['url']}/uebersicht?program={KASSEL}&as_of=2020-08-31")
    wait_until_idle(page)
    page.emulate_media(media="print")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    head = page.locator(".wm-print-head")
    expect(head).to_be_visible()
    expect(head).to_have_text("Wirkungsmonitor · Sozialwirtschaft integriert · Stichtag 31.08.2020")
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "print_uebersicht.pdf"), format="A4")
    page.screenshot(path=str(ARTIFACTS / "print_uebersicht.png"), full_page=True)
