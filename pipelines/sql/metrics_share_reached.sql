-- Of the participants who entered in [$a, day] (a null $a = open), how many have an episode of
-- one of $statuses starting on or before the day, for every day of $days. One row per group and
-- day (__GROUP__ over alias p; a constant when not grouping): grp, i (the day's position in
-- $days, from 1), n, reached. $last is the latest day of $days.
with days as (
    select i, ($days::date[])[i] as until
    from range(1, len($days::date[]) + 1) r(i)
),

entrants as (
    select __GROUP__ as grp, p.person_key, p.entry_date
    from participant p
    where __SCOPE__
      and ($a::date is null or p.entry_date >= $a)
      and p.entry_date <= $last
),

-- business rule: any start on or before the day counts, also one before entry
first_starts as (
    select e.person_key, min(e.start_date) as first_start
    from episode e
    where list_contains($statuses, e.status)
      and e.start_date <= $last
      and __PROGRAMS__      -- the join with the entrants keeps the scope's participants
    group by e.person_key
)

select
    x.grp,
    d.i,
    count(*)                                         as n,
    count(*) filter (where r.first_start <= d.until) as reached
from entrants x
left join first_starts r using (person_key)
join days d on x.entry_date <= d.until
group by x.grp, d.i
