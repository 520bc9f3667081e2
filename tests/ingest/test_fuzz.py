"""Generated files through the real command (issue #11.3): whatever the bytes, `outcomes ingest` decides
— exit 0 (loaded) or 2 (refused) — and a refusal leaves the store and its folder unchanged.

CSV files are built from pieces offices and accidents produce: known and unknown headers, title rows,
dates in every spelling and none, quotes, delimiters and line breaks inside cells, Windows-1252 and
UTF-8, blank and totals rows; and raw bytes named .xlsx/.csv/.parquet.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.helpers import hostile
from tests.helpers.cli import run
from tests.helpers.hostile import TRACEBACK, snapshot

EXAMPLES = 1000
HEADERS = ["Teilnehmer-ID", "TN-Nr.", "Eintritt", "Eintrittsdatum", "Austritt", "Austrittsgrund", "Standort",
           "Kohorte", "Coaching ab", "Coaching bis", "Ausbildungsbeginn", "Beschäftigt seit", "Mentoring bis",
           "Programm", "Status", "Beginn", "Ende", "Bemerkung", "Geburtsjahr", "Geschlecht", "Deutschniveau",
           "Ausbildungsbetrieb", "Name", "E-Mail", "", "x", "Qualifikation am"]
VALUES = ["K-1", "K-2", "01.09.2020", "1.9.2020", "01.09.20", "2020-09-01", "2020-09-01 10:30", "44075",
          "31.02.2020", "2025-05-12 kaputt", "01.01.0001", "erfolgreich beendet", "Umzug", "w", "B1", "1985",
          "test-programm", "anderes-programm", "Coaching", "Summe", "Gesamt", "", " ", "ä", "a@b.de",
          '"', '""', '"x;y"', "x\ny", "\r", "=1+1", "NaN", "inf", "-1", "9" * 30]
DELIMITERS = [";", ",", "\t"]


@st.composite
def csv_files(draw) -> tuple[str, bytes]:
    delimiter = draw(st.sampled_from(DELIMITERS))
    width = draw(st.integers(1, 6))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=width, max_size=width))
    title = draw(st.lists(st.sampled_from(["Teilnehmerinnenliste", "Stand: 31.08.2020", ""]), max_size=2))
    cell = st.one_of(st.sampled_from(VALUES), st.text(max_size=8))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=width + 1), max_size=8))
    lines = [*title, delimiter.join(header), *(delimiter.join(r) for r in rows)]
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]))
    return "fuzz.csv", text.encode(encoding, errors="replace")


raw_files = st.tuples(st.sampled_from(["fuzz.xlsx", "fuzz.parquet", "fuzz.csv"]), st.binary(max_size=300))


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz") / "store"
    folder.mkdir()
    store = folder / "outcomes.duckdb"
    program = hostile._text(folder.parent / "test-programm.toml", hostile.BASE_PROGRAM)
    assert run("ingest", program, "--db", store).returncode == 0
    return store, folder, {"state": snapshot(store, folder)}


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(file=st.one_of(csv_files(), csv_files(), csv_files(), raw_files), lenient=st.booleans())
def test_every_generated_file_is_loaded_or_refused_and_a_refusal_changes_nothing(fuzz_store, file, lenient):
    store, folder, last = fuzz_store
    name, data = file
    path = folder.parent / name
    path.write_bytes(data)
    before = last["state"]          # the store as the previous example left it
    result = run("ingest", path, "--program", "test-programm", "--db", store, "--json",
                 *(["--lenient"] if lenient else []))
    assert result.returncode in (0, 2), result.stderr
    event(f"exit {result.returncode}")
    assert not TRACEBACK.search(result.stderr), result.stderr
    [record] = json.loads(result.stdout)
    if result.returncode == 2:
        assert record["outcome"] == "failed" and record["problems"]
        assert all(p["message"] != p["code"] for p in record["problems"]), record["problems"]
        assert snapshot(store, folder) == before
    else:
        last["state"] = snapshot(store, folder)
