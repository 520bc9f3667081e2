"""What a load reports: problems as codes with parameters, and one result per file.

Codes are stable (they are stored in `rejected_row.reason_code`); the words for them live in
`pipelines/text/ingest.py` and are chosen by whoever shows them (CLI, Daten page, rejects file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Problem:
    """One thing wrong with a file or a row: a code, where it is, and the values its message needs."""

    code: str
    file: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict)
    text: str | None = None            # a ready message from another module (indicator files)


@dataclass
class LoadResult:
    """What happened to one file."""

    file: str
    kind: str | None = None
    outcome: str = "failed"            # loaded | skipped | failed
    programs: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    load_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    rejects_path: Path | None = None
    notes: list[str] = field(default_factory=list)     # codes, e.g. 'special_categories_off'
    details: dict = field(default_factory=dict)        # encoding, delimiter, sheet, same_as_load

    @property
    def ok(self) -> bool:
        return self.outcome in ("loaded", "skipped")


class Refused(Exception):
    """A file that cannot be loaded at all; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].code if problems else "failed")
        self.problems = problems
