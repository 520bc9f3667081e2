"""The numbers each dashboard page and report section shows, assembled from metrics/targets.

Pages and reports call these and draw; they compute nothing themselves. Returned values are
plain dicts and DataFrames with language-neutral keys; labels are the caller's business.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from pipelines import dates, metrics, targets
from pipelines.metrics import compare, stats
from pipelines.store.db import quote_ident

TILE_STATUSES = [("active", "coaching"), ("active", "mentoring"), ("reached", "training"), ("active", "employment")]


def summary(con: duckdb.DuckDBPyConnection, program_ids: list[str], as_of: dt.date) -> dict[str, Any]:
    """status_summary of several programs added up (participants belong to one program each).

    Returns the same shape as metrics.status_summary, with "programs" instead of "program".
    """
    total: dict[str, Any] = {"programs": list(program_ids), "as_of": as_of.isoformat(), "entered": 0,
                             "in_program": 0, "active": {}, "reached": {}}
    for program_id in program_ids:
        one = metrics.status_summary(con, program_id, as_of)
        total["entered"] += one["entered"]
        total["in_program"] += one["in_program"]
        for part in ("active", "reached"):
            for status, n in one[part].items():
                total[part][status] = total[part].get(status, 0) + n
    return total


def tiles(total: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline tiles: entered, in program, in coaching/mentoring, started training, employed.

    Coaching or mentoring appear only where the programs use them.
    """
    out = [{"key": "entered", "kind": "entered", "status": None, "value": total["entered"]},
           {"key": "in_program", "kind": "in_program", "status": None, "value": total["in_program"]}]
    for kind, status in TILE_STATUSES:
        if status in ("coaching", "mentoring") and not total["reached"].get(status):
            continue
        out.append({"key": status, "kind": kind, "status": status, "value": total[kind].get(status, 0)})
    return out


def overview(con: duckdb.DuckDBPyConnection, program_ids: list[str], as_of: dt.date) -> dict:
    """Tiles and target cards for the overview page (and the CLI/report use the same numbers)."""
    total = summary(con, program_ids, as_of)
    names = dict(con.execute("select program_id, name from program where program_id in (select unnest(?))",
                             [list(program_ids)]).fetchall())
    cards = []
    for program_id in program_ids:
        for card in targets.evaluate(con, program_id, as_of):
            cards.append({**card, "program": program_id, "program_name": names.get(program_id, program_id)})
    return {"summary": total, "tiles": tiles(total), "targets": cards}


# --------------------------------------------------------------------------- portfolio (start page)

PORTFOLIO_COLUMNS = ["program", "program_name", "funder", "target_id", "label", "headline", "measure", "direction",
                     "state", "achieved", "target", "attainment", "forecast", "probability"]
# "which programs meet their targets?": the ones that need attention first
STATE_ORDER = {"missed": 0, "at_risk": 1, "on_track": 2, "not_started": 3, "met": 4}
PORTFOLIO_SORTS = ("program", "state", "attainment")


def portfolio(cards: list[dict], programs: pd.DataFrame) -> pd.DataFrame:
    """Programs × targets for the start page: one row per target card (`overview(...)["targets"]`),
    the headline target first within its program, and one row without a target for a program
    that has none. `programs`: catalog.programs (id, name, funder); the target's funder wins.
    """
    rows = []
    by_program: dict[str, list[dict]] = {}
    for card in cards:
        by_program.setdefault(card["program"], []).append(card)
    for program in programs.itertuples():
        program_funder = program.funder if isinstance(program.funder, str) else None
        for card in by_program.get(program.program_id, []):
            rows.append({"program": program.program_id, "program_name": program.name,
                         "funder": card.get("funder") or program_funder, "target_id": card["id"],
                         **{k: card.get(k) for k in ("label", "headline", "measure", "direction", "state", "achieved",
                                                     "target", "attainment", "forecast", "probability")}})
        if program.program_id not in by_program:
            rows.append({"program": program.program_id, "program_name": program.name, "funder": program_funder})
    frame = pd.DataFrame(rows, columns=PORTFOLIO_COLUMNS)
    frame["headline"] = frame["headline"].fillna(False).astype(bool)
    return frame


def portfolio_view(frame: pd.DataFrame, funders: list[str] | None = None, states: list[str] | None = None,
                   sort: str = "program") -> pd.DataFrame:
    """The start page's table filtered by funder and state, sorted by program (headline target
    first), by state (missed and at risk first) or by attainment (lowest first)."""
    shown = frame
    if funders:
        shown = shown[shown["funder"].isin(funders)]
    if states:
        shown = shown[shown["state"].isin(states)]
    order = shown.assign(_state=shown["state"].map(STATE_ORDER).fillna(9), _head=~shown["headline"],
                         _name=shown["program_name"].str.casefold())
    keys = {"program": ["_name", "_head", "label"], "state": ["_state", "_name", "_head"],
            "attainment": ["attainment", "_name", "_head"]}[sort if sort in PORTFOLIO_SORTS else "program"]
    return order.sort_values(keys, kind="stable", na_position="last").drop(
        columns=["_state", "_head", "_name"]).reset_index(drop=True)


# --------------------------------------------------------------------------- progress


def target_progress(con: duckdb.DuckDBPyConnection, card: dict, as_of: dt.date) -> dict:
    """One target's chart data: cumulative achieved by month, target line, milestones, forecast band.

    The forecast continues from the achieved value on as_of at the recent monthly rate behind
    the card's forecast (targets.evaluate); the band is the 10th–90th percentile of the arrivals
    when that rate is itself uncertain (Gamma–Poisson from the window's events, as the card's
    probability).
    Only cumulative measures (entered, reached) get a series and a forecast band; the other
    measures show the achieved value on as_of against the target line.
    """
    start, end = dt.date.fromisoformat(card["period_start"]), dt.date.fromisoformat(card["period_end"])
    scope = metrics.Scope((card["program"],), card.get("scope") or {})
    stop = min(as_of, end)
    series = pd.DataFrame(columns=["month_end", "cumulative"])
    if card["measure"] in ("entered", "reached") and stop >= start:
        series = metrics.monthly_series(con, scope, card["measure"], card.get("statuses") or None, start, stop)[
            ["month_end", "cumulative"]]
    target_value = card["target"]
    milestones = card.get("milestones") or []
    line = [{"date": start, "value": 0}]
    line += [{"date": dt.date.fromisoformat(str(m["date"])), "value": m["value"]} for m in milestones]
    line.append({"date": end, "value": target_value})
    band = []
    # forecast = achieved + rate × remaining months (targets.evaluate); spread it over the months
    if card["measure"] in ("entered", "reached") and start <= as_of < end and card.get("forecast") is not None:
        base, gain = card["achieved"], card["forecast"] - card["achieved"]
        span = (end - as_of).days
        window = card.get("forecast_window_months") or 0
        rate = gain / dates.months_between(as_of + dt.timedelta(days=1), end + dt.timedelta(days=1))
        for day in [as_of, *dates.month_ends(as_of + dt.timedelta(days=1), end)]:
            mean = gain * (day - as_of).days / span
            horizon = dates.months_between(as_of + dt.timedelta(days=1), day + dt.timedelta(days=1))
            if window > 0:   # the rate is uncertain: Gamma–Poisson, as the card's probability
                low, high = (stats.gamma_poisson_quantile(q, rate * window, window, horizon) for q in (0.10, 0.90))
            else:
                low, high = stats.poisson_quantile(mean, 0.10), stats.poisson_quantile(mean, 0.90)
            band.append({"date": day, "mid": base + mean, "low": base + low, "high": base + high})
    return {**card, "series": series, "target_line": line,
            "milestones": [{"date": dt.date.fromisoformat(str(m["date"])), "value": m["value"]} for m in milestones],
            "forecast_band": band}


def monthly_activity(con: duckdb.DuckDBPyConnection, program_ids: list[str], as_of: dt.date,
                     outcome_statuses: list[str]) -> pd.DataFrame:
    """New entries and newly started outcomes per calendar month, from the earliest program start.

    Returns:
        DataFrame(month, series, count) with series 'entered' or an outcome status.
    """
    scope = metrics.Scope(tuple(program_ids))
    start = con.execute("select min(entry_date) from participant where program_id in (select unnest(?))",
                        [list(program_ids)]).fetchone()[0]
    if start is None or start > as_of:
        return pd.DataFrame(columns=["month", "series", "count"])
    frames = [metrics.monthly_series(con, scope, "entered", None, start, as_of).assign(series="entered")]
    for status in outcome_statuses:
        frames.append(metrics.monthly_series(con, scope, "reached", status, start, as_of).assign(series=status))
    frame = pd.concat(frames, ignore_index=True)
    return frame.rename(columns={"new": "count"})[["month", "series", "count"]]


def progress(con: duckdb.DuckDBPyConnection, program_ids: list[str], as_of: dt.date,
             cards: list[dict] | None = None) -> dict:
    """Everything the progress page draws (`cards`: the overview's target cards, if already at hand)."""
    if cards is None:
        cards = overview(con, program_ids, as_of)["targets"]
    outcome_statuses = [s for s, c in metrics.vocabulary(con, tuple(program_ids)).items() if c == "outcome"]
    used = {r[0] for r in con.execute(
        "select distinct status from episode where program_id in (select unnest(?))", [list(program_ids)]).fetchall()}
    return {"targets": [target_progress(con, card, as_of) for card in cards],
            "monthly": monthly_activity(con, program_ids, as_of, [s for s in outcome_statuses if s in used])}


# --------------------------------------------------------------------------- comparison

GROUP_FIELDS = ["program", "site", "cohort", "entry_year", "coach_id", "mentor_id", "gender", "age_band",
                "german_level", "qualification_level", "origin_region", "exit_reason"]


TABLE_COLUMNS = ["group", "unit", "n", "reached", "share", "ci_low", "ci_high", "small", "versus", "diff", "diff_low",
                 "diff_high", "p_exact", "reference_small", "adjusted", "adjusted_cover"]


def comparison(con: duckdb.DuckDBPyConnection, program_ids: list[str], status: str, as_of: dt.date,
               by: str | None = None, groups: list[str] | None = None) -> dict:
    """Groups side by side, as `compare.compare` computes them (the CLI shows the same numbers).

    `groups`: typed comparison groups (see `compare.parse_group`); with `by` too, each is split by
    that field (the page asks for one or the other, the CLI allows both).

    Returns:
        {"table": one row per group (TABLE_COLUMNS: counts, share with Wilson interval, small
         flag, the difference to the reference with Newcombe interval and Fisher's p, the share
         adjusted for the participant mix), "curves": group, month, share, band_low, band_high
         (Kaplan–Meier with its 95 % band), "at_risk": group, month, at_risk (the numbers at
         risk at the fixed months), "adjusted_by": the fields the adjustment used (empty: none
         recorded), "versus": "others" | "first" | None (what the differences compare with),
         "groups": compare()'s dicts}.
    """
    rows = compare.compare(con, list(program_ids), status, as_of, by=by, groups=groups or None)
    table = pd.DataFrame([{k: g[k] for k in TABLE_COLUMNS} for g in rows], columns=TABLE_COLUMNS)
    curves = pd.DataFrame(
        [{"group": g["group"], "month": m, "share": s, "band_low": lo, "band_high": hi}
         for g in rows for m, s, lo, hi in zip(g["time_to"]["months"], g["time_to"]["share"],
                                              g["time_to"]["band_low"], g["time_to"]["band_high"])],
        columns=["group", "month", "share", "band_low", "band_high"])
    at_risk = pd.DataFrame(
        [{"group": g["group"], "month": m, "at_risk": n}
         for g in rows for m, n in zip(g["time_to"]["at_risk"]["months"], g["time_to"]["at_risk"]["n"])],
        columns=["group", "month", "at_risk"])
    versus = "others" if by else "first" if groups and len(rows) > 1 else None
    return {"table": table, "curves": curves, "at_risk": at_risk, "groups": rows, "versus": versus,
            "adjusted_by": rows[0]["adjusted_by"] if rows else []}


def filter_values(con: duckdb.DuckDBPyConnection, program_ids: list[str]) -> dict[str, list]:
    """Values present per groupable field, for building comparison groups."""
    out = {}
    for field in ("site", "cohort", "german_level", "gender", "origin_region", "coach_id", "mentor_id"):
        col = quote_ident(field)
        out[field] = [r[0] for r in con.execute(
            f"select distinct {col} from participant where program_id in (select unnest(?)) "
            f"and {col} is not null order by 1", [list(program_ids)]).fetchall()]
    out["entry_year"] = [r[0] for r in con.execute(
        "select distinct year(entry_date) from participant where program_id in (select unnest(?)) order by 1",
        [list(program_ids)]).fetchall()]
    return out


# --------------------------------------------------------------------------- funnel

def funnel_stages(result: dict) -> pd.DataFrame:
    """metrics.funnel's stages as a table: stage, status, n, share."""
    return pd.DataFrame(result["stages"], columns=["stage", "status", "n", "share"])


def exit_reasons(result: dict) -> pd.DataFrame:
    """Exit reasons with counts: reason, n (zero reasons kept: a zero is information)."""
    return pd.DataFrame([{"reason": r, "n": n} for r, n in result["exit_reasons"].items()
                         if n or r != "unknown"], columns=["reason", "n"])


def length_of_stay(result: dict) -> pd.DataFrame:
    """Length of stay in months for those who left and those still in the program."""
    rows = []
    for group in ("left", "ongoing"):
        stats = result["length_of_stay"][group]
        months = lambda days: None if days is None else round(days / 30.4375, 1)  # noqa: E731
        rows.append({"group": group, "n": stats["n"], "median_months": months(stats["median_days"]),
                     "p25_months": months(stats["p25_days"]), "p75_months": months(stats["p75_days"]),
                     "mean_months": months(stats["mean_days"])})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- targets

def target_rows(con: duckdb.DuckDBPyConnection, program_id: str) -> pd.DataFrame:
    """The stored targets of a program (all revisions), as rows of table `target`."""
    return con.execute(
        "select * exclude (load_id) from target where program_id = ? order by target_id, valid_from", [program_id]
    ).df()
