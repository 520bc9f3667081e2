"""Which column of a file is which field: aliases, the column-mapping file, status columns.

Header and value aliases live in `pipelines.vocab`; here they are applied to one file's headers.
A column that looks like a direct identifier (name, e-mail, date of birth …) is refused.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import vocab
from pipelines.ingest.problems import Problem, Refused
from pipelines.vocab import header_key

ROLES = ("start", "end", "on")


@dataclass
class ColumnMapping:
    """A program's own headers and cell values (a small TOML file).

    [columns]
    "Fallnummer"        = "participant_id"
    "Start Ausbildung"  = "training.start"      # status columns: <status>.start | .end | .on
    [values.exit_reason]
    "Abbruch" = "dropped_out"
    [values.status]
    "Umschulung" = "training"

    A column mapped to "-" is deliberately not used (a remark about a status, say).
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    digest: str = ""

    @classmethod
    def read(cls, path: Path | None) -> "ColumnMapping":
        """The mapping file at `path` (none: an empty mapping); a broken file is Refused."""
        if path is None:
            return cls()
        raw = Path(path).read_bytes()
        try:
            doc = tomllib.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise Refused([Problem("bad_mapping_file", Path(path).name,
                                   line=raw[:exc.start].count(b"\n") + 1)]) from None
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"line (\d+)", str(exc))
            raise Refused([Problem("bad_mapping_file", Path(path).name,
                                   line=int(found.group(1)) if found else None)]) from None
        tables = [doc.get("columns", {}), *(doc.get("values", {}) or {}).values()] \
            if isinstance(doc.get("values", {}), dict) else [None]
        if not all(isinstance(t, dict) and all(isinstance(v, str) for v in t.values()) for t in tables):
            raise Refused([Problem("bad_mapping_file", Path(path).name)])
        columns = {header_key(k): str(v) for k, v in doc.get("columns", {}).items()}
        values = {f: {str(k).strip().lower(): str(v) for k, v in table.items()}
                  for f, table in doc.get("values", {}).items()}
        return cls(columns, values, hashlib.sha256(raw).hexdigest())


@dataclass
class Layout:
    """Which header of the file holds which field."""

    fields: dict[str, str]                         # canonical -> header
    statuses: dict[str, dict[str, str]]            # status -> {'start'|'end'|'on': header}
    unmapped: list[str]
    problems: list[Problem]
    columns: list[tuple[str, str | None]] = field(default_factory=list)   # every header, in file order,
    #                                              with its field ('entry_date', 'training.start') or None

    def kind(self) -> str | None:
        f = self.fields
        if "participant_id" in f and "status" in f and "start_date" in f:
            return "episodes"
        if "participant_id" in f and self.statuses:
            return "tracking"
        if "participant_id" in f and "entry_date" in f:
            return "participants"
        return None


def _alias_index() -> dict[str, str]:
    index = {}
    for canonical, aliases in vocab.FIELD_ALIASES.items():
        for alias in aliases:
            index[header_key(alias)] = canonical
    return index


ALIAS_INDEX = _alias_index()


def status_index(con: duckdb.DuckDBPyConnection, mapping: ColumnMapping) -> dict[str, str]:
    """header_key(word) -> status: the built-in statuses, the programs' own ones in the store and
    the mapping file's `[values.status]`."""
    own: dict[str, list[str]] = {}
    for status, de, en in con.execute(
            "select status, label_de, label_en from status_vocabulary where program_id <> '*'").fetchall():
        own.setdefault(status, []).extend(w for w in (de, en) if w)
    index = {}
    for status, aliases in (vocab.STATUS_ALIASES | own).items():
        for word in [status, *aliases]:
            index[header_key(word)] = status
    for key, status in mapping.values.get("status", {}).items():
        index[header_key(key)] = status
    return index


def status_column(header: str, statuses: dict[str, str]) -> tuple[str, str] | None:
    """Recognise a tracking-sheet date column: 'Ausbildung ab' -> ('training', 'start').

    Args:
        statuses: header_key(word) -> status (see status_index).
    Returns:
        (status, 'start' | 'end' | 'on') or None.
    """
    hit = vocab.split_status_header(header_key(header), statuses)
    return (statuses[hit[0]], hit[1]) if hit else None


IGNORE = "-"      # a mapping's target for a column deliberately not used


def unplaced_status(header: str, statuses: dict[str, str]) -> tuple[str, str] | None:
    """(status, role) a header seems to be about when it names a status but is not a status column
    ('Ausbildung (Datum)' -> ('training', 'start')), else None.

    The words are vocab.STATUS_HEADER_WORDS and the programs' own statuses (in `statuses`).
    """
    key = header_key(header)
    words = dict(vocab.STATUS_HEADER_WORDS)
    words.update({k: v for k, v in statuses.items() if v not in vocab.STATUSES and len(k) >= 4})
    for word, status in words.items():
        if word in key:
            role = "end" if any(w in key for w in ("bis", "ende", "until")) else "start"
            return status, role
    return None


def mapping_line(header: str, target: str) -> str:
    """The line of a mapping file's [columns] table that assigns `header`: '"Ausbildung (Datum)" = "training.start"'."""
    quoted = header.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" = "{target}"'


def map_headers(headers: list[str], file: str, mapping: ColumnMapping, statuses: dict[str, str]) -> Layout:
    """The layout of a file from its headers: mapping file first, then aliases, then status columns.

    A header that names a status but cannot be placed is a problem (`status_column_unplaced`), naming
    the mapping line that would place it: such a column is never dropped without a word.
    """
    fields: dict[str, str] = {}
    columns: list[tuple[str, str | None]] = []
    slots: dict[str, dict[str, str]] = {}
    unmapped: list[str] = []
    problems: list[Problem] = []
    known_statuses = set(statuses.values())
    for header in headers:
        key = header_key(header)
        # a direct identifier is refused whatever the mapping file says about the column
        what = vocab.identifier_kind(header)
        if what:
            problems.append(Problem("identifier_column", file, column=header, params={"what": what}))
            continue
        target = mapping.columns.get(key)
        if target == IGNORE:
            unmapped.append(header)
            columns.append((header, None))
            continue
        if target is None:
            target = ALIAS_INDEX.get(key)
            if target is None:
                hit = status_column(header, statuses)
                if hit:
                    # 'Ausbildung (Datum)': the day training began; 'on' is a one-day event's day only
                    role = "start" if hit[1] == "on" and hit[0] not in vocab.ONE_DAY_STATUSES else hit[1]
                    target = f"{hit[0]}.{role}"
        if target is None:
            unplaced = unplaced_status(header, statuses)
            if unplaced:
                problems.append(Problem("status_column_unplaced", file, column=header, params={
                    "mapping": mapping_line(header, f"{unplaced[0]}.{unplaced[1]}"),
                    "ignore": mapping_line(header, IGNORE)}))
            unmapped.append(header)
            columns.append((header, None))
            continue
        columns.append((header, target))
        if "." in target:
            status, role = target.split(".", 1)
            if status not in known_statuses or role not in ROLES:
                problems.append(Problem("bad_mapping", file, column=header,
                                        params={"detail": f"{header} = {target}"}))
                continue
            slot = slots.setdefault(status, {})
            if role in slot:
                problems.append(Problem("duplicate_column", file, column=header,
                                        params={"first": slot[role], "second": header, "field": target}))
            slot[role] = header
        else:
            if target in fields:
                problems.append(Problem("duplicate_column", file, column=header,
                                        params={"first": fields[target], "second": header, "field": target}))
            fields[target] = header
    for status, slot in slots.items():
        if "end" in slot and "start" not in slot and "on" not in slot:
            # an end without its start cannot make an episode ('Mentoring bis' without 'Mentoring ab')
            problems.append(Problem("end_without_start", file, column=slot["end"], params={
                "mapping": mapping_line("…", f"{status}.start")}))
    return Layout(fields, slots, unmapped, problems, columns)
