"""Writing a checked file into the store (inside the load's transaction).

Every function reads `_norm` (the normalised file) and skips the lines in `_bad` (rejected rows).
A newer file for the same program updates what it covers: participants by id (only the columns
the file has), and the episodes of the covered participants (a tracking sheet: the statuses it
has columns for; an episodes file: all statuses).
"""

from __future__ import annotations

import duckdb

from pipelines import vocab
from pipelines.ingest.headers import Layout
from pipelines.ingest.rules import PARTICIPANT_FIELDS
from pipelines.store import db
from pipelines.store.db import quote_ident


def upsert_participants(con: duckdb.DuckDBPyConnection, layout: Layout, load_id: int) -> None:
    """Insert or update the file's participants, in the columns the file has.

    Leaves `_incoming` (the file's good rows: `_line`, person_key, `is_new`) for the episodes."""
    present = [f for f in PARTICIPANT_FIELDS if f in layout.fields]
    # programs that switched special-category attributes off do not store them
    values = []
    for f in present:
        if f == "origin_region":
            values.append("case when p.special_categories then n.origin_region end")
        else:
            values.append(f"n.{f}")
    # update the participants the store has, then insert the others with new person keys, numbered
    # in the file's order (no upsert statement on DuckLake; the file's ids are unique, checked by the rules)
    con.execute(
        "create or replace temp table _incoming as select n._line, n.program_id, n.participant_id, "
        + "".join(f"{v} as {quote_ident(f)}, " for f, v in zip(present, values))
        + "t.person_key, t.person_key is null as is_new from _norm n join program p using (program_id) "
        "left join participant t on t.program_id = n.program_id and t.participant_id = n.participant_id "
        "where n._line not in (select _line from _bad)")
    new, old = con.execute("select count(*) filter (is_new), count(*) filter (not is_new) from _incoming").fetchone()
    if old:
        sets = "".join(f"{quote_ident(f)} = i.{quote_ident(f)}, " for f in present)
        con.execute(f"update participant t set {sets}load_id = $load_id from _incoming i "
                    "where not i.is_new and t.person_key = i.person_key", {"load_id": load_id})
    if new:
        first = db.allocate(con, "person_key", new)
        con.execute("update _incoming i set person_key = k.person_key from (select _line, $first - 1 + row_number() "
                    "over (order by _line) as person_key from _incoming where is_new) k where i._line = k._line",
                    {"first": first})
        cols = ", ".join(["person_key", "program_id", "participant_id", *map(quote_ident, present)])
        con.execute(f"insert into participant ({cols}, load_id) select {cols}, $load_id from _incoming where is_new",
                    {"load_id": load_id})


def replace_tracking_episodes(con: duckdb.DuckDBPyConnection, layout: Layout, load_id: int) -> None:
    """Replace the covered participants' episodes of the statuses the sheet has columns for
    (after upsert_participants: its `_incoming` names them and their person keys)."""
    covered = list(layout.statuses)
    if con.execute("select count(*) from _incoming where not is_new").fetchone()[0]:
        con.execute("delete from episode e where e.status in (select unnest($statuses)) and e.person_key in ("
                    "select person_key from _incoming where not is_new)", {"statuses": covered})
    selects, params = [], {"load_id": load_id}
    for i, (status, slot) in enumerate(layout.statuses.items()):
        role = "start" if "start" in slot else "on"
        start = quote_ident(f"{status}.{role}")
        if role == "on" or ("end" not in slot and status in vocab.ONE_DAY_STATUSES):
            end = f"{start} + interval 1 day"
        elif status in vocab.ONE_DAY_STATUSES:   # an event given with end = start is the same one day
            end_col = quote_ident(f"{status}.end")
            end = f"case when {end_col} is null or {end_col} = {start} then {start} + interval 1 day else {end_col} end"
        elif "end" in slot:
            end = quote_ident(f"{status}.end")
        else:
            end = "null"
        params[f"status{i}"] = status
        selects.append(f"select person_key, program_id, participant_id, $status{i}, {start}, cast({end} as date), "
                       f"$load_id from rows where {start} is not null")
    if selects:         # one statement: the file's rows joined to their person keys once
        con.execute("insert into episode with rows as materialized (select n.*, i.person_key from _norm n "
                    "join _incoming i using (_line)) " + " union all ".join(selects), params)


def replace_long_episodes(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    """Replace all episodes of the covered participants by the file's."""
    con.execute(
        "delete from episode e where exists (select 1 from _norm n where n.program_id = e.program_id "
        "and n.participant_id = e.participant_id and n._line not in (select _line from _bad))"
    )
    con.execute(
        "insert into episode select p.person_key, n.program_id, n.participant_id, n.status, n.start_date, "
        "case when n.status in (select unnest($one_day)) and (n.end_date is null or n.end_date = n.start_date) "
        "then cast(n.start_date + interval 1 day as date) else n.end_date end, $load_id "
        "from _norm n join participant p using (program_id, participant_id) "
        "where n._line not in (select _line from _bad)",
        {"one_day": sorted(vocab.ONE_DAY_STATUSES), "load_id": load_id},
    )
