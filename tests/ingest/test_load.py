"""One load: strict leaves the store as it was, lenient keeps every rejected row, idempotent, corrections."""

from __future__ import annotations

import datetime as dt
import hashlib

from pipelines.store import db

from tests.helpers.files import csv_file, program_file

D = dt.date


def _file_hash(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_broken_file_leaves_database_byte_for_byte(tmp_path, load):
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


def test_lenient_loads_good_rows_and_keeps_every_rejected_row(store, load):
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


def test_same_file_twice_changes_nothing(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt;Coaching ab", "A;01.01.2019;01.01.2019"])
    first = load(con, path, f, program="test-programm")
    snapshot = con.execute("select * from participant").fetchall(), con.execute("select * from episode").fetchall()
    second = load(con, path, f, program="test-programm")
    assert (first.outcome, second.outcome) == ("loaded", "skipped")
    assert (con.execute("select * from participant").fetchall(), con.execute("select * from episode").fetchall()) == snapshot
    assert con.execute("select outcome from load where kind = 'tracking' order by load_id").fetchall() == [
        ("loaded",), ("skipped",)]


def test_corrected_file_updates_the_records_it_covers(store, load):
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


def test_load_is_logged(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt", "A;01.01.2019"])
    r = load(con, path, f, program="test-programm")
    row = con.execute("select file_name, kind, program_id, outcome, rows_read, rows_loaded, rows_rejected, "
                      "length(sha256), raw_path from load where load_id = ?", [r.load_id]).fetchone()
    assert row[:8] == ("tn.csv", "participants", "test-programm", "loaded", 1, 1, 0, 64)
    # the archive holds the load as read, used columns only (DESIGN.md, privacy)
    archived = con.execute("select * from read_parquet(?)", [str(path.parent / row[8])]).fetchall()
    assert archived == [(2, "A", "01.01.2019")]


def test_the_archive_keeps_used_columns_only_and_no_failed_load_leaves_one(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt;Bemerkung", "A;01.01.2019;zieht bald um, Tel. folgt"])
    r = load(con, path, f, program="test-programm")
    raw = path.parent / con.execute("select raw_path from load where load_id = ?", [r.load_id]).fetchone()[0]
    columns = [c[0] for c in con.execute("describe select * from read_parquet(?)", [str(raw)]).fetchall()]
    assert columns == ["_line", "Teilnehmer-ID", "Eintritt"]            # "Bemerkung" is not kept
    bad = csv_file(folder, "bad.csv", ["Teilnehmer-ID;Eintritt", "B;31.02.2019"])
    before = sorted(p.name for p in (path.parent / "raw").iterdir())
    assert load(con, path, bad, program="test-programm").outcome == "failed"
    assert sorted(p.name for p in (path.parent / "raw").iterdir()) == before


def test_one_day_event_in_long_file_is_the_same_half_open_day(store, load):
    con, path, folder = store
    load(con, path, csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt", "Q;01.03.2019"]), program="test-programm")
    r = load(con, path, csv_file(folder, "ep.csv", ["Teilnehmer-ID;Status;Beginn;Ende",
                                                    "Q;Qualifikation;12.03.2020;12.03.2020",
                                                    "Q;Abschluss;15.05.2020;"]), program="test-programm")
    assert r.outcome == "loaded", r.problems
    assert con.execute("select start_date, end_date from episode order by 1").fetchall() == [
        (D(2020, 3, 12), D(2020, 3, 13)), (D(2020, 5, 15), D(2020, 5, 16))]


def test_rejected_rows_keep_the_whole_reason_in_the_language_of_the_load(store, load):
    con, path, folder = store
    f = csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt;Geschlecht", "A;01.01.2019;x?"])
    r = load(con, path, f, program="test-programm", lenient=True, lang="en")
    # the accepted values are the words the files use, whatever the language of the messages
    assert con.execute("select reason_code, reason from rejected_row").fetchall() == [
        ("bad_value", "'x?' is not an allowed value (allowed: weiblich, männlich, divers).")]
    header = r.rejects_path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("line,column,value,reason,code")


def test_a_correction_that_would_break_the_store_is_rolled_back(store, load, monkeypatch):
    """The data checks after a load look at what it wrote (checks.failures with its load_id): a fault
    it brings in — here an episode written twice, as a broken writer would — fails the load, and
    the store keeps what it had."""
    from pipelines.ingest import upsert
    from pipelines.store import checks

    failures = checks.failures
    con, path, folder = store
    first = load(con, path, csv_file(folder, "tn.csv", ["Teilnehmer-ID;Eintritt;Coaching ab", "A;01.01.2019;01.01.2019",
                                                       "B;01.02.2019;01.02.2019", "C;01.03.2019;01.03.2019"]),
                 program="test-programm")
    assert first.outcome == "loaded"
    before = con.execute("select * from participant order by all").fetchall(), \
        con.execute("select * from episode order by all").fetchall()
    replace = upsert.replace_tracking_episodes

    def twice(con, layout, load_id):
        replace(con, layout, load_id)
        con.execute("insert into episode select * from episode where load_id = ? limit 1", [load_id])
    monkeypatch.setattr(upsert, "replace_tracking_episodes", twice)
    checked = []
    monkeypatch.setattr(checks, "failures", lambda *a, **k: checked.append(k.get("load_id")) or failures(*a, **k))
    # one woman of three: a correction, checked in what it wrote
    fix = csv_file(folder, "fix.csv", ["Teilnehmer-ID;Eintritt;Coaching ab", "B;01.02.2019;15.02.2019"])
    r = load(con, path, fix, program="test-programm")
    assert r.outcome == "failed" and [p.code for p in r.problems] == ["store_check"]
    assert "episode_unique" in r.problems[0].params["checks"]
    assert len(checked) == 1 and checked[0] is not None           # checked in the load's rows, found there
    assert (con.execute("select * from participant order by all").fetchall(),
            con.execute("select * from episode order by all").fetchall()) == before
