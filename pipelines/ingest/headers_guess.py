"""Which row of a sheet or CSV holds the headers, and what the headers say.

Files as offices keep them start with title rows ("Teilnehmerinnenliste Sozialwirtschaft
integriert", "Stand: 31.08.2020"), blank rows and notes; the header row is the first row that
names at least two known columns (pipelines.vocab). A two-row header ("Coaching" merged over
"ab | bis") is read as "Coaching ab", "Coaching bis". Rows are lists of cell texts (None or ''
for an empty cell), as sheets.read_sheet and csvcheck.scan_csv give them.
"""

from __future__ import annotations

from functools import lru_cache

from pipelines import vocab
from pipelines.vocab import header_key


@lru_cache(maxsize=1)
def _known_keys() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(header keys, status words, start/end/on words), all as header_key."""
    words = {header_key(w) for w in vocab.START_WORDS + vocab.END_WORDS + vocab.ON_WORDS}
    statuses = {header_key(w) for status, aliases in vocab.STATUS_ALIASES.items() for w in [status, *aliases]}
    headers = {w for rule in vocab.IDENTIFIER_WORDS.values() for w in rule["is"]}
    for table in (vocab.FIELD_ALIASES, vocab.GENERIC_ALIASES, vocab.BREAKDOWN_ALIASES):
        for canonical, aliases in table.items():
            headers.update(header_key(a) for a in [canonical, *aliases])
    headers.discard("")
    return frozenset(headers | statuses), frozenset(statuses), frozenset(words)


def _status_column(key: str, statuses: frozenset[str], words: frozenset[str]) -> bool:
    """'ausbildungab', 'beginncoaching', 'ausbildungsbeginn' (status word + start/end/on word)."""
    return vocab.split_status_header(key, statuses) is not None


def header_kind(cell) -> str | None:
    """'known' for a known header or status column, 'sub' for a bare 'ab'/'bis'/'am', else None."""
    if cell is None or not isinstance(cell, str) or len(cell) > 80:
        return None
    key = header_key(cell)
    if not key:
        return None
    known, statuses, words = _known_keys()
    if key in words:
        return "sub"
    if key in known or _status_column(key, statuses, words):
        return "known"
    return None


def header_score(row) -> int:
    """How many cells of a row are known headers; 0 for a row of bare 'ab'/'bis' (a sub-header)."""
    kinds = [header_kind(c) for c in row]
    if "known" not in kinds:
        return 0
    return sum(k is not None for k in kinds)


def find_header_row(rows, max_scan: int = 30) -> int | None:
    """Index of the header row among the first `max_scan` rows, or None.

    The header row is the row naming the most known columns (at least two); of equal rows the
    first. Title rows, blank rows and notes above it score 0 or 1 and are skipped. None means
    no row looks like a header (unknown headers, to be mapped): callers then take the first
    non-blank row, as before.

    >>> find_header_row([["Teilnehmerinnenliste"], ["Stand: 31.08.2020"], [], ["TN-ID", "Eintritt"]])
    3
    """
    best, best_score = None, 1
    for index, row in enumerate(rows[:max_scan]):
        score = header_score(row)
        if score > best_score:
            best, best_score = index, score
    return best


def first_nonblank(rows, max_scan: int | None = None) -> int | None:
    """Index of the first row with any content."""
    for index, row in enumerate(rows if max_scan is None else rows[:max_scan]):
        if any(c not in (None, "") for c in row):
            return index
    return None


def widest_row(rows, max_scan: int = 30) -> int | None:
    """Index of the first row with the most filled cells among the first `max_scan` (None: all blank).

    The header row of a file whose headers are all unknown: title and "Stand" rows above it fill one
    or two cells, the header fills every column.
    """
    best, best_filled = None, 0
    for index, row in enumerate(rows[:max_scan]):
        filled = sum(c not in (None, "") for c in row)
        if filled > best_filled:
            best, best_filled = index, filled
    return best


def header_names(rows, index: int, merged=()) -> tuple[list[str], int]:
    """The header texts of rows[index], and the index of the first data row.

    When the next row is a sub-header of bare start/end words ("Coaching" merged over "ab",
    "bis"), the two are joined: "Coaching ab", "Coaching bis", and data starts one row later.
    The title of a sub-header cell is the header cell above it, or the merged cell covering it
    (`merged`: (row1, col1, row2, col2), 0-based, relative to `rows`, inclusive), or, without
    merge information (CSV), the nearest title on its left. A merged cell alone (no sub-header)
    names only its first column; the others stay empty, so no header is doubled.
    """
    header = ["" if c is None else str(c).strip() for c in rows[index]]
    below = list(rows[index + 1]) if index + 1 < len(rows) else []
    kinds = [header_kind(c) for c in below]
    if "sub" not in kinds or any(k is None and c not in (None, "") for k, c in zip(kinds, below)):
        return header, index + 1
    width = max(len(header), len(below))
    header += [""] * (width - len(header))
    below += [None] * (width - len(below))
    titles = list(header)
    for r1, c1, r2, c2 in merged:
        if r1 <= index <= r2 and 0 <= c1 < width and c1 < len(rows[r1]):
            text = str(rows[r1][c1] or "").strip()
            for c in range(c1, min(c2 + 1, width)):
                titles[c] = titles[c] or text
    names, last = [], ""
    for text, title, sub in zip(header, titles, below):
        title = title or last
        names.append(f"{title} {str(sub).strip()}".strip() if sub not in (None, "") else text)
        last = title
    return names, index + 2
