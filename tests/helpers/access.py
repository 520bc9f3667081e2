"""Tiny stores for people and access: programs with funders and the access tables."""

from __future__ import annotations

from pathlib import Path

from pipelines.store import db

ACCESS_SQL = Path(db.__file__).with_name("access.sql")
HESSEN = "Hessisches Ministerium für Soziales und Integration"
NRW = "Ministerium für Kinder, Familie, Flüchtlinge und Integration NRW"

# program id -> funder field as loaded ('; '-separated, spacing and case as offices write it)
PROGRAMS = {
    "kassel": HESSEN,
    "tara": f"{NRW}; Europäischer Sozialfonds",
    "shared": "Europäischer Sozialfonds;  hessisches ministerium für soziales und integration ",
    "nofunder": None,
}


def apply_access_schema(con) -> None:
    """What the lead's migration will do: create the access tables."""
    con.execute(ACCESS_SQL.read_text(encoding="utf-8"))


def add_programs(con, programs: dict[str, str | None] = PROGRAMS) -> None:
    con.executemany("insert into program (program_id, name, funder, special_categories) values (?, ?, ?, true)",
                    [(pid, pid.title(), funder) for pid, funder in programs.items()])


def add_participants(con, program_id: str, *participant_ids: str) -> None:
    con.executemany("insert into participant (person_key, program_id, participant_id, entry_date) "
                    "select coalesce(max(person_key), 0) + 1, ?, ?, '2020-01-01' from participant",
                    [(program_id, pid) for pid in participant_ids])
