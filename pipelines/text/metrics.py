"""Words of scopes, comparison groups and metric problems. Keys start with `metrics.`.

`problem_text` turns a `pipelines.metrics.Problem` (a code with parameters) into a sentence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipelines import text, vocab  # text imports this module while assembling its catalog: used at call time only

WORDS: dict[str, tuple[str, str]] = {
    # a scope's where table (target files, report scopes)
    "metrics.unknown_field": ("Unbekanntes Merkmal „{field}“. Möglich sind: {known}.",
                              "Unknown field '{field}'. Possible fields: {known}."),
    "metrics.bad_value": ("{field}: „{value}“ ist kein gültiger Wert ({allowed}).",
                          "{field}: '{value}' is not a valid value ({allowed})."),
    "metrics.bad_int": ("{field}: „{value}“ ist kein gültiger Wert (eine ganze Zahl).",
                        "{field}: '{value}' is not a valid value (a whole number)."),
    "metrics.bad_int_range": ("{field}: „{value}“ ist kein gültiger Wert (zwischen {low} und {high}).",
                              "{field}: '{value}' is not a valid value (between {low} and {high})."),
    "metrics.bad_date": ("{field}: „{value}“ ist kein gültiger Wert (ein Datum TT.MM.JJJJ oder JJJJ-MM-TT).",
                         "{field}: '{value}' is not a valid value (a date DD.MM.YYYY or YYYY-MM-DD)."),
    "metrics.bad_text": ("{field}: „{value}“ ist kein gültiger Wert (ein Text).",
                         "{field}: '{value}' is not a valid value (a text)."),
    "metrics.bad_operator": ("{field}: unbekannter Vergleich „{op}“ (möglich: =, !=, >=, <=, >, <).",
                             "{field}: unknown comparison '{op}' (possible: =, !=, >=, <=, >, <)."),
    "metrics.not_ordered": ("{field}: „{op}“ geht nur bei geordneten Merkmalen ({ordered}).",
                            "{field}: '{op}' works only for ordered fields ({ordered})."),
    "metrics.list_operator": ("{field}: eine Liste von Werten geht nur mit = oder !=.",
                              "{field}: a list of values works only with = or !=."),
    "metrics.empty_list": ("{field}: die Liste der Werte ist leer.", "{field}: the list of values is empty."),
    "metrics.range_key": ("{field}: erwartet ein einzelnes Datum.", "{field}: expects a single date."),
    "metrics.not_a_table": ("Der Filter (where) muss eine Tabelle Merkmal = Wert sein.",
                            "The filter (where) must be a table of field = value."),
    "metrics.unknown_status": ("Unbekannter Status „{status}“ (bekannt: {known}).",
                               "Unknown status '{status}' (known: {known})."),
    # a typed comparison group (Vergleichsgruppe)
    "metrics.group.empty": ("Die Vergleichsgruppe hat keine Bedingungen.", "The group has no conditions."),
    "metrics.group.no_operator": ("„{cond}“: kein Vergleich gefunden (=, !=, >=, <=, >, <).",
                                  "'{cond}': no comparison found (=, !=, >=, <=, >, <)."),
    "metrics.group.unknown_field": ("„{cond}“: unbekanntes Merkmal „{field}“. Möglich sind: {known_fields}.",
                                    "'{cond}': unknown field '{field}'. Possible fields: {known_fields}."),
    "metrics.group.empty_value": ("„{cond}“: der Wert fehlt.", "'{cond}': the value is missing."),
    "metrics.group.not_ordered": ("„{cond}“: {field} hat keine Reihenfolge; möglich sind nur = und != "
                                  "(Reihenfolge haben: {ordered_fields}).",
                                  "'{cond}': {field} has no order; only = and != are possible "
                                  "(ordered fields: {ordered_fields})."),
    "metrics.group.list_operator": ("„{cond}“: eine Liste von Werten geht nur mit = oder !=.",
                                    "'{cond}': a list of values works only with = or !=."),
    "metrics.group.range_operator": ("„{cond}“: einen Bereich a..b bitte mit = angeben.",
                                     "'{cond}': write a range a..b with =."),
    "metrics.group.twice": ("„{cond}“: {field} {op} steht schon in einer anderen Bedingung.",
                            "'{cond}': {field} {op} is already given in another condition."),
    "metrics.group.not_in_data": ("„{cond}“: {field} „{value}“ kommt in den Daten nicht vor (vorhanden: {known}).",
                                  "'{cond}': {field} '{value}' does not occur in the data (present: {known})."),
    "metrics.group.in_condition": ("„{cond}“: {problem}", "'{cond}': {problem}"),
}


def problem_text(problem: Any, lang: str = "de") -> str:
    """A `Problem` as a sentence in `lang`.

    Parameters are written as follows: a Problem as its own sentence, a date in the
    language's format, a parameter named ``*_fields`` (field names) as the names a person
    types in that language (German: standort, kohorte, …).
    """
    values = {}
    for key, value in problem.params.items():
        if hasattr(value, "code") and hasattr(value, "params"):
            value = problem_text(value, lang)
        elif isinstance(value, dt.date):
            value = text.date(value, lang)
        elif key.endswith("_fields"):
            value = ", ".join(vocab.GERMAN_FIELD_NAMES[f] if lang == "de" else f for f in value)
        values[key] = value
    return text.say(problem.code, lang, **values)


def problem_texts(problems: Any, lang: str = "de") -> list[str]:
    """`problem_text` of each problem."""
    return [problem_text(p, lang) for p in problems]
