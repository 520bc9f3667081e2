"""Attacks on the load-scoped data checks (642ac85): after a correction (a load that wrote fewer
than half of its programs' participants) the participant and episode checks look only at the rows
the load wrote and at rows sharing a key with them. Each sequence below loads real files and ends
with the checks over every row: if a correction let a fault through, `checks.failures(con)` finds
it although every load said "loaded". Every data load is also watched for rows it changes
without marking them with its load_id (the premise "a load changes no other row")."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.ingest import Ingestor
from pipelines.store import checks

from tests.helpers.files import csv_file, program_file, xlsx_file

OWN_STATUS = ('\n[[status]]\nname = "orientierung"\ncategory = "support"\n'
              'label_de = "Berufsorientierung"\nlabel_en = "Orientation"\n')


def _tables(con):
    return (set(con.execute("select * from participant").fetchall()),
            set(con.execute("select * from episode").fetchall()))


def _load(con, path, file, *, correction: bool | None = None, **options):
    """Load one file; it must say "loaded". Checks that every participant or episode row it added or
    changed carries its load_id, and that it deleted episodes only of women it marked. With
    `correction`, also that the load was (True) or was not (False) checked in its own rows."""
    before_p, before_e = _tables(con)
    scoped = []
    failures = checks.failures

    def spy(*args, **kwargs):
        scoped.append(kwargs.get("load_id"))
        return failures(*args, **kwargs)
    checks.failures = spy
    try:
        result = Ingestor(con, db_path=path, **options).ingest(file)
    finally:
        checks.failures = failures
    assert result.outcome == "loaded", result.problems
    after_p, after_e = _tables(con)
    if result.load_id is not None:
        load_id = result.load_id
        unmarked = [r for r in (after_p - before_p) | (after_e - before_e) if r[-1] != load_id]
        assert unmarked == [], "rows changed without the load's id"
        marked = {r[0] for r in after_p if r[-1] == load_id} | {r[0] for r in after_e if r[-1] == load_id}
        lost = {r[0] for r in before_e - after_e} - marked
        assert lost == set(), "episodes deleted of women the load did not mark"
        if correction is not None:
            assert (scoped == [load_id]) is correction, scoped
    return result


@pytest.fixture
def two_programs(tmp_path):
    """A store with programs a and b (b with an own status), five women in each and their episodes."""
    from pipelines.store import db
    path = tmp_path / "store.duckdb"
    con = db.connect(path)
    _load(con, path, program_file(tmp_path, "prog-a"))
    _load(con, path, program_file(tmp_path, "prog-b", OWN_STATUS))
    rows = ["Programm;Teilnehmer-ID;Eintritt;Austritt;Austrittsgrund;Coaching ab;Coaching bis;Praktikum ab;"
            "Ausbildung ab"]
    for prog in ("prog-a", "prog-b"):
        for i in range(1, 6):
            rows.append(f"{prog};P{i};01.0{i}.2019;;;01.0{i}.2019;;15.0{i}.2019;")
    _load(con, path, csv_file(tmp_path, "start.csv", rows))
    _load(con, path, csv_file(tmp_path, "orient.csv", [
        "Teilnehmer-ID;Eintritt;Berufsorientierung ab", *(f"P{i};01.0{i}.2019;01.0{i}.2019" for i in range(1, 6))]),
        program="prog-b")
    assert checks.failures(con) == {}
    yield con, path, tmp_path
    con.close()


def test_tracking_correction_removes_a_status_and_changes_an_exit(two_programs):
    con, path, folder = two_programs
    fix = csv_file(folder, "fix.csv", ["Teilnehmer-ID;Eintritt;Austritt;Austrittsgrund;Coaching ab;Coaching bis;"
                                       "Praktikum ab", "P2;01.02.2019;30.06.2019;abgeschlossen;01.02.2019;;"])
    _load(con, path, fix, program="prog-a", correction=True)
    assert con.execute("select count(*) from episode where program_id = 'prog-a' and participant_id = 'P2'"
                       " and status = 'internship'").fetchone()[0] == 0
    fix2 = csv_file(folder, "fix2.csv", ["Teilnehmer-ID;Eintritt;Austritt;Austrittsgrund",
                                         "P2;01.02.2019;31.03.2019;abgebrochen"])
    _load(con, path, fix2, program="prog-a", correction=True)
    assert checks.failures(con) == {}


def test_participants_correction_with_program_option_and_a_repeated_woman_lenient(two_programs):
    """A participants file (no statuses) without a program column; lenient, one woman twice and a bad row."""
    con, path, folder = two_programs
    fix = csv_file(folder, "fix.csv", ["Teilnehmer-ID;Eintritt;Austritt;Geschlecht",
                                       "P1;01.01.2019;31.12.2019;weiblich",
                                       "P1;01.01.2019;30.11.2019;weiblich",
                                       "P3;01.03.2019;01.02.2019;weiblich",     # exit before entry
                                       "P9;01.03.2019;;x?"])
    r = _load(con, path, fix, program="prog-b", lenient=True, correction=True)
    assert r.rows_rejected >= 2
    assert checks.failures(con) == {}


def test_long_episodes_correction_lenient_repeated_and_bad_lines(two_programs):
    """An episodes file with a program column: a woman's episodes replaced, a line repeated, a bad line."""
    con, path, folder = two_programs
    fix = csv_file(folder, "ep.csv", ["Programm;Teilnehmer-ID;Status;Beginn;Ende",
                                      "prog-a;P3;Coaching;01.03.2019;30.04.2019",
                                      "prog-a;P3;Coaching;01.03.2019;30.04.2019",
                                      "prog-a;P3;Ausbildung;01.09.2019;",
                                      "prog-a;P4;Coaching;01.04.2019;01.03.2019",   # ends before it starts
                                      "prog-a;P5;Qualifikation;10.05.2019;",
                                      "prog-a;P5;Qualifikation;10.05.2019;10.05.2019"])
    _load(con, path, fix, lenient=True, correction=True)
    assert checks.failures(con) == {}


def test_episodes_file_without_program_column_takes_the_women_s_program(two_programs):
    con, path, folder = two_programs
    # P1 exists in both programs: refused without a program; with one, loaded there
    fix = csv_file(folder, "ep.csv", ["Teilnehmer-ID;Status;Beginn;Ende",
                                      "P1;Berufsorientierung;01.01.2019;31.01.2019",
                                      "P1;Praktikum;01.02.2019;"])
    _load(con, path, fix, program="prog-b", correction=True)
    # an own status of prog-b in a file for prog-a
    bad = csv_file(folder, "ep2.csv", ["Teilnehmer-ID;Status;Beginn", "P2;Berufsorientierung;01.02.2019"])
    r = Ingestor(con, db_path=path, program="prog-a").ingest(bad)
    assert r.outcome == "failed"
    assert checks.failures(con) == {}


def test_xlsx_tracking_correction_for_two_programs(two_programs):
    con, path, folder = two_programs
    D = dt.date
    fix = xlsx_file(folder, "fix.xlsx", ["Programm", "Teilnehmer-ID", "Eintritt", "Coaching ab", "Coaching bis",
                                         "Ausbildung ab"],
                    [["prog-a", "P5", D(2019, 5, 1), D(2019, 5, 1), D(2019, 8, 31), D(2019, 9, 1)],
                     ["prog-b", "P5", D(2019, 5, 1), None, None, D(2019, 10, 1)],
                     ["prog-b", "N1", D(2019, 6, 1), D(2019, 6, 1), None, None]])
    _load(con, path, fix, correction=True)
    # the same woman again, the coaching gone; then an episodes file for her
    fix2 = xlsx_file(folder, "fix2.xlsx", ["Programm", "Teilnehmer-ID", "Eintritt", "Coaching ab"],
                     [["prog-a", "P5", D(2019, 5, 1), None]])
    _load(con, path, fix2, correction=True)
    ep = csv_file(folder, "ep.csv", ["Programm;Teilnehmer-ID;Status;Beginn", "prog-b;N1;Coaching;01.06.2019"])
    _load(con, path, ep, correction=True)
    assert checks.failures(con) == {}


def test_program_start_moved_then_a_correction(two_programs):
    """A program file that moves the start (derived rebuilt whole for it), then a correction."""
    con, path, folder = two_programs
    moved = program_file(folder, "prog-a").read_text(encoding="utf-8").replace("start = 2019-01-01",
                                                                                "start = 2019-03-01")
    (folder / "prog-a.toml").write_text(moved, encoding="utf-8")
    _load(con, path, folder / "prog-a.toml")
    fix = csv_file(folder, "fix.csv", ["Teilnehmer-ID;Eintritt;Praktikum ab", "P1;01.01.2019;01.02.2019"])
    _load(con, path, fix, program="prog-a", correction=True)
    assert checks.failures(con) == {}


def test_a_program_file_that_drops_an_own_status_in_use_is_refused(two_programs):
    """Found by this file's first version: such a program file loaded unchecked (program loads ran no data
    checks), and a later correction, checked in its own rows, did not see the broken vocabulary."""
    from pipelines.text.ingest import located_message

    con, path, folder = two_programs
    before = _tables(con), con.execute("select * from status_vocabulary order by all").fetchall()
    program_file(folder, "prog-b")            # the same program, its own status gone
    r = Ingestor(con, db_path=path).ingest(folder / "prog-b.toml")
    assert r.outcome == "failed" and [p.params.get("rule") for p in r.problems] == ["status_in_use"]
    assert "»orientierung«" in located_message(r.problems[0]) and "5 Episoden" in located_message(r.problems[0])
    assert (_tables(con), con.execute("select * from status_vocabulary order by all").fetchall()) == before
    fix = csv_file(folder, "fix.csv", ["Teilnehmer-ID;Eintritt;Praktikum ab", "P1;01.01.2019;01.02.2019"])
    _load(con, path, fix, program="prog-b", correction=True)
    assert checks.failures(con) == {}


def test_episodes_file_without_program_inferred_from_its_ids(two_programs):
    con, path, folder = two_programs
    new = csv_file(folder, "new.csv", ["Teilnehmer-ID;Eintritt", "Q1;01.06.2019"])
    _load(con, path, new, program="prog-b", correction=True)
    ep = csv_file(folder, "ep.csv", ["Teilnehmer-ID;Status;Beginn;Ende", "Q1;Coaching;01.06.2019;",
                                     "Q1;Qualifikation;01.07.2019;01.07.2019"])
    r = _load(con, path, ep, correction=True)
    assert r.details["program_inferred"] == "prog-b"
    assert checks.failures(con) == {}


def test_a_program_load_is_checked_whole(two_programs):
    """A program file may change rows it does not mark (switching special categories off clears every
    woman's origin region; a new start moves every first start): it is checked over every row, so a
    later correction, checked in what it writes, starts from a clean store."""
    con, path, folder = two_programs
    fix = csv_file(folder, "fix.csv", ["Teilnehmer-ID;Eintritt;Herkunftsregion", "P1;01.01.2019;Westafrika"])
    _load(con, path, fix, program="prog-a", correction=True)
    off = program_file(folder, "prog-a").read_text(encoding="utf-8").replace("[program]\n",
                                                                              "[program]\nspecial_categories = false\n")
    (folder / "prog-a.toml").write_text(off, encoding="utf-8")
    scoped = []
    failures = checks.failures
    checks.failures = lambda *a, **k: scoped.append(k.get("load_id")) or failures(*a, **k)
    try:
        r = Ingestor(con, db_path=path).ingest(folder / "prog-a.toml")
    finally:
        checks.failures = failures
    assert r.outcome == "loaded" and scoped == [None]
    assert con.execute("select count(origin_region) from participant where program_id = 'prog-a'").fetchone() == (0,)
    assert checks.failures(con) == {}
