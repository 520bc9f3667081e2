"""Loading indicator rows: upsert in the caller's transaction, the store's columns."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines import indicators as ind
from pipelines.store import db
from tests.indicators.files import DATA, frame, loaded


def test_generic_german_file(con):
    rows, errors = loaded(con, DATA / "generic_de.csv", sep=";")
    assert errors == []
    assert len(rows) == 10
    stunden = rows[rows.indicator_code == "STUNDEN"].iloc[0]
    assert (stunden.achieved_value, stunden.target_value, stunden.fund) == (1234.5, 2000.0, "")
    nord_2020 = rows[(rows.indicator_code == "EINTRITTE") & (rows.year == 2020)].iloc[0]
    assert nord_2020.breakdown_json == '{"site":"Kassel-Nord"}'
    assert nord_2020.report_date == pd.Timestamp("2020-08-31")  # ISO date in the file
    stored = con.execute(
        "select report_date, source from indicator_value where indicator_code = 'AUSBILDUNG' order by year"
    ).fetchall()
    assert [(str(d), s) for d, s in stored] == [("2019-12-31", "generic"), ("2020-08-31", "generic")]


def test_load_upserts_a_newer_file(con):
    loaded(con, DATA / "esif_small.csv", load_id=1)
    correction = frame(DATA / "esif_small.csv").iloc[[3]].assign(implemented_value="490", ir_ver="2020.1")
    rows, errors = ind.normalise(correction, "esif_open_data")
    with db.transaction(con):
        assert ind.load(con, rows, 2) == 1
    assert con.execute("select count(*) from indicator_value").fetchone()[0] == 14
    assert con.execute(
        "select achieved_value, version, load_id from indicator_value "
        "where indicator_code = 'CO01' and year = 2020 and breakdown_json like '%\"A\"%'"
    ).fetchone() == (490.0, "2020.1", 2)
    assert con.execute("select count(*) from indicator_value where load_id = 1").fetchone()[0] == 13


def test_load_runs_in_the_callers_transaction(con):
    rows, _ = ind.normalise(frame(DATA / "esif_small.csv"), "esif_open_data")
    with pytest.raises(RuntimeError):
        with db.transaction(con):
            ind.load(con, rows, 1)
            raise RuntimeError("later step failed")
    assert con.execute("select count(*) from indicator_value").fetchone()[0] == 0


def test_load_twice_changes_nothing(con):
    rows, _ = ind.normalise(frame(DATA / "esif_small.csv"), "esif_open_data")
    with db.transaction(con):
        ind.load(con, rows, 1)
    before = con.execute("select * exclude (load_id) from indicator_value order by all").fetchall()
    with db.transaction(con):
        ind.load(con, rows, 1)
    assert con.execute("select * exclude (load_id) from indicator_value order by all").fetchall() == before


def test_load_nothing(con):
    rows, _ = ind.normalise(pd.DataFrame({"cci": [], "_line": []}), "esif_open_data")
    assert ind.load(con, rows, 1) == 0
