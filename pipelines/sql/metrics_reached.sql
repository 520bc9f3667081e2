-- Participants with an episode of one of $statuses starting in [$a, $b] (a null = open end),
-- each counted once. One row per group (__GROUP__ over alias p; 'all' when not grouping): grp, n.
with scoped as (
    select __GROUP__ as grp, p.program_id, p.participant_id
    from participant p
    where __SCOPE__
),

reached as (
    select s.grp
    from scoped s
    semi join episode e
        on e.program_id = s.program_id and e.participant_id = s.participant_id
       and list_contains($statuses, e.status)
       and ($a::date is null or e.start_date >= $a)
       and ($b::date is null or e.start_date <= $b)
)

select grp, count(*) as n
from reached
group by grp
