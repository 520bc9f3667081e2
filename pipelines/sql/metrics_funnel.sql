-- The entry-to-outcome funnel on $as_of, as rows (stage, key, n):
--   entered / supported / reached_any (key null), reached (key = outcome status),
--   exit_reason (key = reason or 'unknown'; participants who left on or before $as_of).
with entrants as (
    select p.program_id, p.participant_id, p.exit_date, p.exit_reason
    from participant p
    where __SCOPE__ and p.entry_date <= $as_of
),

-- the category of a status: the program's own vocabulary entry wins over the built-in one
episodes as (
    select e.program_id, e.participant_id, e.status,
           coalesce(own.category, builtin.category) as category
    from episode e
    semi join entrants x using (program_id, participant_id)
    left join status_vocabulary own
           on own.program_id = e.program_id and own.status = e.status
    left join status_vocabulary builtin
           on builtin.program_id = '*' and builtin.status = e.status
    where e.start_date <= $as_of
)

select 'entered' as stage, null::varchar as key, count(*) as n
from entrants

union all
select 'supported', null, count(distinct (program_id, participant_id))
from episodes where category = 'support'

union all
select 'reached_any', null, count(distinct (program_id, participant_id))
from episodes where category = 'outcome'

union all
select 'reached', status, count(distinct (program_id, participant_id))
from episodes where category = 'outcome'
group by status

union all
select 'exit_reason', coalesce(exit_reason, 'unknown'), count(*)
from entrants where exit_date <= $as_of
group by coalesce(exit_reason, 'unknown')
