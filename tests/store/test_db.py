import duckdb

from pipelines.store import db


def test_fresh_store_has_current_schema_and_builtin_statuses(con):
    assert db.schema_version(con) == db.SCHEMA_VERSION
    rows = con.execute(
        "select status, category from status_vocabulary where program_id = '*' order by status"
    ).fetchall()
    assert ("training", "outcome") in rows
    assert ("coaching", "support") in rows
    assert len(rows) == 8


def test_migrate_is_idempotent(db_path):
    con = db.connect(db_path)
    con.close()
    con = db.connect(db_path)
    assert con.execute("select count(*) from schema_version").fetchone()[0] == 1
    con.close()


def test_db_path_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("OUTCOMES_DB", str(tmp_path / "x.duckdb"))
    assert db.resolve_path() == tmp_path / "x.duckdb"
    assert db.resolve_path("explicit.duckdb").name == "explicit.duckdb"


def test_quote_ident_escapes_quotes():
    assert db.quote_ident('a"b') == '"a""b"'


def test_store_from_a_newer_version_is_refused(db_path):
    import pytest

    con = db.connect(db_path)
    con.execute("insert into schema_version values (?, current_timestamp)", [db.SCHEMA_VERSION + 1])
    con.close()
    with pytest.raises(RuntimeError, match="newer than this program"):
        db.connect(db_path)


def test_read_only_open_of_missing_store_says_so(tmp_path):
    import pytest

    with pytest.raises(FileNotFoundError):
        db.connect(tmp_path / "missing.duckdb", read_only=True)


# --------------------------------------------------------------------------- one writer, readers never blocked

import threading  # noqa: E402

import pytest  # noqa: E402


def _count(path) -> int:
    with db.reading(path) as con:
        return con.execute("select count(*) from program").fetchone()[0]


def _add_program(con, program_id: str) -> None:
    con.execute("insert into program (program_id, name, special_categories) values (?, ?, true)",
                [program_id, program_id])


def test_a_write_lands_whole_and_leaves_no_scratch_file(db_path):
    with db.writing(db_path) as con:
        _add_program(con, "a")
    assert _count(db_path) == 1
    assert not list(db_path.parent.glob(".*.writing*"))


def test_a_failed_write_leaves_the_store_as_it_was(db_path):
    with db.writing(db_path) as con:
        _add_program(con, "a")
    before = db_path.read_bytes()
    with pytest.raises(RuntimeError):
        with db.writing(db_path) as con:
            _add_program(con, "b")
            raise RuntimeError("the load failed half-way")
    assert db_path.read_bytes() == before
    assert _count(db_path) == 1
    assert not list(db_path.parent.glob(".*.writing*"))


def test_readers_answer_while_a_writer_holds_the_store(db_path):
    with db.writing(db_path) as con:
        _add_program(con, "a")
    inside, release = threading.Event(), threading.Event()

    def writer():
        with db.writing(db_path) as con:
            _add_program(con, "b")
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(10)
    assert _count(db_path) == 1          # the store before the load, no lock error
    release.set()
    thread.join(10)
    assert _count(db_path) == 2          # and after it


def test_a_second_writer_waits_says_so_and_gives_up_after_the_limit(db_path):
    inside, release = threading.Event(), threading.Event()

    def writer():
        with db.writing(db_path) as con:
            _add_program(con, "first")
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(10)
    told = []
    with pytest.raises(db.StoreBusy):
        with db.writing(db_path, wait_s=0.3, on_wait=lambda: told.append(1)):
            pass
    assert told == [1]
    release.set()
    thread.join(10)
    with db.writing(db_path, wait_s=5) as con:   # free again: the second writer gets its turn
        _add_program(con, "second")
    assert _count(db_path) == 2


def test_a_reader_opened_after_a_swap_reads_the_new_file_while_an_old_reader_is_open(db_path):
    """DuckDB shares one instance per file path and process: a plain duckdb.connect(path) made while
    another connection is open would read the swapped-out file. db.reading attaches instead."""
    with db.writing(db_path) as con:
        _add_program(con, "a")
    with db.reading(db_path) as old_reader:
        with db.writing(db_path) as con:          # the dashboard's own upload in the same process
            _add_program(con, "b")
        assert _count(db_path) == 2                # a new question sees the new file
        assert old_reader.execute("select count(*) from program").fetchone()[0] == 1   # the old one its own


def test_scratch_files_of_a_killed_writer_are_removed_by_the_next(db_path):
    with db.writing(db_path) as con:
        _add_program(con, "a")
    orphan = db_path.with_name(f".{db_path.name}.99999.writing")
    orphan.write_bytes(b"half a store")
    with db.writing(db_path) as con:
        _add_program(con, "b")
    assert not orphan.exists()
    assert _count(db_path) == 2


# --------------------------------------------------------------------------- schema 2, reached from schema 1

import tarfile  # noqa: E402
from pathlib import Path  # noqa: E402

from pipelines.store import checks  # noqa: E402

STORE_V1 = Path(__file__).resolve().parents[1] / "data" / "store_v1.tar.gz"


@pytest.fixture
def v1_store(tmp_path):
    """A store built by the code of the first landing (schema 1): four demo programs, no ESF file."""
    with tarfile.open(STORE_V1) as archive:
        archive.extractall(tmp_path, filter="data")
    return tmp_path / "outcomes.duckdb"


def test_a_schema_1_store_is_carried_to_schema_2_with_every_row(v1_store):
    old = duckdb.connect(str(v1_store), read_only=True)
    before = {t: old.execute(f"select count(*) from {t}").fetchone()[0]
              for t in ("participant", "episode", "program", "target", "load", "status_vocabulary")}
    kassel_v1 = old.execute("select count(*) from episode where program_id = 'sozialwirtschaft-integriert' "
                            "and status = 'training'").fetchone()[0]
    old.close()
    assert before["participant"] == 255 and before["episode"] == 611       # as built by the first landing
    con = db.connect(v1_store)
    assert db.schema_version(con) == 2
    after = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in before}
    assert after == before
    assert con.execute("select count(*) from episode where program_id = 'sozialwirtschaft-integriert' "
                       "and status = 'training'").fetchone()[0] == kassel_v1
    # integer keys: one per participant, the episodes carry their participant's key
    assert con.execute("select count(distinct person_key), max(person_key) from participant").fetchone() == (255, 255)
    assert checks.failures(con) == {}
    assert con.execute("select value from key_counter where name = 'load_id'").fetchone()[0] == \
        con.execute("select max(load_id) from load").fetchone()[0]
    # no constraint is left (DuckLake has none): uniqueness is the data checks' job
    assert con.execute("select count(*) from duckdb_constraints() where constraint_type in "
                       "('PRIMARY KEY', 'UNIQUE', 'CHECK')").fetchone()[0] == 0
    # archives of whole files (with columns the store does not use) are retired
    assert not list((v1_store.parent / "raw").glob("*"))
    con.close()


def test_a_load_into_a_migrated_store_gets_new_keys(v1_store, tmp_path):
    from pipelines.ingest import Ingestor
    from tests.helpers.files import csv_file

    con = db.connect(v1_store)
    f = csv_file(tmp_path, "neu.csv", ["Teilnehmer-ID;Eintritt;Coaching ab", "N1;01.03.2025;01.03.2025"])
    result = Ingestor(con, db_path=v1_store, program="tara-mentoring").ingest(f)
    assert result.outcome == "loaded", result.problems
    assert con.execute("select person_key from participant where participant_id = 'N1'").fetchone()[0] == 256
    assert checks.failures(con) == {}
    con.close()
