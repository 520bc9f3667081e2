"""Aggregate indicators: the ministry view of operational programmes (ESF), no participant data.

`read` detects an indicator file's format (the EU open-data export or the generic table) and
normalises it into rows, with problems as codes; `load` upserts the rows in the caller's
transaction; `queries` answers from the store: values at breakdown or programme level with
attainment and a plausibility flag, the target history, the overview and implausible targets.
Values are cumulative per year and never added over years. Words: `pipelines.text.indicators`.

Example:
    >>> kind = detect(list(frame.columns))
    >>> rows, problems = normalise(frame, kind)
    >>> with db.transaction(con):
    ...     load(con, rows, load_id)
    >>> indicator_table(con, programme="2014DE05SFOP016", indicator="CO01", year=2020)
"""

from pipelines.indicators.load import load
from pipelines.indicators.queries import (
    COUNT_UNITS, FAR_ABOVE_FACTOR, FLAGS, IMPLAUSIBLE_COLUMNS, IMPLAUSIBLE_FLAGS, OVERVIEW_COLUMNS,
    PERCENT_LIKE_MAX, PERCENT_UNITS, implausible_targets, indicator_table, indicator_years, programme_overview,
    target_history,
)
from pipelines.indicators.read import ROW_COLUMNS, SOURCES, breakdown_to_json, detect, normalise, parse_numbers

__all__ = [
    "COUNT_UNITS", "FAR_ABOVE_FACTOR", "FLAGS", "IMPLAUSIBLE_COLUMNS", "IMPLAUSIBLE_FLAGS",
    "OVERVIEW_COLUMNS", "PERCENT_LIKE_MAX", "PERCENT_UNITS", "ROW_COLUMNS", "SOURCES",
    "breakdown_to_json", "detect", "implausible_targets", "indicator_table", "indicator_years", "load", "normalise",
    "parse_numbers", "programme_overview", "target_history",
]
