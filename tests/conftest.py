"""Shared fixtures: tiny stores in memory or in a temporary file."""

from __future__ import annotations

import pytest

from pipelines import db


@pytest.fixture
def con():
    """A fresh, migrated in-memory store."""
    connection = db.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def db_path(tmp_path):
    """Path of a fresh (not yet created) store file."""
    return tmp_path / "store.duckdb"
