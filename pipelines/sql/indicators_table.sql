-- Aggregate indicators with target, attainment and a plausibility flag, at breakdown or at
-- programme level ($level). Values are cumulative to the end of `year`: years are never added.
-- Parameters: $programme $fund $indicator_type $indicator $region_category $breakdown_json
-- $year $until_year (null = all), $level, $count_units $percent_units (lower-case unit lists),
-- $percent_like_max, $far_above (see pipelines/indicators/queries.py).
with

filtered as (
    select *
    from indicator_value
    where ($programme is null or programme = $programme)
      and ($fund is null or fund = $fund)
      and ($indicator_type is null or indicator_type = $indicator_type)
      and ($indicator is null or indicator_code = $indicator)
      and ($region_category is null
           or json_extract_string(breakdown_json, '$.region_category') = $region_category)
      and ($breakdown_json is null or breakdown_json = $breakdown_json)
),

classified as (
    select
        *,
        list_contains($count_units, lower(trim(coalesce(unit, '')))) as is_count,
        list_contains($percent_units, lower(trim(coalesce(unit, '')))) as is_percent,
        -- Business rule: a result indicator (type RESF, RYEI, "Ergebnis" …) counted in persons
        -- whose target is at most $percent_like_max, or any count target with decimals up to
        -- that size, was most likely entered as a percentage (the ESF lets programmes state
        -- result targets as ratios): achieved/target would compare a count with a percentage.
        target_value is not null
            and target_value > 0
            and target_value <= $percent_like_max
            and not is_percent
            and (upper(indicator_type) like 'R%'
                 or upper(indicator_type) like 'ERGEBNIS%'
                 or regexp_matches(upper(indicator_code), '^(EE)?CR[0-9]')
                 or target_value <> floor(target_value)) as percent_like
    from filtered
),

-- One programme's indicator across all years: how many breakdowns it has, whether they can
-- be added up, and whether a total row (no breakdown) exists.
series as (
    select
        source, programme, fund, indicator_type, indicator_code,
        count(distinct breakdown_json) as n_breakdowns,
        bool_and(is_count) as summable,
        bool_or(breakdown_json = '{}') as has_total
    from classified
    group by all
),

breakdown_level as (
    select
        c.source, c.programme, c.title, c.fund, c.indicator_type, c.indicator_code,
        c.indicator_name, c.breakdown_json, c.year, c.unit,
        c.target_value as target, c.achieved_value as achieved,
        c.percent_like,
        false as partial_target,
        false as incomplete_achievement,
        -- flagged only when the programme level has to fall back to this row
        not (s.summable or s.n_breakdowns = 1 or s.has_total) as not_summable,
        s.n_breakdowns, s.summable, s.has_total
    from classified c
    join series s using (source, programme, fund, indicator_type, indicator_code)
),

-- Counts add up across priority axis, investment priority and region category; a year's
-- target is the sum only if every breakdown the indicator has (in any year) has one then.
summed as (
    select
        source, programme, max(title) as title, fund, indicator_type, indicator_code,
        max(indicator_name) as indicator_name,
        case when $region_category is null then '{}'
             else cast(json_object('region_category', $region_category) as varchar) end
            as breakdown_json,
        year,
        min(unit) as unit,
        case when count(target) = any_value(n_breakdowns) and not bool_or(percent_like)
             then sum(target) end as target,
        case when count(achieved) = count(*) then sum(achieved) end as achieved,
        bool_or(percent_like) as percent_like,
        count(target) > 0 and count(target) < any_value(n_breakdowns) as partial_target,
        count(achieved) > 0 and count(achieved) < count(*) as incomplete_achievement,
        false as not_summable
    from breakdown_level
    where summable and n_breakdowns > 1 and not has_total
    group by source, programme, fund, indicator_type, indicator_code, year
),

programme_level as (
    select * from summed
    union all
    -- the total row, the only breakdown, or (not summable) every breakdown as it is
    select
        source, programme, title, fund, indicator_type, indicator_code, indicator_name,
        breakdown_json, year, unit, target, achieved, percent_like, partial_target,
        incomplete_achievement, not_summable
    from breakdown_level
    where (has_total and breakdown_json = '{}')
       or (not has_total and (n_breakdowns = 1 or not summable))
),

chosen as (
    select
        source, programme, title, fund, indicator_type, indicator_code, indicator_name,
        breakdown_json, year, unit, target, achieved, percent_like, partial_target,
        incomplete_achievement, false as not_summable
    from breakdown_level
    where $level = 'breakdown'
    union all
    select
        source, programme, title, fund, indicator_type, indicator_code, indicator_name,
        breakdown_json, year, unit, target, achieved, percent_like, partial_target,
        incomplete_achievement, not_summable
    from programme_level
    where $level = 'programme'
),

assessed as (
    select
        *,
        case when target > 0 and not percent_like then achieved / target end as attainment,
        -- one flag per row, the most important first
        case
            when percent_like then 'target_looks_like_percentage'
            when incomplete_achievement then 'incomplete_achievement'
            when achieved is null then 'no_achievement_yet'
            when partial_target then 'partial_target'
            when target is null then 'no_target'
            when target = 0 then 'target_zero'
            when achieved > $far_above * target then 'achieved_far_above_target'
            when not_summable then 'not_summable'
        end as flag
    from chosen
)

select
    programme, title, fund, indicator_type, indicator_code, indicator_name, breakdown_json,
    year, target, achieved, attainment, flag, unit
from assessed
where ($year is null or year = $year)
  and ($until_year is null or year <= $until_year)
order by programme, fund, indicator_type, indicator_code, breakdown_json, year
