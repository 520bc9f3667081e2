-- The statuses' labels a report uses: the built-in ones ('*') first, then the programs' own, so
-- that a program's own label, read later, wins. Parameters: $programs (list of program ids).
with labels as (
    select program_id, status, label_de, label_en
    from status_vocabulary
    where program_id = '*' or list_contains($programs, program_id)
)

select program_id, status, label_de, label_en
from labels
order by program_id = '*' desc, program_id, status
