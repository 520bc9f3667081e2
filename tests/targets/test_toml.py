"""Target rows back to TOML: the file parses to the same rows."""

from __future__ import annotations

import tomllib


from pipelines import targets
from pipelines.targets import parse_targets
from tests.helpers.stores import D
from tests.helpers.targets import KASSEL, store, table


# ------------------------------------------------------------------------------ TOML round trip

def test_toml_round_trip():
    tables = tomllib.loads(KASSEL)["target"] + [
        table(id="share", measure="share", at_least=None, at_most=62.5, options={"of": "entered"},
              where={"entry_from": D("2020-02-01"), "site": ["Köln", "Bielefeld"], "german_level": {">=": "B1"}},
              label='Anteil "B1+" \\ Köln', funder="Land NRW",
              revisions=[{"valid_from": D("2020-06-01"), "at_least": 40, "funder": "", "where": {}},
                         {"valid_from": D("2020-09-01"), "period": {"start": D("2020-01-01"), "end": D("2021-06-30")},
                          "milestones": [{"date": D("2021-01-31"), "value": 30}]}]),
    ]
    rows = parse_targets(tables, "p1")
    text = targets.targets_to_toml(rows)
    assert "revisions = [" in text and 'where = { entry_from = 2020-02-01' in text
    assert parse_targets(tomllib.loads(text)["target"], "p1") == rows


def test_toml_from_stored_rows_as_dataframe_records(con):
    rows = store(con, *tomllib.loads(KASSEL)["target"], table(measure="entered", status=None))
    records = con.execute(f"select {', '.join(targets.ROW_KEYS)} from target order by target_id, valid_from"
                          ).df().to_dict("records")   # timestamps and NaN, as other modules read them
    text = targets.targets_to_toml(records)
    assert sorted(parse_targets(tomllib.loads(text)["target"], "p1"), key=lambda r: r["target_id"]) == \
        sorted(rows, key=lambda r: r["target_id"])
    assert targets.load_targets(con, "sozialwirtschaft-integriert")[0]["value"] == 50.0


