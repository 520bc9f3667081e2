"""Aggregate indicators: the ministry view of funded programmes (no participant data).

Two input formats are understood, both handed over by the ingestion as a DataFrame of text
columns named by the file's headers plus `_line` (line in the file, header = 1):

- ``esif_open_data``: the EU Cohesion Open Data "ESIF 2014-2020 Achievement Details" export
  (ms, cci, title, fund, indicator_type_code, ind_code, …, year, ir_ver, target_value,
  implemented_value, measurement_unit).
- ``generic``: one row per programme × indicator × breakdown × year (or Stichtag) with
  achieved and target values, German or English headers (see `vocab.GENERIC_ALIASES`).

Values are cumulative to the end of the year (or to the Stichtag): years are never added.
A programme's indicator may be split by breakdowns (priority axis, investment priority,
region category, gender …); at programme level counts are summed across breakdowns,
ratios are not (see `indicator_table`).

Example:
    >>> kind = detect(list(frame.columns))
    >>> rows, errors = normalise(frame, kind)
    >>> with db.transaction(con):
    ...     load(con, rows, load_id)
    >>> indicator_table(con, program="2014DE05SFOP016", indicator="CO01", year=2020)
"""

from __future__ import annotations

import json
import math
import re
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from pipelines import text, vocab
from pipelines.vocab import header_key
from pipelines.store import db
from pipelines.store.db import quote_ident

SOURCES = ("esif_open_data", "generic")

# Columns of indicator_value that normalise() returns (everything except load_id), in order.
ROW_COLUMNS = [
    "source", "program", "title", "fund", "indicator_type", "indicator_code", "indicator_name",
    "breakdown_json", "year", "report_date", "target_value", "achieved_value", "unit", "version",
]

# --------------------------------------------------------------------------- semantic rules

#: Units whose values are counts: these may be summed across breakdowns (compared lower-case).
COUNT_UNITS = (
    "number", "anzahl", "zahl", "count", "persons", "personen", "participants", "teilnehmende",
    "teilnehmer", "teilnehmerinnen", "entities", "projects", "projekte", "unternehmen",
    "enterprises", "stück", "stueck",
)
#: Units whose values are ratios: never summed, compared only breakdown by breakdown.
PERCENT_UNITS = (
    "%", "percent", "percentage", "prozent", "ratio", "rate", "quote", "anteil", "share",
)
#: A result target at most this large (or a fractional one) beside a count unit looks like a percentage.
PERCENT_LIKE_MAX = 100.0
#: Achieved above this multiple of the target is flagged as implausible (target too low or wrong unit).
FAR_ABOVE_FACTOR = 3.0

#: Flags, most important first (a row carries the first that applies).
FLAGS = {
    "target_looks_like_percentage": ("Ziel wirkt wie ein Prozentsatz", "target looks like a percentage"),
    "incomplete_achievement": ("Ist-Wert nicht für alle Aufschlüsselungen", "achieved not reported for every breakdown"),
    "no_achievement_yet": ("noch kein Ist-Wert", "no achievement yet"),
    "partial_target": ("Ziel nicht für alle Aufschlüsselungen", "target missing for some breakdowns"),
    "no_target": ("kein Ziel", "no target"),
    "target_zero": ("Ziel ist 0", "target is 0"),
    "achieved_far_above_target": ("Ist weit über Ziel", "achieved far above target"),
    "not_summable": ("nicht summierbar (Quote)", "not summable (ratio)"),
}
#: Flags that point at a doubtful target (listed by `implausible_targets`).
IMPLAUSIBLE_FLAGS = ("target_looks_like_percentage", "achieved_far_above_target", "target_zero")

# --------------------------------------------------------------------------- formats

# EU open data: required (lower-case) headers; the other known ones are optional.
ESIF_REQUIRED = (
    "cci", "fund", "indicator_type_code", "ind_code", "year", "target_value", "implemented_value",
)
ESIF_FIELDS = {  # canonical field -> EU header
    "program": "cci", "title": "title", "fund": "fund", "indicator_type": "indicator_type_code",
    "indicator": "ind_code", "indicator_name": "indicator_short_name", "year": "year",
    "version": "ir_ver", "target": "target_value", "achieved": "implemented_value",
    "unit": "measurement_unit",
}
ESIF_BREAKDOWNS = {
    "priority": "priority_code", "investment_priority": "investment_priority",
    "region_category": "category_of_region",
}

# Header aliases (vocab.GENERIC_ALIASES, vocab.BREAKDOWN_ALIASES) live in pipelines.vocab.
BREAKDOWN_PREFIX = re.compile(
    r"^\s*(?:aufschl(?:ü|ue)sselung|merkmal|breakdown|dimension)\s*[:=]\s*(.+?)\s*$", re.IGNORECASE
)
GENERIC_REQUIRED = ("program", "indicator")  # + year or report_date, + achieved or target

FIELD_LABELS = {  # for messages: German, English
    "program": ("Programm", "program"), "title": ("Titel", "title"), "fund": ("Fonds", "fund"),
    "indicator_type": ("Indikatortyp", "indicator type"), "indicator": ("Indikator", "indicator"),
    "indicator_name": ("Indikatorname", "indicator name"), "year": ("Jahr", "year"),
    "report_date": ("Stichtag", "reporting date"), "achieved": ("Ist", "achieved"),
    "target": ("Soll", "target"), "unit": ("Einheit", "unit"), "version": ("Version", "version"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    "missing_column": (
        "Pflichtspalte »{field}« fehlt (erwartet z. B. {examples}).",
        "Required column '{field}' is missing (e.g. {examples})."),
    "missing_value_column": (
        "Es fehlt eine Wertspalte: mindestens »Ist« oder »Soll« wird gebraucht.",
        "No value column: at least 'achieved' or 'target' is needed."),
    "duplicate_column": (
        "Die Spalten »{first}« und »{second}« bedeuten beide »{field}«; »{second}« wurde nicht gelesen.",
        "The columns '{first}' and '{second}' both mean '{field}'; '{second}' was not read."),
    "unknown_column": (
        "Die Spalte »{column}« ist unbekannt und wurde nicht gelesen. Ist sie eine Aufschlüsselung, "
        "die Überschrift »Aufschlüsselung: {column}« nennen. Bekannte Spalten: {known}.",
        "The column '{column}' is unknown and was not read. If it is a breakdown, head it "
        "'breakdown: {column}'. Known columns: {known}."),
    "missing_value": (
        "Pflichtfeld »{field}« ist leer.",
        "Required field '{field}' is empty."),
    "not_a_number": (
        "»{value}« ist keine Zahl. Erlaubt sind z. B. 1234, 1234,5, 1.234,5 oder 1234.5 – ohne "
        "Einheit und ohne %-Zeichen (die Einheit gehört in die Spalte »Einheit«).",
        "'{value}' is not a number. Use e.g. 1234, 1234.5 or 1.234,5 – without a unit or % sign "
        "(the unit goes in the 'unit' column)."),
    "negative_value": (
        "»{value}« ist negativ: Soll- und Ist-Werte sind Anzahlen oder Quoten ab 0.",
        "'{value}' is negative: targets and achievements are counts or ratios from 0."),
    "bad_year": (
        "»{value}« ist kein Berichtsjahr (vierstellig, z. B. 2020).",
        "'{value}' is not a reporting year (four digits, e.g. 2020)."),
    "bad_date": (
        "»{value}« ist kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT).",
        "'{value}' is not a valid date (DD.MM.YYYY or YYYY-MM-DD)."),
    "year_date_mismatch": (
        "Jahr {value} passt nicht zum Stichtag {other}: bitte eines von beiden korrigieren.",
        "Year {value} does not match the reporting date {other}: correct one of them."),
    "no_value": (
        "Weder Ist- noch Soll-Wert angegeben: mindestens einer wird gebraucht.",
        "Neither achieved nor target given: at least one is needed."),
    "bad_version": (
        "»{value}« ist keine Berichtsversion (erwartet z. B. 2020.1).",
        "'{value}' is not a report version (expected e.g. 2020.1)."),
    "duplicate_key": (
        "Derselbe Indikator steht für dieselbe Aufschlüsselung und dasselbe Jahr mehrfach in der "
        "Datei (Zeilen {other}); keine dieser Zeilen wurde übernommen. Bitte nur eine behalten.",
        "The same indicator appears more than once for the same breakdown and year (lines "
        "{other}); none of these lines was taken. Keep only one."),
}

REASONS: dict[str, tuple[str, str]] = {
    "target_looks_like_percentage": (
        "Zielwert {target} sieht nach einem Prozentsatz aus, der Ist-Wert ({achieved}) ist aber eine "
        "Anzahl ({unit}): Erreichungsgrad nicht berechenbar.",
        "Target {target} looks like a percentage while the achievement ({achieved}) is a count "
        "({unit}): attainment cannot be computed."),
    "achieved_far_above_target": (
        "Ist-Wert {achieved} ist das {factor}-Fache des Zielwerts {target}: Ziel zu niedrig oder in "
        "anderer Einheit?",
        "Achieved {achieved} is {factor} times the target {target}: target too low or in another unit?"),
    "target_zero": (
        "Zielwert ist 0: Erreichungsgrad nicht berechenbar.",
        "Target is 0: attainment cannot be computed."),
}


def _lang_index(lang: str) -> int:
    if lang not in ("de", "en"):
        raise ValueError(f"unknown language {lang!r}; use 'de' or 'en'")
    return 0 if lang == "de" else 1


def message(code: str, lang: str = "de", **params) -> str:
    """The validation message for `code` in `lang`, parameters filled in."""
    return text.pick(MESSAGES, code, lang, **params)


def flag_label(flag: str | None, lang: str = "de") -> str:
    """Short label of a flag for tables: flag_label('no_target') -> 'kein Ziel'."""
    if flag is None:
        return ""
    return FLAGS.get(flag, (flag, flag))[_lang_index(lang)]


# --------------------------------------------------------------------------- headers

@cache
def _alias_index() -> dict[str, tuple[str, str]]:
    """header_key -> ('field', name) or ('breakdown', key)."""
    index: dict[str, tuple[str, str]] = {}
    for field, aliases in vocab.GENERIC_ALIASES.items():
        for alias in aliases:
            index.setdefault(header_key(alias), ("field", field))
    for key, aliases in vocab.BREAKDOWN_ALIASES.items():
        for alias in aliases:
            index.setdefault(header_key(alias), ("breakdown", key))
    return index


def _data_columns(columns) -> list[str]:
    return [str(c) for c in columns if not str(c).startswith("_")]


def _esif_columns(columns) -> dict[str, str]:
    """EU header (lower-case) -> column as written."""
    return {str(c).replace("\ufeff", "").strip().lower(): str(c) for c in _data_columns(columns)}


def _generic_mapping(columns) -> tuple[dict[str, str], dict[str, str], list[dict]]:
    """Map generic headers: ({field: column}, {breakdown key: column}, header problems)."""
    index = _alias_index()
    fields: dict[str, str] = {}
    breakdowns: dict[str, str] = {}
    problems: list[dict] = []
    for column in _data_columns(columns):
        prefixed = BREAKDOWN_PREFIX.match(column)
        if prefixed:
            kind, name = "breakdown", vocab.slug(prefixed.group(1), fallback="breakdown")
        elif header_key(column) in index:
            kind, name = index[header_key(column)]
        else:
            problems.append({"code": "unknown_column", "column": column})
            continue
        target = fields if kind == "field" else breakdowns
        if name in target:
            problems.append({"code": "duplicate_column", "column": column, "first": target[name],
                             "field": name})
            continue
        target[name] = column
    return fields, breakdowns, problems


def detect(columns: list[str]) -> str | None:
    """The indicator format of a file from its headers.

    Returns:
        "esif_open_data" for the EU open-data achievement export, "generic" for the generic
        indicator format (programme, indicator, year or Stichtag, achieved or target), else None.
    """
    if set(ESIF_REQUIRED) <= set(_esif_columns(columns)):
        return "esif_open_data"
    fields, _, _ = _generic_mapping(columns)
    if (
        all(f in fields for f in GENERIC_REQUIRED)
        and ("year" in fields or "report_date" in fields)
        and ("achieved" in fields or "target" in fields)
    ):
        return "generic"
    return None


# --------------------------------------------------------------------------- value parsing

_NUM_PLAIN = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"      # 1234, 1234.5, 770.0, 1e3
_NUM_DE_THOUSANDS = r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"  # 1.234 / 1.234,5 / 12.345.678
_NUM_EN_THOUSANDS = r"[+-]?[1-9]\d{0,2}(?:,\d{3})+\.\d+|[+-]?[1-9]\d{0,2}(?:,\d{3}){2,}"  # 1,234.5 / 1,234,567
_NUM_DE_DECIMAL = r"[+-]?\d*,\d+"                               # 1234,5 / ,5


def _text(series: pd.Series | None, n: int) -> pd.Series:
    """A column as stripped text ('' for empty); an absent column is all ''."""
    if series is None:
        return pd.Series([""] * n, dtype=object)
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def parse_numbers(text: pd.Series, flexible: bool = True) -> tuple[pd.Series, pd.Series]:
    """Parse text to float: (values with NaN for empty, mask of unparsable cells).

    flexible=True (generic files) accepts German and English notation: "1.234,5", "1234,5",
    "1234.5", "1,234.5". A single dot followed by exactly three digits ("1.234", "12.345") is
    read as a German thousands separator (1234); with another digit count or a leading 0
    ("1.5", "0.125") the dot is a decimal point. A single comma is always a decimal comma.
    flexible=False (EU open data) accepts only the plain form with a decimal point.
    """
    cleaned = text.str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    empty = cleaned == ""
    if flexible:
        canonical = pd.Series(
            np.select(
                [
                    cleaned.str.fullmatch(_NUM_DE_THOUSANDS),
                    cleaned.str.fullmatch(_NUM_EN_THOUSANDS),
                    cleaned.str.fullmatch(_NUM_DE_DECIMAL),
                    cleaned.str.fullmatch(_NUM_PLAIN),
                ],
                [
                    cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
                    cleaned.str.replace(",", "", regex=False),
                    cleaned.str.replace(",", ".", regex=False),
                    cleaned,
                ],
                default="",
            ),
            index=text.index,
        )
    else:
        canonical = cleaned.where(cleaned.str.fullmatch(_NUM_PLAIN), "")
    values = pd.to_numeric(canonical.replace("", np.nan), errors="coerce").astype("float64")
    return values, ~empty & values.isna()


def _parse_years(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'2020' (or '2020.0' from a spreadsheet) -> 2020; returns (years, bad mask)."""
    ok = text.str.fullmatch(r"\d{4}(?:\.0+)?")
    years = pd.to_numeric(text.where(ok, "").str[:4].replace("", np.nan), errors="coerce")
    ok = ok & years.between(1990, 2100)
    return years.where(ok), (text != "") & ~ok


def _parse_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """DD.MM.YYYY or YYYY-MM-DD (a midnight time is tolerated) -> datetime64; (dates, bad mask)."""
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$", expand=False).fillna("")
    german = pd.to_datetime(text.where(text.str.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}"), ""),
                            format="%d.%m.%Y", errors="coerce")
    dates = german.fillna(pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce"))
    return dates, (text != "") & dates.isna()


def _parse_versions(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ir_ver '2020.1' -> sortable 2020_0001 (empty -> -1); returns (rank, bad mask)."""
    parts = text.str.extract(r"^(\d{1,4})(?:\.(\d{1,4}))?$")
    major = pd.to_numeric(parts[0], errors="coerce")
    minor = pd.to_numeric(parts[1], errors="coerce").fillna(0)
    rank = (major * 10_000 + minor).fillna(-1)
    return rank, (text != "") & major.isna()


def _breakdown_json(frame: pd.DataFrame) -> pd.Series:
    """Compact JSON with sorted keys per row; empty values are left out ('{}' = whole programme)."""
    if frame.shape[1] == 0:
        return pd.Series("{}", index=frame.index, dtype=object)
    keys = list(frame.columns)
    cleaned = [frame[k].str.replace("\x1f", " ", regex=False) for k in keys]
    combo = cleaned[0]
    for part in cleaned[1:]:
        combo = combo + "\x1f" + part
    mapping = {}
    for value in combo.unique():  # one json.dumps per distinct combination, not per row
        parts = value.split("\x1f")
        mapping[value] = breakdown_to_json({k: v for k, v in zip(keys, parts) if v != ""})
    return combo.map(mapping)


def breakdown_to_json(breakdown: dict | None) -> str:
    """Canonical breakdown_json: compact, keys sorted ({} -> '{}')."""
    return json.dumps(breakdown or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --------------------------------------------------------------------------- normalise

class _Errors:
    """Collects row problems as dicts (line, column, value, code, message)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.items: list[dict] = []

    def header(self, code: str, where: str | None, **params) -> None:
        """A problem with the header line (line 1); `where` is the column concerned."""
        self.items.append({"line": 1, "column": where, "value": None, "code": code,
                           "message": message(code, self.lang, **params)})

    def rows(self, mask: pd.Series, lines: pd.Series, column: str | None, values: pd.Series,
             code: str, other: pd.Series | None = None, **params) -> None:
        """One problem per row in `mask` (only these rows are visited); `other` varies by row."""
        if not mask.any():
            return
        others = other[mask].tolist() if other is not None else [None] * int(mask.sum())
        for line, value, extra in zip(lines[mask].tolist(), values[mask].tolist(), others):
            if other is not None:
                params["other"] = extra
            self.items.append({"line": int(line), "column": column, "value": value, "code": code,
                               "message": message(code, self.lang, value=value, **params)})

    def sorted(self) -> list[dict]:
        return sorted(self.items, key=lambda e: e["line"])  # stable: a line's problems in check order


def _label(field: str, lang: str) -> str:
    return FIELD_LABELS[field][_lang_index(lang)]


def normalise(df: pd.DataFrame, source_kind: str, lang: str = "de") -> tuple[pd.DataFrame, list[dict]]:
    """Validate an indicator file and turn it into indicator_value rows.

    Rows with a problem are left out and each problem is reported; the caller decides whether
    a file with problems loads (lenient) or not at all (strict).

    EU open data: the indicator's identity is (cci, fund, indicator_type_code, ind_code): result
    codes such as CR01 mean different things under ESF (RESF) and YEI (RYEI). The breakdown is
    {"investment_priority", "priority", "region_category"}. **Versions:** when the file holds the
    same indicator, breakdown and year in several implementation-report versions (`ir_ver`,
    e.g. 2020.0 and 2020.1), only the latest version is kept and the older ones are dropped
    without an error (their number is in ``rows.attrs["superseded"]``); rows without a version
    (the 2021 target rows) rank below any version. Two rows with the same key and the same
    version are a duplicate_key error.

    Generic: see vocab.GENERIC_ALIASES / vocab.BREAKDOWN_ALIASES; a column "Aufschlüsselung: X" is a
    breakdown X. The year comes from "Jahr" or from the year of "Stichtag".

    Args:
        df: the file as text columns (original headers) plus `_line` (header = line 1).
        source_kind: "esif_open_data" or "generic" (see `detect`).
        lang: language of the messages, "de" or "en".

    Returns:
        (rows, errors): rows has exactly ROW_COLUMNS (indicator_value without load_id);
        errors is a list of {"line", "column", "value", "code", "message"}.
    """
    _lang_index(lang)
    if source_kind not in SOURCES:
        raise ValueError(f"unknown indicator format {source_kind!r}; use one of {SOURCES}")
    errors = _Errors(lang)
    n = len(df)
    lines = (df["_line"].astype("int64") if "_line" in df.columns
             else pd.Series(np.arange(n) + 2, index=df.index, dtype="int64"))
    lines.index = df.index

    if source_kind == "esif_open_data":
        present = _esif_columns(df.columns)
        fields = {f: present[h] for f, h in ESIF_FIELDS.items() if h in present}
        if "indicator_name" not in fields and "indicator_long_name" in present:
            fields["indicator_name"] = present["indicator_long_name"]
        breakdown_cols = {k: present[h] for k, h in ESIF_BREAKDOWNS.items() if h in present}
        missing = [h for h in ESIF_REQUIRED if h not in present]
        for header in missing:
            errors.header("missing_column", header, field=header, examples=f"»{header}«")
        required = ("program", "fund", "indicator_type", "indicator", "year")
    else:
        fields, breakdown_cols, problems = _generic_mapping(df.columns)
        known = ", ".join(f"»{aliases[0]}«" for aliases in vocab.GENERIC_ALIASES.values())
        for p in problems:
            if p["code"] == "unknown_column":
                errors.header("unknown_column", p["column"], column=p["column"], known=known)
            else:
                errors.header("duplicate_column", p["column"], first=p["first"], second=p["column"],
                              field=_label(p["field"], lang) if p["field"] in FIELD_LABELS else p["field"])
        missing = [f for f in GENERIC_REQUIRED if f not in fields]
        if "year" not in fields and "report_date" not in fields:
            missing.append("year")
        for field in missing:
            examples = ", ".join(f"»{a}«" for a in vocab.GENERIC_ALIASES[field][:3])
            if field == "year":
                examples += ", »Stichtag«"
            errors.header("missing_column", _label(field, lang), field=_label(field, lang),
                          examples=examples)
        if "achieved" not in fields and "target" not in fields:
            missing.append("achieved")
            errors.header("missing_value_column", None)
        required = ("program", "indicator")
    if missing:
        return _empty_rows(), errors.sorted()

    text = {f: _text(df[c], n) for f, c in fields.items()}
    col = dict(fields)  # field -> header as written (for messages)

    def get(field: str) -> pd.Series:
        return text[field] if field in text else _text(None, n).set_axis(df.index)

    if source_kind == "esif_open_data" and "indicator_name" in fields and "indicator_long_name" in present:
        # a missing short name falls back to the long one
        long_name = _text(df[present["indicator_long_name"]], n)
        text["indicator_name"] = text["indicator_name"].where(text["indicator_name"] != "", long_name)

    bad = pd.Series(False, index=df.index)
    for field in required:
        empty = get(field) == ""
        errors.rows(empty, lines, col[field], get(field), "missing_value", field=col[field])
        bad |= empty

    # year (and Stichtag)
    years, bad_year = _parse_years(get("year"))
    errors.rows(bad_year, lines, col.get("year"), get("year"), "bad_year")
    bad |= bad_year
    report_dates = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    if "report_date" in fields:
        report_dates, bad_date = _parse_dates(get("report_date"))
        errors.rows(bad_date, lines, col["report_date"], get("report_date"), "bad_date")
        bad |= bad_date
        date_years = report_dates.dt.year
        mismatch = years.notna() & date_years.notna() & (years != date_years)
        errors.rows(mismatch, lines, col.get("year"), get("year"), "year_date_mismatch",
                    other=get("report_date"))
        bad |= mismatch
        years = years.fillna(date_years)
    if source_kind == "generic":
        no_year = years.isna() & ~bad_year & (get("report_date") == "")
        year_col = col.get("year") or col.get("report_date")
        errors.rows(no_year, lines, year_col, get("year"), "missing_value", field=year_col)
        bad |= no_year

    # values
    flexible = source_kind == "generic"
    values = {}
    for field in ("achieved", "target"):
        values[field], unparsable = parse_numbers(get(field), flexible=flexible)
        errors.rows(unparsable, lines, col.get(field), get(field), "not_a_number")
        negative = values[field] < 0
        errors.rows(negative, lines, col.get(field), get(field), "negative_value")
        bad |= unparsable | negative
    neither = (get("achieved") == "") & (get("target") == "")
    errors.rows(neither, lines, col.get("achieved") or col.get("target"), get("achieved"), "no_value")
    bad |= neither

    versions, bad_version = _parse_versions(get("version"))
    if source_kind == "esif_open_data":  # a generic file's version is free text, kept as is
        errors.rows(bad_version, lines, col.get("version"), get("version"), "bad_version")
        bad |= bad_version

    breakdown_text = pd.DataFrame({k: _text(df[c], n) for k, c in sorted(breakdown_cols.items())},
                                  index=df.index)
    rows = pd.DataFrame({
        "source": source_kind,
        "program": get("program"),
        "title": get("title").replace("", None),
        "fund": get("fund"),
        "indicator_type": get("indicator_type"),
        "indicator_code": get("indicator"),
        "indicator_name": get("indicator_name").replace("", None),
        "breakdown_json": _breakdown_json(breakdown_text),
        "year": years,
        "report_date": report_dates,
        "target_value": values["target"],
        "achieved_value": values["achieved"],
        "unit": get("unit").replace("", None),
        "version": get("version").replace("", None),
    }, index=df.index)

    ok = ~bad
    key = ["program", "fund", "indicator_type", "indicator_code", "breakdown_json", "year"]
    superseded = 0
    if source_kind == "esif_open_data":
        # keep the latest report version of each key (documented above)
        latest = versions[ok].groupby([rows.loc[ok, k] for k in key], sort=False).transform("max")
        older = pd.Series(False, index=df.index)
        older[ok] = versions[ok] < latest
        superseded = int(older.sum())
        ok &= ~older
    dup = pd.Series(False, index=df.index)
    dup[ok] = rows.loc[ok].duplicated(key, keep=False)
    if dup.any():
        groups = rows.loc[dup, key].astype(str).agg("\x1f".join, axis=1)
        line_lists = lines[dup].groupby(groups).transform(lambda s: ", ".join(map(str, s)))
        for idx in rows.index[dup]:
            errors.items.append({
                "line": int(lines[idx]), "column": None,
                "value": f"{rows.at[idx, 'program']} {rows.at[idx, 'indicator_code']} {int(rows.at[idx, 'year'])}",
                "code": "duplicate_key",
                "message": message("duplicate_key", lang, other=line_lists[idx]),
            })
        ok &= ~dup

    out = rows.loc[ok, ROW_COLUMNS].reset_index(drop=True)
    out["year"] = out["year"].astype("int64")
    out.attrs["superseded"] = superseded
    return out, errors.sorted()


def _empty_rows() -> pd.DataFrame:
    rows = pd.DataFrame({c: pd.Series(dtype=object) for c in ROW_COLUMNS})
    rows["year"] = rows["year"].astype("int64")
    rows["target_value"] = rows["target_value"].astype("float64")
    rows["achieved_value"] = rows["achieved_value"].astype("float64")
    rows["report_date"] = pd.to_datetime(rows["report_date"])
    rows.attrs["superseded"] = 0
    return rows


# --------------------------------------------------------------------------- load

def load(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, load_id: int) -> int:
    """Insert or replace indicator rows (upsert on the primary key) in the caller's transaction.

    A row with the same (source, program, fund, indicator_type, indicator_code, breakdown_json,
    year) as a stored one replaces it: a newer file for a programme updates the values it
    covers and leaves the others alone. Does not begin or commit a transaction.

    Returns:
        the number of rows written.
    """
    missing = [c for c in ROW_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"rows lack columns {missing}")
    if rows.empty:
        return 0
    frame = rows[ROW_COLUMNS].copy()
    frame["report_date"] = pd.to_datetime(frame["report_date"])
    view = f"_indicator_rows_{id(frame)}"
    columns = ", ".join(quote_ident(c) for c in ROW_COLUMNS)
    con.register(view, frame)
    try:
        con.execute(
            f"insert or replace into indicator_value ({columns}, load_id) "
            f"select source, program, title, coalesce(fund, ''), coalesce(indicator_type, ''), "
            f"indicator_code, indicator_name, coalesce(breakdown_json, '{{}}'), "
            f"cast(year as integer), cast(report_date as date), cast(target_value as double), "
            f"cast(achieved_value as double), unit, version, $load_id from {quote_ident(view)}",
            {"load_id": load_id},
        )
    finally:
        con.unregister(view)
    return len(frame)


# --------------------------------------------------------------------------- queries

@cache
def _sql(name: str) -> str:
    return db.sql(f"indicators_{name}")


def _number(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def indicator_table(
    con: duckdb.DuckDBPyConnection,
    program: str | None = None,
    indicator: str | None = None,
    year: int | None = None,
    fund: str | None = None,
    indicator_type: str | None = None,
    region_category: str | None = None,
    level: str = "breakdown",
    *,
    breakdown: dict | None = None,
) -> list[dict]:
    """Indicator values with target, attainment and a plausibility flag.

    Values are cumulative to the end of `year`; years are never added together.

    At level="programme" the breakdowns of a programme's indicator are summed, but only where
    that is meaningful: every breakdown's unit is a count (COUNT_UNITS, e.g. "Number"). A sum's
    target is the sum of the breakdown targets only when every breakdown the indicator has (in
    any year) carries a target that year; otherwise target is None with flag "partial_target".
    A breakdown row missing in a year (not reported yet) adds nothing to the achieved sum; a row
    present without an achievement makes the sum None ("incomplete_achievement"). If a row
    without breakdown ("{}") exists it is the programme total and is used as is. An indicator
    with a single breakdown is its own programme level and keeps that breakdown. Ratios and
    unknown units come back per breakdown with flag "not_summable".

    Args:
        program, indicator, year, fund, indicator_type: filters (None = all).
        region_category: only breakdowns of this region category (summed to programme level
            within it: a sum's breakdown is then {"region_category": …} instead of {}).
        level: "breakdown" or "programme".
        breakdown: only this exact breakdown (level="breakdown").

    Returns:
        [{"program", "title", "fund", "indicator", "indicator_type", "indicator_name",
          "breakdown": {...}, "year", "target", "achieved", "attainment", "flag", "unit"}, ...]
        sorted by program, fund, indicator_type, indicator, breakdown, year. attainment is
        achieved / target (None without a usable target); flag is None or a code of FLAGS.
    """
    if level not in ("breakdown", "programme"):
        raise ValueError("level must be 'breakdown' or 'programme'")
    params = {
        "program": program, "indicator": indicator,
        "year": None if year is None else int(year), "fund": fund,
        "indicator_type": indicator_type, "region_category": region_category,
        "breakdown_json": None if breakdown is None else breakdown_to_json(breakdown),
        "level": level, "count_units": list(COUNT_UNITS), "percent_units": list(PERCENT_UNITS),
        "percent_like_max": PERCENT_LIKE_MAX, "far_above": FAR_ABOVE_FACTOR,
    }
    cursor = con.execute(_sql("table"), params)
    names = [d[0] for d in cursor.description]
    parsed: dict[str, dict] = {}
    result = []
    for record in cursor.fetchall():
        row = dict(zip(names, record))
        bj = row.pop("breakdown_json")
        if bj not in parsed:
            parsed[bj] = json.loads(bj)
        result.append({
            "program": row["program"], "title": row["title"], "fund": row["fund"],
            "indicator": row["indicator_code"], "indicator_type": row["indicator_type"],
            "indicator_name": row["indicator_name"], "breakdown": dict(parsed[bj]),
            "year": row["year"], "target": _number(row["target"]),
            "achieved": _number(row["achieved"]), "attainment": _number(row["attainment"]),
            "flag": row["flag"], "unit": row["unit"],
        })
    return result


def target_history(
    con: duckdb.DuckDBPyConnection,
    program: str,
    fund: str,
    indicator_type: str,
    indicator: str,
    breakdown: dict | None = None,
) -> list[dict]:
    """The target in force each year, with revisions marked.

    Args:
        breakdown: one breakdown (e.g. {"priority": "A", "investment_priority": "8i",
            "region_category": "More developed"}); None = programme level (see indicator_table).

    Returns:
        [{"year", "target", "achieved", "revised"}, ...] by year; revised is True when the
        target differs from the previous year's (a target appearing or disappearing counts).

    Raises:
        ValueError: breakdown=None for an indicator that cannot be summed (several breakdowns
            per year at programme level): pass a breakdown.
    """
    rows = indicator_table(
        con, program=program, indicator=indicator, fund=fund, indicator_type=indicator_type,
        level="breakdown" if breakdown is not None else "programme", breakdown=breakdown,
    )
    years = [r["year"] for r in rows]
    if len(years) != len(set(years)):
        raise ValueError(
            f"{program} {fund} {indicator_type} {indicator} cannot be summed to programme level; "
            "pass a breakdown"
        )
    history = []
    previous = None
    for i, r in enumerate(rows):
        revised = i > 0 and not _same(previous, r["target"])
        history.append({"year": r["year"], "target": r["target"], "achieved": r["achieved"],
                        "revised": revised})
        previous = r["target"]
    return history


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


OVERVIEW_COLUMNS = [
    "program", "title", "fund", "indicator_type", "indicator", "indicator_name", "unit", "year",
    "achieved", "target", "attainment", "flag",
]


def programme_overview(con: duckdb.DuckDBPyConnection, year: int | None = None) -> pd.DataFrame:
    """One row per programme × indicator at programme level, for the ministry page.

    Each row holds the latest year (up to `year`, if given) that has an achievement, or the
    latest year at all when there is none yet, with that year's target in force. Indicators
    that cannot be summed (several ratio breakdowns) get one row with achieved/target None and
    flag "not_summable": see indicator_table(level="breakdown") for their breakdowns.

    Returns:
        DataFrame with OVERVIEW_COLUMNS, sorted by program, fund, indicator_type, indicator.
    """
    rows = pd.DataFrame(indicator_table(con, level="programme"))
    if rows.empty:
        return pd.DataFrame(columns=OVERVIEW_COLUMNS)
    if year is not None:
        rows = rows[rows["year"] <= int(year)]
    series = ["program", "fund", "indicator_type", "indicator"]
    rows = rows.assign(_has=rows["achieved"].notna(), _bd=rows["breakdown"].map(breakdown_to_json))
    # several breakdowns left at programme level = not summable: collapse to one row
    per_year = rows.groupby(series + ["year"], sort=False)["_bd"].transform("size")
    split = rows[per_year > 1].drop_duplicates(series + ["year"]).assign(
        achieved=None, target=None, attainment=None, flag="not_summable")
    rows = pd.concat([rows[per_year == 1], split]) if not split.empty else rows
    rows = rows.sort_values(series + ["_has", "year"])
    latest = rows.groupby(series, sort=False).tail(1)
    out = latest.sort_values(series)[OVERVIEW_COLUMNS].reset_index(drop=True)
    for c in ("achieved", "target", "attainment"):
        out[c] = out[c].astype("float64")
    out["year"] = out["year"].astype("int64")
    return out


IMPLAUSIBLE_COLUMNS = [
    "program", "title", "fund", "indicator_type", "indicator", "indicator_name", "breakdown",
    "first_year", "last_year", "target", "achieved", "attainment", "flag", "reason",
]


def implausible_targets(con: duckdb.DuckDBPyConnection, lang: str = "de") -> pd.DataFrame:
    """Breakdown rows whose target looks wrong, one line per indicator × breakdown × flag.

    Flags listed: IMPLAUSIBLE_FLAGS (a result target ≤ PERCENT_LIKE_MAX beside a count unit,
    achieved above FAR_ABOVE_FACTOR × target, a target of 0). first_year/last_year span the
    flagged years; target/achieved/attainment are those of the last flagged year with an
    achievement (else of the last flagged year); reason says why in `lang`.
    """
    idx = _lang_index(lang)
    rows = pd.DataFrame(indicator_table(con, level="breakdown"))
    if rows.empty:
        return pd.DataFrame(columns=IMPLAUSIBLE_COLUMNS)
    rows = rows[rows["flag"].isin(IMPLAUSIBLE_FLAGS)]
    if rows.empty:
        return pd.DataFrame(columns=IMPLAUSIBLE_COLUMNS)
    rows = rows.assign(_bd=rows["breakdown"].map(breakdown_to_json), _has=rows["achieved"].notna())
    key = ["program", "fund", "indicator_type", "indicator", "_bd", "flag"]
    first = rows.groupby(key, sort=False)["year"].transform("min")
    final = rows.groupby(key, sort=False)["year"].transform("max")
    # the figures shown: the last flagged year that has an achievement (else the last one)
    last = rows.sort_values(["_has", "year"]).groupby(key, sort=False).tail(1)
    last = last.assign(first_year=first[last.index], last_year=final[last.index])
    fmt_lang = "de" if idx == 0 else "en"

    def reason(r) -> str:
        known = not pd.isna(r["achieved"]) and not pd.isna(r["target"]) and r["target"] > 0
        factor = r["achieved"] / r["target"] if known else None
        return REASONS[r["flag"]][idx].format(
            target=text.number(r["target"], fmt_lang, _decimals(r["target"])),
            achieved=text.number(r["achieved"], fmt_lang, _decimals(r["achieved"])),
            unit=r["unit"] or "–",
            factor=text.number(factor, fmt_lang, 1),
        )

    last["reason"] = [reason(r) for r in last.to_dict("records")]
    out = last.sort_values(["program", "fund", "indicator_type", "indicator", "_bd", "flag"])
    return out[IMPLAUSIBLE_COLUMNS].reset_index(drop=True)


def _decimals(value) -> int:
    if value is None or (isinstance(value, float) and (math.isnan(value) or value.is_integer())):
        return 0
    return 2
