"""The dashboard's only door to the store: short-lived connections and cached results.

Connections are opened per cache miss and closed at once, so `outcomes ingest` in a terminal
can write while the dashboard runs. Results are cached with `st.cache_data`, keyed on the
store's load marker: a new load (upload, CLI, target edit) invalidates them at once. Numbers
are cached without the language: the pages put them into words.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from pipelines import indicators, metrics, report
from pipelines.ingest import programs as program_files
from pipelines.metrics import panels
from pipelines.store import catalog, db


def store_path() -> Path:
    """The store ($OUTCOMES_DB): a DuckDB file, or a DuckLake connection string (db.is_lake)."""
    return db.resolve_path()


@contextmanager
def reading():
    """A read-only connection for one question (db.reading): never the store opened for writing, never
    an error while a load runs, and always the file now at the path (not an instance DuckDB cached)."""
    with db.reading(store_path()) as con:
        yield con


@contextmanager
def writing():
    """A read-write connection for one change (upload, target edit): db.writing, so the dashboard is one
    more writer in line (the embedded store's lock, copy and swap) and never writes under a reader."""
    with db.writing(store_path()) as con:
        yield con


def ensure_store() -> bool:
    """Create and migrate the store if needed; False when it cannot be opened."""
    path = store_path()
    if path.exists():
        return True
    with writing():
        return True


def marker() -> str:
    """Changes whenever the store's data changes: the cache key of every result.

    It names the store too, so results of one store are never served for another; on a lake the
    snapshot id changes with every commit, whoever made it.
    """
    with reading() as con:
        snapshot = db.lake_snapshot(con)
        return f"{db.describe(store_path())}#{db.last_load_marker(con) if snapshot is None else snapshot}"


@st.cache_data(show_spinner=False)
def programs(key: str):
    """The programs in the store (catalog.programs)."""
    with reading() as con:
        return catalog.programs(con)


@st.cache_data(show_spinner=False)
def vocabulary(key: str, program_ids: tuple[str, ...]):
    """status -> (label_de, label_en, category)."""
    with reading() as con:
        frame = catalog.statuses(con, list(program_ids))
    return {r.status: (r.label_de, r.label_en, r.category) for r in frame.itertuples()}


@st.cache_data(show_spinner=False)
def data_date(key: str, program_ids: tuple[str, ...]) -> dt.date | None:
    with reading() as con:
        return catalog.data_date(con, list(program_ids))


@st.cache_data(show_spinner=False)
def overview(key: str, program_ids: tuple[str, ...], as_of: dt.date):
    with reading() as con:
        return panels.overview(con, list(program_ids), as_of)


@st.cache_data(show_spinner=False)
def progress(key: str, program_ids: tuple[str, ...], as_of: dt.date):
    cards = overview(key, program_ids, as_of)["targets"]   # cached: the overview asked the same
    with reading() as con:
        return panels.progress(con, list(program_ids), as_of, cards=cards)


@st.cache_data(show_spinner=False)
def comparison(key: str, program_ids: tuple[str, ...], status: str, as_of: dt.date, by: str | None,
               groups: tuple[str, ...]):
    """panels.comparison; raises ProblemError for a typed group with problems."""
    with reading() as con:
        return panels.comparison(con, list(program_ids), status, as_of, by, list(groups))


@st.cache_data(show_spinner=False)
def group_values(key: str, program_ids: tuple[str, ...]):
    with reading() as con:
        return panels.filter_values(con, list(program_ids))


@st.cache_data(show_spinner=False)
def funnel(key: str, program_ids: tuple[str, ...], as_of: dt.date):
    with reading() as con:
        return metrics.funnel(con, metrics.Scope(program_ids), as_of)


@st.cache_data(show_spinner=False)
def targets_of(key: str, program_id: str):
    with reading() as con:
        return panels.target_rows(con, program_id)


@st.cache_data(show_spinner=False)
def program_toml(key: str, program_id: str) -> str:
    with reading() as con:
        return program_files.program_to_toml(con, program_id)


@st.cache_data(show_spinner=False)
def load_history(key: str):
    with reading() as con:
        return catalog.load_history(con)


@st.cache_data(show_spinner=False)
def quality(key: str, program_ids: tuple[str, ...]):
    with reading() as con:
        return (catalog.missing_attributes(con, list(program_ids)), catalog.staleness(con),
                catalog.episode_order_problems(con, list(program_ids)))


# --------------------------------------------------------------------------- aggregate indicators

@st.cache_data(show_spinner=False)
def indicator_overview(key: str, year: int | None, fund: str | None = None, indicator_type: str | None = None,
                       indicator: str | None = None):
    with reading() as con:
        return indicators.programme_overview(con, year, fund=fund, indicator_type=indicator_type, indicator=indicator)


@st.cache_data(show_spinner=False)
def indicator_rows(key: str, programme: str, indicator: str, indicator_type: str, fund: str, level: str,
                   until_year: int | None = None):
    with reading() as con:
        return indicators.indicator_table(con, programme=programme, indicator=indicator, indicator_type=indicator_type,
                                          fund=fund, level=level, until_year=until_year)


@st.cache_data(show_spinner=False)
def indicator_history(key: str, programme: str, fund: str, indicator_type: str, indicator: str):
    with reading() as con:
        try:
            return indicators.target_history(con, programme, fund, indicator_type, indicator)
        except ValueError:   # not summable to programme level: the page shows breakdowns instead
            return None


@st.cache_data(show_spinner=False)
def implausible(key: str):
    with reading() as con:
        return indicators.implausible_targets(con)


@st.cache_data(show_spinner=False, max_entries=16)
def report_file(key: str, program_ids: tuple[str, ...], period_start: dt.date, period_end: dt.date, as_of: dt.date,
                fmt: str, lang: str, threshold: int, publication: bool) -> tuple[bytes, str]:
    """A report's bytes and file name (the same file `outcomes report` writes)."""
    with reading() as con:
        data_bytes = report.report_bytes(con, list(program_ids), period_start, period_end, as_of, fmt, lang,
                                         threshold, publication)
    return data_bytes, report.file_name(program_ids, as_of, fmt, lang, publication)


@st.cache_data(show_spinner=False)
def period_default(key: str, program_ids: tuple[str, ...]) -> dt.date | None:
    """The earliest start of the chosen programs (the report period's default start)."""
    frame = programs(key)
    starts = frame[frame["program_id"].isin(program_ids)]["start_date"].dropna()
    return min(starts) if len(starts) else None
