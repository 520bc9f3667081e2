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


# --------------------------------------------------------------------------- office corpus (tests/data/office)
# Sheets made the way offices keep them; the expected numbers are counted by hand in
# tests/ingest/test_office.py. Regenerate with `python -m tests.helpers.files tests/data/office`.

OFFICE = Path(__file__).parents[1] / "data" / "office"
TITLE = ["Teilnehmerinnenliste Sozialwirtschaft integriert"]
STAND = ["Stand: 31.08.2020"]
D = dt.date


def _workbook(path: Path, sheets: dict[str, list[list]], setup=None) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    worksheets = {}
    for title, rows in sheets.items():
        ws = worksheets[title] = workbook.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_format)
                elif value is not None:
                    ws.write(r, c, value)
    if setup:
        setup(worksheets)
    workbook.close()
    return path


def office_tracking(path: Path) -> Path:
    """Three sheets (Hinweise, TN-Liste, Auswertung); on TN-Liste a title row, a 'Stand' row and a blank
    row above the header (row 4), German headers that need the alias lists, date cells, text dates,
    a two-digit year, an Excel serial number, German exit reasons, a blank row, a 'Gesamt' row and a
    hidden remarks column."""
    header = ["TN-Nr.", "Standort", "Kohorte", "Eintrittsdatum", "Coaching seit", "Ausbildungsbeginn",
              "Beschäftigt seit", "Austrittsdatum", "Grund des Austritts", "Bemerkung"]
    rows = [TITLE, STAND, [], header,
            ["K-01", "Kassel", 1, D(2019, 1, 7), D(2019, 1, 7), D(2019, 8, 1), None, None, None, "sehr motiviert"],
            ["K-02", "Kassel", 1, "07.01.2019", "7.1.2019", "01.09.19", None, None, None, None],
            ["K-03", "Kassel", 1, D(2019, 1, 14), D(2019, 1, 14), None, 44075, "31.08.2020", "erfolgreich beendet",
             None],
            ["K-04", "Kassel", 2, "2019-03-01", "2019-03-01", None, None, D(2020, 2, 15), "Umzug", None],
            [],
            ["K-05", "Kassel", 2, D(2019, 3, 4), D(2019, 3, 4), "01.08.20", None, None, None, "Kind 2 J."],
            ["K-06", "Kassel", 2, D(2019, 3, 4), None, None, None, "30.06.19", "abgebrochen", None],
            ["Gesamt", None, None, None, 5, 3, 1, 3, None, None]]

    def setup(sheets):
        sheets["TN-Liste"].set_column(9, 9, None, None, {"hidden": True})
    return _workbook(path, {
        "Hinweise": [["Bitte pro Teilnehmerin eine Zeile."], ["Datum als TT.MM.JJJJ"]],
        "TN-Liste": rows,
        "Auswertung": [["Kohorte", "Anzahl"], [1, 3], [2, 3]],
    }, setup)


def office_merged_header(path: Path) -> Path:
    """'Coaching' merged over 'ab | bis', 'Ausbildung' over 'ab'; title row; next month's rows."""
    def setup(sheets):
        ws = sheets["Tabelle1"]
        ws.merge_range(1, 0, 2, 0, "Fallnummer")
        ws.merge_range(1, 1, 2, 1, "Eintritt")
        ws.merge_range(1, 2, 1, 3, "Coaching")
        ws.write_row(2, 2, ["ab", "bis"])
        ws.write(1, 4, "Ausbildung")
        ws.write(2, 4, "ab")
    rows = [TITLE, [], [],
            ["F-1", D(2020, 1, 6), D(2020, 1, 6), D(2020, 6, 30), D(2020, 8, 1)],
            ["F-2", D(2020, 1, 6), D(2020, 1, 13), None, None],
            ["F-3", D(2020, 2, 3), D(2020, 2, 3), None, None]]
    return _workbook(path, {"Tabelle1": rows}, setup)


def office_export_csv(path: Path) -> Path:
    """What Excel writes for such a sheet as 'CSV (Trennzeichen-getrennt)': Windows-1252, ';', CRLF, the title
    and 'Stand' rows padded with ';', blank rows as ';;;;;;', a 'Summe' row and a count row without a label."""
    lines = ["Teilnehmerinnenliste Sozialwirtschaft integriert;;;;;;", "Stand: 31.08.2020;;;;;;", ";;;;;;",
             "Teilnehmerin-ID;Standort;Eintritt;Ausbildung seit;sv-pflichtig beschäftigt ab;Austritt;Austrittsgrund",
             "B-1;Köln;01.09.19;;;;",
             "B-2;Köln;1.9.2019;01.08.2020;;;",
             ";;;;;;",
             "B-3;Düsseldorf;2019-10-01;;15.11.19;31.12.19;erfolgreich beendet",
             "B-4;Düsseldorf;01.10.2019;;;15.01.20;Umzug",
             ";;;;;;",
             "Summe;;4;1;1;2;",
             ";;4;1;1;2;"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def office_episodes_csv(path: Path) -> Path:
    """Episodes of B-1 … B-4 without a program column (their program is known from the store)."""
    lines = ["TN-Nr.;Status;Beginn;Ende", "B-1;Coaching;01.09.2019;", "B-2;Coaching;01.09.2019;31.07.2020",
             "B-2;Praktikum;01.03.2020;31.03.2020", "B-3;Mentoring;01.10.2019;31.12.2019"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


OFFICE_BUILDERS = {
    "tracking_drei_blaetter.xlsx": office_tracking,
    "tracking_verbundene_kopfzellen.xlsx": office_merged_header,
    "tracking_export.csv": office_export_csv,
    "episoden_ohne_programm.csv": office_episodes_csv,
}


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for name, build in OFFICE_BUILDERS.items():
        print(build(target / name))
