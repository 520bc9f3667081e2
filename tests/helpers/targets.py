"""Target tables for tests: the design example, a valid table to vary, storing and evaluating one."""

from __future__ import annotations

from pipelines import targets
from pipelines.targets import parse_targets
from tests.helpers.stores import D

KASSEL = """
[[target]]
id        = "kassel-training"
program   = "sozialwirtschaft-integriert"
funder    = "Hessisches Ministerium für Soziales und Integration"
label     = "Mindestens 50 Frauen in Ausbildung"
measure   = "reached"
status    = "training"
at_least  = 50
period    = { start = 2018-01-01, end = 2022-12-31 }
where     = { }
milestones = [ { date = 2019-12-31, value = 20 }, { date = 2020-12-31, value = 35 } ]
"""


def table(**overrides):
    """A valid target table, with keys replaced (None removes a key)."""
    base = {"id": "t", "label": "Ziel", "measure": "reached", "status": "training", "at_least": 20,
            "period": {"start": D("2020-01-01"), "end": D("2020-12-31")}}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def store(con, *tables, program="p1"):
    rows = parse_targets(list(tables), program)
    targets.save_targets(con, rows, program)
    return rows


def one(con, as_of, program="p1"):
    (card,) = targets.evaluate(con, program, as_of)
    return card
