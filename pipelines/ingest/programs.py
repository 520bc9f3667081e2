"""Program files (TOML): the program, its own statuses and its targets.

```toml
[program]
id = "sozialwirtschaft-integriert"      # slug
name = "Sozialwirtschaft integriert"
organisation = "Stadt Kassel"
region = "Kassel, Hessen"
funder = "Hessisches Ministerium für Soziales und Integration"   # or a list
start = 2018-01-01
end = 2022-12-31
special_categories = true               # false: origin region is not stored

[[status]]                              # optional: statuses this program adds
name = "berufsorientierung"
category = "support"                    # support | outcome
label_de = "Berufsorientierung"
label_en = "Career orientation"

[[target]]                              # see DESIGN.md, "Targets"
...
```
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass, field

import duckdb
import tomli_w

from pipelines import targets as targets_mod
from pipelines.text.metrics import problem_texts
from pipelines import vocab
from pipelines.store import db, derived
from pipelines.store.db import retried, transaction

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
PROGRAM_KEYS = {"id", "name", "organisation", "region", "funder", "start", "end", "special_categories"}
STATUS_KEYS = {"name", "category", "label_de", "label_en"}

class ProgramFileError(Exception):
    """All problems of a program file: list of (code, line or None, parameters).

    Codes: bad_toml {detail}, bad_program {rule, …} (words: text/ingest.py, ingest.program.<rule>),
    bad_target {detail}.
    """

    def __init__(self, problems: list[tuple[str, int | None, dict]]):
        super().__init__(", ".join(p[0] for p in problems))
        self.problems = problems


@dataclass
class ProgramSpec:
    program: dict                      # columns of table `program`
    statuses: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)   # rows of table `target`


def parse_program_file(data: bytes | str, file_name: str = "program.toml", lang: str = "de") -> ProgramSpec:
    """Parse and validate a program TOML file; raises ProgramFileError listing every problem.

    `lang` is handed to the target parser only, which still words its own problems.
    """
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ProgramFileError([("bad_program", line, {"rule": "encoding"})]) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ProgramFileError([("bad_toml", int(m.group(1)) if m else None, {})]) from None
    problems: list[tuple[str, int | None, dict]] = []

    def problem(rule: str, **params):
        problems.append(("bad_program", None, {"rule": rule, **params}))

    table = doc.get("program")
    if not isinstance(table, dict):
        raise ProgramFileError([("bad_program", None, {"rule": "no_table"})])
    for key in ("id", "name"):
        if not table.get(key):
            problem("missing_key", key=key)
    for key in sorted(set(table) - PROGRAM_KEYS):
        problem("unknown_key", key=key, table="program")
    program_id = str(table.get("id", ""))
    if program_id and not SLUG.match(program_id):
        problem("slug", value=program_id)
    dates = {}
    for key in ("start", "end"):
        value = table.get(key)
        if value is not None and not (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            problem("date", key=key, value=value)
        else:
            dates[key] = value
    if dates.get("start") and dates.get("end") and dates["end"] < dates["start"]:
        problem("order", start=dates["start"], end=dates["end"])
    for key in ("id", "name", "organisation", "region"):
        if key in table and not isinstance(table[key], str):
            problem("type", key=key, value=table[key], want="text")
    funder = table.get("funder")
    if isinstance(funder, list) and all(isinstance(f, str) for f in funder):
        funder = "; ".join(funder)
    elif funder is not None and not isinstance(funder, str):
        problem("type", key="funder", value=funder, want="texts")
        funder = None
    if "special_categories" in table and not isinstance(table["special_categories"], bool):
        problem("type", key="special_categories", value=table["special_categories"], want="bool")
    program = {
        "program_id": program_id,
        "name": str(table.get("name", "")),
        "organisation": table.get("organisation"),
        "region": table.get("region"),
        "funder": funder,
        "start_date": dates.get("start"),
        "end_date": dates.get("end"),
        "special_categories": bool(table.get("special_categories", True)),
    }

    statuses = []
    entries = doc.get("status", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problem("type", key="status", value="…", want="tables")
        entries = []
    for entry in entries:
        name = str(entry.get("name", ""))
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,40}", name):
            problem("status_name", value=name)
        elif name in vocab.STATUSES:
            problem("builtin", value=name)
        if entry.get("category") not in ("support", "outcome"):
            problem("status_category", value=name)
        for key in sorted(set(entry) - STATUS_KEYS):
            problem("unknown_key", key=key, table="status")
        statuses.append({"program_id": program_id, "status": name, "category": entry.get("category"),
                         "label_de": entry.get("label_de") or name, "label_en": entry.get("label_en") or name})

    target_rows: list[dict] = []
    tables = doc.get("target", [])
    if tables and program_id:
        known = [*vocab.STATUSES, *(s["status"] for s in statuses)]
        try:
            target_rows = targets_mod.parse_targets(tables, program_id, statuses=known)
        except targets_mod.TargetSpecError as exc:
            problems += [("bad_target", None, {"detail": p}) for p in problem_texts(exc.problems, lang)]
    if problems:
        raise ProgramFileError(problems)
    return ProgramSpec(program, statuses, target_rows)


def new_program_file(name: str, organisation: str = "", funder: str = "", start: dt.date | None = None,
                     end: dt.date | None = None) -> tuple[str, bytes]:
    """A program file for a program made from scratch (the dashboard's "Neues Programm"): its id made
    from the name ('Mentoring Nord 2026' -> 'mentoring-nord-2026') and the TOML bytes, which are then
    loaded like any program file (the same checks as `outcomes ingest`)."""
    program_id = vocab.slug(name, fallback="programm", sep="-")[:63]
    table = {"id": program_id, "name": name.strip()}
    if organisation.strip():
        table["organisation"] = organisation.strip()
    if funder.strip():
        table["funder"] = funder.strip()
    if start is not None:
        table["start"] = start
    if end is not None:
        table["end"] = end
    return program_id, tomli_w.dumps({"program": table}).encode("utf-8")


def store_program(con: duckdb.DuckDBPyConnection, spec: ProgramSpec, load_id: int | None) -> None:
    """Write a parsed program file into the store (inside the caller's transaction).

    The program row is upserted; its own statuses and its targets are replaced by the file's.
    """
    p = spec.program
    values = [p["name"], p["organisation"], p["region"], p["funder"], p["start_date"], p["end_date"],
              p["special_categories"], load_id, p["program_id"]]
    # update, then insert when absent (no upsert statement on DuckLake)
    con.execute("update program set name = ?, organisation = ?, region = ?, funder = ?, start_date = ?, "
                "end_date = ?, special_categories = ?, load_id = ? where program_id = ?", values)
    con.execute("insert into program (name, organisation, region, funder, start_date, end_date, "
                "special_categories, load_id, program_id) select ?, ?, ?, ?, ?, ?, ?, ?, ? "
                "where not exists (select 1 from program where program_id = ?)", [*values, p["program_id"]])
    if not p["special_categories"]:
        con.execute("update participant set origin_region = null where program_id = ?", [p["program_id"]])
    con.execute("delete from status_vocabulary where program_id = ?", [p["program_id"]])
    for s in spec.statuses:
        con.execute("insert into status_vocabulary values (?, ?, ?, ?, ?)",
                    [s["program_id"], s["status"], s["category"], s["label_de"], s["label_en"]])
    # the program's start decides what counts as reached, its vocabulary which episodes close at exit
    derived.rebuild(con, [p["program_id"]])
    replace_targets(con, p["program_id"], spec.targets, load_id)


replace_targets = targets_mod.replace_targets


def program_to_toml(con: duckdb.DuckDBPyConnection, program_id: str) -> str:
    """The program file as it stands in the store (program, own statuses, targets)."""
    row = con.execute(
        "select program_id, name, organisation, region, funder, start_date, end_date, special_categories "
        "from program where program_id = ?", [program_id]).fetchone()
    if row is None:
        raise KeyError(program_id)
    keys = ["id", "name", "organisation", "region", "funder", "start", "end", "special_categories"]
    table = {k: v for k, v in zip(keys, row) if v is not None}
    if table.get("special_categories") is True:
        del table["special_categories"]
    text = tomli_w.dumps({"program": table})
    statuses = con.execute(
        "select status, category, label_de, label_en from status_vocabulary where program_id = ? order by status",
        [program_id]).fetchall()
    if statuses:
        text += "\n" + tomli_w.dumps({"status": [
            {"name": s, "category": c, "label_de": de, "label_en": en} for s, c, de, en in statuses]})
    rows = targets_mod.load_targets(con, program_id)
    if rows:
        text += "\n" + targets_mod.targets_to_toml(rows)
    return text


def target_tables(con: duckdb.DuckDBPyConnection, program_id: str) -> list[dict]:
    """A program's stored targets as TOML tables (with their revisions), as a file would hold them."""
    rows = targets_mod.load_targets(con, program_id)
    if not rows:
        return []
    return tomllib.loads(targets_mod.targets_to_toml(rows)).get("target", [])


def save_target(con: duckdb.DuckDBPyConnection, program_id: str, table: dict, *, replace_id: str | None = None,
                lang: str = "de", saved_by: str | None = None) -> list[str]:
    """Add or change one target of a program (e.g. from the dashboard's form).

    The program's whole target set is validated again (ids unique, statuses known) and written in
    one transaction, logged in `load` as kind 'target_edit'. Revisions of a changed target are kept.

    Args:
        table: a `[[target]]` table (dates as datetime.date).
        replace_id: the id of the target being edited (None for a new one).
    Returns:
        the problems (German or English); empty when saved.
    """
    return _rewrite_targets(con, program_id, lambda tables: _put(tables, table, replace_id), lang, saved_by)


def delete_target(con: duckdb.DuckDBPyConnection, program_id: str, target_id: str, *, lang: str = "de",
                  saved_by: str | None = None) -> list[str]:
    """Remove a target (all its revisions) from a program; logged like an edit."""
    return _rewrite_targets(con, program_id, lambda tables: [t for t in tables if t.get("id") != target_id],
                            lang, saved_by)


def _put(tables: list[dict], table: dict, replace_id: str | None) -> list[dict]:
    out, placed = [], False
    for existing in tables:
        if replace_id is not None and existing.get("id") == replace_id:
            merged = {**table}
            if "revisions" in existing and "revisions" not in table:
                merged["revisions"] = existing["revisions"]
            out.append(merged)
            placed = True
        else:
            out.append(existing)
    if not placed:
        out.append(table)
    return out


@retried
def _rewrite_targets(con, program_id: str, change, lang: str, saved_by: str | None) -> list[str]:
    # read and write in one transaction: a concurrent edit on a lake conflicts (and this one is run
    # again on the store as it is then) instead of being overwritten unseen
    with transaction(con):
        known = [*vocab.STATUSES, *(r[0] for r in con.execute(
            "select status from status_vocabulary where program_id = ?", [program_id]).fetchall())]
        tables = change(target_tables(con, program_id))
        try:
            rows = targets_mod.parse_targets(tables, program_id, statuses=known)
        except targets_mod.TargetSpecError as exc:
            return problem_texts(exc.problems, lang)
        text = targets_mod.targets_to_toml(rows) if rows else ""
        load_id = db.allocate(con, "load_id")
        con.execute(
            "insert into load (load_id, file_name, sha256, kind, program_id, mode, outcome, rows_read, rows_loaded, "
            "rows_rejected, loaded_by, loaded_at) values (?, ?, ?, 'target_edit', ?, 'strict', 'loaded', ?, ?, 0, ?, "
            "current_timestamp::timestamp(0))",
            [load_id, f"{program_id}.toml", hashlib.sha256(text.encode()).hexdigest(), program_id, len(rows),
             len(rows), saved_by])
        replace_targets(con, program_id, rows, load_id)
    return []
