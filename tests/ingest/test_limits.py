"""Limits: a workbook looked into before parsing (check_xlsx), and CSVs checked before DuckDB (scan_csv)."""

from __future__ import annotations

import time
import zipfile

import duckdb
import pytest

from pipelines.ingest import limits
from pipelines.ingest.csvcheck import scan_csv
from pipelines.ingest.limits import InputRefused, check_xlsx, child_limits, parse_dimension
from tests.helpers import hostile
from tests.helpers.hostile import GUARD_SECONDS, expected

H = hostile.CSV_HEADER


def refusal(call, *args, **kw) -> InputRefused:
    with pytest.raises(InputRefused) as refused:
        call(*args, **kw)
    return refused.value


# --------------------------------------------------------------------------- the corpus (CSV)

@pytest.mark.parametrize("name", sorted(n for n in hostile.BUILDERS if n.startswith("csv")))
def test_every_csv_gets_its_decision_in_time(tmp_path, name):
    path = hostile.BUILDERS[name](tmp_path / name)
    started = time.perf_counter()
    decision = hostile.decide(path)
    assert time.perf_counter() - started < GUARD_SECONDS
    assert decision == expected(name)


# --------------------------------------------------------------------------- check_xlsx

def test_check_xlsx_reads_sheets_states_and_declared_dimensions(tmp_path):
    def setup(workbook, sheets):
        sheets["Listen"].hide()
    path = hostile._xlsx(tmp_path / "w.xlsx", {"TN": [hostile.HEADER, *hostile._participants(3)],
                                                "Listen": [["Köln"], ["Bonn"]]}, setup=setup)
    info = check_xlsx(path)
    assert (info.kind, info.sheet_names, info.readable()) == ("xlsx", ["TN", "Listen"], ["TN", "Listen"])
    tn, lists = info.sheets
    assert (tn.part, tn.state, tn.ref, tn.rows, tn.columns, tn.cells) == (
        "xl/worksheets/sheet1.xml", "visible", "A1:F4", 4, 6, 24)
    assert (lists.state, lists.ref) == ("hidden", "A1:A2")


def test_check_xlsx_refuses_a_declared_far_cell_in_the_sheet_asked_for(tmp_path):
    problem = refusal(check_xlsx, hostile.xlsx_far_cell(tmp_path / "f.xlsx"))
    assert (problem.code, problem.params) == ("too_many_columns", {
        "columns": 16384, "limit": 500, "sheet": "Tabelle1", "ref": "A1:XFD1048576"})
    assert refusal(check_xlsx, hostile.xlsx_far_cell(tmp_path / "g.xlsx"), sheet="Tabelle1").code == "too_many_columns"
    assert refusal(check_xlsx, hostile.xlsx_far_cell(tmp_path / "h.xlsx"), sheet="Nope").code == "no_such_sheet"


def test_check_xlsx_believes_the_declared_dimension(tmp_path):
    # the lie is caught later, by the child's memory limit (test_sheets)
    info = check_xlsx(hostile.xlsx_far_cell_lying(tmp_path / "f.xlsx"))
    assert info.sheets[0].ref == "A1:F3" and info.sheets[0].problem is None


def test_too_many_rows_and_cells_are_refused_from_the_dimension():
    assert parse_dimension(b'<worksheet><dimension ref="A1:T1048576"/><sheetData>') == ("A1:T1048576", 1048576, 20)
    sheet = limits.SheetInfo("S", "xl/worksheets/sheet1.xml", ref="A1:Z1048576", rows=1_048_576, columns=26)
    assert limits._sheet_problem(sheet).code == "too_many_cells"
    sheet.rows = 2_000_000
    assert limits._sheet_problem(sheet).code == "too_many_rows"


@pytest.mark.parametrize(("head", "found"), [
    (b'<worksheet><dimension ref="A1"/><sheetData/>', ("A1", 1, 1)),
    (b'<x:worksheet><x:dimension ref="B2:D10"/><x:sheetData>', ("B2:D10", 9, 3)),
    (b"<worksheet><sheetData><row/></sheetData>", None),
    (b'<worksheet><sheetData><c>&lt;dimension ref="A1:XFD1"/&gt;</c>', None),   # only before sheetData
])
def test_parse_dimension(head, found):
    assert parse_dimension(head) == found


def test_column_letters_and_numbers():
    assert [limits.column_number(c) for c in ("A", "Z", "AA", "XFD")] == [1, 26, 27, 16384]
    assert [limits.column_letters(n) for n in (1, 26, 27, 16384)] == ["A", "Z", "AA", "XFD"]


def test_zip_level_problems(tmp_path):
    assert refusal(check_xlsx, hostile.xlsx_not_a_zip(tmp_path / "a.xlsx")).code == "not_xlsx"
    assert refusal(check_xlsx, hostile.xlsx_no_workbook(tmp_path / "b.xlsx")).params == {"missing": "xl/workbook.xml"}
    assert refusal(check_xlsx, hostile.xlsx_truncated(tmp_path / "c.xlsx")).params["part"] == "zip"
    bad = refusal(check_xlsx, hostile.xlsx_bad_deflate(tmp_path / "d.xlsx"))
    assert (bad.code, bad.params["part"]) == ("corrupt_xlsx", "xl/worksheets/sheet1.xml")
    assert refusal(check_xlsx, hostile.xlsx_bad_workbook_xml(tmp_path / "e.xlsx")).params["part"] == "xl/workbook.xml"
    bomb = refusal(check_xlsx, hostile.xlsx_zip_bomb(tmp_path / "f.xlsx"))
    assert (bomb.code, bomb.params["part"]) == ("zip_bomb", "xl/worksheets/sheet1.xml") and bomb.params["ratio"] > 200
    (tmp_path / "g.xlsx").write_bytes(b"")
    assert refusal(check_xlsx, tmp_path / "g.xlsx").code == "empty_file"


def test_a_legacy_xls_is_passed_on_to_the_child(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(limits.OLE2_MAGIC + b"\0" * 504)
    assert check_xlsx(path).kind == "xls"


def test_many_members_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_MEMBERS", 5)
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(6):
            zf.writestr(f"x{i}.xml", "<x/>")
    assert refusal(check_xlsx, path).code == "zip_bomb"


def test_child_limits_grow_with_honest_big_files_only():
    assert child_limits(1_500) == (2**30, 9.0)
    assert child_limits(2**20) == (2**30, 9.0)
    memory, seconds = child_limits(40 * 2**20)
    assert memory == 64 * 40 * 2**20 and seconds == pytest.approx(9 + 2 * 39)
    assert child_limits(10 * 2**30) == (4 * 2**30, 600.0)


def test_uploads_over_the_limit_are_refused():
    limits.check_upload(limits.MAX_UPLOAD_BYTES)
    assert refusal(limits.check_upload, limits.MAX_UPLOAD_BYTES + 1).code == "upload_too_large"


# --------------------------------------------------------------------------- scan_csv

def test_title_rows_are_skipped_and_every_record_has_its_line():
    scan = scan_csv((f"Teilnehmerinnenliste;;;;\nStand: 30.06.2023;;;;\n\n{H}\nK-1;Köln;1;01.09.2020;\n\n"
                     "K-2;Bonn;1;01.09.2020;\n;;;;\n").encode())
    assert (scan.delimiter, scan.header_line, scan.header_known, scan.width) == (";", 4, 5, 5)
    assert (list(scan.record_lines), scan.blank_lines, scan.rows) == ([5, 7, 8], 1, 3)


def test_a_field_over_two_lines_is_allowed_and_lines_stay_right():
    scan = scan_csv(f'{H}\nK-1;"Köln\nSüd";1;01.09.2020;\nK-2;Bonn;1;01.09.2020;\n'.encode())
    assert list(scan.record_lines) == [2, 4]


@pytest.mark.parametrize(("body", "line", "lines"), [
    ('K-1;Köln;1;x;\nK-2;"Köln;1;x;\nK-3;Bonn;1;x;\nK-4;Bonn;1;x;\n', 3, 3),     # never closed
    ('K-1;Köln;1;x;\nK-2;Köln;1;"x;\nK-3;Bonn;1;x;\n', 3, 2),                   # last field, never closed
    ('K-1;"Köln;1;x;\nK-2;Bonn";1;x;\n', 2, 2),                                  # closed a line later
    ('K-1;Köln;1;x;\nK-2;"Köln;1;x;\nK-3;Bonn;1;x;\nK-4;Bonn";1;x;\nK-5;a;1;x;\n', 3, 3),  # right width
])
def test_a_quote_that_merges_lines_is_refused_where_it_opens(body, line, lines):
    problem = refusal(scan_csv, f"{H}\n{body}".encode())
    assert (problem.code, problem.line, problem.params) == ("unclosed_quote", line, {"lines": lines})


def test_text_after_a_closing_quote_is_refused_with_its_line():
    problem = refusal(scan_csv, f'{H}\nK-1;Köln;1;x;\nK-2;"Köln" Süd;1;x;\n'.encode())
    assert (problem.code, problem.line) == ("bad_quote", 3)


def test_a_quote_inside_a_field_is_a_character():
    assert scan_csv(f'{H}\nK-1;Kö"ln;1;x;\nK-2;Bonn;1;x;\n'.encode()).rows == 2


@pytest.mark.parametrize(("data", "encoding", "notes"), [
    (f"{H}\nK-1;Köln;1;x;\n".encode(), "utf-8", []),
    (b"\xef\xbb\xbf" + f"{H}\nK-1;Köln;1;x;\n".encode(), "utf-8-sig", []),
    (f"{H}\nK-1;Köln;1;x;\n".encode("cp1252"), "cp1252", []),
    (b"\xef\xbb\xbf" + f"{H}\nK-1;Köln;1;x;\n".encode("cp1252"), "cp1252", ["bom_cp1252"]),
    (f"{H}\nK-1;K\x81ln;1;x;\n".encode("latin-1"), "cp1252", ["replaced_bytes"]),
    (f"{H}\nK-1;Köln;1;x;\n".encode("utf-16"), "utf-16", []),
])
def test_encodings(data, encoding, notes):
    scan = scan_csv(data)
    assert (scan.encoding, scan.notes, scan.header[0]) == (encoding, notes, "Teilnehmer-ID")


def test_mixed_utf8_and_cp1252_is_refused_at_the_first_bad_byte():
    data = b"\xef\xbb\xbf" + f"{H}\nK-1;Köln;1;x;\n".encode() + "K-2;Köln;1;x;\n".encode("cp1252")
    problem = refusal(scan_csv, data)
    assert (problem.code, problem.line, problem.params) == ("mixed_encoding", 3, {"byte": "0xF6"})


def test_overlong_header_cells_and_fields():
    long_header = refusal(scan_csv, f"Teilnehmer-ID;Eintritt;{'x' * 1001}\nK-1;x;y\n".encode())
    assert (long_header.code, long_header.line, long_header.column, long_header.params) == (
        "header_too_long", 1, 3, {"length": 1001, "limit": 1000})
    huge = refusal(scan_csv, f"Teilnehmer-ID;{'x' * 200_000};Eintritt\n".encode())
    assert (huge.code, huge.line, huge.column, huge.params["length"]) == ("header_too_long", 1, 2, 200_000)
    field = refusal(scan_csv, f"{H}\nK-1;Köln;1;x;\nK-2;{'y' * 140_000};1;x;\n".encode())
    assert (field.code, field.line, field.column) == ("field_too_long", 3, 2)


def test_too_many_columns_in_the_header_or_in_a_record():
    wide = refusal(scan_csv, (";".join(f"S{i}" for i in range(501)) + "\n").encode())
    assert (wide.code, wide.line, wide.params) == ("too_many_columns", 1, {"columns": 501, "limit": 500})
    row = refusal(scan_csv, f"{H}\nK-1;Köln;1;x;\nK-2{';' * 600}\n".encode())
    assert (row.code, row.line) == ("too_many_columns", 3)


def test_delimiter_follows_the_header_and_can_be_forced():
    assert scan_csv(b"participant_id,site,entry_date\nP1,\"K\xc3\xb6ln; S\xc3\xbcd\",2020-01-01\n").delimiter == ","
    assert scan_csv(b"Teilnehmer-ID\tEintritt\nK-1\t01.09.2020\n").delimiter == "\t"
    scan = scan_csv(b"a;b\n1;2\n", delimiter="\t")
    assert (scan.delimiter, scan.header) == ("\t", ["a;b"])
    unknown = scan_csv(b"Titel\n\nalpha;beta;gamma\n1;2;3\n")   # no known header: the widest row
    assert (unknown.delimiter, unknown.header_line, unknown.header, unknown.rows) == (
        ";", 3, ["alpha", "beta", "gamma"], 1)


def test_empty_files():
    assert refusal(scan_csv, b" \n\n").code == "empty_file"


def test_duckdb_counts_what_scan_csv_counts(tmp_path):
    """The lead's check after wiring: DuckDB (as readers.stage_csv calls it, skip = header_line)."""
    text = (f"Liste;;;;\r\n\r\n{H}\r\nK-1;\"Köln\r\nSüd\";1;x;\r\n\r\nK-2;Bonn;1;x;\r\n;;;;\r\n"
            "K-3;Bonn;1;\"a \"\"b\"\"\";\r\n")
    scan = scan_csv(text.encode("cp1252"))
    path = tmp_path / "u.csv"
    path.write_text(scan.text, encoding="utf-8", newline="")
    columns = {f"c{i}": "VARCHAR" for i in range(scan.width)}
    count = duckdb.connect().execute(
        "select count(*) from read_csv($p, header = false, skip = $skip, delim = $d, quote = '\"', escape = '\"', "
        "columns = $c, auto_detect = false, null_padding = true, strict_mode = true, parallel = false)",
        {"p": str(path), "skip": scan.header_line, "d": scan.delimiter, "c": columns},
    ).fetchone()[0]
    assert (scan.rows, count, list(scan.record_lines)) == (4, 4, [4, 7, 8, 9])
