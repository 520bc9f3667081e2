"""Konten und Protokoll (admins only): the accounts with their roles and programs — add, grant and revoke,
reset a password, remove — and the audit log with a filter and a CSV download. Every change goes through
pipelines.access.accounts, which checks the admin again and audits it."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import data, state
from dashboard.i18n import Labels
from dashboard.widgets import escaped, table as show_table
from pipelines import access, text
from pipelines.access import accounts as account_changes, audit

L = Labels(state.language())
st.title(L("access.admin.title"))
MESSAGE = "admin_message"


# the field of this page a refusal is about (the command line names its flags instead)
REFUSAL_FIELDS = {"access.lead_needs_program": "access.admin.col.programs",
                  "access.programs_not_for_role": "access.admin.col.programs",
                  "access.ministry_needs_funder": "access.admin.col.funder",
                  "access.funder_only_ministry": "access.admin.col.funder"}


def refusal(exc: access.AccessError, done_key: str = "") -> str:
    """A refusal as a sentence of the catalog, its values escaped (names come from people). Where the
    page has its own wording (access.page.<code>, per change: …<code>.<change>) it speaks of the page's
    fields and roles, not of the command line's flags and codes."""
    short, change_name = exc.code.removeprefix("access."), done_key.removeprefix("access.")
    params = {k: escaped(v) for k, v in exc.params.items()}
    if "role" in exc.params and exc.params["role"] in access.ROLES:
        params["role"] = L(f"access.role.{exc.params['role']}")
    for key in (f"access.page.{short}.{change_name}", f"access.page.{short}"):
        if key in text.CATALOG:
            return L(key, **params, field=L(REFUSAL_FIELDS.get(exc.code, "access.admin.col.programs")))
    return L(exc.code, **params)


def change(done_key: str, words: dict, call, *args, **kwargs) -> None:
    """Run one account change; its sentence (`done_key` with `words`) is shown after the page reloads
    with the new list. A grant or revoke that changed nothing says so."""
    try:
        result = data.change_account(call, *args, **kwargs)
    except access.AccessError as exc:
        st.error(refusal(exc, done_key))
        return
    if result is False:
        done_key = {"access.granted": "access.granted_already", "access.revoked": "access.revoked_already"}[done_key]
    if isinstance(result, str):   # add: the name as stored
        words = {**words, "name": result}
    st.session_state[MESSAGE] = L(done_key, **{k: escaped(v) for k, v in words.items()})
    st.rerun()


if MESSAGE in st.session_state:
    st.success(st.session_state.pop(MESSAGE))

# --- accounts -----------------------------------------------------------------------------------
st.subheader(L("access.admin.accounts"))
people = data.accounts()
key = state.marker()
program_frame = data.programs(key)
program_names = dict(zip(program_frame["program_id"], program_frame["name"]))
shown = pd.DataFrame({
    L("access.admin.col.name"): [a.name for a in people],
    L("access.admin.col.role"): [L(f"access.role.{a.role}") for a in people],
    L("access.admin.col.funder"): [a.funder or "" for a in people],
    L("access.admin.col.programs"): [
        L("access.admin.all_programs") if a.role == "admin" else
        L("access.admin.funder_programs") if a.role == "ministry" else
        ", ".join(program_names.get(p, p) for p in a.programs) for a in people],
    L("access.admin.col.password"): [L("yes") if a.has_password else L("no") for a in people],
    L("access.admin.col.disabled"): [L("yes") if a.disabled else "" for a in people],
    L("access.admin.col.created"): [L.date(a.created_at) for a in people],
})
show_table(shown, L)

names = [a.name for a in people]
role_of = {a.name: a.role for a in people}
tab_add, tab_grant, tab_password, tab_remove = st.tabs(
    [L(f"access.admin.tab.{t}") for t in ("add", "grant", "password", "remove")])
with tab_add:
    with st.form("account-add", clear_on_submit=True):
        c1, c2 = st.columns(2)
        name = c1.text_input(L("access.admin.col.name"), key="add_name")
        role = c2.selectbox(L("access.admin.col.role"), access.ROLES, index=1, key="add_role",
                            format_func=lambda r: L(f"access.role.{r}"))
        granted = st.multiselect(L("access.admin.col.programs"), list(program_names), key="add_programs",
                                 format_func=lambda p: program_names.get(p, p), help=L("access.admin.programs_help"),
                                 placeholder=L("access.admin.choose_programs"))
        funder = st.text_input(L("access.admin.col.funder"), key="add_funder", help=L("access.admin.funder_help"))
        password = st.text_input(L("access.login.password"), type="password", key="add_password",
                                 help=L("access.admin.password_help", min=account_changes.MIN_PASSWORD_LENGTH))
        if st.form_submit_button(L("access.admin.add"), type="primary"):
            change("access.user_added", {"name": name, "role": L(f"access.role.{role}")}, account_changes.add,
                   name, role, password or None, programs=granted, funder=funder or None)

with tab_grant:
    grantable = [n for n in names if role_of[n] in ("lead", "evaluator")]
    c1, c2 = st.columns(2)
    who = c1.selectbox(L("access.admin.account"), grantable, key="grant_name")
    program = c2.selectbox(L("access.admin.program"), list(program_names), key="grant_program",
                           format_func=lambda p: program_names.get(p, p))
    b1, b2 = st.columns(2)
    if b1.button(L("access.admin.grant"), key="grant", disabled=not (who and program)):
        change("access.granted", {"name": who, "program": program_names[program]}, account_changes.grant, who,
               program)
    if b2.button(L("access.admin.revoke"), key="revoke", disabled=not (who and program)):
        change("access.revoked", {"name": who, "program": program_names[program]}, account_changes.revoke, who,
               program)

with tab_password:
    with st.form("account-password", clear_on_submit=True):
        who = st.selectbox(L("access.admin.account"), names, key="passwd_name")
        password = st.text_input(L("access.admin.new_password"), type="password", key="passwd_password",
                                 help=L("access.admin.password_help", min=account_changes.MIN_PASSWORD_LENGTH))
        if st.form_submit_button(L("access.admin.set_password")) and who:
            change("access.password_changed", {"name": who}, account_changes.set_password, who, password)

with tab_remove:
    with st.form("account-remove", clear_on_submit=True):
        who = st.selectbox(L("access.admin.account"), names, key="remove_name")
        sure = st.checkbox(L("access.admin.remove_confirm"), key="remove_sure")
        if st.form_submit_button(L("access.admin.remove")) and who and sure:
            change("access.user_removed", {"name": who}, account_changes.remove, who)

# --- the audit log ------------------------------------------------------------------------------
st.subheader(L("access.admin.log"))
st.caption(L("access.admin.log_help"))
everyone = data.audit_actors()
c1, c2, c3, c4, c5 = st.columns(5)
actor = c1.selectbox(L("access.admin.filter.person"), [None, *everyone], key="log_actor",
                     format_func=lambda v: L("access.admin.filter.all") if v is None else v)
action = c2.selectbox(L("access.admin.filter.action"), [None, *audit.ACTIONS], key="log_action",
                      format_func=lambda v: L("access.admin.filter.all") if v is None else L(f"access.action.{v}"))
program = c3.selectbox(L("access.admin.filter.program"), [None, *program_names], key="log_program",
                       format_func=lambda v: L("access.admin.filter.all") if v is None else program_names.get(v, v))
since = c4.date_input(L("access.admin.filter.from"), value=None, key="log_from", format=L.date_input_format,
                      min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
until = c5.date_input(L("access.admin.filter.to"), value=None, key="log_to", format=L.date_input_format,
                      min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
log = data.audit_log(since, until, actor, action, program)
if log.empty:
    st.info(L("access.admin.log_empty"))
else:
    st.caption(L("access.admin.log_count", count=L.num(len(log))))
    shown = log.assign(
        logged_at=[L.date(v) + v.strftime(" %H:%M:%S") for v in log["logged_at"]],
        action=[L(f"access.action.{a}") for a in log["action"]],
        program_id=[p if isinstance(p, str) else "–" for p in log["program_id"]],
    )
    shown.columns = [L(f"access.column.{c}") for c in audit.COLUMNS]
    show_table(shown, L)
    st.download_button(
        L("access.admin.log_csv"), icon=":material/download:", mime="text/csv", key="audit-csv",
        file_name="protokoll.csv" if L.lang == "de" else "audit_log.csv",
        data=audit.csv_bytes(log, L.lang, columns={c: L(f"access.column.{c}") for c in audit.COLUMNS},
                             actions={a: L(f"access.action.{a}") for a in audit.ACTIONS}))
