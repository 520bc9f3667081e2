"""Fixtures of the report tests: the tiny store (counted by hand), with and without a formula site."""

from __future__ import annotations

import pytest

from tests.helpers.stores import tiny_store
from tests.report.cases import FORMULA


@pytest.fixture
def tiny(con):
    """The tiny store of tests.helpers.stores: program p1, 11 participants at three sites."""
    tiny_store(con)
    return con


@pytest.fixture
def formula_store(con):
    """The tiny store with site Süd renamed to a spreadsheet formula."""
    tiny_store(con, site_of_s=FORMULA)
    return con
