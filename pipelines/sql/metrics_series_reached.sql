-- Per month from $start to $end: participants whose first start of one of $statuses on or
-- after $start falls in the month (new), and the running total = reached($start, month end).
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

-- each participant counts once, in the month of her first start in the window
first_start as (
    select e.person_key, min(e.start_date) as start_date
    from episode e
    where list_contains($statuses, e.status)
      and e.start_date between $start and $end
      and __PEOPLE__
    group by e.person_key
)

select
    r.month,
    r.month_end,
    count(f.start_date) as new,
    sum(count(f.start_date)) over (order by r.month)::bigint as cumulative
from periods r
left join first_start f on f.start_date between r.from_date and r.month_end
group by r.month, r.month_end
order by r.month
