-- Participants whose exit_date lies in [$a, $b] (a null = open end). One row per group
-- (__GROUP__ over alias p; the constant 'all' when not grouping): grp, n.
with leavers as (
    select __GROUP__ as grp
    from participant p
    where __SCOPE__
      and p.exit_date is not null
      and ($a::date is null or p.exit_date >= $a)
      and ($b::date is null or p.exit_date <= $b)
)

select grp, count(*) as n
from leavers
group by grp
