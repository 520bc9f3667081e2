"""The derived tables (first_start, spell) after a load that touches a few participants: only theirs
are rebuilt, and the tables equal a rebuild of the whole program."""

from __future__ import annotations

import datetime as dt

from pipelines.ingest import Ingestor
from pipelines.store import db, derived

from tests.helpers.files import csv_file, program_file

D = dt.date
PROGRAM = "test-programm"


def _derived(con) -> dict[str, list[tuple]]:
    return {table: con.execute(f"select p.participant_id, d.* exclude (person_key) from {table} d "
                               f"join participant p using (person_key) order by all").fetchall()
            for table in derived.DERIVED_TABLES}


def test_a_correction_rebuilds_only_the_participants_it_names(tmp_path, monkeypatch):
    path = tmp_path / "store.duckdb"
    con = db.connect(path)
    load = lambda file: Ingestor(con, db_path=path, program=PROGRAM).ingest(file)  # noqa: E731
    assert Ingestor(con, db_path=path).ingest(program_file(tmp_path)).outcome == "loaded"
    assert load(csv_file(tmp_path, "v1.csv", [
        "Teilnehmer-ID;Eintritt;Coaching ab;Ausbildung ab",
        "A;01.01.2019;01.01.2019;01.08.2019", "B;01.02.2019;01.02.2019;", "C;01.03.2019;01.03.2019;01.09.2019",
        "D;01.04.2019;01.04.2019;"])).outcome == "loaded"
    taken = []
    people = derived._rebuild_people
    monkeypatch.setattr(derived, "_rebuild_people", lambda *a: taken.append(people(*a)) or taken[-1])
    # A left on 31.12.2019 and her training started on 01.09.2019: one of four women touched
    assert load(csv_file(tmp_path, "v2.csv", [
        "Teilnehmer-ID;Eintritt;Coaching ab;Ausbildung ab;Austritt",
        "A;01.01.2019;01.01.2019;01.09.2019;31.12.2019"])).outcome == "loaded"
    assert taken == [True]                      # the participants of the load only
    after = _derived(con)
    assert after["first_start"] == [
        ("A", PROGRAM, "coaching", D(2019, 1, 1)), ("A", PROGRAM, "training", D(2019, 9, 1)),
        ("B", PROGRAM, "coaching", D(2019, 2, 1)), ("C", PROGRAM, "coaching", D(2019, 3, 1)),
        ("C", PROGRAM, "training", D(2019, 9, 1)), ("D", PROGRAM, "coaching", D(2019, 4, 1))]
    # her coaching closes at her exit (the exit day still in it); the others' stay open
    assert after["spell"] == [
        ("A", PROGRAM, "coaching", "support", D(2019, 1, 1), D(2020, 1, 1)),
        ("A", PROGRAM, "training", "outcome", D(2019, 9, 1), None),
        ("B", PROGRAM, "coaching", "support", D(2019, 2, 1), None),
        ("C", PROGRAM, "coaching", "support", D(2019, 3, 1), None),
        ("C", PROGRAM, "training", "outcome", D(2019, 9, 1), None),
        ("D", PROGRAM, "coaching", "support", D(2019, 4, 1), None)]
    assert derived.rebuild(con, [PROGRAM]) is True      # the whole program: the same rows
    assert _derived(con) == after
    con.close()


def test_a_load_of_most_participants_rebuilds_the_whole_program(tmp_path, monkeypatch):
    path = tmp_path / "store.duckdb"
    con = db.connect(path)
    assert Ingestor(con, db_path=path).ingest(program_file(tmp_path)).outcome == "loaded"
    taken = []
    people = derived._rebuild_people
    monkeypatch.setattr(derived, "_rebuild_people", lambda *a: taken.append(people(*a)) or taken[-1])
    result = Ingestor(con, db_path=path, program=PROGRAM).ingest(csv_file(tmp_path, "v1.csv", [
        "Teilnehmer-ID;Eintritt;Coaching ab", "A;01.01.2019;01.01.2019", "B;01.02.2019;01.02.2019"]))
    assert result.outcome == "loaded"
    assert taken == [False]                     # everyone is new: rebuilt by program
    assert con.execute("select count(*) from spell").fetchone()[0] == 2
    assert con.execute("select count(*) from first_start").fetchone()[0] == 2
    con.close()
