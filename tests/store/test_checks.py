"""The data checks (pipelines/store/checks.sql) find what keys and constraints would have refused:
each is shown a store with the one fault it is there for."""

from __future__ import annotations

import pytest

from pipelines.store import checks, derived
from tests.helpers.stores import tiny_store


@pytest.fixture
def store(con):
    tiny_store(con)
    derived.rebuild(con)
    assert checks.failures(con) == {}
    return con


COUNT = (None, None, "row count", None, None)     # the row saying that the numbers of rows differ


def _first_row(con) -> tuple:
    return con.execute("select person_key, program_id, status, start_date from first_start "
                       "order by all limit 1").fetchone()


def test_a_first_start_row_missing_is_found(store):
    key, program, status, start = _first_row(store)
    store.execute("delete from first_start where person_key = ? and status = ?", [key, status])
    assert checks.failures(store)["first_start_current"] == [(key, program, status, None, start), COUNT]


def test_a_load_that_rebuilt_the_derived_tables_whole_may_skip_their_check(store):
    key, program, status, start = _first_row(store)
    store.execute("delete from first_start where person_key = ? and status = ?", [key, status])
    assert "first_start_current" not in checks.failures(store, skip=checks.DERIVED_CHECKS)
    with pytest.raises(checks.CheckFailed):
        checks.assert_clean(store)
    checks.assert_clean(store, skip=checks.DERIVED_CHECKS)


def test_a_first_start_with_another_date_is_found(store):
    key, program, status, start = _first_row(store)
    store.execute("update first_start set start_date = start_date + 1 where person_key = ? and status = ?",
                  [key, status])
    found = checks.failures(store)["first_start_current"]
    assert [(r[0], r[2], r[4]) for r in found] == [(key, status, start)] and found[0][3] != start


def test_a_duplicate_first_start_row_is_found(store):
    key, _, status, _ = _first_row(store)
    store.execute("insert into first_start select * from first_start where person_key = ? and status = ?",
                  [key, status])
    assert checks.failures(store)["first_start_current"] == [COUNT]   # each key's date is right


def test_a_first_start_row_without_an_episode_is_found(store):
    key, program, status, start = _first_row(store)
    store.execute("insert into first_start values (?, ?, 'internship', ?)", [key, program, start])
    assert checks.failures(store)["first_start_current"][0][:4] == (key, program, "internship", start)


def test_a_duplicate_participant_is_found(store):
    store.execute("insert into participant select * from participant limit 1")
    found = checks.failures(store)
    assert {"participant_unique", "person_key_unique"} <= set(found)


# ------------------------------------------------------------------ after a load: what it wrote

LOAD = 7        # a load's id: the rows it wrote carry it (tiny_store's rows carry none)


def test_after_a_load_an_old_fault_is_the_whole_check_s_not_the_load_s(store):
    """With a load's id only its rows (and those sharing a key with them) are looked at: the store
    was clean before it. A fault in a row it did not write is found by the whole check only."""
    pid = store.execute("select participant_id from participant order by 1 limit 1").fetchone()[0]
    store.execute("update participant set gender = 'x' where participant_id = ?", [pid])
    assert set(checks.failures(store)) == {"participant_values"}
    assert checks.failures(store, load_id=LOAD) == {}
    store.execute("update participant set load_id = ? where participant_id = ?", [LOAD, pid])   # the load wrote it
    assert set(checks.failures(store, load_id=LOAD)) == {"participant_values"}


def test_a_load_that_repeats_a_participant_or_an_episode_is_found(store):
    store.execute(f"insert into participant select * replace ({LOAD} as load_id) from participant "
                  "order by person_key limit 1")
    assert {"participant_unique", "person_key_unique"} <= set(checks.failures(store, load_id=LOAD))
    store.execute(f"delete from participant where load_id = {LOAD}")
    store.execute(f"insert into episode select * replace ({LOAD} as load_id) from episode order by all limit 1")
    assert set(checks.failures(store, load_id=LOAD)) == {"episode_unique"}


def test_a_load_s_episode_without_its_participant_is_found(store):
    program = store.execute("select program_id from program limit 1").fetchone()[0]
    store.execute(f"insert into episode values (999999, ?, 'nobody', 'coaching', date '2020-03-01', null, {LOAD})",
                  [program])
    found = checks.failures(store, load_id=LOAD)
    assert found["episode_has_participant"] == [(program, "nobody", 999999)]


def test_after_a_load_the_derived_check_covers_the_people_it_wrote(store):
    key, program, status, start = _first_row(store)
    store.execute("delete from first_start where person_key = ? and status = ?", [key, status])
    assert "first_start_current" not in checks.failures(store, load_id=LOAD)     # not one of the load's people
    store.execute("update episode set load_id = ? where person_key = ?", [LOAD, key])
    assert checks.failures(store, load_id=LOAD)["first_start_current"] == [(key, program, status, None, start), COUNT]
