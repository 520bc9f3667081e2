"""Loads never break the dashboard (embedded store): a big load runs in its own process while readers
(the CLI's way and the dashboard's door, dashboard/data.py) ask the store in a loop; a second writer
waits, says so, and gives up after the limit with a clear message."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

import pytest

from bench.generate import PROGRAM_ID, generate
from pipelines.store import db
from tests.helpers.cli import ROOT, run

# 250,000 participants with about four episodes each: the 1 M episodes of the issue
PARTICIPANTS = int(os.environ.get("OUTCOMES_LOAD_TEST_N", "250000"))


def _ask_in_a_loop(ask, stop: threading.Event, tally: dict) -> None:
    while not stop.is_set():
        try:
            tally["answers"].append(ask())
        except Exception as exc:          # counted: the test demands none
            tally["errors"].append(f"{type(exc).__name__}: {exc}")


def _participants(store) -> int:
    with db.reading(store) as con:
        return con.execute("select count(*) from participant").fetchone()[0]


def _dashboard() -> int:
    """What every page asks first: the store's marker, then a cached result keyed on it."""
    from dashboard import data

    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)   # no runtime here
    key = data.marker()
    frame = data.programs(key)
    return len(frame)


@pytest.mark.slow
def test_a_big_load_never_fails_a_reader_or_the_dashboard(tmp_path, monkeypatch):
    files = generate(PARTICIPANTS, tmp_path / "files", xlsx=False)["files"]
    store = tmp_path / "outcomes.duckdb"
    monkeypatch.setenv("OUTCOMES_DB", str(store))
    assert run("ingest", files["program"]["path"], "--db", store).returncode == 0
    stop = threading.Event()
    readers = {"answers": [], "errors": []}
    pages = {"answers": [], "errors": []}
    threads = [threading.Thread(target=_ask_in_a_loop, args=(lambda: _participants(store), stop, readers)),
               threading.Thread(target=_ask_in_a_loop, args=(_dashboard, stop, pages))]
    command = [sys.executable, "-m", "pipelines.cli", "ingest", files["participants_csv"]["path"],
               files["episodes_csv"]["path"], "--program", PROGRAM_ID, "--db", str(store)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    load = None
    try:
        load = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".outcomes.duckdb.*.writing")) and time.monotonic() < deadline:
            time.sleep(0.05)          # until the load writes its copy of the store
        # a second writer meanwhile: waits, says so, gives up after its limit (1 s here)
        second = run("init", "--db", store, env={"OUTCOMES_WRITE_WAIT_S": "1"})
        out, err = load.communicate(timeout=1800)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
        if load is not None and load.poll() is None:
            load.kill()
    seconds = time.monotonic() - started
    assert load.returncode == 0, err
    episodes = files["episodes_csv"]["rows"]
    print(f"\n{episodes} episodes loaded in {seconds:.0f} s; {len(readers['answers'])} reads and "
          f"{len(pages['answers'])} dashboard questions meanwhile, failed: {len(readers['errors'])} + "
          f"{len(pages['errors'])}")
    assert readers["errors"] == [] and pages["errors"] == []
    assert len(readers["answers"]) > 10 and len(pages["answers"]) > 3
    assert readers["answers"][0] == 0 and readers["answers"][-1] == PARTICIPANTS   # before, then after the load
    assert sorted(readers["answers"]) == readers["answers"]                         # never half a load
    assert set(readers["answers"]) == {0, PARTICIPANTS}
    assert second.returncode == 1
    assert "Datenbank wird gerade aktualisiert" in second.stderr and "aufgegeben" in second.stderr
    with db.reading(store) as con:
        assert con.execute("select count(*) from episode").fetchone()[0] == episodes
