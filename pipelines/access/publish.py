"""Publication-safe figures for the ministry role, everywhere it looks (tiles, tables, charts, downloads).

The rule is the report's (`pipelines.report.suppression`): counts of 1 and 2 (below `THRESHOLD`)
are hidden, zero stays visible, and no share is computed from a hidden count. Figures shown side
by side without a total (tiles, a status table) need the primary rule only; a table with a total
row gets secondary suppression through `suppression.suppress_cells`. Hidden values come back as
None; the edges show `SUPPRESSED` ("*") for them. For any other role the figures pass unchanged.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import pandas as pd

from pipelines.access.policy import Person, publication_only
from pipelines.report import suppression

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


def groups(person: Person, compared: Sequence[dict]) -> list[dict]:
    """Comparison groups (`metrics.compare.compare`) as `person` may see them: for the ministry a small
    n or reached is None, and so are the share, its interval and the time-to curve computed from it."""
    if not publication_only(person):
        return list(compared)
    out = []
    for g in compared:
        n, reached = (None if 0 < g[k] < THRESHOLD else g[k] for k in ("n", "reached"))
        blocked = n is None or reached is None
        out.append({**g, "n": n, "reached": reached,
                    **({"share": None, "ci_low": None, "ci_high": None, "time_to": None} if blocked else {})})
    return out
