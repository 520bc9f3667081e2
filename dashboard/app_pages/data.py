"""Daten: upload files (same path as `outcomes ingest`), load history, data-quality checks."""

import pandas as pd
import streamlit as st

from dashboard import data, state
from dashboard.i18n import Labels
from dashboard.widgets import download_csv, table as show_table
from pipelines import ingest, text
from pipelines.text.ingest import load_summary, problem_record

L = Labels(state.language())
st.title(L("page.data"))

# --- upload -----------------------------------------------------------------------------
st.subheader(L("data.upload"))
st.caption(L("data.upload_help"))
key = state.marker()
frame = data.programs(key)
names = dict(zip(frame["program_id"], frame["name"]))
with st.form("upload", clear_on_submit=False):
    files = st.file_uploader(L("data.upload"), accept_multiple_files=True, label_visibility="collapsed",
                             type=["csv", "txt", "tsv", "xlsx", "parquet", "toml"])
    program = st.selectbox(L("data.program"), options=[None, *names], format_func=lambda p: "–" if p is None else names[p])
    lenient = st.checkbox(L("data.lenient"))
    submitted = st.form_submit_button(L("data.load"), type="primary")

if submitted and files:
    with data.writing() as con:
        results = ingest.ingest_uploads(con, [(f.name, f.getvalue()) for f in files], db_path=data.store_path(),
                                        lenient=lenient, program=program, lang=L.lang, loaded_by="dashboard")
    st.session_state["upload_results"] = results
    st.session_state.pop("as_of", None)          # new data: the default as-of date may move
    st.session_state.pop("programs", None)       # and new programs are selected too
    st.rerun()

for result in st.session_state.get("upload_results", []):
    line = load_summary(result, L.lang)
    if result.outcome == "failed":
        st.error(f"{line}\n\n{L('data.refused')}")
    elif result.outcome == "skipped":
        st.info(f"{line}\n\n{L('data.skipped')}")
    else:
        (st.warning if result.rows_rejected else st.success)(line)
    if result.problems:
        table = pd.DataFrame([problem_record(p, L.lang) for p in result.problems])[
            ["line", "column", "value", "message"]]
        table.columns = [L("col.line"), L("col.column"), L("col.value"), L("col.message")]
        st.dataframe(table, hide_index=True, width="stretch")
    rejects = ingest.rejects_csv(result)
    if rejects:
        st.download_button(L("data.rejects"), rejects, file_name=result.rejects_path.name, mime="text/csv",
                           key=f"rejects-{result.load_id}")

# --- history ----------------------------------------------------------------------------
st.subheader(L("data.history"))
history = data.load_history(key)
shown = history[["loaded_at", "file_name", "kind", "program_id", "outcome", "rows_read", "rows_loaded",
                 "rows_rejected"]].copy()
shown["loaded_at"] = [L.date(v) + v.strftime(" %H:%M") if v is not None else "–" for v in shown["loaded_at"]]
shown["kind"] = [L(f"ingest.kind.{k}") if f"ingest.kind.{k}" in text.CATALOG else k for k in shown["kind"]]
shown["program_id"] = [p if isinstance(p, str) else "–" for p in shown["program_id"]]   # indicator files: none
shown["outcome"] = [L(f"ingest.outcome.{o}") if f"ingest.outcome.{o}" in text.CATALOG else o
                    for o in shown["outcome"]]
shown.columns = [L("col.loaded_at"), L("col.file"), L("col.kind"), L("col.program"), L("col.outcome"),
                 L("col.read"), L("col.loaded"), L("col.rejected")]
show_table(shown, L, numbers={L(c): 0 for c in ("col.read", "col.loaded", "col.rejected")},
           # long file names shortened, so the counts stay in view
           config={L(c): st.column_config.TextColumn(width="medium") for c in ("col.file", "col.program")})
download_csv(shown, "ladeprotokoll.csv", L, key="history")

# --- quality ----------------------------------------------------------------------------
chosen = state.require_programs(L)
if chosen:
    st.subheader(L("data.quality"))
    missing, stale, order = data.quality(key, chosen)
    tab_missing, tab_stale, tab_order = st.tabs([L("data.missing"), L("data.stale"), L("data.order")])
    with tab_missing:
        st.caption(L("data.missing_caption"))
        table = missing.assign(
            attribute=[L(f"field.{a}") if f"field.{a}" in text.CATALOG else a for a in missing["attribute"]],
            share_missing=[L.pct(v) for v in missing["share_missing"]],
        )[["program_id", "attribute", "participants", "missing", "share_missing"]]
        table.columns = [L("col.program"), L("col.attribute"), L("col.participants"), L("col.missing"),
                         L("col.share_missing")]
        show_table(table, L, numbers={L("col.participants"): 0, L("col.missing"): 0})
        download_csv(table, "fehlende_merkmale.csv", L, key="missing")
    with tab_stale:
        st.caption(L("data.stale_caption"))
        table = stale.assign(
            last_load=[L.date(v) if v is not None and v == v else "–" for v in stale["last_load"]],
            latest_record=[L.date(v) if v is not None and v == v else "–" for v in stale["latest_record"]],
            stale=[L("yes") if v else L("no") for v in stale["stale"]],
        )
        table.columns = [L("col.program"), L("col.last_load"), L("col.latest_record"), L("col.days"), L("col.stale")]
        show_table(table, L, numbers={L("col.days"): 0})
        download_csv(table, "aktualitaet.csv", L, key="stale")
    with tab_order:
        st.caption(L("data.order_caption"))
        if order.empty:
            st.success(L("data.none"))
        else:
            table = order.assign(date=[L.date(v) for v in order["date"]])
            table.columns = [L("col.program"), L("col.participant"), L("col.problem"), L("col.status"), L("col.date")]
            st.dataframe(table, hide_index=True, width="stretch")
            download_csv(table, "widersprueche.csv", L, key="order")
