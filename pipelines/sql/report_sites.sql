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

-- each person once per status (distinct on the episodes first, then her site and cohort)
reached as (
    select p.program_id, p.site, p.cohort, 'reached' as measure, r.status
    from (
        select distinct e.person_key, e.status
        from episode e
        where list_contains($programs, e.program_id)
          and list_contains($outcomes, e.status)
          and e.start_date between $start and $end
    ) r
    join participants p using (person_key)
),

counted as (
    select program_id, site, cohort, measure, status from entered
    union all
    select program_id, site, cohort, measure, status from in_program
    union all
    select program_id, site, cohort, measure, status from reached
),

-- counted per cohort first (a few thousand rows), then summed up the levels
cohorts as (
    select program_id, site, cohort, measure, status, count(*) as n
    from counted
    group by all
)

select
    grouping(program_id, site, cohort) as rolled_up,  -- 0: a cohort, 1: a site, 3: a program, 7: all
    program_id,
    site,
    cohort,
    measure,
    status,
    sum(n)::bigint as n
from cohorts
group by grouping sets (
    (measure, status),
    (measure, status, program_id),
    (measure, status, program_id, site),
    (measure, status, program_id, site, cohort)
)
