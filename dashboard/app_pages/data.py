"""Daten: the import assistant (upload, preview, column assignment saved per program, templates; the same
load as `outcomes ingest`), load history, data-quality checks."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, state
from dashboard.i18n import Labels
from dashboard.widgets import HIDDEN, download_csv, star_note, starred, table as show_table
from pipelines import ingest, text
from pipelines.ingest import assistant, limits
from pipelines.ingest.problems import Problem, Refused
from pipelines.text.ingest import field_label, load_details, load_summary, problem_record

L = Labels(state.language())
st.title(L("page.data"))

# --- import assistant: upload → preview and column assignment → the checks → load ------------------
st.subheader(L("imp.title"))
st.caption(L("imp.help"))
key = state.marker()
frame = data.programs(key)
names = dict(zip(frame["program_id"], frame["name"]))
store_dir = data.store_path().parent
left, right = st.columns([3, 2])
with right:
    st.caption(L("imp.templates"))
    st.download_button(L("imp.template_xlsx"), assistant.template_xlsx(), file_name="vorlage-tracking.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="tpl-xlsx")
    st.download_button(L("imp.template_csv"), assistant.template_csv(), file_name="vorlage-tracking.csv",
                       mime="text/csv", key="tpl-csv")
may_load = data.may_change_data()     # evaluators and ministries load nothing: no uploader for them
with left:
    if may_load:
        # a new key after each load empties the uploader: the next visit starts with the next file
        files = st.file_uploader(L("imp.files"), accept_multiple_files=True,
                                 type=["csv", "txt", "tsv", "xlsx", "xlsm", "parquet", "toml"],
                                 key=f"upload-{st.session_state.get('upload_round', 0)}")
        program = st.selectbox(L("imp.program"), options=[None, *names], help=L("imp.program_help"),
                               format_func=lambda p: L("imp.none") if p is None else names[p])
        lenient = st.checkbox(L("imp.lenient"))
    else:
        files, program, lenient = None, None, False
        st.info(L("access.upload_not_for_role"))

uploads, refused, assignments = [], [], {}
for number, upload in enumerate(files or []):
    content = upload.getvalue()
    try:
        limits.check_upload(len(content))
    except limits.InputRefused as exc:
        refused.append(Problem(exc.code, upload.name, params=exc.params))
        continue
    uploads.append((upload.name, content))
    if upload.name.lower().endswith(".toml"):
        st.caption(f"{upload.name}: {L('imp.program_file')}")
        continue
    saved = assistant.saved_mapping(store_dir, program)
    try:
        with data.reading() as con:
            shown = assistant.preview(con, upload.name, content, saved)
            options = [None, *assistant.choices(con)]
    except Refused as exc:
        refused += exc.problems
        continue
    st.text(L("imp.preview", file=upload.name))      # a file name is never rendered as markdown
    st.caption(L("imp.where_sheet", sheet=shown.sheet, row=shown.header_row) if shown.sheet
               else L("imp.where", row=shown.header_row))
    st.dataframe(pd.DataFrame(shown.rows, columns=shown.headers).fillna(""), hide_index=True, width="stretch")
    st.caption(L("imp.assign_help") + (" " + L("imp.saved_mapping") if saved else ""))
    chosen = {}
    grid = st.columns(4)
    for i, header in enumerate(shown.headers):
        default = shown.assignment.get(header)
        with grid[i % 4]:
            chosen[header] = st.selectbox(
                header, options, index=options.index(default) if default in options else 0,
                format_func=lambda t: field_label(t, L.lang), key=f"assign-{number}-{upload.name}-{i}")
    assignments[upload.name] = chosen
    st.download_button(L("imp.mapping_download"), assistant.mapping_toml(chosen),
                       file_name=f"zuordnung-{program or 'datei'}.toml", mime="application/toml",
                       key=f"mapping-{number}-{upload.name}")

if may_load and st.button(L("imp.load"), type="primary") and uploads:
    merged = {h: t for chosen in assignments.values() for h, t in chosen.items()}
    with tempfile.TemporaryDirectory(prefix="wirkungsmonitor-mapping-") as folder:
        mapping = None
        if merged:
            mapping = (assistant.save_mapping(store_dir, program, merged) if program
                       else assistant.save_mapping(Path(folder), "upload", merged))
        with data.writing() as con:
            results = ingest.ingest_uploads(con, uploads, db_path=data.store_path(), lenient=lenient,
                                            program=program, mapping=mapping, lang=L.lang, loaded_by=data.person().name)
    st.session_state["upload_results"] = results
    st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
    st.session_state.pop("as_of", None)          # new data: the default as-of date may move
    st.session_state.pop("programs", None)       # and new programs are selected too
    st.rerun()


def problem_table(problems) -> None:
    """Problems as a readable table: every message whole, lines as the file (or Excel) shows them."""
    records = [problem_record(p, L.lang) for p in problems]
    table = pd.DataFrame({
        L("col.file"): [r["file"] for r in records],
        L("col.line"): ["" if r["line"] is None else str(r["line"]) for r in records],
        L("col.column"): [r["column"] or "" for r in records],
        L("col.value"): ["" if r["value"] is None else str(r["value"]) for r in records],
        L("col.message"): [r["message"] for r in records],
    })
    st.table(table.set_index(L("col.file")))


if refused:
    st.error(L("imp.unreadable"))
    problem_table(refused)
for result in st.session_state.get("upload_results", []):
    line = load_summary(result, L.lang)
    if result.outcome == "failed":
        st.error(f"{line}\n\n{L('data.refused')}")
    elif result.outcome == "skipped":
        st.info(f"{line}\n\n{L('data.skipped')}")
    else:
        (st.warning if result.rows_rejected else st.success)(line)
    details = load_details(result, L.lang)
    if details:
        st.text("\n".join(details))
    if result.problems:
        problem_table(result.problems)
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
    missing, stale, order = data.quality(key, chosen, state.as_of())
    tab_missing, tab_stale, tab_order = st.tabs([L("data.missing"), L("data.stale"), L("data.order")])
    with tab_missing:
        st.caption(L("data.missing_caption"))
        marked = starred(missing, ["participants", "missing"], ["share_missing"])   # ministry: hidden → *
        table = marked.assign(
            attribute=[L(f"field.{a}") if f"field.{a}" in text.CATALOG else a for a in marked["attribute"]],
            share_missing=[v if v == HIDDEN else L.pct(v) for v in marked["share_missing"]],
        )[["program_id", "attribute", "participants", "missing", "share_missing"]]
        table.columns = [L("col.program"), L("col.attribute"), L("col.participants"), L("col.missing"),
                         L("col.share_missing")]
        show_table(table, L, numbers={L("col.participants"): 0, L("col.missing"): 0})
        download_csv(table, "fehlende_merkmale.csv", L, key="missing")
        if (marked[["participants", "missing"]] == HIDDEN).any(axis=None):
            star_note(L)
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
