"""Random small programs and an attacker's audit of their published reports.

`small_program(con, seed)` fills a store with one seeded random program (5–40 participants,
1–4 sites, one or two cohorts per site, random genders, ages, ISCED and German levels,
exits, training and employment, a training target) and returns the report's arguments.

`audit_csv(data)` reads ONLY the published CSV (`report.csv_bytes` of a publication report)
as an attacker would, and knows nothing of `pipelines.report.suppression`: every ``*`` count
becomes an integer variable (at least 1, since zeros are shown), shown counts are constants,
and what anyone can read off the tables ties them together — each breakdown sums to its
total, the sites table sums cohorts to their site and sites to the total, the progress table
adds up half-year by half-year, equal labels are equal numbers (every "Gesamt" of a breakdown
is the sites table's entered total, a target's achieved value is its last cumulative value,
a training target ("Mindestens 50 Frauen in Ausbildung") over the report's period is the
sites table's "Ausbildung begonnen"),
and the natural inequalities hold (started ≤ entered and in the program ≤ entered when the
report period starts with the program, results ≤ leavers, leavers after six months ≤ leavers
upon leaving, "irgendein Ergebnis" between the largest single result and their sum). Each
``*`` is then minimised and maximised with scipy's MILP solver (HiGHS): a cell is *pinned*
when min == max, *proved small* when max < threshold (its range lies inside 1 … threshold-1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from pipelines import targets, text
from pipelines.store import db, derived
from tests.helpers.stores import add_participant, add_program

D = dt.date.fromisoformat
PROGRAM_START, PROGRAM_END = D("2020-01-01"), D("2022-12-31")
TARGET_LABEL = "Mindestens {n} Frauen in Ausbildung"
# a target a reader can tell counts started training alone (not "… in Ausbildung oder Beschäftigung")
TRAINING_TARGET = re.compile(r"Mindestens \d+ Frauen in Ausbildung")
BIG = 100_000  # upper bound of a hidden count no relation bounds (a program of 40)


# --------------------------------------------------------------------------- random programs

def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def small_program(con, seed: int, program: str = "p1") -> tuple:
    """A seeded random small program in `con`; returns the args of `build_report`
    (programs, period start, period end, as-of)."""
    rng = random.Random(seed)
    as_of = _day(rng, D("2021-03-31"), PROGRAM_END)
    add_program(con, program, PROGRAM_START.isoformat(), PROGRAM_END.isoformat(), name=f"Programm {seed}")
    sites = [f"Standort {chr(65 + i)}" for i in range(rng.randint(1, 4))]
    cohorts = {s: [str(c) for c in range(1, rng.randint(1, 2) + 1)] for s in sites}
    episodes: list[tuple] = []
    for i in range(rng.randint(5, 40)):
        pid = f"t{i:03d}"
        entry = _day(rng, PROGRAM_START, as_of - dt.timedelta(days=20))
        exit_ = _day(rng, entry, as_of) if rng.random() < 0.45 else None
        site = rng.choice(sites)
        add_participant(
            con, pid, entry.isoformat(), exit_ and exit_.isoformat(), program=program,
            site=site, cohort=rng.choice(cohorts[site]),
            gender=rng.choices(["female", "male", "diverse", None], [85, 6, 4, 5])[0],
            birth_year=rng.randint(1962, 2004) if rng.random() < 0.95 else None,
            qualification_level=rng.randint(0, 8) if rng.random() < 0.9 else None,
            german_level=rng.choice(["A1", "A2", "B1", "B2", "C1", "C2", None]),
            exit_reason=rng.choice(["completed", "dropped_out", "moved"]) if exit_ else None,
        )
        episodes.append((pid, "coaching", entry, exit_))
        for status, chance in (("training", 0.35), ("employment", 0.25), ("qualification", 0.08)):
            if rng.random() < chance:
                start = _day(rng, entry, (exit_ or as_of) + dt.timedelta(days=60))
                end = start if status == "qualification" else None
                episodes.append((pid, status, start, end))
    con.executemany(
        "insert into episode (person_key, program_id, participant_id, status, start_date, end_date) "
        "select person_key, program_id, participant_id, ?, ?, ? from participant "
        "where program_id = ? and participant_id = ?",
        [[status, start, end, program, pid] for pid, status, start, end in episodes])
    derived.rebuild(con, [program])
    goal = rng.randint(3, 20)
    targets.save_targets(con, targets.parse_targets([{
        "id": "training", "label": TARGET_LABEL.format(n=goal), "measure": "reached", "status": "training",
        "at_least": goal, "period": {"start": PROGRAM_START, "end": PROGRAM_END}}], program), program)
    return [program], PROGRAM_START, as_of, as_of


def small_program_store(seed: int):
    """A fresh in-memory store holding `small_program(seed)`: (connection, report args)."""
    con = db.connect(":memory:")
    return con, small_program(con, seed)


# --------------------------------------------------------------------------- the audit

@dataclass
class Audit:
    """What an attacker learns from one published CSV."""

    threshold: int
    hidden: int = 0                                   # `*` counts
    ranges: dict[tuple, tuple[float, float]] = field(default_factory=dict)  # (table, row, column) -> min, max

    @property
    def pinned(self) -> list[tuple]:
        return [cell for cell, (low, high) in self.ranges.items() if low == high]

    @property
    def proved_small(self) -> list[tuple]:
        """`*` cells whose whole range lies in 1 … threshold-1 (pinned ones included)."""
        return [cell for cell, (_, high) in self.ranges.items() if high < self.threshold]


class _Model:
    """Integer variables for `*` counts, constants for shown ones, linear constraints."""

    def __init__(self) -> None:
        self.names: list[tuple] = []
        self.lows: list[float] = []                      # a `*` is at least 1; a derived count at least 0
        self.rows: list[tuple[dict, float, float]] = []  # ({term: coefficient}, low, high)

    def term(self, value: str, name: tuple):
        """A count as the CSV shows it: a variable (``*``) or an int."""
        if value == "*":
            self.names.append(name)
            self.lows.append(1.0)
            return ("x", len(self.names) - 1)
        return int(value)

    def derived(self, name: tuple):
        """A count a reader can work out but is not shown (a month's step of a cumulative series): ≥ 0."""
        self.names.append(name)
        self.lows.append(0.0)
        return ("x", len(self.names) - 1)

    def _add(self, pairs, low: float, high: float) -> None:
        coefficients: dict[int, float] = {}
        constant = 0.0
        for coefficient, item in pairs:
            if isinstance(item, tuple):
                coefficients[item[1]] = coefficients.get(item[1], 0.0) + coefficient
            else:
                constant += coefficient * item
        coefficients = {j: c for j, c in coefficients.items() if c}
        if not coefficients:
            if not low - 1e-9 <= constant <= high + 1e-9:
                raise AssertionError(f"the published numbers contradict a relation: {pairs}")
            return
        self.rows.append((coefficients, low - constant, high - constant))

    def equal(self, total, parts) -> None:
        self._add([(-1.0, total), *((1.0, p) for p in parts)], 0.0, 0.0)

    def at_most(self, small, large) -> None:
        self._add([(1.0, small), (-1.0, large)], -np.inf, 0.0)

    def sum_at_most(self, parts, larges) -> None:
        """sum(parts) ≤ sum(larges)."""
        self._add([*((1.0, p) for p in parts), *((-1.0, q) for q in larges)], -np.inf, 0.0)

    def ranges(self) -> dict[tuple, tuple[float, float]]:
        n = len(self.names)
        if not n:
            return {}
        matrix = np.zeros((len(self.rows), n))
        lows, highs = np.zeros(len(self.rows)), np.zeros(len(self.rows))
        for i, (coefficients, low, high) in enumerate(self.rows):
            for j, c in coefficients.items():
                matrix[i, j] = c
            lows[i], highs[i] = low, high
        constraints = [LinearConstraint(matrix, lows, highs)] if self.rows else []
        bounds, integrality = Bounds(np.array(self.lows), np.full(n, BIG)), np.ones(n)
        out = {}
        for j, name in enumerate(self.names):
            ends = []
            for sign in (1.0, -1.0):
                objective = np.zeros(n)
                objective[j] = sign
                result = milp(objective, constraints=constraints, bounds=bounds, integrality=integrality)
                if result.status != 0:
                    raise AssertionError(f"audit MILP failed for {name}: {result.message}")
                ends.append(round(sign * result.fun))
            out[name] = (float(ends[0]), float(ends[1]))
        return out


def _read(data: bytes, lang: str) -> dict[str, list[tuple[int, str, str, str]]]:
    """Table name -> [(row number, row label, column, value)] of the report's CSV."""
    delimiter = ";" if lang == "de" else ","
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter)
    next(reader)
    tables: dict[str, list] = {}
    for name, number, label, column, value in reader:
        tables.setdefault(name, []).append((int(number), label, column, value))
    return tables


def _is_count(value: str) -> bool:
    return value == "*" or value.isdigit()


def _date_text(value: str, lang: str) -> str:
    """A date of the cover ("01.01.2020") in ISO form."""
    if lang == "de":
        day, month, year = value.split(".")
        return f"{year}-{month}-{day}"
    return value


def audit_csv(data: bytes, threshold: int = 3, lang: str = "de") -> Audit:
    """The attacker's audit of one published report CSV (see the module docstring)."""
    def say(key: str, **values) -> str:
        return text.say(key, lang, **values)

    tables = _read(data, lang)
    model = _Model()
    audit = Audit(threshold)
    cover = {label: value for _, label, _, value in tables[say("report.section.cover")]}
    period_start, period_end = (_date_text(v.strip(), lang) for v in cover[say("report.period")].split("–"))
    program_start = _date_text(cover[say("report.program_period")].split("–")[0].strip(), lang)
    from_start = period_start == program_start   # nobody entered before the period began
    total = say("report.total")

    # breakdowns at entry: categories sum to "Gesamt", the entered total
    entered_totals = []
    count = say("report.count")
    for name, rows in tables.items():
        if not any(column == count for _, _, column, _ in rows):
            continue
        parts, whole = [], None
        for number, label, column, value in rows:
            if column != count:
                continue
            term = model.term(value, (name, number, label, column))
            if label == total:
                whole = term
            else:
                parts.append(term)
        model.equal(whole, parts)
        entered_totals.append(whole)

    # sites and cohorts: cohorts sum to their site, sites to the total; started ≤ entered
    sites_name = say("report.section.sites")
    site_rows: dict[str, dict[str, dict]] = {}
    columns: list[str] = []
    grand: dict[str, object] = {}
    for number, label, column, value in tables.get(sites_name, []):
        if not _is_count(value):
            continue
        if column not in columns:
            columns.append(column)
        term = model.term(value, (sites_name, number, label, column))
        if label == total:
            grand[column] = term
            continue
        site, _, cohort = label.partition(" / ")
        kind = "site" if cohort == say("report.all_cohorts") else number
        site_rows.setdefault(site, {}).setdefault(kind, {})[column] = term
    entered_column = say("report.entered")
    started = [c for c in columns if c.endswith(say("report.reached", status="").strip())]
    in_program = [c for c in columns if c not in started and c != entered_column]
    site_level = []
    for rows in site_rows.values():
        cohorts = [r for kind, r in rows.items() if kind != "site"]
        if "site" in rows:
            for column in columns:
                model.equal(rows["site"][column], [r.get(column, 0) for r in cohorts])
            site_level.append(rows["site"])
        else:
            site_level.extend(cohorts)
    for column in grand:
        model.equal(grand[column], [r.get(column, 0) for r in site_level])
    if grand:
        entered_totals.append(grand[entered_column])
    if from_start:
        for rows in site_rows.values():
            for row in rows.values():
                for column in started + in_program:
                    model.at_most(row.get(column, 0), row.get(entered_column, 0))
        if grand:
            for column in started + in_program:
                model.at_most(grand[column], grand[entered_column])
    for a, b in zip(entered_totals, entered_totals[1:]):
        model.equal(a, [b])

    # progress: cumulative = previous cumulative + new; the target's achieved value is the last one
    progress_name, new, cumulative = say("report.table.progress"), say("report.new"), say("report.cumulative")
    progress_name = next((n for n in tables if n == say("report.section.progress")), progress_name)
    series: dict[str, list[tuple[str, object, object]]] = {}
    by_row: dict[int, dict] = {}
    for number, label, column, value in tables.get(progress_name, []):
        if _is_count(value):
            by_row.setdefault(number, {"label": label})[column] = model.term(
                value, (progress_name, number, label, column))
    for number in sorted(by_row):
        row = by_row[number]
        target, _, day = row["label"].rpartition(" / ")
        series.setdefault(target, []).append((day, row[new], row[cumulative]))
    for points in series.values():
        previous = None
        for _, step, running in points:
            model.equal(running, [step] if previous is None else [previous, step])
            previous = running
    targets_name = say("report.section.targets")
    target_rows: dict[int, dict[str, str]] = {}
    for number, label, column, value in tables.get(targets_name, []):
        target_rows.setdefault(number, {"label": label})[column] = value
    training_started = next((c for c in started if c.startswith(say("status.training"))), None)
    for number, row in target_rows.items():
        achieved = row.get(say("report.achieved"), "")
        points = series.get(row["label"])
        if not _is_count(achieved) or not points:
            continue
        last = points[-1]
        model.equal(model.term(achieved, (targets_name, number, row["label"], say("report.achieved"))), [last[2]])
        first_day = _date_text(row.get(say("report.target_period"), "").split(" – ")[0].strip(), lang)
        if (training_started and TRAINING_TARGET.fullmatch(row["label"]) and first_day == period_start
                and last[0] == period_end and grand):
            model.equal(last[2], [grand[training_started]])

    # results upon and six months after leaving: results ≤ leavers; "any" between max and sum
    leaving_name, upon, six = say("report.sheet.leaving"), say("report.upon"), say("report.six")
    leaving: dict[str, dict[str, object]] = {}
    for number, label, column, value in tables.get(leaving_name, []):
        if column in (upon, six) and _is_count(value):  # the shares are never computed from a `*`
            leaving.setdefault(label, {})[column] = model.term(value, (leaving_name, number, label, column))
    base = leaving.pop(say("report.leavers_base"), None)
    anyone = leaving.pop(say("report.any_outcome"), None)
    if base:
        model.at_most(base[six], base[upon])
        if from_start and grand:
            model.at_most(base[upon], grand[entered_column])
        for row in [*leaving.values(), *([anyone] if anyone else [])]:
            for column in (upon, six):
                model.at_most(row[column], base[column])
        if anyone:
            for column in (upon, six):
                for row in leaving.values():
                    model.at_most(row[column], anyone[column])
                model.sum_at_most([anyone[column]], [row[column] for row in leaving.values()])

    audit.hidden = len(model.names)
    audit.ranges = model.ranges()
    return audit


# --------------------------------------------------------------------------- the ministry's dashboard

@dataclass
class DashboardAudit:
    """What an attacker learns from every figure of the ministry's pages: the range of each `*` and
    of each count she can work out (a series' monthly step) whose true value is small."""

    threshold: int
    ranges: dict[tuple, tuple[float, float]] = field(default_factory=dict)   # `*` figures
    derived: dict[tuple, tuple[float, float]] = field(default_factory=dict)  # worked-out small counts

    @property
    def pinned(self) -> list[tuple]:
        return [c for c, (low, high) in self.ranges.items() if low == high]

    @property
    def proved_small(self) -> list[tuple]:
        """`*` figures, and worked-out counts that are 1 or 2, whose whole range lies below the threshold."""
        return [c for c, (_, high) in [*self.ranges.items(), *self.derived.items()] if high < self.threshold]


def audit_dashboard(seen: dict[tuple, int | None], truth: dict[tuple, int], threshold: int = 3) -> DashboardAudit:
    """The attacker's audit of the ministry's dashboard.

    `seen`: every figure the ministry's pages show, named as `tests/access/test_ministry_audit.collect`
    names them (None = `*`); `truth`: the same figures as a lead sees them (the test knows them; the
    attacker uses them only to know which of the relations below hold — she knows the definitions).
    Relations across pages: one quantity shown on several pages is one number (entered: tile, status
    summary, funnel, each comparison's sum of groups, Verlauf's monthly entries, an entered target over
    the program period; in the program; reached per status likewise; an exit reason in the funnel and
    in the comparison by exit reason; a year's entries and its months; the data-quality counts and the
    comparison's "unknown" groups), sums (exit reasons = left, left + still in = entered), a cumulative
    series' months and their steps (each step ≥ 0, the last value = the card), and the inequalities
    (reached ≤ entered, a group's reached ≤ its n, a single outcome ≤ any outcome ≤ their sum, missing
    ≤ participants, supported ≤ entered).
    """
    model = _Model()
    terms = {name: model.term("*" if v is None else str(int(v)), name) for name, v in seen.items()}

    def total(whole, parts) -> None:
        """whole = sum(parts), if it holds (both sides named figures or lists of them)."""
        whole = [whole] if isinstance(whole, tuple) else list(whole)
        parts = list(parts)
        if not whole or not parts or any(c not in truth for c in (*whole, *parts)):
            return
        if sum(truth[c] for c in whole) == sum(truth[c] for c in parts):
            model._add([*((-1.0, terms[c]) for c in whole), *((1.0, terms[c]) for c in parts)], 0.0, 0.0)

    def at_most(small, large) -> None:
        if all(c in truth for c in (*small, *large)) and sum(truth[c] for c in small) <= sum(truth[c] for c in large):
            model.sum_at_most([terms[c] for c in small], [terms[c] for c in large])

    names = list(seen)
    fields = sorted({n[1] for n in names if n[0] == "group"})
    statuses = sorted({n[4] for n in names if n[0] == "group" and n[3] == "reached"})

    def groups(field_name, column, status):
        """("group", field, value, column, status) of one field, column and status."""
        return [n for n in names if n[0] == "group" and n[1] == field_name and n[3] == column and n[4] == status]

    months = {s: sorted(n for n in names if n[0] == "monthly" and n[1] == s) for s in {n[1] for n in names
                                                                                         if n[0] == "monthly"}}
    # entered, in the program, reached, active: one number on every page that shows it
    for kind in ("entered", "in_program"):
        for other in (("tile", kind, None), ("funnel", kind)):
            total(("summary", kind), [other])
    total(("summary", "in_program"), [("stay", "ongoing")])
    at_most([("summary", "in_program")], [("summary", "entered")])
    for status in statuses:
        for field_name in fields:
            n_cells = groups(field_name, "n", status)
            total(("summary", "entered"), n_cells)
            total(("summary", "reached", status), groups(field_name, "reached", status))
            for cell in groups(field_name, "reached", status):
                at_most([cell], [cell[:3] + ("n", status)])
            for cell in n_cells:   # a group's n is one number whichever status is compared
                total(cell, [cell[:4] + (statuses[0],)])
        for other in (("funnel", "reached", status), ("tile", "reached", status)):
            total(("summary", "reached", status), [other])
        at_most([("summary", "active", status)], [("summary", "reached", status)])   # in it now ≤ started it
        at_most([("summary", "reached", status)], [("summary", "entered")])
    for name in names:
        if name[0] == "summary" and name[1] == "active":
            total(name, [("tile", "active", name[2])])
    for series, cells in months.items():
        total(("summary", "entered") if series == "entered" else ("summary", "reached", series), cells)
    # the funnel
    exits = [n for n in names if n[0] == "funnel" and n[1] == "exit"]
    total(("funnel", "left"), exits)
    total(("funnel", "left"), [("stay", "left")])
    total(("funnel", "entered"), [("funnel", "left"), ("stay", "ongoing")])
    single = [n for n in names if n[0] == "funnel" and n[1] == "reached"]
    for small in (("funnel", "supported"), ("funnel", "reached_any")):
        at_most([small], [("funnel", "entered")])
    for one in single:
        at_most([one], [("funnel", "reached_any")])
    at_most([("funnel", "reached_any")], single)
    for status in statuses[:1]:
        for cell in groups("exit_reason", "n", status):
            if cell[2] is not None:
                total(("funnel", "exit", cell[2]), [cell])
        for cell in groups("entry_year", "n", status):
            if cell[2] is not None:
                total(cell, [m for m in months.get("entered", []) if str(m[2])[:4] == str(cell[2])])
    # data quality: the participants are everyone, those without an attribute its "unknown" group
    for name in names:
        if name[0] == "quality" and name[2] == "participants":
            total(("summary", "entered"), [name])
            at_most([name[:2] + ("missing",)], [name])
            for status in statuses[:1]:
                unknown = [c for c in groups(name[1], "n", status) if c[2] is None]
                total(name[:2] + ("missing",), unknown)
    # cumulative series: steps ≥ 0 (a step between hidden months is a derived count), the card is the last
    audit = DashboardAudit(threshold)
    series: dict[tuple, list[tuple]] = {}
    for name in names:
        if name[0] == "series":
            series.setdefault(name[1:3], []).append(name)
    steps: list[tuple] = []
    for target, cells in series.items():
        cells.sort()
        previous = None
        for cell in cells:
            if previous is not None and (seen[cell] is None or seen[previous] is None):
                step = ("step",) + cell[1:]
                term = model.derived(step)
                model._add([(-1.0, terms[cell]), (1.0, terms[previous]), (1.0, term)], 0.0, 0.0)
                if 0 < truth[cell] - truth[previous] < threshold:
                    steps.append(step)
            elif previous is not None:
                at_most([previous], [cell])
            previous = cell
        total(("card",) + target, [cells[-1]])
    ranges = model.ranges()
    audit.ranges = {n: r for n, r in ranges.items() if n[0] != "step"}
    audit.derived = {n: ranges[n] for n in steps}
    return audit
