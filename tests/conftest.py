"""Shared fixtures: tiny stores in memory or in a temporary file, and the demo store built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.store import db


def pytest_configure(config):
    """No test touches the checkout's own store (data/outcomes.duckdb, what `make run` serves): a test
    that names no store gets a throwaway one."""
    import os
    import tempfile

    # with pytest-xdist every worker inherits the controller's environment: each gets its own store
    if not os.environ.get("OUTCOMES_DB") or os.environ.get("_OUTCOMES_DB_OF_TESTS") == os.environ["OUTCOMES_DB"]:
        os.environ["OUTCOMES_DB"] = os.path.join(tempfile.mkdtemp(prefix="wirkungsmonitor-tests-"), "outcomes.duckdb")
        os.environ["_OUTCOMES_DB_OF_TESTS"] = os.environ["OUTCOMES_DB"]


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


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory) -> Path:
    """The demo store, built once per test session through the real pipeline. Read it only;
    a test that changes data takes `demo_copy`."""
    import fcntl
    import os

    from pipelines import demo

    # with pytest-xdist the workers of one run share it: the first builds it, the others wait and read it
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo-store"
    folder.mkdir(exist_ok=True)
    path = folder / "outcomes.duckdb"
    with open(folder / "build.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "built").exists():
            results = demo.build(path)
            assert all(r.outcome == "loaded" for r in results), [(r.file, r.problems[:3]) for r in results]
            (folder / "built").touch()
    before = _file_state(path)
    yield path
    # a test that wrote into the shared store would make the tests after it depend on the order
    assert _file_state(path) == before, "a test changed the session's demo store: it must take demo_copy"


def _file_state(path: Path) -> tuple[int, int, int]:
    status = path.stat()
    return status.st_ino, status.st_mtime_ns, status.st_size


@pytest.fixture
def demo_copy(demo_path, tmp_path) -> Path:
    """A private copy of the demo store (with its raw/ archive) that a test may change."""
    from tests.helpers.stores import copy_store

    return copy_store(demo_path, tmp_path / "demo-copy")


@pytest.fixture
def demo_con(demo_path):
    """A read-only connection to the session's demo store."""
    connection = db.connect(demo_path, read_only=True)
    yield connection
    connection.close()


# --------------------------------------------------------------------------- PostgreSQL (the shared store's catalog)

def _postgres_available() -> str | None:
    from tests.helpers.pg import PgServerError, find_pg_bin

    try:
        find_pg_bin()
    except PgServerError as exc:
        return str(exc)
    return None


def pytest_collection_modifyitems(config, items):
    """Files with `slow` tests run first; tests marked `postgres` skip where no PostgreSQL server is
    installed — except in CI (OUTCOMES_REQUIRE_POSTGRES=1), where they must run."""
    import os

    # the files holding the longest tests first: pytest-xdist hands out whole files in this order,
    # so the long ones start at once instead of leaving one worker busy at the end
    slow_files = {item.path for item in items if "slow" in item.keywords}
    items.sort(key=lambda item: item.path not in slow_files)   # stable: the order inside a file stays
    if os.environ.get("OUTCOMES_REQUIRE_POSTGRES") == "1":
        return
    missing = _postgres_available()
    if missing:
        skip = pytest.mark.skip(reason=missing)
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def pg():
    """A throwaway PostgreSQL server (initdb + pg_ctl on a free port), stopped after the session."""
    from tests.helpers.pg import PgServer

    with PgServer() as server:
        yield server
