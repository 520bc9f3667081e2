-- Participants left out of the time-to curve because they were already in one of $statuses on
-- their entry day (an episode that started before entry and is still running). One row per
-- group (__GROUP__ over alias p; the constant 'all' when not grouping): grp, n.
with followed as (
    select __GROUP__ as grp, p.program_id, p.participant_id, p.entry_date
    from participant p
    where __SCOPE__ and p.entry_date <= $as_of
),

already as (
    select f.grp
    from followed f
    semi join episode e
        on e.program_id = f.program_id and e.participant_id = f.participant_id
       and list_contains($statuses, e.status)
       and e.start_date < f.entry_date
       and (e.end_date is null or e.end_date > f.entry_date)
)

select grp, count(*) as n
from already
group by grp
