"""Time to an outcome: the Kaplan–Meier curve of the share reaching a status by months since entry.

The product-limit estimate is computed in SQL (pipelines/sql/metrics_time_to.sql), in one query
with the count of participants left out at entry.
"""

from __future__ import annotations

from typing import Any, Sequence

import duckdb
import numpy as np
import pandas as pd

from pipelines import dates
from pipelines.metrics.counts import known_statuses
from pipelines.metrics.scope import Scope, scoped_sql
from pipelines.store import db

MONTH_DAYS = 365.25 / 12  # length of a "month since entry" (30.4375 days)
TIME_TO_COLUMNS = ["month", "at_risk", "events", "censored", "share"]


def time_to(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
            as_of: Any, by: str | None = None) -> pd.DataFrame | dict[Any, pd.DataFrame]:
    """Kaplan–Meier: cumulative share reaching `status`, by whole months since entry.

    Rules:
      - Participants who entered on or before `as_of` are followed from entry_date to
        ``min(exit_date, as_of)`` (both inclusive).
      - Event: the first start of an S episode in that window (a start on the entry day is
        day 0). Starts after exit are not events: follow-up ends at exit.
      - A participant already in S on her entry day (an S episode that started before entry
        and is still running) was never at risk and is left out; their number is in
        ``df.attrs["excluded_at_entry"]``. An S episode that ended before entry is ignored.
      - Others are censored at ``min(exit_date, as_of)``.
      - The product-limit estimate is computed on days (censorings on an event day count as
        at risk on that day). Month m ends at day ``floor(m * 30.4375 + 0.5)``: 1 → 30,
        3 → 91, 6 → 183, 12 → 365, 24 → 731.

    Returns:
        DataFrame(month, at_risk, events, censored, share): one row per month m = 0, 1, …
        up to the last follow-up; `events`/`censored` fall in (end of month m-1, end of m]
        (month 0 = the entry day), `at_risk` is the number still followed at the start of
        that interval, `share` the estimated share that reached S within m months
        (1 - KM survival at the end of month m). Empty if nobody is in scope.
        With `by` (a field): {value: DataFrame} for every value with someone followed.
    """
    tables, excluded = curve_tables(con, scope, status, as_of, by)
    frames = {group: _frame(tables[group], excluded.get(group, 0)) for group in tables}
    if by is None:
        return frames.get("all") if "all" in frames else _frame([], excluded.get("all", 0))
    return frames


def curve_tables(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
                 as_of: Any, by: str | None = None) -> tuple[dict[Any, list[tuple]], dict[Any, int]]:
    """The monthly tables of `time_to` as plain rows, for callers that draw many curves (a
    comparison of 120 cohorts builds no DataFrame per curve).

    Returns:
        ({group: [(month, at_risk, events, censored, share), …] by month} for every group with
        someone followed ("all" without `by`), {group: participants left out at entry}).
    """
    params = {"statuses": known_statuses(con, scope, status), "as_of": dates.as_date(as_of), "month_days": MONTH_DAYS}
    sql, scope_params = scoped_sql("metrics_time_to", scope, by)
    rows: dict[Any, list[tuple]] = {}
    excluded: dict[Any, int] = {}
    for group, month, *values in db.run(con, sql, {**scope_params, **params}).fetchall():
        if month is None:            # the group's count of participants left out at entry
            excluded[group] = int(values[0])
        else:
            rows.setdefault(group, []).append((month, *values))
    return rows, excluded


_DTYPES = {"month": np.int64, "at_risk": np.int64, "events": np.int64, "censored": np.int64, "share": np.float64}


def _frame(rows: list[tuple], excluded: int) -> pd.DataFrame:
    """One curve as a DataFrame (typed columns built directly: a comparison draws 120 of them)."""
    columns = list(zip(*rows)) if rows else [()] * len(TIME_TO_COLUMNS)
    frame = pd.DataFrame({name: np.asarray(values, dtype=_DTYPES[name])
                          for name, values in zip(TIME_TO_COLUMNS, columns)})
    frame.attrs["excluded_at_entry"] = int(excluded or 0)
    return frame
