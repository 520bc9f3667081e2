"""Verlauf: cumulative achieved vs the target line and milestones, forecast with its band;
monthly entries and outcomes."""

import pandas as pd
import streamlit as st

from dashboard import charts, data, state
from dashboard.i18n import Labels
from dashboard.widgets import chart, star_note, starred
from pipelines.text.targets import statuses_text

L = Labels(state.language())
st.title(L("page.progress"))
chosen = state.require_programs(L)
if chosen:
    key, as_of = state.marker(), state.as_of()
    result = data.progress(key, chosen, as_of)
    vocab = data.vocabulary(key, chosen)
    st.caption(f"{L('app.as_of')}: {L.date(as_of)}")

    if not result["targets"]:
        st.info(L("targets.none"))
    any_hidden = False
    for i, target in enumerate(result["targets"]):
        measure = L(f"measure.{target['measure']}") + (
            f" · {statuses_text(target['statuses'], lambda s: L.status(s, vocab), L.lang)}"
            if target.get("statuses") else "")
        series = target["series"]
        frame = pd.DataFrame({"month_end": series["month_end"], "cumulative": series["cumulative"]})
        band = pd.DataFrame(target["forecast_band"], columns=["date", "low", "mid", "high"])
        download = pd.concat([starred(frame, ["cumulative"]).assign(kind="achieved"),   # ministry: hidden → *
                              band.rename(columns={"date": "month_end", "mid": "cumulative"}).assign(kind="forecast")],
                             ignore_index=True)
        any_hidden = any_hidden or frame["cumulative"].isna().any() or target.get("suppressed", False)
        title = target["label"] if len(chosen) == 1 else f"{target['program_name']}: {target['label']}"
        chart(charts.progress(series, {**target, "label": title}, L), download, L("progress.caption", measure=measure),
              f"verlauf_{target['id']}.csv", L, f"progress-{i}")

    st.subheader(L("progress.monthly"))
    monthly = result["monthly"].copy()
    monthly["series"] = [L("tile.entered") if s == "entered" else L.status(s, vocab) for s in monthly["series"]]
    chart(charts.monthly(monthly, L), starred(monthly, ["count"]), L("progress.monthly_caption"), "monatlich.csv", L,
          "monthly")
    if any_hidden or monthly["count"].isna().any():
        star_note(L)
