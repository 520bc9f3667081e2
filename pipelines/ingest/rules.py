"""The rules of a data file, checked in SQL over the whole staged file.

`normalise` turns the staged text table `_stg` into `_norm` (canonical, typed columns: dates,
numbers, values through the alias table `_value_alias`); `find_problems` runs one query per rule
and returns every problem as a code with its line, column, value and parameters (`_problems`).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines import dates, vocab
from pipelines.ingest.headers import ColumnMapping, Layout
from pipelines.ingest.problems import Problem
from pipelines.store import catalog
from pipelines.store.db import quote_ident

PARTICIPANT_FIELDS = [
    "site", "cohort", "entry_date", "exit_date", "exit_reason", "gender", "birth_year",
    "origin_region", "qualification_level", "german_level", "coach_id", "mentor_id",
]
DATE_FIELDS = {"entry_date", "exit_date", "start_date", "end_date"}


def _date_sql(col: str) -> str:
    """Text → DATE, strictly (NULL when not a date): DD.MM.YYYY and D.M.YYYY, DD.MM.YY (20xx), ISO
    YYYY-MM-DD with an optional valid time ('2020-09-01 00:00:00', as Excel date cells arrive), an Excel
    serial day number from a date cell whose format was lost; nothing after the date, years 1900–2100.
    The constants are pipelines.dates'."""
    epoch = dates.EXCEL_EPOCH.isoformat()
    parsed = (
        f"(case when regexp_full_match({col}, '\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{4}}') "
        f"then try_strptime({col}, '%d.%m.%Y') "
        f"when regexp_full_match({col}, '\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{2}}') "
        f"then try_strptime(regexp_replace({col}, '\\.(\\d{{2}})$', '.{dates.TWO_DIGIT_CENTURY // 100}\\1'), "
        f"'%d.%m.%Y') "
        f"when regexp_full_match({col}, '\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}') "
        f"then try_strptime({col}, '%Y-%m-%d') "
        f"when regexp_full_match({col}, '\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}[ T]([01]?\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{{1,6}})?)?') "
        f"then try_strptime(regexp_extract({col}, '^([0-9-]+)', 1), '%Y-%m-%d') "
        f"when regexp_full_match({col}, '\\d{{5}}') "
        f"and try_cast({col} as integer) between {dates.EXCEL_SERIAL_MIN} and {dates.EXCEL_SERIAL_MAX} "
        f"then date '{epoch}' + try_cast({col} as integer) "
        f"end)::date"
    )
    return f"(case when year({parsed}) between {dates.YEAR_MIN} and {dates.YEAR_MAX} then {parsed} end)"


def _int_sql(col: str) -> str:
    return f"try_cast(regexp_extract({col}, '^\\s*(?:ISCED\\s*)?(\\d+)(?:[.,]0+)?\\s*$', 1) as integer)"


class _NormalisedSelect:
    """The select list and from clause that turn `_stg` into `_norm` for one file's layout."""

    def __init__(self, layout: Layout, kind: str):
        self.layout = layout
        self.kind = kind
        self.joins: list[str] = []

    def _alias(self, field_name: str, col: str) -> str:
        """The canonical value of a cell through the alias table (a join, not a subquery per row)."""
        alias = f"va_{field_name}"
        self.joins.append(f"left join _value_alias {alias} on {alias}.field = '{field_name}' "
                          f"and {alias}.key = lower({col})")
        return f"{alias}.value"

    def from_clause(self) -> str:
        """`_stg s` with the alias joins that columns() asked for."""
        return " ".join(["_stg s", *self.joins])

    def raw(self, field_name: str) -> str | None:
        header = self.layout.fields.get(field_name)
        return quote_ident(header) if header else None

    def columns(self) -> str:
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


def _all_headers(layout: Layout) -> list[str]:
    """Every column of the file: used as a field, as a status date, or not used."""
    return [*layout.fields.values(), *(h for slot in layout.statuses.values() for h in slot.values()),
            *layout.unmapped]


def _identifier_value_query(header: str) -> str:
    """Cells of one column that are plainly direct identifiers (e-mail, phone number, IBAN), whatever
    the column. The value itself is never returned: it must not reach a message, a log or a rejects file.
    Cheap tests first ('@', the first character), the patterns of pipelines.vocab only then."""
    col = "s." + quote_ident(header)
    lit = "'" + header.replace("'", "''") + "'"
    pat = {k: v.replace("'", "''") for k, v in vocab.IDENTIFIER_VALUE_PATTERNS.items()}
    return (
        f"select _line, {lit}, null, kind from (select s._line, case "
        f"when contains({col}, '@') and regexp_full_match({col}, '{pat['E-Mail']}') then 'E-Mail' "
        f"when left({col}, 1) in ('+', '0', '(') and regexp_full_match({col}, '{pat['Telefon']}') "
        f"and length(regexp_replace({col}, '[^0-9]', '', 'g')) between 9 and 15 then 'Telefon' "
        f"when length({col}) between 15 and 42 and regexp_full_match(upper({col}), '{pat['IBAN']}') then 'IBAN' "
        f"end as kind from _stg s where {col} is not null) where kind is not null"
    )


def _problem_queries(layout: Layout, kind: str) -> tuple[list[tuple[str, str]], str | None]:
    """(code, query) pairs, each query returning line, column_name, value, other; and the query of
    `_unread`, which they read: the rows with a cell that did not become a value (a date that is none,
    an unknown word), with those cells as written and as normalised — one join of `_stg` and `_norm`
    for every such rule, instead of one each."""
    f = layout.fields
    q: list[tuple[str, str]] = []
    unread: list[tuple[str, str]] = []     # (header, normalised column)

    def header_lit(name: str) -> str:
        return "'" + name.replace("'", "''") + "'"

    def required(field_name: str):
        header = f[field_name]
        q.append(("missing_value", f"select s._line, {header_lit(header)}, null, null from _stg s "
                                   f"where s.{quote_ident(header)} is null"))

    def invalid(header: str, norm: str, code: str):
        i = len(unread)
        unread.append((header, norm))
        q.append((code, f"select _line, {header_lit(header)}, raw{i}, null from _unread "
                        f"where raw{i} is not null and norm{i} is null"))

    required("participant_id")
    for header in _all_headers(layout):
        q.append(("identifier_value", _identifier_value_query(header)))
    if "program_id" in f:
        # an empty program cell (and no program chosen for the file): the row cannot be placed
        q.append(("missing_value", "select _line, " + header_lit(f["program_id"]) + ", null, null from _norm "
                                   "where program_id is null"))
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
                invalid(f[name], name, "bad_date")
            elif name in ("exit_reason", "gender", "german_level"):
                invalid(f[name], name, "bad_value")
            elif name in ("qualification_level", "birth_year"):
                invalid(f[name], name, "bad_number")
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
                invalid(header, quote_ident(f"{status}.{role}"), "bad_date")
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
        invalid(f["status"], "status", "unknown_status")
        invalid(f["start_date"], "start_date", "bad_date")
        if "end_date" in f:
            invalid(f["end_date"], "end_date", "bad_date")
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
    if not unread:
        return q, None
    cells = ", ".join(f"s.{quote_ident(h)} as raw{i}, n.{c} as norm{i}" for i, (h, c) in enumerate(unread))
    any_unread = " or ".join(f"(s.{quote_ident(h)} is not null and n.{c} is null)" for h, c in unread)
    return q, f"select s._line, {cells} from _stg s join _norm n using (_line) where {any_unread}"


def normalise(con: duckdb.DuckDBPyConnection, layout: Layout, kind: str, program_option: str | None,
              mapping: ColumnMapping) -> None:
    """Create `_value_alias` and `_norm` (one row per staged row, canonical typed columns) from `_stg`."""
    _create_value_aliases(con, mapping)
    select = _NormalisedSelect(layout, kind)
    columns = select.columns()
    con.execute(f"create temp table _norm as select {columns} from {select.from_clause()}",
                {"program_option": program_option})


def _create_value_aliases(con: duckdb.DuckDBPyConnection, mapping: ColumnMapping) -> None:
    """Temp table `_value_alias` (field, lower-case word, canonical value): vocab, store and mapping file."""
    rows = []
    for field_name, table in vocab.VALUE_ALIASES.items():
        for canonical, aliases in table.items():
            rows += [(field_name, a.lower(), canonical) for a in [canonical, *aliases]]
    for field_name, table in mapping.values.items():
        rows += [(field_name, k, v) for k, v in table.items()]
    # status cells: every word that names a status, as written and as a header key
    for status, label_de, label_en in con.execute(
            "select status, label_de, label_en from status_vocabulary").fetchall():
        rows += [("status", w.lower(), status) for w in (status, label_de, label_en) if w]
    for word, status in vocab.STATUS_ALIASES.items():
        rows += [("status", w.lower(), word) for w in status]
    rows += [("status", k, s) for k, s in mapping.values.get("status", {}).items()]
    frame = pd.DataFrame(rows, columns=["field", "key", "value"]).drop_duplicates(["field", "key"], keep="last")
    con.register("_value_alias_frame", frame)
    con.execute("create or replace temp table _value_alias as select * from _value_alias_frame")
    con.unregister("_value_alias_frame")


def create_kept_view(con: duckdb.DuckDBPyConnection, layout: Layout) -> None:
    """Temp view `_kept`: the staged rows with the columns the store uses only, and every cell that
    was refused as a direct identifier blanked. The one source of archives and rejects (DESIGN.md:
    columns the store does not use are not stored, archived or written to rejects files)."""
    used = [*layout.fields.values(), *(h for slot in layout.statuses.values() for h in slot.values())]
    masked = ", ".join(
        f"case when list_contains(k.columns, '{h.replace(chr(39), chr(39) * 2)}') then null "
        f"else s.{quote_ident(h)} end as {quote_ident(h)}" for h in used)
    con.execute(
        "create or replace temp view _kept as select s._line" + (f", {masked}" if masked else "") +
        " from _stg s left join (select line, list(column_name) as columns from _problems "
        "where code = 'identifier_value' group by line) k on k.line = s._line")


def kept_select(layout: Layout) -> str:
    """What `_kept` holds when no cell is masked, without its join: the used columns of `_stg`, in
    the order staged (the file's)."""
    used = [*layout.fields.values(), *(h for slot in layout.statuses.values() for h in slot.values())]
    return "select _line" + "".join(f", {quote_ident(h)}" for h in used) + " from _stg"


def find_problems(con: duckdb.DuckDBPyConnection, layout: Layout, kind: str, file: str) -> list[Problem]:
    """Every broken rule of the normalised file, ordered by line and column; also kept as `_problems`.

    Returns:
        Problems with codes and parameters (`other`, and `known`, `allowed` or `range` where the
        message lists what would be accepted).
    """
    queries, unread = _problem_queries(layout, kind)
    union = " union all ".join(
        f"select '{code}' as code, * from ({query})" for code, query in queries
    )
    if unread:
        con.execute(f"create or replace temp table _unread as {unread}")
    con.execute(f"create temp table _problems as select code, #2 as line, #3 as column_name, "
                f"cast(#4 as varchar) as value, cast(#5 as varchar) as other from ({union})")
    con.execute("drop table if exists _unread")
    rows = con.execute(
        "select code, line, column_name, value, other from _problems order by line, column_name, code"
    ).fetchall()
    known = ", ".join(catalog.program_ids(con))
    statuses = ", ".join(sorted({r[0] for r in con.execute(
        "select label_de from status_vocabulary where label_de is not null").fetchall()}))
    problems = []
    for code, line, column, value, other in rows:
        params = {"other": other}
        if code == "identifier_value":
            params = {"what": other}
        elif code == "unknown_program":
            params["known"] = known or "–"
        elif code == "unknown_status":
            params["allowed"] = statuses
        elif code == "bad_value":
            params["allowed"] = _allowed_values(layout, column)
        elif code == "bad_number":   # the words of a range: text/ingest.py, ingest.range.*
            params["range"] = "qualification_level" if layout.fields.get("qualification_level") == column \
                else "birth_year"
        problems.append(Problem(code, file, line, column, value, params))
    return problems


def _allowed_values(layout: Layout, column: str | None) -> str:
    for name, header in layout.fields.items():
        if header == column:
            if name == "german_level":
                return ", ".join(vocab.CEFR)
            if name in vocab.VALUE_ALIASES:
                return ", ".join(aliases[0] for aliases in vocab.VALUE_ALIASES[name].values())
    return "–"

