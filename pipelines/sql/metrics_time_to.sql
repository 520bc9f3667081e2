-- Kaplan–Meier time from entry_date to the first start of one of $statuses, read at whole
-- months since entry (month m ends at day floor(m * $month_days + 0.5)). One row per group and
-- month: grp, month, at_risk, events, censored, share (= 1 - survival at the end of month m).
-- __GROUP__ is the grouping expression over alias p ('all' when not grouping).
with followed as (
    select __GROUP__ as grp, p.program_id, p.participant_id, p.entry_date,
           -- follow-up ends at exit or at the as-of date, whichever comes first
           least(coalesce(p.exit_date, $as_of), $as_of) as follow_end
    from participant p
    where __SCOPE__ and p.entry_date <= $as_of
),

status_episodes as (
    select e.program_id, e.participant_id, e.start_date, e.end_date
    from episode e
    semi join followed f using (program_id, participant_id)
    where list_contains($statuses, e.status)
),

-- business rule: a participant already in the status on her entry day (episode started before
-- entry, still running) was never at risk and is left out of the curve
already as (
    select distinct f.program_id, f.participant_id
    from followed f
    join status_episodes e using (program_id, participant_id)
    where e.start_date < f.entry_date
      and (e.end_date is null or e.end_date > f.entry_date)
),

first_start as (
    select f.program_id, f.participant_id, min(e.start_date) as event_date
    from followed f
    join status_episodes e using (program_id, participant_id)
    where e.start_date >= f.entry_date
      and e.start_date <= f.follow_end
    group by f.program_id, f.participant_id
),

observed as (
    select f.grp,
           greatest(coalesce(s.event_date, f.follow_end) - f.entry_date, 0) as days,
           s.event_date is not null as event
    from followed f
    anti join already a using (program_id, participant_id)
    left join first_start s using (program_id, participant_id)
),

by_day as (
    select grp, days,
           count(*) filter (where event)     as events,
           count(*) filter (where not event) as censored
    from observed
    group by grp, days
),

-- product-limit estimate on days: at risk on day t = followed for at least t days
product_limit as (
    select grp, days, events, censored,
           product(1 - events / at_risk) over (
               partition by grp order by days rows between unbounded preceding and current row
           ) as survival
    from (
        select *, sum(events + censored) over (
                   partition by grp order by days desc rows between unbounded preceding and current row
               ) as at_risk
        from by_day
    )
),

-- month m ends at day floor(m * $month_days + 0.5); a day belongs to the first month whose end
-- it does not pass (day 0 → month 0, days 1..30 → month 1, 31..61 → month 2, …)
bucketed as (
    select grp, days, events, censored, survival,
           case when days <= floor((ceil(days / $month_days) - 1) * $month_days + 0.5)
                    then ceil(days / $month_days) - 1
                when days > floor(ceil(days / $month_days) * $month_days + 0.5)
                    then ceil(days / $month_days) + 1
                else ceil(days / $month_days) end::integer as month
    from product_limit
),

per_month as (
    select grp, month,
           sum(events)::bigint              as events,
           sum(censored)::bigint            as censored,
           arg_max(survival, days)          as survival   -- at the month's last observed day
    from bucketed
    group by grp, month
),

months as (
    select grp, total, unnest(range(0, last_month + 1)) as month
    from (
        select grp, sum(events + censored) as total, max(month) as last_month
        from per_month
        group by grp
    )
)

select
    m.grp,
    m.month,
    (m.total - coalesce(sum(coalesce(p.events + p.censored, 0)) over (
        partition by m.grp order by m.month rows between unbounded preceding and 1 preceding), 0))::bigint as at_risk,
    coalesce(p.events, 0)::bigint   as events,
    coalesce(p.censored, 0)::bigint as censored,
    1 - coalesce(last_value(p.survival ignore nulls) over (
        partition by m.grp order by m.month rows between unbounded preceding and current row), 1.0) as share
from months m
left join per_month p on p.grp is not distinct from m.grp and p.month = m.month
order by m.grp nulls last, m.month
