"""The import assistant's pipeline side: preview, assignment saved as the program's mapping and reused,
templates that load."""

from __future__ import annotations

from pipelines.ingest import assistant
from pipelines.ingest.headers import ColumnMapping
from tests.helpers.files import OFFICE

UNKNOWN = ("Titel der Liste;;\nNr.;Projektstart;Begleitung ab\nA-1;01.02.2021;01.02.2021\n"
           "A-2;01.03.2021;\n").encode()


def test_preview_finds_the_header_row_and_assigns_what_it_knows(store):
    con, _, _ = store
    shown = assistant.preview(con, "tracking.xlsx", (OFFICE / "tracking_drei_blaetter.xlsx").read_bytes())
    assert (shown.sheet, shown.header_row, shown.kind) == ("TN-Liste", 4, "tracking")
    assert shown.rows[0][:3] == ["K-01", "Kassel", "1"] and len(shown.rows) == 5
    assert shown.assignment["Ausbildungsbeginn"] == "training.start" and shown.assignment["Bemerkung"] is None


def test_an_assignment_saved_for_a_program_is_applied_to_its_next_file(store, load):
    con, path, folder = store
    shown = assistant.preview(con, "maerz.csv", UNKNOWN)
    assert (shown.header_row, shown.kind, set(shown.assignment.values())) == (2, None, {None})
    saved = assistant.save_mapping(folder, "test-programm", {
        "Nr.": "participant_id", "Projektstart": "entry_date", "Begleitung ab": "coaching.start"})
    assert saved == folder / "mappings" / "test-programm.toml"
    assert ColumnMapping.read(saved).columns == {"nr": "participant_id", "projektstart": "entry_date",
                                                 "begleitungab": "coaching.start"}
    again = assistant.preview(con, "april.csv", UNKNOWN, assistant.saved_mapping(folder, "test-programm"))
    assert again.kind == "tracking"
    (folder / "april.csv").write_bytes(UNKNOWN)
    r = load(con, path, folder / "april.csv", program="test-programm", mapping=saved)
    assert (r.outcome, r.rows_loaded, r.details["header_row"]) == ("loaded", 2, 2)


def test_templates_load_as_they_are(store, load):
    con, path, folder = store
    for name, content in (("vorlage.xlsx", assistant.template_xlsx()), ("vorlage.csv", assistant.template_csv())):
        (folder / name).write_bytes(content)
        r = load(con, path, folder / name, program="test-programm")
        assert (r.outcome, r.kind, r.rows_loaded) == ("loaded", "tracking", 1), r.problems
        assert [c["field"] for c in r.details["columns"]].count(None) == 0
