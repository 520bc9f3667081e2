"""Linear algebra for disclosure control, exact where it decides: no float rounding leaks.

`rref` (Gauss–Jordan elimination), `feasible` (phase one of the simplex method: is there an
x with row·x = rhs and x ≥ lower?) on fractions, `solve` (the same question answered fast
with a floating-point simplex in numpy, its answer rounded to whole numbers and checked
exactly; the exact `feasible` decides whenever that check fails) and `components` (rows
that share variables). A row is a dict column -> coefficient. Used by `suppression`; no
solver library, so the product needs none (scipy is a test-only dependency).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

import numpy as np

EPS = 1e-9  # the floating-point simplex's tolerance; whatever it finds is checked exactly

Row = dict[int, Fraction]


def rref(rows: list[Row]) -> list[tuple[int, Row]]:
    """Reduced row echelon form of sparse rows (column -> coefficient), exactly.

    Returns ``(pivot column, row)`` pairs; a pivot column is zero in every other row.
    """
    done: list[tuple[int, Row]] = []

    def subtract(target: Row, factor: Fraction, row: Row) -> None:
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


def direction(rows: list[Row], lower: Mapping[int, int], scale: set[int] | None = None) -> Row | None:
    """A d with rows·d = 0 and d[k] ≥ lower[k] (d free elsewhere), or None.

    With ``scale``, also ``sum(d[scale]) = 1``.
    """
    equations = [(row, Fraction(0)) for row in rows]
    if scale is not None:
        equations.append(({j: Fraction(1) for j in scale}, Fraction(1)))
    return feasible(equations, {j: Fraction(v) for j, v in lower.items()}, extra=scale or set())


def feasible(equations: list[tuple[Row, Fraction]], lower: Mapping[int, Fraction],
             extra: Iterable[int] = ()) -> Row | None:
    """An x with row·x = rhs for every (row, rhs) and x[k] ≥ lower[k] (x free elsewhere), or None.

    Phase one of the simplex method on exact fractions with Bland's rule (which cannot
    cycle): x[k] = lower[k] + e[k] with e[k] ≥ 0, free variables split in two non-negative
    halves, each equation gets an artificial variable and the sum of artificials is
    minimised; the system is solvable iff that minimum is 0. The solution is a vertex, so
    for the sums and bounds of a report (±1 coefficients) it is usually whole-numbered.
    Variables named only in `lower` or `extra` are part of the solution too.
    """
    used = sorted({j for row, _ in equations for j in row} | set(lower) | set(extra))
    split: list[tuple[int, int]] = []  # tableau column -> (variable, sign)
    for j in used:
        split.append((j, 1))
        if j not in lower:
            split.append((j, -1))
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
    solution = {j: Fraction(lower.get(j, 0)) for j in used}
    for i, c in enumerate(basis):
        if not artificial[i]:
            j, sign = split[c]
            solution[j] = solution.get(j, Fraction(0)) + sign * tableau[i][-1]
    return solution


def components(rows: list[Row]) -> list[list[int]]:
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


def solve(equations: list[tuple[Row, Fraction]], lower: Mapping[int, Fraction]) -> Row | None:
    """Like `feasible` (every variable needs a lower end here), preferring whole numbers.

    A floating-point phase one (numpy, Bland's rule) finds a vertex; rounded to whole
    numbers and checked exactly it is returned as is. When the rounded point fails the
    check, the exact `feasible` answers. When the float simplex finds no solution, None —
    a wrong "none" can only make suppression hide more, never less.
    """
    used = sorted({j for row, _ in equations for j in row} | set(lower))
    if any(j not in lower for j in used):
        raise ValueError("solve needs a lower end for every variable")
    if not equations:
        return {j: Fraction(lower[j]) for j in used}
    exactly = [({j: Fraction(v) for j, v in row.items()}, Fraction(rhs)) for row, rhs in equations]
    integral = [({j: int(v) for j, v in row.items()}, int(rhs)) for row, rhs in equations]
    if any(row[j] != v for (row, _), (original, _) in zip(integral, equations) for j, v in original.items()) or any(
            rhs != original for (_, rhs), (_, original) in zip(integral, equations)):
        return feasible(exactly, lower)  # not whole-numbered: the exact way only
    column = {j: c for c, j in enumerate(used)}
    m, n = len(equations), len(used)
    a = np.zeros((m, n))
    b = np.zeros(m)
    for i, (row, rhs) in enumerate(equations):
        for j, v in row.items():
            a[i, column[j]] = float(v)
        b[i] = float(rhs)
    low = np.array([float(lower[j]) for j in used])
    b -= a @ low
    flip = b < 0
    a[flip] *= -1
    b[flip] *= -1
    tableau = np.hstack([a, np.eye(m), b[:, None]])
    basis = list(range(n, n + m))
    cost = -tableau.sum(axis=0)
    cost[n:n + m] = 0
    stalled = 0  # pivots in a row that did not lower the objective
    for _ in range(50 * (n + m)):  # Bland's rule cannot cycle; this only guards a float mishap
        entering = np.flatnonzero(cost[:n] < -EPS)
        if not entering.size:
            break
        # Dantzig's rule (steepest reduced cost) is quick; after 20 stalled pivots Bland's
        # (first improving column, which cannot cycle) takes over
        e = int(entering[0]) if stalled > 20 else int(entering[np.argmin(cost[entering])])
        before = cost[-1]
        column_e = tableau[:, e]
        positive = column_e > EPS
        ratios = np.full(m, np.inf)
        ratios[positive] = tableau[positive, -1] / column_e[positive]
        best = ratios.min()
        leave = min(np.flatnonzero(ratios <= best + EPS), key=lambda i: basis[i])
        tableau[leave] /= tableau[leave, e]
        factors = tableau[:, e].copy()
        factors[leave] = 0
        tableau -= np.outer(factors, tableau[leave])
        cost -= cost[e] * tableau[leave]
        basis[leave] = e
        stalled = stalled + 1 if cost[-1] <= before + EPS else 0
    else:
        return feasible(exactly, lower)
    if -cost[-1] > 1e-6:
        return None
    x = low.copy()
    for i, c in enumerate(basis):
        if c < n:
            x[c] += tableau[i, -1]
    whole = {j: int(round(x[column[j]])) for j in used}
    if all(whole[j] >= lower[j] for j in used) and all(
            sum(v * whole[j] for j, v in row.items()) == rhs for row, rhs in integral):
        return {j: Fraction(v) for j, v in whole.items()}
    return feasible(exactly, lower)
