-- Data checks (dbt's unique / not_null / accepted_values / relationships): what keys and
-- constraints would guarantee, stated as queries that return the offending rows. Each check is
-- one query after a line `-- check: <name>`; a check passes when it returns no row. They run at the
-- end of every load's transaction (pipelines/store/checks.py) and in the test suite.
--
-- __LOAD_ID__ is `null` (check every row) or a load's id: then the checks of participants and
-- episodes look at what that load could have broken — the rows it wrote (their load_id) and the
-- rows that share a key with them. The store was clean before the load (every load is checked, a
-- program file over every row), and a data load changes no other row (a program file may: it is
-- checked whole; tests/ingest/test_checks_after_corrections.py): a correction of 500 women in a store of a
-- million is checked in its rows, not in the million (1.5 s of its 1.85 s before; now 0.03 s). A load
-- that rewrote most of its programs is checked whole (pipelines/ingest/load.py: picking its rows
-- out costs more than it saves then). The small tables (programs, loads, targets, accounts …) are
-- checked whole every time.

-- check: participant_unique
select program_id, participant_id, count(*) as n from participant
where __LOAD_ID__ is null
   or participant_id in (select participant_id from participant where load_id = __LOAD_ID__)
group by all having count(*) > 1;

-- check: person_key_unique
select person_key, count(*) as n from participant
where __LOAD_ID__ is null or person_key in (select person_key from participant where load_id = __LOAD_ID__)
group by all having count(*) > 1;

-- check: episode_unique
-- (an episode's person_key is her participant's, episode_has_participant: one key for both)
select program_id, participant_id, status, start_date, count(*) as n from episode
where __LOAD_ID__ is null or person_key in (select person_key from episode where load_id = __LOAD_ID__)
group by all having count(*) > 1;

-- check: episode_has_participant
select e.program_id, e.participant_id, e.person_key from episode e
where (__LOAD_ID__ is null or e.load_id = __LOAD_ID__)
  and not exists (select 1 from participant p where p.person_key = e.person_key
                  and p.program_id = e.program_id and p.participant_id = e.participant_id);

-- check: participant_has_program
select p.program_id, p.participant_id from participant p
where (__LOAD_ID__ is null or p.load_id = __LOAD_ID__) and p.program_id not in (select program_id from program);

-- check: program_unique
select program_id, count(*) as n from program group by all having count(*) > 1;

-- check: load_id_unique
select load_id, count(*) as n from load group by all having count(*) > 1;

-- check: key_counter_ahead
select name, value from key_counter
where (name = 'load_id' and value < (select coalesce(max(load_id), 0) from load))
   or (name = 'person_key' and value < (select coalesce(max(person_key), 0) from participant));

-- check: participant_values
select program_id, participant_id from participant
where (__LOAD_ID__ is null or load_id = __LOAD_ID__)
  and ((exit_reason is not null and exit_reason not in ('completed', 'dropped_out', 'moved', 'other'))
   or (gender is not null and gender not in ('female', 'male', 'diverse'))
   or (german_level is not null and german_level not in ('A1', 'A2', 'B1', 'B2', 'C1', 'C2'))
   or (qualification_level is not null and qualification_level not between 0 and 8)
   or (exit_date is not null and exit_date < entry_date));

-- check: episode_dates
select program_id, participant_id, status from episode
where (__LOAD_ID__ is null or load_id = __LOAD_ID__) and end_date is not null and end_date < start_date;

-- check: status_known
with used as (select distinct program_id, status from episode where __LOAD_ID__ is null or load_id = __LOAD_ID__)
select e.program_id, e.status from used e
where not exists (select 1 from status_vocabulary v where v.status = e.status and v.program_id in ('*', e.program_id));

-- check: status_category
select program_id, status, category from status_vocabulary where category not in ('support', 'outcome');

-- check: target_unique
select target_id, valid_from, count(*) as n from target group by all having count(*) > 1;

-- check: target_values
select target_id from target
where measure not in ('entered', 'active', 'reached', 'upon_leaving', 'six_months_after', 'share')
   or direction not in ('at_least', 'at_most');

-- check: first_start_current
-- the derived table equals what it is derived from: no row missing, none extra, no other date, no
-- duplicate (one outer join on the keys: ≈ 1.5 s at 4 M episodes, where two EXCEPT ALLs took 6.5 s);
-- after a load, for the participants it wrote (her row or one of her episodes carries its id: the
-- ones derived.rebuild rebuilt)
with touched as materialized (
    select person_key from participant where load_id = __LOAD_ID__
    union
    select person_key from episode where load_id = __LOAD_ID__
),

derived as materialized (
    select e.person_key, e.program_id, e.status, min(e.start_date) as start_date
    from episode e join program p using (program_id)
    where (p.start_date is null or e.start_date >= p.start_date)
      and (__LOAD_ID__ is null or e.person_key in (select person_key from touched))
    group by all
),

stored as materialized (
    select * from first_start
    where __LOAD_ID__ is null or person_key in (select person_key from touched)
),

compared as (
    select person_key, program_id, status, f.start_date as stored, d.start_date as derived
    from stored f full outer join derived d using (person_key, program_id, status)
)

select person_key, program_id, status, stored, derived from compared where stored is distinct from derived
union all
select null, null, 'row count', null, null   -- a duplicate, or a row missing or extra
where (select count(*) from stored) <> (select count(*) from derived);

-- check: indicator_unique
select source, programme, fund, indicator_type, indicator_code, breakdown_json, year, count(*) as n
from indicator_value group by all having count(*) > 1;

-- check: account_unique
select name, count(*) as n from account group by all having count(*) > 1;
