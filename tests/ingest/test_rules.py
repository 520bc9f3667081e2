"""Validation rules: every rule reported with line and column; episodes; programs named in the file."""

from __future__ import annotations

from pipelines.text.ingest import located_message, problem_message

from tests.helpers.files import csv_file


def codes(result):
    return [(p.code, p.line, p.column) for p in result.problems]


def test_every_row_rule_is_reported_with_line_and_column(store, load):
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


def test_episode_rules_unknown_status_participant_and_before_entry(store, load):
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


def test_unknown_program_and_missing_program(store, load):
    con, path, folder = store
    f = csv_file(folder, "p.csv", ["Teilnehmer-ID;Programm;Eintritt", "A;test-programm;01.01.2019",
                                   "B;gibt-es-nicht;01.01.2019"])
    r = load(con, path, f)
    assert codes(r) == [("unknown_program", 3, "Programm")]
    assert "test-programm" in problem_message(r.problems[0])
    f = csv_file(folder, "q.csv", ["Teilnehmer-ID;Eintritt", "A;01.01.2019"])
    assert load(con, path, f).problems[0].code == "no_program"
    assert load(con, path, f, program="nope").problems[0].code == "unknown_program"


# --------------------------------------------------------------------------- privacy: identifying values in any column

def test_identifying_values_are_refused_in_any_column_and_never_echoed(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", [
        "Teilnehmer-ID;Eintritt;Standort;Bemerkung",
        "maria.muster@example.org;01.03.2019;Nord;",          # 2 e-mail as the participant id
        "B2;01.03.2019;+49 561 1234567;",                      # 3 phone number as the site
        "B3;01.03.2019;Süd;DE89 3704 0044 0532 0130 00",       # 4 IBAN in an unused remarks column
        "B4;01.03.2019;(0561) 12 34 56;",                      # 5 phone number, local form
        "0815-4711;01.03.2019;Ost;01.09.2021",                 # 6 a case number and a date: fine
        "KS-2019-001;01.03.2019;Ost;2021-09-01",               # 7 fine
    ])
    r = load(con, path, f, program="test-programm")
    assert r.outcome == "failed"
    assert codes(r) == [("identifier_value", 2, "Teilnehmer-ID"), ("identifier_value", 3, "Standort"),
                        ("identifier_value", 4, "Bemerkung"), ("identifier_value", 5, "Standort")]
    assert [p.params["what"] for p in r.problems] == ["E-Mail", "Telefon", "IBAN", "Telefon"]
    shown = " ".join(located_message(p, "de") for p in r.problems)
    for secret in ("maria.muster", "1234567", "3704", "12 34 56"):
        assert secret not in shown
    assert con.execute("select count(*) from participant").fetchone()[0] == 0


def test_lenient_load_rejects_identifying_rows_without_keeping_the_value(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt", "maria@example.org;01.03.2019", "B2;01.03.2019"])
    r = load(con, path, f, program="test-programm", lenient=True)
    assert (r.rows_loaded, r.rows_rejected) == (1, 1)
    stored = con.execute("select line, column_name, value, reason from rejected_row").fetchall()
    assert [(line, column, value) for line, column, value, _ in stored] == [(2, "Teilnehmer-ID", None)]
    assert "maria" not in stored[0][3]
    assert con.execute("select participant_id from participant").fetchall() == [("B2",)]
    rejects = list(folder.rglob("*rejects*.csv")) + list(path.parent.rglob("rejects/*"))
    assert all("maria" not in p.read_text(encoding="utf-8-sig", errors="replace") for p in rejects if p.is_file())
