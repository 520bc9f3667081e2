"""Sozialwirtschaft integriert (Stadt Kassel): an XLSX tracking sheet, snapshot 31.08.2020.

The sheet reproduces the published figures of 31.08.2020: 155 women entered, 106 in coaching,
14 in employment and 37 who started vocational training (checked by `figures`). The 14 are all
the women who ever started a job by then, and none of them started training: the city's
"37 in training + 14 in employment = 51 ≥ 50" counts each woman once.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import random

from pipelines.demo.common import (
    D, PARTICIPANT_COLUMNS, Row, birth_year, check_rows, contract_start, day_between, episode_end,
    plus_days, weighted_choice, working_day, write_xlsx,
)

ID = "sozialwirtschaft-integriert"
AS_OF = D("31.08.2020")
FIGURES = {"entered": 155, "coaching": 106, "employment": 14, "training": 37,
           "employment_started": 14, "training_and_employment": 0}

# Career-orientation courses: start (a Monday) and number of women.
COHORTS = {
    "1": (D("16.04.2018"), 22),
    "2": (D("10.09.2018"), 23),
    "3": (D("04.02.2019"), 22),
    "4": (D("24.06.2019"), 23),
    "5": (D("04.11.2019"), 22),
    "6": (D("09.03.2020"), 21),
    "7": (D("24.08.2020"), 22),
}
# Usual start dates of vocational training in care (April/October) and child care (Aug/Sep).
TRAINING_STARTS = [
    D("01.08.2018"), D("01.10.2018"), D("01.04.2019"), D("01.08.2019"), D("01.09.2019"),
    D("01.10.2019"), D("01.04.2020"), D("01.08.2020"),
]
SITES = {"Kassel-Mitte": ("C01", "C02"), "Kassel-Nord": ("C03", "C04"),
                "Kassel-Ost": ("C05", "C06")}

# How each course's women stand on 31.08.2020 (the rest of each course: still in coaching,
# no outcome yet). T = started training, E = employment, X = left without outcome.
FATES = {
    #                    course 1  2  3  4  5  6
    "T_in_coaching":         (2, 3, 4, 3, 3, 1),   # in training, coaching continues
    "T_completed":           (5, 4, 3, 2, 1, 0),   # in training, left the program
    "T_broke_off":           (1, 2, 1, 0, 0, 0),   # training ended early, still in coaching
    "T_broke_off_left":      (1, 1, 0, 0, 0, 0),   # training ended early, left the program
    "E_in_coaching":         (1, 2, 1, 1, 1, 0),   # employed, coaching continues
    "E_completed":           (2, 2, 2, 1, 1, 0),   # employed, left the program
    "X_dropped_out":         (1, 1, 1, 1, 1, 1),
    "X_moved":               (2, 2, 2, 1, 1, 1),
    "X_other":               (2, 2, 2, 1, 1, 1),
}

ORIGINS = {
    "Syrien": 22, "Afghanistan": 15, "Eritrea": 10, "Irak": 8, "Iran": 7, "Türkei": 10,
    "Westbalkan": 8, "Osteuropa": 8, "Westafrika": 6, "Somalia": 6,
}
ISCED = {1: 10, 2: 20, 3: 35, 4: 10, 5: 3, 6: 16, 7: 6}

TOML = """\
# Sozialwirtschaft integriert – Stadt Kassel (Demo)
# Frauen mit Migrationshintergrund qualifizieren sich für soziale Berufe
# (Altenpflege, Kinderbetreuung). Jede Teilnehmerin hat für die ganze Zeit ein Coaching.

[program]
id           = "sozialwirtschaft-integriert"
name         = "Sozialwirtschaft integriert"
organisation = "Stadt Kassel"
region       = "Kassel, Hessen"
funder       = "Hessisches Ministerium für Soziales und Integration"
start        = 2018-01-01
end          = 2022-12-31

[[target]]
id         = "kassel-agreement"
funder     = "Hessisches Ministerium für Soziales und Integration"
label      = "Zielvereinbarung: mindestens 50 Frauen in Ausbildung oder Beschäftigung"
measure    = "reached"
status     = ["training", "employment"]
at_least   = 50
period     = { start = 2018-01-01, end = 2022-12-31 }
headline   = true

[[target]]
id         = "kassel-training"
funder     = "Hessisches Ministerium für Soziales und Integration"
label      = "Mindestens 50 Frauen in Ausbildung"
measure    = "reached"
status     = "training"
at_least   = 50
period     = { start = 2018-01-01, end = 2022-12-31 }
milestones = [ { date = 2019-12-31, value = 20 }, { date = 2020-12-31, value = 35 } ]

[[target]]
id         = "kassel-entered"
funder     = "Hessisches Ministerium für Soziales und Integration"
label      = "Mindestens 150 Frauen eingetreten"
measure    = "entered"
at_least   = 150
period     = { start = 2018-01-01, end = 2022-12-31 }

[[target]]
id         = "kassel-employment"
funder     = "Hessisches Ministerium für Soziales und Integration"
label      = "Mindestens 25 Frauen in sozialversicherungspflichtiger Beschäftigung"
measure    = "reached"
status     = "employment"
at_least   = 25
period     = { start = 2018-01-01, end = 2022-12-31 }
"""

COLUMNS = PARTICIPANT_COLUMNS + [
    "Coach", "Coaching ab", "Coaching bis", "Sprachkurs ab", "Sprachkurs bis",
    "Praktikum ab", "Praktikum bis", "Ausbildung ab", "Ausbildung bis",
    "Beschäftigung ab", "Beschäftigung bis",
]


def _training_start(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A usual training start date in [lo, hi]."""
    options = [day for day in TRAINING_STARTS if lo <= day <= hi]
    if not options:
        raise ValueError(f"no training start in {lo} – {hi}")
    return rng.choice(options)


def _outcomes(rng: random.Random, fate: str, entry: dt.date) -> Row:
    """Training, employment and exit of one woman, following her fate (see FATES)."""
    as_of = AS_OF
    ready = plus_days(entry, 120)  # the orientation course comes first
    out: Row = {}
    if fate.startswith("T_"):
        latest = {"T_in_coaching": as_of, "T_completed": plus_days(as_of, -120)}.get(
            fate, plus_days(as_of, -180))
        start = _training_start(rng, ready, latest)
        out["Ausbildung ab"] = start
        if fate == "T_completed":
            # coaching ends once the probation period is over
            out["Austritt"] = plus_days(start, rng.randint(120, min(300, (as_of - start).days)))
            out["Austrittsgrund"] = "abgeschlossen"
        elif fate.startswith("T_broke_off"):
            end = plus_days(start, rng.randint(60, min(240, (as_of - start).days - 90)))
            out["Ausbildung bis"] = end
            if fate == "T_broke_off_left":
                out["Austritt"] = day_between(rng, plus_days(end, 1), plus_days(end, 60))
                out["Austrittsgrund"] = rng.choice(["abgebrochen", "verzogen"])
    elif fate.startswith("E_"):
        if fate == "E_in_coaching":
            out["Beschäftigung ab"] = contract_start(rng, ready, plus_days(as_of, -7))
        else:  # E_completed
            start = contract_start(rng, ready, plus_days(as_of, -120))
            out["Beschäftigung ab"] = start
            out["Austritt"] = plus_days(start, rng.randint(90, min(240, (as_of - start).days)))
            out["Austrittsgrund"] = "abgeschlossen"
    elif fate.startswith("X_"):
        out["Austritt"] = plus_days(entry, rng.randint(30, min(500, (as_of - entry).days)))
        out["Austrittsgrund"] = {"X_dropped_out": "abgebrochen", "X_moved": "verzogen",
                                 "X_other": "sonstiges"}[fate]
    if "Austritt" in out:  # the office records exits on working days (31.08.2020 is a Monday)
        out["Austritt"] = working_day(out["Austritt"])
    return out


def _support(rng: random.Random, row: Row) -> None:
    """Add a language course and an internship (before any training) to one row."""
    as_of = AS_OF
    entry, exit_date = row["Eintritt"], row.get("Austritt")
    limit = exit_date or as_of
    course_chance = {"A1": 0.9, "A2": 0.8, "B1": 0.55, "B2": 0.25, "C1": 0.05}
    if rng.random() < course_chance[row["Deutschniveau"]]:
        start = working_day(plus_days(entry, rng.randint(7, 60)))
        if start <= limit:
            row["Sprachkurs ab"] = start
            row["Sprachkurs bis"] = episode_end(start, rng.randint(120, 270), exit_date, as_of)
    if row["Kohorte"] != "7" and rng.random() < 0.45:
        hi = min(limit, row.get("Ausbildung ab") or limit, row.get("Beschäftigung ab") or limit)
        lo = plus_days(entry, 60)
        if plus_days(hi, -21) >= lo:
            start = working_day(day_between(rng, lo, min(plus_days(lo, 180), plus_days(hi, -21))))
            length = min(rng.randint(13, 55), (hi - start).days - 1)
            row["Praktikum ab"] = start
            row["Praktikum bis"] = episode_end(start, length, exit_date, as_of)


def rows() -> list[Row]:
    """The Kassel tracking sheet: one row per woman, as of 31.08.2020.

    Built course by course from FATES, so the published figures hold exactly;
    checked by `figures` before returning.
    """
    rng = random.Random(2018_0831)
    drawn: list[tuple[dt.date, float, Row]] = []
    for course, (course_start, size) in COHORTS.items():
        index = int(course) - 1
        fates = [fate for fate, counts in FATES.items()
                 for _ in range(counts[index] if index < 6 else 0)]
        fates += ["open"] * (size - len(fates))
        rng.shuffle(fates)
        for fate in fates:
            entry = working_day(plus_days(course_start, -rng.randint(0, 35)))  # intake interview
            site = weighted_choice(rng, {"Kassel-Mitte": 45, "Kassel-Nord": 30, "Kassel-Ost": 25})
            outcome = fate.startswith(("T_", "E_"))
            level = weighted_choice(rng, {"A2": 15, "B1": 45, "B2": 35, "C1": 5} if outcome
                          else {"A1": 15, "A2": 40, "B1": 35, "B2": 10})
            row: Row = {
                "Standort": site, "Kohorte": course, "Eintritt": entry,
                "Geschlecht": "weiblich", "Geburtsjahr": birth_year(rng),
                "Herkunftsregion": weighted_choice(rng, ORIGINS),
                "ISCED": weighted_choice(rng, ISCED), "Deutschniveau": level,
                "Coach": rng.choice(SITES[site]),
            }
            row.update(_outcomes(rng, fate, entry))
            row["Coaching ab"] = entry
            row["Coaching bis"] = row.get("Austritt")  # a coach for the whole time
            _support(rng, row)
            drawn.append((entry, rng.random(), row))
    # case numbers run by year of entry, in order of entry
    rows = [row for _, _, row in sorted(drawn, key=lambda item: item[:2])]
    per_year: dict[int, int] = {}
    for row in rows:
        year = row["Eintritt"].year
        per_year[year] = per_year.get(year, 0) + 1
        row["Teilnehmer-ID"] = f"KS-{year}-{per_year[year]:03d}"
    check_rows(rows, AS_OF)
    found = figures(rows, AS_OF)
    if found != FIGURES:
        raise AssertionError(f"Kassel figures drifted: {found}")
    return rows


def figures(rows: list[Row], day: dt.date) -> dict[str, int]:
    """entered / active coaching / active employment / reached training on `day`, and how many
    ever started a job by then, and how many started both a job and training."""
    def active(row: Row, status: str) -> bool:
        start, end = row.get(f"{status} ab"), row.get(f"{status} bis")
        return start is not None and start <= day and (end is None or end > day)

    def started(row: Row, status: str) -> bool:
        start = row.get(f"{status} ab")
        return start is not None and program_start <= start <= day

    program_start = D("01.01.2018")
    return {
        "entered": sum(program_start <= row["Eintritt"] <= day for row in rows),
        "coaching": sum(active(row, "Coaching") for row in rows),
        "employment": sum(active(row, "Beschäftigung") for row in rows),
        "training": sum(started(row, "Ausbildung") for row in rows),
        "employment_started": sum(started(row, "Beschäftigung") for row in rows),
        "training_and_employment": sum(started(row, "Ausbildung") and started(row, "Beschäftigung")
                                       for row in rows),
    }


def write_files(out_dir: pathlib.Path) -> dict[str, pathlib.Path]:
    """The program file and the tracking sheet in `out_dir`: {file name: path}."""
    toml = out_dir / f"{ID}.toml"
    toml.write_bytes(TOML.encode("utf-8"))
    sheet = out_dir / f"{ID}_teilnehmerinnen.xlsx"
    write_xlsx(sheet, "Teilnehmerinnen", COLUMNS, rows(), {
        "title": "Sozialwirtschaft integriert – Teilnehmerinnen (Stand 31.08.2020)",
        "author": "Stadt Kassel (Demo)", "created": dt.datetime(2020, 9, 1, 8, 0, 0),
    })
    return {toml.name: toml, sheet.name: sheet}
