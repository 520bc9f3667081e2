"""Scopes: fields, where tables and their problems, the SQL predicate."""

from __future__ import annotations

import json

import pytest

from pipelines import metrics
from pipelines.metrics import Scope
from pipelines.text.metrics import problem_texts
from tests.helpers.stores import D, build


# ------------------------------------------------------------------------------ scope

@pytest.fixture
def people(con):
    build(con, [
        ("a", "2019-03-01", None, {"site": "Köln", "german_level": "A2", "qualification_level": 3,
                                   "birth_year": 1990, "cohort": "3", "gender": "female"}),
        ("b", "2019-05-01", None, {"site": "Bielefeld", "german_level": "B1", "qualification_level": 6,
                                   "birth_year": 1970, "cohort": "7"}),
        ("c", "2020-01-10", None, {"site": "Köln", "german_level": "C1", "birth_year": 1999,
                                   "cohort": "10"}),
        ("d", "2020-06-01", None, {}),
    ])
    return con


@pytest.mark.parametrize("where, expected", [
    ({}, 4),
    ({"site": "Köln"}, 2),
    ({"site": ["Köln", "Bielefeld"]}, 3),
    ({"site": {"!=": "Köln"}}, 2),                       # b and d (unknown site kept)
    ({"german_level": {">=": "B1"}}, 2),                 # CEFR order, not text order
    ({"german_level": {">": "A2", "<": "C1"}}, 1),
    ({"qualification_level": {"<=": 4}}, 1),
    ({"entry_year": 2019}, 2),
    ({"entry_from": "2019-04-01", "entry_to": "31.01.2020"}, 2),
    ({"age_band": "25-34"}, 1),                          # a: 2019 - 1990 = 29
    ({"age_band": ["<25", "45-54"]}, 2),                 # c: 21, b: 49
    ({"age": {">=": 40}}, 1),
    ({"cohort": {">=": 7}}, 2),                          # numbers, so 10 > 7
    ({"gender": "weiblich"}, 1),                         # German value alias
    ({"site": "x' or 1=1 --"}, 0),                       # a value is only ever a parameter
])
def test_scope_filters(people, where, expected):
    assert metrics.entered(people, Scope(("p1",), where), None, None) == expected


def test_scope_programs(con):
    build(con, [("a", "2019-01-01")])
    build(con, [("a", "2019-01-01"), ("b", "2019-01-01")], program="p2")
    assert metrics.entered(con, Scope(("p2",)), None, None) == 2
    assert metrics.entered(con, Scope("p1"), None, None) == 1
    assert metrics.entered(con, Scope(()), None, None) == 0
    assert metrics.entered(con, None, None, None) == 3


def test_scope_problems_are_listed(people):
    canonical, _, problems = metrics.parse_where(
        {"stadt": "Köln", "german_level": "D1", "site": {">=": "A"}, "entry_from": "gestern",
         "qualification_level": 9, "cohort": {"~": 3}, "mentor_id": {">": "m1"}})
    problems = problem_texts(problems, "de")
    assert len(problems) == 7
    assert problem_texts(metrics.check_where({"cohort": {">=": "sieben"}}), "en") == [
        "cohort: 'sieben' is not a valid value (a whole number)."]
    assert problems[0].startswith("Unbekanntes Merkmal „stadt“")
    assert "„D1“ ist kein gültiger Wert" in problems[1]
    en = problem_texts(metrics.check_where({"stadt": "Köln"}), "en")
    assert en[0].startswith("Unknown field 'stadt'")
    with pytest.raises(metrics.ScopeError):
        metrics.entered(people, Scope(("p1",), {"stadt": "Köln"}), None, None)


def test_scope_sql_binds_every_value(people):
    sql, params = metrics.scope_sql(Scope(("p1",), {"site": "Köln", "german_level": {">=": "B1"}}))
    assert "Köln" not in sql and "$w_0" in sql
    assert params == {"w_programs": ["p1"], "w_0": "Köln", "w_1": 3}


def test_scope_is_hashable_and_serialises(people):
    scope = Scope(["p1"], {"entry_from": D("2019-01-01"), "site": ["Köln"]})
    assert scope.programs == ("p1",)
    assert hash(scope) == hash(Scope(("p1",), {"site": ["Köln"], "entry_from": D("2019-01-01")}))
    assert json.loads(scope.to_json()) == {"entry_from": "2019-01-01", "site": ["Köln"]}
    assert scope.narrow(site="Bielefeld").where["site"] == "Bielefeld"


