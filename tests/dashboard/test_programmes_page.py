"""The ESF page (AppTest, demo store with the EU's ESF figures): German column names (English with
?lang=en) in every table and CSV, breakdowns as text, a chart that draws what its legend names, and
years on its axis only where there is data (issue 14)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard import charts
from dashboard.i18n import Labels
from tests.helpers.app import MediaRecorder, new_app, open_page, problems

CODES = {"programme", "title", "fund", "indicator_type", "indicator", "indicator_name", "breakdown", "year",
         "achieved", "target", "attainment", "flag", "unit", "first_year", "last_year", "reason"}


@pytest.fixture
def demo_store(demo_path, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_path))
    return demo_path


def esf_page(lang="de", indicator=None):
    at = new_app()
    at.query_params["lang"] = lang
    at = open_page(at, "programmes")
    if indicator:
        at.selectbox(key="prog_code").set_value(indicator)
        at.run()
    return at


def figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_every_table_and_csv_speaks_german_and_shows_breakdowns_as_text(demo_store):
    recorder = MediaRecorder()
    with recorder.recording():
        at = esf_page(indicator="CO23")
    assert problems(at) == []
    overview, detail, odd = (d.value for d in at.dataframe)
    assert list(odd.columns) == ["Operationelles Programm (OP)", "Titel", "Fonds", "Indikatortyp", "Indikator",
                                 "Indikatorname", "Aufschlüsselung", "Jahre", "Soll", "Ist (kumuliert)", "Einheit",
                                 "Hinweis", "Grund"]
    for frame in (overview, detail, odd):
        assert not CODES & set(frame.columns)
        assert not frame.astype(str).apply(lambda c: c.str.contains("{", regex=False)).any().any()
    # Schleswig-Holstein's SMEs supported (CO23): one breakdown, target 5.900 revised to 5.138 in 2020
    assert list(detail.iloc[5]) == ["2020", "Prioritätsachse A, Investitionspriorität 8v, Regionenkategorie: "
                                    "stärker entwickelt", "2.693", "5.138", "52 %", ""]
    assert all(b.startswith("Prioritätsachse ") for b in odd["Aufschlüsselung"])
    assert "Investitionspriorität 9i" in odd["Aufschlüsselung"].iloc[0]
    assert odd["Jahre"].str.fullmatch(r"\d{4}(–\d{4})?").all()
    for button in at.get("download_button"):
        header = recorder.content(button).decode("utf-8-sig").splitlines()[0].split(";")
        assert not CODES & set(header), header
    breakdown_csv = recorder.content(at.get("download_button")[2]).decode("utf-8-sig")
    assert "2020;Prioritätsachse A, Investitionspriorität 8v, Regionenkategorie: stärker entwickelt;2693;5138;" \
        in breakdown_csv


def test_english_with_lang_en(demo_store):
    at = esf_page("en", indicator="CO23")
    assert problems(at) == []
    overview, detail, odd = (d.value for d in at.dataframe)
    assert list(detail.columns) == ["Year", "Breakdown", "Achieved (cumulative)", "Target", "Attainment", "Flag"]
    assert detail.iloc[5]["Breakdown"] == "Priority axis A, investment priority 8v, region category: more developed"
    assert detail.iloc[5]["Achieved (cumulative)"] == "2,693"
    assert "Operational programme" in overview.columns and "Breakdown" in odd.columns


def test_the_chart_draws_the_target_it_names_on_the_years_with_data(demo_store):
    at = esf_page(indicator="CO23")
    [fig] = figures(at)
    names = [trace["name"] for trace in fig["data"]]
    assert names == ["Ist (kumuliert)", "Soll"]
    bars, target = fig["data"]
    assert bars["x"] == ["2015", "2016", "2017", "2018", "2019", "2020", "2021"]   # 2021: the target only
    assert target["y"] == [5900.0, 5900.0, 5900.0, 5900.0, 5900.0, 5138.0, 5138.0]
    assert fig["layout"]["xaxis"]["type"] == "category"


def test_no_target_at_programme_level_means_no_target_in_the_legend_and_a_note(demo_store):
    at = esf_page(indicator="CO01")     # Schleswig-Holstein: the 10i breakdown has no target
    [fig] = figures(at)
    assert [trace["name"] for trace in fig["data"]] == ["Ist (kumuliert)"]
    assert fig["data"][0]["x"] == ["2015", "2016", "2017", "2018", "2019", "2020"]      # no empty 2021 slot
    assert any("keinen Zielwert" in c.value for c in at.caption)


def test_the_chart_function_keeps_years_with_a_value_only():
    frame = pd.DataFrame({"year": [2019, 2020, 2021], "achieved": [10.0, None, None],
                          "target": [None, 30.0, None], "revised": [False, True, False]})
    fig = charts.indicator_history(frame, Labels("de")).to_plotly_json()
    assert [list(t["x"]) for t in fig["data"]] == [["2019", "2020"], ["2019", "2020"]]
    assert fig["data"][1]["marker"]["symbol"] == ["circle", "diamond"]
    assert fig["layout"]["separators"] == ",."


def test_the_year_filter_offers_the_years_of_the_data(demo_store):
    at = esf_page()
    assert at.selectbox(key="prog_year").options == ["alle", "2015", "2016", "2017", "2018", "2019", "2020", "2021"]
