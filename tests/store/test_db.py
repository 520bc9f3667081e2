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
    con.execute("insert into schema_version (version) values (?)", [db.SCHEMA_VERSION + 1])
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
    con.execute("insert into program (program_id, name) values (?, ?)", [program_id, program_id])


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


def test_scratch_files_of_a_killed_writer_are_removed_by_the_next(db_path):
    with db.writing(db_path) as con:
        _add_program(con, "a")
    orphan = db_path.with_name(f".{db_path.name}.99999.writing")
    orphan.write_bytes(b"half a store")
    with db.writing(db_path) as con:
        _add_program(con, "b")
    assert not orphan.exists()
    assert _count(db_path) == 2
