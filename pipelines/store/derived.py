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
program's start date or its status vocabulary. A load passes its `load_id`: then only the
participants it wrote (her row or one of her episodes carries the load's id) are rebuilt — a
monthly correction of a few hundred women in a store of a million rewrites their rows, not
everyone's.
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
    where __PROGRAMS__ and __STATUS__
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
    where __PROGRAMS__ and (ps.start_date is null or e.start_date >= ps.start_date) and __STATUS__
)

-- grouped by person_key and status: her program is her person_key's (cheaper than the text key)
select person_key, any_value(program_id), status, min(start_date) from counted group by person_key, status
"""


# a load that touched at least this share of its programs' participants rebuilds them whole
# (cheaper than finding and deleting almost every row by person key)
WHOLE_PROGRAM_SHARE = 0.5


def rebuild(con: duckdb.DuckDBPyConnection, program_ids: Iterable[str] | None = None,
            load_id: int | None = None) -> bool:
    """Rebuild the derived tables for `program_ids` (None: every program), in the caller's transaction.
    True when they were rebuilt whole (then they equal their queries by construction).

    With `load_id`: only for the participants that load wrote (rows of participant or episode with
    its load_id; a load replaces the episodes of exactly the participants it names, and writes her
    row or her episodes with its id), unless they are most of the programs' participants.
    """
    programs = None if program_ids is None else sorted(set(program_ids))
    if load_id is not None and programs is not None and _rebuild_people(con, programs, load_id):
        return False
    if programs is None:
        for table in DERIVED_TABLES:
            con.execute(f"delete from {table}")
        where, params = "true", {}
    else:
        for table in DERIVED_TABLES:
            con.execute(f"delete from {table} where program_id in (select unnest($p))", {"p": programs})
        where, params = "e.program_id in (select unnest($p))", {"p": programs}
    # first_start one status at a time: the aggregate's hash table holds one status's participants, not
    # every (participant, status) at once (at 4 M episodes a load's peak memory fell by ≈ 0.6 GB, in the
    # same time); the vocabulary's statuses, then any other. (spell by status costs twice the time: its
    # join with participant is built again for every status)
    known = [r[0] for r in con.execute("select distinct status from status_vocabulary order by 1").fetchall()]
    sql = _FIRST_START_SQL.replace("__PROGRAMS__", where)
    for status in known:
        con.execute(sql.replace("__STATUS__", "e.status = $status"), params | {"status": status})
    con.execute(sql.replace("__STATUS__", "e.status not in (select unnest($known))"), params | {"known": known})
    con.execute(_SPELL_SQL.replace("__PROGRAMS__", where).replace("__STATUS__", "true"), params)
    return True


def _rebuild_people(con: duckdb.DuckDBPyConnection, programs: list[str], load_id: int) -> bool:
    """Rebuild the rows of the participants load `load_id` wrote; False (nothing done) when they
    are at least WHOLE_PROGRAM_SHARE of the programs' participants."""
    everyone, written = con.execute(
        "select count(*), count(*) filter (load_id = $load) from participant where program_id in (select unnest($p))",
        {"load": load_id, "p": programs}).fetchone()
    if written >= WHOLE_PROGRAM_SHARE * everyone:   # her row alone says so (a new sheet): no need to list them
        return False
    con.execute(
        "create or replace temp table _derived_people as "
        "select person_key from participant where load_id = $load and program_id in (select unnest($p)) "
        "union select person_key from episode where load_id = $load and program_id in (select unnest($p))",
        {"load": load_id, "p": programs})
    touched = con.execute("select count(*) from _derived_people").fetchone()[0]
    if touched >= WHOLE_PROGRAM_SHARE * everyone:
        con.execute("drop table _derived_people")
        return False
    for table in DERIVED_TABLES:
        con.execute(f"delete from {table} where person_key in (select person_key from _derived_people)")
    where = "e.person_key in (select person_key from _derived_people)"
    con.execute(_FIRST_START_SQL.replace("__PROGRAMS__", where).replace("__STATUS__", "true"))
    con.execute(_SPELL_SQL.replace("__PROGRAMS__", where).replace("__STATUS__", "true"))
    con.execute("drop table _derived_people")
    return True
