"""PerMenti Transfer: the long format in two dialects, three sites with different results."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.demo.reading import PERMENTI_EPISODES, PERMENTI_PEOPLE, check_rules, german_dates, reached


@pytest.fixture(scope="module")
def permenti():
    assert PERMENTI_PEOPLE.read_bytes().startswith(b"\xef\xbb\xbfTeilnehmer-ID;")
    assert PERMENTI_EPISODES.read_bytes().startswith(
        b"Teilnehmer-ID,Programm,Status,Beginn,Ende\n")
    people = german_dates(pd.read_csv(PERMENTI_PEOPLE, sep=";", encoding="utf-8-sig",
                                       dtype=str), ["Eintritt", "Austritt"])
    episodes = german_dates(pd.read_csv(PERMENTI_EPISODES, sep=",", encoding="utf-8",
                                         dtype=str), ["Beginn", "Ende"])
    return people, episodes


def test_permenti_sites_and_groups(permenti):
    people, episodes = permenti
    check_rules(people, episodes, "2020-12-31")
    assert set(people["Programm"]) == set(episodes["Programm"]) == {"permenti-transfer"}
    assert people.groupby(["Standort", "Kohorte"]).size().to_dict() == {
        ("Bielefeld", "2019"): 16, ("Bielefeld", "2020"): 15,
        ("Ennepe-Ruhr-Kreis", "2019"): 12, ("Ennepe-Ruhr-Kreis", "2020"): 10,
        ("Köln", "2019"): 15, ("Köln", "2020"): 14}
    assert people["Geschlecht"].value_counts().to_dict() == {"weiblich": 79, "divers": 3}
    assert people["Austrittsgrund"].value_counts().to_dict() == {
        "abgeschlossen": 68, "abgebrochen": 9, "sonstiges": 3, "verzogen": 2}
    assert set(people["Deutschniveau"]) == {"A2", "B1", "B2", "C1"}


def test_permenti_outcomes_differ_by_site(permenti):
    people, episodes = permenti
    merged = episodes.merge(people[["Teilnehmer-ID", "Standort"]], on="Teilnehmer-ID")
    by_site = merged.groupby(["Standort", "Status"])["Teilnehmer-ID"].nunique()
    expected = {  # site: (training, employment, internship, qualification)
        "Bielefeld": (6, 8, 18, 6),
        "Köln": (4, 12, 8, 7),
        "Ennepe-Ruhr-Kreis": (3, 4, 7, 0),
    }
    for site, numbers in expected.items():
        got = tuple(int(by_site.get((site, status), 0)) for status in
                    ("Ausbildung", "Beschäftigung", "Praktikum", "Qualifikation"))
        assert got == numbers, site
    # employment share of all entered: 24 of 82 = 29 %, just under the 30 % target
    assert reached(episodes, "Beschäftigung", "2019-01-01", "2020-12-31") == 24
    assert len(people) == 82


def test_permenti_repeats_and_language_levels(permenti):
    people, episodes = permenti
    counts = episodes.groupby(["Teilnehmer-ID", "Status"]).size()
    repeated = counts[counts > 1].reset_index()["Status"].value_counts().to_dict()
    assert repeated == {"Praktikum": 12, "Mentoring": 10}  # re-entries and second internships
    one_day = episodes[episodes["Status"] == "Qualifikation"]
    assert (one_day["Beginn"] == one_day["Ende"]).all()
    # women with B1 or better reach training or a job sooner than women with A2
    outcomes = episodes[episodes["Status"].isin(["Ausbildung", "Beschäftigung"])]
    first = outcomes.groupby("Teilnehmer-ID")["Beginn"].min().rename("first").reset_index()
    first = first.merge(people[["Teilnehmer-ID", "Eintritt", "Deutschniveau"]])
    first["days"] = (first["first"] - first["Eintritt"]).dt.days
    first["b1_plus"] = first["Deutschniveau"] != "A2"
    mean_days = first.groupby("b1_plus")["days"].mean()
    assert mean_days[True] + 150 < mean_days[False]
    assert first.groupby("b1_plus").size().to_dict() == {False: 5, True: 28}
