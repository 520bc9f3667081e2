"""People and access in a real browser (Debian chromium via Playwright, a real `streamlit run` on a copy
of the demo store, as in test_browser.py): each demo account logs in through the login page and sees
what its role allows; an office account logs in through an OpenID Connect provider (tests/helpers/oidc.py)
with Streamlit's st.login. Screenshots land in tests/artifacts/access-*.png."""

from __future__ import annotations

import re

import pytest

from dashboard.serve import free_port
from pipelines.access import LOCAL_ADMIN, accounts
from pipelines.store import db
from tests.helpers.app import KASSEL, PERMENTI
from tests.helpers.browser import (
    assert_no_error,
    dashboard,
    need_browser,
    screenshot,
    wait_until_idle,
)
from tests.helpers.oidc import Provider
from tests.helpers.stores import copy_store

pytestmark = pytest.mark.browser

OFFICE_EMAIL = "kassel@stadt-kassel.de"


@pytest.fixture(scope="module")
def server(demo_path, tmp_path_factory):
    """The dashboard on a copy of the demo store (plus an office account named by its e-mail address),
    with an OIDC provider configured in its secrets.toml."""
    need_browser()
    folder = tmp_path_factory.mktemp("browser-access")
    store = copy_store(demo_path, folder)
    with db.writing(store) as con:
        accounts.add(con, OFFICE_EMAIL, "lead", None, programs=[KASSEL], actor=LOCAL_ADMIN)
    port = free_port()
    with Provider(claims={"sub": "k-1", "email": OFFICE_EMAIL, "email_verified": True}) as idp:
        secrets = folder / "secrets.toml"
        secrets.write_text(idp.secrets_toml(f"http://127.0.0.1:{port}/oauth2callback",
                                            "a-cookie-secret-for-the-browser-test"), encoding="utf-8")
        with dashboard(store, folder, "--secrets.files", str(secrets), port=port) as running:
            yield {**running, "idp": idp}


def log_in(page, url: str, name: str, query: str = "") -> None:
    """Open the dashboard (with `query`) and log in through the form; the session keeps the query."""
    from playwright.sync_api import expect

    page.goto(f"{url}/{query}")
    expect(page.get_by_role("heading", name="Anmelden", level=1)).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Passwort").fill("demo")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Angemeldet als {name}")).to_be_visible()
    wait_until_idle(page)


def go(page, title: str) -> None:
    """Open a page through the sidebar (the same session: a new URL would start a new one)."""
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebar").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    wait_until_idle(page)


def test_kassel_sees_only_kassel_even_when_the_url_names_permenti(server, page):
    from playwright.sync_api import expect

    log_in(page, server["url"], "kassel", f"?program={PERMENTI}&as_of=2020-08-31")
    assert_no_error(page)
    # the URL's program is dropped without a word: her own program is chosen, as on a plain visit
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect")).to_contain_text("Sozialwirtschaft integriert")
    expect(page.get_by_test_id("stMain").get_by_test_id("stMetricValue").first).to_have_text("155")
    page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert options == []                 # Kassel is chosen, and nothing else is offered
    assert "PerMenti" not in page.inner_text("body") and PERMENTI not in page.inner_text("body")
    screenshot(page, "access-kassel-url-permenti")
    for title in ("Vergleich", "Bericht", "Daten"):
        go(page, title)
        assert_no_error(page)
        assert "PerMenti" not in page.inner_text("body") and PERMENTI not in page.inner_text("body")
    screenshot(page, "access-kassel-daten")


def test_the_ministry_sees_no_count_of_one_or_two_on_the_overview_and_the_comparison(server, page):
    """Kassel on 31.03.2019: 2 in employment and 4 in training (three sites of 1, 1 and 2: the report hides
    it) are *; the comparison by site hides the sites' training counts and draws no time curves."""
    from playwright.sync_api import expect

    log_in(page, server["url"], "ministerium", f"?program={KASSEL}&as_of=2019-03-31")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stMetricValue")).to_have_count(5)
    values = main.get_by_test_id("stMetricValue").all_inner_texts()
    assert values == ["67", "62", "62", "*", "*"]
    for card_text in main.get_by_test_id("stMarkdownContainer").all_inner_texts():
        assert not re.search(r"^\s*[12] von ", card_text), card_text
    expect(page.get_by_text("Veröffentlichungssichere Zahlen wie im Bericht")).to_be_visible()
    expect(page.get_by_text("Werte 1 und 2")).to_have_count(0)
    expect(main.get_by_text("* = Fallzahl unterdrückt (kleine Zahl oder aus ihr errechenbar)")).to_be_visible()
    assert_no_error(page)
    screenshot(page, "access-ministerium-uebersicht")
    expect(page.get_by_test_id("stSidebar").get_by_role("link", name="Konten und Protokoll")).to_have_count(0)

    go(page, "Vergleich")
    wait_until_idle(page)
    expect(main.get_by_text("Zeitverläufe (Kaplan–Meier-Kurven")).to_be_visible()
    expect(main.get_by_text("nach Merkmal")).to_have_count(0)          # no choice of typed groups
    expect(main.get_by_test_id("stPlotlyChart")).to_have_count(1)     # the shares; no curves
    expect(main.get_by_text("* = Fallzahl unterdrückt (kleine Zahl oder aus ihr errechenbar)")).to_be_visible()
    assert_no_error(page)
    screenshot(page, "access-ministerium-vergleich")


def test_the_evaluator_gets_no_upload_on_the_daten_page(server, page):
    from playwright.sync_api import expect

    log_in(page, server["url"], "evaluation")
    go(page, "Daten")
    expect(page.get_by_text("Mit dieser Rolle werden hier keine Daten geladen")).to_be_visible()
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
    expect(page.get_by_role("button", name="Zuordnung speichern und laden")).to_have_count(0)
    assert_no_error(page)
    screenshot(page, "access-evaluation-daten")


def test_the_admin_page_lists_the_accounts_and_the_log(server, page):
    from playwright.sync_api import expect

    log_in(page, server["url"], "admin")
    go(page, "Konten und Protokoll")
    expect(page.get_by_text("Protokoll als CSV")).to_be_visible()
    assert_no_error(page)
    screenshot(page, "access-admin")


def test_an_office_account_logs_in_through_the_identity_provider(server, page):
    from playwright.sync_api import expect

    page.goto(server["url"])
    page.get_by_role("button", name="Mit dem Konto der Verwaltung anmelden").click()
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Angemeldet als {OFFICE_EMAIL}")).to_be_visible()
    wait_until_idle(page)
    assert_no_error(page)
    assert any(path.startswith("/authorize?") for _, path in server["idp"].requests)
    assert ("POST", "/token") in server["idp"].requests
    programs = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect")
    expect(programs).to_contain_text("Sozialwirtschaft integriert")
    programs.click()
    assert page.get_by_role("option").all_inner_texts() == []      # nothing else offered
    page.keyboard.press("Escape")
    screenshot(page, "access-oidc-kassel")
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("button", name="Mit dem Konto der Verwaltung anmelden")).to_be_visible()
    con = db.connect(server["store"], read_only=True)
    try:
        assert con.execute("select count(*) from audit_log where action = 'login' and actor = ?",
                           [OFFICE_EMAIL]).fetchone()[0] == 1
    finally:
        con.close()
