"""The report as files: PDF, XLSX or CSV bytes, atomic writes, and one call for the CLI and
the dashboard (`report_bytes`, `write_report`)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Sequence

import duckdb

from pipelines import text
from pipelines.report import spreadsheets
from pipelines.report.build import build_report
from pipelines.report.model import Report, ReportError, file_name
from pipelines.report.pdf import pdf_bytes

FORMATS = ("pdf", "xlsx", "csv")
MIME = {"pdf": "application/pdf", "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _write(path: Path, data: bytes) -> Path:
    """Write atomically: a half-written report never lies at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".part")
    scratch.write_bytes(data)
    scratch.replace(path)
    return path


def write_pdf(report: Report, path: str | os.PathLike) -> Path:
    """Write the report as PDF to `path` (see `pdf_bytes`)."""
    return _write(Path(path), pdf_bytes(report))


def _content(report: Report) -> Report:
    """The report without the day it was made: what the spreadsheets hold (the fingerprint and
    the as-of date define the content; "Erstellt am" belongs to the PDF)."""
    return dataclasses.replace(report, cover=report.cover[report.cover["field"] != "created"].reset_index(drop=True),
                               created=report.as_of)


def xlsx_bytes(report: Report) -> bytes:
    """The report as an Excel workbook: cover sheet, one sheet per table, method sheet and
    the notes sheet of `spreadsheets.xlsx_bytes` (marking, rule, fingerprint, table notes).

    Text goes through `spreadsheets.safe_text` (never a formula), the creation date is the
    report's, so the same report gives the same bytes.
    """
    report = _content(report)
    return spreadsheets.xlsx_bytes(spreadsheets.sheets(report),
                                   title=f"{report.title} – {report.cover_value('programs')}",
                                   notes=spreadsheets.notes(report), created=report.created, lang=report.lang)


def write_xlsx(report: Report, path: str | os.PathLike) -> Path:
    """Write the report as XLSX to `path` (see `xlsx_bytes`)."""
    return _write(Path(path), xlsx_bytes(report))


def csv_bytes(report: Report) -> bytes:
    """The report as one CSV (`spreadsheets.csv_frame`): German ``;`` and UTF-8 with BOM, or
    English ``,``; injection-safe and byte-identical for the same report (`spreadsheets.csv_bytes`)."""
    return spreadsheets.csv_bytes(spreadsheets.csv_frame(_content(report)), lang=report.lang)


def write_csv(report: Report, path: str | os.PathLike) -> Path:
    """Write the report as CSV to `path` (see `csv_bytes`)."""
    return _write(Path(path), csv_bytes(report))


_BYTES = {"pdf": pdf_bytes, "xlsx": xlsx_bytes, "csv": csv_bytes}


def report_bytes(con: duckdb.DuckDBPyConnection, programs: Sequence[str], period_start: Any,
                 period_end: Any, as_of: Any, fmt: str = "pdf", lang: str = "de", threshold: int = 3,
                 publication: bool = True, force: Sequence[Any] = ()) -> bytes:
    """Build the report and return the file's bytes (e.g. for a download button).

    Arguments as for `build_report`; `fmt` is "pdf", "xlsx" or "csv".
    The file name to offer: ``build_report(...).file_stem() + "." + fmt`` (or `file_name`).
    """
    if fmt not in _BYTES:
        raise ReportError(text.say("report.e_format", lang if lang in text.LANGS else "de", fmt=fmt))
    report = build_report(con, programs, period_start, period_end, as_of, lang=lang,
                          threshold=threshold, publication=publication, force=force)
    return _BYTES[fmt](report)


def write_report(con: duckdb.DuckDBPyConnection, programs: Sequence[str], period_start: Any,
                 period_end: Any, as_of: Any, fmt: str, out: str | os.PathLike, lang: str = "de",
                 threshold: int = 3, publication: bool = True) -> Path:
    """Build the report and write it as `fmt` ("pdf", "xlsx", "csv").

    Args:
        out: the file to write, or an existing directory to write `file_name(...)` into.

    Returns:
        The path written (written atomically: a half-written report never lies there).
    """
    out = Path(out)
    if out.is_dir():
        out = out / file_name(programs, as_of, fmt, lang, publication)
    return _write(out, report_bytes(con, programs, period_start, period_end, as_of, fmt, lang,
                                    threshold, publication))
