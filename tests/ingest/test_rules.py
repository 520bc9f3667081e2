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
