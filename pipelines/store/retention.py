"""Deleting participant records, by id or by retention date, from everything that holds them.

A deletion reaches the participant rows, her episodes, the derived `first_start`, the rejected
rows of the program's loads that name her (their `row_json` and `value`), the load archives
beside the store (`raw/*.parquet`, rewritten without her rows) and the rejects files
(`rejects/*.rejects.csv`, rewritten likewise). The dashboard's caches are keyed on the store's
load marker, which counts deletions, so they drop her at once.

Only an admin or a lead of the program may delete (`policy.ensure_may_change`). The deletion log
and the audit log keep when, who, which program, the criterion (a date, or how many ids — never
the ids) and how many records went.

In an archive or a rejects file the participant-id column is the column holding most of the
program's ids (headers differ from office to office and mapping files are not kept); a row goes
when its value there is one of the deleted ids. Archives of files spanning several programs are
searched too, so a row of another program with the same id would go as well (a rejected or
archived row only, never stored data).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.access import audit
from pipelines.access.policy import Person, ensure_may_change
from pipelines.store import derived
from pipelines.store.db import quote_ident, retried, transaction


def _ids_to_delete(con: duckdb.DuckDBPyConnection, program_id: str, where: str, params: dict) -> list[str]:
    return [r[0] for r in con.execute(
        f"select participant_id from participant where program_id = $program and {where} order by 1",
        {"program": program_id, **params}).fetchall()]


def _program_loads(con: duckdb.DuckDBPyConnection, program_id: str) -> list[tuple[int, str | None]]:
    """(load_id, raw_path) of the loads that may hold the program's rows: its own and those spanning programs."""
    return con.execute(
        "select load_id, raw_path from load where (program_id = $program or program_id is null) "
        "and kind in ('participants', 'tracking', 'episodes') order by load_id", {"program": program_id}).fetchall()


def _id_column(frame: pd.DataFrame, known: set[str], skip: int = 0) -> str | None:
    """The column (from position `skip` on) holding most of the program's participant ids, if any."""
    best, hits = None, 0
    for column in list(frame.columns)[skip:]:
        values = set(frame[column].dropna().astype(str).str.strip())
        n = len(values & known)
        if n > hits:
            best, hits = column, n
    return best


def _rewrite_archive(path: Path, known: set[str], ids: set[str]) -> int:
    """Rewrite a load archive without the rows of `ids`; returns how many rows went."""
    con = duckdb.connect()
    try:
        source = str(path).replace("'", "''")
        frame = con.execute(f"select * from read_parquet('{source}')").df()
        column = _id_column(frame, known, skip=1)           # the first column is the file's line
        if column is None:
            return 0
        gone = frame[column].astype(str).str.strip().isin(ids) & frame[column].notna()
        if not gone.any():
            return 0
        scratch = path.with_name(path.name + ".deleting")
        target = str(scratch).replace("'", "''")
        con.execute(f"copy (select * from read_parquet('{source}') where not ({quote_ident(column)} is not null "
                    f"and trim({quote_ident(column)}::varchar) in (select unnest($ids)))) "
                    f"to '{target}' (format parquet)", {"ids": sorted(ids)})
        os.replace(scratch, path)
        return int(gone.sum())
    finally:
        con.close()


def _rewrite_rejects(path: Path, known: set[str], ids: set[str]) -> int:
    """Rewrite a rejects CSV without the rows of `ids` (keeping its encoding and delimiter)."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    content = raw.decode("utf-8-sig")
    delimiter = ";" if content.split("\n", 1)[0].count(";") >= content.split("\n", 1)[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
    if len(rows) < 2:
        return 0
    frame = pd.DataFrame(rows[1:], columns=[f"c{i}" for i in range(len(rows[0]))])
    column = _id_column(frame, known, skip=3)               # line, column, value, then reason and the row
    value_hit = frame["c2"].str.strip().isin(ids)           # the refused value itself
    id_hit = frame[column].str.strip().isin(ids) if column is not None else False
    gone = value_hit | id_hit
    if not gone.any():
        return 0
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if "\r\n" in content else "\n")
    writer.writerow(rows[0])
    writer.writerows(row for row, drop in zip(rows[1:], gone) if not drop)
    scratch = path.with_name(path.name + ".deleting")
    scratch.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    os.replace(scratch, path)
    return int(gone.sum())


@retried
def _delete(con: duckdb.DuckDBPyConnection, program_id: str, where: str, params: dict, reason: str,
            criterion: str, actor: Person, store: str | os.PathLike | None, named: list[str] = ()) -> dict[str, int]:
    """Delete the participants `where` selects and the `named` ids (who may exist in rejected rows,
    archives and rejects files only: a row refused at her first load)."""
    ensure_may_change(actor, program_id)
    folder = Path(store).parent if store is not None and str(store) != ":memory:" else None
    with transaction(con):
        ids = sorted(set(_ids_to_delete(con, program_id, where, params)) | set(named))
        known = set(_ids_to_delete(con, program_id, "true", {})) | set(ids)
        counts = {"participants": 0, "episodes": 0, "rejected_rows": 0, "archived_rows": 0, "rejects_file_rows": 0}
        if ids:
            chosen = {"program": program_id, "ids": ids}
            counts["episodes"] = con.execute(
                "delete from episode where program_id = $program and participant_id in (select unnest($ids))",
                chosen).fetchone()[0]
            counts["participants"] = con.execute(
                "delete from participant where program_id = $program and participant_id in (select unnest($ids))",
                chosen).fetchone()[0]
            derived.rebuild(con, [program_id])
            loads = _program_loads(con, program_id)
            # a rejected row names her in its refused value or anywhere in the row as read
            counts["rejected_rows"] = con.execute(
                """
                delete from rejected_row
                where load_id in (select unnest($loads))
                  and (trim(value) in (select unnest($ids))
                       or list_has_any(list_transform(json_extract_string(row_json, '$.*'), x -> trim(x)), $ids))
                """, {"loads": [load_id for load_id, _ in loads], "ids": ids}).fetchone()[0]
            if folder is not None:
                for load_id, raw_path in loads:
                    if raw_path and (folder / raw_path).is_file():
                        counts["archived_rows"] += _rewrite_archive(folder / raw_path, known, set(ids))
                    for rejects in sorted((folder / "rejects").glob(f"{load_id:05d}-*.rejects.csv")):
                        counts["rejects_file_rows"] += _rewrite_rejects(rejects, known, set(ids))
        con.execute(
            "insert into deletion_log values ($at, $by, $program, $reason, $criterion, $participants, $episodes)",
            {"at": audit.now().replace(microsecond=0), "by": actor.name, "program": program_id, "reason": reason,
             "criterion": criterion, "participants": counts["participants"], "episodes": counts["episodes"]})
        audit.record(con, actor, "deletion", program_id, reason=reason, criterion=criterion, **counts)
    return counts


def delete_participants(con: duckdb.DuckDBPyConnection, program_id: str, participant_ids: list[str], *,
                        actor: Person, store: str | os.PathLike | None = None) -> dict[str, int]:
    """Delete the named participants of a program from every table, archive and rejects file.

    Args:
        store: the store's file (its raw/ and rejects/ folders are beside it); None: tables only.
        actor: who deletes; an admin or a lead of the program (else AccessError "access.forbidden").

    Returns:
        how many went: {"participants", "episodes", "rejected_rows", "archived_rows", "rejects_file_rows"}.
    """
    ids = sorted({str(i).strip() for i in participant_ids if str(i).strip()})
    return _delete(con, program_id, "participant_id in (select unnest($ids))", {"ids": ids}, "participant",
                   f"ids: {len(ids)}", actor, store, named=ids)


def delete_before(con: duckdb.DuckDBPyConnection, program_id: str, exited_before: dt.date, *,
                  actor: Person, store: str | os.PathLike | None = None) -> dict[str, int]:
    """Delete everyone of a program who left before `exited_before` (retention period over), everywhere.
    Arguments and result as `delete_participants`."""
    return _delete(con, program_id, "exit_date < $before", {"before": exited_before}, "retention",
                   exited_before.isoformat(), actor, store)
