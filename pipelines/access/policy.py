"""Who sees which programs and who may change them (DESIGN.md, "People and access").

| role      | sees                                         | may change                     |
|-----------|----------------------------------------------|--------------------------------|
| admin     | every program                                | everything, accounts and grants |
| lead      | her granted programs, participant-level      | her programs' data and targets |
| evaluator | her granted programs, no row-level export    | nothing                        |
| ministry  | the programs her funder funds, suppressed    | nothing                        |

A `Person` is a snapshot taken by `person_for` when a request starts; `visible_programs`
always asks the store again, so a revoked grant or a removed account takes effect on the
next request. `LOCAL_ADMIN` is the person the command line acts as unless told otherwise.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.store import catalog

ROLES = ("admin", "lead", "evaluator", "ministry")
LOCAL_ADMIN_NAME = "local-admin"
MAX_NAME_LENGTH = 64


class AccessError(Exception):
    """A refusal with a catalog code (`access.…`) and its parameters; the edges put it into words."""

    def __init__(self, code: str, params: dict[str, Any] | None = None):
        super().__init__(code, params or {})
        self.code = code
        self.params = params or {}

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code


@dataclass(frozen=True)
class Person:
    """Someone a query runs for. `programs` are the programs visible when the snapshot was taken
    (for an admin: none listed, she sees all)."""

    name: str
    role: str
    programs: tuple[str, ...] = ()
    funder: str | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; use one of {ROLES}")


LOCAL_ADMIN = Person(LOCAL_ADMIN_NAME, "admin")


def normalise_name(name: str) -> str:
    """An account name as stored: NFKC, trimmed, lower case ("  Kassel " → "kassel").

    Raises:
        AccessError("access.bad_name"): empty, too long, or with characters other than letters,
        digits and . _ @ - (so a name can never look like another one or carry markup).
    """
    normal = unicodedata.normalize("NFKC", str(name or "")).strip().casefold()
    if not normal or len(normal) > MAX_NAME_LENGTH or not normal[0].isalnum() or not all(
            c.isalnum() or c in "._@-" for c in normal):
        raise AccessError("access.bad_name", {"name": str(name or "")[:MAX_NAME_LENGTH]})
    return normal


def _account(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str | None] | None:
    """(role, funder) of an enabled account, or None."""
    return con.execute(
        "select role, funder from account where name = $name and not disabled limit 1", {"name": name}
    ).fetchone()


def _programs_for(con: duckdb.DuckDBPyConnection, name: str, role: str, funder: str | None) -> tuple[str, ...]:
    if role == "admin":
        return tuple(catalog.program_ids(con))
    if role == "ministry":
        # program.funder lists one or more funders, '; '-separated; compared trimmed and case-blind
        rows = con.execute(
            """
            with funded as (
                select program_id, unnest(string_split(coalesce(funder, ''), ';')) as one_funder
                from program
            )
            select distinct program_id from funded
            where lower(trim(one_funder)) = lower(trim($funder)) and trim($funder) <> ''
            order by program_id
            """, {"funder": funder or ""}).fetchall()
    else:  # lead, evaluator: the grants that name a program of the store
        rows = con.execute(
            """
            select distinct g.program_id
            from account_program g join program p on p.program_id = g.program_id
            where g.name = $name
            order by g.program_id
            """, {"name": name}).fetchall()
    return tuple(r[0] for r in rows)


def visible_programs(con: duckdb.DuckDBPyConnection, person: Person) -> tuple[str, ...]:
    """The program ids `person` may see, sorted, as the store says now.

    admin: every program; ministry: the programs whose funder field lists her funder; lead and
    evaluator: her granted programs. A person without an enabled account sees nothing (except
    `LOCAL_ADMIN`, the command line's own admin, who has no account).
    """
    if person == LOCAL_ADMIN:
        return _programs_for(con, person.name, "admin", None)
    account = _account(con, person.name)
    if account is None:
        return ()
    role, funder = account
    return _programs_for(con, person.name, role, funder)


def person_for(con: duckdb.DuckDBPyConnection, name: str) -> Person:
    """The person an account name stands for, with her visible programs.

    Never `LOCAL_ADMIN`: the command line asks for her itself (`cli_user.acting_person`), so no
    login, URL or identity provider can name its way to her.

    Raises:
        AccessError("access.unknown_user"): no enabled account of that name (None included).
    """
    normal = normalise_name(name) if name is not None else ""
    account = _account(con, normal) if normal else None
    if account is None:
        raise AccessError("access.unknown_user", {"name": normal})
    role, funder = account
    return Person(normal, role, _programs_for(con, normal, role, funder), funder)


def is_admin(person: Person) -> bool:
    return person.role == "admin"


def restrict(programs: Iterable[str], person: Person) -> tuple[str, ...]:
    """The requested program ids that `person` may see, in the requested order, each once.

    A program she may not see is dropped without a word, exactly like an unknown one: a URL
    parameter naming another program shows nothing of it.
    """
    wanted = tuple(dict.fromkeys(programs))
    if is_admin(person):
        return wanted
    return tuple(p for p in wanted if p in person.programs)


def may_change(person: Person, program_id: str) -> bool:
    """May `person` load data into, edit targets of or delete records of `program_id`?"""
    return is_admin(person) or (person.role == "lead" and program_id in person.programs)


def ensure_may_change(person: Person, program_id: str) -> None:
    """Refuse (AccessError "access.forbidden") unless `may_change(person, program_id)`."""
    if not may_change(person, program_id):
        raise AccessError("access.forbidden", {"name": person.name, "program": program_id})


def may_export_rows(person: Person, program_id: str) -> bool:
    """May `person` download participant-level rows of `program_id`? (evaluators and ministries never)"""
    return may_change(person, program_id)


def publication_only(person: Person) -> bool:
    """Does `person` get publication-safe (suppressed) figures only, everywhere?"""
    return person.role == "ministry"
