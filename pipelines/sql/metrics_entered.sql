-- Participants whose entry_date lies in [$a, $b] (a null = open end). One row per group
-- (__GROUP__ over alias p; the constant 'all' when not grouping): grp, n.
with entrants as (
    select __GROUP__ as grp
    from participant p
    where __SCOPE__
      and ($a::date is null or p.entry_date >= $a)
      and ($b::date is null or p.entry_date <= $b)
)

select grp, count(*) as n
from entrants
group by grp
