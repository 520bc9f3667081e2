-- Per month from $start to $end: participants with a start of one of $statuses in the month
-- (new) and participants active in it at the month end (cumulative: a level).
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
    select p.program_id, p.participant_id
    from participant p
    where __SCOPE__
),

status_episodes as (
    select e.program_id, e.participant_id, e.start_date, e.end_date
    from episode e
    semi join scoped s using (program_id, participant_id)
    where list_contains($statuses, e.status)
      and e.start_date <= $end
),

-- active at the month end d: start_date <= d and (end_date empty or > d), or starts on d
active_at_end as (
    select r.month, count(distinct (e.program_id, e.participant_id)) as n
    from periods r
    join status_episodes e
      on e.start_date <= r.month_end
     and (e.end_date is null or e.end_date > r.month_end or e.start_date = r.month_end)
    group by r.month
),

started as (
    select r.month, count(distinct (e.program_id, e.participant_id)) as n
    from periods r
    join status_episodes e on e.start_date between r.from_date and r.month_end
    group by r.month
)

select
    r.month,
    r.month_end,
    coalesce(s.n, 0) as new,
    coalesce(a.n, 0) as cumulative
from periods r
left join started s using (month)
left join active_at_end a using (month)
order by r.month
