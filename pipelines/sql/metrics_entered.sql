-- Participants whose entry_date lies in [$a, day] (a null $a = open start) for every day of $days
-- (a null day = open end). One row per group and day (__GROUP__ over alias p; the constant 'all'
-- when not grouping): grp, i (the day's position in $days, from 1), n.
with days as (
    select i, coalesce(($days::date[])[i], 'infinity'::date) as until
    from range(1, len($days::date[]) + 1) r(i)
),

entrants as (
    select __GROUP__ as grp, p.entry_date
    from participant p
    where __SCOPE__
      and ($a::date is null or p.entry_date >= $a)
)

select x.grp, d.i, count(*) as n
from entrants x
join days d on x.entry_date <= d.until
group by x.grp, d.i
