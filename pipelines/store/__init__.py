"""The store: one schema for the embedded DuckDB file and for DuckLake on PostgreSQL.

db (open, migrate, one writer at a time with readers never blocked, the one SQL loader
`db.sql`/`db.run`, integer keys), migrations (schema versions), schema.sql and access.sql (the
tables: no constraints, so that DuckLake can hold them), checks.sql/checks.py (the data checks
run after every load), derived (first_start, rebuilt in every load), catalog (what the store
holds: programs, statuses, loads, quality), retention (deletion), lake (DuckLake extensions
from the pinned wheels).
"""
