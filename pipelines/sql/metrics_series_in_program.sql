-- Per month from $start to $end: entries in the month (new) and participants in the program at
-- the month end (cumulative: a level): entered on or before it and not exited before it.
with months as (
    select unnest(generate_series(date_trunc('month', $start::date), date_trunc('month', $end::date),
                                  interval 1 month))::date as month
),

periods as (
    select month,
           greatest(month, $start::date)            as from_date,
           least(last_day(month), $end::date)       as month_end
    from months
),

scoped as (
    select p.entry_date, p.exit_date
    from participant p
    where __SCOPE__ and p.entry_date <= $end
)

select
    r.month,
    r.month_end,
    count(*) filter (where s.entry_date between r.from_date and r.month_end) as new,
    count(*) filter (where s.entry_date <= r.month_end
                       and (s.exit_date is null or s.exit_date >= r.month_end)) as cumulative
from periods r
left join scoped s on true
group by r.month, r.month_end
order by r.month
