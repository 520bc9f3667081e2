"""Deleting participant records, by id or by retention date; every deletion is logged.

The log keeps when, who, which program, the criterion and how many records went — never the
deleted data itself.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from pipelines.store import derived
from pipelines.store.db import transaction


def _delete(con: duckdb.DuckDBPyConnection, program_id: str, where: str, params: list,
            reason: str, criterion: str, deleted_by: str | None) -> dict:
    with transaction(con):
        ids = con.execute(
            f"select participant_id from participant where program_id = ? and {where}", [program_id, *params]
        ).fetchall()
        ids = [r[0] for r in ids]
        episodes = con.execute(
            "delete from episode where program_id = ? and participant_id in (select unnest(?))",
            [program_id, ids]).fetchone()[0] if ids else 0
        participants = con.execute(
            "delete from participant where program_id = ? and participant_id in (select unnest(?))",
            [program_id, ids]).fetchone()[0] if ids else 0
        derived.rebuild(con, [program_id])
        # rejected rows of this program's loads may hold the same records: drop them too
        con.execute(
            "delete from rejected_row where load_id in (select load_id from load where program_id = ?) "
            "and list_has_any(?, [json_extract_string(row_json, '$.\"Teilnehmer-ID\"'), "
            "json_extract_string(row_json, '$.participant_id')])",
            [program_id, ids]) if ids else None
        con.execute(
            "insert into deletion_log values (?, ?, ?, ?, ?, ?, ?)",
            [dt.datetime.now().replace(microsecond=0), deleted_by, program_id, reason, criterion,
             participants, episodes])
    return {"participants": participants, "episodes": episodes}


def delete_participants(con: duckdb.DuckDBPyConnection, program_id: str, participant_ids: list[str],
                        deleted_by: str | None = None) -> dict:
    """Delete the named participants of a program with all their episodes.

    Returns:
        {"participants": n, "episodes": m} actually deleted.
    """
    return _delete(con, program_id, "participant_id in (select unnest(?))", [list(participant_ids)],
                   "participant", ", ".join(participant_ids), deleted_by)


def delete_before(con: duckdb.DuckDBPyConnection, program_id: str, exited_before: dt.date,
                  deleted_by: str | None = None) -> dict:
    """Delete everyone of a program who left before `exited_before` (retention period over)."""
    return _delete(con, program_id, "exit_date < ?", [exited_before], "retention",
                   exited_before.isoformat(), deleted_by)
