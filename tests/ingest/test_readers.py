"""Readers: CSV dialects and encodings, Excel sheets, Parquet, true line numbers, broken shapes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from pipelines.ingest import ingest_files, readers
from pipelines.text.ingest import problem_message

from tests.helpers.files import csv_file, xlsx_file

D = dt.date
PARTICIPANT_HEADER = "Teilnehmer-ID;Standort;Kohorte;Eintritt;Austritt;Austrittsgrund;Geschlecht;Geburtsjahr;Deutschniveau"


def test_german_csv_windows_1252_semicolon(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", [
        PARTICIPANT_HEADER,
        "K-001;Köln;1;01.02.2019;;;weiblich;1985;B1",
        "K-002;Düsseldorf;1;15.03.2019;30.06.2020;abgebrochen;weiblich;1990;A2",
    ], encoding="cp1252", newline="\r\n")
    r = load(con, path, f, program="test-programm")
    assert r.outcome == "loaded", r.problems
    assert r.kind == "participants"
    assert r.details["encoding"] == "cp1252" and r.details["delimiter"] == ";"
    rows = con.execute("select participant_id, site, entry_date, exit_date, exit_reason, gender, birth_year, "
                       "german_level from participant order by 1").fetchall()
    assert rows == [
        ("K-001", "Köln", D(2019, 2, 1), None, None, "female", 1985, "B1"),
        ("K-002", "Düsseldorf", D(2019, 3, 15), D(2020, 6, 30), "dropped_out", "female", 1990, "A2"),
    ]


@pytest.mark.parametrize("bom", [True, False])
def test_utf8_csv_with_and_without_bom(store, bom, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", [PARTICIPANT_HEADER, "K-001;Köln;1;2019-02-01;;;w;1985;b1"], bom=bom)
    r = load(con, path, f, program="test-programm")
    assert r.outcome == "loaded", r.problems
    assert r.details["encoding"] == ("utf-8-sig" if bom else "utf-8")
    assert con.execute("select site, german_level from participant").fetchall() == [("Köln", "B1")]


@pytest.mark.parametrize("sep", [",", "\t"])
def test_comma_and_tab_separated_english_headers(store, sep, load):
    con, path, folder = store
    f = csv_file(folder, "p.csv", [sep.join(["participant_id", "program", "site", "entry_date", "gender"]),
                                   sep.join(["P1", "test-programm", "Kassel", "2019-05-01", "female"])])
    r = load(con, path, f)
    assert r.outcome == "loaded", r.problems
    assert r.details["delimiter"] == sep
    assert con.execute("select participant_id, site, entry_date from participant").fetchall() == [
        ("P1", "Kassel", D(2019, 5, 1))]


def test_xlsx_tracking_sheet_is_melted_into_episodes(store, load):
    con, path, folder = store
    header = ["Teilnehmer-ID", "Standort", "Kohorte", "Eintritt", "Coaching ab", "Coaching bis",
              "Ausbildung ab", "Beschäftigung ab", "Qualifikation am", "Austritt", "Austrittsgrund"]
    rows = [
        ["T1", "Nord", 1, D(2019, 1, 10), D(2019, 1, 10), None, D(2019, 8, 1), None, None, None, None],
        ["T2", "Süd", 2, D(2019, 3, 1), D(2019, 3, 1), D(2019, 9, 30), None, D(2019, 10, 1),
         D(2019, 9, 15), D(2019, 12, 31), "abgeschlossen"],
    ]
    f = xlsx_file(folder, "tracking.xlsx", header, rows, sheet="Teilnehmerinnen")
    r = load(con, path, f, program="test-programm")
    assert r.outcome == "loaded", r.problems
    assert r.kind == "tracking" and r.details["sheet"] == "Teilnehmerinnen"
    assert con.execute("select participant_id, cohort, exit_reason from participant order by 1").fetchall() == [
        ("T1", "1", None), ("T2", "2", "completed")]
    episodes = con.execute(
        "select participant_id, status, start_date, end_date from episode order by 1, 2").fetchall()
    assert episodes == [
        ("T1", "coaching", D(2019, 1, 10), None),
        ("T1", "training", D(2019, 8, 1), None),
        ("T2", "coaching", D(2019, 3, 1), D(2019, 9, 30)),
        ("T2", "employment", D(2019, 10, 1), None),
        # a one-day event is stored as the half-open day [d, d + 1)
        ("T2", "qualification", D(2019, 9, 15), D(2019, 9, 16)),
    ]


def test_xlsx_named_sheet_and_missing_sheet(store, load):
    con, path, folder = store
    f = xlsx_file(folder, "book.xlsx", ["Hinweis"], [["nichts"]], sheet="Info",
                  extra_sheets={"Daten": [["Teilnehmer-ID", "Eintritt"], ["X1", D(2019, 6, 1)]]})
    r = load(con, path, f"{f}#Daten", program="test-programm")
    assert r.outcome == "loaded", r.problems
    assert con.execute("select participant_id from participant").fetchall() == [("X1",)]
    r = load(con, path, f"{f}#Fehlt", program="test-programm")
    assert r.outcome == "failed" and r.problems[0].code == "no_such_sheet"
    assert "Daten" in problem_message(r.problems[0])


def test_parquet_participants_and_episodes(store):
    con, path, folder = store
    pd.DataFrame({"participant_id": ["Q1", "Q2"], "program": ["test-programm"] * 2,
                  "entry_date": pd.to_datetime(["2019-04-01", "2019-05-02"]).date,
                  "birth_year": [1980.0, None]}).to_parquet(folder / "p.parquet")
    pd.DataFrame({"participant_id": ["Q1"], "program": ["test-programm"], "status": ["training"],
                  "start_date": pd.to_datetime(["2019-09-01"]), "end_date": [None]}).to_parquet(folder / "e.parquet")
    results = ingest_files(con, [folder / "e.parquet", folder / "p.parquet"], db_path=path)
    assert [r.kind for r in results] == ["participants", "episodes"]  # participants first
    assert all(r.outcome == "loaded" for r in results), [r.problems for r in results]
    assert con.execute("select participant_id, entry_date, birth_year from participant order by 1").fetchall() == [
        ("Q1", D(2019, 4, 1), 1980), ("Q2", D(2019, 5, 2), None)]
    assert con.execute("select status, start_date from episode").fetchall() == [("training", D(2019, 9, 1))]


def test_csv_with_blank_lines_and_quoted_line_breaks_keeps_true_line_numbers(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", [
        "Teilnehmer-ID;Eintritt;Standort",
        "A1;01.01.2019;Nord",
        "",
        'A2;01.01.2019;"Süd',
        'Ost"',
        "A3;31.02.2019;West",
    ])
    r = load(con, path, f, program="test-programm")
    assert [(p.code, p.line, p.column) for p in r.problems] == [("bad_date", 6, "Eintritt")]


def test_ragged_row_names_its_line(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt", "A1;01.01.2019", "A2;01.01.2019;zu;viel"])
    r = load(con, path, f, program="test-programm")
    assert r.outcome == "failed"
    assert (r.problems[0].code, r.problems[0].line) == ("bad_row_shape", 3)


def test_sheet_after_hash_only_for_excel_files():
    assert readers.split_sheet("book.xlsx#Daten") == (Path("book.xlsx"), "Daten")
    assert readers.split_sheet("book.xlsx") == (Path("book.xlsx"), None)
    assert readers.split_sheet("a#b.csv") == (Path("a#b.csv"), None)


def test_peek_headers_reads_the_first_line_only(tmp_path):
    f = csv_file(tmp_path, "tn.csv", ["Teilnehmer-ID;Eintritt", "A;kaputt"])
    assert readers.peek_headers(f) == ["Teilnehmer-ID", "Eintritt"]
    assert readers.peek_headers(tmp_path / "fehlt.csv") == []
