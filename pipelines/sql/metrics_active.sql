-- Participants with an episode of one of $statuses active on $d, each counted once. One row
-- per group (__GROUP__ over alias p; the constant 'all' when not grouping): grp, n.
-- Active on d: start_date <= d < end_excl (table spell: support episodes without an end close at
-- exit, one-day episodes are active on their start day; see pipelines/store/derived.py).
with scoped as (
    select __GROUP__ as grp, p.person_key
    from participant p
    where __SCOPE__
),

active as (
    select distinct e.person_key
    from spell e
    where list_contains($statuses, e.status)
      and e.start_date <= $d
      and (e.end_excl is null or e.end_excl > $d)
      and __PEOPLE__
)

select s.grp, count(*) as n
from scoped s
semi join active a using (person_key)
group by s.grp
