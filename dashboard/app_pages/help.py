"""Hilfe: what each number counts (DESIGN.md's metric semantics in plain words), the target
states, where the data come from, and how to print a page (the sidebar is left out, and every
printed page names the programs and the as-of date)."""

import streamlit as st

from dashboard import charts, data, state
from dashboard.i18n import Labels
from dashboard.widgets import escaped
from pipelines.targets import STATES

L = Labels(state.language())
st.title(L("page.help"))
state.keep_in_url(L)

st.subheader(L("help.numbers"))
for name in ("entered", "in_program", "active", "reached", "upon_leaving", "six_months_after", "time_to",
             "share", "small"):
    st.markdown(f"**{L(f'help.{name}.title')}** — {L(f'help.{name}')}")

st.subheader(L("help.states"))
for name in STATES:
    st.markdown(f"{charts.STATE_ICONS[name]} **{L(f'state.{name}')}** — {L(f'help.state.{name}')}")
st.markdown(L("help.forecast"))

st.subheader(L("help.sources"))
st.markdown(L("help.sources.text"))
st.caption(L("help.store", path=escaped(data.store_path())))

st.subheader(L("help.print"))
st.markdown(L("help.print.text"))
