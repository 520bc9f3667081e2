"""Counts and rates on tiny stores: every expected number is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pipelines import metrics
from pipelines.metrics import Scope
from pipelines.text.metrics import problem_text
from tests.helpers.stores import add_episode, add_participant, add_program, add_status, build

ALL = Scope()
P1 = Scope(("p1",))


# ------------------------------------------------------------------------------ entered, in_program

def test_entered_counts_entry_dates_in_the_closed_window(con):
    build(con, [("a", "2019-01-01"), ("b", "2019-06-30"), ("c", "2019-07-01"), ("d", "2018-12-31")])
    assert metrics.entered(con, ALL, "2019-01-01", "2019-06-30") == 2      # a, b (both edges)
    assert metrics.entered(con, ALL, None, "2019-06-30") == 3              # open start: a, b, d
    assert metrics.entered(con, ALL, "2019-01-01", None) == 3              # open end: a, b, c
    assert metrics.entered(con, ALL, dt.date(2019, 7, 2), dt.date(2019, 12, 31)) == 0


def test_in_program_counts_exit_on_the_day_but_not_before(con):
    build(con, [
        ("a", "2019-01-01", "2019-06-30"),  # exits on d: still in the program on d
        ("b", "2019-01-01", "2019-06-29"),  # exited before d
        ("c", "2019-06-30"),                # enters on d
        ("d", "2019-07-01"),                # not yet entered
        ("e", "2018-01-01"),                # open
    ])
    assert metrics.in_program(con, ALL, "2019-06-30") == 3                 # a, c, e


# ------------------------------------------------------------------------------ active

@pytest.fixture
def episodes_store(con):
    build(con, [("a", "2019-01-01"), ("b", "2019-01-01"), ("c", "2019-01-01"), ("d", "2019-01-01"),
                ("e", "2019-01-01"), ("f", "2019-01-01"), ("g", "2019-01-01")], [
        ("a", "coaching", "2019-08-31"),                 # starts on the as-of date: active
        ("b", "coaching", "2019-01-01", "2019-08-31"),   # ends on the as-of date: not active
        ("c", "coaching", "2019-01-01"),                 # open: active
        ("d", "coaching", "2019-01-01", "2019-09-01"),   # ends the day after: active
        ("e", "coaching", "2019-09-01"),                 # starts the day after: not active
        ("f", "qualification", "2019-08-31", "2019-09-01"),  # one-day event [d, d+1): active on d
        ("g", "qualification", "2019-08-31", "2019-08-31"),  # one-day event stored as end = start
    ])
    return con


def test_active_on_a_date(episodes_store):
    con = episodes_store
    assert metrics.active(con, ALL, "coaching", "2019-08-31") == 3           # a, c, d
    assert metrics.active(con, ALL, "coaching", "2019-09-01") == 3           # a, c, e
    assert metrics.active(con, ALL, "qualification", "2019-08-31") == 2      # f, g on their day
    assert metrics.active(con, ALL, "qualification", "2019-09-01") == 0
    assert metrics.active(con, ALL, ["coaching", "qualification"], "2019-08-31") == 5


def test_overlapping_episodes_of_one_participant_count_once(con):
    build(con, [("a", "2019-01-01")], [("a", "coaching", "2019-01-01"), ("a", "coaching", "2019-03-01"),
                                       ("a", "training", "2019-02-01")])
    assert metrics.active(con, ALL, "coaching", "2019-04-01") == 1
    assert metrics.active(con, ALL, ["coaching", "training"], "2019-04-01") == 1


# ------------------------------------------------------------------------------ reached

def test_reached_counts_each_participant_once_and_only_starts_in_the_window(con):
    build(con, [("a", "2018-01-01"), ("b", "2018-01-01"), ("c", "2018-01-01"), ("d", "2018-01-01")], [
        ("a", "training", "2019-02-01", "2019-05-31"),   # re-entry: two training episodes
        ("a", "training", "2019-09-01"),
        ("b", "training", "2018-06-01"),                 # started before the window, still running
        ("c", "employment", "2019-03-01"),
        # d has no episode at all
    ])
    assert metrics.reached(con, ALL, "training", "2019-01-01", "2019-12-31") == 1         # a once
    assert metrics.reached(con, ALL, "training", None, "2019-12-31") == 2                 # a, b
    assert metrics.reached(con, ALL, ["training", "employment"], "2019-01-01", "2019-12-31") == 2  # a, c
    assert metrics.reached(con, ALL, "training", "2019-02-01", "2019-02-01") == 1         # start on the edge
    assert metrics.reached(con, ALL, "education", None, None) == 0


def test_a_status_of_the_program_vocabulary_is_accepted_and_an_unknown_one_refused(con):
    build(con, [("a", "2019-01-01")], [("a", "minijob", "2019-02-01")])
    add_status(con, "minijob", "outcome")
    assert metrics.reached(con, P1, "minijob", None, None) == 1
    assert metrics.vocabulary(con, ["p1"])["minijob"] == "outcome"
    assert list(metrics.vocabulary(con))[:2] == ["coaching", "mentoring"]  # built-ins first
    with pytest.raises(ValueError) as caught:
        metrics.reached(con, P1, "trainig", None, None)
    assert problem_text(caught.value.problems[0], "en").startswith("Unknown status 'trainig' (known: coaching, ")


# ------------------------------------------------------------------------------ upon leaving

def test_upon_leaving_window_is_exit_day_through_day_28(con):
    # Everyone leaves on 2020-03-02 (a Monday); day 28 is 2020-03-30, day 29 2020-03-31.
    exit_ = "2020-03-02"
    build(con, [(pid, "2019-01-01", exit_) for pid in "abcdefg"] + [("h", "2019-01-01", "2020-04-01"),
                                                                   ("i", "2019-01-01")], [
        ("a", "employment", "2020-03-30"),               # starts on day 28: counts
        ("b", "employment", "2020-03-31"),               # starts on day 29: does not
        ("c", "employment", "2020-03-02"),               # starts on the exit day (day 0): counts
        ("d", "employment", "2019-06-01", "2020-03-02"),  # ends on the exit day: not active then
        ("e", "employment", "2019-06-01", "2020-03-03"),  # still active on day 0: counts
        ("f", "employment", "2019-06-01"),               # open, started long before: counts
        # g: no episode
        ("h", "employment", "2020-04-01"),               # left outside the period
        ("i", "employment", "2020-03-05"),               # never left
    ])
    rate = metrics.upon_leaving(con, ALL, "employment", "2020-01-01", "2020-03-31")
    assert (rate.k, rate.n) == (4, 7)                    # a, c, e, f of a–g
    assert rate.share == pytest.approx(4 / 7)
    assert not rate.small


def test_upon_leaving_period_edges_and_exit_exactly_28_days_before_the_window_edge(con):
    # The period ends 2020-12-31; b left 28 days before it, her job starts on the period's
    # last day (= day 28 after exit): she counts. c left on the last day of the period.
    build(con, [("a", "2020-01-01", "2021-01-01"), ("b", "2020-01-01", "2020-12-03"),
                ("c", "2020-01-01", "2020-12-31"), ("d", "2020-01-01", "2020-01-01")], [
        ("a", "training", "2021-01-01"),
        ("b", "training", "2020-12-31"),
        ("c", "training", "2021-01-28"),                 # day 28 after c's exit: counts
        ("d", "training", "2020-01-29"),                 # day 28 after d's exit (exit on the first day)
    ])
    rate = metrics.upon_leaving(con, ALL, "training", "2020-01-01", "2020-12-31")
    assert (rate.k, rate.n) == (3, 3)                    # b, c, d; a left after the period


def test_six_months_after_uses_calendar_months_clamped_at_month_end(con):
    build(con, [("a", "2018-01-01", "2019-08-31"), ("b", "2018-01-01", "2019-08-31"),
                ("c", "2018-01-01", "2019-08-31"), ("d", "2018-01-01", "2018-08-31"),
                ("e", "2018-01-01", "2019-08-30")], [
        ("a", "employment", "2020-02-29"),                # 31 Aug 2019 + 6 months = 29 Feb 2020 (leap)
        ("b", "employment", "2019-10-01", "2020-02-29"),  # ends on that day: not active
        ("c", "employment", "2020-03-01"),                # a day late
        ("d", "employment", "2019-02-28", "2019-03-01"),  # 31 Aug 2018 + 6 months = 28 Feb 2019
        ("e", "employment", "2020-02-29"),                # 30 Aug + 6 months = 29 Feb as well
    ])
    rate = metrics.six_months_after(con, ALL, "employment", None, None)
    assert (rate.k, rate.n) == (3, 5)                    # a, d, e
    assert metrics.six_months_after(con, ALL, "employment", "2019-01-01", "2019-12-31").k == 2  # a, e


def test_leaving_results_on_counts_every_status_and_any_in_one_pass(con):
    # Leavers: a, b, c on 2020-03-02 (follow-up day 2020-09-02), d on 2020-06-30 (2020-12-30); e stays.
    build(con, [("a", "2019-01-01", "2020-03-02"), ("b", "2019-01-01", "2020-03-02"),
                ("c", "2019-01-01", "2020-03-02"), ("d", "2019-01-01", "2020-06-30"), ("e", "2019-01-01")], [
        ("a", "training", "2020-03-10"),                 # training upon leaving and six months on
        ("a", "employment", "2020-03-20", "2020-05-01"),  # employment upon leaving only
        ("b", "employment", "2020-03-02"),               # employment: both
        ("b", "employment", "2020-04-01"),               # a second episode: b still counts once
        ("c", "training", "2020-05-01"),                 # day 60: neither upon leaving; six months on
        ("d", "training", "2020-07-01", "2020-08-01"),   # training upon leaving only
        ("e", "employment", "2020-03-05"),               # never left
    ])
    days = ["2020-03-31", None]
    training, employment, either = metrics.leaving_results_on(
        con, ALL, ["training", "employment", ["training", "employment"]], "2020-01-01", days)
    # (leavers, upon leaving, six months after) up to 31.03.2020 (a, b, c) and open-ended (a–d)
    assert training == [(3, 1, 2), (4, 2, 2)]            # upon: a (+ d); six: a, c
    assert employment == [(3, 2, 1), (4, 2, 1)]          # upon: a, b; six: b
    assert either == [(3, 2, 3), (4, 3, 3)]              # upon: a, b (+ d) once each; six: a, b, c
    # the same numbers as one status at a time
    for status, counted in (("training", training), ("employment", employment)):
        assert metrics.leaving_on(con, ALL, status, "2020-01-01", days) == counted
    assert metrics.leaving_on(con, ALL, ["training", "employment"], "2020-01-01", days) == either


def test_leaving_results_on_refuses_an_unknown_status(con):
    build(con, [("a", "2019-01-01", "2020-03-02")])
    with pytest.raises(metrics.ProblemError):
        metrics.leaving_results_on(con, ALL, ["training", ["employment", "astronaut"]], None, [None])


def test_leavers(con):
    build(con, [("a", "2019-01-01", "2019-05-01"), ("b", "2019-01-01"), ("c", "2019-01-01", "2020-05-01")])
    assert metrics.leavers(con, ALL, "2019-01-01", "2019-12-31") == 1


def test_share_reached_of_the_entrants(con):
    build(con, [("a", "2019-01-01"), ("b", "2019-02-01"), ("c", "2019-03-01"), ("d", "2020-01-01")], [
        ("a", "training", "2019-06-01"),
        ("b", "training", "2020-02-01"),    # after b: not by the end of 2019
        ("d", "training", "2020-01-02"),    # d entered after the window
    ])
    rate = metrics.share_reached(con, ALL, "training", "2019-01-01", "2019-12-31")
    assert (rate.k, rate.n) == (1, 3)
    # per entry year: 2019 as above; 2020 — d entered and started training the day after
    by_year = metrics.share_reached(con, ALL, "training", None, "2020-12-31", by="entry_year")
    assert {year: (r.k, r.n) for year, r in by_year.items()} == {2019: (2, 3), 2020: (1, 1)}


# ------------------------------------------------------------------------------ funnel

def test_funnel_stages_exit_reasons_and_length_of_stay(con):
    build(con, [
        ("a", "2019-01-01", "2019-04-11", {"exit_reason": "completed"}),   # 100 days
        ("b", "2019-01-01", "2019-07-20", {"exit_reason": "dropped_out"}),  # 200 days
        ("c", "2019-01-01"),                                                # ongoing: 364 days
        ("d", "2019-06-01", "2020-03-01", {"exit_reason": "moved"}),        # leaves after as-of
        ("e", "2020-01-01"),                                                # enters after as-of
    ], [
        ("a", "coaching", "2019-01-01", "2019-04-11"), ("a", "training", "2019-04-01"),
        ("b", "coaching", "2019-01-01"), ("b", "employment", "2019-07-01"), ("b", "training", "2019-12-31"),
        ("c", "language_course", "2019-02-01"),
        ("d", "employment", "2020-01-15"),               # after as-of
        ("e", "coaching", "2020-01-01"),
    ])
    result = metrics.funnel(con, ALL, "2019-12-31")
    assert (result["entered"], result["supported"], result["reached_any"]) == (4, 3, 2)
    assert result["reached"] == {"training": 2, "employment": 1, "qualification": 0, "education": 0}
    assert result["exit_reasons"] == {"completed": 1, "dropped_out": 1, "moved": 0, "other": 0, "unknown": 0}
    assert (result["left"], result["in_program"]) == (2, 2)
    left = result["length_of_stay"]["left"]
    assert (left["n"], left["mean_days"], left["median_days"], left["min_days"], left["max_days"]) == (2, 150, 150, 100, 200)
    ongoing = result["length_of_stay"]["ongoing"]
    assert (ongoing["n"], ongoing["median_days"]) == (2, (364 + 213) / 2)   # c: 364, d: 213 days
    assert result["stages"][0] == {"stage": "entered", "status": None, "n": 4, "share": 1.0}
    assert json.dumps(result)


def test_funnel_uses_the_program_category_of_an_added_status(con):
    build(con, [("a", "2019-01-01")], [("a", "minijob", "2019-02-01")])
    add_status(con, "minijob", "outcome")
    result = metrics.funnel(con, P1, "2019-12-31")
    assert result["reached_any"] == 1 and result["reached"]["minijob"] == 1


# ------------------------------------------------------------------------------ status summary

def test_status_summary_counts_from_the_program_start(con):
    # The DESIGN.md sentence, shrunk: program from 1 Jan 2018, as of 31 Aug 2020.
    build(con, [
        ("a", "2018-02-01"), ("b", "2018-03-01", "2020-05-31"), ("c", "2019-05-01"),
        ("early", "2017-12-01"),                         # entered before the program started
        ("late", "2020-09-01"),
    ], [
        ("a", "coaching", "2018-02-01"), ("a", "training", "2019-09-01"),
        ("b", "coaching", "2018-03-01", "2020-05-31"), ("b", "employment", "2020-06-01"),
        ("c", "coaching", "2019-05-01", "2020-08-31"),   # ends on as-of: not active
        ("early", "training", "2017-12-15"),              # started before the program: not reached
    ], start="2018-01-01")
    add_program(con, "other")
    add_participant(con, "z", "2019-01-01", program="other")
    add_episode(con, "z", "coaching", "2019-01-01", program="other")
    summary = metrics.status_summary(con, "p1", "2020-08-31")
    assert summary["program"] == "p1" and summary["as_of"] == "2020-08-31"
    assert summary["entered"] == 3                       # a, b, c
    assert summary["in_program"] == 3                    # a, c, early
    assert summary["active"]["coaching"] == 1            # a
    assert summary["active"]["training"] == 2            # a, early
    assert summary["reached"]["training"] == 1           # a
    assert summary["reached"]["employment"] == 1         # b, after leaving
    assert summary["reached"]["coaching"] == 3
    assert set(summary["active"]) == set(metrics.vocabulary(con, ["p1"]))
    for status in summary["active"]:
        assert summary["active"][status] == metrics.active(con, P1, status, "2020-08-31")
        assert summary["reached"][status] == metrics.reached(con, P1, status, "2018-01-01", "2020-08-31")
    with pytest.raises(ValueError, match="unknown program"):
        metrics.status_summary(con, "nope", "2020-08-31")


# ------------------------------------------------------------------------------ by group

def test_counts_by_group_answer_each_group_in_one_query(con):
    build(con, [
        ("a", "2019-01-10", None, {"site": "Nord", "cohort": "1"}),
        ("b", "2019-02-10", "2019-06-30", {"site": "Nord", "cohort": "2"}),
        ("c", "2019-03-10", None, {"site": "Süd", "cohort": "1"}),
        ("d", "2020-01-10", None, {"site": "Süd", "cohort": "1"}),
    ], [("a", "training", "2019-08-01"), ("c", "training", "2019-09-01"), ("c", "training", "2020-02-01"),
        ("d", "coaching", "2020-01-10")])
    everyone = Scope(("p1",))
    # entered in 2019: Nord a, b; Süd c — d entered in 2020
    assert metrics.entered(con, everyone, "2019-01-01", "2019-12-31", by="site") == {"Nord": 2, "Süd": 1}
    assert metrics.entered(con, everyone, "2019-01-01", "2019-12-31", by=("site", "cohort")) == {
        ("Nord", "1"): 1, ("Nord", "2"): 1, ("Süd", "1"): 1}
    # in the program on 01.07.2019: a and c (b left on 30.06.2019)
    assert metrics.in_program(con, everyone, "2019-07-01", by="site") == {"Nord": 1, "Süd": 1}
    # training started in 2019–2020: a (Nord) and c (Süd, twice, counted once); nobody in cohort 2
    assert metrics.reached(con, everyone, "training", "2019-01-01", "2020-12-31", by="cohort") == {"1": 2}
    assert metrics.active(con, everyone, "coaching", "2020-01-10", by="site") == {"Süd": 1}
    # each group's count equals the ungrouped count narrowed to the group
    for site, n in metrics.entered(con, everyone, None, None, by="site").items():
        assert n == metrics.entered(con, everyone.narrow(site=site), None, None)


# ------------------------------------------------------------------------------ support ends at exit

@pytest.fixture
def exit_store(con):
    # DESIGN.md "episode": a support episode without an end closes at the participant's exit (she is
    # in coaching until her exit day, inclusive, and not after); an outcome episode goes on.
    build(con, [
        ("a", "2019-01-01", "2019-06-30"),   # leaves on 30.06.2019, coaching open in the sheet
        ("b", "2019-01-01", "2019-06-30"),   # same, with training open from 01.06.2019
        ("c", "2019-01-01"),                 # stays: coaching open
        ("d", "2019-01-01", "2019-06-30"),   # coaching with an explicit end after exit: kept as written
        ("e", "2019-01-01", "2019-03-31"),   # coaching starts after her exit without an end: never active
    ], [
        ("a", "coaching", "2019-01-01"),
        ("b", "coaching", "2019-01-01"), ("b", "training", "2019-06-01"),
        ("c", "coaching", "2019-01-01"),
        ("d", "coaching", "2019-01-01", "2019-07-15"),
        ("e", "coaching", "2019-04-01"),
    ])
    return con


def test_support_without_end_closes_on_the_exit_day_and_outcomes_go_on(exit_store):
    con = exit_store
    # 30.06.2019, the exit day: a, b, c, d in coaching (e: started after her exit); 4 in the program
    assert metrics.active(con, ALL, "coaching", "2019-06-30") == 4
    assert metrics.in_program(con, ALL, "2019-06-30") == 4               # a, b, c, d (exit day counts)
    # 01.07.2019: a and b have left, their open coaching ended with the exit day; d's written end
    # (15.07.) is kept; c stays
    assert metrics.active(con, ALL, "coaching", "2019-07-01") == 2       # c, d
    assert metrics.in_program(con, ALL, "2019-07-01") == 1               # c
    assert metrics.active(con, ALL, "coaching", "2019-04-15") == 4       # a, b, c, d — not e (left 31.03.)
    # training is an outcome: b is still in training after her exit
    assert metrics.active(con, ALL, "training", "2020-01-01") == 1
    summary = metrics.status_summary(con, "p1", "2019-07-01")
    assert (summary["active"]["coaching"], summary["active"]["training"], summary["in_program"]) == (2, 1, 1)
    assert summary["reached"]["coaching"] == 5                           # every start counts as reached
    # the monthly level follows the same rule: end of April a, b, c, d; June (30.06.) the same;
    # end of July only c (d's coaching ended 15.07.)
    series = metrics.monthly_series(con, ALL, "active", "coaching", "2019-04-01", "2019-07-31")
    assert list(series["cumulative"]) == [4, 4, 4, 1]
    for end, value in zip(series["month_end"], series["cumulative"]):
        assert value == metrics.active(con, ALL, "coaching", end.date())


def test_coaching_after_exit_counts_upon_leaving_only_on_the_exit_day(exit_store):
    # Leavers in 2019: a, b, d (30.06.), e (31.03.). Coaching within 28 days after exit: a, b on the
    # exit day, d until 14.07.; e never (her coaching is never active). Six months after: nobody.
    rate = metrics.upon_leaving(exit_store, ALL, "coaching", "2019-01-01", "2019-12-31")
    assert (rate.k, rate.n) == (3, 4)
    assert metrics.six_months_after(exit_store, ALL, "coaching", None, None).k == 0
    # training (an outcome) goes on: b is in training six months after her exit
    assert metrics.six_months_after(exit_store, ALL, "training", None, None).k == 1
