-- Of the participants who entered in [$a, day] (a null $a = open), how many have an episode of
-- one of $statuses starting on or before the day, for every day of $days. One row per group and
-- day (__GROUP__ over alias p; a constant when not grouping): grp, i (the day's position in
-- $days, from 1), n, reached.
with days as (
    select i, ($days::date[])[i] as until
    from range(1, len($days::date[]) + 1) r(i)
),

entrants as (
    select __GROUP__ as grp, p.person_key, p.entry_date
    from participant p
    where __SCOPE__
      and ($a::date is null or p.entry_date >= $a)
      and p.entry_date <= (select max(until) from days)
),

-- business rule: any start on or before the day counts, also one before entry
first_starts as (
    select e.person_key, min(e.start_date) as first_start
    from episode e
    where list_contains($statuses, e.status)
      and __PROGRAMS__      -- the join with the entrants keeps the scope's participants
    group by e.person_key
),

-- she counts in n from her entry day, in reached from the day both her entry and a start lie behind
per_person as (
    select x.grp, x.entry_date,
           -- (greatest() would skip a missing start)
           case when r.first_start is not null then greatest(x.entry_date, r.first_start) end as reached_from
    from entrants x
    left join first_starts r using (person_key)
),

-- counted per day first (a few thousand days), then summed up to each day of $days
by_day as (
    select grp, entry_date as day, count(*) as n, 0 as reached
    from per_person
    group by grp, entry_date

    union all
    select grp, reached_from, 0, count(*)
    from per_person
    where reached_from is not null
    group by grp, reached_from
)

select b.grp, d.i, sum(b.n)::bigint as n, sum(b.reached)::bigint as reached
from by_day b
join days d on b.day <= d.until
group by b.grp, d.i
