"""Disclosure control: hand-worked tables that tempt differencing, each proven safe.

Every test states the published table as a reader sees it and then runs two exact
audits: `pinned_cells` (the module's own rational check) and `derivable_cells`
(linear programming with scipy, an independent implementation in `audit.py`, which also
lays pandas tables out as cells and relations).
"""

from __future__ import annotations

import dataclasses
import doctest

import numpy as np
import pandas as pd
import pytest

from pipelines.report import suppression
from pipelines.report.suppression import Relation, suppress_cells
from tests.report import audit
from tests.report.audit import display_table, suppress_linked, suppress_table


def cross(rows: dict[str, list[int]], columns: list[str], row_dim="site", col_dim="gender"):
    return pd.DataFrame(
        list(rows.values()),
        index=pd.Index(list(rows), name=row_dim),
        columns=pd.Index(columns, name=col_dim),
    )


def breakdown(counts: dict[str, int], dim: str) -> pd.Series:
    return pd.Series(counts, index=pd.Index(list(counts), name=dim), dtype="int64")


def shown(protected, lang="de") -> list:
    """The table as printed: formatted numbers and '*'."""
    text, _ = display_table(protected, lang=lang)
    return text.values.tolist() if len(text.columns) > 1 else text.iloc[:, 0].tolist()


def assert_safe(published):
    """No suppressed cell can be worked out: both exact audits, plus the relation rule."""
    pytest.importorskip("scipy")
    assert audit.pinned_cells(published) == []
    assert audit.derivable_cells(published) == []
    cells = audit.problem_of(published)
    for relation in cells.relations:
        hidden = [c for c in relation.cells if c in cells.suppressed]
        assert len(hidden) != 1, relation


def with_mask(published, hidden) -> suppression.Suppression:
    """The same published cells, but another choice of hidden cells (for audits)."""
    return dataclasses.replace(audit.problem_of(published), suppressed=frozenset(hidden))


# --- primary suppression -----------------------------------------------------------


def test_small_counts_hidden_zero_visible_and_the_complement_skips_the_zero():
    # 1 is hidden; its natural complement, the next smallest category, is a 0 — known,
    # so it cannot protect: the next non-zero category (7) is hidden instead.
    p = suppress_table(breakdown({"a": 1, "b": 0, "c": 7, "d": 12}, "band"))
    assert shown(p) == ["*", "0", "*", "12", "20"]
    assert p.table.tolist() == [1, 0, 7, 12, 20]
    assert p.cells.primary == {(("band", "a"),)}
    assert p.cells.secondary == {(("band", "c"),)}
    assert_safe(p)


def test_primary_cells_threshold_and_zero():
    values = {"a": 0, "b": 1, "c": 2, "d": 3, "e": 4, "f": 5}
    assert suppression.primary_cells(values) == {"b", "c"}
    assert suppression.primary_cells(values, threshold=5) == {"b", "c", "d", "e"}
    assert suppression.primary_cells(values, threshold=1) == set()
    with pytest.raises(ValueError, match="threshold"):
        suppression.primary_cells(values, threshold=0)


def test_threshold_five():
    # 4 < 5 is hidden, 5 is not; the smallest other category (5) protects it.
    p = suppress_table(breakdown({"a": 4, "b": 5, "c": 9, "d": 0}, "band"), threshold=5)
    assert shown(p) == ["*", "*", "9", "0", "18"]
    assert_safe(p)
    table = cross({"Kassel": [4, 6, 12], "Fulda": [7, 8, 9]}, ["w", "m", "d"])
    p = suppress_table(table, threshold=5)
    assert shown(p) == [
        ["*", "*", "12", "22"],
        ["*", "*", "9", "24"],
        ["11", "14", "21", "46"],
    ]
    assert_safe(p)


def test_zero_stays_visible_even_in_a_row_full_of_suppression():
    table = cross({"Kassel": [0, 1, 2], "Fulda": [0, 9, 8]}, ["w", "m", "d"])
    p = suppress_table(table)
    # Kassel's total 3 hides too: beside it, m + d = 3 would prove both to be 1 or 2 (the old
    # expectation, ["0", "*", "*", "3"], was that breach); Fulda's total then protects it
    assert shown(p) == [
        ["0", "*", "*", "*"],
        ["0", "*", "*", "*"],
        ["0", "10", "10", "20"],
    ]
    assert audit.feasible_ranges(p)[(("gender", "m"), ("site", "Kassel"))] == pytest.approx((1, 9))
    assert not (p.mask & (p.table == 0)).any().any()
    assert_safe(p)
    with pytest.raises(ValueError, match="zeros stay visible"):
        suppress_table(table, force=[(("gender", "w"), ("site", "Kassel"))])


# --- secondary suppression in one table ----------------------------------------------


def test_one_suppressed_cell_in_a_row_with_a_total():
    # Kassel/w = 1 would be 14 − 9 − 4. The smallest neighbour in the row (4) is hidden,
    # then each column needs a partner: Fulda/w, and Fulda/d (which also fixes Fulda's
    # row). Totals stay visible.
    table = cross({"Kassel": [1, 9, 4], "Fulda": [6, 8, 5]}, ["w", "m", "d"])
    p = suppress_table(table)
    assert shown(p) == [
        ["*", "9", "*", "14"],
        ["*", "8", "*", "19"],
        ["7", "17", "9", "33"],
    ]
    assert list(p.table.columns) == ["w", "m", "d", "Gesamt"]
    # a reader knows Kassel/w + Kassel/d = 5 and Kassel/w + Fulda/w = 7: w is 1 … 4
    ranges = audit.feasible_ranges(p)
    assert ranges[(("gender", "w"), ("site", "Kassel"))] == pytest.approx((1, 4))
    assert_safe(p)
    # the naive table (only the 1 hidden) gives it away
    naive = with_mask(p, p.cells.primary)
    assert audit.derivable_cells(naive) == [(("gender", "w"), ("site", "Kassel"))]
    assert audit.pinned_cells(naive) == [(("gender", "w"), ("site", "Kassel"))]


def test_a_rectangle_of_small_counts_gets_room_to_reach_the_threshold():
    # The rectangle alone would tell r1: a+b = 3, a: r1+r2 = 3, … — each cell 1 or 2, proved
    # small (DESIGN.md; the old expectation hid nothing more). Complements in column c and
    # row r3 give every '*' room up to 3.
    table = cross({"r1": [1, 2, 6], "r2": [2, 1, 7], "r3": [5, 6, 8]}, ["a", "b", "c"])
    p = suppress_table(table)
    assert shown(p) == [
        ["*", "*", "*", "9"],
        ["*", "*", "*", "10"],
        ["*", "*", "8", "19"],
        ["8", "9", "21", "38"],
    ]
    assert len(p.cells.secondary) == 4
    a_r1 = (("gender", "a"), ("site", "r1"))
    assert audit.feasible_ranges(p)[a_r1] == pytest.approx((1, 3))
    assert suppression.unprotected_cells(p.cells) == []
    assert suppression.unprotected_cells(with_mask(p, p.cells.primary)) == sorted(
        p.cells.primary, key=list(p.cells.values).index)
    assert_safe(p)


def test_complements_cascade_across_rows_and_columns():
    # Zeros block the short ways round: r1's partner is r1/b (r1/c is 0), column b's is
    # r2/b (r3/b is 0), column a's is r3/a (r2/a is 0); then r2 and r3 each need one more,
    # both in column c — a six-cell cycle, every value free between bounds.
    table = cross({"r1": [1, 5, 0], "r2": [0, 4, 6], "r3": [7, 0, 8]}, ["a", "b", "c"])
    p = suppress_table(table)
    assert shown(p) == [
        ["*", "*", "0", "6"],
        ["0", "*", "*", "10"],
        ["*", "0", "*", "15"],
        ["8", "9", "14", "31"],
    ]
    # r1/a = t, r1/b = 6 − t, r2/b = 3 + t, r2/c = 7 − t, r3/c = 7 + t, r3/a = 8 − t
    a_r1 = (("gender", "a"), ("site", "r1"))
    assert audit.feasible_ranges(p)[a_r1] == pytest.approx((1, 5))
    assert_safe(p)


def test_differences_that_force_ones_are_caught():
    # Row by row, column by column each hidden set looks fine, but together:
    # c0: r1 + r2 = 4, c1: r1 + r2 = 9, row r1: c0 + c1 = 11  =>  r2/c0 + r2/c1 = 2,
    # and every '*' is at least 1, so both are 1 (and r1/c0 = 3, r1/c1 = 8).
    # The combination check hides r0/c0 as well.
    table = cross({"r0": [8, 5, 5], "r1": [3, 8, 8], "r2": [1, 1, 1]}, ["c0", "c1", "c2"])
    p = suppress_table(table)
    # r2's three 1s need room to reach 3: r2's total and cells of r0 and r1 hide with them
    assert shown(p) == [
        ["8", "*", "*", "*"],
        ["*", "*", "8", "19"],
        ["*", "*", "*", "*"],
        ["12", "14", "14", "40"],
    ]
    assert_safe(p)
    assert suppression.unprotected_cells(p.cells) == []
    # the mask of relations alone, without r0/c0: the differences pin four cells
    cell = {(r, c): (("gender", c), ("site", r)) for r in ("r0", "r1", "r2") for c in ("c0", "c1", "c2")}
    without_r0_c0 = with_mask(p, {cell["r0", "c2"], (("site", "r0"),), cell["r1", "c0"], cell["r1", "c1"],
                                  cell["r2", "c0"], cell["r2", "c1"], cell["r2", "c2"], (("site", "r2"),)})
    pinned = {
        (("gender", "c0"), ("site", "r1")): 3,
        (("gender", "c1"), ("site", "r1")): 8,
        (("gender", "c0"), ("site", "r2")): 1,
        (("gender", "c1"), ("site", "r2")): 1,
    }
    assert set(audit.derivable_cells(without_r0_c0)) == set(pinned)
    assert set(audit.pinned_cells(without_r0_c0)) == set(pinned)
    ranges = audit.feasible_ranges(without_r0_c0)
    for cell, value in pinned.items():
        assert ranges[cell] == pytest.approx((value, value))


def test_a_grand_total_of_two():
    table = cross({"Kassel": [1, 0], "Fulda": [0, 1]}, ["w", "m"])
    p = suppress_table(table)
    assert shown(p) == [["*", "0", "*"], ["0", "*", "*"], ["*", "*", "*"]]
    assert_safe(p)
    p = suppress_table(breakdown({"w": 1, "m": 1, "d": 0}, "gender"))
    assert shown(p) == ["*", "*", "0", "*"]
    assert_safe(p)


def test_a_total_that_gives_away_all_ones():
    # Total 3 is not small, but 3 hidden categories summing to 3 are all 1: hide it too.
    p = suppress_table(breakdown({"a": 1, "b": 1, "c": 1, "d": 0}, "band"))
    assert shown(p) == ["*", "*", "*", "0", "*"]
    assert p.cells.secondary == {()}
    assert_safe(p)


def test_a_table_of_measures_has_a_total_row_only():
    counts = cross({"Kassel": [1250, 937], "Fulda": [2, 1], "Marburg": [10, 0]},
                   ["entered", "reached"], col_dim="measure")
    p = suppress_table(counts, totals="bottom")
    assert list(p.table.columns) == ["entered", "reached"]
    assert shown(p) == [["1.250", "*"], ["*", "*"], ["*", "0"], ["1.262", "938"]]
    assert_safe(p)


# --- several tables published together -------------------------------------------------


def test_shared_grand_total_across_two_tables():
    # Gender: three 1s — their total 3 must go. Alone, the age table has nothing small and
    # would print 3 as its total, so a reader would learn w = m = d = 1. Linked, the age
    # table hides its total too, and so one age band with it.
    gender = breakdown({"w": 1, "m": 1, "d": 1}, "gender")
    age = breakdown({"<25": 0, "25+": 3}, "age_band")
    by_gender, by_age = suppress_linked([gender, age])
    assert shown(by_gender) == ["*", "*", "*", "*"]
    assert shown(by_age) == ["0", "*", "*"]
    assert by_gender.cells is by_age.cells
    assert_safe([by_gender, by_age])
    # each table suppressed on its own is unsafe once both are published
    assert shown(suppress_table(age)) == ["0", "3", "3"]
    ones = {(("gender", "w"),), (("gender", "m"),), (("gender", "d"),)}
    assert set(audit.derivable_cells(with_mask(by_gender, ones))) == ones


def test_cross_table_shares_its_margins_with_a_breakdown():
    # site × gender and the site breakdown (the cross table's row totals) and an age
    # breakdown (same grand total): one cell, one decision, in every table.
    table = cross({"Kassel": [1, 9, 4], "Fulda": [6, 8, 5]}, ["w", "m", "d"])
    by_site = breakdown({"Kassel": 14, "Fulda": 19}, "site")
    by_age = breakdown({"<25": 2, "25-34": 20, "35+": 11}, "age_band")
    p_cross, p_site, p_age = suppress_linked([table, by_site, by_age])
    assert shown(p_cross) == [
        ["*", "9", "*", "14"],
        ["*", "8", "*", "19"],
        ["7", "17", "9", "33"],
    ]
    assert shown(p_site) == ["14", "19", "33"]
    assert shown(p_age) == ["*", "20", "*", "33"]  # 11 is the smallest partner of 2
    assert p_site.keys.tolist() == [(("site", "Kassel"),), (("site", "Fulda"),), ()]
    assert_safe([p_cross, p_site, p_age])


def test_linked_tables_must_count_the_same_people():
    with pytest.raises(ValueError, match="disagree on the grand total: 3 vs 4"):
        suppress_linked([breakdown({"w": 1, "m": 2}, "gender"), breakdown({"a": 4}, "age")])


# --- the engine on its own ---------------------------------------------------------


def test_hierarchy_and_an_earlier_publication():
    # total = north + south, north = s1 + s2, south = s3 + s4
    values = {"total": 16, "north": 7, "south": 9, "s1": 1, "s2": 6, "s3": 4, "s4": 5}
    relations = [
        Relation("total", ("north", "south")),
        Relation("north", ("s1", "s2")),
        Relation("south", ("s3", "s4")),
    ]
    result = suppress_cells(values, relations)
    assert result.suppressed == {"s1", "s2"}  # a site, not the region, protects s1
    assert_safe(result)
    # s3 was hidden in last year's report of the same figures: keep it hidden, safely
    result = suppress_cells(values, relations, force=["s3"])
    assert result.suppressed == {"s1", "s2", "s3", "s4"}
    assert result.primary == {"s1"}
    assert_safe(result)


def test_a_bridge_between_two_safe_blocks_is_repaired():
    # Two 2×2 blocks are each safe, but a lone cell joining them is the difference of
    # sums: r1 + r2 + r3 + r4 (row totals) minus c1 + c2 (column totals).
    values = {f"x{r}{c}": 5 for r in range(1, 5) for c in range(1, 5)}
    rows = {r: tuple(f"x{r}{c}" for c in range(1, 5)) for r in range(1, 5)}
    cols = {c: tuple(f"x{r}{c}" for r in range(1, 5)) for c in range(1, 5)}
    values |= {f"R{r}": 20 for r in rows} | {f"C{c}": 20 for c in cols} | {"T": 80}
    relations = [Relation(f"R{r}", parts) for r, parts in rows.items()]
    relations += [Relation(f"C{c}", parts) for c, parts in cols.items()]
    relations += [Relation("T", tuple(f"R{r}" for r in rows)),
                  Relation("T", tuple(f"C{c}" for c in cols))]
    blocks = {"x11", "x12", "x21", "x22", "x33", "x34", "x43", "x44"}
    bridged = with_mask(suppress_cells(values, relations, threshold=1), blocks | {"x23"})
    assert audit.pinned_cells(bridged) == ["x23"]
    result = suppress_cells(values, relations, threshold=1, force=blocks | {"x23"})
    # x13 (first of the smallest neighbours) closes the cycle r1-c3-r2-c1
    assert result.suppressed == blocks | {"x23", "x13"}
    assert_safe(result)


def test_invalid_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="parts sum to 5"):
        suppress_cells({"t": 6, "a": 2, "b": 3}, [Relation("t", ("a", "b"))])
    with pytest.raises(ValueError, match="not a count"):
        suppress_table(breakdown({"a": 1, "b": 2}, "g").astype(float) - 1.5)
    with pytest.raises(ValueError, match="already a label"):
        suppress_table(breakdown({"Gesamt": 1, "b": 2}, "g"))
    with pytest.raises(ValueError, match="unknown cell"):
        suppress_cells({"t": 1}, [Relation("t", ("a",))])


# --- display and percentages -----------------------------------------------------------


def test_no_percentage_from_a_suppressed_cell():
    counts = cross({"Kassel": [1250, 937], "Fulda": [2, 1], "Marburg": [10, 0]},
                   ["entered", "reached"], col_dim="measure")
    text, mask = display_table(counts, {"Quote": ("reached", "entered")}, totals="bottom")
    assert text.values.tolist() == [
        ["1.250", "*", "*"],    # reached hidden (complement of Fulda's 1): no share
        ["*", "*", "*"],
        ["*", "0", "*"],        # 0 is shown, but its base is hidden: no share
        ["1.262", "938", "74 %"],
    ]
    assert list(text.index) == ["Kassel", "Fulda", "Marburg", "Gesamt"]
    assert mask.values.tolist() == [
        [False, True, True], [True, True, True], [True, False, True], [False, False, False]
    ]
    text, _ = display_table(counts, {"Rate": ("reached", "entered")}, totals="bottom",
                            lang="en", share_decimals=1)
    assert text.values.tolist()[3] == ["1,262", "938", "74.3%"]
    assert list(text.index)[3] == "Total"


def test_share_of_the_total_and_of_a_zero_base():
    p = suppress_table(breakdown({"w": 1250, "m": 2, "d": 0}, "gender").rename("Teilnehmende"))
    text, mask = display_table(p, {"Anteil": ("Teilnehmende", None)})
    assert text.values.tolist() == [["*", "*"], ["*", "*"], ["0", "0 %"], ["1.252", "100 %"]]
    assert mask["Anteil"].tolist() == [True, True, False, False]
    counts = cross({"Kassel": [0, 0], "Fulda": [5, 4]}, ["entered", "reached"], col_dim="m")
    text, _ = display_table(counts, {"Quote": ("reached", "entered")}, totals="bottom")
    assert text["Quote"].tolist() == ["–", "80 %", "80 %"]
    with pytest.raises(ValueError, match="no count column"):
        display_table(counts, {"Quote": ("left", "entered")}, totals="bottom")


def test_display_of_a_cross_table_in_english():
    table = cross({"Kassel": [1, 9, 4], "Fulda": [6, 8, 5]}, ["w", "m", "d"])
    text, mask = display_table(table, lang="en")
    assert list(text.columns) == ["w", "m", "d", "Total"]
    assert text.loc["Total"].tolist() == ["7", "17", "9", "33"]
    assert mask.values.sum() == 4 and (text == "*").equals(mask)


# --- properties over many tables ------------------------------------------------------


def test_random_tables_are_safe_and_deterministic():
    rng = np.random.default_rng(20200831)
    for _ in range(40):
        r, c = rng.integers(1, 6, size=2)
        values = rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 8, 12, 40], size=(r, c))
        table = cross({f"s{i}": list(row) for i, row in enumerate(values)},
                      [f"g{j}" for j in range(c)])
        threshold = int(rng.choice([3, 5]))
        p = suppress_table(table, threshold)
        small = (p.table > 0) & (p.table < threshold)
        assert (p.mask | ~small).all().all()       # every small count hidden
        assert not (p.mask & (p.table == 0)).any().any()
        assert_safe(p)
        assert suppress_table(table, threshold).mask.equals(p.mask)


def test_a_large_table_leaves_no_cell_pinned():
    """60 × 8 cells with their row and column sums (its time is the report's, measured in `make bench`)."""
    rng = np.random.default_rng(7)
    values = rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 8, 12, 20, 50], size=(60, 8))
    table = cross({f"s{i}": list(row) for i, row in enumerate(values)},
                  [f"g{j}" for j in range(8)])
    p = suppress_table(table)
    assert audit.pinned_cells(p) == []


def test_docstring_examples():
    assert doctest.testmod(suppression).failed == 0
    assert doctest.testmod(audit).failed == 0
