-- Participants in the program on $d. One row per group (__GROUP__ over alias p; the constant
-- 'all' when not grouping): grp, n.
with in_program as (
    select __GROUP__ as grp
    from participant p
    where __SCOPE__
      -- business rule: entered on or before d and not exited before d (the exit day counts)
      and p.entry_date <= $d
      and (p.exit_date is null or p.exit_date >= $d)
)

select grp, count(*) as n
from in_program
group by grp
