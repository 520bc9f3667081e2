"""The dashboard as a server: `streamlit run dashboard/app.py` on a store and a free port, ready once its
health check answers, stopped afterwards. One home for that command line: the browser tests
(tests/helpers/browser.py) and the bench's page times (bench/run.py) both start the app through it,
so they measure and test the same server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

APP = Path(__file__).resolve().with_name("app.py")
ROOT = APP.parents[1]


class ServerFailed(RuntimeError):
    """The server exited or did not answer its health check in time; the message ends with its log."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def command(port: int, *options: str) -> list[str]:
    """The command line: headless, local only, no file watcher, no usage statistics."""
    return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--server.runOnSave", "false", *options]


@contextmanager
def serving(store: str | os.PathLike, log: Path, *options: str, port: int | None = None,
            start_timeout_s: float = 60.0) -> Iterator[str]:
    """Run the dashboard on `store` (OUTCOMES_DB), its output in `log`; yields its URL once it answers.

    Raises ServerFailed when it exits or does not answer within `start_timeout_s`."""
    port = port or free_port()
    env = {**os.environ, "OUTCOMES_DB": str(store),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with open(log, "wb") as out:
        process = subprocess.Popen(command(port, *options), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, process, log, start_timeout_s)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for_health(url: str, process: subprocess.Popen, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"streamlit exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise ServerFailed(f"streamlit did not answer within {timeout_s:.0f} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-3000:]
    except OSError:
        return "(no log)"
