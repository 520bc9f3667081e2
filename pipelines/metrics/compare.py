"""Compare groups, sites and programs: share reaching a status, Wilson intervals, time curves.

A comparison group (Vergleichsgruppe) is typed by a coordinator as one line (German or
English field names)::

    Köln B1+: standort=Köln; deutschniveau>=B1; eintrittsjahr=2019
    Früh: eintritt=01.01.2019..30.06.2019; site!=Bielefeld
    Older: age>=40; qualification_level=4..6; program=permenti

- ``name: condition; condition; …`` — without ``name:`` the conditions are the name.
- a condition is ``field operator value`` with ``=``, ``!=``, ``>=``, ``<=``, ``>``, ``<``
  (also ``≥``, ``≤``, ``≠``); ordered comparisons only for ordered fields (german_level in
  CEFR order, qualification_level, cohort as a number, years, age, dates).
- ``=``/``!=`` take lists: ``site=Köln,Bielefeld``; ordered fields take ranges ``a..b``
  (either end may be left open): ``eintritt=01.01.2019..31.12.2019``, ``entry_year=2018..2020``.
- values: dates as DD.MM.YYYY or YYYY-MM-DD; gender and exit reason also in German
  (weiblich, abgebrochen, …); quotes around a value are dropped.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

import duckdb

from pipelines import vocab
from pipelines.metrics import stats
from pipelines.metrics.counts import share_counts_on
from pipelines.metrics.problems import Problem, ProblemError
from pipelines.metrics.scope import (FIELDS, RANGE_KEYS, Scope, ScopeError, normalise_value, parse_where,
                                     resolve_field)
from pipelines.metrics.time_to import curve_tables

_OPERATOR = re.compile(r"(>=|<=|!=|<>|==|≥|≤|≠|=|>|<)")
_NORMAL_OP = {"==": "=", "<>": "!=", "≥": ">=", "≤": "<=", "≠": "!="}
# fields whose values are free text: checked against the data when a connection is given
_TEXT_FIELDS = ("program_id", "site", "cohort", "origin_region", "coach_id", "mentor_id")
_ORDERED_FIELDS = tuple(f for f, s in FIELDS.items() if s.order_expr)


class GroupError(ProblemError):
    """A typed comparison group has problems; `problems` lists all of them."""


def _strip_quotes(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'„“":
        return text[1:-1].strip()
    if len(text) >= 2 and text[0] == "„" and text[-1] in "“”":
        return text[1:-1].strip()
    return text


def parse_group(text: str, con: duckdb.DuckDBPyConnection | None = None) -> tuple[str, Scope]:
    """Parse a typed comparison group such as ``"Köln B1+: site=Köln; german_level>=B1; entry_year=2019"``.

    Args:
        text: ``name: condition; condition; …`` (syntax in the module docstring).
        con: if given, free-text values (site, cohort, program, origin, coach, mentor) must
            occur in the data; they are matched ignoring case and take the stored spelling.

    Returns:
        (name, Scope). ``program=…`` sets Scope.programs; date ranges on entry/exit become
        entry_from/entry_to (exit_from/exit_to); other conditions go into Scope.where.

    Raises:
        GroupError: listing every problem (unknown fields, operators, values) as `Problem`s
            with codes `metrics.group.*`.
    """
    name, sep, body = text.partition(":")
    if not sep:
        name, body = text, text
    name, body = name.strip(), body.strip()
    if not name:
        name = body
    problems: list[Problem] = []
    conditions = [c.strip() for c in re.split(r"[;\n]", body) if c.strip()]
    if not conditions:
        raise GroupError([Problem("metrics.group.empty")])

    programs: list[str] | None = None
    where: dict[str, dict[str, Any]] = {}

    def put(cond: str, field: str, op: str, value: Any, key: str | None = None) -> None:
        key = key or field
        slot = where.setdefault(key, {})
        if op in slot:
            problems.append(Problem("metrics.group.twice", {"cond": cond, "field": field, "op": op}))
        slot[op] = value

    for cond in conditions:
        match = _OPERATOR.search(cond)
        if not match:
            problems.append(Problem("metrics.group.no_operator", {"cond": cond}))
            continue
        typed = cond[:match.start()].strip()
        op = _NORMAL_OP.get(match.group(1), match.group(1))
        raw = cond[match.end():].strip()
        field = resolve_field(typed) if typed else None
        if field is None:
            problems.append(Problem("metrics.group.unknown_field",
                                    {"cond": cond, "field": typed, "known_fields": tuple(FIELDS)}))
            continue
        range_key = field in RANGE_KEYS
        if range_key:
            field, op = RANGE_KEYS[field][0], {"=": RANGE_KEYS[field][1]}.get(op, "?")
            if op == "?":
                problems.append(Problem("metrics.group.range_operator", {"cond": cond}))
                continue
        spec = FIELDS[field]
        if not raw:
            problems.append(Problem("metrics.group.empty_value", {"cond": cond}))
            continue
        not_ordered = Problem("metrics.group.not_ordered",
                              {"cond": cond, "field": typed, "ordered_fields": _ORDERED_FIELDS})

        def value_of(text_value: str, ordered_op: bool = False) -> tuple[Any, bool]:
            value, problem = normalise_value(typed, spec, _strip_quotes(text_value), field)
            if not problem and field == "cohort" and ordered_op and not re.fullmatch(r"-?\d+", value):
                problem = Problem("metrics.bad_int", {"field": typed, "value": value})
            if problem:
                problems.append(Problem("metrics.group.in_condition", {"cond": cond, "problem": problem}))
                return None, False
            # values compared by order need not occur in the data; listed values must
            if con is not None and field in _TEXT_FIELDS and not ordered_op:
                value = _in_data(con, field, value, cond, typed, problems)
                return value, value is not None
            return value, True

        if ".." in raw:
            if op != "=":
                problems.append(Problem("metrics.group.range_operator", {"cond": cond}))
                continue
            if spec.order_expr is None:
                problems.append(not_ordered)
                continue
            low_text, _, high_text = raw.partition("..")
            for bound_text, bound_op in ((low_text, ">="), (high_text, "<=")):
                if not bound_text.strip():
                    continue
                value, ok = value_of(bound_text, ordered_op=True)
                if ok:
                    if field in ("entry_date", "exit_date"):
                        prefix = "entry" if field == "entry_date" else "exit"
                        put(cond, typed, "=", value, f"{prefix}_{'from' if bound_op == '>=' else 'to'}")
                    else:
                        put(cond, typed, bound_op, value, field)
            continue
        items = [item for item in raw.split(",")]
        if len(items) > 1 and op not in ("=", "!="):
            problems.append(Problem("metrics.group.list_operator", {"cond": cond}))
            continue
        if op not in ("=", "!=") and spec.order_expr is None:
            problems.append(not_ordered)
            continue
        values = []
        for item in items:
            if not item.strip():
                problems.append(Problem("metrics.group.empty_value", {"cond": cond}))
                continue
            value, ok = value_of(item, ordered_op=op not in ("=", "!="))
            if ok:
                values.append(value)
        if len(values) != len(items):
            continue
        value = values if len(values) > 1 else values[0]
        if range_key:
            prefix = "entry" if field == "entry_date" else "exit"
            put(cond, typed, "=", value, f"{prefix}_{'from' if op == '>=' else 'to'}")
        elif field == "program_id" and op == "=":
            if programs is not None:
                problems.append(Problem("metrics.group.twice", {"cond": cond, "field": typed, "op": op}))
            programs = values
        else:
            put(cond, typed, op, value, field)

    if problems:
        raise GroupError(problems)
    canonical: dict[str, Any] = {}
    for key, ops in where.items():
        if key in RANGE_KEYS:
            canonical[key] = ops["="]
        elif list(ops) == ["="]:
            canonical[key] = ops["="]
        else:
            canonical[key] = ops
    return name, Scope(tuple(programs) if programs is not None else None, canonical)


def _in_data(con, field: str, value: str, cond: str, typed: str, problems: list[Problem]) -> str | None:
    """The stored spelling of a free-text value (matched ignoring case), or None + a problem."""
    expr = FIELDS[field].expr  # a fixed expression of FIELDS, never user text
    present = [r[0] for r in con.execute(
        f"select distinct {expr} from participant p where {expr} is not null order by 1").fetchall()]
    for stored in present:
        if str(stored).casefold() == value.casefold():
            return str(stored)
    shown = ", ".join(map(str, present[:12])) + (", …" if len(present) > 12 else "")
    problems.append(Problem("metrics.group.not_in_data",
                            {"cond": cond, "field": typed, "value": value, "known": shown or "–"}))
    return None


def group_text(name: str, scope: Scope) -> str:
    """Write a scope back in the typed syntax (English field names); parse_group reads it."""
    parts: list[str] = []
    if scope.programs is not None:
        parts.append("program=" + ",".join(scope.programs))
    _, conditions, problems = parse_where(scope.where)
    if problems:
        raise ScopeError(problems)
    for cond in conditions:
        value = cond.value
        text = ",".join(map(_text, value)) if isinstance(value, list) else _text(value)
        parts.append(f"{cond.field}{cond.op}{text}")
    return f"{name}: " + "; ".join(parts)


def _text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# --------------------------------------------------------------------------------------
# The comparison
# --------------------------------------------------------------------------------------

def _sort_key(field: str | None):
    def key(value: Any):
        if value is None:
            return (2, 0, "")
        if field == "age_band" and value in vocab.AGE_BANDS:
            return (0, vocab.AGE_BANDS.index(value), "")
        if isinstance(value, (int, float)):
            return (0, value, "")
        text = str(value)
        if text.isdigit():
            return (0, int(text), text)
        return (1, 0, text.casefold())
    return key


def compare(con: duckdb.DuckDBPyConnection, programs: Sequence[str] | None, status: str | Sequence[str],
            as_of: Any, by: str | None = None,
            groups: Iterable[str | tuple[str, Scope]] | None = None) -> list[dict[str, Any]]:
    """Share of participants reaching `status`, per group, with a fair comparison and time-to-status curves.

    Args:
        programs: program ids, or None for all programs.
        status: the status (or a list: any of them).
        as_of: the date of the comparison.
        by: a participant field to group by — cohort, site, program, entry_year, coach_id,
            mentor_id, german_level, age_band, … (German names too: standort, kohorte, …).
        groups: comparison groups, typed (``"Köln B1+: site=Köln; german_level>=B1"``, see
            `parse_group`) or as (name, Scope); each is limited to `programs`. With `by`
            too, every group is split by that field.

    Returns:
        One dict per group:

        - "group": the field's value (None = unknown), the group's name, "<group> – <value>"
          when both, or "all"; "unit": the number of the typed group it belongs to (0 without
          typed groups). Groups by value are sorted (numbers numerically, unknown last); typed
          groups keep their order.
        - "n" (entered up to as_of), "reached" (of them, with a start of `status` on or before
          as_of), "share", "ci_low", "ci_high" (Wilson 95 %), "small" (n < 5: too small to compare).
        - the difference to a reference (`_differences`): "versus" ("others", the first group's
          name, or None for the reference itself and a comparison without groups),
          "diff", "diff_low", "diff_high" (share minus the reference's share, Newcombe 95 %),
          "p_exact" (Fisher's exact test, two-sided), "reference_small".
        - the share adjusted for the participant mix (`_adjust`): "adjusted", "adjusted_cover",
          "adjusted_by" (the fields used; empty when neither is recorded: no adjustment).
        - "time_to": the Kaplan–Meier curve (`time_to`) {"months", "share", "band_low",
          "band_high" (95 %, `stats.km_band`), "at_risk": {"months", "n"}} (`_curve`); the
          at-risk months are the same for every group of the comparison (`at_risk_months`).

    Raises:
        GroupError: a typed group has problems.
    """
    base = Scope(tuple(programs) if programs is not None else None)
    field = resolve_field(by) if by is not None else None
    units: list[tuple[str | None, Scope]] = []
    if groups is None:
        units.append((None, base))
    else:
        for group in groups:
            name, scope = parse_group(group, con) if isinstance(group, str) else group
            chosen = scope.programs
            if base.programs is not None:
                chosen = tuple(p for p in (chosen or base.programs) if p in base.programs)
            units.append((name, Scope(chosen, scope.where)))

    result: list[dict[str, Any]] = []
    tables: list[Any] = []
    for unit, (name, scope) in enumerate(units):
        curves, _ = curve_tables(con, scope, status, as_of, by=by)    # rows per group; no frames
        # counted once by value × German level × qualification (the strata of the adjustment);
        # a value's share is the sum over its strata
        counted, = share_counts_on(con, scope, status, None, [as_of], by=[*([by] if by else []), *ADJUST_FIELDS])
        strata: dict[Any, dict[tuple, tuple[int, int]]] = {}
        for key, (n, k) in counted.items():
            strata.setdefault(key[0] if by is not None else "all", {})[tuple(key[-2:])] = (k, n)
        rates = {value: stats.wilson(sum(k for k, _ in cells.values()), sum(n for _, n in cells.values()))
                 for value, cells in strata.items()}
        if by is None:
            rates.setdefault("all", stats.wilson(0, 0))
        values = sorted(rates, key=_sort_key(field)) if by is not None else ["all"]
        for value in values:
            rate = rates[value]
            if by is None:
                label = name if name is not None else "all"
            elif name is None:
                label = value
            else:
                label = f"{name} – {value if value is not None else '?'}"
            tables.append(curves.get(value))
            result.append({
                "group": label,
                "unit": unit,
                "n": rate.n,
                "reached": rate.k,
                "share": rate.share,
                "ci_low": rate.ci_low,
                "ci_high": rate.ci_high,
                "small": rate.small,
                "_strata": strata.get(value, {}),
            })
    _differences(result, by is not None, groups is not None)
    _adjust(result)
    months = at_risk_months(max((max(row[0] for row in t) for t in tables if t), default=0))
    for row, table in zip(result, tables):
        row["time_to"] = _curve(table, months)
    return result


# --------------------------------------------------------------------------------------
# A fair comparison: differences, the participant mix, uncertainty of the curves
# --------------------------------------------------------------------------------------

ADJUST_FIELDS = ("german_level", "qualification_level")


def _differences(rows: list[dict[str, Any]], by_value: bool, typed: bool) -> None:
    """Each group against a reference: its share minus the reference's share in percentage
    points with Newcombe's 95 % interval, and Fisher's exact p (two-sided).

    The reference is what an evaluator asks about: by an attribute, each value against all the
    others of its comparison group ("does Köln differ from the other sites?", unknown values
    among the others); typed groups without an attribute, each against the first group (the one
    typed first is the yardstick; it has no difference itself). A single group has none. Where
    the group or its reference has under 5 participants (or nobody) there is no difference and no
    test (`reference_small` tells when it is the reference). p-values are not adjusted for
    testing several groups.
    """
    totals: dict[int, tuple[int, int]] = {}
    for row in rows:
        k, n = totals.get(row["unit"], (0, 0))
        totals[row["unit"]] = (k + row["reached"], n + row["n"])
    for i, row in enumerate(rows):
        if by_value:
            k, n = totals[row["unit"]]
            versus, ref = "others", (k - row["reached"], n - row["n"])
        elif typed and i > 0:
            versus, ref = rows[0]["group"], (rows[0]["reached"], rows[0]["n"])
        else:
            versus, ref = None, None
        row.update({"versus": versus, "diff": None, "diff_low": None, "diff_high": None, "p_exact": None,
                    "reference_small": ref is not None and ref[1] < stats.SMALL_N})
        if ref is None:
            continue
        difference = stats.difference(row["reached"], row["n"], *ref)
        if difference.small or difference.diff is None:
            continue    # too small to compare: no difference, no test
        row.update({"diff": difference.diff, "diff_low": difference.ci_low, "diff_high": difference.ci_high,
                    "p_exact": difference.p_exact})


def _band_of(field: str, value: Any) -> str | None:
    """German level as CEFR's broad band (A, B, C), qualification as ISCED 0–2, 3–4, 5–8; None = not recorded."""
    if value is None:
        return None
    if field == "german_level":
        return next((band for band, *levels in vocab.CEFR_BANDS if value in levels), None)
    return next((name for name, low, high in vocab.ISCED_GROUPS if low <= int(value) <= high), None)


def _adjust(rows: list[dict[str, Any]]) -> None:
    """The share each group would have with the participant mix of all groups together (direct
    standardisation, `stats.standardised_share`).

    Strata: German level (CEFR A, B, C) × qualification (ISCED 0–2, 3–4, 5–8) — broad bands, so
    that small groups still fill their strata. "Not recorded" is a stratum of its own, so every
    participant counts and the adjusted share stays comparable with the raw one; a field recorded
    for nobody in the comparison is left out, and with neither recorded there is no adjustment
    ("adjusted" None, "adjusted_by" empty). The standard population is all groups together (a
    woman in two typed groups counts twice). A group lacking some strata is standardised over the
    strata it has; "adjusted_cover" is the part of the standard population those strata hold.
    """
    bands: dict[tuple, tuple] = {}     # a few levels × qualifications, met in every group
    for row in rows:
        for key in row["_strata"]:
            if key not in bands:
                bands[key] = tuple(_band_of(f, v) for f, v in zip(ADJUST_FIELDS, key))
    strata = [[(bands[key], kn) for key, kn in row.pop("_strata").items()] for row in rows]
    used = [i for i in range(len(ADJUST_FIELDS)) if any(key[i] is not None for one in strata for key, _ in one)]
    fields = [ADJUST_FIELDS[i] for i in used]
    standard: dict[tuple, int] = {}
    merged = []
    for one in strata:
        cells: dict[tuple, tuple[int, int]] = {}
        for key, (k, n) in one:     # several levels fall into one band: add them up
            cell = tuple(key[i] for i in used)
            before = cells.get(cell, (0, 0))
            cells[cell] = (before[0] + k, before[1] + n)
            standard[cell] = standard.get(cell, 0) + n
        merged.append(cells)
    total = sum(standard.values())
    for row, cells in zip(rows, merged):
        adjusted = stats.standardised_share(cells, standard) if fields else None
        cover = sum(standard[c] for c, (_, n) in cells.items() if n) / total if fields and total else None
        row.update({"adjusted": adjusted, "adjusted_cover": cover if adjusted is not None else None,
                    "adjusted_by": fields})


def at_risk_months(last: int) -> list[int]:
    """The months at which the numbers at risk are shown: 0, 3, 6, 12, 18, 24, then every 12, up to `last`."""
    fixed = [m for m in (0, 3, 6, 12, 18, 24) if m <= last]
    return fixed + list(range(36, last + 1, 12))


def _curve(table: list[tuple] | None, months: Sequence[int]) -> dict[str, Any]:
    """One group's Kaplan–Meier curve with its 95 % band and its numbers at risk at `months`.

    The band is `stats.km_band` on the monthly table (Greenwood, log–log), widened where needed
    to hold the curve itself (computed on days, it may lie a hair outside the monthly band).
    The number at risk at month 0 is everyone followed from entry; at month m, those still
    followed after m months without having reached the status (the table's at_risk less the
    month's events and censorings) — 0 after the last follow-up.
    """
    if not table:
        return {"months": [], "share": [], "band_low": [], "band_high": [],
                "at_risk": {"months": list(months), "n": [0 for _ in months]}}
    month, at_risk, events, censored, share = (list(column) for column in zip(*table))   # curve_tables' rows
    band = stats.km_band(at_risk, events)
    after = {m: n - d - c for m, n, d, c in zip(month, at_risk, events, censored)}
    first = int(at_risk[0])
    return {"months": month, "share": share,
            "band_low": [min(low, s) for (low, _), s in zip(band, share)],
            "band_high": [max(high, s) for (_, high), s in zip(band, share)],
            "at_risk": {"months": list(months), "n": [first if m == 0 else int(after.get(m, 0)) for m in months]}}
