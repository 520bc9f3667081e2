-- The programs a report covers, as they appear on its cover.
-- Parameters: $programs (list of program ids). special_categories: origin region may be shown.
select program_id, name, organisation, region, funder, start_date, end_date, special_categories
from program
where list_contains($programs, program_id)
