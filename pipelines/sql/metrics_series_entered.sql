-- Entries per month from $start to $end, and the running total since $start.
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

entries as (
    select p.entry_date
    from participant p
    where __SCOPE__ and p.entry_date between $start and $end
)

select
    r.month,
    r.month_end,
    count(x.entry_date) as new,
    sum(count(x.entry_date)) over (order by r.month)::bigint as cumulative
from periods r
left join entries x on x.entry_date between r.from_date and r.month_end
group by r.month, r.month_end
order by r.month
