"""The ministry in the dashboard (AppTest, demo store): every page renders, and no count of 1 or 2
reaches a tile, a card, a table or a CSV download; evaluators and the ministry get no rows naming
participants or files."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.helpers.app import KASSEL, MediaRecorder, choose, new_app, open_page, problems, tiles

EARLY = dt.date(2019, 3, 31)      # Kassel's first year: many small counts


@pytest.fixture
def demo_store(demo_path, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_path))
    return demo_path


def ministry_page(page, as_of=EARLY, recorder=None):
    at = new_app("ministerium", "ministry").run()
    choose(at, [KASSEL], as_of)
    return open_page(at, page)


def small_counts(values) -> list:
    """The values that are counts of 1 or 2 as shown (1, 2, '1', '2', 1.0)."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            continue
        if str(v).strip() in ("1", "2", "1.0", "2.0"):
            out.append(v)
    return out


@pytest.mark.parametrize("page", ["overview", "progress", "compare", "funnel", "targets", "report", "data"])
def test_every_page_renders_for_the_ministry(demo_store, page):
    at = ministry_page(page)
    assert problems(at) == []


def test_the_overview_tiles_show_star_and_the_cards_nothing_computed_from_it(demo_store):
    at = ministry_page("overview")
    assert tiles(at)["In Beschäftigung"] == "*"
    assert not small_counts(tiles(at).values())


def test_compare_and_funnel_tables_and_downloads_hold_no_count_of_one_or_two(demo_store):
    recorder = MediaRecorder()
    with recorder.recording():
        for page, count_columns in (("compare", ["n", "erreicht"]), ("funnel", ["n"])):
            at = ministry_page(page)
            assert problems(at) == []
            for frame in at.dataframe:
                for column in count_columns:
                    if column in frame.value.columns:
                        assert not small_counts(frame.value[column]), (page, column)
            for button in at.get("download_button"):
                text = recorder.content(button).decode("utf-8-sig")
                rows = [line.split(";") for line in text.splitlines()[1:]]
                header = text.splitlines()[0].split(";")
                for name in ("n", "reached", "count", "cumulative"):
                    if name in header:
                        column = header.index(name)
                        assert not small_counts(r[column] for r in rows), (page, name, text[:300])


@pytest.mark.parametrize("user,role", [("evaluation", "evaluator"), ("ministerium", "ministry")])
def test_no_rows_naming_files_or_participants_on_the_data_page(demo_store, user, role):
    at = new_app(user, role).run()
    at = open_page(at, "data")
    assert problems(at) == []
    history = at.dataframe[0].value
    assert history.empty
    text = " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert not re.search(r"\.(csv|xlsx|toml|parquet)", text)


def test_a_report_download_is_audited(demo_copy, monkeypatch):
    import json

    import streamlit as st

    from dashboard import data
    from pipelines.access import Person
    from pipelines.store import db

    monkeypatch.setenv("OUTCOMES_DB", str(demo_copy))
    monkeypatch.setattr(st, "session_state", {data.PERSON_KEY: Person("ministerium", "ministry")})
    data.record_report_download((KASSEL,), "xlsx", False, dt.date(2020, 8, 31))
    con = db.connect(demo_copy, read_only=True)
    try:
        rows = con.execute("select actor, action, program_id, detail_json from audit_log "
                           "where action = 'report_download'").fetchall()
    finally:
        con.close()
    assert [r[:3] for r in rows] == [("ministerium", "report_download", KASSEL)]
    assert json.loads(rows[0][3]) == {"programs": [KASSEL], "format": "xlsx", "publication": True,
                                      "as_of": "2020-08-31"}
