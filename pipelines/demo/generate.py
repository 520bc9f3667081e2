"""Deterministic demo data for the four programs described in DESIGN.md.

`write_demo_files(out_dir)` writes the program files (TOML) and the participant data in the
formats project leads actually send: an Excel tracking sheet, a German CSV in Windows-1252,
a long participants/episodes pair and a second tracking sheet with a `Programm` column.
Every file comes out byte for byte the same on every run: each program draws from its own
`random.Random` with a fixed seed, and nothing depends on today's date or the locale.

`DEMO_FILES` lists the files in the order they must be ingested, each with the program id a
user passes as `--program` (None for TOML files and for files with a `Programm` column).

The Kassel sheet is a snapshot as of 31.08.2020 and reproduces the published figures of
"Sozialwirtschaft integriert": 155 women entered, 106 in coaching, 14 in employment and 37
who started vocational training.

Run `python -m pipelines.demo.generate` to regenerate `data/demo/`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import random

import xlsxwriter

Row = dict[str, object]

DEMO_FILES: list[tuple[str, str | None]] = [
    ("sozialwirtschaft-integriert.toml", None),
    ("tara-mentoring.toml", None),
    ("permenti-transfer.toml", None),
    ("cross-mentoring-duesseldorf-koeln.toml", None),
    ("sozialwirtschaft-integriert_teilnehmerinnen.xlsx", "sozialwirtschaft-integriert"),
    ("tara-mentoring_tandems.csv", None),
    ("permenti-transfer_teilnehmende.csv", None),
    ("permenti-transfer_episoden.csv", None),
    ("cross-mentoring-duesseldorf-koeln_tracking.xlsx", None),
]

DEFAULT_DIR = pathlib.Path(__file__).resolve().parents[2] / "data" / "demo"

# Participant columns shared by all formats (the `Programm` column is added where present).
PARTICIPANT_COLUMNS = [
    "Teilnehmer-ID", "Standort", "Kohorte", "Eintritt", "Austritt", "Austrittsgrund",
    "Geschlecht", "Geburtsjahr", "Herkunftsregion", "ISCED", "Deutschniveau",
]
EPISODE_COLUMNS = ["Teilnehmer-ID", "Programm", "Status", "Beginn", "Ende"]


def D(text: str) -> dt.date:
    """A date from German notation: D("31.08.2020")."""
    day, month, year = (int(part) for part in text.split("."))
    return dt.date(year, month, day)


def _plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def _weekday(day: dt.date) -> dt.date:
    """The same day, or the following Monday if it falls on a weekend."""
    while day.weekday() >= 5:
        day = _plus(day, 1)
    return day


def _between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A random day in [lo, hi]."""
    if hi < lo:
        raise ValueError(f"empty date range {lo} – {hi}")
    return _plus(lo, rng.randint(0, (hi - lo).days))


def _contract_start(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A random 1st or 15th of a month in [lo, hi] (when job contracts begin)."""
    days = [
        dt.date(year, month, dom)
        for year in range(lo.year, hi.year + 1)
        for month in range(1, 13)
        for dom in (1, 15)
        if lo <= dt.date(year, month, dom) <= hi
    ]
    if not days:
        raise ValueError(f"no contract start in {lo} – {hi}")
    return rng.choice(days)


def _pick(rng: random.Random, weights: dict) -> object:
    """One key of `weights`, drawn with the given weights (insertion order is fixed)."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _birth_year(rng: random.Random, lo: int = 1966, hi: int = 2001, mode: int = 1988) -> int:
    return int(rng.triangular(lo, hi, mode))


def _episode_end(start: dt.date, length: int, exit_date: dt.date | None,
                 as_of: dt.date) -> dt.date | None:
    """End of an episode of `length` days: cut at the exit, left open beyond the data date."""
    end = _plus(start, length)
    if exit_date is not None and end > exit_date:
        end = exit_date
    return None if end > as_of else end


# ---------------------------------------------------------------------------------------
# 1. Sozialwirtschaft integriert (Stadt Kassel) – XLSX tracking sheet, snapshot 31.08.2020
# ---------------------------------------------------------------------------------------

KASSEL_ID = "sozialwirtschaft-integriert"
KASSEL_AS_OF = D("31.08.2020")
KASSEL_FIGURES = {"entered": 155, "coaching": 106, "employment": 14, "training": 37}

# Career-orientation courses: start (a Monday) and number of women.
KASSEL_COHORTS = {
    "1": (D("16.04.2018"), 22),
    "2": (D("10.09.2018"), 23),
    "3": (D("04.02.2019"), 22),
    "4": (D("24.06.2019"), 23),
    "5": (D("04.11.2019"), 22),
    "6": (D("09.03.2020"), 21),
    "7": (D("24.08.2020"), 22),
}
# Usual start dates of vocational training in care (April/October) and child care (Aug/Sep).
KASSEL_TRAINING_STARTS = [
    D("01.08.2018"), D("01.10.2018"), D("01.04.2019"), D("01.08.2019"), D("01.09.2019"),
    D("01.10.2019"), D("01.04.2020"), D("01.08.2020"),
]
KASSEL_SITES = {"Kassel-Mitte": ("C01", "C02"), "Kassel-Nord": ("C03", "C04"),
                "Kassel-Ost": ("C05", "C06")}

# How each course's women stand on 31.08.2020 (the rest of each course: still in coaching,
# no outcome yet). T = started training, E = employment, X = left without outcome.
KASSEL_FATES = {
    #                    course 1  2  3  4  5  6
    "T_in_coaching":         (2, 3, 4, 3, 3, 1),   # in training, coaching continues
    "T_completed":           (5, 4, 3, 2, 1, 0),   # in training, left the program
    "T_broke_off":           (1, 1, 1, 0, 0, 0),   # training ended early, still in coaching
    "T_broke_off_then_job":  (0, 1, 0, 0, 0, 0),   # ... and found a job afterwards
    "T_broke_off_left":      (1, 1, 0, 0, 0, 0),   # training ended early, left the program
    "E_in_coaching":         (1, 1, 1, 1, 1, 0),   # employed, coaching continues
    "E_completed":           (2, 2, 2, 1, 1, 0),   # employed, left the program
    "E_ended_in_coaching":   (0, 1, 0, 1, 0, 0),   # job ended, back in coaching
    "E_ended_left":          (1, 1, 1, 0, 0, 0),   # job ended, left the program
    "X_dropped_out":         (1, 1, 1, 1, 1, 1),
    "X_moved":               (2, 2, 2, 1, 1, 1),
    "X_other":               (1, 1, 1, 1, 1, 1),
}

KASSEL_ORIGINS = {
    "Syrien": 22, "Afghanistan": 15, "Eritrea": 10, "Irak": 8, "Iran": 7, "Türkei": 10,
    "Westbalkan": 8, "Osteuropa": 8, "Westafrika": 6, "Somalia": 6,
}
KASSEL_ISCED = {1: 10, 2: 20, 3: 35, 4: 10, 5: 3, 6: 16, 7: 6}

KASSEL_TOML = """\
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
label      = "Mindestens 150 Frauen aufgenommen"
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

KASSEL_COLUMNS = PARTICIPANT_COLUMNS + [
    "Coach", "Coaching ab", "Coaching bis", "Sprachkurs ab", "Sprachkurs bis",
    "Praktikum ab", "Praktikum bis", "Ausbildung ab", "Ausbildung bis",
    "Beschäftigung ab", "Beschäftigung bis",
]


def _kassel_training_start(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A usual training start date in [lo, hi]."""
    options = [day for day in KASSEL_TRAINING_STARTS if lo <= day <= hi]
    if not options:
        raise ValueError(f"no training start in {lo} – {hi}")
    return rng.choice(options)


def _kassel_outcomes(rng: random.Random, fate: str, entry: dt.date) -> Row:
    """Training, employment and exit of one woman, following her fate (see KASSEL_FATES)."""
    as_of = KASSEL_AS_OF
    ready = _plus(entry, 120)  # the orientation course comes first
    out: Row = {}
    if fate.startswith("T_"):
        latest = {"T_in_coaching": as_of, "T_completed": _plus(as_of, -120)}.get(
            fate, _plus(as_of, -180))
        start = _kassel_training_start(rng, ready, latest)
        out["Ausbildung ab"] = start
        if fate == "T_completed":
            # coaching ends once the probation period is over
            out["Austritt"] = _plus(start, rng.randint(120, min(300, (as_of - start).days)))
            out["Austrittsgrund"] = "abgeschlossen"
        elif fate.startswith("T_broke_off"):
            end = _plus(start, rng.randint(60, min(240, (as_of - start).days - 90)))
            out["Ausbildung bis"] = end
            if fate == "T_broke_off_then_job":
                out["Beschäftigung ab"] = _contract_start(rng, _plus(end, 30), _plus(as_of, -14))
            elif fate == "T_broke_off_left":
                out["Austritt"] = _between(rng, _plus(end, 1), _plus(end, 60))
                out["Austrittsgrund"] = rng.choice(["abgebrochen", "verzogen"])
    elif fate.startswith("E_"):
        if fate == "E_in_coaching":
            out["Beschäftigung ab"] = _contract_start(rng, ready, _plus(as_of, -7))
        elif fate == "E_completed":
            start = _contract_start(rng, ready, _plus(as_of, -120))
            out["Beschäftigung ab"] = start
            out["Austritt"] = _plus(start, rng.randint(90, min(240, (as_of - start).days)))
            out["Austrittsgrund"] = "abgeschlossen"
        else:  # the job ended
            start = _contract_start(rng, ready, _plus(as_of, -150))
            end = _plus(start, rng.randint(60, min(300, (as_of - start).days - 60)))
            out["Beschäftigung ab"], out["Beschäftigung bis"] = start, end
            if fate == "E_ended_left":
                out["Austritt"] = _between(rng, _plus(end, 7), min(_plus(end, 60), as_of))
                out["Austrittsgrund"] = rng.choice(["verzogen", "sonstiges"])
    elif fate.startswith("X_"):
        out["Austritt"] = _plus(entry, rng.randint(30, min(500, (as_of - entry).days)))
        out["Austrittsgrund"] = {"X_dropped_out": "abgebrochen", "X_moved": "verzogen",
                                 "X_other": "sonstiges"}[fate]
    if "Austritt" in out:  # the office records exits on working days (31.08.2020 is a Monday)
        out["Austritt"] = _weekday(out["Austritt"])
    return out


def _kassel_support(rng: random.Random, row: Row) -> None:
    """Add a language course and an internship (before any training) to one row."""
    as_of = KASSEL_AS_OF
    entry, exit_date = row["Eintritt"], row.get("Austritt")
    limit = exit_date or as_of
    course_chance = {"A1": 0.9, "A2": 0.8, "B1": 0.55, "B2": 0.25, "C1": 0.05}
    if rng.random() < course_chance[row["Deutschniveau"]]:
        start = _weekday(_plus(entry, rng.randint(7, 60)))
        if start <= limit:
            row["Sprachkurs ab"] = start
            row["Sprachkurs bis"] = _episode_end(start, rng.randint(120, 270), exit_date, as_of)
    if row["Kohorte"] != "7" and rng.random() < 0.45:
        hi = min(limit, row.get("Ausbildung ab") or limit, row.get("Beschäftigung ab") or limit)
        lo = _plus(entry, 60)
        if _plus(hi, -21) >= lo:
            start = _weekday(_between(rng, lo, min(_plus(lo, 180), _plus(hi, -21))))
            length = min(rng.randint(13, 55), (hi - start).days - 1)
            row["Praktikum ab"] = start
            row["Praktikum bis"] = _episode_end(start, length, exit_date, as_of)


def kassel_rows() -> list[Row]:
    """The Kassel tracking sheet: one row per woman, as of 31.08.2020.

    Built course by course from KASSEL_FATES, so the published figures hold exactly;
    checked by `kassel_figures` before returning.
    """
    rng = random.Random(2018_0831)
    drawn: list[tuple[dt.date, float, Row]] = []
    for course, (course_start, size) in KASSEL_COHORTS.items():
        index = int(course) - 1
        fates = [fate for fate, counts in KASSEL_FATES.items()
                 for _ in range(counts[index] if index < 6 else 0)]
        fates += ["open"] * (size - len(fates))
        rng.shuffle(fates)
        for fate in fates:
            entry = _weekday(_plus(course_start, -rng.randint(0, 35)))  # intake interview
            site = _pick(rng, {"Kassel-Mitte": 45, "Kassel-Nord": 30, "Kassel-Ost": 25})
            outcome = fate.startswith(("T_", "E_"))
            level = _pick(rng, {"A2": 15, "B1": 45, "B2": 35, "C1": 5} if outcome
                          else {"A1": 15, "A2": 40, "B1": 35, "B2": 10})
            row: Row = {
                "Standort": site, "Kohorte": course, "Eintritt": entry,
                "Geschlecht": "weiblich", "Geburtsjahr": _birth_year(rng),
                "Herkunftsregion": _pick(rng, KASSEL_ORIGINS),
                "ISCED": _pick(rng, KASSEL_ISCED), "Deutschniveau": level,
                "Coach": rng.choice(KASSEL_SITES[site]),
            }
            row.update(_kassel_outcomes(rng, fate, entry))
            row["Coaching ab"] = entry
            row["Coaching bis"] = row.get("Austritt")  # a coach for the whole time
            _kassel_support(rng, row)
            drawn.append((entry, rng.random(), row))
    # case numbers run by year of entry, in order of entry
    rows = [row for _, _, row in sorted(drawn, key=lambda item: item[:2])]
    per_year: dict[int, int] = {}
    for row in rows:
        year = row["Eintritt"].year
        per_year[year] = per_year.get(year, 0) + 1
        row["Teilnehmer-ID"] = f"KS-{year}-{per_year[year]:03d}"
    _check_rows(rows, KASSEL_AS_OF)
    figures = kassel_figures(rows, KASSEL_AS_OF)
    if figures != KASSEL_FIGURES:
        raise AssertionError(f"Kassel figures drifted: {figures}")
    return rows


def kassel_figures(rows: list[Row], day: dt.date) -> dict[str, int]:
    """entered / active coaching / active employment / reached training on `day`."""
    def active(row: Row, status: str) -> bool:
        start, end = row.get(f"{status} ab"), row.get(f"{status} bis")
        return start is not None and start <= day and (end is None or end > day)

    program_start = D("01.01.2018")
    return {
        "entered": sum(program_start <= row["Eintritt"] <= day for row in rows),
        "coaching": sum(active(row, "Coaching") for row in rows),
        "employment": sum(active(row, "Beschäftigung") for row in rows),
        "training": sum(row.get("Ausbildung ab") is not None
                        and program_start <= row["Ausbildung ab"] <= day for row in rows),
    }


# ---------------------------------------------------------------------------------------
# 2. TaRA – Tandems für Arbeit (Kreis Heinsberg) – CSV, Windows-1252, `;`, CRLF
# ---------------------------------------------------------------------------------------

TARA_ID = "tara-mentoring"

TARA_TOML = """\
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

TARA_COLUMNS = (["Teilnehmer-ID", "Programm"] + PARTICIPANT_COLUMNS[1:] + [
    "Mentorin", "Mentoring ab", "Mentoring bis", "Sprachkurs ab", "Sprachkurs bis",
    "Praktikum ab", "Praktikum bis", "Beschäftigung ab", "Beschäftigung bis",
    "Qualifikation am",
])


def tara_rows() -> list[Row]:
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
            "Teilnehmer-ID": pid, "Programm": TARA_ID, "Standort": site, "Kohorte": "2025",
            "Eintritt": D(entry), "Austritt": D("21.11.2025"), "Austrittsgrund": "abgeschlossen",
            "Geschlecht": "weiblich", "Geburtsjahr": born, "Herkunftsregion": origin,
            "ISCED": isced, "Deutschniveau": level, "Mentorin": f"M{number:02d}",
            "Mentoring ab": D("22.05.2025"), "Mentoring bis": D("21.11.2025"),
        }
        row.update({column: D(value) for column, value in extra.items()})
        rows.append(row)
    _check_rows(rows, D("31.12.2025"))
    return rows


# ---------------------------------------------------------------------------------------
# 3. PerMenti Transfer (NRW, 2019–2020) – long format: participants + episodes
# ---------------------------------------------------------------------------------------

PERMENTI_ID = "permenti-transfer"
PERMENTI_AS_OF = D("31.12.2020")
PERMENTI_CLOSING = D("11.12.2020")  # last mentoring meeting of the 2020 groups


# Per site: id code, group sizes and mentoring starts for 2019 and 2020, and the chances
# of training, employment and internship (the partners differ, so do the results).
PERMENTI_SITES = {
    "Bielefeld": {"code": "BI", "sizes": (16, 15), "starts": ("01.04.2019", "03.02.2020"),
                  "training": 0.40, "employment": 0.25, "internship": 0.60,
                  "qualification": 0.15},
    "Köln": {"code": "KO", "sizes": (15, 14), "starts": ("18.03.2019", "20.01.2020"),
             "training": 0.15, "employment": 0.55, "internship": 0.35, "qualification": 0.25},
    "Ennepe-Ruhr-Kreis": {"code": "EN", "sizes": (12, 10), "starts": ("06.05.2019", "02.03.2020"),
                          "training": 0.25, "employment": 0.25, "internship": 0.45,
                          "qualification": 0.10},
}
# German level: chance factor and extra waiting time (days) before training or a job.
PERMENTI_LEVELS = {"A2": (0.5, 180), "B1": (1.0, 60), "B2": (1.2, 0), "C1": (1.2, 0)}
PERMENTI_ORIGINS = {
    "Syrien": 25, "Irak": 10, "Iran": 10, "Afghanistan": 10, "Türkei": 10, "Eritrea": 5,
    "Westafrika": 8, "Westbalkan": 7, "Osteuropa": 10, "Nordafrika": 5,
}

PERMENTI_TOML = """\
# PerMenti Transfer – ein Mentoring-Ansatz an drei Standorten in NRW (Demo)

[program]
id           = "permenti-transfer"
name         = "PerMenti Transfer"
organisation = "PerMenti-Verbund NRW"
region       = "Nordrhein-Westfalen"
funder       = "Ministerium für Kinder, Familie, Flüchtlinge und Integration NRW"
start        = 2019-01-01
end          = 2020-12-31

[[target]]
id         = "permenti-employment-share"
funder     = "Ministerium für Kinder, Familie, Flüchtlinge und Integration NRW"
label      = "30 % der Teilnehmenden in Beschäftigung"
measure    = "share"
status     = "employment"
at_least   = 30
period     = { start = 2019-01-01, end = 2020-12-31 }

[[target]]
id         = "permenti-bielefeld-training"
funder     = "Ministerium für Kinder, Familie, Flüchtlinge und Integration NRW"
label      = "Bielefeld: mindestens 8 Frauen in Ausbildung"
measure    = "reached"
status     = "training"
at_least   = 8
period     = { start = 2019-01-01, end = 2020-12-31 }
where      = { site = "Bielefeld" }

[[target]]
id         = "permenti-koeln-employment"
funder     = "Ministerium für Kinder, Familie, Flüchtlinge und Integration NRW"
label      = "Köln: mindestens 10 Frauen in Beschäftigung"
measure    = "reached"
status     = "employment"
at_least   = 10
period     = { start = 2019-01-01, end = 2020-12-31 }
where      = { site = "Köln" }
"""

PERMENTI_PARTICIPANT_COLUMNS = (["Teilnehmer-ID", "Programm"] + PARTICIPANT_COLUMNS[1:]
                                + ["Mentorin"])


def _permenti_outcome(rng: random.Random, status: str, entry: dt.date, wait: int) -> dt.date:
    """Start of a training (Aug/Sep/Oct) or a job (1st/15th) after the waiting time."""
    earliest = _plus(entry, wait + rng.randint(90, 360))
    if status == "Ausbildung":
        return min(dt.date(year, month, 1) for year in (2019, 2020, 2021)
                   for month in (8, 9, 10) if dt.date(year, month, 1) >= earliest)
    return _contract_start(rng, earliest, _plus(earliest, 31))


def _permenti_person(rng: random.Random, site: str, group: int, start: dt.date
                     ) -> tuple[Row, list[tuple[str, dt.date, dt.date | None]]]:
    """One mentee: her participant row and her episodes (status, start, end)."""
    params = PERMENTI_SITES[site]
    as_of = PERMENTI_AS_OF
    entry = _weekday(_plus(start, -rng.randint(0, 28)))
    level = _pick(rng, {"A2": 25, "B1": 35, "B2": 25, "C1": 15})
    factor, wait = PERMENTI_LEVELS[level]
    planned_end = _plus(start, 364) if group == 2019 else PERMENTI_CLOSING
    person: Row = {
        "Standort": site, "Kohorte": str(group), "Eintritt": entry,
        "Geschlecht": "weiblich", "Geburtsjahr": _birth_year(rng, 1966, 2001, 1986),
        "Herkunftsregion": _pick(rng, PERMENTI_ORIGINS),
        "ISCED": _pick(rng, {2: 10, 3: 30, 4: 15, 5: 5, 6: 25, 7: 15}),
        "Deutschniveau": level,
    }
    # leaving early, completing, or re-entering mentoring after a break
    leaves_early = rng.random() < 0.18
    reenters = group == 2019 and not leaves_early and rng.random() < 0.2
    if leaves_early:
        exit_date = _plus(start, rng.randint(45, (planned_end - start).days - 30))
        person["Austrittsgrund"] = _pick(rng, {"abgebrochen": 5, "verzogen": 3, "sonstiges": 2})
        mentoring = [(start, exit_date)]
    elif reenters:
        again = _weekday(_plus(planned_end, rng.randint(60, 120)))
        exit_date = min(_plus(again, rng.randint(120, 200)), PERMENTI_CLOSING)
        mentoring = [(start, planned_end), (again, exit_date)]
    else:
        exit_date = planned_end
        mentoring = [(start, planned_end)]

    outcomes: dict[str, dt.date] = {}
    for status, key in (("Ausbildung", "training"), ("Beschäftigung", "employment")):
        if rng.random() < params[key] * factor:
            outcomes[status] = _permenti_outcome(rng, status, entry, wait)
    if len(outcomes) == 2 and outcomes["Beschäftigung"] >= outcomes["Ausbildung"]:
        del outcomes["Beschäftigung"]  # training wins; a job before it is kept
    # the program accompanies a transition that starts up to five months after mentoring
    if not leaves_early:
        for day in outcomes.values():
            if exit_date < day <= min(_plus(exit_date, 160), PERMENTI_CLOSING):
                exit_date = min(_plus(day, rng.randint(0, 21)), PERMENTI_CLOSING)
        person["Austrittsgrund"] = "abgeschlossen"
    person["Austritt"] = exit_date

    # what happens after the exit is not known to the program
    outcomes = {status: day for status, day in outcomes.items() if day <= exit_date}
    episodes: list[tuple[str, dt.date, dt.date | None]] = [
        ("Mentoring", begin, end) for begin, end in mentoring]
    if "Ausbildung" in outcomes:
        begin = outcomes["Ausbildung"]
        end = _plus(begin, rng.randint(60, 200)) if rng.random() < 0.1 else None  # broke off
        episodes.append(("Ausbildung", begin, end if end and end <= as_of else None))
    if "Beschäftigung" in outcomes:
        begin = outcomes["Beschäftigung"]
        end = _plus(begin, rng.randint(60, 240)) if rng.random() < 0.2 else None
        if "Ausbildung" in outcomes:  # the job before the training ends with it
            end = _plus(outcomes["Ausbildung"], -1)
        episodes.append(("Beschäftigung", begin, end if end and end <= as_of else None))
    if rng.random() < {"A2": 0.7, "B1": 0.7, "B2": 0.3, "C1": 0.05}[level]:
        begin = _weekday(_plus(entry, rng.randint(0, 45)))
        if begin <= exit_date:
            episodes.append(("Sprachkurs", begin,
                             _episode_end(begin, rng.randint(120, 240), None, as_of)))
    if rng.random() < params["internship"]:
        begin = _weekday(_plus(start, rng.randint(30, 200)))
        while begin <= exit_date:
            end = _episode_end(begin, rng.randint(13, 41), None, as_of)
            episodes.append(("Praktikum", begin, end))
            if end is None or rng.random() >= 0.3:
                break
            begin = _weekday(_plus(end, rng.randint(30, 120)))  # a second internship
    if rng.random() < params["qualification"]:
        day = _plus(entry, rng.randint(90, 400))
        if day <= exit_date:
            episodes.append(("Qualifikation", day, day))  # one-day episode
    return person, episodes


def permenti_rows() -> tuple[list[Row], list[Row]]:
    """PerMenti participants and episodes: three sites, two groups each, 2019–2020."""
    rng = random.Random(2019_2020)
    people: list[Row] = []
    episodes: list[Row] = []
    for site, params in PERMENTI_SITES.items():
        mentors = 0
        number = 0
        for group, size, start in zip((2019, 2020), params["sizes"], params["starts"]):
            for _ in range(size):
                number += 1
                pid = f"PM-{params['code']}-{number:03d}"
                person, person_episodes = _permenti_person(rng, site, group, D(start))
                # most mentors take one mentee; some stay on for a second one in 2020
                if group == 2020 and rng.random() < 0.3 and mentors > 1:
                    mentor = rng.randint(1, mentors)
                else:
                    mentors += 1
                    mentor = mentors
                person.update({"Teilnehmer-ID": pid, "Programm": PERMENTI_ID,
                               "Mentorin": f"M-{params['code']}-{mentor:02d}"})
                people.append(person)
                for status, begin, end in person_episodes:
                    episodes.append({"Teilnehmer-ID": pid, "Programm": PERMENTI_ID,
                                     "Status": status, "Beginn": begin, "Ende": end})
    for index in rng.sample(range(len(people)), 3):
        people[index]["Geschlecht"] = "divers"
    order = {status: i for i, status in enumerate(
        ["Mentoring", "Sprachkurs", "Praktikum", "Ausbildung", "Beschäftigung", "Qualifikation"])}
    episodes.sort(key=lambda e: (e["Teilnehmer-ID"], e["Beginn"], order[e["Status"]]))
    _check_long(people, episodes, PERMENTI_AS_OF)
    return people, episodes


# ---------------------------------------------------------------------------------------
# 4. Cross-Mentoring Düsseldorf/Köln (Aug 2022 – Nov 2023) – XLSX with `Programm` column
# ---------------------------------------------------------------------------------------

CROSS_ID = "cross-mentoring-duesseldorf-koeln"

CROSS_TOML = """\
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
label      = "10 Mentees aufgenommen (5 je Stadt)"
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

CROSS_COLUMNS = (["Teilnehmer-ID", "Programm"] + PARTICIPANT_COLUMNS[1:] + [
    "Mentorin", "Mentoring ab", "Mentoring bis", "Praktikum ab", "Praktikum bis",
    "Ausbildung ab", "Ausbildung bis", "Beschäftigung ab", "Beschäftigung bis",
    "Qualifikation am",
])


def cross_rows() -> list[Row]:
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
            "Teilnehmer-ID": pid, "Programm": CROSS_ID,
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
    _check_rows(rows, D("30.11.2023"))
    return rows


# ---------------------------------------------------------------------------------------
# Checks: the rules every row must satisfy (DESIGN.md, ingestion)
# ---------------------------------------------------------------------------------------

def _tracking_episodes(row: Row) -> list[tuple[str, dt.date, dt.date | None]]:
    """(status, start, end) of a tracking-sheet row."""
    episodes = []
    for column, value in row.items():
        if value is None:
            continue
        if column.endswith(" ab"):
            status = column[:-3]
            episodes.append((status, value, row.get(f"{status} bis")))
        elif column.endswith(" am"):
            episodes.append((column[:-3], value, value))
    return episodes


def _check_person(pid: str, person: Row, episodes, as_of: dt.date) -> None:
    entry, exit_date = person["Eintritt"], person.get("Austritt")
    problems = []
    if exit_date is not None and exit_date < entry:
        problems.append("exit before entry")
    if (exit_date is None) != (person.get("Austrittsgrund") is None):
        problems.append("exit date and reason must come together")
    for status, start, end in episodes:
        if start < entry:
            problems.append(f"{status} starts before entry")
        if exit_date is not None and start > exit_date:
            problems.append(f"{status} starts after exit")
        if end is not None and end < start:
            problems.append(f"{status} ends before it starts")
    dates = [entry, exit_date] + [d for _, start, end in episodes for d in (start, end)]
    if any(d is not None and d > as_of for d in dates):
        problems.append(f"date after {as_of}")
    if problems:
        raise AssertionError(f"{pid}: {', '.join(problems)}")


def _check_rows(rows: list[Row], as_of: dt.date) -> None:
    """Every tracking row follows the ingestion rules; ids are unique."""
    ids = [row["Teilnehmer-ID"] for row in rows]
    if len(set(ids)) != len(ids):
        raise AssertionError("participant ids are not unique")
    for row in rows:
        _check_person(row["Teilnehmer-ID"], row, _tracking_episodes(row), as_of)


def _check_long(people: list[Row], episodes: list[Row], as_of: dt.date) -> None:
    """The long-format pair follows the ingestion rules; episode keys are unique."""
    ids = [person["Teilnehmer-ID"] for person in people]
    if len(set(ids)) != len(ids):
        raise AssertionError("participant ids are not unique")
    keys = [(e["Teilnehmer-ID"], e["Status"], e["Beginn"]) for e in episodes]
    if len(set(keys)) != len(keys):
        raise AssertionError("two episodes share participant, status and start")
    by_id: dict[str, list] = {pid: [] for pid in ids}
    for e in episodes:
        by_id[e["Teilnehmer-ID"]].append((e["Status"], e["Beginn"], e["Ende"]))
    for person in people:
        pid = person["Teilnehmer-ID"]
        _check_person(pid, person, by_id[pid], as_of)


# ---------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------

def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _csv_bytes(columns: list[str], rows: list[Row], *, delimiter: str, encoding: str,
               newline: str) -> bytes:
    """A CSV file's bytes: header plus rows, dates as DD.MM.YYYY, empty cell = no value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell_text(row.get(column)) for column in columns])
    return buffer.getvalue().encode(encoding)


def _write_xlsx(path: pathlib.Path, sheet: str, columns: list[str], rows: list[Row],
                properties: dict, legend: list[tuple[str, str]] | None = None) -> None:
    """An Excel tracking sheet: real date cells (DD.MM.YYYY), numbers as numbers.

    The document properties carry a fixed creation date, so the bytes never change.
    """
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    workbook.set_properties(properties)
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    worksheet = workbook.add_worksheet(sheet)
    for col, column in enumerate(columns):
        worksheet.write_string(0, col, column, bold)
        worksheet.set_column(col, col, max(11, len(column) + 2))
    for r, row in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            value = row.get(column)
            if value is None:
                continue
            if isinstance(value, dt.date):
                worksheet.write_datetime(r, col, dt.datetime(value.year, value.month, value.day),
                                         date_format)
            elif isinstance(value, int):
                worksheet.write_number(r, col, value)
            else:
                worksheet.write_string(r, col, str(value))
    worksheet.freeze_panes(1, 1)
    worksheet.autofilter(0, 0, len(rows), len(columns) - 1)
    if legend:
        notes = workbook.add_worksheet("Legende")
        notes.set_column(0, 0, 22)
        notes.set_column(1, 1, 70)
        for r, (term, text) in enumerate(legend):
            notes.write_string(r, 0, term, bold if r == 0 else None)
            notes.write_string(r, 1, text, bold if r == 0 else None)
    workbook.close()


def write_demo_files(out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write all demo files into `out_dir`.

    Args:
        out_dir: target directory (created if missing); existing files are overwritten.

    Returns:
        The written paths, in ingestion order (the order of DEMO_FILES).
    """
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, pathlib.Path] = {}

    def put_bytes(name: str, data: bytes) -> None:
        (out_dir / name).write_bytes(data)
        written[name] = out_dir / name

    for name, text in [(f"{KASSEL_ID}.toml", KASSEL_TOML), (f"{TARA_ID}.toml", TARA_TOML),
                       (f"{PERMENTI_ID}.toml", PERMENTI_TOML), (f"{CROSS_ID}.toml", CROSS_TOML)]:
        put_bytes(name, text.encode("utf-8"))

    name = f"{KASSEL_ID}_teilnehmerinnen.xlsx"
    _write_xlsx(out_dir / name, "Teilnehmerinnen", KASSEL_COLUMNS, kassel_rows(), {
        "title": "Sozialwirtschaft integriert – Teilnehmerinnen (Stand 31.08.2020)",
        "author": "Stadt Kassel (Demo)", "created": dt.datetime(2020, 9, 1, 8, 0, 0),
    })
    written[name] = out_dir / name

    put_bytes(f"{TARA_ID}_tandems.csv",
              _csv_bytes(TARA_COLUMNS, tara_rows(), delimiter=";", encoding="cp1252",
                         newline="\r\n"))

    people, episodes = permenti_rows()
    put_bytes(f"{PERMENTI_ID}_teilnehmende.csv",
              _csv_bytes(PERMENTI_PARTICIPANT_COLUMNS, people, delimiter=";",
                         encoding="utf-8-sig", newline="\n"))
    put_bytes(f"{PERMENTI_ID}_episoden.csv",
              _csv_bytes(EPISODE_COLUMNS, episodes, delimiter=",", encoding="utf-8",
                         newline="\n"))

    name = f"{CROSS_ID}_tracking.xlsx"
    _write_xlsx(out_dir / name, "Mentees", CROSS_COLUMNS, cross_rows(), {
        "title": "Cross-Mentoring Düsseldorf/Köln – Tracking",
        "author": "Cross-Mentoring Düsseldorf/Köln (Demo)",
        "created": dt.datetime(2023, 12, 1, 9, 0, 0),
    }, legend=[
        ("Begriff", "Bedeutung"),
        ("Standort", "Wohnort der Mentee; die Mentorin kommt aus der anderen Stadt"),
        ("Mentorin", "M-D.. = Mentorin aus Düsseldorf, M-K.. = Mentorin aus Köln"),
        ("Qualifikation am", "Tag der Anerkennung eines ausländischen Abschlusses"),
    ])
    written[name] = out_dir / name

    return [written[name] for name, _ in DEMO_FILES]


if __name__ == "__main__":
    for path in write_demo_files(DEFAULT_DIR):
        print(path.relative_to(DEFAULT_DIR.parents[1]))
