-- Length of stay in days for participants who entered on or before $as_of:
--   left    — exit_date on or before $as_of: exit_date - entry_date
--   ongoing — still in the program on $as_of: $as_of - entry_date
with stays as (
    select
        case when p.exit_date is not null and p.exit_date <= $as_of then 'left' else 'ongoing' end as kind,
        case when p.exit_date is not null and p.exit_date <= $as_of
             then p.exit_date - p.entry_date
             else $as_of - p.entry_date end as days
    from participant p
    where __SCOPE__ and p.entry_date <= $as_of
)

select kind, count(*), avg(days), quantile_cont(days, 0.5), quantile_cont(days, 0.25),
       quantile_cont(days, 0.75), min(days), max(days)
from stays
group by kind
