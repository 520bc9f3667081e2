"""The rejected rows of a lenient load: kept in `rejected_row` and written as a rejects CSV.

A writer at the edge: the reasons and the file's column names are in the language of the load.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.ingest.problems import LoadResult, Problem
from pipelines.report import spreadsheets
from pipelines.text import say
from pipelines.text.ingest import problem_message


def _reasons(problems: list[Problem], lang: str) -> dict[tuple, str]:
    """(line, column, code) -> the problem's message in `lang`."""
    return {(p.line, p.column, p.code): problem_message(p, lang) for p in problems}


def store_rejects(con: duckdb.DuckDBPyConnection, load_id: int, file: str, problems: list[Problem],
                  lang: str) -> None:
    """Every problem of `_problems` as a row of `rejected_row`, with the row's used columns as JSON
    (`_kept`: no unused column, no identifying value)."""
    rows = con.execute("select code, line, column_name, value, other from _problems").df()
    reasons = _reasons(problems, lang)
    rows["reason"] = [reasons.get((r.line, r.column_name, r.code), r.code) for r in rows.itertuples()]
    con.register("_problem_text", rows)
    con.execute(
        "insert into rejected_row select ?, ?, p.line, p.column_name, p.value, p.code, p.reason, "
        "to_json(k) from _problem_text p left join _kept k on k._line = p.line",
        [load_id, file],
    )
    con.unregister("_problem_text")


def write_rejects(con: duckdb.DuckDBPyConnection, target: Path, problems: list[Problem], lang: str) -> Path:
    """The rejects CSV at `target`: line, column, value, reason and the row's used columns."""
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = con.execute(
        "select p.line, p.column_name, p.value, p.code, k.* exclude (_line) from _problems p "
        "left join _kept k on k._line = p.line order by p.line, p.column_name"
    ).df()
    reasons = _reasons(problems, lang)
    rows.insert(3, "reason", [reasons.get((r.line, r.column_name, r.code), r.code) for r in rows.itertuples()])
    rows = rows.rename(columns={"line": say("ingest.line", lang), "column_name": say("ingest.column", lang),
                                "value": say("ingest.value", lang), "reason": say("ingest.reason", lang)})
    spreadsheets.write_csv(rows, target, lang=lang)
    return target


def rejects_csv(result: LoadResult) -> bytes | None:
    """The rejects CSV of a lenient load as bytes (for a download), if one was written."""
    if result.rejects_path is None or not Path(result.rejects_path).exists():
        return None
    return Path(result.rejects_path).read_bytes()
