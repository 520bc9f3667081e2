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
