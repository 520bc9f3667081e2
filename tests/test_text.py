import datetime as dt

import pytest

from pipelines import dates
from pipelines import text


def test_numbers_german_and_english():
    assert text.number(1234.5, "de", 1) == "1.234,5"
    assert text.number(1234.5, "en", 1) == "1,234.5"
    assert text.number(1234567, "de") == "1.234.567"
    assert text.number(None) == "–"


def test_percent_and_dates():
    assert text.percent(0.74) == "74 %"
    assert text.percent(0.745, "en", 1) == "74.5%"
    assert text.date(dt.date(2020, 8, 31)) == "31.08.2020"
    assert text.date("2020-08-31", "en") == "2020-08-31"


def test_parse_date_accepts_both_forms_only():
    assert dates.parse_date("31.08.2020") == dt.date(2020, 8, 31)
    assert dates.parse_date("2020-08-31") == dt.date(2020, 8, 31)
    with pytest.raises(ValueError):
        dates.parse_date("31.02.2020")


def test_pick_fills_a_catalog_text_in_either_language():
    catalog = {"x": ("{key} fehlt in Zeile {line}", "{key} missing on line {line}")}
    assert text.pick(catalog, "x", "de", key="Eintritt", line=3) == "Eintritt fehlt in Zeile 3"
    assert text.pick(catalog, "x", "en", key="entry", line=None) == "entry missing on line "
    with pytest.raises(ValueError):
        text.pick(catalog, "x", "fr", key="a", line=1)
