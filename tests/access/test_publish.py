"""Publication-safe figures for the ministry (pipelines.access.publish and .publication), hand-counted:
the hidden cells are decided once over every page and the report (`publication.build`), and each page's
figures read them from there — a hidden count is None, no share from it, zero shown; every other role sees
the figures unchanged and needs no publication."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines import targets
from pipelines.access import AccessError, Person, publication, publish
from pipelines.access.publication import (Publication, funnel_cell, group_cell, group_total_cell, monthly_cell,
                                          quality_cell, series_cells, summary_cell)
from pipelines.store import db
from tests.helpers.stores import add_episode, add_participant, add_program

MINISTRY = Person("hessen", "ministry", ("kassel",), "Hessisches Ministerium")
LEAD = Person("kassel", "lead", ("kassel",))
EVALUATOR = Person("eva", "evaluator", ("kassel", "tara"))
ADMIN = Person("admin", "admin")
AS_OF = dt.date(2020, 3, 31)


def held(values: dict, hidden: set, targets: dict | None = None) -> Publication:
    """A publication by hand: these values, these hidden."""
    return Publication(("kassel",), AS_OF, values, (), (), frozenset(hidden), targets or {}, ("training",))


# --------------------------------------------------------------------------- the publication of a tiny program

@pytest.fixture
def eight(con):
    """p1 (from 01.01.2020): six women enter at site A in January, two at site B in February; one of A
    starts training on 01.02.2020; nobody leaves; a target of 3 in training."""
    add_program(con, "p1", "2020-01-01", "2022-12-31")
    for i in range(6):
        add_participant(con, f"a{i}", "2020-01-15", site="A", cohort="1", gender="female")
    for i in range(2):
        add_participant(con, f"b{i}", "2020-02-10", site="B", cohort="1", gender="female")
    for pid in [f"a{i}" for i in range(6)] + ["b0", "b1"]:
        add_episode(con, pid, "coaching", "2020-01-15" if pid.startswith("a") else "2020-02-10")
    add_episode(con, "a0", "training", "2020-02-01")
    targets.save_targets(con, targets.parse_targets([{
        "id": "t", "label": "Mindestens 3 Frauen in Ausbildung", "measure": "reached", "status": "training",
        "at_least": 3, "period": {"start": dt.date(2020, 1, 1), "end": dt.date(2022, 12, 31)}}], "p1"), "p1")
    return con


def test_one_publication_hides_a_small_count_on_every_page_and_what_would_give_it_away(eight):
    pub = publication.build(eight, ["p1"], AS_OF)
    # 8 entered: a headline, shown on every page that has it (tile, funnel, comparison total)
    assert pub.values[summary_cell("entered")] == 8 and pub.shown(summary_cell("entered")) == 8
    assert pub.shown(funnel_cell("entered")) == 8 and pub.shown(group_total_cell("n")) == 8
    # 1 in training: the tile, the funnel, the comparison's total, the target card and its series' last
    # month are one number, hidden on all of them
    training = [summary_cell("reached", "training"), funnel_cell("reached", "training"),
                group_total_cell("reached", "training"), monthly_cell("training", "2020-02-01")]
    assert [pub.values[c] for c in training] == [1, 1, 1, 1]
    assert all(pub.is_hidden(c) for c in training)
    assert pub.target_hidden("p1", "t")
    card = {"program": "p1", "measure": "reached", "status": "training", "scope": {}, "period_start": "2020-01-01"}
    assert pub.values[series_cells(card, "2020-03-31", "2020-03-01")[0]] == 1
    assert pub.is_hidden(series_cells(card, "2020-03-31", "2020-03-01")[0])
    assert pub.shown(series_cells(card, "2020-01-31", "2020-01-01")[0]) == 0      # zero stays
    # site B (2) is small; A (6) is its complement, else 8 - 6 = 2; site B's report cell goes with it
    assert pub.values[group_cell("site", "B", "n")] == 2 and pub.is_hidden(group_cell("site", "B", "n"))
    assert pub.is_hidden(group_cell("site", "A", "n"))
    # two entries in February: hidden, and January's 6 with them (8 - 6 = 2); March's 0 shown
    assert [pub.values[monthly_cell("entered", m)] for m in ("2020-01-01", "2020-02-01", "2020-03-01")] == [6, 2, 0]
    assert pub.is_hidden(monthly_cell("entered", "2020-02-01")) and pub.is_hidden(monthly_cell("entered", "2020-01-01"))
    assert pub.shown(monthly_cell("entered", "2020-03-01")) == 0
    # the statuses the comparison holds: the vocabulary's outcomes, then support
    assert pub.statuses[:2] == ("training", "employment") and "coaching" in pub.statuses
    assert pub.holds("site", "training") and not pub.holds("qualification_level", "training")
    assert not pub.holds(None, "training")


def test_the_same_inputs_give_the_same_publication(eight):
    one, two = publication.build(eight, ["p1"], AS_OF), publication.build(eight, ["p1", "p1"], AS_OF)
    assert one.hidden == two.hidden and one.values == two.values


def test_a_program_with_nobody_publishes_zeros():
    con = db.connect(":memory:")
    add_program(con, "p1", "2020-01-01", "2022-12-31")
    pub = publication.build(con, ["p1"], AS_OF)
    assert pub.shown(summary_cell("entered")) == 0 and pub.hidden == frozenset()


# --------------------------------------------------------------------------- each page reads the publication

def test_tiles_and_summary_read_their_hidden_cells_from_the_publication():
    total = {"entered": 8, "in_program": 8, "active": {"training": 1}, "reached": {"training": 1}}
    pub = held({summary_cell("entered"): 8, summary_cell("in_program"): 8, summary_cell("active", "training"): 1,
                summary_cell("reached", "training"): 1},
               {summary_cell("active", "training"), summary_cell("reached", "training"), summary_cell("in_program")})
    shown = publish.summary(MINISTRY, total, pub)
    assert (shown["entered"], shown["in_program"], shown["active"], shown["reached"]) == (
        8, None, {"training": None}, {"training": None})
    tiles = [{"key": "entered", "kind": "entered", "status": None, "value": 8},
             {"key": "training", "kind": "reached", "status": "training", "value": 1}]
    assert [t["value"] for t in publish.tiles(MINISTRY, tiles, pub)] == [8, None]
    assert publish.summary(LEAD, total) is total and publish.tiles(ADMIN, tiles) == tiles


def test_the_ministry_without_a_publication_gets_an_error_not_raw_figures():
    with pytest.raises(ValueError):
        publish.summary(MINISTRY, {"entered": 1, "in_program": 1, "active": {}, "reached": {}})


def card(measure="reached", achieved=2, **more):
    return {"program": "kassel", "id": "k-1", "measure": measure, "achieved": achieved, "target": 50,
            "attainment": achieved / 50, "state": "at_risk", "expected": 20.0, "forecast": 30.0,
            "needed_per_month": 1.5, "probability": 0.2, **more}


def test_a_hidden_target_card_keeps_its_line_but_nothing_computed_from_the_count():
    """Nor its state, as in the report: "at risk" beside a hidden count would say on which side of the
    expected value it lies. A share target is hidden when a count behind it is (the publication says)."""
    gone = publish.card(MINISTRY, card(achieved=4), achieved_hidden=True)
    assert {k: gone[k] for k in ("achieved", "attainment", "forecast", "needed_per_month", "probability", "state")} \
        == dict.fromkeys(("achieved", "attainment", "forecast", "needed_per_month", "probability", "state"))
    assert (gone["expected"], gone["target"], gone["suppressed"]) == (20.0, 50, True)
    assert publish.card(MINISTRY, card(achieved=0), achieved_hidden=False)["attainment"] == 0.0
    assert publish.card(LEAD, card(achieved=2), achieved_hidden=True)["achieved"] == 2
    result = {"summary": {"entered": 5, "in_program": 4, "active": {}, "reached": {}},
              "tiles": [{"key": "entered", "kind": "entered", "status": None, "value": 5}],
              "targets": [card("share", 50.0)]}
    k, n = ("share_reached", "k"), ("entered", "n")
    pub = held({summary_cell("entered"): 5, k: 1, n: 2}, {k, n}, {("kassel", "k-1"): (k, n)})
    assert publish.overview(MINISTRY, result, pub)["targets"][0]["achieved"] is None
    pub = held({summary_cell("entered"): 5, k: 3, n: 6}, set(), {("kassel", "k-1"): (k, n)})
    assert publish.overview(MINISTRY, result, pub)["targets"][0]["achieved"] == 50.0


def test_progress_hides_the_months_the_publication_hides_and_the_band_of_a_hidden_card():
    target = {**card(achieved=4), "period_start": "2020-01-01", "status": "training", "scope": {},
              "series": pd.DataFrame({"month_end": [dt.date(2020, 1, 31), dt.date(2020, 2, 29), dt.date(2020, 3, 31)],
                                      "cumulative": [0, 3, 4]}),
              "forecast_band": [{"date": AS_OF, "low": 4, "mid": 5, "high": 6}]}
    cum = [series_cells(target, d, d)[0] for d in target["series"]["month_end"]]
    months = pd.DataFrame({"month": [dt.date(2020, 1, 1), dt.date(2020, 2, 1)], "series": ["entered"] * 2,
                           "count": [6, 2]})
    pub = held({cum[0]: 0, cum[1]: 3, cum[2]: 4, monthly_cell("entered", "2020-01-01"): 6,
                monthly_cell("entered", "2020-02-01"): 2},
               {cum[1], cum[2], monthly_cell("entered", "2020-02-01"), monthly_cell("entered", "2020-01-01")},
               {("kassel", "k-1"): (cum[2],)})
    shown = publish.progress(MINISTRY, {"targets": [target], "monthly": months}, pub)
    one = shown["targets"][0]
    assert list(one["series"]["cumulative"]) == [0, None, None]
    assert one["achieved"] is None and one["forecast_band"] == []
    assert list(shown["monthly"]["count"]) == [None, None]


def test_a_comparison_shows_the_publication_s_groups_and_nothing_from_a_hidden_count():
    table = pd.DataFrame({"group": ["A", "B", None], "unit": [0, 0, 0], "n": [10, 2, 6], "reached": [4, 0, 3],
                          "share": [0.4, 0.0, 0.5], "ci_low": [0.17, 0.0, 0.19], "ci_high": [0.69, 0.66, 0.81],
                          "small": [False, True, False], "versus": ["others"] * 3, "diff": [0.1, -0.4, 0.2],
                          "adjusted": [0.4, 0.1, 0.5], "adjusted_cover": [1.0, 1.0, 1.0]})
    curves = pd.DataFrame({"group": ["A"], "month": [1], "share": [0.1]})
    at_risk = pd.DataFrame({"group": ["A"], "month": [1], "at_risk": [10]})
    groups = [{"group": g, "n": n, "reached": r, "time_to": {"months": [1]}}
              for g, n, r in zip(table["group"], table["n"], table["reached"])]
    result = {"table": table, "curves": curves, "at_risk": at_risk, "groups": groups, "versus": "others"}
    values = {group_cell("site", g, "n"): n for g, n in zip(table["group"], table["n"])}
    values.update({group_cell("site", g, "reached", "training"): r for g, r in zip(table["group"], table["reached"])})
    pub = held(values, {group_cell("site", "B", "n"), group_cell("site", None, "n")})
    shown = publish.comparison(MINISTRY, result, "standort", "training", pub)
    assert list(shown["table"]["n"]) == [10, None, None]
    assert list(shown["table"]["reached"]) == [4, 0, 3]
    assert list(shown["table"]["share"]) == [0.4, None, None]
    assert list(shown["table"]["adjusted"]) == [None, None, None]     # standardised over hidden groups too
    assert shown["curves"].empty and shown["at_risk"].empty            # the publication holds no curves
    assert [g["time_to"] for g in shown["groups"]] == [None, None, None]
    assert shown["groups"][1]["hidden"][:2] == ["n", "share"]
    with pytest.raises(AccessError):       # typed groups: not in the publication
        publish.comparison(MINISTRY, result, None, "training", pub)
    with pytest.raises(AccessError):       # a status it does not hold
        publish.comparison(MINISTRY, result, "site", "coaching", pub)
    assert publish.comparison(LEAD, result, None, "training") is result


def stats(n):
    return {"n": n, "mean_days": 100.0, "median_days": 90.0, "p25_days": 50.0, "p75_days": 120.0,
            "min_days": 10.0, "max_days": 300.0}


def test_the_funnel_hides_what_the_publication_hides_and_no_share_from_it():
    result = {
        "entered": 10, "supported": 8, "reached_any": 4, "reached": {"training": 3, "employment": 1},
        "stages": [{"stage": "entered", "status": None, "n": 10, "share": 1.0},
                   {"stage": "supported", "status": None, "n": 8, "share": 0.8},
                   {"stage": "reached_any", "status": None, "n": 4, "share": 0.4},
                   {"stage": "reached", "status": "training", "n": 3, "share": 0.3},
                   {"stage": "reached", "status": "employment", "n": 1, "share": 0.1}],
        "exit_reasons": {"completed": 2, "dropped_out": 0, "moved": 0, "other": 0, "unknown": 0},
        "left": 2, "in_program": 8, "length_of_stay": {"left": stats(2), "ongoing": stats(8)}}
    values = {funnel_cell("entered"): 10, funnel_cell("supported"): 8, funnel_cell("reached_any"): 4,
              funnel_cell("reached", "training"): 3, funnel_cell("reached", "employment"): 1,
              funnel_cell("exit", "completed"): 2, funnel_cell("left"): 2, funnel_cell("stay_left"): 2,
              funnel_cell("ongoing"): 8, funnel_cell("in_program"): 8,
              **{funnel_cell("exit", r): 0 for r in ("dropped_out", "moved", "other", "unknown")}}
    pub = held(values, {funnel_cell("reached", "employment"), funnel_cell("reached", "training"),
                        funnel_cell("exit", "completed"), funnel_cell("left"), funnel_cell("stay_left"),
                        funnel_cell("ongoing"), funnel_cell("in_program")})
    shown = publish.funnel(MINISTRY, result, pub)
    assert [(s["n"], s["share"]) for s in shown["stages"]] == [(10, 1.0), (8, 0.8), (4, 0.4), (None, None),
                                                                (None, None)]
    assert shown["exit_reasons"] == {"completed": None, "dropped_out": 0, "moved": 0, "other": 0, "unknown": 0}
    assert shown["left"] is None and shown["in_program"] is None
    assert set(shown["length_of_stay"]["left"].values()) == {None}
    assert set(shown["length_of_stay"]["ongoing"].values()) == {None}
    assert publish.funnel(EVALUATOR, result) is result


def test_the_data_quality_counts_and_their_share():
    frame = pd.DataFrame({"program_id": ["kassel", "kassel"], "attribute": ["gender", "site"],
                          "participants": [8, 8], "missing": [2, 0], "share_missing": [0.25, 0.0]})
    pub = held({quality_cell("kassel", a, c): v for a, c, v in (
        ("gender", "participants", 8), ("gender", "missing", 2), ("site", "participants", 8), ("site", "missing", 0))},
        {quality_cell("kassel", "gender", "missing")})
    shown = publish.quality(MINISTRY, frame, pub)
    assert list(shown["missing"]) == [None, 0] and list(shown["share_missing"]) == [None, 0.0]
    assert list(shown["participants"]) == [8, 8]
    assert publish.quality(ADMIN, frame) is frame


def test_rows_naming_participants_or_files_only_for_those_who_may_export_them():
    frame = pd.DataFrame({"program_id": ["kassel", "tara", None], "participant_id": ["K-1", "T-1", "?"]})
    assert list(publish.rows(ADMIN, frame)["participant_id"]) == ["K-1", "T-1", "?"]
    assert list(publish.rows(LEAD, frame)["participant_id"]) == ["K-1"]
    assert publish.rows(EVALUATOR, frame).empty and publish.rows(MINISTRY, frame).empty
    assert list(publish.rows(MINISTRY, frame).columns) == ["program_id", "participant_id"]
