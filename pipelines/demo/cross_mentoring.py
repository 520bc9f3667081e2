"""Cross-Mentoring Düsseldorf/Köln (Aug 2022 – Nov 2023): an XLSX tracking sheet with a `Programm`
column and a legend sheet.
"""

from __future__ import annotations

import datetime as dt
import pathlib

from pipelines.demo.common import D, PARTICIPANT_COLUMNS, Row, check_rows, write_xlsx

ID = "cross-mentoring-duesseldorf-koeln"

TOML = """\
# Cross-Mentoring Düsseldorf/Köln (Demo)
# 5 Mentees aus jeder Stadt mit Mentorinnen aus der jeweils anderen Stadt,
# 15 Monate Mentoring, 3 Seminare, 2 Netzwerktreffen.

[program]
id           = "cross-mentoring-duesseldorf-koeln"
name         = "Cross-Mentoring Düsseldorf/Köln"
organisation = "Kompetenzzentren Frau und Beruf Düsseldorf und Köln"
region       = "Düsseldorf und Köln, NRW"
funder       = "Ministerium für Kinder, Jugend, Familie, Gleichstellung, Flucht und Integration NRW"
start        = 2022-08-01
end          = 2023-11-30

[[target]]
id         = "cross-mentees"
funder     = "Ministerium für Kinder, Jugend, Familie, Gleichstellung, Flucht und Integration NRW"
label      = "10 Mentees eingetreten (5 je Stadt)"
measure    = "entered"
at_least   = 10
period     = { start = 2022-08-01, end = 2023-11-30 }

[[target]]
id         = "cross-employment"
funder     = "Ministerium für Kinder, Jugend, Familie, Gleichstellung, Flucht und Integration NRW"
label      = "Mindestens 4 Mentees in Beschäftigung"
measure    = "reached"
status     = "employment"
at_least   = 4
period     = { start = 2022-08-01, end = 2023-11-30 }
"""

COLUMNS = (["Teilnehmer-ID", "Programm"] + PARTICIPANT_COLUMNS[1:] + [
    "Mentorin", "Mentoring ab", "Mentoring bis", "Praktikum ab", "Praktikum bis",
    "Ausbildung ab", "Ausbildung bis", "Beschäftigung ab", "Beschäftigung bis",
    "Qualifikation am",
])


def rows() -> list[Row]:
    """The ten cross-city mentees, written out by hand (mentoring 15.08.2022–14.11.2023)."""
    # id, entry, birth year, origin, ISCED, German, extra cells
    mentees = [
        ("CM-D-01", "01.08.2022", 1984, "Syrien", 6, "B2", {"Beschäftigung ab": "01.04.2023"}),
        ("CM-D-02", "02.08.2022", 1989, "Iran", 7, "C1",
         {"Qualifikation am": "20.01.2023", "Beschäftigung ab": "01.06.2023"}),
        ("CM-D-03", "03.08.2022", 1993, "Ukraine", 6, "B1",
         {"Praktikum ab": "06.03.2023", "Praktikum bis": "31.03.2023"}),
        ("CM-D-04", "04.08.2022", 1978, "Türkei", 5, "C1", {}),
        ("CM-D-05", "08.08.2022", 1986, "Osteuropa", 6, "B2",
         {"Beschäftigung ab": "01.10.2022", "Beschäftigung bis": "31.03.2023"}),
        ("CM-K-01", "01.08.2022", 1982, "Afghanistan", 6, "B2",
         {"Beschäftigung ab": "01.09.2023"}),
        ("CM-K-02", "02.08.2022", 1990, "Irak", 7, "B2", {"Qualifikation am": "05.07.2023"}),
        ("CM-K-03", "05.08.2022", 1996, "Eritrea", 4, "B1", {"Ausbildung ab": "01.09.2023"}),
        ("CM-K-04", "09.08.2022", 1988, "Westafrika", 6, "B1",
         {"Mentoring bis": "15.03.2023", "Austritt": "15.03.2023",
          "Austrittsgrund": "abgebrochen"}),
        ("CM-K-05", "10.08.2022", 1975, "Westbalkan", 6, "C1",
         {"Beschäftigung ab": "15.11.2023"}),
    ]
    rows = []
    for pid, entry, born, origin, isced, level, extra in mentees:
        from_duesseldorf = pid.startswith("CM-D")
        row: Row = {
            "Teilnehmer-ID": pid, "Programm": ID,
            "Standort": "Düsseldorf" if from_duesseldorf else "Köln", "Kohorte": "2022",
            "Eintritt": D(entry), "Austritt": D("30.11.2023"), "Austrittsgrund": "abgeschlossen",
            "Geschlecht": "weiblich", "Geburtsjahr": born, "Herkunftsregion": origin,
            "ISCED": isced, "Deutschniveau": level,
            # the mentor comes from the other city: M-K.. = Köln, M-D.. = Düsseldorf
            "Mentorin": ("M-K" if from_duesseldorf else "M-D") + pid[-2:],
            "Mentoring ab": D("15.08.2022"), "Mentoring bis": D("14.11.2023"),
        }
        row.update({column: D(value) if column != "Austrittsgrund" else value
                    for column, value in extra.items()})
        rows.append(row)
    check_rows(rows, D("30.11.2023"))
    return rows


def write_files(out_dir: pathlib.Path) -> dict[str, pathlib.Path]:
    """The program file and the tracking sheet (with a legend sheet) in `out_dir`."""
    toml = out_dir / f"{ID}.toml"
    toml.write_bytes(TOML.encode("utf-8"))
    sheet = out_dir / f"{ID}_tracking.xlsx"
    write_xlsx(sheet, "Mentees", COLUMNS, rows(), {
        "title": "Cross-Mentoring Düsseldorf/Köln – Tracking",
        "author": "Cross-Mentoring Düsseldorf/Köln (Demo)",
        "created": dt.datetime(2023, 12, 1, 9, 0, 0),
    }, legend=[
        ("Begriff", "Bedeutung"),
        ("Standort", "Wohnort der Mentee; die Mentorin kommt aus der anderen Stadt"),
        ("Mentorin", "M-D.. = Mentorin aus Düsseldorf, M-K.. = Mentorin aus Köln"),
        ("Qualifikation am", "Tag der Anerkennung eines ausländischen Abschlusses"),
    ])
    return {toml.name: toml, sheet.name: sheet}
