"""The `outcomes` command in-process (like sqlite-utils' CliRunner): exit code, stdout, stderr.

`run(...)` calls `pipelines.cli.main` in this process, which is fast and shows tracebacks;
`run_subprocess(...)` starts the real console entry point, for the few smoke tests that must
prove the installed command works as a user starts it.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _environment(env: dict[str, str] | None):
    saved = dict(os.environ)
    os.environ.update({k: str(v) for k, v in (env or {}).items()})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run(*args, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    """Run `outcomes ARGS…` in this process and capture what it prints."""
    from pipelines.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    with _environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:       # argparse: --help, usage errors
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.stdin = saved_stdin
    return Result(int(code or 0), out.getvalue(), err.getvalue())


def run_subprocess(*args, env: dict[str, str] | None = None, stdin: str | None = None,
                   timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real console entry point (`python -m pipelines.cli`) in a child process."""
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)], capture_output=True,
                          text=True, input=stdin, env={**os.environ, **(env or {})}, timeout=timeout, cwd=ROOT)


def run_json(db: Path, *args: str) -> object:
    """`outcomes ARGS… --json --db DB`, parsed; the command must succeed."""
    import json

    result = run(*args, "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
