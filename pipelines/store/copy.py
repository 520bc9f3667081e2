"""Copy a whole store from one backend to the other: an embedded DuckDB file into a DuckLake and back.

    rows = copy_store("data/outcomes.duckdb", "ducklake:postgres:dbname=wirkung host=db user=wm",
                      target_data_path="/srv/wirkungsmonitor/lake")

Every table of the schema is copied in one transaction into an empty target (created and migrated
by `db.writing`), and the archives and rejects files (db.files_dir) follow. Both stores must have the
program's schema version: an older one is migrated first by opening it for writing (`outcomes init`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipelines.store import db, lake

SOURCE = "copy_source"
SEED_TABLES = ("schema_version", "status_vocabulary", "key_counter")   # filled by every migration


class CopyRefused(Exception):
    """The copy cannot run: `code` says why (copy.<code> in the text catalog), `values` fill it in."""

    def __init__(self, code: str, **values):
        self.code, self.values = code, values
        super().__init__(f"{code}: {values}")


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The store's tables (main schema of the connection's default catalog), by name."""
    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_catalog = current_database() "
        "and table_schema = 'main' and table_type = 'BASE TABLE' order by table_name").fetchall()]


def _attach_source(con: duckdb.DuckDBPyConnection, source: Path, data_path: str | None) -> None:
    if db.is_lake(source):
        lake.install_extensions(con)
        lake.attach_lake(con, str(source), data_path, alias=SOURCE, use=False, read_only=True)
    else:
        if not source.exists():
            raise FileNotFoundError(source)
        con.execute(f"attach {lake.quote_literal(str(source))} as {SOURCE} (read_only)")


def copy_store(source: str | os.PathLike, target: str | os.PathLike, *, source_data_path: str | None = None,
               target_data_path: str | None = None) -> dict[str, int]:
    """Copy every table of `source` into the empty store `target`. Returns rows per table.

    Args:
        source, target: store files or DuckLake connection strings (db.resolve_path).
        source_data_path, target_data_path: the lakes' data folders (default $OUTCOMES_DATA_PATH;
            an existing lake knows its own, a new target lake needs one).
    Raises:
        CopyRefused: `same_store`, `target_not_empty` (with the table), `schema_differs` (versions).
    """
    source, target = db.resolve_path(source), db.resolve_path(target)
    if str(source) == str(target):
        raise CopyRefused("same_store")
    source_data_path = source_data_path or db.data_path()
    with db.reading(source) as con:     # opened first: a missing or unreadable source fails before a target exists
        source_version = db.schema_version(con)
        source_files = db.files_dir(source, con)
    if source_version != db.SCHEMA_VERSION:
        raise CopyRefused("schema_differs", source=source_version, program=db.SCHEMA_VERSION)
    previous = os.environ.get("OUTCOMES_DATA_PATH")
    if target_data_path:
        os.environ["OUTCOMES_DATA_PATH"] = str(target_data_path)
    try:
        with db.writing(target) as con:
            names = tables(con)
            for name in names:
                if name not in SEED_TABLES and con.execute(f"select count(*) from {db.quote_ident(name)}").fetchone()[0]:
                    raise CopyRefused("target_not_empty", table=name)
            _attach_source(con, source, source_data_path)
            copied = {}
            with db.transaction(con):
                for name in names:
                    table = db.quote_ident(name)
                    con.execute(f"delete from {table}")
                    con.execute(f"insert into {table} by name select * from {SOURCE}.main.{table}")
                    copied[name] = con.execute(f"select count(*) from {table}").fetchone()[0]
            con.execute(f"detach {SOURCE}")
            target_files = db.files_dir(target, con)
    finally:
        if target_data_path:
            if previous is None:
                os.environ.pop("OUTCOMES_DATA_PATH", None)
            else:
                os.environ["OUTCOMES_DATA_PATH"] = previous
    if source_files and target_files and source_files != target_files:
        for folder in ("raw", "rejects"):
            if (source_files / folder).is_dir():
                shutil.copytree(source_files / folder, target_files / folder, dirs_exist_ok=True)
    return copied
