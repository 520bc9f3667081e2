"""PerMenti Transfer (NRW, 2019–2020): the long format, a participants file and an episodes file.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import random

from pipelines.demo.common import (
    D, EPISODE_COLUMNS, PARTICIPANT_COLUMNS, Row, birth_year, check_long, contract_start, csv_bytes,
    episode_end, plus_days, weighted_choice, working_day,
)

ID = "permenti-transfer"
AS_OF = D("31.12.2020")
CLOSING = D("11.12.2020")  # last mentoring meeting of the 2020 groups


# Per site: id code, group sizes and mentoring starts for 2019 and 2020, and the chances
# of training, employment and internship (the partners differ, so do the results).
SITES = {
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
LEVELS = {"A2": (0.5, 180), "B1": (1.0, 60), "B2": (1.2, 0), "C1": (1.2, 0)}
ORIGINS = {
    "Syrien": 25, "Irak": 10, "Iran": 10, "Afghanistan": 10, "Türkei": 10, "Eritrea": 5,
    "Westafrika": 8, "Westbalkan": 7, "Osteuropa": 10, "Nordafrika": 5,
}

TOML = """\
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

PEOPLE_COLUMNS = ["Teilnehmer-ID", "Programm"] + PARTICIPANT_COLUMNS[1:] + ["Mentorin"]


def _outcome(rng: random.Random, status: str, entry: dt.date, wait: int) -> dt.date:
    """Start of a training (Aug/Sep/Oct) or a job (1st/15th) after the waiting time."""
    earliest = plus_days(entry, wait + rng.randint(90, 360))
    if status == "Ausbildung":
        return min(dt.date(year, month, 1) for year in (2019, 2020, 2021)
                   for month in (8, 9, 10) if dt.date(year, month, 1) >= earliest)
    return contract_start(rng, earliest, plus_days(earliest, 31))


def _person(rng: random.Random, site: str, group: int, start: dt.date
                     ) -> tuple[Row, list[tuple[str, dt.date, dt.date | None]]]:
    """One mentee: her participant row and her episodes (status, start, end)."""
    params = SITES[site]
    as_of = AS_OF
    entry = working_day(plus_days(start, -rng.randint(0, 28)))
    level = weighted_choice(rng, {"A2": 25, "B1": 35, "B2": 25, "C1": 15})
    factor, wait = LEVELS[level]
    planned_end = plus_days(start, 364) if group == 2019 else CLOSING
    person: Row = {
        "Standort": site, "Kohorte": str(group), "Eintritt": entry,
        "Geschlecht": "weiblich", "Geburtsjahr": birth_year(rng, 1966, 2001, 1986),
        "Herkunftsregion": weighted_choice(rng, ORIGINS),
        "ISCED": weighted_choice(rng, {2: 10, 3: 30, 4: 15, 5: 5, 6: 25, 7: 15}),
        "Deutschniveau": level,
    }
    # leaving early, completing, or re-entering mentoring after a break
    leaves_early = rng.random() < 0.18
    reenters = group == 2019 and not leaves_early and rng.random() < 0.2
    if leaves_early:
        exit_date = plus_days(start, rng.randint(45, (planned_end - start).days - 30))
        person["Austrittsgrund"] = weighted_choice(rng, {"abgebrochen": 5, "verzogen": 3, "sonstiges": 2})
        mentoring = [(start, exit_date)]
    elif reenters:
        again = working_day(plus_days(planned_end, rng.randint(60, 120)))
        exit_date = min(plus_days(again, rng.randint(120, 200)), CLOSING)
        mentoring = [(start, planned_end), (again, exit_date)]
    else:
        exit_date = planned_end
        mentoring = [(start, planned_end)]

    outcomes: dict[str, dt.date] = {}
    for status, key in (("Ausbildung", "training"), ("Beschäftigung", "employment")):
        if rng.random() < params[key] * factor:
            outcomes[status] = _outcome(rng, status, entry, wait)
    if len(outcomes) == 2 and outcomes["Beschäftigung"] >= outcomes["Ausbildung"]:
        del outcomes["Beschäftigung"]  # training wins; a job before it is kept
    # the program accompanies a transition that starts up to five months after mentoring
    if not leaves_early:
        for day in outcomes.values():
            if exit_date < day <= min(plus_days(exit_date, 160), CLOSING):
                exit_date = min(plus_days(day, rng.randint(0, 21)), CLOSING)
        person["Austrittsgrund"] = "abgeschlossen"
    person["Austritt"] = exit_date

    # what happens after the exit is not known to the program
    outcomes = {status: day for status, day in outcomes.items() if day <= exit_date}
    episodes: list[tuple[str, dt.date, dt.date | None]] = [
        ("Mentoring", begin, end) for begin, end in mentoring]
    if "Ausbildung" in outcomes:
        begin = outcomes["Ausbildung"]
        end = plus_days(begin, rng.randint(60, 200)) if rng.random() < 0.1 else None  # broke off
        episodes.append(("Ausbildung", begin, end if end and end <= as_of else None))
    if "Beschäftigung" in outcomes:
        begin = outcomes["Beschäftigung"]
        end = plus_days(begin, rng.randint(60, 240)) if rng.random() < 0.2 else None
        if "Ausbildung" in outcomes:  # the job before the training ends with it
            end = plus_days(outcomes["Ausbildung"], -1)
        episodes.append(("Beschäftigung", begin, end if end and end <= as_of else None))
    if rng.random() < {"A2": 0.7, "B1": 0.7, "B2": 0.3, "C1": 0.05}[level]:
        begin = working_day(plus_days(entry, rng.randint(0, 45)))
        if begin <= exit_date:
            episodes.append(("Sprachkurs", begin,
                             episode_end(begin, rng.randint(120, 240), None, as_of)))
    if rng.random() < params["internship"]:
        begin = working_day(plus_days(start, rng.randint(30, 200)))
        while begin <= exit_date:
            end = episode_end(begin, rng.randint(13, 41), None, as_of)
            episodes.append(("Praktikum", begin, end))
            if end is None or rng.random() >= 0.3:
                break
            begin = working_day(plus_days(end, rng.randint(30, 120)))  # a second internship
    if rng.random() < params["qualification"]:
        day = plus_days(entry, rng.randint(90, 400))
        if day <= exit_date:
            episodes.append(("Qualifikation", day, day))  # one-day episode
    return person, episodes


def rows() -> tuple[list[Row], list[Row]]:
    """PerMenti participants and episodes: three sites, two groups each, 2019–2020."""
    rng = random.Random(2019_2020)
    people: list[Row] = []
    episodes: list[Row] = []
    for site, params in SITES.items():
        mentors = 0
        number = 0
        for group, size, start in zip((2019, 2020), params["sizes"], params["starts"]):
            for _ in range(size):
                number += 1
                pid = f"PM-{params['code']}-{number:03d}"
                person, person_episodes = _person(rng, site, group, D(start))
                # most mentors take one mentee; some stay on for a second one in 2020
                if group == 2020 and rng.random() < 0.3 and mentors > 1:
                    mentor = rng.randint(1, mentors)
                else:
                    mentors += 1
                    mentor = mentors
                person.update({"Teilnehmer-ID": pid, "Programm": ID,
                               "Mentorin": f"M-{params['code']}-{mentor:02d}"})
                people.append(person)
                for status, begin, end in person_episodes:
                    episodes.append({"Teilnehmer-ID": pid, "Programm": ID,
                                     "Status": status, "Beginn": begin, "Ende": end})
    for index in rng.sample(range(len(people)), 3):
        people[index]["Geschlecht"] = "divers"
    order = {status: i for i, status in enumerate(
        ["Mentoring", "Sprachkurs", "Praktikum", "Ausbildung", "Beschäftigung", "Qualifikation"])}
    episodes.sort(key=lambda e: (e["Teilnehmer-ID"], e["Beginn"], order[e["Status"]]))
    check_long(people, episodes, AS_OF)
    return people, episodes


def write_files(out_dir: pathlib.Path) -> dict[str, pathlib.Path]:
    """The program file, the participants file (`;`, UTF-8 with BOM) and the episodes file
    (`,`, UTF-8) in `out_dir`."""
    toml = out_dir / f"{ID}.toml"
    toml.write_bytes(TOML.encode("utf-8"))
    people, episodes = rows()
    people_file = out_dir / f"{ID}_teilnehmende.csv"
    people_file.write_bytes(csv_bytes(PEOPLE_COLUMNS, people, delimiter=";", encoding="utf-8-sig",
                                      newline="\n"))
    episodes_file = out_dir / f"{ID}_episoden.csv"
    episodes_file.write_bytes(csv_bytes(EPISODE_COLUMNS, episodes, delimiter=",", encoding="utf-8",
                                        newline="\n"))
    return {toml.name: toml, people_file.name: people_file, episodes_file.name: episodes_file}
