-- Of the participants who entered in [$a, $b] (a null = open), how many have an episode of
-- one of $statuses starting on or before $b. One row per group (__GROUP__ over alias p;
-- a constant when not grouping): grp, n, reached.
with entrants as (
    select __GROUP__ as grp, p.person_key
    from participant p
    where __SCOPE__
      and ($a::date is null or p.entry_date >= $a)
      and p.entry_date <= $b
),

-- business rule: any start on or before $b counts, also one before entry
reached as (
    select distinct e.person_key
    from episode e
    where list_contains($statuses, e.status)
      and e.start_date <= $b
      and __PEOPLE__
)

select
    x.grp,
    count(*)              as n,
    count(r.person_key)   as reached
from entrants x
left join reached r using (person_key)
group by x.grp
