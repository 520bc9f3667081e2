"""Target files: ``[[target]]`` tables checked and turned into rows of table `target`.

A target counts one measure over its scope (`where`) and period (DESIGN.md, "Targets"):

- entered, reached, upon_leaving, six_months_after — *cumulative* counts over
  [period start, min(as-of, period end)]; upon_leaving / six_months_after count the leavers
  of that window with the status (the k of `metrics.upon_leaving`).
- active — a *level*: participants in the status on min(as-of, period end).
- share — a *level*: a percentage 0–100 of the participants in scope who entered in the
  period (up to min(as-of, period end)) and have an episode of `status` starting on or
  before that date (`metrics.share_reached`); options ``{"of": "entered"}`` (the default and
  for now the only denominator).

`headline = true` marks the target a program's pages show first (kept in options_json).

`status` names one status or several (``status = ["training", "employment"]``): a participant
counts once if any of them applies (the City of Kassel counts training *or* employment). The
row keeps them '; '-separated ("training; employment"; `split_statuses` reads them back).

Problems are `Problem`s with codes `targets.*`; their first parameter `t` names the target
(and revision) they concern.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any, Iterable, Mapping

from pipelines import dates, vocab
from pipelines import metrics
from pipelines.metrics import Problem, ProblemError, jsonable
from pipelines.metrics.compare import parse_group

MEASURES = ("entered", "active", "reached", "upon_leaving", "six_months_after", "share")
CUMULATIVE = ("entered", "reached", "upon_leaving", "six_months_after")
LEVELS = ("active", "share")
DIRECTIONS = ("at_least", "at_most")
SHARE_DENOMINATORS = ("entered",)

TOP_KEYS = ("id", "program", "funder", "label", "measure", "status", "at_least", "at_most",
            "period", "where", "milestones", "options", "revisions", "valid_from", "headline")
REVISION_KEYS = ("valid_from", "label", "funder", "at_least", "at_most", "period", "where",
                 "milestones", "options")
ROW_KEYS = ("target_id", "valid_from", "program_id", "funder", "label", "measure", "status",
            "direction", "value", "period_start", "period_end", "scope_json",
            "milestones_json", "options_json")


class TargetSpecError(ProblemError):
    """A target file has problems; `problems` lists all of them."""


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _date_or_problem(value: Any, key: str, ctx: Problem, problems: list[Problem]) -> dt.date | None:
    try:
        if isinstance(value, (dt.date, str)):
            return dates.as_date(value)
    except ValueError:
        pass
    problems.append(Problem("targets.bad_date", {"t": ctx, "key": key, "value": value}))
    return None


STATUS_SEPARATOR = "; "   # several statuses in the `status` column: "training; employment"


def join_statuses(statuses: str | Iterable[str]) -> str:
    """A target's status(es) as stored: ["training", "employment"] -> "training; employment"
    (each once, in the order given)."""
    if isinstance(statuses, str):
        statuses = split_statuses(statuses)
    return STATUS_SEPARATOR.join(dict.fromkeys(s.strip() for s in statuses if s and s.strip()))


def split_statuses(stored: str | Iterable[str] | None) -> list[str]:
    """The stored `status` as a list: "training; employment" -> ["training", "employment"]; None -> []."""
    if isinstance(stored, str):
        return [s.strip() for s in stored.split(";") if s.strip()]
    if isinstance(stored, (list, tuple)):
        return [s for s in stored if isinstance(s, str) and s]
    return []  # None, or the NaN / NA a DataFrame carries for a SQL null


def plain_number(value: Any) -> int | float:
    """50.0 -> 50, 12.5 -> 12.5 (keeps JSON and TOML tidy)."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _check_target(raw: Mapping[str, Any], ctx: Problem, program_id: str,
                  statuses: Iterable[str], problems: list[Problem]) -> dict[str, Any] | None:
    """Validate one (merged) target table; append problems; return the normalised fields."""
    before = len(problems)
    out: dict[str, Any] = {}

    program = raw.get("program", program_id)
    if not isinstance(program, str) or not program.strip():
        problems.append(Problem("targets.not_text", {"t": ctx, "key": "program"}))
    out["program_id"] = program.strip() if isinstance(program, str) else program

    label = raw.get("label")
    if label is None:
        problems.append(Problem("targets.missing", {"t": ctx, "key": "label"}))
    elif not isinstance(label, str) or not label.strip():
        problems.append(Problem("targets.not_text", {"t": ctx, "key": "label"}))
    out["label"] = label.strip() if isinstance(label, str) else label

    funder = raw.get("funder")
    if funder is not None and not isinstance(funder, str):
        problems.append(Problem("targets.not_text", {"t": ctx, "key": "funder"}))
    out["funder"] = funder.strip() if isinstance(funder, str) and funder.strip() else None

    measure = raw.get("measure")
    if measure is None:
        problems.append(Problem("targets.missing", {"t": ctx, "key": "measure"}))
    elif measure not in MEASURES:
        problems.append(Problem("targets.bad_measure", {"t": ctx, "value": measure, "known": ", ".join(MEASURES)}))
        measure = None
    out["measure"] = measure

    status = raw.get("status")
    if measure == "entered":
        if status is not None:
            problems.append(Problem("targets.status_not_allowed", {"t": ctx}))
        status = None
    elif measure is not None:
        if status is None or status == []:
            problems.append(Problem("targets.status_needed", {"t": ctx, "measure": measure}))
            status = None
        else:
            wanted = [status] if isinstance(status, str) else status
            if not isinstance(wanted, list) or not all(isinstance(s, str) for s in wanted):
                problems.append(Problem("targets.unknown_status", {"t": ctx, "value": status,
                                                                   "known": ", ".join(statuses)}))
                status = None
            else:
                for s in wanted:
                    if s not in statuses:
                        problems.append(Problem("targets.unknown_status",
                                                {"t": ctx, "value": s, "known": ", ".join(statuses)}))
                status = join_statuses(wanted)
    out["status"] = status

    has = [d for d in DIRECTIONS if d in raw]
    if len(has) == 2:
        problems.append(Problem("targets.both_directions", {"t": ctx}))
    elif not has:
        problems.append(Problem("targets.no_direction", {"t": ctx}))
    else:
        direction = has[0]
        value = raw[direction]
        if not _is_number(value) or value < 0:
            problems.append(Problem("targets.bad_number", {"t": ctx, "key": direction, "value": value}))
        elif measure == "share" and value > 100:
            problems.append(Problem("targets.share_range", {"t": ctx, "key": direction, "value": value}))
        else:
            out["direction"], out["value"] = direction, float(value)

    period = raw.get("period")
    start = end = None
    if period is None:
        problems.append(Problem("targets.missing", {"t": ctx, "key": "period"}))
    elif not isinstance(period, Mapping) or set(period) - {"start", "end"}:
        problems.append(Problem("targets.bad_period", {"t": ctx}))
    else:
        for key in ("start", "end"):
            if key not in period:
                problems.append(Problem("targets.missing", {"t": ctx, "key": f"period.{key}"}))
        if "start" in period:
            start = _date_or_problem(period["start"], "period.start", ctx, problems)
        if "end" in period:
            end = _date_or_problem(period["end"], "period.end", ctx, problems)
        if start and end and end < start:
            problems.append(Problem("targets.end_before_start", {"t": ctx, "start": start, "end": end}))
            start = end = None
    out["period_start"], out["period_end"] = start, end

    canonical, _, where_problems = metrics.parse_where(raw.get("where") or {})
    problems.extend(Problem("targets.where", {"t": ctx, "problem": p}) for p in where_problems)
    out["scope_json"] = json.dumps(jsonable(canonical), sort_keys=True, ensure_ascii=False)

    milestones = raw.get("milestones") or []
    checked: list[dict[str, Any]] = []
    if not isinstance(milestones, list) or not all(
            isinstance(m, Mapping) and set(m) == {"date", "value"} for m in milestones):
        problems.append(Problem("targets.bad_milestones", {"t": ctx}))
    else:
        seen: set[dt.date] = set()
        for m in milestones:
            date = _date_or_problem(m["date"], "milestones.date", ctx, problems)
            value = m["value"]
            if not _is_number(value) or value < 0:
                problems.append(Problem("targets.bad_number", {"t": ctx, "key": "milestones.value", "value": value}))
                continue
            if measure == "share" and value > 100:
                problems.append(Problem("targets.share_range", {"t": ctx, "key": "milestones.value", "value": value}))
                continue
            if date is None:
                continue
            if date in seen:
                problems.append(Problem("targets.milestone_twice", {"t": ctx, "date": date}))
            seen.add(date)
            if start and end and not start <= date <= end:
                problems.append(Problem("targets.milestone_outside", {"t": ctx, "date": date, "start": start, "end": end}))
            checked.append({"date": date.isoformat(), "value": plain_number(value)})
    out["milestones_json"] = json.dumps(sorted(checked, key=lambda m: m["date"]))

    options = raw.get("options") or {}
    if not isinstance(options, Mapping):
        problems.append(Problem("targets.bad_options", {"t": ctx}))
        options = {}
    elif options and measure is not None and measure != "share":
        problems.append(Problem("targets.options_not_allowed", {"t": ctx}))
    else:
        for key, value in options.items():
            if key != "of":
                problems.append(Problem("targets.unknown_option", {"t": ctx, "key": key}))
            elif value not in SHARE_DENOMINATORS:
                problems.append(Problem("targets.bad_share_of", {"t": ctx, "value": value, "known": ", ".join(SHARE_DENOMINATORS)}))
    headline = raw.get("headline", False)
    if not isinstance(headline, bool):
        problems.append(Problem("targets.bad_headline", {"t": ctx}))
    stored_options = dict(options) if isinstance(options, Mapping) else {}
    if headline is True:
        stored_options["headline"] = True   # kept with the options: the store has no column of its own
    out["options_json"] = json.dumps(stored_options, sort_keys=True, ensure_ascii=False)

    return out if len(problems) == before else None


def parse_targets(tables: list[dict], program_id: str,
                  statuses: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Turn the ``[[target]]`` tables of a TOML file into rows of the `target` table.

    Args:
        tables: the parsed tables (``tomllib.load(f)["target"]``); dates as datetime.date
            or as text (YYYY-MM-DD or DD.MM.YYYY).
        program_id: the program a table belongs to when it has no `program` key.
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
        TargetSpecError: listing every problem found (`Problem`s with codes `targets.*`).
    """
    known_statuses = tuple(statuses) if statuses is not None else tuple(vocab.STATUSES)
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    for n, table in enumerate(tables or [], start=1):
        ctx = Problem("targets.target_no", {"n": n})
        if not isinstance(table, Mapping):
            problems.append(Problem("targets.not_table", {"t": ctx}))
            continue
        target_id = table.get("id")
        if target_id is None:
            problems.append(Problem("targets.missing", {"t": ctx, "key": "id"}))
        elif not isinstance(target_id, str) or not target_id.strip():
            problems.append(Problem("targets.not_text", {"t": ctx, "key": "id"}))
            target_id = None
        else:
            target_id = target_id.strip()
            ctx = Problem("targets.target", {"id": target_id})
            if target_id in seen_ids:
                problems.append(Problem("targets.duplicate_id", {"t": ctx}))
            seen_ids.add(target_id)
        for key in table:
            if key not in TOP_KEYS:
                problems.append(Problem("targets.unknown_key", {"t": ctx, "key": key, "known": ", ".join(TOP_KEYS)}))
        base_raw = {k: v for k, v in table.items() if k in TOP_KEYS and k != "revisions"}
        base = _check_target(base_raw, ctx, program_id, known_statuses, problems)
        first_from = None
        if "valid_from" in table:
            first_from = _date_or_problem(table["valid_from"], "valid_from", ctx, problems)
        elif base:
            first_from = base["period_start"]
        elif isinstance(table.get("period"), Mapping):
            try:  # still check the revisions' dates against the period start
                first_from = dates.as_date(table["period"].get("start"))
            except (TypeError, ValueError):
                first_from = None
        if base and first_from and target_id:
            rows.append(_row(target_id, first_from, base))

        revisions = table.get("revisions") or []
        if not isinstance(revisions, list):
            problems.append(Problem("targets.bad_revisions", {"t": ctx}))
            continue
        parsed = []
        for r, revision in enumerate(revisions, start=1):
            rctx = Problem("targets.revision_no", {"t": ctx, "n": r})
            if not isinstance(revision, Mapping):
                problems.append(Problem("targets.bad_revisions", {"t": ctx}))
                continue
            valid_from = None
            if "valid_from" not in revision:
                problems.append(Problem("targets.missing", {"t": rctx, "key": "valid_from"}))
            else:
                valid_from = _date_or_problem(revision["valid_from"], "valid_from", rctx, problems)
            if valid_from:
                rctx = Problem("targets.revision", {"t": ctx, "date": valid_from})
            for key in revision:
                if key not in REVISION_KEYS:
                    problems.append(Problem("targets.unknown_key", {"t": rctx, "key": key, "known": ", ".join(REVISION_KEYS)}))
            if valid_from and first_from:
                if valid_from < first_from:
                    problems.append(Problem("targets.revision_too_early", {"t": rctx, "date": valid_from, "first": first_from}))
                elif valid_from == first_from or valid_from in (v for v, _, _ in parsed):
                    problems.append(Problem("targets.revision_twice", {"t": ctx, "date": valid_from}))
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
            fields = _check_target(merged, rctx, program_id, known_statuses, problems)
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
# The target form of the dashboard
# --------------------------------------------------------------------------------------

_NUMBER_IN_TEXT = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?")


def label_disagrees(label: str, value: float) -> bool:
    """True when a label written by hand names numbers and none of them is the target value:
    "Mindestens 50 Frauen in Ausbildung" for a target of 60. A label without numbers agrees.

    Years (2018–2022) are not read as the value; "1.234" and "1,234" read as 1234, "12,5" as 12.5.
    """
    numbers = []
    for match in _NUMBER_IN_TEXT.findall(label or ""):
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", match):
            numbers.append(float(re.sub(r"[.,]", "", match)))
        else:
            numbers.append(float(match.replace(",", ".")))
    numbers = [n for n in numbers if not (n.is_integer() and 1900 <= n <= 2100 and n != float(value))]
    return bool(numbers) and all(abs(n - float(value)) > 1e-9 for n in numbers)


def table_from_form(*, target_id: str, label: str, funder: str, measure: str, status: str | list[str] | None,
                    direction: str, value: float, start: dt.date, end: dt.date, where: str,
                    milestones: str, decimal_comma: bool = True) -> tuple[dict, list[Problem]]:
    """Turn the target form's fields into a `[[target]]` table; problems of the free-text parts.

    Args:
        where: a filter typed as in a comparison group ("site=Köln; german_level>=B1").
        milestones: one ``DATE = number`` a line.
        decimal_comma: numbers as typed in German (1.234,5) rather than English (1,234.5).

    The table itself is validated by `parse_targets` when it is saved.
    """
    problems: list[Problem] = []
    table: dict[str, Any] = {"id": target_id, "label": label.strip(), "measure": measure,
                             direction: int(value) if float(value).is_integer() else value,
                             "period": {"start": start, "end": end}}
    if funder.strip():
        table["funder"] = funder.strip()
    statuses = split_statuses(status)
    if measure != "entered" and statuses:
        table["status"] = statuses[0] if len(statuses) == 1 else statuses
    if where.strip():
        try:
            _, scope = parse_group(f"ziel: {where}")
            table["where"] = dict(scope.where)
        except ProblemError as exc:
            problems += exc.problems
    points = []
    for number, line in enumerate(milestones.splitlines(), start=1):
        if not line.strip():
            continue
        day, _, amount = line.partition("=")
        try:
            amount = amount.strip()
            amount_value = float(amount.replace(".", "").replace(",", ".") if decimal_comma else amount)
            points.append({"date": dates.parse_date(day), "value": plain_number(amount_value)})
        except ValueError:
            problems.append(Problem("targets.form.bad_milestone", {"n": number, "line": line.strip()}))
    if points:
        table["milestones"] = points
    if not target_id:
        problems.append(Problem("targets.form.no_id"))
    return table, problems
