"""Words at the edges: the one German/English catalog, `say()`, and locale formats.

Functions in `pipelines` return codes and numbers; only the CLI, the report writers and the
dashboard turn them into words, with `say(key, lang, **values)` from this catalog (the pages'
own labels live in `dashboard/i18n.py` and use the same `Catalog`). The catalog is assembled
from one section per stage (`text/common.py`, `text/ingest.py`, …); keys carry the section
as prefix (`ingest.bad_date`), and no key may be defined twice.

Formats: German 1.234,5 · 31.08.2020 · 74 %; English 1,234.5 · 2020-08-31 · 74%.
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


class Catalog:
    """German/English texts by key. `catalog.say(key, lang, **values)`; a key that is missing is a bug
    (KeyError), a placeholder without a value reads as empty."""

    def __init__(self, *sections: dict[str, tuple[str, str]]):
        self.entries: dict[str, tuple[str, str]] = {}
        for section in sections:
            twice = self.entries.keys() & section.keys()
            if twice:
                raise ValueError(f"catalog keys defined twice: {sorted(twice)}")
            self.entries.update(section)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def say(self, key: str, lang: str = "de", /, **values) -> str:
        """The text for `key` in `lang` with its {placeholders} filled in."""
        return pick(self.entries, key, lang, **values)


def _catalog() -> Catalog:
    from pipelines.text import access, cli, common, indicators, ingest, metrics, report, targets

    return Catalog(common.WORDS, ingest.WORDS, metrics.WORDS, targets.WORDS, report.WORDS,
                   indicators.WORDS, access.WORDS, cli.WORDS)


CATALOG = _catalog()


def say(key: str, lang: str = "de", /, **values) -> str:
    """The catalog's text for `key` in `lang`: say('state.met', 'en') -> 'met'."""
    return CATALOG.say(key, lang, **values)


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


