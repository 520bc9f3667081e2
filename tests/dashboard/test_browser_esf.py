"""The ESF page in a real browser (issue 14): the chart's legend names only what is drawn, its axis has
no empty year, and the page reads German (English with ?lang=en). Screenshots: tests/artifacts/esf_*.png."""

from __future__ import annotations

import pytest

from tests.helpers.browser import assert_no_error, open_as, screenshot

pytestmark = pytest.mark.browser


def chart_facts(tab) -> dict:
    """What the page's one plotly chart draws: legend entries, drawn target lines, x tick labels."""
    chart = tab.locator(".js-plotly-plot").first
    chart.locator(".legendtext").first.wait_for()
    texts = "els => els.map(e => e.textContent)"        # SVG text has no innerText
    return {"legend": chart.locator(".legendtext").evaluate_all(texts),
            "lines": chart.locator(".scatterlayer .trace").count(),
            "ticks": chart.locator(".xtick text").evaluate_all(texts)}


@pytest.mark.parametrize("lang,achieved,target", [("de", "Ist (kumuliert)", "Soll"),
                                                  ("en", "Achieved (cumulative)", "Target")])
def test_a_target_line_is_drawn_where_the_legend_names_one(server, page, lang, achieved, target):
    from playwright.sync_api import expect

    open_as(page, f"{server['url']}/programme?indicator=CO23&lang={lang}")
    expect(page.get_by_test_id("stSelectbox").last.locator("input")).to_have_value(
        "Schleswig-Holstein  - ESF – CO23 (OESF)")
    facts = chart_facts(page)
    assert facts == {"legend": [achieved, target], "lines": 1,
                     "ticks": ["2015", "2016", "2017", "2018", "2019", "2020", "2021"]}
    assert_no_error(page)
    body = page.inner_text("body")
    assert '{"' not in body and "Choose an option" not in body
    assert screenshot(page, f"esf_{lang}").stat().st_size > 10_000


def test_no_target_no_legend_entry_and_no_empty_year(server, page):
    from playwright.sync_api import expect

    open_as(page, f"{server['url']}/programme?indicator=CO01")
    expect(page.get_by_text("keinen Zielwert").first).to_be_visible()
    assert chart_facts(page) == {"legend": ["Ist (kumuliert)"], "lines": 0,
                                 "ticks": ["2015", "2016", "2017", "2018", "2019", "2020"]}
    assert_no_error(page)
