"""Write normalised indicator rows into the store (upsert, in the caller's transaction)."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.indicators.read import ROW_COLUMNS
from pipelines.store.db import quote_ident

# indicator_value's columns for ROW_COLUMNS: the store still calls the programme `program`.
STORE_COLUMNS = ["program" if c == "programme" else c for c in ROW_COLUMNS]

def load(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, load_id: int) -> int:
    """Insert or replace indicator rows (upsert on the primary key) in the caller's transaction.

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
    columns = ", ".join(quote_ident(c) for c in STORE_COLUMNS)
    con.register(view, frame)
    try:
        con.execute(
            f"insert or replace into indicator_value ({columns}, load_id) "
            f"select source, programme, title, coalesce(fund, ''), coalesce(indicator_type, ''), "
            f"indicator_code, indicator_name, coalesce(breakdown_json, '{{}}'), "
            f"cast(year as integer), cast(report_date as date), cast(target_value as double), "
            f"cast(achieved_value as double), unit, version, $load_id from {quote_ident(view)}",
            {"load_id": load_id},
        )
    finally:
        con.unregister(view)
    return len(frame)
