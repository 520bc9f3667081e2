"""Comparison of groups and the typed comparison group."""

from __future__ import annotations

import json

import pytest

from pipelines import metrics
from pipelines.metrics.compare import GroupError, compare, group_text, parse_group
from pipelines.text.metrics import problem_texts
from pipelines.metrics import Scope
from tests.helpers.stores import D, build


@pytest.fixture
def sites(con):
    """PerMenti-like: Köln 6 women (3 in training), Bielefeld 2 (1), one without a site (0)."""
    people = []
    episodes = []
    for i in range(6):
        people.append((f"k{i}", "2019-01-01", None, {"site": "Köln", "cohort": str(i % 2 + 9),
                                                      "german_level": "B1" if i < 3 else "A2"}))
        if i < 3:
            episodes.append((f"k{i}", "training", f"2019-0{i + 2}-01"))   # day 31, 59, 90
    people += [("b0", "2019-02-01", None, {"site": "Bielefeld", "cohort": "10", "german_level": "B2"}),
               ("b1", "2019-02-01", "2019-03-03", {"site": "Bielefeld", "cohort": "10"}),
               ("x", "2019-03-01", None, {"cohort": "2"}),
               ("late", "2020-01-02", None, {"site": "Köln"})]                 # after as-of
    episodes += [("b0", "training", "2019-02-01")]
    build(con, people, episodes, program="permenti")
    build(con, [("o", "2019-01-01", None, {"site": "Köln"})], [("o", "training", "2019-01-05")], program="other")
    return con


def test_compare_by_site(sites):
    groups = compare(sites, ["permenti"], "training", "2019-12-31", by="site")
    assert [g["group"] for g in groups] == ["Bielefeld", "Köln", None]      # unknown last
    bielefeld, koeln, unknown = groups
    assert (koeln["n"], koeln["reached"], koeln["share"], koeln["small"]) == (6, 3, 0.5, False)
    assert (bielefeld["n"], bielefeld["reached"], bielefeld["small"]) == (2, 1, True)
    assert (unknown["n"], unknown["reached"]) == (1, 0)
    rate = metrics.wilson(3, 6)
    assert (koeln["ci_low"], koeln["ci_high"]) == (rate.ci_low, rate.ci_high)
    # Köln, by hand: events on days 31, 59, 90 among 6 women followed to 31 Dec (day 364)
    curve = koeln["time_to"]
    assert curve["months"][:4] == [0, 1, 2, 3]
    assert curve["share"][:4] == pytest.approx([0, 0, 2 / 6, 3 / 6])       # day 31 > 30: month 2
    assert json.dumps(groups)


def test_compare_by_cohort_sorts_numbers_as_numbers_and_takes_german_names(sites):
    groups = compare(sites, ["permenti"], "training", "2019-12-31", by="kohorte")
    assert [g["group"] for g in groups] == ["2", "9", "10"]
    assert [g["n"] for g in groups] == [1, 3, 5]


def test_compare_by_program_and_entry_year(sites):
    groups = compare(sites, None, "training", "2020-12-31", by="program")
    assert [(g["group"], g["n"], g["reached"]) for g in groups] == [("other", 1, 1), ("permenti", 10, 4)]
    years = compare(sites, ["permenti"], "training", "2020-12-31", by="entry_year")
    assert [(g["group"], g["n"]) for g in years] == [(2019, 9), (2020, 1)]


def test_compare_without_groups_matches_the_metrics(sites):
    (group,) = compare(sites, ["permenti"], "training", "2019-12-31")
    assert group["group"] == "all"
    scope = Scope(("permenti",))
    rate = metrics.share_reached(sites, scope, "training", None, "2019-12-31")
    assert (group["n"], group["reached"], group["share"]) == (rate.n, rate.k, rate.share)
    frame = metrics.time_to(sites, scope, "training", "2019-12-31")
    curve = group["time_to"]
    assert (curve["months"], curve["share"]) == (list(frame["month"]), list(frame["share"]))


def test_compare_typed_groups(sites):
    groups = compare(sites, ["permenti"], "training", "2019-12-31", groups=[
        "Köln B1+: standort=Köln; deutschniveau>=B1",
        "Rest: standort!=Köln",
        ("leer", Scope(None, {"site": "Köln", "german_level": "C2"})),
    ])
    assert [(g["group"], g["n"], g["reached"]) for g in groups] == [
        ("Köln B1+", 3, 3), ("Rest", 3, 1), ("leer", 0, 0)]
    assert groups[2]["share"] is None and groups[2]["small"] and groups[2]["time_to"]["months"] == []


def test_groups_are_limited_to_the_programs_and_split_by_a_field(sites):
    groups = compare(sites, ["permenti"], "training", "2019-12-31", by="german_level",
                     groups=["Köln: site=Köln"])          # "other" also has a Köln participant
    assert [(g["group"], g["n"]) for g in groups] == [("Köln – A2", 3), ("Köln – B1", 3)]


# ------------------------------------------------------------------------------ typed comparison groups

@pytest.mark.parametrize("text, name, programs, where", [
    ("Köln B1+: site=Köln; german_level>=B1; entry_year=2019", "Köln B1+", None,
     {"site": "Köln", "german_level": {">=": "B1"}, "entry_year": 2019}),
    ("Standort = Köln, Bielefeld ; Kohorte >= 7", "Standort = Köln, Bielefeld ; Kohorte >= 7", None,
     {"site": ["Köln", "Bielefeld"], "cohort": {">=": "7"}}),
    ("2019: eintritt=01.01.2019..31.12.2019", "2019", None,
     {"entry_from": D("2019-01-01"), "entry_to": D("2019-12-31")}),
    ("x: entry=2019-01-01..; austritt<=2020-06-30", "x", None,
     {"entry_from": D("2019-01-01"), "exit_date": {"<=": D("2020-06-30")}}),
    ("y: programm=permenti,other; herkunft!=\"Westafrika\"; geschlecht=weiblich", "y", ("permenti", "other"),
     {"origin_region": {"!=": "Westafrika"}, "gender": "female"}),
    ("z: deutschniveau=a2..b2; alter≥30; isced<5; austrittsgrund=abgebrochen", "z", None,
     {"german_level": {">=": "A2", "<=": "B2"}, "age": {">=": 30}, "qualification_level": {"<": 5},
      "exit_reason": "dropped_out"}),
    ("jahr: eintrittsjahr=2018..2020; kohorte=3", "jahr", None,
     {"entry_year": {">=": 2018, "<=": 2020}, "cohort": "3"}),
])
def test_parse_group(text, name, programs, where):
    got_name, scope = parse_group(text)
    assert got_name == name
    assert scope.programs == programs
    assert scope.where == where
    assert metrics.check_where(scope.where) == []


def test_parse_group_lists_every_problem_in_german():
    with pytest.raises(GroupError) as caught:
        parse_group("X: stadt=Köln; deutschniveau>=D1; standort>=A; eintritt=2019-13-01..; "
                     "kohorte>=sieben; site>=Köln,Bonn; nur text; geschlecht=; alter=10..20; "
                     "deutschniveau>=B1; deutschniveau>=B2")
    problems = problem_texts(caught.value.problems, "de")
    assert problems == [
        "„stadt=Köln“: unbekanntes Merkmal „stadt“. Möglich sind: programm, standort, kohorte, geschlecht, "
        "herkunft, coach, mentor, austrittsgrund, deutschniveau, qualifikation, geburtsjahr, eintrittsjahr, "
        "austrittsjahr, alter, altersgruppe, eintritt, austritt.",
        "„deutschniveau>=D1“: deutschniveau: „D1“ ist kein gültiger Wert (A1, A2, B1, B2, C1, C2).",
        "„standort>=A“: standort hat keine Reihenfolge; möglich sind nur = und != (Reihenfolge haben: "
        "kohorte, deutschniveau, qualifikation, geburtsjahr, eintrittsjahr, austrittsjahr, alter, eintritt, austritt).",
        "„eintritt=2019-13-01..“: eintritt: „2019-13-01“ ist kein gültiger Wert (ein Datum TT.MM.JJJJ oder JJJJ-MM-TT).",
        "„kohorte>=sieben“: kohorte: „sieben“ ist kein gültiger Wert (eine ganze Zahl).",
        "„site>=Köln,Bonn“: eine Liste von Werten geht nur mit = oder !=.",
        "„nur text“: kein Vergleich gefunden (=, !=, >=, <=, >, <).",
        "„geschlecht=“: der Wert fehlt.",
        "„deutschniveau>=B2“: deutschniveau >= steht schon in einer anderen Bedingung.",
    ]


def test_parse_group_problems_in_english():
    with pytest.raises(GroupError) as caught:
        parse_group("city=Köln; german_level>=Z9")
    problems = problem_texts(caught.value.problems, "en")
    assert problems[0].startswith("'city=Köln': unknown field 'city'. Possible fields: program_id, site")
    assert problems[1] == "'german_level>=Z9': german_level: 'Z9' is not a valid value (A1, A2, B1, B2, C1, C2)."
    with pytest.raises(GroupError) as caught:
        parse_group("leer:")
    assert problem_texts(caught.value.problems, "en") == ["The group has no conditions."]


def test_parse_group_checks_values_against_the_data(sites):
    name, scope = parse_group("k: standort=köln,BIELEFELD; kohorte>=100", con=sites)
    assert scope.where == {"site": ["Köln", "Bielefeld"], "cohort": {">=": "100"}}  # stored spelling
    with pytest.raises(GroupError) as caught:
        parse_group("k: standort=Koln", con=sites)
    assert problem_texts(caught.value.problems, "de") == [
        "„standort=Koln“: standort „Koln“ kommt in den Daten nicht vor (vorhanden: Bielefeld, Köln)."]


def test_group_text_round_trip():
    name, scope = parse_group("Köln B1+: programm=permenti; standort=Köln,Bonn; deutschniveau>=B1; "
                               "eintritt=01.01.2019..31.12.2019; geschlecht!=divers")
    text = group_text(name, scope)
    assert text == ("Köln B1+: program=permenti; site=Köln,Bonn; german_level>=B1; "
                    "entry_date>=2019-01-01; entry_date<=2019-12-31; gender!=diverse")
    again = parse_group(text)
    assert again[0] == name and again[1].programs == scope.programs
    assert metrics.scope_sql(again[1])[1] == metrics.scope_sql(scope)[1]
