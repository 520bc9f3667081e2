"""Headers: direct identifiers refused, unknown files explained, the mapping file, program statuses."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines import vocab
from pipelines.ingest import ColumnMapping, Refused, map_headers
from pipelines.ingest.headers import status_column, status_index
from pipelines.store import db
from pipelines.text.ingest import problem_message

from tests.helpers.files import csv_file, program_file

D = dt.date


@pytest.mark.parametrize("header", ["Name", "Vorname", "Nachname", "E-Mail", "Telefon", "Adresse", "Straße",
                                    "Geburtsdatum", "email", "Date of birth"])
def test_direct_identifier_columns_are_refused(store, header, load):
    con, path, folder = store
    f = csv_file(folder, "p.csv", [f"Teilnehmer-ID;Eintritt;{header}", "A;01.01.2019;x"])
    for lenient in (False, True):   # refused even in lenient mode
        r = load(con, path, f, program="test-programm", lenient=lenient)
        assert r.outcome == "failed"
        assert [(p.code, p.column) for p in r.problems] == [("identifier_column", header)]
        assert "Pseudonyme" in problem_message(r.problems[0], "de")
    assert con.execute("select count(*) from participant").fetchone()[0] == 0


def test_unrecognised_file_says_what_was_expected(store, load):
    con, path, folder = store
    r = load(con, path, csv_file(folder, "x.csv", ["Spalte A;Spalte B", "1;2"]), program="test-programm")
    assert r.outcome == "failed" and r.problems[0].code == "unknown_kind"
    assert "Spalte A, Spalte B" in problem_message(r.problems[0])


def test_mapping_file_for_other_headers(store, load):
    con, path, folder = store
    mapping = folder / "map.toml"
    mapping.write_text('[columns]\n"Fallnummer" = "participant_id"\n"Aufgenommen" = "entry_date"\n'
                       '"Start Umschulung" = "training.start"\n'
                       '[values.exit_reason]\n"Kündigung" = "dropped_out"\n', encoding="utf-8")
    f = csv_file(folder, "eigen.csv", ["Fallnummer;Aufgenommen;Start Umschulung;Austritt;Austrittsgrund",
                                       "F-1;01.02.2019;01.09.2019;01.10.2019;Kündigung"])
    r = load(con, path, f, program="test-programm", mapping=mapping)
    assert r.outcome == "loaded", r.problems
    assert con.execute("select participant_id, exit_reason from participant").fetchall() == [("F-1", "dropped_out")]
    assert con.execute("select status, start_date from episode").fetchall() == [("training", D(2019, 9, 1))]


def test_program_specific_status(tmp_path, load):
    path = tmp_path / "s.duckdb"
    con = db.connect(path)
    toml = program_file(tmp_path, "eigen", extra='\n[[status]]\nname = "orientierung"\ncategory = "support"\n'
                                                  'label_de = "Berufsorientierung"\nlabel_en = "Orientation"\n')
    assert load(con, path, toml).outcome == "loaded"
    f = csv_file(tmp_path, "t.csv", ["Teilnehmer-ID;Eintritt;Berufsorientierung ab", "O1;01.02.2019;01.02.2019"])
    r = load(con, path, f, program="eigen")
    assert r.outcome == "loaded", r.problems
    assert con.execute("select status from episode").fetchall() == [("orientierung",)]


def test_map_headers_assigns_fields_and_status_columns(con):
    statuses = status_index(con, ColumnMapping())
    layout = map_headers(["Teilnehmer-ID", "Eintritt", "Coaching ab", "Coaching bis", "Ausbildung ab",
                          "Bemerkung"], "t.csv", ColumnMapping(), statuses)
    assert layout.fields == {"participant_id": "Teilnehmer-ID", "entry_date": "Eintritt"}
    assert layout.statuses == {"coaching": {"start": "Coaching ab", "end": "Coaching bis"},
                               "training": {"start": "Ausbildung ab"}}
    assert layout.unmapped == ["Bemerkung"]
    assert layout.problems == [] and layout.kind() == "tracking"


def test_two_columns_for_one_field_are_a_problem(con):
    layout = map_headers(["Teilnehmer-ID", "Eintritt", "Eintrittsdatum"], "t.csv", ColumnMapping(),
                         status_index(con, ColumnMapping()))
    assert [(p.code, p.column, p.params["field"]) for p in layout.problems] == [
        ("duplicate_column", "Eintrittsdatum", "entry_date")]


def test_status_column_reads_start_end_and_one_day_words():
    statuses = {"ausbildung": "training", "qualifikation": "qualification"}
    assert status_column("Ausbildung ab", statuses) == ("training", "start")
    assert status_column("Beginn Ausbildung", statuses) == ("training", "start")
    assert status_column("Ausbildung bis", statuses) == ("training", "end")
    assert status_column("Qualifikation am", statuses) == ("qualification", "on")
    assert status_column("Ausbildungsbetrieb", statuses) is None


def test_broken_mapping_file_is_refused(tmp_path):
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns\n"A" = "participant_id"\n', encoding="utf-8")
    with pytest.raises(Refused) as refused:
        ColumnMapping.read(mapping)
    assert [(p.code, p.file, p.line) for p in refused.value.problems] == [("bad_mapping_file", "map.toml", 1)]


# --------------------------------------------------------------------------- privacy: identifiers in any spelling

IDENTIFYING_HEADERS = [
    "Name", "Vorname", "Nachname", "Name der Teilnehmerin", "Vor- und Zuname", "Name, Vorname", "Familienname",
    "Teilnehmername", "Vollständiger Name", "Rufname", "First name", "Last name", "Full name", "Geb.-Datum",
    "Geburtsdatum", "Geburtstag", "Geburtsort", "Date of birth", "PLZ", "Postleitzahl", "Straße", "Str.",
    "Hausnr.", "Anschrift", "Adresse", "Wohnort", "Rufnummer", "Telefon", "Telefonnummer", "Telefon privat",
    "Tel. Nr.", "Handy", "Mobil", "Mobilnummer", "Phone", "E-Mail", "E-Mail-Adresse", "Mail", "Email address",
    "Steuer-ID", "Steuernummer", "SV-Nummer", "Sozialversicherungsnummer", "Krankenversicherungsnummer",
    "Versichertennummer", "Personalausweisnummer", "Passnummer", "IBAN", "BIC", "Kontonummer",
]
ORDINARY_HEADERS = [
    "Teilnehmer-ID", "TN-Nr.", "Fallnummer", "Pseudonym", "Standort", "Standortname", "Programmname", "Kohorte",
    "Eintritt", "Austrittsgrund", "Geburtsjahr", "Geschlecht", "Deutschniveau", "Coach", "Mentorin",
    "Coaching ab", "Ausbildungsbeginn", "Beschäftigt seit", "sv-pflichtig beschäftigt ab", "Bemerkung",
    "Mobilität", "Herkunftsregion", "ISCED", "Status", "Beginn", "Ende",
]


@pytest.mark.parametrize("header", IDENTIFYING_HEADERS)
def test_every_identifying_header_variant_is_recognised(header):
    assert vocab.identifier_kind(header) is not None


@pytest.mark.parametrize("header", ORDINARY_HEADERS)
def test_ordinary_headers_are_not_taken_for_identifiers(header):
    assert vocab.identifier_kind(header) is None


def test_a_mapping_cannot_smuggle_names_into_a_field(tmp_path):
    """The check runs on every header, mapped or not: "Name" = "coach_id" is still refused."""
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\n"Name" = "coach_id"\n', encoding="utf-8")
    layout = map_headers(["Teilnehmer-ID", "Eintritt", "Name"], "f.csv", ColumnMapping.read(mapping), {})
    assert [(p.code, p.column) for p in layout.problems] == [("identifier_column", "Name")]
    assert "coach_id" not in layout.fields
