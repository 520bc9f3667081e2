"""A program from scratch in the dashboard (issue 10): name, organisation, funder and period on the
Ziele page; the id made from the name; loaded as a program file with the same checks as the CLI."""

from __future__ import annotations

import datetime as dt

from pipelines.store import db
from tests.helpers.app import PAGES, new_app


def ziele(user: str, role: str):
    at = new_app(user, role)
    at.run()
    at.switch_page(PAGES["targets"][0])
    return at.run()


def test_an_admin_creates_a_program_from_scratch(demo_copy, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_copy))
    at = ziele("admin", "admin")
    fields = {t.label: t for t in at.text_input}
    fields["Name des Programms"].input("Mentoring Nord 2026")
    fields["Träger / Organisation"].input("Stadt Nordhausen")
    fields["Fördergeber (mehrere mit ; trennen)"].input("Land Thüringen")
    start, end = at.date_input[0], at.date_input[1]          # the form comes first on the page
    assert (start.label, end.label) == ("Programmbeginn", "Programmende")
    start.set_value(dt.date(2026, 1, 1))
    end.set_value(dt.date(2027, 12, 31))
    [create] = [b for b in at.button if b.label == "Programm anlegen"]
    at = create.click().run()
    assert [s.value for s in at.success] == [
        "Programm »Mentoring Nord 2026« angelegt (Kennung mentoring-nord-2026). Ziele lassen sich jetzt unten anlegen."]
    with db.reading(demo_copy) as con:
        assert con.execute("select name, organisation, funder, start_date, end_date from program "
                           "where program_id = 'mentoring-nord-2026'").fetchone() == (
            "Mentoring Nord 2026", "Stadt Nordhausen", "Land Thüringen", dt.date(2026, 1, 1), dt.date(2027, 12, 31))
        assert con.execute("select count(*) from audit_log where action = 'load' and actor = 'admin'").fetchone()[0] == 1


def test_a_lead_is_not_offered_a_new_program(demo_copy, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_copy))
    at = ziele("kassel", "lead")
    assert "Programm anlegen" not in [b.label for b in at.button]
