"""Reading the files project leads have: CSV dialects, Excel, Parquet.

Every reader stages a file into a DuckDB temp table of VARCHAR columns named by the file's
own headers, plus `_line` (the line or sheet row where the record starts; header = 1), so
that validation can name file, line and column exactly. Nothing here writes to the store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

from pipelines.store.db import quote_ident

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


class FileProblem(Exception):
    """A problem with the file as a whole (unreadable, wrong shape). Carries a message code."""

    def __init__(self, code: str, line: int | None = None, **params):
        super().__init__(code)
        self.code = code
        self.line = line
        self.params = params


@dataclass
class Staged:
    """A file staged as a temp table of text columns."""

    table: str
    headers: list[str]                      # as written in the file (made unique)
    rows: int
    encoding: str | None = None             # CSV only
    delimiter: str | None = None            # CSV only
    sheet: str | None = None                # Excel only
    notes: list[str] = field(default_factory=list)
    cleaned: bool = False                   # already trimmed, '' -> NULL


def split_sheet(spec: str | Path) -> tuple[Path, str | None]:
    """'file.xlsx#Tabelle2' -> (Path('file.xlsx'), 'Tabelle2')."""
    text = str(spec)
    if "#" in text:
        path, sheet = text.rsplit("#", 1)
        if Path(path).suffix.lower() in XLSX_SUFFIXES:
            return Path(path), sheet or None
    return Path(text), None


# --------------------------------------------------------------------------- headers

def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        name = (str(h).strip() if h is not None else "") or f"Spalte {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


# --------------------------------------------------------------------------- CSV

def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with or without BOM, else Windows-1252. Returns (text, encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: the most frequent of ; , tab outside quotes."""
    counts = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ","


def _record_lines(text: str, delimiter: str) -> list[int] | None:
    """Start line of every non-blank record after the header, when it is not simply row + 2.

    DuckDB skips blank lines and lets quoted fields span lines; then the row number no longer
    tells the line. Returns None in the common case (no blank lines, no quotes).
    """
    body = text.rstrip("\r\n")
    if '"' not in body and "\n\n" not in body.replace("\r\n", "\n"):
        return None
    lines = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for i, record in enumerate(reader):
        if i > 0 and record:  # csv gives [] for a blank line, which DuckDB skips too
            lines.append(start)
        start = reader.line_num + 1
    return lines


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> Staged:
    data = path.read_bytes()
    if not data.strip():
        raise FileProblem("empty_file")
    text, encoding = decode(data)
    first_line = text.splitlines()[0] if text else ""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(first_line)
    header = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    headers = _unique_headers(header)
    if not any(h.strip() for h in header):
        raise FileProblem("no_header")

    source = path
    tmp = None
    if encoding != "utf-8":
        tmp = tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", newline="", delete=False)
        tmp.write(text)
        tmp.close()
        source = Path(tmp.name)
    columns = {f"c{i}": "VARCHAR" for i in range(len(headers))}
    lines = _record_lines(text, delimiter)
    # one pass in the common case: read, name the columns, trim, '' -> NULL, number the lines
    cleaned = ", ".join(f"nullif(trim({quote_ident(f'c{i}')}), '') as {quote_ident(h)}" for i, h in enumerate(headers))
    target = quote_ident(table if lines is None else table + "_read")
    select = (f"select {cleaned}, cast(row_number() over () + 1 as integer) as _line" if lines is None
              else "select *, row_number() over () as _row")
    try:
        # null padding with quoted line breaks needs the single-threaded reader
        params = {"path": str(source), "delim": delimiter, "cols": columns, "par": '"' not in text}
        con.execute(
            f"create or replace temp table {target} as {select} from read_csv($path, header = false, skip = 1, "
            "delim = $delim, quote = '\"', escape = '\"', columns = $cols, auto_detect = false, "
            "null_padding = true, strict_mode = true, parallel = $par)",
            params,
        )
    except duckdb.Error as exc:
        message = str(exc)
        m = re.search(r"Line:\s*(\d+)", message)
        found = re.search(r"Found:\s*(\d+)", message)
        raise FileProblem(
            "bad_row_shape" if found else "unreadable",
            line=int(m.group(1)) if m else None,
            expected=len(headers), found=int(found.group(1)) if found else None,
            detail=message.splitlines()[0][:200],
        ) from None
    finally:
        if tmp is not None:
            Path(tmp.name).unlink(missing_ok=True)
    rows = con.execute(f"select count(*) from {target}").fetchone()[0]
    if lines is not None:   # blank lines or quoted line breaks: the true line of every record
        if len(lines) != rows:  # should not happen; fall back to row numbers
            lines = list(range(2, rows + 2))
        con.register("_record_lines", pa.table({"_row": pa.array(range(1, rows + 1), pa.int64()),
                                                 "_line": pa.array(lines, pa.int32())}))
        con.execute(
            f"create or replace temp table {quote_ident(table)} as "
            f"select {cleaned}, l._line from {target} r join _record_lines l using (_row) order by r._row"
        )
        con.unregister("_record_lines")
        con.execute(f"drop table {target}")
    return Staged(table, headers, rows, encoding=encoding, delimiter=delimiter, cleaned=True)


# --------------------------------------------------------------------------- Excel

def _cell_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def stage_excel(con: duckdb.DuckDBPyConnection, path: Path, table: str, sheet: str | None) -> Staged:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise FileProblem("unreadable", detail=str(exc)[:200]) from None
    names = workbook.sheet_names
    if sheet is None:
        if not names:
            raise FileProblem("empty_file")
        sheet = names[0]
    elif sheet not in names:
        raise FileProblem("no_such_sheet", sheet=sheet, sheets=", ".join(names))
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    # the header is the first row with any content
    start = next((i for i, r in enumerate(rows) if any(c not in (None, "") for c in r)), None)
    if start is None:
        raise FileProblem("empty_file")
    raw_header = [_cell_text(c) for c in rows[start]]
    while raw_header and raw_header[-1] is None:
        raw_header.pop()
    headers = _unique_headers([h or "" for h in raw_header])
    width = len(headers)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    lines: list[int] = []
    for offset, record in enumerate(rows[start + 1:], start=start + 2):
        cells = [_cell_text(c) for c in record[:width]]
        if not any(c is not None for c in cells):
            continue  # blank rows in a sheet are not records
        cells += [None] * (width - len(cells))
        for i, c in enumerate(cells):
            columns[i].append(c)
        lines.append(offset)
    arrow = pa.table(
        {f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)}
        | {"_line": pa.array(lines, pa.int32())}
    )
    con.register("_excel_stage", arrow)
    select = ", ".join(f"{quote_ident(f'c{i}')} as {quote_ident(h)}" for i, h in enumerate(headers))
    con.execute(f"create or replace temp table {quote_ident(table)} as select {select}, _line from _excel_stage")
    con.unregister("_excel_stage")
    return Staged(table, headers, len(lines), sheet=sheet)


# --------------------------------------------------------------------------- Parquet

def stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> Staged:
    try:
        described = con.execute("describe select * from read_parquet($p)", {"p": str(path)}).fetchall()
    except duckdb.Error as exc:
        raise FileProblem("unreadable", detail=str(exc).splitlines()[0][:200]) from None
    headers = [row[0] for row in described]
    casts = []
    for name, typ, *_ in described:
        col = quote_ident(name)
        if typ.startswith("TIMESTAMP"):
            expr = f"strftime({col}, '%Y-%m-%d')"
        elif typ in ("DOUBLE", "FLOAT") or typ.startswith("DECIMAL"):
            # 2019.0 -> '2019' so that integer fields read naturally
            expr = f"case when {col} = trunc({col}) then cast(cast({col} as bigint) as varchar) else cast({col} as varchar) end"
        else:
            expr = f"cast({col} as varchar)"
        casts.append(f"{expr} as {col}")
    con.execute(
        f"create or replace temp table {quote_ident(table)} as select {', '.join(casts)}, "
        "cast(row_number() over () + 1 as integer) as _line from read_parquet($p)",
        {"p": str(path)},
    )
    rows = con.execute(f"select count(*) from {quote_ident(table)}").fetchone()[0]
    return Staged(table, headers, rows)


# --------------------------------------------------------------------------- dispatch

def stage(con: duckdb.DuckDBPyConnection, path: Path, table: str, sheet: str | None = None) -> Staged:
    """Stage a data file (CSV, XLSX, Parquet) into temp table `table`; text cells trimmed, '' → NULL."""
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
    if staged.cleaned:
        return staged
    # one cleaning step for every other format: trim, and empty text is a missing value
    cleaned = ", ".join(
        f"nullif(trim({quote_ident(h)}), '') as {quote_ident(h)}" for h in staged.headers
    )
    con.execute(f"create or replace temp table {quote_ident(table)} as select {cleaned}, _line from {quote_ident(table)}")
    return staged


# --------------------------------------------------------------------------- headers only

def peek_headers(path: Path, sheet: str | None = None) -> list[str]:
    """The headers of a data file without reading it whole ([] when unreadable)."""
    suffix = path.suffix.lower()
    try:
        if suffix in XLSX_SUFFIXES:
            workbook = CalamineWorkbook.from_path(str(path))
            for row in workbook.get_sheet_by_name(sheet or workbook.sheet_names[0]).iter_rows():
                if any(c not in (None, "") for c in row):
                    return [_cell_text(c) or "" for c in row]
            return []
        if suffix in PARQUET_SUFFIXES:
            return list(pq.read_schema(path).names)
        with open(path, "rb") as handle:
            first = handle.readline(1 << 20)
        text, _ = decode(first)
        text = text.strip("\r\n")
        return next(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text)), [])
    except Exception:  # the real read reports the problem properly
        return []
