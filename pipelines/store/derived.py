"""Derived tables, rebuilt inside the transaction of every change to participants or episodes,
and read by the metrics: `first_start` (the first start of each status per participant on or after
her program's start — what `reached` from the program start counts)."""

from __future__ import annotations

from typing import Iterable

import duckdb


def rebuild(con: duckdb.DuckDBPyConnection, program_ids: Iterable[str] | None = None) -> None:
    """Rebuild the derived tables for `program_ids` (None: every program), in the caller's transaction."""
    programs = None if program_ids is None else sorted(set(program_ids))
    if programs is None:
        con.execute("delete from first_start")
        where, params = "", {}
    else:
        con.execute("delete from first_start where program_id in (select unnest($p))", {"p": programs})
        where, params = "where e.program_id in (select unnest($p))", {"p": programs}
    con.execute(
        "insert into first_start "
        "with program_start as (select program_id, start_date from program), "
        "     counted as ("
        "         select e.person_key, e.program_id, e.status, e.start_date from episode e "
        "         join program_start ps using (program_id) "
        f"        {where} {'and' if where else 'where'} (ps.start_date is null or e.start_date >= ps.start_date)) "
        "select person_key, program_id, status, min(start_date) from counted group by all",
        params,
    )
