"""Reading the demo files with plain pandas / python-calamine, independently of pipelines.ingest,
and recounting their figures (entered, active, reached) the way DESIGN.md defines them."""

from __future__ import annotations

import pathlib

import pandas as pd

DEMO_DIR = pathlib.Path(__file__).resolve().parents[2] / "data" / "demo"
KASSEL_XLSX = DEMO_DIR / "sozialwirtschaft-integriert_teilnehmerinnen.xlsx"
TARA_CSV = DEMO_DIR / "tara-mentoring_tandems.csv"
PERMENTI_PEOPLE = DEMO_DIR / "permenti-transfer_teilnehmende.csv"
PERMENTI_EPISODES = DEMO_DIR / "permenti-transfer_episoden.csv"
CROSS_XLSX = DEMO_DIR / "cross-mentoring-duesseldorf-koeln_tracking.xlsx"


def german_dates(frame: pd.DataFrame, columns) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], format="%d.%m.%Y")
    return frame



def read_tracking_csv(path: pathlib.Path, encoding: str) -> pd.DataFrame:
    frame = pd.read_csv(path, sep=";", encoding=encoding, dtype=str)
    dates = [c for c in frame.columns
             if c in ("Eintritt", "Austritt") or c.endswith((" ab", " bis", " am"))]
    return german_dates(frame, dates)



def read_xlsx(path: pathlib.Path, sheet) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet, engine="calamine", dtype={"Kohorte": str})



def tracking_episodes(frame: pd.DataFrame) -> pd.DataFrame:
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



def active(episodes: pd.DataFrame, status: str, day: str) -> int:
    d = pd.Timestamp(day)
    e = episodes[episodes["Status"] == status]
    return e.loc[(e["Beginn"] <= d) & (e["Ende"].isna() | (e["Ende"] > d)),
                 "Teilnehmer-ID"].nunique()



def reached(episodes: pd.DataFrame, status: str, start: str, end: str) -> int:
    e = episodes[episodes["Status"] == status]
    inside = e["Beginn"].between(pd.Timestamp(start), pd.Timestamp(end))
    return e.loc[inside, "Teilnehmer-ID"].nunique()



def check_rules(people: pd.DataFrame, episodes: pd.DataFrame, last_day: str) -> None:
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
