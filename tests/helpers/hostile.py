"""Hostile, broken and office-shaped files, built from scratch (xlsxwriter, zipfile, bytes).

Each builder writes one file into a folder and returns its path; `BUILDERS` maps the corpus
file name (tests/data/hostile/MANIFEST.toml) to its builder. `decide` is the decision the new
readers make about a file: refused (code, line) or loads (rows, header row, sheet).
Regenerate the corpus with `python -m tests.helpers.hostile tests/data/hostile`.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tomllib
import zipfile
from pathlib import Path

import xlsxwriter

from pipelines.ingest.csvcheck import scan_csv
from pipelines.ingest.limits import InputRefused
from pipelines.ingest.sheets import read_sheet
from pipelines.store import db

CORPUS = Path(__file__).parents[1] / "data" / "hostile"
_MANIFEST = tomllib.loads((CORPUS / "MANIFEST.toml").read_text(encoding="utf-8"))
MANIFEST = _MANIFEST["files"]            # decided by the guard (readers' decision)
LOAD_MANIFEST = _MANIFEST["load"]        # decided by the load's rules (exit code and problem code)
GUARD_SECONDS = 20   # the requirement is 10 s; the margin is for a busy test machine

HEADER = ["Teilnehmer-ID", "Standort", "Kohorte", "Eintritt", "Coaching ab", "Bemerkung"]
CSV_HEADER = "Teilnehmer-ID;Standort;Kohorte;Eintritt;Austritt"
DAY = dt.datetime(2020, 9, 1)


# --------------------------------------------------------------------------- tools

def _xlsx(path: Path, sheets: dict[str, list[list]], *, setup=None) -> Path:
    """An XLSX with real date cells; `setup(workbook, {name: worksheet})` adds merges, hiding, …"""
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    worksheets = {}
    for name, rows in sheets.items():
        ws = worksheets[name] = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value, date_format)
                elif value is not None:
                    ws.write(r, c, value)
    if setup:
        setup(workbook, worksheets)
    workbook.close()
    return path


def _rewrite(path: Path, part: str, change) -> Path:
    """Replace one member of a ZIP by change(its bytes) (a hand edit of the XML)."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info.filename, change(data) if info.filename == part else data)
    return path


def _participants(n: int, start: int = 1) -> list[list]:
    return [[f"K-{i:03d}", "Köln" if i % 2 else "Bonn", 1, DAY + dt.timedelta(days=i), None, None]
            for i in range(start, start + n)]


def _small(path: Path) -> Path:
    return _xlsx(path, {"Tabelle1": [HEADER, *_participants(2)]})


# --------------------------------------------------------------------------- hostile XLSX

def xlsx_far_cell(path: Path) -> Path:
    """Two participants and one cell at XFD1048576 (hand-edited XML); the dimension says so."""
    _small(path)
    return _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: _far_cell(xml, 1_048_576, b"A1:XFD1048576"))


def xlsx_far_cell_lying(path: Path) -> Path:
    """The same cell at XFD1048576, with the <dimension> claiming A1:F3."""
    _small(path)
    return _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: _far_cell(xml, 1_048_576, b"A1:F3"))


def _far_cell(xml: bytes, row: int, dimension: bytes | None) -> bytes:
    """Hand-edit a sheet's XML: a text cell in column XFD of `row`, and the <dimension> replaced
    (or removed, with None). xlsxwriter itself would spend seconds on a 16,384-column span."""
    cell = b'<c r="XFD%d" t="inlineStr"><is><t>x</t></is></c>' % row
    if re.search(rb'<row r="%d"' % row, xml):
        xml = re.sub(rb'(<row r="%d"[^>]*>.*?)</row>' % row, lambda m: m.group(1) + cell + b"</row>", xml,
                     count=1, flags=re.DOTALL)
    else:
        xml = xml.replace(b"</sheetData>", b'<row r="%d">%s</row></sheetData>' % (row, cell), 1)
    return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="%s"/>' % dimension if dimension else b"", xml)


def xlsx_far_column(path: Path) -> Path:
    """5,000 participants and one forgotten cell in column XFD (declared A1:XFD5001)."""
    _xlsx(path, {"Tabelle1": [HEADER[:4], *(r[:4] for r in _participants(5000))]})
    return _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: _far_cell(xml, 3, b"A1:XFD5001"))


def xlsx_far_column_lying(path: Path) -> Path:
    """300 participants, a cell in column XFD, and no <dimension>: refused after parsing, in the child."""
    _xlsx(path, {"Tabelle1": [HEADER[:4], *(r[:4] for r in _participants(300))]})
    return _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: _far_cell(xml, 3, None))


def xlsx_wide(path: Path) -> Path:
    """10,000 header columns."""
    return _xlsx(path, {"Tabelle1": [["Teilnehmer-ID", "Eintritt", *(f"Spalte {i}" for i in range(9998))],
                                     ["K-001", DAY]]})


def xlsx_long_header(path: Path) -> Path:
    """A header cell of 5,000 characters (third column)."""
    return _xlsx(path, {"Tabelle1": [["Teilnehmer-ID", "Eintritt", "x" * 5000], ["K-001", DAY, "1"]]})


def xlsx_bad_deflate(path: Path) -> Path:
    """The sheet's deflate stream starts with a reserved block type: corrupt from the first byte."""
    _small(path)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    name_len, extra_len = int.from_bytes(data[info.header_offset + 26: info.header_offset + 28], "little"), \
        int.from_bytes(data[info.header_offset + 28: info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    data[start] = 0xFF   # BFINAL=1, BTYPE=11: "invalid block type"
    path.write_bytes(bytes(data))
    return path


def xlsx_truncated(path: Path) -> Path:
    """The first half of a workbook (an upload cut off): no ZIP directory."""
    _small(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def xlsx_bad_sheet_xml(path: Path) -> Path:
    """Garbage in the sheet's XML after the <dimension>: calamine's XML error, in the child."""
    _small(path)
    return _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<sheetData>", b"<sheetData><<<>>>&&&", 1))


def xlsx_bad_workbook_xml(path: Path) -> Path:
    """workbook.xml cut in the middle of a tag."""
    _small(path)
    return _rewrite(path, "xl/workbook.xml", lambda xml: xml[: len(xml) // 2])


def xlsx_no_workbook(path: Path) -> Path:
    """A ZIP with a sheet but no workbook.xml (nor relationships pointing to one)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return path


def xlsx_zip_bomb(path: Path) -> Path:
    """A sheet that unpacks to 64 MB of spaces (ratio ~1000)."""
    _small(path)
    return _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml + b" " * (64 * 2**20))


def xlsx_not_a_zip(path: Path) -> Path:
    """A CSV saved with the name .xlsx."""
    path.write_bytes((CSV_HEADER + "\nK-001;Köln;1;01.09.2020;\n").encode("utf-8"))
    return path


# --------------------------------------------------------------------------- office-shaped XLSX

def _title_rows() -> list[list]:
    return [["Teilnehmerinnenliste Sozialwirtschaft integriert"], ["Stand: 31.08.2020"], []]


def xlsx_title_rows(path: Path) -> Path:
    """Title rows and a blank row above the header (row 4); a blank row between participants."""
    rows = [*_title_rows(), HEADER, *_participants(2), [], *_participants(1, start=3)]
    rows[5][5] = "hat Kind, 2 Jahre"
    return _xlsx(path, {"TN-Liste": rows})


def xlsx_three_sheets(path: Path) -> Path:
    """Hinweise, the participant sheet, a pivot summary: the data is on the second sheet."""
    return _xlsx(path, {
        "Hinweise": [["Bitte pro Person eine Zeile."], ["Datumsangaben als TT.MM.JJJJ"]],
        "TN-Liste": [*_title_rows(), HEADER, *_participants(3)],
        "Auswertung": [["Standort", "Kohorte", "Anzahl"], ["Köln", 1, 2], ["Bonn", 1, 1]],
    })


def xlsx_merged_header(path: Path) -> Path:
    """'Teilnehmer-ID' merged over two rows, 'Coaching' merged over 'ab | bis'."""
    def setup(workbook, sheets):
        ws = sheets["TN-Liste"]
        ws.merge_range(2, 0, 3, 0, "Teilnehmer-ID")
        ws.merge_range(2, 1, 3, 1, "Eintritt")
        ws.merge_range(2, 2, 2, 3, "Coaching")
        ws.write_row(3, 2, ["ab", "bis"])
    date = DAY
    rows = [["Teilnehmerinnenliste"], [], [], [],
            ["K-001", date, date + dt.timedelta(days=7), date + dt.timedelta(days=90)],
            ["K-002", date, date + dt.timedelta(days=14), None]]
    return _xlsx(path, {"TN-Liste": rows}, setup=setup)


def xlsx_hidden_column(path: Path) -> Path:
    """'Coaching ab' (column E) is hidden, row 3 is hidden: both are still data."""
    def setup(workbook, sheets):
        sheets["Tabelle1"].set_column(4, 4, None, None, {"hidden": True})
        sheets["Tabelle1"].set_row(2, None, None, {"hidden": True})
    rows = [HEADER, *_participants(3)]
    rows[1][4] = DAY + dt.timedelta(days=30)
    return _xlsx(path, {"Tabelle1": rows}, setup=setup)


def xlsx_serial_dates(path: Path) -> Path:
    """Date cells, a date with a time, and serial numbers (44075 = 01.09.2020) in date columns."""
    rows = [HEADER,
            ["K-001", "Köln", 1, DAY, 44105, None],
            ["K-002", "Köln", 1, 44075, DAY + dt.timedelta(days=30, hours=10, minutes=30), None],
            ["K-003", "Bonn", 2, 44075.0, None, True]]
    return _xlsx(path, {"Tabelle1": rows})


# --------------------------------------------------------------------------- CSV

def _csv(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def csv_wide(path: Path) -> Path:
    """10,000 columns (79 KB)."""
    header = ";".join(["Teilnehmer-ID", "Eintritt", *(f"S{i}" for i in range(9998))])
    return _csv(path, (header + "\nK-001;01.09.2020" + ";" * 9998 + "\n").encode())


def csv_long_header(path: Path) -> Path:
    """A header cell of 200,000 characters (over the csv module's 131,072)."""
    return _csv(path, ("Teilnehmer-ID;" + "x" * 200_000 + ";Eintritt\nK-001;1;01.09.2020\n").encode())


def csv_bom_cp1252(path: Path) -> Path:
    """A UTF-8 BOM, then Windows-1252 text ('Köln' as 0xF6)."""
    body = f"{CSV_HEADER}\nK-001;Köln;1;01.09.2020;\nK-002;Düsseldorf;1;15.09.2020;\n"
    return _csv(path, b"\xef\xbb\xbf" + body.encode("cp1252"))


def csv_mixed_encoding(path: Path) -> Path:
    """UTF-8 'Köln' on line 2, Windows-1252 'Düsseldorf' on line 3."""
    return _csv(path, f"{CSV_HEADER}\nK-001;Köln;1;01.09.2020;\n".encode()
                + "K-002;Düsseldorf;1;15.09.2020;\n".encode("cp1252"))


def csv_stray_quote(path: Path) -> Path:
    """A quote opened on line 3 and never closed: DuckDB reads 1 row of 4 without a word."""
    return _csv(path, (f"{CSV_HEADER}\nK-001;Köln;1;01.09.2020;\nK-002;\"Köln;1;01.09.2020;\n"
                       "K-003;Bonn;1;01.09.2020;\nK-004;Bonn;1;01.09.2020;\n").encode())


def csv_stray_quote_pair(path: Path) -> Path:
    """Quotes on lines 3 and 5 merge three records into one of the right width."""
    return _csv(path, (f"{CSV_HEADER}\nK-001;Köln;1;01.09.2020;\nK-002;\"Köln;1;01.09.2020;\n"
                       "K-003;Bonn;1;01.09.2020;\nK-004;Bonn\";1;01.09.2020;\nK-005;Bonn;1;01.09.2020;\n").encode())


def csv_multiline_remark(path: Path) -> Path:
    """A remark over two lines in quotes (legitimate) and a blank line: 3 records."""
    return _csv(path, ("Teilnehmer-ID;Standort;Eintritt;Bemerkung\r\nK-001;Köln;01.09.2020;\"Kind krank,\r\n"
                       "meldet sich\"\r\n\r\nK-002;Bonn;01.09.2020;\r\nK-003;Bonn;02.09.2020;ok\r\n").encode("cp1252"))


def csv_title_rows(path: Path) -> Path:
    """Excel's CSV of a sheet with title rows: 'Teilnehmerinnenliste …;;;;', blank rows, header on line 5."""
    return _csv(path, ("Teilnehmerinnenliste Sozialwirtschaft integriert;;;;\r\nStand: 31.08.2020;;;;\r\n"
                       ";;;;\r\n\r\n" + CSV_HEADER + "\r\nK-001;Köln;1;01.09.2020;\r\nK-002;Bonn;1;02.09.2020;\r\n"
                       ";;;;\r\n").encode("cp1252"))


# --------------------------------------------------------------------------- files refused by the load
# (issue #11.2: each of these was measured to load wrongly or to crash before the load's rules knew it)

BASE_PROGRAM = """\
[program]
id = "test-programm"
name = "Testprogramm"
start = 2019-01-01
end = 2021-12-31

[[target]]
id = "test-ausbildung"
label = "Mindestens 5 in Ausbildung"
measure = "reached"
status = "training"
at_least = 5
period = { start = 2019-01-01, end = 2021-12-31 }
"""
P_HEADER = "Teilnehmer-ID;Eintritt"


def _text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def program_not_utf8(path: Path) -> Path:
    return _text(path, '[program]\nid = "zweites"\nname = "Müttercafé"\n', "cp1252")


def program_name_number(path: Path) -> Path:
    return _text(path, '[program]\nid = "zweites"\nname = 3.5\n')


def program_funder_numbers(path: Path) -> Path:
    return _text(path, '[program]\nid = "zweites"\nname = "Zweites"\nfunder = [1, 2]\n')


def program_target_taken(path: Path) -> Path:
    """A new program whose target reuses the id of the base program's target."""
    return _text(path, BASE_PROGRAM.replace('id = "test-programm"', 'id = "zweites"'))


def csv_mentoring_end_only(path: Path) -> Path:
    return _text(path, f"{P_HEADER};Mentoring bis\nK-1;01.09.2020;01.12.2020\n")


def csv_empty_program_cell(path: Path) -> Path:
    return _text(path, "Teilnehmer-ID;Programm;Eintritt\nK-1;test-programm;01.09.2020\nK-2;;02.09.2020\n")


def _date_file(value: str):
    def build(path: Path) -> Path:
        return _text(path, f"{P_HEADER}\nK-1;01.09.2020\nK-2;{value}\n")
    return build


def csv_duplicate_header(path: Path) -> Path:
    return _text(path, f"{P_HEADER};Eintritt\nK-1;01.09.2020;02.09.2020\n")


def csv_status_unplaced(path: Path) -> Path:
    return _text(path, f"{P_HEADER};Ausbildungsbetrieb\nK-1;01.09.2020;Pflegedienst Nord\n")


def csv_ragged_row(path: Path) -> Path:
    return _text(path, f"{P_HEADER}\nK-1;01.09.2020\nK-2;01.09.2020;zu viel\n")


def _parquet_date(value: float):
    def build(path: Path) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"participant_id": ["K-1", "K-2"], "entry_date": [43900.0, value]}), path)
        return path
    return build


LOAD_BUILDERS = {
    "program_not_utf8.toml": program_not_utf8,
    "program_name_number.toml": program_name_number,
    "program_funder_numbers.toml": program_funder_numbers,
    "program_target_taken.toml": program_target_taken,
    "csv_mentoring_end_only.csv": csv_mentoring_end_only,
    "csv_empty_program_cell.csv": csv_empty_program_cell,
    "csv_date_trailing_text.csv": _date_file("2025-05-12 kaputt"),
    "csv_date_bad_time.csv": _date_file("2025-05-12T25:99"),
    "csv_date_year_1.csv": _date_file("01.01.0001"),
    "csv_date_year_9999.csv": _date_file("31.12.9999"),
    "csv_duplicate_header.csv": csv_duplicate_header,
    "csv_status_unplaced.csv": csv_status_unplaced,
    "csv_ragged_row.csv": csv_ragged_row,
    "parquet_nan_date.parquet": _parquet_date(float("nan")),
    "parquet_inf_date.parquet": _parquet_date(float("inf")),
}

BUILDERS = {
    "xlsx_far_cell.xlsx": xlsx_far_cell,
    "xlsx_far_cell_lying_dimension.xlsx": xlsx_far_cell_lying,
    "xlsx_far_column.xlsx": xlsx_far_column,
    "xlsx_far_column_no_dimension.xlsx": xlsx_far_column_lying,
    "xlsx_10000_columns.xlsx": xlsx_wide,
    "xlsx_long_header.xlsx": xlsx_long_header,
    "xlsx_bad_deflate.xlsx": xlsx_bad_deflate,
    "xlsx_truncated.xlsx": xlsx_truncated,
    "xlsx_bad_sheet_xml.xlsx": xlsx_bad_sheet_xml,
    "xlsx_bad_workbook_xml.xlsx": xlsx_bad_workbook_xml,
    "xlsx_no_workbook.xlsx": xlsx_no_workbook,
    "xlsx_zip_bomb.xlsx": xlsx_zip_bomb,
    "xlsx_not_a_zip.xlsx": xlsx_not_a_zip,
    "xlsx_title_rows.xlsx": xlsx_title_rows,
    "xlsx_three_sheets.xlsx": xlsx_three_sheets,
    "xlsx_merged_header.xlsx": xlsx_merged_header,
    "xlsx_hidden_column.xlsx": xlsx_hidden_column,
    "xlsx_serial_dates.xlsx": xlsx_serial_dates,
    "csv_10000_columns.csv": csv_wide,
    "csv_long_header.csv": csv_long_header,
    "csv_bom_cp1252.csv": csv_bom_cp1252,
    "csv_mixed_encoding.csv": csv_mixed_encoding,
    "csv_stray_quote.csv": csv_stray_quote,
    "csv_stray_quote_pair.csv": csv_stray_quote_pair,
    "csv_multiline_remark.csv": csv_multiline_remark,
    "csv_title_rows.csv": csv_title_rows,
}


# --------------------------------------------------------------------------- the decision

def expected(name: str) -> dict:
    """The decision MANIFEST.toml lists for a corpus file (without its description)."""
    return {k: v for k, v in MANIFEST[name].items() if k in ("outcome", "code", "line", "rows", "header_row", "sheet")}


def decide(path: Path) -> dict:
    """What the new readers decide: {'outcome': 'refused', 'code', 'line'?} or
    {'outcome': 'loads', 'rows' (non-blank data rows), 'header_row', 'sheet'?}."""
    try:
        if path.suffix.lower() == ".csv":
            scan = scan_csv(path.read_bytes())
            rows = _nonblank_records(scan)
            return {"outcome": "loads", "rows": rows, "header_row": scan.header_line}
        sheet = read_sheet(path)
        data, _ = sheet.data()
        return {"outcome": "loads", "rows": data.num_rows, "header_row": sheet.header_row, "sheet": sheet.sheet}
    except InputRefused as refusal:
        return {"outcome": "refused", "code": refusal.code} | ({"line": refusal.line} if refusal.line else {})


def _nonblank_records(scan) -> int:
    import csv
    import io

    reader = csv.reader(io.StringIO(scan.text, newline=""), delimiter=scan.delimiter)
    records = [r for i, r in enumerate(reader) if r]
    # records before and including the header are not data; ';;;;' rows are blank rows
    after = records[len(records) - scan.rows:] if scan.rows else []
    return sum(any(c.strip() for c in r) for r in after)


# what must never reach a person: a traceback, an exception's name, SQL engine words, a path of this machine
TRACEBACK = re.compile(r"Traceback|Error\b|Exception|duckdb|/tmp/|/work/|\.py\b")


def snapshot(store: Path, folder: Path) -> tuple:
    """What a refusal must not change: every table's rows, and the files of the store's folder
    (except the store file itself, rewritten by the one-writer swap, and its lock)."""
    with db.reading(store) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()]
        rows = {t: sorted(map(repr, con.execute(f"select * from {db.quote_ident(t)}").fetchall())) for t in tables}
    files = sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*")
                   if p.is_file() and p.name not in (store.name, store.name + ".lock"))
    return rows, files



def write_corpus(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [build(folder / name) for name, build in (BUILDERS | LOAD_BUILDERS).items()]


if __name__ == "__main__":
    for written in write_corpus(Path(sys.argv[1])):
        print(written, written.stat().st_size)
