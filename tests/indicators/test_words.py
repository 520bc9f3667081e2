"""Breakdowns and values of aggregate indicators as a person reads them (the ESF page and its CSVs)."""

from __future__ import annotations

import pytest

from pipelines.text.indicators import breakdown_text, number_text

EU = {"investment_priority": "9i", "priority": "A", "region_category": "More developed"}


@pytest.mark.parametrize("breakdown,lang,expected", [
    (EU, "de", "Prioritätsachse A, Investitionspriorität 9i, Regionenkategorie: stärker entwickelt"),
    (EU, "en", "Priority axis A, investment priority 9i, region category: more developed"),
    ({"region_category": "Transition"}, "de", "Regionenkategorie: Übergangsregion"),
    ({"region_category": "REACT-EU"}, "de", "Regionenkategorie: REACT-EU"),        # no name of its own: as written
    ({"gender": "W", "investment_priority": "9i"}, "de", "Investitionspriorität 9i, Geschlecht: Frauen"),
    ({"gender": "female"}, "en", "Gender: women"),
    ({"site": "Kassel-Nord"}, "de", "Standort: Kassel-Nord"),
    ({"traeger": "Caritas"}, "de", "Traeger: Caritas"),                           # a key of the file's own
    ({}, "de", "Insgesamt"),
    ({}, "en", "Total"),
])
def test_a_breakdown_reads_as_text_never_as_json(breakdown, lang, expected):
    assert breakdown_text(breakdown, lang) == expected


def test_indicator_values_keep_their_decimals_only_where_they_have_some():
    assert [number_text(v, "de") for v in (15191.0, 25.5, None)] == ["15.191", "25,50", "–"]
    assert number_text(1234.5, "en") == "1,234.50"
