"""The README's command-line session is real: every command runs and prints what is shown."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.helpers.cli import run

README = Path(__file__).resolve().parents[1] / "README.md"


def console_session() -> list[tuple[str, list[str]]]:
    """(command, shown output lines) pairs from the README's ```console block."""
    block = re.search(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    steps: list[tuple[str, list[str]]] = []
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\"):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            steps.append((command, []))
        elif steps:
            steps[-1][1].append(line)
        i += 1
    return steps


def test_readme_quick_start_is_the_two_make_commands():
    text = README.read_text(encoding="utf-8")
    quick = re.search(r"## Quick start.*?```sh\n(.*?)```", text, re.S).group(1)
    assert [line.split("#")[0].strip() for line in quick.strip().splitlines()] == ["make run", "make test"]


def test_readme_session_runs_and_prints_what_it_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(README.parent)
    store = tmp_path / "outcomes.duckdb"
    steps = console_session()
    assert steps[0][0].startswith("outcomes demo")
    for command, shown in steps:
        args = shlex.split(command)
        assert args[0] == "outcomes"
        args = [str(store) if a == "data/outcomes.duckdb" else a for a in args[1:]]
        if "--db" not in args:
            args += ["--db", str(store)]
        result = run(*args)
        assert result.returncode == 0, (command, result.stderr)
        output = [line.rstrip() for line in result.stdout.replace(str(store), "data/outcomes.duckdb").splitlines()]
        for line in shown:
            if line.strip() in ("…", ""):
                continue
            assert line.rstrip() in output, (command, line, output)
