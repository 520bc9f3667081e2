"""A CSV checked before DuckDB reads it: encoding, delimiter, header row, quotes, limits.

DuckDB reads CSV fast but forgives too much: a stray quote swallows the records after it
without a word ("read 0, loaded 0"), 10,000 columns cost it 15 s and 0.8 GB. `scan_csv` reads
the bytes once with Python's csv module and refuses what DuckDB would misread, or returns what
the reader needs: the text (decoded), the delimiter, the header row (title rows above it are
skipped), and the physical line where every record starts, so that DuckDB's row count can be
checked against it and every row named by its line.

`scan_csv_fast` is the same check without the csv module, for the common file (no quote character,
every line one record, no line longer than a field may be): numpy counts the lines and the
delimiters of each, and DuckDB reads the file's own bytes (Windows-1252 as latin-1, which DuckDB
1.5 refuses for the bytes 0x80-0x9F: a file with „ “ – € is given to DuckDB as a UTF-8 copy,
`recode`). Anything else (`None`) goes through `scan_csv`, which decides every hostile file.

Encoding: UTF-8 with or without BOM, else Windows-1252. A file mixing the two (valid UTF-8
umlauts and single Windows-1252 bytes, also after a UTF-8 BOM) is refused as
`mixed_encoding` naming the line of the first invalid byte: read either way, some names would
be silently garbled. A BOM followed by Windows-1252 text with no UTF-8 at all (an editor
added the BOM) is read as Windows-1252, with the note `bom_cp1252`.
"""

from __future__ import annotations

import codecs
import csv
import re
from array import array
from dataclasses import dataclass, field

import numpy as np

from pipelines.ingest import limits
from pipelines.ingest.headers_guess import find_header_row, first_nonblank, header_score, widest_row
from pipelines.ingest.limits import InputRefused

DELIMITERS = (";", ",", "\t")
CSV_FIELD_LIMIT = csv.field_size_limit()   # 131,072 unless someone changed it; never changed here
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CHUNK = 1 << 24                    # bytes looked at by one numpy step (bounded memory)
# bytes that are no character in Windows-1252 (the full scan replaces and notes them)
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


@dataclass
class CsvScan:
    """What a CSV holds, as far as reading it safely needs."""

    text: str                           # decoded (scan_csv_fast: the first lines only)
    encoding: str                       # 'utf-8' | 'utf-8-sig' | 'cp1252' | 'utf-16'
    delimiter: str
    header_line: int                    # physical line of the header row (1-based); DuckDB: skip = this
    header: list[str]                   # header cells as written
    header_known: int                   # known headers in that row (0: first non-blank row taken)
    record_lines: array = field(default_factory=lambda: array("i"))  # start line of each record after it
    blank_lines: int = 0                # blank lines after the header (DuckDB skips them as well)
    notes: list[str] = field(default_factory=list)
    direct: str | None = None           # scan_csv_fast: DuckDB reads the file itself, with this encoding
    recode: bool = False                # ... from a UTF-8 copy (Windows-1252 with bytes 0x80-0x9F)

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
        if has_utf8_sequence(body):
            raise InputRefused("mixed_encoding", line=_line_of(body, exc.start),
                               byte=f"0x{body[exc.start]:02X}") from None
    text = body.decode("cp1252", errors="replace")
    notes = ["bom_cp1252"] if bom else []
    if "\ufffd" in text:
        notes.append("replaced_bytes")   # 0x81, 0x8D, 0x8F, 0x90, 0x9D: not characters in cp1252
    return text, "cp1252", notes


def _lead_positions(buf: np.ndarray) -> np.ndarray:
    """Positions of the bytes that can start a UTF-8 multi-byte sequence (0xC2-0xF4)."""
    found = [np.flatnonzero((buf[a:a + _CHUNK] >= 0xC2) & (buf[a:a + _CHUNK] <= 0xF4)) + a
             for a in range(0, len(buf), _CHUNK)]
    return np.concatenate(found) if found else np.zeros(0, np.int64)


def has_utf8_sequence(data: bytes) -> bool:
    """Whether the bytes hold a well-formed UTF-8 multi-byte sequence anywhere (what the pattern
    _UTF8_MULTIBYTE finds), in numpy: a Windows-1252 file's umlauts are single bytes, never one."""
    buf = np.frombuffer(data, np.uint8)
    lead = _lead_positions(buf)
    if not len(lead):
        return False
    first = buf[lead]

    def continuation(k: int) -> np.ndarray:
        pos = lead + k
        inside = pos < len(buf)
        out = np.zeros(len(lead), bool)
        out[inside] = (buf[pos[inside]] & 0xC0) == 0x80
        return out

    c1 = continuation(1)
    two = (first <= 0xDF) & c1
    three = (first >= 0xE0) & (first <= 0xEF) & c1 & continuation(2)
    four = (first >= 0xF0) & c1 & continuation(2) & continuation(3)
    return bool((two | three | four).any())


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


# --------------------------------------------------------------------------- the fast path

def _fast_encoding(data: bytes) -> tuple[str, str, bool] | None:
    """(encoding, DuckDB's encoding, a UTF-8 copy needed) of a file DuckDB may read itself;
    None when the full scan must decide (UTF-16, a BOM before Windows-1252, mixed, undefined bytes)."""
    bom = data.startswith(b"\xef\xbb\xbf")
    body = memoryview(data)[3:] if bom else memoryview(data)
    utf8 = "utf-8-sig" if bom else "utf-8"
    if data.isascii():
        return utf8, "utf-8", False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for a in range(0, len(body), _CHUNK):
            decoder.decode(body[a:a + _CHUNK], final=a + _CHUNK >= len(body))
        return utf8, "utf-8", False
    except UnicodeDecodeError:
        pass
    if bom or has_utf8_sequence(data):
        return None
    buf = np.frombuffer(data, np.uint8)
    c1 = np.zeros(256, np.int64)
    for a in range(0, len(buf), _CHUNK):
        chunk = buf[a:a + _CHUNK]
        c1 += np.bincount(chunk[chunk >= 0x80], minlength=256)
    if c1[list(_CP1252_UNDEFINED)].any():
        return None
    return "cp1252", "latin-1", bool(c1[0x80:0xA0].any())


def _line_ends(buf: np.ndarray) -> np.ndarray:
    """Where each physical line ends (its '\n', or the end of the data)."""
    found = [np.flatnonzero(buf[a:a + _CHUNK] == 10) + a for a in range(0, len(buf), _CHUNK)]
    ends = np.concatenate(found) if found else np.zeros(0, np.int64)
    if len(buf) and buf[-1] != 10:
        ends = np.append(ends, len(buf))
    return ends


def scan_csv_fast(data: bytes, delimiter: str | None = None) -> CsvScan | None:
    """`scan_csv`'s answer for the common file, without Python's csv module; None when the full scan
    must decide: a quote character anywhere, a line break other than LF or CRLF, a NUL byte, a line
    longer than a field may be, a line with more fields than the header, or an encoding that needs it.

    The file is then one record per non-blank line, and DuckDB reads it itself (`direct`)."""
    if not data.strip() or b'"' in data or b"\x00" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    encodings = _fast_encoding(data)
    if encodings is None:
        return None
    encoding, direct, recode = encodings
    buf = np.frombuffer(data, np.uint8)
    ends = _line_ends(buf)
    starts = np.concatenate(([0], ends[:-1] + 1))
    if int((ends - starts).max()) > CSV_FIELD_LIMIT:
        return None
    head_end = int(ends[min(limits.MAX_SCAN_ROWS, len(ends)) - 1]) + 1
    head = bytes(data[3:head_end] if encoding == "utf-8-sig" else data[:head_end])
    text = head.decode("cp1252" if encoding == "cp1252" else "utf-8")
    delimiter, header_line, header, known = _find_header(text, delimiter)
    if len(header) > limits.MAX_COLUMNS or any(len(cell) > limits.MAX_HEADER_CHARS for cell in header):
        return None     # the full scan names the refusal
    # per line after the header: its length without the line end, and its delimiters
    after_starts, after_ends = starts[header_line:], ends[header_line:]
    lengths = after_ends - after_starts
    has_cr = np.zeros(len(lengths), bool)
    nonempty = lengths > 0
    has_cr[nonempty] = buf[after_ends[nonempty] - 1] == 13
    blank = (lengths - has_cr) == 0
    delimiters = np.zeros(len(ends), np.int64)
    code = ord(delimiter)
    for a in range(0, len(buf), _CHUNK):
        at = np.flatnonzero(buf[a:a + _CHUNK] == code) + a
        delimiters += np.bincount(np.searchsorted(ends, at), minlength=len(ends))
    if (delimiters[header_line:][~blank] > len(header) - 1).any():
        return None     # more fields than headers: the full scan decides whether a value is lost
    records = np.flatnonzero(~blank) + header_line + 1
    scan = CsvScan(text, encoding, delimiter, header_line, header, known, direct=direct, recode=recode)
    scan.record_lines.frombytes(records.astype(np.int32).tobytes())
    scan.blank_lines = int(blank.sum())
    return scan


def check_csv(data: bytes, delimiter: str | None = None) -> CsvScan:
    """The fast path where it applies, else the full scan (see the module's docstring)."""
    return scan_csv_fast(data, delimiter) or scan_csv(data, delimiter)
