"""The report as data: `Report` (cover, tables, charts, method), `Table`, `Chart`, `ReportError`,
and the name of a report's file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Sequence

import pandas as pd

from pipelines import dates, text
from pipelines.report import suppression

SECTIONS = ("targets", "progress", "entry", "leaving", "sites")  # in the order of the report


class ReportError(ValueError):
    """The report cannot be built as asked (unknown program, period after the as-of date …)."""


def file_name(programs: Sequence[str], as_of: Any, fmt: str, lang: str = "de",
              publication: bool = True) -> str:
    """The file name a report gets: ``bericht_<program>_<as-of>[_intern].<fmt>``."""
    programs = list(dict.fromkeys(programs))
    program = programs[0] if len(programs) == 1 else text.say("report.file_programs", lang, n=len(programs))
    suffix = "" if publication else "_" + text.say("report.file_internal", lang)
    return f"{text.say('report.file', lang)}_{program}_{dates.as_date(as_of).isoformat()}{suffix}.{fmt}"


@dataclass(frozen=True)
class Table:
    """One table of the report.

    Attributes:
        key: stable identifier ("targets", "progress", "entry_gender", "entry_age_band",
            "entry_isced", "entry_german", "entry_origin", "leaving", "sites").
        section: the section it belongs to ("targets", "progress", "entry", "leaving", "sites").
        title: heading in the report's language.
        data: the raw numbers, language-neutral column names (unsuppressed — do not publish).
        text: what is shown: strings, localised column heads, ``*`` where suppressed.
        hidden: same shape as `text`, True where ``*`` is shown.
        note: a sentence under the table (what is counted), may be empty.
        align: "L" or "R" per column of `text`.
        widths: relative column widths for the PDF.
        strong: per row of `text`, True for totals and subtotals.
        group_columns: leading columns that group rows (program, site, target); the PDF
            prints a repeated value only once.
        span_column: in reports on several programs, the program column: the PDF prints
            it as a heading row over the program's rows instead of as a column.
        label_columns: leading columns that name the row (the rest are values).
        sheet: `text` for spreadsheets: shown counts as whole numbers, everything else as
            text (``*``, percentages, labels).
        sheet_name: short name of the table's spreadsheet sheet and of its CSV rows.
    """

    key: str
    section: str
    title: str
    data: pd.DataFrame
    text: pd.DataFrame
    hidden: pd.DataFrame
    note: str = ""
    align: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()
    strong: tuple[bool, ...] = ()
    group_columns: int = 0
    span_column: int | None = None
    label_columns: int = 1
    sheet: pd.DataFrame | None = None
    sheet_name: str = ""


@dataclass(frozen=True)
class Chart:
    """Data of one progress panel (one target), already cleared for publication.

    `points` holds (date, cumulative) pairs that may be shown; `forecast` the band rows
    (date, mid, low, high) — empty when the achieved value is hidden.
    """

    program: str
    target_id: str
    label: str
    target: float
    points: tuple[tuple[dt.date, int], ...]
    target_line: tuple[tuple[dt.date, float], ...]
    milestones: tuple[tuple[dt.date, float], ...]
    forecast: tuple[tuple[dt.date, float, float, float], ...]


@dataclass(frozen=True)
class Report:
    """A ministry report: cover, tables, chart data and method text (see `build_report`)."""

    programs: tuple[str, ...]
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    created: dt.date
    lang: str
    threshold: int
    publication: bool
    title: str
    marking: str
    fingerprint: str
    cover: pd.DataFrame          # columns: field (key), label, value (display text)
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...]
    method: tuple[tuple[str, str], ...]   # (heading, paragraph)
    suppression: suppression.Suppression | None = field(default=None, repr=False)

    def table(self, key: str) -> Table:
        """The table with this key (KeyError if the report has none)."""
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.tables]

    def cover_value(self, item: str) -> str:
        """The shown value of a cover item ("programs", "organisation", "suppression", …)."""
        return str(self.cover.set_index("field")["value"][item])

    def file_stem(self) -> str:
        """A file name without extension: bericht_<program>_<as-of>[_intern]."""
        return file_name(self.programs, self.as_of, "x", self.lang, self.publication)[:-2]
