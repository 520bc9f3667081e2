"""The store's data checks (checks.sql): run after every load, inside its transaction, and in the
test suite. What keys and constraints would guarantee, for a store that has none (DuckLake)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb

CHECKS_FILE = Path(__file__).with_name("checks.sql")
# the checks of a derived table against its query: they can find nothing right after the tables were
# rebuilt whole from that query in the same transaction (derived.rebuild returns True), and cost the
# most of all (≈ 1.5 s CPU at 4 M episodes); a load that rebuilt only some participants runs them
DERIVED_CHECKS = ("first_start_current",)


class CheckFailed(Exception):
    """A data check found rows: the change that caused it must not be committed."""

    def __init__(self, failures: dict[str, list[tuple]]):
        self.failures = failures
        super().__init__("data checks failed: " + ", ".join(f"{k} ({len(v)})" for k, v in failures.items()))


@cache
def checks() -> dict[str, str]:
    """name -> query, in the order of checks.sql."""
    parts = re.split(r"^-- check: (\w+)\s*$", CHECKS_FILE.read_text(encoding="utf-8"), flags=re.M)
    return {name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2])}


def failures(con: duckdb.DuckDBPyConnection, limit: int = 5, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every check (except those in `skip`) that finds rows, with up to `limit` of them."""
    found = {}
    for name, query in checks().items():
        if name in skip:
            continue
        rows = con.execute(f"select * from ({query}) limit {int(limit)}").fetchall()
        if rows:
            found[name] = rows
    return found


def assert_clean(con: duckdb.DuckDBPyConnection, skip: tuple[str, ...] = ()) -> None:
    """Raise CheckFailed when any data check (except those in `skip`) finds rows."""
    found = failures(con, skip=skip)
    if found:
        raise CheckFailed(found)
