-- Participants with an episode of one of $statuses starting in [$a, day] (a null $a = open start),
-- each counted once, for every day of $days (a null day = open end). One row per group and day
-- (__GROUP__ over alias p; 'all' when not grouping): grp, i (the day's position in $days, from 1), n.
with days as (
    select i, coalesce(($days::date[])[i], 'infinity'::date) as until
    from range(1, len($days::date[]) + 1) r(i)
),

-- first_start (pipelines/store/derived.py) holds each participant's first start per status on or
-- after her program's start: for a program whose start is $a it is the answer (one row per
-- participant for one status); the other programs' participants are read from their episodes
reached as (
    select e.person_key, e.start_date as since
    from first_start e
    join program g on g.program_id = e.program_id and g.start_date is not distinct from $a::date
    where len($statuses) = 1 and list_contains($statuses, e.status) and __PEOPLE__

    union all
    select e.person_key, min(e.start_date)
    from first_start e
    join program g on g.program_id = e.program_id and g.start_date is not distinct from $a::date
    where len($statuses) > 1 and list_contains($statuses, e.status) and __PEOPLE__
    group by e.person_key

    union all
    select e.person_key, min(e.start_date)
    from episode e
    join program g on g.program_id = e.program_id and g.start_date is distinct from $a::date
    where list_contains($statuses, e.status)
      and ($a::date is null or e.start_date >= $a)
      and __PEOPLE__
    group by e.person_key
)

-- each participant counts from the day of her first start in the window on
select 'all' as grp, d.i, count(*) as n
from reached r
join days d on r.since <= d.until
where not __GROUPED__
group by d.i

union all
select p.grp, d.i, count(*)
from (select __GROUP__ as grp, p.person_key from participant p where __SCOPE__) p
join reached r using (person_key)
join days d on r.since <= d.until
where __GROUPED__
group by p.grp, d.i
