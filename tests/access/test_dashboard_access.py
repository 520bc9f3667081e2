"""Login and access in the dashboard (AppTest) on the demo store: nothing before a login, each role
sees its programs only, URL tricks show nothing, the ministry sees no count of 1 or 2."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import data
from dashboard.i18n import LABELS
from pipelines import text
from pipelines.access import LOGIN_FAILED
from pipelines.store import db
from tests.helpers.app import open_page, KASSEL, PERMENTI, choose, new_app, problems, tiles

DEMO_HINT = text.say("access.login.demo", "de")


@pytest.fixture
def demo_store(demo_copy, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_copy))
    return demo_copy


def test_nothing_but_the_login_before_a_login(demo_store):
    at = new_app(user=None).run()
    assert [t.value for t in at.title] == ["Anmelden"]
    assert [i.value for i in at.info] == [DEMO_HINT]
    assert tiles(at) == {} and len(at.multiselect) == 0


def test_a_wrong_password_says_nothing_about_which_part_was_wrong_and_the_right_one_logs_in(demo_store):
    at = new_app(user=None).run()
    at.text_input(key="login_name").set_value("kassel")
    at.text_input(key="login_password").set_value("falsch")
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == [text.say(LOGIN_FAILED, "de")]
    at.text_input(key="login_name").set_value("niemand")
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == [text.say(LOGIN_FAILED, "de")]      # the same words
    at.text_input(key="login_name").set_value("kassel")
    at.text_input(key="login_password").set_value("demo")
    at.button[0].click()
    at.run()
    assert problems(at) == []
    assert at.multiselect(key="programs").options == ["Sozialwirtschaft integriert"]
    assert tiles(at)["Eingetreten"] == "155"
    con = db.connect(demo_store, read_only=True)
    assert con.execute("select actor from audit_log where action = 'login'").fetchall() == [("kassel",)]
    con.close()


def test_a_store_without_accounts_says_how_to_make_the_first_admin(tmp_path, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(tmp_path / "neu.duckdb"))
    at = new_app(user=None).run()
    assert [i.value for i in at.info] == [text.say("access.login.no_accounts", "de")]
    assert len(at.text_input) == 0


def test_the_kassel_lead_never_sees_permenti_not_even_through_the_url(demo_store):
    at = new_app("kassel", "lead")
    at.query_params["program"] = [PERMENTI, KASSEL]
    at.run()
    assert at.multiselect(key="programs").value == [KASSEL]
    assert at.multiselect(key="programs").options == ["Sozialwirtschaft integriert"]
    assert tiles(at)["Eingetreten"] == "155"
    everything = " ".join(str(e.value) for kind in ("markdown", "caption", "text", "info") for e in getattr(at, kind))
    assert "PerMenti" not in everything and PERMENTI not in everything


def test_the_ministry_sees_star_for_counts_of_one_and_two(demo_store):
    # Kassel on 31.03.2019: 4 started training, 1 in employment — the admin sees 1, the ministry *. The 4 is
    # hidden too: it is the sum of three sites' 1 or 2 (the report hides it; the overview showed it while
    # each page was protected on its own)
    admin = choose(open_page(new_app(), "overview"), [KASSEL], dt.date(2019, 3, 31))
    assert (tiles(admin)["Ausbildung begonnen"], tiles(admin)["In Beschäftigung"]) == ("4", "1")
    ministry = choose(open_page(new_app("ministerium", "ministry"), "overview"), [KASSEL], dt.date(2019, 3, 31))
    assert problems(ministry) == []
    assert (tiles(ministry)["Ausbildung begonnen"], tiles(ministry)["In Beschäftigung"]) == ("*", "*")
    assert tiles(ministry)["Eingetreten"] == "67"


def test_a_session_times_out(demo_store):
    at = new_app("kassel", "lead")
    at.session_state[data.LOGIN_AT_KEY] = dt.datetime.now() - dt.timedelta(hours=9)
    at.run()
    assert [t.value for t in at.title] == ["Anmelden"]
    assert [w.value for w in at.warning] == [text.say("access.session_expired", "de")]


def upload_as(user, role, program, csv_text):
    from tests.helpers.app import open_page

    at = new_app(user, role)
    open_page(at, "data")
    at.file_uploader[0].set_value([("neu.csv", csv_text.encode(), "text/csv")])
    [box] = [s for s in at.selectbox if s.label == LABELS["imp.program"][0]]
    box.set_value(program)
    at.run()
    [load] = [b for b in at.button if b.label == LABELS["imp.load"][0]]
    load.click()
    return at.run()


def entrants(path, program):
    con = db.connect(path, read_only=True)
    try:
        return con.execute("select count(*) from participant where program_id = ?", [program]).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("user,role", [("evaluation", "evaluator"), ("ministerium", "ministry")])
def test_evaluators_and_ministries_get_no_upload(demo_store, user, role):
    from tests.helpers.app import open_page

    at = open_page(new_app(user, role), "data")
    assert problems(at) == []
    assert len(at.file_uploader) == 0 and LABELS["imp.load"][0] not in [b.label for b in at.button]
    assert text.say("access.upload_not_for_role", "de") in [i.value for i in at.info]


def test_a_lead_uploads_her_program_audited_and_another_program_is_refused_in_words(demo_store):
    new = "Teilnehmer-ID;Eintritt\nNEU-1;01.01.2021\n"
    permenti = entrants(demo_store, PERMENTI)
    loaded = upload_as("kassel", "lead", KASSEL, new)
    assert problems(loaded) == [] and entrants(demo_store, KASSEL) == 156
    con = db.connect(demo_store, read_only=True)
    assert con.execute("select actor, program_id from audit_log where action = 'load'").fetchall() == [
        ("kassel", KASSEL)]
    con.close()
    other = upload_as("kassel", "lead", None, "Programm;Teilnehmer-ID;Eintritt\npermenti-transfer;NEU-2;01.01.2021\n")
    assert [e.value for e in other.error] == [text.say("access.forbidden", "de", name="kassel",
                                                       program="permenti\\-transfer")]
    assert entrants(demo_store, PERMENTI) == permenti          # thrown away whole
