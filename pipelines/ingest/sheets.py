"""Spreadsheets (XLSX, XLS, ODS) read in a child process under limits, whichever sheet holds the data.

`read_sheet(path)` first looks into the file without parsing it (`limits.check_xlsx`), then
lets calamine parse it in a child process with a memory cap (RLIMIT_AS) and a deadline
(`sheet_child.py`). A hostile or broken workbook ends in an `InputRefused` — never in a crash
of the CLI or the dashboard. The rows come back as an Arrow table of text, memory-mapped from
the child's IPC file (1 M rows x 20 columns ≈ 0.3 GB in the parent, shared with the page cache).

    rows = read_sheet(Path("teilnehmende.xlsx"))
    rows.sheet, rows.reason          # 'TN-Liste', 'most_known_headers'
    rows.header_row                  # 4 (the Excel row of the headers)
    names, start = rows.header()     # ['Teilnehmer-ID', …], index of the first data row
    rows.table.slice(start)          # c0 … c{n-1} text, _row: 1-based Excel row; blank rows kept
    data, blank = rows.data()        # the same without blank rows, and how many there were
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.ingest import limits
from pipelines.ingest.headers_guess import find_header_row, first_nonblank, header_names, header_score, widest_row
from pipelines.ingest.limits import InputRefused
from pipelines.ingest.sheet_child import Channel, cell_text  # noqa: F401  (cell_text: its one home)

CHILD = Path(__file__).with_name("sheet_child.py")
# The child is a fresh interpreter started by exec, like multiprocessing's "spawn" (forking a
# threaded parent such as Streamlit is unsafe), but without spawn's re-import of __main__:
# under Streamlit, __main__ is the page script (script_runner installs it), which spawn
# would run again in every child.
CHILD_ENV = {
    "ARROW_DEFAULT_MEMORY_POOL": "system",   # plain malloc: no large reservations under RLIMIT_AS
    "OPENBLAS_NUM_THREADS": "1",             # numpy (imported by pyarrow) would reserve per core
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
# how a child that ran out of address space may end, besides MemoryError
OUT_OF_MEMORY = ("memory allocation of", "MemoryError", "Cannot allocate memory", "failed to map segment",
                 "Memory allocation still failed", "std::bad_alloc")


@dataclass
class SheetRows:
    """The rows of one sheet as text, and how that sheet was chosen."""

    path: Path
    sheets: list[str]                   # every sheet of the workbook, in order
    sheet: str                          # the sheet read
    reason: str                         # 'named' | 'only' | 'most_known_headers' | 'first'
    table: pa.Table                     # c0 … c{n-1} (text or null), _row (int32, 1-based Excel row)
    first_column: int = 1               # Excel column number of c0 (1 = A)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # Excel (row1, col1, row2, col2)
    scores: dict[str, int] = field(default_factory=dict)   # known headers in each scanned sheet's best row
    skipped: dict[str, str] = field(default_factory=dict)  # sheet -> why not considered (refusal code)
    header_index: int | None = None     # index (into the rows) of the header row
    header_known: int = 0               # known headers in that row (0: first non-blank row taken)
    seconds: float = 0.0                # wall-clock time of the read

    @property
    def width(self) -> int:
        return self.table.num_columns - 1

    @property
    def height(self) -> int:
        return self.table.num_rows

    @property
    def header_row(self) -> int | None:
        """The Excel row number of the header row."""
        return None if self.header_index is None else self.excel_row(self.header_index)

    def excel_row(self, index: int) -> int:
        return self.table.column("_row")[index].as_py()

    def rows(self, start: int = 0, stop: int | None = None) -> list[list[str | None]]:
        """Rows [start, stop) as lists of text (for heads and tests; use `table` for the data)."""
        part = self.table.slice(start, (stop if stop is not None else self.height) - start)
        columns = [part.column(i).to_pylist() for i in range(self.width)]
        return [list(r) for r in zip(*columns)] if columns else [[] for _ in range(part.num_rows)]

    def data(self) -> tuple[pa.Table, int]:
        """The rows after the header without blank rows (c0 … and _row), and how many were blank."""
        _, start = self.header()
        rows = self.table.slice(start)
        if not self.width or not rows.num_rows:
            return rows.slice(0, 0), rows.num_rows
        filled = pc.is_valid(rows.column(0))
        for i in range(1, self.width):
            filled = pc.or_(filled, pc.is_valid(rows.column(i)))
        kept = rows.filter(filled)
        return kept, rows.num_rows - kept.num_rows

    def header(self) -> tuple[list[str], int]:
        """(header texts, index of the first data row); merged and two-row headers joined."""
        if self.header_index is None:
            return [], 0
        first_row = self.excel_row(0) if self.height else 1
        merged = [(r1 - first_row, c1 - self.first_column, r2 - first_row, c2 - self.first_column)
                  for r1, c1, r2, c2 in self.merged]
        head = self.rows(0, min(self.height, self.header_index + 2))
        return header_names(head, self.header_index, merged)


def read_sheet(path: str | Path, sheet: str | None = None, *, memory: int | None = None,
               seconds: float | None = None) -> SheetRows:
    """Read one sheet of a workbook as text rows, in a child process under memory and time limits.

    Args:
        path: .xlsx/.xlsm/.xls/.ods file.
        sheet: the sheet to read; None: the only sheet, or of several the one whose best
            header-candidate row names the most known columns (ties: the first), or the first.
        memory, seconds: override `limits.child_limits(file size)` (tests).

    Returns:
        SheetRows with every row of the sheet's used range (blank rows as all-null rows).

    Raises:
        InputRefused: see limits.CODES (too_large, too_slow, unreadable, corrupt_xlsx, …).
    """
    started = time.perf_counter()
    path = Path(path)
    info = limits.check_xlsx(path, sheet)
    default_memory, default_seconds = limits.child_limits(info.size)
    memory, seconds = memory or default_memory, seconds or default_seconds
    skipped = {s.name: s.problem.code for s in info.sheets if s.problem is not None}
    workdir = Path(tempfile.mkdtemp(prefix="wm-sheet-"))
    job = {
        "path": str(path), "sheet": sheet, "skip": sorted(skipped),
        "arrow": str(workdir / "rows.arrow"), "log": str(workdir / "child.log"),
        "memory": memory, "seconds": seconds, "max_scan": limits.MAX_SCAN_ROWS,
        "max_columns": limits.MAX_COLUMNS, "max_rows": limits.MAX_ROWS, "max_cells": limits.MAX_CELLS,
    }
    ours, theirs = socket.socketpair()
    conn = Channel(ours.detach())
    child = None
    try:
        with open(job["log"], "wb") as log:
            child = subprocess.Popen(
                [sys.executable, "-P", str(CHILD), str(theirs.fileno())], pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, close_fds=True,
                env=os.environ | CHILD_ENV,
            )
        theirs.close()
        conn.send(job)
        result = _converse(child, conn, started + seconds, job, sheet, skipped)
        result.seconds = time.perf_counter() - started
        return result
    finally:
        theirs.close()
        conn.close()
        if child is not None:
            if child.poll() is None:
                child.kill()
            child.wait()
        shutil.rmtree(workdir, ignore_errors=True)   # the table stays readable: it is memory-mapped


def _converse(child, conn, deadline: float, job: dict, sheet: str | None, skipped: dict) -> SheetRows:
    """Answer the child until it is done, refuses, dies or runs out of time."""
    names: list[str] = []
    scores: dict[str, int] = {}
    problems: dict[str, tuple[str, dict]] = {}
    reason = "only"
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0 or not conn.poll(remaining):
            raise InputRefused("too_slow", seconds=round(job["seconds"]))
        try:
            message = conn.recv()
        except (EOFError, OSError):
            raise _death(child, job) from None
        kind = message[0]
        if kind == "sheets":
            names = message[1]
        elif kind == "head":
            _, name, rows, problem = message
            if problem:
                problems[name] = problem
                skipped[name] = problem[0]
            else:
                scores[name] = max((header_score(r) for r in rows), default=0)
        elif kind == "choose":
            if not scores:
                code, params = next(iter(problems.values()))
                raise InputRefused(code, **params)
            best = max(scores.values())
            chosen = next(n for n in scores if scores[n] == best) if best >= 2 else next(iter(scores))
            reason = "most_known_headers" if best >= 2 else "first"
            conn.send(("read", chosen))
        elif kind == "refused":
            code, params = message[1], message[2]
            if code == "unreadable" and any(m in params.get("detail", "") for m in OUT_OF_MEMORY):
                code, params = "too_large", {"limit_mb": job["memory"] // 2**20}
            raise InputRefused(code, **params)
        elif kind == "done":
            meta = message[1]
            reason = "named" if sheet is not None else reason
            return _result(job, meta, names, reason, scores, skipped)


def _result(job: dict, meta: dict, names: list[str], reason: str, scores: dict, skipped: dict) -> SheetRows:
    with pa.memory_map(job["arrow"]) as source:
        table = pa.ipc.open_file(source).read_all()
    result = SheetRows(
        Path(job["path"]), names, meta["sheet"], reason, table, first_column=meta["start"][1] + 1,
        merged=[tuple(m) for m in meta["merged"]], scores=scores, skipped=skipped,
    )
    head = result.rows(0, min(result.height, limits.MAX_SCAN_ROWS))
    found = find_header_row(head, limits.MAX_SCAN_ROWS)
    if found is not None:
        result.header_index, result.header_known = found, header_score(head[found])
    else:
        result.header_index = widest_row(head, limits.MAX_SCAN_ROWS)
        if result.header_index is None:
            result.header_index = first_nonblank(result.rows(0, min(result.height, 1000)))
    if result.header_index is None:
        raise InputRefused("empty_file", sheet=result.sheet)
    for offset, text in enumerate(result.rows(result.header_index, result.header_index + 1)[0]):
        if text is not None and len(text) > limits.MAX_HEADER_CHARS:
            raise InputRefused("header_too_long", line=result.header_row, column=result.first_column + offset,
                               length=len(text), limit=limits.MAX_HEADER_CHARS)
    return result


def _death(child, job: dict) -> InputRefused:
    """Why the child ended without a word: out of memory, out of CPU time, or a crash."""
    try:
        child.wait(5)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    try:
        log = Path(job["log"]).read_text(errors="replace")[-4000:]
    except OSError:
        log = ""
    code = child.returncode
    if any(m in log for m in OUT_OF_MEMORY):
        return InputRefused("too_large", limit_mb=job["memory"] // 2**20)
    if code == -signal.SIGXCPU:
        return InputRefused("too_slow", seconds=round(job["seconds"]))
    how = f"exit {code}"
    if code is not None and code < 0:
        how = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
    last = next((line for line in reversed(log.splitlines()) if line.strip()), "")
    return InputRefused("unreadable", detail=f"reader stopped ({how}) {last}".strip()[:200])
