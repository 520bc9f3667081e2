"""Questions about stored indicators: breakdown and programme level, flags, target history, overview,
implausible targets (and the words for flags and reasons).

Expected numbers are worked out by hand from the small files in tests/data/indicators.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines import indicators as ind
from pipelines.store import db
from pipelines.text.indicators import flag_label, implausible_reason
from tests.indicators.files import A_8I, B_9I, DATA, TESTLAND, loaded, one


def test_esif_cr01_under_esf_and_yei_are_different_indicators(con):
    loaded(con, DATA / "esif_small.csv")
    rows = ind.indicator_table(con, programme=TESTLAND, indicator="CR01")
    assert [(r["fund"], r["indicator_type"], r["achieved"]) for r in rows] == [
        ("ESF", "RESF", 40.0), ("YEI", "RYEI", 15.0)]
    programme = ind.indicator_table(con, programme=TESTLAND, indicator="CR01", level="programme")
    assert [(r["fund"], r["achieved"]) for r in programme] == [("ESF", 40.0), ("YEI", 15.0)]


def test_esif_breakdown_values_and_flags(con):
    loaded(con, DATA / "esif_small.csv")
    rows = ind.indicator_table(con, programme=TESTLAND, year=2020)
    co01 = one(rows, indicator="CO01", breakdown=A_8I)
    assert (co01["target"], co01["achieved"], co01["flag"]) == (500.0, 480.0, None)
    assert co01["attainment"] == pytest.approx(480 / 500)
    assert co01["title"] == "Testland - ESF" and co01["unit"] == "Number"
    no_target = one(rows, indicator="CO02", breakdown=A_8I)
    assert (no_target["target"], no_target["achieved"], no_target["attainment"], no_target["flag"]) == (
        None, 75.0, None, "no_target")
    far = one(rows, indicator="CO05")
    assert far["attainment"] == pytest.approx(4.5)  # 45 of 10
    assert far["flag"] == "achieved_far_above_target"
    pct = one(rows, indicator="CR03")
    assert (pct["target"], pct["achieved"], pct["attainment"], pct["flag"]) == (
        65.0, 180.0, None, "target_looks_like_percentage")
    later = one(ind.indicator_table(con, programme=TESTLAND, year=2021, indicator="CO01"), breakdown=B_9I)
    assert (later["target"], later["achieved"], later["flag"]) == (120.0, None, "no_achievement_yet")


def test_esif_programme_level_sums_breakdowns_never_years(con):
    loaded(con, DATA / "esif_small.csv")
    rows = ind.indicator_table(con, programme=TESTLAND, indicator="CO01", level="programme")
    # A/8i + B/9i per year: 2018 150+60 of 400+100; 2019 320+90 of 500+100; 2020 480+130 of 500+120
    assert [(r["year"], r["achieved"], r["target"], r["breakdown"]) for r in rows] == [
        (2018, 210.0, 500.0, {}), (2019, 410.0, 600.0, {}), (2020, 610.0, 620.0, {}),
        (2021, None, 620.0, {})]
    assert rows[2]["attainment"] == pytest.approx(610 / 620)
    assert rows[3]["flag"] == "no_achievement_yet"
    # CO02: 75 (no target) + 25 (target 50): the sum has no target
    co02 = one(ind.indicator_table(con, programme=TESTLAND, indicator="CO02", level="programme"), year=2020)
    assert (co02["achieved"], co02["target"], co02["attainment"], co02["flag"]) == (
        100.0, None, None, "partial_target")


def test_esif_programme_level_within_region_category(con):
    loaded(con, DATA / "esif_small.csv")
    rows = ind.indicator_table(con, programme=TESTLAND, indicator="CO01", year=2020,
                               region_category="Transition", level="programme")
    # only B/9i is in a transition region: its own row is the programme level there
    assert [(r["achieved"], r["target"], r["breakdown"]) for r in rows] == [(130.0, 120.0, B_9I)]


def test_target_history_marks_revisions(con):
    loaded(con, DATA / "esif_small.csv")
    assert ind.target_history(con, TESTLAND, "ESF", "OESF", "CO01", A_8I) == [
        {"year": 2018, "target": 400.0, "achieved": 150.0, "revised": False},
        {"year": 2019, "target": 500.0, "achieved": 320.0, "revised": True},
        {"year": 2020, "target": 500.0, "achieved": 480.0, "revised": False},
        {"year": 2021, "target": 500.0, "achieved": None, "revised": False},
    ]
    assert ind.target_history(con, TESTLAND, "ESF", "OESF", "CO01") == [
        {"year": 2018, "target": 500.0, "achieved": 210.0, "revised": False},
        {"year": 2019, "target": 600.0, "achieved": 410.0, "revised": True},
        {"year": 2020, "target": 620.0, "achieved": 610.0, "revised": True},
        {"year": 2021, "target": 620.0, "achieved": None, "revised": False},
    ]


def test_programme_overview_latest_year_with_achievement(con):
    loaded(con, DATA / "esif_small.csv")
    overview = ind.programme_overview(con)
    assert list(overview.columns) == ind.OVERVIEW_COLUMNS
    assert overview[["indicator", "fund"]].values.tolist() == [
        ["CO01", "ESF"], ["CO02", "ESF"], ["CO05", "ESF"], ["CR01", "ESF"], ["CR03", "ESF"],
        ["CR01", "YEI"]]
    co01 = overview[overview.indicator == "CO01"].iloc[0]
    assert (co01.year, co01.achieved, co01.target) == (2020, 610.0, 620.0)  # not 2021: no achievement yet
    assert co01.attainment == pytest.approx(610 / 620)
    earlier = ind.programme_overview(con, year=2019)
    co01 = earlier[earlier.indicator == "CO01"].iloc[0]
    assert (co01.year, co01.achieved, co01.target) == (2019, 410.0, 600.0)


def test_implausible_targets_lists_reasons(con):
    loaded(con, DATA / "esif_small.csv")
    listed = ind.implausible_targets(con)
    assert listed[["indicator", "flag"]].values.tolist() == [
        ["CO05", "achieved_far_above_target"], ["CR03", "target_looks_like_percentage"]]
    reasons = listed.to_dict("records")
    assert "4,5-Fache des Zielwerts 10" in implausible_reason(reasons[0])
    assert listed.breakdown[1] == A_8I and listed.first_year[1] == 2020
    assert "looks like a percentage" in implausible_reason(reasons[1], "en")


def test_generic_programme_level(con):
    loaded(con, DATA / "generic_de.csv", sep=";")
    rows = ind.indicator_table(con, programme="sozialwirtschaft-integriert", level="programme")
    # Eintritte: Nord + Süd = 40 + 35 of 60 + 50 (2019), 85 + 70 of 80 + 50 (2020)
    eintritte = [(r["year"], r["achieved"], r["target"]) for r in rows if r["indicator"] == "EINTRITTE"]
    assert eintritte == [(2019, 75.0, 110.0), (2020, 155.0, 130.0)]
    ausbildung = one(rows, indicator="AUSBILDUNG", year=2020)
    assert (ausbildung["achieved"], ausbildung["target"], ausbildung["breakdown"]) == (37.0, 50.0, {})
    assert ausbildung["attainment"] == pytest.approx(0.74)
    # a percentage is not summed: both sites come back, flagged
    quote = [r for r in rows if r["indicator"] == "QUOTE"]
    assert [(r["breakdown"], r["achieved"], r["flag"]) for r in quote] == [
        ({"site": "Kassel-Nord"}, 25.5, "not_summable"), ({"site": "Kassel-Süd"}, 22.0, "not_summable")]
    assert quote[0]["attainment"] == pytest.approx(25.5 / 30)
    assert ind.target_history(con, "sozialwirtschaft-integriert", "Land Hessen", "", "EINTRITTE") == [
        {"year": 2019, "target": 110.0, "achieved": 75.0, "revised": False},
        {"year": 2020, "target": 130.0, "achieved": 155.0, "revised": True},
    ]
    with pytest.raises(ValueError, match="pass a breakdown"):
        ind.target_history(con, "sozialwirtschaft-integriert", "Land Hessen", "", "QUOTE")
    overview = ind.programme_overview(con)
    quote_row = overview[overview.indicator == "QUOTE"].iloc[0]
    assert quote_row.flag == "not_summable" and pd.isna(quote_row.achieved)
    tandems = overview[overview.indicator == "TANDEMS"].iloc[0]
    assert (tandems.achieved, tandems.flag) == (12.0, "no_target")


def test_generic_total_row_is_the_programme_level(con):
    df = pd.DataFrame({
        "Programm": ["permenti"] * 3, "Indikator": ["MENTEES"] * 3, "Jahr": ["2020"] * 3,
        "Standort": ["", "Bielefeld", "Köln"], "Ist": ["30", "12", "10"], "Soll": ["36", "", ""],
        "Einheit": ["Anzahl"] * 3, "_line": [2, 3, 4],
    })
    rows, errors = ind.normalise(df, "generic")
    assert errors == []
    with db.transaction(con):
        ind.load(con, rows, 1)
    # the file's own total (30 of 36) wins over the sum of the sites listed (12 + 10)
    programme = ind.indicator_table(con, programme="permenti", level="programme")
    assert [(r["breakdown"], r["achieved"], r["target"]) for r in programme] == [({}, 30.0, 36.0)]


def test_programme_overview_filters_and_until_year(con):
    loaded(con, DATA / "esif_small.csv")
    overview = ind.programme_overview(con, fund="ESF", indicator_type="OESF")
    assert overview["indicator"].tolist() == ["CO01", "CO02", "CO05"]
    yei = ind.programme_overview(con, 2019, indicator="CR01", fund="YEI")
    assert yei[["indicator", "fund"]].values.tolist() == [["CR01", "YEI"]]
    # up to 2019: the A/8i breakdown of CO01 in 2018 and 2019, never 2020 or 2021
    rows = ind.indicator_table(con, programme=TESTLAND, indicator="CO01", until_year=2019, breakdown=A_8I)
    assert [(r["year"], r["achieved"]) for r in rows] == [(2018, 150.0), (2019, 320.0)]


def test_flag_labels_in_both_languages():
    assert flag_label("no_target") == "kein Ziel"
    assert flag_label("no_target", "en") == "no target"
    assert flag_label(None) == "" and flag_label("") == ""
    assert set(ind.FLAGS) >= set(ind.IMPLAUSIBLE_FLAGS)
    assert all(flag_label(f) != f for f in ind.FLAGS)


def test_the_years_of_the_stored_values_for_the_year_filter(con):
    assert ind.indicator_years(con) == []
    loaded(con, DATA / "esif_small.csv")
    assert ind.indicator_years(con) == [2018, 2019, 2020, 2021]   # the file's years, each once
