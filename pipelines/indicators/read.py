"""Read aggregate indicator files: detect the format and normalise rows for indicator_value.

Two formats are understood, both handed over by the ingestion as a DataFrame of text columns
named by the file's headers plus `_line` (line in the file, header = 1):

- ``esif_open_data``: the EU Cohesion Open Data "ESIF 2014-2020 Achievement Details" export
  (ms, cci, title, fund, indicator_type_code, ind_code, …, year, ir_ver, target_value,
  implemented_value, measurement_unit).
- ``generic``: one row per programme × indicator × breakdown × year (or Stichtag) with
  achieved and target values, German or English headers (see `vocab.GENERIC_ALIASES`).

Problems come back as codes with parameters; `pipelines.text.indicators.problem_message`
turns one into German or English.
"""

from __future__ import annotations

import json
import re
from functools import cache

import numpy as np
import pandas as pd

from pipelines import vocab
from pipelines.vocab import header_key

SOURCES = ("esif_open_data", "generic")

# Columns of indicator_value that normalise() returns (everything except load_id), in order.
ROW_COLUMNS = [
    "source", "programme", "title", "fund", "indicator_type", "indicator_code", "indicator_name",
    "breakdown_json", "year", "report_date", "target_value", "achieved_value", "unit", "version",
]

# --------------------------------------------------------------------------- formats

# EU open data: required (lower-case) headers; the other known ones are optional.
ESIF_REQUIRED = (
    "cci", "fund", "indicator_type_code", "ind_code", "year", "target_value", "implemented_value",
)
ESIF_FIELDS = {  # canonical field -> EU header
    "programme": "cci", "title": "title", "fund": "fund", "indicator_type": "indicator_type_code",
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
GENERIC_REQUIRED = ("programme", "indicator")  # + year or report_date, + achieved or target


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

class _Problems:
    """Collects problems as dicts (line, column, value, code, params)."""

    def __init__(self):
        self.items: list[dict] = []

    def header(self, code: str, where: str | None, **params) -> None:
        """A problem with the header line (line 1); `where` is the column concerned."""
        self.items.append({"line": 1, "column": where, "value": None, "code": code, "params": params})

    def rows(self, mask: pd.Series, lines: pd.Series, column: str | None, values: pd.Series,
             code: str, other: pd.Series | None = None, **params) -> None:
        """One problem per row in `mask` (only these rows are visited); `other` varies by row."""
        if not mask.any():
            return
        others = other[mask].tolist() if other is not None else [None] * int(mask.sum())
        for line, value, extra in zip(lines[mask].tolist(), values[mask].tolist(), others):
            found = dict(params, other=extra) if other is not None else dict(params)
            self.items.append({"line": int(line), "column": column, "value": value, "code": code,
                               "params": found})

    def sorted(self) -> list[dict]:
        return sorted(self.items, key=lambda e: e["line"])  # stable: a line's problems in check order


def normalise(df: pd.DataFrame, source_kind: str) -> tuple[pd.DataFrame, list[dict]]:
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

    Returns:
        (rows, errors): rows has exactly ROW_COLUMNS (indicator_value without load_id);
        errors is a list of {"line", "column", "value", "code", "params"}: `params` fills the
        message (`pipelines.text.indicators.problem_message`); a `field` in it is a field code,
        a `header` a header as written.
    """
    if source_kind not in SOURCES:
        raise ValueError(f"unknown indicator format {source_kind!r}; use one of {SOURCES}")
    errors = _Problems()
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
            errors.header("missing_column", header, header=header, examples=[header])
        required = ("programme", "fund", "indicator_type", "indicator", "year")
    else:
        fields, breakdown_cols, problems = _generic_mapping(df.columns)
        known = [aliases[0] for aliases in vocab.GENERIC_ALIASES.values()]
        for p in problems:
            if p["code"] == "unknown_column":
                errors.header("unknown_column", p["column"], column=p["column"], known=known)
            else:
                errors.header("duplicate_column", p["column"], first=p["first"], second=p["column"],
                              field=p["field"])
        missing = [f for f in GENERIC_REQUIRED if f not in fields]
        if "year" not in fields and "report_date" not in fields:
            missing.append("year")
        for field in missing:
            examples = list(vocab.GENERIC_ALIASES[field][:3])
            if field == "year":
                examples.append("Stichtag")
            # the column is named by its first (German) header: the one a file is asked to add
            errors.header("missing_column", vocab.GENERIC_ALIASES[field][0], field=field,
                          examples=examples)
        if "achieved" not in fields and "target" not in fields:
            missing.append("achieved")
            errors.header("missing_value_column", None)
        required = ("programme", "indicator")
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
        errors.rows(empty, lines, col[field], get(field), "missing_value", header=col[field])
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
        errors.rows(no_year, lines, year_col, get("year"), "missing_value", header=year_col)
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
        "programme": get("programme"),
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
    key = ["programme", "fund", "indicator_type", "indicator_code", "breakdown_json", "year"]
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
                "value": f"{rows.at[idx, 'programme']} {rows.at[idx, 'indicator_code']} {int(rows.at[idx, 'year'])}",
                "code": "duplicate_key", "params": {"other": line_lists[idx]},
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
