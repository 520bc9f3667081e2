"""Safe export: formula injection neutralised, German/English CSV, deterministic XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import io
import re
import time
import zipfile

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from pipelines import report
from pipelines.report import build_report, spreadsheets
from pipelines.store import db
from pipelines.report.spreadsheets import safe_text
from tests.helpers.stores import AS_OF, END, START
from tests.report.audit import display_table
from tests.report.cases import FORMULA, KASSEL_ARGS

INJECTIONS = ['=HYPERLINK("http://x","y")', "+1", "-2 Kassel", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture
def sites() -> pd.DataFrame:
    """Hostile site names next to plain numbers (one negative), a rate and a date."""
    return pd.DataFrame({
        "Standort": INJECTIONS,
        "Teilnehmende": [1250, -2, 3, 0, 7, 12],
        "Quote": [0.745, -0.5, 0.00001, np.nan, 2.0, 0.25],
        "Stichtag": [dt.date(2020, 8, 31)] * 6,
    })


def read_csv_text(data: bytes, sep: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=sep))


def test_safe_text_neutralises_formula_starts_and_keeps_numbers():
    assert [safe_text(v) for v in INJECTIONS] == [
        '\'=HYPERLINK("http://x","y")', "'+1", "'-2 Kassel", "'@SUM(A1)", "'\tx", "'\rx"
    ]
    assert safe_text("Kassel") == "Kassel"
    assert safe_text("Kassel-Nord") == "Kassel-Nord"   # only the first character counts
    assert safe_text("") == ""
    for number in (-2, -2.5, 0, np.int64(-3), np.float64(-0.5)):
        assert safe_text(number) is number              # a negative number is a number
    assert safe_text(None) is None


def test_german_csv_bytes(sites):
    data = spreadsheets.csv_bytes(sites)
    assert data.startswith(b"\xef\xbb\xbfStandort;Teilnehmende;Quote;Stichtag\r\n")
    assert data.count(b"\r\n") == 7 and b"\n" not in data.replace(b"\r\n", b"")
    assert b"\n\r\n" not in data and not re.search(rb"[^\r]\n", data)
    rows = read_csv_text(data, ";")
    assert rows[1:] == [
        ['\'=HYPERLINK("http://x","y")', "1250", "0,745", "31.08.2020"],
        ["'+1", "-2", "-0,5", "31.08.2020"],
        ["'-2 Kassel", "3", "0,00001", "31.08.2020"],
        ["'@SUM(A1)", "0", "", "31.08.2020"],
        ["'\tx", "7", "2", "31.08.2020"],
        ["'\rx", "12", "0,25", "31.08.2020"],
    ]
    # the hostile names start with a quote, the negative number stays a number
    assert all(row[0].startswith("'") for row in rows[1:])
    assert "\r\n'+1;-2;-0,5;31.08.2020\r\n" in data.decode("utf-8-sig")


def test_english_csv_and_several_tables_in_one_file(sites):
    counts = pd.DataFrame({"n": [3, 4]}, index=pd.Index(["=x", "Fulda"], name="site"))
    data = spreadsheets.csv_bytes({"Sites": sites.head(2), "-Counts": counts}, lang="en")
    rows = read_csv_text(data, ",")
    assert rows == [
        ["Sites"],
        ["Standort", "Teilnehmende", "Quote", "Stichtag"],
        ['\'=HYPERLINK("http://x","y")', "1250", "0.745", "2020-08-31"],
        ["'+1", "-2", "-0.5", "2020-08-31"],
        [],
        ["'-Counts"],
        ["site", "n"],          # a named index becomes the first column
        ["'=x", "3"],
        ["Fulda", "4"],
    ]


def test_csv_is_deterministic_and_written_to_a_file(sites, tmp_path):
    first = spreadsheets.write_csv(sites, tmp_path / "a.csv")
    second = spreadsheets.write_csv(sites.copy(), tmp_path / "b.csv")
    assert first.read_bytes() == second.read_bytes() == spreadsheets.csv_bytes(sites, lang="de")
    with pytest.raises(ValueError, match="unknown language"):
        spreadsheets.csv_bytes(sites, lang="fr")


def test_csv_of_a_suppressed_display_table(tmp_path):
    table = pd.DataFrame([[1, 9, 4], [6, 8, 5]],
                         index=pd.Index(["Kassel", "Fulda"], name="Standort"),
                         columns=pd.Index(["w", "m", "d"], name="Geschlecht"))
    text, _ = display_table(table)
    rows = read_csv_text(spreadsheets.csv_bytes(text), ";")
    assert rows == [
        ["Standort", "w", "m", "d", "Gesamt"],
        ["Kassel", "*", "9", "*", "14"],
        ["Fulda", "*", "8", "*", "19"],
        ["Gesamt", "7", "17", "9", "33"],
    ]


def xml_parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.endswith(".xml")}


def test_xlsx_reads_back_with_numbers_as_numbers_and_text_as_text(sites, tmp_path):
    path = spreadsheets.write_xlsx({"Standorte": sites}, tmp_path / "r.xlsx", title="Bericht 2020",
                             notes=["* = weniger als 3 Personen"])
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Standorte", "Hinweise"]
    rows = book.get_sheet_by_name("Standorte").to_python()
    assert rows[0] == ["Standort", "Teilnehmende", "Quote", "Stichtag"]
    assert [row[0] for row in rows[1:]] == [safe_text(v) for v in INJECTIONS]
    assert [row[1] for row in rows[1:]] == [1250, -2, 3, 0, 7, 12]
    assert all(isinstance(row[1], (int, float)) for row in rows[1:])
    assert rows[1][2] == pytest.approx(0.745) and rows[4][2] == ""   # NaN -> empty cell
    assert rows[1][3] == dt.date(2020, 8, 31)
    assert book.get_sheet_by_name("Hinweise").to_python() == [
        ["Bericht 2020"], [""], ["* = weniger als 3 Personen"]
    ]


def test_xlsx_never_holds_a_formula(sites, tmp_path):
    path = spreadsheets.write_xlsx({"Standorte": sites, "=Sheet": sites.set_index("Standort")},
                             tmp_path / "r.xlsx", title="=title", notes=["+note"])
    parts = xml_parts(path)
    sheets = [text for name, text in parts.items() if name.startswith("xl/worksheets/")]
    assert len(sheets) == 3
    for text in sheets:
        assert not re.search(r"<f[ >]", text)         # no formula element anywhere
    strings = parts["xl/sharedStrings.xml"]
    assert "<t>'+1</t>" in strings and "<t>'=title</t>" in strings and "<t>'+note</t>" in strings
    assert "&apos;=HYPERLINK" in strings or "<t>'=HYPERLINK" in strings
    assert ">=HYPERLINK" not in strings and ">+1<" not in strings


def test_xlsx_layout_bold_frozen_header_and_widths(sites, tmp_path):
    path = spreadsheets.write_xlsx({"Standorte": sites}, tmp_path / "r.xlsx")
    parts = xml_parts(path)
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in sheet
    assert len(re.findall(r"<col ", sheet)) == 4
    header_style = re.search(r'<c r="A1" s="(\d+)"', sheet).group(1)
    fonts = re.search(r"<fonts[^>]*>(.*?)</fonts>", parts["xl/styles.xml"], re.S).group(1)
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", parts["xl/styles.xml"], re.S).group(1)
    font_id = int(re.findall(r'<xf [^>]*fontId="(\d+)"', xfs)[int(header_style)])
    assert "<b/>" in re.findall(r"<font>.*?</font>", fonts, re.S)[font_id]
    assert "Hinweise" not in CalamineWorkbook.from_path(str(path)).sheet_names


def test_xlsx_bytes_are_identical_across_runs(sites, tmp_path):
    first = spreadsheets.write_xlsx({"Standorte": sites}, tmp_path / "a.xlsx", title="Bericht")
    time.sleep(1.1)  # a clock-dependent timestamp would differ now
    second = spreadsheets.write_xlsx({"Standorte": sites.copy()}, tmp_path / "b.xlsx", title="Bericht")
    assert first.read_bytes() == second.read_bytes()
    core = xml_parts(first)["docProps/core.xml"]
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">1980-01-01T00:00:00Z" in core
    stamped = spreadsheets.xlsx_bytes({"Standorte": sites}, created=dt.date(2020, 8, 31))
    assert b"2020-08-31T00:00:00Z" in zipfile.ZipFile(io.BytesIO(stamped)).read("docProps/core.xml")


def test_sheet_names_are_made_valid_and_unique(sites, tmp_path):
    names = {"Teilnehmende nach Standort und Geschlecht 2020": sites,
             "a/b": sites, "A/B": sites, "": sites}
    path = spreadsheets.write_xlsx(names, tmp_path / "r.xlsx", lang="en", notes=["x"])
    assert CalamineWorkbook.from_path(str(path)).sheet_names == [
        "Teilnehmende nach Standort und ", "a_b", "A_B (2)", "Sheet", "Notes"
    ]


def test_docstring_examples():
    assert doctest.testmod(spreadsheets).failed == 0


# --- the report as spreadsheets ---------------------------------------------------------


def test_csv_is_one_long_german_table(tiny):
    r = build_report(tiny, ["p1"], START, END, AS_OF)
    data = report.csv_bytes(r)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    frame = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["Tabelle", "Nr", "Zeile", "Spalte", "Wert"]
    sites = frame[frame["Tabelle"] == "Standorte und Kohorten"].set_index(["Zeile", "Spalte"])["Wert"]
    assert sites[("Nord / 1", "Eingetreten")] == "5"
    assert sites[("Süd / 1", "Eingetreten")] == "*"
    assert sites[("Gesamt", "Eingetreten")] == "11"
    cover = frame[frame["Tabelle"] == "Deckblatt"].set_index("Zeile")["Wert"]
    assert cover["Datenfingerabdruck (SHA-256)"] == r.fingerprint
    assert "Methodik" in set(frame["Tabelle"])


def test_formula_site_never_starts_a_cell_with_equals(formula_store):
    r = build_report(formula_store, ["p1"], START, END, AS_OF, publication=False)
    assert FORMULA in r.table("sites").text["Standort"].tolist()
    text = report.csv_bytes(r).decode("utf-8-sig")
    fields = [f for line in text.split("\r\n") for f in line.split(";")]
    assert not any(f.lstrip('"').startswith(("=", "+", "-", "@")) for f in fields)
    assert "'=HYPERLINK" in text
    with zipfile.ZipFile(io.BytesIO(report.xlsx_bytes(r))) as book:
        parts = {n: book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")}
    assert not any("<f>" in xml or "<f " in xml for xml in parts.values())
    strings = re.findall(r"<t[^>]*>([^<]*)</t>", parts["xl/sharedStrings.xml"])
    assert "'=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in strings or \
        "'=HYPERLINK(\"http://x\",\"y\")" in strings
    assert not any(s.startswith(("=", "+", "-", "@")) for s in strings)


def test_xlsx_has_cover_tables_method_and_numbers_as_numbers(demo_con, tmp_path):
    r = build_report(demo_con, *KASSEL_ARGS)
    path = report.write_xlsx(r, tmp_path / "k.xlsx")
    book = pd.read_excel(path, sheet_name=None, engine="calamine")
    assert list(book)[:3] == ["Deckblatt", "Zielerreichung", "Fortschritt"]
    assert {"Methodik", "Standorte und Kohorten", "Geschlecht"} <= set(book)
    targets = book["Zielerreichung"].set_index("Ziel")
    assert targets.loc["Mindestens 50 Frauen in Ausbildung", "Erreicht"] == 37   # a number
    assert targets.loc["Mindestens 50 Frauen in Ausbildung", "Zielerreichung"] == "74 %"
    sites = book["Standorte und Kohorten"]
    assert "*" in sites["Beschäftigung begonnen"].tolist()
    cover = book["Deckblatt"].set_index("Angabe")["Wert"]
    assert cover["Status"] == "zur Veröffentlichung – kleine Fallzahlen unterdrückt (*)"


def test_csv_and_xlsx_are_byte_identical_on_two_builds(demo_con, demo_path, tmp_path):
    first = build_report(demo_con, *KASSEL_ARGS)
    other = db.connect(demo_path, read_only=True)   # a second connection, a second build
    try:
        second = build_report(other, *KASSEL_ARGS)
    finally:
        other.close()
    assert report.csv_bytes(first) == report.csv_bytes(second)
    assert report.xlsx_bytes(first) == report.xlsx_bytes(second)
    a = report.write_report(demo_con, *KASSEL_ARGS, fmt="csv", out=tmp_path)
    assert a.name == "bericht_sozialwirtschaft-integriert_2020-08-31.csv"
    assert a.read_bytes() == report.csv_bytes(first)
