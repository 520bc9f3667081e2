"""Sidebar filters shared by every page (language, programs, as-of date) and the page's URL.

The values live in st.session_state (widget keys), so they are kept when the user changes
page. Every view is bookmarkable: the sidebar writes ?lang=…&program=…&as_of=… on each run, a
page adds its own options with `keep_in_url` (and reads them back on a fresh visit with
`from_url`), and the sidebar's "Link kopieren" shows the whole address to copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

import streamlit as st

from dashboard import data
from dashboard.i18n import Labels
from dashboard.widgets import print_view

LANG_KEY = data.LANG_KEY
PROGRAMS_KEY, AS_OF_KEY = "programs", "as_of"


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
            # the URL's date on the session's first run only: later it is the page's own echo
            from_link = _url_date() if not st.session_state.get("_url_read") else None
            st.session_state[AS_OF_KEY] = from_link or default or dt.date.today()
        st.session_state["_url_read"] = True
        st.date_input(L("app.as_of"), key=AS_OF_KEY, format=L.date_input_format,
                      help=L("app.as_of.help"),
                      min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
        st.caption(f"{L('app.store')}: `{data.store_path()}`")
        st.session_state["_link_slot"] = st.empty()   # the page's link, filled by keep_in_url
    _write_url(L, {}, replace=False)   # the page's own options stay until the page has read them
    print_view([names.get(p, p) for p in programs()], L.date(as_of()), L)


def _url_value(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def keep_in_url(L: Labels, **options: object) -> None:
    """Write the view into the URL — language, programs, as-of date and the page's `options`
    (None and empty lists left out) — and show it under "Link kopieren" in the sidebar.

    The sidebar writes the shared part on every run; a page with options of its own calls this
    after drawing its widgets, and its link replaces the sidebar's.
    """
    _write_url(L, options, replace=True)


def _write_url(L: Labels, options: dict[str, object], replace: bool) -> None:
    params: dict[str, str | list[str]] = {"lang": L.lang, "program": list(programs()),
                                          "as_of": _url_value(as_of())}
    if not params["program"]:
        del params["program"]
    for name, value in options.items():
        if isinstance(value, (list, tuple)):
            if value:
                params[name] = [_url_value(v) for v in value]
        elif value is not None and value != "":
            params[name] = _url_value(value)
    query = st.query_params
    if replace and set(query) - set(params):
        query.clear()
    for name, value in params.items():
        if query.get_all(name) != (value if isinstance(value, list) else [value]):
            query[name] = value
    address = f"{st.context.url or ''}?{urlencode(params, doseq=True)}"
    slot = st.session_state.get("_link_slot")
    if slot is not None:
        with slot.container(), st.popover(L("app.link"), icon=":material/link:", width="stretch"):
            st.caption(L("app.link.help"))
            st.code(address, language=None, wrap_lines=True)


def from_url(key: str, name: str, options: Sequence, default: object = None, many: bool = False,
             parse: Callable[[str], object] | None = None) -> None:
    """On a page's first run in this session, put the URL's ?name=… into the widget state `key`
    (only values among `options`; else `default`). Later runs keep what the user chose."""
    if key in st.session_state:
        return
    known = {_url_value(o): o for o in options}
    values = [known[v] for v in st.query_params.get_all(name) if v in known]
    if parse is not None and not values:
        values = []
        for v in st.query_params.get_all(name):
            try:
                values.append(parse(v))
            except ValueError:
                pass
    if many:
        st.session_state[key] = values or list(default or [])
    else:
        st.session_state[key] = values[0] if values else default


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
