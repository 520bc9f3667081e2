"""Safe spreadsheet and CSV export: injection-proof text, German or English, same bytes;
and the report as sheets (`sheets`) or as one long table (`csv_frame`).

DESIGN.md, "Ministry reports and privacy": spreadsheet exports never start a text cell
with ``=``, ``+``, ``-``, ``@``, tab or CR. Such a cell gets a leading single quote
(OWASP, "CSV Injection"), so a site named ``=HYPERLINK(…)`` is shown as text and never
run as a formula. Numbers stay numbers — ``-2`` is a number, ``"-2 Kassel"`` is text.

CSV (:func:`write_csv`, :func:`csv_bytes`)
    German: ``;`` between fields, decimal comma (``0,745``); English: ``,`` and ``.``.
    Both UTF-8 with a byte order mark (so Excel detects UTF-8 in every locale), lines
    ending in CRLF (RFC 4180, and what Excel writes; chosen so the bytes do not depend
    on the platform), fields quoted only when needed. Numbers are written plainly —
    no thousands separator, no exponent (``0,00001``) — dates as ``31.08.2020``
    (German) or ``2020-08-31``, missing values as empty fields. The index is written
    as the first column(s) unless it is the default 0, 1, 2, … Several tables go into
    one file one after another: a line with the table's name, its header and rows,
    then an empty line before the next table.

XLSX (:func:`write_xlsx`, :func:`xlsx_bytes`)
    One sheet per table, bold and frozen header row, column widths from the content,
    numbers as numbers (whole numbers shown with thousands separators), dates as dates,
    text always written with ``write_string`` (never read as a formula; xlsxwriter's
    ``strings_to_formulas``/``_numbers``/``_urls`` are off) after :func:`safe_text`.
    The title and notes go on a last sheet ("Hinweise"/"Notes") and the title into the
    document properties. The creation date is fixed (passed in, else 1980-01-01, the
    timestamp xlsxwriter gives every part of the zip), so the same input gives the same
    bytes on every run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from pipelines import text
from pipelines.report.model import Report

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FIXED_CREATED = dt.datetime(1980, 1, 1)
_SEPARATOR = {"de": ";", "en": ","}
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})

Frames = pd.DataFrame | Mapping[str, pd.DataFrame]


def safe_text(value: object) -> object:
    """Neutralise a text that a spreadsheet would run as a formula; leave the rest.

    >>> safe_text('=HYPERLINK("http://x","y")'), safe_text("-2 Kassel"), safe_text(-2)
    ('\\'=HYPERLINK("http://x","y")', "'-2 Kassel", -2)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_))


def _header(label: object) -> str:
    if isinstance(label, tuple):  # MultiIndex columns
        return " / ".join(str(part) for part in label if str(part))
    return "" if label is None else str(label)


def _with_index(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a meaningful index turned into leading columns."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.name is None:
        return frame
    flat = frame.copy()
    flat.columns = [_header(c) for c in frame.columns]
    flat.index = flat.index.set_names([n if n is not None else "" for n in index.names])
    return flat.reset_index(allow_duplicates=True)


def _frames(frames: Frames) -> list[tuple[str | None, pd.DataFrame]]:
    if isinstance(frames, pd.DataFrame):
        return [(None, frames)]
    return [(str(name), frame) for name, frame in frames.items()]


# --- CSV -------------------------------------------------------------------------------


def _csv_number(value: numbers.Number, lang: str) -> str:
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    number = float(value)  # type: ignore[arg-type]
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    digits = np.format_float_positional(number, trim="-")
    return digits.replace(".", ",") if lang == "de" else digits


def _csv_datetime(value: dt.date, lang: str) -> str:
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        clock = value.strftime("%H:%M:%S")
        return f"{text.date(value.date(), lang)} {clock}"
    return text.date(value, lang)


def _csv_cell(value: object, lang: str) -> str:
    if _missing(value):
        return ""
    if _is_number(value):
        return _csv_number(value, lang)  # type: ignore[arg-type]
    if isinstance(value, dt.date):  # datetime and pandas Timestamp too
        return _csv_datetime(value, lang)
    return safe_text(str(value))  # type: ignore[return-value]


def csv_bytes(frames: Frames, lang: str = "de") -> bytes:
    """One table (or several, one after another) as CSV bytes; see the module docstring."""
    text.number(0, lang)  # validates lang
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=_SEPARATOR[lang], lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    for i, (name, frame) in enumerate(_frames(frames)):
        if i:
            writer.writerow([])
        if name is not None:
            writer.writerow([safe_text(name)])
        flat = _with_index(frame)
        writer.writerow([safe_text(_header(c)) for c in flat.columns])
        for row in flat.itertuples(index=False, name=None):
            writer.writerow([_csv_cell(v, lang) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(frames: Frames, path: str | os.PathLike, lang: str = "de") -> Path:
    """Write :func:`csv_bytes` to ``path`` and return the path."""
    path = Path(path)
    path.write_bytes(csv_bytes(frames, lang))
    return path


# --- XLSX ------------------------------------------------------------------------------


def _sheet_name(name: str, used: set[str], fallback: str) -> str:
    """Excel's rules: ≤ 31 characters, none of []:*?/\\, no outer quote, unique."""
    base = str(name).translate(_BAD_SHEET_CHARS).strip().strip("'") or fallback
    candidate, n = base[:31], 1
    while candidate.casefold() in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


def _width(value: object) -> int:
    if _missing(value):
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if _is_number(value):
        return len(f"{value:,}")
    if isinstance(value, dt.date):
        return 16 if isinstance(value, dt.datetime) and value.time() != dt.time(0) else 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame],
    title: str | None = None,
    notes: Sequence[str] | None = None,
    *,
    created: dt.date | None = None,
    lang: str = "de",
) -> bytes:
    """The workbook of :func:`write_xlsx` as bytes."""
    text.number(0, lang)  # validates lang
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "in_memory": True,              # fixed zip timestamps, no temporary files
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "remove_timezone": True,
    })
    when = created or FIXED_CREATED
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time(0))
    workbook.set_properties({"title": title or "", "created": when})
    bold = workbook.add_format({"bold": True, "bottom": 1})
    whole = workbook.add_format({"num_format": "#,##0"})
    day = workbook.add_format({"num_format": "dd.mm.yyyy" if lang == "de" else "yyyy-mm-dd"})
    moment = workbook.add_format(
        {"num_format": "dd.mm.yyyy hh:mm" if lang == "de" else "yyyy-mm-dd hh:mm"}
    )
    used: set[str] = set()
    for name, frame in sheets.items():
        sheet = workbook.add_worksheet(_sheet_name(name, used, text.say("report.sheet.unnamed", lang)))
        flat = _with_index(frame)
        widths = []
        for col, label in enumerate(flat.columns):
            header = safe_text(_header(label))
            sheet.write_string(0, col, header, bold)
            widths.append(len(header))
        for r, row in enumerate(flat.itertuples(index=False, name=None), start=1):
            for col, value in enumerate(row):
                widths[col] = max(widths[col], _width(value))
                if _missing(value):
                    continue
                if isinstance(value, (bool, np.bool_)):
                    sheet.write_boolean(r, col, bool(value))
                elif _is_number(value):
                    number = float(value)  # type: ignore[arg-type]
                    if math.isfinite(number):
                        is_whole = isinstance(value, (int, np.integer))
                        sheet.write_number(r, col, number, whole if is_whole else None)
                    else:
                        sheet.write_string(r, col, "inf" if number > 0 else "-inf")
                elif isinstance(value, dt.datetime):
                    plain = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
                    fits = plain.time() == dt.time(0)
                    sheet.write_datetime(r, col, plain, day if fits else moment)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time(0)), day)
                else:
                    sheet.write_string(r, col, safe_text(str(value)))
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(max(width, 6), 60) + 2)
        sheet.freeze_panes(1, 0)
    if title or notes:
        sheet = workbook.add_worksheet(_sheet_name(text.say("report.sheet.notes", lang), used, "Notes"))
        row = 0
        if title:
            sheet.write_string(0, 0, safe_text(title), workbook.add_format({"bold": True}))
            row = 2
        for line in notes or ():
            sheet.write_string(row, 0, safe_text(str(line)))
            row += 1
        sheet.set_column(0, 0, 100)
    workbook.close()
    return buffer.getvalue()


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame],
    path: str | os.PathLike,
    title: str | None = None,
    notes: Sequence[str] | None = None,
    *,
    created: dt.date | None = None,
    lang: str = "de",
) -> Path:
    """Write tables to an Excel workbook, one sheet each, and return the path.

    Args:
        sheets: sheet name → table (names are made valid and unique for Excel).
        path: the .xlsx file to write.
        title: document title; also the first line of the notes sheet.
        notes: lines for the notes sheet, e.g. what ``*`` means.
        created: creation date stored in the file (default 1980-01-01), e.g. the
            report's as-of date; nothing else depends on the clock.
        lang: "de" or "en": date formats and the name of the notes sheet.
    """
    path = Path(path)
    path.write_bytes(xlsx_bytes(sheets, title, notes, created=created, lang=lang))
    return path


# --- the report as tables --------------------------------------------------------------


def sheets(report: Report) -> dict[str, pd.DataFrame]:
    """The report as spreadsheet sheets: cover, one per table, method (name → table).

    Shown counts are whole numbers, everything else text as in the PDF (``*``, "74 %").
    """
    lang = report.lang
    out = {text.say("report.section.cover", lang): pd.DataFrame(
        {text.say("report.item", lang): report.cover["label"], text.say("report.value", lang): report.cover["value"]})}
    for table in report.tables:
        out[table.sheet_name] = table.sheet
    out[text.say("report.section.method", lang)] = pd.DataFrame(
        [list(item) for item in report.method],
        columns=[text.say("report.method_heading", lang), text.say("report.method_text", lang)])
    return out


def notes(report: Report) -> list[str]:
    """The lines of the notes sheet: marking, suppression rule, what ``*`` means, fingerprint, table notes."""
    lang = report.lang
    lines = [report.marking, report.cover_value("suppression")]
    if report.publication:
        lines.append(text.say("report.star", lang))
    lines.append(f"{text.say('report.fingerprint', lang)}: {report.fingerprint}")
    lines += [f"{t.sheet_name}: {t.note}" for t in report.tables if t.note]
    return lines


def csv_frame(report: Report) -> pd.DataFrame:
    """The whole report as one long table: Tabelle, Nr, Zeile, Spalte, Wert.

    One line per shown value: the table (its sheet name; "Deckblatt" and "Methodik" too),
    the row number within the table, the row's label (its label columns joined by " / "),
    the column head and the value as shown — counts as whole numbers, ``*`` where
    suppressed, percentages and texts as in the PDF. Filter on Tabelle, or pivot Zeile ×
    Spalte to get a table back.
    """
    lang = report.lang
    cover, method = text.say("report.section.cover", lang), text.say("report.section.method", lang)
    rows: list[tuple] = []
    for i, item in enumerate(report.cover.itertuples(index=False), start=1):
        rows.append((cover, i, item.label, text.say("report.value", lang), item.value))
    for table in report.tables:
        columns = list(table.sheet.columns)
        labels, values = columns[:table.label_columns], columns[table.label_columns:]
        for i, row in enumerate(table.sheet.itertuples(index=False), start=1):
            record = dict(zip(columns, row))
            label = " / ".join(str(record[c]) for c in labels if str(record[c]))
            for column in values:
                rows.append((table.sheet_name, i, label, column, record[column]))
    for i, (heading, body) in enumerate(report.method, start=1):
        rows.append((method, i, heading, text.say("report.method_text", lang), body))
    names = [text.say(f"report.csv_{k}", lang) for k in ("table", "number", "row", "column")]
    return pd.DataFrame(rows, columns=names + [text.say("report.value", lang)], dtype=object)
