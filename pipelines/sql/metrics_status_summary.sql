-- Per status of the vocabulary of $program: participants active on $as_of and participants
-- with a start in [program start, $as_of]. Rows: status, active, reached.
-- The scope is the whole program, so the derived tables are read by program_id: every episode
-- belongs to a participant of the program (ingestion refuses others, deletion removes both).
with statuses as (
    select distinct status
    from status_vocabulary
    where program_id = '*' or program_id = $program
),

-- active on d: start_date <= d < end_excl (table spell, pipelines/store/derived.py); each
-- participant once per status: her bit in a bitstring over the person keys [0, $high_key]
-- (every key given out; a distinct count that runs in parallel: count(distinct) does not)
active as (
    select status, bit_count(bitstring_agg(person_key, 0::bigint, $high_key::bigint)) as n
    from spell
    where program_id = $program
      and start_date <= $as_of
      and (end_excl is null or end_excl > $as_of)
    group by status
),

-- first_start holds each participant's first start per status on or after the program start
reached as (
    select status, count(*) as n
    from first_start
    where program_id = $program
      and start_date <= $as_of
    group by status
)

select v.status, coalesce(a.n, 0) as active, coalesce(r.n, 0) as reached
from statuses v
left join active a using (status)
left join reached r using (status)
