-- Participants left out of the time-to curve because they were already in one of $statuses on
-- their entry day (an episode that started before entry and is still running).
with followed as (
    select p.program_id, p.participant_id, p.entry_date
    from participant p
    where __SCOPE__ and p.entry_date <= $as_of
)

select count(distinct (f.program_id, f.participant_id))
from followed f
join episode e using (program_id, participant_id)
where list_contains($statuses, e.status)
  and e.start_date < f.entry_date
  and (e.end_date is null or e.end_date > f.entry_date)
