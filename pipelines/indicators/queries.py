"""Questions about stored indicator values: tables at breakdown or programme level, the target
history, the programme overview and implausible targets. Numbers and codes only.

Values are cumulative to the end of the year (or to the Stichtag): years are never added.
A programme's indicator may be split by breakdowns (priority axis, investment priority,
region category, gender …); at programme level counts are summed across breakdowns,
ratios are not (see `indicator_table`).
"""

from __future__ import annotations

import json
import math

import duckdb
import pandas as pd

from pipelines.indicators.read import breakdown_to_json
from pipelines.store import db

# --------------------------------------------------------------------------- semantic rules

#: Units whose values are counts: these may be summed across breakdowns (compared lower-case).
COUNT_UNITS = (
    "number", "anzahl", "zahl", "count", "persons", "personen", "participants", "teilnehmende",
    "teilnehmer", "teilnehmerinnen", "entities", "projects", "projekte", "unternehmen",
    "enterprises", "stück", "stueck",
)
#: Units whose values are ratios: never summed, compared only breakdown by breakdown.
PERCENT_UNITS = (
    "%", "percent", "percentage", "prozent", "ratio", "rate", "quote", "anteil", "share",
)
#: A result target at most this large (or a fractional one) beside a count unit looks like a percentage.
PERCENT_LIKE_MAX = 100.0
#: Achieved above this multiple of the target is flagged as implausible (target too low or wrong unit).
FAR_ABOVE_FACTOR = 3.0

#: Flags, most important first (a row carries the first that applies).
FLAGS = (
    "target_looks_like_percentage", "incomplete_achievement", "no_achievement_yet",
    "partial_target", "no_target", "target_zero", "achieved_far_above_target", "not_summable",
)  # labels: pipelines.text.indicators.flag_label
#: Flags that point at a doubtful target (listed by `implausible_targets`).
IMPLAUSIBLE_FLAGS = ("target_looks_like_percentage", "achieved_far_above_target", "target_zero")


# --------------------------------------------------------------------------- queries

def _number(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def indicator_table(
    con: duckdb.DuckDBPyConnection,
    programme: str | None = None,
    indicator: str | None = None,
    year: int | None = None,
    fund: str | None = None,
    indicator_type: str | None = None,
    region_category: str | None = None,
    level: str = "breakdown",
    *,
    breakdown: dict | None = None,
    until_year: int | None = None,
) -> list[dict]:
    """Indicator values with target, attainment and a plausibility flag.

    Values are cumulative to the end of `year`; years are never added together.

    At level="programme" the breakdowns of a programme's indicator are summed, but only where
    that is meaningful: every breakdown's unit is a count (COUNT_UNITS, e.g. "Number"). A sum's
    target is the sum of the breakdown targets only when every breakdown the indicator has (in
    any year) carries a target that year; otherwise target is None with flag "partial_target".
    A breakdown row missing in a year (not reported yet) adds nothing to the achieved sum; a row
    present without an achievement makes the sum None ("incomplete_achievement"). If a row
    without breakdown ("{}") exists it is the programme total and is used as is. An indicator
    with a single breakdown is its own programme level and keeps that breakdown. Ratios and
    unknown units come back per breakdown with flag "not_summable".

    Args:
        programme, indicator, year, fund, indicator_type: filters (None = all).
        region_category: only breakdowns of this region category (summed to programme level
            within it: a sum's breakdown is then {"region_category": …} instead of {}).
        level: "breakdown" or "programme".
        breakdown: only this exact breakdown (level="breakdown").
        until_year: only the years up to this one.

    Returns:
        [{"programme", "title", "fund", "indicator", "indicator_type", "indicator_name",
          "breakdown": {...}, "year", "target", "achieved", "attainment", "flag", "unit"}, ...]
        sorted by programme, fund, indicator_type, indicator, breakdown, year. attainment is
        achieved / target (None without a usable target); flag is None or a code of FLAGS.
    """
    if level not in ("breakdown", "programme"):
        raise ValueError("level must be 'breakdown' or 'programme'")
    params = {
        "programme": programme, "indicator": indicator,
        "year": None if year is None else int(year), "fund": fund,
        "until_year": None if until_year is None else int(until_year),
        "indicator_type": indicator_type, "region_category": region_category,
        "breakdown_json": None if breakdown is None else breakdown_to_json(breakdown),
        "level": level, "count_units": list(COUNT_UNITS), "percent_units": list(PERCENT_UNITS),
        "percent_like_max": PERCENT_LIKE_MAX, "far_above": FAR_ABOVE_FACTOR,
    }
    cursor = db.run(con, db.sql("indicators_table"), params)
    names = [d[0] for d in cursor.description]
    parsed: dict[str, dict] = {}
    result = []
    for record in cursor.fetchall():
        row = dict(zip(names, record))
        bj = row.pop("breakdown_json")
        if bj not in parsed:
            parsed[bj] = json.loads(bj)
        result.append({
            "programme": row["programme"], "title": row["title"], "fund": row["fund"],
            "indicator": row["indicator_code"], "indicator_type": row["indicator_type"],
            "indicator_name": row["indicator_name"], "breakdown": dict(parsed[bj]),
            "year": row["year"], "target": _number(row["target"]),
            "achieved": _number(row["achieved"]), "attainment": _number(row["attainment"]),
            "flag": row["flag"], "unit": row["unit"],
        })
    return result


def target_history(
    con: duckdb.DuckDBPyConnection,
    programme: str,
    fund: str,
    indicator_type: str,
    indicator: str,
    breakdown: dict | None = None,
) -> list[dict]:
    """The target in force each year, with revisions marked.

    Args:
        breakdown: one breakdown (e.g. {"priority": "A", "investment_priority": "8i",
            "region_category": "More developed"}); None = programme level (see indicator_table).

    Returns:
        [{"year", "target", "achieved", "revised"}, ...] by year; revised is True when the
        target differs from the previous year's (a target appearing or disappearing counts).

    Raises:
        ValueError: breakdown=None for an indicator that cannot be summed (several breakdowns
            per year at programme level): pass a breakdown.
    """
    rows = indicator_table(
        con, programme=programme, indicator=indicator, fund=fund, indicator_type=indicator_type,
        level="breakdown" if breakdown is not None else "programme", breakdown=breakdown,
    )
    years = [r["year"] for r in rows]
    if len(years) != len(set(years)):
        raise ValueError(
            f"{programme} {fund} {indicator_type} {indicator} cannot be summed to programme level; "
            "pass a breakdown"
        )
    history = []
    previous = None
    for i, r in enumerate(rows):
        revised = i > 0 and not _same(previous, r["target"])
        history.append({"year": r["year"], "target": r["target"], "achieved": r["achieved"],
                        "revised": revised})
        previous = r["target"]
    return history


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def indicator_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The reporting years of the stored indicator values, ascending (the ESF page's year filter)."""
    return [int(r[0]) for r in db.run(con, "select distinct year from indicator_value where year is not null "
                                           "order by year").fetchall()]


OVERVIEW_COLUMNS = [
    "programme", "title", "fund", "indicator_type", "indicator", "indicator_name", "unit", "year",
    "achieved", "target", "attainment", "flag",
]


def programme_overview(
    con: duckdb.DuckDBPyConnection,
    year: int | None = None,
    *,
    fund: str | None = None,
    indicator_type: str | None = None,
    indicator: str | None = None,
) -> pd.DataFrame:
    """One row per programme × indicator at programme level, for the ministry page.

    Each row holds the latest year (up to `year`, if given) that has an achievement, or the
    latest year at all when there is none yet, with that year's target in force. Indicators
    that cannot be summed (several ratio breakdowns) get one row with achieved/target None and
    flag "not_summable": see indicator_table(level="breakdown") for their breakdowns.

    Args:
        year: the latest year considered (None = all).
        fund, indicator_type, indicator: filters (None = all).

    Returns:
        DataFrame with OVERVIEW_COLUMNS, sorted by programme, fund, indicator_type, indicator.
    """
    rows = pd.DataFrame(indicator_table(con, level="programme", fund=fund, indicator_type=indicator_type,
                                        indicator=indicator, until_year=year))
    if rows.empty:
        return pd.DataFrame(columns=OVERVIEW_COLUMNS)
    series = ["programme", "fund", "indicator_type", "indicator"]
    rows = rows.assign(_has=rows["achieved"].notna(), _bd=rows["breakdown"].map(breakdown_to_json))
    # several breakdowns left at programme level = not summable: collapse to one row
    per_year = rows.groupby(series + ["year"], sort=False)["_bd"].transform("size")
    split = rows[per_year > 1].drop_duplicates(series + ["year"]).assign(
        achieved=None, target=None, attainment=None, flag="not_summable")
    rows = pd.concat([rows[per_year == 1], split]) if not split.empty else rows
    rows = rows.sort_values(series + ["_has", "year"])
    latest = rows.groupby(series, sort=False).tail(1)
    out = latest.sort_values(series)[OVERVIEW_COLUMNS].reset_index(drop=True)
    for c in ("achieved", "target", "attainment"):
        out[c] = out[c].astype("float64")
    out["year"] = out["year"].astype("int64")
    return out


IMPLAUSIBLE_COLUMNS = [
    "programme", "title", "fund", "indicator_type", "indicator", "indicator_name", "breakdown",
    "first_year", "last_year", "target", "achieved", "attainment", "unit", "flag",
]


def implausible_targets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Breakdown rows whose target looks wrong, one line per indicator × breakdown × flag.

    Flags listed: IMPLAUSIBLE_FLAGS (a result target ≤ PERCENT_LIKE_MAX beside a count unit,
    achieved above FAR_ABOVE_FACTOR × target, a target of 0). first_year/last_year span the
    flagged years; target/achieved/attainment are those of the last flagged year with an
    achievement (else of the last flagged year); `pipelines.text.indicators.implausible_reason`
    says why.
    """
    rows = pd.DataFrame(indicator_table(con, level="breakdown"))
    if rows.empty:
        return pd.DataFrame(columns=IMPLAUSIBLE_COLUMNS)
    rows = rows[rows["flag"].isin(IMPLAUSIBLE_FLAGS)]
    if rows.empty:
        return pd.DataFrame(columns=IMPLAUSIBLE_COLUMNS)
    rows = rows.assign(_bd=rows["breakdown"].map(breakdown_to_json), _has=rows["achieved"].notna())
    key = ["programme", "fund", "indicator_type", "indicator", "_bd", "flag"]
    first = rows.groupby(key, sort=False)["year"].transform("min")
    final = rows.groupby(key, sort=False)["year"].transform("max")
    # the figures shown: the last flagged year that has an achievement (else the last one)
    last = rows.sort_values(["_has", "year"]).groupby(key, sort=False).tail(1)
    last = last.assign(first_year=first[last.index], last_year=final[last.index])
    out = last.sort_values(["programme", "fund", "indicator_type", "indicator", "_bd", "flag"])
    return out[IMPLAUSIBLE_COLUMNS].reset_index(drop=True)
