"""One call for the CLI and the dashboard: bytes per format, file names, speed."""

from __future__ import annotations

import time

import pytest

from pipelines import report
from pipelines.report import ReportError, build_report
from tests.helpers.stores import AS_OF, END, START
from tests.report.cases import KASSEL_ARGS


def test_report_bytes_and_unknown_format(tiny):
    data = report.report_bytes(tiny, ["p1"], START, END, AS_OF, fmt="xlsx")
    assert data[:2] == b"PK"
    with pytest.raises(ReportError, match="Unbekanntes Format"):
        report.report_bytes(tiny, ["p1"], START, END, AS_OF, fmt="docx")


def test_one_program_report_writes_every_format(demo_con, tmp_path):
    """Timings printed for the record (pytest -s); the report's speed is measured in `make bench`."""
    times = {}
    start = time.perf_counter()
    r = build_report(demo_con, *KASSEL_ARGS)
    times["build"] = time.perf_counter() - start
    for fmt, write in (("pdf", report.write_pdf), ("xlsx", report.write_xlsx), ("csv", report.write_csv)):
        start = time.perf_counter()
        write(r, tmp_path / f"k.{fmt}")
        times[fmt] = time.perf_counter() - start
    print("report timings (s):", {k: round(v, 2) for k, v in times.items()})
    assert all((tmp_path / f"k.{fmt}").stat().st_size > 0 for fmt in ("pdf", "xlsx", "csv"))


def test_file_names_say_program_date_and_internal():
    assert report.file_name(["p1"], "2021-06-30", "pdf") == "bericht_p1_2021-06-30.pdf"
    assert report.file_name(["p1", "p2", "p1"], "30.06.2021", "csv", publication=False) == \
        "bericht_2-programme_2021-06-30_intern.csv"
    assert report.file_name(["p1", "p2"], "2021-06-30", "xlsx", "en", False) == "report_2-programs_2021-06-30_internal.xlsx"
