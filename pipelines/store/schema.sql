-- Wirkungsmonitor store, schema version 1.
-- The canonical data model of DESIGN.md. Later versions are forward migrations in db.py.
-- Dates are DATE, never text. Participant data is pseudonymous: no names, no contact data.

create table if not exists schema_version (
    version     integer   not null,
    applied_at  timestamp not null default current_timestamp
);

-- One row per ingested file (also files skipped because they were loaded before).
create sequence if not exists load_seq start 1;
create table if not exists load (
    load_id       integer primary key default nextval('load_seq'),
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
    raw_path      varchar                      -- archived copy of the file, relative to the db
);

-- A row that a lenient load refused: kept, never silently dropped.
create table if not exists rejected_row (
    load_id      integer not null,
    file_name    varchar not null,
    line         integer,                      -- line in the file (header = 1) or sheet row
    column_name  varchar,                      -- header as written in the file
    value        varchar,
    reason_code  varchar not null,             -- machine-readable, see pipelines/messages.py
    reason       varchar not null,             -- human-readable (language of the load)
    row_json     varchar                       -- the whole row as read
);

create table if not exists program (
    program_id    varchar primary key,         -- slug
    name          varchar not null,
    organisation  varchar,
    region        varchar,
    funder        varchar,                     -- one or more, '; '-separated
    start_date    date,
    end_date      date,
    special_categories boolean not null default true,  -- origin_region etc. may be stored
    load_id       integer
);

-- Status vocabulary: the built-in statuses (program_id = '*') and program-specific additions.
create table if not exists status_vocabulary (
    program_id  varchar not null,              -- '*' = every program
    status      varchar not null,
    category    varchar not null check (category in ('support', 'outcome')),
    label_de    varchar,
    label_en    varchar,
    primary key (program_id, status)
);

create table if not exists participant (
    program_id          varchar not null,
    participant_id      varchar not null,      -- case number or pseudonym, never a name
    site                varchar,
    cohort              varchar,
    entry_date          date    not null,
    exit_date           date,
    exit_reason         varchar check (exit_reason in ('completed', 'dropped_out', 'moved', 'other')),
    gender              varchar check (gender in ('female', 'male', 'diverse')),
    birth_year          integer,
    origin_region       varchar,
    qualification_level integer check (qualification_level between 0 and 8),   -- ISCED
    german_level        varchar check (german_level in ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    coach_id            varchar,
    mentor_id           varchar,
    load_id             integer,
    primary key (program_id, participant_id)
);

-- Episodes of different statuses may overlap. end_date null = still running.
create table if not exists episode (
    program_id      varchar not null,
    participant_id  varchar not null,
    status          varchar not null,
    start_date      date    not null,
    end_date        date,
    load_id         integer,
    primary key (program_id, participant_id, status, start_date)
);

-- Targets (Zielvereinbarungen). A revision of a target is a further row with a later valid_from.
create table if not exists target (
    target_id     varchar not null,
    valid_from    date    not null,            -- revision in force from this date (period start if not given)
    program_id    varchar not null,
    funder        varchar,
    label         varchar not null,
    measure       varchar not null check (measure in ('entered', 'active', 'reached', 'upon_leaving', 'six_months_after', 'share')),
    status        varchar,                     -- the status counted (not for 'entered')
    direction     varchar not null check (direction in ('at_least', 'at_most')),
    value         double  not null,
    period_start  date    not null,
    period_end    date    not null,
    scope_json    varchar not null default '{}',   -- the `where` table: {"site": "Kassel-Nord", ...}
    milestones_json varchar not null default '[]', -- [{"date": "2019-12-31", "value": 20}, ...]
    options_json  varchar not null default '{}',   -- measure options, e.g. share's denominator
    load_id       integer,
    primary key (target_id, valid_from)
);

-- Aggregate indicators (ministry level, no participant data). Values are cumulative to the
-- reporting date: never add years together.
create table if not exists indicator_value (
    source          varchar not null,          -- esif_open_data | generic
    program         varchar not null,          -- programme / operation id (e.g. CCI)
    title           varchar,
    fund            varchar not null default '',
    indicator_type  varchar not null default '',  -- e.g. OESF, RESF, RYEI: part of the identity
    indicator_code  varchar not null,
    indicator_name  varchar,
    breakdown_json  varchar not null default '{}', -- {"priority": "A", "investment_priority": "8i", "region_category": "Transition"}
    year            integer not null,
    report_date     date,
    target_value    double,
    achieved_value  double,
    unit            varchar,
    version         varchar,                   -- e.g. the implementation report version (ir_ver)
    load_id         integer,
    primary key (source, program, fund, indicator_type, indicator_code, breakdown_json, year)
);

-- Deletions (by participant or retention date) are logged, without the deleted data.
create table if not exists deletion_log (
    deleted_at     timestamp not null,
    deleted_by     varchar,
    program_id     varchar,
    reason         varchar not null,           -- participant | retention
    criterion      varchar,                    -- participant id or cut-off date
    participants   integer not null,
    episodes       integer not null
);
