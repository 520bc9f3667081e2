-- The entry-to-outcome funnel on $as_of, as rows (stage, key, n):
--   entered / supported / reached_any (key null), reached (key = outcome status),
--   exit_reason (key = reason or 'unknown'; participants who left on or before $as_of).
with entrants as (
    select p.person_key, p.exit_date, p.exit_reason
    from participant p
    where __SCOPE__ and p.entry_date <= $as_of
),

-- the category of a status (table spell: the program's own vocabulary entry wins over the
-- built-in one); every start on or before $as_of, each participant once per status
started as (
    select distinct e.person_key, e.status, e.category
    from spell e
    semi join entrants x using (person_key)
    where e.start_date <= $as_of
)

select 'entered' as stage, null::varchar as key, count(*) as n
from entrants

union all
select 'supported', null, count(distinct person_key)
from started where category = 'support'

union all
select 'reached_any', null, count(distinct person_key)
from started where category = 'outcome'

union all
select 'reached', status, count(*)
from started where category = 'outcome'
group by status

union all
select 'exit_reason', coalesce(exit_reason, 'unknown'), count(*)
from entrants where exit_date <= $as_of
group by coalesce(exit_reason, 'unknown')
