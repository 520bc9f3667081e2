"""Metrics: one function per number (DESIGN.md, "Metric semantics").

Every function takes a DuckDB connection, a `Scope` and dates, counts in SQL with bind
parameters and returns plain Python values, a `Rate` or a pandas DataFrame. The dashboard,
the reports and the CLI all take their numbers from here.

Definitions, where DESIGN.md leaves room (all dates inclusive unless said otherwise):

- An episode is *active on day d* when ``start_date <= d`` and (``end_date`` is empty or
  ``end_date > d``). An episode whose ``end_date`` is on or before its ``start_date`` (a
  one-day episode such as a qualification recorded with end = start) is active on its start
  day only — otherwise it would never be active at all.
- ``in_program(d)``: entered on or before d and not exited before d (exit on d still counts).
- ``upon_leaving``: the window after leaving is day 0 (the exit date itself) to day 28
  inclusive, i.e. ``[exit_date, exit_date + 28 days]`` — 29 calendar days. A woman who left
  because she started work that day counts. The S episode may have started before the exit.
- ``six_months_after``: S active on ``exit_date + 6 calendar months``; month ends are clamped
  (31 Aug + 6 months = 28/29 Feb).
- ``time_to`` (Kaplan–Meier): see the function.
- ``share_reached`` / the ``share`` target measure and the cohort comparison: of the
  participants who entered in [a, b], those with an S episode starting on or before b.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import duckdb
import pandas as pd

from pipelines import dates
from pipelines import text, vocab
from pipelines.store import db
from pipelines.metrics.stats import SMALL_N, Z95, Rate, wilson  # noqa: F401  (the package's interface)



UPON_LEAVING_DAYS = 28  # window after exit: day 0 (exit date) .. day 28, inclusive
FOLLOW_UP_MONTHS = 6    # six_months_after
MONTH_DAYS = 365.25 / 12  # length of a "month since entry" in time_to (30.4375 days)

OPERATORS = ("=", "!=", ">=", "<=", ">", "<")
_OPERATOR_ALIASES = {
    "==": "=", "<>": "!=", "≠": "!=", "≥": ">=", "≤": "<=",
    "eq": "=", "ne": "!=", "not": "!=", "ge": ">=", "min": ">=", "le": "<=", "max": "<=",
    "gt": ">", "lt": "<",
}


# --------------------------------------------------------------------------------------
# Fields a scope can filter on
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldSpec:
    """A participant attribute usable in a scope, a group-by or a cohort filter."""

    expr: str                    # SQL over the participant alias `p`
    kind: str                    # text | enum | cefr | int | date
    order_expr: str | None = None  # SQL used for >=, <=, >, < (None: not ordered)
    values: tuple = ()           # allowed values (enum)
    low: int | None = None       # bounds (int)
    high: int | None = None


_AGE = "(year(p.entry_date) - p.birth_year)"
FIELDS: dict[str, FieldSpec] = {
    "program_id": FieldSpec("p.program_id", "text"),
    "site": FieldSpec("p.site", "text"),
    # cohorts are usually numbered courses: ordered comparisons use the number
    "cohort": FieldSpec("p.cohort", "text", order_expr="try_cast(p.cohort as integer)"),
    "gender": FieldSpec("p.gender", "enum", values=vocab.GENDERS),
    "origin_region": FieldSpec("p.origin_region", "text"),
    "coach_id": FieldSpec("p.coach_id", "text"),
    "mentor_id": FieldSpec("p.mentor_id", "text"),
    "exit_reason": FieldSpec("p.exit_reason", "enum", values=vocab.EXIT_REASONS),
    "german_level": FieldSpec(
        "p.german_level", "cefr",
        order_expr="list_position(['A1', 'A2', 'B1', 'B2', 'C1', 'C2'], p.german_level)",
        values=vocab.CEFR),
    "qualification_level": FieldSpec("p.qualification_level", "int",
                                     order_expr="p.qualification_level", low=0, high=8),
    "birth_year": FieldSpec("p.birth_year", "int", order_expr="p.birth_year"),
    "entry_year": FieldSpec("year(p.entry_date)", "int", order_expr="year(p.entry_date)"),
    "exit_year": FieldSpec("year(p.exit_date)", "int", order_expr="year(p.exit_date)"),
    # age in the year of entry (only the birth year is stored)
    "age": FieldSpec(_AGE, "int", order_expr=_AGE, low=0, high=120),
    "age_band": FieldSpec(
        f"case when p.birth_year is null then null when {_AGE} < 25 then '<25' "
        f"when {_AGE} < 35 then '25-34' when {_AGE} < 45 then '35-44' "
        f"when {_AGE} < 55 then '45-54' else '55+' end",
        "enum", values=vocab.AGE_BANDS),
    "entry_date": FieldSpec("p.entry_date", "date", order_expr="p.entry_date"),
    "exit_date": FieldSpec("p.exit_date", "date", order_expr="p.exit_date"),
}
# Shorthands for date ranges: key -> (field, operator)
RANGE_KEYS = {
    "entry_from": ("entry_date", ">="), "entry_to": ("entry_date", "<="),
    "exit_from": ("exit_date", ">="), "exit_to": ("exit_date", "<="),
}


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(name).strip().lower())


def resolve_field(name: str) -> str | None:
    """Canonical field name for a German or English spelling, or None if unknown.

    >>> resolve_field("Standort"), resolve_field("eintrittsjahr"), resolve_field("entry_from")
    ('site', 'entry_year', 'entry_from')
    """
    k = _key(name)
    for canonical in list(FIELDS) + list(RANGE_KEYS):
        if _key(canonical) == k:
            return canonical
    return vocab.SCOPE_FIELD_ALIASES.get(k)


# --------------------------------------------------------------------------------------
# Messages (scope and cohort problems reach people: German first, English on request)
# --------------------------------------------------------------------------------------

_MESSAGES: dict[str, tuple[str, str]] = {
    "unknown_field": ("Unbekanntes Merkmal „{field}“. Möglich sind: {known}.",
                      "Unknown field '{field}'. Possible fields: {known}."),
    "bad_value": ("{field}: „{value}“ ist kein gültiger Wert ({hint}).",
                  "{field}: '{value}' is not a valid value ({hint})."),
    "bad_operator": ("{field}: unbekannter Vergleich „{op}“ (möglich: =, !=, >=, <=, >, <).",
                     "{field}: unknown comparison '{op}' (possible: =, !=, >=, <=, >, <)."),
    "not_ordered": ("{field}: „{op}“ geht nur bei geordneten Merkmalen ({ordered}).",
                    "{field}: '{op}' works only for ordered fields ({ordered})."),
    "list_operator": ("{field}: eine Liste von Werten geht nur mit = oder !=.",
                      "{field}: a list of values works only with = or !=."),
    "empty_list": ("{field}: die Liste der Werte ist leer.", "{field}: the list of values is empty."),
    "range_key": ("{field}: erwartet ein einzelnes Datum.", "{field}: expects a single date."),
    "not_a_table": ("Der Filter (where) muss eine Tabelle Merkmal = Wert sein.",
                    "The filter (where) must be a table of field = value."),
}
_HINTS: dict[str, tuple[str, str]] = {
    "cefr": ("A1, A2, B1, B2, C1 oder C2", "A1, A2, B1, B2, C1 or C2"),
    "int": ("eine ganze Zahl", "a whole number"),
    "date": ("ein Datum TT.MM.JJJJ oder JJJJ-MM-TT", "a date DD.MM.YYYY or YYYY-MM-DD"),
    "text": ("ein Text", "a text"),
    "range": ("zwischen {low} und {high}", "between {low} and {high}"),
}


def message(key: str, lang: str = "de", **values: Any) -> str:
    """A user-facing message of this module in German ('de') or English ('en')."""
    return text.pick(_MESSAGES, key, lang, **values)


def _hint(spec: FieldSpec, lang: str) -> str:
    i = 0 if lang == "de" else 1
    if spec.kind == "enum" or spec.kind == "cefr":
        return ", ".join(spec.values)
    if spec.kind == "int" and spec.low is not None:
        return _HINTS["range"][i].format(low=spec.low, high=spec.high)
    return _HINTS[spec.kind][i]


class ScopeError(ValueError):
    """A scope's `where` table names unknown fields or invalid values."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --------------------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Which participants a number is about.

    Args:
        programs: program ids, or None for all programs.
        where: participant filter. Keys are fields of `FIELDS` (site, cohort, gender,
            german_level, qualification_level, origin_region, coach_id, mentor_id,
            exit_reason, program_id, birth_year, entry_year, exit_year, age, age_band,
            entry_date, exit_date) or the date shorthands entry_from / entry_to /
            exit_from / exit_to. A value is a scalar (equals), a list (any of) or a table
            of comparisons ``{">=": "B1", "<": "C1"}`` (``=``, ``!=``, ``>=``, ``<=``,
            ``>``, ``<``; ordered fields only for the last four: german_level in CEFR
            order, qualification_level, cohort as a number, years, age, dates).
            ``!=`` keeps participants whose value is unknown.

    Example: ``Scope(("kassel",), {"site": ["Nord", "Süd"], "german_level": {">=": "B1"},
    "entry_from": "2019-01-01"})``.
    """

    programs: tuple[str, ...] | None = None
    where: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if isinstance(self.programs, str):
            object.__setattr__(self, "programs", (self.programs,))
        elif self.programs is not None:
            object.__setattr__(self, "programs", tuple(self.programs))
        object.__setattr__(self, "where", dict(self.where or {}))

    def __hash__(self):
        return hash((self.programs, json.dumps(_jsonable(self.where), sort_keys=True)))

    def narrow(self, **where: Any) -> "Scope":
        """The same scope with further conditions (replacing conditions on the same keys)."""
        return Scope(self.programs, {**self.where, **where})

    def to_json(self) -> str:
        """The `where` table as JSON (dates as ISO strings), as stored in target.scope_json."""
        return json.dumps(_jsonable(self.where), sort_keys=True, ensure_ascii=False)


ALL = Scope()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any  # normalised: str | int | date | None, or a list of them for = / !=


def _normalise_value(name: str, spec: FieldSpec, value: Any, lang: str,
                     field: str | None = None) -> tuple[Any, str | None]:
    """(normalised value, problem or None); `name` as shown in the problem, `field` canonical."""
    field = field or name
    bad = lambda: (None, message("bad_value", lang, field=name, value=value, hint=_hint(spec, lang)))  # noqa: E731
    if value is None:
        return None, None
    if isinstance(value, bool):
        return bad()
    if spec.kind == "text":
        if isinstance(value, (str, int)):
            text = str(value).strip()
            return (text, None) if text else bad()
        return bad()
    if spec.kind in ("enum", "cefr"):
        if not isinstance(value, str):
            return bad()
        text = value.strip()
        if spec.kind == "cefr":
            text = text.upper()
        else:
            text = vocab.canonical_value(field, text) or (text.lower() if field != "age_band" else text)
            text = text.replace("–", "-")
        return (text, None) if text in spec.values else bad()
    if spec.kind == "int":
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            return bad()
        if spec.low is not None and not spec.low <= value <= spec.high:
            return bad()
        return value, None
    if spec.kind == "date":
        try:
            return _as_date(value), None
        except (TypeError, ValueError):
            return bad()
    raise AssertionError(spec.kind)


def parse_where(where: Mapping[str, Any] | None, lang: str = "de") -> tuple[dict, list[Condition], list[str]]:
    """Check and normalise a `where` table.

    Returns:
        (canonical where — same shape, values normalised, JSON-able via Scope.to_json;
         the list of conditions; the list of problems in `lang`, empty if all is well).
    """
    text.check_lang(lang)
    if where is None:
        return {}, [], []
    if not isinstance(where, Mapping):
        return {}, [], [message("not_a_table", lang)]
    canonical: dict[str, Any] = {}
    conditions: list[Condition] = []
    problems: list[str] = []
    known = ", ".join(list(FIELDS) + list(RANGE_KEYS))
    for raw_key, raw in where.items():
        key = str(raw_key)
        if key in RANGE_KEYS:
            target, op = RANGE_KEYS[key]
            if isinstance(raw, (list, tuple, dict)):
                problems.append(message("range_key", lang, field=key))
                continue
            value, problem = _normalise_value(key, FIELDS[target], raw, lang)
            if problem or value is None:
                problems.append(problem or message("range_key", lang, field=key))
                continue
            canonical[key] = value
            conditions.append(Condition(target, op, value))
            continue
        if key not in FIELDS:
            problems.append(message("unknown_field", lang, field=key, known=known))
            continue
        spec = FIELDS[key]
        if isinstance(raw, Mapping):
            pairs = list(raw.items())
            shape = "ops"
        elif isinstance(raw, (list, tuple)):
            pairs = [("=", list(raw))]
            shape = "list"
        else:
            pairs = [("=", raw)]
            shape = "scalar"
        out_ops: dict[str, Any] = {}
        for raw_op, raw_value in pairs:
            op = _OPERATOR_ALIASES.get(str(raw_op).strip().lower(), str(raw_op).strip())
            if op not in OPERATORS:
                problems.append(message("bad_operator", lang, field=key, op=raw_op))
                continue
            if op not in ("=", "!=") and spec.order_expr is None:
                ordered = ", ".join(n for n, s in FIELDS.items() if s.order_expr)
                problems.append(message("not_ordered", lang, field=key, op=op, ordered=ordered))
                continue
            if isinstance(raw_value, (list, tuple)):
                if op not in ("=", "!="):
                    problems.append(message("list_operator", lang, field=key))
                    continue
                if not raw_value:
                    problems.append(message("empty_list", lang, field=key))
                    continue
                values = []
                for item in raw_value:
                    value, problem = _normalise_value(key, spec, item, lang)
                    if problem:
                        problems.append(problem)
                    else:
                        values.append(value)
                if len(values) != len(raw_value):
                    continue
                out_ops[op] = values
                conditions.append(Condition(key, op, values))
            else:
                value, problem = _normalise_value(key, spec, raw_value, lang)
                if problem:
                    problems.append(problem)
                    continue
                if value is None and op not in ("=", "!="):
                    problems.append(message("bad_value", lang, field=key, value=raw_value,
                                            hint=_hint(spec, lang)))
                    continue
                if key == "cohort" and op not in ("=", "!=") and not re.fullmatch(r"-?\d+", value):
                    # cohorts compare as numbers (course 10 after course 7)
                    problems.append(message("bad_value", lang, field=key, value=raw_value,
                                            hint=_HINTS["int"][0 if lang == "de" else 1]))
                    continue
                out_ops[op] = value
                conditions.append(Condition(key, op, value))
        if shape == "ops":
            canonical[key] = out_ops
        elif "=" in out_ops:
            canonical[key] = out_ops["="]
    return canonical, conditions, problems


def check_where(where: Mapping[str, Any] | None, lang: str = "de") -> list[str]:
    """The problems of a `where` table in `lang` (empty list: fine)."""
    return parse_where(where, lang)[2]


def scope_sql(scope: Scope | None, prefix: str = "w") -> tuple[str, dict[str, Any]]:
    """The SQL predicate over participant alias `p` selecting a scope, with its parameters.

    The one place a scope becomes SQL: values are always bind parameters (named
    ``$<prefix>_<n>``); only the fixed expressions of `FIELDS` are spliced.

    Raises:
        ScopeError: unknown fields or invalid values (messages in English).
    """
    scope = scope or ALL
    _, conditions, problems = parse_where(scope.where, "en")
    if problems:
        raise ScopeError(problems)
    parts: list[str] = []
    params: dict[str, Any] = {}
    if scope.programs is not None:
        params[f"{prefix}_programs"] = list(scope.programs)
        parts.append(f"list_contains(${prefix}_programs, p.program_id)")
    for i, cond in enumerate(conditions):
        name = f"{prefix}_{i}"
        spec = FIELDS[cond.field]
        value = cond.value
        if cond.op in ("=", "!="):
            if isinstance(value, list):
                params[name] = value
                test = f"list_contains(${name}, {spec.expr})"
                # != keeps participants whose value is unknown
                parts.append(test if cond.op == "=" else f"not coalesce({test}, false)")
            elif value is None:
                parts.append(f"{spec.expr} is {'not ' if cond.op == '!=' else ''}null")
            else:
                params[name] = value
                parts.append(f"{spec.expr} = ${name}" if cond.op == "="
                             else f"{spec.expr} is distinct from ${name}")
        else:
            if spec.kind == "cefr":
                value = vocab.CEFR.index(value) + 1
            elif cond.field == "cohort":
                value = int(value)  # checked by parse_where
            params[name] = value
            parts.append(f"{spec.order_expr} {cond.op} ${name}")
    return (" and ".join(parts) if parts else "true"), params


def group_expr(by: str) -> str:
    """The SQL expression (over participant alias `p`) for grouping by a field."""
    name = resolve_field(by)
    if name is None or name not in FIELDS:
        raise ScopeError([message("unknown_field", "en", field=by, known=", ".join(FIELDS))])
    return FIELDS[name].expr


# --------------------------------------------------------------------------------------
# Running SQL
# --------------------------------------------------------------------------------------

def _render(template: str, scope: Scope | None, group: str | None = None) -> tuple[str, dict]:
    predicate, params = scope_sql(scope)
    sql = template.replace("__SCOPE__", f"({predicate})")
    if "__GROUP__" in sql:
        sql = sql.replace("__GROUP__", group or "'all'")
    return sql, params


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dates.parse_date(value)
    raise TypeError(f"not a date: {value!r}")


def _opt_date(value: Any) -> dt.date | None:
    return None if value is None else _as_date(value)


def vocabulary(con: duckdb.DuckDBPyConnection, programs: Iterable[str] | None = None) -> dict[str, str]:
    """Statuses and their category: the built-in ones and those of the given programs.

    Returns:
        {status: "support" | "outcome"}, built-in statuses first (in DESIGN.md order), then
        program statuses alphabetically; a program's own entry wins over the built-in one.
    """
    rows = con.execute(
        "select program_id, status, category from status_vocabulary "
        "where program_id = '*' or $programs is null or list_contains($programs, program_id) "
        "order by program_id = '*' desc, status",
        {"programs": None if programs is None else list(programs)},
    ).fetchall()
    order = list(vocab.STATUSES)
    result = {status: category for _, status, category in rows}
    return dict(sorted(result.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])))


def _statuses(con, scope: Scope | None, status: str | Sequence[str]) -> list[str]:
    wanted = [status] if isinstance(status, str) else list(status)
    known = vocabulary(con, (scope or ALL).programs)
    unknown = [s for s in wanted if s not in known]
    if unknown or not wanted:
        raise ValueError(f"unknown status {', '.join(map(repr, unknown)) or '(none)'}; "
                         f"known: {', '.join(known)}")
    return wanted


def _count(con, template: str, scope: Scope | None, by: str | Sequence[str] | None = None,
           **params: Any) -> int | dict:
    """Run a count template; with `by`, the same count per group in one query.

    Returns:
        the count; or with by="site" {site: n}, with by=("site", "cohort") {(site, cohort): n}.
        Groups with no participant counted are absent (read them as 0).
    """
    sql, p = _render(template, scope)
    if by is None:
        return int(db.run(con, sql, {**p, **params}).fetchone()[0])
    fields = [by] if isinstance(by, str) else list(by)
    select = ", ".join(f"{group_expr(f)} as g{i}" for i, f in enumerate(fields))
    head = "select count(*) from participant p"
    if head not in sql:
        raise ValueError("this count cannot be grouped")
    sql = sql.replace(head, f"select {select}, count(*) from participant p", 1) + " group by all"
    rows = db.run(con, sql, {**p, **params}).fetchall()
    if isinstance(by, str):
        return {row[0]: int(row[1]) for row in rows}
    return {tuple(row[:-1]): int(row[-1]) for row in rows}


# --------------------------------------------------------------------------------------
# Counts
# --------------------------------------------------------------------------------------

# An episode active on $d: started on or before d, not ended on or before d — except that an
# episode is always active on its own start day (one-day episodes with end = start).
_ACTIVE_ON_D = "e.start_date <= $d and (e.end_date is null or e.end_date > $d or e.start_date = $d)"

_ENTERED = """
select count(*) from participant p
where __SCOPE__ and ($a::date is null or p.entry_date >= $a) and ($b::date is null or p.entry_date <= $b)
"""
_IN_PROGRAM = """
select count(*) from participant p
where __SCOPE__ and p.entry_date <= $d and (p.exit_date is null or p.exit_date >= $d)
"""
_ACTIVE = f"""
select count(*) from participant p
where __SCOPE__ and exists (
    select 1 from episode e
    where e.program_id = p.program_id and e.participant_id = p.participant_id
      and list_contains($statuses, e.status) and {_ACTIVE_ON_D})
"""
_REACHED = """
select count(*) from participant p
where __SCOPE__ and exists (
    select 1 from episode e
    where e.program_id = p.program_id and e.participant_id = p.participant_id
      and list_contains($statuses, e.status)
      and ($a::date is null or e.start_date >= $a) and ($b::date is null or e.start_date <= $b))
"""


# Each count below takes an optional `by` (a field of FIELDS, or several): then it answers the
# same question per group in one query, as {value: n} or {(value, value): n} (see `_count`).

def entered(con: duckdb.DuckDBPyConnection, scope: Scope | None, a: Any, b: Any,
            by: str | Sequence[str] | None = None) -> int | dict:
    """Participants whose entry_date lies in [a, b] (None: open end)."""
    return _count(con, _ENTERED, scope, by, a=_opt_date(a), b=_opt_date(b))


def in_program(con: duckdb.DuckDBPyConnection, scope: Scope | None, d: Any,
               by: str | Sequence[str] | None = None) -> int | dict:
    """Participants who entered on or before d and had not exited before d."""
    return _count(con, _IN_PROGRAM, scope, by, d=_as_date(d))


def active(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str], d: Any,
           by: str | Sequence[str] | None = None) -> int | dict:
    """Participants with an episode of `status` active on d ("106 in coaching").

    `status` may be a list: participants active in any of them, each counted once.
    """
    return _count(con, _ACTIVE, scope, by, statuses=_statuses(con, scope, status), d=_as_date(d))


def reached(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
            a: Any, b: Any, by: str | Sequence[str] | None = None) -> int | dict:
    """Participants with an episode of `status` starting in [a, b]; each counted once.

    "37 started training" is ``reached(con, scope, "training", program_start, d)``.
    """
    return _count(con, _REACHED, scope, by, statuses=_statuses(con, scope, status),
                  a=_opt_date(a), b=_opt_date(b))


# --------------------------------------------------------------------------------------
# Rates
# --------------------------------------------------------------------------------------


def _leaving(con, scope: Scope | None, status, a: Any, b: Any) -> tuple[int, int, int]:
    sql, params = _render(db.sql("metrics_leaving_results"), scope)
    row = db.run(con, sql, {
        **params, "statuses": _statuses(con, scope, status), "a": _opt_date(a), "b": _opt_date(b),
        "window_days": UPON_LEAVING_DAYS, "follow_up_months": FOLLOW_UP_MONTHS,
    }).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def leavers(con: duckdb.DuckDBPyConnection, scope: Scope | None, a: Any, b: Any) -> int:
    """Participants whose exit_date lies in [a, b]."""
    return _count(con, """
        select count(*) from participant p
        where __SCOPE__ and p.exit_date is not null
          and ($a::date is null or p.exit_date >= $a) and ($b::date is null or p.exit_date <= $b)
        """, scope, a=_opt_date(a), b=_opt_date(b))


def upon_leaving(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
                 a: Any, b: Any) -> Rate:
    """Of the participants who left in [a, b], those in `status` upon leaving (ESF+).

    Counted: an S episode active on at least one day of ``[exit_date, exit_date + 28 days]``
    — day 0, the exit date itself, counts; so does day 28 ("within 4 weeks after leaving").

    Returns:
        Rate(k = leavers with S upon leaving, n = leavers in [a, b], Wilson interval).
    """
    n, k, _ = _leaving(con, scope, status, a, b)
    return wilson(k, n)


def six_months_after(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
                     a: Any, b: Any) -> Rate:
    """Of the participants who left in [a, b], those with S active on exit_date + 6 months.

    Calendar months, clamped at month ends: exit 31 Aug 2019 → 29 Feb 2020.

    Returns:
        Rate(k, n = leavers in [a, b]).
    """
    n, _, k = _leaving(con, scope, status, a, b)
    return wilson(k, n)


def share_reached(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
                  a: Any, b: Any) -> Rate:
    """Of the participants who entered in [a, b], those with an S episode starting on or before b.

    The `share` target measure and the cohort comparison use this definition.
    """
    rows = share_rows(con, scope, status, a, b)
    return wilson(rows[0][2], rows[0][1]) if rows else wilson(0, 0)


def share_rows(con, scope: Scope | None, status, a: Any, b: Any,
               group: str | None = None) -> list[tuple[Any, int, int]]:
    """(group value, n entered in [a, b], reached by b) per group of `group_expr` (internal)."""
    sql, params = _render(db.sql("metrics_share_reached"), scope, group)
    rows = db.run(con, sql, {**params, "statuses": _statuses(con, scope, status),
                          "a": _opt_date(a), "b": _as_date(b)}).fetchall()
    return [(g, int(n), int(k)) for g, n, k in rows]


# --------------------------------------------------------------------------------------
# Time to outcome (Kaplan–Meier)
# --------------------------------------------------------------------------------------

TIME_TO_COLUMNS = ["month", "at_risk", "events", "censored", "share"]


def time_to(con: duckdb.DuckDBPyConnection, scope: Scope | None, status: str | Sequence[str],
            as_of: Any) -> pd.DataFrame:
    """Kaplan–Meier: cumulative share reaching `status`, by whole months since entry.

    Rules:
      - Participants who entered on or before `as_of` are followed from entry_date to
        ``min(exit_date, as_of)`` (both inclusive).
      - Event: the first start of an S episode in that window (a start on the entry day is
        day 0). Starts after exit are not events: follow-up ends at exit.
      - A participant already in S on her entry day (an S episode that started before entry
        and is still running) was never at risk and is left out; their number is in
        ``df.attrs["excluded_at_entry"]``. An S episode that ended before entry is ignored.
      - Others are censored at ``min(exit_date, as_of)``.
      - The product-limit estimate is computed on days (censorings on an event day count as
        at risk on that day). Month m ends at day ``floor(m * 30.4375 + 0.5)``: 1 → 30,
        3 → 91, 6 → 183, 12 → 365, 24 → 731.

    Returns:
        DataFrame(month, at_risk, events, censored, share): one row per month m = 0, 1, …
        up to the last follow-up; `events`/`censored` fall in (end of month m-1, end of m]
        (month 0 = the entry day), `at_risk` is the number still followed at the start of
        that interval, `share` the estimated share that reached S within m months
        (1 - KM survival at the end of month m). Empty if nobody is in scope.
    """
    rows, excluded = time_to_rows(con, scope, status, as_of)
    frame = pd.DataFrame([r[1:] for r in rows], columns=TIME_TO_COLUMNS).astype(
        {"month": "int64", "at_risk": "int64", "events": "int64", "censored": "int64",
         "share": "float64"})
    frame.attrs["excluded_at_entry"] = excluded
    return frame


def time_to_rows(con, scope: Scope | None, status, as_of: Any,
                 group: str | None = None) -> tuple[list[tuple], int]:
    """([(group value, month, at_risk, events, censored, share)], excluded at entry) (internal)."""
    statuses = _statuses(con, scope, status)
    params = {"statuses": statuses, "as_of": _as_date(as_of), "month_days": MONTH_DAYS}
    sql, scope_params = _render(db.sql("metrics_time_to"), scope, group)
    rows = db.run(con, sql, {**scope_params, **params}).fetchall()
    sql, scope_params = _render(db.sql("metrics_time_to_excluded"), scope)
    excluded = db.run(con, sql, {**scope_params, **params}).fetchone()[0]
    return ([(g, int(m), int(r), int(e), int(c), float(s)) for g, m, r, e, c, s in rows],
            int(excluded or 0))


# --------------------------------------------------------------------------------------
# Funnel, series, summary
# --------------------------------------------------------------------------------------

def funnel(con: duckdb.DuckDBPyConnection, scope: Scope | None, as_of: Any) -> dict[str, Any]:
    """From entry to outcome, for the participants who entered on or before `as_of`.

    Stages: entered → had any support episode (starting on or before as_of) → reached any
    outcome (an outcome episode starting on or before as_of); categories come from
    status_vocabulary (a program's own entry wins over the built-in one).

    Returns:
        {"as_of": ISO date, "entered": n, "supported": n, "reached_any": n,
         "reached": {outcome status: n} (every outcome status of the vocabulary),
         "stages": [{"stage", "status", "n", "share"}] (share of entered; for charts),
         "in_program": n, "left": n,
         "exit_reasons": {"completed", "dropped_out", "moved", "other", "unknown": n}
             (participants with exit_date on or before as_of),
         "length_of_stay": {"left": stats, "ongoing": stats}} where stats =
             {"n", "mean_days", "median_days", "p25_days", "p75_days", "min_days", "max_days"}
             (left: entry to exit; ongoing: entry to as_of for those still in the program).
    """
    as_of = _as_date(as_of)
    scope = scope or ALL
    sql, params = _render(db.sql("metrics_funnel"), scope)
    rows = db.run(con, sql, {**params, "as_of": as_of}).fetchall()
    counts: dict[tuple[str, str | None], int] = {(stage, key): int(n) for stage, key, n in rows}
    outcomes = [s for s, c in vocabulary(con, scope.programs).items() if c == "outcome"]
    extra = sorted({k for s, k in counts if s == "reached" and k not in outcomes})
    entered_n = counts.get(("entered", None), 0)
    reached_by = {s: counts.get(("reached", s), 0) for s in outcomes + extra}
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "entered": entered_n,
        "supported": counts.get(("supported", None), 0),
        "reached_any": counts.get(("reached_any", None), 0),
        "reached": reached_by,
    }
    share = lambda n: (n / entered_n) if entered_n else None  # noqa: E731
    result["stages"] = (
        [{"stage": s, "status": None, "n": result[s], "share": share(result[s])}
         for s in ("entered", "supported", "reached_any")]
        + [{"stage": "reached", "status": s, "n": n, "share": share(n)} for s, n in reached_by.items()]
    )
    reasons = {r: counts.get(("exit_reason", r), 0) for r in vocab.EXIT_REASONS + ("unknown",)}
    result["exit_reasons"] = reasons
    result["left"] = sum(reasons.values())
    result["in_program"] = in_program(con, scope, as_of)
    sql, params = _render(db.sql("metrics_length_of_stay"), scope)
    stats = {"left": None, "ongoing": None}
    for row in db.run(con, sql, {**params, "as_of": as_of}).fetchall():
        kind, n, mean, median, p25, p75, low, high = row
        stats[kind] = {"n": int(n), "mean_days": _num(mean), "median_days": _num(median),
                       "p25_days": _num(p25), "p75_days": _num(p75),
                       "min_days": _num(low), "max_days": _num(high)}
    empty = {"n": 0, "mean_days": None, "median_days": None, "p25_days": None,
             "p75_days": None, "min_days": None, "max_days": None}
    result["length_of_stay"] = {k: v or dict(empty) for k, v in stats.items()}
    return result


def _num(value: Any) -> float | int | None:
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    return int(value) if value.is_integer() else value


SERIES_MEASURES = ("entered", "reached", "active", "in_program")


def monthly_series(con: duckdb.DuckDBPyConnection, scope: Scope | None, measure: str,
                   status: str | Sequence[str] | None, start: Any, end: Any) -> pd.DataFrame:
    """Month by month from `start` to `end`, for the progress charts.

    Measures:
        entered:    new = entries in the month; cumulative = entered(start, month_end).
        reached:    new = participants whose first S start on/after `start` falls in the
                    month; cumulative = reached(S, start, month_end).
        active:     new = participants with an S start in the month;
                    cumulative = active(S, month_end) (a level, not a sum).
        in_program: new = entries in the month; cumulative = in_program(month_end) (a level).

    Returns:
        DataFrame(month, month_end, new, cumulative): `month` is the first day of the
        calendar month, `month_end` its last day — or `end` for the last month, so the last
        row equals the metric on `end`. The first month counts from `start`.
    """
    if measure not in SERIES_MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {SERIES_MEASURES}")
    start, end = _as_date(start), _as_date(end)
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    params: dict[str, Any] = {"start": start, "end": end}
    if measure in ("reached", "active"):
        if status is None:
            raise ValueError(f"measure {measure!r} needs a status")
        params["statuses"] = _statuses(con, scope, status)
    sql, scope_params = _render(db.sql(f"metrics_series_{measure}"), scope)
    frame = db.run(con, sql, {**scope_params, **params}).df()
    return frame.astype({"new": "int64", "cumulative": "int64"}).reset_index(drop=True)


def status_summary(con: duckdb.DuckDBPyConnection, program_id: str, as_of: Any) -> dict[str, Any]:
    """The headline numbers of one program on `as_of` (DESIGN.md's "August 2020" sentence).

    entered and reached count from the program's start_date (open if unknown) to as_of.

    Returns:
        {"program", "as_of" (ISO), "entered", "in_program",
         "active": {status: n}, "reached": {status: n}} over every status of the vocabulary.
    """
    as_of = _as_date(as_of)
    row = con.execute("select start_date from program where program_id = ?", [program_id]).fetchone()
    if row is None:
        raise ValueError(f"unknown program {program_id!r}")
    start = row[0]
    scope = Scope((program_id,))
    sql, params = _render(db.sql("metrics_status_summary"), scope)
    counts = {s: (a, r) for s, a, r in db.run(con, sql, {**params, "program": program_id,
                                                       "start": start, "as_of": as_of}).fetchall()}
    statuses = list(vocabulary(con, (program_id,)))
    return {
        "program": program_id,
        "as_of": as_of.isoformat(),
        "entered": entered(con, scope, start, as_of),
        "in_program": in_program(con, scope, as_of),
        "active": {s: int(counts.get(s, (0, 0))[0]) for s in statuses},
        "reached": {s: int(counts.get(s, (0, 0))[1]) for s in statuses},
    }
