"""Reading indicator files: format detection, numbers, validation problems as codes (and their words).

Expected numbers are worked out by hand from the small files in tests/data/indicators.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipelines import indicators as ind
from pipelines.text.indicators import problem_message
from tests.indicators.files import A_8I, DATA, frame


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


# --------------------------------------------------------------------------- EU format


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


def test_esif_duplicate_rows_with_same_version_are_rejected():
    df = frame(DATA / "esif_small.csv")
    df = pd.concat([df, df.iloc[[0]].assign(implemented_value="155", _line=17)], ignore_index=True)
    rows, errors = ind.normalise(df, "esif_open_data")
    assert [(e["line"], e["code"]) for e in errors] == [(2, "duplicate_key"), (17, "duplicate_key")]
    assert "Zeilen 2, 17" in problem_message(errors[0])
    assert len(rows) == 13


def test_esif_missing_column():
    df = frame(DATA / "esif_small.csv").drop(columns=["ind_code"])
    rows, errors = ind.normalise(df, "esif_open_data")
    assert rows.empty and list(rows.columns) == ind.ROW_COLUMNS
    assert [(e["line"], e["column"], e["code"]) for e in errors] == [(1, "ind_code", "missing_column")]


# --------------------------------------------------------------------------- generic format


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
    assert problem_message(by_line[2]) == "Pflichtfeld »Indikator« ist leer."
    assert by_line[3]["value"] == "acht"
    assert problem_message(by_line[3]).startswith("»acht« ist keine Zahl.")
    assert problem_message(by_line[5]) == "»31.02.2025« ist kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT)."
    assert "Stichtag 30.06.2025" in problem_message(by_line[6])
    assert "Zeilen 9, 10" in problem_message(by_line[9])
    # only the good line is left: PRAKTIKA 1.5 of 3
    assert rows[["indicator_code", "achieved_value", "target_value"]].values.tolist() == [
        ["PRAKTIKA", 1.5, 3.0]]


def test_generic_errors_english():
    _, errors = ind.normalise(frame(DATA / "generic_errors.csv", sep=";"), "generic")
    by_line = {e["line"]: e for e in errors}
    assert problem_message(by_line[2], "en") == "Required field 'Indikator' is empty."  # the header as written
    assert problem_message(by_line[3], "en").startswith("'acht' is not a number.")
    assert problem_message(by_line[4], "en") == "'25' is not a reporting year (four digits, e.g. 2020)."


def test_generic_headers_breakdown_prefix_and_unknown_column():
    df = pd.DataFrame({
        "Programm": ["tara", "tara"], "Indikator": ["TANDEMS", "TANDEMS"], "Jahr": ["2025", "2025"],
        "Aufschlüsselung: Landkreis": ["Heinsberg", "Aachen"], "Ist": ["8", "3"],
        "Bemerkung": ["x", ""], "_line": [2, 3],
    })
    rows, errors = ind.normalise(df, "generic")
    assert rows.breakdown_json.tolist() == ['{"landkreis":"Heinsberg"}', '{"landkreis":"Aachen"}']
    assert [(e["line"], e["column"], e["code"]) for e in errors] == [(1, "Bemerkung", "unknown_column")]
    assert "»Aufschlüsselung: Bemerkung«" in problem_message(errors[0])


def test_generic_missing_columns():
    df = pd.DataFrame({"Programm": ["tara"], "Bemerkung": ["x"], "_line": [2]})
    rows, errors = ind.normalise(df, "generic")
    assert rows.empty
    assert [(e["line"], e["code"]) for e in errors] == [
        (1, "unknown_column"), (1, "missing_column"), (1, "missing_column"), (1, "missing_value_column")]
    assert problem_message(errors[1]).startswith("Pflichtspalte »Indikator« fehlt")


def test_unknown_source_kind():
    with pytest.raises(ValueError):
        ind.normalise(pd.DataFrame(), "participants")
