"""Targets on a date: states, expectation, forecast window, forecast and probability."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from pipelines import dates
from pipelines import targets
from pipelines import text
from pipelines.text.targets import chance_text
from tests.helpers.stores import D, add_episode, add_participant, build
from tests.helpers.targets import one, store, table


# ------------------------------------------------------------------------------ evaluation

def reach_training(con, n, start="2020-01-01", step_days=0, prefix="x"):
    for i in range(n):
        pid = f"{prefix}{i}"
        day = (D(start) + dt.timedelta(days=i * step_days)).isoformat()
        add_participant(con, pid, "2019-06-01")
        add_episode(con, pid, "training", day)


def test_37_of_a_50_target_is_an_attainment_of_074(con):
    build(con, [])
    reach_training(con, 37, "2020-01-15", step_days=3)
    store(con, table(at_least=50))
    card = one(con, "2020-12-31")
    assert (card["achieved"], card["target"], card["attainment"]) == (37, 50, 0.74)
    assert card["state"] == "missed" and text.say(f"state.{card['state']}", "de") == "verfehlt"


def test_not_started_before_the_period(con):
    build(con, [])
    reach_training(con, 3, "2019-10-01")
    store(con, table(at_least=24))
    card = one(con, "2019-12-31")
    assert (card["state"], text.say(f"state.{card['state']}", "en"), card["achieved"], card["expected"]) == (
        "not_started", "not started", 0, 0.0)
    assert card["forecast"] is None and card["probability"] is None
    assert card["needed_per_month"] == pytest.approx(2.0)           # 24 over 12 months


def test_met_as_soon_as_a_count_reaches_the_target(con):
    build(con, [])
    reach_training(con, 20, "2020-02-01")
    store(con, table(at_least=20))
    card = one(con, "2020-03-01")
    assert (card["state"], card["probability"], card["needed_per_month"]) == ("met", 1.0, 0.0)


@pytest.fixture
def two_a_month(con):
    """12 training starts, two a month from January to June 2020 (the 10th and the 20th)."""
    build(con, [])
    for month in range(1, 7):
        for day, suffix in ((10, "a"), (20, "b")):
            pid = f"m{month}{suffix}"
            add_participant(con, pid, "2019-06-01")
            add_episode(con, pid, "training", dt.date(2020, month, day).isoformat())
    add_participant(con, "old", "2019-01-01")
    add_episode(con, "old", "training", "2019-11-01")                # before the period
    return con


def test_on_track_forecast_and_probability(two_a_month):
    con = two_a_month
    store(con, table(at_least=20))
    card = one(con, "2020-06-30")
    assert card["achieved"] == 12
    # expected: 20 × 182 / 366 days (1 Jan – 30 Jun 2020 of a leap year) = 9.945…
    assert card["expected"] == pytest.approx(20 * 182 / 366)
    assert card["state"] == "on_track"
    # window 1 Jan – 30 Jun = 6 months, 12 starts → 2 a month; 6 months remain → 12 + 12
    assert card["forecast_window_months"] == 6.0
    assert card["forecast"] == pytest.approx(24.0)
    assert card["needed_per_month"] == pytest.approx(8 / 6)
    # the rate is uncertain: 12 events in 6 months → Gamma(12.5, 6); 6 months to come → N is
    # negative binomial, shape 12.5, p = 6 / (6 + 6) = 0.5. P(N <= 7) = 0.5^12.5 · Σ t_n with
    # t_0 = 1, t_n = t_{n-1} · (n - 1 + 12.5) / n · 0.5: 1 + 6.25 + 21.09375 + 50.97656 + 98.76709
    # + 162.96570 + 237.65832 + 314.04493 = 892.75635; 0.5^12.5 = 1.726334e-4 → 0.154120
    assert card["probability"] == pytest.approx(1 - 892.75635 * 2 ** -12.5, abs=1e-6)
    assert card["probability"] == pytest.approx(0.845880, abs=1e-6)
    # the Poisson at the observed rate alone would claim 0.910 (P(Poisson(12) >= 8))
    assert card["probability"] < 1 - math.exp(-12) * 14567.28571428571
    scipy_stats = pytest.importorskip("scipy.stats")
    assert card["probability"] == pytest.approx(scipy_stats.nbinom.sf(7, 12.5, 0.5), rel=1e-12)
    assert json.dumps(card)


def test_at_risk_below_the_straight_line(two_a_month):
    store(two_a_month, table(at_least=30))
    card = one(two_a_month, "2020-06-30")
    assert card["expected"] == pytest.approx(30 * 182 / 366)        # 14.92 > 12
    assert card["state"] == "at_risk"
    assert card["attainment"] == pytest.approx(0.4)


def test_forecast_window_is_the_last_twelve_months_or_since_period_start(two_a_month):
    store(two_a_month, table(at_least=30))
    card = one(two_a_month, "2020-09-30")
    # window: twelve months back would be 1 Oct 2019, the period starts 1 Jan 2020 → 1 Jan – 30 Sep
    # = 9 months with 12 starts (Jan–Jun) → 4/3 a month; 3 months remain → 12 + 4
    assert card["forecast_window_months"] == 9.0
    assert card["forecast"] == pytest.approx(16.0)
    assert card["needed_per_month"] == pytest.approx(18 / 3)
    scipy_stats = pytest.importorskip("scipy.stats")
    # 12 events in 9 months, 3 to come, 18 needed: negative binomial shape 12.5, p = 9 / 12
    assert card["probability"] == pytest.approx(scipy_stats.nbinom.sf(17, 12.5, 0.75), rel=1e-9)


def test_forecast_window_starts_at_the_period_start_if_later(two_a_month):
    store(two_a_month, table(at_least=20, period={"start": D("2020-04-01"), "end": D("2020-12-31")}))
    card = one(two_a_month, "2020-06-15")
    # window 1 Apr – 15 Jun: 2 months + 15/30 of June; starts: Apr 2, May 2, 10 Jun = 5
    assert card["achieved"] == 5
    assert card["forecast_window_months"] == pytest.approx(2.5)
    # rate 2 a month; remaining 16 Jun – 31 Dec: 6 months to 16 Dec + 16 of 31 days to 16 Jan
    assert card["forecast"] == pytest.approx(5 + 2 * (6 + 16 / 31))


def test_missed_when_the_period_is_over(two_a_month):
    store(two_a_month, table(at_least=20))
    card = one(two_a_month, "2021-03-01")
    assert (card["state"], card["achieved"], card["probability"]) == ("missed", 12, 0.0)
    assert card["forecast"] == 12 and card["needed_per_month"] is None
    assert card["expected"] == 20.0


def test_at_most_states(two_a_month):
    con = two_a_month
    store(con, table(at_least=None, at_most=10))
    assert one(con, "2020-06-30")["state"] == "missed"               # 12 > 10: over the ceiling
    store(con, table(at_least=None, at_most=40))
    card = one(con, "2020-06-30")
    # line 40 × 182 / 366 = 19.9 ≥ 12 → on track; attainment = share of the ceiling used
    assert (card["state"], card["attainment"]) == ("on_track", 0.3)
    # 12 + N ≤ 40 ⇔ N ≤ 28, N negative binomial (shape 12.5, p = 0.5)
    scipy_stats = pytest.importorskip("scipy.stats")
    assert card["probability"] == pytest.approx(scipy_stats.nbinom.cdf(28, 12.5, 0.5), rel=1e-9)
    assert card["needed_per_month"] == pytest.approx(28 / 6)         # headroom per month
    store(con, table(at_least=None, at_most=14))
    assert one(con, "2020-06-30")["state"] == "at_risk"               # line 6.96 < 12 ≤ 14
    assert one(con, "2021-01-01")["state"] == "met"                   # period over, 12 ≤ 14
    assert one(con, "2019-12-01")["state"] == "not_started"


def test_milestones_make_the_expectation_piecewise_linear(con):
    build(con, [])
    store(con, table(milestones=[{"date": D("2020-03-31"), "value": 5}, {"date": D("2020-06-30"), "value": 15}]))
    row = targets.load_targets(con, "p1")[0]
    assert targets.expected_value(row, "2020-02-15") == pytest.approx(5 * 46 / 91)      # from 0 on 31 Dec
    assert targets.expected_value(row, "2020-05-15") == pytest.approx(5 + 10 * 45 / 91)
    assert targets.expected_value(row, "2020-09-30") == pytest.approx(15 + 5 * 92 / 184)  # to 20 on 31 Dec
    assert targets.expected_value(row, "2021-05-01") == 20.0
    assert one(con, "2020-05-15")["expected"] == pytest.approx(5 + 10 * 45 / 91)


def test_the_revision_in_force_on_the_date(two_a_month):
    store(two_a_month, table(at_least=50, revisions=[{"valid_from": D("2020-07-01"), "at_least": 12, "label": "gesenkt"}]))
    before = one(two_a_month, "2020-06-30")
    after = one(two_a_month, "2020-07-01")
    assert (before["target"], before["valid_from"], before["state"]) == (50, "2020-01-01", "at_risk")
    assert (after["target"], after["valid_from"], after["label"], after["state"]) == (12, "2020-07-01", "gesenkt", "met")
    assert one(two_a_month, "2019-01-01")["valid_from"] == "2020-01-01"   # before all: the first version


def test_each_measure_over_the_target_scope(con):
    build(con, [
        ("a", "2020-01-10", "2020-03-31", {"site": "Köln"}),
        ("b", "2020-02-10", "2020-04-30", {"site": "Köln"}),
        ("c", "2020-03-10", None, {"site": "Köln"}),
        ("d", "2020-03-10", "2020-03-31", {"site": "Bielefeld"}),
    ], [
        ("a", "employment", "2020-04-15"),                 # within 28 days of a's exit, and on 30 Sep
        ("b", "employment", "2020-06-01", "2020-09-01"),   # too late for upon leaving; ended before 31 Oct
        ("c", "coaching", "2020-03-10"),
        ("d", "employment", "2020-04-01"),                 # other site
    ])
    period = {"start": D("2020-01-01"), "end": D("2020-12-31")}
    köln = {"site": "Köln"}
    store(con,
          table(id="1-entered", measure="entered", status=None, where=köln, period=period),
          table(id="2-active", measure="active", status="coaching", where=köln, period=period),
          table(id="3-upon", measure="upon_leaving", status="employment", where=köln, period=period),
          table(id="4-six", measure="six_months_after", status="employment", where=köln, period=period),
          table(id="5-share", measure="share", status="employment", at_least=50, where=köln, period=period))
    cards = {c["id"]: c for c in targets.evaluate(con, "p1", "2020-11-30")}
    assert cards["1-entered"]["achieved"] == 3
    assert cards["2-active"]["achieved"] == 1
    assert cards["2-active"]["probability"] is None                    # levels: no arrival process
    assert cards["3-upon"]["achieved"] == 1                            # a
    assert cards["4-six"]["achieved"] == 1                             # a (b's job ended before 31 Oct)
    assert cards["5-share"]["achieved"] == pytest.approx(200 / 3)      # a, b of a, b, c
    assert cards["5-share"]["expected"] == 50.0                        # a share's line is flat
    assert cards["5-share"]["state"] == "on_track"                     # levels are final only at the end
    assert cards["1-entered"]["scope"] == köln
    assert json.dumps(list(cards.values()))


def test_a_level_is_decided_at_period_end(con):
    build(con, [("a", "2020-01-01"), ("b", "2020-01-01")],
          [("a", "coaching", "2020-01-01"), ("b", "coaching", "2020-01-01", "2020-12-31")])
    store(con, table(measure="active", status="coaching", at_least=2))
    assert one(con, "2020-06-30")["state"] == "on_track"
    assert one(con, "2020-12-31")["state"] == "missed"                # b ends on the last day


def test_months_between_and_add_months():
    assert dates.add_months(D("2019-08-31"), 6) == D("2020-02-29")
    assert dates.add_months(D("2020-08-31"), -6) == D("2020-02-29")
    assert dates.months_between(D("2020-03-01"), D("2020-09-01")) == 6.0
    assert dates.months_between(D("2020-04-01"), D("2020-06-16")) == pytest.approx(2.5)
    assert dates.months_between(D("2020-01-01"), D("2020-01-01")) == 0.0




# ------------------------------------------------------------------------------ several statuses

def test_a_target_over_training_or_employment_counts_each_woman_once(con):
    build(con, [])
    # a, b: training; c, d: employment; e: training and then employment (counted once); f: coaching only
    for pid, statuses in {"a": ["training"], "b": ["training"], "c": ["employment"], "d": ["employment"],
                          "e": ["training", "employment"], "f": ["coaching"]}.items():
        add_participant(con, pid, "2019-06-01")
        for i, status in enumerate(statuses):
            add_episode(con, pid, status, f"2020-0{3 + i}-01")
    rows = store(con, table(status=["training", "employment"], at_least=5))
    assert rows[0]["status"] == "training; employment"
    card = one(con, "2020-06-30")
    # training 3 (a, b, e) + employment 3 (c, d, e) - e counted twice = 5 ≥ 5
    assert (card["achieved"], card["state"], card["statuses"]) == (5, "met", ["training", "employment"])
    # one status still reads as before
    store(con, table(status="training", at_least=5))
    assert one(con, "2020-06-30")["achieved"] == 3


def test_forecast_probability_is_said_without_false_certainty():
    assert chance_text(0.99999, "de") == "über 99 %" and chance_text(0.995, "en") == "over 99%"
    assert chance_text(0.0004, "de") == "unter 1 %" and chance_text(0.38, "de") == "38 %"
