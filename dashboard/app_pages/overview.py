"""Übersicht: headline tiles and one card per target, for the chosen programs and as-of date."""

import streamlit as st

from dashboard import charts, data, state
from dashboard.i18n import LABELS, Labels
from pipelines.access import publish
from pipelines.text.targets import forecast_sentence, value_text

L = Labels(state.language())
st.title(L("page.overview"))
chosen = state.require_programs(L)
if chosen:
    key, as_of = state.marker(), state.as_of()
    result = data.overview(key, chosen, as_of)
    vocab = data.vocabulary(key, chosen)
    st.caption(f"{L('app.as_of')}: {L.date(as_of)}")

    tiles = result["tiles"]
    with st.container(horizontal=True, gap="small"):   # tiles as wide as their labels, wrapping if need be
        for tile in tiles:
            label = L(f"tile.{tile['key']}") if f"tile.{tile['key']}" in LABELS else L.status(tile["status"], vocab)
            helptext = L("tile.help.active") if tile["kind"] == "active" else (
                L("tile.help.reached") if tile["kind"] == "reached" else L(f"tile.help.{tile['kind']}"))
            shown = publish.SUPPRESSED if tile["value"] is None else L.num(tile["value"])  # ministry: 1, 2 → *
            st.metric(label, shown, help=helptext, border=True)

    st.subheader(L("targets.heading"))
    cards = result["targets"]
    if not cards:
        st.info(L("targets.none"))
    for start in range(0, len(cards), 2):
        for column, card in zip(st.columns(2), cards[start:start + 2]):
            with column.container(border=True):
                if len(chosen) > 1:
                    st.caption(card["program_name"])
                st.markdown(f"**{card['label']}**")
                state_word = L(f"state.{card['state']}")
                st.badge(f"{charts.STATE_ICONS[card['state']]} {state_word}",
                         color=charts.STATE_BADGE_COLOURS[card["state"]])
                achieved = value_text(card, card["achieved"], L.lang)
                target = value_text(card, card["target"], L.lang)
                text = (L("targets.at_most_of", achieved=achieved, target=target) if card["direction"] == "at_most"
                        else L("targets.achieved_of", achieved=achieved, target=target))
                st.markdown(f"### {text} · {L.pct(card['attainment'])}")
                st.plotly_chart(charts.attainment_bar(card["attainment"], card["state"]), width="stretch",
                                config={"staticPlot": True}, key=f"bar-{card['program']}-{card['id']}")
                st.write(forecast_sentence(card, L.lang))
                st.caption(" · ".join([
                    L("targets.period", start=L.date(card["period_start"]), end=L.date(card["period_end"])),
                    L("targets.expected", expected=value_text(card, card["expected"], L.lang)),
                    *([L("targets.window", months=L.num(card["forecast_window_months"], 0))]
                      if card.get("forecast_window_months") else []),
                ]))
