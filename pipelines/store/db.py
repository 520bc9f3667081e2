"""Open and migrate the store. The one place that knows connection details."""

from __future__ import annotations

import functools
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

import duckdb

from pipelines import text, vocab

DEFAULT_DB = Path("data") / "outcomes.duckdb"
SCHEMA_FILE = Path(__file__).with_name("schema.sql")

def _seed_statuses(con: duckdb.DuckDBPyConnection) -> None:
    con.executemany(
        "insert or ignore into status_vocabulary values ('*', ?, ?, ?, ?)",
        [(s, cat, text.say(f"status.{s}", "de"), text.say(f"status.{s}", "en")) for s, cat in vocab.STATUSES.items()],
    )


# Forward migrations: (version, function applying it). Version 1 is schema.sql.
def _v1(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
    _seed_statuses(con)


MIGRATIONS = [(1, _v1)]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def resolve_path(db: str | os.PathLike | None = None) -> Path:
    """The database path: explicit argument, else $OUTCOMES_DB, else data/outcomes.duckdb."""
    if db:
        return Path(db)
    env = os.environ.get("OUTCOMES_DB")
    return Path(env) if env else DEFAULT_DB


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_name = 'schema_version' and table_schema = current_schema()"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the store's version, each in its own transaction."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"The store has schema version {current}, newer than this program ({SCHEMA_VERSION}). "
            "Update Wirkungsmonitor."
        )
    for version, apply in MIGRATIONS:
        if version <= current:
            continue
        con.execute("begin transaction")
        try:
            apply(con)
            con.execute("insert into schema_version (version) values (?)", [version])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    return SCHEMA_VERSION


def connect(db: str | os.PathLike | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store (creating and migrating it unless read-only).

    Args:
        db: path of the DuckDB file, or ":memory:". Defaults to $OUTCOMES_DB or data/outcomes.duckdb.
        read_only: open without write access (no migration; the file must exist).
    """
    path = resolve_path(db)
    if str(path) == ":memory:":
        con = duckdb.connect(":memory:")
    else:
        if read_only:
            if not path.exists():
                raise FileNotFoundError(path)
            con = duckdb.connect(str(path), read_only=True)
            return con
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
    migrate(con)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block in one transaction: all or nothing."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    else:
        con.execute("commit")


SQL_DIR = Path(__file__).resolve().parents[1] / "sql"


@functools.cache
def sql(name: str) -> str:
    """The text of pipelines/sql/<name>.sql, read once: the one SQL loader."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run(con: duckdb.DuckDBPyConnection, statement: str, params: Mapping[str, Any] | None = None
        ) -> duckdb.DuckDBPyConnection:
    """Execute with the named parameters ($name) the statement uses (DuckDB refuses extra ones)."""
    used = set(re.findall(r"\$([A-Za-z_]\w*)", statement))
    return con.execute(statement, {k: v for k, v in (params or {}).items() if k in used})


def quote_ident(name: str) -> str:
    """Quote an SQL identifier (the one place identifiers are spliced into SQL)."""
    return '"' + str(name).replace('"', '""') + '"'


def last_load_marker(con: duckdb.DuckDBPyConnection) -> str:
    """A value that changes whenever data is loaded or deleted; used as a cache key."""
    row = con.execute(
        "select coalesce(max(load_id), 0), count(*), "
        "(select count(*) from deletion_log), (select count(*) from target) from load"
    ).fetchone()
    return "-".join(str(v) for v in row)
