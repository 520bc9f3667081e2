"""Accounts and grants: add, remove, change a password, grant and revoke programs, list.

Passwords are hashed with argon2id (argon2-cffi's `PasswordHasher`, RFC 9106 low-memory
profile: 3 passes over 64 MiB), a memory-hard KDF, and stored as PHC strings; the clear
password is never stored or logged. Names are normalised (`policy.normalise_name`) and unique,
checked here because the store has no UNIQUE constraints. Only admins change accounts, and
every change goes into the audit log in the same transaction. Refusals are `AccessError`s
with a code (`access.…`) for the edges to put into words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
from argon2 import PasswordHasher

from pipelines.access import audit
from pipelines.access.policy import LOCAL_ADMIN, LOCAL_ADMIN_NAME, ROLES, AccessError, Person, is_admin, normalise_name
from pipelines.store import catalog
from pipelines.store.db import retried, transaction

HASHER = PasswordHasher()          # argon2id; tests swap in a cheaper one
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024         # bounds the work a login with a huge "password" costs

DEMO_PASSWORD = "demo"
DEMO_FUNDER = "Hessisches Ministerium für Soziales und Integration"
# (name, role, programs, funder); programs None = every program of the store
DEMO_ACCOUNTS: tuple[tuple[str, str, tuple[str, ...] | None, str | None], ...] = (
    ("admin", "admin", (), None),
    ("kassel", "lead", ("sozialwirtschaft-integriert",), None),
    ("evaluation", "evaluator", None, None),
    ("ministerium", "ministry", (), DEMO_FUNDER),
)


@dataclass(frozen=True)
class Account:
    """An account as listed: never its password hash."""

    name: str
    role: str
    funder: str | None
    programs: tuple[str, ...]
    has_password: bool
    disabled: bool
    created_at: dt.datetime


def hash_password(password: str, min_length: int = MIN_PASSWORD_LENGTH) -> str:
    """The argon2id hash of an acceptable password.

    Raises:
        AccessError("access.password_too_short" | "access.password_too_long").
    """
    if len(password) < max(min_length, 1):
        raise AccessError("access.password_too_short", {"min": max(min_length, 1)})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccessError("access.password_too_long", {"max": MAX_PASSWORD_LENGTH})
    return HASHER.hash(password)


def _require_admin(actor: Person) -> None:
    if not is_admin(actor):
        raise AccessError("access.admin_only", {"name": actor.name})


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The role of the account `name`, or None."""
    row = con.execute("select role from account where name = $name limit 1", {"name": name}).fetchone()
    return row[0] if row else None


def _existing(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str]:
    """(normalised name, role) of an existing account, else AccessError "access.unknown_user"."""
    normal = normalise_name(name)
    role = _exists(con, normal)
    if role is None:
        raise AccessError("access.unknown_user", {"name": normal})
    return normal, role


def _check_programs(con: duckdb.DuckDBPyConnection, programs: Iterable[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(programs))
    known = {r[0] for r in con.execute(
        "select program_id from program where program_id in (select unnest($ids))", {"ids": list(wanted)}
    ).fetchall()} if wanted else set()
    for program in wanted:
        if program not in known:
            raise AccessError("access.unknown_program", {"program": program})
    return wanted


def _insert_grant(con: duckdb.DuckDBPyConnection, name: str, program_id: str, actor: Person) -> None:
    con.execute("insert into account_program values ($name, $program, $at, $by)",
                {"name": name, "program": program_id, "at": audit.now(), "by": actor.name})


@retried
def add(con: duckdb.DuckDBPyConnection, name: str, role: str, password: str | None = None, *,
        programs: Sequence[str] = (), funder: str | None = None, actor: Person,
        min_length: int = MIN_PASSWORD_LENGTH) -> str:
    """Create an account and return its normalised name.

    Args:
        role: admin, lead (needs ≥ 1 program), evaluator (programs optional) or ministry (needs a
            funder; sees the programs that funder funds, so no programs of its own).
        password: the local password; None = no local login (OIDC only).
        actor: who does it; must be an admin.

    Raises:
        AccessError: access.admin_only, access.bad_name, access.name_reserved, access.name_taken,
        access.unknown_role, access.lead_needs_program, access.programs_not_for_role,
        access.ministry_needs_funder, access.funder_only_ministry, access.unknown_program,
        access.password_too_short, access.password_too_long.
    """
    _require_admin(actor)
    normal = normalise_name(name)
    if normal == LOCAL_ADMIN_NAME:
        raise AccessError("access.name_reserved", {"name": normal})
    if role not in ROLES:
        raise AccessError("access.unknown_role", {"role": role, "roles": ", ".join(ROLES)})
    funder = (funder or "").strip() or None
    programs = tuple(programs)
    if role == "lead" and not programs:
        raise AccessError("access.lead_needs_program", {"name": normal})
    if role in ("admin", "ministry") and programs:
        raise AccessError("access.programs_not_for_role", {"role": role})
    if role == "ministry" and not funder:
        raise AccessError("access.ministry_needs_funder", {"name": normal})
    if role != "ministry" and funder:
        raise AccessError("access.funder_only_ministry", {"role": role})
    password_hash = None if password is None else hash_password(password, min_length)
    with transaction(con):
        if _exists(con, normal) is not None:
            raise AccessError("access.name_taken", {"name": normal})
        programs = _check_programs(con, programs)
        con.execute(
            "insert into account (name, role, funder, password_hash, created_at, disabled) "
            "values ($name, $role, $funder, $hash, $at, false)",
            {"name": normal, "role": role, "funder": funder, "hash": password_hash, "at": audit.now()})
        for program in programs:
            _insert_grant(con, normal, program, actor)
        audit.record(con, actor, "user_add", name=normal, role=role, funder=funder, programs=list(programs),
                     local_password=password_hash is not None)
    return normal


@retried
def remove(con: duckdb.DuckDBPyConnection, name: str, *, actor: Person) -> None:
    """Delete an account with its grants and failed-login counts (the audit log keeps its history).

    Raises:
        AccessError: access.admin_only, access.unknown_user, access.last_admin.
    """
    _require_admin(actor)
    with transaction(con):
        normal, role = _existing(con, name)
        if role == "admin":
            admins = con.execute("select count(*) from account where role = 'admin' and not disabled").fetchone()[0]
            if admins <= 1:
                raise AccessError("access.last_admin", {"name": normal})
        for table in ("account_program", "login_failure", "account"):
            con.execute(f"delete from {table} where name = $name", {"name": normal})
        audit.record(con, actor, "user_remove", name=normal, role=role)


@retried
def set_password(con: duckdb.DuckDBPyConnection, name: str, password: str, *, actor: Person,
                 min_length: int = MIN_PASSWORD_LENGTH) -> None:
    """Give an account a new local password (and lift its login throttling).

    Raises:
        AccessError: access.admin_only, access.unknown_user, access.password_too_short/_too_long.
    """
    _require_admin(actor)
    password_hash = hash_password(password, min_length)
    with transaction(con):
        normal, _ = _existing(con, name)
        con.execute("update account set password_hash = $hash where name = $name",
                    {"hash": password_hash, "name": normal})
        con.execute("delete from login_failure where name = $name", {"name": normal})
        audit.record(con, actor, "password_change", name=normal)


@retried
def grant(con: duckdb.DuckDBPyConnection, name: str, program_id: str, *, actor: Person) -> bool:
    """Let a lead or an evaluator see (a lead: also change) a program. False if she had it already.

    Raises:
        AccessError: access.admin_only, access.unknown_user, access.grant_not_for_role,
        access.unknown_program.
    """
    _require_admin(actor)
    with transaction(con):
        normal, role = _existing(con, name)
        if role not in ("lead", "evaluator"):
            raise AccessError("access.grant_not_for_role", {"name": normal, "role": role})
        _check_programs(con, [program_id])
        if program_id in _grants(con, normal):
            return False
        _insert_grant(con, normal, program_id, actor)
        audit.record(con, actor, "grant", program_id, name=normal, role=role)
    return True


@retried
def revoke(con: duckdb.DuckDBPyConnection, name: str, program_id: str, *, actor: Person) -> bool:
    """Take a program from an account. False if she did not have it.

    Raises:
        AccessError: access.admin_only, access.unknown_user, access.lead_needs_program (a lead
        keeps at least one program: remove the account instead).
    """
    _require_admin(actor)
    with transaction(con):
        normal, role = _existing(con, name)
        granted = _grants(con, normal)
        if program_id not in granted:
            return False
        if role == "lead" and len(granted) == 1:
            raise AccessError("access.lead_needs_program", {"name": normal})
        con.execute("delete from account_program where name = $name and program_id = $program",
                    {"name": normal, "program": program_id})
        audit.record(con, actor, "revoke", program_id, name=normal, role=role)
    return True


def _grants(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, ...]:
    rows = con.execute("select distinct program_id from account_program where name = $name order by 1",
                       {"name": name}).fetchall()
    return tuple(r[0] for r in rows)


def account_list(con: duckdb.DuckDBPyConnection) -> list[Account]:
    """Every account with its granted programs, by name. Never a password hash."""
    rows = con.execute(
        """
        with grants as (
            select name, list(distinct program_id order by program_id) as programs
            from account_program group by name
        )
        select a.name, a.role, a.funder, coalesce(g.programs, []), a.password_hash is not null,
               a.disabled, a.created_at
        from account a left join grants g on g.name = a.name
        order by a.name
        """).fetchall()
    return [Account(r[0], r[1], r[2], tuple(r[3]), r[4], r[5], r[6]) for r in rows]


def add_demo_accounts(con: duckdb.DuckDBPyConnection, programs: Sequence[str] | None = None) -> list[str]:
    """The demo store's accounts, one per role, each with the password `demo`:
    admin, kassel (lead of sozialwirtschaft-integriert), evaluation (evaluator of `programs`,
    default every program of the store), ministerium (ministry of the Hessian funder).

    The demo password is shorter than `MIN_PASSWORD_LENGTH` on purpose: it is published.
    """
    every = catalog.program_ids(con)
    names = []
    for name, role, granted, funder in DEMO_ACCOUNTS:
        granted = (list(programs) if programs is not None else every) if granted is None else granted
        names.append(add(con, name, role, DEMO_PASSWORD, programs=granted, funder=funder, actor=LOCAL_ADMIN,
                         min_length=len(DEMO_PASSWORD)))
    return names


def is_demo_store(con: duckdb.DuckDBPyConnection) -> bool:
    """Was this store built by `outcomes demo` and does it still have the demo accounts? (Only then
    may the login page tell their names and the password `demo`.)"""
    names = [name for name, *_ in DEMO_ACCOUNTS]
    demo_loads, accounts_there = con.execute(
        "select (select count(*) from load where loaded_by = 'demo'), "
        "(select count(distinct name) from account where name in (select unnest($names)))",
        {"names": names}).fetchone()
    return demo_loads > 0 and accounts_there == len(names)


def has_accounts(con: duckdb.DuckDBPyConnection) -> bool:
    """Does the store have any account? (A new store has none: `outcomes user add` makes the first admin.)"""
    return con.execute("select count(*) from account").fetchone()[0] > 0
