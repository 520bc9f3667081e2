"""DuckLake on a throwaway PostgreSQL catalog: what works in DuckDB 1.5.5 (the facts the shared
store relies on). Needs the postgresql server package; CI installs it and sets
OUTCOMES_REQUIRE_POSTGRES=1, so these tests fail there instead of skipping."""
from __future__ import annotations

import os
import shutil
import time

import duckdb
import pytest

from pipelines.store.lake import connect_lake, current_snapshot, extension_files, lake_cursor, new_connection
from tests.helpers.lake_concurrency import run_concurrency
from tests.helpers.pg import PgServer

pytestmark = pytest.mark.postgres


@pytest.fixture
def lake(pg, tmp_path, request):
    """(catalog, data_path): a fresh DuckLake in its own PostgreSQL database."""
    dbname = "lake_" + request.node.name.lower().replace("[", "_").replace("]", "")[:50]
    pg.create_database(dbname)
    return "ducklake:postgres:" + pg.libpq_for(dbname), str(tmp_path / "data")


# ---------------------------------------------------------------------------- pgserver
def test_pgserver_lifecycle_and_timing():
    t0 = time.perf_counter()
    with PgServer() as srv:
        started = time.perf_counter() - t0
        assert srv.dsn.startswith("postgresql://postgres@127.0.0.1:")
        assert f"port={srv.port}" in srv.libpq
        with srv.connect() as c:
            assert c.execute("SELECT current_setting('lc_messages'), "
                             "current_setting('listen_addresses')").fetchone() == ("C", "127.0.0.1")
        tmp = srv.tmp
        assert tmp.is_dir()
    assert not tmp.exists()
    total = time.perf_counter() - t0
    print(f"\nPgServer start {started:.2f}s, start+stop {total:.2f}s, timings {srv.timings}")
    assert total < 30


# ---------------------------------------------------------------------------- extensions
def test_extensions_come_from_wheels_signed(tmp_path):
    files = extension_files()
    assert set(files) == {"ducklake", "postgres"}
    con = new_connection(extension_directory=str(tmp_path / "ext"))
    assert con.sql("SELECT current_setting('allow_unsigned_extensions')").fetchone()[0] is False
    rows = dict(con.sql("SELECT extension_name, installed_from FROM duckdb_extensions() WHERE loaded "
                        "AND extension_name IN ('ducklake', 'postgres_scanner')").fetchall())
    assert rows == {"ducklake": str(files["ducklake"]), "postgres_scanner": str(files["postgres"])}
    # a tampered binary is refused (signature checking is on)
    bad = bytearray(files["ducklake"].read_bytes())
    bad[len(bad) // 2] ^= 1
    (tmp_path / "ducklake.duckdb_extension").write_bytes(bad)
    fresh = duckdb.connect(config={"autoinstall_known_extensions": False,
                                   "extension_directory": str(tmp_path / "ext2")})
    with pytest.raises(duckdb.IOException, match="signature"):
        fresh.execute(f"LOAD '{tmp_path / 'ducklake.duckdb_extension'}'")


# ---------------------------------------------------------------------------- SQL surface
def test_constraints_and_dml(lake):
    con = connect_lake(*lake)
    con.execute("CREATE TABLE t (id INTEGER NOT NULL, v VARCHAR DEFAULT 'd', n INTEGER DEFAULT 42)")
    with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
        con.execute("INSERT INTO t VALUES (NULL, 'x', 1)")
    for ddl, msg in [("CREATE TABLE p (id INTEGER PRIMARY KEY)", "PRIMARY KEY/UNIQUE"),
                     ("CREATE TABLE u (id INTEGER UNIQUE)", "PRIMARY KEY/UNIQUE"),
                     ("CREATE TABLE c (id INTEGER CHECK (id > 0))", "CHECK constraints"),
                     ("CREATE SEQUENCE s", "sequences"),
                     ("CREATE INDEX i ON t(id)", "indexes")]:
        with pytest.raises(duckdb.NotImplementedException, match=msg):
            con.execute(ddl)
    con.execute("INSERT INTO t (id) VALUES (1), (2), (3)")
    assert con.execute("SELECT v, n FROM t WHERE id = 1").fetchone() == ("d", 42)
    with pytest.raises(duckdb.BinderException, match="UNIQUE/PRIMARY KEY"):
        con.execute("INSERT INTO t VALUES (1, 'z', 0) ON CONFLICT DO NOTHING")
    # upsert = MERGE INTO
    con.execute("MERGE INTO t USING (SELECT 1 AS id, 'm' AS v UNION ALL SELECT 9, 'new') s ON t.id = s.id "
                "WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)")
    con.execute("CREATE TABLE src (id INTEGER, v VARCHAR)")
    con.execute("INSERT INTO src VALUES (2, 'upd')")
    con.execute("UPDATE t SET v = src.v FROM src WHERE t.id = src.id")
    con.execute("DELETE FROM t WHERE id = 3")
    assert con.execute("SELECT id, v FROM t ORDER BY id").fetchall() == [(1, "m"), (2, "upd"), (9, "new")]
    con.execute("CREATE VIEW tv AS SELECT id, upper(v) AS v FROM t")
    assert con.execute("SELECT v FROM tv WHERE id = 2").fetchone() == ("UPD",)
    # temp tables stay local even though the lake is the default catalog
    con.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS x")
    assert con.execute("SELECT table_catalog FROM information_schema.tables "
                       "WHERE table_name = 'scratch'").fetchone() == ("temp",)
    # ids without sequences: uuid() default works
    con.execute("CREATE TABLE e (id UUID DEFAULT uuid(), x INTEGER)")
    con.execute("INSERT INTO e (x) VALUES (1), (2)")
    assert con.execute("SELECT count(DISTINCT id) FROM e").fetchone() == (2,)
    con.close()


def test_threads_use_lake_cursor(lake):
    import threading
    con = connect_lake(*lake)
    con.execute("CREATE TABLE th (id BIGINT NOT NULL)")
    assert con.cursor().execute("SELECT current_database()").fetchone() == ("memory",)  # USE not inherited
    errors = []

    def work(w):
        cur = lake_cursor(con)
        for b in range(10):
            try:
                cur.execute(f"INSERT INTO th SELECT {w * 100_000 + b * 1000} + i FROM range(1000) r(i)")
            except Exception as e:  # pragma: no cover
                errors.append(e)
    threads = [threading.Thread(target=work, args=(w,)) for w in range(3)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM th").fetchone() == (30000, 30000)
    con.close()


def test_transactions_across_tables(lake):
    con = connect_lake(*lake)
    con.execute("CREATE TABLE a (id INTEGER NOT NULL)")
    con.execute("CREATE TABLE b (id INTEGER NOT NULL)")
    s0 = current_snapshot(con)
    con.execute("BEGIN")
    con.execute("INSERT INTO a VALUES (1)")
    con.execute("INSERT INTO b VALUES (1)")
    con.execute("ROLLBACK")
    assert con.execute("SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)").fetchone() == (0,)
    assert current_snapshot(con) == s0
    con.execute("BEGIN")
    con.execute("INSERT INTO a VALUES (1)")
    con.execute("INSERT INTO b VALUES (1)")
    con.execute("CREATE TEMP TABLE tmp AS SELECT 1 AS x")   # temp writes may join a lake transaction
    con.execute("CALL lake.set_commit_message('demo', 'a and b together')")
    con.execute("COMMIT")
    assert current_snapshot(con) == s0 + 1                  # one snapshot for both tables
    assert con.execute("SELECT commit_message FROM lake.snapshots() WHERE snapshot_id = ?",
                       [s0 + 1]).fetchone() == ("a and b together",)
    # but one transaction can't write to the lake and another attached database
    con.execute("ATTACH ':memory:' AS other")
    con.execute("CREATE TABLE other.x (i INTEGER)")
    con.execute("BEGIN")
    con.execute("INSERT INTO a VALUES (2)")
    with pytest.raises(duckdb.TransactionException, match="single attached database"):
        con.execute("INSERT INTO other.x VALUES (2)")
    con.execute("ROLLBACK")
    con.close()


def test_time_travel(lake):
    catalog, data = lake
    con = connect_lake(catalog, data)
    con.execute("CREATE TABLE m (k INTEGER NOT NULL, v DOUBLE)")
    con.execute("INSERT INTO m SELECT i, i * 0.5 FROM range(100) r(i)")
    old = current_snapshot(con)
    con.execute("UPDATE m SET v = -1 WHERE k < 10")
    con.execute("DELETE FROM m WHERE k >= 90")
    assert current_snapshot(con) == old + 2
    assert con.execute("SELECT count(*), sum(v) FROM m").fetchone() == (90, 1970.0)
    assert con.execute(f"SELECT count(*), sum(v) FROM m AT (VERSION => {old})").fetchone() == (100, 2475.0)
    ids = [r[0] for r in con.execute("SELECT snapshot_id FROM lake.snapshots() ORDER BY 1").fetchall()]
    assert ids[-3:] == [old, old + 1, old + 2]
    # read-only attach pinned to the old snapshot, from another DuckDB instance
    other = new_connection()
    other.execute(f"ATTACH '{catalog}' AS past (SNAPSHOT_VERSION {old})")
    assert other.execute("SELECT count(*) FROM past.m").fetchone() == (100,)
    with pytest.raises(duckdb.InvalidInputException, match="read-only"):
        other.execute("INSERT INTO past.m VALUES (1, 1)")
    other.close()
    con.close()


def test_copy_local_duckdb_file_roundtrip(lake, tmp_path):
    src = str(tmp_path / "x.duckdb")
    with duckdb.connect(src) as s:
        s.execute("CREATE TABLE t AS SELECT i AS id, 'n' || i AS name, i * 1.5 AS val, "
                  "DATE '2024-01-01' + (i % 365)::INTEGER AS d FROM range(50000) r(i)")
    con = connect_lake(*lake)
    con.execute(f"ATTACH '{src}' AS src")
    con.execute("CREATE TABLE lake.t AS SELECT * FROM src.t")
    con.execute("CREATE TABLE src.t_back AS SELECT * FROM lake.t")
    diff = con.execute("SELECT count(*) FROM (SELECT * FROM src.t EXCEPT ALL SELECT * FROM src.t_back)").fetchone()
    assert diff == (0,)
    assert con.execute("SELECT count(*) FROM src.t_back").fetchone() == (50000,)
    con.close()


# ---------------------------------------------------------------------------- conflicts
def test_commit_conflict_is_transaction_exception_and_not_retried(lake):
    catalog, data = lake
    a, b = connect_lake(catalog, data), connect_lake(catalog, data)
    a.execute("CREATE TABLE t AS SELECT i AS id FROM range(1000) r(i)")
    a.execute("BEGIN")
    b.execute("BEGIN")
    a.execute("DELETE FROM t WHERE id = 1")
    b.execute("DELETE FROM t WHERE id = 2")
    a.execute("COMMIT")
    t0 = time.perf_counter()
    with pytest.raises(duckdb.TransactionException,
                       match="Transaction conflict - attempting to delete from table .* another transaction "
                             "has deleted from it"):
        b.execute("COMMIT")
    assert time.perf_counter() - t0 < 5     # a real conflict fails at once, retry count does not apply
    assert a.execute("SELECT count(*) FROM t").fetchone() == (999,)


def test_snapshot_id_collision_uses_retry_count(lake):
    catalog, data = lake

    def race(retry):
        a = connect_lake(catalog, data, retry=retry)
        b = connect_lake(catalog, data, retry=retry)
        a.execute("CREATE TABLE IF NOT EXISTS r (i INTEGER)")
        b.execute("SELECT count(*) FROM r")
        a.execute("BEGIN")
        b.execute("BEGIN")
        a.execute("INSERT INTO r VALUES (1)")
        b.execute("INSERT INTO r VALUES (2)")
        a.execute("COMMIT")
        b.execute("COMMIT")     # both read snapshot N and write N+1 -> PK collision in the catalog

    with pytest.raises(duckdb.TransactionException, match="Exceeded the maximum retry count of 0"):
        race({"ducklake_max_retry_count": 0})
    race(None)                  # lake.RETRY_SETTINGS: retried internally, commits


def test_two_writer_processes_and_a_reader(lake, pg):
    log_before = pg.logfile.read_text(errors="replace").count("ducklake_snapshot_pkey")
    res = run_concurrency(*lake, writers=2, batches=20, rows=1000, lockstep=True)
    print("\n", res)
    assert res["writer_fatal"] == [] and res["reader_fatal"] is None
    assert res["count"] == res["expected_rows"] == 40000
    assert res["lost_rows"] == 0 and res["duplicate_rows"] == 0 and res["sum_ok"]
    assert res["missing_point_lookups"] == 0
    assert res["failed_reads"] == 0 and res["reads"] > 0
    assert res["reader_non_multiple"] == 0 and res["reader_decreases"] == 0
    assert res["snapshots_created"] == 40
    assert res["overlap_fraction"] >= 0.9            # the writers really ran at the same time
    collisions = pg.logfile.read_text(errors="replace").count("ducklake_snapshot_pkey") - log_before
    assert collisions > 0                             # ... and their commits really collided


def test_pgserver_runs_as_unprivileged_user():
    if os.geteuid() != 0:
        pytest.skip("only relevant when running as root")
    assert shutil.which("runuser") or shutil.which("setpriv")
    with PgServer() as srv:
        assert srv._prefix[:1] in (["runuser"], ["setpriv"])
        assert srv.datadir.stat().st_uid != 0
