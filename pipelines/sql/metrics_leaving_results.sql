-- Leavers in [$a, day] and their results: in a status upon leaving (ESF+ immediate result) and six
-- months after leaving, for every day of $days (a null day = open end) and every result of $masks: a
-- result is a set of $statuses given as a bit mask (bit k-1 = the k-th status; a participant counts
-- once for a result if any of its statuses applies), so $statuses ['training', 'employment'] with
-- $masks [1, 2, 3] answers each status and "any" in one pass. One row per result and day: grp (the
-- result's position in $masks, from 1), i (the day's position in $days, from 1), leavers,
-- upon_leaving, six_months_after.
-- Parameters: $a (null = open), $days, $statuses, $masks, $window_days (28), $follow_up_months (6).
-- __SCOPE__ is the participant filter over alias p.
with days as (
    select i, coalesce(($days::date[])[i], 'infinity'::date) as until
    from range(1, len($days::date[]) + 1) r(i)
),

-- each result as a bit mask over $statuses (bit k-1 = the k-th status)
results_asked as (
    select j, ($masks::ubigint[])[j] as mask
    from range(1, len($masks::ubigint[]) + 1) r(j)
),

-- the bit of each status (a join with these few rows is cheaper than a list lookup per episode)
status_bits as (
    select unnest($statuses::varchar[]) as status,
           1::ubigint << (generate_subscripts($statuses::varchar[], 1) - 1) as bit
),

leavers as (
    select p.person_key, p.exit_date
    from participant p
    where __SCOPE__
      and p.exit_date is not null
      and ($a::date is null or p.exit_date >= $a)
),

-- per leaver with an episode of a status asked for, the statuses she is in upon leaving and six
-- months after, as bit masks (the days she is in a status: [start_date, end_excl), table spell:
-- support episodes without an end close at exit, one-day episodes are active on their start day;
-- pipelines/store/derived.py)
per_leaver as (
    select person_key, any_value(exit_date) as exit_date,
           -- active on at least one day d in [exit_date, exit_date + 28] (bit × true = bit, × false = 0)
           bit_or(bit * (start_date <= exit_date + $window_days
                         and (end_excl is null or end_excl > greatest(exit_date, start_date)))::ubigint) as upon,
           -- active on exit_date + 6 calendar months (follow_up)
           bit_or(bit * (start_date <= follow_up and (end_excl is null or end_excl > follow_up))::ubigint) as six
    from (
        select l.person_key, l.exit_date, e.start_date, e.end_excl,
               b.bit,
               -- calendar months, clamped at month ends: 31 Aug + 6 months = 28/29 Feb
               (l.exit_date + to_months($follow_up_months))::date as follow_up
        from leavers l
        join spell e using (person_key)
        join status_bits b on b.status = e.status
        where list_contains($statuses, e.status)   -- filtered in the scan of spell
    )
    group by person_key
),

-- counted per exit date and combination of results first (a few thousand rows), then per result
-- and summed up to each day
leavers_by_exit as (
    select exit_date, count(*) as leavers
    from leavers
    group by exit_date
),

masks_by_exit as (
    select exit_date, upon, six, count(*) as n
    from per_leaver
    group by exit_date, upon, six
),

results_by_exit as (
    select r.j, m.exit_date,
           sum(m.n) filter (where m.upon & r.mask <> 0) as upon_leaving,
           sum(m.n) filter (where m.six & r.mask <> 0)  as six_months_after
    from masks_by_exit m
    cross join results_asked r
    group by r.j, m.exit_date
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
    from results_asked r
    cross join days d
    left join results_by_exit x on x.j = r.j and x.exit_date <= d.until
    group by r.j, d.i
)

select r.j as grp, r.i, l.leavers, r.upon_leaving, r.six_months_after
from results_on r
join leavers_on l using (i)
