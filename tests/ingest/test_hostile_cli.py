"""The hostile corpus through the real command (issue #11): every file gets a decision — exit 0
(loaded) or exit 2 (refused, naming file, line, column and reason from the catalog) — within the
time guard, and a refusal leaves the store and its folder exactly as they were."""

from __future__ import annotations

import json
import time

import pytest

from tests.helpers import hostile
from tests.helpers.cli import run
from tests.helpers.hostile import CORPUS, GUARD_SECONDS, LOAD_MANIFEST, MANIFEST, TRACEBACK, snapshot

PROGRAM = ("--program", "test-programm")


@pytest.fixture
def base_store(tmp_path):
    """A store with the base program (and its target) loaded; (store path, its folder)."""
    folder = tmp_path / "store"
    folder.mkdir()
    store = folder / "outcomes.duckdb"
    program = hostile._text(tmp_path / "test-programm.toml", hostile.BASE_PROGRAM)
    assert run("ingest", program, "--db", store).returncode == 0
    return store, folder


def ingest_json(store, path, *extra, program=True):
    started = time.perf_counter()
    result = run("ingest", path, *(PROGRAM if program else ()), "--db", store, "--json", *extra)
    seconds = time.perf_counter() - started
    return result, seconds


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_every_guard_file_gets_its_decision_through_the_command(base_store, name):
    store, folder = base_store
    before = snapshot(store, folder)
    result, seconds = ingest_json(store, CORPUS / name)
    want = MANIFEST[name]
    assert seconds < GUARD_SECONDS
    assert not TRACEBACK.search(result.stderr), result.stderr
    if want["outcome"] == "refused":
        assert result.returncode == 2, result.stdout
        [record] = json.loads(result.stdout)
        problem = record["problems"][0]
        assert problem["code"] == want["code"]
        if "line" in want:
            assert problem["line"] == want["line"]
        assert problem["message"] != problem["code"] and not TRACEBACK.search(problem["message"])
        assert snapshot(store, folder) == before
    else:
        assert result.returncode == 0, result.stdout
        [record] = json.loads(result.stdout)
        assert (record["rows_read"], record["rows_loaded"], record["header_row"]) == (
            want["rows"], want["rows"], want["header_row"])
        if "sheet" in want:
            assert record["sheet"] == want["sheet"]


@pytest.mark.parametrize("name", sorted(LOAD_MANIFEST))
def test_every_load_file_gets_its_decision_through_the_command(base_store, name):
    store, folder = base_store
    before = snapshot(store, folder)
    want = LOAD_MANIFEST[name]
    program = PROGRAM if want.get("program", True) else ()
    result, seconds = ingest_json(store, CORPUS / name, program=bool(program))
    assert seconds < GUARD_SECONDS
    assert result.returncode == want["exit"], result.stdout
    assert not TRACEBACK.search(result.stderr), result.stderr
    [record] = json.loads(result.stdout)
    problem = record["problems"][0]
    assert problem["code"] == want["code"], record["problems"]
    assert (problem["line"] == want["line"]) if "line" in want else True
    for lang in ("de", "en"):
        words = run("ingest", CORPUS / name, *program, "--db", store, "--lang", lang)
        assert words.returncode == 2 and not TRACEBACK.search(words.stdout + words.stderr), words.stderr
    assert snapshot(store, folder) == before
    if want.get("lenient"):
        result, _ = ingest_json(store, CORPUS / name, "--lenient", program=bool(program))
        assert result.returncode == want["exit_lenient"]
        [record] = json.loads(result.stdout)
        assert record["rows_rejected"] == want["rejected"]


def test_the_load_corpus_is_what_its_builders_write(tmp_path):
    for name, build in hostile.LOAD_BUILDERS.items():
        assert build(tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), name
