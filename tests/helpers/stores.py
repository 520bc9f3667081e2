"""Tiny stores: INSERT a few rows, count by hand (metrics, targets, comparisons, reports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipelines import targets
from pipelines.store import db, derived

D = dt.date.fromisoformat


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return D(value)


def add_program(con, program_id: str = "p1", start: str | None = "2018-01-01",
                end: str | None = "2022-12-31", name: str | None = None) -> None:
    con.execute(
        "insert into program (program_id, name, start_date, end_date, special_categories) values (?, ?, ?, ?, true)",
        [program_id, name or program_id, _date(start), _date(end)],
    )


def add_participant(con, participant_id: str, entry: str, exit: str | None = None, *,
                    program: str = "p1", **attributes: Any) -> None:
    """A participant; attributes are participant columns (site, cohort, german_level, …)."""
    columns = ["person_key", "program_id", "participant_id", "entry_date", "exit_date", *attributes]
    values = [db.allocate(con, "person_key"), program, participant_id, _date(entry), _date(exit), *attributes.values()]
    marks = ", ".join("?" for _ in columns)
    con.execute(f"insert into participant ({', '.join(columns)}) values ({marks})", values)


def add_episode(con, participant_id: str, status: str, start: str, end: str | None = None, *,
                program: str = "p1") -> None:
    con.execute(
        "insert into episode (person_key, program_id, participant_id, status, start_date, end_date) "
        "select person_key, ?, ?, ?, ?, ? from participant where program_id = ? and participant_id = ?",
        [program, participant_id, status, _date(start), _date(end), program, participant_id],
    )
    derived.rebuild(con, [program])


def add_status(con, status: str, category: str, program: str = "p1") -> None:
    con.execute("insert into status_vocabulary (program_id, status, category) values (?, ?, ?)",
                [program, status, category])
    derived.rebuild(con, [program])


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


# --------------------------------------------------------------------------- the report's tiny store
# A tiny store for the report tests, small enough to count every number by hand.
#
# Program p1 (2020-01-01 – 2021-12-31), report period 2020-01-01 – 2021-06-30, as of 2021-06-30.
#
# | id | site | entry      | exit       | gender  | born | ISCED | German | episodes                        |
# |----|------|------------|------------|---------|------|-------|--------|---------------------------------|
# | n1 | Nord | 2020-01-10 | 2020-06-30 | female  | 1990 | 3     | B1     | training from 2020-07-15        |
# | n2 | Nord | 2020-02-01 | 2020-09-30 | female  | 1985 | 6     | B2     | employment from 2020-12-01      |
# | n3 | Nord | 2020-03-01 |            | female  | 1999 | 2     | A2     | training from 2021-01-10        |
# | n4 | Nord | 2020-04-01 |            | female  | 1992 | 4     | B1     |                                 |
# | n5 | Nord | 2020-05-01 |            | female  | 1980 | 5     | A2     |                                 |
# | s1 | Süd  | 2020-06-01 |            | diverse | 1991 | 3     | B1     |                                 |
# | s2 | Süd  | 2020-07-01 |            | female  | 1993 | 1     | –      |                                 |
# | o1 | Ost  | 2020-08-01 |            | female  | 1988 | 3     | B1     |                                 |
# | o2 | Ost  | 2020-09-01 |            | female  | 1987 | 3     | B1     |                                 |
# | o3 | Ost  | 2020-10-01 |            | female  | 1986 | 4     | B2     |                                 |
# | o4 | Ost  | 2020-11-01 | 2021-06-20 | female  | 1984 | 4     | B2     |                                 |
#
# Every participant has coaching from her entry day. Hand counts on 2021-06-30:
# entered 11 (Nord 5, Süd 2, Ost 4; female 10, diverse 1); leavers in the period 3 (n1, n2,
# o4); upon leaving only for exits up to 2021-06-02 (n1, n2): training 1 (n1, 15 days after
# leaving), employment 0 (n2 starts 62 days after); six months after only for exits up to
# 2020-12-31 (n1, n2): training 1 (n1 on 2020-12-30), employment 1 (n2 on 2021-03-30).
# Target "at least 4 in training" in 2020–2021: achieved 2 (n1, n3) → 50 %.
START, END, AS_OF = D("2020-01-01"), D("2021-06-30"), D("2021-06-30")

PEOPLE = [
    ("n1", "Nord", "2020-01-10", "2020-06-30", "female", 1990, 3, "B1"),
    ("n2", "Nord", "2020-02-01", "2020-09-30", "female", 1985, 6, "B2"),
    ("n3", "Nord", "2020-03-01", None, "female", 1999, 2, "A2"),
    ("n4", "Nord", "2020-04-01", None, "female", 1992, 4, "B1"),
    ("n5", "Nord", "2020-05-01", None, "female", 1980, 5, "A2"),
    ("s1", "Süd", "2020-06-01", None, "diverse", 1991, 3, "B1"),
    ("s2", "Süd", "2020-07-01", None, "female", 1993, 1, None),
    ("o1", "Ost", "2020-08-01", None, "female", 1988, 3, "B1"),
    ("o2", "Ost", "2020-09-01", None, "female", 1987, 3, "B1"),
    ("o3", "Ost", "2020-10-01", None, "female", 1986, 4, "B2"),
    ("o4", "Ost", "2020-11-01", "2021-06-20", "female", 1984, 4, "B2"),
]

TRAINING_TARGET = {
    "id": "p1-training", "label": "Mindestens 4 Frauen in Ausbildung", "funder": "Land Testland",
    "measure": "reached", "status": "training", "at_least": 4,
    "period": {"start": D("2020-01-01"), "end": D("2021-12-31")},
}


def tiny_store(con, *, site_of_s: str | None = None) -> None:
    """Fill `con` with the table above; `site_of_s` renames site Süd (e.g. to a formula)."""
    add_program(con, "p1", "2020-01-01", "2021-12-31", name="Testprogramm")
    con.execute("update program set organisation = 'Stadt Test', funder = 'Land Testland' "
                "where program_id = 'p1'")
    for pid, site, entry, exit_, gender, born, isced, german in PEOPLE:
        if site == "Süd" and site_of_s is not None:
            site = site_of_s
        add_participant(con, pid, entry, exit_, site=site, cohort="1", gender=gender,
                        birth_year=born, qualification_level=isced, german_level=german,
                        exit_reason="completed" if exit_ else None, origin_region=None)
        add_episode(con, pid, "coaching", entry, exit_)
    add_episode(con, "n1", "training", "2020-07-15")
    add_episode(con, "n2", "employment", "2020-12-01")
    add_episode(con, "n3", "training", "2021-01-10")
    targets.save_targets(con, targets.parse_targets([TRAINING_TARGET], "p1"), "p1")


def copy_store(path, folder):
    """Copy a store file and its folder's archives (raw/, rejects/) into `folder`; returns the new path."""
    import shutil
    from pathlib import Path

    path, folder = Path(path), Path(folder)
    shutil.copytree(path.parent, folder, dirs_exist_ok=True)
    return folder / path.name
