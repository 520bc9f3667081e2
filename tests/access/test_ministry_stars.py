"""A hidden value is `*` wherever the ministry sees or downloads it (issue 13), with the report's legend;
other roles see the numbers and no legend. AppTest on the demo store, Kassel on 31.03.2019: 1 or 2 women
in employment (hidden), 4 in training (hidden too: three sites of 1 or 2 each — the report hides it, and
the pages and the report are one publication), 5 in training or employment, 67 entered."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.i18n import Labels
from dashboard.widgets import escaped
from pipelines import text
from tests.access.test_ministry_pages import small_counts
from tests.helpers.app import KASSEL, MediaRecorder, choose, new_app, open_page, problems

EARLY = dt.date(2019, 3, 31)
LEGEND = escaped(text.say("report.star", "de"))      # as st.caption gets it: "* = Fallzahl unterdrückt (…)"
EMPLOYMENT = "Mindestens 25 Frauen in sozialversicherungspflichtiger Beschäftigung"


@pytest.fixture
def demo_store(demo_path, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_path))
    return demo_path


def page_as(page, user="ministerium", role="ministry", recorder=None):
    at = new_app(user, role).run()
    choose(at, [KASSEL], EARLY)
    return open_page(at, page)


def csvs(at, recorder) -> list[list[list[str]]]:
    """Every download of the page as rows of cells."""
    return [[line.split(";") for line in recorder.content(b).decode("utf-8-sig").splitlines()]
            for b in at.get("download_button")]


def legend_shown(at) -> bool:
    return LEGEND in [c.value for c in at.caption]


def test_the_overview_card_of_a_hidden_count_shows_star_of_25_and_no_forecast(demo_store):
    at = page_as("overview")
    assert problems(at) == []
    headings = [m.value for m in at.markdown if m.value.startswith("### ")]
    # the four cards: agreement 5 of 50, employment hidden, 67 of 150 entered, training hidden (4 of 50 until
    # the pages were one publication with the report, which hides it)
    assert headings == ["### 5 von 50 · 10 %", r"### \* von 25 · \*", "### 67 von 150 · 45 %", r"### \* von 50 · \*"]
    assert r"\* \(kleine Fallzahl\)" in [m.value for m in at.markdown]
    assert not any("– von" in m.value for m in at.markdown)
    assert legend_shown(at)


def test_the_lead_sees_the_number_and_no_legend(demo_store):
    at = page_as("overview", "kassel", "lead")
    headings = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert headings[0] == "### 5 von 50 · 10 %" and "*" not in headings[1] and "von 25" in headings[1]
    assert not legend_shown(at)


def test_the_start_table_shows_star_for_the_hidden_card(demo_store):
    at = page_as("start")
    assert problems(at) == []
    table = at.dataframe[0].value.set_index("Ziel")
    row = table.loc[EMPLOYMENT]
    assert (row["Erreicht / Ziel"], row["Zielerreichung"], row["Prognose zum Ende"], row["Wahrscheinlichkeit"]) == (
        "* von 25", "*", "*", "*")
    assert table.loc["Mindestens 50 Frauen in Ausbildung", "Erreicht / Ziel"] == "* von 50"
    assert table.loc["Mindestens 150 Frauen eingetreten", "Erreicht / Ziel"] == "67 von 150"
    assert legend_shown(at)


def test_the_progress_downloads_give_star_for_hidden_months(demo_store):
    recorder = MediaRecorder()
    with recorder.recording():
        at = page_as("progress")
    assert problems(at) == []
    agreement, employment, entered, training, monthly = csvs(at, recorder)
    achieved = {r[0]: r[1] for r in employment[1:] if r[2] == "achieved"}
    # employment: nobody until December 2018, then 1 or 2 (hidden) in the first quarter of 2019; no forecast
    assert [achieved[m] for m in ("31.12.2018", "31.01.2019", "28.02.2019", "31.03.2019")] == ["0", "*", "*", "*"]
    assert not [r for r in employment[1:] if r[2] == "forecast"]
    # the agreement (training or employment): 0 until September 2018, hidden Oct–Dec (a step of 1 or 2
    # would show), 5 from January 2019
    agreed = {r[0]: r[1] for r in agreement[1:] if r[2] == "achieved"}
    assert [agreed[m] for m in ("30.09.2018", "31.10.2018", "31.12.2018", "31.01.2019")] == ["0", "*", "*", "5"]
    for table in (agreement, employment, entered, training):
        assert not small_counts(r[1] for r in table[1:] if r[2] == "achieved")
    assert "*" in [r[2] for r in monthly[1:]] and not small_counts(r[2] for r in monthly[1:])
    assert legend_shown(at)


def test_the_funnel_charts_tables_and_downloads_give_star(demo_store):
    recorder = MediaRecorder()
    with recorder.recording():
        at = page_as("funnel")
    assert problems(at) == []
    stages, outcomes, exits = csvs(at, recorder)
    assert ["reached", "employment", "*", "*", "Beschäftigung"] in stages
    assert ["reached", "employment", "*", "*", "Beschäftigung"] in outcomes
    assert [r[:2] for r in exits[1:]] == [["completed", "0"], ["dropped_out", "*"], ["moved", "*"], ["other", "*"]]
    charts = {chart.proto.spec for chart in at.get("plotly_chart")}
    assert any('"text":["*","*","0","0"]' in spec.replace(" ", "") for spec in charts)   # Je Ergebnis
    assert legend_shown(at)


def everything(at) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "text", "info", "warning")
                    for e in getattr(at, kind))


@pytest.mark.parametrize("page", ["overview", "progress", "funnel", "compare"])
def test_every_page_of_the_ministry_has_the_report_s_legend_and_not_the_old_rule(demo_store, page):
    at = page_as(page)
    assert problems(at) == []
    assert legend_shown(at)
    assert "Werte 1 und 2" not in everything(at)
    assert escaped(text.say("access.publication_note_all", "de")) in [c.value for c in at.sidebar.caption]


def test_the_ministry_compares_by_one_attribute_without_curves(demo_store):
    """Kassel on 31.03.2019 by site, training: the three sites' 1, 1 and 2 are *, and so is everything
    computed from them; no Kaplan–Meier curve, no typed groups, no single ISCED levels, coaches or mentors —
    the page says why."""
    at = page_as("compare")
    assert problems(at) == []
    assert [r.label for r in at.radio] == []                      # no choice of typed groups
    assert {"qualification_level", "coach_id", "mentor_id"} & set(at.selectbox(key="cmp_by").options) == set()
    assert at.selectbox(key="cmp_by").value == "site"
    table = at.dataframe[0].value.astype(str)
    assert table["n"].tolist() == ["33", "21", "13"]
    assert table["erreicht"].tolist() == ["*", "*", "*"]
    assert len(at.get("plotly_chart")) == 1                          # the shares, no curves
    assert [i.value for i in at.info] == [Labels("de")("compare.ministry_curves")]
    assert Labels("de")("compare.ministry_groups") in [c.value for c in at.caption]
