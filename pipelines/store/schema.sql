-- Wirkungsmonitor store, schema version 2: the canonical data model of DESIGN.md.
--
-- One schema for both backends: the embedded DuckDB file and DuckLake (PostgreSQL catalog,
-- Parquet files), which knows NOT NULL only. So there are no primary keys, unique or check
-- constraints, sequences or computed defaults: every load checks its own rows (pipelines/ingest),
-- and the data checks of checks.sql run after every load and in the test suite. Integer keys
-- come from `key_counter` (a row per key; two writers updating it conflict, and the load is redone).
-- Dates are DATE, never text. Participant data is pseudonymous: no names, no contact data.

create table if not exists schema_version (
    version     integer   not null,
    applied_at  timestamp not null
);

-- The next free value of each integer key: load_id, person_key.
create table if not exists key_counter (
    name   varchar not null,
    value  bigint  not null
);

-- One row per ingested file (also files skipped because they were loaded before).
create table if not exists load (
    load_id       integer   not null,          -- from key_counter 'load_id'
    file_name     varchar   not null,          -- as given by the user (base name)
    sha256        varchar   not null,          -- of the file's bytes (and sheet / mapping)
    kind          varchar   not null,          -- program | participants | episodes | tracking | indicators | target_edit
    program_id    varchar,                     -- null for indicator files spanning programmes
    mode          varchar   not null,          -- strict | lenient
    outcome       varchar   not null,          -- loaded | skipped
    rows_read     integer   not null,
    rows_loaded   integer   not null,
    rows_rejected integer   not null,
    loaded_by     varchar,
    loaded_at     timestamp not null,
    raw_path      varchar                      -- the load's archive (used columns only), relative to the store
);

-- A row that a lenient load refused: kept, never silently dropped. Used columns only.
create table if not exists rejected_row (
    load_id      integer not null,
    file_name    varchar not null,
    line         integer,                      -- line in the file (header = 1) or sheet row
    column_name  varchar,                      -- header as written in the file
    value        varchar,                      -- null when the value itself was refused (an identifier)
    reason_code  varchar not null,             -- machine-readable, see pipelines/text/ingest.py
    reason       varchar not null,             -- human-readable (language of the load)
    row_json     varchar                       -- the row's used columns as read
);

create table if not exists program (
    program_id    varchar not null,            -- slug, unique
    name          varchar not null,
    organisation  varchar,
    region        varchar,
    funder        varchar,                     -- one or more, '; '-separated
    start_date    date,
    end_date      date,
    special_categories boolean not null,       -- origin_region etc. may be stored
    load_id       integer
);

-- Status vocabulary: the built-in statuses (program_id = '*') and program-specific additions.
create table if not exists status_vocabulary (
    program_id  varchar not null,              -- '*' = every program
    status      varchar not null,
    category    varchar not null,              -- support | outcome
    label_de    varchar,
    label_en    varchar
);

create table if not exists participant (
    person_key          integer not null,      -- surrogate key, unique in the store (joins and counts)
    program_id          varchar not null,
    participant_id      varchar not null,      -- case number or pseudonym, never a name; unique per program
    site                varchar,
    cohort              varchar,
    entry_date          date    not null,
    exit_date           date,
    exit_reason         varchar,               -- completed | dropped_out | moved | other
    gender              varchar,               -- female | male | diverse
    birth_year          integer,
    origin_region       varchar,
    qualification_level integer,               -- ISCED 0..8
    german_level        varchar,               -- CEFR A1..C2
    coach_id            varchar,
    mentor_id           varchar,
    load_id             integer
);

-- Episodes of different statuses may overlap. end_date null = still running (support: until exit).
create table if not exists episode (
    person_key      integer not null,
    program_id      varchar not null,
    participant_id  varchar not null,
    status          varchar not null,
    start_date      date    not null,
    end_date        date,
    load_id         integer
);

-- Derived, rebuilt inside every load's transaction: the first start of each status per participant
-- on or after her program's start (what `reached` counts from the program start).
create table if not exists first_start (
    person_key   integer not null,
    program_id   varchar not null,
    status       varchar not null,
    start_date   date    not null
);

-- Derived, rebuilt with first_start: every episode as the days she is in the status,
-- [start_date, end_excl). A support episode without an end closes at the participant's exit (her
-- exit day included); an episode stored with end_date <= start_date is active on its start day.
create table if not exists spell (
    person_key   integer not null,
    program_id   varchar not null,
    status       varchar not null,
    category     varchar not null,             -- support | outcome (the program's own entry wins)
    start_date   date    not null,
    end_excl     date                          -- first day no longer in the status; null = open
);

-- Targets (Zielvereinbarungen). A revision of a target is a further row with a later valid_from.
create table if not exists target (
    target_id     varchar not null,
    valid_from    date    not null,            -- revision in force from this date (period start if not given)
    program_id    varchar not null,
    funder        varchar,
    label         varchar not null,
    measure       varchar not null,            -- entered | active | reached | upon_leaving | six_months_after | share
    status        varchar,                     -- the status(es) counted, '; '-separated (not for 'entered')
    direction     varchar not null,            -- at_least | at_most
    value         double  not null,
    period_start  date    not null,
    period_end    date    not null,
    scope_json    varchar not null,            -- the `where` table: {"site": "Kassel-Nord", ...}
    milestones_json varchar not null,          -- [{"date": "2019-12-31", "value": 20}, ...]
    options_json  varchar not null,            -- measure options, e.g. share's denominator
    load_id       integer
);

-- Aggregate indicators (ministry level, no participant data). Values are cumulative to the
-- reporting date: never add years together.
create table if not exists indicator_value (
    source          varchar not null,          -- esif_open_data | generic
    programme       varchar not null,          -- operational programme / operation id (e.g. CCI)
    title           varchar,
    fund            varchar not null,
    indicator_type  varchar not null,          -- e.g. OESF, RESF, RYEI: part of the identity
    indicator_code  varchar not null,
    indicator_name  varchar,
    breakdown_json  varchar not null,          -- {"priority": "A", "investment_priority": "8i", ...}
    year            integer not null,
    report_date     date,
    target_value    double,
    achieved_value  double,
    unit            varchar,
    version         varchar,                   -- e.g. the implementation report version (ir_ver)
    load_id         integer
);

-- Deletions (by participant or retention date) are logged: who, when, how, how many — never the ids.
create table if not exists deletion_log (
    deleted_at     timestamp not null,
    deleted_by     varchar,
    program_id     varchar,
    reason         varchar not null,           -- participant | retention
    criterion      varchar,                    -- 'ids: 3' or the cut-off date, never an id
    participants   integer not null,
    episodes       integer not null
);
