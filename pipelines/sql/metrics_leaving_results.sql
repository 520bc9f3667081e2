-- Leavers in [$a, $b] and their results: in a status upon leaving (ESF+ immediate result)
-- and six months after leaving. Returns one row: leavers, upon_leaving, six_months_after.
-- Parameters: $a, $b (exit period, null = open), $statuses, $window_days (28),
-- $follow_up_months (6). __SCOPE__ is the participant filter over alias p.
with leavers as (
    select p.person_key, p.exit_date,
           -- calendar months, clamped at month ends: 31 Aug + 6 months = 28/29 Feb
           (p.exit_date + to_months($follow_up_months))::date as follow_up_date
    from participant p
    where __SCOPE__
      and p.exit_date is not null
      and ($a::date is null or p.exit_date >= $a)
      and ($b::date is null or p.exit_date <= $b)
),

-- the days she is in the status: [start_date, end_excl) (table spell: support episodes without an
-- end close at exit, one-day episodes are active on their start day; pipelines/store/derived.py)
status_spells as (
    select e.person_key, e.start_date, e.end_excl
    from spell e
    semi join leavers l using (person_key)
    where list_contains($statuses, e.status)
),

-- active on at least one day d in [exit_date, exit_date + 28]
upon as (
    select distinct l.person_key
    from leavers l
    join status_spells e using (person_key)
    where e.start_date <= l.exit_date + $window_days
      and (e.end_excl is null or e.end_excl > greatest(l.exit_date, e.start_date))
),

six as (
    select distinct l.person_key
    from leavers l
    join status_spells e using (person_key)
    where e.start_date <= l.follow_up_date
      and (e.end_excl is null or e.end_excl > l.follow_up_date)
)

select
    count(*)              as leavers,
    count(u.person_key)   as upon_leaving,
    count(x.person_key)   as six_months_after
from leavers l
left join upon u using (person_key)
left join six x using (person_key)
