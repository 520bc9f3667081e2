"""Ziele: a program's targets, editable in a validated form; saved to the store and offered as
the program's TOML file."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import data, state
from dashboard.i18n import Labels
from dashboard.widgets import escaped
from pipelines import targets
from pipelines import ingest
from pipelines.ingest import programs
from pipelines.text.ingest import located_message
from pipelines.text.metrics import problem_texts
from pipelines.text.targets import milestones_text, statuses_text, target_label, where_text

L = Labels(state.language())
st.title(L("page.targets"))

if data.is_admin():   # a program from scratch: its file is made here and loaded like any program file
    with st.expander(L("newprog.title"), icon=":material/add:"):
        with st.form("new_program"):
            new_name = st.text_input(L("newprog.name"))
            new_org = st.text_input(L("newprog.organisation"))
            new_funder = st.text_input(L("newprog.funder"))
            left, right = st.columns(2)
            new_start = left.date_input(L("newprog.start"), value=None, format=L.date_input_format)
            new_end = right.date_input(L("newprog.end"), value=None, format=L.date_input_format)
            create = st.form_submit_button(L("newprog.create"), type="primary")
        if create and new_name.strip():
            new_id, content = programs.new_program_file(new_name, new_org, new_funder, new_start, new_end)
            with data.writing() as con:
                made = ingest.ingest_uploads(con, [(f"{new_id}.toml", content)], db_path=data.store_path(),
                                             lang=L.lang, loaded_by=data.person().name)
            for result in made:
                if result.ok:
                    st.session_state.pop("programs", None)      # offer the new program in the sidebar
                    st.success(L("newprog.done", name=escaped(new_name.strip()), id=new_id))
                else:
                    st.error("  \n".join(escaped(located_message(p, L.lang)) for p in result.problems))
        elif create:
            st.warning(L("newprog.name_missing"))

chosen = state.require_programs(L)
if chosen:
    key = state.marker()
    program_rows = data.programs(key).set_index("program_id")
    names = program_rows["name"].to_dict()
    state.from_url("tedit_program", "edit", chosen, default=chosen[0])
    if st.session_state["tedit_program"] not in chosen:
        st.session_state["tedit_program"] = chosen[0]
    program = st.selectbox(L("tedit.program"), chosen, format_func=lambda p: names.get(p, p), key="tedit_program")
    state.keep_in_url(L, edit=program)
    st.caption(L("tedit.intro"))
    vocab = data.vocabulary(key, (program,))

    def status_word(status: str) -> str:
        return L.status(status, vocab)
    rows = data.targets_of(key, program)

    for n, message in enumerate(st.session_state.pop("tedit_flash", [])):
        (st.success if n == 0 else st.warning)(message)

    if not rows.empty:
        shown = pd.DataFrame({
            L("tedit.id"): rows["target_id"], L("tedit.label"): rows["label"],
            L("tedit.measure"): [L(f"measure.{m}") for m in rows["measure"]],
            L("tedit.status"): [statuses_text(targets.split_statuses(s), status_word, L.lang) or "–"
                                for s in rows["status"]],
            L("tedit.direction"): [L(f"tedit.{d}") for d in rows["direction"]],
            L("tedit.value"): [L.num(v, 0 if float(v).is_integer() else 1) for v in rows["value"]],
            L("tedit.start"): [L.date(d) for d in rows["period_start"]],
            L("tedit.end"): [L.date(d) for d in rows["period_end"]],
            L("tedit.valid_from"): [L.date(d) for d in rows["valid_from"]],
        })
        st.dataframe(shown, hide_index=True, width="stretch",
                     column_config={L("tedit.label"): st.column_config.TextColumn(width="medium")})

    ids = list(dict.fromkeys(rows["target_id"])) if not rows.empty else []
    labels = dict(zip(rows["target_id"], rows["label"])) if not rows.empty else {}   # the latest version's
    choice = st.selectbox(L("tedit.edit"), [None, *ids], key="tedit_choice",
                          format_func=lambda t: L("tedit.new") if t is None else labels.get(t, t))
    base = rows[rows["target_id"] == choice].iloc[0].to_dict() if choice else {}
    program_row = program_rows.loc[program]
    measures = list(targets.MEASURES)
    status_options = list(vocab)

    with st.form(f"target-form-{choice}"):
        c1, c2 = st.columns(2)
        target_id = c1.text_input(L("tedit.id"), value=choice or "", disabled=choice is not None)
        label = c2.text_input(L("tedit.label"), value=base.get("label", ""), help=L("tedit.label_help"))
        funder = st.text_input(L("tedit.funder"), value=base.get("funder") or (program_row.get("funder") or ""))
        c1, c2, c3 = st.columns(3)
        measure = c1.selectbox(L("tedit.measure"), measures, index=measures.index(base.get("measure", "reached")),
                               format_func=lambda m: L(f"measure.{m}"))
        current_status = [s for s in targets.split_statuses(base.get("status")) if s in status_options] or (
            ["training"] if "training" in status_options else status_options[:1])
        status = c2.multiselect(L("tedit.status"), status_options, default=current_status,
                                format_func=status_word, help=L("tedit.status_help"))
        direction = c3.radio(L("tedit.direction"), ["at_least", "at_most"], horizontal=True,
                             index=0 if base.get("direction", "at_least") == "at_least" else 1,
                             format_func=lambda d: L(f"tedit.{d}"))
        c1, c2, c3 = st.columns(3)
        value = c1.number_input(L("tedit.value"), min_value=0.0, value=float(base.get("value", 10.0)), step=1.0,
                                format="%g")   # 50, not 50.00
        start = c2.date_input(L("tedit.start"), format=L.date_input_format,
                              value=base.get("period_start") or program_row.get("start_date") or dt.date.today())
        end = c3.date_input(L("tedit.end"), format=L.date_input_format,
                            value=base.get("period_end") or program_row.get("end_date") or dt.date.today())
        where = st.text_input(L("tedit.where"), value=where_text(base.get("scope_json")))
        milestones = st.text_area(L("tedit.milestones"), value=milestones_text(base.get("milestones_json"), L.lang),
                                  height=90)
        c1, c2 = st.columns([1, 1])
        save = c1.form_submit_button(L("tedit.save"), type="primary")
        delete = c2.form_submit_button(L("tedit.delete"), disabled=choice is None)

    if save:
        made = target_label(measure, status, direction, value, status_word, L.lang)
        if not label.strip():
            label = made   # nobody wrote her own: the label follows the values
        table, form_problems = targets.table_from_form(
            target_id=(choice or target_id).strip(), label=label, funder=funder, measure=measure, status=status,
            direction=direction, value=value, start=start, end=end, where=where, milestones=milestones,
            decimal_comma=L.lang == "de")
        problems = problem_texts(form_problems, L.lang)
        if not problems:
            with data.writing() as con:
                problems = programs.save_target(con, program, table, replace_id=choice, lang=L.lang,
                                                saved_by="dashboard")
        if problems:
            st.error(L("tedit.invalid") + "\n\n" + "\n".join(f"- {p}" for p in problems))
        else:
            flash = [L("tedit.saved")]
            if targets.label_disagrees(label, value):
                flash.append(L("tedit.label_disagrees", label=escaped(label), made=escaped(made),
                               value=L.num(value, 0 if float(value).is_integer() else 1)))
            st.session_state["tedit_flash"] = flash
            st.rerun()
    if delete and choice:
        with data.writing() as con:
            programs.delete_target(con, program, choice, lang=L.lang, saved_by="dashboard")
        st.session_state["tedit_flash"] = [L("tedit.deleted")]
        st.session_state.pop("tedit_choice", None)
        st.rerun()

    st.download_button(L("tedit.download"), data.program_toml(key, program).encode("utf-8"),
                       file_name=f"{program}.toml", mime="application/toml", icon=":material/download:")
