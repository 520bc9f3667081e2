"""Derived tables, rebuilt inside the transaction of every change to programs, participants or
episodes, and read by the metrics instead of recomputing the same joins for every number:

- `first_start`: the first start of each status per participant on or after her program's start
  (what `reached` from the program start counts: the status summary, the progress series).
- `spell`: every episode as the days she is in the status, ``[start_date, end_excl)`` — the one
  home of the rule "a support episode without an end closes at the participant's exit, her exit
  day included; an outcome episode goes on after exit" (DESIGN.md, "episode") and of the
  one-day rule (an episode stored with ``end_date <= start_date`` is active on its start day).
  `end_excl` is the first day she is no longer in it (null: open). A support episode that starts
  after her exit without an end is never active (``end_excl <= start_date``).

`rebuild` is the one entry point; callers run it after they change participants, episodes, a
program's start date or its status vocabulary.
"""

from __future__ import annotations

from typing import Iterable

import duckdb

DERIVED_TABLES = ("first_start", "spell")

# The status category of an episode: the program's own vocabulary entry wins over the built-in one
# ('*'); a status the vocabulary does not know counts as an outcome (it goes on after exit).
_SPELL_SQL = """
insert into spell
with episodes as (
    select e.person_key, e.program_id, e.status, e.start_date, e.end_date
    from episode e
    where __PROGRAMS__
),

categorised as (
    select e.*, coalesce(own.category, builtin.category, 'outcome') as category
    from episodes e
    left join status_vocabulary own on own.program_id = e.program_id and own.status = e.status
    left join status_vocabulary builtin on builtin.program_id = '*' and builtin.status = e.status
)

select c.person_key, c.program_id, c.status, c.category, c.start_date,
       -- business rule: the first day she is no longer in the status
       case when c.end_date is not null then greatest(c.end_date, c.start_date + 1)   -- one-day episodes
            when c.category = 'support' and p.exit_date is not null then p.exit_date + 1  -- closes at exit
            else null end as end_excl
from categorised c
left join participant p on p.person_key = c.person_key
"""

_FIRST_START_SQL = """
insert into first_start
with program_start as (
    select program_id, start_date from program
),

counted as (
    select e.person_key, e.program_id, e.status, e.start_date
    from episode e
    join program_start ps using (program_id)
    where __PROGRAMS__ and (ps.start_date is null or e.start_date >= ps.start_date)
)

select person_key, program_id, status, min(start_date) from counted group by all
"""


def rebuild(con: duckdb.DuckDBPyConnection, program_ids: Iterable[str] | None = None) -> None:
    """Rebuild the derived tables for `program_ids` (None: every program), in the caller's transaction."""
    programs = None if program_ids is None else sorted(set(program_ids))
    if programs is None:
        for table in DERIVED_TABLES:
            con.execute(f"delete from {table}")
        where, params = "true", {}
    else:
        for table in DERIVED_TABLES:
            con.execute(f"delete from {table} where program_id in (select unnest($p))", {"p": programs})
        where, params = "e.program_id in (select unnest($p))", {"p": programs}
    con.execute(_FIRST_START_SQL.replace("__PROGRAMS__", where), params)
    con.execute(_SPELL_SQL.replace("__PROGRAMS__", where), params)
