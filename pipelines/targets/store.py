"""Targets in the store: write a program's target rows, read them back, pick the version in force."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import duckdb

from pipelines import dates
from pipelines.store import db
from pipelines.targets.spec import ROW_KEYS


def replace_targets(con: duckdb.DuckDBPyConnection, program_id: str, rows: Iterable[Mapping[str, Any]],
                    load_id: int | None = None) -> int:
    """Replace a program's targets by `rows` inside the caller's transaction; returns the rows written."""
    rows = list(rows)
    con.execute("delete from target where program_id = ?", [program_id])
    for row in rows:
        con.execute(
            f"insert into target ({', '.join(ROW_KEYS)}, load_id) "
            f"values ({', '.join('?' for _ in ROW_KEYS)}, ?)",
            [row[k] for k in ROW_KEYS] + [load_id],
        )
    return len(rows)


@db.retried
def save_targets(con: duckdb.DuckDBPyConnection, rows: Iterable[Mapping[str, Any]],
                 program_id: str, load_id: int | None = None) -> int:
    """Replace a program's targets by `rows` in one transaction of its own."""
    with db.transaction(con):
        return replace_targets(con, program_id, rows, load_id)


def load_targets(con: duckdb.DuckDBPyConnection, program_id: str | None = None) -> list[dict[str, Any]]:
    """The stored target rows (all versions) of a program, or of all programs if None."""
    cursor = con.execute(
        f"select {', '.join(ROW_KEYS)} from target "
        "where $program::varchar is null or program_id = $program "
        "order by program_id, target_id, valid_from",
        {"program": program_id},
    )
    return [dict(zip(ROW_KEYS, row)) for row in cursor.fetchall()]


def in_force(rows: Iterable[Mapping[str, Any]], as_of: Any) -> list[Mapping[str, Any]]:
    """Per target, the version in force on `as_of`: the latest valid_from on or before it
    (the first version if as_of precedes them all)."""
    as_of = dates.as_date(as_of)
    chosen: dict[str, Mapping[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r["target_id"], dates.as_date(r["valid_from"]))):
        current = chosen.get(row["target_id"])
        if current is None or dates.as_date(row["valid_from"]) <= as_of:
            chosen[row["target_id"]] = row
    return list(chosen.values())
