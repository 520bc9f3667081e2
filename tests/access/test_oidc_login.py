"""Login through an office's identity provider in the dashboard (AppTest: st.user seeded as Streamlit
fills it after st.login): the button shows only with [auth] configured, a verified e-mail address logs
in the account of that name, an unknown one is told what to ask for, and logging out ends the
provider's login too. The provider side (st.login's redirects and cookie against tests/helpers/oidc.py)
is in test_oidc_provider.py and, with the real dashboard in a browser, in test_browser_access.py."""

from __future__ import annotations

import time

import pytest

from dashboard import data
from pipelines import text
from pipelines.access import LOCAL_ADMIN, accounts
from pipelines.store import db
from tests.helpers.app import KASSEL, new_app

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "wirkungsmonitor", "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
BUTTON = text.say("access.login.oidc", "de")


@pytest.fixture
def store_with_office_account(demo_copy, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_copy))
    with db.writing(demo_copy) as con:
        accounts.add(con, "anna@stadt-kassel.de", "lead", None, programs=[KASSEL], actor=LOCAL_ADMIN)
    return demo_copy


def app(user: dict | None = None, auth: bool = True):
    at = new_app(user=None)
    if auth:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    return at


def test_no_provider_configured_no_button(store_with_office_account):
    at = app(auth=False).run()
    assert BUTTON not in [b.label for b in at.button]


def test_the_button_shows_when_a_provider_is_configured(store_with_office_account):
    at = app({"is_logged_in": False}).run()
    assert BUTTON in [b.label for b in at.button]
    assert len(at.text_input) == 2                         # local accounts still log in


def test_a_verified_address_logs_in_its_account_and_logout_ends_the_provider_login(store_with_office_account):
    at = app({"is_logged_in": True, "email": "Anna@Stadt-Kassel.de", "email_verified": True,
              "iat": int(time.time()) - 60}).run()
    assert [t.value.split(":")[0] for t in at.title] == ["Übersicht"]     # "Übersicht: <program> · <date>"
    assert at.multiselect(key="programs").options == ["Sozialwirtschaft integriert"]
    assert at.session_state[data.PERSON_KEY].name == "anna@stadt-kassel.de"
    con = db.connect(store_with_office_account, read_only=True)
    assert con.execute("select actor, detail_json from audit_log where action = 'login'").fetchall() == [
        ("anna@stadt-kassel.de", '{"via": "oidc"}')]
    con.close()
    at.button(key="logout").click()
    at.run()
    assert [t.value for t in at.title] == ["Anmelden"]
    assert BUTTON in [b.label for b in at.button]        # st.logout ran: the provider's identity is gone


def test_an_address_without_account_is_told_what_to_ask_for(store_with_office_account):
    at = app({"is_logged_in": True, "email": "bert@stadt-kassel.de", "email_verified": True}).run()
    assert [t.value for t in at.title] == ["Anmelden"]
    assert [e.value for e in at.error] == [text.say("access.oidc_unknown", "de", email="bert@stadt\\-kassel\\.de")]
    assert text.say("access.login.oidc_logout", "de") in [b.label for b in at.button]
