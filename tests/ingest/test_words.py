"""The words of a load (pipelines/text/ingest.py): problems, places and the summary, German and English."""

from __future__ import annotations

import pytest

from pipelines import text
from pipelines.ingest import LoadResult, Problem
from pipelines.text.ingest import WORDS, load_summary, located_message, problem_message, problem_record


def test_every_word_has_the_ingest_prefix_and_both_languages():
    assert all(key.startswith("ingest.") for key in WORDS)
    assert all(de and en for de, en in WORDS.values())


def test_a_located_problem_in_german_and_english():
    p = Problem("bad_date", "tn.csv", 4, "Eintritt", "31.02.2019")
    assert located_message(p, "de") == ("tn.csv, Zeile 4, Spalte »Eintritt«: '31.02.2019' ist kein gültiges "
                                        "Datum (TT.MM.JJJJ oder JJJJ-MM-TT).")
    assert located_message(p, "en") == ("tn.csv, line 4, column 'Eintritt': '31.02.2019' is not a valid date "
                                        "(DD.MM.YYYY or YYYY-MM-DD).")
    assert located_message(Problem("empty_file", "x.csv"), "en") == "x.csv: The file is empty."


def test_parameters_that_name_words_are_worded_in_the_language():
    number = Problem("bad_number", "t.csv", 2, "Geburtsjahr", "18", {"range": "birth_year"})
    assert problem_message(number, "de") == "'18' ist keine ganze Zahl im Bereich 1900–heute."
    assert problem_message(number, "en") == "'18' is not a whole number in the range 1900–today."
    order = Problem("bad_program", "p.toml", params={"rule": "order", "start": "2020-01-01", "end": "2019-01-01"})
    assert problem_message(order, "de") == "Programmdatei: Das Programmende 2019-01-01 liegt vor dem Beginn 2020-01-01."
    assert problem_message(order, "en") == "Program file: The program end 2019-01-01 is before its start 2020-01-01."


def test_unknown_codes_missing_values_and_ready_texts():
    assert problem_message(Problem("no_such_code", "f.csv")) == "no_such_code"
    # a placeholder without a value: the template as it is
    assert problem_message(Problem("bad_value", "f.csv", value="x")) == WORDS["ingest.bad_value"][0]
    assert problem_message(Problem("bad_value", "f.csv", text="from elsewhere")) == "from elsewhere"
    with pytest.raises(ValueError):
        problem_message(Problem("bad_date", "f.csv", value="x"), "fr")


def test_load_summary_in_german_and_english():
    result = LoadResult("tn.csv", kind="tracking", outcome="loaded", programs=["a", "b", "c", "d", "e"],
                        rows_read=4, rows_loaded=3, rows_rejected=1)
    assert load_summary(result, "de") == \
        "tn.csv [Tracking-Blatt]: geladen – gelesen 4, geladen 3, abgewiesen 1 (a, b, c, d, …)"
    assert load_summary(LoadResult("x.csv"), "en") == "x.csv [unknown]: NOT loaded – read 0, loaded 0, rejected 0"
    skipped = LoadResult("p.toml", kind="program", outcome="skipped")
    assert load_summary(skipped, "de") == \
        "p.toml [Programmdatei]: übersprungen (bereits geladen, keine Änderung) – gelesen 0, geladen 0, abgewiesen 0"


def test_problem_record_for_json_and_tables():
    record = problem_record(Problem("missing_value", "tn.csv", 2, "Eintritt"), "en")
    assert record == {"file": "tn.csv", "line": 2, "column": "Eintritt", "value": None,
                      "code": "missing_value", "message": "Required field is empty."}


def test_the_kinds_of_the_load_log_are_words_of_the_catalog():
    for kind in ("program", "participants", "episodes", "tracking", "indicators", "target_edit"):
        assert f"ingest.kind.{kind}" in text.CATALOG


def test_every_refusal_code_of_the_guard_and_the_readers_has_words_in_both_languages():
    import re
    from pathlib import Path

    from pipelines.ingest import limits
    from pipelines.text.ingest import WORDS

    ingest = Path(limits.__file__).parent
    raised = set()
    for module in ingest.glob("*.py"):
        raised |= set(re.findall(r'(?:InputRefused|FileProblem|Problem)\(\s*"([a-z_]+)"', module.read_text()))
    raised |= set(limits.CODES)
    missing = sorted(code for code in raised if f"ingest.{code}" not in WORDS)
    assert missing == []
