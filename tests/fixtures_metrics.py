"""Tiny stores for the metric, target and comparison tests: INSERT a few rows, count by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

D = dt.date.fromisoformat


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return D(value)


def add_program(con, program_id: str = "p1", start: str | None = "2018-01-01",
                end: str | None = "2022-12-31", name: str | None = None) -> None:
    con.execute(
        "insert into program (program_id, name, start_date, end_date) values (?, ?, ?, ?)",
        [program_id, name or program_id, _date(start), _date(end)],
    )


def add_participant(con, participant_id: str, entry: str, exit: str | None = None, *,
                    program: str = "p1", **attributes: Any) -> None:
    """A participant; attributes are participant columns (site, cohort, german_level, …)."""
    columns = ["program_id", "participant_id", "entry_date", "exit_date", *attributes]
    values = [program, participant_id, _date(entry), _date(exit), *attributes.values()]
    marks = ", ".join("?" for _ in columns)
    con.execute(f"insert into participant ({', '.join(columns)}) values ({marks})", values)


def add_episode(con, participant_id: str, status: str, start: str, end: str | None = None, *,
                program: str = "p1") -> None:
    con.execute(
        "insert into episode (program_id, participant_id, status, start_date, end_date) "
        "values (?, ?, ?, ?, ?)",
        [program, participant_id, status, _date(start), _date(end)],
    )


def add_status(con, status: str, category: str, program: str = "p1") -> None:
    con.execute("insert into status_vocabulary (program_id, status, category) values (?, ?, ?)",
                [program, status, category])


def build(con, participants: list[tuple] = (), episodes: list[tuple] = (), *,
          program: str = "p1", start: str | None = "2018-01-01", end: str | None = "2022-12-31") -> None:
    """A program with participants (id, entry, exit[, {attributes}]) and episodes
    (participant id, status, start[, end])."""
    add_program(con, program, start, end)
    for row in participants:
        exit_ = row[2] if len(row) > 2 else None
        attrs = row[3] if len(row) > 3 else {}
        add_participant(con, row[0], row[1], exit_, program=program, **attrs)
    for row in episodes:
        end_ = row[3] if len(row) > 3 else None
        add_episode(con, row[0], row[1], row[2], end_, program=program)
