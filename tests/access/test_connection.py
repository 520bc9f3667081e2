"""Every query runs for a person: the shadowing views of pipelines.access.connection on the demo store."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines import access, metrics
from pipelines.access import LOCAL_ADMIN, Person
from pipelines.store import lake

KASSEL, PERMENTI = "sozialwirtschaft-integriert", "permenti-transfer"
# participants per demo program: cross-mentoring 10, permenti 82, kassel 155, tara 8
ALL = 10 + 82 + 155 + 8


def counts(con) -> dict[str, int]:
    return dict(con.execute("select program_id, count(*) from participant group by 1").fetchall())


@pytest.mark.parametrize("name, expected", [
    ("admin", {"cross-mentoring-duesseldorf-koeln": 10, PERMENTI: 82, KASSEL: 155, "tara-mentoring": 8}),
    ("kassel", {KASSEL: 155}),
    ("evaluation", {"cross-mentoring-duesseldorf-koeln": 10, PERMENTI: 82, KASSEL: 155, "tara-mentoring": 8}),
    ("ministerium", {KASSEL: 155}),         # the only demo program the Hessian ministry funds
])
def test_each_demo_account_sees_her_programs_only(demo_path, name, expected):
    with access.reading_for(demo_path, Person(name, "admin")) as con:   # the role comes from the store
        assert counts(con) == expected


def test_the_lead_sees_nothing_of_permenti_in_any_table(demo_path):
    with access.reading_for(demo_path, Person("kassel", "lead")) as con:
        for table in ("participant", "episode", "first_start", "target", "program", "load", "main.participant"):
            assert con.execute(f"select count(*) from {table} where program_id = ?", [PERMENTI]).fetchone()[0] == 0
        # Kassel's episodes only: 155 coaching + 75 language courses + 54 internships + 37 training + 14 employment
        assert con.execute("select count(*) from episode").fetchone()[0] == 335
        # the metrics run unchanged: PerMenti is as unknown to them as a program that does not exist
        with pytest.raises(ValueError, match="unknown program"):
            metrics.status_summary(con, PERMENTI, dt.date(2020, 12, 31))
        assert metrics.status_summary(con, KASSEL, dt.date(2020, 8, 31))["entered"] == 155
        # people tables: her own account without its hash, no audit log
        assert con.execute("select name, password_hash from account").fetchall() == [("kassel", None)]
        assert con.execute("select count(*) from audit_log").fetchone()[0] == 0


def test_every_table_with_a_program_shows_the_lead_her_programs_only(demo_path):
    """Not a list kept by hand (one missed the derived `spell` table): every table of the store with a
    program_id column, read through the lead's connection, holds Kassel's rows only (or the built-in
    '*' vocabulary); the audit log, naming any program, shows nothing to her at all."""
    with access.reading_for(demo_path, Person("kassel", "lead")) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from duckdb_columns() where column_name = 'program_id' and not internal "
            "and database_name = current_database() and schema_name = 'main' order by 1").fetchall()]
        assert {"participant", "episode", "first_start", "spell", "target", "load", "audit_log"} <= set(tables)
        for table in tables:
            seen = {r[0] for r in con.execute(f"select distinct program_id from {table}").fetchall()}
            assert seen <= {KASSEL, "*"}, (table, seen)
        assert con.execute("select count(distinct program_id) from spell").fetchone() == (1,)


def test_the_local_admin_and_an_admin_see_everything(demo_path):
    with access.reading_for(demo_path, LOCAL_ADMIN) as con:
        assert sum(counts(con).values()) == ALL
        assert con.execute("select count(*) from account where password_hash is not null").fetchone()[0] == 4


def test_an_unknown_or_removed_account_sees_nothing(demo_path):
    with access.reading_for(demo_path, Person("gone", "admin")) as con:
        assert counts(con) == {}
        assert con.execute("select count(*) from program").fetchone()[0] == 0


def test_a_revoked_grant_counts_at_the_next_connection(demo_copy):
    evaluator = Person("evaluation", "evaluator")
    with access.reading_for(demo_copy, evaluator) as con:
        assert sum(counts(con).values()) == ALL
    from pipelines.store import db
    with db.writing(demo_copy) as con:
        access.revoke(con, "evaluation", PERMENTI, actor=LOCAL_ADMIN)
    with access.reading_for(demo_copy, evaluator) as con:
        assert sum(counts(con).values()) == ALL - 82


def test_temp_views_shadow_the_tables_of_a_ducklake_default_catalog(tmp_path):
    con = lake.new_connection()
    try:
        lake.attach_lake(con, f"ducklake:{tmp_path / 'meta.ducklake'}", str(tmp_path / "data"))
        con.execute("create table participant (program_id varchar, participant_id varchar)")
        con.execute("insert into participant values ('a', '1'), ('b', '2'), ('b', '3')")
        con.execute("create temp view participant as select * from lake.main.participant where program_id = 'a'")
        assert con.execute("select count(*) from participant").fetchone()[0] == 1
        assert con.execute("select count(*) from main.participant").fetchone()[0] == 1
    finally:
        con.close()
