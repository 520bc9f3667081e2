"""dashboard/serve.py: the one way the tests and the bench start the dashboard as a server."""

from __future__ import annotations

import urllib.request

import pytest

from dashboard import serve
from tests.helpers.stores import copy_store


def test_serving_answers_and_stops(demo_path, tmp_path):
    store = copy_store(demo_path, tmp_path)
    log = tmp_path / "streamlit.log"
    with serve.serving(store, log) as url:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
            assert response.status == 200
    with pytest.raises(OSError):          # stopped: nobody answers on that port any more
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)


def test_a_server_that_cannot_start_says_why(demo_path, tmp_path):
    store = copy_store(demo_path, tmp_path)
    log = tmp_path / "streamlit.log"
    with pytest.raises(serve.ServerFailed) as failed:
        with serve.serving(store, log, "--server.port", "not-a-port", start_timeout_s=30):
            pass
    assert "streamlit exited with" in str(failed.value)
    assert "not-a-port" in str(failed.value)    # the log's tail comes with it
