"""TaRA: a German CSV in Windows-1252 with eight tandems."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.demo.reading import TARA_CSV, active, check_rules, reached, read_tracking_csv, tracking_episodes


def test_tara_csv_dialect_and_tandems():
    raw = TARA_CSV.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the umlauts are cp1252 bytes
    text = raw.decode("cp1252")
    assert text.count("\r\n") == text.count("\n") == 9  # header + 8 rows, CRLF only
    assert "Übach-Palenberg" in text and "Hückelhoven" in text
    people = read_tracking_csv(TARA_CSV, "cp1252")
    episodes = tracking_episodes(people)
    check_rules(people, episodes, "2025-12-31")
    assert len(people) == 8 and set(people["Programm"]) == {"tara-mentoring"}
    assert sorted(people["Mentorin"]) == [f"M{i:02d}" for i in range(1, 9)]
    assert (people["Mentoring ab"] == pd.Timestamp("2025-05-22")).all()
    assert (people["Mentoring bis"] == pd.Timestamp("2025-11-21")).all()
    assert active(episodes, "Mentoring", "2025-08-01") == 8
    assert reached(episodes, "Beschäftigung", "2025-01-01", "2025-12-31") == 2
    assert reached(episodes, "Praktikum", "2025-01-01", "2025-12-31") == 2
    assert reached(episodes, "Qualifikation", "2025-01-01", "2025-12-31") == 1
    assert (people["Austrittsgrund"] == "abgeschlossen").all()
