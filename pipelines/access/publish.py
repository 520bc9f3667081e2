"""Publication-safe figures for the ministry role, everywhere it looks (tiles, tables, charts, downloads).

The rule is the report's (`pipelines.report.suppression`): counts of 1 and 2 (below `THRESHOLD`)
are hidden, zero stays visible, and no share is computed from a hidden count. Figures shown side
by side without a total (tiles, a status table) need the primary rule only; figures tied by sums
get secondary suppression through `suppression.suppress_cells`, with the sums a reader can form:

- a cumulative series (target progress): each month's value = the month before + that month's new
  cases, so the new cases are cells too (a step of 1 between two shown months is a count of 1);
- monthly counts (entries, outcomes per month): their sum is the total the overview shows;
- a comparison by one attribute: the groups' n and reached add up to the totals (the tiles);
- the funnel: the exit reasons add up to those who left, who with those still in the program
  make up those who entered.

A total is always assumed known (it is shown on another page), so the protection does not rest on
hiding it. Hidden values come back as None, and every share, interval, forecast or statistic
computed from them is None too; the edges show `SUPPRESSED` ("*"). Participant-level rows
(`rows`) are empty for anyone who may not export them. For any other role the figures pass
unchanged. Known limits: a time-to-outcome curve of a group that is shown keeps its steps (as in
the report, which publishes no curves), and pages are protected each on their own, with the
totals they share.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence

import duckdb
import pandas as pd

from pipelines import dates, metrics
from pipelines.access.policy import Person, is_admin, may_export_rows, publication_only
from pipelines.report import suppression
from pipelines.report.suppression import Relation

THRESHOLD = 3
SUPPRESSED = suppression.SUPPRESSED


def counts(person: Person, values: Mapping[Hashable, int | None]) -> dict[Hashable, int | None]:
    """`values` as `person` may see them: for the ministry, small counts (1, 2) become None."""
    if not publication_only(person):
        return dict(values)
    present = {k: int(v) for k, v in values.items() if v is not None}
    hidden = suppression.primary_cells(present, THRESHOLD)
    return {k: (None if k in hidden else v) for k, v in values.items()}


def summary(person: Person, total: dict) -> dict:
    """A status summary (`metrics.status_summary` / `panels.summary` shape) as `person` may see it."""
    if not publication_only(person):
        return total
    flat = {("entered",): total["entered"], ("in_program",): total["in_program"],
            **{("active", s): n for s, n in total["active"].items()},
            **{("reached", s): n for s, n in total["reached"].items()}}
    shown = counts(person, flat)
    return {**total, "entered": shown[("entered",)], "in_program": shown[("in_program",)],
            "active": {s: shown[("active", s)] for s in total["active"]},
            "reached": {s: shown[("reached", s)] for s in total["reached"]}}


def tiles(person: Person, tiles: Sequence[dict]) -> list[dict]:
    """Headline tiles (`panels.tiles`) with their small values None for the ministry."""
    shown = counts(person, {i: t["value"] for i, t in enumerate(tiles)})
    return [{**t, "value": shown[i]} for i, t in enumerate(tiles)]


def frame(person: Person, table: pd.DataFrame, count_columns: Sequence[str],
          share_columns: Mapping[str, Sequence[str]] = ()) -> pd.DataFrame:
    """A table of counts as `person` may see it: for the ministry each small count is None, and each
    share column is None wherever one of the counts it is computed from is hidden.

    Args:
        count_columns: the columns holding counts.
        share_columns: share column -> the count columns it is computed from.
    """
    if not publication_only(person) or table.empty:
        return table
    out = table.copy()
    hidden_by: dict[str, pd.Series] = {}
    for column in count_columns:
        values = pd.to_numeric(out[column], errors="coerce")
        hidden = (values > 0) & (values < THRESHOLD)
        hidden_by[column] = hidden
        out[column] = values.astype("object").where(~hidden, None)
    for share, sources in dict(share_columns).items():
        blocked = pd.Series(False, index=out.index)
        for source in sources:
            blocked |= hidden_by.get(source, pd.Series(False, index=out.index))
        out[share] = out[share].astype("object").where(~blocked, None)
    return out


# --------------------------------------------------------------------------- secondary suppression

def _count(value) -> int | None:
    """A count as a whole number, or None (missing, NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def hidden(values: Mapping[Hashable, int | None], relations: Sequence[Relation] = ()) -> frozenset:
    """The cells to hide: primary (1 … THRESHOLD-1) and secondary, so that no hidden cell can be worked
    out from the `relations` (total = sum of parts) and the cells shown. Relations that do not hold
    exactly, or name a missing value, are left out (a reader cannot use them either)."""
    present = {k: v for k, v in ((k, _count(v)) for k, v in values.items()) if v is not None}
    usable = [r for r in relations
              if all(c in present for c in r.cells) and present[r.total] == sum(present[p] for p in r.parts)]
    return suppression.suppress_cells(present, usable, THRESHOLD).suppressed


def _series_cells(cumulative: Sequence) -> tuple[dict, list[Relation]]:
    """A cumulative series as cells ("cum", i) and ("new", i) with cum[i] = cum[i-1] + new[i]."""
    values, relations = {}, []
    previous = None
    for i, value in enumerate(cumulative):
        value = _count(value)
        values[("cum", i)] = value
        if i and previous is not None and value is not None:
            values[("new", i)] = value - previous
            relations.append(Relation(("cum", i), (("cum", i - 1), ("new", i))))
        previous = value
    return values, relations


def series(person: Person, cumulative: Sequence) -> list[int | None]:
    """A cumulative count series (monthly) as `person` may see it: for the ministry each value that is
    small, or from which a small monthly step could be worked out, is None."""
    values = [_count(v) for v in cumulative]
    if not publication_only(person):
        return values
    cells, relations = _series_cells(values)
    hide = hidden(cells, relations)
    return [None if ("cum", i) in hide else v for i, v in enumerate(values)]


def card(person: Person, card: dict, achieved_hidden: bool | None = None) -> dict:
    """A target card (`targets.evaluate`) as `person` may see it. For the ministry a hidden achieved
    count (small, or `achieved_hidden`) takes attainment, forecast, the monthly rate still needed and
    the probability with it — and the state (met, on track …), which would tell where the hidden
    count lies, as the report hides it; the card says so (`suppressed`: True — the edges show
    `SUPPRESSED` where these values stand); the target and its line stay."""
    if not publication_only(person) or card["achieved"] is None:
        return card
    if achieved_hidden is None:
        achieved_hidden = card["measure"] != "share" and 0 < card["achieved"] < THRESHOLD
    if not achieved_hidden:
        return card
    return {**card, "achieved": None, "attainment": None, "forecast": None, "needed_per_month": None,
            "probability": None, "state": None, "suppressed": True}


def overview(person: Person, result: dict, share_counts: Mapping[tuple[str, str], tuple[int, int]] = {}) -> dict:
    """`panels.overview` as `person` may see it: tiles (primary rule) and target cards.

    Args:
        share_counts: for share targets, (program, target id) -> (reached, of whom): the share is
            hidden when either count is.
    """
    if not publication_only(person):
        return result
    cards = []
    for one in result["targets"]:
        counts_behind = share_counts.get((one["program"], one["id"]))
        small = counts_behind is not None and any(0 < c < THRESHOLD for c in counts_behind)
        cards.append(card(person, one, achieved_hidden=small if one["measure"] == "share" else None))
    return {**result, "summary": summary(person, result["summary"]), "tiles": tiles(person, result["tiles"]),
            "targets": cards}


def share_counts(con: duckdb.DuckDBPyConnection, person: Person, cards: Sequence[dict], as_of
                 ) -> dict[tuple[str, str], tuple[int, int]]:
    """For the ministry: the counts behind each share target's value — (reached, of whom), as
    `targets.evaluate` measures it (`metrics.share_reached` over the period up to `as_of`)."""
    if not publication_only(person):
        return {}
    out = {}
    for one in cards:
        if one["measure"] != "share" or one["achieved"] is None:
            continue
        start, end = dates.as_date(one["period_start"]), dates.as_date(one["period_end"])
        statuses = one["statuses"]
        rate = metrics.share_reached(con, metrics.Scope((one["program"],), one.get("scope") or {}),
                                     statuses[0] if len(statuses) == 1 else statuses, start,
                                     min(dates.as_date(as_of), end))
        out[(one["program"], one["id"])] = (rate.k, rate.n)
    return out


def progress(person: Person, result: dict, cards: Sequence[dict] = ()) -> dict:
    """`panels.progress` as `person` may see it: each target's cumulative series with its monthly steps
    protected (the card's achieved value is the series' last one: hidden with it, and the forecast band
    that starts there), and the monthly counts with their totals.

    Args:
        cards: the overview's cards as `person` sees them (`overview`): a value hidden there is hidden here.
    """
    if not publication_only(person):
        return result
    hidden_there = {(c["program"], c["id"]) for c in cards if c["achieved"] is None}
    out = []
    for target in result["targets"]:
        frame = target["series"]
        shown = series(person, list(frame["cumulative"])) if len(frame) else []
        last_hidden = (bool(shown) and shown[-1] is None and target["measure"] in ("entered", "reached")) or (
            (target["program"], target["id"]) in hidden_there)
        one = card(person, target, achieved_hidden=True if last_hidden else None)
        if len(frame):
            one["series"] = frame.assign(cumulative=pd.Series(shown, index=frame.index, dtype="object"))
        if one["achieved"] is None:
            one["forecast_band"] = []
        out.append(one)
    return {**result, "targets": out, "monthly": monthly(person, result["monthly"])}


def monthly(person: Person, frame: pd.DataFrame, value: str = "count") -> pd.DataFrame:
    """Monthly counts (month, series, count) as `person` may see them: per series the months add up to
    a total that is assumed known, so one hidden month gets a hidden neighbour."""
    if not publication_only(person) or frame.empty:
        return frame
    values: dict = {}
    relations = []
    for name, rows in frame.groupby("series", sort=False):
        parts = tuple(("m", name, i) for i in rows.index)
        values.update({("m", name, i): v for i, v in zip(rows.index, rows[value])})
        values[("total", name)] = sum(_count(v) or 0 for v in rows[value])
        relations.append(Relation(("total", name), parts))
    hide = hidden(values, relations)
    out = frame.copy()
    shown = [None if ("m", s, i) in hide else v for i, s, v in zip(out.index, out["series"], out[value])]
    out[value] = pd.Series(shown, index=out.index, dtype="object")
    return out


# what goes with a group's hidden count, and what goes with a hidden reference
_FROM_COUNTS = ("share", "ci_low", "ci_high", "small", "diff", "diff_low", "diff_high", "p_exact", "adjusted",
                "adjusted_cover")
_FROM_REFERENCE = ("diff", "diff_low", "diff_high", "p_exact", "reference_small")


def comparison(person: Person, result: dict, partition: bool) -> dict:
    """`panels.comparison` as `person` may see it. For the ministry:

    - n and reached of each group: primary rule, and secondary suppression over the groups when
      they split everyone (`partition`, a comparison by one attribute: their sums are the totals);
    - a group with a hidden n or reached keeps nothing computed from it: share, interval, the
      small flag (n < 5 would narrow a hidden n down), difference, p, adjusted share, curve, band
      and numbers at risk;
    - the difference of a shown group needs its reference's counts too. Against "others" in a
      comparison by one attribute they are the known total less the group's own, so nothing more
      is revealed; against the others within a typed group, or against the first group, the
      difference, its p and the reference's small flag are withheld when a count of the reference is;
    - the adjusted share is standardised to all groups together, hidden ones included: it is
      withheld for every group when any group's count is hidden; its cover (a ratio of stratum
      counts) is never published;
    - numbers at risk of 1 and 2 are hidden (primary rule; like the curve's steps, the only
      protection a curve gets — see the module docstring).

    Hidden values are None; ``result["hidden"]`` lists them — {"table": [(index, column)],
    "at_risk": [(index, "at_risk")]} — for `marked`, which writes `SUPPRESSED` into them, and
    each group dict names its hidden keys in "hidden" (the CLI prints `*` for them).
    """
    if not publication_only(person):
        return result
    table = result["table"]
    values: dict = {}
    relations = []
    for column in ("n", "reached"):
        values.update({(column, i): v for i, v in zip(table.index, table[column])})
        if partition and len(table) > 1:
            values[(column, "total")] = sum(_count(v) or 0 for v in table[column])
            relations.append(Relation((column, "total"), tuple((column, i) for i in table.index)))
    hide = hidden(values, relations)
    gone = {i: ("n", i) in hide or ("reached", i) in hide for i in table.index}
    versus = table["versus"] if "versus" in table else pd.Series(None, index=table.index)
    units = table["unit"] if "unit" in table else pd.Series(0, index=table.index)
    first = table.index[0] if len(table) else None

    def reference_gone(i) -> bool:
        if versus[i] is None or (isinstance(versus[i], float) and math.isnan(versus[i])):
            return False
        if versus[i] == "others":
            return not partition and any(gone[j] for j in table.index if j != i and units[j] == units[i])
        return gone[first]

    out = table.copy().astype("object")
    cells: list[tuple] = []
    # the adjusted share weighs the group's strata by all groups together (hidden ones too), and its
    # cover is a ratio of stratum counts: the cover is never published, the share only when no count is hidden
    mix = [c for c in ("adjusted", "adjusted_cover") if c in out]
    mix_hidden = mix if any(gone.values()) else mix[1:]
    for i in table.index:
        columns = [c for c in ("n", "reached") if (c, i) in hide]
        if gone[i]:
            columns += [c for c in _FROM_COUNTS if c in out]
        elif reference_gone(i):
            columns += [c for c in _FROM_REFERENCE if c in out]
        columns += mix_hidden
        for column in dict.fromkeys(columns):
            out.at[i, column] = None
            cells.append((i, column))
    gone_groups = {g for g, i in zip(table["group"], table.index) if gone[i]}
    curves = result["curves"]
    curves = curves[~curves["group"].isin(gone_groups)].reset_index(drop=True)
    at_risk = result.get("at_risk")
    risk_cells: list[tuple] = []
    if at_risk is not None:
        at_risk = at_risk[~at_risk["group"].isin(gone_groups)].reset_index(drop=True).astype({"at_risk": "object"})
        for i, n in zip(at_risk.index, at_risk["at_risk"]):
            if 0 < n < THRESHOLD:
                at_risk.at[i, "at_risk"] = None
                risk_cells.append((i, "at_risk"))
    groups = []
    for i, g in zip(table.index, result["groups"]):
        names = [c for (j, c) in cells if j == i]
        one = {**g, **{c: out.at[i, c] for c in names}, "hidden": names}
        if gone[i]:
            one["time_to"] = None
        elif g.get("time_to") and g["time_to"].get("at_risk"):
            risk = g["time_to"]["at_risk"]
            shown = [None if 0 < n < THRESHOLD else n for n in risk["n"]]
            one["time_to"] = {**g["time_to"], "at_risk": {**risk, "n": shown}}
            if shown != risk["n"]:
                one["hidden"] = names + ["at_risk"]
        groups.append(one)
    return {**result, "table": out, "curves": curves, "at_risk": at_risk, "groups": groups,
            "hidden": {"table": cells, "at_risk": risk_cells}}


def marked(frame: pd.DataFrame, cells: Sequence[tuple]) -> pd.DataFrame:
    """`frame` with `SUPPRESSED` ("*") in the hidden `cells` ((index, column)), for the page and its
    CSV: a hidden value reads `*`, never a dash or a blank (those mean "nothing to show")."""
    if not cells:
        return frame
    out = frame.astype("object")
    for i, column in cells:
        out.at[i, column] = SUPPRESSED
    return out


def funnel(person: Person, result: dict) -> dict:
    """`metrics.funnel` as `person` may see it: stage counts, outcomes, exit reasons (which add up to
    those who left) and length-of-stay groups (left + still in = entered), no share or statistic from
    a hidden count."""
    if not publication_only(person):
        return result
    stay = result["length_of_stay"]
    values = {("stage", s["stage"], s["status"]): s["n"] for s in result["stages"]}
    values.update({("exit", r): n for r, n in result["exit_reasons"].items()})
    values.update({("left",): result["left"], ("stay", "ongoing"): stay["ongoing"]["n"]})
    relations = [Relation(("left",), tuple(("exit", r) for r in result["exit_reasons"])),
                 Relation(("stage", "entered", None), (("left",), ("stay", "ongoing")))]
    hide = hidden(values, relations)
    entered_hidden = ("stage", "entered", None) in hide
    stages = []
    for s in result["stages"]:
        gone = ("stage", s["stage"], s["status"]) in hide
        stages.append({**s, "n": None if gone else s["n"], "share": None if gone or entered_hidden else s["share"]})
    out = {**result, "stages": stages,
           "exit_reasons": {r: None if ("exit", r) in hide else n for r, n in result["exit_reasons"].items()},
           "left": None if ("left",) in hide else result["left"]}
    for key, name in (("entered", "entered"), ("supported", "supported"), ("reached_any", "reached_any")):
        if ("stage", name, None) in hide:
            out[key] = None
    out["reached"] = {s: None if ("stage", "reached", s) in hide else n for s, n in result["reached"].items()}
    out["in_program"] = counts(person, {"x": result["in_program"]})["x"]
    left_n = stay["left"]["n"]
    gone_left = ("left",) in hide if left_n == result["left"] else 0 < left_n < THRESHOLD
    out["length_of_stay"] = {
        "left": {k: None for k in stay["left"]} if gone_left else stay["left"],
        "ongoing": {k: None for k in stay["ongoing"]} if ("stay", "ongoing") in hide else stay["ongoing"]}
    return out


def rows(person: Person, frame: pd.DataFrame, program_column: str = "program_id") -> pd.DataFrame:
    """Participant-level or file-level rows (episode problems, load history) only for those who may
    export the rows of the program (admins, the program's leads); empty (same columns) for others."""
    if frame.empty or is_admin(person):
        return frame
    keep = [isinstance(p, str) and may_export_rows(person, p) for p in frame[program_column]]
    return frame[keep].reset_index(drop=True)
