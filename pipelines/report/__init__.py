"""The ministry report: tables, publication safety, PDF / XLSX / CSV (DESIGN.md, "Ministry reports").

A report is fixed by its programs, its period and its as-of date. `build_report` assembles
it as data — every table as raw numbers *and* as display strings after suppression — and
the writers only lay that object out:

    report = build_report(con, ["sozialwirtschaft-integriert"], "2018-01-01", "2020-08-31",
                          "2020-08-31")
    write_pdf(report, "bericht.pdf"); write_xlsx(report, "bericht.xlsx"); write_csv(report, "bericht.csv")

Modules: `model` (Report, Table, Chart), `drafts` (cells and table drafts), `sections` (what
each section counts, from `metrics`, `targets` and `sql/report_*.sql`), `build`, `suppression`
(the one home of disclosure control), `charts` (PNG), `pdf`, `spreadsheets` (safe XLSX/CSV),
`files` (bytes per format, atomic writes). Every count is a cell named by what it counts;
cells with the same name are the same number in every table, and all cells and their sums
are suppressed in one run, so a hidden cell cannot be worked out from another table.
"""

from pipelines.report.build import build_report, fingerprint
from pipelines.report.files import (FORMATS, MIME, csv_bytes, report_bytes, write_csv, write_pdf, write_report,
                                    write_xlsx, xlsx_bytes)
from pipelines.report.model import Report, ReportError, Table, file_name
from pipelines.report.pdf import pdf_bytes

__all__ = ["FORMATS", "MIME", "Report", "ReportError", "Table", "build_report", "csv_bytes", "file_name",
           "fingerprint", "pdf_bytes", "report_bytes", "write_csv", "write_pdf", "write_report", "write_xlsx",
           "xlsx_bytes"]
