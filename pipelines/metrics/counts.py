"""Counts and rates of participants (DESIGN.md, "Metric semantics"), one function per number.

Every function takes a DuckDB connection, a `Scope` and dates, counts in SQL (pipelines/sql,
bind parameters) and returns a number, a `Rate` or a dict. Definitions where DESIGN.md
leaves room (all dates inclusive unless said otherwise):

- An episode is *active on day d* when ``start_date <= d`` and (``end_date`` is empty or
  ``end_date > d``). An episode whose ``end_date`` is on or before its ``start_date`` (a
  one-day episode such as a qualification recorded with end = start) is active on its start
  day only — otherwise it would never be active at all.
- ``in_program(d)``: entered on or before d and not exited before d (exit on d still counts).
- ``upon_leaving``: the window after leaving is day 0 (the exit date itself) to day 28
  inclusive, i.e. ``[exit_date, exit_date + 28 days]`` — 29 calendar days. A woman who left
  because she started work that day counts. The S episode may have started before the exit.
- ``six_months_after``: S active on ``exit_date + 6 calendar months``; month ends are clamped
  (31 Aug + 6 months = 28/29 Feb).
- ``share_reached`` / the ``share`` target measure and the group comparison: of the
  participants who entered in [a, b], those with an S episode starting on or before b.

The counts take an optional `by` (a field of FIELDS, or several): then they answer the same
question per group in one query, as {value: n} or {(value, value): n}; groups with nobody
counted are absent (read them as 0).

The cumulative counts also answer for several end days (`entered_on`, and in one pass
`reached_on`, `leaving_on`, `share_reached_on`): a target's value on its evaluation date and on
the day before its forecast window read the same rows once. `leaving_results_on` answers several
results (each outcome status and "any") in that one pass too.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

import duckdb

from pipelines import dates
from pipelines import vocab
from pipelines.metrics.problems import Problem, ProblemError
from pipelines.metrics.scope import ALL, Scope, optional_date, scoped_sql
from pipelines.metrics.stats import Rate, wilson
from pipelines.store import db

UPON_LEAVING_DAYS = 28  # window after exit: day 0 (exit date) .. day 28, inclusive
FOLLOW_UP_MONTHS = 6    # six_months_after

By = str | Sequence[str] | None


def vocabulary(con: duckdb.DuckDBPyConnection, programs: Iterable[str] | None = None) -> dict[str, str]:
    """Statuses and their category: the built-in ones and those of the given programs.

    Returns:
        {status: "support" | "outcome"}, built-in statuses first (in DESIGN.md order), then
        program statuses alphabetically; a program's own entry wins over the built-in one.
    """
    rows = con.execute(
        "select program_id, status, category from status_vocabulary "
        "where program_id = '*' or $programs is null or list_contains($programs, program_id) "
        "order by program_id = '*' desc, status",
        {"programs": None if programs is None else list(programs)},
    ).fetchall()
    order = list(vocab.STATUSES)
    result = {status: category for _, status, category in rows}
    return dict(sorted(result.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])))


def known_statuses(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str]) -> list[str]:
    """`status` as a list, each checked against the scope's vocabulary.

    Raises:
        ProblemError: `metrics.unknown_status` for a status the vocabulary does not know.
    """
    wanted = [status] if isinstance(status, str) else list(status)
    known = vocabulary(con, (scope or ALL).programs)
    unknown = [s for s in wanted if s not in known]
    if unknown or not wanted:
        raise ProblemError([Problem("metrics.unknown_status",
                                    {"status": ", ".join(unknown) or "–", "known": ", ".join(known)})])
    return wanted


def _count(con, name: str, scope: Scope | None, by: By, **params: Any) -> int | dict:
    """Run a count of pipelines/sql (rows grp, n): the count, or {group: n} with `by`."""
    sql, scope_params = scoped_sql(name, scope, by)
    rows = db.run(con, sql, {**scope_params, **params}).fetchall()
    if by is None:
        return int(rows[0][1]) if rows else 0
    return {group: int(n) for group, n in rows}


def _count_on(con, name: str, scope: Scope | None, by: By, days: Sequence[Any], width: int = 1,
              **params: Any) -> list:
    """Run a count of pipelines/sql over $days (rows grp, i, n…): per day (in the order of `days`)
    the count, or {group: n} with `by`; a query with `width` counts per row gives tuples of them."""
    sql, scope_params = scoped_sql(name, scope, by)
    days = [optional_date(day) for day in days]
    rows = db.run(con, sql, {**scope_params, **params, "days": days}).fetchall()
    per_day: list[dict] = [{} for _ in days]
    for group, i, *values in rows:
        per_day[i - 1][group] = int(values[0]) if width == 1 else tuple(int(v) for v in values)
    if by is None:
        return [counts.get("all", 0 if width == 1 else (0,) * width) for counts in per_day]
    return per_day


# --------------------------------------------------------------------------------------
# Counts
# --------------------------------------------------------------------------------------

def entered(con: duckdb.DuckDBPyConnection, scope: Scope | None, a: Any, b: Any, by: By = None) -> int | dict:
    """Participants whose entry_date lies in [a, b] (None: open end)."""
    return _count(con, "metrics_entered", scope, by, a=optional_date(a), b=optional_date(b))


def entered_on(con: duckdb.DuckDBPyConnection, scope: Scope | None, a: Any, days: Sequence[Any],
               by: By = None) -> list:
    """`entered(a, day)` for every day of `days`: a list in the order of `days` (one filter over
    participant per day is cheaper than counting per entry date)."""
    return [entered(con, scope, a, day, by) for day in days]


def in_program(con: duckdb.DuckDBPyConnection, scope: Scope | None, d: Any, by: By = None) -> int | dict:
    """Participants who entered on or before d and had not exited before d."""
    return _count(con, "metrics_in_program", scope, by, d=dates.as_date(d))


def active(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str], d: Any,
           by: By = None) -> int | dict:
    """Participants with an episode of `status` active on d ("106 in coaching").

    `status` may be a list: participants active in any of them, each counted once.
    """
    return _count(con, "metrics_active", scope, by, statuses=known_statuses(con, scope, status), d=dates.as_date(d))


def reached(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
            a: Any, b: Any, by: By = None) -> int | dict:
    """Participants with an episode of `status` starting in [a, b]; each counted once.

    "37 started training" is ``reached(con, scope, "training", program_start, d)``.
    """
    return reached_on(con, scope, status, a, [b], by)[0]


def reached_on(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str], a: Any,
               days: Sequence[Any], by: By = None) -> list:
    """`reached(a, day)` for every day of `days`, in one pass: a list in the order of `days`."""
    return _count_on(con, "metrics_reached", scope, by, days, statuses=known_statuses(con, scope, status),
                     a=optional_date(a))


def leavers(con: duckdb.DuckDBPyConnection, scope: Scope | None, a: Any, b: Any, by: By = None) -> int | dict:
    """Participants whose exit_date lies in [a, b]."""
    return _count(con, "metrics_leavers", scope, by, a=optional_date(a), b=optional_date(b))


# --------------------------------------------------------------------------------------
# Rates
# --------------------------------------------------------------------------------------

def _leaving(con, scope: Scope | None, status, a: Any, b: Any) -> tuple[int, int, int]:
    return leaving_on(con, scope, status, a, [b])[0]


def leaving_on(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str], a: Any,
               days: Sequence[Any]) -> list[tuple[int, int, int]]:
    """For every day of `days`, in one pass: (leavers in [a, day], of them in `status` upon leaving,
    of them in `status` six months after leaving) — `upon_leaving` and `six_months_after`."""
    return leaving_results_on(con, scope, [status], a, days)[0]


def leaving_results_on(con: duckdb.DuckDBPyConnection, scope: Scope | None,
                       results: Sequence[str | Sequence[str]], a: Any,
                       days: Sequence[Any]) -> list[list[tuple[int, int, int]]]:
    """`leaving_on` for several results at once, in one pass over the leavers and their episodes.

    Args:
        results: statuses, each a status or a list of them (a participant counts once if any
            applies), e.g. ``["training", "employment", ["training", "employment"]]`` for each
            outcome and "any outcome".
        days: the end days; `a` the first exit day counted (None: open).

    Returns:
        Per result (in the order of `results`) per day (in the order of `days`): (leavers in
        [a, day], of them with the result upon leaving, of them six months after leaving).
    """
    asked = [[status] if isinstance(status, str) else list(status) for status in results]
    flat = [s for each in asked for s in each] if all(asked) else []
    statuses = list(dict.fromkeys(known_statuses(con, scope, flat)))
    if len(statuses) > 64:   # one bit per status in the query
        raise ValueError("leaving_results_on: at most 64 statuses at once")
    masks = [sum(1 << statuses.index(s) for s in set(each)) for each in asked]
    sql, scope_params = scoped_sql("metrics_leaving_results", scope)
    days = [optional_date(day) for day in days]
    rows = db.run(con, sql, {**scope_params, "statuses": statuses, "masks": masks, "days": days, "a": optional_date(a),
                             "window_days": UPON_LEAVING_DAYS, "follow_up_months": FOLLOW_UP_MONTHS}).fetchall()
    counted = [[(0, 0, 0) for _ in days] for _ in asked]
    for j, i, n, upon, six in rows:
        counted[j - 1][i - 1] = (int(n), int(upon), int(six))
    return counted


def upon_leaving(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
                 a: Any, b: Any) -> Rate:
    """Of the participants who left in [a, b], those in `status` upon leaving (ESF+).

    Counted: an S episode active on at least one day of ``[exit_date, exit_date + 28 days]``
    — day 0, the exit date itself, counts; so does day 28 ("within 4 weeks after leaving").

    Returns:
        Rate(k = leavers with S upon leaving, n = leavers in [a, b], Wilson interval).
    """
    n, k, _ = _leaving(con, scope, status, a, b)
    return wilson(k, n)


def six_months_after(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
                     a: Any, b: Any) -> Rate:
    """Of the participants who left in [a, b], those with S active on exit_date + 6 months.

    Calendar months, clamped at month ends: exit 31 Aug 2019 → 29 Feb 2020.

    Returns:
        Rate(k, n = leavers in [a, b]).
    """
    n, _, k = _leaving(con, scope, status, a, b)
    return wilson(k, n)


def share_reached(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
                  a: Any, b: Any, by: str | None = None) -> Rate | dict[Any, Rate]:
    """Of the participants who entered in [a, b], those with an S episode starting on or before b.

    The `share` target measure and the group comparison use this definition.

    Returns:
        a Rate; with `by` (a field) {value: Rate} for every value with someone entered.
    """
    return share_reached_on(con, scope, status, a, [dates.as_date(b)], by)[0]


def share_reached_on(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
                     a: Any, days: Sequence[Any], by: str | None = None) -> list:
    """`share_reached(a, day)` for every day of `days`, in one pass: a list in the order of `days`."""
    counts = share_counts_on(con, scope, status, a, days, by)
    if by is None:
        return [wilson(k, n) for n, k in counts]
    return [{group: wilson(k, n) for group, (n, k) in groups.items()} for groups in counts]


def share_counts_on(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
                    a: Any, days: Sequence[Any], by: By = None) -> list:
    """The counts behind `share_reached_on`: per day (n entered, k of them reached), or with `by`
    {group: (n, k)} — for callers that add groups up before judging them (the strata of a comparison)."""
    days = [dates.as_date(day) for day in days]
    return _count_on(con, "metrics_share_reached", scope, by, days, width=2,
                     statuses=known_statuses(con, scope, status), a=optional_date(a), last=max(days))


# --------------------------------------------------------------------------------------
# Funnel and summary
# --------------------------------------------------------------------------------------

def funnel(con: duckdb.DuckDBPyConnection, scope: Scope | None, as_of: Any) -> dict[str, Any]:
    """From entry to outcome, for the participants who entered on or before `as_of`.

    Stages: entered → had any support episode (starting on or before as_of) → reached any
    outcome (an outcome episode starting on or before as_of); categories come from
    status_vocabulary (a program's own entry wins over the built-in one).

    Returns:
        {"as_of": ISO date, "entered": n, "supported": n, "reached_any": n,
         "reached": {outcome status: n} (every outcome status of the vocabulary),
         "stages": [{"stage", "status", "n", "share"}] (share of entered; for charts),
         "in_program": n, "left": n,
         "exit_reasons": {"completed", "dropped_out", "moved", "other", "unknown": n}
             (participants with exit_date on or before as_of),
         "length_of_stay": {"left": stats, "ongoing": stats}} where stats =
             {"n", "mean_days", "median_days", "p25_days", "p75_days", "min_days", "max_days"}
             (left: entry to exit; ongoing: entry to as_of for those still in the program).
    """
    as_of = dates.as_date(as_of)
    scope = scope or ALL
    sql, params = scoped_sql("metrics_funnel", scope)
    rows = db.run(con, sql, {**params, "as_of": as_of}).fetchall()
    counts: dict[tuple[str, str | None], int] = {(stage, key): int(n) for stage, key, n in rows}
    outcomes = [s for s, c in vocabulary(con, scope.programs).items() if c == "outcome"]
    extra = sorted({k for s, k in counts if s == "reached" and k not in outcomes})
    entered_n = counts.get(("entered", None), 0)
    reached_by = {s: counts.get(("reached", s), 0) for s in outcomes + extra}
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "entered": entered_n,
        "supported": counts.get(("supported", None), 0),
        "reached_any": counts.get(("reached_any", None), 0),
        "reached": reached_by,
    }
    share = lambda n: (n / entered_n) if entered_n else None  # noqa: E731
    result["stages"] = (
        [{"stage": s, "status": None, "n": result[s], "share": share(result[s])}
         for s in ("entered", "supported", "reached_any")]
        + [{"stage": "reached", "status": s, "n": n, "share": share(n)} for s, n in reached_by.items()]
    )
    reasons = {r: counts.get(("exit_reason", r), 0) for r in vocab.EXIT_REASONS + ("unknown",)}
    result["exit_reasons"] = reasons
    result["left"] = sum(reasons.values())
    result["in_program"] = in_program(con, scope, as_of)
    sql, params = scoped_sql("metrics_length_of_stay", scope)
    stats = {"left": None, "ongoing": None}
    for row in db.run(con, sql, {**params, "as_of": as_of}).fetchall():
        kind, n, mean, median, p25, p75, low, high = row
        stats[kind] = {"n": int(n), "mean_days": _num(mean), "median_days": _num(median),
                       "p25_days": _num(p25), "p75_days": _num(p75),
                       "min_days": _num(low), "max_days": _num(high)}
    empty = {"n": 0, "mean_days": None, "median_days": None, "p25_days": None,
             "p75_days": None, "min_days": None, "max_days": None}
    result["length_of_stay"] = {k: v or dict(empty) for k, v in stats.items()}
    return result


def _num(value: Any) -> float | int | None:
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    return int(value) if value.is_integer() else value


def status_summary(con: duckdb.DuckDBPyConnection, program_id: str, as_of: Any) -> dict[str, Any]:
    """The headline numbers of one program on `as_of` (DESIGN.md's "August 2020" sentence).

    entered and reached count from the program's start_date (open if unknown) to as_of.

    Returns:
        {"program", "as_of" (ISO), "entered", "in_program",
         "active": {status: n}, "reached": {status: n}} over every status of the vocabulary.
    """
    as_of = dates.as_date(as_of)
    # the bitstring of the active count spans every person key given out so far (key_counter): no
    # pass over participant for the program's own key range
    row = con.execute("select g.start_date, (select max(value) from key_counter where name = 'person_key') "
                      "from program g where g.program_id = ?", [program_id]).fetchone()
    if row is None:
        raise ValueError(f"unknown program {program_id!r}")
    start, high_key = row
    scope = Scope((program_id,))
    sql, params = scoped_sql("metrics_status_summary", scope)
    counts = {s: (a, r) for s, a, r in db.run(con, sql, {
        **params, "program": program_id, "as_of": as_of,
        "high_key": high_key or 0}).fetchall()}
    statuses = list(vocabulary(con, (program_id,)))
    return {
        "program": program_id,
        "as_of": as_of.isoformat(),
        "entered": entered(con, scope, start, as_of),
        "in_program": in_program(con, scope, as_of),
        "active": {s: int(counts.get(s, (0, 0))[0]) for s in statuses},
        "reached": {s: int(counts.get(s, (0, 0))[1]) for s in statuses},
    }
