-- The counts of the report's sites and cohorts table: per program, site and cohort, and summed per
-- site, per program and over all the report's programs. One row per level, measure and status;
-- a count that is absent is 0. Unknown sites and cohorts (null) are groups of their own.
-- The measures are those of pipelines.metrics (DESIGN.md, "Metric semantics"):
--   entered     the entry date lies in [$start, $end]
--   in_program  entered on or before $end and not left before it (leaving on $end still counts)
--   reached     an episode of the status (one of $outcomes) starts in [$start, $end]; each person once
-- Parameters: $programs (list of program ids), $outcomes (list of statuses), $start, $end (dates).
with present as (
    -- entered and in the program: one pass over the participants, counted per cohort
    select program_id, site, cohort,
           count(*) filter (where entry_date between $start and $end) as entered,
           count(*) filter (where entry_date <= $end and (exit_date is null or exit_date >= $end)) as in_program
    from participant
    where list_contains($programs, program_id)
    group by all
),

-- who started which outcome in the period, each person once per status: first_start
-- (pipelines/store/derived.py) holds each participant's first start per status on or after her
-- program's start, the answer for a program whose start is $start; the other programs'
-- participants are read from their episodes (as metrics_reached.sql does)
starts as (
    select e.person_key, e.status
    from first_start e
    join program g on g.program_id = e.program_id and g.start_date = $start
    where list_contains($programs, e.program_id)
      and list_contains($outcomes, e.status)
      and e.start_date <= $end

    union all
    select distinct e.person_key, e.status
    from episode e
    join program g on g.program_id = e.program_id and g.start_date is distinct from $start
    where list_contains($programs, e.program_id)
      and list_contains($outcomes, e.status)
      and e.start_date between $start and $end
),

reached as (
    select p.program_id, p.site, p.cohort, s.status, count(*) as n
    from starts s
    join participant p using (person_key)
    where list_contains($programs, p.program_id)
    group by all
),

-- counted per cohort first (a few thousand rows), then summed up the levels
cohorts as (
    select program_id, site, cohort, 'entered' as measure, null::varchar as status, entered as n
    from present
    where entered > 0

    union all
    select program_id, site, cohort, 'in_program', null, in_program
    from present
    where in_program > 0

    union all
    select program_id, site, cohort, 'reached', status, n
    from reached
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
