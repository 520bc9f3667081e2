"""The CSV fast path (csvcheck.scan_csv_fast): the same answer as the full scan, or none at all."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import readers
from pipelines.ingest.csvcheck import has_utf8_sequence, scan_csv, scan_csv_fast
from pipelines.ingest.limits import InputRefused

DATA = Path(__file__).resolve().parents[1] / "data"
H = "Teilnehmer-ID;Standort;Kohorte;Eintritt;Bemerkung"
SAME = ("encoding", "delimiter", "header_line", "header", "header_known", "record_lines", "blank_lines", "notes")


def _full(data: bytes):
    try:
        return scan_csv(data)
    except InputRefused as refusal:
        return refusal.code


@pytest.mark.parametrize("path", sorted((DATA / "hostile").glob("*.csv")) + sorted((DATA / "office").glob("*.csv")),
                         ids=lambda p: p.name)
def test_fast_path_agrees_with_the_full_scan_on_the_corpus(path):
    data = path.read_bytes()
    fast, full = scan_csv_fast(data), _full(data)
    if fast is not None:     # taken: the very same answer (a refused file is never taken)
        assert not isinstance(full, str), full
        assert {k: getattr(fast, k) for k in SAME} == {k: getattr(full, k) for k in SAME}


@pytest.mark.parametrize("text, encoding, taken", [
    (f"Liste;;;;\r\nStand: 30.06.2023;;;;\r\n\r\n{H}\r\nK-1;Köln;1;01.09.2020;\r\n\r\nK-2;Bonn;1;x\r\n", "cp1252", True),
    (f"{H}\nK-1;Köln;1;01.09.2020;\nK-2;Bonn;1;x;\n\n", "utf-8", True),
    (f"\ufeff{H}\nK-1;Köln;1;01.09.2020;\n", "utf-8", True),
    (f"{H}\nK-1;Köln;1;01.09.2020;€ „x“ – ok\nK-2", "cp1252", True),   # no line end at the end
    (f'{H}\nK-1;"Köln";1;01.09.2020;\n', "utf-8", False),               # a quote: the full scan
    (f"{H}\nK-1;Köln;1;01.09.2020;;;x\n", "utf-8", False),              # a field without a header
    (f"{H}\rK-1;Köln;1;01.09.2020;\r", "utf-8", False),                 # old Mac line ends
])
def test_fast_path_takes_the_common_file_only(text, encoding, taken):
    data = text.encode(encoding)
    fast = scan_csv_fast(data)
    assert (fast is not None) == taken
    if taken:
        full = scan_csv(data)
        assert {k: getattr(fast, k) for k in SAME} == {k: getattr(full, k) for k in SAME}


def test_mixed_or_undefined_bytes_go_to_the_full_scan():
    mixed = f"{H}\nK-1;Köln;1;01.09.2020;\nK-2;Dü".encode() + b"sseldorf \xfc;1;x;\n"
    assert scan_csv_fast(mixed) is None and _full(mixed) == "mixed_encoding"
    undefined = f"{H}\nK-1;K".encode("cp1252") + b"\x81ln;1;x;\n"
    assert scan_csv_fast(undefined) is None and scan_csv(undefined).notes == ["replaced_bytes"]
    assert has_utf8_sequence("Köln".encode()) and not has_utf8_sequence("Köln".encode("cp1252"))
    assert not has_utf8_sequence(b"\xc3") and has_utf8_sequence(b"x\xf0\x9f\x98\x80")


def test_windows_1252_read_by_duckdb_with_every_character_right(tmp_path):
    f = tmp_path / "tn.csv"
    f.write_bytes(f"Liste\r\n\r\n{H}\r\nK-1;Köln;1;01.09.2020;€ „Zitat“ – Œuvre ‰ Ÿ\r\n\r\nK-2;Bonn;2;x;\r\n"
                  .encode("cp1252"))
    plain = tmp_path / "plain.csv"      # no byte 0x80-0x9F: DuckDB reads the file itself, as latin-1
    plain.write_bytes(f"{H}\r\nK-1;Köln;1;01.09.2020;Straße\r\n".encode("cp1252"))
    assert (scan_csv_fast(plain.read_bytes()).direct, scan_csv_fast(f.read_bytes()).recode) == ("latin-1", True)
    con = duckdb.connect()
    readers.stage(con, plain, "_stg")
    assert con.execute('select _line, "Standort", "Bemerkung" from _stg').fetchall() == [(2, "Köln", "Straße")]
    staged = readers.stage(con, f, "_stg")
    assert (staged.encoding, staged.rows, staged.header_row) == ("cp1252", 2, 3)
    assert con.execute('select _line, "Teilnehmer-ID", "Standort", "Bemerkung" from _stg order by _line').fetchall() == [
        (4, "K-1", "Köln", "€ „Zitat“ – Œuvre ‰ Ÿ"), (6, "K-2", "Bonn", None)]
