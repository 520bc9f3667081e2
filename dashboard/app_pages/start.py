"""Programme im Überblick: which programs meet their targets? Programs × targets with state,
achieved / target, forecast and its probability — filtered by funder and state, sorted, and a
link per row to that program's overview. Whoever sees one program starts on her overview instead."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import charts, data, state
from dashboard.i18n import Labels
from dashboard.widgets import HIDDEN, escaped, star_note
from pipelines.metrics import panels
from pipelines.targets import STATES
from pipelines.text.targets import chance_text, value_text

L = Labels(state.language())
st.title(L("page.start"))
chosen = state.require_programs(L)
if chosen:
    key, as_of = state.marker(), state.as_of()
    st.caption(L("start.intro", as_of=L.date(as_of)))
    programs = data.programs(key)
    cards = data.overview(key, chosen, as_of)["targets"]
    frame = panels.portfolio(cards, programs[programs["program_id"].isin(chosen)])
    # ministry: a card whose count is hidden shows * where its count and what is computed from it stand
    hidden_cards = {(c["program"], c["id"]) for c in cards if c.get("suppressed")}
    funders = sorted(f for f in frame["funder"].dropna().unique())

    state.from_url("start_funder", "funder", funders, many=True)
    state.from_url("start_state", "state", STATES, many=True)
    state.from_url("start_sort", "sort", panels.PORTFOLIO_SORTS, default="program")
    c1, c2, c3 = st.columns([2, 2, 1])
    c1.multiselect(L("start.funder"), funders, key="start_funder", placeholder=L("start.all"))
    c2.multiselect(L("start.state"), STATES, key="start_state", placeholder=L("start.all"),
                   format_func=lambda s: f"{charts.STATE_ICONS[s]} {L(f'state.{s}')}")
    c3.selectbox(L("start.sort"), panels.PORTFOLIO_SORTS, key="start_sort", format_func=lambda s: L(f"start.sort.{s}"))
    state.keep_in_url(L, funder=st.session_state["start_funder"], state=st.session_state["start_state"],
                      sort=st.session_state["start_sort"])

    view = panels.portfolio_view(frame, st.session_state["start_funder"], st.session_state["start_state"],
                                 st.session_state["start_sort"])
    counts = frame["state"].value_counts()
    st.markdown(" · ".join(f"{charts.STATE_ICONS[s]} {L(f'state.{s}')}: **{L.num(int(counts[s]))}**"
                           for s in STATES if s in counts) or L("targets.none"))

    def card(row) -> dict:
        return {"measure": row.measure or "entered", "direction": row.direction}

    def link(program: str) -> str:   # the program's overview, same date and language
        return "uebersicht?" + urlencode({"program": program, "as_of": as_of.isoformat(), "lang": L.lang})

    no_target = L("start.no_target")
    hidden = [(p, t) in hidden_cards for p, t in zip(view["program"], view["target_id"])]
    shown = pd.DataFrame({
        L("start.program"): view["program_name"],
        L("start.target"): [("★ " if h else "") + (lbl if isinstance(lbl, str) else no_target)
                            for h, lbl in zip(view["headline"], view["label"])],
        L("start.state"): [HIDDEN if gone else "" if not isinstance(s, str)
                           else f"{charts.STATE_ICONS[s]} {L(f'state.{s}')}" for s, gone in zip(view["state"], hidden)],
        L("start.achieved"): ["" if pd.isna(r.achieved) and not gone else L(
            "targets.at_most_of" if r.direction == "at_most" else "targets.achieved_of",
            achieved=HIDDEN if gone else value_text(card(r), r.achieved, L.lang),
            target=value_text(card(r), r.target, L.lang)) for r, gone in zip(view.itertuples(), hidden)],
        L("start.attainment"): [HIDDEN if gone else "" if pd.isna(v) else L.pct(v)
                                for v, gone in zip(view["attainment"], hidden)],
        L("start.forecast"): [HIDDEN if gone else "" if pd.isna(r.forecast) else value_text(
            card(r), r.forecast if r.measure == "share" else round(r.forecast), L.lang)
            for r, gone in zip(view.itertuples(), hidden)],
        L("start.probability"): [HIDDEN if gone else "" if pd.isna(p) else chance_text(p, L.lang)
                                 for p, gone in zip(view["probability"], hidden)],
        L("start.funder"): view["funder"].fillna("–"),
        L("start.open"): [link(p) for p in view["program"]],
    })
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        L("start.open"): st.column_config.LinkColumn(display_text=L("start.open_text")),
        L("start.probability"): st.column_config.TextColumn(help=L("start.probability_help")),
    })
    st.caption(L("start.caption"))
    if any(hidden):
        star_note(L)
    # the same in this tab: choose the program in the sidebar, then open its overview
    names = dict(zip(programs["program_id"], programs["name"]))

    def choose(program: str) -> None:
        st.session_state[state.PROGRAMS_KEY] = [program]

    with st.container(horizontal=True):
        for program in dict.fromkeys(view["program"]):
            if st.button(L("start.open_program", name=escaped(names.get(program, program))), key=f"open-{program}",
                         on_click=choose, args=(program,), icon=":material/dashboard:", type="tertiary"):
                st.switch_page("app_pages/overview.py")
