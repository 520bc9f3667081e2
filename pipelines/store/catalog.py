"""What is in the store: programs, statuses, load history, data freshness and data-quality checks."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from pipelines.store.db import quote_ident

ATTRIBUTES = ["site", "cohort", "gender", "birth_year", "origin_region", "qualification_level",
              "german_level", "coach_id", "mentor_id"]


def program_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The ids of the programs in the store (for a person's connection: hers), sorted."""
    return [row[0] for row in con.execute("select program_id from program order by program_id").fetchall()]


def programs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per program: id, name, organisation, funder, start/end, participants."""
    return con.execute(
        "select p.program_id, p.name, p.organisation, p.region, p.funder, p.start_date, p.end_date, "
        "count(pt.participant_id) as participants "
        "from program p left join participant pt using (program_id) group by all order by p.name"
    ).df()


def statuses(con: duckdb.DuckDBPyConnection, program_ids: list[str] | None = None) -> pd.DataFrame:
    """The status vocabulary in force for some programs: status, category, label_de, label_en."""
    return con.execute(
        "select status, any_value(category) as category, any_value(label_de) as label_de, "
        "any_value(label_en) as label_en from status_vocabulary "
        "where program_id = '*' or $all or program_id in (select unnest($ids)) "
        "group by status order by any_value(category) desc, min(case when program_id = '*' then 0 else 1 end), status",
        {"ids": list(program_ids or []), "all": program_ids is None},
    ).df()


def data_date(con: duckdb.DuckDBPyConnection, program_ids: list[str] | None = None) -> dt.date | None:
    """The latest date the data speaks of (entry, exit, episode start or end) for some programs.

    The dashboard's default as-of date: a snapshot sheet of 31.08.2020 is read as of that day,
    not as of today.
    """
    row = con.execute(
        "with scoped as (select * from participant where $all or program_id in (select unnest($ids))), "
        "dates as (select entry_date as d from scoped union all select exit_date from scoped "
        "union all select e.start_date from episode e join scoped using (program_id, participant_id) "
        "union all select e.end_date from episode e join scoped using (program_id, participant_id)) "
        "select max(d) from dates where d <= current_date",
        {"ids": list(program_ids or []), "all": program_ids is None},
    ).fetchone()
    return row[0]


def load_history(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The latest loads: when, file, kind, program, outcome and counts."""
    return con.execute(
        "select load_id, loaded_at, file_name, kind, program_id, mode, outcome, rows_read, rows_loaded, "
        "rows_rejected, loaded_by from load order by load_id desc limit ?", [limit]
    ).df()


def rejected_rows(con: duckdb.DuckDBPyConnection, load_id: int) -> pd.DataFrame:
    return con.execute(
        "select line, column_name, value, reason from rejected_row where load_id = ? order by line", [load_id]
    ).df()


def missing_attributes(con: duckdb.DuckDBPyConnection, program_ids: list[str] | None = None) -> pd.DataFrame:
    """Per program and attribute: participants, how many lack the attribute, and the share."""
    unpivot = " union all ".join(
        f"select program_id, '{a}' as attribute, count(*) as participants, "
        f"count(*) filter (where {quote_ident(a)} is null) as missing from participant "
        "where $all or program_id in (select unnest($ids)) group by program_id"
        for a in ATTRIBUTES
    )
    frame = con.execute(f"select * from ({unpivot}) order by program_id, attribute",
                        {"ids": list(program_ids or []), "all": program_ids is None}).df()
    frame["share_missing"] = (frame["missing"] / frame["participants"]).where(frame["participants"] > 0)
    return frame


def staleness(con: duckdb.DuckDBPyConnection, today: dt.date | None = None, stale_after_days: int = 90) -> pd.DataFrame:
    """Per program: last load, latest data date, days since the last load, and a stale flag."""
    today = today or dt.date.today()
    frame = con.execute(
        "select p.program_id, max(l.loaded_at)::date as last_load, "
        "(select max(greatest(entry_date, coalesce(exit_date, entry_date))) from participant x "
        " where x.program_id = p.program_id) as latest_record "
        "from program p left join load l on l.program_id = p.program_id and l.outcome = 'loaded' "
        "and l.kind <> 'program' group by p.program_id order by 1"
    ).df()
    days = [(today - pd.Timestamp(d).date()).days if pd.notna(d) else None for d in frame["last_load"]]
    frame["days_since_load"] = days
    frame["stale"] = [d is None or d > stale_after_days for d in days]
    return frame


def episode_order_problems(con: duckdb.DuckDBPyConnection, program_ids: list[str] | None = None) -> pd.DataFrame:
    """Records that contradict each other (possible after corrections in separate files).

    - an episode starting after the participant's exit,
    - an episode starting before the participant's entry,
    - two episodes of the same status overlapping,
    - a participant without any episode.
    """
    return con.execute(
        """
        with scoped as (
            select * from participant where $all or program_id in (select unnest($ids))
        ),
        after_exit as (
            select e.program_id, e.participant_id, 'episode_after_exit' as problem, e.status,
                   e.start_date as date
            from episode e join scoped p using (program_id, participant_id)
            where p.exit_date is not null and e.start_date > p.exit_date
        ),
        before_entry as (
            select e.program_id, e.participant_id, 'episode_before_entry', e.status, e.start_date
            from episode e join scoped p using (program_id, participant_id)
            where e.start_date < p.entry_date
        ),
        overlapping as (
            select a.program_id, a.participant_id, 'overlapping_episodes', a.status, b.start_date
            from episode a join episode b using (program_id, participant_id, status)
            join scoped p using (program_id, participant_id)
            where a.start_date < b.start_date and (a.end_date is null or a.end_date > b.start_date)
        ),
        without_episode as (
            select p.program_id, p.participant_id, 'no_episode', null, p.entry_date
            from scoped p where not exists (
                select 1 from episode e where e.program_id = p.program_id and e.participant_id = p.participant_id)
        )
        select * from after_exit union all select * from before_entry
        union all select * from overlapping union all select * from without_episode
        order by program_id, participant_id, problem
        """,
        {"ids": list(program_ids or []), "all": program_ids is None},
    ).df()


def program_sizes(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(program_id, name, start, end, participants) of every program, by id."""
    return con.execute(
        "select p.program_id, p.name, p.start_date, p.end_date, count(pt.person_key) as participants "
        "from program p left join participant pt using (program_id) group by all order by 1").fetchall()
