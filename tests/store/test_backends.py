"""The store on both backends: an embedded DuckDB file and a DuckLake on a throwaway PostgreSQL.

The same code (db.writing / db.reading, the ingest, the report) runs on both; the lake's own
promises follow: concurrent writers lose no row, a report is rebuilt byte for byte from its snapshot,
a store moves into a lake and back.
"""

from __future__ import annotations

import datetime as dt
import threading

import duckdb
import pytest

from pipelines import report
from pipelines.ingest import Ingestor
from pipelines.store import checks, copy, db
from tests.helpers.cli import run
from tests.helpers.files import csv_file, program_file
from tests.helpers.lake_concurrency import run_ingest_concurrency

KASSEL = "sozialwirtschaft-integriert"


@pytest.fixture
def new_lake(pg, tmp_path, monkeypatch, request):
    """A DuckLake connection string of an empty PostgreSQL database; its data folder in $OUTCOMES_DATA_PATH."""
    name = "lake_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    pg.create_database(name)
    monkeypatch.setenv("OUTCOMES_DATA_PATH", str(tmp_path / "lake-data"))
    return "ducklake:postgres:" + pg.libpq_for(name)


@pytest.fixture(params=["embedded", pytest.param("lake", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """The spec of a new store, once per backend."""
    if request.param == "embedded":
        return str(tmp_path / "store.duckdb")
    return request.getfixturevalue("new_lake")


def _count(spec, table: str = "program") -> int:
    with db.reading(spec) as con:
        return con.execute(f"select count(*) from {db.quote_ident(table)}").fetchone()[0]


def _add_program(con, program_id: str) -> None:
    con.execute("insert into program (program_id, name, special_categories) values (?, ?, true)",
                [program_id, program_id])


# --------------------------------------------------------------------------- both backends

def test_a_new_store_has_the_schema_once(store):
    for _ in range(2):
        with db.writing(store) as con:
            assert db.schema_version(con) == db.SCHEMA_VERSION
    with db.reading(store) as con:
        assert con.execute("select count(*) from schema_version").fetchone()[0] == 1
        assert con.execute("select count(*) from status_vocabulary where program_id = '*'").fetchone()[0] == 8
        assert con.execute("select current_database()").fetchone()[0] == ("lake" if db.is_lake(store) else "store")


def test_a_write_lands_whole_or_not_at_all(store):
    with db.writing(store) as con:
        _add_program(con, "a")
    with pytest.raises(RuntimeError):
        with db.writing(store) as con:
            with db.transaction(con):
                _add_program(con, "b")
                raise RuntimeError("the load failed half-way")
    assert _count(store) == 1


def test_a_reader_sees_the_store_before_and_after_a_change_never_an_error(store):
    with db.writing(store) as con:
        _add_program(con, "a")
    inside, release = threading.Event(), threading.Event()

    def writer():
        with db.writing(store) as con:
            with db.transaction(con):
                _add_program(con, "b")
                inside.set()
                release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(30)
    assert _count(store) == 1          # during the change: the store before it
    release.set()
    thread.join(30)
    assert _count(store) == 2          # after it


def test_files_load_through_the_ingest_code(store, tmp_path):
    with db.writing(store) as con:
        ingestor = Ingestor(con, db_path=store, program="p1", lenient=True)
        assert ingestor.ingest(program_file(tmp_path, "p1")).outcome == "loaded"
        sheet = csv_file(tmp_path, "liste.csv", ["Teilnehmer-ID;Eintritt;Coaching ab;Ausbildung ab",
                                                 "A1;01.03.2020;01.03.2020;01.06.2020",
                                                 "A2;01.04.2020;01.04.2020;",
                                                 "A3;31.02.2020;;"])
        result = ingestor.ingest(sheet)
        assert (result.outcome, result.rows_loaded, result.rows_rejected) == ("loaded", 2, 1)
        again = ingestor.ingest(sheet)
        assert again.outcome == "skipped"
        assert checks.failures(con) == {}
        assert con.execute("select participant_id, person_key from participant order by 1").fetchall() == \
            [("A1", 1), ("A2", 2)]
        files = db.files_dir(store, con)
    assert _count(store, "episode") == 3 and _count(store, "load") == 3
    assert len(list((files / "raw").glob("*.parquet"))) == 1            # the archive of the sheet
    assert [p.name for p in (files / "rejects").glob("*.csv")] == ["00002-liste.rejects.csv"]


def test_the_cli_runs_on_the_store(store, tmp_path):
    assert run("ingest", str(program_file(tmp_path, "p1")), "--db", store).returncode == 0
    result = run("programs", "--json", "--db", store)
    assert result.returncode == 0, result.stderr
    assert '"program": "p1"' in result.stdout


# --------------------------------------------------------------------------- the report fingerprint

def _fill(con, order: str) -> None:
    con.execute("insert into program (program_id, name, special_categories) values ('p1', 'P', true)")
    con.execute(f"insert into participant (person_key, program_id, participant_id, entry_date) "
                f"select i, 'p1', 'id' || i, date '2020-01-01' + i::integer from range(1, 301) r(i) order by i {order}")


def test_the_fingerprint_does_not_depend_on_row_order():
    stores = [db.connect(":memory:") for _ in range(2)]
    _fill(stores[0], "asc")
    _fill(stores[1], "desc")
    first = report.fingerprint(stores[0], ["p1"])
    assert first == report.fingerprint(stores[1], ["p1", "p1"])
    stores[1].execute("update participant set site = 'Ost' where participant_id = 'id7'")
    assert report.fingerprint(stores[1], ["p1"]) != first
    stores[1].execute("update participant set site = null where participant_id = 'id7'")
    assert report.fingerprint(stores[1], ["p1"]) == first
    # a duplicated row is a different store (a multiset hash, not a set hash)
    stores[1].execute("insert into participant select * from participant where participant_id = 'id7'")
    assert report.fingerprint(stores[1], ["p1"]) != first


# --------------------------------------------------------------------------- the lake's own promises

pytestmark_lake = pytest.mark.postgres


@pytest.fixture
def demo_lake(new_lake, demo_path):
    """The session's demo store copied into a new lake."""
    copy.copy_store(demo_path, new_lake)
    return new_lake


@pytestmark_lake
def test_a_store_moves_into_a_lake_and_back_unchanged(demo_path, new_lake, tmp_path):
    rows = copy.copy_store(demo_path, new_lake)
    assert rows["participant"] > 200 and rows["episode"] > 500
    back = tmp_path / "back.duckdb"
    assert copy.copy_store(new_lake, back) == rows
    con = duckdb.connect(":memory:")
    con.execute(f"attach '{demo_path}' as a (read_only)")
    con.execute(f"attach '{back}' as b (read_only)")
    for table in rows:
        if table == "schema_version":
            continue
        q = db.quote_ident(table)
        assert con.execute(f"select count(*) from (from a.{q} except all from b.{q})").fetchone() == (0,), table
        assert con.execute(f"select count(*) from (from b.{q} except all from a.{q})").fetchone() == (0,), table
    con.close()
    # the same report from either store, and the same data fingerprint (the lake adds its snapshot)
    with db.reading(demo_path) as embedded, db.reading(new_lake) as lake_con:
        args = ([KASSEL], "2018-01-01", "2020-08-31", "2020-08-31", "csv")
        on_lake, here = report.fingerprint(lake_con, [KASSEL]), report.fingerprint(embedded, [KASSEL])
        assert on_lake.startswith(here + "@snapshot-")
        assert report.report_bytes(lake_con, *args).replace(on_lake.encode(), here.encode()) == \
            report.report_bytes(embedded, *args)
    with pytest.raises(copy.CopyRefused) as refused:
        copy.copy_store(demo_path, new_lake)
    assert refused.value.code == "target_not_empty"


@pytestmark_lake
def test_store_copy_command(demo_path, new_lake, tmp_path):
    result = run("store", "copy", "--db", str(demo_path), "--to", new_lake,
                 "--to-data-path", str(tmp_path / "lake-data"))
    assert result.returncode == 0, result.stderr
    assert "Tabellen" in result.stdout and "kopiert" in result.stdout
    status = run("status", "--program", KASSEL, "--as-of", "2020-08-31", "--json", "--db", new_lake)
    assert status.returncode == 0, status.stderr
    embedded = run("status", "--program", KASSEL, "--as-of", "2020-08-31", "--json", "--db", str(demo_path))
    assert status.stdout == embedded.stdout
    again = run("store", "copy", "--db", str(demo_path), "--to", new_lake, "--lang", "en")
    assert again.returncode == 2 and "not empty" in again.stderr


@pytestmark_lake
def test_a_published_report_is_rebuilt_from_its_snapshot_byte_for_byte(demo_lake, tmp_path):
    args = ([KASSEL], "2018-01-01", "2020-08-31", "2020-08-31")
    with db.reading(demo_lake) as con:
        published = {fmt: report.report_bytes(con, *args, fmt) for fmt in ("csv", "xlsx", "pdf")}
        stamp = report.fingerprint(con, [KASSEL])
    snapshot = int(stamp.rsplit("-", 1)[1])
    # a later correction: one more woman in training
    sheet = csv_file(tmp_path, "nachtrag.csv", ["Teilnehmer-ID;Eintritt;Coaching ab;Ausbildung ab",
                                                "K-NEU;01.02.2020;01.02.2020;01.08.2020"])
    with db.writing(demo_lake) as con:
        assert Ingestor(con, db_path=demo_lake, program=KASSEL).ingest(sheet).outcome == "loaded"
    with db.reading(demo_lake) as con:
        assert report.report_bytes(con, *args, "csv") != published["csv"]
        assert report.fingerprint(con, [KASSEL]) != stamp
    with db.reading(demo_lake, snapshot=snapshot) as con:
        assert report.fingerprint(con, [KASSEL]) == stamp
        for fmt, data in published.items():
            rebuilt = report.report_bytes(con, *args, fmt)
            assert rebuilt == data, fmt
    out = tmp_path / "neu.csv"        # the same from the command line
    result = run("report", "--program", KASSEL, "--from", "2018-01-01", "--to", "2020-08-31", "--as-of", "2020-08-31",
                 "--format", "csv", "--out", out, "--db", demo_lake, "--snapshot", snapshot)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == published["csv"]


def test_snapshot_needs_a_lake(demo_path, tmp_path):
    result = run("report", "--program", KASSEL, "--from", "2018-01-01", "--to", "2020-08-31", "--as-of", "2020-08-31",
                 "--out", tmp_path / "x.pdf", "--db", demo_path, "--snapshot", "3")
    assert result.returncode == 2 and "nur für den gemeinsamen Speicher" in result.stderr


@pytestmark_lake
def test_the_dashboard_shows_the_same_on_a_lake(demo_lake, demo_path, monkeypatch):
    from tests.helpers.app import choose, new_app, open_page, problems, tiles

    shown = {}
    for name, spec in (("lake", demo_lake), ("embedded", str(demo_path))):
        monkeypatch.setenv("OUTCOMES_DB", spec)
        at = choose(open_page(new_app(), "overview"), [KASSEL], dt.date(2020, 8, 31))
        assert problems(at) == [], name
        shown[name] = tiles(at)
    assert shown["lake"] and shown["lake"] == shown["embedded"]


@pytestmark_lake
@pytest.mark.slow
def test_two_writers_loading_files_and_a_reader_lose_nothing(new_lake, tmp_path):
    with db.writing(new_lake):
        pass                                          # the schema exists before the writers start
    res = run_ingest_concurrency(new_lake, str(tmp_path / "lake-data"), tmp_path / "files",
                                 writers=2, files=4, rows=200)
    print("\n", res)
    assert res["writer_fatal"] == [] and res["reader_fatal"] is None
    assert res["outcomes"] == ["loaded"]
    assert res["loaded_rows"] == res["expected_rows"] == 1600
    assert res["failed_reads"] == 0 and res["reads"] > 0 and res["reader_decreases"] == 0
    assert res["retries"] > 0                          # the writers really collided and redid loads
    with db.reading(new_lake) as con:
        assert con.execute("select count(*), count(distinct person_key), count(distinct participant_id) "
                           "from participant").fetchone() == (1600, 1600, 1600)
        assert con.execute("select count(*) from episode").fetchone()[0] == 1600 + 800
        assert con.execute("select count(*), count(distinct load_id) from load").fetchone() == (10, 10)
        assert checks.failures(con) == {}


def test_the_readme_shared_deployment_commands_are_real_commands():
    import re
    import shlex
    from pathlib import Path

    from pipelines.cli import build_parser

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Shared deployment", 1)[1].split("\n## ", 1)[0]
    commands = [line.split("#")[0].strip() for line in re.findall(r"^\s*(outcomes [^\n]+)$", section, re.M)]
    commands += re.findall(r"`(outcomes [^`…]+)`", section)
    assert len(commands) >= 4
    for command in commands:
        argv = shlex.split(command.replace('"$OUTCOMES_DB"', "ducklake:postgres:dbname=x"))[1:]
        build_parser().parse_args(argv)          # exits (SystemExit) on an unknown command or option
