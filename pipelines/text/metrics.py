"""Words of scopes, comparison groups and metric problems. Keys start with `metrics.`.

`problem_text` turns a `pipelines.metrics.Problem` (a code with parameters) into a sentence.
"""

from __future__ import annotations

import datetime as dt
import math
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
    # a fair comparison (pipelines.metrics.compare): the columns, the method, the numbers at risk
    "metrics.compare.diff": ("Differenz (pp)", "Difference (pp)"),
    "metrics.compare.diff_ci": ("95-%-Intervall der Differenz", "95% interval of the difference"),
    "metrics.compare.p": ("p (exakt)", "p (exact)"),
    "metrics.compare.adjusted": ("Anteil bereinigt", "Adjusted share"),
    "metrics.compare.reference": ("Maßstab", "reference"),
    "metrics.compare.reference_small": ("Vergleich zu klein", "reference too small"),
    "metrics.compare.too_small": ("zu klein (n < 5)", "too small (n < 5)"),
    "metrics.compare.method.others": (
        "Differenz: Anteil der Gruppe minus Anteil aller übrigen zusammen, in Prozentpunkten, mit 95-%-Intervall "
        "nach Newcombe und p aus Fishers exaktem Test (zweiseitig, nicht für mehrere Vergleiche korrigiert); "
        "Gruppen unter 5 Personen werden nicht getestet.",
        "Difference: the group's share minus the share of all the others together, in percentage points, with "
        "Newcombe's 95% interval and p from Fisher's exact test (two-sided, not corrected for several "
        "comparisons); groups under 5 people are not tested."),
    "metrics.compare.method.first": (
        "Differenz: Anteil der Gruppe minus Anteil der ersten Gruppe ({first}), in Prozentpunkten, mit "
        "95-%-Intervall nach Newcombe und p aus Fishers exaktem Test (zweiseitig, nicht für mehrere Vergleiche "
        "korrigiert); Gruppen unter 5 Personen werden nicht getestet.",
        "Difference: the group's share minus the share of the first group ({first}), in percentage points, with "
        "Newcombe's 95% interval and p from Fisher's exact test (two-sided, not corrected for several "
        "comparisons); groups under 5 people are not tested."),
    "metrics.compare.method.adjusted": (
        "Bereinigter Anteil: der Anteil, den die Gruppe hätte, wenn ihre Teilnehmerinnen nach {fields} so "
        "zusammengesetzt wären wie alle Gruppen zusammen (direkte Standardisierung; Deutsch A/B/C, "
        "ISCED 0–2/3–4/5–8, »nicht erfasst« als eigene Stufe).",
        "Adjusted share: the share the group would have if its participants were mixed by {fields} like all "
        "groups together (direct standardisation; German A/B/C, ISCED 0–2/3–4/5–8, 'not recorded' as a "
        "level of its own)."),
    "metrics.compare.method.not_adjusted": (
        "Keine Bereinigung möglich: Deutschniveau und Qualifikation (ISCED) sind für niemanden erfasst.",
        "No adjustment possible: German level and qualification (ISCED) are recorded for nobody."),
    "metrics.compare.at_risk": ("Noch unter Beobachtung ohne Ergebnis", "Still followed without the outcome"),
    "metrics.compare.at_risk_months": ("Unter Risiko nach Monaten {months}", "At risk after months {months}"),
    "metrics.compare.band": ("95-%-Band", "95% band"),
    "metrics.compare.and": (" und ", " and "),
    "metrics.compare.curve_note": (
        "Die Fläche um jede Kurve ist ihr 95-%-Band (Greenwood, log-log); darunter, wie viele zu diesem Zeitpunkt "
        "noch beobachtet werden und das Ergebnis noch nicht erreicht haben.",
        "The area around each curve is its 95% band (Greenwood, log-log); below, how many are still followed "
        "at that time without having reached the outcome."),
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


def points(value: float | None, lang: str = "de") -> str:
    """A difference of shares in percentage points, signed: 0.2 -> '+20,0'; None -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    body = text.number(abs(value) * 100, lang, 1)
    return ("+" if value > 0 else "−" if value < 0 and body.strip("0,.") else "±") + body


def p_value(value: float | None, lang: str = "de") -> str:
    """A p-value with three decimals, small ones as '< 0,001'; None -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value < 0.001:
        return "< " + text.number(0.001, lang, 3)
    return text.number(value, lang, 3)


def problem_texts(problems: Any, lang: str = "de") -> list[str]:
    """`problem_text` of each problem."""
    return [problem_text(p, lang) for p in problems]
