"""Limits for reading untrusted files, and a look into an XLSX before any cell is parsed.

Every spreadsheet or CSV that reaches the readers is someone else's file: it may be broken,
hostile or simply far larger than it looks (a 1.5 KB XLSX with one cell at XFD1048576 asks
the reader for 512 GB). The limits below are the one home of "how much is too much";
`check_xlsx` reads a workbook's ZIP directory, `workbook.xml` and the first kilobytes of each
sheet's XML (its declared `<dimension>`) and refuses what cannot be read safely.

A refusal is an `InputRefused(code, line=…, column=…, **params)`; the codes are listed in `CODES`,
their words are in the catalog (pipelines/text/ingest.py, "ingest.<code>").
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

# --------------------------------------------------------------------------- the limits

MAX_COLUMNS = 500                   # columns of a header row or of a sheet's used range
MAX_HEADER_CHARS = 1_000            # characters of one header cell
MAX_ROWS = 1_048_576                # Excel's own maximum
MAX_CELLS = 25_000_000              # a sheet's used range, rows x columns (1 M rows x 24 columns)
MAX_UPLOAD_BYTES = 100 * 2**20      # a file uploaded in the dashboard
MAX_SCAN_ROWS = 30                  # rows searched for the header row

# the ZIP of an XLSX
MAX_MEMBERS = 10_000                # files inside the ZIP
MAX_MEMBER_BYTES = 2 * 2**30        # uncompressed size of one member (a 1 M x 20 sheet is ~0.9 GB)
MAX_TOTAL_BYTES = 4 * 2**30         # uncompressed size of all members
MAX_RATIO = 200                     # uncompressed / compressed, for members over RATIO_FROM_BYTES
RATIO_FROM_BYTES = 16 * 2**20       # small members may compress better: whitespace, repeated styles
MAX_PART_BYTES = 16 * 2**20         # workbook.xml and its relationships, parsed whole
HEAD_BYTES = 64 * 2**10             # bytes of a sheet's XML read to find its <dimension>

# the child process that parses a spreadsheet (sheets.py)
CHILD_MEMORY = 2**30                # address space (RLIMIT_AS) for files up to CHILD_MEMORY_FROM_BYTES
CHILD_MEMORY_PER_BYTE = 64          # above that: 64 bytes per byte of file ...
CHILD_MEMORY_MAX = 4 * 2**30        # ... up to this
CHILD_MEMORY_FROM_BYTES = 2**20     # files up to 1 MB always get the flat 1 GiB
CHILD_SECONDS = 9.0                 # wall-clock time for files up to 1 MB (decision within 10 s)
CHILD_SECONDS_PER_MB = 2.0          # above that: two seconds per MB ...
CHILD_SECONDS_MAX = 600.0           # ... up to this


def child_limits(file_bytes: int) -> tuple[int, float]:
    """(address space in bytes, seconds) a reader child may use for a file of this size.

    Files up to 1 MB get 1 GiB and 9 s; larger (honest, big) workbooks get more, so that a
    1 M x 20 sheet of 40 MB can load, but never more than 4 GiB and 10 minutes.
    """
    extra_mb = max(0, file_bytes - CHILD_MEMORY_FROM_BYTES) / 2**20
    memory = CHILD_MEMORY if file_bytes <= CHILD_MEMORY_FROM_BYTES else min(
        CHILD_MEMORY_MAX, max(CHILD_MEMORY, CHILD_MEMORY_PER_BYTE * file_bytes))
    return int(memory), min(CHILD_SECONDS_MAX, CHILD_SECONDS + CHILD_SECONDS_PER_MB * extra_mb)


# --------------------------------------------------------------------------- refusals

class InputRefused(Exception):
    """A file refused as a whole, with a message code and its parameters (like readers.FileProblem)."""

    def __init__(self, code: str, line: int | None = None, column: int | None = None, **params):
        super().__init__(code)
        self.code = code
        self.line = line
        self.column = column
        self.params = params

    def __repr__(self) -> str:
        where = "".join(f" {k}={v}" for k, v in (("line", self.line), ("column", self.column)) if v is not None)
        return f"InputRefused({self.code}{where} {self.params})"


# The words of every refusal code are in the catalog: pipelines/text/ingest.py, "ingest.<code>".
CODES = ("not_xlsx", "corrupt_xlsx", "encrypted", "zip_bomb", "too_many_columns", "too_many_rows", "too_many_cells",
         "too_large", "too_slow", "unreadable", "header_too_long", "field_too_long", "unclosed_quote", "bad_quote",
         "mixed_encoding", "empty_file", "no_such_sheet", "upload_too_large")


def check_upload(size: int) -> None:
    """Refuse an upload over MAX_UPLOAD_BYTES before it is written anywhere."""
    if size > MAX_UPLOAD_BYTES:
        raise InputRefused("upload_too_large", size_mb=round(size / 2**20, 1), limit_mb=MAX_UPLOAD_BYTES // 2**20)


# --------------------------------------------------------------------------- a look into the ZIP

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # .xls, and XLSX files encrypted with a password
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref\s*=\s*["\']([A-Za-z]{0,4})(\d{0,8}):?([A-Za-z]{0,4})(\d{0,8})["\']')
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s/>]")


@dataclass
class SheetInfo:
    """One sheet as the workbook declares it, before any cell is read."""

    name: str
    part: str | None                    # e.g. 'xl/worksheets/sheet1.xml'; None for chart sheets
    state: str = "visible"              # visible | hidden | veryHidden
    ref: str | None = None              # declared dimension, e.g. 'A1:K230'; None when absent
    rows: int | None = None
    columns: int | None = None
    problem: InputRefused | None = None  # why this sheet cannot be read (limits)

    @property
    def cells(self) -> int | None:
        return None if self.rows is None or self.columns is None else self.rows * self.columns


@dataclass
class XlsxInfo:
    """What `check_xlsx` found: the kind of workbook, its sheets, and the sizes involved."""

    path: Path
    kind: str                           # 'xlsx' | 'ods' | 'xls' (the last two: sheets not inspected)
    size: int
    sheets: list[SheetInfo] = field(default_factory=list)
    uncompressed: int = 0

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def sheet(self, name: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.name == name), None)

    def readable(self) -> list[str]:
        """Names of the sheets within the limits (or not inspected)."""
        return [s.name for s in self.sheets if s.problem is None]


def column_number(letters: str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def column_letters(number: int) -> str:
    """1 -> 'A', 16384 -> 'XFD'."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_dimension(head: bytes) -> tuple[str, int, int] | None:
    """The declared used range in the first bytes of a sheet's XML: (ref, rows, columns), or None.

    Only a <dimension> before <sheetData> counts (that is where the schema puts it).
    """
    data_at = _SHEET_DATA.search(head)
    m = _DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
    if not m:
        return None
    c1, r1, c2, r2 = (g.decode("ascii") for g in m.groups())
    if not c2 and not r2:       # a single cell: 'A1'
        c2, r2 = c1, r1
    col1, col2 = column_number(c1 or "A"), column_number(c2 or "XFD")
    row1, row2 = int(r1 or 1), int(r2 or MAX_ROWS)
    ref = f"{c1}{r1}:{c2}{r2}" if (c2, r2) != (c1, r1) else f"{c1}{r1}"
    return ref, abs(row2 - row1) + 1, abs(col2 - col1) + 1


def _sheet_problem(sheet: SheetInfo) -> InputRefused | None:
    if sheet.columns is None or sheet.rows is None:
        return None
    where = {"sheet": sheet.name, "ref": sheet.ref}
    if sheet.columns > MAX_COLUMNS:
        return InputRefused("too_many_columns", columns=sheet.columns, limit=MAX_COLUMNS, **where)
    if sheet.rows > MAX_ROWS:
        return InputRefused("too_many_rows", rows=sheet.rows, limit=MAX_ROWS, **where)
    if sheet.rows * sheet.columns > MAX_CELLS:
        return InputRefused("too_many_cells", cells=sheet.rows * sheet.columns, limit=MAX_CELLS, **where)
    return None


def _read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise InputRefused("zip_bomb", part=name, size=info.file_size)
    with zf.open(info) as handle:
        return handle.read(MAX_PART_BYTES + 1)


def _parse_xml(zf: zipfile.ZipFile, name: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(_read_part(zf, name))
    except ElementTree.ParseError as exc:
        raise InputRefused("corrupt_xlsx", part=name, detail=str(exc)[:200]) from None


def _relationships(zf: zipfile.ZipFile, name: str, base: str) -> dict[str, str]:
    """Id -> member path of a .rels part (targets resolved against `base`)."""
    if name not in zf.NameToInfo:
        return {}
    out = {}
    for rel in _parse_xml(zf, name):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        out[rel.get("Id", "")] = path
    return out


def _check_members(zf: zipfile.ZipFile) -> int:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputRefused("zip_bomb", part=f"{len(infos)} members", size=len(infos))
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES
                or (info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO)):
            raise InputRefused("zip_bomb", part=info.filename, size=info.file_size, ratio=round(ratio))
        if info.flag_bits & 0x1:
            raise InputRefused("encrypted", part=info.filename)
    return total


def _sheets(zf: zipfile.ZipFile) -> list[SheetInfo]:
    root_rels = _relationships(zf, "_rels/.rels", "")
    workbook = next((p for p in root_rels.values() if p.endswith(".xml") and "workbook" in p), "xl/workbook.xml")
    if workbook not in zf.NameToInfo:
        raise InputRefused("not_xlsx", missing=workbook)
    base = posixpath.dirname(workbook)
    rels = _relationships(zf, posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels"), base)
    sheets = []
    for element in _parse_xml(zf, workbook).iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        part = rels.get(element.get(f"{_NS_REL}id", ""))
        sheets.append(SheetInfo(element.get("name", ""), part if part in zf.NameToInfo else None,
                                element.get("state", "visible")))
    return sheets


def _read_dimension(zf: zipfile.ZipFile, sheet: SheetInfo) -> None:
    """Fill sheet.ref/rows/columns from the first HEAD_BYTES of its XML (streaming decompression)."""
    if sheet.part is None or "worksheets/" not in sheet.part:
        return
    try:
        with zf.open(sheet.part) as handle:
            head = handle.read(HEAD_BYTES)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise InputRefused("corrupt_xlsx", part=sheet.part, detail=str(exc)[:200]) from None
    found = parse_dimension(head)
    if found:
        sheet.ref, sheet.rows, sheet.columns = found
    sheet.problem = _sheet_problem(sheet)


def check_xlsx(path: str | Path, sheet: str | None = None) -> XlsxInfo:
    """Look into a workbook without parsing cells; refuse what cannot be read safely.

    Args:
        path: an .xlsx/.xlsm (inspected), .ods (ZIP checked) or .xls (passed on: the reader's
            child process limits are its only guard).
        sheet: the sheet the caller will read. Its declared size must be within the limits;
            with None, sheets over the limits are only marked (`SheetInfo.problem`) unless
            every sheet is, then the first one's problem is raised.

    Returns:
        XlsxInfo with every sheet's name, state and declared dimension.

    Raises:
        InputRefused: not_xlsx, corrupt_xlsx, encrypted, zip_bomb, empty_file, no_such_sheet,
            too_many_columns, too_many_rows, too_many_cells.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise InputRefused("empty_file")
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith(OLE2_MAGIC):
        # a legacy .xls, or an XLSX encrypted with a password (calamine tells which)
        return XlsxInfo(path, "xls", size)
    if not magic.startswith(ZIP_MAGIC):
        raise InputRefused("not_xlsx")
    try:
        with zipfile.ZipFile(path) as zf:
            total = _check_members(zf)
            if "mimetype" in zf.NameToInfo and _read_part(zf, "mimetype").strip() == ODS_MIMETYPE:
                return XlsxInfo(path, "ods", size, uncompressed=total)
            info = XlsxInfo(path, "xlsx", size, _sheets(zf), total)
            for entry in info.sheets:
                _read_dimension(zf, entry)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        # starts like a ZIP but its directory is missing or broken: cut off or damaged
        raise InputRefused("corrupt_xlsx", part="zip", detail=str(exc)[:200]) from None
    if not info.sheets:
        raise InputRefused("empty_file")
    if sheet is not None:
        chosen = info.sheet(sheet)
        if chosen is None:
            raise InputRefused("no_such_sheet", sheet=sheet, sheets=", ".join(info.sheet_names))
        if chosen.problem:
            raise chosen.problem
    elif all(s.problem for s in info.sheets):
        raise info.sheets[0].problem
    return info
