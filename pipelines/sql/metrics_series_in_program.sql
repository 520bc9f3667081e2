-- Per month from $start to $end: entries in the month (new) and participants in the program at
-- the month end (cumulative: a level) — entered on or before it and not exited before it.
-- The last month ends on $end. The level is counted as entries minus leavings.
with months as (
    select unnest(generate_series(date_trunc('month', $start::date), date_trunc('month', $end::date),
                                  interval 1 month))::date as month
),

periods as (
    select month,
           least(last_day(month), $end::date)                         as month_end,
           date_diff('month', date_trunc('month', $start::date), month) as bucket
    from months
),

scoped as (
    select p.entry_date,
           -- no longer in the program from the day after exit (never, for exit before entry)
           case when p.exit_date is null then null
                else greatest(p.exit_date + 1, p.entry_date) end as gone_from
    from participant p
    where __SCOPE__ and p.entry_date <= $end
),

-- month bucket of a date (dates before the first month fall into bucket 0)
entries as (
    select greatest(date_diff('month', date_trunc('month', $start::date), entry_date), 0) as bucket,
           count(*) as n,
           count(*) filter (where entry_date >= $start) as new
    from scoped
    group by 1
),

gone as (
    select greatest(date_diff('month', date_trunc('month', $start::date), gone_from), 0) as bucket,
           count(*) as n
    from scoped
    where gone_from <= $end
    group by 1
)

select
    r.month,
    r.month_end,
    coalesce(e.new, 0) as new,
    (sum(coalesce(e.n, 0)) over w - sum(coalesce(g.n, 0)) over w)::bigint as cumulative
from periods r
left join entries e using (bucket)
left join gone g using (bucket)
window w as (order by r.month rows between unbounded preceding and current row)
order by r.month
