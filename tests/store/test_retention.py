"""Deletion reaches everything: participant, episodes, first_start, rejected rows, archives, rejects files;
logged with who, when, the criterion and the counts — never the ids."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from pipelines import ingest
from pipelines.access import LOCAL_ADMIN, AccessError, Person, accounts
from pipelines.store import db, retention
from tests.helpers.files import csv_file, program_file

PROGRAM = "test-programm"
# a tracking sheet: A, B and C load; line 5 (D, a bad entry date) is rejected; C left in 2019
TRACKING = [
    "Teilnehmer-ID;Eintritt;Coaching ab;Ausbildung ab;Austritt;Austrittsgrund",
    "A;01.02.2019;01.02.2019;01.09.2019;;",
    "B;01.03.2019;01.03.2019;;;",
    "C;01.04.2019;01.04.2019;;30.11.2019;abgebrochen",
    "D;kaputt;01.05.2019;;;",
]


@pytest.fixture
def store(tmp_path, cheap_hasher):
    path = tmp_path / "store" / "outcomes.duckdb"
    with db.writing(path) as con:
        results = ingest.ingest_files(con, [program_file(tmp_path, PROGRAM), csv_file(tmp_path, "tn.csv", TRACKING)],
                                      db_path=path, lenient=True, program=PROGRAM)
        assert [r.outcome for r in results] == ["loaded", "loaded"]
        accounts.add(con, "lead", "lead", "geheim-123", programs=[PROGRAM], actor=LOCAL_ADMIN)
        accounts.add(con, "eva", "evaluator", "geheim-123", programs=[PROGRAM], actor=LOCAL_ADMIN)
    return path


@pytest.fixture
def cheap_hasher(monkeypatch):
    from argon2 import PasswordHasher
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def one(con, sql, params=None):
    return con.execute(sql, params or {}).fetchone()[0]


def archive_ids(path):
    con = db.connect(path, read_only=True)
    raw = one(con, "select raw_path from load where kind = 'tracking'")
    con.close()
    return sorted(r[0] for r in duckdb.sql(f"select \"Teilnehmer-ID\" from '{path.parent / raw}'").fetchall())


def test_a_participant_is_deleted_from_every_table_and_file(store):
    rejects = next((store.parent / "rejects").glob("*.rejects.csv"))
    assert [line[:2] for line in rejects.read_text(encoding="utf-8-sig").splitlines()[1:]] == ["5;"]   # D's line
    assert archive_ids(store) == ["A", "B", "C", "D"]
    with db.writing(store) as con:
        assert one(con, "select count(*) from first_start") == 4      # A coaching + training, B, C coaching
        counts = retention.delete_participants(con, PROGRAM, ["A", "D"], actor=Person("lead", "lead", (PROGRAM,)),
                                               store=store)
    # A: her row, 2 episodes, 2 first starts; D was never stored but her rejected row, archive row and
    # rejects-file row go as well
    assert counts == {"participants": 1, "episodes": 2, "rejected_rows": 1, "archived_rows": 2,
                      "rejects_file_rows": 1}
    con = db.connect(store, read_only=True)
    assert [r[0] for r in con.execute("select participant_id from participant order by 1").fetchall()] == ["B", "C"]
    assert one(con, "select count(*) from episode where participant_id = 'A'") == 0
    assert one(con, "select count(*) from first_start") == 2
    assert one(con, "select count(*) from rejected_row") == 0
    log = con.execute("select deleted_by, program_id, reason, criterion, participants, episodes "
                      "from deletion_log").fetchall()
    assert log == [("lead", PROGRAM, "participant", "ids: 2", 1, 2)]
    actor, action, detail = con.execute("select actor, action, detail_json from audit_log "
                                        "where action = 'deletion'").fetchone()
    con.close()
    assert (actor, action) == ("lead", "deletion")
    assert json.loads(detail)["participants"] == 1
    assert "\"A\"" not in detail and "\"D\"" not in detail
    assert archive_ids(store) == ["B", "C"]
    assert rejects.read_text(encoding="utf-8-sig").splitlines()[1:] == []


def test_retention_deletes_who_left_before_the_date(store):
    with db.writing(store) as con:
        counts = retention.delete_before(con, PROGRAM, dt.date(2020, 1, 1), actor=LOCAL_ADMIN, store=store)
    assert (counts["participants"], counts["episodes"], counts["archived_rows"]) == (1, 1, 1)   # C, her coaching
    con = db.connect(store, read_only=True)
    assert con.execute("select criterion, deleted_by from deletion_log").fetchall() == [("2020-01-01", "local-admin")]
    con.close()
    assert archive_ids(store) == ["A", "B", "D"]


def test_an_evaluator_may_not_delete_and_nothing_changes(store):
    with pytest.raises(AccessError) as refused:
        with db.writing(store) as con:
            retention.delete_participants(con, PROGRAM, ["A"], actor=Person("eva", "evaluator", (PROGRAM,)),
                                          store=store)
    assert refused.value.code == "access.forbidden"
    con = db.connect(store, read_only=True)
    assert one(con, "select count(*) from participant") == 3
    assert one(con, "select count(*) from deletion_log") == 0
    con.close()
