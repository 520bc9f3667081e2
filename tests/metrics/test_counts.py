"""Metrics on tiny stores: every expected number is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from pipelines import metrics
from pipelines.metrics import Scope
from pipelines.text.metrics import problem_text, problem_texts
from tests.helpers.stores import D, add_episode, add_participant, add_program, add_status, build

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


def test_leavers(con):
    build(con, [("a", "2019-01-01", "2019-05-01"), ("b", "2019-01-01"), ("c", "2019-01-01", "2020-05-01")])
    assert metrics.leavers(con, ALL, "2019-01-01", "2019-12-31") == 1


# ------------------------------------------------------------------------------ Wilson

@pytest.mark.parametrize("k, n, low, high", [
    # Newcombe (1998), Statistics in Medicine 17:857–872, Table I, method 3 (score, no CC)
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0000),
    # 37 of 50 (p = 0.74): centre (0.74 + 1.9208/50) / (1 + 3.8415/50) = 0.72288,
    # half-width 1.96 * sqrt(0.74 * 0.26 / 50 + 3.8415 / 10000) / 1.07683 = 0.11842
    (37, 50, 0.6045, 0.8413),
])
def test_wilson_interval_matches_textbook_values(k, n, low, high):
    rate = metrics.wilson(k, n)
    assert rate.ci_low == pytest.approx(low, abs=5e-5)
    assert rate.ci_high == pytest.approx(high, abs=5e-5)
    assert rate.share == pytest.approx(k / n)


def test_rate_edge_cases():
    assert metrics.wilson(0, 0) == metrics.Rate(0, 0, None, None, None, True)
    assert metrics.wilson(3, 4).small and not metrics.wilson(3, 5).small
    assert json.dumps(metrics.wilson(2, 3).as_dict())
    with pytest.raises(ValueError):
        metrics.wilson(5, 4)


def test_share_reached_of_the_entrants(con):
    build(con, [("a", "2019-01-01"), ("b", "2019-02-01"), ("c", "2019-03-01"), ("d", "2020-01-01")], [
        ("a", "training", "2019-06-01"),
        ("b", "training", "2020-02-01"),    # after b: not by the end of 2019
        ("d", "training", "2020-01-02"),    # d entered after the window
    ])
    rate = metrics.share_reached(con, ALL, "training", "2019-01-01", "2019-12-31")
    assert (rate.k, rate.n) == (1, 3)


# ------------------------------------------------------------------------------ Kaplan–Meier

@pytest.fixture
def km_store(con):
    """Seven women entering on 1 Jan 2020, followed to 30 Apr 2020 (day 120).

    day 10: a starts training; day 20: c leaves without; day 45: b and d start, g leaves
    (censored on an event day: still at risk that day); day 100: f starts; e is censored at
    as-of (day 120).

    By hand, S(t) = product over event days of (1 - d / at risk):
      day 10: 1 - 1/7 = 6/7;   day 45: 6/7 * (1 - 2/5) = 18/35;   day 100: 18/35 * (1 - 1/2) = 9/35
    Month ends: 1 → day 30, 2 → 61, 3 → 91, 4 → 122 (120 / 30.4375 → 4 months).
    """
    start = D("2020-01-01")
    day = lambda n: (start + dt.timedelta(days=n)).isoformat()  # noqa: E731
    build(con, [("a", day(0)), ("b", day(0)), ("c", day(0), day(20)), ("d", day(0)), ("e", day(0)),
                ("f", day(0)), ("g", day(0), day(45))], [
        ("a", "training", day(10)), ("b", "training", day(45)), ("d", "training", day(45)),
        ("f", "training", day(100)),
    ])
    return con, day(120)


def test_time_to_matches_the_hand_computed_table(km_store):
    con, as_of = km_store
    frame = metrics.time_to(con, ALL, "training", as_of)
    assert list(frame.columns) == ["month", "at_risk", "events", "censored", "share"]
    expected = [
        # month, at_risk, events, censored, share
        (0, 7, 0, 0, 0.0),
        (1, 7, 1, 1, 1 / 7),
        (2, 5, 2, 1, 17 / 35),
        (3, 2, 0, 0, 17 / 35),
        (4, 2, 1, 1, 26 / 35),
    ]
    assert [tuple(r[:4]) for r in expected] == [tuple(int(v) for v in row[:4]) for row in frame.itertuples(index=False)]
    assert list(frame["share"]) == pytest.approx([r[4] for r in expected])
    assert frame.attrs["excluded_at_entry"] == 0


def test_time_to_agrees_with_scipy_on_a_larger_constructed_sample(con):
    stats = pytest.importorskip("scipy.stats")
    add_program(con)
    as_of = D("2021-12-31")
    events, censored = [], []
    for i in range(60):
        entry = D("2019-01-01") + dt.timedelta(days=(i * 37) % 700)
        pid = f"x{i}"
        kind = i % 4
        if kind == 0:      # training after some days
            add_participant(con, pid, entry.isoformat())
            start = entry + dt.timedelta(days=(i * 53) % 400)
            add_episode(con, pid, "training", start.isoformat())
            if start <= as_of:
                events.append((start - entry).days)
            else:
                censored.append((as_of - entry).days)
        elif kind == 1:    # leaves without training
            exit_ = entry + dt.timedelta(days=(i * 29) % 300)
            add_participant(con, pid, entry.isoformat(), exit_.isoformat())
            censored.append((exit_ - entry).days)
        elif kind == 2:    # training after leaving: follow-up ended at exit, censored there
            exit_ = entry + dt.timedelta(days=90 + i)
            add_participant(con, pid, entry.isoformat(), exit_.isoformat())
            add_episode(con, pid, "training", (exit_ + dt.timedelta(days=5)).isoformat())
            censored.append((exit_ - entry).days)
        else:              # still in, no training: censored at as-of
            add_participant(con, pid, entry.isoformat())
            censored.append((as_of - entry).days)
    frame = metrics.time_to(con, ALL, "training", as_of)
    fit = stats.ecdf(stats.CensoredData(uncensored=events, right=censored))
    ends = [math.floor(m * 365.25 / 12 + 0.5) for m in frame["month"]]
    assert list(frame["share"]) == pytest.approx(list(fit.cdf.evaluate(ends)), abs=1e-12)
    assert frame["events"].sum() == len(events) and frame["censored"].sum() == len(censored)
    assert frame["at_risk"].iloc[0] == 60


def test_time_to_treats_episodes_before_entry(con):
    build(con, [("a", "2020-01-01"), ("b", "2020-01-01"), ("c", "2020-01-01")], [
        ("a", "training", "2019-09-01"),                 # in training on entry: left out
        ("b", "training", "2019-09-01", "2019-12-01"),   # ended before entry: ignored …
        ("b", "training", "2020-01-01"),                 # … her start on the entry day is day 0
    ])
    frame = metrics.time_to(con, ALL, "training", "2020-02-15")
    assert frame.attrs["excluded_at_entry"] == 1
    assert frame["at_risk"].iloc[0] == 2                 # b, c
    assert frame["events"].iloc[0] == 1                  # b on day 0
    assert frame["share"].iloc[0] == pytest.approx(0.5)


def test_time_to_of_an_empty_scope_is_an_empty_table(con):
    build(con, [])
    frame = metrics.time_to(con, ALL, "training", "2020-01-01")
    assert frame.empty and list(frame.columns) == metrics.TIME_TO_COLUMNS


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


# ------------------------------------------------------------------------------ monthly series

@pytest.fixture
def series_store(con):
    build(con, [("a", "2020-01-10", "2020-03-15"), ("b", "2020-01-31"), ("c", "2020-02-29"),
                ("d", "2020-03-31"), ("e", "2019-12-31")], [
        ("a", "training", "2020-01-20", "2020-02-10"), ("a", "training", "2020-03-01"),  # re-entry
        ("b", "training", "2020-02-29"),
        ("e", "training", "2019-12-31", "2020-02-01"),   # before the series start
        ("c", "training", "2020-04-02"),                 # after the series end
    ])
    return con


def test_monthly_series_entered(series_store):
    frame = metrics.monthly_series(series_store, ALL, "entered", None, "2020-01-01", "2020-03-31")
    assert [d.date() for d in frame["month"]] == [D("2020-01-01"), D("2020-02-01"), D("2020-03-01")]
    assert [d.date() for d in frame["month_end"]] == [D("2020-01-31"), D("2020-02-29"), D("2020-03-31")]
    assert list(frame["new"]) == [2, 1, 1]             # a, b | c | d
    assert list(frame["cumulative"]) == [2, 3, 4]


def test_monthly_series_reached_counts_first_starts_and_ends_on_end(series_store):
    con = series_store
    frame = metrics.monthly_series(con, ALL, "reached", "training", "2020-01-15", "2020-03-20")
    assert [d.date() for d in frame["month_end"]][-1] == D("2020-03-20")
    assert list(frame["new"]) == [1, 1, 0]             # a (20 Jan) | b (29 Feb) | a again: not new
    assert list(frame["cumulative"]) == [1, 2, 2]
    for end, value in zip(frame["month_end"], frame["cumulative"]):
        assert value == metrics.reached(con, ALL, "training", "2020-01-15", end.date())


def test_monthly_series_active_and_in_program_are_levels(series_store):
    con = series_store
    active = metrics.monthly_series(con, ALL, "active", "training", "2020-01-01", "2020-03-31")
    # 31 Jan: a, e; 29 Feb: b (starts that day; a's first episode ended 10 Feb, e's 1 Feb);
    # 31 Mar: a (again), b
    assert list(active["cumulative"]) == [2, 1, 2]
    assert list(active["new"]) == [1, 1, 1]            # a | b | a
    for end, value in zip(active["month_end"], active["cumulative"]):
        assert value == metrics.active(con, ALL, "training", end.date())
    inside = metrics.monthly_series(con, ALL, "in_program", None, "2020-01-01", "2020-03-31")
    assert list(inside["cumulative"]) == [3, 4, 4]      # +a +b | +c | -a (left 15 Mar) +d
    assert list(inside["new"]) == [2, 1, 1]


def test_monthly_series_agree_with_the_point_metrics_on_a_messy_store(con):
    """Overlaps, re-entries, one-day episodes, exits before the start: each month end of every
    series equals the metric computed for that day."""
    add_program(con)
    start = D("2019-01-01")
    for i in range(80):
        entry = start + dt.timedelta(days=(i * 41) % 900)
        exit_ = entry + dt.timedelta(days=(i * 67) % 500) if i % 3 else None
        add_participant(con, f"x{i}", entry.isoformat(), exit_ and exit_.isoformat())
        first = entry + dt.timedelta(days=(i * 13) % 200)
        add_episode(con, f"x{i}", "training", first.isoformat(),
                    (first + dt.timedelta(days=(i * 7) % 90)).isoformat() if i % 2 else None)
        if i % 4 == 0:   # overlapping second episode, and a touching third one
            second = first + dt.timedelta(days=10)
            add_episode(con, f"x{i}", "training", second.isoformat(), (second + dt.timedelta(days=100)).isoformat())
            add_episode(con, f"x{i}", "training", (second + dt.timedelta(days=100)).isoformat(),
                        (second + dt.timedelta(days=130)).isoformat())
        if i % 5 == 0:   # one-day events, stored both ways
            day = entry + dt.timedelta(days=i)
            add_episode(con, f"x{i}", "qualification", day.isoformat(),
                        (day + dt.timedelta(days=i % 2)).isoformat())
    a, b = "2019-06-15", "2021-09-10"
    for status in ("training", "qualification", ["training", "qualification"]):
        active = metrics.monthly_series(con, ALL, "active", status, a, b)
        for end, value in zip(active["month_end"], active["cumulative"]):
            assert value == metrics.active(con, ALL, status, end.date()), (status, end)
        reached = metrics.monthly_series(con, ALL, "reached", status, a, b)
        for end, value in zip(reached["month_end"], reached["cumulative"]):
            assert value == metrics.reached(con, ALL, status, a, end.date())
        assert reached["new"].sum() == reached["cumulative"].iloc[-1]
    inside = metrics.monthly_series(con, ALL, "in_program", None, a, b)
    entered = metrics.monthly_series(con, ALL, "entered", None, a, b)
    for end, value, count in zip(inside["month_end"], inside["cumulative"], entered["cumulative"]):
        assert value == metrics.in_program(con, ALL, end.date())
        assert count == metrics.entered(con, ALL, a, end.date())
    assert list(inside["new"]) == list(entered["new"])


def test_monthly_series_refuses_unknown_measures(con):
    with pytest.raises(ValueError, match="unknown measure"):
        metrics.monthly_series(con, ALL, "upon_leaving", "training", "2020-01-01", "2020-03-31")
    with pytest.raises(ValueError, match="needs a status"):
        metrics.monthly_series(con, ALL, "reached", None, "2020-01-01", "2020-03-31")


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
