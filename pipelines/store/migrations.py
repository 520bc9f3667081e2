"""The store's schema versions: a new store gets the current schema at once; an older store is
carried forward one version at a time, each step in one transaction (see db.migrate).

Version 1 (first landing): keys, checks and a sequence, archives of whole files.
Version 2: the schema of schema.sql and access.sql, which DuckLake can hold too — no constraints,
integer surrogate keys (person_key) from key_counter, the derived table first_start, accounts and
the audit log; `indicator_value.program` is `programme`; archives of version 1 (whole files, with
columns the store does not use) are retired; deletion-log criteria that held ids are blanked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from pipelines import text, vocab
from pipelines.store import derived

HERE = Path(__file__).parent
SCHEMA_FILES = (HERE / "schema.sql", HERE / "access.sql")
CURRENT = 2
KEYS = ("load_id", "person_key")


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def seed(con: duckdb.DuckDBPyConnection) -> None:
    """The built-in statuses and the key counters (only those not there yet)."""
    con.executemany(
        "insert into status_vocabulary select '*', ?, ?, ?, ? where not exists "
        "(select 1 from status_vocabulary where program_id = '*' and status = ?)",
        [(s, cat, text.say(f"status.{s}", "de"), text.say(f"status.{s}", "en"), s)
         for s, cat in vocab.STATUSES.items()],
    )
    con.executemany("insert into key_counter select ?, 0 where not exists (select 1 from key_counter where name = ?)",
                    [(k, k) for k in KEYS])


def create(con: duckdb.DuckDBPyConnection) -> None:
    """A new store: every table of the current version."""
    for path in SCHEMA_FILES:
        con.execute(path.read_text(encoding="utf-8"))
    seed(con)


# Tables of version 1 whose rows move into the version-2 table of the same name.
_V1_TABLES = ("load", "rejected_row", "program", "status_vocabulary", "participant", "episode", "target",
              "indicator_value", "deletion_log")


def v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 1 → 2 (embedded stores only: version 1 never ran on DuckLake)."""
    for table in _V1_TABLES:
        con.execute(f'alter table "{table}" rename to "{table}_v1"')
    create(con)
    con.execute("insert into load select load_id, file_name, sha256, kind, program_id, mode, outcome, rows_read, "
                "rows_loaded, rows_rejected, loaded_by, loaded_at, null from load_v1")   # whole-file archives retired
    con.execute("insert into rejected_row select load_id, file_name, line, column_name, value, reason_code, "
                "reason, null from rejected_row_v1")    # v1 kept whole rows, unused columns included
    con.execute("insert into program select program_id, name, organisation, region, funder, start_date, end_date, "
                "special_categories, load_id from program_v1")
    con.execute("insert into status_vocabulary select * from status_vocabulary_v1 s where not exists "
                "(select 1 from status_vocabulary v where v.program_id = s.program_id and v.status = s.status)")
    con.execute("insert into participant select row_number() over (order by program_id, participant_id), "
                "program_id, participant_id, site, cohort, entry_date, exit_date, exit_reason, gender, birth_year, "
                "origin_region, qualification_level, german_level, coach_id, mentor_id, load_id from participant_v1")
    con.execute("insert into episode select p.person_key, e.program_id, e.participant_id, e.status, e.start_date, "
                "e.end_date, e.load_id from episode_v1 e join participant p using (program_id, participant_id)")
    con.execute("insert into target select target_id, valid_from, program_id, funder, label, measure, status, "
                "direction, value, period_start, period_end, scope_json, milestones_json, options_json, load_id "
                "from target_v1")
    con.execute("insert into indicator_value select source, program, title, fund, indicator_type, indicator_code, "
                "indicator_name, breakdown_json, year, report_date, target_value, achieved_value, unit, version, "
                "load_id from indicator_value_v1")
    con.execute("insert into deletion_log select deleted_at, deleted_by, program_id, reason, "
                "case when reason = 'participant' then null else criterion end, participants, episodes "
                "from deletion_log_v1")
    con.execute("update key_counter set value = (select coalesce(max(load_id), 0) from load) where name = 'load_id'")
    con.execute("update key_counter set value = (select coalesce(max(person_key), 0) from participant) "
                "where name = 'person_key'")
    derived.rebuild(con)
    for table in _V1_TABLES:
        con.execute(f'drop table "{table}_v1"')
    con.execute("drop sequence if exists load_seq")


MIGRATIONS = [(2, v1_to_v2)]
