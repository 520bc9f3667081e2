"""The ministry report: tables, publication safety, PDF / XLSX / CSV (DESIGN.md, "Ministry reports").

A report is fixed by its programs, its period and its as-of date. `build_report` assembles
it as a pure data object — every table as raw numbers *and* as display strings after
suppression — and the writers only lay that object out:

    report = build_report(con, ["sozialwirtschaft-integriert"], "2018-01-01", "2020-08-31",
                          "2020-08-31")
    write_pdf(report, "bericht.pdf"); write_xlsx(report, "bericht.xlsx"); write_csv(report, "bericht.csv")

What is counted (all numbers come from `metrics`, `targets` and `views`):

- period: [period_start, min(period_end, as_of)] — nothing after the as-of date is counted.
- targets: `targets.evaluate` on as_of (the revision in force that day), the sentence of
  `text.targets.forecast_sentence`.
- progress: the cumulative series of every entered/reached target (`panels.target_progress`,
  i.e. `metrics.monthly_series`) at half-year ends and on the evaluation date.
- characteristics at entry: `metrics.entered` of the period per gender, age band, ISCED
  group (0–2, 3–4, 5–8), German level and — where recorded and allowed — origin region.
- results: `metrics.upon_leaving` / `metrics.six_months_after` per outcome status for the
  leavers of the period whose observation window is complete on as_of (28 days / 6 months).
- sites and cohorts: `metrics.entered`, `metrics.in_program` (at the period end),
  `metrics.reached` (training, employment) per program, site and cohort.

Publication safety: every count is a *cell* named by what it counts (measure, status,
programs, filter, dates). Cells with the same name are the same number wherever they
appear (the total of every breakdown of "entered", a target's achieved value and the last
point of its progress series, …), and the additive relations between cells (breakdowns,
site → cohorts, half-year → running total) are handed to `suppression.suppress_cells` in
one call, so a cell hidden in one table is hidden in every table and cannot be worked out
from another. Percentages, target states and forecast sentences built on a hidden cell are
hidden too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import duckdb
import pandas as pd

from pipelines import dates
from pipelines import text, vocab
from pipelines import metrics
from pipelines.report import suppression
from pipelines import targets
from pipelines.metrics import panels
from pipelines.metrics import Scope
from pipelines.text.targets import forecast_sentence, value_text
from pipelines.store import db

FORMATS = ("pdf", "xlsx", "csv")
OUTCOME_COLUMNS = ("training", "employment")  # reached-columns of the sites/cohorts table
PROGRESS_MONTHS = (6, 12)  # the progress table shows half-year ends (quarters hide too much)
ISCED_GROUPS = (("0-2", 0, 2), ("3-4", 3, 4), ("5-8", 5, 8))
HIDDEN = suppression.SUPPRESSED

# --------------------------------------------------------------------------------------
# Words (German first, English on request)
# --------------------------------------------------------------------------------------

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("Bericht zu Zielerreichung und Wirkung", "Report on targets and outcomes"),
    "app": ("Wirkungsmonitor", "Wirkungsmonitor"),
    "internal": ("intern / nicht zur Veröffentlichung", "internal / not for publication"),
    "public": ("zur Veröffentlichung – kleine Fallzahlen unterdrückt (*)",
               "for publication – small counts suppressed (*)"),
    # cover
    "cover": ("Deckblatt", "Cover"),
    "field": ("Angabe", "Item"),
    "value": ("Wert", "Value"),
    "programs": ("Programm", "Programme"),
    "organisation": ("Träger", "Organisation"),
    "region": ("Region", "Region"),
    "funders": ("Fördermittelgeber", "Funder(s)"),
    "program_period": ("Programmlaufzeit", "Programme period"),
    "period": ("Berichtszeitraum", "Reporting period"),
    "as_of": ("Datenstand", "Data as of"),
    "created": ("Erstellt am", "Created on"),
    "fingerprint": ("Datenfingerabdruck (SHA-256)", "Data fingerprint (SHA-256)"),
    "status_pub": ("Status", "Status"),
    "suppression_rule": ("Geheimhaltung", "Disclosure control"),
    "rule_public": ("Fallzahlen von 1 bis {max} sind durch * ersetzt, ebenso Summen und Nachbarwerte, "
                    "aus denen sie sich errechnen ließen. 0 wird gezeigt.",
                    "Counts from 1 to {max} are replaced by *, as are totals and neighbouring values "
                    "from which they could be worked out. 0 is shown."),
    "rule_public_one": ("Fallzahlen von 1 sind durch * ersetzt, ebenso Summen und Nachbarwerte, "
                        "aus denen sie sich errechnen ließen. 0 wird gezeigt.",
                        "Counts of 1 are replaced by *, as are totals and neighbouring values from "
                        "which they could be worked out. 0 is shown."),
    "rule_none": ("keine Unterdrückung (Schwelle 1)", "no suppression (threshold 1)"),
    "rule_internal": ("Interner Bericht: alle Zahlen ungekürzt. In der Fassung zur Veröffentlichung gilt: {rule}",
                      "Internal report: all numbers in full. In the version for publication: {rule}"),
    "page": ("Seite {n} von {total}", "Page {n} of {total}"),
    # sections
    "s_targets": ("Zielerreichung", "Targets"),
    "s_progress": ("Fortschritt", "Progress"),
    "s_entry": ("Teilnehmende nach Merkmalen bei Eintritt", "Participants by characteristics at entry"),
    "s_leaving": ("Ergebnisse bei und sechs Monate nach Austritt",
                  "Results upon leaving and six months after leaving"),
    "s_sites": ("Standorte und Kohorten", "Sites and cohorts"),
    "s_method": ("Methodik", "Method"),
    # column heads
    "program": ("Programm", "Programme"),
    "target": ("Ziel", "Target"),
    "target_period": ("Zeitraum", "Period"),
    "achieved": ("Erreicht", "Achieved"),
    "target_value": ("Zielwert", "Target value"),
    "attainment": ("Zielerreichung", "Attainment"),
    "state": ("Stand", "State"),
    "forecast": ("Prognose", "Forecast"),
    "date": ("Stichtag", "Date"),
    "new": ("Neu seit vorigem Stichtag", "New since previous date"),
    "cumulative": ("Kumuliert", "Cumulative"),
    "category": ("Ausprägung", "Category"),
    "count": ("Anzahl", "Count"),
    "share": ("Anteil", "Share"),
    "total": ("Gesamt", "Total"),
    "not_recorded": ("nicht erfasst", "not recorded"),
    "result": ("Ergebnis", "Result"),
    "upon": ("Bei Austritt", "Upon leaving"),
    "six": ("Sechs Monate nach Austritt", "Six months after leaving"),
    "share_upon": ("Anteil bei Austritt", "Share upon leaving"),
    "share_six": ("Anteil nach sechs Monaten", "Share after six months"),
    "leavers_base": ("Austritte (Basis)", "Leavers (base)"),
    "any_outcome": ("irgendein Ergebnis", "any result"),
    "site": ("Standort", "Site"),
    "cohort": ("Kohorte", "Cohort"),
    "all_cohorts": ("alle Kohorten", "all cohorts"),
    "all_sites": ("alle Standorte", "all sites"),
    "entered": ("Eingetreten", "Entered"),
    "in_program": ("Im Programm am {date}", "In programme on {date}"),
    "reached": ("{status} begonnen", "{status} started"),
    # sheet names (≤ 31 characters) and CSV table names
    "sheet_cover": ("Deckblatt", "Cover"),
    "sheet_method": ("Methodik", "Method"),
    "sheet_targets": ("Zielerreichung", "Targets"),
    "sheet_progress": ("Fortschritt", "Progress"),
    "sheet_entry_gender": ("Geschlecht", "Gender"),
    "sheet_entry_age_band": ("Altersgruppe", "Age band"),
    "sheet_entry_isced": ("Bildungsniveau", "Education"),
    "sheet_entry_german": ("Deutschkenntnisse", "German"),
    "sheet_entry_origin": ("Herkunftsregion", "Origin"),
    "sheet_leaving": ("Austritt", "Leaving"),
    "sheet_sites": ("Standorte und Kohorten", "Sites and cohorts"),
    "section": ("Abschnitt", "Section"),
    "text": ("Text", "Text"),
    "csv_table": ("Tabelle", "Table"),
    "csv_row": ("Zeile", "Row"),
    "csv_column": ("Spalte", "Column"),
    "csv_value": ("Wert", "Value"),
    "csv_number": ("Nr", "No"),
    "star": ("* = Fallzahl unterdrückt (kleine Zahl oder aus ihr errechenbar)",
             "* = count suppressed (small, or a small count could be worked out from it)"),
    # table titles
    "t_gender": ("Geschlecht", "Gender"),
    "t_age_band": ("Altersgruppe (Alter im Eintrittsjahr)", "Age band (age in the year of entry)"),
    "t_isced": ("Bildungsniveau (ISCED)", "Level of education (ISCED)"),
    "t_german": ("Deutschkenntnisse (GER)", "German (CEFR level)"),
    "t_origin": ("Herkunftsregion", "Region of origin"),
    "t_progress": ("Fortschritt der Ziele nach Halbjahren", "Progress of the targets by half-year"),
    "t_leaving": ("Ergebnisse bei und sechs Monate nach Austritt",
                  "Results upon leaving and six months after leaving"),
    "t_sites": ("Standorte und Kohorten", "Sites and cohorts"),
    "t_targets": ("Zielerreichung", "Targets"),
    # notes
    "n_targets": ("Zielwerte in der am {as_of} gültigen Fassung; Stand und Prognose zum {as_of}.",
                  "Target values as in force on {as_of}; state and forecast on {as_of}."),
    "n_entry": ("Teilnehmende mit Eintritt vom {start} bis {end}.",
                "Participants who entered from {start} to {end}."),
    "n_origin_off": ("Die Herkunftsregion wird nicht gezeigt: {why}.",
                     "The region of origin is not shown: {why}."),
    "n_origin_disabled": ("für {programs} abgeschaltet (besondere Kategorien personenbezogener Daten)",
                          "switched off for {programs} (special categories of personal data)"),
    "n_origin_partly": ("Für {programs} ist die Herkunftsregion abgeschaltet; diese Teilnehmenden "
                        "zählen als „nicht erfasst“.",
                        "The region of origin is switched off for {programs}; these participants "
                        "count as 'not recorded'."),
    "n_origin_empty": ("nicht erfasst", "not recorded"),
    "n_leaving": ("Bei Austritt: Austritte vom {start} bis {upon_end}, im Status an mindestens einem "
                  "Tag der 4 Wochen ab Austritt. Sechs Monate danach: Austritte vom {start} bis "
                  "{six_end}, im Status am Tag sechs Monate nach Austritt. Spätere Austritte sind "
                  "am {as_of} noch nicht vollständig beobachtbar.",
                  "Upon leaving: leavers from {start} to {upon_end}, in the status on at least one "
                  "day of the 4 weeks from leaving. Six months after: leavers from {start} to "
                  "{six_end}, in the status on the day six months after leaving. Later leavers "
                  "cannot be fully observed on {as_of}."),
    "n_leaving_none": ("Keine Austritte mit vollständigem Beobachtungszeitraum.",
                       "No leavers with a complete observation window."),
    "n_sites": ("Eingetreten und begonnen ({outcomes}): vom {start} bis {end}; im Programm: am {end}.",
                "Entered and started ({outcomes}): from {start} to {end}; in programme: on {end}."),
    "n_progress": ("Kumulierte Werte der Ziele mit Zählgröße „aufgenommen“ oder „erreicht“, je "
                   "Halbjahresende ab Zielbeginn und am {as_of}.",
                   "Cumulative values of the targets that count entries or outcomes reached, at "
                   "every half-year end from the start of the target and on {as_of}."),
    "n_progress_none": ("Keine Ziele mit Zeitreihe (aufgenommen/erreicht).",
                        "No targets with a time series (entered/reached)."),
    "n_targets_none": ("Für diese Programme sind keine Ziele hinterlegt.",
                       "No targets are stored for these programmes."),
    "forecast_hidden": ("* (kleine Fallzahl)", "* (small count)"),
    # chart
    "c_achieved": ("erreicht", "achieved"),
    "c_line": ("Ziellinie", "target line"),
    "c_milestone": ("Meilenstein", "milestone"),
    "c_forecast": ("Prognose (10–90 %)", "forecast (10–90%)"),
    # errors
    "e_no_programs": ("Kein Programm angegeben.", "No programme given."),
    "e_unknown_program": ("Unbekanntes Programm: {programs}.", "Unknown programme: {programs}."),
    "e_period": ("Der Berichtszeitraum endet ({end}) vor seinem Beginn ({start}).",
                 "The reporting period ends ({end}) before it starts ({start})."),
    "e_after_as_of": ("Der Berichtszeitraum beginnt ({start}) nach dem Datenstand ({as_of}).",
                      "The reporting period starts ({start}) after the as-of date ({as_of})."),
    "e_threshold": ("Die Schwelle muss mindestens 1 sein, nicht {threshold}.",
                    "The threshold must be at least 1, not {threshold}."),
    "e_date": ("{name}: „{value}“ ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT).",
               "{name}: '{value}' is not a date (DD.MM.YYYY or YYYY-MM-DD)."),
    "period_start": ("Beginn des Berichtszeitraums", "Start of the reporting period"),
    "period_end": ("Ende des Berichtszeitraums", "End of the reporting period"),
    "e_format": ("Unbekanntes Format „{fmt}“ (möglich: pdf, xlsx, csv).",
                 "Unknown format '{fmt}' (possible: pdf, xlsx, csv)."),
}

_GENDER = {"female": ("weiblich", "female"), "male": ("männlich", "male"), "diverse": ("divers", "diverse")}
_AGE = {"<25": ("unter 25", "under 25"), "55+": ("55 und älter", "55 and over")}
_MEASURE_WORDS = {
    "entered": ("aufgenommen", "entered"), "reached": ("erreicht", "reached"),
    "active": ("aktiv", "active"), "upon_leaving": ("bei Austritt", "upon leaving"),
    "six_months_after": ("sechs Monate nach Austritt", "six months after leaving"),
    "share": ("Anteil", "share"),
}


def word(key: str, lang: str = "de", **values: Any) -> str:
    """A report text in German ('de') or English ('en')."""
    return text.pick(_WORDS, key, lang, **values)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "de" else pair[1]


class ReportError(ValueError):
    """The report cannot be built as asked (unknown program, period after the as-of date …)."""


# --------------------------------------------------------------------------------------
# The report object
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    """One table of the report.

    Attributes:
        key: stable identifier ("targets", "progress", "entry_gender", "entry_age_band",
            "entry_isced", "entry_german", "entry_origin", "leaving", "sites").
        section: key of the section it belongs to ("s_targets", …).
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

    def file_stem(self) -> str:
        """A file name without extension: bericht_<program>_<as-of>[_intern]."""
        return file_name(self.programs, self.as_of, "x", self.lang, self.publication)[:-2]


# --------------------------------------------------------------------------------------
# Cells: every count with a name saying what it counts
# --------------------------------------------------------------------------------------

def _where_text(where: dict[str, Any] | None) -> str:
    canonical = metrics.parse_where(where or {})[0]
    return json.dumps(metrics.jsonable(canonical), sort_keys=True, ensure_ascii=False)


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def cell_key(measure: str, status: str | Sequence[str] | None, programs: Iterable[str],
             where: dict[str, Any] | None, a: dt.date | None, b: dt.date | str | None) -> tuple:
    """The name of a count: the same name always means the same number."""
    if status is None:
        status_text = ""
    elif isinstance(status, str):
        status_text = status
    else:
        status_text = "|".join(sorted(status))
    return (measure, status_text, tuple(sorted(programs)), _where_text(where), _iso(a),
            b if isinstance(b, str) else _iso(b))


class _Cells:
    """Counts of the report and their additive relations, for one suppression run."""

    def __init__(self) -> None:
        self.values: dict[tuple, int] = {}
        self.relations: list[suppression.Relation] = []

    def add(self, key: tuple, value: int) -> tuple:
        value = int(value)
        known = self.values.setdefault(key, value)
        if known != value:  # the same name must mean the same number
            raise AssertionError(f"cell {key!r} counted twice with different values: {known} vs {value}")
        return key

    def relate(self, total: tuple, parts: Sequence[tuple]) -> None:
        if parts:
            self.relations.append(suppression.Relation(total, tuple(parts)))


@dataclass(frozen=True)
class _Count:
    """A count shown as a number (``*`` when its cell is suppressed)."""
    cell: tuple


@dataclass(frozen=True)
class _Text:
    """Text shown as is, or ``*`` (or `instead`) when any cell it depends on is suppressed.

    `value`, if given, is what a spreadsheet gets instead of the text (e.g. a date).
    """
    text: str
    depends: tuple = ()
    instead: str = HIDDEN
    value: Any = None


def _share(k_cell: tuple, n_cell: tuple, k: int, n: int, lang: str) -> _Text:
    """k of n as a percentage; hidden with k or n — except 0 of a non-empty group, which is 0 %
    whatever n is (a hidden n is at least 1)."""
    if k == 0 and n > 0:
        return _Text(text.percent(0.0, lang), (k_cell,))
    return _Text(text.percent(k / n if n else None, lang), (k_cell, n_cell))


@dataclass
class _Draft:
    key: str
    section: str
    title: str
    columns: list[str]
    data: list[dict[str, Any]]
    rows: list[list[_Count | _Text]]
    note: str = ""
    align: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()
    strong: list[bool] = field(default_factory=list)
    group_columns: int = 0
    span_column: int | None = None
    label_columns: int = 1

    def add(self, data: dict[str, Any], cells: list[_Count | _Text], strong: bool = False) -> None:
        self.data.append(data)
        self.rows.append(cells)
        self.strong.append(strong)


def _render(draft: _Draft, values: dict[tuple, int], hidden: frozenset, lang: str) -> Table:
    text_rows, mask_rows, sheet_rows = [], [], []
    for row in draft.rows:
        texts, masks, cells = [], [], []
        for spec in row:
            if isinstance(spec, _Count):
                gone = spec.cell in hidden
                texts.append(HIDDEN if gone else text.number(values[spec.cell], lang))
                cells.append(HIDDEN if gone else int(values[spec.cell]))
            else:
                gone = any(c in hidden for c in spec.depends)
                texts.append(spec.instead if gone else spec.text)
                cells.append(spec.value if spec.value is not None and not gone else texts[-1])
            masks.append(gone)
        text_rows.append(texts)
        mask_rows.append(masks)
        sheet_rows.append(cells)
    shown = pd.DataFrame(text_rows, columns=draft.columns, dtype=object)
    mask = pd.DataFrame(mask_rows, columns=draft.columns, dtype=bool)
    sheet = pd.DataFrame(sheet_rows, columns=draft.columns, dtype=object)
    data = pd.DataFrame(draft.data)
    return Table(draft.key, draft.section, draft.title, data, shown, mask, draft.note,
                 draft.align or tuple("L" for _ in draft.columns),
                 draft.widths or tuple(1.0 for _ in draft.columns), tuple(draft.strong),
                 draft.group_columns, draft.span_column, draft.label_columns, sheet,
                 word(f"sheet_{draft.key}", lang))


# --------------------------------------------------------------------------------------
# Building the report
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Ctx:
    con: duckdb.DuckDBPyConnection
    programs: tuple[str, ...]
    info: dict[str, dict[str, Any]]
    start: dt.date
    end: dt.date           # min(period_end, as_of)
    as_of: dt.date
    lang: str
    labels: dict[str, str]  # status -> label in lang

    @property
    def scope(self) -> Scope:
        return Scope(self.programs)

    def d(self, day: Any) -> str:
        return text.date(day, self.lang)

    def w(self, key: str, **values: Any) -> str:
        return word(key, self.lang, **values)

    def program_name(self, program_id: str) -> str:
        return self.info[program_id]["name"] or program_id


def _date(value: Any, name: str, lang: str) -> dt.date:
    try:
        return metrics.as_date(value)
    except (TypeError, ValueError):
        raise ReportError(word("e_date", lang, name=word(name, lang), value=value)) from None


def build_report(con: duckdb.DuckDBPyConnection, programs: Sequence[str], period_start: Any,
                 period_end: Any, as_of: Any, lang: str = "de", threshold: int = 3,
                 publication: bool = True, created: Any = None) -> Report:
    """Assemble the ministry report of `programs` for [period_start, period_end] on `as_of`.

    Args:
        con: the store.
        programs: program ids (at least one; the order is the order in the report).
        period_start, period_end: the reporting period (dates or "DD.MM.YYYY"/ISO text);
            counts stop at min(period_end, as_of).
        as_of: the data date: targets are evaluated and the in-program count taken then.
        lang: "de" (default) or "en" — headings, labels, number format and method text.
        threshold: counts 1 … threshold-1 are suppressed when publishing (default 3).
        publication: True (default) applies suppression; False gives an internal,
            unsuppressed report marked "intern / nicht zur Veröffentlichung".
        created: the creation date printed on the cover; defaults to `as_of` so that the
            same arguments always give the same report.

    Returns:
        A `Report`; its tables in order: targets, progress, entry_gender, entry_age_band,
        entry_isced, entry_german, [entry_origin], leaving, sites.

    Raises:
        ReportError: no or unknown programs, a period ending before it starts or starting
            after as_of, a threshold below 1 (message in `lang`).
    """
    text.check_lang(lang)
    programs = tuple(dict.fromkeys(programs or ()))
    if not programs:
        raise ReportError(word("e_no_programs", lang))
    start, stop, as_of = (_date(period_start, "period_start", lang), _date(period_end, "period_end", lang),
                          _date(as_of, "as_of", lang))
    if stop < start:
        raise ReportError(word("e_period", lang, start=text.date(start, lang), end=text.date(stop, lang)))
    if start > as_of:
        raise ReportError(word("e_after_as_of", lang, start=text.date(start, lang), as_of=text.date(as_of, lang)))
    if int(threshold) < 1:
        raise ReportError(word("e_threshold", lang, threshold=threshold))
    threshold = int(threshold)
    info = _program_info(con, programs)
    unknown = [p for p in programs if p not in info]
    if unknown:
        raise ReportError(word("e_unknown_program", lang, programs=", ".join(unknown)))
    created_day = as_of if created is None else _date(created, "created", lang)

    ctx = _Ctx(con, programs, info, start, min(stop, as_of), as_of, lang, _status_labels(con, programs, lang))
    cells = _Cells()
    drafts: list[_Draft] = []
    cards = [card for p in programs for card in targets.evaluate(con, p, as_of)]
    drafts.append(_targets_draft(ctx, cells, cards))
    progress_draft, progress = _progress_draft(ctx, cells, cards)
    drafts.append(progress_draft)
    drafts.extend(_entry_drafts(ctx, cells))
    drafts.append(_leaving_draft(ctx, cells))
    drafts.append(_sites_draft(ctx, cells))

    result = None
    hidden: frozenset = frozenset()
    if publication:
        result = suppression.suppress_cells(cells.values, cells.relations, threshold)
        hidden = result.suppressed
    tables = tuple(_render(d, cells.values, hidden, lang) for d in drafts)
    charts = tuple(_chart(item, hidden, publication) for item in progress)

    report = Report(
        programs=programs, period_start=start, period_end=stop, as_of=as_of, created=created_day,
        lang=lang, threshold=threshold, publication=publication, title=word("title", lang),
        marking=word("public" if publication else "internal", lang),
        fingerprint=fingerprint(con, programs),
        cover=pd.DataFrame(), tables=tables, charts=charts,
        method=tuple(_method(ctx, threshold, publication)), suppression=result,
    )
    return _with_cover(report, ctx)


# --- helpers reading the store -----------------------------------------------------------

def _program_info(con, programs: Sequence[str]) -> dict[str, dict[str, Any]]:
    cursor = db.run(con, db.sql("report_programs"), {"programs": list(programs)})
    names = [c[0] for c in cursor.description]
    return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}


def _status_labels(con, programs: Sequence[str], lang: str) -> dict[str, str]:
    rows = con.execute(
        "select program_id, status, label_de, label_en from status_vocabulary "
        "where program_id = '*' or list_contains($programs, program_id) "
        "order by program_id = '*' desc, program_id, status",
        {"programs": list(programs)}).fetchall()
    labels: dict[str, str] = {}
    for _, status, de, en in rows:  # a program's own label wins over the built-in one
        labels[status] = (de if lang == "de" else en) or de or en or status
    return labels


# (table, columns, filter, order): what a report is built from, in primary-key order
_FINGERPRINT_TABLES = (
    ("program", "program_id, name, organisation, region, funder, start_date, end_date, special_categories",
     "list_contains($programs, program_id)", "program_id"),
    ("status_vocabulary", "program_id, status, category, label_de, label_en",
     "program_id = '*' or list_contains($programs, program_id)", "program_id, status"),
    ("participant", "program_id, participant_id, site, cohort, entry_date, exit_date, exit_reason, gender, "
                    "birth_year, origin_region, qualification_level, german_level, coach_id, mentor_id",
     "list_contains($programs, program_id)", "program_id, participant_id"),
    ("episode", "program_id, participant_id, status, start_date, end_date",
     "list_contains($programs, program_id)", "program_id, participant_id, status, start_date"),
    ("target", "target_id, valid_from, program_id, funder, label, measure, status, direction, value, "
               "period_start, period_end, scope_json, milestones_json, options_json",
     "list_contains($programs, program_id)", "program_id, target_id, valid_from"),
)


def fingerprint(con: duckdb.DuckDBPyConnection, programs: Iterable[str]) -> str:
    """SHA-256 (hex) of every row a report on `programs` is built from.

    The rows of `program`, `status_vocabulary` (built-in and the programs' own),
    `participant`, `episode` and `target` (all revisions) of the programs, without load ids.
    Each table is hashed in the store (SHA-256 over its rows as text, one per line, in
    primary-key order); the fingerprint is the SHA-256 over the table names and those hashes.
    The order of `programs` does not matter: the same data gives the same fingerprint,
    whatever was loaded when.
    """
    digest = hashlib.sha256(b"wirkungsmonitor-report-v2\n")
    params = {"programs": sorted(set(programs))}
    for name, columns, where, order in _FINGERPRINT_TABLES:
        table_hash = con.execute(
            f"select sha256(coalesce(string_agg(cast(q as varchar), chr(10) order by {order}), '')) "
            f"from (select {columns} from {name} where {where}) q", params).fetchone()[0]
        digest.update(f"#{name} {table_hash}\n".encode())
    return digest.hexdigest()


# --- targets ------------------------------------------------------------------------------

def _target_cells(ctx: _Ctx, cells: _Cells, card: dict) -> tuple[tuple, ...]:
    """The cells behind a target's achieved value (share: numerator and denominator)."""
    start = dt.date.fromisoformat(card["period_start"])
    at = min(ctx.as_of, dt.date.fromisoformat(card["period_end"]))
    programs, where, measure, status = (card["program"],), card.get("scope") or {}, card["measure"], card["status"]
    if card["achieved"] is None:
        return ()
    if measure == "share":
        rate = metrics.share_reached(ctx.con, Scope(programs, where), status, start, at)
        k = cells.add(cell_key("share_reached", status, programs, where, start, at), rate.k)
        n = cells.add(cell_key("entered", None, programs, where, start, at), rate.n)
        return (k, n)
    if measure == "active":
        return (cells.add(cell_key("active", status, programs, where, None, at), card["achieved"]),)
    return (cells.add(cell_key(measure, status, programs, where, start, at), card["achieved"]),)


def _targets_draft(ctx: _Ctx, cells: _Cells, cards: list[dict]) -> _Draft:
    many = len(ctx.programs) > 1
    columns = ([ctx.w("program")] if many else []) + [
        ctx.w("target"), ctx.w("target_period"), ctx.w("achieved"), ctx.w("target_value"),
        ctx.w("attainment"), ctx.w("state"), ctx.w("forecast")]
    draft = _Draft("targets", "s_targets", ctx.w("t_targets"), columns, [], [],
                   note=ctx.w("n_targets", as_of=ctx.d(ctx.as_of)) if cards else ctx.w("n_targets_none"),
                   align=(("L",) if many else ()) + ("L", "L", "R", "R", "R", "L", "L"),
                   widths=((1.7,) if many else ()) + (3.1, 1.5, 1.25, 1.25, 1.85, 1.05, 2.6),
                   group_columns=1 if many else 0, span_column=0 if many else None,
                   label_columns=2 if many else 1)
    for card in cards:
        depends = _target_cells(ctx, cells, card)
        achieved = (_Count(depends[0]) if depends and card["measure"] not in ("share",)
                    else _Text(value_text(card, card["achieved"], ctx.lang), depends))
        direction = "≥ " if card["direction"] == "at_least" else "≤ "
        sentence = forecast_sentence(card, ctx.lang)
        row: list[_Count | _Text] = ([_Text(ctx.program_name(card["program"]))] if many else []) + [
            _Text(card["label"]),
            _Text(f"{ctx.d(card['period_start'])} – {ctx.d(card['period_end'])}"),
            achieved,
            _Text(direction + value_text(card, card["target"], ctx.lang)),
            _Text(text.percent(card["attainment"], ctx.lang), depends),
            _Text(text.say(f"state.{card['state']}", ctx.lang), depends),
            _Text(sentence, depends, instead=ctx.w("forecast_hidden")),
        ]
        draft.add({"program": card["program"], "target_id": card["id"], "label": card["label"],
                   "measure": card["measure"], "status": card["status"], "direction": card["direction"],
                   "achieved": card["achieved"], "target": card["target"],
                   "attainment": card["attainment"], "state": card["state"],
                   "forecast": card["forecast"], "needed_per_month": card["needed_per_month"],
                   "probability": card["probability"], "period_start": card["period_start"],
                   "period_end": card["period_end"], "valid_from": card["valid_from"],
                   "forecast_sentence": sentence}, row)
    return draft


# --- progress -----------------------------------------------------------------------------

def _month_end(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def _period_rows(series: pd.DataFrame) -> list[tuple[dt.date, int]]:
    """(date, cumulative) at every half-year end (PROGRESS_MONTHS) of a monthly series, and its last row."""
    rows = []
    last = len(series) - 1
    for i, row in enumerate(series.itertuples(index=False)):
        day = _month_end(row.month_end)
        period_end = day.month in PROGRESS_MONTHS and (day + dt.timedelta(days=1)).day == 1
        if period_end or i == last:
            rows.append((day, int(row.cumulative)))
    return rows


def _progress_draft(ctx: _Ctx, cells: _Cells, cards: list[dict]) -> tuple[_Draft, list[dict]]:
    many = len(ctx.programs) > 1
    columns = ([ctx.w("program")] if many else []) + [ctx.w("target"), ctx.w("date"), ctx.w("new"),
                                                       ctx.w("cumulative")]
    draft = _Draft("progress", "s_progress", ctx.w("t_progress"), columns, [], [],
                   align=(("L",) if many else ()) + ("L", "L", "R", "R"),
                   widths=((1.6,) if many else ()) + (3.2, 1.2, 1.4, 1.2),
                   group_columns=2 if many else 1, span_column=0 if many else None,
                   label_columns=3 if many else 2)
    items = []
    for card in cards:
        if card["measure"] not in ("entered", "reached") or card["achieved"] is None:
            continue
        progress = panels.target_progress(ctx.con, card, ctx.as_of)
        if progress["series"].empty:
            continue
        programs, where = (card["program"],), card.get("scope") or {}
        status = card["status"] if card["measure"] == "reached" else None
        start = dt.date.fromisoformat(card["period_start"])
        previous_cell, previous_value, previous_day = None, 0, None
        points = []
        for day, cumulative in _period_rows(progress["series"]):
            cum_cell = cells.add(cell_key(card["measure"], status, programs, where, start, day), cumulative)
            first = previous_day + dt.timedelta(days=1) if previous_day else start
            new_cell = cells.add(cell_key(f"{card['measure']}_new", status, programs, where, start,
                                          f"{first.isoformat()}..{day.isoformat()}"),
                                 cumulative - previous_value)
            # running total: this date = previous date + new since then
            cells.relate(cum_cell, [new_cell] if previous_cell is None else [previous_cell, new_cell])
            draft.add({"program": card["program"], "target_id": card["id"], "label": card["label"],
                       "date": day, "new": cumulative - previous_value, "cumulative": cumulative},
                      ([_Text(ctx.program_name(card["program"]))] if many else [])
                      + [_Text(card["label"]), _Text(ctx.d(day), value=day), _Count(new_cell), _Count(cum_cell)])
            points.append((day, cumulative, cum_cell))
            previous_cell, previous_value, previous_day = cum_cell, cumulative, day
        achieved_cells = _target_cells(ctx, cells, card)
        items.append({"card": card, "progress": progress, "points": points, "depends": achieved_cells})
    draft.note = ctx.w("n_progress", as_of=ctx.d(ctx.as_of)) if items else ctx.w("n_progress_none")
    return draft, items


def _chart(item: dict, hidden: frozenset, publication: bool) -> Chart:
    """Publication: the published half-year points; internal: every month of the series."""
    card, progress = item["card"], item["progress"]
    visible = not any(c in hidden for c in item["depends"])
    if publication:
        points = tuple((day, value) for day, value, cell in item["points"] if cell not in hidden)
    else:
        points = tuple((_month_end(row.month_end), int(row.cumulative))
                       for row in progress["series"].itertuples(index=False))
    return Chart(
        program=card["program"], target_id=card["id"], label=card["label"], target=float(card["target"]),
        points=points,
        target_line=tuple((p["date"], float(p["value"])) for p in progress["target_line"]),
        milestones=tuple((m["date"], float(m["value"])) for m in progress["milestones"]),
        forecast=tuple((b["date"], float(b["mid"]), float(b["low"]), float(b["high"]))
                       for b in progress["forecast_band"]) if visible else (),
    )


# --- characteristics at entry ---------------------------------------------------------------

def _breakdown(ctx: _Ctx, cells: _Cells, key: str, title: str,
               categories: list[tuple[str, dict[str, Any]]], note: str = "") -> _Draft:
    """One characteristic: entered in the period per category (+ not recorded) and the total."""
    scope, programs = ctx.scope, ctx.programs
    total_value = metrics.entered(ctx.con, scope, ctx.start, ctx.end)
    total = cells.add(cell_key("entered", None, programs, {}, ctx.start, ctx.end), total_value)
    draft = _Draft(key, "s_entry", title, [ctx.w("category"), ctx.w("count"), ctx.w("share")], [], [],
                   note=note, align=("L", "R", "R"), widths=(3.0, 1.0, 1.0))
    parts = []
    for label, where in categories:
        value = metrics.entered(ctx.con, scope.narrow(**where), ctx.start, ctx.end)
        if list(where.values()) == [None] and value == 0:
            continue  # "not recorded: 0" says nothing
        cell = cells.add(cell_key("entered", None, programs, where, ctx.start, ctx.end), value)
        parts.append(cell)
        draft.add({"category": label, "where": where, "n": value,
                   "share": value / total_value if total_value else None},
                  [_Text(label), _Count(cell), _share(cell, total, value, total_value, ctx.lang)])
    cells.relate(total, parts)
    draft.add({"category": None, "where": {}, "n": total_value, "share": 1.0 if total_value else None},
              [_Text(ctx.w("total")), _Count(total), _Text(text.percent(1.0 if total_value else None, ctx.lang),
                                                           (total,))], strong=True)
    return draft


def _entry_drafts(ctx: _Ctx, cells: _Cells) -> list[_Draft]:
    lang, none = ctx.lang, ctx.w("not_recorded")
    period = ctx.w("n_entry", start=ctx.d(ctx.start), end=ctx.d(ctx.end))  # no number: it may be hidden
    drafts = [
        _breakdown(ctx, cells, "entry_gender", ctx.w("t_gender"),
                   [(_pick(_GENDER[g], lang), {"gender": g}) for g in vocab.GENDERS]
                   + [(none, {"gender": None})], period),
        _breakdown(ctx, cells, "entry_age_band", ctx.w("t_age_band"),
                   [(_pick(_AGE[b], lang) if b in _AGE else b.replace("-", "–"), {"age_band": b})
                    for b in vocab.AGE_BANDS] + [(none, {"age_band": None})]),
        _breakdown(ctx, cells, "entry_isced", ctx.w("t_isced"),
                   [(f"ISCED {low}–{high}", {"qualification_level": {">=": low, "<=": high}})
                    for _, low, high in ISCED_GROUPS] + [(none, {"qualification_level": None})]),
        _breakdown(ctx, cells, "entry_german", ctx.w("t_german"),
                   [(level, {"german_level": level}) for level in vocab.CEFR]
                   + [(none, {"german_level": None})]),
    ]
    allowed = [p for p in ctx.programs if ctx.info[p]["special_categories"]]
    barred = [ctx.program_name(p) for p in ctx.programs if not ctx.info[p]["special_categories"]]
    regions = panels.filter_values(ctx.con, allowed)["origin_region"] if allowed else []
    origin_note = ""
    if not allowed:
        origin_note = ctx.w("n_origin_off", why=ctx.w("n_origin_disabled", programs=", ".join(barred)))
    elif not regions:
        origin_note = ctx.w("n_origin_off", why=ctx.w("n_origin_empty"))
    if regions:
        note = ctx.w("n_origin_partly", programs=", ".join(barred)) if barred else ""
        ordered = sorted(regions, key=lambda r: str(r).casefold())
        drafts.append(_breakdown(ctx, cells, "entry_origin", ctx.w("t_origin"),
                                 [(str(r), {"origin_region": r}) for r in ordered]
                                 + [(none, {"origin_region": None})], note))
    elif origin_note:
        drafts[-1].note = origin_note
    return drafts


# --- results upon leaving --------------------------------------------------------------------


def _leaving_draft(ctx: _Ctx, cells: _Cells) -> _Draft:
    upon_end = min(ctx.end, dates.last_complete_exit(ctx.as_of, days=metrics.UPON_LEAVING_DAYS))
    six_end = min(ctx.end, dates.last_complete_exit(ctx.as_of, months=metrics.FOLLOW_UP_MONTHS))
    columns = [ctx.w("result"), ctx.w("upon"), ctx.w("share_upon"), ctx.w("six"), ctx.w("share_six")]
    draft = _Draft("leaving", "s_leaving", ctx.w("t_leaving"), columns, [], [],
                   align=("L", "R", "R", "R", "R"), widths=(2.6, 1.4, 1.0, 1.9, 1.0))
    programs, scope = ctx.programs, ctx.scope
    n_upon_value = metrics.leavers(ctx.con, scope, ctx.start, upon_end) if upon_end >= ctx.start else 0
    n_six_value = metrics.leavers(ctx.con, scope, ctx.start, six_end) if six_end >= ctx.start else 0
    n_upon = cells.add(cell_key("leavers", None, programs, {}, ctx.start, upon_end), n_upon_value)
    n_six = cells.add(cell_key("leavers", None, programs, {}, ctx.start, six_end), n_six_value)
    draft.add({"status": None, "upon_k": n_upon_value, "upon_n": n_upon_value, "upon_share": None,
               "six_k": n_six_value, "six_n": n_six_value, "six_share": None},
              [_Text(ctx.w("leavers_base")), _Count(n_upon), _Text(""), _Count(n_six), _Text("")], strong=True)
    vocabulary = metrics.vocabulary(ctx.con, programs)
    outcomes = [s for s, c in vocabulary.items() if c == "outcome"]
    rows: list[tuple[str, str | list[str]]] = [(ctx.labels.get(s, s), s) for s in outcomes]
    if len(outcomes) > 1:
        rows.append((ctx.w("any_outcome"), outcomes))
    for label, status in rows:
        upon = (metrics.upon_leaving(ctx.con, scope, status, ctx.start, upon_end)
                if upon_end >= ctx.start else metrics.wilson(0, 0))
        six = (metrics.six_months_after(ctx.con, scope, status, ctx.start, six_end)
               if six_end >= ctx.start else metrics.wilson(0, 0))
        k_upon = cells.add(cell_key("upon_leaving", status, programs, {}, ctx.start, upon_end), upon.k)
        k_six = cells.add(cell_key("six_months_after", status, programs, {}, ctx.start, six_end), six.k)
        draft.add({"status": status if isinstance(status, str) else "any", "upon_k": upon.k, "upon_n": upon.n,
                   "upon_share": upon.share, "upon_ci_low": upon.ci_low, "upon_ci_high": upon.ci_high,
                   "six_k": six.k, "six_n": six.n, "six_share": six.share,
                   "six_ci_low": six.ci_low, "six_ci_high": six.ci_high},
                  [_Text(label), _Count(k_upon), _share(k_upon, n_upon, upon.k, upon.n, ctx.lang),
                   _Count(k_six), _share(k_six, n_six, six.k, six.n, ctx.lang)])
    if n_upon_value == 0 and n_six_value == 0:
        draft.note = ctx.w("n_leaving_none")
    else:
        draft.note = ctx.w("n_leaving", start=ctx.d(ctx.start), upon_end=ctx.d(upon_end),
                           six_end=ctx.d(six_end), as_of=ctx.d(ctx.as_of))
    return draft


# --- sites and cohorts -----------------------------------------------------------------------

def _sort_key(value: Any) -> tuple:
    if value is None:
        return (2, 0, "")
    text = str(value)
    return (0, int(text), text) if text.isdigit() else (1, 0, text.casefold())


def _sites_draft(ctx: _Ctx, cells: _Cells) -> _Draft:
    many = len(ctx.programs) > 1
    outcome_labels = [ctx.w("reached", status=ctx.labels.get(s, s)) for s in OUTCOME_COLUMNS]
    columns = ([ctx.w("program")] if many else []) + [ctx.w("site"), ctx.w("cohort"), ctx.w("entered"),
                                                       ctx.w("in_program", date=ctx.d(ctx.end))] + outcome_labels
    draft = _Draft("sites", "s_sites", ctx.w("t_sites"), columns, [], [],
                   align=(("L",) if many else ()) + ("L", "L", "R", "R", "R", "R"),
                   widths=((1.6,) if many else ()) + (1.8, 1.2, 1.1, 1.5, 1.4, 1.6),
                   group_columns=2 if many else 1, span_column=0 if many else None,
                   label_columns=3 if many else 2)
    draft.note = ctx.w("n_sites", outcomes=", ".join(ctx.labels.get(s, s) for s in OUTCOME_COLUMNS),
                       start=ctx.d(ctx.start), end=ctx.d(ctx.end))
    rows = db.run(ctx.con, db.sql("report_site_cohorts"),
                       {"programs": list(ctx.programs)}).fetchall()
    tree: dict[str, dict[Any, list[Any]]] = {p: {} for p in ctx.programs}
    for program_id, site, cohort in rows:
        tree[program_id].setdefault(site, []).append(cohort)
    none = ctx.w("not_recorded")

    # every count of the table in a few grouped queries (one per measure), not one per row
    by = ("program_id", "site", "cohort")
    scope_all = Scope(ctx.programs)
    grouped = [("entered", None, ctx.start, ctx.end, metrics.entered(ctx.con, scope_all, ctx.start, ctx.end, by=by)),
               ("in_program", None, None, ctx.end, metrics.in_program(ctx.con, scope_all, ctx.end, by=by))]
    grouped += [("reached", status, ctx.start, ctx.end,
                 metrics.reached(ctx.con, scope_all, status, ctx.start, ctx.end, by=by)) for status in OUTCOME_COLUMNS]

    # sums per level: (), (program,), (program, site), (program, site, cohort)
    levels: list[dict[tuple, int]] = []
    for *_, counts in grouped:
        level: dict[tuple, int] = {}
        for (program_id, site, cohort), n in counts.items():
            for key in ((), (program_id,), (program_id, site), (program_id, site, cohort)):
                level[key] = level.get(key, 0) + n
        levels.append(level)

    def measure_cells(programs: tuple[str, ...], where: dict[str, Any]) -> tuple[list[tuple], list[int]]:
        if len(programs) != 1:
            key: tuple = ()
        else:
            key = (programs[0],) + ((where["site"],) if "site" in where else ()) + (
                (where["cohort"],) if "cohort" in where else ())
        numbers = [(m, s, a, b, level.get(key, 0)) for (m, s, a, b, _), level in zip(grouped, levels)]
        keys = [cells.add(cell_key(m, s, programs, where, a, b), v) for m, s, a, b, v in numbers]
        return keys, [n[-1] for n in numbers]

    def emit(program_id: str | None, site: Any, cohort: Any, keys, values, strong: bool,
             site_text: str, cohort_text: str) -> None:
        if not any(values) and not strong:
            return  # a row of zeros says nothing and changes no sum
        prefix = [_Text(ctx.program_name(program_id) if program_id else "")] if many else []
        draft.add({"program": program_id, "site": site, "cohort": cohort, "entered": values[0],
                   "in_program": values[1], **{f"reached_{s}": v for s, v in zip(OUTCOME_COLUMNS, values[2:])}},
                  prefix + [_Text(site_text), _Text(cohort_text)] + [_Count(k) for k in keys], strong)

    total_keys, total_values = measure_cells(ctx.programs, {})
    program_keys_all = []
    for program_id in ctx.programs:
        sites = tree[program_id]
        program_keys, program_values = measure_cells((program_id,), {})
        program_keys_all.append(program_keys)
        site_keys_all = []
        for site in sorted(sites, key=_sort_key):
            cohorts = sorted(sites[site], key=_sort_key)
            site_text = none if site is None else str(site)
            site_keys, site_values = measure_cells((program_id,), {"site": site})
            site_keys_all.append(site_keys)
            if len(cohorts) == 1:
                cohort = cohorts[0]
                emit(program_id, site, cohort, site_keys, site_values, False, site_text,
                     none if cohort is None else str(cohort))
                continue
            cohort_keys_all = []
            for cohort in cohorts:
                keys, values = measure_cells((program_id,), {"site": site, "cohort": cohort})
                cohort_keys_all.append(keys)
                emit(program_id, site, cohort, keys, values, False, site_text,
                     none if cohort is None else str(cohort))
            for j, key in enumerate(site_keys):
                cells.relate(key, [keys[j] for keys in cohort_keys_all])
            emit(program_id, site, None, site_keys, site_values, True, site_text, ctx.w("all_cohorts"))
        for j, key in enumerate(program_keys):
            cells.relate(key, [keys[j] for keys in site_keys_all])
        if many:
            emit(program_id, None, None, program_keys, program_values, True, ctx.w("all_sites"), "")
    if many:
        for j, key in enumerate(total_keys):
            cells.relate(key, [keys[j] for keys in program_keys_all])
    emit(None, None, None, total_keys, total_values, True, ctx.w("total"), "")
    return draft


# --- cover and method -------------------------------------------------------------------------

def _with_cover(report: Report, ctx: _Ctx) -> Report:
    lang = report.lang
    infos = [ctx.info[p] for p in report.programs]

    def joined(values: Iterable[Any]) -> str:
        return "; ".join(dict.fromkeys(str(v) for v in values if v))

    funders: list[str] = []
    for info in infos:
        funders += [f.strip() for f in str(info["funder"] or "").split(";") if f.strip()]
    rows = [
        ("programs", word("programs", lang), joined(i["name"] or i["program_id"] for i in infos)),
        ("organisation", word("organisation", lang), joined(i["organisation"] for i in infos) or "–"),
        ("region", word("region", lang), joined(i["region"] for i in infos) or "–"),
        ("funders", word("funders", lang), joined(funders) or "–"),
        ("program_period", word("program_period", lang),
         joined(f"{text.date(i['start_date'], lang)}–{text.date(i['end_date'], lang)}" for i in infos)),
        ("period", word("period", lang),  # counted up to the as-of date at most
         f"{text.date(report.period_start, lang)}–{text.date(min(report.period_end, report.as_of), lang)}"),
        ("as_of", word("as_of", lang), text.date(report.as_of, lang)),
        ("created", word("created", lang), text.date(report.created, lang)),
        ("status", word("status_pub", lang), report.marking),
        ("suppression", word("suppression_rule", lang), _rule(report.threshold, report.publication, lang)),
        ("fingerprint", word("fingerprint", lang), report.fingerprint),
    ]
    cover = pd.DataFrame(rows, columns=["field", "label", "value"])
    return dataclasses.replace(report, cover=cover)


def _rule(threshold: int, publication: bool, lang: str) -> str:
    if not publication:
        return word("rule_internal", lang, rule=_rule(threshold, True, lang))
    if threshold <= 1:
        return word("rule_none", lang)
    if threshold == 2:
        return word("rule_public_one", lang)
    return word("rule_public", lang, max=threshold - 1)


_METHOD = {
    "de": [
        ("Berichtszeitraum und Datenstand",
         "Gezählt wird vom {start} bis {end} (Ende des Berichtszeitraums, höchstens der Datenstand "
         "{as_of}). Ziele werden zum Datenstand bewertet, in der an diesem Tag gültigen Fassung. "
         "Grundlage sind die pseudonymisierten Teilnehmenden- und Verlaufsdaten der Programme; der "
         "Datenfingerabdruck (SHA-256 über alle Programm-, Teilnehmenden-, Verlaufs- und Zielzeilen, "
         "geordnet) weist nach, auf welchem Datenstand der Bericht beruht: gleiche Daten und gleiche "
         "Angaben ergeben denselben Bericht."),
        ("Was die Zahlen zählen",
         "Eingetreten: Teilnehmende mit Eintrittsdatum im Zeitraum. Im Programm: eingetreten und "
         "nicht vor dem Stichtag ausgetreten. Begonnen (z. B. Ausbildung): Teilnehmende mit mindestens "
         "einem Abschnitt dieses Status, der im Zeitraum beginnt; jede Person zählt einmal. Merkmale "
         "bei Eintritt beziehen sich auf die im Zeitraum Eingetretenen; das Alter ist das Alter im "
         "Eintrittsjahr (nur das Geburtsjahr wird gespeichert), das Bildungsniveau die ISCED-Stufe "
         "(0–2, 3–4, 5–8), die Deutschkenntnisse die GER-Stufe. Die Herkunftsregion wird nur gezeigt, "
         "wo sie erfasst und für das Programm erlaubt ist."),
        ("Ergebnisse bei und nach Austritt",
         "Bei Austritt (ESF+): von den Ausgetretenen diejenigen, die an mindestens einem Tag vom "
         "Austrittstag bis 28 Tage danach im Status waren. Sechs Monate nach Austritt: diejenigen, die am "
         "Tag sechs Kalendermonate nach dem Austritt im Status waren. Gezählt werden nur Austritte, deren "
         "Beobachtungszeitraum am Datenstand abgeschlossen ist. Eine Person kann mehrere Ergebnisse "
         "haben; „irgendein Ergebnis“ zählt sie einmal."),
        ("Ziele, Stand und Prognose",
         "Zielerreichung = erreicht / Zielwert. Stand: erreicht, im Plan (mindestens auf der Linie von "
         "0 zum Zielwert bzw. durch die Meilensteine), gefährdet (darunter), verfehlt (Zeitraum vorbei, "
         "nicht erreicht), noch nicht begonnen. Die Prognose schreibt das Tempo der letzten {window} "
         "Monate bis zum Zielende fort; die Wahrscheinlichkeit behandelt neue Fälle als Poisson-Prozess "
         "mit diesem Tempo. Die Zeitreihe zeigt die kumulierten Werte je Halbjahresende."),
        ("Geheimhaltung",
         "{rule} Jede Zahl ist eine Zelle mit fester Bedeutung (Messgröße, Status, Programme, Filter, "
         "Zeitraum); dieselbe Zelle ist in allen Tabellen gleich behandelt, und Summenbeziehungen "
         "(Aufschlüsselungen, Standort und Kohorten, Halbjahre und kumulierte Werte) werden gemeinsam "
         "geprüft, sodass sich keine unterdrückte Zahl aus anderen errechnen lässt. Aus einer "
         "unterdrückten Zahl wird kein Anteil berechnet; Stand und Prognose eines Ziels mit "
         "unterdrücktem Wert werden ebenfalls nicht gezeigt."),
    ],
    "en": [
        ("Reporting period and data date",
         "Counts run from {start} to {end} (end of the reporting period, at most the as-of date "
         "{as_of}). Targets are evaluated on the as-of date, in the revision in force that day. The "
         "basis is the programmes' pseudonymous participant and episode data; the data fingerprint "
         "(SHA-256 over all programme, participant, episode and target rows, ordered) proves which "
         "data the report was built from: the same data and the same settings give the same report."),
        ("What the numbers count",
         "Entered: participants whose entry date lies in the period. In programme: entered and not "
         "left before the date. Started (e.g. vocational training): participants with at least one "
         "episode of the status starting in the period; each person counts once. Characteristics at "
         "entry refer to those who entered in the period; age is the age in the year of entry (only the "
         "birth year is stored), level of education the ISCED level (0–2, 3–4, 5–8), German the CEFR "
         "level. The region of origin is shown only where it is recorded and allowed for the programme."),
        ("Results upon and after leaving",
         "Upon leaving (ESF+): of the leavers, those in the status on at least one day from the day of "
         "leaving to 28 days later. Six months after leaving: those in the status on the day six calendar "
         "months after leaving. Only leavers whose observation window is complete on the as-of date are "
         "counted. A person may have several results; 'any result' counts her once."),
        ("Targets, state and forecast",
         "Attainment = achieved / target value. State: met, on track (at least on the line from 0 to "
         "the target, or through the milestones), at risk (below it), missed (period over, not met), "
         "not started. The forecast continues the pace of the last {window} months to the end of the "
         "target period; the probability treats new cases as a Poisson process at that pace. The time "
         "series shows the cumulative values at every half-year end."),
        ("Disclosure control",
         "{rule} Every number is a cell with a fixed meaning (measure, status, programmes, filter, "
         "period); the same cell is treated alike in every table, and sum relations (breakdowns, site "
         "and cohorts, half-years and running totals) are checked together, so no suppressed number can "
         "be worked out from others. No share is computed from a suppressed number; the state and "
         "forecast of a target whose value is suppressed are not shown either."),
    ],
}


def _method(ctx: _Ctx, threshold: int, publication: bool) -> list[tuple[str, str]]:
    values = {"start": ctx.d(ctx.start), "end": ctx.d(ctx.end), "as_of": ctx.d(ctx.as_of),
              "rule": _rule(threshold, publication, ctx.lang),
              "window": text.number(targets.FORECAST_WINDOW_MONTHS, ctx.lang)}
    return [(heading, body.format(**values)) for heading, body in _METHOD[ctx.lang]]


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------

SECTIONS = ("s_targets", "s_progress", "s_entry", "s_leaving", "s_sites")


def fixed_timestamp(report: Report) -> dt.datetime:
    """The creation time written into PDF metadata: the creation date, midnight UTC."""
    return dt.datetime.combine(report.created, dt.time(0, 0), tzinfo=dt.timezone.utc)


# --- chart ------------------------------------------------------------------------------------

CHART_PANELS_PER_IMAGE = 6


def chart_png(report: Report, charts: Sequence[Chart] | None = None, dpi: int = 150) -> bytes | None:
    """The progress chart as PNG bytes (matplotlib, Agg, no global state), or None if no series.

    One panel per target: the achieved values (publication: the published half-year points
    only; internal: every month), the target line through the milestones and, where the
    achieved value is shown, the forecast band (10th–90th percentile). The PNG carries no
    software/date metadata, so the same report gives the same bytes.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    charts = list(report.charts if charts is None else charts)
    if not charts:
        return None
    lang = report.lang
    columns = 1 if len(charts) == 1 else 2
    rows = math.ceil(len(charts) / columns)
    figure = Figure(figsize=(7.2, 0.6 + 2.5 * rows) if columns == 2 else (7.2, 3.0), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False)
    many = len(report.programs) > 1
    blue, grey, light = "#1f5fa8", "#7a7a7a", "#c9dcf2"
    for ax, chart in zip(axes.flat, charts):
        if chart.forecast:
            days = [f[0] for f in chart.forecast]
            ax.fill_between(days, [f[2] for f in chart.forecast], [f[3] for f in chart.forecast],
                            color=light, linewidth=0, zorder=1)
            ax.plot(days, [f[1] for f in chart.forecast], color=blue, linestyle=":", linewidth=1.2, zorder=2)
        ax.plot([p[0] for p in chart.target_line], [p[1] for p in chart.target_line], color=grey,
                linestyle="--", linewidth=1.0, zorder=2)
        if chart.milestones:
            ax.plot([m[0] for m in chart.milestones], [m[1] for m in chart.milestones], linestyle="none",
                    marker="D", markersize=4, color=grey, zorder=3)
        if chart.points:
            xs, ys = [p[0] for p in chart.points], [p[1] for p in chart.points]
            if report.publication:
                ax.plot(xs, ys, color=blue, marker="o", markersize=3.5, linewidth=1.6, zorder=4)
            else:
                ax.step(xs, ys, where="post", color=blue, linewidth=1.6, zorder=4)
        title = chart.label if not many else f"{_program_label(report, chart.program)}: {chart.label}"
        ax.set_title(_wrap(title, 48 if columns == 2 else 100), fontsize=8, loc="left")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        # ticks set by hand (1 January, minor on 1 July): the date locators are slow
        days = [p[0] for p in chart.target_line] + [p[0] for p in chart.points]
        years = range(min(days).year, max(days).year + 2)
        ax.set_xticks([dt.date(y, 1, 1) for y in years], [str(y) for y in years])
        ax.set_xticks([dt.date(y, 7, 1) for y in years], minor=True)
        ax.set_xlim(min(days) - dt.timedelta(days=20), max(days) + dt.timedelta(days=20))
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", color="#e4e4e4", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in list(axes.flat)[len(charts):]:
        ax.set_visible(False)
    handles = [Line2D([], [], color=blue, marker="o" if report.publication else None, linewidth=1.6),
               Line2D([], [], color=grey, linestyle="--", linewidth=1.0),
               Line2D([], [], color=grey, marker="D", linestyle="none", markersize=4),
               Patch(color=light)]
    labels = [word(k, lang) for k in ("c_achieved", "c_line", "c_milestone", "c_forecast")]
    figure.legend(handles, labels, loc="lower center", ncol=4, fontsize=7, frameon=False)
    height = figure.get_figheight()
    figure.subplots_adjust(left=0.07, right=0.98, wspace=0.22, top=1 - 0.5 / height,
                           bottom=0.55 / height, hspace=0.75 / (2.5 - 0.75) if rows > 1 else 0.2)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _program_label(report: Report, program_id: str) -> str:
    names = dict(zip(report.programs, report.cover.loc[report.cover["field"] == "programs", "value"]
                     .iloc[0].split("; "))) if len(report.programs) > 1 else {}
    return names.get(program_id, program_id)


# --- PDF ----------------------------------------------------------------------------------------

def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def pdf_bytes(report: Report, *, compress: bool = True) -> bytes:
    """The report as an A4 PDF (fpdf2, DejaVu Sans from matplotlib's fonts; no system fonts).

    Cover page, one section per table group with headed tables (``*`` where suppressed), the
    progress chart as PNG, the method section; page numbers and the publication marking on
    every page. The creation date is fixed (`fixed_timestamp`), so the bytes depend only on
    the report.
    """
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    lang = report.lang
    red = (176, 0, 32)

    class _PDF(FPDF):
        def header(self) -> None:
            if self.page_no() == 1:
                return
            self.set_font("DejaVu", "", 7)
            self.set_text_color(110, 110, 110)
            self.cell(0, 4, f"{word('app', lang)} · {report.title}", align="L")
            self.set_x(self.l_margin)
            if not report.publication:
                self.set_text_color(*red)
                self.set_font("DejaVu", "B", 7)
            self.cell(0, 4, report.marking, align="R", new_x="LMARGIN", new_y="NEXT")
            self.set_draw_color(200, 200, 200)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            self.set_text_color(0, 0, 0)
            self.ln(5)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 7)
            self.set_text_color(110, 110, 110)
            self.cell(0, 4, f"{word('as_of', lang)} {text.date(report.as_of, lang)}", align="L")
            self.set_x(self.l_margin)
            self.cell(0, 4, word("page", lang, n=self.page_no(), total="{nb}"), align="C")
            self.set_x(self.l_margin)
            self.cell(0, 4, f"SHA-256 {report.fingerprint[:16]}…", align="R")
            self.set_text_color(0, 0, 0)

    pdf = _PDF(orientation="P", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_creation_date(fixed_timestamp(report))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    programs = report.cover.set_index("field")["value"]
    pdf.set_title(f"{report.title} – {programs['programs']}")
    pdf.set_subject(f"{word('period', lang)} {programs['period']}, {word('as_of', lang)} {programs['as_of']}")
    pdf.set_author(programs["organisation"])
    pdf.set_creator(word("app", lang))
    pdf.set_lang(lang)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    # cover
    pdf.add_page()
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(110, 110, 110)
    pdf.cell(0, 5, word("app", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(0, 9, report.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 14)
    pdf.multi_cell(0, 7, programs["programs"], align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B" if not report.publication else "", 10)
    if not report.publication:
        pdf.set_text_color(*red)
        pdf.set_draw_color(*red)
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
                row.cell(item.value)

    # sections
    for section in SECTIONS:
        tables = [t for t in report.tables if t.section == section]
        if not tables:
            continue
        pngs = []
        if section == "s_progress":
            pngs = [chart_png(report, report.charts[first:first + CHART_PANELS_PER_IMAGE])
                    for first in range(0, len(report.charts), CHART_PANELS_PER_IMAGE)]
        first_height = _png_height(pngs[0], width) if pngs else 40
        if section in ("s_targets", "s_entry", "s_sites") or (
                pdf.get_y() + 16 + first_height > pdf.h - pdf.b_margin):
            pdf.add_page()
        else:
            pdf.ln(6)
        pdf.set_font("DejaVu", "B", 14)
        pdf.cell(0, 8, word(section, lang), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        for png in pngs:
            if pdf.get_y() + _png_height(png, width) > pdf.h - pdf.b_margin:
                pdf.add_page()
            pdf.image(io.BytesIO(png), w=width)
            pdf.ln(2)
        if section == "s_entry":  # short breakdowns side by side
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
                    _pdf_table(pdf, table, half, FontFace, titled=True, x=pdf.l_margin + j * (half + gap))
                    bottoms.append(pdf.get_y())
                pdf.set_xy(pdf.l_margin, max(bottoms))
            continue
        for table in tables:
            _pdf_table(pdf, table, width, FontFace, titled=len(tables) > 1 or section == "s_progress")

    # method
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 8, word("s_method", lang), new_x="LMARGIN", new_y="NEXT")
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


def _pdf_table(pdf, table: Table, width: float, FontFace, titled: bool, x: float | None = None) -> None:
    """One table: optional title, heading row on every page, bold totals, note in italics."""
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


def write_pdf(report: Report, path: str | os.PathLike) -> Path:
    """Write the report as PDF to `path` (see `pdf_bytes`)."""
    return _write(Path(path), pdf_bytes(report))


def _write(path: Path, data: bytes) -> Path:
    """Write atomically: a half-written report never lies at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".part")
    scratch.write_bytes(data)
    scratch.replace(path)
    return path


# --- XLSX and CSV ------------------------------------------------------------------------------

def sheets(report: Report) -> dict[str, pd.DataFrame]:
    """The report as spreadsheet sheets: cover, one per table, method (name → table).

    Shown counts are whole numbers, everything else text as in the PDF (``*``, "74 %").
    """
    lang = report.lang
    out = {word("sheet_cover", lang): pd.DataFrame(
        {word("field", lang): report.cover["label"], word("value", lang): report.cover["value"]})}
    for table in report.tables:
        out[table.sheet_name] = table.sheet
    out[word("sheet_method", lang)] = pd.DataFrame(
        [list(item) for item in report.method], columns=[word("section", lang), word("text", lang)])
    return out


def _notes(report: Report) -> list[str]:
    lang = report.lang
    lines = [report.marking, _rule(report.threshold, report.publication, lang)]
    if report.publication:
        lines.append(word("star", lang))
    lines.append(f"{word('fingerprint', lang)}: {report.fingerprint}")
    lines += [f"{t.sheet_name}: {t.note}" for t in report.tables if t.note]
    return lines


def xlsx_bytes(report: Report) -> bytes:
    """The report as an Excel workbook: cover sheet, one sheet per table, method sheet and
    the notes sheet of `spreadsheets.xlsx_bytes` (marking, rule, fingerprint, table notes).

    Text goes through `export` (never a formula), the creation date is the report's, so
    the same report gives the same bytes.
    """
    from pipelines.report import spreadsheets

    return spreadsheets.xlsx_bytes(sheets(report), title=f"{report.title} – {_cover(report, 'programs')}",
                             notes=_notes(report), created=report.created, lang=report.lang)


def write_xlsx(report: Report, path: str | os.PathLike) -> Path:
    """Write the report as XLSX to `path` (see `xlsx_bytes`)."""
    return _write(Path(path), xlsx_bytes(report))


def csv_frame(report: Report) -> pd.DataFrame:
    """The whole report as one long table: Tabelle, Nr, Zeile, Spalte, Wert.

    One line per shown value: the table (its sheet name; "Deckblatt" and "Methodik" too),
    the row number within the table, the row's label (its label columns joined by " / "),
    the column head and the value as shown — counts as whole numbers, ``*`` where
    suppressed, percentages and texts as in the PDF. Filter on Tabelle, or pivot Zeile ×
    Spalte to get a table back.
    """
    lang = report.lang
    rows: list[tuple] = []
    for i, item in enumerate(report.cover.itertuples(index=False), start=1):
        rows.append((word("sheet_cover", lang), i, item.label, word("value", lang), item.value))
    for table in report.tables:
        columns = list(table.sheet.columns)
        labels, values = columns[:table.label_columns], columns[table.label_columns:]
        for i, row in enumerate(table.sheet.itertuples(index=False), start=1):
            record = dict(zip(columns, row))
            label = " / ".join(str(record[c]) for c in labels if str(record[c]))
            for column in values:
                rows.append((table.sheet_name, i, label, column, record[column]))
    for i, (heading, body) in enumerate(report.method, start=1):
        rows.append((word("sheet_method", lang), i, heading, word("text", lang), body))
    names = [word(k, lang) for k in ("csv_table", "csv_number", "csv_row", "csv_column", "csv_value")]
    return pd.DataFrame(rows, columns=names, dtype=object)


def csv_bytes(report: Report) -> bytes:
    """The report as one CSV (`csv_frame`): German ``;`` and UTF-8 with BOM, or English ``,``;
    injection-safe and byte-identical for the same report (`spreadsheets.csv_bytes`)."""
    from pipelines.report import spreadsheets

    return spreadsheets.csv_bytes(csv_frame(report), lang=report.lang)


def write_csv(report: Report, path: str | os.PathLike) -> Path:
    """Write the report as CSV to `path` (see `csv_bytes`)."""
    return _write(Path(path), csv_bytes(report))


def _cover(report: Report, field_name: str) -> str:
    return str(report.cover.set_index("field")["value"][field_name])


# --- one call for the CLI and the dashboard ---------------------------------------------------------

_BYTES = {"pdf": pdf_bytes, "xlsx": xlsx_bytes, "csv": csv_bytes}
MIME = {"pdf": "application/pdf", "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def report_bytes(con: duckdb.DuckDBPyConnection, programs: Sequence[str], period_start: Any,
                 period_end: Any, as_of: Any, fmt: str = "pdf", lang: str = "de", threshold: int = 3,
                 publication: bool = True) -> bytes:
    """Build the report and return the file's bytes (e.g. for a download button).

    Arguments as for `build_report`; `fmt` is "pdf", "xlsx" or "csv".
    The file name to offer: ``build_report(...).file_stem() + "." + fmt`` (or `file_name`).
    """
    if fmt not in _BYTES:
        raise ReportError(word("e_format", lang if lang in ("de", "en") else "de", fmt=fmt))
    report = build_report(con, programs, period_start, period_end, as_of, lang=lang,
                          threshold=threshold, publication=publication)
    return _BYTES[fmt](report)


def file_name(programs: Sequence[str], as_of: Any, fmt: str, lang: str = "de",
              publication: bool = True) -> str:
    """The file name a report gets: ``bericht_<program>_<as-of>[_intern].<fmt>``."""
    base = "bericht" if lang == "de" else "report"
    programs = list(dict.fromkeys(programs))
    program = programs[0] if len(programs) == 1 else f"{len(programs)}-programme"
    suffix = "" if publication else ("_intern" if lang == "de" else "_internal")
    return f"{base}_{program}_{metrics.as_date(as_of).isoformat()}{suffix}.{fmt}"


def write_report(con: duckdb.DuckDBPyConnection, programs: Sequence[str], period_start: Any,
                 period_end: Any, as_of: Any, fmt: str, out: str | os.PathLike, lang: str = "de",
                 threshold: int = 3, publication: bool = True) -> Path:
    """Build the report and write it as `fmt` ("pdf", "xlsx", "csv").

    Args:
        out: the file to write, or an existing directory to write `file_name(...)` into.

    Returns:
        The path written (written atomically: a half-written report never lies there).
    """
    out = Path(out)
    if out.is_dir():
        out = out / file_name(programs, as_of, fmt, lang, publication)
    return _write(out, report_bytes(con, programs, period_start, period_end, as_of, fmt, lang,
                                    threshold, publication))
