"""What the demo programs share: dates, random draws, the ingestion rules every row must follow,
and the writers of CSV and XLSX files (byte for byte the same on every run)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import random

import xlsxwriter

Row = dict[str, object]

# Participant columns shared by all formats (the `Programm` column is added where present).
PARTICIPANT_COLUMNS = [
    "Teilnehmer-ID", "Standort", "Kohorte", "Eintritt", "Austritt", "Austrittsgrund",
    "Geschlecht", "Geburtsjahr", "Herkunftsregion", "ISCED", "Deutschniveau",
]
EPISODE_COLUMNS = ["Teilnehmer-ID", "Programm", "Status", "Beginn", "Ende"]


def D(text: str) -> dt.date:
    """A date from German notation: D("31.08.2020")."""
    day, month, year = (int(part) for part in text.split("."))
    return dt.date(year, month, day)


def plus_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def working_day(day: dt.date) -> dt.date:
    """The same day, or the following Monday if it falls on a weekend."""
    while day.weekday() >= 5:
        day = plus_days(day, 1)
    return day


def day_between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A random day in [lo, hi]."""
    if hi < lo:
        raise ValueError(f"empty date range {lo} – {hi}")
    return plus_days(lo, rng.randint(0, (hi - lo).days))


def contract_start(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A random 1st or 15th of a month in [lo, hi] (when job contracts begin)."""
    days = [
        dt.date(year, month, dom)
        for year in range(lo.year, hi.year + 1)
        for month in range(1, 13)
        for dom in (1, 15)
        if lo <= dt.date(year, month, dom) <= hi
    ]
    if not days:
        raise ValueError(f"no contract start in {lo} – {hi}")
    return rng.choice(days)


def weighted_choice(rng: random.Random, weights: dict) -> object:
    """One key of `weights`, drawn with the given weights (insertion order is fixed)."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def birth_year(rng: random.Random, lo: int = 1966, hi: int = 2001, mode: int = 1988) -> int:
    return int(rng.triangular(lo, hi, mode))


def episode_end(start: dt.date, length: int, exit_date: dt.date | None,
                as_of: dt.date) -> dt.date | None:
    """End of an episode of `length` days: cut at the exit, left open beyond the data date."""
    end = plus_days(start, length)
    if exit_date is not None and end > exit_date:
        end = exit_date
    return None if end > as_of else end


# ---------------------------------------------------------------------------------------
# Checks: the rules every row must satisfy (DESIGN.md, ingestion)
# ---------------------------------------------------------------------------------------

def _tracking_episodes(row: Row) -> list[tuple[str, dt.date, dt.date | None]]:
    """(status, start, end) of a tracking-sheet row."""
    episodes = []
    for column, value in row.items():
        if value is None:
            continue
        if column.endswith(" ab"):
            status = column[:-3]
            episodes.append((status, value, row.get(f"{status} bis")))
        elif column.endswith(" am"):
            episodes.append((column[:-3], value, value))
    return episodes


def _check_person(pid: str, person: Row, episodes, as_of: dt.date) -> None:
    entry, exit_date = person["Eintritt"], person.get("Austritt")
    problems = []
    if exit_date is not None and exit_date < entry:
        problems.append("exit before entry")
    if (exit_date is None) != (person.get("Austrittsgrund") is None):
        problems.append("exit date and reason must come together")
    for status, start, end in episodes:
        if start < entry:
            problems.append(f"{status} starts before entry")
        if exit_date is not None and start > exit_date:
            problems.append(f"{status} starts after exit")
        if end is not None and end < start:
            problems.append(f"{status} ends before it starts")
    dates = [entry, exit_date] + [d for _, start, end in episodes for d in (start, end)]
    if any(d is not None and d > as_of for d in dates):
        problems.append(f"date after {as_of}")
    if problems:
        raise AssertionError(f"{pid}: {', '.join(problems)}")


def check_rows(rows: list[Row], as_of: dt.date) -> None:
    """Every tracking row follows the ingestion rules; ids are unique."""
    ids = [row["Teilnehmer-ID"] for row in rows]
    if len(set(ids)) != len(ids):
        raise AssertionError("participant ids are not unique")
    for row in rows:
        _check_person(row["Teilnehmer-ID"], row, _tracking_episodes(row), as_of)


def check_long(people: list[Row], episodes: list[Row], as_of: dt.date) -> None:
    """The long-format pair follows the ingestion rules; episode keys are unique."""
    ids = [person["Teilnehmer-ID"] for person in people]
    if len(set(ids)) != len(ids):
        raise AssertionError("participant ids are not unique")
    keys = [(e["Teilnehmer-ID"], e["Status"], e["Beginn"]) for e in episodes]
    if len(set(keys)) != len(keys):
        raise AssertionError("two episodes share participant, status and start")
    by_id: dict[str, list] = {pid: [] for pid in ids}
    for e in episodes:
        by_id[e["Teilnehmer-ID"]].append((e["Status"], e["Beginn"], e["Ende"]))
    for person in people:
        pid = person["Teilnehmer-ID"]
        _check_person(pid, person, by_id[pid], as_of)


# ---------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------

def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def csv_bytes(columns: list[str], rows: list[Row], *, delimiter: str, encoding: str,
               newline: str) -> bytes:
    """A CSV file's bytes: header plus rows, dates as DD.MM.YYYY, empty cell = no value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell_text(row.get(column)) for column in columns])
    return buffer.getvalue().encode(encoding)


def write_xlsx(path: pathlib.Path, sheet: str, columns: list[str], rows: list[Row],
                properties: dict, legend: list[tuple[str, str]] | None = None) -> None:
    """An Excel tracking sheet: real date cells (DD.MM.YYYY), numbers as numbers.

    The document properties carry a fixed creation date, so the bytes never change.
    """
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    workbook.set_properties(properties)
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    worksheet = workbook.add_worksheet(sheet)
    for col, column in enumerate(columns):
        worksheet.write_string(0, col, column, bold)
        worksheet.set_column(col, col, max(11, len(column) + 2))
    for r, row in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            value = row.get(column)
            if value is None:
                continue
            if isinstance(value, dt.date):
                worksheet.write_datetime(r, col, dt.datetime(value.year, value.month, value.day),
                                         date_format)
            elif isinstance(value, int):
                worksheet.write_number(r, col, value)
            else:
                worksheet.write_string(r, col, str(value))
    worksheet.freeze_panes(1, 1)
    worksheet.autofilter(0, 0, len(rows), len(columns) - 1)
    if legend:
        notes = workbook.add_worksheet("Legende")
        notes.set_column(0, 0, 22)
        notes.set_column(1, 1, 70)
        for r, (term, text) in enumerate(legend):
            notes.write_string(r, 0, term, bold if r == 0 else None)
            notes.write_string(r, 1, text, bold if r == 0 else None)
    workbook.close()
