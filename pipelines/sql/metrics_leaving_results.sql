-- Leavers in [$a, day] and their results: in a status upon leaving (ESF+ immediate result) and six
-- months after leaving, for every day of $days (a null day = open end) and every result of $results
-- (a list of status lists; a participant counts once for a result if any of its statuses applies, so
-- [['training'], ['employment'], ['training', 'employment']] answers each status and "any" in one
-- pass). One row per result and day: grp (the result's position in $results, from 1), i (the day's
-- position in $days, from 1), leavers, upon_leaving, six_months_after.
-- Parameters: $a (null = open), $days, $results, $window_days (28), $follow_up_months (6).
-- __SCOPE__ is the participant filter over alias p.
with days as (
    select i, coalesce(($days::date[])[i], 'infinity'::date) as until
    from range(1, len($days::date[]) + 1) r(i)
),

results_asked as (
    select j, unnest(($results::varchar[][])[j]) as status
    from range(1, len($results::varchar[][]) + 1) r(j)
),

leavers as (
    select p.person_key, p.exit_date
    from participant p
    where __SCOPE__
      and p.exit_date is not null
      and ($a::date is null or p.exit_date >= $a)
),

-- per leaver and status asked for, her results (the days she is in the status: [start_date,
-- end_excl), table spell: support episodes without an end close at exit, one-day episodes are
-- active on their start day; pipelines/store/derived.py)
per_status as (
    select person_key, status, any_value(exit_date) as exit_date,
           -- active on at least one day d in [exit_date, exit_date + 28]
           bool_or(start_date <= exit_date + $window_days
                   and (end_excl is null or end_excl > greatest(exit_date, start_date))) as upon,
           -- active on exit_date + 6 calendar months (follow_up)
           bool_or(start_date <= follow_up and (end_excl is null or end_excl > follow_up)) as six
    from (
        select l.person_key, l.exit_date, e.status, e.start_date, e.end_excl,
               -- calendar months, clamped at month ends: 31 Aug + 6 months = 28/29 Feb
               (l.exit_date + to_months($follow_up_months))::date as follow_up
        from leavers l
        join spell e using (person_key)
        where e.status in (select status from results_asked)
    )
    group by person_key, status
),

-- per leaver and result: in any of the result's statuses
per_result as (
    select r.j, s.person_key, any_value(s.exit_date) as exit_date, bool_or(s.upon) as upon, bool_or(s.six) as six
    from per_status s
    join results_asked r using (status)
    group by r.j, s.person_key
),

-- counted per exit date first (a few thousand dates), then summed up to each day
leavers_by_exit as (
    select exit_date, count(*) as leavers
    from leavers
    group by exit_date
),

results_by_exit as (
    select j, exit_date, count(*) filter (where upon) as upon_leaving, count(*) filter (where six) as six_months_after
    from per_result
    group by j, exit_date
),

leavers_on as (
    select d.i, coalesce(sum(x.leavers), 0)::bigint as leavers
    from days d
    left join leavers_by_exit x on x.exit_date <= d.until
    group by d.i
),

results_on as (
    select r.j, d.i,
           coalesce(sum(x.upon_leaving), 0)::bigint     as upon_leaving,
           coalesce(sum(x.six_months_after), 0)::bigint as six_months_after
    from (select distinct j from results_asked) r
    cross join days d
    left join results_by_exit x on x.j = r.j and x.exit_date <= d.until
    group by r.j, d.i
)

select r.j as grp, r.i, l.leavers, r.upon_leaving, r.six_months_after
from results_on r
join leavers_on l using (i)
