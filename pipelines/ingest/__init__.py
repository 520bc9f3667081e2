"""Read → normalise → validate → load, one file at a time, each in one transaction.

A data file is staged as text (readers.stage), its headers are mapped to canonical fields,
every rule is checked in SQL over the whole file, and then:
- strict (default): any problem → nothing is written, every problem is reported;
- lenient: good rows load, every bad row goes to `rejected_row` and a rejects CSV.
Loading a file that was loaded before records a skipped load and changes nothing else.
A newer file for the same program updates the records it covers: participants by id (only the
columns the file has), episodes of the covered participants (for a tracking sheet: the statuses
it has columns for; for an episodes file: all statuses).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.ingest import readers
from pipelines import vocab
from pipelines.ingest import messages
from pipelines.store.db import quote_ident, resolve_path, transaction
from pipelines.text.indicators import problem_message as indicator_problem_message

PARTICIPANT_FIELDS = [
    "site", "cohort", "entry_date", "exit_date", "exit_reason", "gender", "birth_year",
    "origin_region", "qualification_level", "german_level", "coach_id", "mentor_id",
]
DATE_FIELDS = {"entry_date", "exit_date", "start_date", "end_date"}


@dataclass
class Problem:
    """One thing wrong with a file or a row; the text is made in the reader's language."""

    code: str
    file: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict)
    text: str | None = None            # a ready message from another module (indicator files)

    def message(self, lang: str = "de") -> str:
        if self.text is not None:
            return self.text
        return messages.say(self.code, lang, value=self.value, **self.params)

    def describe(self, lang: str = "de") -> str:
        return f"{messages.locate(self.file, self.line, self.column, lang)}: {self.message(lang)}"

    def as_dict(self, lang: str = "de") -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "value": self.value,
                "code": self.code, "message": self.message(lang)}


@dataclass
class LoadResult:
    """What happened to one file."""

    file: str
    kind: str | None = None
    outcome: str = "failed"            # loaded | skipped | failed
    programs: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    load_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    rejects_path: Path | None = None
    notes: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)   # encoding, delimiter, sheet

    @property
    def ok(self) -> bool:
        return self.outcome in ("loaded", "skipped")


class _Failed(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].code if problems else "failed")
        self.problems = problems


# --------------------------------------------------------------------------- mapping files

@dataclass
class Mapping:
    """A program's own headers and cell values (a small TOML file).

    [columns]
    "Fallnummer"        = "participant_id"
    "Start Ausbildung"  = "training.start"      # status columns: <status>.start | .end | .on
    [values.exit_reason]
    "Abbruch" = "dropped_out"
    [values.status]
    "Umschulung" = "training"
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    digest: str = ""

    @classmethod
    def read(cls, path: Path | None) -> "Mapping":
        if path is None:
            return cls()
        raw = Path(path).read_bytes()
        try:
            doc = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise _Failed([Problem("bad_mapping", Path(path).name, params={"detail": str(exc)})]) from None
        columns = {vocab.header_key(k): str(v) for k, v in doc.get("columns", {}).items()}
        values = {f: {str(k).strip().lower(): str(v) for k, v in table.items()}
                  for f, table in doc.get("values", {}).items()}
        return cls(columns, values, hashlib.sha256(raw).hexdigest())


# --------------------------------------------------------------------------- header mapping

@dataclass
class Layout:
    """Which header of the file holds which field."""

    fields: dict[str, str]                         # canonical -> header
    statuses: dict[str, dict[str, str]]            # status -> {'start'|'end'|'on': header}
    unmapped: list[str]
    problems: list[Problem]

    def kind(self) -> str | None:
        f = self.fields
        if "participant_id" in f and "status" in f and "start_date" in f:
            return "episodes"
        if "participant_id" in f and self.statuses:
            return "tracking"
        if "participant_id" in f and "entry_date" in f:
            return "participants"
        return None


def map_headers(headers: list[str], file: str, mapping: Mapping, status_words: dict[str, str]) -> Layout:
    fields: dict[str, str] = {}
    statuses: dict[str, dict[str, str]] = {}
    unmapped: list[str] = []
    problems: list[Problem] = []
    known_statuses = set(status_words.values())
    for header in headers:
        key = vocab.header_key(header)
        target = mapping.columns.get(key)
        if target is None:
            what = readers.identifier_kind(header)
            if what:
                problems.append(Problem("identifier_column", file, column=header, params={"what": what}))
                continue
            target = readers.ALIAS_INDEX.get(key)
            if target is None:
                hit = readers.status_column(header, status_words)
                if hit:
                    target = f"{hit[0]}.{hit[1]}"
        if target is None:
            unmapped.append(header)
            continue
        if "." in target:
            status, role = target.split(".", 1)
            if status not in known_statuses or role not in ("start", "end", "on"):
                problems.append(Problem("bad_mapping", file, column=header,
                                        params={"detail": f"{header} = {target}"}))
                continue
            slot = statuses.setdefault(status, {})
            if role in slot:
                problems.append(Problem("duplicate_column", file, column=header,
                                        params={"first": slot[role], "second": header, "field": target}))
            slot[role] = header
        else:
            if target in fields:
                problems.append(Problem("duplicate_column", file, column=header,
                                        params={"first": fields[target], "second": header, "field": target}))
            fields[target] = header
    return Layout(fields, statuses, unmapped, problems)


# --------------------------------------------------------------------------- SQL building blocks

def _date_sql(col: str) -> str:
    """Text → DATE for DD.MM.YYYY or YYYY-MM-DD (a time part is ignored); NULL when not a date."""
    return (
        f"(case when regexp_full_match({col}, '\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{4}}') "
        f"then try_strptime({col}, '%d.%m.%Y') "
        f"when regexp_full_match({col}, '\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}([ T].*)?') "
        f"then try_strptime(regexp_extract({col}, '^(\\d{{4}}-\\d{{1,2}}-\\d{{1,2}})', 1), '%Y-%m-%d') "
        f"end)::date"
    )


def _int_sql(col: str) -> str:
    return f"try_cast(regexp_extract({col}, '^\\s*(?:ISCED\\s*)?(\\d+)(?:[.,]0+)?\\s*$', 1) as integer)"


class _Sql:
    """Builds the normalised view and the problem queries for one staged file."""

    def __init__(self, layout: Layout, kind: str, program_option: str | None):
        self.layout = layout
        self.kind = kind
        self.program_option = program_option
        self.joins = []

    joins: list[str]

    def _alias(self, field_name: str, col: str) -> str:
        """The canonical value of a cell through the alias table (a join, not a subquery per row)."""
        alias = f"va_{field_name}"
        self.joins.append(f"left join _value_alias {alias} on {alias}.field = '{field_name}' "
                          f"and {alias}.key = lower({col})")
        return f"{alias}.value"

    def from_clause(self) -> str:
        """`_stg s` with the alias joins that normalised_select() asked for."""
        return " ".join(["_stg s", *self.joins])

    def raw(self, field_name: str) -> str | None:
        header = self.layout.fields.get(field_name)
        return quote_ident(header) if header else None

    def normalised_select(self) -> str:
        """Select list of canonical, typed columns from the staged table `s`."""
        f = self.layout.fields
        cols = ["s._line"]
        pid = self.raw("participant_id")
        cols.append(f"s.{pid} as participant_id")
        prog = self.raw("program_id")
        cols.append(f"coalesce(s.{prog}, $program_option) as program_id" if prog else
                    "cast($program_option as varchar) as program_id")
        if self.kind in ("participants", "tracking"):
            for name in PARTICIPANT_FIELDS:
                if name not in f:
                    continue
                col = f"s.{self.raw(name)}"
                if name in DATE_FIELDS:
                    expr = _date_sql(col)
                elif name in vocab.VALUE_ALIASES:
                    expr = self._alias(name, col)
                elif name == "german_level":
                    expr = (f"(case when regexp_full_match(upper({col}), '[ABC][12]([.,+ -].*)?') "
                            f"then left(upper({col}), 2) end)")
                elif name == "qualification_level":
                    expr = f"(case when {_int_sql(col)} between 0 and 8 then {_int_sql(col)} end)"
                elif name == "birth_year":
                    expr = (f"(case when {_int_sql(col)} between 1900 and year(current_date) "
                            f"then {_int_sql(col)} end)")
                else:
                    expr = col
                cols.append(f"{expr} as {name}")
            for status, slot in self.layout.statuses.items():
                for role, header in slot.items():
                    cols.append(f"{_date_sql('s.' + quote_ident(header))} as {quote_ident(status + '.' + role)}")
        else:  # episodes
            cols.append(f"{self._alias('status', 's.' + self.raw('status'))} as status")
            cols.append(f"{_date_sql('s.' + self.raw('start_date'))} as start_date")
            end = self.raw("end_date")
            cols.append(f"{_date_sql('s.' + end)} as end_date" if end else "cast(null as date) as end_date")
        return ", ".join(cols)


def _duplicates_query(header: str, keys: list[str], value: str) -> str:
    """Rows whose key occurs more than once in the file, each with the lines of all its copies.

    The lines are listed only for the duplicated keys (listing them for every key first would
    cost seconds on a large file with no duplicate at all).
    """
    key_list = ", ".join(keys)
    not_null = " and ".join(f"{k} is not null" for k in keys)
    return (f"with duplicated as (select {key_list} from _norm where {not_null} group by all having count(*) > 1), "
            f"copies as (select n.*, string_agg(cast(n._line as varchar), ', ' order by n._line) "
            f"over (partition by {', '.join('n.' + k for k in keys)}) as lines "
            f"from _norm n join duplicated using ({key_list})) "
            f"select n._line, {header}, {value}, n.lines from copies n")


def _problem_queries(sql: _Sql, layout: Layout, kind: str) -> list[tuple[str, str]]:
    """(code, query) pairs; each query returns line, column_name, value, other."""
    f = layout.fields
    q: list[tuple[str, str]] = []

    def header_lit(name: str) -> str:
        return "'" + name.replace("'", "''") + "'"

    def required(field_name: str):
        header = f[field_name]
        q.append(("missing_value", f"select s._line, {header_lit(header)}, null, null from _stg s "
                                   f"where s.{quote_ident(header)} is null"))

    def invalid(field_name: str, header: str, norm: str, code: str):
        q.append((code, f"select s._line, {header_lit(header)}, s.{quote_ident(header)}, null "
                        f"from _stg s join _norm n using (_line) "
                        f"where s.{quote_ident(header)} is not null and n.{norm} is null"))

    required("participant_id")
    if "program_id" in f:
        q.append(("unknown_program",
                  "select n._line, " + header_lit(f["program_id"]) + ", n.program_id, null from _norm n "
                  "where n.program_id is not null and n.program_id not in (select program_id from program)"))
    if kind in ("participants", "tracking"):
        if "entry_date" in f:
            required("entry_date")
        for name in PARTICIPANT_FIELDS:
            if name not in f:
                continue
            if name in DATE_FIELDS:
                invalid(name, f[name], name, "bad_date")
            elif name in ("exit_reason", "gender", "german_level"):
                invalid(name, f[name], name, "bad_value")
            elif name in ("qualification_level", "birth_year"):
                invalid(name, f[name], name, "bad_number")
        if "exit_date" in f and "entry_date" in f:
            q.append(("exit_before_entry",
                      f"select _line, {header_lit(f['exit_date'])}, strftime(exit_date, '%d.%m.%Y'), "
                      f"strftime(entry_date, '%d.%m.%Y') from _norm where exit_date < entry_date"))
        if "exit_reason" in f:
            exit_cond = "n.exit_date is null" if "exit_date" in f else "true"
            q.append(("reason_without_exit",
                      f"select n._line, {header_lit(f['exit_reason'])}, s.{quote_ident(f['exit_reason'])}, null "
                      f"from _norm n join _stg s using (_line) where n.exit_reason is not null and {exit_cond}"))
        q.append(("duplicate_participant", _duplicates_query(header_lit(f["participant_id"]),
                                                             ["program_id", "participant_id"], "n.participant_id")))
        for status, slot in layout.statuses.items():
            for role, header in slot.items():
                col = quote_ident(f"{status}.{role}")
                q.append(("bad_date", f"select s._line, {header_lit(header)}, s.{quote_ident(header)}, null "
                                      f"from _stg s join _norm n using (_line) "
                                      f"where s.{quote_ident(header)} is not null and n.{col} is null"))
            start_role = "start" if "start" in slot else ("on" if "on" in slot else None)
            if "end" in slot and start_role:
                start, end = quote_ident(f"{status}.{start_role}"), quote_ident(f"{status}.end")
                q.append(("missing_value",
                          f"select _line, {header_lit(slot[start_role])}, null, null from _norm "
                          f"where {end} is not null and {start} is null"))
                q.append(("end_before_start",
                          f"select _line, {header_lit(slot['end'])}, strftime({end}, '%d.%m.%Y'), "
                          f"strftime({start}, '%d.%m.%Y') from _norm where {end} < {start}"))
            if start_role and "entry_date" in f:
                start = quote_ident(f"{status}.{start_role}")
                q.append(("episode_before_entry",
                          f"select _line, {header_lit(slot[start_role])}, strftime({start}, '%d.%m.%Y'), "
                          f"strftime(entry_date, '%d.%m.%Y') from _norm where {start} < entry_date"))
    else:  # episodes
        required("status")
        required("start_date")
        q.append(("unknown_status",
                  f"select s._line, {header_lit(f['status'])}, s.{quote_ident(f['status'])}, null "
                  f"from _stg s join _norm n using (_line) "
                  f"where s.{quote_ident(f['status'])} is not null and n.status is null"))
        invalid("start_date", f["start_date"], "start_date", "bad_date")
        if "end_date" in f:
            invalid("end_date", f["end_date"], "end_date", "bad_date")
            q.append(("end_before_start",
                      f"select _line, {header_lit(f['end_date'])}, strftime(end_date, '%d.%m.%Y'), "
                      f"strftime(start_date, '%d.%m.%Y') from _norm where end_date < start_date"))
        q.append(("unknown_participant",
                  "select n._line, " + header_lit(f["participant_id"]) + ", n.participant_id, n.program_id "
                  "from _norm n where n.participant_id is not null and n.program_id in (select program_id from program) "
                  "and not exists (select 1 from participant p where p.program_id = n.program_id "
                  "and p.participant_id = n.participant_id)"))
        q.append(("episode_before_entry",
                  "select n._line, " + header_lit(f["start_date"]) + ", strftime(n.start_date, '%d.%m.%Y'), "
                  "strftime(p.entry_date, '%d.%m.%Y') from _norm n join participant p "
                  "using (program_id, participant_id) where n.start_date < p.entry_date"))
        q.append(("duplicate_episode", _duplicates_query(
            header_lit(f["status"]), ["program_id", "participant_id", "status", "start_date"],
            "n.participant_id || ' / ' || n.status || ' / ' || strftime(n.start_date, '%d.%m.%Y')")))
    return q


# --------------------------------------------------------------------------- the loader

class Ingestor:
    """Loads files into one store. Keep one per connection; each file is its own transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, db_path: str | Path | None = None,
                 lenient: bool = False, mapping: Path | None = None, program: str | None = None,
                 lang: str = "de", loaded_by: str | None = None):
        self.con = con
        self.lenient = lenient
        self.mapping_path = mapping
        self.program = program
        self.lang = lang
        self.loaded_by = loaded_by or _user()
        path = resolve_path(db_path) if db_path is not None else None
        self.store_dir = path.parent if path is not None and str(path) != ":memory:" else None

    # -- public -------------------------------------------------------------------------
    def ingest(self, spec: str | Path) -> LoadResult:
        path, sheet = readers.split_sheet(spec)
        result = LoadResult(file=path.name)
        try:
            mapping = Mapping.read(self.mapping_path)
            if path.suffix.lower() == ".toml":
                self._ingest_program(path, result)
            else:
                self._ingest_data(path, sheet, mapping, result)
        except _Failed as failed:
            result.outcome = "failed"
            result.problems = failed.problems
            result.rows_loaded = 0
        finally:
            for table in ("_stg", "_norm", "_bad", "_problems", "_value_alias"):
                self.con.execute(f"drop table if exists {table}")
        return result

    # -- program files ------------------------------------------------------------------
    def _ingest_program(self, path: Path, result: LoadResult) -> None:
        from pipelines.ingest import programs

        if not path.exists():
            raise _Failed([Problem("not_found", path.name)])
        data = path.read_bytes()
        result.kind = "program"
        sha = hashlib.sha256(data).hexdigest()
        try:
            spec = programs.parse_program_file(data, path.name, self.lang)
        except programs.ProgramFileError as exc:
            raise _Failed([Problem(code, path.name, line=line, params={"detail": detail})
                           for code, line, detail in exc.problems]) from None
        result.programs = [spec.program["program_id"]]
        result.rows_read = 1 + len(spec.targets) + len(spec.statuses)
        if self._already_loaded(sha, result):
            return
        with transaction(self.con):
            load_id = self._log_load(path, sha, result, rows_loaded=result.rows_read, rows_rejected=0)
            programs.store_program(self.con, spec, load_id)
        result.rows_loaded = result.rows_read
        result.outcome = "loaded"

    # -- data files ---------------------------------------------------------------------
    def _ingest_data(self, path: Path, sheet: str | None, mapping: Mapping, result: LoadResult) -> None:
        con = self.con
        try:
            staged = readers.stage(con, path, "_stg", sheet)
        except readers.FileProblem as exc:
            raise _Failed([Problem(exc.code, path.name, line=exc.line, params=exc.params)]) from None
        result.rows_read = staged.rows
        result.details = {k: v for k, v in (("encoding", staged.encoding), ("delimiter", staged.delimiter),
                                            ("sheet", staged.sheet)) if v}
        data = path.read_bytes()
        sha = hashlib.sha256(
            data + f"|sheet={staged.sheet}|program={self.program}|mapping={mapping.digest}".encode()
        ).hexdigest()

        indicator_kind = _indicator_kind(staged.headers)
        if indicator_kind:
            self._ingest_indicators(path, staged, indicator_kind, sha, result)
            return

        words = self._status_words(mapping)
        layout = map_headers(staged.headers, path.name, mapping, words)
        if layout.problems:
            raise _Failed(layout.problems)
        kind = layout.kind()
        if kind is None:
            missing = "entry_date" if "participant_id" in layout.fields else "participant_id"
            problems = [Problem("unknown_kind", path.name, params={"headers": ", ".join(staged.headers)})]
            if "participant_id" not in layout.fields or "entry_date" not in layout.fields:
                problems.append(Problem("missing_column", path.name, params={
                    "field": missing, "example": vocab.FIELD_ALIASES[missing][0]}))
            raise _Failed(problems)
        result.kind = kind
        if kind == "tracking" and "entry_date" not in layout.fields:
            raise _Failed([Problem("missing_column", path.name, params={"field": "entry_date", "example": "Eintritt"})])
        if "program_id" not in layout.fields and not self.program:
            raise _Failed([Problem("no_program", path.name)])
        if self.program and "program_id" not in layout.fields:
            known = [r[0] for r in con.execute("select program_id from program order by 1").fetchall()]
            if self.program not in known:
                raise _Failed([Problem("unknown_program", path.name, value=self.program,
                                       params={"known": ", ".join(known) or "–"})])

        self._value_alias_table(mapping, words)
        sql = _Sql(layout, kind, self.program)
        select = sql.normalised_select()
        con.execute(f"create temp table _norm as select {select} from {sql.from_clause()}",
                    {"program_option": self.program})
        problems = self._collect_problems(sql, layout, kind, path.name)
        result.programs = [r[0] for r in con.execute(
            "select distinct program_id from _norm where program_id is not null order by 1").fetchall()]

        if problems and not self.lenient:
            raise _Failed(problems)
        if self._already_loaded(sha, result):
            return
        bad_lines = con.execute("select count(distinct line) from _problems").fetchone()[0]
        con.execute("create temp table _bad as select distinct line as _line from _problems")
        result.rows_rejected = bad_lines
        result.rows_loaded = staged.rows - bad_lines
        result.problems = problems
        with transaction(con):
            load_id = self._log_load(path, sha, result, result.rows_loaded, result.rows_rejected)
            if kind in ("participants", "tracking"):
                self._upsert_participants(layout, load_id)
            if kind == "tracking":
                self._replace_tracking_episodes(layout, load_id)
            if kind == "episodes":
                self._replace_long_episodes(load_id)
            if problems:
                self._store_rejects(load_id, path.name)
        result.load_id = load_id
        result.outcome = "loaded"
        if problems:
            result.rejects_path = self._write_rejects(load_id, path, problems)
        if kind in ("participants", "tracking") and "origin_region" in layout.fields:
            off = con.execute("select list(program_id order by program_id) from program "
                              "where not special_categories and program_id in (select unnest($p))",
                              {"p": result.programs}).fetchone()[0]
            if off:
                result.notes.append("special_categories_off")

    def _status_words(self, mapping: Mapping) -> dict[str, str]:
        extra: dict[str, list[str]] = {}
        for status, de, en in self.con.execute(
                "select status, label_de, label_en from status_vocabulary where program_id <> '*'").fetchall():
            extra.setdefault(status, []).extend(w for w in (de, en) if w)
        words = readers.status_words(extra)
        for key, status in mapping.values.get("status", {}).items():
            words[vocab.header_key(key)] = status
        return words

    def _value_alias_table(self, mapping: Mapping, words: dict[str, str]) -> None:
        rows = []
        for field_name, table in vocab.VALUE_ALIASES.items():
            for canonical, aliases in table.items():
                rows += [(field_name, a.lower(), canonical) for a in [canonical, *aliases]]
        for field_name, table in mapping.values.items():
            rows += [(field_name, k, v) for k, v in table.items()]
        # status cells: every word that names a status, as written and as a header key
        for status, label_de, label_en in self.con.execute(
                "select status, label_de, label_en from status_vocabulary").fetchall():
            rows += [("status", w.lower(), status) for w in (status, label_de, label_en) if w]
        for word, status in vocab.STATUS_ALIASES.items():
            rows += [("status", w.lower(), word) for w in status]
        rows += [("status", k, s) for k, s in mapping.values.get("status", {}).items()]
        frame = pd.DataFrame(rows, columns=["field", "key", "value"]).drop_duplicates(["field", "key"], keep="last")
        self.con.register("_value_alias_frame", frame)
        self.con.execute("create or replace temp table _value_alias as select * from _value_alias_frame")
        self.con.unregister("_value_alias_frame")

    def _collect_problems(self, sql: _Sql, layout: Layout, kind: str, file: str) -> list[Problem]:
        queries = _problem_queries(sql, layout, kind)
        union = " union all ".join(
            f"select '{code}' as code, * from ({query})" for code, query in queries
        )
        self.con.execute(f"create temp table _problems as select code, #2 as line, #3 as column_name, "
                         f"cast(#4 as varchar) as value, cast(#5 as varchar) as other from ({union})")
        rows = self.con.execute(
            "select code, line, column_name, value, other from _problems order by line, column_name, code"
        ).fetchall()
        known = ", ".join(r[0] for r in self.con.execute("select program_id from program order by 1").fetchall())
        statuses = ", ".join(sorted({r[0] for r in self.con.execute(
            "select label_de from status_vocabulary where label_de is not null").fetchall()}))
        problems = []
        for code, line, column, value, other in rows:
            params = {"other": other}
            if code == "unknown_program":
                params["known"] = known or "–"
            elif code == "unknown_status":
                params["allowed"] = statuses
            elif code == "bad_value":
                params["allowed"] = _allowed_values(layout, column)
            elif code == "bad_number":
                params["allowed"] = "0–8" if layout.fields.get("qualification_level") == column else "1900–heute"
            problems.append(Problem(code, file, line, column, value, params))
        return problems

    def _already_loaded(self, sha: str, result: LoadResult) -> bool:
        row = self.con.execute(
            "select load_id from load where sha256 = ? and outcome = 'loaded' order by load_id limit 1", [sha]
        ).fetchone()
        if row is None:
            return False
        with transaction(self.con):
            result.load_id = self._log_load(Path(result.file), sha, result, 0, 0, outcome="skipped")
        result.outcome = "skipped"
        result.rows_loaded = 0
        result.rows_rejected = 0
        result.problems = []
        result.details["same_as_load"] = row[0]
        return True

    def _log_load(self, path: Path, sha: str, result: LoadResult, rows_loaded: int, rows_rejected: int,
                  outcome: str = "loaded") -> int:
        raw_path = None
        if self.store_dir is not None and outcome == "loaded" and path.exists():
            raw_dir = self.store_dir / "raw"
            raw_dir.mkdir(parents=True, exist_ok=True)
            target = raw_dir / f"{sha[:16]}{path.suffix.lower()}"
            if not target.exists():
                shutil.copyfile(path, target)
            raw_path = str(target.relative_to(self.store_dir))
        program = result.programs[0] if len(result.programs) == 1 else None
        return self.con.execute(
            "insert into load (file_name, sha256, kind, program_id, mode, outcome, rows_read, rows_loaded, "
            "rows_rejected, loaded_by, loaded_at, raw_path) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "returning load_id",
            [path.name, sha, result.kind or "unknown", program, "lenient" if self.lenient else "strict",
             outcome, result.rows_read, rows_loaded, rows_rejected, self.loaded_by,
             dt.datetime.now().replace(microsecond=0), raw_path],
        ).fetchone()[0]

    def _upsert_participants(self, layout: Layout, load_id: int) -> None:
        present = [f for f in PARTICIPANT_FIELDS if f in layout.fields]
        # programs that switched special-category attributes off do not store them
        values = []
        for f in present:
            if f == "origin_region":
                values.append("case when p.special_categories then n.origin_region end")
            else:
                values.append(f"n.{f}")
        cols = ", ".join(["program_id", "participant_id", *present, "load_id"])
        updates = ", ".join(f"{f} = excluded.{f}" for f in [*present, "load_id"])
        self.con.execute(
            f"insert into participant ({cols}) select n.program_id, n.participant_id, {', '.join(values)}, ? "
            "from _norm n join program p using (program_id) where n._line not in (select _line from _bad) "
            f"on conflict (program_id, participant_id) do update set {updates}",
            [load_id],
        )

    def _replace_tracking_episodes(self, layout: Layout, load_id: int) -> None:
        con = self.con
        covered = list(layout.statuses)
        con.execute(
            "delete from episode e where e.status in (select unnest($statuses)) and exists ("
            "select 1 from _norm n where n.program_id = e.program_id and n.participant_id = e.participant_id "
            "and n._line not in (select _line from _bad))",
            {"statuses": covered},
        )
        for status, slot in layout.statuses.items():
            role = "start" if "start" in slot else "on"
            start = quote_ident(f"{status}.{role}")
            if role == "on" or ("end" not in slot and status in vocab.ONE_DAY_STATUSES):
                end = f"{start} + interval 1 day"
            elif status in vocab.ONE_DAY_STATUSES:   # an event given with end = start is the same one day
                end_col = quote_ident(f"{status}.end")
                end = f"case when {end_col} is null or {end_col} = {start} then {start} + interval 1 day else {end_col} end"
            elif "end" in slot:
                end = quote_ident(f"{status}.end")
            else:
                end = "null"
            con.execute(
                f"insert into episode select program_id, participant_id, $status, {start}, cast({end} as date), "
                f"$load_id from _norm where {start} is not null and _line not in (select _line from _bad)",
                {"status": status, "load_id": load_id},
            )

    def _replace_long_episodes(self, load_id: int) -> None:
        con = self.con
        con.execute(
            "delete from episode e where exists (select 1 from _norm n where n.program_id = e.program_id "
            "and n.participant_id = e.participant_id and n._line not in (select _line from _bad))"
        )
        con.execute(
            "insert into episode select program_id, participant_id, status, start_date, "
            "case when status in (select unnest($one_day)) and (end_date is null or end_date = start_date) "
            "then cast(start_date + interval 1 day as date) else end_date end, $load_id "
            "from _norm where _line not in (select _line from _bad)",
            {"one_day": sorted(vocab.ONE_DAY_STATUSES), "load_id": load_id},
        )

    def _store_rejects(self, load_id: int, file: str) -> None:
        problems = self.con.execute("select code, line, column_name, value, other from _problems").df()
        messages_text = [
            messages.say(r.code, self.lang, value=r.value, other=r.other)
            for r in problems.itertuples()
        ]
        problems["reason"] = messages_text
        self.con.register("_problem_text", problems)
        self.con.execute(
            "insert into rejected_row select ?, ?, p.line, p.column_name, p.value, p.code, p.reason, "
            "to_json(s) from _problem_text p left join _stg s on s._line = p.line",
            [load_id, file],
        )
        self.con.unregister("_problem_text")

    def _write_rejects(self, load_id: int, path: Path, problems: list[Problem]) -> Path | None:
        if self.store_dir is None:
            return None
        from pipelines.report import spreadsheets

        target = self.store_dir / "rejects" / f"{load_id:05d}-{path.stem}.rejects.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        rows = self.con.execute(
            "select p.line, p.column_name, p.value, p.code, s.* exclude (_line) from _problems p "
            "left join _stg s on s._line = p.line order by p.line, p.column_name"
        ).df()
        by_key = {(p.line, p.column, p.code): p.message(self.lang) for p in problems}
        rows.insert(3, "reason", [by_key.get((r.line, r.column_name, r.code), r.code)
                                  for r in rows.itertuples()])
        rows = rows.rename(columns={"line": "Zeile" if self.lang == "de" else "line",
                                    "column_name": "Spalte" if self.lang == "de" else "column",
                                    "value": "Wert" if self.lang == "de" else "value",
                                    "reason": "Grund" if self.lang == "de" else "reason"})
        spreadsheets.write_csv(rows, target, lang=self.lang)
        return target

    # -- indicator files ----------------------------------------------------------------
    def _ingest_indicators(self, path: Path, staged: readers.Staged, source_kind: str, sha: str,
                           result: LoadResult) -> None:
        from pipelines import indicators

        result.kind = "indicators"
        frame = self.con.execute("select * from _stg order by _line").df()
        rows, found = indicators.normalise(frame, source_kind)
        errors = [{"line": e["line"], "column": e["column"], "value": e["value"], "code": e["code"],
                   "message": indicator_problem_message(e, self.lang)} for e in found]
        problems = [Problem(e.get("code") or "bad_value", path.name, e.get("line"), e.get("column"), e.get("value"),
                            text=e.get("message")) for e in errors]
        if problems and not self.lenient:
            raise _Failed(problems)
        result.programs = sorted(rows["programme"].dropna().unique().tolist()) if len(rows) else []
        if self._already_loaded(sha, result):
            return
        bad_lines = len({e.get("line") for e in errors})
        result.rows_rejected = bad_lines
        result.rows_loaded = len(rows)
        result.problems = problems
        with transaction(self.con):
            load_id = self._log_load(path, sha, result, result.rows_loaded, result.rows_rejected)
            indicators.load(self.con, rows, load_id)
            if errors:
                self.con.register("_indicator_errors", pd.DataFrame(errors))
                self.con.execute(
                    "insert into rejected_row select ?, ?, line, \"column\", value, code, message, null "
                    "from _indicator_errors", [load_id, path.name])
                self.con.unregister("_indicator_errors")
        result.load_id = load_id
        result.outcome = "loaded"


def _indicator_kind(headers: list[str]) -> str | None:
    """'esif_open_data' / 'generic' for aggregate indicator files, else None."""
    from pipelines import indicators  # aggregate indicator files have their own loader

    return indicators.detect(headers)


def _allowed_values(layout: Layout, column: str | None) -> str:
    for name, header in layout.fields.items():
        if header == column:
            if name == "german_level":
                return ", ".join(vocab.CEFR)
            if name in vocab.VALUE_ALIASES:
                return ", ".join(aliases[0] for aliases in vocab.VALUE_ALIASES[name].values())
    return "–"


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


def ingest_files(con: duckdb.DuckDBPyConnection, files: list[str | Path], **options) -> list[LoadResult]:
    """Ingest files in a sensible order: program files, then participants/tracking, then episodes.

    Args:
        con: an open store.
        files: paths (an Excel sheet as 'file.xlsx#Sheet').
        **options: db_path, lenient, mapping, program, lang, loaded_by (see Ingestor).
    Returns:
        one LoadResult per file, in the order the files were processed.
    """
    ingestor = Ingestor(con, **options)
    mapping = Mapping.read(options.get("mapping")) if options.get("mapping") else Mapping()
    words = ingestor._status_words(mapping)
    rank = {"program": 0, "indicators": 1, "participants": 2, "tracking": 2, "episodes": 3}

    def order(spec) -> int:
        path, sheet = readers.split_sheet(spec)
        if path.suffix.lower() == ".toml":
            return rank["program"]
        layout = map_headers(readers.peek_headers(path, sheet), path.name, mapping, words)
        return rank.get(layout.kind(), 2)

    return [ingestor.ingest(spec) for spec in sorted(files, key=order)]  # stable: ties keep order


def summary(result: LoadResult, lang: str = "de") -> str:
    """One line a person reads after a load."""
    kinds = {
        "de": {"program": "Programmdatei", "participants": "Teilnehmende", "episodes": "Episoden",
               "tracking": "Tracking-Blatt", "indicators": "Indikatoren", None: "unbekannt"},
        "en": {"program": "program file", "participants": "participants", "episodes": "episodes",
               "tracking": "tracking sheet", "indicators": "indicators", None: "unknown"},
    }[lang]
    kind = kinds.get(result.kind, result.kind)
    if lang == "de":
        head = {"loaded": "geladen", "skipped": "übersprungen (bereits geladen, keine Änderung)",
                "failed": "NICHT geladen"}[result.outcome]
        text = (f"{result.file} [{kind}]: {head} – gelesen {result.rows_read}, geladen {result.rows_loaded}, "
                f"abgewiesen {result.rows_rejected}")
    else:
        head = {"loaded": "loaded", "skipped": "skipped (loaded before, nothing changed)",
                "failed": "NOT loaded"}[result.outcome]
        text = (f"{result.file} [{kind}]: {head} – read {result.rows_read}, loaded {result.rows_loaded}, "
                f"rejected {result.rows_rejected}")
    if result.programs:
        shown = result.programs[:4] + (["…"] if len(result.programs) > 4 else [])
        text += f" ({', '.join(shown)})"
    return text


def problems_frame(results: list[LoadResult], lang: str = "de") -> pd.DataFrame:
    """All problems of some loads as a table (file, line, column, value, message)."""
    rows = [p.as_dict(lang) for r in results for p in r.problems]
    return pd.DataFrame(rows, columns=["file", "line", "column", "value", "code", "message"])


def row_json(values: dict) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def ingest_uploads(con: duckdb.DuckDBPyConnection, uploads: list[tuple[str, bytes]], **options) -> list[LoadResult]:
    """Ingest files that arrive as (name, bytes), e.g. from the dashboard's upload.

    The bytes are written under their own names to a private temporary folder and go the same
    way as `outcomes ingest` (ingest_files); the folder is removed afterwards.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="wirkungsmonitor-upload-") as folder:
        paths = []
        for name, content in uploads:
            path = Path(folder) / Path(name).name   # never a path the client chose
            path.write_bytes(content)
            paths.append(path)
        return ingest_files(con, paths, **options)


def rejects_frame(result: LoadResult) -> bytes | None:
    """The rejects CSV of a lenient load as bytes (for a download), if one was written."""
    if result.rejects_path is None or not Path(result.rejects_path).exists():
        return None
    return Path(result.rejects_path).read_bytes()
