"""The fair comparison for the ministry (publish.comparison, its hidden counts from the one publication of
the program on the date, pipelines.access.publication): nothing it adds may give a hidden count away — the
difference, its p, the adjusted share, the small flag — no curves or numbers at risk at all, and a hidden
value reads `*` (never a dash or a blank) in what the page and its CSV show."""

from __future__ import annotations

import pytest

import datetime as dt

from pipelines.access import AccessError, Person, publication, publish
from pipelines.metrics import panels
from pipelines.report import spreadsheets
from tests.helpers.stores import build

MINISTRY = Person("ministerium", "ministry")
EVALUATOR = Person("eva", "evaluator")
AS_OF = "2020-12-31"
STAR = publish.SUPPRESSED


@pytest.fixture
def sites(con):
    """All entered 01.01.2020. Nord 10 (6 in training), Süd 10 (4), West 2 (1), Ost 6 (0; four of
    them leave on 15.03.2020, day 74: after 3 months 2 are still followed)."""
    people = [(f"n{i}", "2020-01-01", None, {"site": "Nord", "german_level": "B1" if i < 8 else "A2"})
              for i in range(10)]
    people += [(f"s{i}", "2020-01-01", None, {"site": "Süd", "german_level": "B2" if i < 2 else "A1"})
               for i in range(10)]
    people += [("w0", "2020-01-01", None, {"site": "West"}), ("w1", "2020-01-01", None, {"site": "West"})]
    people += [(f"o{i}", "2020-01-01", "2020-03-15" if i < 4 else None, {"site": "Ost"}) for i in range(6)]
    episodes = [(f"n{i}", "training", "2020-01-21") for i in range(3)]
    episodes += [(f"n{i}", "training", "2020-04-10") for i in range(3, 6)]
    episodes += [(f"s{i}", "training", "2020-07-19") for i in range(4)]
    episodes += [("w0", "training", "2020-03-01")]
    build(con, people, episodes)
    return con


def test_by_site_a_hidden_group_takes_every_statistic_with_it(sites):
    result = panels.comparison(sites, ["p1"], "training", AS_OF, by="site")
    held = publication.build(sites, ["p1"], dt.date(2020, 12, 31))
    shown = publish.comparison(MINISTRY, result, "site", "training", held)
    table = shown["table"].set_index("group")
    # West: n 2 and reached 1 hidden; the sites add up to 28 and 11 (known totals), so one more of each:
    # n of Ost (6, the smallest other) and reached of Süd (4, the smallest other above zero)
    assert table["n"].tolist() == [10, None, 10, None]
    assert table["reached"].tolist() == [6, 0, None, None]
    for site in ("Ost", "Süd", "West"):
        assert table.loc[site, ["share", "small", "diff", "diff_low", "diff_high", "p_exact"]].isna().all(), site
    # Nord against the others: the others are the known total less Nord (28 − 10, 11 − 6) → kept
    nord = result["table"].set_index("group").loc["Nord"]
    assert table.loc["Nord", "diff"] == nord["diff"] and table.loc["Nord", "p_exact"] == nord["p_exact"]
    assert nord["diff"] == pytest.approx(6 / 10 - 5 / 18)
    # the adjusted share is standardised to all sites, hidden ones included: withheld everywhere
    assert table["adjusted"].isna().all() and table["adjusted_cover"].isna().all()
    # no curve, band or number at risk (the publication holds none; they went with hidden groups only, once)
    assert shown["curves"].empty and shown["at_risk"].empty
    assert [g["time_to"] for g in shown["groups"]] == [None] * 4
    # what the page and its CSV show: * in every hidden cell, a dash nowhere
    marked = publish.marked(shown["table"], shown["hidden"]["table"]).set_index("group")
    assert marked.loc["West"].drop(["unit", "versus", "reference_small"]).tolist() == [STAR] * 12
    assert marked.loc["Ost", ["n", "reached", "share", "p_exact"]].tolist() == [STAR, 0, STAR, STAR]
    assert marked.loc["Nord", ["n", "adjusted"]].tolist() == [10, STAR]
    csv = spreadsheets.csv_bytes(publish.marked(shown["table"], shown["hidden"]["table"])).decode("utf-8-sig")
    west = next(line for line in csv.splitlines() if line.startswith("West;")).split(";")
    assert west[2:5] == [STAR, STAR, STAR]
    # the CLI's dicts name their hidden keys
    assert "diff" in shown["groups"][3]["hidden"] and shown["groups"][3]["n"] is None


def test_typed_groups_and_their_numbers_at_risk_are_not_the_ministry_s(sites):
    """Typed groups (any scope a person types) are no part of the publication: refused, with the numbers at
    risk of 1 or 2 (Ost after 3 and 6 months) and the difference to a hidden first group that came with them."""
    result = panels.comparison(sites, ["p1"], "training", AS_OF, groups=["O: standort=Ost", "N: standort=Nord"])
    assert result["groups"][0]["time_to"]["at_risk"] == {"months": [0, 3, 6, 12], "n": [6, 2, 2, 0]}
    with pytest.raises(AccessError) as refused:
        publish.comparison(MINISTRY, result, None, "training", publication.build(sites, ["p1"], dt.date(2020, 12, 31)))
    assert refused.value.code == "access.ministry_view"


def test_other_roles_see_everything(sites):
    result = panels.comparison(sites, ["p1"], "training", AS_OF, by="site")
    assert publish.comparison(EVALUATOR, result, "site", "training") is result
