"""Sozialwirtschaft integriert, Kassel: the published figures of 31.08.2020 and the sheet's details."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from pipelines.demo import kassel as kassel_program
from tests.demo.reading import KASSEL_XLSX, active, check_rules, reached, read_xlsx, tracking_episodes


@pytest.fixture(scope="module")
def kassel():
    people = read_xlsx(KASSEL_XLSX, "Teilnehmerinnen")
    return people, tracking_episodes(people)


def test_kassel_reproduces_the_published_august_2020_figures(kassel):
    people, episodes = kassel
    entered = people["Eintritt"].between(pd.Timestamp("2018-01-01"), pd.Timestamp("2020-08-31"))
    assert entered.sum() == len(people) == 155
    assert active(episodes, "Coaching", "2020-08-31") == 106
    assert active(episodes, "Beschäftigung", "2020-08-31") == 14
    assert reached(episodes, "Ausbildung", "2018-01-01", "2020-08-31") == 37


def test_kassel_sheet_details(kassel):
    people, episodes = kassel
    check_rules(people, episodes, "2020-08-31")
    assert people["Kohorte"].value_counts().sort_index().to_dict() == {
        "1": 22, "2": 23, "3": 22, "4": 23, "5": 22, "6": 21, "7": 22}
    assert people.loc[people["Kohorte"] == "7", "Eintritt"].max() == pd.Timestamp("2020-08-24")
    assert people["Teilnehmer-ID"].str.fullmatch(r"KS-20(18|19|20)-\d{3}").all()
    assert set(people["Standort"]) == {"Kassel-Mitte", "Kassel-Nord", "Kassel-Ost"}
    # a coach for the whole time: coaching from entry to exit
    assert (people["Coaching ab"] == people["Eintritt"]).all()
    assert people["Coaching bis"].equals(people["Austritt"])
    assert people["Austrittsgrund"].value_counts().to_dict() == {
        "abgeschlossen": 23, "verzogen": 11, "sonstiges": 9, "abgebrochen": 6}
    # training milestone 20 by 31.12.2019 is met (23); 6 trainings ended early
    assert reached(episodes, "Ausbildung", "2018-01-01", "2019-12-31") == 23
    assert people["Ausbildung bis"].notna().sum() == 6
    # the 14 employed are every woman who ever started a job (no job has ended), and none of
    # them started training: the city's 37 + 14 = 51 counts each woman once
    assert reached(episodes, "Beschäftigung", "2018-01-01", "2020-08-31") == 14
    assert people["Beschäftigung bis"].notna().sum() == 0
    assert (people["Beschäftigung ab"].notna() & people["Ausbildung ab"].notna()).sum() == 0
    # in training and no longer in coaching / in training and still coached
    trained = people["Ausbildung ab"].notna()
    assert (trained & people["Austritt"].notna()).sum() == 17
    assert (trained & people["Austritt"].isna()).sum() == 20
    assert people["Sprachkurs ab"].notna().sum() == 75
    assert people["Praktikum ab"].notna().sum() == 54


def test_kassel_dates_and_numbers_are_real_cells():
    rows = CalamineWorkbook.from_path(str(KASSEL_XLSX)).get_sheet_by_name(
        "Teilnehmerinnen").to_python()
    header, first = rows[0], rows[1]
    cell = dict(zip(header, first))
    assert isinstance(cell["Eintritt"], dt.date)
    assert isinstance(cell["Coaching ab"], dt.date)
    assert isinstance(cell["Geburtsjahr"], float) and isinstance(cell["ISCED"], float)
    assert cell["Kohorte"] == "1"  # course numbers are text


def test_generator_self_check_matches_the_file(kassel):
    """The generator's own figure function agrees with the pandas recount."""
    rows = kassel_program.rows()
    assert kassel_program.figures(rows, dt.date(2020, 8, 31)) == {
        "entered": 155, "coaching": 106, "employment": 14, "training": 37,
        "employment_started": 14, "training_and_employment": 0}
    assert [row["Teilnehmer-ID"] for row in rows] == list(kassel[0]["Teilnehmer-ID"])
