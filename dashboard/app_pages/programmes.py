"""ESF indicators: operational programmes × indicators with attainment, achieved vs target over
the years, drill-down to breakdowns, implausible targets. From the loaded aggregate indicator files.

Every table is shown and downloaded with the page's column names, breakdowns as text
("Prioritätsachse A, Investitionspriorität 9i, …") and flags and reasons in words."""

import pandas as pd
import streamlit as st

from dashboard import charts, data, state
from dashboard.i18n import Labels
from dashboard.widgets import chart, download_csv, table as show_table
from pipelines.text.indicators import breakdown_text, flag_label, implausible_reason, number_text

L = Labels(state.language())
st.title(L("page.programmes"))
st.caption(L("prog.intro"))
key = state.marker()
overview = data.indicator_overview(key, None)
if overview.empty:
    st.info(L("prog.none"))
    st.stop()


def labelled(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """`frame`'s columns (code -> label key) under their labels, codes turned into words; numbers stay
    numbers (the CSV writes them the language's way, the table through `shown`)."""
    words = {
        "breakdown": lambda: [breakdown_text(b, L.lang) for b in frame["breakdown"]],
        "flag": lambda: [flag_label(f, L.lang) for f in frame["flag"]],
        "reason": lambda: [implausible_reason(r, L.lang) for r in frame.to_dict("records")],
        "years": lambda: [str(a) if a == b else f"{a}–{b}" for a, b in zip(frame["first_year"], frame["last_year"])],
        "year": lambda: [str(int(y)) for y in frame["year"]],
    }
    return pd.DataFrame({L(label): words[code]() if code in words else frame[code] for code, label in columns.items()})


def shown(frame: pd.DataFrame) -> None:
    """A labelled table with its values written the UI's way (15.191 · 25,5 · 74 %)."""
    numbers = {L(k): (lambda v: number_text(v, L.lang)) for k in ("prog.achieved", "prog.target")}
    numbers[L("prog.attainment")] = L.pct
    show_table(frame, L, numbers={c: write for c, write in numbers.items() if c in frame.columns},
               config={L("prog.breakdown"): st.column_config.TextColumn(width="large")})


all_label = L("prog.all")
year_options = [None, *data.indicator_years(key)]
funds = [None, *sorted(overview["fund"].dropna().unique())]
kinds = [None, *sorted(overview["indicator_type"].dropna().unique())]
codes = [None, *sorted(overview["indicator"].dropna().unique())]
for widget, param, options in (("prog_year", "year", year_options), ("prog_fund", "fund", funds),
                               ("prog_type", "type", kinds), ("prog_code", "indicator", codes)):
    state.from_url(widget, param, options[1:])
c1, c2, c3, c4 = st.columns(4)
year = c1.selectbox(L("prog.year"), year_options, key="prog_year", placeholder=all_label,
                    format_func=lambda y: all_label if y is None else str(y))
fund = c2.selectbox(L("prog.fund"), funds, key="prog_fund", placeholder=all_label,
                    format_func=lambda v: all_label if v is None else v)
kind = c3.selectbox(L("prog.type"), kinds, key="prog_type", placeholder=all_label,
                    format_func=lambda v: all_label if v is None else v)
code = c4.selectbox(L("prog.indicator"), codes, key="prog_code", placeholder=all_label,
                    format_func=lambda v: all_label if v is None else v)
state.keep_in_url(L, year=year, fund=fund, type=kind, indicator=code)

table = data.indicator_overview(key, year, fund, kind, code)
overview_table = labelled(table, {
    "programme": "prog.programme", "title": "prog.title", "fund": "prog.fund", "indicator_type": "prog.type",
    "indicator": "prog.indicator", "indicator_name": "prog.indicator_name", "year": "prog.year_row",
    "achieved": "prog.achieved", "target": "prog.target", "attainment": "prog.attainment", "unit": "prog.unit",
    "flag": "prog.flag"})
shown(overview_table)
st.caption(L("prog.table_caption"))
download_csv(overview_table, "programmindikatoren.csv", L, key="prog-table")

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
    history_table = labelled(frame, {"year": "prog.year_row", "achieved": "prog.achieved", "target": "prog.target",
                                     "revised": "prog.revised"})
    history_table[L("prog.revised")] = [L("yes") if r else "" for r in frame["revised"]]
    chart(charts.indicator_history(frame, L), history_table, L("prog.history_caption"), "indikator_verlauf.csv", L,
          "prog-history")
    if frame["target"].isna().all():
        st.caption(L("prog.no_target_line"))

st.markdown(f"**{L('prog.breakdowns')}**")
rows = pd.DataFrame(data.indicator_rows(key, row["programme"], row["indicator"], row["indicator_type"], row["fund"],
                                        "breakdown", year))
if not rows.empty:
    detail = labelled(rows, {"year": "prog.year_row", "breakdown": "prog.breakdown", "achieved": "prog.achieved",
                             "target": "prog.target", "attainment": "prog.attainment", "flag": "prog.flag"})
    shown(detail)
    download_csv(detail, "indikator_aufschluesselung.csv", L, key="prog-breakdown")

st.subheader(L("prog.implausible"))
st.caption(L("prog.implausible_caption"))
odd = data.implausible(key)
odd_table = labelled(odd, {
    "programme": "prog.programme", "title": "prog.title", "fund": "prog.fund", "indicator_type": "prog.type",
    "indicator": "prog.indicator", "indicator_name": "prog.indicator_name", "breakdown": "prog.breakdown", "years": "prog.years",
    "target": "prog.target", "achieved": "prog.achieved", "unit": "prog.unit", "flag": "prog.flag",
    "reason": "prog.reason"})
shown(odd_table)
download_csv(odd_table, "auffaellige_ziele.csv", L, key="prog-odd")
