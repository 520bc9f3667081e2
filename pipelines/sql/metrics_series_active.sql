-- Per month from $start to $end: participants with a start of one of $statuses in the month
-- (new) and participants active in it at the month end (cumulative: a level).
-- The last month ends on $end. Levels are counted as starts minus ends of merged intervals.
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

-- active on d for d in [start_date, end_excl) (table spell: support episodes without an end close
-- at exit, one-day episodes are active on their start day; pipelines/store/derived.py)
intervals as (
    select e.person_key, e.start_date, coalesce(e.end_excl, date '9999-12-31') as end_excl
    from spell e
    where list_contains($statuses, e.status)
      and e.start_date <= $end
      and (e.end_excl is null or e.end_excl > e.start_date)   -- never active (started after exit): left out
      and __PEOPLE__
),

-- merge a participant's overlapping or touching intervals, so that she counts once
flagged as (
    select *,
           case when start_date <= max(end_excl) over (
                    partition by person_key order by start_date, end_excl
                    rows between unbounded preceding and 1 preceding)
                then 0 else 1 end as opens_island
    from intervals
),

numbered as (
    select *, sum(opens_island) over (
               partition by person_key order by start_date, end_excl
               rows between unbounded preceding and current row) as island
    from flagged
),

islands as (
    select person_key, island, min(start_date) as start_date, max(end_excl) as end_excl
    from numbered
    group by person_key, island
),

-- month bucket of a date (dates before the first month fall into bucket 0)
starts as (
    select greatest(date_diff('month', date_trunc('month', $start::date), start_date), 0) as bucket,
           count(*) as n
    from islands
    group by 1
),

ends as (
    select greatest(date_diff('month', date_trunc('month', $start::date), end_excl), 0) as bucket,
           count(*) as n
    from islands
    where end_excl <= $end
    group by 1
),

started as (
    select date_diff('month', date_trunc('month', $start::date), start_date) as bucket,
           count(distinct person_key) as n
    from intervals
    where start_date between $start and $end
    group by 1
)

select
    r.month,
    r.month_end,
    coalesce(n.n, 0) as new,
    (sum(coalesce(s.n, 0)) over w - sum(coalesce(x.n, 0)) over w)::bigint as cumulative
from periods r
left join started n using (bucket)
left join starts s using (bucket)
left join ends x using (bucket)
window w as (order by r.month rows between unbounded preceding and current row)
order by r.month
