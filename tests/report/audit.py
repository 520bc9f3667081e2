"""Test-only tools for disclosure control: pandas tables as cells and relations, their display,
and an audit independent of `suppression` (linear programming with scipy, a dev dependency).

`suppress_linked` / `suppress_table` lay out one-way breakdowns (Series) and cross tables
(DataFrames, with margins) as cells and additive relations and hand them to
`suppression.suppress_cells`; a cell is named by the categories it counts, e.g.
``(("age_band", "25-34"), ("gender", "w"))``, with the grand total ``()``, so tables that
share an axis name share cells. `display_table` prints a result as the report would.
`feasible_ranges` / `derivable_cells` re-check a result with scipy's LP solver; `pinned_cells`
takes any of these results.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from pipelines import text
from pipelines.report import suppression
from pipelines.report.suppression import SUPPRESSED, Cell, Relation, Suppression, as_count, suppress_cells

TOTAL = text.say("report.total", "de")
Totals = Literal["both", "bottom", "right", "none"]


@dataclass(frozen=True)
class Protected:
    """One published table after suppression.

    ``table`` holds the counts with the totals added (Series for a one-way breakdown,
    DataFrame for a cross table or a table of measures), ``mask`` has the same shape
    and is True where ``*`` is shown, ``keys`` names the cell behind every position and
    ``cells`` is the whole suppression problem — shared by all tables linked with it —
    for audits such as :func:`derivable_cells`.
    """

    table: pd.DataFrame | pd.Series
    mask: pd.DataFrame | pd.Series
    keys: pd.DataFrame | pd.Series
    cells: Suppression


# --- tables as cells and relations ------------------------------------------------------


def _dims(frame: pd.DataFrame | pd.Series, t: int) -> tuple[str, str | None]:
    rows = str(frame.index.name) if frame.index.name is not None else f"#{t}.rows"
    if isinstance(frame, pd.Series):
        return rows, None
    cols = str(frame.columns.name) if frame.columns.name is not None else f"#{t}.columns"
    if rows == cols:
        raise ValueError(f"table {t + 1}: rows and columns are both named {rows!r}")
    return rows, cols


def _key(*pairs: tuple[str, object]) -> tuple[tuple[str, object], ...]:
    return tuple(sorted(pairs, key=lambda pair: pair[0]))


def _layout(
    counts: pd.DataFrame | pd.Series, t: int, totals: Totals, total_label: str
) -> tuple[pd.DataFrame | pd.Series, pd.DataFrame | pd.Series, dict[Cell, int], list[Relation]]:
    """Counts with totals added, the key of every position, values and relations."""
    where = f"table {t + 1}"
    if totals not in ("both", "bottom", "right", "none"):
        raise ValueError(f"totals must be 'both', 'bottom', 'right' or 'none', not {totals!r}")
    for axis in [counts.index] + ([counts.columns] if isinstance(counts, pd.DataFrame) else []):
        if not axis.is_unique:
            raise ValueError(f"{where}: labels repeat: {list(axis[axis.duplicated()])}")
        if total_label in list(axis):
            raise ValueError(f"{where}: {total_label!r} is already a label; pick another")
    rdim, cdim = _dims(counts, t)
    values: dict[Cell, int] = {}
    relations: list[Relation] = []

    if isinstance(counts, pd.Series):
        parts = [_key((rdim, r)) for r in counts.index]
        for r, key in zip(counts.index, parts):
            values[key] = as_count(counts[r], f"{where}, {r!r}")
        index = list(counts.index)
        keys = list(parts)
        if totals != "none":
            values[()] = sum(values[k] for k in parts)
            relations.append(Relation((), tuple(parts)))
            index.append(total_label)
            keys.append(())
        table = pd.Series([values[k] for k in keys], index=index, name=counts.name, dtype="int64")
        table.index.name = counts.index.name
        key_series = pd.Series(keys, index=table.index, name=counts.name, dtype=object)
        return table, key_series, values, relations

    rows, cols = list(counts.index), list(counts.columns)
    grid = {
        (r, c): _key((rdim, r), (cdim, c)) for r in rows for c in cols  # interior cells
    }
    for (r, c), key in grid.items():
        values[key] = as_count(counts.at[r, c], f"{where}, row {r!r}, column {c!r}")
    right = totals in ("both", "right")
    bottom = totals in ("both", "bottom")
    if right:
        for r in rows:
            parts = tuple(grid[r, c] for c in cols)
            grid[r, total_label] = _key((rdim, r))
            values[grid[r, total_label]] = sum(values[p] for p in parts)
            relations.append(Relation(grid[r, total_label], parts))
    if bottom:
        for c in cols:
            parts = tuple(grid[r, c] for r in rows)
            grid[total_label, c] = _key((cdim, c))
            values[grid[total_label, c]] = sum(values[p] for p in parts)
            relations.append(Relation(grid[total_label, c], parts))
    if right and bottom:
        grid[total_label, total_label] = ()
        values[()] = sum(values[grid[r, total_label]] for r in rows)
        relations.append(Relation((), tuple(grid[total_label, c] for c in cols)))
        relations.append(Relation((), tuple(grid[r, total_label] for r in rows)))
    out_rows = rows + ([total_label] if bottom else [])
    out_cols = cols + ([total_label] if right else [])
    key_frame = pd.DataFrame(
        [[grid.get((r, c)) for c in out_cols] for r in out_rows],
        index=pd.Index(out_rows, name=counts.index.name),
        columns=pd.Index(out_cols, name=counts.columns.name),
        dtype=object,
    )
    table = key_frame.map(lambda k: values[k] if k is not None else 0).astype("int64")
    return table, key_frame, values, relations


def suppress_linked(
    tables: Sequence[pd.DataFrame | pd.Series],
    threshold: int = 3,
    *,
    totals: Totals = "both",
    total_label: str = TOTAL,
    force: Iterable[Cell] = (),
) -> list[Protected]:
    """One consistent suppression for tables published together.

    Cells are matched by the names of the table axes (``index.name``,
    ``columns.name``): every table's grand total is the same cell, and margins of a
    cross table are the same cells as a breakdown along the same axis. Unnamed axes
    are never shared. The same cell must have the same count in every table.

    Args:
        tables: interior counts — Series (one-way breakdown) or DataFrame (rows ×
            columns); totals are added here.
        threshold: counts ``1 … threshold-1`` are suppressed.
        totals: for DataFrames, which totals to add and publish: "both" (a cross
            table), "bottom" (a total row only — columns are separate measures such as
            entered/reached), "right" (a total column only) or "none". Series always
            get their total unless "none".
        total_label: label of the added total row/column.
        force: cell keys to hide in any case.

    Returns:
        One :class:`Protected` per table, in order, all sharing one ``cells``.
    """
    values: dict[Cell, int] = {}
    source: dict[Cell, int] = {}
    relations: list[Relation] = []
    layouts = []
    for t, counts in enumerate(tables):
        table, keys, table_values, table_relations = _layout(counts, t, totals, total_label)
        for key, value in table_values.items():
            if key in values and values[key] != value:
                name = "the grand total" if key == () else f"cell {key!r}"
                raise ValueError(
                    f"tables {source[key] + 1} and {t + 1} disagree on {name}: "
                    f"{values[key]} vs {value}; linked tables must count the same people"
                )
            values.setdefault(key, value)
            source.setdefault(key, t)
        relations.extend(table_relations)
        layouts.append((table, keys))
    result = suppress_cells(values, relations, threshold, force)
    hidden = result.suppressed
    protected = []
    for table, keys in layouts:
        mask = keys.map(lambda k: k in hidden)
        protected.append(Protected(table, mask.astype(bool), keys, result))
    return protected


def suppress_table(
    counts: pd.DataFrame | pd.Series,
    threshold: int = 3,
    *,
    totals: Totals = "both",
    total_label: str = TOTAL,
    force: Iterable[Cell] = (),
) -> Protected:
    """Suppression for one table published on its own (see :func:`suppress_linked`).

    >>> p = suppress_table(pd.Series({"m": 1, "w": 10, "d": 0}))
    >>> p.mask.tolist()
    [True, True, False, False]
    """
    return suppress_linked([counts], threshold, totals=totals, total_label=total_label,
                           force=force)[0]


# --- display ---------------------------------------------------------------------------


def display_table(
    table: Protected | pd.DataFrame | pd.Series,
    shares: Mapping[str, tuple[str, str | None]] | None = None,
    *,
    lang: str = "de",
    threshold: int = 3,
    totals: Totals = "both",
    share_decimals: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts as text for a report: formatted numbers, ``*`` where suppressed.

    Args:
        table: a :class:`Protected` table, or counts to suppress first (with
            ``threshold`` and ``totals``; the total label follows ``lang``).
        shares: new share columns, ``{"Quote": ("reached", "entered")}`` — numerator
            and denominator columns of the same row; a denominator of None means the
            column's own total (share of the total row). A share is ``*`` when its
            numerator or denominator is suppressed, and "–" when the denominator is 0.
        lang: "de" (1.234 and 74 %) or "en" (1,234 and 74%).
        share_decimals: decimals of the percentages.

    Returns:
        ``(text, mask)``: a DataFrame of strings (a Series becomes one column, named
        after it or "n") and a boolean DataFrame of the same shape, True where ``*``.
    """
    text.number(0, lang)  # validates lang
    if not isinstance(table, Protected):
        table = suppress_table(table, threshold, totals=totals, total_label=text.say("report.total", lang))
    counts, mask = table.table, table.mask
    if isinstance(counts, pd.Series):
        name = counts.name if counts.name is not None else "n"
        counts, mask = counts.to_frame(name), mask.to_frame(name)
    shown = pd.DataFrame(
        [
            [SUPPRESSED if mask.iat[i, j] else text.number(int(counts.iat[i, j]), lang)
             for j in range(counts.shape[1])]
            for i in range(counts.shape[0])
        ],
        index=counts.index,
        columns=counts.columns,
        dtype=object,
    )
    out_mask = mask.copy()
    for column, (numerator, denominator) in (shares or {}).items():
        if column in shown.columns:
            raise ValueError(f"share column {column!r} already exists")
        for needed in (numerator, denominator):
            if needed is not None and needed not in counts.columns:
                raise ValueError(f"share {column!r}: no count column {needed!r}")
        if denominator is None and not _total_row(table):
            raise ValueError(f"share {column!r} of the total needs a total row")
        cells, hidden = [], []
        for i in range(len(counts)):
            k, k_hidden = counts[numerator].iat[i], mask[numerator].iat[i]
            if denominator is None:
                n, n_hidden = counts[numerator].iat[-1], mask[numerator].iat[-1]
            else:
                n, n_hidden = counts[denominator].iat[i], mask[denominator].iat[i]
            if k_hidden or n_hidden:  # never compute a share from a suppressed cell
                cells.append(SUPPRESSED)
                hidden.append(True)
            else:
                cells.append(text.percent(int(k) / int(n) if n else None, lang, share_decimals))
                hidden.append(False)
        shown[column] = pd.Series(cells, index=shown.index, dtype=object)
        out_mask[column] = pd.Series(hidden, index=shown.index, dtype=bool)
    return shown, out_mask.astype(bool)


def _total_row(table: Protected) -> bool:
    """True when the last row holds totals (keys name fewer categories than inside)."""
    if isinstance(table.keys, pd.Series):
        return len(table.keys) > 0 and table.keys.iat[-1] == ()
    return len(table.keys) > 1 and all(len(key) <= 1 for key in table.keys.iloc[-1])


# --- audit -----------------------------------------------------------------------------


def problem_of(published: Protected | Sequence[Protected] | Suppression) -> Suppression:
    """The suppression problem behind published tables (all must come from one run)."""
    if isinstance(published, Suppression):
        return published
    if isinstance(published, Protected):
        return published.cells
    problems = {id(p.cells): p.cells for p in published}
    if len(problems) != 1:
        raise ValueError("tables were not suppressed together; audit them one by one")
    return next(iter(problems.values()))

def pinned_cells(published: Protected | Sequence[Protected] | Suppression) -> list[Cell]:
    """`suppression.pinned_cells` of published tables (see :func:`problem_of`)."""
    return suppression.pinned_cells(problem_of(published))


def feasible_ranges(
    published: Protected | Sequence[Protected] | Suppression,
    lower_bound: float = 1,
) -> dict[Cell, tuple[float, float]]:
    """Smallest and largest value of every suppressed cell a reader can infer.

    Solves two linear programs per suppressed cell over what is published: the
    visible counts, all relations, and ``cell ≥ lower_bound`` for the hidden ones
    (1 by default, since zeros are always shown; 0 for the textbook relaxation).
    Integers are relaxed to reals, so the ranges are outer bounds. Needs scipy.
    """
    problem = problem_of(published)
    order = {cell: i for i, cell in enumerate(problem.values)}
    hidden = sorted(problem.suppressed, key=order.__getitem__)
    index = {cell: j for j, cell in enumerate(hidden)}
    a_rows, b = [], []
    for relation in problem.relations:
        row, rhs = [0.0] * len(hidden), 0.0
        for cell, sign in ((relation.total, -1.0), *((p, 1.0) for p in relation.parts)):
            if cell in index:
                row[index[cell]] += sign
            else:
                rhs -= sign * problem.values[cell]
        if any(row):
            a_rows.append(row)
            b.append(rhs)
    if not hidden:
        return {}
    a_eq = np.array(a_rows) if a_rows else None
    b_eq = np.array(b) if a_rows else None
    bounds = [(lower_bound, None)] * len(hidden)
    ranges: dict[Cell, tuple[float, float]] = {}
    for cell, j in index.items():
        ends = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(hidden))
            objective[j] = sign
            result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if result.status == 3:  # unbounded
                ends.append(math.inf)  # only the maximum can be unbounded
            elif result.status == 0:
                ends.append(sign * result.fun)
            else:
                raise RuntimeError(f"audit LP failed for {cell!r}: {result.message}")
        ranges[cell] = (ends[0], ends[1])
    return ranges


def derivable_cells(
    published: Protected | Sequence[Protected] | Suppression,
    lower_bound: float = 1,
) -> list[Cell]:
    """Suppressed cells a reader can work out exactly — empty for a safe publication.

    A cell counts as derivable when its feasible range (:func:`feasible_ranges`)
    holds a single whole number. Needs scipy.
    """
    derivable = []
    for cell, (low, high) in feasible_ranges(published, lower_bound).items():
        if math.isinf(high) or math.isinf(low):
            continue
        if math.floor(high + 1e-7) - math.ceil(low - 1e-7) < 1:
            derivable.append(cell)
    return derivable
