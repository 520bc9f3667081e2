"""The import assistant behind the Daten page: a file's preview with the header row found and each
column's assignment, the program's saved column mapping, and templates to download.

The assignment a person makes is saved as the program's column-mapping file (the TOML the command
reads with --mapping) beside the store, `mappings/<program>.toml`, and applied to that program's next
upload without asking again. Nothing here writes to the store or picks a language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import xlsxwriter

from pipelines import vocab
from pipelines.ingest import readers
from pipelines.ingest.headers import IGNORE, ColumnMapping, map_headers, mapping_line, status_index
from pipelines.ingest.problems import Problem, Refused

PREVIEW_ROWS = 5
MAPPING_DIR = "mappings"
# the fields a column can be assigned to on the page, in the order they are offered
PARTICIPANT_FIELDS = ("participant_id", "program_id", "site", "cohort", "entry_date", "exit_date", "exit_reason",
                      "gender", "birth_year", "origin_region", "qualification_level", "german_level", "coach_id",
                      "mentor_id", "status", "start_date", "end_date")
ROLES = ("start", "end", "on")


@dataclass
class Preview:
    """What the assistant shows of a file before it is loaded."""

    file: str
    sheet: str | None
    header_row: int | None
    headers: list[str]
    rows: list[list[str | None]]                      # the first data rows, as text
    assignment: dict[str, str | None]                 # header -> field ('entry_date', 'training.start') or None
    kind: str | None                                  # participants | tracking | episodes | None
    problems: list[Problem] = field(default_factory=list)   # problems of the headers (as the load would see)


def choices(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every target a column can be given: the participant and episode fields, then <status>.<role> for
    the built-in statuses and the programs' own."""
    own = [r[0] for r in con.execute(
        "select distinct status from status_vocabulary where program_id <> '*' order by 1").fetchall()]
    statuses = [*vocab.STATUSES, *(s for s in own if s not in vocab.STATUSES)]
    return [*PARTICIPANT_FIELDS, *(f"{s}.{r}" for s in statuses for r in ROLES
                                   if r != "on" or s in vocab.ONE_DAY_STATUSES)]


def mapping_path(store_dir: Path, program: str) -> Path:
    """Where a program's saved column mapping lives: <store folder>/mappings/<program>.toml."""
    return Path(store_dir) / MAPPING_DIR / f"{vocab.slug(program, sep='-')}.toml"


def saved_mapping(store_dir: Path, program: str | None) -> Path | None:
    """The program's saved column mapping, if there is one."""
    if not program:
        return None
    path = mapping_path(store_dir, program)
    return path if path.exists() else None


def preview(con: duckdb.DuckDBPyConnection, name: str, content: bytes, mapping: Path | None = None) -> Preview:
    """Read an uploaded file as the load would (the same guard and header row), without loading it.

    Raises:
        Refused: the file cannot be read at all (the problem as the load would report it).
    """
    work = duckdb.connect()     # the store stays untouched (and may be open read-only)
    try:
        with tempfile.TemporaryDirectory(prefix="wirkungsmonitor-preview-") as folder:
            path = Path(folder) / Path(name).name
            path.write_bytes(content)
            try:
                staged = readers.stage(work, path, "_preview")
            except readers.FileProblem as exc:
                raise Refused([Problem(exc.code, path.name, line=exc.line, column=exc.column,
                                       params=exc.params)]) from None
        rows = [list(r[:-1]) for r in work.execute(
            f"select * from _preview order by _line limit {PREVIEW_ROWS}").fetchall()]
    finally:
        work.close()
    columns = ColumnMapping.read(mapping)
    layout = map_headers(staged.headers, path.name, columns, status_index(con, columns))
    assignment = dict(layout.columns)
    for problem in layout.problems:            # an identifier or a bad mapping line: not assigned
        if problem.column:
            assignment.setdefault(problem.column, None)
    return Preview(path.name, staged.sheet, staged.header_row, staged.headers, rows,
                   {h: assignment.get(h) for h in staged.headers}, layout.kind(), layout.problems)


def mapping_toml(assignment: dict[str, str | None]) -> str:
    """A column-mapping file from an assignment: every column, unassigned ones as "-" (not used)."""
    lines = ["# Spaltenzuordnung (Wirkungsmonitor): Überschrift der Datei = Feld; \"-\" = nicht verwendet",
             "[columns]"]
    lines += [mapping_line(header, target or IGNORE) for header, target in assignment.items()]
    return "\n".join(lines) + "\n"


def save_mapping(store_dir: Path, program: str, assignment: dict[str, str | None]) -> Path:
    """Save (merge into) the program's column mapping; returns its path. Columns assigned before and not in
    this file are kept, so that one mapping serves the program's participants and episodes files."""
    path = mapping_path(store_dir, program)
    merged: dict[str, str | None] = {}
    if path.exists():
        ColumnMapping.read(path)        # a broken saved mapping is Refused, not overwritten silently
        columns = tomllib.loads(path.read_text(encoding="utf-8")).get("columns", {})
        merged = {str(h): (None if t == IGNORE else str(t)) for h, t in columns.items()}
    merged.update(assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mapping_toml(merged), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- templates

TEMPLATE_HEADERS = ["Teilnehmer-ID", "Standort", "Kohorte", "Eintritt", "Coaching ab", "Coaching bis",
                    "Ausbildung ab", "Beschäftigung ab", "Austritt", "Austrittsgrund", "Geburtsjahr",
                    "Deutschniveau"]
TEMPLATE_ROW = ["K-001", "Kassel", "1", dt.date(2020, 9, 1), dt.date(2020, 9, 1), None, dt.date(2021, 8, 1),
                None, None, None, "1988", "B1"]


def template_csv() -> bytes:
    """The tracking-sheet template as Excel writes CSV in Germany: ';', Windows-1252, CRLF, DD.MM.YYYY."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerow([v.strftime("%d.%m.%Y") if isinstance(v, dt.date) else (v or "") for v in TEMPLATE_ROW])
    return out.getvalue().encode("cp1252")


def template_xlsx() -> bytes:
    """The tracking-sheet template as XLSX: German headers, an example row with real date cells."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = workbook.add_worksheet("Teilnehmerinnen")
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    ws.write_row(0, 0, TEMPLATE_HEADERS, bold)
    for c, value in enumerate(TEMPLATE_ROW):
        if isinstance(value, dt.date):
            ws.write_datetime(1, c, dt.datetime(value.year, value.month, value.day), date_format)
        elif value is not None:
            ws.write_string(1, c, value)
    ws.set_column(0, len(TEMPLATE_HEADERS) - 1, 16)
    workbook.close()
    return buffer.getvalue()
