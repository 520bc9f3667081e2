"""Changes other than loads on a shared lake: two offices' admins and leads at once lose nothing.

On a DuckLake two transactions that delete from (or update) the same table conflict at commit
(duckdb.TransactionException). Loads were redone whole on such a conflict; accounts, grants,
target edits, failed logins and deletions are too (`db.retried`). These tests first show that the
writers really race (the bare functions fail), then that the retried ones all land.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import duckdb
import pytest

from pipelines.access import accounts, login
from pipelines.access.policy import LOCAL_ADMIN
from pipelines.ingest import programs
from pipelines.store import db, retention
from tests.helpers.stores import D
from tests.helpers.targets import table

pytestmark = pytest.mark.postgres

ROUNDS = 6


@pytest.fixture
def lake(pg, tmp_path, monkeypatch, request):
    name = "lake_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    pg.create_database(name)
    monkeypatch.setenv("OUTCOMES_DATA_PATH", str(tmp_path / "lake-data"))
    spec = "ducklake:postgres:" + pg.libpq_for(name)
    with db.writing(spec) as con:
        for program in ("p1", "p2"):
            con.execute("insert into program (program_id, name, start_date, end_date, special_categories) "
                        "values (?, ?, ?, ?, true)", [program, program, D("2020-01-01"), D("2022-12-31")])
        for name in ("anna", "berta"):
            accounts.add(con, name, "evaluator", "ein langes Passwort", programs=["p1"], actor=LOCAL_ADMIN)
    return spec


def _side_by_side(spec: str, work: Callable[[duckdb.DuckDBPyConnection, str], None]) -> list[str]:
    """Run work(con, who) for "anna" and "berta" in two threads, each on its own connection, started
    together; the errors they met."""
    errors: list[str] = []
    start = threading.Barrier(2)

    def one(who: str) -> None:
        with db.writing(spec) as con:
            start.wait(timeout=60)
            try:
                work(con, who)
            except duckdb.Error as exc:
                errors.append(f"{who}: {type(exc).__name__}: {str(exc).splitlines()[0]}")

    threads = [threading.Thread(target=one, args=(who,)) for who in ("anna", "berta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def _grants_and_revokes(grant, revoke):
    def work(con, who):
        for _ in range(ROUNDS):
            grant(con, who, "p2", actor=LOCAL_ADMIN)
            revoke(con, who, "p2", actor=LOCAL_ADMIN)
    return work


def _actions(spec: str) -> dict[str, int]:
    with db.reading(spec) as con:
        return dict(con.execute("select action, count(*) from audit_log group by 1").fetchall())


def test_the_writers_really_race_without_retries(lake):
    """The bare changes (without `db.retried`) fail when two admins change grants at once."""
    errors = []
    for _ in range(5):             # a race is likely in one try, certain in a few
        errors += _side_by_side(lake, _grants_and_revokes(accounts.grant.__wrapped__, accounts.revoke.__wrapped__))
        if errors:
            break
    assert errors and all("TransactionException" in e for e in errors)


def test_grants_and_revokes_of_two_admins_at_once_all_land(lake):
    before = _actions(lake)
    assert _side_by_side(lake, _grants_and_revokes(accounts.grant, accounts.revoke)) == []
    after = _actions(lake)
    assert after["grant"] - before.get("grant", 0) == 2 * ROUNDS
    assert after["revoke"] - before.get("revoke", 0) == 2 * ROUNDS
    with db.reading(lake) as con:
        assert con.execute("select name, program_id from account_program order by 1").fetchall() == [
            ("anna", "p1"), ("berta", "p1")]


def test_two_leads_editing_targets_at_once_keep_both(lake):
    """Each adds her own targets to the same program: every one is there afterwards (an edit read
    outside its transaction would have overwritten the other's unseen)."""
    def work(con, who):
        for i in range(ROUNDS):
            problems = programs.save_target(con, "p1", table(id=f"{who}-{i}", label=f"Ziel {who} {i}"),
                                            saved_by=who)
            assert problems == []

    assert _side_by_side(lake, work) == []
    with db.reading(lake) as con:
        ids = {r[0] for r in con.execute("select target_id from target where program_id = 'p1'").fetchall()}
        edits = con.execute("select count(*) from load where kind = 'target_edit'").fetchone()[0]
    assert ids == {f"{who}-{i}" for who in ("anna", "berta") for i in range(ROUNDS)}
    assert edits == 2 * ROUNDS


def test_failed_logins_and_password_changes_at_once_all_count(lake):
    def work(con, who):
        for _ in range(3):
            assert login.authenticate(con, who, "falsch") is None
            accounts.set_password(con, who, "ein langes Passwort", actor=LOCAL_ADMIN)

    assert _side_by_side(lake, work) == []
    assert _actions(lake)["password_change"] == 6
    with db.reading(lake) as con:   # each password change lifted her throttling
        assert con.execute("select count(*) from login_failure").fetchone()[0] == 0


def test_deletions_of_two_programs_at_once_both_land(lake):
    with db.writing(lake) as con:
        for program in ("p1", "p2"):
            con.execute("insert into participant (program_id, participant_id, person_key, entry_date, exit_date) "
                        "select ?, 'x' || i, i + ?, date '2020-01-01', date '2020-06-30' from range(20) r(i)",
                        [program, 0 if program == "p1" else 100])
    program_of = {"anna": "p1", "berta": "p2"}

    def work(con, who):
        for month in range(1, 4):
            retention.delete_before(con, program_of[who], D(f"2020-{month + 5:02d}-01"), actor=LOCAL_ADMIN, store=None)
        retention.delete_before(con, program_of[who], D("2021-01-01"), actor=LOCAL_ADMIN, store=None)

    assert _side_by_side(lake, work) == []
    with db.reading(lake) as con:
        assert con.execute("select count(*) from participant").fetchone()[0] == 0
        deletions = con.execute("select program_id, count(*) from audit_log where action = 'deletion' "
                                "group by 1 order by 1").fetchall()
    assert deletions == [("p1", 4), ("p2", 4)]   # every deletion logged, also one that found nobody
