"""Small files for tests, written the way project leads' tools write them: program TOML, CSV, XLSX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

PROGRAM_TOML = """\
[program]
id = "{id}"
name = "Testprogramm {id}"
organisation = "Stadt Teststadt"
region = "Hessen"
funder = "Land Hessen"
start = 2019-01-01
end = 2021-12-31
"""


def program_file(folder: Path, program_id: str = "test-programm", extra: str = "") -> Path:
    path = folder / f"{program_id}.toml"
    path.write_text(PROGRAM_TOML.format(id=program_id) + extra, encoding="utf-8")
    return path


def csv_file(folder: Path, name: str, lines: list[str], *, encoding: str = "utf-8", bom: bool = False,
             newline: str = "\n") -> Path:
    """Write lines as a CSV file in the given encoding (cp1252 = what German Excel writes)."""
    path = folder / name
    data = newline.join(lines) + newline
    raw = data.encode(encoding)
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    path.write_bytes(raw)
    return path


def xlsx_file(folder: Path, name: str, header: list[str], rows: list[list], sheet: str = "Tabelle1",
              extra_sheets: dict[str, list[list]] | None = None) -> Path:
    """Write an XLSX with real date cells (datetime.date values become Excel dates)."""
    path = folder / name
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    for title, content in [(sheet, [header, *rows]), *((extra_sheets or {}).items())]:
        ws = workbook.add_worksheet(title)
        for r, row in enumerate(content):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_format)
                elif value is not None:
                    ws.write(r, c, value)
    workbook.close()
    return path
