"""Open and migrate the store. The one place that knows connection details."""

from __future__ import annotations

import fcntl
import functools
import os
import random
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import duckdb

from pipelines.store import lake, migrations

DEFAULT_DB = Path("data") / "outcomes.duckdb"
SCHEMA_VERSION = migrations.CURRENT
LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"


def resolve_path(db: str | os.PathLike | None = None) -> Path:
    """The store: explicit argument, else $OUTCOMES_DB, else data/outcomes.duckdb.

    A shared store is named by its DuckLake connection string, as DuckDB's ATTACH takes it
    (`ducklake:postgres:dbname=… host=… port=… user=…`); it travels as a Path too (`is_lake`
    tells them apart), so every caller passes either kind on unchanged.
    """
    if db:
        return Path(db)
    env = os.environ.get("OUTCOMES_DB")
    return Path(env) if env else DEFAULT_DB


def is_lake(db: str | os.PathLike | None = None) -> bool:
    """True when the store is a DuckLake (connection string `ducklake:…`)."""
    return str(resolve_path(db)).startswith(LAKE_PREFIX)


def data_path(value: str | os.PathLike | None = None) -> str | None:
    """Where a DuckLake keeps its Parquet files: explicit argument, else $OUTCOMES_DATA_PATH, else None
    (an existing lake knows its own; a new one needs it)."""
    value = value or os.environ.get("OUTCOMES_DATA_PATH")
    return str(value) if value else None


def describe(db: str | os.PathLike | None = None) -> str:
    """The store's name for messages: a file path, or the lake's connection string without a password."""
    return re.sub(r"password=\S*", "password=***", str(resolve_path(db)))


def files_dir(db: str | os.PathLike | None, con: duckdb.DuckDBPyConnection | None = None) -> Path | None:
    """The folder for a store's archives (raw/) and rejects files (rejects/): beside the file of an
    embedded store; for a lake, `<data path>-files` beside its shared data folder (not inside it, where
    DuckLake's own clean-up could take them for orphaned data files). None for an in-memory store."""
    spec = resolve_path(db)
    if str(spec) == ":memory:":
        return None
    if not is_lake(spec):
        return spec.parent
    folder = data_path()
    if folder is None and con is not None:
        name = con.execute("select current_database()").fetchone()[0]
        folder = con.execute("select value from ducklake_options(?) where option_name = 'data_path'",
                             [name]).fetchone()[0]
    return Path(str(folder).rstrip("/") + "-files") if folder else None


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The store's schema version; 0 for a new, empty store."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_version' "
        "and table_schema = current_schema() and table_catalog = current_database()"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the store to the current schema: a new store gets it at once, an older one every newer
    migration, each in its own transaction. A store from a newer program is refused."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"The store has schema version {current}, newer than this program ({SCHEMA_VERSION}). "
            "Update Wirkungsmonitor."
        )
    steps = [(SCHEMA_VERSION, migrations.create)] if current == 0 else \
        [(version, apply) for version, apply in migrations.MIGRATIONS if version > current]
    for version, apply in steps:
        con.execute("begin transaction")
        try:
            apply(con)
            con.execute("insert into schema_version values (?, ?)", [version, migrations._now()])
            con.execute("commit")
        except Exception:
            try:
                con.execute("rollback")
            except duckdb.Error:          # a failed commit ended the transaction already
                pass
            raise
    return SCHEMA_VERSION


def allocate(con: duckdb.DuckDBPyConnection, key: str, n: int = 1) -> int:
    """The first of `n` new values of an integer key ('load_id', 'person_key'), in the caller's
    transaction. Two writers allocating at once (DuckLake) conflict on the counter row, and the
    later one's transaction is redone: keys stay unique without constraints."""
    con.execute("update key_counter set value = value + ? where name = ?", [n, key])
    return con.execute("select value from key_counter where name = ?", [key]).fetchone()[0] - n + 1


def remove_orphans(con: duckdb.DuckDBPyConnection, store: Path) -> list[Path]:
    """Archives (raw/) and rejects files (rejects/) beside the store that no load refers to: left by
    a load that failed or was killed, or retired by a migration. They hold data the store does not
    hold, so they go. Returns what was removed. Embedded stores only: on a lake another writer's
    load may have written its archive and not yet committed."""
    folder = files_dir(store)
    if folder is None or is_lake(store):
        return []
    referenced = {folder / r[0] for r in con.execute("select raw_path from load where raw_path is not null").fetchall()}
    loads = {r[0] for r in con.execute("select load_id from load").fetchall()}
    removed = []
    for path in sorted((folder / "raw").glob("*")) if (folder / "raw").is_dir() else []:
        if path.is_file() and path not in referenced:
            path.unlink()
            removed.append(path)
    for path in sorted((folder / "rejects").glob("*")) if (folder / "rejects").is_dir() else []:
        prefix = path.name.split("-", 1)[0]
        if path.is_file() and not (prefix.isdigit() and int(prefix) in loads):
            path.unlink()
            removed.append(path)
    return removed


def connect(db: str | os.PathLike | None = None, *, read_only: bool = False,
            snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store (creating and migrating it unless read-only).

    Args:
        db: path of the DuckDB file, ":memory:", or a DuckLake connection string (`ducklake:postgres:…`).
            Defaults to $OUTCOMES_DB or data/outcomes.duckdb.
        read_only: open without write access (no migration; the file must exist).
        snapshot: a lake only: read the store as it was at this snapshot (read-only).
    """
    path = resolve_path(db)
    if is_lake(path):
        return _connect_lake(path, read_only=read_only or snapshot is not None, snapshot=snapshot)
    if str(path) == ":memory:":
        con = duckdb.connect(":memory:")
    else:
        if read_only:
            return _attach_read_only(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
    before = schema_version(con)
    migrate(con)
    if str(path) != ":memory:" and before and before < SCHEMA_VERSION:
        remove_orphans(con, path)        # archives a migration retired
    return con


def _attach_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a store file that always reads the file now at `path`.

    `duckdb.connect(path)` would share one database instance per path and process (DuckDB's instance
    cache): while any connection of the dashboard is open, a new one is served the *old* file after a
    writer swapped a new one in, and a read-only and a read-write connection to one path refuse each
    other. Attaching the file to a fresh in-memory instance opens whatever file the path names now.
    """
    if not path.exists():
        raise FileNotFoundError(path)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach {lake.quote_literal(str(path))} as store (read_only)")
        con.execute("use store")
    except BaseException:
        con.close()
        raise
    return con


def _connect_lake(spec: Path, *, read_only: bool, snapshot: int | None) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is the lake (`USE lake`), migrated unless read-only."""
    options = {"SNAPSHOT_VERSION": int(snapshot)} if snapshot is not None else {}
    con = lake.connect_lake(str(spec), data_path(), alias=LAKE_ALIAS, read_only=read_only, **options)
    if not read_only:
        try:
            retrying(lambda: migrate(con))     # two first writers race to create the tables
        except BaseException:
            con.close()
            raise
    return con


def on_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con` works on a DuckLake (else an embedded store)."""
    kind = con.execute("select type from duckdb_databases() where database_name = current_database()").fetchone()
    return bool(kind) and kind[0] == "ducklake"


def lake_snapshot(con: duckdb.DuckDBPyConnection) -> int | None:
    """The DuckLake snapshot this connection reads; None for an embedded store."""
    if not on_lake(con):
        return None
    name = con.execute("select current_database()").fetchone()[0]
    return con.execute("from ducklake_current_snapshot(?)", [name]).fetchone()[0]


RETRY_ATTEMPTS = 30   # a whole load redone at most this often on a lake commit conflict


def retrying(work: Callable[[], Any], *, attempts: int = RETRY_ATTEMPTS, base_s: float = 0.05,
             cap_s: float = 2.0, on_retry: Callable[[int, Exception], None] | None = None) -> Any:
    """Run `work()` and, when its commit loses a race on a DuckLake (duckdb.TransactionException: another
    writer changed what this one changed, or took the snapshot id), run it again whole, after an
    exponential backoff with jitter. `work` must start its own transaction(s), so each attempt begins
    from the store as it is then. Embedded stores have one writer and never conflict."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except duckdb.TransactionException as exc:
            if attempt == attempts:
                raise
            if on_retry is not None:
                on_retry(attempt, exc)
            time.sleep(min(cap_s, base_s * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0))
    raise AssertionError("unreachable")


def retried(change: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a change that runs in its own transaction(s) on the connection it is given first
    (an account, a grant, a target edit, a deletion): on a lake, a commit that loses a race to
    another writer runs the whole change again (`retrying`), as a load is; on an embedded store,
    which has one writer and no races, it runs once and any error is the caller's. The change must
    read what it changes inside its transaction, so a rerun starts from the store as it is then."""
    @functools.wraps(change)
    def run(con: duckdb.DuckDBPyConnection, *args: Any, **kwargs: Any) -> Any:
        if not on_lake(con):
            return change(con, *args, **kwargs)
        return retrying(lambda: change(con, *args, **kwargs))
    return run


class StoreBusy(Exception):
    """Another load is writing the store and did not finish within the wait limit."""

    def __init__(self, path: Path, waited_s: float):
        self.path, self.waited_s = path, waited_s
        super().__init__(f"store {path} busy after {waited_s:.0f} s")


WRITE_WAIT_S = 600.0   # default wait for another writer; $OUTCOMES_WRITE_WAIT_S overrides


def write_wait_limit() -> float:
    """How long a writer waits for another: $OUTCOMES_WRITE_WAIT_S, else WRITE_WAIT_S seconds."""
    return float(os.environ.get("OUTCOMES_WRITE_WAIT_S", WRITE_WAIT_S))


def _is_file_store(path: Path) -> bool:
    return str(path) != ":memory:" and not is_lake(path)


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _scratch_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.*.writing*"))


@contextmanager
def reading(db: str | os.PathLike | None = None, *, snapshot: int | None = None
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for one question. Never blocked by a load: loads write a copy and swap
    it in (see `writing`), so a reader sees the store as it was before or after a load; on a lake,
    snapshot isolation does the same. `snapshot`: a lake as it was then (e.g. to rebuild a report)."""
    con = connect(db, read_only=True, snapshot=snapshot)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writing(db: str | os.PathLike | None = None, *, wait_s: float | None = None,
            on_wait: Callable[[], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for one change (a load, a target edit, a deletion), all or nothing.

    The embedded store has one writer at a time. The writer takes an exclusive lock on `<store>.lock`
    (waiting up to `wait_s`, default $OUTCOMES_WRITE_WAIT_S or 600 s, calling `on_wait` once when it
    has to wait; then StoreBusy), copies the store to a scratch file beside it, changes the copy, and
    on success replaces the store with it in one atomic rename. Readers never meet a lock and always
    see a whole store; a writer that fails or is killed leaves the store untouched (its scratch file is
    removed then, or by the next writer).

    A lake needs no lock: writers work side by side under snapshot isolation, and a commit that
    loses a race raises duckdb.TransactionException — run whole loads through `retrying`.
    """
    path = resolve_path(db)
    if not _is_file_store(path):
        con = connect(db)
        try:
            yield con
        finally:
            con.close()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    limit = write_wait_limit() if wait_s is None else wait_s
    started = time.monotonic()
    with open(_lock_path(path), "a+b") as lock:
        notified = False
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not notified and on_wait is not None:
                    on_wait()
                    notified = True
                if time.monotonic() - started >= limit:
                    raise StoreBusy(path, time.monotonic() - started) from None
                time.sleep(0.1)
        try:
            for orphan in _scratch_files(path):      # left by a writer that was killed
                orphan.unlink(missing_ok=True)
            scratch = path.with_name(f".{path.name}.{os.getpid()}.writing")
            if path.exists():
                shutil.copyfile(path, scratch)
                wal = path.with_name(path.name + ".wal")
                if wal.exists():
                    shutil.copyfile(wal, scratch.with_name(scratch.name + ".wal"))
            con = duckdb.connect(str(scratch))
            try:
                migrate(con)
                remove_orphans(con, path)
                yield con
                con.execute("checkpoint")
            except BaseException:
                con.close()
                for leftover in _scratch_files(path):
                    leftover.unlink(missing_ok=True)
                raise
            con.close()
            # a stale log beside the live file must never meet the new file: drop it first (it was
            # copied and replayed into the scratch file above)
            path.with_name(path.name + ".wal").unlink(missing_ok=True)
            os.replace(scratch, path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block in one transaction: all or nothing."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    try:
        con.execute("commit")
    except duckdb.Error:                   # a lost commit race on a lake: leave no open transaction
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass
        raise


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
