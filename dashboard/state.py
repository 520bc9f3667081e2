"""Sidebar filters shared by every page: language, programs and the as-of date.

The values live in st.session_state (widget keys), so they are kept when the user changes
page; the programs and the language are mirrored into the URL as well.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data
from dashboard.i18n import Labels

LANG_KEY, PROGRAMS_KEY, AS_OF_KEY = "lang", "programs", "as_of"


def language() -> str:
    """The UI language: the sidebar choice, else ?lang= in the URL, else German."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = "en" if st.query_params.get("lang") == "en" else "de"
    return st.session_state[LANG_KEY]


def _reset_as_of() -> None:
    st.session_state.pop(AS_OF_KEY, None)


def sidebar(L: Labels) -> None:
    """Draw the shared filters (and the language switch) in the sidebar."""
    key = data.marker()
    st.session_state["_marker"] = key
    with st.sidebar:
        st.segmented_control(L("app.language"), options=["de", "en"], key=LANG_KEY,
                             format_func=lambda v: {"de": "Deutsch", "en": "English"}[v])
        if st.session_state.get(LANG_KEY) is None:  # a segmented control can be deselected
            st.session_state[LANG_KEY] = "de"
        frame = data.programs(key)
        ids = frame["program_id"].tolist()
        names = dict(zip(frame["program_id"], frame["name"]))
        if PROGRAMS_KEY not in st.session_state:
            wanted = [p for p in st.query_params.get_all("program") if p in ids]
            st.session_state[PROGRAMS_KEY] = wanted or ids
        else:  # drop programs that are gone (deleted store, other database)
            st.session_state[PROGRAMS_KEY] = [p for p in st.session_state[PROGRAMS_KEY] if p in ids]
        st.multiselect(L("app.programs"), options=ids, key=PROGRAMS_KEY, format_func=lambda p: names.get(p, p),
                       help=L("app.programs.help"), on_change=_reset_as_of)
        chosen = tuple(st.session_state[PROGRAMS_KEY])
        default = data.data_date(key, chosen) if chosen else None
        if AS_OF_KEY not in st.session_state:
            st.session_state[AS_OF_KEY] = _url_date() or default or dt.date.today()
        st.date_input(L("app.as_of"), key=AS_OF_KEY, format=L.date_input_format,
                      help=L("app.as_of.help"),
                      min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
        st.caption(f"{L('app.store')}: `{data.store_path()}`")


def _url_date() -> dt.date | None:
    try:
        return dt.date.fromisoformat(st.query_params.get("as_of", ""))
    except ValueError:
        return None


def programs() -> tuple[str, ...]:
    return tuple(st.session_state.get(PROGRAMS_KEY, ()))


def as_of() -> dt.date:
    return st.session_state.get(AS_OF_KEY) or dt.date.today()


def marker() -> str:
    return st.session_state.get("_marker") or data.marker()


def require_programs(L: Labels) -> tuple[str, ...] | None:
    """The chosen programs, or None after telling the user what to do."""
    if data.programs(marker()).empty:
        st.info(L("app.no_data"))
        return None
    chosen = programs()
    if not chosen:
        st.info(L("app.no_program"))
        return None
    return chosen
