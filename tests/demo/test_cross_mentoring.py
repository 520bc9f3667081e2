"""Cross-Mentoring Düsseldorf/Köln: ten mentees, mentors from the other city."""

from __future__ import annotations

import pandas as pd
from python_calamine import CalamineWorkbook

from tests.demo.reading import CROSS_XLSX, active, check_rules, reached, read_xlsx, tracking_episodes


def test_cross_mentoring_first_sheet():
    assert CalamineWorkbook.from_path(str(CROSS_XLSX)).sheet_names[0] == "Mentees"
    people = read_xlsx(CROSS_XLSX, 0)
    episodes = tracking_episodes(people)
    check_rules(people, episodes, "2023-11-30")
    assert set(people["Programm"]) == {"cross-mentoring-duesseldorf-koeln"}
    assert people["Standort"].value_counts().to_dict() == {"Düsseldorf": 5, "Köln": 5}
    # every mentor comes from the other city
    other = people["Standort"].map({"Düsseldorf": "M-K", "Köln": "M-D"})
    assert (people["Mentorin"].str[:3] == other).all()
    assert (people["Mentoring ab"] == pd.Timestamp("2022-08-15")).all()
    assert (people["Mentoring bis"] == pd.Timestamp("2023-11-14")).sum() == 9
    assert active(episodes, "Mentoring", "2023-06-30") == 9
    assert reached(episodes, "Beschäftigung", "2022-08-01", "2023-11-30") == 5
    assert active(episodes, "Beschäftigung", "2023-11-30") == 4
    assert reached(episodes, "Qualifikation", "2022-08-01", "2023-11-30") == 2
    assert people["Austrittsgrund"].value_counts().to_dict() == {
        "abgeschlossen": 9, "abgebrochen": 1}
