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
Tables published together share cells: a cell is named by what it counts (the report's
``cell_key``: measure, status, programs, filter, dates), so "participants by gender" and
"participants by age band" share the grand total, and a site's row shares its counts
with the sum of its cohorts. Suppression is decided once for all of them
(:func:`suppress_cells`), so a cell hidden in one table is hidden in every table that
shows it. (The tests lay pandas tables out as cells and relations — one-way breakdowns,
cross tables with margins — in ``tests/report/audit.py``.)

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
  independently with scipy's LP solver (``derivable_cells`` in ``tests/report/audit.py``).

Limits
------
- It is a greedy heuristic, not an optimal (integer programming) solution: it may hide
  more than the minimum, and the result depends on the order of rows, columns and
  tables (deterministically: same input, same mask).
- The exact check works over the reals. For a single table with margins (and one-way
  breakdowns) the relations are totally unimodular, so a range wider than one value
  holds at least two whole numbers; for unusual linked structures a range could in
  principle hold a single whole number — the tests' ``derivable_cells`` checks whole numbers.
- Only exact disclosure is prevented, no minimum protection interval is enforced: a
  suppressed cell may be known to lie in a narrow range (``a + b = 3`` tells that
  ``a`` is 1 or 2 — which a ``*`` says anyway for a small count, but a large
  complement can also end up in a narrow range). Readers are assumed not to know
  which ``*`` are primary (that would add the bound ``< threshold``).
- Only declared relations are protected: tables published together must be described
  together, with :class:`Relation`s, in one :func:`suppress_cells` call; inequalities
  between measures (reached ≤ entered) and
  earlier publications (pass their hidden cells as ``force``) are not modelled.
- The exact check grows with the number of suppressed cells connected by relations;
  tables up to a few hundred suppressed cells take well under a second.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

Cell = Hashable
SUPPRESSED = "*"


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


# --- the engine: cells and relations -------------------------------------------------


def as_count(value: object, where: object) -> int:
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
    counts = {cell: as_count(value, cell) for cell, value in values.items()}
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


def pinned_cells(problem: Suppression) -> list[Cell]:
    """Suppressed cells a reader can pin to one value — empty for a safe publication.

    The exact check of step 3 (module docstring), without scipy: all relations, the
    published counts and "every ``*`` is at least 1", over the reals. Works for any
    mask, e.g. one edited by hand (``dataclasses.replace(problem, suppressed=…)``).
    """
    return _Problem(dict(problem.values), problem.relations).pinned(set(problem.suppressed))
