"""Monthly series for the progress charts: new and cumulative counts per calendar month."""

from __future__ import annotations

from typing import Any, Sequence

import duckdb
import pandas as pd

from pipelines import dates
from pipelines.metrics.counts import known_statuses
from pipelines.metrics.scope import Scope, scoped_sql
from pipelines.store import db

SERIES_MEASURES = ("entered", "reached", "active", "in_program")


def monthly_series(con: duckdb.DuckDBPyConnection, scope: Scope | None, measure: str,
                   status: str | Sequence[str] | None, start: Any, end: Any) -> pd.DataFrame:
    """Month by month from `start` to `end`, for the progress charts.

    Measures:
        entered:    new = entries in the month; cumulative = entered(start, month_end).
        reached:    new = participants whose first S start on/after `start` falls in the
                    month; cumulative = reached(S, start, month_end).
        active:     new = participants with an S start in the month;
                    cumulative = active(S, month_end) (a level, not a sum).
        in_program: new = entries in the month; cumulative = in_program(month_end) (a level).

    Returns:
        DataFrame(month, month_end, new, cumulative): `month` is the first day of the
        calendar month, `month_end` its last day — or `end` for the last month, so the last
        row equals the metric on `end`. The first month counts from `start`.
    """
    if measure not in SERIES_MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {SERIES_MEASURES}")
    start, end = dates.as_date(start), dates.as_date(end)
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    params: dict[str, Any] = {"start": start, "end": end}
    if measure in ("reached", "active"):
        if status is None:
            raise ValueError(f"measure {measure!r} needs a status")
        params["statuses"] = known_statuses(con, scope, status)
    sql, scope_params = scoped_sql(f"metrics_series_{measure}", scope)
    frame = db.run(con, sql, {**scope_params, **params}).df()
    return frame.astype({"new": "int64", "cumulative": "int64"}).reset_index(drop=True)
