"""Publication-safe figures for the ministry role, everywhere it looks (tiles, tables, charts, downloads).

The rule is the report's (`pipelines.report.suppression`): counts of 1 and 2 (below `THRESHOLD`)
are hidden, zero stays visible, no share is computed from a hidden count — and a count from which a
hidden one could be worked out is hidden too, judged with every figure of every page and the report
at once. That decision is taken once per (programs, as-of date) in `pipelines.access.publication`
(`publication.build`); each function here reads its hidden cells from that one `Publication` and
applies them to what a page, a download or the CLI shows. Hidden values come back as None, and every
share, interval, forecast or statistic computed from them is None too; the edges show `SUPPRESSED`
("*"). Participant-level rows (`rows`) are empty for anyone who may not export them. For any other
role the figures pass unchanged (no publication needed).

Views the publication does not hold are refused for the ministry (`AccessError("access.ministry_view")`):
typed comparison groups, statuses outside the comparison's outcome and support statuses; a comparison
for the ministry carries no time-to-outcome curves or numbers at risk (their steps reveal small counts).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from pipelines.access.policy import AccessError, Person, is_admin, may_export_rows, publication_only
from pipelines.access.publication import (THRESHOLD, Publication, funnel_cell, group_cell, group_field,
                                          monthly_cell, quality_cell, series_cells, summary_cell)
from pipelines.report import suppression

SUPPRESSED = suppression.SUPPRESSED
__all__ = ["THRESHOLD", "SUPPRESSED", "summary", "tiles", "overview", "card", "progress", "monthly", "comparison",
           "funnel", "quality", "marked", "rows"]


def _held(person: Person, publication: Publication | None) -> Publication | None:
    """The publication for the ministry (None for anyone else: her figures pass unchanged)."""
    if not publication_only(person):
        return None
    if publication is None:
        raise ValueError("the ministry's figures are read from one publication (pipelines.access.publication.build)")
    return publication


def _count(value) -> int | None:
    """A count as a whole number, or None (missing, NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def summary(person: Person, total: dict, publication: Publication | None = None) -> dict:
    """A status summary (`metrics.status_summary` / `panels.summary` shape) as `person` may see it."""
    held = _held(person, publication)
    if held is None:
        return total
    return {**total, "entered": held.shown(summary_cell("entered"), total["entered"]),
            "in_program": held.shown(summary_cell("in_program"), total["in_program"]),
            "active": {s: held.shown(summary_cell("active", s), n) for s, n in total["active"].items()},
            "reached": {s: held.shown(summary_cell("reached", s), n) for s, n in total["reached"].items()}}


def tiles(person: Person, tiles: Sequence[dict], publication: Publication | None = None) -> list[dict]:
    """Headline tiles (`panels.tiles`) with their hidden values None for the ministry."""
    held = _held(person, publication)
    if held is None:
        return list(tiles)
    return [{**t, "value": held.shown(summary_cell(t["kind"], t["status"]), t["value"])} for t in tiles]


def card(person: Person, card: dict, achieved_hidden: bool) -> dict:
    """A target card (`targets.evaluate`) as `person` may see it. For the ministry a hidden achieved
    count (`achieved_hidden`, from the publication) takes attainment, forecast, the monthly rate still
    needed and the probability with it — and the state (met, on track …), which would tell where the
    hidden count lies, as the report hides it; the card says so (`suppressed`: True — the edges show
    `SUPPRESSED` where these values stand); the target and its line stay."""
    if not publication_only(person) or card["achieved"] is None or not achieved_hidden:
        return card
    return {**card, "achieved": None, "attainment": None, "forecast": None, "needed_per_month": None,
            "probability": None, "state": None, "suppressed": True}


def overview(person: Person, result: dict, publication: Publication | None = None) -> dict:
    """`panels.overview` as `person` may see it: tiles and target cards."""
    held = _held(person, publication)
    if held is None:
        return result
    cards = [card(person, one, held.target_hidden(one["program"], one["id"])) for one in result["targets"]]
    return {**result, "summary": summary(person, result["summary"], held),
            "tiles": tiles(person, result["tiles"], held),
            "targets": cards}


def progress(person: Person, result: dict, publication: Publication | None = None) -> dict:
    """`panels.progress` as `person` may see it: each target's cumulative series (a month hidden where
    the publication hides it; the card's achieved value is the series' last one: hidden with it, and
    the forecast band that starts there), and the monthly counts."""
    held = _held(person, publication)
    if held is None:
        return result
    out = []
    for target in result["targets"]:
        frame = target["series"]
        one = card(person, target, held.target_hidden(target["program"], target["id"]))
        if len(frame):
            shown = [held.shown(series_cells(target, month_end, month_end)[0], _count(value))
                     for month_end, value in zip(frame["month_end"], frame["cumulative"])]
            one["series"] = frame.assign(cumulative=pd.Series(shown, index=frame.index, dtype="object"))
        if one["achieved"] is None:
            one["forecast_band"] = []
        out.append(one)
    return {**result, "targets": out, "monthly": monthly(person, result["monthly"], held)}


def monthly(person: Person, frame: pd.DataFrame, publication: Publication | None = None,
            value: str = "count") -> pd.DataFrame:
    """Monthly counts (month, series, count) as `person` may see them."""
    held = _held(person, publication)
    if held is None or frame.empty:
        return frame
    out = frame.copy()
    shown = [held.shown(monthly_cell(s, m), _count(v)) for m, s, v in zip(out["month"], out["series"], out[value])]
    out[value] = pd.Series(shown, index=out.index, dtype="object")
    return out


# what goes with a group's hidden count, and what goes with a hidden reference
_FROM_COUNTS = ("share", "ci_low", "ci_high", "small", "diff", "diff_low", "diff_high", "p_exact", "adjusted",
                "adjusted_cover")


def comparison(person: Person, result: dict, by: str | None, status: str | None,
               publication: Publication | None = None) -> dict:
    """`panels.comparison` (groups by one attribute, `by`, reaching `status`) as `person` may see it.
    For the ministry:

    - n and reached of each group as the publication shows them (the groups add up to everyone,
      and they are tied to the other pages and the report there);
    - a group with a hidden n or reached keeps nothing computed from it: share, interval, the
      small flag (n < 5 would narrow a hidden n down), difference, p, adjusted share;
    - the difference of a shown group is against "others": the known total less the group's own,
      so nothing more is revealed;
    - the adjusted share is standardised to all groups together, hidden ones included: it is
      withheld for every group when any group's count is hidden; its cover (a ratio of stratum
      counts) is never published;
    - no time-to-outcome curves and no numbers at risk (the publication holds none: a curve's steps
      reveal small counts).

    Hidden values are None; ``result["hidden"]`` lists them — {"table": [(index, column)],
    "at_risk": []} — for `marked`, which writes `SUPPRESSED` into them, and each group dict names its
    hidden keys in "hidden" (the CLI prints `*` for them).

    Raises:
        AccessError("access.ministry_view"): for the ministry, typed groups (no `by`) or a status the
            publication does not hold.
    """
    held = _held(person, publication)
    if held is None:
        return result
    field_name = group_field(by)
    if field_name is None or not held.holds(field_name, status) or result.get("versus") not in ("others", None):
        raise AccessError("access.ministry_view", {})
    table = result["table"]
    hide = set()
    for i, value in zip(table.index, table["group"]):
        for column, cell in (("n", group_cell(field_name, value, "n")),
                             ("reached", group_cell(field_name, value, "reached", status))):
            if cell not in held.values or held.is_hidden(cell):   # a group it does not hold is not shown
                hide.add((column, i))
    gone = {i: ("n", i) in hide or ("reached", i) in hide for i in table.index}
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
        columns += mix_hidden
        for column in dict.fromkeys(columns):
            out.at[i, column] = None
            cells.append((i, column))
    groups = []
    for i, g in zip(table.index, result["groups"]):
        names = [c for (j, c) in cells if j == i]
        groups.append({**g, **{c: out.at[i, c] for c in names}, "hidden": names, "time_to": None})
    curves = result["curves"].iloc[0:0]
    at_risk = result.get("at_risk")
    at_risk = at_risk.iloc[0:0] if at_risk is not None else None
    return {**result, "table": out, "curves": curves, "at_risk": at_risk, "groups": groups,
            "hidden": {"table": cells, "at_risk": []}, "curves_withheld": True}


def marked(frame: pd.DataFrame, cells: Sequence[tuple]) -> pd.DataFrame:
    """`frame` with `SUPPRESSED` ("*") in the hidden `cells` ((index, column)), for the page and its
    CSV: a hidden value reads `*`, never a dash or a blank (those mean "nothing to show")."""
    if not cells:
        return frame
    out = frame.astype("object")
    for i, column in cells:
        out.at[i, column] = SUPPRESSED
    return out


def funnel(person: Person, result: dict, publication: Publication | None = None) -> dict:
    """`metrics.funnel` as `person` may see it: stage counts, outcomes, exit reasons, those who left and
    those still in, as the publication shows them; no share or statistic from a hidden count."""
    held = _held(person, publication)
    if held is None:
        return result

    def shown(cell, value):
        return held.shown(cell, _count(value))

    entered_hidden = held.is_hidden(funnel_cell("entered"))
    stages = []
    for s in result["stages"]:
        cell = funnel_cell("reached", s["status"]) if s["stage"] == "reached" else funnel_cell(s["stage"])
        n = shown(cell, s["n"])
        stages.append({**s, "n": n, "share": None if n is None or entered_hidden else s["share"]})
    stay = result["length_of_stay"]
    out = {**result, "stages": stages,
           "entered": shown(funnel_cell("entered"), result["entered"]),
           "supported": shown(funnel_cell("supported"), result["supported"]),
           "reached_any": shown(funnel_cell("reached_any"), result["reached_any"]),
           "reached": {s: shown(funnel_cell("reached", s), n) for s, n in result["reached"].items()},
           "exit_reasons": {r: shown(funnel_cell("exit", r), n) for r, n in result["exit_reasons"].items()},
           "left": shown(funnel_cell("left"), result["left"]),
           "in_program": shown(funnel_cell("in_program"), result["in_program"])}
    left_gone = shown(funnel_cell("stay_left"), stay["left"]["n"]) is None
    ongoing_gone = shown(funnel_cell("ongoing"), stay["ongoing"]["n"]) is None
    out["length_of_stay"] = {
        "left": {k: None for k in stay["left"]} if left_gone else stay["left"],
        "ongoing": {k: None for k in stay["ongoing"]} if ongoing_gone else stay["ongoing"]}
    return out


def quality(person: Person, frame: pd.DataFrame, publication: Publication | None = None) -> pd.DataFrame:
    """`catalog.missing_attributes` (program, attribute, participants, missing, share_missing) as
    `person` may see it: the counts as the publication shows them, no share from a hidden count."""
    held = _held(person, publication)
    if held is None or frame.empty:
        return frame
    out = frame.copy().astype({"participants": "object", "missing": "object", "share_missing": "object"})
    for i, row in zip(frame.index, frame.itertuples()):
        gone = False
        for column in ("participants", "missing"):
            if held.is_hidden(quality_cell(row.program_id, row.attribute, column)):
                out.at[i, column] = None
                gone = True
        if gone:
            out.at[i, "share_missing"] = None
    return out


def rows(person: Person, frame: pd.DataFrame, program_column: str = "program_id") -> pd.DataFrame:
    """Participant-level or file-level rows (episode problems, load history) only for those who may
    export the rows of the program (admins, the program's leads); empty (same columns) for others."""
    if frame.empty or is_admin(person):
        return frame
    keep = [isinstance(p, str) and may_export_rows(person, p) for p in frame[program_column]]
    return frame[keep].reset_index(drop=True)
