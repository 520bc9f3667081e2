"""Aggregate indicators: formats, validation, loading, programme-level sums, flags.

Expected numbers are worked out by hand from the small files in tests/data/indicators and,
for the real EU file, read from the CSV with grep (quoted next to each test).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pandas as pd
import pytest

from pipelines.store import db
from pipelines import indicators as ind

DATA = Path(__file__).resolve().parents[1] / "data" / "indicators"
REFERENCE = Path("/work/shared/reference-data/esif1420_achievements_ESF_YEI_DE.csv")

BREMEN = "2014DE05SFOP016"
NIEDERSACHSEN = "2014DE16M2OP001"
TESTLAND = "2014DE05SFOP099"
A_8I = {"priority": "A", "investment_priority": "8i", "region_category": "More developed"}
B_9I = {"priority": "B", "investment_priority": "9i", "region_category": "Transition"}


def frame(path: Path, sep: str = ",") -> pd.DataFrame:
    """A file as the ingestion hands it over: text columns, '' for empty, `_line` (header = 1)."""
    df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    df["_line"] = range(2, len(df) + 2)
    return df


def loaded(con, path: Path, sep: str = ",", load_id: int = 1):
    df = frame(path, sep)
    kind = ind.detect(list(df.columns))
    rows, errors = ind.normalise(df, kind)
    with db.transaction(con):
        ind.load(con, rows, load_id)
    return rows, errors


def one(rows: list[dict], **match) -> dict:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- detect

def test_detect_esif_case_insensitive_and_ignores_line_column():
    columns = list(frame(DATA / "esif_small.csv").columns)
    assert ind.detect(columns) == "esif_open_data"
    assert ind.detect([c.upper() for c in columns]) == "esif_open_data"


def test_detect_generic_german_and_english_headers():
    assert ind.detect(["Programm-ID", "Indikator", "Stichtag", "Ist", "Soll"]) == "generic"
    assert ind.detect(["programme", "Indicator", "Year", "achieved"]) == "generic"
    assert ind.detect([" PROGRAMM ", "Code", "Jahr", "Ziel", "Priorität", "_line"]) == "generic"


def test_detect_other_files():
    assert ind.detect(["Teilnehmer-ID", "Eintritt", "Standort"]) is None
    assert ind.detect(["Programm", "Indikator", "Ist"]) is None  # no year / Stichtag
    assert ind.detect([]) is None


# --------------------------------------------------------------------------- numbers

def test_parse_numbers_german_and_english():
    text = pd.Series(["1.234,5", "1234.5", "1234,5", "1,234.5", "1.234", "0.125", "12", "",
                      "abc", "65 %", "1.234.567", "770.0"])
    values, bad = ind.parse_numbers(text)
    expected = [1234.5, 1234.5, 1234.5, 1234.5, 1234.0, 0.125, 12.0, None, None, None,
                1234567.0, 770.0]
    for got, want in zip(values.tolist(), expected):
        assert (math.isnan(got) if want is None else got == want)
    assert bad.tolist() == [False] * 8 + [True, True, False, False]


def test_parse_numbers_eu_format_is_plain():
    values, bad = ind.parse_numbers(pd.Series(["770.0", "1.234,5", "58.68"]), flexible=False)
    assert values[0] == 770.0 and values[2] == 58.68
    assert bad.tolist() == [False, True, False]


# --------------------------------------------------------------------------- EU format, small file

def test_esif_normalise_keeps_latest_version():
    rows, errors = ind.normalise(frame(DATA / "esif_small.csv"), "esif_open_data")
    assert errors == []
    assert len(rows) == 14  # 15 lines, the 2020.0 version of CO01 A/8i/2019 superseded
    assert rows.attrs["superseded"] == 1
    assert list(rows.columns) == ind.ROW_COLUMNS
    r = rows[(rows.indicator_code == "CO01") & (rows.year == 2019)
             & (rows.breakdown_json == ind.breakdown_to_json(A_8I))]
    assert r.achieved_value.tolist() == [320.0]
    assert r.version.tolist() == ["2020.1"]
    assert r.breakdown_json.tolist() == [
        '{"investment_priority":"8i","priority":"A","region_category":"More developed"}']
    # the 2021 row: target only, no version
    r21 = rows[(rows.indicator_code == "CO01") & (rows.year == 2021)]
    assert r21.achieved_value.isna().all() and r21.version.isna().all()


def test_esif_cr01_under_esf_and_yei_are_different_indicators(con):
    loaded(con, DATA / "esif_small.csv")
    rows = ind.indicator_table(con, program=TESTLAND, indicator="CR01")
    assert [(r["fund"], r["indicator_type"], r["achieved"]) for r in rows] == [
        ("ESF", "RESF", 40.0), ("YEI", "RYEI", 15.0)]
    programme = ind.indicator_table(con, program=TESTLAND, indicator="CR01", level="programme")
    assert [(r["fund"], r["achieved"]) for r in programme] == [("ESF", 40.0), ("YEI", 15.0)]


def test_esif_breakdown_values_and_flags(con):
    loaded(con, DATA / "esif_small.csv")
    rows = ind.indicator_table(con, program=TESTLAND, year=2020)
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
    later = one(ind.indicator_table(con, program=TESTLAND, year=2021, indicator="CO01"), breakdown=B_9I)
    assert (later["target"], later["achieved"], later["flag"]) == (120.0, None, "no_achievement_yet")


def test_esif_programme_level_sums_breakdowns_never_years(con):
    loaded(con, DATA / "esif_small.csv")
    rows = ind.indicator_table(con, program=TESTLAND, indicator="CO01", level="programme")
    # A/8i + B/9i per year: 2018 150+60 of 400+100; 2019 320+90 of 500+100; 2020 480+130 of 500+120
    assert [(r["year"], r["achieved"], r["target"], r["breakdown"]) for r in rows] == [
        (2018, 210.0, 500.0, {}), (2019, 410.0, 600.0, {}), (2020, 610.0, 620.0, {}),
        (2021, None, 620.0, {})]
    assert rows[2]["attainment"] == pytest.approx(610 / 620)
    assert rows[3]["flag"] == "no_achievement_yet"
    # CO02: 75 (no target) + 25 (target 50): the sum has no target
    co02 = one(ind.indicator_table(con, program=TESTLAND, indicator="CO02", level="programme"), year=2020)
    assert (co02["achieved"], co02["target"], co02["attainment"], co02["flag"]) == (
        100.0, None, None, "partial_target")


def test_esif_programme_level_within_region_category(con):
    loaded(con, DATA / "esif_small.csv")
    rows = ind.indicator_table(con, program=TESTLAND, indicator="CO01", year=2020,
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
    assert "4,5-Fache des Zielwerts 10" in listed.reason[0]
    assert listed.breakdown[1] == A_8I and listed.first_year[1] == 2020
    english = ind.implausible_targets(con, lang="en")
    assert "looks like a percentage" in english.reason[1]


def test_esif_duplicate_rows_with_same_version_are_rejected():
    df = frame(DATA / "esif_small.csv")
    df = pd.concat([df, df.iloc[[0]].assign(implemented_value="155", _line=17)], ignore_index=True)
    rows, errors = ind.normalise(df, "esif_open_data")
    assert [(e["line"], e["code"]) for e in errors] == [(2, "duplicate_key"), (17, "duplicate_key")]
    assert "Zeilen 2, 17" in errors[0]["message"]
    assert len(rows) == 13


def test_esif_missing_column():
    df = frame(DATA / "esif_small.csv").drop(columns=["ind_code"])
    rows, errors = ind.normalise(df, "esif_open_data")
    assert rows.empty and list(rows.columns) == ind.ROW_COLUMNS
    assert [(e["line"], e["column"], e["code"]) for e in errors] == [(1, "ind_code", "missing_column")]


# --------------------------------------------------------------------------- generic format

def test_generic_german_file(con):
    rows, errors = loaded(con, DATA / "generic_de.csv", sep=";")
    assert errors == []
    assert len(rows) == 10
    stunden = rows[rows.indicator_code == "STUNDEN"].iloc[0]
    assert (stunden.achieved_value, stunden.target_value, stunden.fund) == (1234.5, 2000.0, "")
    nord_2020 = rows[(rows.indicator_code == "EINTRITTE") & (rows.year == 2020)].iloc[0]
    assert nord_2020.breakdown_json == '{"site":"Kassel-Nord"}'
    assert nord_2020.report_date == pd.Timestamp("2020-08-31")  # ISO date in the file
    stored = con.execute(
        "select report_date, source from indicator_value where indicator_code = 'AUSBILDUNG' order by year"
    ).fetchall()
    assert [(str(d), s) for d, s in stored] == [("2019-12-31", "generic"), ("2020-08-31", "generic")]


def test_generic_programme_level(con):
    loaded(con, DATA / "generic_de.csv", sep=";")
    rows = ind.indicator_table(con, program="sozialwirtschaft-integriert", level="programme")
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


def test_generic_errors_german():
    rows, errors = ind.normalise(frame(DATA / "generic_errors.csv", sep=";"), "generic")
    assert [(e["line"], e["column"], e["code"]) for e in errors] == [
        (2, "Indikator", "missing_value"),
        (3, "Ist", "not_a_number"),
        (4, "Jahr", "bad_year"),
        (5, "Stichtag", "bad_date"),
        (6, "Jahr", "year_date_mismatch"),
        (7, "Ist", "no_value"),
        (8, "Ist", "negative_value"),
        (9, None, "duplicate_key"),
        (10, None, "duplicate_key"),
    ]
    by_line = {e["line"]: e for e in errors}
    assert by_line[2]["message"] == "Pflichtfeld »Indikator« ist leer."
    assert by_line[3]["value"] == "acht"
    assert by_line[3]["message"].startswith("»acht« ist keine Zahl.")
    assert by_line[5]["message"] == "»31.02.2025« ist kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT)."
    assert "Stichtag 30.06.2025" in by_line[6]["message"]
    assert "Zeilen 9, 10" in by_line[9]["message"]
    # only the good line is left: PRAKTIKA 1.5 of 3
    assert rows[["indicator_code", "achieved_value", "target_value"]].values.tolist() == [
        ["PRAKTIKA", 1.5, 3.0]]


def test_generic_errors_english():
    _, errors = ind.normalise(frame(DATA / "generic_errors.csv", sep=";"), "generic", lang="en")
    by_line = {e["line"]: e for e in errors}
    assert by_line[2]["message"] == "Required field 'Indikator' is empty."  # the header as written
    assert by_line[3]["message"].startswith("'acht' is not a number.")
    assert by_line[4]["message"] == "'25' is not a reporting year (four digits, e.g. 2020)."


def test_generic_headers_breakdown_prefix_and_unknown_column():
    df = pd.DataFrame({
        "Programm": ["tara", "tara"], "Indikator": ["TANDEMS", "TANDEMS"], "Jahr": ["2025", "2025"],
        "Aufschlüsselung: Landkreis": ["Heinsberg", "Aachen"], "Ist": ["8", "3"],
        "Bemerkung": ["x", ""], "_line": [2, 3],
    })
    rows, errors = ind.normalise(df, "generic")
    assert rows.breakdown_json.tolist() == ['{"landkreis":"Heinsberg"}', '{"landkreis":"Aachen"}']
    assert [(e["line"], e["column"], e["code"]) for e in errors] == [(1, "Bemerkung", "unknown_column")]
    assert "»Aufschlüsselung: Bemerkung«" in errors[0]["message"]


def test_generic_missing_columns():
    df = pd.DataFrame({"Programm": ["tara"], "Bemerkung": ["x"], "_line": [2]})
    rows, errors = ind.normalise(df, "generic")
    assert rows.empty
    assert [(e["line"], e["code"]) for e in errors] == [
        (1, "unknown_column"), (1, "missing_column"), (1, "missing_column"), (1, "missing_value_column")]
    assert errors[1]["message"].startswith("Pflichtspalte »Indikator« fehlt")


def test_unknown_source_kind():
    with pytest.raises(ValueError):
        ind.normalise(pd.DataFrame(), "participants")


# --------------------------------------------------------------------------- load

def test_load_upserts_a_newer_file(con):
    loaded(con, DATA / "esif_small.csv", load_id=1)
    correction = frame(DATA / "esif_small.csv").iloc[[3]].assign(implemented_value="490", ir_ver="2020.1")
    rows, errors = ind.normalise(correction, "esif_open_data")
    with db.transaction(con):
        assert ind.load(con, rows, 2) == 1
    assert con.execute("select count(*) from indicator_value").fetchone()[0] == 14
    assert con.execute(
        "select achieved_value, version, load_id from indicator_value "
        "where indicator_code = 'CO01' and year = 2020 and breakdown_json like '%\"A\"%'"
    ).fetchone() == (490.0, "2020.1", 2)
    assert con.execute("select count(*) from indicator_value where load_id = 1").fetchone()[0] == 13


def test_load_runs_in_the_callers_transaction(con):
    rows, _ = ind.normalise(frame(DATA / "esif_small.csv"), "esif_open_data")
    with pytest.raises(RuntimeError):
        with db.transaction(con):
            ind.load(con, rows, 1)
            raise RuntimeError("later step failed")
    assert con.execute("select count(*) from indicator_value").fetchone()[0] == 0


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
    programme = ind.indicator_table(con, program="permenti", level="programme")
    assert [(r["breakdown"], r["achieved"], r["target"]) for r in programme] == [({}, 30.0, 36.0)]


def test_load_twice_changes_nothing(con):
    rows, _ = ind.normalise(frame(DATA / "esif_small.csv"), "esif_open_data")
    with db.transaction(con):
        ind.load(con, rows, 1)
    before = con.execute("select * exclude (load_id) from indicator_value order by all").fetchall()
    with db.transaction(con):
        ind.load(con, rows, 1)
    assert con.execute("select * exclude (load_id) from indicator_value order by all").fetchall() == before


def test_load_nothing(con):
    rows, _ = ind.normalise(pd.DataFrame({"cci": [], "_line": []}), "esif_open_data")
    assert ind.load(con, rows, 1) == 0


# --------------------------------------------------------------------------- the real EU file

@pytest.fixture(scope="module")
def reference():
    """The real ESF/YEI file loaded into a store; also how long normalise + load took."""
    if not REFERENCE.exists():
        pytest.skip("reference data not available")
    df = frame(REFERENCE)
    con = db.connect(":memory:")
    started = time.perf_counter()
    rows, errors = ind.normalise(df, ind.detect(list(df.columns)))
    with db.transaction(con):
        written = ind.load(con, rows, 1)
    seconds = time.perf_counter() - started
    yield {"con": con, "rows": rows, "errors": errors, "written": written, "seconds": seconds}
    con.close()


def test_reference_loads_whole_and_fast(reference):
    assert reference["errors"] == []
    assert reference["written"] == 15191
    assert reference["rows"].attrs["superseded"] == 0  # one ir_ver per key and year in this snapshot
    assert reference["seconds"] < 5.0
    con = reference["con"]
    assert con.execute("select count(*) from indicator_value").fetchone()[0] == 15191
    assert con.execute("select count(distinct program) from indicator_value").fetchone()[0] == 18


def test_reference_data_checks(reference):
    """dbt-style checks on what was stored: keys present, JSON valid, values not negative."""
    con = reference["con"]
    assert con.execute("""
        select count(*) from indicator_value
        where program = '' or indicator_code = '' or fund = '' or indicator_type = ''
           or not json_valid(breakdown_json) or year not between 2014 and 2023
           or target_value < 0 or achieved_value < 0
           or (target_value is null and achieved_value is null)
    """).fetchone()[0] == 0
    # the 2021 rows hold targets only (README): 154 of them
    assert con.execute(
        "select count(*), count(target_value), count(achieved_value) from indicator_value where year = 2021"
    ).fetchone() == (154, 154, 0)


def test_reference_bremen_co01_row(reference):
    # DE,2014DE05SFOP016,Bremen - ESF,ESF,OESF,CO01,...,A,8i,More developed,2019,2020.1,2720.0,1984,Number
    rows = ind.indicator_table(reference["con"], program=BREMEN, indicator="CO01", year=2019,
                               fund="ESF", indicator_type="OESF")
    row = one(rows, breakdown=A_8I)
    assert (row["target"], row["achieved"], row["title"], row["unit"]) == (
        2720.0, 1984.0, "Bremen - ESF", "Number")
    assert row["attainment"] == pytest.approx(1984 / 2720)


def test_reference_bremen_co01_programme_sum(reference):
    # 2020: C/10iii 2124 (no target) + A/8i 2789 (target 2720) + B/9i 6813 (target 3395)
    rows = ind.indicator_table(reference["con"], program=BREMEN, indicator="CO01", year=2020,
                               level="breakdown")
    assert sorted(r["achieved"] for r in rows) == [2124.0, 2789.0, 6813.0]
    programme = ind.indicator_table(reference["con"], program=BREMEN, indicator="CO01", year=2020,
                                    level="programme")
    assert [(r["achieved"], r["target"], r["flag"], r["breakdown"]) for r in programme] == [
        (2124.0 + 2789.0 + 6813.0, None, "partial_target", {})]
    # all three lie in the "More developed" category: the same sum within it
    within = ind.indicator_table(reference["con"], program=BREMEN, indicator="CO01", year=2020,
                                 region_category="More developed", level="programme")
    assert [(r["achieved"], r["breakdown"]) for r in within] == [
        (11726.0, {"region_category": "More developed"})]
    # 2021 holds targets only (A 2720, B 3395, new E/13i/REACT-EU 900): no achievement yet
    later = ind.indicator_table(reference["con"], program=BREMEN, indicator="CO01", year=2021,
                                level="programme")
    assert [(r["achieved"], r["flag"]) for r in later] == [(None, "no_achievement_yet")]


def test_reference_niedersachsen_co20_target_history(reference):
    # four breakdowns (7/8v and 7/9iv, More developed and Transition), each with a target:
    # targets 13+11+16+13 (2015-2018), 13+9+16+11 (2019), 5+8+12+6 (2020, 2021)
    # achieved 0, 1+1+0+1, 3+1+5+1, 3+5+6+1, 4+6+9+2, 7+6+11+4, none yet in 2021
    history = ind.target_history(reference["con"], NIEDERSACHSEN, "ESF", "OESF", "CO20")
    assert [(h["year"], h["target"], h["achieved"], h["revised"]) for h in history] == [
        (2015, 53.0, 0.0, False), (2016, 53.0, 3.0, False), (2017, 53.0, 10.0, False),
        (2018, 53.0, 15.0, False), (2019, 49.0, 21.0, True), (2020, 31.0, 28.0, True),
        (2021, 31.0, None, False)]
    overview = ind.programme_overview(reference["con"])
    co20 = overview[(overview.program == NIEDERSACHSEN) & (overview.indicator == "CO20")].iloc[0]
    assert (co20.year, co20.achieved, co20.target) == (2020, 28.0, 31.0)
    assert co20.attainment == pytest.approx(28 / 31)


def test_reference_percentage_looking_result_target(reference):
    # DE,2014DE05SFOP013,Sachsen-Anhalt - ESF,ESF,RESF,CR03,...,1,8v,Transition,2020,2020.0,65.0,8847.0,Number
    rows = ind.indicator_table(reference["con"], program="2014DE05SFOP013", indicator="CR03", year=2020)
    row = one(rows, breakdown={"priority": "1", "investment_priority": "8v", "region_category": "Transition"})
    assert (row["target"], row["achieved"], row["attainment"], row["flag"]) == (
        65.0, 8847.0, None, "target_looks_like_percentage")
    listed = ind.implausible_targets(reference["con"])
    hit = listed[(listed.program == "2014DE05SFOP013") & (listed.indicator == "CR03")]
    assert hit.flag.tolist() == ["target_looks_like_percentage"]
    assert (hit.first_year.iloc[0], hit.last_year.iloc[0], hit.achieved.iloc[0]) == (2015, 2021, 8847.0)


def test_reference_overview_has_one_row_per_programme_indicator(reference):
    overview = ind.programme_overview(reference["con"])
    keys = overview[["program", "fund", "indicator_type", "indicator"]]
    assert not keys.duplicated().any()
    expected = reference["con"].execute(
        "select count(*) from (select distinct program, fund, indicator_type, indicator_code "
        "from indicator_value)").fetchone()[0]
    assert len(overview) == expected
