"""Metrics: the numbers of DESIGN.md ("Metric semantics"), counted in SQL, returned as numbers.

scope (which participants: fields, `Scope`, the scope's SQL), counts (entered, in_program,
active, reached, leavers, rates after leaving, share reached, funnel, status summary),
time_to (Kaplan–Meier), series (monthly), stats (Wilson, Poisson), compare (groups side by
side), panels (what each page and report section shows). Problems are `Problem` codes;
words are made at the edges.
"""

from .counts import (FOLLOW_UP_MONTHS, UPON_LEAVING_DAYS, active, entered, entered_on, funnel, in_program,
                     known_statuses, leavers, leaving_on, leaving_results_on, reached, reached_on, share_reached,
                     share_reached_on, six_months_after, status_summary, upon_leaving, vocabulary)
from .problems import Problem, ProblemError
from .scope import (ALL, FIELDS, OPERATORS, RANGE_KEYS, Condition, FieldSpec, Scope, ScopeError,
                    check_where, group_expr, jsonable, optional_date, parse_where, resolve_field, scope_sql,
                    scoped_sql)
from .series import SERIES_MEASURES, monthly_series
from .stats import SMALL_N, Z95, Rate, wilson
from .time_to import MONTH_DAYS, TIME_TO_COLUMNS, time_to

__all__ = [
    "ALL", "FIELDS", "FOLLOW_UP_MONTHS", "MONTH_DAYS", "OPERATORS", "RANGE_KEYS", "SERIES_MEASURES", "SMALL_N",
    "TIME_TO_COLUMNS", "UPON_LEAVING_DAYS", "Z95", "Condition", "FieldSpec", "Problem", "ProblemError", "Rate",
    "Scope", "ScopeError", "active", "check_where", "entered", "entered_on", "funnel", "group_expr", "in_program",
    "jsonable", "known_statuses", "leavers", "leaving_on", "leaving_results_on", "monthly_series", "optional_date",
    "parse_where", "reached", "reached_on", "resolve_field", "scope_sql", "scoped_sql", "share_reached",
    "share_reached_on", "six_months_after", "status_summary", "time_to", "upon_leaving", "vocabulary", "wilson",
]
