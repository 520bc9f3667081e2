"""The report as an A4 PDF (fpdf2, DejaVu Sans from matplotlib's fonts; no system fonts)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from pipelines import text
from pipelines.report.charts import PANELS_PER_IMAGE, chart_png
from pipelines.report.model import SECTIONS, Report, Table

RED = (176, 0, 32)  # the marking of an internal report
# A table longer than this goes into the PDF as its total rows only (sites and programs without the
# cohorts): 59,000 cells through fpdf took 13 s at 1 M participants. XLSX and CSV hold it whole.
PDF_MAX_ROWS = 120
CELL_LINES = 4  # a longer text in a table cell (a site or target name) is shortened with "…"


def fixed_timestamp(report: Report) -> dt.datetime:
    """The creation time written into PDF metadata: the creation date, midnight UTC."""
    return dt.datetime.combine(report.created, dt.time(0, 0), tzinfo=dt.timezone.utc)


class _Pages(FPDF):
    """A4 pages with the report's header (title, marking) and footer (as-of date, page, fingerprint)."""

    def __init__(self, report: Report):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report

    def header(self) -> None:
        if self.page_no() == 1:
            return
        report = self.report
        self.set_font("DejaVu", "", 7)
        self.set_text_color(110, 110, 110)
        self.cell(0, 4, f"{text.say('report.app', report.lang)} · {report.title}", align="L")
        self.set_x(self.l_margin)
        if not report.publication:
            self.set_text_color(*RED)
            self.set_font("DejaVu", "B", 7)
        self.cell(0, 4, report.marking, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.set_text_color(0, 0, 0)
        self.ln(5)

    def footer(self) -> None:
        report, lang = self.report, self.report.lang
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(110, 110, 110)
        self.cell(0, 4, f"{text.say('report.as_of', lang)} {text.date(report.as_of, lang)}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, text.say("report.page", lang, n=self.page_no(), total="{nb}"), align="C")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"SHA-256 {report.fingerprint[:16]}…", align="R")
        self.set_text_color(0, 0, 0)


def _font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def pdf_bytes(report: Report, *, compress: bool = True) -> bytes:
    """The report as an A4 PDF (fpdf2, DejaVu Sans from matplotlib's fonts; no system fonts).

    Cover page, one section per table group with headed tables (``*`` where suppressed), the
    progress chart as PNG, the method section; page numbers and the publication marking on
    every page. The creation date is fixed (`fixed_timestamp`), so the bytes depend only on
    the report.
    """
    lang = report.lang

    def say(key: str) -> str:
        return text.say(key, lang)

    pdf = _Pages(report)
    pdf.set_compression(compress)
    pdf.set_creation_date(fixed_timestamp(report))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    programs = report.cover.set_index("field")["value"]
    pdf.set_title(f"{report.title} – {programs['programs']}")
    pdf.set_subject(f"{say('report.period')} {programs['period']}, {say('report.as_of')} {programs['as_of']}")
    pdf.set_author(programs["organisation"])
    pdf.set_creator(say("report.app"))
    pdf.set_lang(lang)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    # cover
    pdf.add_page()
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(110, 110, 110)
    pdf.cell(0, 5, say("report.app"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(0, 9, report.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 14)
    pdf.multi_cell(0, 7, shortened(programs["programs"], width, 14, lines=6), align="L", new_x="LMARGIN",
                   new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B" if not report.publication else "", 10)
    if not report.publication:
        pdf.set_text_color(*RED)
        pdf.set_draw_color(*RED)
        pdf.multi_cell(0, 8, report.marking.upper(), border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(0, 6, report.marking, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(8)
    pdf.set_font("DejaVu", "", 9)
    with pdf.table(col_widths=(0.3, 0.7), text_align=("LEFT", "LEFT"), first_row_as_headings=False,
                   borders_layout="HORIZONTAL_LINES", line_height=5, padding=(1.2, 1.5),
                   v_align="TOP") as table:
        for item in report.cover.itertuples(index=False):
            row = table.row()
            row.cell(item.label, style=FontFace(emphasis="BOLD"))
            if item.field == "fingerprint":
                row.cell(item.value, style=FontFace(size_pt=8))
            else:
                row.cell(shortened(str(item.value), width * 0.7 - 3, 9, lines=8))

    # sections
    for section in SECTIONS:
        tables = [t for t in report.tables if t.section == section]
        if not tables:
            continue
        pngs = []
        if section == "progress":
            pngs = [chart_png(report, report.charts[first:first + PANELS_PER_IMAGE])
                    for first in range(0, len(report.charts), PANELS_PER_IMAGE)]
        first_height = _png_height(pngs[0], width) if pngs else 40
        if section in ("targets", "entry", "sites") or (
                pdf.get_y() + 16 + first_height > pdf.h - pdf.b_margin):
            pdf.add_page()
        else:
            pdf.ln(6)
        pdf.set_font("DejaVu", "B", 14)
        pdf.cell(0, 8, say(f"report.section.{section}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        for png in pngs:
            if pdf.get_y() + _png_height(png, width) > pdf.h - pdf.b_margin:
                pdf.add_page()
            pdf.image(io.BytesIO(png), w=width)
            pdf.ln(2)
        if section == "entry":  # short breakdowns side by side
            gap = 8
            half = (width - gap) / 2
            for i in range(0, len(tables), 2):
                pair = tables[i:i + 2]
                needed = max(_pdf_height(t, half) for t in pair)
                if pdf.get_y() + needed > pdf.h - pdf.b_margin:
                    pdf.add_page()
                top, bottoms = pdf.get_y(), []
                for j, table in enumerate(pair):
                    pdf.set_xy(pdf.l_margin + j * (half + gap), top)
                    _pdf_table(pdf, table, half, titled=True, x=pdf.l_margin + j * (half + gap))
                    bottoms.append(pdf.get_y())
                pdf.set_xy(pdf.l_margin, max(bottoms))
            continue
        for table in tables:
            _pdf_table(pdf, table, width, titled=len(tables) > 1 or section == "progress")

    # method
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 8, say("report.section.method"), new_x="LMARGIN", new_y="NEXT")
    for heading, body in report.method:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 5.5, heading, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(0, 4.6, body, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _png_height(png: bytes, width: float) -> float:
    """Height in mm of a PNG drawn `width` mm wide (from its IHDR header)."""
    w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return width * h / w


def _font_size(table: Table) -> float:
    return 7.5 if len(table.text.columns) > 5 else 8.5


def _pdf_height(table: Table, width: float) -> float:
    """A generous estimate of a table's height in mm (title, wrapped rows, note).

    DejaVu Sans averages about 0.55 em per character, i.e. 0.194 mm per point of size.
    """
    size = _font_size(table)
    line, pad = size * 0.5, 2.0
    widths = [width * w / sum(table.widths) - 2.8 for w in table.widths]

    def lines(texts) -> int:
        return max((math.ceil(len(str(t)) * 0.194 * size * 1.1 / max(w, 1)) or 1)
                   for t, w in zip(texts, widths))

    rows = lines(table.text.columns) * line + pad
    rows += sum(lines(values) * line + pad for values in table.text.itertuples(index=False))
    note = math.ceil(len(table.note) * 0.194 * 7.5 / max(width, 1)) * 3.8 + 1 if table.note else 0
    return 7 + rows + note + 4


def summarised(table: Table, lang: str, max_rows: int = PDF_MAX_ROWS) -> Table:
    """The table as the PDF shows it: whole up to `max_rows` rows; longer, its total rows only
    (at most `max_rows`), with a note saying so. The rows kept are shown exactly as in the full
    table (suppression included), so the summary reveals nothing the full table does not."""
    rows = len(table.text)
    if rows <= max_rows:
        return table
    strong = list(table.strong) if table.strong else [False] * rows
    keep = [i for i in range(rows) if strong[i]][:max_rows] or list(range(max_rows))
    note = text.say("report.pdf_summary", lang, shown=text.number(len(keep), lang), rows=text.number(rows, lang))
    return dataclasses.replace(
        table, text=table.text.iloc[keep].reset_index(drop=True),
        hidden=table.hidden.iloc[keep].reset_index(drop=True),
        strong=tuple(strong[i] for i in keep), note=f"{table.note} {note}".strip())


def shortened(value: str, width: float, size: float, lines: int = CELL_LINES) -> str:
    """`value` cut to about `lines` lines of a cell `width` mm wide at `size` pt, ending in "…"
    (DejaVu Sans averages 0.194 mm per point and character; a wrapped cell holds the rest)."""
    keep = max(int(width / (0.194 * size)), 4) * lines
    return value if len(value) <= keep else value[:keep - 1].rstrip() + "…"


def _fitted(table: Table, width: float) -> Table:
    """The table with every cell shortened to fit its column in `CELL_LINES` lines (a
    5,000-character site name would make a row taller than a page)."""
    size = _font_size(table)
    keep = [j for j in range(len(table.widths)) if j != table.span_column]
    total = sum(table.widths[j] for j in keep) or 1.0
    column_mm = [width * w / total - 2.8 if j in keep else width for j, w in enumerate(table.widths)]
    fitted = table.text.copy()
    for j, column in enumerate(fitted.columns):
        fitted[column] = [shortened(str(v), column_mm[j], size) for v in fitted[column]]
    return dataclasses.replace(table, text=fitted)


def _pdf_table(pdf: FPDF, table: Table, width: float, titled: bool, x: float | None = None) -> None:
    """One table: optional title, heading row on every page, bold totals, note in italics."""
    table = _fitted(summarised(table, pdf.report.lang), width)
    columns = list(table.text.columns)
    margin = pdf.l_margin
    if x is not None:
        pdf.l_margin = x  # tables, cells and notes below start at x (the right column of a pair)
    try:
        # a table that fits on a page starts on a fresh one rather than being split
        page = pdf.h - pdf.t_margin - pdf.b_margin - 12
        needed = _pdf_height(table, width)
        if pdf.get_y() + min(needed, 40) > pdf.h - pdf.b_margin or (
                needed < page and pdf.get_y() + needed > pdf.h - pdf.b_margin):
            pdf.add_page()
        if titled:
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(width, 6, table.title, align="L", new_x="LMARGIN", new_y="NEXT")
        size = _font_size(table)
        pdf.set_font("DejaVu", "", size)
        align = tuple("RIGHT" if a == "R" else "LEFT" for a in table.align)
        heading = FontFace(emphasis="BOLD", fill_color=(232, 236, 242), size_pt=size)
        strong = FontFace(emphasis="BOLD", size_pt=size)
        group = FontFace(emphasis="BOLD", fill_color=(246, 247, 249), size_pt=size)
        span = table.span_column
        keep = [j for j in range(len(columns)) if j != span]
        previous: list[str] = []
        current_span = None
        with pdf.table(col_widths=tuple(table.widths[j] for j in keep),
                       text_align=tuple(align[j] for j in keep), width=width, align="LEFT",
                       headings_style=heading, borders_layout="HORIZONTAL_LINES", line_height=size * 0.5,
                       padding=(1.0, 1.4), v_align="TOP", repeat_headings=1) as out:
            out.row([columns[j] for j in keep])
            for i, values in enumerate(table.text.itertuples(index=False)):
                style = strong if table.strong and table.strong[i] else None
                shown = [str(v) for v in values]
                if span is not None and shown[span] and shown[span] != current_span:
                    out.row().cell(shown[span], colspan=len(keep), style=group)
                    current_span = shown[span]
                row = out.row()
                for j in keep:
                    # a grouping value is printed once per group (and again on every total row)
                    same_group = j < table.group_columns and shown[:j + 1] == previous[:j + 1]
                    row.cell("" if same_group and style is None else shown[j], style=style)
                previous = shown
        if table.note:
            pdf.ln(1)
            pdf.set_font("DejaVu", "", 7.5)
            pdf.set_text_color(80, 80, 80)
            pdf.multi_cell(width, 3.8, table.note, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
        pdf.ln(4)
    finally:
        pdf.l_margin = margin
