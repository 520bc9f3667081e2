"""Fixtures for people and access: a tiny store with the access tables, and a cheap hasher."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from pipelines.access import accounts
from tests.helpers.access import add_programs, apply_access_schema


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch):
    """argon2id at the smallest cost: the same code path, milliseconds instead of a second per hash."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def store(con):
    """An in-memory store with the access tables and the four programs of tests.helpers.access.PROGRAMS."""
    apply_access_schema(con)
    add_programs(con)
    return con
