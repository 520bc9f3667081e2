"""Open a DuckLake store (PostgreSQL catalog) from DuckDB 1.5.5, fully offline.

The extensions come from the PyPI wheels ``duckdb-extension-ducklake`` and
``duckdb-extension-postgres`` (1.5.5). Those wheels have an EMPTY ``__init__.py``
(no helper function); each ships only the signed binary
``<package>/extensions/v<duckdb version>/<name>.duckdb_extension``.
We ``INSTALL '<that path>'`` (copies it into DuckDB's extension directory as
``v1.5.5/linux_amd64/{ducklake,postgres_scanner}.duckdb_extension``; a no-op when
already there) and ``LOAD`` it by name.  Signature checking stays ON
(``allow_unsigned_extensions`` is never set; a tampered file fails INSTALL and LOAD).
``LOAD '<path>'`` straight from the wheel works for ducklake but NOT for postgres:
the file is named postgres.* while its entry point is ``postgres_scanner_*``
("did not contain the expected entrypoint function 'postgres_duckdb_cpp_init'").
autoinstall_known_extensions is switched off so nothing is ever downloaded.

    con = connect_lake("ducklake:postgres:dbname=lake host=127.0.0.1 port=5432 user=me",
                       "/srv/lake/data")
    con.sql("CREATE TABLE t (id INTEGER NOT NULL)")      # lands in the lake (USE lake)
"""
from __future__ import annotations

import importlib
from pathlib import Path

import duckdb


# Commit-retry settings (ducklake extension options, all scope GLOBAL = per DuckDB
# database instance, i.e. shared by all cursors of one duckdb.connect()).
# Defaults in 1.5.5: max_retry_count=10, retry_wait_ms=100, retry_backoff=1.5.
# Sleep before retry i is wait_ms * U(0.5,1) * backoff**i, so with the default
# backoff 1.5 a high retry count means hours of sleeping (1.5**40 ~ 1.1e7):
# keep the backoff small when raising the count.
RETRY_SETTINGS = {
    "ducklake_max_retry_count": 100,
    "ducklake_retry_wait_ms": 20,
    "ducklake_retry_backoff": 1.05,   # worst case: sum over 100 tries ~ 0.75*20ms*2610 ~ 40 s
}

_WHEELS = {"ducklake": "duckdb_extension_ducklake", "postgres": "duckdb_extension_postgres"}
# name INSTALL'ed under -> name in duckdb_extensions()
_INTERNAL = {"ducklake": "ducklake", "postgres": "postgres_scanner"}


def extension_files(duckdb_version: str | None = None) -> dict[str, Path]:
    """{'ducklake': Path, 'postgres': Path} of the signed binaries inside the wheels."""
    ver = duckdb_version or duckdb.__version__
    out = {}
    for name, pkg in _WHEELS.items():
        mod = importlib.import_module(pkg)
        f = Path(mod.__file__).parent / "extensions" / f"v{ver}" / f"{name}.duckdb_extension"
        if not f.is_file():
            raise FileNotFoundError(f"{f} missing: wheel {pkg} does not match duckdb {ver}")
        out[name] = f
    return out


def install_extensions(con: duckdb.DuckDBPyConnection) -> None:
    """INSTALL (if needed) + LOAD ducklake and postgres from the wheels, signature-checked."""
    files = extension_files(con.sql("PRAGMA version").fetchone()[0].lstrip("v"))
    rows = dict(con.sql("SELECT extension_name, installed_from FROM duckdb_extensions() "
                        "WHERE installed").fetchall())
    for name, f in files.items():
        if rows.get(_INTERNAL[name]) != str(f):
            con.execute(f"FORCE INSTALL '{f}'" if _INTERNAL[name] in rows else f"INSTALL '{f}'")
        con.execute(f"LOAD {name}")


def new_connection(database: str = ":memory:", *, extension_directory: str | None = None,
                   config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect() with downloads disabled and both extensions loaded."""
    cfg = {"autoinstall_known_extensions": False, "autoload_known_extensions": True}
    if extension_directory:
        cfg["extension_directory"] = str(extension_directory)
    cfg.update(config or {})
    con = duckdb.connect(database, config=cfg)
    install_extensions(con)
    return con


def quote_literal(s: str) -> str:
    """An SQL string literal, for the statements that take no parameters (ATTACH, INSTALL)."""
    return "'" + str(s).replace("'", "''") + "'"


def attach_lake(con: duckdb.DuckDBPyConnection, catalog: str, data_path: str | None, *,
                alias: str = "lake", use: bool = True, read_only: bool = False,
                retry: dict | None = None, **options) -> None:
    """ATTACH catalog AS alias (DATA_PATH ..., extra options) on an existing connection.

    catalog: 'ducklake:postgres:dbname=.. host=.. port=.. user=..' (the 'ducklake:'
      prefix is added if missing). data_path: folder/URL of the Parquet files; only
      needed when the lake is created (an existing lake keeps the path it was created with).
    options: further DuckLake ATTACH options, e.g. METADATA_SCHEMA='lake1',
      DATA_INLINING_ROW_LIMIT=0, SNAPSHOT_VERSION=3 (read-only view of a past snapshot),
      META_<x>=... (handed to the postgres ATTACH, e.g. META_ISOLATION_LEVEL).
    """
    if not catalog.startswith("ducklake:"):
        catalog = "ducklake:" + catalog
    if data_path is not None:
        options = {"DATA_PATH": str(data_path), **options}
    if read_only:
        options["READ_ONLY"] = True
    opts = []
    for k, v in options.items():
        if isinstance(v, bool):
            opts.append(f"{k} {'true' if v else 'false'}")
        elif isinstance(v, (int, float)):
            opts.append(f"{k} {v}")
        else:
            opts.append(f"{k} {quote_literal(v)}")
    for k, v in (RETRY_SETTINGS if retry is None else retry).items():
        con.execute(f"SET GLOBAL {k} = {v}")
    con.execute(f"ATTACH {quote_literal(catalog)} AS {alias}" + (f" ({', '.join(opts)})" if opts else ""))
    if use:
        con.execute(f"USE {alias}")


def connect_lake(catalog: str, data_path: str | None, *, alias: str = "lake",
                 extension_directory: str | None = None, config: dict | None = None,
                 **attach_options) -> duckdb.DuckDBPyConnection:
    """New in-memory DuckDB connection with the lake attached as `alias` and USE'd.

    Temp tables, and anything else created with an explicit ``temp.`` / ``memory.``
    prefix, stay local; unqualified CREATE TABLE goes into the lake.
    """
    con = new_connection(extension_directory=extension_directory, config=config)
    try:
        attach_lake(con, catalog, data_path, alias=alias, **attach_options)
    except BaseException:
        con.close()
        raise
    return con


def lake_cursor(con: duckdb.DuckDBPyConnection, alias: str = "lake") -> duckdb.DuckDBPyConnection:
    """con.cursor() for another thread. Cursors do NOT inherit USE: a bare cursor's
    default catalog is 'memory' (verified: 'Table with name t does not exist! Did you
    mean "lake.t"?'), so USE the lake again. Settings/attachments are shared."""
    cur = con.cursor()
    cur.execute(f"USE {alias}")
    return cur


def current_snapshot(con: duckdb.DuckDBPyConnection, alias: str = "lake") -> int:
    """Snapshot id this connection's transaction reads (= latest committed, outside BEGIN).

    Same as ``FROM ducklake_current_snapshot('lake')``. ``FROM lake.last_committed_snapshot()``
    is the id of this connection's own last commit (NULL before any)."""
    return con.execute(f"FROM {alias}.current_snapshot()").fetchone()[0]
