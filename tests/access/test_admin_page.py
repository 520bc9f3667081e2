"""The admin page (AppTest, demo store): only admins get it; accounts are added, granted, revoked, reset
and removed through pipelines.access.accounts, each change audited; the log filters and downloads."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines import text
from pipelines.access import audit
from pipelines.store import db
from tests.helpers.app import KASSEL, PERMENTI, MediaRecorder, download, new_app, problems

ADMIN_FILE = "app_pages/admin.py"


@pytest.fixture
def demo_store(demo_copy, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_copy))
    return demo_copy


def admin_page(user="admin", role="admin"):
    at = new_app(user, role).run()
    at.switch_page(ADMIN_FILE)
    return at.run()


def log_rows(path):
    con = db.connect(path, read_only=True)
    try:
        return con.execute("select actor, action, program_id from audit_log where action <> 'login' "
                           "order by logged_at").fetchall()
    finally:
        con.close()


def grants(path, name):
    con = db.connect(path, read_only=True)
    try:
        return [r[0] for r in con.execute("select program_id from account_program where name = ? order by 1",
                                          [name]).fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("user,role", [("kassel", "lead"), ("evaluation", "evaluator"), ("ministerium", "ministry")])
def test_only_admins_get_the_page(demo_store, user, role):
    at = new_app(user, role).run()
    paths = [p["script_path"] for p in at._registered_pages.values()]
    assert any(path.endswith("app_pages/data.py") for path in paths)
    assert not any(path.endswith(ADMIN_FILE) for path in paths)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(ADMIN_FILE)


def test_the_admin_functions_refuse_anyone_else_even_if_called(demo_store, monkeypatch):
    import streamlit as st

    from dashboard import data
    from pipelines.access import AccessError, Person, accounts

    monkeypatch.setattr(st, "session_state", {data.PERSON_KEY: Person("kassel", "admin")})   # a forged role
    assert data.is_admin() is False                  # the store says: kassel is a lead
    with pytest.raises(AccessError) as refusal:
        data.change_account(accounts.grant, "kassel", PERMENTI)
    assert refusal.value.code == "access.admin_only"
    with pytest.raises(AccessError):
        data.audit_log()
    assert grants(demo_store, "kassel") == [KASSEL]


def test_the_admin_sees_every_account_and_adds_grants_revokes_resets_and_removes(demo_store):
    at = admin_page()
    assert problems(at) == []
    [accounts] = at.dataframe[:1]
    assert list(accounts.value["Name"]) == ["admin", "evaluation", "kassel", "ministerium"]
    assert list(accounts.value["Rolle"]) == ["Admin", "Evaluation", "Projektleitung", "Ministerium / Fördergeber"]

    at.text_input(key="add_name").set_value("  Bielefeld ")
    at.selectbox(key="add_role").set_value("lead")
    at.multiselect(key="add_programs").set_value([PERMENTI])
    at.text_input(key="add_password").set_value("kurz")
    at.button(key="FormSubmitter:account-add-Anlegen").click()
    at.run()
    assert [e.value for e in at.error] == [text.say("access.password_too_short", "de", min=8)]

    at.text_input(key="add_name").set_value("  Bielefeld ")
    at.selectbox(key="add_role").set_value("lead")
    at.multiselect(key="add_programs").set_value([PERMENTI])
    at.text_input(key="add_password").set_value("lang-genug-1")
    at.button(key="FormSubmitter:account-add-Anlegen").click()
    at.run()
    assert problems(at) == []
    assert [s.value for s in at.success] == ["Konto „bielefeld“ (Projektleitung) angelegt."]
    assert "bielefeld" in list(at.dataframe[0].value["Name"])
    assert grants(demo_store, "bielefeld") == [PERMENTI]

    at.selectbox(key="grant_name").set_value("bielefeld")
    at.selectbox(key="grant_program").set_value(KASSEL)
    at.button(key="grant").click()
    at.run()
    assert [s.value for s in at.success] == ["„bielefeld“ hat jetzt Zugriff auf „Sozialwirtschaft integriert“."]
    assert grants(demo_store, "bielefeld") == [PERMENTI, KASSEL]
    at.selectbox(key="grant_name").set_value("bielefeld")
    at.selectbox(key="grant_program").set_value(PERMENTI)
    at.button(key="revoke").click()
    at.run()
    assert grants(demo_store, "bielefeld") == [KASSEL]

    at.selectbox(key="passwd_name").set_value("bielefeld")
    at.text_input(key="passwd_password").set_value("noch-ein-passwort")
    at.button(key="FormSubmitter:account-password-Passwort setzen").click()
    at.run()
    assert [s.value for s in at.success] == ["Passwort von „bielefeld“ geändert."]

    at.selectbox(key="remove_name").set_value("bielefeld")
    at.button(key="FormSubmitter:account-remove-Entfernen").click()
    at.run()
    assert grants(demo_store, "bielefeld") == [KASSEL]          # not confirmed: nothing removed
    at.selectbox(key="remove_name").set_value("bielefeld")
    at.checkbox(key="remove_sure").check()
    at.button(key="FormSubmitter:account-remove-Entfernen").click()
    at.run()
    assert [s.value for s in at.success] == ["Konto „bielefeld“ entfernt."]
    assert "bielefeld" not in list(at.dataframe[0].value["Name"])

    assert log_rows(demo_store)[-5:] == [
        ("admin", "user_add", None), ("admin", "grant", KASSEL), ("admin", "revoke", PERMENTI),
        ("admin", "password_change", None), ("admin", "user_remove", None)]


def test_the_last_admin_is_not_removed_and_the_page_says_why(demo_store):
    at = admin_page()
    at.selectbox(key="remove_name").set_value("admin")
    at.checkbox(key="remove_sure").check()
    at.button(key="FormSubmitter:account-remove-Entfernen").click()
    at.run()
    assert [e.value for e in at.error] == ["„admin“ ist das letzte Admin-Konto und bleibt."]


def test_the_log_filters_and_downloads_as_csv(demo_store):
    recorder = MediaRecorder()
    with recorder.recording():
        at = admin_page()
        at.selectbox(key="grant_name").set_value("evaluation")
        at.selectbox(key="grant_program").set_value(KASSEL)
        at.button(key="revoke").click()
        at.run()
        at.selectbox(key="log_action").set_value("revoke")
        at.run()
        [log] = [d for d in at.dataframe if "Was" in d.value.columns]
        assert list(log.value["Was"]) == ["Freigabe entzogen"]
        assert list(log.value["Programm"]) == [KASSEL]
        at.selectbox(key="log_action").set_value(None)
        at.selectbox(key="log_program").set_value(KASSEL)
        at.date_input(key="log_to").set_value(dt.date(2000, 1, 1))
        at.run()
        assert [i.value for i in at.info] == [text.say("access.admin.log_empty", "de")]
        at.date_input(key="log_to").set_value(None)
        at.run()
        csv = recorder.content(download(at, "Protokoll als CSV")).decode("utf-8-sig").splitlines()
    assert csv[0] == "Zeitpunkt;Wer;Was;Programm;Einzelheiten"
    assert csv[1].split(";")[1:4] == ["admin", "Freigabe entzogen", KASSEL]
    assert all(KASSEL in line for line in csv[1:])
    assert audit.ACTIONS   # the filter offers every action
