"""One publication for the ministry: every figure its pages, downloads and the CLI show for some
programs on an as-of date, and the report's tables, suppressed together (DESIGN.md, "Ministry
reports and privacy").

A reader of the ministry's dashboard sees the overview's tiles and target cards, each target's
cumulative monthly series, the monthly counts, the funnel, the comparison of the groups of every
attribute for every status, the data-quality counts and the report — all at once. The protection
is judged with all of them together, as an attacker would: every figure is a named *cell* (the
report's cells keep their names, `drafts.cell_key`; a page's own figures are named here, `*_cell`),
and the cells are tied by what a reader knows:

- sums: a cumulative series' steps (this month = last month + the month's new cases), the monthly
  counts of a series add up to its total, the groups of one attribute add up to everyone (n and
  reached of each status), the exit reasons to those who left, those who left and those still in
  to those who entered, the cohorts of all sites to one cohort, the months of a year to the entries
  of that year;
- equal quantities across pages (the overview's "entered" tile, the report's total, the funnel's
  entered and every comparison's sum of groups are one number): one cell under two names — what
  ``Relation(a, (b,))`` states, with fewer cells to decide over — wherever the two are the same
  number (a relation that holds never makes the result less safe;
  figures of different definitions — the comparison counts from any entry date, the report from
  the period's start — are tied only where they agree);
- the natural inequalities as `Bound`s: reached ≤ entered, in the program ≤ entered, a group's
  reached ≤ its n, a single outcome ≤ any outcome ≤ the sum of the outcomes, started support ≤
  entered.

`suppression.suppress_cells` (threshold `THRESHOLD`, the report's `keep`) decides once; every
ministry path in `publish` reads its hidden set from here. What this publication does not hold is
not offered to the ministry: time-to-outcome curves and numbers at risk (their steps reveal small
counts), typed comparison groups (any scope a person types), comparisons of statuses outside the
vocabulary's outcome and support statuses, and groups by single ISCED level, coach or mentor (`FIELDS`).

Known limits: publications of different program sets or dates are decided each on its own (a
reader who subtracts the figures of two as-of dates or of {A, B} and {A} is not modelled, as for
two reports); a forecast is shown beside a shown achieved value as in the report.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines import dates, metrics
from pipelines.access.policy import Person, publication_only
from pipelines.metrics import Scope, panels
from pipelines.metrics.scope import resolve_field
from pipelines.report import build as report_build, sections, suppression
from pipelines.report.drafts import cell_key
from pipelines.report.suppression import Bound, Relation
from pipelines.store import catalog, db

THRESHOLD = 3
COMPARED_CATEGORIES = ("outcome", "support")   # the statuses the comparison page offers
# The attributes the ministry's comparison groups by: the page's, without single ISCED levels and without
# coach or mentor. The report publishes ISCED in bands; levels beside bands tie every band to its levels
# and the "not recorded" group to everyone, and a small group there was protected only by hiding the
# number who entered (Kassel on 31.03.2019 hid its headline 67 with levels, showed it without). Coaches
# and mentors are staff with a handful of women each: dozens of groups of 1 or 2 per status, which made one
# suppression run take minutes (PerMenti on 31.03.2019: > 5 min with them, 0.6 s CPU without); the report
# publishes no such figures either.
FIELDS = tuple(f for f in panels.GROUP_FIELDS if f not in ("qualification_level", "coach_id", "mentor_id"))


# --------------------------------------------------------------------------- the names of a page's cells

def summary_cell(kind: str, status: str | None = None) -> tuple:
    """A tile's or status summary's count: kind entered, in_program, active or reached."""
    return ("page", "summary", kind, status)


def monthly_cell(series: str, month: Any) -> tuple:
    """The new entries (series "entered") or new starts of a status in one calendar month."""
    return ("page", "monthly", series, dates.as_date(month).isoformat())


def monthly_total_cell(series: str) -> tuple:
    return ("page", "monthly_total", series)


def funnel_cell(kind: str, key: str | None = None) -> tuple:
    """The funnel: kind entered, supported, reached_any, reached (key status), exit (key reason),
    left, ongoing, in_program."""
    return ("page", "funnel", kind, key)


def group_cell(field_name: str, value: Any, column: str, status: str | None = None) -> tuple:
    """A comparison group by one attribute: its n, or its reached of `status`."""
    return ("page", "group", field_name, _value_key(value), column, status if column == "reached" else None)


def group_total_cell(column: str, status: str | None = None) -> tuple:
    """The sum of the groups of any attribute (everyone who entered up to the as-of date)."""
    return ("page", "group_total", column, status if column == "reached" else None)


def quality_cell(program: str, attribute: str, column: str) -> tuple:
    """The data-quality table: a program's participants, or those without `attribute`."""
    return ("page", "quality", program, attribute, column)


def series_cells(card: dict, month_end: Any, first: Any) -> tuple[tuple, tuple]:
    """A target's cumulative value at `month_end` and its new cases since `first` (the report's names:
    the half-year values of the report's progress table are the same cells)."""
    start = dt.date.fromisoformat(card["period_start"])
    day, first = dates.as_date(month_end), dates.as_date(first)
    programs, where = (card["program"],), card.get("scope") or {}
    status = card["status"] if card["measure"] == "reached" else None
    return (cell_key(card["measure"], status, programs, where, start, day),
            cell_key(f"{card['measure']}_new", status, programs, where, start,
                     f"{first.isoformat()}..{day.isoformat()}"))


def group_field(by: str | None) -> str | None:
    """The comparison's name of the attribute `by` (as `FIELDS` spells it: "program", not "program_id"),
    for any spelling `metrics.resolve_field` takes; None for none or an unknown one."""
    name = resolve_field(by) if by else None
    return "program" if name == "program_id" else name


def of(con: duckdb.DuckDBPyConnection, person: Person, programs: Iterable[str], as_of: Any) -> Publication | None:
    """The publication `person` reads her figures from: built for the ministry, None for anyone else
    (her figures pass unchanged). The dashboard caches its own (`dashboard.data.publication`)."""
    return build(con, programs, as_of) if publication_only(person) else None


def _value_key(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


# --------------------------------------------------------------------------- the publication

@dataclass(frozen=True)
class Publication:
    """The ministry's figures of `programs` on `as_of`, decided together: `values` (cell -> count),
    the relations and bounds a reader knows, the hidden cells, and the target cards' cells."""

    programs: tuple[str, ...]
    as_of: dt.date
    values: dict[Hashable, int]
    relations: tuple[Relation, ...]
    bounds: tuple[Bound, ...]
    hidden: frozenset
    targets: dict[tuple[str, str], tuple[tuple, ...]]   # (program, target id) -> the cells of its value
    statuses: tuple[str, ...]                            # the statuses the comparison holds
    seconds: float = 0.0                                 # build time (CPU), for the record

    def shown(self, cell: Hashable, value: Any = None) -> Any:
        """`value` (default: the cell's own) as published: None when the cell is hidden."""
        if cell in self.hidden:
            return None
        return self.values.get(cell) if value is None else value

    def is_hidden(self, cell: Hashable) -> bool:
        return cell in self.hidden

    def target_hidden(self, program: str, target_id: str) -> bool:
        """Is the achieved value of a target card (or a count behind its share) hidden?"""
        return any(c in self.hidden for c in self.targets.get((program, target_id), ()))

    def holds(self, field_name: str | None, status: str) -> bool:
        """Does the publication hold the comparison of the groups of `field_name` (any spelling the
        comparison takes) for `status`?"""
        return group_field(field_name) in FIELDS and status in self.statuses


@dataclass
class _Cells:
    """Cells, relations and bounds while they are collected. Two names of one number (`same`) become
    one cell for the suppression (`merged`): hidden together, and fewer cells to decide over."""

    values: dict[Hashable, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    bounds: list[Bound] = field(default_factory=list)
    keep: list[Hashable] = field(default_factory=list)
    parent: dict[Hashable, Hashable] = field(default_factory=dict)

    def add(self, key: Hashable, value: Any) -> Hashable | None:
        """A count under its name; None (not published here) when it is missing. The same name
        with another number is a bug (a name means one number)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        value = int(value)
        known = self.values.setdefault(key, value)
        if known != value:
            raise AssertionError(f"cell {key!r} counted twice with different values: {known} vs {value}")
        return key

    def total(self, total: Hashable, parts: Sequence[Hashable]) -> None:
        """total = sum(parts), when it holds (then a reader may know it)."""
        parts = [p for p in parts if p is not None]
        if total is None or not parts or any(p not in self.values for p in parts) or total not in self.values:
            return
        if self.values[total] != sum(self.values[p] for p in parts):
            return
        parts = self._nonzero(parts)
        if len(parts) == 1:
            self.same(total, parts[0])
        else:
            self.relations.append(Relation(total, tuple(parts)))

    def _nonzero(self, parts: Sequence[Hashable]) -> list[Hashable]:
        """The parts of a sum without its zeros (they are shown and add nothing; one part kept)."""
        return [p for p in parts if self.values[p]] or list(parts[:1])

    def same(self, a: Hashable | None, b: Hashable | None) -> None:
        """a and b are the same number on two pages (stated only where they agree)."""
        if a is None or b is None or a not in self.values or b not in self.values or self.values[a] != self.values[b]:
            return
        a, b = self.root(a), self.root(b)
        if a != b:   # the report's name stands for both (its headline figures keep their place)
            keep, alias = (b, a) if _is_page(a) and not _is_page(b) else (a, b)
            self.parent[alias] = keep

    def root(self, cell: Hashable) -> Hashable:
        while cell in self.parent:
            cell = self.parent[cell]
        return cell

    def at_most(self, small: Sequence[Hashable | None], large: Sequence[Hashable | None]) -> None:
        """sum(small) ≤ sum(large), a reader's inequality, where it holds."""
        small, large = [c for c in small if c is not None], [c for c in large if c is not None]
        if not small or not large or any(c not in self.values for c in (*small, *large)):
            return
        if sum(self.values[c] for c in small) <= sum(self.values[c] for c in large):
            self.bounds.append(Bound(tuple(small), tuple(large)))

    def merged(self) -> tuple[dict, list[Relation], list[Bound], list]:
        """Values, relations, bounds and headline cells over one name per number."""
        rest = []
        for r in self.relations:   # the report's too: without their zeros, a sum of one part is an equality
            parts = self._nonzero(r.parts)
            if len(parts) == 1:
                self.same(r.total, parts[0])
            else:
                rest.append((r.total, parts))
        values = {c: v for c, v in self.values.items() if c not in self.parent}
        relations, seen = [], set()
        for total, parts in rest:
            total, parts = self.root(total), tuple(self.root(p) for p in parts)
            key = (total, tuple(sorted(parts, key=repr)))
            if key in seen or parts == (total,):
                continue
            seen.add(key)
            relations.append(Relation(total, parts))
        bounds = list(dict.fromkeys(Bound(tuple(self.root(c) for c in b.small), tuple(self.root(c) for c in b.large))
                                    for b in self.bounds))
        bounds = [b for b in bounds if set(b.small) != set(b.large)]
        return values, relations, bounds, list(dict.fromkeys(self.root(c) for c in self.keep))


def _is_page(cell: Hashable) -> bool:
    return isinstance(cell, tuple) and bool(cell) and cell[0] == "page"


def period(con: duckdb.DuckDBPyConnection, programs: Sequence[str], as_of: dt.date,
           info: dict[str, dict[str, Any]]) -> tuple[dt.date, dt.date]:
    """The report's period in the publication: the programs' earliest start to their latest end
    (open ends: the earliest entry, the as-of date); `info` is `report.build.program_info`."""
    starts = [dates.as_date(i["start_date"]) for i in info.values() if i["start_date"] is not None]
    ends = [dates.as_date(i["end_date"]) for i in info.values() if i["end_date"] is not None]
    if not starts:
        first = con.execute("select min(entry_date) from participant where list_contains(?, program_id)",
                            [list(programs)]).fetchone()[0]
        starts = [dates.as_date(first) if first is not None else as_of]
    return min(starts), max(ends) if len(ends) == len(info) and ends else max(as_of, min(starts))


def build(con: duckdb.DuckDBPyConnection, programs: Iterable[str], as_of: Any,
          threshold: int = THRESHOLD) -> Publication:
    """The publication of `programs` on `as_of` (see the module docstring).

    Args:
        con: the store (read as the ministry person: her programs only).
        programs: the programs the pages show together (order does not matter).
        as_of: the as-of date of the pages.
        threshold: counts 1 … threshold-1 are hidden.
    """
    clock = time.process_time()
    programs = tuple(sorted(dict.fromkeys(programs)))
    as_of = dates.as_date(as_of)
    cells = _Cells()
    targets: dict[tuple[str, str], tuple[tuple, ...]] = {}
    statuses: tuple[str, ...] = ()
    if programs:
        info = report_build.program_info(con, programs)
        start, stop = period(con, programs, as_of, info)
        report = _report_cells(con, cells, programs, info, start, stop, as_of, targets)
        summary = _summary_cells(con, cells, programs, as_of, report)
        _series_cells(con, cells, report.cards, as_of)
        monthly = _monthly_cells(con, cells, programs, as_of, summary)
        funnel = _funnel_cells(con, cells, programs, as_of, summary)
        statuses = _group_cells(con, cells, programs, as_of, summary, funnel, monthly, report)
        _quality_cells(con, cells, programs)
    values, relations, bounds, keep = cells.merged()
    suppressed = suppression.suppress_cells(values, relations, threshold, bounds=bounds, keep=keep).suppressed
    hidden = frozenset(c for c in cells.values if cells.root(c) in suppressed)
    return Publication(programs, as_of, dict(cells.values), tuple(relations), tuple(bounds), hidden, targets,
                       statuses, time.process_time() - clock)


# --------------------------------------------------------------------------- what each page shows

@dataclass(frozen=True)
class _Report:
    start: dt.date
    end: dt.date
    cards: tuple[dict, ...]


def _report_cells(con, cells: _Cells, programs: tuple[str, ...], info: dict, start: dt.date, stop: dt.date,
                  as_of: dt.date, targets: dict) -> _Report:
    """The report's cells (its relations, bounds and headline figures too) and the cells behind each
    target card's value (the overview's cards are the report's targets)."""
    drafted = report_build.draft(con, programs, info, start, stop, as_of)
    cells.values.update(drafted.cells.values)
    cells.relations.extend(drafted.cells.relations)
    cells.bounds.extend(drafted.cells.bounds)
    cells.keep.extend(drafted.cells.keep)
    for card in drafted.cards:
        keys = sections.target_cells(drafted.ctx, drafted.cells, card)
        for key in keys:
            cells.add(key, drafted.cells.values[key])
        targets[(card["program"], card["id"])] = tuple(keys)
    return _Report(start, drafted.ctx.end, drafted.cards)


def _summary_cells(con, cells: _Cells, programs, as_of, report: _Report) -> dict:
    """The overview's tiles and the CLI's status (`panels.summary`), tied to the report's totals."""
    total = panels.summary(con, list(programs), as_of)
    entered = cells.add(summary_cell("entered"), total["entered"])
    in_program = cells.add(summary_cell("in_program"), total["in_program"])
    cells.at_most([in_program], [entered])
    cells.same(entered, cell_key("entered", None, programs, {}, report.start, report.end))
    if report.end == as_of:
        cells.same(in_program, cell_key("in_program", None, programs, {}, None, report.end))
    for status, n in total["reached"].items():
        reached = cells.add(summary_cell("reached", status), n)
        cells.at_most([reached], [entered])
        cells.same(reached, cell_key("reached", status, programs, {}, report.start, report.end))
    for status, n in total["active"].items():
        active = cells.add(summary_cell("active", status), n)
        cells.at_most([active], [summary_cell("reached", status)])   # in it now ≤ started it (where it holds)
        if len(programs) == 1:   # an "active" target card of the program counts the same
            cells.same(active, cell_key("active", status, programs, {}, None, as_of))
    return total


def _series_cells(con, cells: _Cells, cards: Sequence[dict], as_of: dt.date) -> None:
    """Each target's cumulative monthly series (Verlauf), with its monthly steps."""
    for card in cards:
        if card["measure"] not in ("entered", "reached") or card["achieved"] is None:
            continue
        series = panels.target_progress(con, card, as_of)["series"]
        previous, first = None, dt.date.fromisoformat(card["period_start"])
        for month_end, cumulative in zip(series["month_end"], series["cumulative"]):
            cum, new = series_cells(card, month_end, first)
            cells.add(cum, cumulative)
            cells.add(new, int(cumulative) - (cells.values[previous] if previous else 0))
            cells.total(cum, [new] if previous is None else [previous, new])
            previous, first = cum, dates.as_date(month_end) + dt.timedelta(days=1)


def _monthly_cells(con, cells: _Cells, programs, as_of, summary: dict) -> dict[str, dict[dt.date, tuple]]:
    """Verlauf's monthly counts (new entries, new starts of each outcome): the months of a series add
    up to its total, which is the overview's tile where they agree."""
    frame = panels.progress(con, list(programs), as_of, cards=[])["monthly"]
    out: dict[str, dict[dt.date, tuple]] = {}
    for name, rows in frame.groupby("series", sort=False):
        parts = {dates.as_date(m): cells.add(monthly_cell(name, m), n) for m, n in zip(rows["month"], rows["count"])}
        total = cells.add(monthly_total_cell(name), int(rows["count"].sum()))
        cells.total(total, list(parts.values()))
        cells.same(summary_cell("entered") if name == "entered" else summary_cell("reached", name), total)
        out[name] = parts
    return out


def _funnel_cells(con, cells: _Cells, programs, as_of, summary: dict) -> dict:
    """Trichter: stages, outcomes, exit reasons (they add up to those who left), length of stay
    (those who left and those still in add up to those who entered)."""
    result = metrics.funnel(con, Scope(programs), as_of)
    entered = cells.add(funnel_cell("entered"), result["entered"])
    supported = cells.add(funnel_cell("supported"), result["supported"])
    anyone = cells.add(funnel_cell("reached_any"), result["reached_any"])
    single = [cells.add(funnel_cell("reached", s), n) for s, n in result["reached"].items()]
    exits = [cells.add(funnel_cell("exit", r), n) for r, n in result["exit_reasons"].items()]
    left = cells.add(funnel_cell("left"), result["left"])
    ongoing = cells.add(funnel_cell("ongoing"), result["length_of_stay"]["ongoing"]["n"])
    in_program = cells.add(funnel_cell("in_program"), result["in_program"])
    cells.total(left, exits)
    cells.add(funnel_cell("stay_left"), result["length_of_stay"]["left"]["n"])
    cells.same(left, funnel_cell("stay_left"))
    cells.total(entered, [left, ongoing])
    cells.same(in_program, ongoing)
    for small in (supported, anyone, in_program):
        cells.at_most([small], [entered])
    for one in single:
        cells.at_most([one], [anyone])
    cells.at_most([anyone], single)
    cells.same(summary_cell("entered"), entered)
    cells.same(summary_cell("in_program"), in_program)
    for status in result["reached"]:
        cells.same(summary_cell("reached", status), funnel_cell("reached", status))
    return result


def _group_cells(con, cells: _Cells, programs, as_of, summary: dict, funnel: dict, monthly: dict,
                 report: _Report) -> tuple[str, ...]:
    """Vergleich by one attribute, every field and every outcome and support status: each group's n and
    reached; the groups of a field add up to everyone. Tied to the funnel, the monthly entries, the
    report's breakdowns at entry and its sites and cohorts, where they agree."""
    categories = metrics.vocabulary(con, programs)
    statuses = tuple(s for c in COMPARED_CATEGORIES for s, k in categories.items() if k == c)
    scope = Scope(programs)
    total_n = None
    for field_name in FIELDS:
        for i, status in enumerate(statuses):
            rates = metrics.share_reached(con, scope, status, None, as_of, by=field_name)
            if i == 0:
                total_n = cells.add(group_total_cell("n"), sum(r.n for r in rates.values()))
                cells.total(total_n, [cells.add(group_cell(field_name, v, "n"), r.n) for v, r in rates.items()])
            total_k = cells.add(group_total_cell("reached", status), sum(r.k for r in rates.values()))
            parts = []
            for value, rate in rates.items():
                parts.append(cells.add(group_cell(field_name, value, "reached", status), rate.k))
                cells.at_most([parts[-1]], [group_cell(field_name, value, "n")])
            cells.total(total_k, parts)
            if field_name == FIELDS[0]:
                cells.at_most([total_k], [total_n])
                cells.same(funnel_cell("reached", status), total_k)
                cells.same(summary_cell("reached", status), total_k)
    cells.same(funnel_cell("entered"), total_n)
    cells.same(summary_cell("entered"), total_n)
    cells.same(monthly_total_cell("entered"), total_n)
    _tie_groups(con, cells, programs, statuses, funnel, monthly, report)
    return statuses


def _groups_of(cells: _Cells, field_name: str, column: str = "n", status: str | None = None) -> dict[Any, tuple]:
    """The comparison's cells of one field: value -> cell."""
    return {key[3]: key for key in cells.values
            if key[:3] == ("page", "group", field_name) and key[4] == column and key[5] == status}


def _tie_groups(con, cells: _Cells, programs, statuses, funnel: dict, monthly: dict, report: _Report) -> None:
    start, end = report.start, report.end
    # exit reasons: the funnel's (left up to the as-of date) where they agree
    for value, cell in _groups_of(cells, "exit_reason").items():
        if value is not None:
            cells.same(funnel_cell("exit", value), cell)
    # breakdowns at entry: the report's categories
    for field_name in ("gender", "age_band", "german_level", "origin_region"):
        for value, cell in _groups_of(cells, field_name).items():
            cells.same(cell_key("entered", None, programs, {field_name: value}, start, end), cell)
    # programs, sites and cohorts: the report's sites table (reached: the outcomes it shows)
    tree: dict[tuple[str, Any], list[Any]] = {}
    for program_id, site, cohort in db.run(con, db.sql("report_site_cohorts"), {"programs": list(programs)}).fetchall():
        tree.setdefault((program_id, site), []).append(cohort)
    columns = [("n", None, "entered", None)] + [("reached", s, "reached", s) for s in sections.OUTCOME_COLUMNS
                                               if s in statuses]
    for column, status, measure, report_status in columns:
        for value, cell in _groups_of(cells, "program", column, status).items():
            cells.same(cell_key(measure, report_status, (value,), {}, start, end), cell)
        for value, cell in _groups_of(cells, "site", column, status).items():
            cells.total(cell, [cell_key(measure, report_status, (p,), {"site": s}, start, end)
                               for (p, s) in tree if s == value])
        for value, cell in _groups_of(cells, "cohort", column, status).items():
            parts = []
            for (p, s), cohorts in tree.items():
                if value in cohorts:
                    where = {"site": s, "cohort": value} if len(cohorts) > 1 else {"site": s}
                    parts.append(cell_key(measure, report_status, (p,), where, start, end))
            cells.total(cell, parts)
    # entry years: the months of Verlauf's entries
    entries = monthly.get("entered", {})
    for value, cell in _groups_of(cells, "entry_year").items():
        if value is not None:
            cells.total(cell, [c for month, c in entries.items() if month.year == int(value)])


def _quality_cells(con, cells: _Cells, programs) -> None:
    """Daten's data-quality counts: per program its participants and those without each attribute
    (the comparison's "unknown" group where they agree)."""
    frame = catalog.missing_attributes(con, list(programs))
    for row in frame.itertuples():
        participants = cells.add(quality_cell(row.program_id, row.attribute, "participants"), row.participants)
        missing = cells.add(quality_cell(row.program_id, row.attribute, "missing"), row.missing)
        cells.at_most([missing], [participants])
        if len(programs) == 1:
            cells.same(group_total_cell("n"), participants)
            if row.attribute in FIELDS:
                cells.same(group_cell(row.attribute, None, "n"), missing)
        else:
            cells.same(group_cell("program", row.program_id, "n"), participants)
