"""Statistical disclosure control for count tables in published reports.

DESIGN.md, "Ministry reports and privacy": counts of 1 or 2 are shown as ``*``
(threshold configurable), secondary suppression hides any total or neighbour from which
a suppressed cell could be worked out, no percentage is computed from a suppressed cell,
and zero stays visible.

The model
---------
A published table is a set of *cells* (counts) tied together by additive *relations*
``total = part_1 + … + part_n``. A two-way table with margins has one relation per row
(row total = sum of the row), one per column (column total = sum of the column) and two
for the margins themselves (grand total = sum of the row totals = sum of the column
totals). A one-way breakdown has a single relation (total = sum of the categories).
Tables published together share cells: a cell is identified by the categories it
counts, e.g. ``(("age_band", "25-34"), ("gender", "w"))``, with the grand total ``()``,
so "participants by gender" and "participants by age band" share the grand total, and a
gender × age table shares its gender margin with a gender breakdown. Suppression is
decided once for all of them (:func:`suppress_linked`), so a cell hidden in one table is
hidden in every table that shows it.

Everyone reading a report knows the rules, so a reader knows that a ``*`` is never 0
(zeros are shown) — every suppressed cell is at least 1.

The algorithm
-------------
1. *Primary suppression*: every cell with ``0 < value < threshold``, totals included
   (a total of 2 is a count of two people).
2. *Secondary suppression*, repeated until nothing changes. A relation is *exposed* when

   - it holds exactly one suppressed cell (the cell is the published total minus the
     published parts), or
   - its total is published and every suppressed part in it is 1 (the parts sum to their
     count, and each is at least 1, so each must be 1 — e.g. ``*, *, 0`` with total 2).

   For each exposed relation (in order) one more cell of that relation is suppressed: a
   published, non-zero cell (a zero cannot protect — its value is known) that makes the
   relation safe, chosen by, in order: interior before totals (a total tells more than a
   cell), a cell that also sits in another exposed relation (one suppression serves
   two), the smallest value (least information lost), then table order.
3. *Combination check*: all relations of all linked tables are solved together,
   exactly (rational arithmetic), over the suppressed cells, with what every reader
   knows: each ``*`` is at least 1. A cell is *pinned* when that system leaves it a
   single value — by differencing across rows, columns and tables (a cell bridging two
   otherwise closed suppression cycles), or because the differences force some cells
   down to 1 (``x + y = 2`` after subtracting two rows). Cells at 1 are found stuck or
   movable with the first phase of the simplex method (Bland's rule, exact fractions),
   the rest by Gauss–Jordan elimination. The first pinned cell gets one more
   complement from one of its relations (same preferences) and steps 2–3 repeat.
   This always ends: once every non-zero cell of a connected group is suppressed, all
   of them can grow together (scale the true counts up), so none is pinned.

Guarantee
---------
For the returned mask:

- every cell with ``0 < value < threshold`` is suppressed, and no zero is;
- no suppressed cell can be worked out from a single row, column or total relation
  (step 2), nor from all published relations of all linked tables together, even with
  the bound "every ``*`` is at least 1" (step 3): over the real numbers, every
  suppressed cell can take more than one value consistent with what is published.
  :func:`pinned_cells` re-checks this for any mask; the tests also check it
  independently with scipy's LP solver (:func:`derivable_cells`).

Limits
------
- It is a greedy heuristic, not an optimal (integer programming) solution: it may hide
  more than the minimum, and the result depends on the order of rows, columns and
  tables (deterministically: same input, same mask).
- The exact check works over the reals. For a single table with margins (and one-way
  breakdowns) the relations are totally unimodular, so a range wider than one value
  holds at least two whole numbers; for unusual linked structures a range could in
  principle hold a single whole number — :func:`derivable_cells` checks whole numbers.
- Only exact disclosure is prevented, no minimum protection interval is enforced: a
  suppressed cell may be known to lie in a narrow range (``a + b = 3`` tells that
  ``a`` is 1 or 2 — which a ``*`` says anyway for a small count, but a large
  complement can also end up in a narrow range). Readers are assumed not to know
  which ``*`` are primary (that would add the bound ``< threshold``).
- Only declared relations are protected: tables published together must be linked
  with :func:`suppress_linked` (or described with :class:`Relation` for
  :func:`suppress_cells`); inequalities between measures (reached ≤ entered) and
  earlier publications (pass their hidden cells as ``force``) are not modelled.
- The exact check grows with the number of suppressed cells connected by relations;
  tables up to a few hundred suppressed cells take well under a second.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import pandas as pd

from pipelines import text

Cell = Hashable
SUPPRESSED = "*"
TOTAL_LABELS = {"de": "Gesamt", "en": "Total"}
Totals = Literal["both", "bottom", "right", "none"]


@dataclass(frozen=True)
class Relation:
    """An additive relation between published cells: ``total = sum(parts)``."""

    total: Cell
    parts: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Suppression:
    """The outcome of :func:`suppress_cells`: values, relations and what is hidden."""

    values: Mapping[Cell, int]
    relations: tuple[Relation, ...]
    suppressed: frozenset[Cell]
    primary: frozenset[Cell]
    threshold: int

    @property
    def secondary(self) -> frozenset[Cell]:
        """Cells hidden only to protect other cells."""
        return self.suppressed - self.primary


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


# --- the engine: cells and relations -------------------------------------------------


def _count(value: object, where: object) -> int:
    """A published count: a non-negative whole number."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        raise ValueError(f"{where}: a count is missing")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {value!r} is not a count") from None
    if number < 0 or not number.is_integer():
        raise ValueError(f"{where}: {value!r} is not a count (a whole number ≥ 0)")
    return int(number)


def primary_cells(values: Mapping[Cell, int], threshold: int = 3) -> frozenset[Cell]:
    """Cells with a small count, ``0 < value < threshold``; zero stays visible."""
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, not {threshold}")
    return frozenset(cell for cell, value in values.items() if 0 < value < threshold)


class _Problem:
    """Working state of one secondary-suppression run."""

    def __init__(self, values: dict[Cell, int], relations: tuple[Relation, ...]):
        self.values = values
        self.relations = relations
        self.order = {cell: i for i, cell in enumerate(values)}
        self.member: dict[Cell, list[int]] = {cell: [] for cell in values}
        for i, relation in enumerate(relations):
            for cell in relation.cells:
                self.member[cell].append(i)
        self.height = self._heights()
        self._pinned_groups: dict[frozenset[Cell], list[Cell]] = {}

    def _heights(self) -> dict[Cell, int]:
        """0 for an interior cell, 1 + the highest part for a total (grand total: 2)."""
        parts_of: dict[Cell, list[Cell]] = {}
        for relation in self.relations:
            parts_of.setdefault(relation.total, []).extend(relation.parts)
        heights: dict[Cell, int] = {}

        def height(cell: Cell, seen: frozenset[Cell]) -> int:
            if cell in heights:
                return heights[cell]
            if cell in seen:
                raise ValueError(f"relations are circular at cell {cell!r}")
            parts = parts_of.get(cell, [])
            value = 1 + max(height(p, seen | {cell}) for p in parts) if parts else 0
            heights[cell] = value
            return value

        for cell in self.values:
            height(cell, frozenset())
        return heights

    def exposed(self, relation: Relation, hidden: set[Cell]) -> bool:
        """True when a suppressed cell of the relation can be worked out from it alone."""
        inside = [cell for cell in relation.cells if cell in hidden]
        if not inside:
            return False
        if len(inside) == 1:
            return True
        # Total published and all suppressed parts are 1: each '*' is ≥ 1, so each is 1.
        return relation.total not in hidden and sum(self.values[c] for c in inside) == len(inside)

    def pick(self, cells: Iterable[Cell], hidden: set[Cell], helps: Mapping[Cell, int]) -> Cell:
        """The complement preferred among candidate cells (see module docstring)."""
        return min(
            cells,
            key=lambda c: (self.height[c], -helps.get(c, 0), self.values[c], self.order[c]),
        )

    def candidates(self, relation: Relation, hidden: set[Cell]) -> list[Cell]:
        published = [c for c in relation.cells if c not in hidden and self.values[c] > 0]
        fixing = [c for c in published if not self.exposed(relation, hidden | {c})]
        return fixing or published

    def close_relations(self, hidden: set[Cell]) -> None:
        """Step 2: give every exposed relation a complement until none is exposed."""
        changed = True
        while changed:
            changed = False
            for relation in self.relations:
                if not self.exposed(relation, hidden):
                    continue
                options = self.candidates(relation, hidden)
                if not options:  # cannot happen for consistent counts; see docstring
                    raise ValueError(f"no cell left to protect the relation {relation!r}")
                exposed_count = self._exposed_memberships(hidden)
                hidden.add(self.pick(options, hidden, exposed_count))
                changed = True

    def _exposed_memberships(self, hidden: set[Cell]) -> dict[Cell, int]:
        counts: dict[Cell, int] = {}
        for relation in self.relations:
            if self.exposed(relation, hidden):
                for cell in relation.cells:
                    counts[cell] = counts.get(cell, 0) + 1
        return counts

    def pinned(self, hidden: set[Cell]) -> list[Cell]:
        """Step 3: suppressed cells pinned by all relations together and the bound ≥ 1."""
        columns = sorted(hidden, key=self.order.__getitem__)
        index = {cell: j for j, cell in enumerate(columns)}
        rows: list[dict[int, Fraction]] = []
        for relation in self.relations:
            row: dict[int, Fraction] = {}
            for cell, sign in ((relation.total, -1), *((p, 1) for p in relation.parts)):
                if cell in index:
                    j = index[cell]
                    row[j] = row.get(j, Fraction(0)) + sign
            row = {j: v for j, v in row.items() if v}
            if row:
                rows.append(row)
        pinned: list[Cell] = []
        for group in _components(rows):
            group_rows = [rows[i] for i in group]
            key = frozenset(columns[j] for row in group_rows for j in row)
            if key not in self._pinned_groups:
                self._pinned_groups[key] = self._pinned_in(group_rows, columns)
            pinned.extend(self._pinned_groups[key])
        return sorted(pinned, key=self.order.__getitem__)

    def _pinned_in(self, rows: list[dict[int, Fraction]], columns: list[Cell]) -> list[Cell]:
        """Pinned cells of one connected group of relations (see :meth:`pinned`)."""
        # Cells at the bound (value 1) can only move up. Find those that can move at all
        # in some direction d (rows·d = 0, d ≥ 0 at the bound); the others are stuck.
        at_bound = {j for row in rows for j in row if self.values[columns[j]] == 1}
        movable: set[int] = set()
        while at_bound - movable:
            # Usually all of them can move up together: one program settles it.
            lower = {j: 0 if j in movable else 1 for j in at_bound}
            if _direction(rows, lower) is not None:
                movable = set(at_bound)
                break
            direction = _direction(rows, dict.fromkeys(at_bound, 0), at_bound - movable)
            if direction is None:
                break
            movable |= {j for j in at_bound if direction.get(j, 0) > 0}
        stuck = [{j: Fraction(1)} for j in sorted(at_bound - movable)]
        # With the stuck cells fixed, some direction is strictly positive on every
        # movable bound cell, so a cell moves iff the equations alone do not fix it.
        return [columns[j] for j, row in _rref(rows + stuck) if len(row) == 1]

    def repair(self, cell: Cell, hidden: set[Cell]) -> None:
        """Hide one more cell next to a pinned one (its relations, else its group)."""
        near = {c for i in self.member[cell] for c in self.relations[i].cells}
        options = [c for c in near if c not in hidden and self.values[c] > 0]
        if not options:
            options = [
                c for c in self._group(cell) if c not in hidden and self.values[c] > 0
            ]
        if not options:  # cannot happen: see "This always ends" in the module docstring
            raise ValueError(f"cell {cell!r} cannot be protected")
        hidden.add(self.pick(options, hidden, {}))

    def _group(self, cell: Cell) -> list[Cell]:
        seen, todo = {cell}, [cell]
        while todo:
            current = todo.pop()
            for i in self.member[current]:
                for other in self.relations[i].cells:
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
        return sorted(seen, key=self.order.__getitem__)


def _rref(rows: list[dict[int, Fraction]]) -> list[tuple[int, dict[int, Fraction]]]:
    """Reduced row echelon form of sparse rows (column -> coefficient), exactly.

    Returns ``(pivot column, row)`` pairs; a pivot column is zero in every other row.
    """
    done: list[tuple[int, dict[int, Fraction]]] = []

    def subtract(target: dict[int, Fraction], factor: Fraction, row: dict[int, Fraction]):
        for j, v in row.items():
            new = target.get(j, Fraction(0)) - factor * v
            if new:
                target[j] = new
            else:
                target.pop(j, None)

    for original in rows:
        row = dict(original)
        for pivot, pivot_row in done:  # pivot rows hold no other pivot column
            if pivot in row:
                subtract(row, row[pivot], pivot_row)
        if not row:
            continue
        pivot = min(row)
        lead = row[pivot]
        row = {j: v / lead for j, v in row.items()}
        for _, other in done:
            if pivot in other:
                subtract(other, other[pivot], row)
        done.append((pivot, row))
    return done


def _direction(
    rows: list[dict[int, Fraction]],
    lower: Mapping[int, int],
    scale: set[int] | None = None,
) -> dict[int, Fraction] | None:
    """A d with rows·d = 0 and d[k] ≥ lower[k] (d free elsewhere), or None.

    With ``scale``, also ``sum(d[scale]) = 1``. Phase one of the simplex method on
    exact fractions with Bland's rule (which cannot cycle): d[k] = lower[k] + e[k]
    with e[k] ≥ 0, free variables split in two non-negative halves, each equation
    gets an artificial variable and the sum of artificials is minimised; the system
    is solvable iff that minimum is 0.
    """
    used = sorted({j for row in rows for j in row} | set(lower) | (scale or set()))
    split: list[tuple[int, int]] = []  # tableau column -> (variable, sign)
    for j in used:
        split.append((j, 1))
        if j not in lower:
            split.append((j, -1))
    one = Fraction(1)
    equations = [(row, Fraction(0)) for row in rows]
    if scale is not None:
        equations.append(({j: one for j in scale}, one))
    n, m = len(split), len(equations)
    tableau = []
    for row, rhs in equations:
        rhs -= sum(v * lower.get(j, 0) for j, v in row.items())
        sign = -1 if rhs < 0 else 1
        tableau.append([sign * s * row.get(j, Fraction(0)) for j, s in split] + [sign * rhs])
    # Artificial columns are left out: once out of the basis they never return.
    artificial = [True] * m
    # Reduced costs of "minimise the sum of artificials" (all basic at the start).
    cost = [-sum(line[c] for line in tableau) for c in range(n + 1)]
    basis = [n + i for i in range(m)]
    while True:
        entering = next((c for c in range(n) if cost[c] < 0), None)
        if entering is None:
            break
        ratios = [
            (tableau[i][-1] / tableau[i][entering], basis[i], i)
            for i in range(m) if tableau[i][entering] > 0
        ]
        _, _, leave = min(ratios)  # never empty: the objective is bounded below by 0
        line = tableau[leave]
        lead = line[entering]
        line = [v / lead for v in line]
        tableau[leave] = line
        nonzero = [(c, v) for c, v in enumerate(line) if v]
        for target in [*(tableau[i] for i in range(m) if i != leave), cost]:
            factor = target[entering]
            if factor:
                for c, v in nonzero:
                    target[c] -= factor * v
        basis[leave] = entering
        artificial[leave] = False
    if any(tableau[i][-1] for i in range(m) if artificial[i]):
        return None
    solution = {j: Fraction(bound) for j, bound in lower.items()}
    for i, c in enumerate(basis):
        if not artificial[i]:
            j, sign = split[c]
            solution[j] = solution.get(j, Fraction(0)) + sign * tableau[i][-1]
    return solution


def _components(rows: list[dict[int, Fraction]]) -> list[list[int]]:
    """Indices of rows that share variables, grouped (union–find)."""
    parent: dict[int, int] = {}

    def root(j: int) -> int:
        while parent.setdefault(j, j) != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    for row in rows:
        first, *rest = row
        for j in rest:
            parent[root(j)] = root(first)
    groups: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(root(next(iter(row))), []).append(i)
    return list(groups.values())


def suppress_cells(
    values: Mapping[Cell, object],
    relations: Iterable[Relation],
    threshold: int = 3,
    force: Iterable[Cell] = (),
) -> Suppression:
    """Primary and secondary suppression for cells tied by additive relations.

    Args:
        values: count of every cell, in table order (the order breaks ties).
        relations: the additive relations a reader can use; each must hold.
        threshold: counts ``1 … threshold-1`` are suppressed (default 3: 1 and 2).
        force: cells to hide in any case (e.g. hidden in an earlier publication).

    Returns:
        A :class:`Suppression` whose ``suppressed`` set meets the guarantee in the
        module docstring.
    """
    counts = {cell: _count(value, cell) for cell, value in values.items()}
    unique = tuple(dict.fromkeys(Relation(r.total, tuple(r.parts)) for r in relations))
    for relation in unique:
        for cell in relation.cells:
            if cell not in counts:
                raise ValueError(f"relation {relation!r} names an unknown cell {cell!r}")
        if counts[relation.total] != sum(counts[p] for p in relation.parts):
            raise ValueError(
                f"cell {relation.total!r} is {counts[relation.total]}, but its parts sum "
                f"to {sum(counts[p] for p in relation.parts)}"
            )
    primary = primary_cells(counts, threshold)
    hidden = set(primary)
    for cell in force:
        if cell not in counts:
            raise ValueError(f"cannot force unknown cell {cell!r}")
        if counts[cell] == 0:
            raise ValueError(f"cell {cell!r} is 0; zeros stay visible")
        hidden.add(cell)
    # Cells that share no relation (directly or through others) cannot inform each other, and
    # steps 2 and 3 only look inside relations: each connected group is solved on its own,
    # which gives the same cells as one big run in a fraction of the time.
    for cells, group_relations in _connected_groups(counts, unique):
        group_hidden = {cell for cell in cells if cell in hidden}
        problem = _Problem({cell: counts[cell] for cell in cells}, group_relations)
        while True:  # steps 2 and 3 of the module docstring
            problem.close_relations(group_hidden)
            pinned = problem.pinned(group_hidden)
            if not pinned:
                break
            problem.repair(pinned[0], group_hidden)
        hidden |= group_hidden
    return Suppression(counts, unique, frozenset(hidden), primary, threshold)


def _connected_groups(counts: Mapping[Cell, int], relations: tuple[Relation, ...]
                      ) -> list[tuple[list[Cell], tuple[Relation, ...]]]:
    """The cells tied together by relations, each group with its relations (table order kept)."""
    parent = {cell: cell for cell in counts}

    def root(cell: Cell) -> Cell:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for relation in relations:
        first = root(relation.total)
        for part in relation.parts:
            other = root(part)
            if other != first:
                parent[other] = first
    cells_of: dict[Cell, list[Cell]] = {}
    for cell in counts:
        cells_of.setdefault(root(cell), []).append(cell)
    relations_of: dict[Cell, list[Relation]] = {}
    for relation in relations:
        relations_of.setdefault(root(relation.total), []).append(relation)
    return [(cells_of[key], tuple(group)) for key, group in relations_of.items()]


# --- tables ----------------------------------------------------------------------------


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
            values[key] = _count(counts[r], f"{where}, {r!r}")
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
        values[key] = _count(counts.at[r, c], f"{where}, row {r!r}, column {c!r}")
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
    total_label: str = TOTAL_LABELS["de"],
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
    total_label: str = TOTAL_LABELS["de"],
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
        table = suppress_table(table, threshold, totals=totals, total_label=TOTAL_LABELS[lang])
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


def _problem_of(published: Protected | Sequence[Protected] | Suppression) -> Suppression:
    if isinstance(published, Suppression):
        return published
    if isinstance(published, Protected):
        return published.cells
    problems = {id(p.cells): p.cells for p in published}
    if len(problems) != 1:
        raise ValueError("tables were not suppressed together; audit them one by one")
    return next(iter(problems.values()))


def pinned_cells(published: Protected | Sequence[Protected] | Suppression) -> list[Cell]:
    """Suppressed cells a reader can pin to one value — empty for a safe publication.

    The exact check of step 3 (module docstring), without scipy: all relations, the
    published counts and "every ``*`` is at least 1", over the reals. Works for any
    mask, e.g. one edited by hand.
    """
    problem = _problem_of(published)
    values = dict(problem.values)
    return _Problem(values, problem.relations).pinned(set(problem.suppressed))


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
    try:
        import numpy as np
        from scipy.optimize import linprog
    except ImportError as error:  # pragma: no cover - scipy is a dev dependency
        raise ImportError("the exact audit needs scipy (pip install scipy)") from error
    problem = _problem_of(published)
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
