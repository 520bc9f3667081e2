""""Erstellt am" is the day the PDF was made; the CSV and XLSX do not change with it."""

from __future__ import annotations

import datetime as dt

from pipelines import report
from pipelines.report import build_report
from tests.report.cases import KASSEL_ARGS


def test_created_is_today_on_the_pdf_and_absent_from_the_spreadsheets(demo_con, tmp_path):
    today = build_report(demo_con, *KASSEL_ARGS)
    cover = today.cover.set_index("field")["value"]
    assert cover["as_of"] == "31.08.2020" and cover["created"] == dt.date.today().strftime("%d.%m.%Y")
    assert b"/CreationDate (D:" + dt.date.today().strftime("%Y%m%d").encode() in report.pdf_bytes(today)
    # a rebuild on another day: the same CSV and XLSX, byte for byte
    later = build_report(demo_con, *KASSEL_ARGS, created="2031-01-02")
    assert later.cover.set_index("field")["value"]["created"] == "02.01.2031"
    assert report.csv_bytes(later) == report.csv_bytes(today)
    assert report.xlsx_bytes(later) == report.xlsx_bytes(today)
    assert b"Erstellt am" not in report.csv_bytes(today)
