"""Write normalised indicator rows into the store (upsert, in the caller's transaction)."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.indicators.read import ROW_COLUMNS
from pipelines.store.db import quote_ident

# The identity of an indicator value: a newer file replaces the rows with the same identity.
IDENTITY = ("source", "programme", "fund", "indicator_type", "indicator_code", "breakdown_json", "year")

def load(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, load_id: int) -> int:
    """Insert or replace indicator rows (by IDENTITY) in the caller's transaction.

    A row with the same (source, programme, fund, indicator_type, indicator_code, breakdown_json,
    year) as a stored one replaces it: a newer file for a programme updates the values it
    covers and leaves the others alone. Does not begin or commit a transaction.

    Returns:
        the number of rows written.
    """
    missing = [c for c in ROW_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"rows lack columns {missing}")
    if rows.empty:
        return 0
    frame = rows[ROW_COLUMNS].copy()
    frame["report_date"] = pd.to_datetime(frame["report_date"])
    view = f"_indicator_rows_{id(frame)}"
    columns = ", ".join(quote_ident(c) for c in ROW_COLUMNS)
    con.register(view, frame)
    try:
        # no upsert statement on DuckLake: the rows a file replaces go first, then the file's rows
        con.execute(
            f"create or replace temp table _indicator_new as select source, programme, title, "
            f"coalesce(fund, '') as fund, coalesce(indicator_type, '') as indicator_type, indicator_code, "
            f"indicator_name, coalesce(breakdown_json, '{{}}') as breakdown_json, cast(year as integer) as year, "
            f"cast(report_date as date) as report_date, cast(target_value as double) as target_value, "
            f"cast(achieved_value as double) as achieved_value, unit, version from {quote_ident(view)}")
        same = " and ".join(f"v.{c} = n.{c}" for c in IDENTITY)
        con.execute(f"delete from indicator_value v where exists (select 1 from _indicator_new n where {same})")
        con.execute(f"insert into indicator_value ({columns}, load_id) select *, $load_id from _indicator_new",
                    {"load_id": load_id})
        con.execute("drop table _indicator_new")
    finally:
        con.unregister(view)
    return len(frame)
