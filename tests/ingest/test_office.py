"""Files as offices keep them (issue #10): the corpus under tests/data/office, each with numbers counted by
hand from the builders in tests/helpers/files.py."""

from __future__ import annotations

import datetime as dt
import shutil

from pipelines.text.ingest import load_details, problem_message
from tests.helpers.files import OFFICE, OFFICE_BUILDERS, csv_file, program_file

D = dt.date
PROGRAM = "test-programm"


def test_the_corpus_is_what_its_builders_write(tmp_path):
    for name, build in OFFICE_BUILDERS.items():
        if name.endswith(".csv"):       # XLSX files carry a creation time; CSVs must match byte for byte
            assert build(tmp_path / name).read_bytes() == (OFFICE / name).read_bytes(), name
    assert sorted(p.name for p in OFFICE.iterdir()) == sorted(OFFICE_BUILDERS)


def test_three_sheets_title_rows_totals_hidden_column_and_german_headers(store, load):
    con, path, _ = store
    r = load(con, path, OFFICE / "tracking_drei_blaetter.xlsx", program=PROGRAM)
    assert r.outcome == "loaded", r.problems
    # 6 participants; the blank row and the 'Gesamt' row skipped and counted, not read
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (6, 6, 0)
    d = r.details
    assert (d["sheet"], d["sheet_reason"], d["header_row"], d["blank_rows"], d["total_rows"]) == (
        "TN-Liste", "most_known_headers", 4, 1, 1)
    assert [(c["column"], c["field"]) for c in d["columns"]] == [
        ("TN-Nr.", "participant_id"), ("Standort", "site"), ("Kohorte", "cohort"), ("Eintrittsdatum", "entry_date"),
        ("Coaching seit", "coaching.start"), ("Ausbildungsbeginn", "training.start"),
        ("Beschäftigt seit", "employment.start"), ("Austrittsdatum", "exit_date"),
        ("Grund des Austritts", "exit_reason"), ("Bemerkung", None)]
    starts = con.execute("select status, participant_id, start_date from episode order by 1, 2").fetchall()
    # coaching K-01…K-05; training K-01 (date cell), K-02 ('01.09.19'), K-05 ('01.08.20'); employment
    # K-03 (the serial number 44075)
    assert [s for s in starts if s[0] == "training"] == [
        ("training", "K-01", D(2019, 8, 1)), ("training", "K-02", D(2019, 9, 1)), ("training", "K-05", D(2020, 8, 1))]
    assert [s for s in starts if s[0] == "employment"] == [("employment", "K-03", D(2020, 9, 1))]
    assert sum(s[0] == "coaching" for s in starts) == 5
    assert con.execute("select participant_id, entry_date, exit_date, exit_reason from participant "
                       "where exit_date is not null order by 1").fetchall() == [
        ("K-03", D(2019, 1, 14), D(2020, 8, 31), "completed"), ("K-04", D(2019, 3, 1), D(2020, 2, 15), "moved"),
        ("K-06", D(2019, 3, 4), D(2019, 6, 30), "dropped_out")]
    lines = load_details(r, "de")
    assert lines[:3] == ["Tabellenblatt »TN-Liste« (das mit den Teilnehmerdaten)", "Kopfzeile: Zeile 4",
                         "übersprungen: 1 Leerzeilen, 1 Summenzeilen"]
    assert "  »Bemerkung« → nicht verwendet" in lines and "  »Ausbildungsbeginn« → Ausbildung ab" in lines


def test_a_named_sheet_still_chooses(store, load):
    con, path, _ = store
    r = load(con, path, f"{OFFICE / 'tracking_drei_blaetter.xlsx'}#Auswertung", program=PROGRAM)
    assert r.outcome == "failed"
    assert r.problems[0].code == "unknown_kind"


def test_merged_header_cells_join_into_status_columns(store, load):
    con, path, _ = store
    r = load(con, path, OFFICE / "tracking_verbundene_kopfzellen.xlsx", program=PROGRAM)
    assert r.outcome == "loaded", r.problems
    assert (r.rows_read, r.details["header_row"]) == (3, 2)
    assert con.execute("select participant_id, status, start_date, end_date from episode order by 1, 2").fetchall() == [
        ("F-1", "coaching", D(2020, 1, 6), D(2020, 6, 30)), ("F-1", "training", D(2020, 8, 1), None),
        ("F-2", "coaching", D(2020, 1, 13), None), ("F-3", "coaching", D(2020, 2, 3), None)]


def test_excel_csv_export_with_title_blank_and_totals_rows(store, load):
    con, path, _ = store
    r = load(con, path, OFFICE / "tracking_export.csv", program=PROGRAM)
    assert r.outcome == "loaded", r.problems
    # lines 1-3 title, 'Stand', blank; header line 4; 4 participants, 2 blank lines, 'Summe' and a count row
    assert (r.rows_read, r.rows_loaded) == (4, 4)
    assert (r.details["header_row"], r.details["blank_rows"], r.details["total_rows"]) == (4, 2, 2)
    assert con.execute("select participant_id, site, entry_date, exit_date, exit_reason from participant "
                       "order by 1").fetchall() == [
        ("B-1", "Köln", D(2019, 9, 1), None, None), ("B-2", "Köln", D(2019, 9, 1), None, None),
        ("B-3", "Düsseldorf", D(2019, 10, 1), D(2019, 12, 31), "completed"),
        ("B-4", "Düsseldorf", D(2019, 10, 1), D(2020, 1, 15), "moved")]
    assert con.execute("select participant_id, status, start_date from episode order by 1").fetchall() == [
        ("B-2", "training", D(2020, 8, 1)), ("B-3", "employment", D(2019, 11, 15))]


def test_episodes_without_program_take_their_participants_program(store, load):
    con, path, _ = store
    assert load(con, path, OFFICE / "tracking_export.csv", program=PROGRAM).outcome == "loaded"
    r = load(con, path, OFFICE / "episoden_ohne_programm.csv")
    assert r.outcome == "loaded", r.problems
    assert (r.rows_loaded, r.details["program_inferred"], r.programs) == (4, PROGRAM, [PROGRAM])
    assert con.execute("select count(*) from episode where status in ('coaching', 'internship', 'mentoring')"
                       ).fetchone()[0] == 4


def test_episodes_whose_ids_are_in_two_programs_are_refused_naming_the_candidates(store, load, tmp_path):
    con, path, folder = store
    assert load(con, path, program_file(folder, "zweites")).outcome == "loaded"
    copy = shutil.copy(OFFICE / "tracking_export.csv", tmp_path / "zweites.csv")
    for program, f in ((PROGRAM, OFFICE / "tracking_export.csv"), ("zweites", copy)):
        assert load(con, path, f, program=program).outcome == "loaded"
    r = load(con, path, OFFICE / "episoden_ohne_programm.csv")
    assert r.outcome == "failed"
    assert (r.problems[0].code, r.problems[0].params["candidates"]) == ("no_program_inferred", "test-programm, zweites")
    assert "Bitte das Programm der Datei wählen" in problem_message(r.problems[0], "de")
    assert "--" not in problem_message(r.problems[0], "de")


def test_a_status_column_that_cannot_be_placed_refuses_the_load_naming_the_mapping_line(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt;Ausbildungsbetrieb", "K-1;01.09.2020;Pflegedienst"])
    r = load(con, path, f, program=PROGRAM)
    assert r.outcome == "failed"
    assert (r.problems[0].code, r.problems[0].column) == ("status_column_unplaced", "Ausbildungsbetrieb")
    message = problem_message(r.problems[0], "de")
    assert '"Ausbildungsbetrieb" = "training.start"' in message and '"Ausbildungsbetrieb" = "-"' in message


def test_values_as_people_type_them(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", [
        "Fallnummer;Eintrittsdatum;Austrittsdatum;Grund des Austritts",
        "K-1;01.09.19;31.12.20;erfolgreich beendet",
        "K-2;1.9.2019;43900;Umzug",
        "K-3;2019-09-01;15.03.2020;weggelaufen"])
    r = load(con, path, f, program=PROGRAM)
    assert r.outcome == "failed"
    [problem] = r.problems
    assert (problem.code, problem.line, problem.value) == ("bad_value", 4, "weggelaufen")
    assert problem_message(problem, "de") == ("'weggelaufen' ist kein zulässiger Wert (erlaubt: abgeschlossen, "
                                              "abgebrochen, verzogen, sonstiges).")
    r = load(con, path, f, program=PROGRAM, lenient=True)
    assert (r.rows_loaded, r.rows_rejected) == (2, 1)
    # 43900 is Excel's serial number of 10.03.2020
    assert con.execute("select participant_id, entry_date, exit_date, exit_reason from participant order by 1"
                       ).fetchall() == [("K-1", D(2019, 9, 1), D(2020, 12, 31), "completed"),
                                        ("K-2", D(2019, 9, 1), D(2020, 3, 10), "moved")]
