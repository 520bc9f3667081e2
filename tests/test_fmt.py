import datetime as dt

import pytest

from pipelines import fmt


def test_numbers_german_and_english():
    assert fmt.number(1234.5, "de", 1) == "1.234,5"
    assert fmt.number(1234.5, "en", 1) == "1,234.5"
    assert fmt.number(1234567, "de") == "1.234.567"
    assert fmt.number(None) == "–"


def test_percent_and_dates():
    assert fmt.percent(0.74) == "74 %"
    assert fmt.percent(0.745, "en", 1) == "74.5%"
    assert fmt.date(dt.date(2020, 8, 31)) == "31.08.2020"
    assert fmt.date("2020-08-31", "en") == "2020-08-31"


def test_parse_date_accepts_both_forms_only():
    assert fmt.parse_date("31.08.2020") == dt.date(2020, 8, 31)
    assert fmt.parse_date("2020-08-31") == dt.date(2020, 8, 31)
    with pytest.raises(ValueError):
        fmt.parse_date("31.02.2020")
