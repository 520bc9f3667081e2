"""The store's data checks (checks.sql): run after every load, inside its transaction, and in the
test suite. What keys and constraints would guarantee, for a store that has none (DuckLake).

A load passes its id: then the checks of participants and episodes look at the rows it wrote and
the rows sharing a key with them (the store was clean before it, and it changed no other row);
without one, every row is checked."""

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


def failures(con: duckdb.DuckDBPyConnection, limit: int = 5, skip: tuple[str, ...] = (),
             load_id: int | None = None) -> dict[str, list[tuple]]:
    """Every check (except those in `skip`) that finds rows, with up to `limit` of them; with
    `load_id`, what that load could have broken (see the module's text)."""
    found = {}
    # an integer or null spliced, not bound: DuckDB folds `null is null` and drops the other branch
    load = "null" if load_id is None else str(int(load_id))
    for name, query in checks().items():
        if name in skip:
            continue
        rows = con.execute(f"select * from ({query.replace('__LOAD_ID__', load)}) limit {int(limit)}").fetchall()
        if rows:
            found[name] = rows
    return found


def assert_clean(con: duckdb.DuckDBPyConnection, skip: tuple[str, ...] = (), load_id: int | None = None) -> None:
    """Raise CheckFailed when any data check (except those in `skip`) finds rows (with `load_id`:
    among what that load could have broken)."""
    found = failures(con, skip=skip, load_id=load_id)
    if found:
        raise CheckFailed(found)
