"""Ingestion: every reader, every validation rule, strict vs lenient, idempotency, corrections."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import pytest

from pipelines.store import db
from pipelines.ingest import Ingestor, ingest_files
from pipelines.text.ingest import located_message, problem_message

from tests.helpers.files import csv_file, program_file, xlsx_file

D = dt.date
PARTICIPANT_HEADER = "Teilnehmer-ID;Standort;Kohorte;Eintritt;Austritt;Austrittsgrund;Geschlecht;Geburtsjahr;Deutschniveau"


@pytest.fixture
def store(tmp_path):
    """A file store with one program loaded."""
    path = tmp_path / "store.duckdb"
    con = db.connect(path)
    result = Ingestor(con, db_path=path).ingest(program_file(tmp_path))
    assert result.outcome == "loaded", result.problems
    yield con, path, tmp_path
    con.close()


def load(con, path, file, **kw):
    return Ingestor(con, db_path=path, **kw).ingest(file)


def codes(result):
    return [(p.code, p.line, p.column) for p in result.problems]


# --------------------------------------------------------------------------- readers

def test_german_csv_windows_1252_semicolon(store):
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
def test_utf8_csv_with_and_without_bom(store, bom):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", [PARTICIPANT_HEADER, "K-001;Köln;1;2019-02-01;;;w;1985;b1"], bom=bom)
    r = load(con, path, f, program="test-programm")
    assert r.outcome == "loaded", r.problems
    assert r.details["encoding"] == ("utf-8-sig" if bom else "utf-8")
    assert con.execute("select site, german_level from participant").fetchall() == [("Köln", "B1")]


@pytest.mark.parametrize("sep", [",", "\t"])
def test_comma_and_tab_separated_english_headers(store, sep):
    con, path, folder = store
    f = csv_file(folder, "p.csv", [sep.join(["participant_id", "program", "site", "entry_date", "gender"]),
                                   sep.join(["P1", "test-programm", "Kassel", "2019-05-01", "female"])])
    r = load(con, path, f)
    assert r.outcome == "loaded", r.problems
    assert r.details["delimiter"] == sep
    assert con.execute("select participant_id, site, entry_date from participant").fetchall() == [
        ("P1", "Kassel", D(2019, 5, 1))]


def test_xlsx_tracking_sheet_is_melted_into_episodes(store):
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


def test_xlsx_named_sheet_and_missing_sheet(store):
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


def test_csv_with_blank_lines_and_quoted_line_breaks_keeps_true_line_numbers(store):
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
    assert codes(r) == [("bad_date", 6, "Eintritt")]


def test_ragged_row_names_its_line(store):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt", "A1;01.01.2019", "A2;01.01.2019;zu;viel"])
    r = load(con, path, f, program="test-programm")
    assert r.outcome == "failed"
    assert (r.problems[0].code, r.problems[0].line) == ("bad_row_shape", 3)


# --------------------------------------------------------------------------- validation rules

def test_every_row_rule_is_reported_with_line_and_column(store):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", [
        "Teilnehmer-ID;Eintritt;Austritt;Austrittsgrund;Geschlecht;Deutschniveau;ISCED;Coaching ab;Coaching bis",
        ";01.01.2019;;;;;;;",                                   # 2 missing id
        "B2;;;;;;;;",                                           # 3 missing entry
        "B3;31.02.2019;;;;;;;",                                 # 4 bad date
        "B4;01.03.2019;01.02.2019;abgebrochen;;;;;",            # 5 exit before entry
        "B5;01.03.2019;;verzogen;;;;;",                         # 6 reason without exit
        "B6;01.03.2019;;;unbekannt;D7;12;;",                    # 7 bad values
        "B7;01.03.2019;;;;;;01.02.2019;",                       # 8 episode before entry
        "B8;01.03.2019;;;;;;01.05.2019;01.04.2019",             # 9 end before start
        "B9;01.03.2019;;;;;;;",                                 # 10 duplicate ...
        "B9;01.04.2019;;;;;;;",                                 # 11 ... of line 10
    ])
    r = load(con, path, f, program="test-programm")
    assert r.outcome == "failed"
    assert codes(r) == [
        ("missing_value", 2, "Teilnehmer-ID"),
        ("missing_value", 3, "Eintritt"),
        ("bad_date", 4, "Eintritt"),
        ("exit_before_entry", 5, "Austritt"),
        ("reason_without_exit", 6, "Austrittsgrund"),
        ("bad_value", 7, "Deutschniveau"),
        ("bad_value", 7, "Geschlecht"),
        ("bad_number", 7, "ISCED"),
        ("episode_before_entry", 8, "Coaching ab"),
        ("end_before_start", 9, "Coaching bis"),
        ("duplicate_participant", 10, "Teilnehmer-ID"),
        ("duplicate_participant", 11, "Teilnehmer-ID"),
    ]
    text = located_message(r.problems[2], "de")
    assert text == ("tn.csv, Zeile 4, Spalte »Eintritt«: '31.02.2019' ist kein gültiges Datum "
                    "(TT.MM.JJJJ oder JJJJ-MM-TT).")
    assert located_message(r.problems[2], "en").startswith("tn.csv, line 4, column 'Eintritt': '31.02.2019' is not")
    assert "Zeilen 10, 11" in problem_message(r.problems[-1])
    # strict: nothing at all was written
    assert con.execute("select count(*) from participant").fetchone()[0] == 0
    assert con.execute("select count(*) from load where kind <> 'program'").fetchone()[0] == 0


def test_episode_rules_unknown_status_participant_and_before_entry(store):
    con, path, folder = store
    load(con, path, csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt", "E1;01.03.2019"]),
         program="test-programm")
    f = csv_file(folder, "ep.csv", [
        "Teilnehmer-ID;Status;Beginn;Ende",
        "E1;Ausbildung;01.08.2019;",
        "E1;Tanzkurs;01.08.2019;",
        "E9;Coaching;01.08.2019;",
        "E1;Coaching;01.01.2019;",
        "E1;Beschäftigung;01.09.2019;01.08.2019",
        "E1;Ausbildung;01.08.2019;",
    ])
    r = load(con, path, f, program="test-programm")
    assert r.kind == "episodes"
    assert codes(r) == [
        ("duplicate_episode", 2, "Status"),
        ("unknown_status", 3, "Status"),
        ("unknown_participant", 4, "Teilnehmer-ID"),
        ("episode_before_entry", 5, "Beginn"),
        ("end_before_start", 6, "Ende"),
        ("duplicate_episode", 7, "Status"),
    ]


def test_unknown_program_and_missing_program(store):
    con, path, folder = store
    f = csv_file(folder, "p.csv", ["Teilnehmer-ID;Programm;Eintritt", "A;test-programm;01.01.2019",
                                   "B;gibt-es-nicht;01.01.2019"])
    r = load(con, path, f)
    assert codes(r) == [("unknown_program", 3, "Programm")]
    assert "test-programm" in problem_message(r.problems[0])
    f = csv_file(folder, "q.csv", ["Teilnehmer-ID;Eintritt", "A;01.01.2019"])
    assert load(con, path, f).problems[0].code == "no_program"
    assert load(con, path, f, program="nope").problems[0].code == "unknown_program"


@pytest.mark.parametrize("header", ["Name", "Vorname", "Nachname", "E-Mail", "Telefon", "Adresse", "Straße",
                                    "Geburtsdatum", "email", "Date of birth"])
def test_direct_identifier_columns_are_refused(store, header):
    con, path, folder = store
    f = csv_file(folder, "p.csv", [f"Teilnehmer-ID;Eintritt;{header}", "A;01.01.2019;x"])
    for lenient in (False, True):   # refused even in lenient mode
        r = load(con, path, f, program="test-programm", lenient=lenient)
        assert r.outcome == "failed"
        assert [(p.code, p.column) for p in r.problems] == [("identifier_column", header)]
        assert "Pseudonyme" in problem_message(r.problems[0], "de")
    assert con.execute("select count(*) from participant").fetchone()[0] == 0


def test_unrecognised_file_says_what_was_expected(store):
    con, path, folder = store
    r = load(con, path, csv_file(folder, "x.csv", ["Spalte A;Spalte B", "1;2"]), program="test-programm")
    assert r.outcome == "failed" and r.problems[0].code == "unknown_kind"
    assert "Spalte A, Spalte B" in problem_message(r.problems[0])


def test_mapping_file_for_other_headers(store):
    con, path, folder = store
    mapping = folder / "map.toml"
    mapping.write_text('[columns]\n"Fallnummer" = "participant_id"\n"Aufgenommen" = "entry_date"\n'
                       '"Start Umschulung" = "training.start"\n'
                       '[values.exit_reason]\n"Kündigung" = "dropped_out"\n', encoding="utf-8")
    f = csv_file(folder, "eigen.csv", ["Fallnummer;Aufgenommen;Start Umschulung;Austritt;Austrittsgrund",
                                       "F-1;01.02.2019;01.09.2019;01.10.2019;Kündigung"])
    r = load(con, path, f, program="test-programm", mapping=mapping)
    assert r.outcome == "loaded", r.problems
    assert con.execute("select participant_id, exit_reason from participant").fetchall() == [("F-1", "dropped_out")]
    assert con.execute("select status, start_date from episode").fetchall() == [("training", D(2019, 9, 1))]


def test_program_specific_status(tmp_path):
    path = tmp_path / "s.duckdb"
    con = db.connect(path)
    toml = program_file(tmp_path, "eigen", extra='\n[[status]]\nname = "orientierung"\ncategory = "support"\n'
                                                  'label_de = "Berufsorientierung"\nlabel_en = "Orientation"\n')
    assert load(con, path, toml).outcome == "loaded"
    f = csv_file(tmp_path, "t.csv", ["Teilnehmer-ID;Eintritt;Berufsorientierung ab", "O1;01.02.2019;01.02.2019"])
    r = load(con, path, f, program="eigen")
    assert r.outcome == "loaded", r.problems
    assert con.execute("select status from episode").fetchall() == [("orientierung",)]


# --------------------------------------------------------------------------- strict / lenient / idempotent

def _file_hash(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_broken_file_leaves_database_byte_for_byte(tmp_path):
    path = tmp_path / "s.duckdb"
    con = db.connect(path)
    load(con, path, program_file(tmp_path))
    load(con, path, csv_file(tmp_path, "ok.csv", ["Teilnehmer-ID;Eintritt", "A;01.01.2019"]), program="test-programm")
    con.close()
    before = _file_hash(path)
    con = db.connect(path)
    r = load(con, path, csv_file(tmp_path, "bad.csv", ["Teilnehmer-ID;Eintritt", "B;01.01.2019", "C;kaputt"]),
             program="test-programm")
    assert r.outcome == "failed"
    con.close()
    assert _file_hash(path) == before
    assert not (tmp_path / "s.duckdb.wal").exists()


def test_lenient_loads_good_rows_and_keeps_every_rejected_row(store):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt;Geschlecht", "A;01.01.2019;w", "B;kaputt;w",
                                    "C;01.02.2019;x?", "D;01.03.2019;m"])
    r = load(con, path, f, program="test-programm", lenient=True)
    assert r.outcome == "loaded"
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (4, 2, 2)
    assert r.rows_read == r.rows_loaded + r.rows_rejected
    assert con.execute("select participant_id from participant order by 1").fetchall() == [("A",), ("D",)]
    rejected = con.execute("select line, column_name, value, reason_code, row_json from rejected_row "
                           "order by line").fetchall()
    assert [row[:4] for row in rejected] == [(3, "Eintritt", "kaputt", "bad_date"),
                                             (4, "Geschlecht", "x?", "bad_value")]
    assert '"Teilnehmer-ID":"B"' in rejected[0][4]
    assert r.rejects_path is not None and r.rejects_path.exists()
    text = r.rejects_path.read_text(encoding="utf-8-sig")
    assert "kaputt" in text and "Zeile" in text
    assert con.execute("select rows_read, rows_loaded, rows_rejected, mode from load where load_id = ?",
                       [r.load_id]).fetchone() == (4, 2, 2, "lenient")


def test_same_file_twice_changes_nothing(store):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt;Coaching ab", "A;01.01.2019;01.01.2019"])
    first = load(con, path, f, program="test-programm")
    snapshot = con.execute("select * from participant").fetchall(), con.execute("select * from episode").fetchall()
    second = load(con, path, f, program="test-programm")
    assert (first.outcome, second.outcome) == ("loaded", "skipped")
    assert (con.execute("select * from participant").fetchall(), con.execute("select * from episode").fetchall()) == snapshot
    assert con.execute("select outcome from load where kind = 'tracking' order by load_id").fetchall() == [
        ("loaded",), ("skipped",)]


def test_corrected_file_updates_the_records_it_covers(store):
    con, path, folder = store
    load(con, path, csv_file(folder, "v1.csv", [
        "Teilnehmer-ID;Eintritt;Coaching ab;Ausbildung ab;Geschlecht",
        "A;01.01.2019;01.01.2019;01.08.2019;w", "B;01.02.2019;01.02.2019;;w"]), program="test-programm")
    # other statuses of A come from another file and must survive the correction
    load(con, path, csv_file(folder, "ep.csv", ["Teilnehmer-ID;Status;Beginn", "A;Praktikum;01.03.2019"]),
         program="test-programm")
    # correction: A's training date was wrong and A left; B's file row unchanged; C is new
    r = load(con, path, csv_file(folder, "v2.csv", [
        "Teilnehmer-ID;Eintritt;Coaching ab;Ausbildung ab;Austritt;Austrittsgrund",
        "A;01.01.2019;01.01.2019;01.09.2019;31.12.2019;abgeschlossen", "C;01.03.2019;01.03.2019;;;"]),
        program="test-programm")
    assert r.outcome == "loaded", r.problems
    assert con.execute("select participant_id, exit_date, gender from participant order by 1").fetchall() == [
        ("A", D(2019, 12, 31), "female"),   # gender kept: v2 has no such column
        ("B", None, "female"), ("C", None, None)]
    assert con.execute("select participant_id, status, start_date from episode order by 1, 2").fetchall() == [
        ("A", "coaching", D(2019, 1, 1)), ("A", "internship", D(2019, 3, 1)), ("A", "training", D(2019, 9, 1)),
        ("B", "coaching", D(2019, 2, 1)), ("C", "coaching", D(2019, 3, 1))]


def test_load_is_logged(store):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt", "A;01.01.2019"])
    r = load(con, path, f, program="test-programm")
    row = con.execute("select file_name, kind, program_id, outcome, rows_read, rows_loaded, rows_rejected, "
                      "length(sha256), raw_path from load where load_id = ?", [r.load_id]).fetchone()
    assert row[:8] == ("tn.csv", "participants", "test-programm", "loaded", 1, 1, 0, 64)
    assert (path.parent / row[8]).read_bytes() == f.read_bytes()   # raw stays raw


def test_program_file_errors_are_listed(tmp_path):
    con = db.connect(":memory:")
    bad = tmp_path / "bad.toml"
    bad.write_text('[program]\nid = "Bad Id"\nstart = 2020-01-01\nend = 2019-01-01\nfoo = 1\n', encoding="utf-8")
    r = Ingestor(con).ingest(bad)
    assert r.outcome == "failed"
    text = " | ".join(problem_message(p, "de") for p in r.problems)
    assert "»name«" in text and "Bad Id" in text and "vor dem Beginn" in text and "»foo«" in text
    broken = tmp_path / "broken.toml"
    broken.write_text('[program\nid = "x"\n', encoding="utf-8")
    r = Ingestor(con).ingest(broken)
    assert r.problems[0].code == "bad_toml" and r.problems[0].line == 1


def test_one_day_event_in_long_file_is_the_same_half_open_day(store):
    con, path, folder = store
    load(con, path, csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt", "Q;01.03.2019"]), program="test-programm")
    r = load(con, path, csv_file(folder, "ep.csv", ["Teilnehmer-ID;Status;Beginn;Ende",
                                                    "Q;Qualifikation;12.03.2020;12.03.2020",
                                                    "Q;Abschluss;15.05.2020;"]), program="test-programm")
    assert r.outcome == "loaded", r.problems
    assert con.execute("select start_date, end_date from episode order by 1").fetchall() == [
        (D(2020, 3, 12), D(2020, 3, 13)), (D(2020, 5, 15), D(2020, 5, 16))]
