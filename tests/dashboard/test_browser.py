"""The critical path in a real browser (tests/helpers/browser.py: a real `streamlit run` server on a
copy of the demo store, Debian's chromium through Playwright): the root URL, the Kassel overview,
an upload and the import assistant; every page by its URL is in test_browser_pages.py. Screenshots
land in tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import pytest

from tests.helpers.app import KASSEL
from tests.helpers.browser import assert_no_error, open_as, screenshot, wait_until_idle

pytestmark = pytest.mark.browser

KASSEL_QUERY = f"?program={KASSEL}&as_of=2020-08-31"


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
