"""Words of aggregate (ESF) indicators: problems, flags, reasons, field labels. Keys start with
`indicators.`; the render functions below turn the codes of `pipelines.indicators` into text."""

from __future__ import annotations

import math

# `pipelines.text` assembles its catalog from this module: the module, not its names, is imported
# here, so `text.say` is looked up when a render function runs (after the catalog is built).
from pipelines import text, vocab

WORDS: dict[str, tuple[str, str]] = {
    # fields of an indicator file (named in problems)
    "indicators.field.programme": ("Programm", "programme"),
    "indicators.field.title": ("Titel", "title"),
    "indicators.field.fund": ("Fonds", "fund"),
    "indicators.field.indicator_type": ("Indikatortyp", "indicator type"),
    "indicators.field.indicator": ("Indikator", "indicator"),
    "indicators.field.indicator_name": ("Indikatorname", "indicator name"),
    "indicators.field.year": ("Jahr", "year"),
    "indicators.field.report_date": ("Stichtag", "reporting date"),
    "indicators.field.achieved": ("Ist", "achieved"),
    "indicators.field.target": ("Soll", "target"),
    "indicators.field.unit": ("Einheit", "unit"),
    "indicators.field.version": ("Version", "version"),
    # problems of a file (codes of pipelines.indicators.read.normalise); {name} is the field's label
    # or the header as written
    "indicators.problem.missing_column": (
        "Pflichtspalte »{name}« fehlt (erwartet z. B. {examples}).",
        "Required column '{name}' is missing (e.g. {examples})."),
    "indicators.problem.missing_value_column": (
        "Es fehlt eine Wertspalte: mindestens »Ist« oder »Soll« wird gebraucht.",
        "No value column: at least 'achieved' or 'target' is needed."),
    "indicators.problem.duplicate_column": (
        "Die Spalten »{first}« und »{second}« bedeuten beide »{name}«; »{second}« wurde nicht gelesen.",
        "The columns '{first}' and '{second}' both mean '{name}'; '{second}' was not read."),
    "indicators.problem.unknown_column": (
        "Die Spalte »{column}« ist unbekannt und wurde nicht gelesen. Ist sie eine Aufschlüsselung, "
        "die Überschrift »Aufschlüsselung: {column}« nennen. Bekannte Spalten: {known}.",
        "The column '{column}' is unknown and was not read. If it is a breakdown, head it "
        "'breakdown: {column}'. Known columns: {known}."),
    "indicators.problem.missing_value": (
        "Pflichtfeld »{name}« ist leer.",
        "Required field '{name}' is empty."),
    "indicators.problem.not_a_number": (
        "»{value}« ist keine Zahl. Erlaubt sind z. B. 1234, 1234,5, 1.234,5 oder 1234.5 – ohne "
        "Einheit und ohne %-Zeichen (die Einheit gehört in die Spalte »Einheit«).",
        "'{value}' is not a number. Use e.g. 1234, 1234.5 or 1.234,5 – without a unit or % sign "
        "(the unit goes in the 'unit' column)."),
    "indicators.problem.negative_value": (
        "»{value}« ist negativ: Soll- und Ist-Werte sind Anzahlen oder Quoten ab 0.",
        "'{value}' is negative: targets and achievements are counts or ratios from 0."),
    "indicators.problem.bad_year": (
        "»{value}« ist kein Berichtsjahr (vierstellig, z. B. 2020).",
        "'{value}' is not a reporting year (four digits, e.g. 2020)."),
    "indicators.problem.bad_date": (
        "»{value}« ist kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT).",
        "'{value}' is not a valid date (DD.MM.YYYY or YYYY-MM-DD)."),
    "indicators.problem.year_date_mismatch": (
        "Jahr {value} passt nicht zum Stichtag {other}: bitte eines von beiden korrigieren.",
        "Year {value} does not match the reporting date {other}: correct one of them."),
    "indicators.problem.no_value": (
        "Weder Ist- noch Soll-Wert angegeben: mindestens einer wird gebraucht.",
        "Neither achieved nor target given: at least one is needed."),
    "indicators.problem.bad_version": (
        "»{value}« ist keine Berichtsversion (erwartet z. B. 2020.1).",
        "'{value}' is not a report version (expected e.g. 2020.1)."),
    "indicators.problem.duplicate_key": (
        "Derselbe Indikator steht für dieselbe Aufschlüsselung und dasselbe Jahr mehrfach in der "
        "Datei (Zeilen {other}); keine dieser Zeilen wurde übernommen. Bitte nur eine behalten.",
        "The same indicator appears more than once for the same breakdown and year (lines "
        "{other}); none of these lines was taken. Keep only one."),
    # flags of a table row (codes of pipelines.indicators.queries.FLAGS)
    "indicators.flag.target_looks_like_percentage": ("Ziel wirkt wie ein Prozentsatz",
                                                     "target looks like a percentage"),
    "indicators.flag.incomplete_achievement": ("Ist-Wert nicht für alle Aufschlüsselungen",
                                               "achieved not reported for every breakdown"),
    "indicators.flag.no_achievement_yet": ("noch kein Ist-Wert", "no achievement yet"),
    "indicators.flag.partial_target": ("Ziel nicht für alle Aufschlüsselungen",
                                       "target missing for some breakdowns"),
    "indicators.flag.no_target": ("kein Ziel", "no target"),
    "indicators.flag.target_zero": ("Ziel ist 0", "target is 0"),
    "indicators.flag.achieved_far_above_target": ("Ist weit über Ziel", "achieved far above target"),
    "indicators.flag.not_summable": ("nicht summierbar (Quote)", "not summable (ratio)"),
    # why a target looks implausible (pipelines.indicators.queries.IMPLAUSIBLE_FLAGS)
    "indicators.reason.target_looks_like_percentage": (
        "Zielwert {target} sieht nach einem Prozentsatz aus, der Ist-Wert ({achieved}) ist aber eine "
        "Anzahl ({unit}): Erreichungsgrad nicht berechenbar.",
        "Target {target} looks like a percentage while the achievement ({achieved}) is a count "
        "({unit}): attainment cannot be computed."),
    "indicators.reason.achieved_far_above_target": (
        "Ist-Wert {achieved} ist das {factor}-Fache des Zielwerts {target}: Ziel zu niedrig oder in "
        "anderer Einheit?",
        "Achieved {achieved} is {factor} times the target {target}: target too low or in another unit?"),
    "indicators.reason.target_zero": (
        "Zielwert ist 0: Erreichungsgrad nicht berechenbar.",
        "Target is 0: attainment cannot be computed."),
    # the ESF page (dashboard/app_pages/programmes.py): breakdowns as text, columns, the chart
    "indicators.breakdown.total": ("Insgesamt", "Total"),
    "indicators.breakdown.priority": ("Prioritätsachse {value}", "priority axis {value}"),
    "indicators.breakdown.investment_priority": ("Investitionspriorität {value}", "investment priority {value}"),
    "indicators.breakdown.specific_objective": ("Spezifisches Ziel {value}", "specific objective {value}"),
    "indicators.breakdown.region_category": ("Regionenkategorie: {value}", "region category: {value}"),
    "indicators.breakdown.gender": ("Geschlecht: {value}", "gender: {value}"),
    "indicators.breakdown.age_group": ("Altersgruppe: {value}", "age group: {value}"),
    "indicators.breakdown.target_group": ("Zielgruppe: {value}", "target group: {value}"),
    "indicators.breakdown.region": ("Region: {value}", "region: {value}"),
    "indicators.breakdown.site": ("Standort: {value}", "site: {value}"),
    "indicators.breakdown.cohort": ("Kohorte: {value}", "cohort: {value}"),
    "indicators.breakdown.other": ("{key}: {value}", "{key}: {value}"),
    # breakdown values with a German name (EU region categories; genders in aggregate figures)
    "indicators.value.more_developed": ("stärker entwickelt", "more developed"),
    "indicators.value.transition": ("Übergangsregion", "transition"),
    "indicators.value.less_developed": ("weniger entwickelt", "less developed"),
    "indicators.value.female": ("Frauen", "women"),
    "indicators.value.male": ("Männer", "men"),
    "indicators.value.diverse": ("divers", "diverse"),
}

#: Breakdown keys in the order they are read (the rest follow alphabetically).
BREAKDOWN_ORDER = ("priority", "investment_priority", "specific_objective", "region_category", "gender",
                   "age_group", "target_group", "region", "site", "cohort")
#: Breakdown values with a name of their own: (key, value lower-case) -> indicators.value.<code>.
BREAKDOWN_VALUES = {
    ("region_category", "more developed"): "more_developed",
    ("region_category", "transition"): "transition",
    ("region_category", "less developed"): "less_developed",
}


def field_label(field: str, lang: str = "de") -> str:
    """The label of an indicator field code ('indicator' -> 'Indikator'); any other name as is."""
    key = f"indicators.field.{field}"
    return text.say(key, lang) if key in text.CATALOG else field


def problem_message(problem: dict, lang: str = "de") -> str:
    """The message of a problem of `normalise` ({"code", "value", "params"}) in `lang`.

    A `field` parameter (a field code) is shown as its label, a `header` parameter as written;
    `examples` and `known` (lists of headers) as »a«, »b«.
    """
    params = dict(problem.get("params") or {})
    if "field" in params:
        params["name"] = field_label(params.pop("field"), lang)
    elif "header" in params:
        params["name"] = params.pop("header")
    for key in ("examples", "known"):
        if key in params:
            params[key] = ", ".join(f"»{name}«" for name in params[key])
    return text.say(f"indicators.problem.{problem['code']}", lang, value=problem.get("value"), **params)


def flag_label(flag: str | None, lang: str = "de") -> str:
    """Short label of a flag for tables: flag_label('no_target') -> 'kein Ziel'; None -> ''."""
    if not isinstance(flag, str) or not flag:
        return ""
    key = f"indicators.flag.{flag}"
    return text.say(key, lang) if key in text.CATALOG else flag


def implausible_reason(row: dict, lang: str = "de") -> str:
    """Why a row of `implausible_targets` looks wrong, in `lang` (target, achieved, unit, flag)."""
    target, achieved = row["target"], row["achieved"]
    known = not _missing(achieved) and not _missing(target) and target > 0
    factor = achieved / target if known else None
    return text.say(
        f"indicators.reason.{row['flag']}", lang,
        target=number_text(target, lang),
        achieved=number_text(achieved, lang),
        unit=row["unit"] or "–",
        factor=text.number(factor, lang, 1),
    )


def breakdown_text(breakdown: dict | None, lang: str = "de") -> str:
    """A breakdown as read: {"investment_priority": "9i", "gender": "W"} ->
    'Investitionspriorität 9i, Geschlecht: Frauen'; {} (the programme total) -> 'Insgesamt'.

    Known keys in BREAKDOWN_ORDER with their label, others as written; EU region categories and
    genders (any accepted spelling, vocab.VALUE_ALIASES) by their German or English name.
    """
    if not breakdown:
        return text.say("indicators.breakdown.total", lang)
    keys = sorted(breakdown, key=lambda k: (BREAKDOWN_ORDER.index(k) if k in BREAKDOWN_ORDER else len(BREAKDOWN_ORDER),
                                            k))
    parts = []
    for key in keys:
        value = str(breakdown[key])
        code = BREAKDOWN_VALUES.get((key, value.strip().lower()))
        if key == "gender":
            code = vocab.canonical_value("gender", value)
        if code:
            value = text.say(f"indicators.value.{code}", lang)
        if key in BREAKDOWN_ORDER:
            parts.append(text.say(f"indicators.breakdown.{key}", lang, value=value))
        else:
            parts.append(text.say("indicators.breakdown.other", lang, key=key.replace("_", " "), value=value))
    joined = ", ".join(parts)
    return joined[:1].upper() + joined[1:]


def number_text(value, lang: str = "de") -> str:
    """An indicator value as shown: whole numbers without decimals (15.191), others with two (25,50)."""
    return text.number(value, lang, _decimals(value))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _decimals(value) -> int:
    """0 for whole numbers (and missing ones), else 2."""
    if _missing(value) or (isinstance(value, float) and value.is_integer()) or isinstance(value, int):
        return 0
    return 2
