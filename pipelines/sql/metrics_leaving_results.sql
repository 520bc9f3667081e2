-- Leavers in [$a, day] and their results: in a status upon leaving (ESF+ immediate result) and six
-- months after leaving, for every day of $days (a null day = open end). One row per day: grp
-- ('all'), i (the day's position in $days, from 1), leavers, upon_leaving, six_months_after.
-- Parameters: $a (null = open), $days, $statuses, $window_days (28), $follow_up_months (6).
-- __SCOPE__ is the participant filter over alias p.
with days as (
    select i, coalesce(($days::date[])[i], 'infinity'::date) as until
    from range(1, len($days::date[]) + 1) r(i)
),

leavers as (
    select p.person_key, p.exit_date
    from participant p
    where __SCOPE__
      and p.exit_date is not null
      and ($a::date is null or p.exit_date >= $a)
),

-- per leaver with an episode of the status, its results (the days she is in the status:
-- [start_date, end_excl), table spell: support episodes without an end close at exit, one-day
-- episodes are active on their start day; pipelines/store/derived.py)
results as (
    select person_key, any_value(exit_date) as exit_date,
           -- active on at least one day d in [exit_date, exit_date + 28]
           bool_or(start_date <= exit_date + $window_days
                   and (end_excl is null or end_excl > greatest(exit_date, start_date))) as upon,
           -- active on exit_date + 6 calendar months (follow_up)
           bool_or(start_date <= follow_up and (end_excl is null or end_excl > follow_up)) as six
    from (
        select l.person_key, l.exit_date, e.start_date, e.end_excl,
               -- calendar months, clamped at month ends: 31 Aug + 6 months = 28/29 Feb
               (l.exit_date + to_months($follow_up_months))::date as follow_up
        from leavers l
        join spell e using (person_key)
        where list_contains($statuses, e.status)
    )
    group by person_key
),

-- counted per exit date first (a few thousand dates), then summed up to each day
by_exit as (
    select exit_date, count(*) as leavers, 0 as upon_leaving, 0 as six_months_after
    from leavers
    group by exit_date

    union all
    select exit_date, 0, count(*) filter (where upon), count(*) filter (where six)
    from results
    group by exit_date
)

select 'all' as grp, d.i,
       coalesce(sum(x.leavers), 0)::bigint          as leavers,
       coalesce(sum(x.upon_leaving), 0)::bigint     as upon_leaving,
       coalesce(sum(x.six_months_after), 0)::bigint as six_months_after
from days d
left join by_exit x on x.exit_date <= d.until
group by d.i
