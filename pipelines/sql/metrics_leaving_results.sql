-- Leavers in [$a, $b] and their results: in a status upon leaving (ESF+ immediate result)
-- and six months after leaving. Returns one row: leavers, upon_leaving, six_months_after.
-- Parameters: $a, $b (exit period, null = open), $statuses, $window_days (28),
-- $follow_up_months (6). __SCOPE__ is the participant filter over alias p.
with leavers as (
    select p.program_id, p.participant_id, p.exit_date,
           -- calendar months, clamped at month ends: 31 Aug + 6 months = 28/29 Feb
           (p.exit_date + to_months($follow_up_months))::date as follow_up_date
    from participant p
    where __SCOPE__
      and p.exit_date is not null
      and ($a::date is null or p.exit_date >= $a)
      and ($b::date is null or p.exit_date <= $b)
),

status_episodes as (
    select e.program_id, e.participant_id, e.start_date, e.end_date
    from episode e
    semi join leavers l using (program_id, participant_id)
    where list_contains($statuses, e.status)
),

-- Active on at least one day d in [exit_date, exit_date + 28]: an episode is active on d when
-- start_date <= d and (end_date is null or end_date > d), and always on its own start day.
upon as (
    select distinct l.program_id, l.participant_id
    from leavers l
    join status_episodes e using (program_id, participant_id)
    where e.start_date <= l.exit_date + $window_days
      and (e.end_date is null or e.end_date > l.exit_date or e.start_date >= l.exit_date)
),

six as (
    select distinct l.program_id, l.participant_id
    from leavers l
    join status_episodes e using (program_id, participant_id)
    where e.start_date <= l.follow_up_date
      and (e.end_date is null or e.end_date > l.follow_up_date or e.start_date = l.follow_up_date)
)

select
    count(*)                 as leavers,
    count(u.participant_id)  as upon_leaving,
    count(x.participant_id)  as six_months_after
from leavers l
left join upon u using (program_id, participant_id)
left join six x using (program_id, participant_id)
