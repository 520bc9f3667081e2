"""Publication-safe figures for the ministry (pipelines.access.publish), hand-counted: small counts
hidden, a neighbour hidden where a sum would give them away, no share from a hidden count, zero shown;
every other role sees the figures unchanged."""

from __future__ import annotations

import pandas as pd

from pipelines.access import Person, publish

MINISTRY = Person("hessen", "ministry", ("kassel",), "Hessisches Ministerium")
LEAD = Person("kassel", "lead", ("kassel",))
EVALUATOR = Person("eva", "evaluator", ("kassel", "tara"))
ADMIN = Person("admin", "admin")


def test_a_cumulative_series_hides_a_step_of_one_and_the_month_it_could_be_worked_out_from():
    # cumulative 0, 5, 6, 10, 10, 13: the steps are 5, 1, 4, 0, 3. The step of 1 (month 3) is hidden,
    # and so is month 2's value (5): else 6 - 5 = 1. Month 2's own step (5 = cum 2 - cum 1) is then
    # hidden too, and 0 → * → 6 leaves both unknowns free (any a ≥ 1 with a + b = 6).
    cumulative = [0, 5, 6, 10, 10, 13]
    assert publish.series(MINISTRY, cumulative) == [0, None, 6, 10, 10, 13]
    assert publish.series(LEAD, cumulative) == cumulative


def test_a_series_of_small_values_keeps_its_zeros():
    assert publish.series(MINISTRY, [0, 0, 2, 2, 7]) == [0, 0, None, None, 7]


def test_monthly_counts_add_up_to_a_known_total_so_a_hidden_month_gets_a_hidden_neighbour():
    frame = pd.DataFrame({"month": ["2020-01", "2020-02", "2020-03", "2020-04"] * 2,
                          "series": ["entered"] * 4 + ["training"] * 4,
                          "count": [4, 1, 0, 5, 3, 3, 0, 6]})
    shown = publish.monthly(MINISTRY, frame)
    # entered: the 1 is hidden, and the smallest other month (4): 10 - 5 - 0 leaves 1 + 4 unknown
    assert list(shown["count"]) == [None, None, 0, 5, 3, 3, 0, 6]
    assert publish.monthly(EVALUATOR, frame) is frame


def test_a_comparison_by_one_attribute_hides_a_second_group_and_every_share_from_a_hidden_count():
    table = pd.DataFrame({"group": ["Kassel", "Köln", None], "n": [10, 2, 6], "reached": [4, 0, 3],
                          "share": [0.4, 0.0, 0.5], "ci_low": [0.17, 0.0, 0.19], "ci_high": [0.69, 0.66, 0.81],
                          "small": [False, True, False]})
    curves = pd.DataFrame({"group": ["Kassel", "Köln", None], "month": [1, 1, 1], "share": [0.1, 0.0, 0.2]})
    groups = [{"group": g, "n": n, "reached": r, "share": s, "ci_low": 0, "ci_high": 1, "small": False,
               "time_to": {"months": [1], "share": [0.1]}}
              for g, n, r, s in zip(table["group"], table["n"], table["reached"], table["share"])]
    result = {"table": table, "curves": curves, "groups": groups}
    shown = publish.comparison(MINISTRY, result, partition=True)
    # n: the 2 is hidden; the groups add up to 18 (the tiles), so one more: the smaller other one (6)
    assert list(shown["table"]["n"]) == [10, None, None]
    assert list(shown["table"]["reached"]) == [4, 0, 3]          # 0 stays, 4 and 3 are not small
    assert list(shown["table"]["share"]) == [0.4, None, None]
    assert list(shown["table"]["ci_low"]) == [0.17, None, None]
    assert list(shown["curves"]["group"]) == ["Kassel"]
    assert [g["time_to"] for g in shown["groups"]][1:] == [None, None]
    # typed groups may overlap: no sum to protect, only the small n
    typed = publish.comparison(MINISTRY, result, partition=False)
    assert list(typed["table"]["n"]) == [10, None, 6]
    assert publish.comparison(LEAD, result, partition=True) is result


def stats(n):
    return {"n": n, "mean_days": 100.0, "median_days": 90.0, "p25_days": 50.0, "p75_days": 120.0,
            "min_days": 10.0, "max_days": 300.0}


def test_the_funnel_hides_exit_reasons_that_add_up_to_the_leavers_and_shares_from_hidden_counts():
    result = {
        "entered": 10, "supported": 8, "reached_any": 4, "reached": {"training": 3, "employment": 1},
        "stages": [{"stage": "entered", "status": None, "n": 10, "share": 1.0},
                   {"stage": "supported", "status": None, "n": 8, "share": 0.8},
                   {"stage": "reached_any", "status": None, "n": 4, "share": 0.4},
                   {"stage": "reached", "status": "training", "n": 3, "share": 0.3},
                   {"stage": "reached", "status": "employment", "n": 1, "share": 0.1}],
        "exit_reasons": {"completed": 3, "dropped_out": 1, "moved": 0, "other": 0, "unknown": 0},
        "left": 4, "in_program": 6, "length_of_stay": {"left": stats(4), "ongoing": stats(6)}}
    shown = publish.funnel(MINISTRY, result)
    # 1 dropped out is hidden; 3 + * = 4 leavers would give it away: 'completed' is hidden too
    assert shown["exit_reasons"] == {"completed": None, "dropped_out": None, "moved": 0, "other": 0, "unknown": 0}
    assert shown["left"] == 4
    assert [(s["n"], s["share"]) for s in shown["stages"]] == [(10, 1.0), (8, 0.8), (4, 0.4), (3, 0.3), (None, None)]
    assert shown["reached"] == {"training": 3, "employment": None}
    assert shown["length_of_stay"] == result["length_of_stay"]
    two_left = {**result, "exit_reasons": {"completed": 2, "dropped_out": 0, "moved": 0, "other": 0, "unknown": 0},
                "left": 2, "in_program": 8, "length_of_stay": {"left": stats(2), "ongoing": stats(8)}}
    shown = publish.funnel(MINISTRY, two_left)
    # 2 leavers: hidden with their reasons and their length of stay; 10 = * + 8 → the 8 is hidden too
    assert shown["left"] is None and shown["exit_reasons"]["completed"] is None
    assert set(shown["length_of_stay"]["left"].values()) == {None}
    assert set(shown["length_of_stay"]["ongoing"].values()) == {None}
    assert publish.funnel(EVALUATOR, result) is result


def card(measure="reached", achieved=2, **more):
    return {"program": "kassel", "id": "k-1", "measure": measure, "achieved": achieved, "target": 50,
            "attainment": achieved / 50, "state": "at_risk", "expected": 20.0, "forecast": 30.0,
            "needed_per_month": 1.5, "probability": 0.2, **more}


def test_a_target_card_with_a_small_count_keeps_its_line_but_nothing_computed_from_the_count():
    """Nor its state, as in the report: "at risk" beside a hidden 1 or 2 would say on which side of the
    expected value it lies (the state was shown until the report and the pages were made to agree)."""
    hidden = publish.card(MINISTRY, card(achieved=2))
    assert {k: hidden[k] for k in ("achieved", "attainment", "forecast", "needed_per_month", "probability",
                                   "state")} == \
        dict.fromkeys(("achieved", "attainment", "forecast", "needed_per_month", "probability", "state"))
    assert (hidden["expected"], hidden["target"], hidden["suppressed"]) == (20.0, 50, True)
    assert publish.card(MINISTRY, card(achieved=0))["attainment"] == 0.0      # zero stays
    assert publish.card(LEAD, card(achieved=2))["achieved"] == 2


def test_a_share_target_is_hidden_when_a_count_behind_it_is_small():
    result = {"summary": {"entered": 5, "in_program": 4, "active": {}, "reached": {}},
              "tiles": [{"key": "entered", "kind": "entered", "status": None, "value": 5}],
              "targets": [card("share", 50.0)]}
    assert publish.overview(MINISTRY, result, {("kassel", "k-1"): (1, 2)})["targets"][0]["achieved"] is None
    assert publish.overview(MINISTRY, result, {("kassel", "k-1"): (3, 6)})["targets"][0]["achieved"] == 50.0


def test_rows_naming_participants_or_files_only_for_those_who_may_export_them():
    frame = pd.DataFrame({"program_id": ["kassel", "tara", None], "participant_id": ["K-1", "T-1", "?"]})
    assert list(publish.rows(ADMIN, frame)["participant_id"]) == ["K-1", "T-1", "?"]
    assert list(publish.rows(LEAD, frame)["participant_id"]) == ["K-1"]
    assert publish.rows(EVALUATOR, frame).empty and publish.rows(MINISTRY, frame).empty
    assert list(publish.rows(MINISTRY, frame).columns) == ["program_id", "participant_id"]
