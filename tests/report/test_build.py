"""build_report: hand-counted tables, numbers that agree across tables, linked suppression, refusals."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pipelines import dates
from pipelines import report
from pipelines import text
from pipelines.report import ReportError, build_report
from tests.helpers.stores import AS_OF, END, START
from tests.report.audit import derivable_cells
from tests.report.cases import KASSEL, KASSEL_ARGS



def column(table: report.Table, name: str) -> list[str]:
    return table.text[name].tolist()


def row_of(table: report.Table, label_column: str, label: str) -> dict[str, str]:
    (i,) = [i for i, v in enumerate(table.text[label_column]) if v == label]
    return table.text.iloc[i].to_dict()


# --------------------------------------------------------------------------- demo: Kassel, 31.08.2020

def test_kassel_targets_table_shows_37_of_50_at_74_percent(demo_con):
    r = build_report(demo_con, *KASSEL_ARGS)
    training = row_of(r.table("targets"), "Ziel", "Mindestens 50 Frauen in Ausbildung")
    assert training["Erreicht"] == "37"
    assert training["Zielwert"] == "≥ 50"
    assert training["Zielerreichung"] == "74 %"
    assert training["Stand"] == "im Plan"
    assert training["Prognose"].startswith("Bei aktuellem Tempo")
    data = r.table("targets").data.set_index("target_id")
    assert data.loc["kassel-training", "achieved"] == 37 and data.loc["kassel-training", "target"] == 50
    assert data.loc["kassel-training", "attainment"] == pytest.approx(0.74)


def test_kassel_headline_numbers_agree_across_tables(demo_con):
    r = build_report(demo_con, *KASSEL_ARGS)
    # 155 entered: the total of every breakdown and of the sites table, and the entered target
    for key in ("entry_gender", "entry_age_band", "entry_isced", "entry_german", "entry_origin"):
        assert row_of(r.table(key), "Ausprägung", "Gesamt")["Anzahl"] == "155"
    total = row_of(r.table("sites"), "Standort", "Gesamt")
    assert total["Eingetreten"] == "155"
    assert total["Ausbildung begonnen"] == "37"        # reached(training, 2018-01-01, 2020-08-31)
    assert total["Im Programm am 31.08.2020"] == "106"   # the 106 in coaching: nobody left on 31.08.2020
    # the last point of the training series is the target's achieved value
    progress = r.table("progress").data
    training = progress[progress["target_id"] == "kassel-training"]
    assert training["cumulative"].iloc[-1] == 37 and training["date"].iloc[-1] == dt.date(2020, 8, 31)
    assert training["new"].sum() == 37


def test_kassel_cover_names_program_funder_period_and_fingerprint(demo_con):
    r = build_report(demo_con, *KASSEL_ARGS)
    cover = r.cover.set_index("field")["value"]
    assert cover["programs"] == "Sozialwirtschaft integriert"
    assert cover["organisation"] == "Stadt Kassel"
    assert cover["funders"] == "Hessisches Ministerium für Soziales und Integration"
    assert cover["period"] == "01.01.2018–31.08.2020"
    assert cover["as_of"] == "31.08.2020"
    assert cover["created"] == text.date(dt.date.today())   # the day it is made, unless passed in
    assert re.fullmatch(r"[0-9a-f]{64}", cover["fingerprint"])
    assert r.fingerprint == report.fingerprint(demo_con, [KASSEL])
    assert r.publication and "zur Veröffentlichung" in r.marking


def test_published_tables_are_safe_against_differencing(demo_con):
    """The exact audit (linear programming over every linked relation) finds nothing."""
    r = build_report(demo_con, *KASSEL_ARGS)
    assert r.suppression is not None and r.suppression.suppressed
    assert derivable_cells(r.suppression) == []
    for table in r.tables:
        numbers = [c for c, a in zip(table.text.columns, table.align) if a == "R"]
        shown = table.text[numbers].where(~table.hidden[numbers])
        assert not shown.isin(["1", "2"]).any().any(), table.key  # no small count is visible


def test_all_four_programs_in_one_report(demo_con):
    programs = ["sozialwirtschaft-integriert", "tara-mentoring", "permenti-transfer",
                "cross-mentoring-duesseldorf-koeln"]
    r = build_report(demo_con, programs, "2018-01-01", "2025-12-31", "2025-12-31")
    assert derivable_cells(r.suppression) == []
    sites = r.table("sites").text
    assert "Programm" in sites.columns
    # Köln exists in two programs: one row each, never added together
    assert (sites["Standort"] == "Köln").sum() >= 2
    assert row_of(r.table("sites"), "Standort", "Gesamt")["Eingetreten"] == "255"  # 155 + 8 + 82 + 10


def test_english_report_has_english_headings(demo_con):
    r = build_report(demo_con, *KASSEL_ARGS, lang="en")
    assert r.title == "Report on targets and outcomes"
    assert r.table("targets").title == "Targets"
    assert list(r.table("targets").text.columns) == [
        "Target", "Period", "Achieved", "Target value", "Attainment", "State", "Forecast"]
    training = row_of(r.table("targets"), "Target", "Mindestens 50 Frauen in Ausbildung")
    assert (training["Achieved"], training["Attainment"], training["State"]) == ("37", "74%", "on track")
    assert r.table("entry_gender").text["Category"].tolist()[0] == "female"
    assert [h for h, _ in r.method][0] == "Reporting period and data date"
    assert r.cover.set_index("field")["value"]["as_of"] == "2020-08-31"


# --------------------------------------------------------------------------- tiny store, counted by hand

def test_tiny_breakdowns_by_hand(tiny):
    r = build_report(tiny, ["p1"], START, END, AS_OF, publication=False)
    assert r.suppression is None and r.marking == "intern / nicht zur Veröffentlichung"
    gender = r.table("entry_gender").text
    assert gender.to_dict("list") == {
        "Ausprägung": ["weiblich", "männlich", "divers", "Gesamt"],
        "Anzahl": ["10", "0", "1", "11"],
        "Anteil": ["91 %", "0 %", "9 %", "100 %"]}
    # age in 2020: n3 21 → <25; n1 30, n4 28, s1 29, s2 27, o1 32, o2 33, o3 34 → 25–34;
    # n2 35, n5 40, o4 36 → 35–44
    ages = dict(zip(*r.table("entry_age_band").text[["Ausprägung", "Anzahl"]].T.values))
    assert ages == {"unter 25": "1", "25–34": "7", "35–44": "3", "45–54": "0", "55 und älter": "0",
                    "Gesamt": "11"}
    isced = dict(zip(*r.table("entry_isced").text[["Ausprägung", "Anzahl"]].T.values))
    assert isced == {"ISCED 0–2": "2", "ISCED 3–4": "7", "ISCED 5–8": "2", "Gesamt": "11"}
    german = dict(zip(*r.table("entry_german").text[["Ausprägung", "Anzahl"]].T.values))
    assert german == {"A1": "0", "A2": "2", "B1": "5", "B2": "3", "C1": "0", "C2": "0",
                      "nicht erfasst": "1", "Gesamt": "11"}
    assert "entry_origin" not in r.keys  # nothing recorded


def test_tiny_results_upon_and_six_months_after_leaving(tiny):
    r = build_report(tiny, ["p1"], START, END, AS_OF, publication=False)
    leaving = r.table("leaving")
    text = leaving.text.set_index("Ergebnis")
    # o4 left on 20.06.2021: her four weeks are not over on 30.06.2021 → base 2, not 3
    assert text.loc["Austritte (Basis)", "Bei Austritt"] == "2"
    assert text.loc["Austritte (Basis)", "Sechs Monate nach Austritt"] == "2"
    assert text.loc["Ausbildung"].tolist() == ["1", "50 %", "1", "50 %"]
    assert text.loc["Beschäftigung"].tolist() == ["0", "0 %", "1", "50 %"]
    assert text.loc["irgendein Ergebnis"].tolist() == ["1", "50 %", "2", "100 %"]
    assert "bis 02.06.2021" in leaving.note and "bis 31.12.2020" in leaving.note


def test_tiny_small_site_and_a_complement_are_suppressed(tiny):
    """Süd has 2 participants: its cell and a neighbour go, so the total cannot give it away."""
    r = build_report(tiny, ["p1"], START, END, AS_OF)
    sites = r.table("sites")
    entered = dict(zip(sites.text["Standort"], sites.text["Eingetreten"]))
    assert entered["Süd"] == "*"
    assert entered["Gesamt"] == "11"
    assert entered["Nord"] == "5"
    assert entered["Ost"] == "*"          # the complement: the smallest other site
    assert sites.data.set_index("site").loc["Ost", "entered"] == 4  # raw numbers stay raw
    # gender: 1 diverse → '*', and 'weiblich' (10) with it; 'männlich' 0 stays visible
    gender = r.table("entry_gender").text.set_index("Ausprägung")
    assert gender["Anzahl"].to_dict() == {"weiblich": "*", "männlich": "0", "divers": "*", "Gesamt": "11"}
    assert gender.loc["divers", "Anteil"] == "*" and gender.loc["männlich", "Anteil"] == "0 %"
    assert derivable_cells(r.suppression) == []


def test_tiny_target_with_a_small_count_hides_state_and_forecast(tiny):
    r = build_report(tiny, ["p1"], START, END, AS_OF)
    (row,) = r.table("targets").text.to_dict("records")
    assert row["Erreicht"] == "*" and row["Zielerreichung"] == "*" and row["Stand"] == "*"
    assert row["Prognose"] == "* (kleine Fallzahl)"
    assert row["Zielwert"] == "≥ 4"
    # the training series: every non-zero value is 1 or 2 and therefore hidden, in the chart too
    progress = r.table("progress")
    assert progress.text["Kumuliert"].tolist() == ["0", "*", "*"]
    (chart,) = r.charts
    assert [p[1] for p in chart.points] == [0] and chart.forecast == ()
    internal = build_report(tiny, ["p1"], START, END, AS_OF, publication=False)
    (row,) = internal.table("targets").text.to_dict("records")
    assert (row["Erreicht"], row["Zielerreichung"]) == ("2", "50 %")
    assert internal.table("progress").text["Kumuliert"].tolist() == ["0", "1", "2"]


def test_internal_report_shows_everything(tiny):
    r = build_report(tiny, ["p1"], START, END, AS_OF, publication=False)
    for table in r.tables:
        assert not table.hidden.any().any(), table.key
        assert not (table.text == "*").any().any(), table.key
    assert r.file_stem() == "bericht_p1_2021-06-30_intern"


def test_threshold_is_configurable(tiny):
    r = build_report(tiny, ["p1"], START, END, AS_OF, threshold=5)
    entered = dict(zip(r.table("sites").text["Standort"], r.table("sites").text["Eingetreten"]))
    assert entered["Ost"] == "*" and entered["Süd"] == "*"   # 4 and 2 are both under 5
    assert "1 bis 4" in r.cover.set_index("field")["value"]["suppression"]
    assert derivable_cells(r.suppression) == []


def test_fingerprint_follows_the_data_not_the_load(tiny):
    first = report.fingerprint(tiny, ["p1"])
    assert report.fingerprint(tiny, ["p1"]) == first
    tiny.execute("update participant set load_id = 99")  # a reload changes nothing that counts
    assert report.fingerprint(tiny, ["p1"]) == first
    tiny.execute("update participant set german_level = 'C1' where participant_id = 's2'")
    assert report.fingerprint(tiny, ["p1"]) != first


def test_last_complete_exit_clamps_month_ends():
    assert dates.last_complete_exit(dt.date(2020, 2, 29), months=6) == dt.date(2019, 8, 31)
    assert dates.last_complete_exit(dt.date(2020, 8, 31), months=6) == dt.date(2020, 2, 29)
    assert dates.last_complete_exit(dt.date(2021, 6, 30), months=6) == dt.date(2020, 12, 31)
    assert dates.last_complete_exit(dt.date(2021, 6, 30), days=28) == dt.date(2021, 6, 2)


@pytest.mark.parametrize("args, message", [
    (([], "2020-01-01", "2020-12-31", "2020-12-31"), "Kein Programm"),
    ((["nope"], "2020-01-01", "2020-12-31", "2020-12-31"), "Unbekanntes Programm: nope"),
    ((["p1"], "2020-12-31", "2020-01-01", "2020-12-31"), r"endet \(01.01.2020\) vor seinem Beginn"),
    ((["p1"], "2022-01-01", "2022-12-31", "2021-06-30"), "nach dem Datenstand"),
    ((["p1"], "2020-01-01", "31.02.2020", "2021-06-30"), "kein Datum"),
])
def test_bad_arguments_are_refused_with_a_message(tiny, args, message):
    with pytest.raises(ReportError, match=message):
        build_report(tiny, *args)
