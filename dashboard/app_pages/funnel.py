"""Verläufe der Teilnehmenden: entered → support → outcome, exit reasons, length of stay."""

import streamlit as st

from dashboard import charts, data, state
from dashboard.i18n import Labels
from dashboard.widgets import chart, star_note, starred, table as show_table
from pipelines.metrics import panels

L = Labels(state.language())
st.title(L("page.funnel"))
chosen = state.require_programs(L)
if chosen:
    key, as_of = state.marker(), state.as_of()
    result = data.funnel(key, chosen, as_of)
    vocab = data.vocabulary(key, chosen)
    st.caption(f"{L('app.as_of')}: {L.date(as_of)}")

    stages = panels.funnel_stages(result)
    stages["label"] = [L(f"funnel.{s}") if s != "reached" else L.status(st_, vocab)
                       for s, st_ in zip(stages["stage"], stages["status"])]
    left, right = st.columns([3, 2])
    with left:
        chart(charts.funnel(stages[stages["stage"] != "reached"], L), starred(stages, ["n"], ["share"]),
              L("funnel.caption"), "verlaeufe_trichter.csv", L, "funnel")
    with right:
        st.markdown(f"**{L('funnel.by_outcome')}**")
        outcomes = stages[stages["stage"] == "reached"]
        chart(charts.bars(outcomes, "label", "n", L, horizontal=True), starred(outcomes, ["n"], ["share"]),
              L("tile.help.reached"), "ergebnisse.csv", L, "outcomes")

    left, right = st.columns(2)
    with left:
        st.subheader(L("funnel.exits"))
        exits = panels.exit_reasons(result)
        exits["label"] = [L(f"exit_reason.{r}") for r in exits["reason"]]
        chart(charts.bars(exits, "label", "n", L, color=charts.PALETTE[5]), starred(exits, ["n"]),
              L("funnel.exits_caption"), "austrittsgruende.csv", L, "exits")
    with right:
        st.subheader(L("funnel.stay"))
        stay = panels.length_of_stay(result)
        hidden = stages["n"].isna().any() or exits["n"].isna().any() or stay["n"].isna().any()
        stay = starred(stay, ["n"], ["median_months", "p25_months", "p75_months", "mean_months"])
        stay["group"] = [L(f"funnel.stay.{g}") for g in stay["group"]]
        stay = stay.rename(columns={"group": L("compare.group"), "n": "n", "median_months": L("funnel.median"),
                                    "p25_months": L("funnel.p25"), "p75_months": L("funnel.p75"),
                                    "mean_months": L("funnel.mean")})
        show_table(stay, L, numbers={"n": 0, **{L(f"funnel.{k}"): 1 for k in ("median", "p25", "p75", "mean")}})
        st.caption(L("funnel.stay_caption"))
    if hidden:
        star_note(L)
