"""How honest are the forecasts? Predict each series' last year from the year before and count.

The target forecast (`evaluate`) sees the events of one twelve-month window and asks how many
will come in the months left. The backtest does the same on data whose future is known:

- demo programs: for every program and every count a target can name (entered; reached for
  each outcome status) the 12 months before the last 12 months of its data are "seen", the
  last 12 months are predicted;
- ESF/YEI reference data (table indicator_value): for every indicator series the additions of
  the year before its last reported year are seen, the last year's are predicted.

For each series both models — Poisson at the seen rate and Gamma–Poisson (the rate uncertain,
`stats.gamma_poisson_sf`) — give an 80 % interval (10th to 90th percentile); `coverage` is the
share of series whose actual count lies inside (80 % when calibrated). `pace` asks the target
question "at least as many again as last year?": the mean predicted probability beside the
share for which it came true. Series with a negative addition (a correction) are left out and
counted. Returns numbers only; the report words them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from pipelines import dates
from pipelines import metrics
from pipelines.metrics import Scope, stats
from pipelines.store import catalog, db

LEVEL = (0.10, 0.90)   # the predictive interval checked: 10th to 90th percentile

# What `backtest` measured on the demo store (four demo programs, ESF/YEI reference data as of
# October 2022); the report's method section quotes it, tests/targets/test_backtest.py re-measures it.
MEASURED = {
    "demo_series": 14, "demo_poisson": 1 / 14, "demo_gamma_poisson": 7 / 14,
    "esf_series": 2369, "esf_poisson": 0.1688, "esf_gamma_poisson": 0.2305, "esf_below": 0.6745,
}


def _score(pairs: list[tuple[int, int]], months: float = 12.0, horizon: float = 12.0) -> dict[str, Any]:
    """Coverage of both models' 80 % intervals and the calibration of P(N >= seen) over (seen, actual) pairs."""
    usable = [(s, a) for s, a in pairs if s >= 0 and a >= 0]
    result: dict[str, Any] = {"series": len(usable), "left_out": len(pairs) - len(usable)}
    if not usable:
        return {**result, "coverage": {"poisson": None, "gamma_poisson": None},
                "below": {"poisson": None, "gamma_poisson": None},
                "pace": {"predicted": None, "observed": None}}
    hits = {"poisson": 0, "gamma_poisson": 0}
    below = {"poisson": 0, "gamma_poisson": 0}
    predicted = observed = 0.0
    for seen, actual in usable:
        lam = seen / months * horizon
        bounds = {
            "poisson": (stats.poisson_quantile(lam, LEVEL[0]), stats.poisson_quantile(lam, LEVEL[1])),
            "gamma_poisson": (stats.gamma_poisson_quantile(LEVEL[0], seen, months, horizon),
                              stats.gamma_poisson_quantile(LEVEL[1], seen, months, horizon)),
        }
        for model, (low, high) in bounds.items():
            hits[model] += low <= actual <= high
            below[model] += actual < low
        predicted += stats.gamma_poisson_sf(seen, seen, months, horizon)
        observed += actual >= seen
    n = len(usable)
    return {**result,
            "coverage": {m: hits[m] / n for m in hits},
            "below": {m: below[m] / n for m in below},
            "pace": {"predicted": predicted / n, "observed": observed / n}}


def demo_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """(seen, actual) per demo program and count: the 12 months before the last 12 months, and those."""
    pairs = []
    programs = [row[0] for row in con.execute("select program_id from program order by program_id").fetchall()]
    for program in programs:
        last = catalog.data_date(con, [program])
        if last is None:
            continue
        cut = dates.add_months(last, -12)           # seen: (cut - 12 months, cut]; predicted: (cut, last]
        first = dates.add_months(cut, -12) + dt.timedelta(days=1)
        scope = Scope((program,))
        pairs.append((metrics.entered(con, scope, first, cut),
                      metrics.entered(con, scope, cut + dt.timedelta(days=1), last)))
        outcomes = [s for s, c in metrics.vocabulary(con, (program,)).items() if c == "outcome"]
        for status in outcomes:
            seen = metrics.reached(con, scope, status, first, cut)
            actual = metrics.reached(con, scope, status, cut + dt.timedelta(days=1), last)
            if seen or actual:
                pairs.append((seen, actual))
    return pairs


def indicator_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """(seen, actual) per ESF/YEI indicator series: the additions of its last year but one, and of its last."""
    rows = db.run(con, db.sql("backtest_indicator_years"), {}).fetchall()
    return [(round(seen), round(actual)) for *_, seen, actual in rows if seen or actual]


def backtest(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Both backtests on the store's data.

    Returns:
        {"demo": score, "indicators": score} where score = {"series", "left_out",
        "coverage": {"poisson", "gamma_poisson"} (share inside the 80 % interval),
        "below": {...} (share under it), "pace": {"predicted", "observed"}}; None where no series.
    """
    return {"demo": _score(demo_pairs(con)), "indicators": _score(indicator_pairs(con))}
