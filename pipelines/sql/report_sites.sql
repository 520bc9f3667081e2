-- The counts of the report's sites and cohorts table: per program, site and cohort, and summed per
-- site, per program and over all the report's programs. One row per level, measure and status;
-- a count that is absent is 0. Unknown sites and cohorts (null) are groups of their own.
-- The measures are those of pipelines.metrics (DESIGN.md, "Metric semantics"):
--   entered     the entry date lies in [$start, $end]
--   in_program  entered on or before $end and not left before it (leaving on $end still counts)
--   reached     an episode of the status (one of $outcomes) starts in [$start, $end]; each person once
-- Parameters: $programs (list of program ids), $outcomes (list of statuses), $start, $end (dates).
with outcomes as (
    select i, $outcomes[i] as status
    from range(1, len($outcomes) + 1) r(i)
),

-- who started which outcome in the period: first_start (pipelines/store/derived.py) holds each
-- participant's first start per status on or after her program's start, the answer for a program
-- whose start is $start; the other programs' participants are read from their episodes (as
-- metrics_reached.sql does)
starts as (
    select e.person_key, e.status
    from first_start e
    join program g on g.program_id = e.program_id and g.start_date = $start
    where list_contains($programs, e.program_id)
      and list_contains($outcomes, e.status)
      and e.start_date <= $end

    union all
    select e.person_key, e.status
    from episode e
    join program g on g.program_id = e.program_id and g.start_date is distinct from $start
    where list_contains($programs, e.program_id)
      and list_contains($outcomes, e.status)
      and e.start_date between $start and $end
),

-- per participant one number: bit i-1 set when she started outcome i (each person once per status)
started as (
    select person_key, bit_or(1::bigint << (list_position($outcomes, status) - 1)) as mask
    from starts
    group by person_key
),

-- one pass over the participants, counted per cohort and combination of outcomes started
counted as (
    select p.program_id, p.site, p.cohort, coalesce(s.mask, 0) as mask,
           count(*) filter (where p.entry_date between $start and $end) as entered,
           count(*) filter (where p.entry_date <= $end
                            and (p.exit_date is null or p.exit_date >= $end)) as in_program,
           count(*) as people
    from participant p
    left join started s using (person_key)
    where list_contains($programs, p.program_id)
    group by all
),

-- counted per cohort first (a few thousand rows), then summed up the levels
cohorts as (
    select program_id, site, cohort, 'entered' as measure, null::varchar as status, entered as n
    from counted
    union all
    select program_id, site, cohort, 'in_program', null, in_program
    from counted
    union all
    select c.program_id, c.site, c.cohort, 'reached', o.status, c.people
    from counted c
    join outcomes o on (c.mask >> (o.i - 1)) & 1 = 1
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
having sum(n) > 0
