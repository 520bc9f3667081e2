-- People and access (DESIGN.md, "People and access"): accounts, their program grants, failed
-- logins for throttling, and the audit log.
-- Written for DuckDB today and DuckLake tomorrow, which supports NOT NULL only: no PRIMARY KEY,
-- UNIQUE or CHECK constraints and only literal defaults. pipelines/access checks in code what
-- constraints would check here (one account per name, one grant per name and program, the
-- four roles, the audit action codes), and writes every timestamp itself. `at` is a keyword
-- of DuckDB (time travel), hence failed_at and logged_at.

-- One row per person who may log in. `name` is normalised (trimmed, NFKC, lower case).
create table if not exists account (
    name           varchar   not null,
    role           varchar   not null,          -- admin | lead | evaluator | ministry
    funder         varchar,                     -- ministry only: sees the programs this funder funds
    password_hash  varchar,                     -- argon2id (PHC string); null = no local password (OIDC only)
    created_at     timestamp not null,
    disabled       boolean   not null default false
);

-- The programs a lead or an evaluator may see (a lead also changes their data and targets).
-- Admins see every program and ministries the programs of their funder: they have no rows here.
create table if not exists account_program (
    name        varchar   not null,
    program_id  varchar   not null,
    granted_at  timestamp not null,
    granted_by  varchar   not null
);

-- Failed logins, for throttling only: which name was tried and when. No password, no address.
-- Rows older than the throttling window are deleted when the next failure is recorded.
create table if not exists login_failure (
    name       varchar   not null,
    failed_at  timestamp not null
);

-- Who did what when: loads, target edits, deletions, account and grant changes, report downloads.
-- detail_json holds counts, file names, target ids, formats — never a participant id.
create table if not exists audit_log (
    logged_at    timestamp not null,
    actor        varchar   not null,
    action       varchar   not null,            -- a code of pipelines.access.audit.ACTIONS
    program_id   varchar,
    detail_json  varchar   not null default '{}'
);
