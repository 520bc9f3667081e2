"""Bericht: the ministry report of the chosen programs as PDF, XLSX and CSV downloads —
the same files `outcomes report` writes, small counts suppressed for publication."""

import datetime as dt

import streamlit as st

from dashboard import data, state
from dashboard.i18n import Labels
from pipelines import report

L = Labels(state.language())
st.title(L("page.report"))
st.caption(L("rep.intro"))
chosen = state.require_programs(L)
if chosen:
    key, as_of = state.marker(), state.as_of()
    state.from_url("rep_from", "from", (), default=data.period_default(key, chosen) or as_of, parse=dt.date.fromisoformat)
    state.from_url("rep_to", "to", (), default=as_of, parse=dt.date.fromisoformat)
    state.from_url("rep_internal", "internal", ("1",), default=None)
    st.session_state["rep_internal"] = bool(st.session_state["rep_internal"])
    if st.session_state.setdefault("_rep_as_of", as_of) != as_of:   # a new as-of date: the period ends there
        st.session_state["rep_to"] = st.session_state["_rep_as_of"] = as_of
    with st.form("report"):
        c1, c2, c3 = st.columns(3)
        start = c1.date_input(L("rep.from"), key="rep_from", format=L.date_input_format)
        end = c2.date_input(L("rep.to"), key="rep_to", format=L.date_input_format)
        c3.text_input(L("app.as_of"), value=L.date(as_of), disabled=True, help=L("app.as_of.help"))
        c1, c2 = st.columns([1, 2])
        threshold = c1.number_input(L("rep.threshold"), min_value=2, max_value=20, value=3, step=1,
                                    help=L("rep.threshold_help"))
        internal = c2.checkbox(L("rep.internal"), key="rep_internal")
        build = st.form_submit_button(L("rep.build"), type="primary", icon=":material/description:")
    state.keep_in_url(L, **{"from": start, "to": end, "internal": "1" if internal else None})
    if build:
        if end < start:
            st.error(L("rep.period_error"))
        else:
            st.session_state["report_request"] = (chosen, start, end, as_of, int(threshold), not internal)
    request = st.session_state.get("report_request")
    if request and request[0] == chosen and request[3] == as_of:
        programs, start, end, as_of, threshold, publication = request
        st.success(L("rep.ready", n=len(programs), as_of=L.date(as_of)))
        for column, fmt_name in zip(st.columns(len(report.FORMATS)), report.FORMATS):
            with column, st.spinner(fmt_name.upper()):
                content, name = data.report_file(key, programs, start, end, as_of, fmt_name, L.lang, threshold, publication)
                st.download_button(L("rep.download", fmt=fmt_name.upper()), content, file_name=name,
                                   mime=report.MIME[fmt_name], key=f"report-{fmt_name}", icon=":material/download:",
                                   on_click=data.record_report_download, args=(programs, fmt_name, publication, as_of))
