"""The `outcomes` command for every demo role: what each sees, may change, and what the audit log says."""

from __future__ import annotations

import json

from pipelines.store import db
from tests.helpers.cli import run, run_json
from tests.helpers.files import csv_file

KASSEL, PERMENTI = "sozialwirtschaft-integriert", "permenti-transfer"


def audit_rows(path, action):
    con = db.connect(path, read_only=True)
    try:
        return con.execute("select actor, action, program_id, detail_json from audit_log where action = ? "
                           "order by logged_at", [action]).fetchall()
    finally:
        con.close()


def test_the_kassel_lead_sees_her_program_only(demo_path):
    assert [p["program"] for p in run_json(demo_path, "programs", "--user", "kassel")] == [KASSEL]
    refused = run("status", "--program", PERMENTI, "--as-of", "2020-12-31", "--db", demo_path, "--user", "kassel")
    assert refused.returncode == 2 and "permenti" in refused.stderr and "82" not in refused.stdout
    compared = run_json(demo_path, "compare", "--by", "program", "--status", "training", "--as-of", "2020-12-31",
                        "--user", "kassel")
    assert [(g["group"], g["n"]) for g in compared] == [(KASSEL, 155)]


def test_the_ministry_sees_no_count_of_one_or_two(demo_path):
    # Kassel on 30.06.2018: 1 woman in an internship (active and reached); the admin sees 1, the ministry *
    admin = run_json(demo_path, "status", "--program", KASSEL, "--as-of", "2018-06-30")
    assert (admin["active"]["internship"], admin["reached"]["internship"]) == (1, 1)
    ministry = run_json(demo_path, "status", "--program", KASSEL, "--as-of", "2018-06-30", "--user", "ministerium")
    assert (ministry["active"]["internship"], ministry["reached"]["internship"]) == (None, None)
    assert ministry["entered"] == 22 and ministry["active"]["training"] == 0       # zero stays visible
    shown = run("status", "--program", KASSEL, "--as-of", "2018-06-30", "--db", demo_path, "--user", "ministerium")
    assert "Praktikum                       *                     *" in shown.stdout


def test_an_unknown_user_is_refused(demo_path):
    result = run("programs", "--db", demo_path, "--user", "mallory")
    assert result.returncode == 2 and "mallory" in result.stderr


def test_an_evaluator_cannot_load_and_nothing_changes(demo_copy, tmp_path):
    data = csv_file(tmp_path, "tn.csv", ["Teilnehmer-ID;Eintritt", "NEU-1;01.01.2021"])
    result = run("ingest", data, "--program", KASSEL, "--db", demo_copy, "--user", "evaluation")
    assert result.returncode == 2 and "evaluation" in result.stderr
    assert audit_rows(demo_copy, "load") == []


def test_the_lead_loads_her_program_but_not_another(demo_copy, tmp_path):
    mine = csv_file(tmp_path, "tn.csv", ["Teilnehmer-ID;Eintritt", "NEU-1;01.01.2021"])
    assert run("ingest", mine, "--program", KASSEL, "--db", demo_copy, "--user", "kassel").returncode == 0
    # a file whose program column names PerMenti is refused as a whole, though it also names Kassel
    both = csv_file(tmp_path, "both.csv", ["Programm;Teilnehmer-ID;Eintritt", f"{KASSEL};NEU-2;01.01.2021",
                                           f"{PERMENTI};NEU-3;01.01.2021"])
    refused = run("ingest", both, "--db", demo_copy, "--user", "kassel")
    assert refused.returncode == 2 and PERMENTI in refused.stderr
    con = db.connect(demo_copy, read_only=True)
    assert con.execute("select count(*) from participant where participant_id like 'NEU-%'").fetchone()[0] == 1
    con.close()
    [(actor, _, program, detail)] = audit_rows(demo_copy, "load")
    assert (actor, program, json.loads(detail)["rows_loaded"]) == ("kassel", KASSEL, 1)


def test_deletion_and_user_changes_are_audited_with_the_right_person(demo_copy):
    refused = run("delete", "--program", PERMENTI, "--participant", "x", "--db", demo_copy, "--user", "kassel")
    assert refused.returncode == 2
    con = db.connect(demo_copy, read_only=True)
    some_id = con.execute("select participant_id from participant where program_id = ? order by 1 limit 1",
                          [KASSEL]).fetchone()[0]
    con.close()
    assert run("delete", "--program", KASSEL, "--participant", some_id, "--db", demo_copy,
               "--user", "kassel").returncode == 0
    [(actor, _, program, detail)] = audit_rows(demo_copy, "deletion")
    assert (actor, program, json.loads(detail)["participants"]) == ("kassel", KASSEL, 1)
    assert some_id not in detail
    added = run("user", "add", "neu", "--role", "evaluator", "--program", KASSEL, "--password-stdin",
                "--db", demo_copy, "--user", "admin", stdin="ein-langes-passwort\n")
    assert added.returncode == 0, added.stderr
    assert [(a, p) for a, _, p, _ in audit_rows(demo_copy, "user_add")][-1] == ("admin", None)
    assert run("user", "grant", "neu", "--program", PERMENTI, "--db", demo_copy, "--user", "kassel").returncode == 2
    assert run("user", "grant", "neu", "--program", PERMENTI, "--db", demo_copy).returncode == 0
    assert [(a, p) for a, _, p, _ in audit_rows(demo_copy, "grant")] == [("local-admin", PERMENTI)]


def test_a_report_written_is_audited_and_the_ministry_gets_the_publication(demo_copy, tmp_path):
    out = tmp_path / "bericht.csv"
    result = run("report", "--program", KASSEL, "--from", "2018-01-01", "--to", "2020-08-31", "--as-of",
                 "2020-08-31", "--format", "csv", "--out", out, "--internal", "--db", demo_copy,
                 "--user", "ministerium")
    assert result.returncode == 0, result.stderr
    [(actor, _, program, detail)] = audit_rows(demo_copy, "report_download")
    assert (actor, program, json.loads(detail)["publication"]) == ("ministerium", KASSEL, True)


def test_the_ministry_s_command_line_prints_the_same_stars_as_her_pages(demo_path):
    """Kassel on 31.03.2019 (the pages: tests/access/test_ministry_stars.py): 67 entered; 4 started
    training, in three sites of 1, 1 and 2 — hidden, as on the tile and in the report; the comparison by
    site shows n 33, 21, 13 and * for each site's training."""
    ministry = run_json(demo_path, "status", "--program", KASSEL, "--as-of", "2019-03-31", "--user", "ministerium")
    assert (ministry["entered"], ministry["reached"]["training"], ministry["reached"]["employment"]) == (67, None, None)
    compared = run_json(demo_path, "compare", "--program", KASSEL, "--by", "site", "--status", "training",
                        "--as-of", "2019-03-31", "--user", "ministerium")
    assert [(g["group"], g["n"], g["reached"], g["time_to"]) for g in compared] == [
        ("Kassel-Mitte", 33, None, None), ("Kassel-Nord", 21, None, None), ("Kassel-Ost", 13, None, None)]
    shown = run("compare", "--program", KASSEL, "--by", "standort", "--status", "training", "--as-of", "2019-03-31",
                "--db", demo_path, "--user", "ministerium")
    assert shown.returncode == 0
    assert [line.split()[:3] for line in shown.stdout.splitlines() if line.startswith("Kassel-")] == [
        ["Kassel-Mitte", "33", "*"], ["Kassel-Nord", "21", "*"], ["Kassel-Ost", "13", "*"]]
    cards = run("targets", "--program", KASSEL, "--as-of", "2019-03-31", "--db", demo_path, "--user", "ministerium")
    assert "  * / 50 = *" in cards.stdout and "4 / 50" not in cards.stdout and "  67 / 150 = 45 %" in cards.stdout
    # typed groups and single ISCED levels are no part of her publication: refused with a sentence
    for extra in (["--group", "Mitte: standort=Kassel-Mitte"], ["--by", "qualification_level"]):
        refused = run("compare", "--program", KASSEL, "--status", "training", "--as-of", "2019-03-31", *extra,
                      "--db", demo_path, "--user", "ministerium")
        assert refused.returncode == 2 and "veröffentlichungssicheren Zahlen nicht vorgesehen" in refused.stderr
