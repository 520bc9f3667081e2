"""Statistical disclosure control for count tables in published reports.

DESIGN.md, "Ministry reports and privacy": counts of 1 or 2 are shown as ``*``
(threshold configurable), secondary suppression hides any total or neighbour from which
a suppressed cell could be worked out, no percentage is computed from a suppressed cell,
and zero stays visible. The protection is judged as an attacker would: with every table
at once, their sums, equal totals and the natural inequalities, no ``*`` may be pinned to
one value and no small count may be proved to lie below the threshold.

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
with the sum of its cohorts. Readers also know *bounds* between cells (:class:`Bound`,
``sum(small) ≤ sum(large)``): started ≤ entered, results upon leaving ≤ leavers, "any
result" ≤ the sum of the single results. Suppression is decided once for all of them
(:func:`suppress_cells`), so a cell hidden in one table is hidden in every table that
shows it. (The tests lay pandas tables out as cells and relations — one-way breakdowns,
cross tables with margins — in ``tests/report/audit.py``.)

Everyone reading a report knows the rules, so a reader knows that a ``*`` is never 0
(zeros are shown) — every suppressed cell is at least 1.

When is a ``*`` protected?
--------------------------
A reader's view of a mask is every assignment of values to the ``*`` cells that agrees
with what is shown: each ``*`` at least 1, every relation and bound holding. A ``*`` is
*protected* when that view holds an assignment — a *witness* — in which

- a small count (``0 < value < threshold``) is ``threshold`` or more (so no reader can
  prove it small), and
- any other hidden count lies at least 1 away from its value (so no reader can pin it).

A witness is kept as its deviation from the true counts; it stays a witness for any mask
that still hides every cell it moves, so witnesses found once are reused (hiding more
never unprotects a cell). New ones are found with phase one of the simplex method
(``exact.solve``: numpy, its point rounded to whole numbers and checked exactly; on
fractions where that check fails), over the hidden cells near the cell, then all linked ones.

The algorithm
-------------
1. *Primary suppression*: every cell with ``0 < value < threshold``, totals included
   (a total of 2 is a count of two people), and the ``force``\\ d cells.
2. *Quick closure*: a relation with a single ``*`` gives it away (total minus the
   shown parts), and a shown total whose hidden parts are all 1 gives them away
   (``*, *, 0`` with total 2); each such relation gets a complement from its own cells.
3. *Protection*: the first unprotected ``*`` gets the cheapest complement that protects
   it — candidates are the shown, non-zero cells tied (through relations, bounds and other
   ``*``) to it, tried cheapest first — or, when no single cell does, the cheapest cell
   of its own relations. Steps 2–3 repeat until every ``*`` is protected. This always
   ends: once every non-zero cell of a connected group is hidden, the true counts scaled
   by ``threshold`` are a witness for all (relations and bounds are homogeneous).
4. *Pruning*: secondary cells are dropped again, most expensive first, wherever the rest
   still protects every ``*`` — greedy choices made early are often made redundant by
   later ones.

The *cost* of hiding a cell is what the reader loses: its value, times 1 + its height
(a subtotal counts double, a total over subtotals triple), and grand totals (a total that
is no part of another sum) and ``keep`` cells (a report's headline figures) come last of
all, whatever their value: they are hidden only when nothing else protects a cell.

Guarantee
---------
For the returned mask:

- every cell with ``0 < value < threshold`` is suppressed, and no zero is;
- with all relations and bounds of all linked tables together and "every ``*`` is at
  least 1", every primary ``*`` can reach ``threshold`` and every other ``*`` can move by
  at least 1 (over the real numbers; the witnesses are vertices, whole numbers for sums
  and bounds with coefficients ±1 — ``tests/report/test_publication_audit.py`` checks the
  published CSV of random reports with an independent integer-programming audit).
  :func:`unprotected_cells` re-checks this for any mask, :func:`pinned_cells` the weaker
  "no cell pinned by the relations alone".

Limits
------
- It is a greedy heuristic with pruning, not an optimal (integer programming) solution:
  it may hide more than the minimum, and the result depends on the order of rows,
  columns and tables (deterministically: same input, same mask).
- Beyond "a small count can reach the threshold" and "any other ``*`` can move by 1" no
  protection interval is enforced: a large complement may be known to lie in a narrow
  range. Readers are assumed not to know which ``*`` are primary (that would add the
  bound ``< threshold``).
- Only declared relations and bounds are protected: tables published together must be
  described together in one :func:`suppress_cells` call; earlier publications (pass their
  hidden cells as ``force``) are not modelled otherwise.
- Each new witness costs a simplex run over the linked ``*`` cells near the cell; a report
  of a program has a few dozen ``*`` and takes well under a second. A connected group with
  more than ``EXACT_LIMIT`` ``*`` after step 2 (the bench's program of 2,000 women in 1,428
  cohorts has 3,184 small counts) is too big for that: it gets only step 2 and the older
  check that no ``*`` is pinned by the relations alone (:func:`pinned_cells`) — there a
  reader may still prove a small count small, and may use the bounds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from pipelines.report import exact

Cell = Hashable
SUPPRESSED = "*"
TRIES = 16  # complements tried, cheapest first, for one unprotected cell (step 3)
# Witness searches steps 3 and 4 may spend on trying complements and on pruning in one group.
# A report has a few dozen '*' and stays far below; a table of hundreds then falls back to
# "the cheapest cell of its own relations" and is pruned partly — deterministic, and a cell
# left hidden is never unsafe.
# A group with more '*' than this after step 2 (a program with a thousand cohorts of one or two)
# gets the relations-only check of `pinned_cells` instead of witnesses: see "Limits".
EXACT_LIMIT = 250
REPAIR_SEARCHES = 150
PRUNE_SEARCHES = 150


@dataclass(frozen=True)
class Relation:
    """An additive relation between published cells: ``total = sum(parts)``."""

    total: Cell
    parts: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Bound:
    """An inequality a reader knows between published cells: ``sum(small) ≤ sum(large)``
    (started ≤ entered, results ≤ leavers, "any result" ≤ the sum of the results …)."""

    small: tuple[Cell, ...]
    large: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (*self.small, *self.large)


@dataclass(frozen=True)
class Suppression:
    """The outcome of :func:`suppress_cells`: values, relations, bounds and what is hidden."""

    values: Mapping[Cell, int]
    relations: tuple[Relation, ...]
    suppressed: frozenset[Cell]
    primary: frozenset[Cell]
    threshold: int
    bounds: tuple[Bound, ...] = ()

    @property
    def secondary(self) -> frozenset[Cell]:
        """Cells hidden only to protect other cells."""
        return self.suppressed - self.primary


# --- the engine: cells, relations and bounds ---------------------------------------------


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


# The linear system a reader has for one mask: variables are the hidden cells (then one
# slack per bound), rows are (coefficients, right-hand side), every variable has a lower end.
_System = tuple[dict[Cell, int], list[tuple[dict[int, int], int]], dict[int, Fraction]]


class _Problem:
    """Working state of one secondary-suppression run over one connected group of cells."""

    def __init__(self, values: dict[Cell, int], relations: tuple[Relation, ...],
                 bounds: tuple[Bound, ...] = (), threshold: int = 3, keep: Iterable[Cell] = ()):
        self.values = values
        self.relations = relations
        self.bounds = bounds
        self.threshold = threshold
        self.order = {cell: i for i, cell in enumerate(values)}
        # what ties cells together for a reader: relations, then bounds
        self.links: list[tuple[Cell, ...]] = [r.cells for r in relations] + [b.cells for b in bounds]
        self.member: dict[Cell, list[int]] = {cell: [] for cell in values}
        for i, cells in enumerate(self.links):
            for cell in cells:
                self.member[cell].append(i)
        self.height = self._heights()
        parts = {p for r in relations for p in r.parts}
        # hidden last: grand totals (no part of another sum) and the caller's headline figures
        self.last = {r.total for r in relations if r.total not in parts} | {c for c in keep if c in values}
        # witnesses as the cells they move, listed under every cell they protect
        self.protecting: dict[Cell, list[frozenset[Cell]]] = {}
        self._pinned_groups: dict[frozenset[Cell], list[Cell]] = {}
        self.searches = 0  # witness searches so far (each one simplex run)
        self.tried = 0  # of them, complements tried by `repair`

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

    def cost(self, cell: Cell) -> tuple:
        """What hiding the cell costs a reader (module docstring), ties broken by table order."""
        return (cell in self.last, self.values[cell] * (1 + self.height[cell]), self.order[cell])

    # -- step 2: the quick closure ------------------------------------------------------

    def exposed(self, relation: Relation, hidden: set[Cell] | frozenset[Cell]) -> bool:
        """True when a suppressed cell of the relation can be worked out from it alone."""
        return self._exposes([cell for cell in relation.cells if cell in hidden], relation.total in hidden)

    def _exposes(self, inside: list[Cell], total_hidden: bool) -> bool:
        """`exposed`, given the relation's hidden cells (`inside`, repeats kept) and whether its
        total is one of them."""
        if not inside:
            return False
        if len(inside) == 1:
            return True
        # Total published and all suppressed parts are 1: each '*' is ≥ 1, so each is 1.
        return not total_hidden and sum(self.values[c] for c in inside) == len(inside)

    def pick(self, cells: Iterable[Cell], helps: Mapping[Cell, int]) -> Cell:
        """The complement preferred among candidate cells: the cheapest, then one that also
        sits in another exposed relation (one suppression serves two)."""
        return min(cells, key=lambda c: (c in self.last, self.values[c] * (1 + self.height[c]),
                                         -helps.get(c, 0), self.order[c]))

    def candidates(self, relation: Relation, hidden: set[Cell]) -> list[Cell]:
        """The shown non-zero cells of the relation, those that leave it unexposed when hidden
        first (without copying `hidden` for each: a site's relation has a hundred cohorts)."""
        published = [c for c in relation.cells if c not in hidden and self.values[c] > 0]
        inside = [c for c in relation.cells if c in hidden]
        total_hidden = relation.total in hidden
        times = Counter(relation.cells)
        fixing = [c for c in published
                  if not self._exposes(inside + [c] * times[c], total_hidden or c == relation.total)]
        return fixing or published

    def close_relations(self, hidden: set[Cell]) -> None:
        """Step 2: give every exposed relation a complement until none is exposed.

        Whether a relation is exposed changes only with its own cells: it is worked out once and
        again for the relations of each cell hidden here."""
        n_relations = len(self.relations)
        exposed = [self.exposed(relation, hidden) for relation in self.relations]
        changed = True
        while changed:
            changed = False
            for i, relation in enumerate(self.relations):
                if not exposed[i]:
                    continue
                options = self.candidates(relation, hidden)
                if not options:  # cannot happen for consistent counts; see docstring
                    raise ValueError(f"no cell left to protect the relation {relation!r}")
                cell = self.pick(options, self._exposed_memberships(exposed))
                hidden.add(cell)
                for j in self.member[cell]:
                    if j < n_relations:
                        exposed[j] = self.exposed(self.relations[j], hidden)
                changed = True

    def _exposed_memberships(self, exposed: list[bool]) -> dict[Cell, int]:
        """How many exposed relations each cell is in."""
        counts: dict[Cell, int] = {}
        for relation, is_exposed in zip(self.relations, exposed):
            if is_exposed:
                for cell in relation.cells:
                    counts[cell] = counts.get(cell, 0) + 1
        return counts

    # -- step 3: protection by witnesses ------------------------------------------------

    def protects(self, cell: Cell, value: Fraction) -> bool:
        """True when a reader who cannot rule out `value` for the cell learns nothing."""
        true = self.values[cell]
        return value >= self.threshold if true < self.threshold else abs(value - true) >= 1

    def covered(self, cell: Cell, hidden: set[Cell] | frozenset[Cell]) -> bool:
        """True when a known witness protects the cell under this mask."""
        return any(support <= hidden for support in self.protecting.get(cell, ()))

    def system(self, variables: Iterable[Cell]) -> _System:
        """The reader's equations with `variables` free (every other cell at its count):
        parts − total = −shown, small − large + slack = … (slack ≥ 0), variables ≥ 1."""
        index = {cell: j for j, cell in enumerate(sorted(variables, key=self.order.__getitem__))}
        equations: list[tuple[dict[int, int], int]] = []
        lower: dict[int, Fraction] = dict.fromkeys(range(len(index)), Fraction(1))

        def linear(terms: Iterable[tuple[Cell, int]]) -> tuple[dict[int, int], int]:
            row: dict[int, int] = {}
            constant = 0
            for cell, sign in terms:
                if cell in index:
                    row[index[cell]] = row.get(index[cell], 0) + sign
                else:
                    constant += sign * self.values[cell]
            return {j: v for j, v in row.items() if v}, -constant

        n_relations = len(self.relations)
        for i in sorted({i for cell in index for i in self.member[cell]}):
            if i < n_relations:
                relation = self.relations[i]
                row, rhs = linear(((relation.total, -1), *((p, 1) for p in relation.parts)))
            else:
                bound = self.bounds[i - n_relations]
                row, rhs = linear((*((c, 1) for c in bound.small), *((c, -1) for c in bound.large)))
                if row:
                    slack = len(lower)
                    row[slack], lower[slack] = 1, Fraction(0)
            if row:
                equations.append((row, rhs))
        return index, equations, lower

    def _near(self, cell: Cell, hidden: set[Cell] | frozenset[Cell], steps: int | None) -> set[Cell]:
        """Hidden cells linked to `cell` through hidden cells, at most `steps` links away (None: all)."""
        seen, ring = {cell}, [cell]
        while ring and (steps is None or steps > 0):
            steps = None if steps is None else steps - 1
            ring = [other for current in ring for i in self.member[current] for other in self.links[i]
                    if other in hidden and other not in seen and not seen.add(other)]
        return seen

    def witness(self, cell: Cell, hidden: set[Cell] | frozenset[Cell]) -> dict[Cell, Fraction] | None:
        """A new witness protecting `cell` under this mask, or None.

        Searched near the cell first (the hidden cells 2, 4, 8 links away free, the rest at their
        counts — a witness found so is one for the whole mask), then over all linked hidden cells.
        """
        tried: set[Cell] = set()
        for steps in (2, 4, 8, None):
            variables = self._near(cell, hidden, steps)
            if variables == tried:
                continue
            tried = variables
            self.searches += 1
            moves = self._witness_among(cell, self.system(variables))
            if moves is not None:
                return moves
        return None

    def _witness_among(self, cell: Cell, system: _System) -> dict[Cell, Fraction] | None:
        index, equations, lower = system
        j, true = index[cell], self.values[cell]
        group = next((g for g in exact.components([row for row, _ in equations])
                      if any(j in equations[i][0] for i in g)), [])
        rows = [equations[i] for i in group]
        one, tries = 1, []
        if true < self.threshold:
            tries.append(({j: Fraction(self.threshold)}, []))
        else:
            tries.append(({j: Fraction(true + 1)}, []))
            if true >= 2:  # or one lower: cell + s = true - 1, s ≥ 0
                below = max(lower) + 1
                tries.append(({below: Fraction(0)}, [({j: one, below: one}, true - 1)]))
        cells = {k: c for c, k in index.items()}
        for ends, extra in tries:
            named = {k for row, _ in rows + extra for k in row} | {j}
            solution = exact.solve(rows + extra, {k: ends.get(k, lower.get(k, Fraction(0)))
                                                  for k in named})
            if solution is not None:
                moves = {cells[k]: v - self.values[cells[k]] for k, v in solution.items()
                         if k in cells and v != self.values[cells[k]]}
                support = frozenset(moves)
                for moved, by in moves.items():
                    if self.protects(moved, self.values[moved] + by):
                        self.protecting.setdefault(moved, []).append(support)
                return moves
        return None

    def unprotected(self, hidden: set[Cell] | frozenset[Cell], first_only: bool = False) -> list[Cell]:
        """Hidden cells no witness protects under this mask (table order)."""
        found: list[Cell] = []
        for cell in sorted(hidden, key=self.order.__getitem__):
            if self.covered(cell, hidden):
                continue
            if self.witness(cell, hidden) is None:
                found.append(cell)
                if first_only:
                    break
        return found

    def repair(self, cell: Cell, hidden: set[Cell]) -> None:
        """Hide the cheapest cell that protects `cell`, else the cheapest of its relations."""
        tied = self._tied(cell, hidden)
        for option in tied[:TRIES]:
            if self.tried >= REPAIR_SEARCHES:
                break
            self.tried += 1
            if self.witness(cell, hidden | {option}) is not None:
                hidden.add(option)
                return
        self.complement(cell, hidden, tied)

    def complement(self, cell: Cell, hidden: set[Cell], tied: list[Cell] | None = None) -> None:
        """Hide the cheapest shown cell of the cell's own relations (else bounds, else `tied`)."""
        n_relations = len(self.relations)
        own = [c for i in self.member[cell] if i < n_relations for c in self.links[i]
               if c not in hidden and self.values[c] > 0]
        own = own or [c for i in self.member[cell] for c in self.links[i] if c not in hidden and self.values[c] > 0]
        options = own or tied or [c for c in self.values if c not in hidden and self.values[c] > 0]
        if not options:  # cannot happen: see "This always ends" in the module docstring
            raise ValueError(f"cell {cell!r} cannot be protected")
        hidden.add(min(options, key=self.cost))

    def _tied(self, cell: Cell, hidden: set[Cell]) -> list[Cell]:
        """Shown non-zero cells linked to `cell` directly or through other hidden cells, cheapest first."""
        seen, todo, found = {cell}, [cell], set()
        while todo:
            current = todo.pop()
            for i in self.member[current]:
                for other in self.links[i]:
                    if other in seen:
                        continue
                    seen.add(other)
                    if other in hidden:
                        todo.append(other)
                    elif self.values[other] > 0:
                        found.add(other)
        return sorted(found, key=self.cost)

    # -- step 4: pruning ------------------------------------------------------------------

    def prune(self, hidden: set[Cell], fixed: set[Cell]) -> None:
        """Show secondary cells again, most expensive first, where every '*' stays protected
        (within `PRUNE_SEARCHES` witness searches)."""
        budget = self.searches + PRUNE_SEARCHES
        for cell in sorted(hidden - fixed, key=self.cost, reverse=True):
            if self.searches >= budget:
                break
            trial = frozenset(hidden - {cell})
            if any(self.exposed(self.relations[i], set(trial))
                   for i in self.member[cell] if i < len(self.relations)):
                continue
            if not self.unprotected(trial, first_only=True):
                hidden.discard(cell)

    # -- the relations-only check of pinned_cells -------------------------------------------

    def pinned(self, hidden: set[Cell]) -> list[Cell]:
        """Suppressed cells pinned by all relations together and the bound ≥ 1."""
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
        for group in exact.components(rows):
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
            if exact.direction(rows, lower) is not None:
                movable = set(at_bound)
                break
            direction = exact.direction(rows, dict.fromkeys(at_bound, 0), at_bound - movable)
            if direction is None:
                break
            movable |= {j for j in at_bound if direction.get(j, 0) > 0}
        stuck = [{j: Fraction(1)} for j in sorted(at_bound - movable)]
        # With the stuck cells fixed, some direction is strictly positive on every
        # movable bound cell, so a cell moves iff the equations alone do not fix it.
        return [columns[j] for j, row in exact.rref(rows + stuck) if len(row) == 1]


def suppress_cells(
    values: Mapping[Cell, object],
    relations: Iterable[Relation],
    threshold: int = 3,
    force: Iterable[Cell] = (),
    bounds: Iterable[Bound] = (),
    keep: Iterable[Cell] = (),
) -> Suppression:
    """Primary and secondary suppression for cells tied by additive relations and bounds.

    Args:
        values: count of every cell, in table order (the order breaks ties).
        relations: the additive relations a reader can use; each must hold.
        threshold: counts ``1 … threshold-1`` are suppressed (default 3: 1 and 2).
        force: cells to hide in any case (e.g. hidden in an earlier publication).
        bounds: the inequalities a reader can use (``sum(small) ≤ sum(large)``); each must hold.
        keep: headline figures, hidden as complements only when nothing else protects a
            cell (grand totals are treated so anyway).

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
    known = tuple(dict.fromkeys(Bound(tuple(b.small), tuple(b.large)) for b in bounds))
    for bound in known:
        for cell in bound.cells:
            if cell not in counts:
                raise ValueError(f"bound {bound!r} names an unknown cell {cell!r}")
        if sum(counts[c] for c in bound.small) > sum(counts[c] for c in bound.large):
            raise ValueError(f"bound {bound!r} does not hold for the counts")
    primary = primary_cells(counts, threshold)
    hidden = set(primary)
    for cell in force:
        if cell not in counts:
            raise ValueError(f"cannot force unknown cell {cell!r}")
        if counts[cell] == 0:
            raise ValueError(f"cell {cell!r} is 0; zeros stay visible")
        hidden.add(cell)
    fixed = set(hidden)
    keep = set(keep)
    # Cells that share no relation or bound (directly or through others) cannot inform each
    # other: each connected group is solved on its own, the same cells in a fraction of the time.
    for cells, group_relations, group_bounds in _connected_groups(counts, unique, known):
        group_hidden = {cell for cell in cells if cell in hidden}
        if not group_hidden:
            continue
        problem = _Problem({cell: counts[cell] for cell in cells}, group_relations, group_bounds,
                           threshold, keep)
        problem.close_relations(group_hidden)
        if len(group_hidden) > EXACT_LIMIT:  # see "Limits": relations only, as before
            while pinned := problem.pinned(group_hidden):
                problem.complement(pinned[0], group_hidden)
                problem.close_relations(group_hidden)
            hidden |= group_hidden
            continue
        while unsafe := problem.unprotected(group_hidden, first_only=True):  # steps 2 and 3
            problem.repair(unsafe[0], group_hidden)
            problem.close_relations(group_hidden)
        problem.prune(group_hidden, fixed)  # step 4
        hidden |= group_hidden
    return Suppression(counts, unique, frozenset(hidden), primary, threshold, known)


def _connected_groups(counts: Mapping[Cell, int], relations: tuple[Relation, ...],
                      bounds: tuple[Bound, ...] = ()
                      ) -> list[tuple[list[Cell], tuple[Relation, ...], tuple[Bound, ...]]]:
    """The cells tied together by relations and bounds, each group with its relations and
    bounds (table order kept). A cell in no relation or bound is a group of its own."""
    parent = {cell: cell for cell in counts}

    def root(cell: Cell) -> Cell:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for link in [r.cells for r in relations] + [b.cells for b in bounds]:
        first = root(link[0])
        for cell in link[1:]:
            other = root(cell)
            if other != first:
                parent[other] = first
    cells_of: dict[Cell, list[Cell]] = {}
    for cell in counts:
        cells_of.setdefault(root(cell), []).append(cell)
    relations_of: dict[Cell, list[Relation]] = {}
    for relation in relations:
        relations_of.setdefault(root(relation.total), []).append(relation)
    bounds_of: dict[Cell, list[Bound]] = {}
    for bound in bounds:
        bounds_of.setdefault(root(bound.cells[0]), []).append(bound)
    return [(cells, tuple(relations_of.get(key, ())), tuple(bounds_of.get(key, ())))
            for key, cells in cells_of.items()]


def pinned_cells(problem: Suppression) -> list[Cell]:
    """Suppressed cells a reader can pin to one value by the relations alone — empty for a
    safe publication.

    All relations, the published counts and "every ``*`` is at least 1", over the reals
    (bounds are left out: see :func:`unprotected_cells` for the full check). Works for any
    mask, e.g. one edited by hand (``dataclasses.replace(problem, suppressed=…)``).
    """
    return _Problem(dict(problem.values), problem.relations).pinned(set(problem.suppressed))


def unprotected_cells(problem: Suppression) -> list[Cell]:
    """Suppressed cells without a witness (module docstring) — empty for a safe publication:
    pinned, or (a small count) proved below the threshold, by all relations and bounds."""
    check = _Problem(dict(problem.values), problem.relations, problem.bounds, problem.threshold)
    return check.unprotected(problem.suppressed)
