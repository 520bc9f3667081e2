"""Targets on a date: achieved value, expected value, state and forecast (`evaluate`).

- attainment = achieved / target for both directions. For ``at_most`` it is the share of
  the ceiling used: ≤ 1 keeps within it, > 1 exceeds it. None when the target is 0.
- expected at as-of: the straight line from 0 on the day before the period start to the
  target on the period end (days, as-of counted as a whole day), or the piecewise-linear
  line through the milestones; for `share` the target itself (flat; milestones piecewise,
  flat before the first).
- state: before the period start → not_started. at_least: a cumulative count reaching the
  target → met (final); period over (as-of ≥ end) → met / missed; otherwise on_track if
  achieved ≥ expected else at_risk. at_most the other way round: a cumulative count over
  the ceiling → missed (final); period over → met if within; otherwise on_track if
  achieved ≤ expected else at_risk. Levels (active, share) are only final at period end.
- forecast window: the twelve calendar months up to and including the evaluation date
  ``at = min(as-of, period end)`` — ``[(at + 1 day) - 12 months, at]``, e.g. 1 Sep 2019 –
  31 Aug 2020 for as-of 31 Aug 2020 — or from the period start if that is later. Twelve months
  cover one full intake cycle: vocational training in Germany starts mostly in August to
  October, so a shorter window would swing with the season. ``forecast_window_months`` is its length in calendar months
  (fractions for partial months). The recent rate = (value on `at` - value on the day
  before the window) / window months.
- forecast = achieved + rate × months remaining (from the day after `at` to period end).
- needed_per_month: at_least — (target - achieved) / months remaining (0 once reached);
  at_most — the most per month that keeps within the ceiling. None when no time remains.
- probability (cumulative measures only): new events are a Poisson process whose monthly
  rate is itself uncertain — known only from the k events seen in the w window months. The
  rate gets the posterior Gamma(k + 0.5, w) (Jeffreys prior), so the number still to come by
  period end is negative binomial (`stats.gamma_poisson_sf`): wider than Poisson(rate ×
  months remaining), and never "certain" from one window. at_least: P(achieved + N ≥ target);
  at_most: P(achieved + N ≤ target). 1/0 when decided. None before the period start and for
  levels (no arrival process). How well calibrated this is: `targets.backtest`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any, Mapping

import duckdb

from pipelines import dates
from pipelines import metrics
from pipelines.metrics import Scope, counts, stats
from pipelines.targets.spec import CUMULATIVE, plain_number, split_statuses
from pipelines.targets.store import in_force, load_targets

STATES = ("met", "on_track", "at_risk", "missed", "not_started")
FORECAST_WINDOW_MONTHS = 12   # one full yearly intake cycle (see the module docstring)


def _measure_values(con, row: Mapping[str, Any], scope: Scope, days: list[dt.date]) -> list[float | int | None]:
    """The target's measure over [period start, day] (levels: on `day`) for every day of `days`;
    the cumulative measures and `share` read the store once for all days."""
    measure, start = row["measure"], dates.as_date(row["period_start"])
    statuses = split_statuses(row["status"])
    status = statuses[0] if len(statuses) == 1 else statuses   # several: each person counted once
    if measure == "entered":
        return counts.entered_on(con, scope, start, days)
    if measure == "reached":
        return counts.reached_on(con, scope, status, start, days)
    if measure == "active":
        return [metrics.active(con, scope, status, day) for day in days]
    if measure in ("upon_leaving", "six_months_after"):
        column = 1 if measure == "upon_leaving" else 2
        return [counts[column] for counts in counts.leaving_on(con, scope, status, start, days)]
    if measure == "share":
        counted = [day for day in days if day >= start]
        rates = dict(zip(counted, counts.share_reached_on(con, scope, status, start, counted))) if counted else {}
        return [None if day not in rates or rates[day].share is None else 100 * rates[day].share for day in days]
    raise ValueError(f"unknown measure {measure!r}")


def expected_value(row: Mapping[str, Any], as_of: Any) -> float:
    """Where the target's line stands on `as_of` (see the module docstring)."""
    as_of = dates.as_date(as_of)
    start, end = dates.as_date(row["period_start"]), dates.as_date(row["period_end"])
    target = float(row["value"])
    milestones = [(dt.date.fromisoformat(m["date"]), float(m["value"]))
                  for m in json.loads(row.get("milestones_json") or "[]")]
    if row["measure"] == "share":
        points = milestones + ([] if milestones and milestones[-1][0] == end else [(end, target)])
        if as_of <= points[0][0]:
            return points[0][1]
    else:
        points = [(start - dt.timedelta(days=1), 0.0)] + milestones
        if points[-1][0] != end:
            points.append((end, target))
        if as_of <= points[0][0]:
            return 0.0
    if as_of >= points[-1][0]:
        return points[-1][1]
    for (d0, v0), (d1, v1) in zip(points, points[1:]):
        if d0 <= as_of <= d1:
            return v0 + (v1 - v0) * (as_of - d0).days / (d1 - d0).days
    raise AssertionError("unreachable")


def _state(row, achieved, expected, as_of, start, end) -> str:
    if as_of < start:
        return "not_started"
    target = float(row["value"])
    value = 0.0 if achieved is None else float(achieved)
    cumulative = row["measure"] in CUMULATIVE
    over = as_of >= end
    if row["direction"] == "at_least":
        if value >= target and (cumulative or over):
            return "met"
        if over:
            return "missed"
        return "on_track" if value >= expected else "at_risk"
    if value > target and (cumulative or over):
        return "missed"
    if over:
        return "met"
    return "on_track" if value <= expected else "at_risk"


def evaluate_row(con: duckdb.DuckDBPyConnection, row: Mapping[str, Any], as_of: Any) -> dict[str, Any]:
    """Evaluate one target version on `as_of` (see `evaluate`)."""
    as_of = dates.as_date(as_of)
    start, end = dates.as_date(row["period_start"]), dates.as_date(row["period_end"])
    where = json.loads(row.get("scope_json") or "{}")
    scope = Scope((row["program_id"],), where)
    target = float(row["value"])
    at = min(as_of, end)
    # the value on `at` and, for the forecast, on the day before its window: one pass for both
    window_start = max(start, dates.add_months(at + dt.timedelta(days=1), -FORECAST_WINDOW_MONTHS))
    if as_of < start:
        achieved, = _measure_values(con, row, scope, [at])
    else:
        achieved, before = _measure_values(con, row, scope, [at, window_start - dt.timedelta(days=1)])
    expected = expected_value(row, as_of)
    state = _state(row, achieved, expected, as_of, start, end)
    value = 0.0 if achieved is None else float(achieved)
    cumulative = row["measure"] in CUMULATIVE

    forecast = window_months = needed = probability = None
    if as_of < start:
        total = dates.months_between(start, end + dt.timedelta(days=1))
        if row["direction"] == "at_least" and total:
            needed = target / total
    else:
        window_months = dates.months_between(window_start, at + dt.timedelta(days=1))
        if cumulative and before is None:
            before = 0
        remaining = dates.months_between(at + dt.timedelta(days=1), end + dt.timedelta(days=1))
        rate = None
        if achieved is not None and before is not None and window_months > 0:
            rate = (float(achieved) - float(before)) / window_months
        forecast = value + (rate or 0.0) * remaining
        if cumulative:
            forecast = max(forecast, value)
        elif row["measure"] == "share":
            forecast = min(max(forecast, 0.0), 100.0)
        else:
            forecast = max(forecast, 0.0)
        if remaining > 0:
            needed = max(target - value, 0.0) / remaining
        if cumulative:
            events = max((rate or 0.0) * window_months, 0.0)   # new cases seen in the window
            if row["direction"] == "at_least":
                if value >= target:
                    probability = 1.0
                elif remaining == 0 or window_months <= 0:
                    probability = 0.0 if remaining == 0 else None
                else:
                    need = math.ceil(target - value - 1e-9)
                    probability = stats.gamma_poisson_sf(need, events, window_months, remaining)
            else:
                if value > target:
                    probability = 0.0
                elif remaining == 0 or window_months <= 0:
                    probability = 1.0 if remaining == 0 else None
                else:
                    probability = stats.gamma_poisson_cdf(math.floor(target - value + 1e-9), events,
                                                          window_months, remaining)

    return {
        "id": row["target_id"],
        "program": row["program_id"],
        "funder": row.get("funder"),
        "label": row["label"],
        "measure": row["measure"],
        "status": row["status"],
        "statuses": split_statuses(row["status"]),
        "headline": bool(json.loads(row.get("options_json") or "{}").get("headline")),
        "direction": row["direction"],
        "achieved": achieved if achieved is None or row["measure"] == "share" else int(achieved),
        "target": plain_number(target),
        "attainment": (value / target) if target and achieved is not None else None,
        "state": state,
        "expected": expected,
        "forecast": forecast,
        "forecast_window_months": window_months,
        "needed_per_month": needed,
        "probability": probability,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "valid_from": dates.as_date(row["valid_from"]).isoformat(),
        "scope": where,
        "milestones": json.loads(row.get("milestones_json") or "[]"),
    }


def evaluate(con: duckdb.DuckDBPyConnection, program_id: str, as_of: Any) -> list[dict[str, Any]]:
    """Every target of a program on `as_of`, in the version in force on that day.

    Returns:
        One JSON-serialisable dict per target (the headline target first, then by id): id,
        program, funder, label, measure, status (as stored, "training; employment"), statuses
        (the list), headline, direction, achieved, target, attainment, state
        (met | on_track | at_risk | missed | not_started; words: text `state.*`),
        expected, forecast, forecast_window_months, needed_per_month, probability,
        period_start, period_end, valid_from (ISO dates), scope (the where table),
        milestones. Rules: see the module docstring.
    """
    rows = in_force(load_targets(con, program_id), as_of)
    cards = [evaluate_row(con, row, as_of) for row in rows]
    return sorted(cards, key=lambda card: not card["headline"])   # the headline target first, then by id
