"""Target rows back to a TOML target file (`targets_to_toml`), so that it parses to the same rows."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any, Iterable, Mapping

from pipelines import dates
from pipelines import metrics
from pipelines.targets.spec import plain_number, split_statuses

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
        return str(plain_number(value)) if value.is_integer() else repr(value)
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
    out[row["direction"]] = plain_number(row["value"])
    out["period"] = {"start": dates.as_date(row["period_start"]),
                     "end": dates.as_date(row["period_end"])}
    out["where"] = _where_for_toml(row.get("scope_json") or "{}")
    out["milestones"] = [{"date": dt.date.fromisoformat(m["date"]), "value": m["value"]}
                         for m in json.loads(row.get("milestones_json") or "[]")]
    options = json.loads(row.get("options_json") or "{}")
    out["headline"] = options.pop("headline", False)
    out["options"] = options
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
        versions = sorted(versions, key=lambda r: dates.as_date(r["valid_from"]))
        first = versions[0]
        lines = ["[[target]]", f"id = {_toml_value(target_id)}",
                 f"program = {_toml_value(first['program_id'])}"]
        fields = _version_fields(first)
        if first.get("funder"):
            lines.append(f"funder = {_toml_value(first['funder'])}")
        lines.append(f"label = {_toml_value(first['label'])}")
        lines.append(f"measure = {_toml_value(first['measure'])}")
        statuses = split_statuses(first.get("status"))
        if statuses:
            lines.append(f"status = {_toml_value(statuses[0] if len(statuses) == 1 else statuses)}")
        lines.append(f"{first['direction']} = {_toml_value(fields[first['direction']])}")
        lines.append(f"period = {_toml_value(fields['period'])}")
        if dates.as_date(first["valid_from"]) != fields["period"]["start"]:
            lines.append(f"valid_from = {_toml_value(dates.as_date(first['valid_from']))}")
        if fields["where"]:
            lines.append(f"where = {_toml_value(fields['where'])}")
        if fields["milestones"]:
            lines.append("milestones = [")
            lines.extend(f"    {_toml_value(m)}," for m in fields["milestones"])
            lines.append("]")
        if fields["options"]:
            lines.append(f"options = {_toml_value(fields['options'])}")
        if fields["headline"]:
            lines.append("headline = true")
        if len(versions) > 1:
            lines.append("revisions = [")
            previous = fields
            for version in versions[1:]:
                current = _version_fields(version)
                change: dict[str, Any] = {"valid_from": dates.as_date(version["valid_from"])}
                for key, value in current.items():
                    if key == "headline":
                        continue  # a mark of the target, not of a version
                    if previous.get(key) != value:
                        change[key] = value  # an empty where / milestones / options clears it
                if "funder" in previous and "funder" not in current:
                    change["funder"] = ""  # an empty funder clears it
                lines.append(f"    {_toml_value(change)},")
                previous = current
            lines.append("]")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")
