"""The dashboard's only door to the store: short-lived connections and cached results.

Connections are opened per cache miss and closed at once, so `outcomes ingest` in a terminal
can write while the dashboard runs. Results are cached with `st.cache_data`, keyed on the
store's load marker: a new load (upload, CLI, target edit) invalidates them at once.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from pipelines.store import db
from pipelines import metrics
from pipelines.store import catalog
from pipelines.metrics import panels


def store_path() -> Path:
    return db.resolve_path()


@contextmanager
def reading():
    """A read-only connection for one question."""
    con = db.connect(store_path(), read_only=True)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writing():
    """A read-write connection for one change (upload, target edit)."""
    con = db.connect(store_path())
    try:
        yield con
    finally:
        con.close()


def ensure_store() -> bool:
    """Create and migrate the store if needed; False when it cannot be opened."""
    path = store_path()
    if path.exists():
        return True
    with writing():
        return True


def marker() -> str:
    """Changes whenever the store's data changes: the cache key of every result.

    It names the store too, so results of one store are never served for another.
    """
    with reading() as con:
        return f"{store_path()}#{db.last_load_marker(con)}"


@st.cache_data(show_spinner=False)
def programs(key: str, what: str):
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
def overview(key: str, program_ids: tuple[str, ...], as_of: dt.date, lang: str):
    with reading() as con:
        return panels.overview(con, list(program_ids), as_of, lang)


@st.cache_data(show_spinner=False)
def progress(key: str, program_ids: tuple[str, ...], as_of: dt.date, lang: str):
    cards = overview(key, program_ids, as_of, lang)["targets"]   # cached: the overview asked the same
    with reading() as con:
        return panels.progress(con, list(program_ids), as_of, lang, cards=cards)


@st.cache_data(show_spinner=False)
def comparison(key: str, program_ids: tuple[str, ...], status: str, as_of: dt.date, by: str | None,
               cohorts: tuple[str, ...], lang: str):
    with reading() as con:
        return panels.comparison(con, list(program_ids), status, as_of, by, list(cohorts), lang)


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
    from pipelines.ingest import programs as programs_mod

    with reading() as con:
        return programs_mod.program_to_toml(con, program_id)


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
    from pipelines import indicators

    with reading() as con:
        return indicators.programme_overview(con, year, fund=fund, indicator_type=indicator_type, indicator=indicator)


@st.cache_data(show_spinner=False)
def indicator_rows(key: str, programme: str, indicator: str, indicator_type: str, fund: str, level: str,
                   until_year: int | None = None):
    from pipelines import indicators

    with reading() as con:
        return indicators.indicator_table(con, programme=programme, indicator=indicator, indicator_type=indicator_type,
                                          fund=fund, level=level, until_year=until_year)


@st.cache_data(show_spinner=False)
def indicator_history(key: str, programme: str, fund: str, indicator_type: str, indicator: str):
    from pipelines import indicators

    with reading() as con:
        try:
            return indicators.target_history(con, programme, fund, indicator_type, indicator)
        except ValueError:   # not summable to programme level: the page shows breakdowns instead
            return None


@st.cache_data(show_spinner=False)
def implausible(key: str):
    from pipelines import indicators

    with reading() as con:
        return indicators.implausible_targets(con)


@st.cache_data(show_spinner=False, max_entries=16)
def report_file(key: str, program_ids: tuple[str, ...], period_start: dt.date, period_end: dt.date, as_of: dt.date,
                fmt: str, lang: str, threshold: int, publication: bool) -> tuple[bytes, str]:
    """A report's bytes and file name (the same file `outcomes report` writes)."""
    from pipelines import report

    with reading() as con:
        data_bytes = report.report_bytes(con, list(program_ids), period_start, period_end, as_of, fmt, lang,
                                         threshold, publication)
    return data_bytes, report.file_name(program_ids, as_of, fmt, lang, publication)


@st.cache_data(show_spinner=False)
def period_default(key: str, program_ids: tuple[str, ...]) -> dt.date | None:
    """The earliest start of the chosen programs (the report period's default start)."""
    frame = programs(key, "programs")
    starts = frame[frame["program_id"].isin(program_ids)]["start_date"].dropna()
    return min(starts) if len(starts) else None
