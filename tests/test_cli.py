"""The `outcomes` command as a user runs it: exit status, output, and the rows in the store."""

from __future__ import annotations

import json

import pytest

from pipelines.store import db
from pipelines.cli import main

from tests.helpers.cli import run, run_subprocess
from tests.helpers.files import csv_file, program_file
from tests.helpers.stores import copy_store


@pytest.fixture
def files(tmp_path):
    return {
        "program": program_file(tmp_path),
        "good": csv_file(tmp_path, "gut.csv", ["Teilnehmer-ID;Eintritt;Coaching ab", "A;01.02.2019;01.02.2019",
                                               "B;01.03.2019;01.03.2019"]),
        "bad": csv_file(tmp_path, "kaputt.csv", ["Teilnehmer-ID;Eintritt", "C;01.02.2019", "D;31.02.2019"]),
    }


def test_ingest_good_files_exit_0_and_rows_stored(tmp_path, files):
    """The installed entry point in a child process, as a user starts it."""
    store = tmp_path / "s.duckdb"
    r = run_subprocess("ingest", files["program"], files["good"], "--program", "test-programm", "--db", store)
    assert r.returncode == 0, r.stderr
    assert "gut.csv [Tracking-Blatt]: geladen – gelesen 2, geladen 2, abgewiesen 0" in r.stdout
    con = db.connect(store, read_only=True)
    assert con.execute("select count(*) from participant").fetchone()[0] == 2
    assert con.execute("select count(*) from episode where status = 'coaching'").fetchone()[0] == 2
    con.close()


def test_ingest_bad_file_exit_2_names_file_line_column_and_stores_nothing(tmp_path, files):
    store = tmp_path / "s.duckdb"
    assert run("ingest", files["program"], "--db", store).returncode == 0
    r = run("ingest", files["bad"], "--program", "test-programm", "--db", store)
    assert r.returncode == 2
    assert "kaputt.csv, Zeile 3, Spalte »Eintritt«: '31.02.2019' ist kein gültiges Datum" in r.stderr
    assert "Nichts wurde gespeichert" in r.stderr
    con = db.connect(store, read_only=True)
    assert con.execute("select count(*) from participant").fetchone()[0] == 0
    con.close()


def test_a_refused_program_file_is_not_told_to_try_lenient(tmp_path, files):
    """--lenient keeps the good rows of a table; a program file is whole or nothing."""
    store = tmp_path / "s.duckdb"
    bad = tmp_path / "kaputt.toml"
    bad.write_text('[program]\nid = "Kein Slug"\nname = "X"\n', encoding="utf-8")
    r = run("ingest", bad, "--db", store)
    assert r.returncode == 2
    assert "Nichts wurde gespeichert. Programmdatei korrigieren und erneut laden." in r.stderr
    assert "--lenient" not in r.stderr
    r = run("ingest", files["bad"], "--program", "test-programm", "--db", store)
    assert "--lenient" in r.stderr          # a table: its good rows could be loaded


def test_ingest_lenient_english_json(tmp_path, files):
    store = tmp_path / "s.duckdb"
    run("ingest", files["program"], "--db", store)
    r = run("ingest", files["bad"], "--program", "test-programm", "--db", store, "--lenient", "--json", "--lang", "en")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out[0]["rows_read"] == 2 and out[0]["rows_loaded"] == 1 and out[0]["rows_rejected"] == 1
    assert out[0]["problems"][0]["line"] == 3
    assert out[0]["problems"][0]["message"].startswith("'31.02.2019' is not a valid date")
    assert out[0]["rejects"].endswith(".rejects.csv")


def test_db_from_environment_and_second_load_skipped(tmp_path, files):
    store = tmp_path / "env.duckdb"
    env = {"OUTCOMES_DB": str(store)}
    assert run("ingest", files["program"], env=env).returncode == 0
    r = run("ingest", files["program"], env=env)
    assert "übersprungen" in r.stdout
    assert store.exists()


def test_init_programs_and_export_program(tmp_path, files, capsys):
    store = tmp_path / "s.duckdb"
    assert main(["init", "--db", str(store)]) == 0
    assert "Schema-Version 2" in capsys.readouterr().out
    assert main(["ingest", str(files["program"]), "--db", str(store)]) == 0
    capsys.readouterr()
    assert main(["programs", "--db", str(store), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == [{"program": "test-programm", "name": "Testprogramm test-programm", "start": "2019-01-01",
                       "end": "2021-12-31", "participants": 0}]
    out = tmp_path / "spreadsheets.toml"
    assert main(["export-program", "--program", "test-programm", "--db", str(store), "--out", str(out)]) == 0
    assert 'id = "test-programm"' in out.read_text(encoding="utf-8")
    assert main(["export-program", "--program", "nope", "--db", str(store)]) == 2


def test_delete_participant_is_logged(tmp_path, files, capsys):
    store = tmp_path / "s.duckdb"
    main(["ingest", str(files["program"]), str(files["good"]), "--program", "test-programm", "--db", str(store)])
    capsys.readouterr()
    assert main(["delete", "--program", "test-programm", "--participant", "A", "--db", str(store)]) == 0
    assert "1 Teilnehmende und 1 Episoden gelöscht" in capsys.readouterr().out
    con = db.connect(store, read_only=True)
    assert con.execute("select participant_id from participant").fetchall() == [("B",)]
    # who, the criterion and the counts — never the ids in clear
    assert con.execute("select deleted_by, reason, criterion, participants, episodes from deletion_log").fetchall() == [
        ("local-admin", "participant", "ids: 1", 1, 1)]
    con.close()


def test_bad_date_argument_is_a_usage_error(tmp_path):
    r = run("delete", "--program", "x", "--exited-before", "31.02.2020", "--db", tmp_path / "s.duckdb")
    assert r.returncode == 2 and "is not a date" in r.stderr


# --------------------------------------------------------------------------- metrics commands on the demo

@pytest.fixture(scope="module")
def demo_db(demo_path, tmp_path_factory):
    """A copy of the demo store for this module: `report` writes its download into the audit log."""
    return copy_store(demo_path, tmp_path_factory.mktemp("cli-demo"))


def test_status_json_reproduces_kassel_august_2020(demo_db):
    r = run("status", "--program", "sozialwirtschaft-integriert", "--as-of", "2020-08-31", "--json", "--db", demo_db)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["program"], out["as_of"]) == ("sozialwirtschaft-integriert", "2020-08-31")
    assert (out["entered"], out["active"]["coaching"], out["active"]["employment"], out["reached"]["training"]) == (
        155, 106, 14, 37)
    assert set(out) == {"program", "as_of", "entered", "in_program", "active", "reached"}


def test_status_human_output_is_german_and_accepts_german_date(demo_db):
    r = run("status", "--program", "sozialwirtschaft-integriert", "--as-of", "31.08.2020", "--db", demo_db)
    assert r.returncode == 0, r.stderr
    assert "Stichtag 31.08.2020" in r.stdout and "Eingetreten: 155" in r.stdout


def test_targets_json_training_at_74_percent(demo_db):
    r = run("targets", "--program", "sozialwirtschaft-integriert", "--as-of", "2020-08-31", "--json", "--db", demo_db)
    assert r.returncode == 0, r.stderr
    cards = {c["id"]: c for c in json.loads(r.stdout)}
    training = next(c for c in cards.values() if c["status"] == "training" and c["measure"] == "reached")
    assert (training["achieved"], training["target"], training["attainment"]) == (37, 50, 0.74)
    # straight line 0 → 50 from 01.01.2018 to 31.12.2022: on 31.08.2020 the line is at 50 × 974/1826 = 26.7 < 37
    assert training["state"] == "on_track"
    # forecast: twelve-month window 01.09.2019–31.08.2020 holds 25 training starts (Sep 5, Oct 6, Apr 10,
    # Aug 4 in the demo sheet) → 25/12 a month; 28 months remain → 37 + 25/12 × 28 = 95.33
    assert training["forecast_window_months"] == 12
    assert training["forecast"] == pytest.approx(37 + 25 / 12 * 28)
    assert training["needed_per_month"] == pytest.approx(13 / 28)
    # the rate is uncertain (25 starts in 12 months → Gamma(25.5, 12)): 13 more in 28 months are
    # very likely but not certain — P = 0.9999982 (negative binomial, shape 25.5, p = 12 / 40)
    assert training["probability"] == pytest.approx(0.9999982, abs=1e-7) and training["probability"] < 1
    for key in ("id", "label", "measure", "status", "achieved", "target", "attainment", "state", "expected",
                "forecast", "needed_per_month", "probability"):
        assert key in training


def test_compare_by_site_json(demo_db):
    r = run("compare", "--program", "permenti-transfer", "--by", "site", "--status", "training",
            "--as-of", "2020-12-31", "--json", "--db", demo_db)
    assert r.returncode == 0, r.stderr
    groups = {g["group"]: g for g in json.loads(r.stdout)}
    assert set(groups) == {"Bielefeld", "Köln", "Ennepe-Ruhr-Kreis"}
    # demo data: Bielefeld 16 + 15 mentees, 6 of them started training
    assert (groups["Bielefeld"]["n"], groups["Bielefeld"]["reached"]) == (31, 6)
    assert set(groups["Bielefeld"]) == {"group", "unit", "n", "reached", "share", "ci_low", "ci_high", "small",
                                        "versus", "diff", "diff_low", "diff_high", "p_exact", "reference_small",
                                        "adjusted", "adjusted_cover", "adjusted_by", "time_to"}
    assert set(groups["Bielefeld"]["time_to"]) == {"months", "share", "band_low", "band_high", "at_risk"}


def test_compare_ad_hoc_cohorts_and_bad_filter(demo_db):
    r = run("compare", "--status", "employment", "--as-of", "2020-12-31", "--db", demo_db, "--json",
            "--cohort", "Köln B1+: standort=Köln; deutschniveau>=B1", "--cohort", "Bielefeld: standort=Bielefeld")
    assert r.returncode == 0, r.stderr
    assert [g["group"] for g in json.loads(r.stdout)] == ["Köln B1+", "Bielefeld"]
    r = run("compare", "--status", "employment", "--as-of", "2020-12-31", "--db", demo_db,
            "--cohort", "X: schuhgroesse=40")
    assert r.returncode == 2 and "schuhgroesse" in r.stderr


def test_unknown_program_is_refused(demo_db):
    r = run("status", "--program", "gibt-es-nicht", "--as-of", "2020-08-31", "--db", demo_db)
    assert r.returncode == 2 and "gibt-es-nicht" in r.stderr


def test_report_writes_pdf_xlsx_csv(demo_db, tmp_path):
    for fmt_name, magic in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("csv", b"\xef\xbb\xbf")):
        out = tmp_path / f"bericht.{fmt_name}"
        r = run("report", "--program", "sozialwirtschaft-integriert", "--from", "2018-01-01", "--to", "31.08.2020",
                "--as-of", "2020-08-31", "--format", fmt_name, "--out", out, "--db", demo_db)
        assert r.returncode == 0, r.stderr
        assert "Bericht geschrieben" in r.stdout
        assert out.read_bytes().startswith(magic)
    text = (tmp_path / "bericht.csv").read_bytes().decode("utf-8-sig")
    assert "Mindestens 50 Frauen in Ausbildung" in text and "74 %" in text


def test_report_into_folder_and_bad_period(demo_db, tmp_path):
    r = run("report", "--program", "all", "--from", "2018-01-01", "--to", "2025-12-31", "--as-of", "2025-11-21",
            "--format", "xlsx", "--out", tmp_path, "--db", demo_db)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "bericht_4-programme_2025-11-21.xlsx").exists()
    r = run("report", "--program", "tara-mentoring", "--from", "2025-12-31", "--to", "2025-01-01",
            "--as-of", "2025-11-21", "--out", tmp_path / "x.pdf", "--db", demo_db)
    assert r.returncode == 2 and not (tmp_path / "x.pdf").exists()


def test_indicators_json_on_the_esf_reference_figures(demo_db):
    r = run("indicators", "--program", "2014DE05SFOP016", "--indicator", "CO01", "--year", "2020",
            "--level", "programme", "--json", "--db", demo_db)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    # Bremen ESF, CO01, 2020: 2,124 + 2,789 + 6,813 over the three breakdowns (from the EU file)
    assert [(row["achieved"], row["flag"]) for row in rows] == [(11726, "partial_target")]
    assert set(rows[0]) == {"programme", "title", "fund", "indicator", "indicator_type", "breakdown", "year",
                            "target", "achieved", "attainment", "flag"}
