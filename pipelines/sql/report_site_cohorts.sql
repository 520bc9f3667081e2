-- The (program, site, cohort) combinations present for the report's programs, unknown
-- values included (null), so that the rows of the sites/cohorts table add up to the total.
-- Parameters: $programs (list of program ids).
with participants as (
    select p.program_id, p.site, p.cohort
    from participant p
    where list_contains($programs, p.program_id)
)

select distinct program_id, site, cohort
from participants
order by program_id, site, cohort
