-- The counts of the report's sites and cohorts table: per program, site and cohort, and summed per
-- site, per program and over all the report's programs. One row per level, measure and status;
-- a count that is absent is 0. Unknown sites and cohorts (null) are groups of their own.
-- The measures are those of pipelines.metrics (DESIGN.md, "Metric semantics"):
--   entered     the entry date lies in [$start, $end]
--   in_program  entered on or before $end and not left before it (leaving on $end still counts)
--   reached     an episode of the status (one of $outcomes) starts in [$start, $end]; each person once
-- Parameters: $programs (list of program ids), $outcomes (list of statuses), $start, $end (dates).
with participants as (
    select person_key, program_id, site, cohort, entry_date, exit_date
    from participant
    where list_contains($programs, program_id)
),

entered as (
    select program_id, site, cohort, 'entered' as measure, null::varchar as status
    from participants
    where entry_date between $start and $end
),

in_program as (
    select program_id, site, cohort, 'in_program' as measure, null::varchar as status
    from participants
    where entry_date <= $end and (exit_date is null or exit_date >= $end)
),

reached as (
    select distinct p.program_id, p.person_key, p.site, p.cohort, e.status
    from participants p
    join episode e using (person_key)
    where list_contains($outcomes, e.status) and e.start_date between $start and $end
),

counted as (
    select program_id, site, cohort, measure, status from entered
    union all
    select program_id, site, cohort, measure, status from in_program
    union all
    select program_id, site, cohort, 'reached' as measure, status from reached
)

select
    grouping(program_id, site, cohort) as rolled_up,  -- 0: a cohort, 1: a site, 3: a program, 7: all
    program_id,
    site,
    cohort,
    measure,
    status,
    count(*) as n
from counted
group by grouping sets (
    (measure, status),
    (measure, status, program_id),
    (measure, status, program_id, site),
    (measure, status, program_id, site, cohort)
)
