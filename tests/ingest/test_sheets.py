"""Spreadsheets read under limits: hostile workbooks are refused in time, office sheets are read right.

Every hostile file is built afresh in tmp_path (tests/helpers/hostile.py) and must get the
decision that tests/data/hostile/MANIFEST.toml lists for it, within a generous time guard,
with this (parent) process still alive afterwards.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from pipelines.ingest.headers_guess import find_header_row, header_names
from pipelines.ingest.limits import InputRefused
from pipelines.dates import excel_serial_date
from pipelines.ingest.sheets import read_sheet
from tests.helpers import hostile
from tests.helpers.hostile import CORPUS, GUARD_SECONDS, MANIFEST, expected

# --------------------------------------------------------------------------- the corpus

@pytest.mark.parametrize("name", sorted(n for n in hostile.BUILDERS if n.startswith("xlsx")))
def test_every_workbook_gets_its_decision_in_time(tmp_path, name):
    path = hostile.BUILDERS[name](tmp_path / name)
    started = time.perf_counter()
    decision = hostile.decide(path)
    assert time.perf_counter() - started < GUARD_SECONDS
    assert decision == expected(name)


def test_the_corpus_holds_every_built_file_and_nothing_else():
    files = {p.name for p in CORPUS.iterdir() if p.name != "MANIFEST.toml"}
    assert files == set(hostile.BUILDERS) | set(hostile.LOAD_BUILDERS)
    assert set(hostile.BUILDERS) == set(MANIFEST) and set(hostile.LOAD_BUILDERS) == set(hostile.LOAD_MANIFEST)


# --------------------------------------------------------------------------- hostile workbooks

def test_a_cell_at_XFD1048576_is_refused_before_any_parsing(tmp_path):
    path = hostile.xlsx_far_cell(tmp_path / "far.xlsx")
    started = time.perf_counter()
    with pytest.raises(InputRefused) as refused:
        read_sheet(path)
    assert time.perf_counter() - started < 1
    assert (refused.value.code, refused.value.params) == ("too_many_columns", {
        "columns": 16384, "limit": 500, "sheet": "Tabelle1", "ref": "A1:XFD1048576"})


def test_a_lying_dimension_ends_in_the_childs_memory_limit_not_in_a_crash(tmp_path):
    path = hostile.xlsx_far_cell_lying(tmp_path / "far.xlsx")
    started = time.perf_counter()
    with pytest.raises(InputRefused) as refused:
        read_sheet(path)
    assert time.perf_counter() - started < GUARD_SECONDS
    assert refused.value.code == "too_large" and refused.value.params == {"limit_mb": 1024}
    # the parent carries on: the next file reads normally
    assert read_sheet(hostile.xlsx_title_rows(tmp_path / "ok.xlsx")).sheet == "TN-Liste"


def test_a_far_column_without_dimension_is_refused_by_the_child(tmp_path):
    with pytest.raises(InputRefused) as refused:
        read_sheet(hostile.xlsx_far_column_lying(tmp_path / "far.xlsx"))
    assert refused.value.code == "too_many_columns"
    assert refused.value.params["columns"] == 16384 and refused.value.params["ref"] == "A1:XFD301"


def test_a_slow_read_is_stopped_at_the_deadline(tmp_path):
    path = hostile.xlsx_title_rows(tmp_path / "t.xlsx")
    started = time.perf_counter()
    with pytest.raises(InputRefused) as refused:
        read_sheet(path, seconds=0.01)
    assert refused.value.code == "too_slow"
    assert time.perf_counter() - started < 5


def test_a_child_without_memory_to_start_is_refused_as_too_large(tmp_path):
    with pytest.raises(InputRefused) as refused:
        read_sheet(hostile.xlsx_title_rows(tmp_path / "t.xlsx"), memory=64 * 2**20)
    assert refused.value.code == "too_large"


def test_bad_xml_in_a_sheet_names_the_sheet(tmp_path):
    with pytest.raises(InputRefused) as refused:
        read_sheet(hostile.xlsx_bad_sheet_xml(tmp_path / "bad.xlsx"))
    assert refused.value.code == "corrupt_xlsx" and refused.value.params["part"] == "Tabelle1"


def test_a_sheet_over_the_limits_is_passed_over_when_another_holds_the_data(tmp_path):
    def setup(workbook, sheets):
        sheets["Hinweise"].write(1_048_575, 16_383, "x")
    path = hostile._xlsx(tmp_path / "two.xlsx", {"Hinweise": [["Bitte ausfüllen"]],
                                                 "TN": [hostile.HEADER, *hostile._participants(2)]}, setup=setup)
    rows = read_sheet(path)
    assert (rows.sheet, rows.reason, rows.skipped) == ("TN", "only", {"Hinweise": "too_many_columns"})
    with pytest.raises(InputRefused) as refused:
        read_sheet(path, sheet="Hinweise")
    assert refused.value.code == "too_many_columns"


# --------------------------------------------------------------------------- sheets as offices keep them

def test_title_rows_and_blank_rows_are_kept_with_their_excel_row_numbers(tmp_path):
    rows = read_sheet(hostile.xlsx_title_rows(tmp_path / "t.xlsx"))
    assert (rows.sheets, rows.sheet, rows.reason) == (["TN-Liste"], "TN-Liste", "only")
    assert (rows.header_row, rows.header_known, rows.width) == (4, 5, 6)
    assert rows.table.column("_row").to_pylist() == [1, 2, 3, 4, 5, 6, 7, 8]
    assert rows.rows() == [
        ["Teilnehmerinnenliste Sozialwirtschaft integriert", None, None, None, None, None],
        ["Stand: 31.08.2020", None, None, None, None, None],
        [None] * 6,
        hostile.HEADER,
        ["K-001", "Köln", "1", "2020-09-02", None, None],
        ["K-002", "Bonn", "1", "2020-09-03", None, "hat Kind, 2 Jahre"],
        [None] * 6,
        ["K-003", "Köln", "1", "2020-09-04", None, None],
    ]
    assert rows.header() == (hostile.HEADER, 4)
    data, blank = rows.data()
    assert (data.column("_row").to_pylist(), data.column("c0").to_pylist(), blank) == (
        [5, 6, 8], ["K-001", "K-002", "K-003"], 1)


def test_a_table_away_from_A1_keeps_its_excel_rows_and_columns(tmp_path):
    # python-calamine pads the rows above the used range; a version that stops would fail here
    path = hostile._xlsx(tmp_path / "c3.xlsx", {"S": [[], [], [None, None, "Teilnehmer-ID", "Eintritt"],
                                                       [None, None, "K-1", dt.datetime(2020, 9, 1)]]})
    rows = read_sheet(path)
    assert (rows.first_column, rows.header_row, rows.rows()) == (
        3, 3, [["Teilnehmer-ID", "Eintritt"], ["K-1", "2020-09-01"]])
    low = read_sheet(hostile._xlsx(tmp_path / "low.xlsx", {"S": [[]] * 40 + [["TN-ID", "Eintritt"], ["K-1", "x"]]}))
    assert (low.header_row, low.table.column("_row").to_pylist()) == (41, [41, 42])


def test_an_empty_sheet_is_an_empty_file(tmp_path):
    with pytest.raises(InputRefused) as refused:
        read_sheet(hostile._xlsx(tmp_path / "e.xlsx", {"Leer": []}))
    assert (refused.value.code, refused.value.params) == ("empty_file", {"sheet": "Leer"})


def test_of_three_sheets_the_one_with_the_most_known_headers_is_read(tmp_path):
    rows = read_sheet(hostile.xlsx_three_sheets(tmp_path / "t.xlsx"))
    assert rows.sheets == ["Hinweise", "TN-Liste", "Auswertung"]
    assert (rows.sheet, rows.reason) == ("TN-Liste", "most_known_headers")
    assert rows.scores == {"Hinweise": 0, "TN-Liste": 5, "Auswertung": 2}
    assert rows.header_row == 4 and rows.height == 7


def test_a_named_sheet_is_read_as_named(tmp_path):
    path = hostile.xlsx_three_sheets(tmp_path / "t.xlsx")
    rows = read_sheet(path, sheet="Auswertung")
    assert (rows.sheet, rows.reason, rows.header_row) == ("Auswertung", "named", 1)
    assert rows.rows() == [["Standort", "Kohorte", "Anzahl"], ["Köln", "1", "2"], ["Bonn", "1", "1"]]
    with pytest.raises(InputRefused) as refused:
        read_sheet(path, sheet="Tabelle9")
    assert refused.value.code == "no_such_sheet"
    assert refused.value.params == {"sheet": "Tabelle9", "sheets": "Hinweise, TN-Liste, Auswertung"}


def test_merged_header_cells_make_a_two_row_header(tmp_path):
    rows = read_sheet(hostile.xlsx_merged_header(tmp_path / "m.xlsx"))
    assert rows.merged == [(3, 1, 4, 1), (3, 2, 4, 2), (3, 3, 3, 4)]
    assert rows.header_row == 3
    names, start = rows.header()
    assert names == ["Teilnehmer-ID", "Eintritt", "Coaching ab", "Coaching bis"]
    assert rows.rows(start) == [["K-001", "2020-09-01", "2020-09-08", "2020-11-30"],
                                ["K-002", "2020-09-01", "2020-09-15", None]]
    assert [rows.excel_row(i) for i in range(start, rows.height)] == [5, 6]


def test_hidden_columns_and_rows_are_data(tmp_path):
    rows = read_sheet(hostile.xlsx_hidden_column(tmp_path / "h.xlsx"))
    assert [r[4] for r in rows.rows()] == ["Coaching ab", "2020-10-01", None, None]
    assert rows.rows(2, 3) == [["K-002", "Bonn", "1", "2020-09-03", None, None]]


def test_date_cells_serial_numbers_and_booleans_as_text(tmp_path):
    rows = read_sheet(hostile.xlsx_serial_dates(tmp_path / "d.xlsx"))
    assert [r[3:] for r in rows.rows(1)] == [
        ["2020-09-01", "44105", None],
        ["44075", "2020-10-01 10:30:00", None],
        ["44075", None, "1"],
    ]
    assert excel_serial_date("44075") == dt.date(2020, 9, 1)
    # five digits up to 31.12.2100 only: a year typed into a date column is not a day in 1905
    assert [excel_serial_date(t) for t in ("0", "2020", "73416", "1.5", "K-1", None)] == [None] * 6


def test_find_header_row_skips_title_rows_blank_rows_and_notes():
    rows = [["Teilnehmerinnenliste Sozialwirtschaft integriert", "", ""], ["Stand: 30.06.2023"], [],
            ["Bitte jede Person nur einmal eintragen"], ["TN-Nr", "Eintrittsdatum", "Ausbildungsbeginn"],
            ["K-1", "01.09.2020", ""]]
    assert find_header_row(rows) == 4


def test_find_header_row_needs_two_known_headers_within_the_scan():
    assert find_header_row([["Projekt", "Sozialwirtschaft"], ["a", "b"]]) is None
    assert find_header_row([[]] * 30 + [["Teilnehmer-ID", "Eintritt"]]) is None
    assert find_header_row([[]] * 30 + [["Teilnehmer-ID", "Eintritt"]], max_scan=31) == 30


def test_find_header_row_prefers_the_row_naming_most_columns():
    rows = [["Projekt", "PX", "Standort", "Köln"],
            ["TN-ID", "Standort", "Kohorte", "Eintritt", "Beschäftigt seit", "Beginn Coaching"]]
    assert find_header_row(rows) == 1


def test_a_row_of_bare_start_and_end_words_is_a_sub_header_not_the_header():
    rows = [["TN-ID", "Eintritt", "Coaching", "", "Praktikum", "", "Mentoring", ""],
            ["", "", "ab", "bis", "von", "bis", "ab", "bis"],
            ["K-1", "01.09.2020", "", "", "", "", "", ""]]
    assert find_header_row(rows) == 0
    assert header_names(rows, 0) == (["TN-ID", "Eintritt", "Coaching ab", "Coaching bis", "Praktikum von",
                                      "Praktikum bis", "Mentoring ab", "Mentoring bis"], 2)


def test_a_merged_cell_alone_names_only_its_first_column():
    assert header_names([["Teilnehmer-ID", None, "Eintritt"], ["K1", None, "x"]], 0, [(0, 0, 0, 1)]) == (
        ["Teilnehmer-ID", "", "Eintritt"], 1)
