"""Übersicht: headline tiles and one card per target (the headline target first), for the chosen
programs and as-of date; the title names both."""

import streamlit as st

from dashboard import charts, data, state
from dashboard.i18n import LABELS, Labels
from dashboard.widgets import HIDDEN, count_text, escaped, star_note
from pipelines.text.targets import forecast_sentence, value_text

L = Labels(state.language())
chosen = state.programs()
if chosen and not data.programs(state.marker()).empty:
    names = dict(zip(data.programs(state.marker())["program_id"], data.programs(state.marker())["name"]))
    named = ", ".join(names.get(p, p) for p in chosen) if len(chosen) <= 3 else L("overview.n_programs",
                                                                                  n=len(chosen))
    st.title(f"{L('page.overview')}: {escaped(named)} · {L.date(state.as_of())}")
else:
    st.title(L("page.overview"))
chosen = state.require_programs(L)
if chosen:
    key, as_of = state.marker(), state.as_of()
    result = data.overview(key, chosen, as_of)
    vocab = data.vocabulary(key, chosen)
    st.caption(f"{L('app.as_of')}: {L.date(as_of)}")
    state.keep_in_url(L)

    tiles = result["tiles"]
    with st.container(horizontal=True, gap="small"):   # tiles as wide as their labels, wrapping if need be
        for tile in tiles:
            label = L(f"tile.{tile['key']}") if f"tile.{tile['key']}" in LABELS else L.status(tile["status"], vocab)
            helptext = L("tile.help.active") if tile["kind"] == "active" else (
                L("tile.help.reached") if tile["kind"] == "reached" else L(f"tile.help.{tile['kind']}"))
            st.metric(label, count_text(tile["value"], L), help=helptext, border=True)  # ministry: 1, 2 → *

    st.subheader(L("targets.heading"))
    cards = sorted(result["targets"], key=lambda card: not card["headline"])   # the headline target first
    if not cards:
        st.info(L("targets.none"))
    for start in range(0, len(cards), 2):
        for column, card in zip(st.columns(2), cards[start:start + 2]):
            with column.container(border=True):
                if len(chosen) > 1:
                    st.caption(escaped(card["program_name"]))
                st.markdown(f"**{escaped(card['label'])}**" + (f" · ★ {L('overview.headline')}"
                                                                   if card["headline"] else ""))
                hidden = card.get("suppressed", False)    # ministry: a small count, and what is computed from it
                if card["state"] is None:                 # hidden with the count it would tell about
                    st.badge(HIDDEN, color="gray")
                else:
                    state_word = L(f"state.{card['state']}")
                    st.badge(f"{charts.STATE_ICONS[card['state']]} {state_word}",
                             color=charts.STATE_BADGE_COLOURS[card["state"]])
                achieved = HIDDEN if hidden else value_text(card, card["achieved"], L.lang)
                target = value_text(card, card["target"], L.lang)
                text = (L("targets.at_most_of", achieved=achieved, target=target) if card["direction"] == "at_most"
                        else L("targets.achieved_of", achieved=achieved, target=target))
                st.markdown(f"### {escaped(text)} · {escaped(HIDDEN if hidden else L.pct(card['attainment']))}")
                st.plotly_chart(charts.attainment_bar(card["attainment"], card["state"]), width="stretch",
                                config={"staticPlot": True}, key=f"bar-{card['program']}-{card['id']}")
                st.write(escaped(L("report.forecast_hidden")) if hidden else forecast_sentence(card, L.lang))
                st.caption(" · ".join([
                    L("targets.period", start=L.date(card["period_start"]), end=L.date(card["period_end"])),
                    L("targets.expected", expected=value_text(card, card["expected"], L.lang)),
                    *([L("targets.window", months=L.num(card["forecast_window_months"], 0))]
                      if card.get("forecast_window_months") else []),
                ]))
    if any(t["value"] is None for t in tiles) or any(c.get("suppressed") for c in cards):
        star_note(L)
