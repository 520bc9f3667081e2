-- Kaplan–Meier time from entry_date to the first start of one of $statuses: the counts by day
-- since entry the product-limit estimate is read from (pipelines/metrics/time_to.py). One row
-- per group and day since entry, ordered by group (nulls last) and day: grp, days, events,
-- censored (of those at risk), left_out (already in the status on their entry day). The caller
-- reads the rows as Arrow columns and splits them by group (three ordered list aggregates per
-- group cost ≈ 40 ms at 1 M, more than the rest of the query's final steps).
-- __GROUP__ is the grouping expression over alias p ('all' when not grouping).
-- `followed` is not materialized: read twice from participant (a few ms each) instead of writing
-- 1 M rows with their group into a CTE and joining them back (≈ 70 ms CPU at 1 M).
with followed as not materialized (
    select __GROUP__ as grp, p.person_key, p.entry_date,
           -- follow-up ends at exit or at the as-of date, whichever comes first
           least(coalesce(p.exit_date, $as_of), $as_of) as follow_end
    from participant p
    where __SCOPE__ and p.entry_date <= $as_of
),

-- per participant: the first start on or after entry, and whether she was in the status on her
-- entry day (started before entry, still running: table spell, pipelines/store/derived.py)
per_person as (
    select f.person_key,
           min(e.start_date) filter (where e.start_date >= f.entry_date) as first_start,
           bool_or(e.start_date < f.entry_date and (e.end_excl is null or e.end_excl > f.entry_date)) as already
    from spell e
    join followed f using (person_key)
    where list_contains($statuses, e.status)
    group by f.person_key
),

-- business rule: a participant already in the status on her entry day was never at risk and is
-- left out of the curve; a start after follow-up ends (exit, as-of date) is no event
observed as (
    select f.grp,
           coalesce(s.already, false) as already,
           greatest(case when s.first_start <= f.follow_end then s.first_start else f.follow_end end
                    - f.entry_date, 0) as days,
           coalesce(s.first_start <= f.follow_end, false) as event
    from followed f
    left join per_person s using (person_key)
),

-- per group and day since entry: events and censorings of those at risk, and those left out
-- (counted here, not in a second pass over `observed`)
by_day as (
    select grp, days,
           count(*) filter (where event and not already)     as events,
           count(*) filter (where not event and not already) as censored,
           count(*) filter (where already)                   as left_out
    from observed
    group by grp, days
)

select grp, days, events, censored, left_out
from by_day
order by grp nulls last, days
