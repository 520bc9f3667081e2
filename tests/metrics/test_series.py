"""Monthly series on tiny stores: each month against the point metrics."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines import metrics
from pipelines.metrics import Scope
from tests.helpers.stores import D, add_episode, add_participant, add_program, build

ALL = Scope()


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


