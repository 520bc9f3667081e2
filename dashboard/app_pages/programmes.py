"""ESF indicators: operational programmes × indicators with attainment, achieved vs target over
the years, drill-down to breakdowns, implausible targets. From the loaded aggregate indicator files."""

import pandas as pd
import streamlit as st

from dashboard import charts, data, state
from dashboard.i18n import Labels
from dashboard.widgets import chart, download_csv
from pipelines.text.indicators import flag_label, implausible_reason

L = Labels(state.language())
st.title(L("page.programmes"))
st.caption(L("prog.intro"))
key = state.marker()
overview = data.indicator_overview(key, None)
if overview.empty:
    st.info(L("prog.none"))
    st.stop()

years = sorted(overview["year"].dropna().astype(int).unique().tolist())
year_options = [None, *range(min(years), max(years) + 2)]
funds = [None, *sorted(overview["fund"].dropna().unique())]
kinds = [None, *sorted(overview["indicator_type"].dropna().unique())]
codes = [None, *sorted(overview["indicator"].dropna().unique())]
for widget, param, options in (("prog_year", "year", year_options), ("prog_fund", "fund", funds),
                               ("prog_type", "type", kinds), ("prog_code", "indicator", codes)):
    state.from_url(widget, param, options[1:])
c1, c2, c3, c4 = st.columns(4)
year = c1.selectbox(L("prog.year"), year_options, key="prog_year",
                    format_func=lambda y: "–" if y is None else str(y))
fund = c2.selectbox(L("prog.fund"), funds, key="prog_fund",
                    format_func=lambda v: "–" if v is None else v)
kind = c3.selectbox(L("prog.type"), kinds, key="prog_type",
                    format_func=lambda v: "–" if v is None else v)
code = c4.selectbox(L("prog.indicator"), codes, key="prog_code",
                    format_func=lambda v: "–" if v is None else v)
state.keep_in_url(L, year=year, fund=fund, type=kind, indicator=code)

table = data.indicator_overview(key, year, fund, kind, code)
shown = pd.DataFrame({
    L("prog.programme"): table["programme"], L("prog.title"): table["title"], L("prog.fund"): table["fund"],
    L("prog.type"): table["indicator_type"], L("prog.indicator"): table["indicator"],
    L("prog.indicator_name"): table["indicator_name"], L("prog.year"): table["year"],
    L("prog.achieved"): [L.num(v) for v in table["achieved"]], L("prog.target"): [L.num(v) for v in table["target"]],
    L("prog.attainment"): [L.pct(v) for v in table["attainment"]],
    L("prog.flag"): [flag_label(f, L.lang) for f in table["flag"]],
})
st.dataframe(shown, hide_index=True, width="stretch", height=360)
st.caption(L("prog.table_caption"))
download_csv(table, "programmindikatoren.csv", L, key="prog-table")

st.subheader(L("prog.detail"))
choices = table[["programme", "title", "fund", "indicator_type", "indicator"]].drop_duplicates()
if choices.empty:
    st.stop()
labels = [f"{r.title} – {r.indicator} ({r.indicator_type})" for r in choices.itertuples()]
pick = st.selectbox(L("prog.indicator"), range(len(labels)), format_func=lambda i: labels[i], key="prog_pick")
row = choices.iloc[pick]
history = data.indicator_history(key, row["programme"], row["fund"], row["indicator_type"], row["indicator"])
if history:
    frame = pd.DataFrame(history)
    fig = charts.indicator_history(frame, L)
    chart(fig, frame, L("prog.history_caption"), "indikator_verlauf.csv", L, "prog-history")

st.markdown(f"**{L('prog.breakdowns')}**")
rows = pd.DataFrame(data.indicator_rows(key, row["programme"], row["indicator"], row["indicator_type"], row["fund"],
                                        "breakdown", year))
if not rows.empty:
    detail = pd.DataFrame({
        L("prog.year"): rows["year"],
        L("prog.breakdown"): [", ".join(str(v) for v in b.values()) for b in rows["breakdown"]],
        L("prog.achieved"): [L.num(v) for v in rows["achieved"]], L("prog.target"): [L.num(v) for v in rows["target"]],
        L("prog.attainment"): [L.pct(v) for v in rows["attainment"]],
        L("prog.flag"): [flag_label(f, L.lang) for f in rows["flag"]],
    })
    st.dataframe(detail, hide_index=True, width="stretch")
    download_csv(rows.assign(breakdown=[str(b) for b in rows["breakdown"]]), "indikator_aufschluesselung.csv", L,
                 key="prog-breakdown")

st.subheader(L("prog.implausible"))
st.caption(L("prog.implausible_caption"))
odd = data.implausible(key)
odd = odd.assign(flag=[flag_label(f, L.lang) for f in odd["flag"]],
                 reason=[implausible_reason(r, L.lang) for r in odd.to_dict("records")])
st.dataframe(odd.rename(columns={"flag": L("prog.flag"), "reason": L("prog.reason")}), hide_index=True,
             width="stretch")
download_csv(odd, "auffaellige_ziele.csv", L, key="prog-odd")
