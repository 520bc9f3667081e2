-- Per ESF/YEI indicator series (programme × fund × type × code × breakdown) with its last three
-- reported years Y-2, Y-1, Y: the achievements added in Y-1 (seen) and in Y (to predict).
-- Values are cumulative to the end of each year, so an addition is the difference of two years.
with yearly as (
    select programme, fund, indicator_type, indicator_code, breakdown_json, year, achieved_value,
           max(year) over (partition by programme, fund, indicator_type, indicator_code, breakdown_json) as last_year
    from indicator_value
    where achieved_value is not null
),

last_three as (
    select programme, fund, indicator_type, indicator_code, breakdown_json, last_year,
           max(achieved_value) filter (where year = last_year - 2) as before_seen,
           max(achieved_value) filter (where year = last_year - 1) as seen_end,
           max(achieved_value) filter (where year = last_year) as last_end
    from yearly
    where year >= last_year - 2
    group by all
)

select programme, indicator_code, breakdown_json, last_year,
       seen_end - before_seen as seen,       -- added in the year before the last
       last_end - seen_end as actual         -- added in the last year
from last_three
where before_seen is not null and seen_end is not null and last_end is not null
order by all
