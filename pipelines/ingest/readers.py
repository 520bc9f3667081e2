"""Reading the files project leads have: CSV dialects, Excel, Parquet — under limits.

Every reader stages a file into a DuckDB temp table of VARCHAR columns named by the file's
own headers, plus `_line` (the physical line of a CSV record, the Excel row of a sheet row),
so that validation can name file, line and column exactly. Nothing here writes to the store.

Before DuckDB or calamine sees a byte, the guard looks: `csvcheck.check_csv` (encoding, header
row, quotes that merge lines, limits) and `sheets.read_sheet` (the workbook's declared size,
then calamine in a child process with a memory and time limit). Title rows, "Stand" rows and
blank rows above the header are skipped; blank rows and totals rows below it are skipped and
counted (`Staged.blank_rows`, `Staged.total_rows`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines import vocab
from pipelines.ingest import csvcheck, limits, sheets
from pipelines.ingest.limits import InputRefused
from pipelines.store.db import quote_ident

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


class FileProblem(Exception):
    """A problem with the file as a whole (unreadable, wrong shape). Carries a message code.

    `column` is the header (or the column number of a refused header) the problem is in."""

    def __init__(self, code: str, line: int | None = None, column: str | None = None, **params):
        super().__init__(code)
        self.code = code
        self.line = line
        self.column = column
        self.params = params

    @classmethod
    def refused(cls, exc: InputRefused) -> "FileProblem":
        """The guard's refusal (limits.InputRefused) as a FileProblem: same code, line and column."""
        column = exc.column
        if isinstance(column, int):
            column = limits.column_letters(column)
        return cls(exc.code, line=exc.line, column=column, **exc.params)


@dataclass
class Staged:
    """A file staged as a temp table of text columns."""

    table: str
    headers: list[str]                      # as written in the file
    rows: int                               # data rows staged (blank and totals rows not counted)
    encoding: str | None = None             # CSV only
    delimiter: str | None = None            # CSV only
    sheet: str | None = None                # Excel only
    sheet_reason: str | None = None         # Excel only: named | only | most_known_headers | first
    header_row: int | None = None           # line (CSV) or Excel row of the header
    blank_rows: int = 0                     # blank rows after the header, skipped
    total_rows: int = 0                     # totals rows ('Summe', 'Gesamt' …), skipped
    notes: list[str] = field(default_factory=list)
    cleaned: bool = False                   # already trimmed, '' -> NULL


def _cleaned(headers: list[str]) -> str:
    """The select list that names the read columns c0, c1 … by their headers, trimmed, blanks as null."""
    return ", ".join(f"nullif(trim({quote_ident(f'c{i}')}), '') as {quote_ident(h)}" for i, h in enumerate(headers))


def split_sheet(spec: str | Path) -> tuple[Path, str | None]:
    """'file.xlsx#Tabelle2' -> (Path('file.xlsx'), 'Tabelle2')."""
    text = str(spec)
    if "#" in text:
        path, sheet = text.rsplit("#", 1)
        if Path(path).suffix.lower() in XLSX_SUFFIXES:
            return Path(path), sheet or None
    return Path(text), None


# --------------------------------------------------------------------------- headers

def _unique_headers(headers: list, line: int | None = None) -> list[str]:
    """Headers as written; an empty one is named 'Spalte N' (its column). A header written twice is
    refused (a copy renamed to 'X (2)' would be ignored without a word)."""
    if len(headers) > limits.MAX_COLUMNS:
        raise FileProblem("too_many_columns", line=line, columns=len(headers), limit=limits.MAX_COLUMNS)
    seen: dict[str, str] = {}
    out = []
    for i, h in enumerate(headers):
        name = (str(h).strip() if h is not None else "") or f"Spalte {i + 1}"
        if len(name) > limits.MAX_HEADER_CHARS:
            raise FileProblem("header_too_long", line=line, column=limits.column_letters(i + 1),
                              length=len(name), limit=limits.MAX_HEADER_CHARS)
        key = name.casefold()
        if key in seen:
            raise FileProblem("duplicate_header", line=line, column=name, first=seen[key],
                              first_col=limits.column_letters(out.index(seen[key]) + 1),
                              second_col=limits.column_letters(i + 1))
        seen[key] = name
        out.append(name)
    return out


# --------------------------------------------------------------------------- CSV

def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> Staged:
    """One checked scan (csvcheck.check_csv), then one DuckDB read_csv pass: of the file itself when
    the scan's fast path took it (`direct`), else of a UTF-8 copy of the decoded text."""
    data = path.read_bytes()
    try:
        scan = csvcheck.check_csv(data, "\t" if path.suffix.lower() == ".tsv" else None)
    except InputRefused as exc:
        raise FileProblem.refused(exc) from None
    headers = _unique_headers(scan.header, scan.header_line)
    source, tmp = path, None
    if scan.recode or (scan.direct is None and scan.encoding != "utf-8"):
        tmp = tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", newline="", delete=False)
        tmp.write(data.decode(scan.encoding) if scan.recode else scan.text)
        tmp.close()
        source = Path(tmp.name)
    quoted = scan.direct is None and '"' in scan.text
    del data
    width = scan.width
    columns = {f"c{i}": "VARCHAR" for i in range(width)}
    lines = scan.record_lines
    contiguous = not lines or (lines[-1] - lines[0] == len(lines) - 1 and lines[0] == scan.header_line + 1)
    cleaned = _cleaned(headers)
    target = quote_ident(table if contiguous else table + "_read")
    try:
        # null padding with quoted line breaks needs the single-threaded reader
        params = {"path": str(source), "delim": scan.delimiter, "cols": columns, "skip": scan.header_line,
                  "par": not quoted, "enc": "utf-8" if tmp is not None else scan.direct or "utf-8"}
        # the rows keep the file's order (DuckDB preserves insertion order): row i is record i
        con.execute(
            f"create or replace temp table {target} as select {cleaned} from read_csv($path, header = false, "
            "skip = $skip, delim = $delim, quote = '\"', escape = '\"', columns = $cols, auto_detect = false, "
            "null_padding = true, strict_mode = true, parallel = $par, max_line_size = 4194304, encoding = $enc)",
            params,
        )
    except duckdb.Error:
        # the scan accepted what DuckDB refuses: name the first record DuckDB could not place
        raise FileProblem("unreadable_csv", line=scan.header_line + 1) from None
    finally:
        if tmp is not None:
            Path(tmp.name).unlink(missing_ok=True)
    rows = con.execute(f"select count(*) from {target}").fetchone()[0]
    if rows != scan.rows:   # nothing lost without a word: DuckDB must see every record the scan saw
        line = lines[min(rows, len(lines) - 1)] if lines else scan.header_line + 1
        con.execute(f"drop table if exists {target}")
        raise FileProblem("rows_lost", line=line, read=rows, lines=scan.rows)
    if contiguous:          # the line of record i (rowid i) follows the header's
        con.execute(f"alter table {target} add column _line integer")
        con.execute(f"update {target} set _line = cast(rowid + $first as integer)", {"first": scan.header_line + 1})
    else:                   # blank lines or quoted line breaks: the true line of every record
        con.register("_record_lines", pa.table({"_row": pa.array(range(rows), pa.int64()),
                                                 "_line": pa.array(lines, pa.int32())}))
        con.execute(
            f"create or replace temp table {quote_ident(table)} as "
            f"select r.*, l._line from {target} r join _record_lines l on l._row = r.rowid order by l._row"
        )
        con.unregister("_record_lines")
        con.execute(f"drop table {target}")
    return Staged(table, headers, rows, encoding=scan.encoding, delimiter=scan.delimiter,
                  header_row=scan.header_line, notes=list(scan.notes), cleaned=True)


# --------------------------------------------------------------------------- Excel

def stage_excel(con: duckdb.DuckDBPyConnection, path: Path, table: str, sheet: str | None) -> Staged:
    """A sheet read under limits in a child process (sheets.read_sheet); blank rows skipped and counted.

    The rows go from the child's memory-mapped Arrow file into DuckDB in one statement (blank rows
    left out, cells trimmed): no copy of the sheet in Python."""
    try:
        read = sheets.read_sheet(path, sheet)
    except InputRefused as exc:
        raise FileProblem.refused(exc) from None
    names, start = read.header()
    while names and not names[-1]:
        names.pop()     # trailing empty header cells (a used range wider than the table)
    headers = _unique_headers(names, read.header_row)
    rows = read.table.slice(start)      # blank rows still in: a blank row has no cell anywhere
    width = len(headers)
    # cells right of the last header: refused when they hold anything (they would be lost)
    for i in range(width, read.width):
        column = rows.column(i)
        if column.null_count < len(column):
            first = pc.index(pc.is_valid(column), True).as_py()
            raise FileProblem("cell_without_header", line=rows.column("_row")[first].as_py(),
                              column=limits.column_letters(read.first_column + i))
    con.register("_excel_stage", rows)
    cleaned = _cleaned(headers)
    filled = " or ".join(f"{quote_ident(f'c{i}')} is not null" for i in range(read.width)) or "false"
    try:
        con.execute(f"create or replace temp table {quote_ident(table)} as select {cleaned}"
                    f"{', ' if cleaned else ''}_row as _line from _excel_stage where {filled} order by _row")
    finally:
        con.unregister("_excel_stage")
    kept = con.execute(f"select count(*) from {quote_ident(table)}").fetchone()[0]
    return Staged(table, headers, kept, sheet=read.sheet, sheet_reason=read.reason,
                  header_row=read.header_row, blank_rows=rows.num_rows - kept, cleaned=True)


# --------------------------------------------------------------------------- Parquet

def stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> Staged:
    try:
        described = con.execute("describe select * from read_parquet($p)", {"p": str(path)}).fetchall()
    except duckdb.Error:
        raise FileProblem("unreadable_parquet") from None
    headers = _unique_headers([row[0] for row in described], 1)
    casts = []
    for name, typ, *_ in described:
        col = quote_ident(name)
        if typ.startswith("TIMESTAMP"):
            expr = f"strftime({col}, '%Y-%m-%d')"
        elif typ in ("DOUBLE", "FLOAT") or typ.startswith("DECIMAL"):
            # 2019.0 -> '2019' so that integer fields read naturally; NaN and inf stay text (and are
            # refused by the field's rule) instead of failing the cast
            special = f"isnan({col}) or isinf({col}) or " if typ in ("DOUBLE", "FLOAT") else ""
            expr = (f"case when {special}abs({col}) >= 1e15 or {col} <> trunc({col}) then cast({col} as varchar) "
                    f"else cast(cast({col} as bigint) as varchar) end")
        else:
            expr = f"cast({col} as varchar)"
        casts.append(f"{expr} as {col}")
    try:
        con.execute(
            f"create or replace temp table {quote_ident(table)} as select {', '.join(casts)}, "
            "cast(row_number() over () + 1 as integer) as _line from read_parquet($p)",
            {"p": str(path)},
        )
    except duckdb.Error:
        raise FileProblem("unreadable_parquet") from None
    rows = con.execute(f"select count(*) from {quote_ident(table)}").fetchone()[0]
    return Staged(table, headers, rows, header_row=1)


# --------------------------------------------------------------------------- dispatch

def stage(con: duckdb.DuckDBPyConnection, path: Path, table: str, sheet: str | None = None) -> Staged:
    """Stage a data file (CSV, XLSX, Parquet) into temp table `table`; text cells trimmed, '' → NULL;
    blank rows and totals rows ('Summe', 'Gesamt', 'Insgesamt' in a cell) removed and counted."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise FileProblem("not_found")
    if suffix in XLSX_SUFFIXES:
        staged = stage_excel(con, path, table, sheet)
    elif suffix in PARQUET_SUFFIXES:
        staged = stage_parquet(con, path, table)
    elif suffix in CSV_SUFFIXES or suffix == "":
        staged = stage_csv(con, path, table)
    else:
        raise FileProblem("unknown_format", suffix=suffix)
    t = quote_ident(table)
    if not staged.cleaned:
        # one cleaning step for every other format: trim, and empty text is a missing value
        cleaned = ", ".join(f"nullif(trim({quote_ident(h)}), '') as {quote_ident(h)}" for h in staged.headers)
        con.execute(f"create or replace temp table {t} as select {cleaned}, _line from {t}")
    cells = [quote_ident(h) for h in staged.headers]
    if cells:
        blank = " and ".join(f"{c} is null" for c in cells)
        words = "[" + ", ".join("'" + w + "'" for w in vocab.TOTAL_WORDS) + "]"
        # the cheap test first (the first three letters of a totals word), the exact one on those cells only
        starts = "^(?i)(" + "|".join(sorted({w[:3] for w in vocab.TOTAL_WORDS})) + ")"
        total = " or ".join(
            f"(case when regexp_matches({c}, '{starts}') "
            f"then list_contains({words}, regexp_replace(lower({c}), '[\\s:.]+$', '')) else false end)" for c in cells)
        found = con.execute(f"select count(*) filter ({blank}), count(*) filter (not ({blank}) and ({total})) "
                            f"from {t}").fetchone()
        if found[0] or found[1]:
            con.execute(f"delete from {t} where ({blank}) or ({total})")
            staged.blank_rows += found[0]
            staged.total_rows += found[1]
            staged.rows -= found[0] + found[1]
    return staged


def drop_count_rows(con: duckdb.DuckDBPyConnection, table: str, id_header: str, headers: list[str]) -> int:
    """Remove rows without an id that hold only numbers (an unlabelled totals row); how many."""
    others = [quote_ident(h) for h in headers if h != id_header]
    if not others:
        return 0
    numeric = " and ".join(f"({c} is null or regexp_full_match({c}, '[0-9]+([.,][0-9]+)?'))" for c in others)
    condition = f"{quote_ident(id_header)} is null and ({numeric})"
    n = con.execute(f"select count(*) from {quote_ident(table)} where {condition}").fetchone()[0]
    if n:
        con.execute(f"delete from {quote_ident(table)} where {condition}")
    return n


# --------------------------------------------------------------------------- headers only

def peek_headers(path: Path, sheet: str | None = None) -> list[str]:
    """The headers of a data file (the header row found, as the readers take it; [] when unreadable).

    Spreadsheets are parsed in the guarded child process, never in this one."""
    suffix = path.suffix.lower()
    try:
        if suffix in XLSX_SUFFIXES:
            return sheets.read_sheet(path, sheet).header()[0]
        if suffix in PARQUET_SUFFIXES:
            return list(pq.read_schema(path).names)[: limits.MAX_COLUMNS]
        return csvcheck.check_csv(path.read_bytes(), "\t" if suffix == ".tsv" else None).header
    except (InputRefused, OSError, ValueError, pa.ArrowException):  # the real read reports the problem
        return []
