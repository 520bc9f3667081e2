"""The Vergleich page's fair comparison in a real browser (Debian chromium): PerMenti by site on
31.12.2020 — the table with difference, p and adjusted share, the curves with their band and the
numbers at risk under them. Screenshot: tests/artifacts/vergleich-fair.png."""

from __future__ import annotations

import pytest

from tests.helpers.browser import assert_no_error, open_as, screenshot, wait_until_idle
from tests.helpers.app import PAGES, PERMENTI

pytestmark = pytest.mark.browser


def test_the_comparison_shows_difference_band_and_numbers_at_risk(server, page):
    from playwright.sync_api import expect

    _, slug, _ = PAGES["compare"]
    open_as(page, f"{server['url']}/{slug}?program={PERMENTI}&as_of=2020-12-31&status=training&by=site")
    expect(page.get_by_text("Zeit bis zum Ergebnis").first).to_be_visible()
    wait_until_idle(page)
    assert_no_error(page)
    expect(page.get_by_text("Anteil der Gruppe minus Anteil aller übrigen zusammen", exact=False)).to_be_visible()
    expect(page.get_by_text("Noch unter Beobachtung ohne Ergebnis").first).to_be_visible()   # the risk table
    # the band: one filled area per site in the curves chart
    assert page.locator(".js-plotly-plot").count() == 2
    fills = page.locator(".js-plotly-plot").nth(1).locator("path.js-fill")
    assert fills.count() >= 3
    assert screenshot(page, "vergleich-fair").stat().st_size > 10_000
