-- Participants with an episode of one of $statuses active on $d, each counted once. One row
-- per group (__GROUP__ over alias p; the constant 'all' when not grouping): grp, n.
with scoped as (
    select __GROUP__ as grp, p.program_id, p.participant_id
    from participant p
    where __SCOPE__
),

-- business rule: an episode is active on d when it started on or before d and has not ended on
-- or before d — and always on its own start day (one-day episodes stored with end = start)
active as (
    select s.grp
    from scoped s
    semi join episode e
        on e.program_id = s.program_id and e.participant_id = s.participant_id
       and list_contains($statuses, e.status)
       and e.start_date <= $d
       and (e.end_date is null or e.end_date > $d or e.start_date = $d)
)

select grp, count(*) as n
from active
group by grp
