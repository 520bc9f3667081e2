"""The report as PDF: same bytes but for the creation date, cover and tables in the text,
the internal marking on every page, metadata."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

from pipelines import report
from pipelines.report import build_report
from tests.helpers.stores import AS_OF, END, START
from tests.report.cases import KASSEL_ARGS


def _blank_creation_date(pdf: bytes) -> bytes:
    return re.sub(rb"/CreationDate \(D:[^)]*\)", b"/CreationDate ()", pdf)


def test_pdf_identical_but_for_creation_date_and_carries_the_cover(demo_con, tmp_path):
    r = build_report(demo_con, *KASSEL_ARGS)
    one, two = report.pdf_bytes(r), report.pdf_bytes(build_report(demo_con, *KASSEL_ARGS))
    assert one.startswith(b"%PDF-")
    assert _blank_creation_date(one) == _blank_creation_date(two)
    assert b"/CreationDate (D:" + dt.date.today().strftime("%Y%m%d").encode() in one   # the day it is made
    pages = len(re.findall(rb"/Type /Page\b", one))
    assert 5 <= pages <= 10
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: text not checked")
    path = tmp_path / "k.pdf"
    path.write_bytes(one)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("Bericht zu Zielerreichung und Wirkung", "Sozialwirtschaft integriert",
                     "Stadt Kassel", "Hessisches Ministerium für Soziales und Integration",
                     "01.01.2018–31.08.2020", r.fingerprint, "Mindestens 50 Frauen in Ausbildung",
                     "74 %", "Seite 1 von", "Methodik"):
        assert expected in text, expected
    assert re.search(r"\n\s+2\s+\*\s+\*\s+\*\s+\*\n", text)  # Kassel-Ost, cohort 2: all suppressed


def test_internal_pdf_is_marked_on_every_page(tiny, tmp_path):
    r = build_report(tiny, ["p1"], START, END, AS_OF, publication=False)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = report.write_pdf(r, tmp_path / "intern.pdf")
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 4
    assert all("nicht zur Veröffentlichung" in p.replace("\n", " ") or "NICHT ZUR VERÖFFENTLICHUNG" in p
               for p in pages)


def test_uncompressed_pdf_names_the_title_in_its_metadata(tiny):
    r = build_report(tiny, ["p1"], START, END, AS_OF, lang="en")
    pdf = report.pdf_bytes(r, compress=False)
    assert b"/Title" in pdf and b"/Lang (en)" in pdf


def test_a_large_table_goes_into_the_pdf_as_its_total_rows(tiny, tmp_path):
    import dataclasses

    import pandas as pd

    from pipelines.report.pdf import summarised

    r = build_report(tiny, ["p1"], START, END, AS_OF)
    sites = next(t for t in r.tables if t.key == "sites")
    assert summarised(sites, "de", max_rows=100) is sites          # short tables stay whole
    # 100 copies of the sites table: 100 × its rows, of which 100 × its total rows are kept
    big = dataclasses.replace(sites, text=pd.concat([sites.text] * 100, ignore_index=True),
                              hidden=pd.concat([sites.hidden] * 100, ignore_index=True),
                              strong=tuple(sites.strong) * 100)
    rows, totals = len(big.text), sum(big.strong)
    assert 0 < totals < rows
    short = summarised(big, "de", max_rows=totals)
    assert len(short.text) == totals and all(short.strong)
    assert f"Gekürzt: {totals} von {rows} Zeilen" in short.note
    assert short.text.iloc[0].tolist() == big.text[list(big.strong)].iloc[0].tolist()  # rows as in the full table
    assert len(summarised(big, "en", max_rows=3).text) == 3
    pdf = report.pdf_bytes(dataclasses.replace(r, tables=[big if t.key == "sites" else t for t in r.tables]))
    assert pdf.startswith(b"%PDF-")


def test_a_5000_character_site_name_is_shortened_in_its_cell(con, tmp_path):
    """A site name of 5,000 characters made the PDF fail ("row … too high"); it is cut with "…"."""
    from pipelines.report.pdf import shortened
    from tests.helpers.stores import tiny_store

    long_site = "Süd" + "x" * 4997
    tiny_store(con, site_of_s=long_site)
    con.execute("update target set label = ?", ["Ziel " + "w" * 4995])  # a long target label too
    r = build_report(con, ["p1"], START, END, AS_OF)
    pdf = report.pdf_bytes(r)
    assert pdf.startswith(b"%PDF-")
    assert shortened("Süd", 40, 8.5) == "Süd"
    cut = shortened(long_site, 40, 8.5)                        # 24 characters a line, 4 lines
    assert len(cut) == 96 and cut.endswith("…") and cut.startswith("Südxxx")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: text not checked")
    path = tmp_path / "lang.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "x…" in text and "x" * 200 not in text.replace("\n", "")
    assert r.table("sites").text["Standort"].tolist()[2] == long_site   # XLSX and CSV keep it whole
