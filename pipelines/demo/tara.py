"""TaRA – Tandems für Arbeit (Kreis Heinsberg, 2025): a CSV in Windows-1252, `;`, CRLF."""

from __future__ import annotations

import pathlib

from pipelines.demo.common import D, PARTICIPANT_COLUMNS, Row, check_rows, csv_bytes

ID = "tara-mentoring"

TOML = """\
# TaRA – Tandems für Arbeit, Kreis Heinsberg (Demo)
# 8 Tandems aus einer qualifizierten Migrantin und einer ehrenamtlichen Mentorin,
# sechs Monate, zusammengestellt nach Zielen, Erfahrung und Qualifikation.

[program]
id           = "tara-mentoring"
name         = "TaRA – Tandems für Arbeit"
organisation = "Kommunales Integrationszentrum Kreis Heinsberg"
region       = "Kreis Heinsberg, NRW"
funder       = "Kreis Heinsberg"
start        = 2025-01-01
end          = 2025-12-31

[[target]]
id         = "tara-tandems"
funder     = "Kreis Heinsberg"
label      = "8 Tandems gebildet"
measure    = "entered"
at_least   = 8
period     = { start = 2025-01-01, end = 2025-12-31 }

[[target]]
id         = "tara-employment"
funder     = "Kreis Heinsberg"
label      = "Mindestens 2 Frauen in Beschäftigung"
measure    = "reached"
status     = "employment"
at_least   = 2
period     = { start = 2025-01-01, end = 2025-12-31 }
"""

COLUMNS = (["Teilnehmer-ID", "Programm"] + PARTICIPANT_COLUMNS[1:] + [
    "Mentorin", "Mentoring ab", "Mentoring bis", "Sprachkurs ab", "Sprachkurs bis",
    "Praktikum ab", "Praktikum bis", "Beschäftigung ab", "Beschäftigung bis",
    "Qualifikation am",
])


def rows() -> list[Row]:
    """The eight TaRA tandems, written out by hand (mentoring 22.05.–21.11.2025)."""
    # id, site, entry (first talk), birth year, origin, ISCED, German, extra episodes
    tandems = [
        ("HS-01", "Heinsberg", "12.05.2025", 1987, "Syrien", 6, "B2",
         {"Beschäftigung ab": "01.10.2025"}),
        ("HS-02", "Hückelhoven", "13.05.2025", 1992, "Ukraine", 7, "B1",
         {"Sprachkurs ab": "16.06.2025", "Sprachkurs bis": "14.11.2025",
          "Praktikum ab": "01.09.2025", "Praktikum bis": "26.09.2025"}),
        ("HS-03", "Erkelenz", "14.05.2025", 1979, "Iran", 7, "C1",
         {"Qualifikation am": "17.10.2025", "Beschäftigung ab": "03.11.2025"}),
        ("HS-04", "Übach-Palenberg", "14.05.2025", 1990, "Türkei", 6, "B2", {}),
        ("HS-05", "Geilenkirchen", "15.05.2025", 1985, "Afghanistan", 5, "B1",
         {"Sprachkurs ab": "02.06.2025", "Sprachkurs bis": "29.08.2025",
          "Praktikum ab": "15.09.2025", "Praktikum bis": "10.10.2025"}),
        ("HS-06", "Heinsberg", "16.05.2025", 1995, "Eritrea", 4, "B1", {}),
        ("HS-07", "Wegberg", "19.05.2025", 1983, "Irak", 6, "B2", {}),
        ("HS-08", "Hückelhoven", "20.05.2025", 1976, "Westbalkan", 5, "B2", {}),
    ]
    rows = []
    for number, (pid, site, entry, born, origin, isced, level, extra) in enumerate(tandems, 1):
        row: Row = {
            "Teilnehmer-ID": pid, "Programm": ID, "Standort": site, "Kohorte": "2025",
            "Eintritt": D(entry), "Austritt": D("21.11.2025"), "Austrittsgrund": "abgeschlossen",
            "Geschlecht": "weiblich", "Geburtsjahr": born, "Herkunftsregion": origin,
            "ISCED": isced, "Deutschniveau": level, "Mentorin": f"M{number:02d}",
            "Mentoring ab": D("22.05.2025"), "Mentoring bis": D("21.11.2025"),
        }
        row.update({column: D(value) for column, value in extra.items()})
        rows.append(row)
    check_rows(rows, D("31.12.2025"))
    return rows


def write_files(out_dir: pathlib.Path) -> dict[str, pathlib.Path]:
    """The program file and the tandem CSV (as German Excel writes it) in `out_dir`."""
    toml = out_dir / f"{ID}.toml"
    toml.write_bytes(TOML.encode("utf-8"))
    sheet = out_dir / f"{ID}_tandems.csv"
    sheet.write_bytes(csv_bytes(COLUMNS, rows(), delimiter=";", encoding="cp1252", newline="\r\n"))
    return {toml.name: toml, sheet.name: sheet}
