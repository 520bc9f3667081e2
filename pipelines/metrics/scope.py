"""Which participants a number is about: the fields a scope filters on, `Scope`, and its SQL.

A scope's `where` table is checked by `parse_where` (problems as codes, `Problem`) and turned
into SQL by `scope_sql`: values always as bind parameters, only the fixed expressions of
`FIELDS` spliced. `scoped_sql` is the one place a query of pipelines/sql gets its scope
predicate and its grouping spliced in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from pipelines import dates, vocab
from pipelines.metrics.problems import Problem, ProblemError
from pipelines.store import db

OPERATORS = ("=", "!=", ">=", "<=", ">", "<")
_OPERATOR_ALIASES = {
    "==": "=", "<>": "!=", "≠": "!=", "≥": ">=", "≤": "<=",
    "eq": "=", "ne": "!=", "not": "!=", "ge": ">=", "min": ">=", "le": "<=", "max": "<=",
    "gt": ">", "lt": "<",
}


@dataclass(frozen=True)
class FieldSpec:
    """A participant attribute usable in a scope, a group-by or a comparison group's filter."""

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


class ScopeError(ProblemError):
    """A scope's `where` table names unknown fields or invalid values."""


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
        return hash((self.programs, json.dumps(jsonable(self.where), sort_keys=True)))

    def narrow(self, **where: Any) -> "Scope":
        """The same scope with further conditions (replacing conditions on the same keys)."""
        return Scope(self.programs, {**self.where, **where})

    def to_json(self) -> str:
        """The `where` table as JSON (dates as ISO strings), as stored in target.scope_json."""
        return json.dumps(jsonable(self.where), sort_keys=True, ensure_ascii=False)


ALL = Scope()


def jsonable(value: Any) -> Any:
    """A where table (or a value of one) with dates as ISO strings, ready for json.dumps."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def optional_date(value: Any) -> dt.date | None:
    """`as_date`, with None for an open end."""
    return None if value is None else dates.as_date(value)


# --------------------------------------------------------------------------------------
# Checking a where table
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any  # normalised: str | int | date | None, or a list of them for = / !=


def bad_value(name: str, spec: FieldSpec, value: Any) -> Problem:
    """The problem of a value that does not fit its field (`name` as the person wrote it)."""
    if spec.kind in ("enum", "cefr"):
        return Problem("metrics.bad_value", {"field": name, "value": value, "allowed": ", ".join(spec.values)})
    if spec.kind == "int" and spec.low is not None:
        return Problem("metrics.bad_int_range", {"field": name, "value": value, "low": spec.low, "high": spec.high})
    return Problem(f"metrics.bad_{spec.kind}", {"field": name, "value": value})


def normalise_value(name: str, spec: FieldSpec, value: Any,
                    field: str | None = None) -> tuple[Any, Problem | None]:
    """(normalised value, problem or None); `name` as shown in the problem, `field` canonical."""
    field = field or name
    bad = lambda: (None, bad_value(name, spec, value))  # noqa: E731
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
            return dates.as_date(value), None
        except (TypeError, ValueError):
            return bad()
    raise AssertionError(spec.kind)


def parse_where(where: Mapping[str, Any] | None) -> tuple[dict, list[Condition], list[Problem]]:
    """Check and normalise a `where` table.

    Returns:
        (canonical where — same shape, values normalised, JSON-able via Scope.to_json;
         the list of conditions; the list of problems, empty if all is well).
    """
    if where is None:
        return {}, [], []
    if not isinstance(where, Mapping):
        return {}, [], [Problem("metrics.not_a_table")]
    canonical: dict[str, Any] = {}
    conditions: list[Condition] = []
    problems: list[Problem] = []
    known = ", ".join(list(FIELDS) + list(RANGE_KEYS))
    for raw_key, raw in where.items():
        key = str(raw_key)
        if key in RANGE_KEYS:
            target, op = RANGE_KEYS[key]
            if isinstance(raw, (list, tuple, dict)):
                problems.append(Problem("metrics.range_key", {"field": key}))
                continue
            value, problem = normalise_value(key, FIELDS[target], raw)
            if problem or value is None:
                problems.append(problem or Problem("metrics.range_key", {"field": key}))
                continue
            canonical[key] = value
            conditions.append(Condition(target, op, value))
            continue
        if key not in FIELDS:
            problems.append(Problem("metrics.unknown_field", {"field": key, "known": known}))
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
                problems.append(Problem("metrics.bad_operator", {"field": key, "op": raw_op}))
                continue
            if op not in ("=", "!=") and spec.order_expr is None:
                ordered = ", ".join(n for n, s in FIELDS.items() if s.order_expr)
                problems.append(Problem("metrics.not_ordered", {"field": key, "op": op, "ordered": ordered}))
                continue
            if isinstance(raw_value, (list, tuple)):
                if op not in ("=", "!="):
                    problems.append(Problem("metrics.list_operator", {"field": key}))
                    continue
                if not raw_value:
                    problems.append(Problem("metrics.empty_list", {"field": key}))
                    continue
                values = []
                for item in raw_value:
                    value, problem = normalise_value(key, spec, item)
                    if problem:
                        problems.append(problem)
                    else:
                        values.append(value)
                if len(values) != len(raw_value):
                    continue
                out_ops[op] = values
                conditions.append(Condition(key, op, values))
            else:
                value, problem = normalise_value(key, spec, raw_value)
                if problem:
                    problems.append(problem)
                    continue
                if value is None and op not in ("=", "!="):
                    problems.append(bad_value(key, spec, raw_value))
                    continue
                if key == "cohort" and op not in ("=", "!=") and not re.fullmatch(r"-?\d+", value):
                    # cohorts compare as numbers (course 10 after course 7)
                    problems.append(Problem("metrics.bad_int", {"field": key, "value": raw_value}))
                    continue
                out_ops[op] = value
                conditions.append(Condition(key, op, value))
        if shape == "ops":
            canonical[key] = out_ops
        elif "=" in out_ops:
            canonical[key] = out_ops["="]
    return canonical, conditions, problems


def check_where(where: Mapping[str, Any] | None) -> list[Problem]:
    """The problems of a `where` table (empty list: fine)."""
    return parse_where(where)[2]


# --------------------------------------------------------------------------------------
# SQL
# --------------------------------------------------------------------------------------

def scope_sql(scope: Scope | None, prefix: str = "w") -> tuple[str, dict[str, Any]]:
    """The SQL predicate over participant alias `p` selecting a scope, with its parameters.

    Values are always bind parameters (named ``$<prefix>_<n>``); only the fixed expressions
    of `FIELDS` are spliced.

    Raises:
        ScopeError: unknown fields or invalid values.
    """
    scope = scope or ALL
    _, conditions, problems = parse_where(scope.where)
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
        raise ScopeError([Problem("metrics.unknown_field", {"field": by, "known": ", ".join(FIELDS)})])
    return FIELDS[name].expr


def people_sql(scope: Scope | None, predicate: str, alias: str = "e") -> str:
    """A predicate over a table with person_key and program_id (alias `alias`: episode, spell,
    first_start) keeping the rows of the scope's participants.

    A scope of whole programs filters on program_id and needs no join with participant; a
    narrower scope keeps the person keys its participant `predicate` selects.
    """
    scope = scope or ALL
    if scope.where:
        return f"{alias}.person_key in (select p.person_key from participant p where {predicate})"
    if scope.programs is not None:
        return f"list_contains($w_programs, {alias}.program_id)"
    return "true"


def scoped_sql(name: str, scope: Scope | None, by: str | Sequence[str] | None = None
               ) -> tuple[str, dict[str, Any]]:
    """The query pipelines/sql/<name>.sql for a scope, and the scope's parameters.

    The one place SQL is spliced: `__SCOPE__` becomes the scope's predicate over participant
    alias `p` (`scope_sql`), `__PEOPLE__` the same selection over the person keys of alias `e`
    (`people_sql`), `__PROGRAMS__` only its programs over alias `e` (for a query that joins its
    rows with the scope's participants anyway), and `__GROUP__` the grouping — the constant 'all', a field's expression, or
    for several fields ``row(…)`` (fetched as a tuple). `__GROUPED__` is the constant ``true`` with
    a grouping and ``false`` without: a query guards its grouped and ungrouped forms with it, and
    DuckDB drops the form guarded by ``false`` when planning (no join with participant just to
    label every row 'all').
    """
    predicate, params = scope_sql(scope)
    if by is None:
        group = "'all'"
    elif isinstance(by, str):
        group = group_expr(by)
    else:
        group = "row(" + ", ".join(group_expr(f) for f in by) + ")"
    programs = people_sql(Scope((scope or ALL).programs), predicate)
    sql = (db.sql(name).replace("__PEOPLE__", f"({people_sql(scope, predicate)})")
           .replace("__PROGRAMS__", f"({programs})")
           .replace("__SCOPE__", f"({predicate})").replace("__GROUPED__", "false" if by is None else "true")
           .replace("__GROUP__", group))
    return sql, params
