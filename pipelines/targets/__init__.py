"""Targets (Zielvereinbarungen): TOML tables → rows, rows → TOML, and evaluation on a date.

A target counts one measure over its scope (`where`) and period (DESIGN.md, "Targets"):

- entered, reached, upon_leaving, six_months_after — *cumulative* counts over
  [period start, min(as-of, period end)]; upon_leaving / six_months_after count the leavers
  of that window with the status (the k of `metrics.upon_leaving`).
- active — a *level*: participants in the status on min(as-of, period end).
- share — a *level*: a percentage 0–100 of the participants in scope who entered in the
  period (up to min(as-of, period end)) and have an episode of `status` starting on or
  before that date (`metrics.share_reached`); options ``{"of": "entered"}`` (the default and
  for now the only denominator).

Evaluation (`evaluate`):

- attainment = achieved / target for both directions. For ``at_most`` it is the share of
  the ceiling used: ≤ 1 keeps within it, > 1 exceeds it. None when the target is 0.
- expected at as-of: the straight line from 0 on the day before the period start to the
  target on the period end (days, as-of counted as a whole day), or the piecewise-linear
  line through the milestones; for `share` the target itself (flat; milestones piecewise,
  flat before the first).
- state: before the period start → not_started. at_least: a cumulative count reaching the
  target → met (final); period over (as-of ≥ end) → met / missed; otherwise on_track if
  achieved ≥ expected else at_risk. at_most the other way round: a cumulative count over
  the ceiling → missed (final); period over → met if within; otherwise on_track if
  achieved ≤ expected else at_risk. Levels (active, share) are only final at period end.
- forecast window: the twelve calendar months up to and including the evaluation date
  ``at = min(as-of, period end)`` — ``[(at + 1 day) - 12 months, at]``, e.g. 1 Sep 2019 –
  31 Aug 2020 for as-of 31 Aug 2020 — or from the period start if that is later. Twelve months
  cover one full intake cycle: vocational training in Germany starts mostly in August to
  October, so a shorter window would swing with the season. ``forecast_window_months`` is its length in calendar months
  (fractions for partial months). The recent rate = (value on `at` - value on the day
  before the window) / window months.
- forecast = achieved + rate × months remaining (from the day after `at` to period end).
- needed_per_month: at_least — (target - achieved) / months remaining (0 once reached);
  at_most — the most per month that keeps within the ceiling. None when no time remains.
- probability (cumulative measures only): new events are a Poisson process at the recent
  rate, so the number still to come by period end is N ~ Poisson(rate × months remaining);
  at_least: P(achieved + N ≥ target); at_most: P(achieved + N ≤ target). 1/0 when decided.
  None before the period start and for levels (no arrival process).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any, Iterable, Mapping

import duckdb

from pipelines import dates
from pipelines.metrics import stats
from pipelines.store import db
from pipelines import text, vocab
from pipelines import metrics
from pipelines.metrics import Scope

MEASURES = ("entered", "active", "reached", "upon_leaving", "six_months_after", "share")
CUMULATIVE = ("entered", "reached", "upon_leaving", "six_months_after")
LEVELS = ("active", "share")
DIRECTIONS = ("at_least", "at_most")
STATES = ("met", "on_track", "at_risk", "missed", "not_started")
FORECAST_WINDOW_MONTHS = 12   # one full yearly intake cycle (see the module docstring)
SHARE_DENOMINATORS = ("entered",)

STATE_LABELS = {
    "de": {"met": "erreicht", "on_track": "im Plan", "at_risk": "gefährdet",
           "missed": "verfehlt", "not_started": "noch nicht begonnen"},
    "en": {"met": "met", "on_track": "on track", "at_risk": "at risk",
           "missed": "missed", "not_started": "not started"},
}

TOP_KEYS = ("id", "program", "funder", "label", "measure", "status", "at_least", "at_most",
            "period", "where", "milestones", "options", "revisions", "valid_from")
REVISION_KEYS = ("valid_from", "label", "funder", "at_least", "at_most", "period", "where",
                 "milestones", "options")
ROW_KEYS = ("target_id", "valid_from", "program_id", "funder", "label", "measure", "status",
            "direction", "value", "period_start", "period_end", "scope_json",
            "milestones_json", "options_json")

_MESSAGES: dict[str, tuple[str, str]] = {
    "target_no": ("Ziel Nr. {n}", "Target no. {n}"),
    "target": ("Ziel „{id}“", "Target '{id}'"),
    "revision": ("{t}, Änderung ab {date}", "{t}, revision from {date}"),
    "revision_no": ("{t}, Änderung Nr. {n}", "{t}, revision no. {n}"),
    "not_table": ("{t}: ist keine Tabelle.", "{t}: is not a table."),
    "missing": ("{t}: „{key}“ fehlt.", "{t}: '{key}' is missing."),
    "not_text": ("{t}: „{key}“ muss ein Text sein.", "{t}: '{key}' must be a text."),
    "unknown_key": ("{t}: unbekannter Eintrag „{key}“ (möglich: {known}).",
                    "{t}: unknown key '{key}' (possible: {known})."),
    "bad_measure": ("{t}: unbekannte Messgröße „{value}“ (möglich: {known}).",
                    "{t}: unknown measure '{value}' (possible: {known})."),
    "status_needed": ("{t}: die Messgröße „{measure}“ braucht einen Status (status = …).",
                      "{t}: measure '{measure}' needs a status (status = …)."),
    "status_not_allowed": ("{t}: die Messgröße „entered“ zählt Eintritte und hat keinen Status.",
                           "{t}: measure 'entered' counts entries and takes no status."),
    "unknown_status": ("{t}: unbekannter Status „{value}“ (bekannt: {known}).",
                       "{t}: unknown status '{value}' (known: {known})."),
    "both_directions": ("{t}: entweder at_least oder at_most angeben, nicht beides.",
                        "{t}: give either at_least or at_most, not both."),
    "no_direction": ("{t}: der Zielwert fehlt (at_least = … oder at_most = …).",
                     "{t}: the target value is missing (at_least = … or at_most = …)."),
    "bad_number": ("{t}: {key} muss eine Zahl ≥ 0 sein, nicht „{value}“.",
                   "{t}: {key} must be a number ≥ 0, not '{value}'."),
    "share_range": ("{t}: bei measure = \"share\" ist {key} ein Prozentsatz von 0 bis 100, nicht {value}.",
                    "{t}: with measure = \"share\", {key} is a percentage from 0 to 100, not {value}."),
    "bad_period": ("{t}: period muss eine Tabelle {{ start = …, end = … }} sein.",
                   "{t}: period must be a table {{ start = …, end = … }}."),
    "bad_date": ("{t}: {key}: „{value}“ ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ).",
                 "{t}: {key}: '{value}' is not a date (YYYY-MM-DD or DD.MM.YYYY)."),
    "end_before_start": ("{t}: das Ende des Zeitraums ({end}) liegt vor dem Beginn ({start}).",
                         "{t}: the period ends ({end}) before it starts ({start})."),
    "bad_milestones": ("{t}: milestones muss eine Liste von {{ date = …, value = … }} sein.",
                       "{t}: milestones must be a list of {{ date = …, value = … }}."),
    "milestone_outside": ("{t}: der Meilenstein am {date} liegt außerhalb des Zeitraums {start} bis {end}.",
                          "{t}: the milestone on {date} lies outside the period {start} to {end}."),
    "milestone_twice": ("{t}: zwei Meilensteine am {date}.", "{t}: two milestones on {date}."),
    "where": ("{t}: where: {problem}", "{t}: where: {problem}"),
    "bad_options": ("{t}: options muss eine Tabelle sein.", "{t}: options must be a table."),
    "options_not_allowed": ("{t}: options gibt es nur für measure = \"share\".",
                            "{t}: options exist only for measure = \"share\"."),
    "unknown_option": ("{t}: unbekannte Option „{key}“ (möglich: of).",
                       "{t}: unknown option '{key}' (possible: of)."),
    "bad_share_of": ("{t}: options.of = „{value}“ geht nicht (möglich: {known}).",
                     "{t}: options.of = '{value}' is not possible (possible: {known})."),
    "duplicate_id": ("{t}: die ID kommt mehrfach vor.", "{t}: the id occurs more than once."),
    "bad_revisions": ("{t}: revisions muss eine Liste von Tabellen sein.",
                      "{t}: revisions must be a list of tables."),
    "revision_too_early": ("{t}: valid_from ({date}) muss nach dem Beginn der ersten Fassung ({first}) liegen.",
                           "{t}: valid_from ({date}) must be after the first version starts ({first})."),
    "revision_twice": ("{t}: zwei Fassungen gelten ab {date}.", "{t}: two versions are valid from {date}."),
}


def _msg(name: str, lang: str, /, **values: Any) -> str:
    return text.pick(_MESSAGES, name, lang, **values)


class TargetSpecError(ValueError):
    """A target file has problems; `problems` lists all of them (German or English)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _date_or_problem(value: Any, key: str, ctx: str, lang: str, problems: list[str]) -> dt.date | None:
    try:
        if isinstance(value, (dt.date, str)):
            return metrics._as_date(value)
    except ValueError:
        pass
    problems.append(_msg("bad_date", lang, t=ctx, key=key, value=value))
    return None


def _number(value: Any) -> int | float:
    """50.0 -> 50, 12.5 -> 12.5 (keeps JSON and TOML tidy)."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _check_target(raw: Mapping[str, Any], ctx: str, lang: str, program_id: str,
                  statuses: Iterable[str], problems: list[str]) -> dict[str, Any] | None:
    """Validate one (merged) target table; append problems; return the normalised fields."""
    before = len(problems)
    out: dict[str, Any] = {}

    program = raw.get("program", program_id)
    if not isinstance(program, str) or not program.strip():
        problems.append(_msg("not_text", lang, t=ctx, key="program"))
    out["program_id"] = program.strip() if isinstance(program, str) else program

    label = raw.get("label")
    if label is None:
        problems.append(_msg("missing", lang, t=ctx, key="label"))
    elif not isinstance(label, str) or not label.strip():
        problems.append(_msg("not_text", lang, t=ctx, key="label"))
    out["label"] = label.strip() if isinstance(label, str) else label

    funder = raw.get("funder")
    if funder is not None and not isinstance(funder, str):
        problems.append(_msg("not_text", lang, t=ctx, key="funder"))
    out["funder"] = funder.strip() if isinstance(funder, str) and funder.strip() else None

    measure = raw.get("measure")
    if measure is None:
        problems.append(_msg("missing", lang, t=ctx, key="measure"))
    elif measure not in MEASURES:
        problems.append(_msg("bad_measure", lang, t=ctx, value=measure, known=", ".join(MEASURES)))
        measure = None
    out["measure"] = measure

    status = raw.get("status")
    if measure == "entered":
        if status is not None:
            problems.append(_msg("status_not_allowed", lang, t=ctx))
        status = None
    elif measure is not None:
        if status is None:
            problems.append(_msg("status_needed", lang, t=ctx, measure=measure))
        elif not isinstance(status, str) or status not in statuses:
            problems.append(_msg("unknown_status", lang, t=ctx, value=status, known=", ".join(statuses)))
    out["status"] = status

    has = [d for d in DIRECTIONS if d in raw]
    if len(has) == 2:
        problems.append(_msg("both_directions", lang, t=ctx))
    elif not has:
        problems.append(_msg("no_direction", lang, t=ctx))
    else:
        direction = has[0]
        value = raw[direction]
        if not _is_number(value) or value < 0:
            problems.append(_msg("bad_number", lang, t=ctx, key=direction, value=value))
        elif measure == "share" and value > 100:
            problems.append(_msg("share_range", lang, t=ctx, key=direction, value=value))
        else:
            out["direction"], out["value"] = direction, float(value)

    period = raw.get("period")
    start = end = None
    if period is None:
        problems.append(_msg("missing", lang, t=ctx, key="period"))
    elif not isinstance(period, Mapping) or set(period) - {"start", "end"}:
        problems.append(_msg("bad_period", lang, t=ctx))
    else:
        for key in ("start", "end"):
            if key not in period:
                problems.append(_msg("missing", lang, t=ctx, key=f"period.{key}"))
        if "start" in period:
            start = _date_or_problem(period["start"], "period.start", ctx, lang, problems)
        if "end" in period:
            end = _date_or_problem(period["end"], "period.end", ctx, lang, problems)
        if start and end and end < start:
            problems.append(_msg("end_before_start", lang, t=ctx,
                                 start=text.date(start, lang), end=text.date(end, lang)))
            start = end = None
    out["period_start"], out["period_end"] = start, end

    canonical, _, where_problems = metrics.parse_where(raw.get("where") or {}, lang)
    problems.extend(_msg("where", lang, t=ctx, problem=p) for p in where_problems)
    out["scope_json"] = json.dumps(metrics._jsonable(canonical), sort_keys=True, ensure_ascii=False)

    milestones = raw.get("milestones") or []
    checked: list[dict[str, Any]] = []
    if not isinstance(milestones, list) or not all(
            isinstance(m, Mapping) and set(m) == {"date", "value"} for m in milestones):
        problems.append(_msg("bad_milestones", lang, t=ctx))
    else:
        seen: set[dt.date] = set()
        for m in milestones:
            date = _date_or_problem(m["date"], "milestones.date", ctx, lang, problems)
            value = m["value"]
            if not _is_number(value) or value < 0:
                problems.append(_msg("bad_number", lang, t=ctx, key="milestones.value", value=value))
                continue
            if measure == "share" and value > 100:
                problems.append(_msg("share_range", lang, t=ctx, key="milestones.value", value=value))
                continue
            if date is None:
                continue
            if date in seen:
                problems.append(_msg("milestone_twice", lang, t=ctx, date=text.date(date, lang)))
            seen.add(date)
            if start and end and not start <= date <= end:
                problems.append(_msg("milestone_outside", lang, t=ctx, date=text.date(date, lang),
                                     start=text.date(start, lang), end=text.date(end, lang)))
            checked.append({"date": date.isoformat(), "value": _number(value)})
    out["milestones_json"] = json.dumps(sorted(checked, key=lambda m: m["date"]))

    options = raw.get("options") or {}
    if not isinstance(options, Mapping):
        problems.append(_msg("bad_options", lang, t=ctx))
        options = {}
    elif options and measure is not None and measure != "share":
        problems.append(_msg("options_not_allowed", lang, t=ctx))
    else:
        for key, value in options.items():
            if key != "of":
                problems.append(_msg("unknown_option", lang, t=ctx, key=key))
            elif value not in SHARE_DENOMINATORS:
                problems.append(_msg("bad_share_of", lang, t=ctx, value=value,
                                     known=", ".join(SHARE_DENOMINATORS)))
    out["options_json"] = json.dumps(dict(options), sort_keys=True, ensure_ascii=False)

    return out if len(problems) == before else None


def parse_targets(tables: list[dict], program_id: str, lang: str = "de",
                  statuses: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Turn the ``[[target]]`` tables of a TOML file into rows of the `target` table.

    Args:
        tables: the parsed tables (``tomllib.load(f)["target"]``); dates as datetime.date
            or as text (YYYY-MM-DD or DD.MM.YYYY).
        program_id: the program a table belongs to when it has no `program` key.
        lang: language of the problems, "de" (default) or "en".
        statuses: the known statuses (e.g. ``metrics.vocabulary(con, [program_id])``);
            default: the built-in vocabulary.

    A table may carry ``revisions = [{valid_from = 2021-01-01, at_least = 45}, …]``: each
    revision applies its keys (label, funder, at_least/at_most, period, where, milestones,
    options) on top of the version before it and becomes a further row. The first version
    is valid from `valid_from` if given, else from the period start.

    Returns:
        One dict per row with the columns of `target` (ROW_KEYS; dates as datetime.date),
        targets in file order, each target's versions by valid_from.

    Raises:
        TargetSpecError: listing every problem found, in `lang`.
    """
    text.check_lang(lang)
    known_statuses = tuple(statuses) if statuses is not None else tuple(vocab.STATUSES)
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    for n, table in enumerate(tables or [], start=1):
        ctx = _msg("target_no", lang, n=n)
        if not isinstance(table, Mapping):
            problems.append(_msg("not_table", lang, t=ctx))
            continue
        target_id = table.get("id")
        if target_id is None:
            problems.append(_msg("missing", lang, t=ctx, key="id"))
        elif not isinstance(target_id, str) or not target_id.strip():
            problems.append(_msg("not_text", lang, t=ctx, key="id"))
            target_id = None
        else:
            target_id = target_id.strip()
            ctx = _msg("target", lang, id=target_id)
            if target_id in seen_ids:
                problems.append(_msg("duplicate_id", lang, t=ctx))
            seen_ids.add(target_id)
        for key in table:
            if key not in TOP_KEYS:
                problems.append(_msg("unknown_key", lang, t=ctx, key=key, known=", ".join(TOP_KEYS)))
        base_raw = {k: v for k, v in table.items() if k in TOP_KEYS and k != "revisions"}
        base = _check_target(base_raw, ctx, lang, program_id, known_statuses, problems)
        first_from = None
        if "valid_from" in table:
            first_from = _date_or_problem(table["valid_from"], "valid_from", ctx, lang, problems)
        elif base:
            first_from = base["period_start"]
        elif isinstance(table.get("period"), Mapping):
            try:  # still check the revisions' dates against the period start
                first_from = metrics._as_date(table["period"].get("start"))
            except (TypeError, ValueError):
                first_from = None
        if base and first_from and target_id:
            rows.append(_row(target_id, first_from, base))

        revisions = table.get("revisions") or []
        if not isinstance(revisions, list):
            problems.append(_msg("bad_revisions", lang, t=ctx))
            continue
        parsed = []
        for r, revision in enumerate(revisions, start=1):
            rctx = _msg("revision_no", lang, t=ctx, n=r)
            if not isinstance(revision, Mapping):
                problems.append(_msg("bad_revisions", lang, t=ctx))
                continue
            valid_from = None
            if "valid_from" not in revision:
                problems.append(_msg("missing", lang, t=rctx, key="valid_from"))
            else:
                valid_from = _date_or_problem(revision["valid_from"], "valid_from", rctx, lang, problems)
            if valid_from:
                rctx = _msg("revision", lang, t=ctx, date=text.date(valid_from, lang))
            for key in revision:
                if key not in REVISION_KEYS:
                    problems.append(_msg("unknown_key", lang, t=rctx, key=key,
                                         known=", ".join(REVISION_KEYS)))
            if valid_from and first_from:
                if valid_from < first_from:
                    problems.append(_msg("revision_too_early", lang, t=rctx,
                                         date=text.date(valid_from, lang), first=text.date(first_from, lang)))
                elif valid_from == first_from or valid_from in (v for v, _, _ in parsed):
                    problems.append(_msg("revision_twice", lang, t=ctx, date=text.date(valid_from, lang)))
            parsed.append((valid_from, rctx, revision))
        # each revision applies on top of the version before it, in order of valid_from
        previous_raw = base_raw
        for valid_from, rctx, revision in sorted(parsed, key=lambda x: (x[0] is None, x[0] or dt.date.min)):
            merged = dict(previous_raw)
            if any(d in revision for d in DIRECTIONS):
                for d in DIRECTIONS:
                    merged.pop(d, None)
            merged.update({k: v for k, v in revision.items() if k in REVISION_KEYS and k != "valid_from"})
            previous_raw = merged
            if base is None:
                continue  # the first version's problems are reported once, above
            fields = _check_target(merged, rctx, lang, program_id, known_statuses, problems)
            if fields and valid_from and target_id:
                rows.append(_row(target_id, valid_from, fields))
    if problems:
        raise TargetSpecError(problems)
    order = {row["target_id"]: i for i, row in reversed(list(enumerate(rows)))}
    return sorted(rows, key=lambda row: (order[row["target_id"]], row["valid_from"]))


def _row(target_id: str, valid_from: dt.date, fields: Mapping[str, Any]) -> dict[str, Any]:
    row = {"target_id": target_id, "valid_from": valid_from, **fields}
    return {key: row.get(key) for key in ROW_KEYS}


# --------------------------------------------------------------------------------------
# Rows → TOML
# --------------------------------------------------------------------------------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML cannot hold {value}")
        return str(_number(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{ }"
        return "{ " + ", ".join(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} to TOML")


def _where_for_toml(scope_json: str) -> dict[str, Any]:
    """The stored where table with dates of date fields back as TOML dates."""
    where = json.loads(scope_json or "{}")

    def dates(key: str, value: Any) -> Any:
        field = metrics.RANGE_KEYS.get(key, (key, None))[0]
        if metrics.FIELDS.get(field) is None or metrics.FIELDS[field].kind != "date":
            return value
        if isinstance(value, dict):
            return {op: dates(key, v) for op, v in value.items()}
        if isinstance(value, list):
            return [dates(key, v) for v in value]
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    return {key: dates(key, value) for key, value in where.items()}


def _present(value: Any) -> bool:
    """False for None and for the NaN / NA that DataFrame records carry for SQL nulls."""
    if value is None:
        return False
    try:
        return not bool(value != value)
    except (TypeError, ValueError):  # pd.NA
        return False


def _clean_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v if _present(v) else None) for k, v in row.items()}


def _version_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """The TOML keys a row's version is made of (without id / program / measure / status)."""
    out: dict[str, Any] = {"label": row["label"]}
    if row.get("funder"):
        out["funder"] = row["funder"]
    out[row["direction"]] = _number(row["value"])
    out["period"] = {"start": metrics._as_date(row["period_start"]),
                     "end": metrics._as_date(row["period_end"])}
    out["where"] = _where_for_toml(row.get("scope_json") or "{}")
    out["milestones"] = [{"date": dt.date.fromisoformat(m["date"]), "value": m["value"]}
                         for m in json.loads(row.get("milestones_json") or "[]")]
    out["options"] = json.loads(row.get("options_json") or "{}")
    return out


def targets_to_toml(rows: Iterable[Mapping[str, Any]]) -> str:
    """Write target rows (as from `parse_targets` or `load_targets`) as a TOML target file.

    The result parses back to the same rows: ``parse_targets(tomllib.loads(text)["target"],
    program_id)``. Every target keeps its `program` key; later versions become `revisions`
    holding only the keys that changed from the version before.
    """
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        row = _clean_row(row)
        groups.setdefault(row["target_id"], []).append(row)
    blocks = []
    for target_id, versions in groups.items():
        versions = sorted(versions, key=lambda r: metrics._as_date(r["valid_from"]))
        first = versions[0]
        lines = ["[[target]]", f"id = {_toml_value(target_id)}",
                 f"program = {_toml_value(first['program_id'])}"]
        fields = _version_fields(first)
        if first.get("funder"):
            lines.append(f"funder = {_toml_value(first['funder'])}")
        lines.append(f"label = {_toml_value(first['label'])}")
        lines.append(f"measure = {_toml_value(first['measure'])}")
        if first.get("status"):
            lines.append(f"status = {_toml_value(first['status'])}")
        lines.append(f"{first['direction']} = {_toml_value(fields[first['direction']])}")
        lines.append(f"period = {_toml_value(fields['period'])}")
        if metrics._as_date(first["valid_from"]) != fields["period"]["start"]:
            lines.append(f"valid_from = {_toml_value(metrics._as_date(first['valid_from']))}")
        if fields["where"]:
            lines.append(f"where = {_toml_value(fields['where'])}")
        if fields["milestones"]:
            lines.append("milestones = [")
            lines.extend(f"    {_toml_value(m)}," for m in fields["milestones"])
            lines.append("]")
        if fields["options"]:
            lines.append(f"options = {_toml_value(fields['options'])}")
        if len(versions) > 1:
            lines.append("revisions = [")
            previous = fields
            for version in versions[1:]:
                current = _version_fields(version)
                change: dict[str, Any] = {"valid_from": metrics._as_date(version["valid_from"])}
                for key, value in current.items():
                    if previous.get(key) != value:
                        change[key] = value  # an empty where / milestones / options clears it
                if "funder" in previous and "funder" not in current:
                    change["funder"] = ""  # an empty funder clears it
                lines.append(f"    {_toml_value(change)},")
                previous = current
            lines.append("]")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


# --------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------

def replace_targets(con: duckdb.DuckDBPyConnection, program_id: str, rows: Iterable[Mapping[str, Any]],
                    load_id: int | None = None) -> int:
    """Replace a program's targets by `rows` inside the caller's transaction; returns the rows written."""
    rows = list(rows)
    con.execute("delete from target where program_id = ?", [program_id])
    for row in rows:
        con.execute(
            f"insert into target ({', '.join(ROW_KEYS)}, load_id) "
            f"values ({', '.join('?' for _ in ROW_KEYS)}, ?)",
            [row[k] for k in ROW_KEYS] + [load_id],
        )
    return len(rows)


def save_targets(con: duckdb.DuckDBPyConnection, rows: Iterable[Mapping[str, Any]],
                 program_id: str, load_id: int | None = None) -> int:
    """Replace a program's targets by `rows` in one transaction of its own."""
    with db.transaction(con):
        return replace_targets(con, program_id, rows, load_id)


def load_targets(con: duckdb.DuckDBPyConnection, program_id: str | None = None) -> list[dict[str, Any]]:
    """The stored target rows (all versions) of a program, or of all programs if None."""
    cursor = con.execute(
        f"select {', '.join(ROW_KEYS)} from target "
        "where $program::varchar is null or program_id = $program "
        "order by program_id, target_id, valid_from",
        {"program": program_id},
    )
    return [dict(zip(ROW_KEYS, row)) for row in cursor.fetchall()]


def in_force(rows: Iterable[Mapping[str, Any]], as_of: Any) -> list[Mapping[str, Any]]:
    """Per target, the version in force on `as_of`: the latest valid_from on or before it
    (the first version if as_of precedes them all)."""
    as_of = metrics._as_date(as_of)
    chosen: dict[str, Mapping[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r["target_id"], metrics._as_date(r["valid_from"]))):
        current = chosen.get(row["target_id"])
        if current is None or metrics._as_date(row["valid_from"]) <= as_of:
            chosen[row["target_id"]] = row
    return list(chosen.values())


# --------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------


def _measure_value(con, row: Mapping[str, Any], scope: Scope, day: dt.date) -> float | int | None:
    """The target's measure over [period start, day] (levels: on `day`)."""
    measure, status, start = row["measure"], row["status"], metrics._as_date(row["period_start"])
    if measure == "entered":
        return metrics.entered(con, scope, start, day)
    if measure == "reached":
        return metrics.reached(con, scope, status, start, day)
    if measure == "active":
        return metrics.active(con, scope, status, day)
    if measure == "upon_leaving":
        return metrics.upon_leaving(con, scope, status, start, day).k
    if measure == "six_months_after":
        return metrics.six_months_after(con, scope, status, start, day).k
    if measure == "share":
        if day < start:
            return None
        rate = metrics.share_reached(con, scope, status, start, day)
        return None if rate.share is None else 100 * rate.share
    raise ValueError(f"unknown measure {measure!r}")


def expected_value(row: Mapping[str, Any], as_of: Any) -> float:
    """Where the target's line stands on `as_of` (see the module docstring)."""
    as_of = metrics._as_date(as_of)
    start, end = metrics._as_date(row["period_start"]), metrics._as_date(row["period_end"])
    target = float(row["value"])
    milestones = [(dt.date.fromisoformat(m["date"]), float(m["value"]))
                  for m in json.loads(row.get("milestones_json") or "[]")]
    if row["measure"] == "share":
        points = milestones + ([] if milestones and milestones[-1][0] == end else [(end, target)])
        if as_of <= points[0][0]:
            return points[0][1]
    else:
        points = [(start - dt.timedelta(days=1), 0.0)] + milestones
        if points[-1][0] != end:
            points.append((end, target))
        if as_of <= points[0][0]:
            return 0.0
    if as_of >= points[-1][0]:
        return points[-1][1]
    for (d0, v0), (d1, v1) in zip(points, points[1:]):
        if d0 <= as_of <= d1:
            return v0 + (v1 - v0) * (as_of - d0).days / (d1 - d0).days
    raise AssertionError("unreachable")


def _state(row, achieved, expected, as_of, start, end) -> str:
    if as_of < start:
        return "not_started"
    target = float(row["value"])
    value = 0.0 if achieved is None else float(achieved)
    cumulative = row["measure"] in CUMULATIVE
    over = as_of >= end
    if row["direction"] == "at_least":
        if value >= target and (cumulative or over):
            return "met"
        if over:
            return "missed"
        return "on_track" if value >= expected else "at_risk"
    if value > target and (cumulative or over):
        return "missed"
    if over:
        return "met"
    return "on_track" if value <= expected else "at_risk"


def evaluate_row(con: duckdb.DuckDBPyConnection, row: Mapping[str, Any], as_of: Any,
                 lang: str = "de") -> dict[str, Any]:
    """Evaluate one target version on `as_of` (see `evaluate`)."""
    text.check_lang(lang)
    as_of = metrics._as_date(as_of)
    start, end = metrics._as_date(row["period_start"]), metrics._as_date(row["period_end"])
    where = json.loads(row.get("scope_json") or "{}")
    scope = Scope((row["program_id"],), where)
    target = float(row["value"])
    at = min(as_of, end)
    achieved = _measure_value(con, row, scope, at)
    expected = expected_value(row, as_of)
    state = _state(row, achieved, expected, as_of, start, end)
    value = 0.0 if achieved is None else float(achieved)
    cumulative = row["measure"] in CUMULATIVE

    forecast = window_months = needed = probability = None
    if as_of < start:
        total = dates.months_between(start, end + dt.timedelta(days=1))
        if row["direction"] == "at_least" and total:
            needed = target / total
    else:
        window_start = max(start, dates.add_months(at + dt.timedelta(days=1), -FORECAST_WINDOW_MONTHS))
        window_months = dates.months_between(window_start, at + dt.timedelta(days=1))
        before = _measure_value(con, row, scope, window_start - dt.timedelta(days=1))
        if cumulative and before is None:
            before = 0
        remaining = dates.months_between(at + dt.timedelta(days=1), end + dt.timedelta(days=1))
        rate = None
        if achieved is not None and before is not None and window_months > 0:
            rate = (float(achieved) - float(before)) / window_months
        forecast = value + (rate or 0.0) * remaining
        if cumulative:
            forecast = max(forecast, value)
        elif row["measure"] == "share":
            forecast = min(max(forecast, 0.0), 100.0)
        else:
            forecast = max(forecast, 0.0)
        if remaining > 0:
            needed = max(target - value, 0.0) / remaining
        if cumulative:
            lam = max(rate or 0.0, 0.0) * remaining
            if row["direction"] == "at_least":
                if value >= target:
                    probability = 1.0
                elif remaining == 0:
                    probability = 0.0
                else:
                    need = math.ceil(target - value - 1e-9)
                    probability = stats.poisson_sf(need, lam)
            else:
                if value > target:
                    probability = 0.0
                elif remaining == 0:
                    probability = 1.0
                else:
                    probability = stats.poisson_cdf(math.floor(target - value + 1e-9), lam)

    return {
        "id": row["target_id"],
        "program": row["program_id"],
        "funder": row.get("funder"),
        "label": row["label"],
        "measure": row["measure"],
        "status": row["status"],
        "direction": row["direction"],
        "achieved": achieved if achieved is None or row["measure"] == "share" else int(achieved),
        "target": _number(target),
        "attainment": (value / target) if target and achieved is not None else None,
        "state": state,
        "state_label": STATE_LABELS[lang][state],
        "expected": expected,
        "forecast": forecast,
        "forecast_window_months": window_months,
        "needed_per_month": needed,
        "probability": probability,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "valid_from": metrics._as_date(row["valid_from"]).isoformat(),
        "scope": where,
        "milestones": json.loads(row.get("milestones_json") or "[]"),
    }


def evaluate(con: duckdb.DuckDBPyConnection, program_id: str, as_of: Any,
             lang: str = "de") -> list[dict[str, Any]]:
    """Every target of a program on `as_of`, in the version in force on that day.

    Returns:
        One JSON-serialisable dict per target (ordered by id): id, program, funder, label,
        measure, status, direction, achieved, target, attainment, state
        (met | on_track | at_risk | missed | not_started), state_label (in `lang`),
        expected, forecast, forecast_window_months, needed_per_month, probability,
        period_start, period_end, valid_from (ISO dates), scope (the where table),
        milestones. Rules: see the module docstring.
    """
    rows = in_force(load_targets(con, program_id), as_of)
    return [evaluate_row(con, row, as_of, lang) for row in rows]
