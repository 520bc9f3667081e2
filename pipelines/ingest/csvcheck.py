"""A CSV checked before DuckDB reads it: encoding, delimiter, header row, quotes, limits.

DuckDB reads CSV fast but forgives too much: a stray quote swallows the records after it
without a word ("read 0, loaded 0"), 10,000 columns cost it 15 s and 0.8 GB. `scan_csv` reads
the bytes once with Python's csv module and refuses what DuckDB would misread, or returns what
the reader needs: the text (decoded), the delimiter, the header row (title rows above it are
skipped), and the physical line where every record starts, so that DuckDB's row count can be
checked against it and every row named by its line.

Encoding: UTF-8 with or without BOM, else Windows-1252. A file mixing the two (valid UTF-8
umlauts and single Windows-1252 bytes, also after a UTF-8 BOM) is refused as
`mixed_encoding` naming the line of the first invalid byte: read either way, some names would
be silently garbled. A BOM followed by Windows-1252 text with no UTF-8 at all (an editor
added the BOM) is read as Windows-1252, with the note `bom_cp1252`.
"""

from __future__ import annotations

import csv
import re
from array import array
from dataclasses import dataclass, field

from pipelines.ingest import limits
from pipelines.ingest.headers_guess import find_header_row, first_nonblank, header_score, widest_row
from pipelines.ingest.limits import InputRefused

DELIMITERS = (";", ",", "\t")
CSV_FIELD_LIMIT = csv.field_size_limit()   # 131,072 unless someone changed it; never changed here
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass
class CsvScan:
    """What a CSV holds, as far as reading it safely needs."""

    text: str                           # decoded
    encoding: str                       # 'utf-8' | 'utf-8-sig' | 'cp1252' | 'utf-16'
    delimiter: str
    header_line: int                    # physical line of the header row (1-based); DuckDB: skip = this
    header: list[str]                   # header cells as written
    header_known: int                   # known headers in that row (0: first non-blank row taken)
    record_lines: array = field(default_factory=lambda: array("i"))  # start line of each record after it
    blank_lines: int = 0                # blank lines after the header (DuckDB skips them as well)
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Records after the header: what DuckDB must count when reading with skip = header_line."""
        return len(self.record_lines)

    @property
    def width(self) -> int:
        return len(self.header)


def physical_lines(text: str, start: int = 0):
    """The physical lines of a text from offset `start`, with their line ends, without copying it
    (io.StringIO would hold the text again at 4 bytes a character). Lines end at '\n'; a text
    without any '\n' ends its lines at '\r' (old Excel for Mac)."""
    sep = "\n" if "\n" in text else "\r"
    position, size = start, len(text)
    while position < size:
        end = text.find(sep, position)
        if end < 0:
            yield text[position:]
            return
        yield text[position:end + 1]
        position = end + 1


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_csv(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, notes): UTF-8 ± BOM, UTF-16 with BOM, else Windows-1252; mixed refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise InputRefused("unreadable", detail=f"UTF-16: {exc.reason}") from None
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8", []
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(body):
            raise InputRefused("mixed_encoding", line=_line_of(body, exc.start),
                               byte=f"0x{body[exc.start]:02X}") from None
    text = body.decode("cp1252", errors="replace")
    notes = ["bom_cp1252"] if bom else []
    if "\ufffd" in text:
        notes.append("replaced_bytes")   # 0x81, 0x8D, 0x8F, 0x90, 0x9D: not characters in cp1252
    return text, "cp1252", notes


def _sniff(line: str) -> str:
    """The most frequent of ; , tab outside quotes (ties: ';'); ',' when none (as readers.sniff_delimiter)."""
    counts = {d: 0 for d in DELIMITERS}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ","


def _physical_line(text: str, number: int) -> str:
    for index, line in enumerate(physical_lines(text), start=1):
        if index == number:
            return line.rstrip("\r\n")
    return ""


def _too_long(text: str, line: int, delimiter: str, code: str) -> InputRefused:
    """A refusal for a field over the csv module's limit, naming its column when it can."""
    cells = _physical_line(text, line).split(delimiter)
    column = max(range(len(cells)), key=lambda i: len(cells[i])) + 1 if cells else None
    length = len(cells[column - 1]) if column else None
    limit = limits.MAX_HEADER_CHARS if code == "header_too_long" else CSV_FIELD_LIMIT
    return InputRefused(code, line=line, column=column, length=length, limit=limit)


def _head(text: str, delimiter: str, max_scan: int) -> tuple[list[list[str]], list[int], int | None]:
    """The first records (blank lines as []), their start lines, and the line of a csv error."""
    rows, lines = [], []
    reader = csv.reader(physical_lines(text), delimiter=delimiter)
    end = 0
    try:
        for record in reader:
            rows.append(record)
            lines.append(end + 1)
            end = reader.line_num
            if len(rows) >= max_scan:
                break
    except csv.Error:
        return rows, lines, end + 1
    return rows, lines, None


def _find_header(text: str, delimiter: str | None) -> tuple[str, int, list[str], int]:
    """(delimiter, header line, header cells, known headers) from the first records."""
    max_scan = limits.MAX_SCAN_ROWS
    best = None
    for candidate in (delimiter,) if delimiter else DELIMITERS:
        rows, lines, error_line = _head(text, candidate, max_scan)
        index = find_header_row(rows, max_scan)
        if index is None:
            if error_line is not None and first_nonblank(rows) is None:
                # no header yet and a field over 131,072 characters: the header is that field
                raise _too_long(text, error_line, candidate, "header_too_long")
            continue
        score = header_score(rows[index])
        if best is None or score > best[3]:
            best = (candidate, lines[index], rows[index], score)
    if best is not None:
        return best
    head_lines = [line for _, line in zip(range(max_scan), physical_lines(text))]
    chosen = delimiter or _sniff("".join(head_lines).replace('"', ""))
    rows, lines, error_line = _head(text, chosen, max_scan)
    index = widest_row(rows, max_scan)
    if index is None:
        if error_line is not None:
            raise _too_long(text, error_line, chosen, "header_too_long")
        raise InputRefused("empty_file")
    return chosen, lines[index], rows[index], 0


def _offset_of_line(text: str, number: int) -> int:
    offset = 0
    for index, line in enumerate(physical_lines(text), start=1):
        if index == number:
            break
        offset += len(line)
    return offset


def _merges_records(physical: list[str], delimiter: str, width: int) -> bool:
    """Two or more of a record's physical lines each hold a whole record's delimiters: a quote
    swallowed the line breaks between records (a legitimate multi-line field holds text)."""
    need = max(2, width - 1)
    return sum(line.count(delimiter) >= need for line in physical) >= 2


def scan_csv(data: bytes, delimiter: str | None = None) -> CsvScan:
    """Check a CSV's bytes and find its header row and the line of every record.

    Args:
        data: the file's bytes.
        delimiter: force one ('\\t' for .tsv); None: the one that gives the best header row.

    Returns:
        CsvScan; `rows` is the number of records after the header (blank lines not counted),
        which DuckDB must match when reading `text` with skip = header_line.

    Raises:
        InputRefused: empty_file, mixed_encoding (line), too_many_columns (line),
            header_too_long (line, column), field_too_long (line, column),
            unclosed_quote (line where the quoted field starts, lines merged), bad_quote (line).
    """
    if not data.strip():
        raise InputRefused("empty_file")
    text, encoding, notes = decode_csv(data)
    delimiter, header_line, header, known = _find_header(text, delimiter)
    if len(header) > limits.MAX_COLUMNS:
        raise InputRefused("too_many_columns", line=header_line, columns=len(header), limit=limits.MAX_COLUMNS)
    for column, cell in enumerate(header, start=1):
        if len(cell) > limits.MAX_HEADER_CHARS:
            raise InputRefused("header_too_long", line=header_line, column=column, length=len(cell),
                               limit=limits.MAX_HEADER_CHARS)
    scan = CsvScan(text, encoding, delimiter, header_line, header, known, notes=notes)
    _scan_records(scan)
    return scan


def _scan_records(scan: CsvScan) -> None:
    """Fill record_lines and blank_lines; refuse quotes that merge records and overlong rows."""
    text, delimiter, width = scan.text, scan.delimiter, scan.width
    physical: list[str] = []       # the physical lines of the record being read

    def lines():
        for line in physical_lines(text, _offset_of_line(text, scan.header_line)):
            physical.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    base = scan.header_line - 1          # physical lines before the header
    end = scan.header_line               # last physical line read so far
    try:
        next(reader)                     # the header itself
        end = base + reader.line_num
        physical.clear()
        for record in reader:
            start, end = end + 1, base + reader.line_num
            if end > start and (len(record) != width or _merges_records(physical, delimiter, width)):
                first = next(i for i, value in enumerate(record) if "\n" in value or "\r" in value)
                opens = start + sum(value.count("\n") for value in record[:first])
                raise InputRefused("unclosed_quote", line=opens, lines=end - opens + 1)
            physical.clear()
            if not record:
                scan.blank_lines += 1
                continue
            if len(record) > limits.MAX_COLUMNS:
                raise InputRefused("too_many_columns", line=start, columns=len(record), limit=limits.MAX_COLUMNS)
            if len(record) > width and any(value.strip() for value in record[width:]):
                # more fields than headers: a value without a column would be lost
                raise InputRefused("bad_row_shape", line=start, found=len(record), expected=width)
            scan.record_lines.append(start)
    except csv.Error as exc:
        message = str(exc)
        start, now = end + 1, base + reader.line_num
        if "unexpected end of data" in message:
            raise InputRefused("unclosed_quote", line=start, lines=max(now, start) - start + 1) from None
        if "field larger than field limit" in message:
            if now > start:   # the field runs over several lines: a quote that is not closed
                raise InputRefused("unclosed_quote", line=start, lines=now - start + 1) from None
            raise _too_long(text, start, delimiter, "field_too_long") from None
        if "expected after" in message:
            raise InputRefused("bad_quote", line=now) from None
        raise InputRefused("unreadable", line=start, detail=message[:200]) from None
