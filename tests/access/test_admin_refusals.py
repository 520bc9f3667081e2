"""The admin page's refusals speak of the page's fields and roles, never of the command line's flags
(--program, --funder) or role codes; the CLI keeps its own wording."""

from __future__ import annotations

import pytest

from pipelines import text
from tests.access.test_admin_page import admin_page
from tests.helpers.app import KASSEL


@pytest.fixture
def demo_store(demo_copy, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_copy))
    return demo_copy


def add(at, name, role, programs=(), funder=""):
    at.text_input(key="add_name").set_value(name)
    at.selectbox(key="add_role").set_value(role)
    at.multiselect(key="add_programs").set_value(list(programs))
    at.text_input(key="add_funder").set_value(funder)
    at.text_input(key="add_password").set_value("lang-genug-1")
    at.button(key="FormSubmitter:account-add-Anlegen").click()
    return at.run()


@pytest.mark.parametrize("role,programs,funder,expected", [
    ("lead", (), "", "Eine Projektleitung braucht mindestens ein Programm: bitte im Feld »Programme« eines "
                     "auswählen."),
    ("ministry", (), "", "Ein Ministeriumskonto braucht einen Fördergeber: bitte im Feld »Fördergeber« eintragen, "
                         "so wie er in den Programmdateien steht."),
    ("lead", (KASSEL,), "Land Hessen", "Nur Ministeriumskonten haben einen Fördergeber: für die Rolle "
                                       "Projektleitung bitte das Feld »Fördergeber« leer lassen."),
    ("admin", (KASSEL,), "", "Die Rolle Admin bekommt keine Programme (Admins sehen alle, Ministerien die ihres "
                             "Fördergebers): bitte das Feld »Programme« leer lassen."),
])
def test_adding_an_account_is_refused_in_the_words_of_the_page(demo_store, role, programs, funder, expected):
    at = add(admin_page(), "neu", role, programs, funder)
    assert [e.value for e in at.error] == [expected]
    assert "--" not in expected


def test_revoking_a_leads_last_program_says_what_to_do_on_the_page(demo_store):
    at = admin_page()
    at.selectbox(key="grant_name").set_value("kassel")
    at.selectbox(key="grant_program").set_value(KASSEL)
    at.button(key="revoke").click()
    at.run()
    assert [e.value for e in at.error] == [text.say("access.page.lead_needs_program.revoked", "de")]
    assert "--" not in at.error[0].value


def test_the_command_line_keeps_its_flags():
    assert "(--program)" in text.say("access.lead_needs_program", "de")
    assert "(--funder)" in text.say("access.ministry_needs_funder", "en")
