"""The demo files: reproducible byte for byte, and the figures they are meant to show.

The figures are recomputed here from the files with plain pandas / python-calamine reading,
independently of pipelines.ingest, and compared with numbers written down by hand.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import tomllib

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from pipelines.demo import generate
from pipelines.demo.generate import DEMO_FILES, write_demo_files

DEMO_DIR = pathlib.Path(__file__).resolve().parents[2] / "data" / "demo"
KASSEL_XLSX = DEMO_DIR / "sozialwirtschaft-integriert_teilnehmerinnen.xlsx"
TARA_CSV = DEMO_DIR / "tara-mentoring_tandems.csv"
PERMENTI_PEOPLE = DEMO_DIR / "permenti-transfer_teilnehmende.csv"
PERMENTI_EPISODES = DEMO_DIR / "permenti-transfer_episoden.csv"
CROSS_XLSX = DEMO_DIR / "cross-mentoring-duesseldorf-koeln_tracking.xlsx"


# --- reading helpers (plain pandas) ------------------------------------------------------

def _german_dates(frame: pd.DataFrame, columns) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], format="%d.%m.%Y")
    return frame


def _read_tracking_csv(path: pathlib.Path, encoding: str) -> pd.DataFrame:
    frame = pd.read_csv(path, sep=";", encoding=encoding, dtype=str)
    dates = [c for c in frame.columns
             if c in ("Eintritt", "Austritt") or c.endswith((" ab", " bis", " am"))]
    return _german_dates(frame, dates)


def _read_xlsx(path: pathlib.Path, sheet) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet, engine="calamine", dtype={"Kohorte": str})


def _tracking_episodes(frame: pd.DataFrame) -> pd.DataFrame:
    """Tracking sheet → long episodes (Teilnehmer-ID, Status, Beginn, Ende)."""
    parts = []
    for column in frame.columns:
        if column.endswith(" ab"):
            status = column[:-3]
            no_end = pd.Series(pd.NaT, index=frame.index)
            end = pd.to_datetime(frame.get(f"{status} bis", no_end))
            parts.append(pd.DataFrame({"Teilnehmer-ID": frame["Teilnehmer-ID"],
                                       "Status": status, "Beginn": frame[column], "Ende": end}))
        elif column.endswith(" am"):
            parts.append(pd.DataFrame({"Teilnehmer-ID": frame["Teilnehmer-ID"],
                                       "Status": column[:-3], "Beginn": frame[column],
                                       "Ende": frame[column]}))
    episodes = pd.concat(parts, ignore_index=True)
    return episodes[episodes["Beginn"].notna()].reset_index(drop=True)


def _active(episodes: pd.DataFrame, status: str, day: str) -> int:
    d = pd.Timestamp(day)
    e = episodes[episodes["Status"] == status]
    return e.loc[(e["Beginn"] <= d) & (e["Ende"].isna() | (e["Ende"] > d)),
                 "Teilnehmer-ID"].nunique()


def _reached(episodes: pd.DataFrame, status: str, start: str, end: str) -> int:
    e = episodes[episodes["Status"] == status]
    inside = e["Beginn"].between(pd.Timestamp(start), pd.Timestamp(end))
    return e.loc[inside, "Teilnehmer-ID"].nunique()


def _assert_rules(people: pd.DataFrame, episodes: pd.DataFrame, last_day: str) -> None:
    """The ingestion rules every demo row satisfies."""
    assert people["Teilnehmer-ID"].is_unique
    assert not people["Teilnehmer-ID"].str.contains(" ").any()  # case numbers, not names
    assert (people["Austritt"].isna() | (people["Austritt"] >= people["Eintritt"])).all()
    assert (people["Austritt"].isna() == people["Austrittsgrund"].isna()).all()
    assert set(people["Austrittsgrund"].dropna()) <= {
        "abgeschlossen", "abgebrochen", "verzogen", "sonstiges"}
    assert set(people["Deutschniveau"]) <= {"A1", "A2", "B1", "B2", "C1", "C2"}
    assert set(people["Geschlecht"]) <= {"weiblich", "divers"}
    assert people["Geburtsjahr"].astype(int).between(1965, 2002).all()
    assert people["ISCED"].astype(int).between(1, 7).all()
    merged = episodes.merge(people[["Teilnehmer-ID", "Eintritt", "Austritt"]],
                            on="Teilnehmer-ID", how="left", validate="many_to_one")
    assert merged["Eintritt"].notna().all(), "episode of an unknown participant"
    assert (merged["Beginn"] >= merged["Eintritt"]).all()
    assert (merged["Austritt"].isna() | (merged["Beginn"] <= merged["Austritt"])).all()
    assert (merged["Ende"].isna() | (merged["Ende"] >= merged["Beginn"])).all()
    assert not episodes.duplicated(["Teilnehmer-ID", "Status", "Beginn"]).any()
    limit = pd.Timestamp(last_day)
    for column in (people["Eintritt"], people["Austritt"], episodes["Beginn"], episodes["Ende"]):
        assert (column.isna() | (column <= limit)).all()


# --- (a) the committed files are exactly what the generator writes -----------------------

def test_regenerating_twice_gives_the_committed_bytes(tmp_path):
    first = write_demo_files(tmp_path / "first")
    second = write_demo_files(tmp_path / "second")
    assert [p.name for p in first] == [name for name, _ in DEMO_FILES]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert a.read_bytes() == (DEMO_DIR / a.name).read_bytes(), (
            f"data/demo/{a.name} is stale: run `python -m pipelines.demo.generate`")


def test_demo_directory_holds_exactly_the_manifest():
    present = sorted(p.name for p in DEMO_DIR.iterdir() if not p.name.startswith("."))
    assert present == sorted(name for name, _ in DEMO_FILES)


def test_manifest_order_and_program_ids():
    names = [name for name, _ in DEMO_FILES]
    assert names[:4] == ["sozialwirtschaft-integriert.toml", "tara-mentoring.toml",
                         "permenti-transfer.toml", "cross-mentoring-duesseldorf-koeln.toml"]
    assert names.index("permenti-transfer_teilnehmende.csv") < names.index(
        "permenti-transfer_episoden.csv")
    # only the Kassel sheet lacks a Programm column and needs --program
    assert [(n, p) for n, p in DEMO_FILES if p] == [
        ("sozialwirtschaft-integriert_teilnehmerinnen.xlsx", "sozialwirtschaft-integriert")]
    assert "Programm" not in _read_xlsx(KASSEL_XLSX, "Teilnehmerinnen").columns


def test_program_files_parse_and_name_their_program():
    for name, _ in DEMO_FILES[:4]:
        data = tomllib.loads((DEMO_DIR / name).read_text(encoding="utf-8"))
        program = data["program"]
        assert program["id"] == name.removesuffix(".toml")
        assert isinstance(program["start"], dt.date) and program["start"] < program["end"]
        for target in data["target"]:
            assert {"id", "label", "measure", "period"} <= target.keys()
            assert ("at_least" in target) != ("at_most" in target)
            assert target["measure"] == "entered" or "status" in target
    kassel = tomllib.loads((DEMO_DIR / "sozialwirtschaft-integriert.toml").read_text("utf-8"))
    training = next(t for t in kassel["target"] if t["id"] == "kassel-training")
    assert training["at_least"] == 50 and training["status"] == "training"
    assert training["period"] == {"start": dt.date(2018, 1, 1), "end": dt.date(2022, 12, 31)}
    assert [m["value"] for m in training["milestones"]] == [20, 35]


# --- (b) Sozialwirtschaft integriert, Kassel: the published figures of 31.08.2020 --------

@pytest.fixture(scope="module")
def kassel():
    people = _read_xlsx(KASSEL_XLSX, "Teilnehmerinnen")
    return people, _tracking_episodes(people)


def test_kassel_reproduces_the_published_august_2020_figures(kassel):
    people, episodes = kassel
    entered = people["Eintritt"].between(pd.Timestamp("2018-01-01"), pd.Timestamp("2020-08-31"))
    assert entered.sum() == len(people) == 155
    assert _active(episodes, "Coaching", "2020-08-31") == 106
    assert _active(episodes, "Beschäftigung", "2020-08-31") == 14
    assert _reached(episodes, "Ausbildung", "2018-01-01", "2020-08-31") == 37


def test_kassel_sheet_details(kassel):
    people, episodes = kassel
    _assert_rules(people, episodes, "2020-08-31")
    assert people["Kohorte"].value_counts().sort_index().to_dict() == {
        "1": 22, "2": 23, "3": 22, "4": 23, "5": 22, "6": 21, "7": 22}
    assert people.loc[people["Kohorte"] == "7", "Eintritt"].max() == pd.Timestamp("2020-08-24")
    assert people["Teilnehmer-ID"].str.fullmatch(r"KS-20(18|19|20)-\d{3}").all()
    assert set(people["Standort"]) == {"Kassel-Mitte", "Kassel-Nord", "Kassel-Ost"}
    # a coach for the whole time: coaching from entry to exit
    assert (people["Coaching ab"] == people["Eintritt"]).all()
    assert people["Coaching bis"].equals(people["Austritt"])
    assert people["Austrittsgrund"].value_counts().to_dict() == {
        "abgeschlossen": 23, "verzogen": 13, "sonstiges": 7, "abgebrochen": 6}
    # training milestone 20 by 31.12.2019 is met; 6 trainings ended early
    assert _reached(episodes, "Ausbildung", "2018-01-01", "2019-12-31") == 20
    assert people["Ausbildung bis"].notna().sum() == 6
    # 19 ever employed, 5 of them no longer: the 14 are those still employed
    assert _reached(episodes, "Beschäftigung", "2018-01-01", "2020-08-31") == 19
    # in training and no longer in coaching / in training and still coached
    trained = people["Ausbildung ab"].notna()
    assert (trained & people["Austritt"].notna()).sum() == 17
    assert (trained & people["Austritt"].isna()).sum() == 20
    assert people["Sprachkurs ab"].notna().sum() == 80
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


# --- TaRA: German CSV in Windows-1252 -----------------------------------------------------

def test_tara_csv_dialect_and_tandems():
    raw = TARA_CSV.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the umlauts are cp1252 bytes
    text = raw.decode("cp1252")
    assert text.count("\r\n") == text.count("\n") == 9  # header + 8 rows, CRLF only
    assert "Übach-Palenberg" in text and "Hückelhoven" in text
    people = _read_tracking_csv(TARA_CSV, "cp1252")
    episodes = _tracking_episodes(people)
    _assert_rules(people, episodes, "2025-12-31")
    assert len(people) == 8 and set(people["Programm"]) == {"tara-mentoring"}
    assert sorted(people["Mentorin"]) == [f"M{i:02d}" for i in range(1, 9)]
    assert (people["Mentoring ab"] == pd.Timestamp("2025-05-22")).all()
    assert (people["Mentoring bis"] == pd.Timestamp("2025-11-21")).all()
    assert _active(episodes, "Mentoring", "2025-08-01") == 8
    assert _reached(episodes, "Beschäftigung", "2025-01-01", "2025-12-31") == 2
    assert _reached(episodes, "Praktikum", "2025-01-01", "2025-12-31") == 2
    assert _reached(episodes, "Qualifikation", "2025-01-01", "2025-12-31") == 1
    assert (people["Austrittsgrund"] == "abgeschlossen").all()


# --- PerMenti Transfer: long format, two dialects -----------------------------------------

@pytest.fixture(scope="module")
def permenti():
    assert PERMENTI_PEOPLE.read_bytes().startswith(b"\xef\xbb\xbfTeilnehmer-ID;")
    assert PERMENTI_EPISODES.read_bytes().startswith(
        b"Teilnehmer-ID,Programm,Status,Beginn,Ende\n")
    people = _german_dates(pd.read_csv(PERMENTI_PEOPLE, sep=";", encoding="utf-8-sig",
                                       dtype=str), ["Eintritt", "Austritt"])
    episodes = _german_dates(pd.read_csv(PERMENTI_EPISODES, sep=",", encoding="utf-8",
                                         dtype=str), ["Beginn", "Ende"])
    return people, episodes


def test_permenti_sites_and_groups(permenti):
    people, episodes = permenti
    _assert_rules(people, episodes, "2020-12-31")
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
    reached = merged.groupby(["Standort", "Status"])["Teilnehmer-ID"].nunique()
    expected = {  # site: (training, employment, internship, qualification)
        "Bielefeld": (6, 8, 18, 6),
        "Köln": (4, 12, 8, 7),
        "Ennepe-Ruhr-Kreis": (3, 4, 7, 0),
    }
    for site, numbers in expected.items():
        got = tuple(int(reached.get((site, status), 0)) for status in
                    ("Ausbildung", "Beschäftigung", "Praktikum", "Qualifikation"))
        assert got == numbers, site
    # employment share of all entered: 24 of 82 = 29 %, just under the 30 % target
    assert _reached(episodes, "Beschäftigung", "2019-01-01", "2020-12-31") == 24
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


# --- Cross-Mentoring Düsseldorf/Köln --------------------------------------------------------

def test_cross_mentoring_first_sheet():
    assert CalamineWorkbook.from_path(str(CROSS_XLSX)).sheet_names[0] == "Mentees"
    people = _read_xlsx(CROSS_XLSX, 0)
    episodes = _tracking_episodes(people)
    _assert_rules(people, episodes, "2023-11-30")
    assert set(people["Programm"]) == {"cross-mentoring-duesseldorf-koeln"}
    assert people["Standort"].value_counts().to_dict() == {"Düsseldorf": 5, "Köln": 5}
    # every mentor comes from the other city
    other = people["Standort"].map({"Düsseldorf": "M-K", "Köln": "M-D"})
    assert (people["Mentorin"].str[:3] == other).all()
    assert (people["Mentoring ab"] == pd.Timestamp("2022-08-15")).all()
    assert (people["Mentoring bis"] == pd.Timestamp("2023-11-14")).sum() == 9
    assert _active(episodes, "Mentoring", "2023-06-30") == 9
    assert _reached(episodes, "Beschäftigung", "2022-08-01", "2023-11-30") == 5
    assert _active(episodes, "Beschäftigung", "2023-11-30") == 4
    assert _reached(episodes, "Qualifikation", "2022-08-01", "2023-11-30") == 2
    assert people["Austrittsgrund"].value_counts().to_dict() == {
        "abgeschlossen": 9, "abgebrochen": 1}


def test_generator_self_check_matches_the_file(kassel):
    """The generator's own figure function agrees with the pandas recount."""
    rows = generate.kassel_rows()
    assert generate.kassel_figures(rows, dt.date(2020, 8, 31)) == {
        "entered": 155, "coaching": 106, "employment": 14, "training": 37}
    assert [row["Teilnehmer-ID"] for row in rows] == list(kassel[0]["Teilnehmer-ID"])
