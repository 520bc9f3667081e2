"""Kaplan–Meier time to an outcome on tiny stores, against hand-computed tables and scipy."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from pipelines import metrics
from pipelines.metrics import Scope
from tests.helpers.stores import D, add_episode, add_participant, add_program, build

ALL = Scope()


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




def test_time_to_by_a_field_gives_each_group_its_own_curve(km_store):
    con, as_of = km_store
    # c and g (who left) form one site, the five others another: each curve is that site's own
    con.execute("update participant set site = case when participant_id in ('c', 'g') then 'Süd' else 'Nord' end")
    curves = metrics.time_to(con, ALL, "training", as_of, by="site")
    assert sorted(curves) == ["Nord", "Süd"]
    for site, curve in curves.items():
        alone = metrics.time_to(con, Scope(None, {"site": site}), "training", as_of)
        assert curve.equals(alone) and curve.attrs == alone.attrs
    assert curves["Süd"]["events"].sum() == 0 and curves["Nord"]["events"].sum() == 4


@pytest.mark.parametrize("field, set_sql, expected", [
    # a text field with a missing value: the women without a site form the group None
    ("site", "update participant set site = case when participant_id in ('a', 'b') then null "
             "when participant_id = 'c' then 'Süd' else 'Nord' end", [None, "Nord", "Süd"]),
    # an integer field, a missing value among them
    ("qualification_level", "update participant set qualification_level = case when participant_id = 'a' then 6 "
                            "when participant_id = 'b' then null else 3 end", [None, 3, 6]),
    # a date field: the group's value is a date, as every other query gives it
    ("entry_date", "update participant set entry_date = entry_date + case when participant_id in ('d', 'e') "
                   "then 1 else 0 end", [D("2020-01-01"), D("2020-01-02")]),
])
def test_time_to_groups_keep_their_values_and_types(km_store, field, set_sql, expected):
    """The rows come back as Arrow columns split by group: the group values are the Python values
    the other queries give (None, int, datetime.date), and each group's curve is its own."""
    con, as_of = km_store
    con.execute(set_sql)
    curves = metrics.time_to(con, ALL, "training", as_of, by=field)
    assert sorted(curves, key=lambda v: (v is None, v)) == sorted(expected, key=lambda v: (v is None, v))
    assert all(type(v) is type(e) for v, e in zip(sorted(curves, key=str), sorted(expected, key=str)))
    for value, curve in curves.items():
        where = f"{field} is null" if value is None else f"{field} = ?"
        followed = con.execute(f"select count(*) from participant where {where}",
                               [] if value is None else [value]).fetchone()[0]
        assert curve["at_risk"].iloc[0] == followed              # everyone of the group, nobody else
    assert sum(int(c["events"].sum()) for c in curves.values()) == 4
