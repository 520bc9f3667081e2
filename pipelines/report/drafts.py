"""What the sections are drafted from: the build's context, named cells, and drafts of tables.

Every count of the report is a *cell* named by what it counts (`cell_key`): measure,
status, programs, filter, dates. Cells with the same name are the same number wherever they
appear; `Cells` collects them with their additive relations for one suppression run. A
section writes a `Draft` whose entries are `Count`s (a cell, shown as a number) and
`Label`s (text, hidden with the cells it depends on); `render_table` turns a draft into a
`Table` once suppression has decided which cells are hidden.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import duckdb
import pandas as pd

from pipelines import metrics, text
from pipelines.metrics import Scope
from pipelines.report import suppression
from pipelines.report.model import Table

HIDDEN = suppression.SUPPRESSED


@dataclass(frozen=True)
class Context:
    """What every section of one report needs: the store, programs, dates and language."""

    con: duckdb.DuckDBPyConnection
    programs: tuple[str, ...]
    info: dict[str, dict[str, Any]]  # program id -> its row of `program`
    start: dt.date
    end: dt.date            # min(period_end, as_of)
    as_of: dt.date
    lang: str
    labels: dict[str, str]  # status -> label in lang

    @property
    def scope(self) -> Scope:
        return Scope(self.programs)

    def day(self, value: Any) -> str:
        """A date as the report's language writes it."""
        return text.date(value, self.lang)

    def say(self, key: str, **values: Any) -> str:
        """A word of the catalog in the report's language."""
        return text.say(key, self.lang, **values)

    def words(self, *keys: str) -> list[str]:
        """Words of the catalog (e.g. column heads) in the report's language."""
        return [text.say(key, self.lang) for key in keys]

    def program_name(self, program_id: str) -> str:
        return self.info[program_id]["name"] or program_id


def _where_text(where: dict[str, Any] | None) -> str:
    """The canonical JSON of a where table (`parse_where`, `Scope.to_json`), remembered: a report
    at 1 M participants names some 20,000 cells with a few thousand distinct filters."""
    frozen = _frozen(where or {})
    try:
        return _canonical_where(frozen)
    except TypeError:  # a value that cannot be a key: worked out every time
        return _where_json(where)


def _frozen(value: Any) -> Any:
    """A where table (or a value of one) as a key, types included (1, 1.0 and True are
    different values to `parse_where`)."""
    if isinstance(value, dict):
        return ("dict", tuple((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(_frozen(v) for v in value))
    return (type(value).__name__, value)


@functools.lru_cache(maxsize=1 << 16)
def _canonical_where(frozen: Any) -> str:
    return _where_json(_thawed(frozen))


def _thawed(frozen: Any) -> Any:
    kind, value = frozen
    if kind == "dict":
        return {k: _thawed(v) for k, v in value}
    if kind == "list":
        return [_thawed(v) for v in value]
    return value


def _where_json(where: dict[str, Any] | None) -> str:
    canonical = metrics.parse_where(where or {})[0]
    return Scope(None, canonical).to_json()


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def cell_key(measure: str, status: str | Sequence[str] | None, programs: Iterable[str],
             where: dict[str, Any] | None, a: dt.date | None, b: dt.date | str | None) -> tuple:
    """The name of a count: the same name always means the same number."""
    return cell_keys([(measure, status, a, b)], programs, where)[0]


def cell_keys(measures: Sequence[tuple[str, str | Sequence[str] | None, dt.date | None, dt.date | str | None]],
              programs: Iterable[str], where: dict[str, Any] | None) -> list[tuple]:
    """`cell_key` of several (measure, status, a, b) over the same programs and filter (a table's
    row: the filter's canonical text is worked out once)."""
    programs_key, where_text = tuple(sorted(programs)), _where_text(where)
    return [(measure, _status_text(status), programs_key, where_text, _iso(a), b if isinstance(b, str) else _iso(b))
            for measure, status, a, b in measures]


def _status_text(status: str | Sequence[str] | None) -> str:
    if status is None:
        return ""
    if isinstance(status, str):
        return status
    return "|".join(sorted(status))


class Cells:
    """Counts of the report, their additive relations, the inequalities a reader knows
    between them and the headline figures, for one suppression run."""

    def __init__(self) -> None:
        self.values: dict[tuple, int] = {}
        self.relations: list[suppression.Relation] = []
        self.bounds: list[suppression.Bound] = []
        self.keep: list[tuple] = []  # headline figures: hidden only when nothing else protects

    def add(self, key: tuple, value: int) -> tuple:
        value = int(value)
        known = self.values.setdefault(key, value)
        if known != value:  # the same name must mean the same number
            raise AssertionError(f"cell {key!r} counted twice with different values: {known} vs {value}")
        return key

    def relate(self, total: tuple, parts: Sequence[tuple]) -> None:
        if parts:
            self.relations.append(suppression.Relation(total, tuple(parts)))

    def at_most(self, small: Sequence[tuple], large: Sequence[tuple]) -> None:
        """A reader knows ``sum(small) ≤ sum(large)`` (started ≤ entered, results ≤ leavers …).

        Declared only where the counts obey it (a reader may assume it anyway, e.g. "started ≤
        entered" for a period starting with the program; protecting against it costs little).
        """
        if sum(self.values[c] for c in small) <= sum(self.values[c] for c in large):
            self.bounds.append(suppression.Bound(tuple(small), tuple(large)))


@dataclass(frozen=True)
class Count:
    """A count shown as a number (``*`` when its cell is suppressed)."""
    cell: tuple


@dataclass(frozen=True)
class Label:
    """Text shown as is, or ``*`` (or `instead`) when any cell it depends on is suppressed.

    `value`, if given, is what a spreadsheet gets instead of the text (e.g. a date).
    """
    text: str
    depends: tuple = ()
    instead: str = HIDDEN
    value: Any = None


def share_label(k_cell: tuple, n_cell: tuple, k: int, n: int, lang: str) -> Label:
    """k of n as a percentage; hidden with k or n — except 0 of a non-empty group, which is 0 %
    whatever n is (a hidden n is at least 1)."""
    if k == 0 and n > 0:
        return Label(text.percent(0.0, lang), (k_cell,))
    return Label(text.percent(k / n if n else None, lang), (k_cell, n_cell))


@dataclass
class Draft:
    """A table before suppression: raw rows (`data`) and what each shown entry depends on (`rows`).
    The layout fields are those of `Table`."""

    key: str
    section: str
    title: str
    sheet_name: str
    columns: list[str]
    data: list[dict[str, Any]] = field(default_factory=list)
    rows: list[list[Count | Label]] = field(default_factory=list)
    note: str = ""
    align: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()
    strong: list[bool] = field(default_factory=list)
    group_columns: int = 0
    span_column: int | None = None
    label_columns: int = 1

    def add(self, data: dict[str, Any], cells: list[Count | Label], strong: bool = False) -> None:
        self.data.append(data)
        self.rows.append(cells)
        self.strong.append(strong)


def render_table(draft: Draft, values: dict[tuple, int], hidden: frozenset, lang: str) -> Table:
    """The table as shown: numbers in `lang`, ``*`` for hidden cells and what depends on them."""
    text_rows, mask_rows, sheet_rows = [], [], []
    for row in draft.rows:
        texts, masks, cells = [], [], []
        for spec in row:
            if isinstance(spec, Count):
                gone = spec.cell in hidden
                texts.append(HIDDEN if gone else text.number(values[spec.cell], lang))
                cells.append(HIDDEN if gone else int(values[spec.cell]))
            else:
                gone = any(c in hidden for c in spec.depends)
                texts.append(spec.instead if gone else spec.text)
                cells.append(spec.value if spec.value is not None and not gone else texts[-1])
            masks.append(gone)
        text_rows.append(texts)
        mask_rows.append(masks)
        sheet_rows.append(cells)
    shown = pd.DataFrame(text_rows, columns=draft.columns, dtype=object)
    mask = pd.DataFrame(mask_rows, columns=draft.columns, dtype=bool)
    sheet = pd.DataFrame(sheet_rows, columns=draft.columns, dtype=object)
    data = pd.DataFrame(draft.data)
    return Table(draft.key, draft.section, draft.title, data, shown, mask, draft.note,
                 draft.align or tuple("L" for _ in draft.columns),
                 draft.widths or tuple(1.0 for _ in draft.columns), tuple(draft.strong),
                 draft.group_columns, draft.span_column, draft.label_columns, sheet, draft.sheet_name)
