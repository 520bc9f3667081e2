-- Per status of the vocabulary of $program: participants active on $as_of and participants
-- with a start in [$start, $as_of] ($start null = open). Rows: status, active, reached.
-- The scope is the whole program, so the program's episodes are read directly: every episode
-- belongs to a participant of the program (ingestion refuses others, deletion removes both).
with statuses as (
    select distinct status
    from status_vocabulary
    where program_id = '*' or program_id = $program
),

episodes as (
    select e.participant_id, e.status, e.start_date, e.end_date
    from episode e
    where e.program_id = $program
)

select
    v.status,
    -- active: start_date <= d and (end_date empty or > d); always active on its start day
    count(distinct e.participant_id) filter (
        where e.start_date <= $as_of
          and (e.end_date is null or e.end_date > $as_of or e.start_date = $as_of)) as active,
    count(distinct e.participant_id) filter (
        where ($start::date is null or e.start_date >= $start) and e.start_date <= $as_of) as reached
from statuses v
left join episodes e using (status)
group by v.status
