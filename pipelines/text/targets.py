"""Words of target agreements: problems in target files and the target form, the sentences
on a target card (CLI, report and pages say the same). Keys start with `targets.`."""

from __future__ import annotations

import json
from typing import Any

from pipelines import text  # text imports this module while assembling its catalog: used at call time only

WORDS: dict[str, tuple[str, str]] = {
    # where a problem is: the first parameter `t` of every problem below
    "targets.target_no": ("Ziel Nr. {n}", "Target no. {n}"),
    "targets.target": ("Ziel „{id}“", "Target '{id}'"),
    "targets.revision": ("{t}, Änderung ab {date}", "{t}, revision from {date}"),
    "targets.revision_no": ("{t}, Änderung Nr. {n}", "{t}, revision no. {n}"),
    "targets.not_table": ("{t}: ist keine Tabelle.", "{t}: is not a table."),
    "targets.missing": ("{t}: „{key}“ fehlt.", "{t}: '{key}' is missing."),
    "targets.not_text": ("{t}: „{key}“ muss ein Text sein.", "{t}: '{key}' must be a text."),
    "targets.unknown_key": ("{t}: unbekannter Eintrag „{key}“ (möglich: {known}).",
                            "{t}: unknown key '{key}' (possible: {known})."),
    "targets.bad_measure": ("{t}: unbekannte Messgröße „{value}“ (möglich: {known}).",
                            "{t}: unknown measure '{value}' (possible: {known})."),
    "targets.status_needed": ("{t}: die Messgröße „{measure}“ braucht einen Status (status = …).",
                              "{t}: measure '{measure}' needs a status (status = …)."),
    "targets.status_not_allowed": ("{t}: die Messgröße „entered“ zählt Eintritte und hat keinen Status.",
                                   "{t}: measure 'entered' counts entries and takes no status."),
    "targets.unknown_status": ("{t}: unbekannter Status „{value}“ (bekannt: {known}).",
                               "{t}: unknown status '{value}' (known: {known})."),
    "targets.both_directions": ("{t}: entweder at_least oder at_most angeben, nicht beides.",
                                "{t}: give either at_least or at_most, not both."),
    "targets.no_direction": ("{t}: der Zielwert fehlt (at_least = … oder at_most = …).",
                             "{t}: the target value is missing (at_least = … or at_most = …)."),
    "targets.bad_number": ("{t}: {key} muss eine Zahl ≥ 0 sein, nicht „{value}“.",
                           "{t}: {key} must be a number ≥ 0, not '{value}'."),
    "targets.share_range": ("{t}: bei measure = \"share\" ist {key} ein Prozentsatz von 0 bis 100, nicht {value}.",
                            "{t}: with measure = \"share\", {key} is a percentage from 0 to 100, not {value}."),
    "targets.bad_period": ("{t}: period muss eine Tabelle {{ start = …, end = … }} sein.",
                           "{t}: period must be a table {{ start = …, end = … }}."),
    "targets.bad_date": ("{t}: {key}: „{value}“ ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ).",
                         "{t}: {key}: '{value}' is not a date (YYYY-MM-DD or DD.MM.YYYY)."),
    "targets.end_before_start": ("{t}: das Ende des Zeitraums ({end}) liegt vor dem Beginn ({start}).",
                                 "{t}: the period ends ({end}) before it starts ({start})."),
    "targets.bad_milestones": ("{t}: milestones muss eine Liste von {{ date = …, value = … }} sein.",
                               "{t}: milestones must be a list of {{ date = …, value = … }}."),
    "targets.milestone_outside": ("{t}: der Meilenstein am {date} liegt außerhalb des Zeitraums {start} bis {end}.",
                                  "{t}: the milestone on {date} lies outside the period {start} to {end}."),
    "targets.milestone_twice": ("{t}: zwei Meilensteine am {date}.", "{t}: two milestones on {date}."),
    "targets.where": ("{t}: where: {problem}", "{t}: where: {problem}"),
    "targets.bad_options": ("{t}: options muss eine Tabelle sein.", "{t}: options must be a table."),
    "targets.options_not_allowed": ("{t}: options gibt es nur für measure = \"share\".",
                                    "{t}: options exist only for measure = \"share\"."),
    "targets.unknown_option": ("{t}: unbekannte Option „{key}“ (möglich: of).",
                               "{t}: unknown option '{key}' (possible: of)."),
    "targets.bad_share_of": ("{t}: options.of = „{value}“ geht nicht (möglich: {known}).",
                             "{t}: options.of = '{value}' is not possible (possible: {known})."),
    "targets.bad_headline": ("{t}: headline ist true oder false.", "{t}: headline is true or false."),
    "targets.duplicate_id": ("{t}: die ID kommt mehrfach vor.", "{t}: the id occurs more than once."),
    "targets.bad_revisions": ("{t}: revisions muss eine Liste von Tabellen sein.",
                              "{t}: revisions must be a list of tables."),
    "targets.revision_too_early": ("{t}: valid_from ({date}) muss nach dem Beginn der ersten Fassung ({first}) liegen.",
                                   "{t}: valid_from ({date}) must be after the first version starts ({first})."),
    "targets.revision_twice": ("{t}: zwei Fassungen gelten ab {date}.", "{t}: two versions are valid from {date}."),
    # the dashboard's target form
    "targets.form.bad_milestone": ("Meilenstein Zeile {n}: »{line}« – erwartet TT.MM.JJJJ = Zahl",
                                   "Milestone line {n}: '{line}' — expected DATE = number"),
    "targets.form.no_id": ("Kennung fehlt.", "Identifier is missing."),
    # one sentence on where a target is heading
    "targets.sentence.forecast": (
        "Bei aktuellem Tempo {forecast} von {target} bis {end} – nötig sind {needed} pro Monat; "
        "Wahrscheinlichkeit {probability}.",
        "At the current pace {forecast} of {target} by {end} — {needed} per month needed; "
        "probability {probability}."),
    "targets.sentence.forecast_at_most": (
        "Bei aktuellem Tempo {forecast} bis {end} (höchstens {target}); "
        "Wahrscheinlichkeit, darunter zu bleiben, {probability}.",
        "At the current pace {forecast} by {end} (at most {target}); "
        "probability of staying within it {probability}."),
    "targets.sentence.forecast_level": ("Aktuell {achieved}, Ziel {target} bis {end}.",
                                        "Currently {achieved}, target {target} by {end}."),
    "targets.chance.above": ("über {p}", "over {p}"),
    "targets.chance.below": ("unter {p}", "under {p}"),
    "targets.status_or": (" oder ", " or "),
    # a target's label made from its values (the target form, when nobody writes her own)
    "targets.auto.at_least": ("Mindestens {value} {what}", "At least {value} {what}"),
    "targets.auto.at_most": ("Höchstens {value} {what}", "At most {value} {what}"),
    "targets.auto.entered": ("Frauen eingetreten", "women entered"),
    "targets.auto.reached": ("Frauen in {statuses}", "women into {statuses}"),
    "targets.auto.active": ("Frauen gleichzeitig in {statuses}", "women at a time in {statuses}"),
    "targets.auto.upon_leaving": ("Frauen bei Austritt in {statuses}", "women in {statuses} upon leaving"),
    "targets.auto.six_months_after": ("Frauen sechs Monate nach Austritt in {statuses}",
                                      "women in {statuses} six months after leaving"),
    "targets.auto.share": ("der Eingetretenen in {statuses}", "of those entered into {statuses}"),
    "targets.sentence.met": ("Ziel erfüllt: {achieved} von {target}.", "Target met: {achieved} of {target}."),
    "targets.sentence.missed": ("Zeitraum am {end} beendet: {achieved} von {target} erreicht.",
                                "Period ended on {end}: {achieved} of {target} reached."),
    "targets.sentence.not_started": ("Der Zeitraum beginnt am {start}; nötig sind dann {needed} pro Monat.",
                                     "The period starts on {start}; {needed} per month will be needed."),
}


def value_text(card: dict, value: Any, lang: str = "de") -> str:
    """A target's value as shown: a share as percent (74,0 %), a count without decimals unless it has some."""
    if value is None:
        return "–"
    if card["measure"] == "share":
        return text.percent(float(value) / 100, lang, 1)
    return text.number(value, lang, 0 if float(value).is_integer() else 1)


def chance_text(probability: float | None, lang: str = "de") -> str:
    """A forecast's probability as said: never "100 %" or "0 %" for what is not yet decided.

    0.995 -> "über 99 %", 0.004 -> "unter 1 %", 0.38 -> "38 %"; None -> "–". A model from one
    window of months cannot be that sure; a decided target has its own sentence.
    """
    if probability is None:
        return "–"
    if probability > 0.99:
        return text.say("targets.chance.above", lang, p=text.percent(0.99, lang))
    if probability < 0.01:
        return text.say("targets.chance.below", lang, p=text.percent(0.01, lang))
    return text.percent(probability, lang)


def statuses_text(statuses: list[str], label, lang: str = "de") -> str:
    """A target's statuses (card["statuses"]) as one phrase: "Ausbildung oder Beschäftigung";
    `label(status)` names one."""
    return text.say("targets.status_or", lang).join(label(s) for s in statuses or [])


def target_label(measure: str, statuses: list[str], direction: str, value: float, label, lang: str = "de") -> str:
    """A target's label made from its values: ("reached", ["training", "employment"], "at_least", 50)
    -> "Mindestens 50 Frauen in Ausbildung oder Beschäftigung"; `label(status)` names a status."""
    shown = value_text({"measure": measure}, value, lang)
    what = text.say(f"targets.auto.{measure}", lang, statuses=statuses_text(statuses, label, lang))
    return text.say(f"targets.auto.{direction}", lang, value=shown, what=what)


def forecast_sentence(card: dict, lang: str = "de") -> str:
    """One sentence on where a target is heading (dashboard cards, CLI and report say the same).

    e.g. "Bei aktuellem Tempo 46 von 50 bis 31.12.2022 – nötig sind 1,1 pro Monat; Wahrscheinlichkeit 38 %."
    """
    forecast = card.get("forecast")
    if forecast is not None and card["measure"] != "share":
        forecast = round(forecast)   # a count: "98 von 50", not "97,7 von 50"
    values = {
        "achieved": value_text(card, card["achieved"], lang),
        "target": value_text(card, card["target"], lang),
        "forecast": value_text(card, forecast, lang),
        "needed": text.number(card.get("needed_per_month"), lang, 1),
        "probability": chance_text(card.get("probability"), lang),
        "start": text.date(card["period_start"], lang),
        "end": text.date(card["period_end"], lang),
    }
    state = card["state"]
    if state in ("met", "missed", "not_started") and not (state == "met" and card["direction"] == "at_most"):
        key = state
    elif card.get("probability") is None:
        key = "forecast_level"
    else:
        key = "forecast_at_most" if card["direction"] == "at_most" else "forecast"
    return text.say(f"targets.sentence.{key}", lang, **values)


def where_text(scope_json: str | None) -> str:
    """A stored `where` table as the filter a person types ('site=Köln; german_level>=B1')."""
    where = json.loads(scope_json or "{}")
    parts = []
    for field, cond in where.items():
        if isinstance(cond, dict):
            for op, value in cond.items():
                written = ",".join(map(str, value)) if isinstance(value, list) else str(value)
                parts.append(f"{field}{op}{written}")
        elif isinstance(cond, list):
            parts.append(f"{field}={','.join(map(str, cond))}")
        else:
            parts.append(f"{field}={cond}")
    return "; ".join(parts)


def milestones_text(milestones_json: str | None, lang: str = "de") -> str:
    """Stored milestones as the form shows them, one ``date = value`` a line."""
    return "\n".join(f"{text.date(m['date'], lang)} = {text.number(m['value'], lang, 0 if float(m['value']).is_integer() else 1)}"
                     for m in json.loads(milestones_json or "[]"))
