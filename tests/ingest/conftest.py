"""Fixtures of the ingestion tests: a file store with one program loaded, and one load."""

from __future__ import annotations

import pytest

from pipelines.ingest import Ingestor
from pipelines.store import db

from tests.helpers.files import program_file


@pytest.fixture
def store(tmp_path):
    """A file store with one program loaded: (connection, store path, folder for files)."""
    path = tmp_path / "store.duckdb"
    con = db.connect(path)
    result = Ingestor(con, db_path=path).ingest(program_file(tmp_path))
    assert result.outcome == "loaded", result.problems
    yield con, path, tmp_path
    con.close()


@pytest.fixture
def load():
    """load(con, path, file, **options) -> the LoadResult of one file loaded into the store at `path`."""
    def one_file(con, path, file, **options):
        return Ingestor(con, db_path=path, **options).ingest(file)
    return one_file
