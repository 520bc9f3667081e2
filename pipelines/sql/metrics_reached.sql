-- Participants with an episode of one of $statuses starting in [$a, $b] (a null = open end),
-- each counted once. One row per group (__GROUP__ over alias p; 'all' when not grouping): grp, n.
with scoped as (
    select __GROUP__ as grp, p.person_key
    from participant p
    where __SCOPE__
),

reached as (
    select distinct e.person_key
    from episode e
    where list_contains($statuses, e.status)
      and ($a::date is null or e.start_date >= $a)
      and ($b::date is null or e.start_date <= $b)
      and __PEOPLE__
)

select s.grp, count(*) as n
from scoped s
semi join reached r using (person_key)
group by s.grp
