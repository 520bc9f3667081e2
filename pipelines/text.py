"""Locale-aware formatting of numbers, percentages and dates (German first, English on request).

German: 1.234,5 and 31.08.2020; English: 1,234.5 and 2020-08-31 (ISO, unambiguous).
Used by the CLI, the reports and the dashboard alike, so all three print the same text.
"""

from __future__ import annotations

import datetime as dt
import math

LANGS = ("de", "en")


def check_lang(lang: str) -> str:
    """`lang` if it is a language of the catalog, else ValueError."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")
    return lang


def pick(catalog: dict[str, tuple[str, str]], key: str, lang: str = "de", /, **values) -> str:
    """A text of a (German, English) catalog in `lang`, with its {placeholders} filled in (None -> '')."""
    de, en = catalog[key]
    return (de if check_lang(lang) == "de" else en).format(**{k: ("" if v is None else v) for k, v in values.items()})


def number(value: float | int | None, lang: str = "de", decimals: int = 0) -> str:
    """Format a number: number(1234.5, 'de', 1) -> '1.234,5'; None/NaN -> '–'."""
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"  # 1,234.5
    if lang == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent(value: float | None, lang: str = "de", decimals: int = 0) -> str:
    """Format a fraction as percent: percent(0.74) -> '74 %' (de) / '74%' (en)."""
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    body = number(value * 100, lang, decimals)
    return f"{body} %" if lang == "de" else f"{body}%"


def date(value: dt.date | str | None, lang: str = "de") -> str:
    """Format a date: DD.MM.YYYY in German, ISO in English; None -> '–'."""
    check_lang(lang)
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()


def parse_date(text: str) -> dt.date:
    """Parse a user-typed date, DD.MM.YYYY or YYYY-MM-DD. Raises ValueError otherwise."""
    text = text.strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (DD.MM.YYYY or YYYY-MM-DD)")
