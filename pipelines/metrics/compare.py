"""Compare cohorts, sites and programs: share reaching a status, Wilson intervals, time curves.

Ad-hoc cohorts are typed by a coordinator as one line (German or English field names)::

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

from pipelines import text, vocab
from pipelines.text import check_lang
from pipelines import metrics
from pipelines.metrics import FIELDS, Scope

_OPERATOR = re.compile(r"(>=|<=|!=|<>|==|≥|≤|≠|=|>|<)")
_NORMAL_OP = {"==": "=", "<>": "!=", "≥": ">=", "≤": "<=", "≠": "!="}
# fields whose values are free text: checked against the data when a connection is given
_TEXT_FIELDS = ("program_id", "site", "cohort", "origin_region", "coach_id", "mentor_id")
_MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("Die Kohorte hat keine Bedingungen.", "The cohort has no conditions."),
    "no_operator": ("„{cond}“: kein Vergleich gefunden (=, !=, >=, <=, >, <).",
                    "'{cond}': no comparison found (=, !=, >=, <=, >, <)."),
    "unknown_field": ("„{cond}“: unbekanntes Merkmal „{field}“. Möglich sind: {known}.",
                      "'{cond}': unknown field '{field}'. Possible fields: {known}."),
    "empty_value": ("„{cond}“: der Wert fehlt.", "'{cond}': the value is missing."),
    "not_ordered": ("„{cond}“: {field} hat keine Reihenfolge; möglich sind nur = und != "
                    "(Reihenfolge haben: {ordered}).",
                    "'{cond}': {field} has no order; only = and != are possible "
                    "(ordered fields: {ordered})."),
    "list_operator": ("„{cond}“: eine Liste von Werten geht nur mit = oder !=.",
                      "'{cond}': a list of values works only with = or !=."),
    "range_operator": ("„{cond}“: einen Bereich a..b bitte mit = angeben.",
                       "'{cond}': write a range a..b with =."),
    "twice": ("„{cond}“: {field} {op} steht schon in einer anderen Bedingung.",
              "'{cond}': {field} {op} is already given in another condition."),
    "not_in_data": ("„{cond}“: {field} „{value}“ kommt in den Daten nicht vor (vorhanden: {known}).",
                    "'{cond}': {field} '{value}' does not occur in the data (present: {known})."),
}


def _msg(key: str, lang: str, **values: Any) -> str:
    return text.pick(_MESSAGES, key, lang, **values)


class CohortError(ValueError):
    """A typed cohort filter has problems; `problems` lists all of them."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _known_fields(lang: str) -> str:
    names = [(vocab.GERMAN_FIELD_NAMES[f] if lang == "de" else f) for f in FIELDS]
    return ", ".join(names)


def _strip_quotes(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'„“":
        return text[1:-1].strip()
    if len(text) >= 2 and text[0] == "„" and text[-1] in "“”":
        return text[1:-1].strip()
    return text


def parse_cohort(text: str, lang: str = "de",
                 con: duckdb.DuckDBPyConnection | None = None) -> tuple[str, Scope]:
    """Parse a typed cohort such as ``"Köln B1+: site=Köln; german_level>=B1; entry_year=2019"``.

    Args:
        text: ``name: condition; condition; …`` (syntax in the module docstring).
        lang: language of the problems ("de" or "en").
        con: if given, free-text values (site, cohort, program, origin, coach, mentor) must
            occur in the data; they are matched ignoring case and take the stored spelling.

    Returns:
        (name, Scope). ``program=…`` sets Scope.programs; date ranges on entry/exit become
        entry_from/entry_to (exit_from/exit_to); other conditions go into Scope.where.

    Raises:
        CohortError: listing every problem (unknown fields, operators, values).
    """
    check_lang(lang)
    name, sep, body = text.partition(":")
    if not sep:
        name, body = text, text
    name, body = name.strip(), body.strip()
    if not name:
        name = body
    problems: list[str] = []
    conditions = [c.strip() for c in re.split(r"[;\n]", body) if c.strip()]
    if not conditions:
        raise CohortError([_msg("empty", lang)])

    programs: list[str] | None = None
    where: dict[str, dict[str, Any]] = {}

    def put(cond: str, field: str, op: str, value: Any, key: str | None = None) -> None:
        key = key or field
        slot = where.setdefault(key, {})
        if op in slot:
            problems.append(_msg("twice", lang, cond=cond, field=field, op=op))
        slot[op] = value

    for cond in conditions:
        match = _OPERATOR.search(cond)
        if not match:
            problems.append(_msg("no_operator", lang, cond=cond))
            continue
        typed = cond[:match.start()].strip()
        op = _NORMAL_OP.get(match.group(1), match.group(1))
        raw = cond[match.end():].strip()
        field = metrics.resolve_field(typed) if typed else None
        if field is None:
            problems.append(_msg("unknown_field", lang, cond=cond, field=typed, known=_known_fields(lang)))
            continue
        range_key = field in metrics.RANGE_KEYS
        if range_key:
            field, op = metrics.RANGE_KEYS[field][0], {"=": metrics.RANGE_KEYS[field][1]}.get(op, "?")
            if op == "?":
                problems.append(_msg("range_operator", lang, cond=cond))
                continue
        spec = FIELDS[field]
        if not raw:
            problems.append(_msg("empty_value", lang, cond=cond))
            continue
        ordered = ", ".join((vocab.GERMAN_FIELD_NAMES[f] if lang == "de" else f)
                            for f, s in FIELDS.items() if s.order_expr)

        def value_of(text_value: str, ordered_op: bool = False) -> tuple[Any, bool]:
            value, problem = metrics._normalise_value(typed, spec, _strip_quotes(text_value), lang, field)
            if not problem and field == "cohort" and ordered_op and not re.fullmatch(r"-?\d+", value):
                problem = metrics.message("bad_value", lang, field=typed, value=value,
                                          hint=metrics._HINTS["int"][0 if lang == "de" else 1])
            if problem:
                problems.append(f"„{cond}“: {problem}" if lang == "de" else f"'{cond}': {problem}")
                return None, False
            # values compared by order need not occur in the data; listed values must
            if con is not None and field in _TEXT_FIELDS and not ordered_op:
                value = _in_data(con, field, value, cond, typed, lang, problems)
                return value, value is not None
            return value, True

        if ".." in raw:
            if op != "=":
                problems.append(_msg("range_operator", lang, cond=cond))
                continue
            if spec.order_expr is None:
                problems.append(_msg("not_ordered", lang, cond=cond, field=typed, ordered=ordered))
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
            problems.append(_msg("list_operator", lang, cond=cond))
            continue
        if op not in ("=", "!=") and spec.order_expr is None:
            problems.append(_msg("not_ordered", lang, cond=cond, field=typed, ordered=ordered))
            continue
        values = []
        for item in items:
            if not item.strip():
                problems.append(_msg("empty_value", lang, cond=cond))
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
                problems.append(_msg("twice", lang, cond=cond, field=typed, op=op))
            programs = values
        else:
            put(cond, typed, op, value, field)

    if problems:
        raise CohortError(problems)
    canonical: dict[str, Any] = {}
    for key, ops in where.items():
        if key in metrics.RANGE_KEYS:
            canonical[key] = ops["="]
        elif list(ops) == ["="]:
            canonical[key] = ops["="]
        else:
            canonical[key] = ops
    return name, Scope(tuple(programs) if programs is not None else None, canonical)


def _in_data(con, field: str, value: str, cond: str, typed: str, lang: str,
             problems: list[str]) -> str | None:
    """The stored spelling of a free-text value (matched ignoring case), or None + a problem."""
    expr = FIELDS[field].expr  # a fixed expression of metrics.FIELDS, never user text
    present = [r[0] for r in con.execute(
        f"select distinct {expr} from participant p where {expr} is not null order by 1").fetchall()]
    for stored in present:
        if str(stored).casefold() == value.casefold():
            return str(stored)
    shown = ", ".join(map(str, present[:12])) + (", …" if len(present) > 12 else "")
    problems.append(_msg("not_in_data", lang, cond=cond, field=typed, value=value, known=shown or "–"))
    return None


def cohort_text(name: str, scope: Scope) -> str:
    """Write a scope back in the typed syntax (English field names); parse_cohort reads it."""
    parts: list[str] = []
    if scope.programs is not None:
        parts.append("program=" + ",".join(scope.programs))
    canonical, conditions, problems = metrics.parse_where(scope.where, "en")
    if problems:
        raise metrics.ScopeError(problems)
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
            cohorts: Iterable[str | tuple[str, Scope]] | None = None,
            lang: str = "de") -> list[dict[str, Any]]:
    """Share of participants reaching `status`, per group, with time-to-status curves.

    Args:
        programs: program ids, or None for all programs.
        status: the status (or a list: any of them).
        as_of: the date of the comparison.
        by: a participant field to group by — cohort, site, program, entry_year, coach_id,
            mentor_id, german_level, age_band, … (German names too: standort, kohorte, …).
        cohorts: ad-hoc cohorts, typed (``"Köln B1+: site=Köln; german_level>=B1"``, see
            `parse_cohort`) or as (name, Scope); each is limited to `programs`. With `by`
            too, every cohort is split by that field.
        lang: language of cohort problems.

    Returns:
        One dict per group: {"group", "n" (entered up to as_of), "reached" (of them, with a
        start of `status` on or before as_of), "share", "ci_low", "ci_high" (Wilson 95 %),
        "small" (n < 5: too small to compare), "time_to": {"months": [...], "share": [...]}
        (Kaplan–Meier, `metrics.time_to`)}. "group" is the field's value (None = unknown),
        the cohort's name, "<cohort> – <value>" when both, or "all". Groups by value are
        sorted (numbers numerically, unknown last); cohorts keep their order.
    """
    text.check_lang(lang)
    base = Scope(tuple(programs) if programs is not None else None)
    field = None
    group = None
    if by is not None:
        field = metrics.resolve_field(by)
        group = metrics.group_expr(by)
    units: list[tuple[str | None, Scope]] = []
    if cohorts is None:
        units.append((None, base))
    else:
        for cohort in cohorts:
            name, scope = parse_cohort(cohort, lang, con) if isinstance(cohort, str) else cohort
            chosen = scope.programs
            if base.programs is not None:
                chosen = tuple(p for p in (chosen or base.programs) if p in base.programs)
            units.append((name, Scope(chosen, scope.where)))

    result: list[dict[str, Any]] = []
    for name, scope in units:
        counts = {g: (n, k) for g, n, k in metrics.share_rows(con, scope, status, None, as_of, group)}
        curves: dict[Any, dict[str, list]] = {}
        for g, month, _, _, _, share in metrics.time_to_rows(con, scope, status, as_of, group)[0]:
            curve = curves.setdefault(g, {"months": [], "share": []})
            curve["months"].append(month)
            curve["share"].append(share)
        values = sorted(counts, key=_sort_key(field)) if by is not None else ["all"]
        for value in values:
            n, k = counts.get(value, (0, 0))
            rate = metrics.wilson(k, n)
            if by is None:
                label = name if name is not None else "all"
            elif name is None:
                label = value
            else:
                label = f"{name} – {value if value is not None else '?'}"
            result.append({
                "group": label,
                "n": n,
                "reached": k,
                "share": rate.share,
                "ci_low": rate.ci_low,
                "ci_high": rate.ci_high,
                "small": rate.small,
                "time_to": curves.get(value, {"months": [], "share": []}),
            })
    return result
