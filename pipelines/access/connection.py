"""Every query runs for a person: a connection that shows her programs only, by construction.

`shadow(con, person)` puts a TEMP VIEW in front of every data table, named like the table and
filtered to the programs `person` may see now (`policy.visible_programs`, asked of the store when
the connection opens, so a revoked grant counts at once). DuckDB resolves an unqualified name —
and one qualified with `main.` — to the temporary catalog first, also when a DuckLake catalog is
the default (`USE lake`; tested in tests/access/test_connection.py), so every metric, panel and
report query is limited without being changed. The views read the real tables through the
database's own name (`<db>.main.participant`), which no query of the project uses.

Tables about people (accounts, grants, failed logins, the audit log) show a non-admin nothing but
her own account, without its hash. Aggregate indicators (public programme-level ESF figures) stay
as they are. Admins get no views: they see everything.

A shadowed connection is for reading: writes go through `db.writing` with `policy.ensure_may_change`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import duckdb

from pipelines.access.policy import LOCAL_ADMIN, AccessError, Person, is_admin, person_for
from pipelines.store import db

VISIBLE = "access_visible_program"      # temp table: the visible program ids the views read
ME = "access_me"                        # temp table: the name of the person (her own account row)

# table -> the filter its view applies; {t} is the real table, {v} the visible programs
PROGRAM_TABLES = {
    "program": "program_id in (select program_id from {v})",
    "participant": "program_id in (select program_id from {v})",
    "episode": "program_id in (select program_id from {v})",
    "first_start": "program_id in (select program_id from {v})",
    "spell": "program_id in (select program_id from {v})",
    "target": "program_id in (select program_id from {v})",
    "deletion_log": "program_id in (select program_id from {v})",
    "status_vocabulary": "program_id = '*' or program_id in (select program_id from {v})",
    # loads of several programs at once (program_id null) could name another program's file
    "load": "program_id in (select program_id from {v})",
}
PEOPLE_TABLES = {
    "account": "select name, role, funder, null::varchar as password_hash, created_at, disabled "
               "from {t} where name in (select name from {me})",
    "account_program": "select * from {t} where name in (select name from {me})",
    "login_failure": "select * from {t} where false",
    "audit_log": "select * from {t} where false",
}


def current(con: duckdb.DuckDBPyConnection, person: Person) -> Person | None:
    """`person` as the store says now (role and programs may have changed since her login), or None
    when her account is gone or disabled. The command line's `LOCAL_ADMIN` has no account."""
    if person == LOCAL_ADMIN:
        return person
    try:
        return person_for(con, person.name)
    except AccessError:
        return None


def shadow(con: duckdb.DuckDBPyConnection, person: Person) -> Person | None:
    """Limit `con` to what `person` may see (see the module docstring).

    Call it once, right after opening the connection, before any query for her.

    Returns:
        the person as the store says now (`current`); None: she has no account any more, and
        the connection shows no program at all.
    """
    now = current(con, person)
    if now is not None and is_admin(now):
        return now
    programs = now.programs if now is not None else ()
    database = db.quote_ident(con.execute("select current_database()").fetchone()[0])
    schema = db.quote_ident(con.execute("select current_schema()").fetchone()[0])
    real = lambda table: f"{database}.{schema}.{db.quote_ident(table)}"   # noqa: E731
    con.execute(f"create or replace temp table {VISIBLE} (program_id varchar not null)")
    if programs:
        con.executemany(f"insert into {VISIBLE} values (?)", [[p] for p in programs])
    con.execute(f"create or replace temp table {ME} (name varchar not null)")
    con.execute(f"insert into {ME} values (?)", [person.name])
    visible, me = f"temp.main.{VISIBLE}", f"temp.main.{ME}"
    for table, where in PROGRAM_TABLES.items():
        con.execute(f"create or replace temp view {db.quote_ident(table)} as "
                    f"select * from {real(table)} where {where.format(v=visible)}")
    rejected = db.quote_ident("rejected_row")
    con.execute(f"create or replace temp view {rejected} as select * from {real('rejected_row')} "
                f"where load_id in (select load_id from temp.main.{db.quote_ident('load')})")
    for table, select in PEOPLE_TABLES.items():
        con.execute(f"create or replace temp view {db.quote_ident(table)} as {select.format(t=real(table), me=me)}")
    return now


@contextmanager
def reading_for(path: str | os.PathLike | None, person: Person) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store at `path` that shows `person` her programs only."""
    with db.reading(path) as con:
        shadow(con, person)
        yield con


def connect_for(path: str | os.PathLike | None, person: Person) -> duckdb.DuckDBPyConnection:
    """An open read-only connection for `person` (close it yourself); see `shadow`."""
    con = db.connect(path, read_only=True)
    try:
        shadow(con, person)
    except BaseException:
        con.close()
        raise
    return con
