"""Every dashboard page under Streamlit's AppTest, against the demo store and an empty one.

The numbers a page shows are compared with what `outcomes … --json` prints for the same
question: the dashboard and the CLI must agree by construction (DESIGN.md, Architecture).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import time
import tomllib

import numpy
import pandas as pd
import plotly.io
import pytest
import streamlit as st

from pipelines import access
from pipelines.store import db
from pipelines import metrics
from pipelines.metrics import panels
from pipelines.store import catalog
from dashboard.i18n import LABELS
from dashboard.widgets import escaped
from tests.helpers.app import (APP, ARTIFACTS, AUGUST_2020, CORE_PAGES, KASSEL, PAGES, PERMENTI, MediaRecorder, choose,
                               cli_json, download, new_app, open_page, problems, tiles)
from tests.helpers.files import PROGRAM_TOML
from tests.helpers.stores import copy_store

# German tile label -> where the CLI's `status --json` has that number
TILE_SOURCES = {
    "Eingetreten": ("entered",),
    "Im Programm": ("in_program",),
    "Im Coaching": ("active", "coaching"),
    "Im Mentoring": ("active", "mentoring"),
    "Ausbildung begonnen": ("reached", "training"),
    "In Beschäftigung": ("active", "employment"),
}
STATE_WORDS_DE = {"met": "erfüllt", "on_track": "im Plan", "at_risk": "gefährdet", "missed": "verfehlt",
                  "not_started": "nicht begonnen"}
BADGES = {"met": ("green", "✔"), "on_track": ("blue", "↗"), "at_risk": ("orange", "⚠"), "missed": ("red", "✖"),
          "not_started": ("gray", "…")}
NO_DATA_DE = ("Noch keine Daten. Laden Sie auf der Seite »Daten« eine Programmdatei (TOML) und "
              "Teilnehmendendaten hoch – oder bauen Sie die Demo mit `make run`.")
RENDER_TIMES: dict[str, float] = {}


def pct_de(share: float, decimals: int = 1) -> str:
    """74.0 -> '74,0 %' written out here, not with the code under test."""
    return f"{share * 100:.{decimals}f}".replace(".", ",") + " %"


def from_cli(status: dict, path: tuple[str, ...]) -> int:
    value = status
    for part in path:
        value = value[part]
    return value


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def demo_store(demo_path, tmp_path_factory):
    """A copy of the session's demo store for this module (its pages upload and edit)."""
    return copy_store(demo_path, tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_db(demo_store, monkeypatch):
    """The shared demo store, for tests that only read."""
    monkeypatch.setenv("OUTCOMES_DB", str(demo_store))
    return demo_store


@pytest.fixture
def own_demo_db(demo_store, tmp_path, monkeypatch):
    """A private copy of the demo store, for tests that write (targets)."""
    path = tmp_path / "demo-copy.duckdb"
    shutil.copy(demo_store, path)
    monkeypatch.setenv("OUTCOMES_DB", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    """A path where no store exists yet (the app creates an empty one)."""
    path = tmp_path / "fresh" / "outcomes.duckdb"
    path.parent.mkdir()
    monkeypatch.setenv("OUTCOMES_DB", str(path))
    return path


@pytest.fixture(scope="module")
def kassel_cli(demo_store):
    """What the CLI says about Kassel on 31.08.2020 and 31.12.2019."""
    return {
        "status": cli_json(demo_store, "status", "--program", KASSEL, "--as-of", "2020-08-31"),
        "status_2019": cli_json(demo_store, "status", "--program", KASSEL, "--as-of", "2019-12-31"),
        "targets": cli_json(demo_store, "targets", "--program", KASSEL, "--as-of", "2020-08-31"),
    }


@pytest.fixture
def kassel(demo_db):
    """The overview with only Kassel selected, as of 31.08.2020."""
    at = new_app()
    at.run()
    return open_page(choose(at, [KASSEL], AUGUST_2020), "overview")


def data_date(path, programs=None):
    con = db.connect(path, read_only=True)
    try:
        return catalog.data_date(con, programs)
    finally:
        con.close()


def query(path, sql, params=()):
    con = db.connect(path, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


# --------------------------------------------------------------------------- every page renders

@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_without_error(demo_db, page):
    """Default selection (all four programs, latest data date): a title, content, no error."""
    at = new_app()
    at.run()
    st.cache_data.clear()                   # time the page with cold caches, as after a new load
    started = time.perf_counter()
    open_page(at, page)
    RENDER_TIMES[page] = time.perf_counter() - started
    assert problems(at) == []
    assert [t.value.split(": ")[0] for t in at.title] == [PAGES[page][2]]   # the overview names programs and date
    assert at.multiselect(key="programs").value == ["cross-mentoring-duesseldorf-koeln", PERMENTI, KASSEL,
                                                    "tara-mentoring"]
    assert at.date_input(key="as_of").value == data_date(demo_db)       # the latest date in the data
    expected_content = {
        "overview": lambda: len(at.metric) >= 5 and any(m.value.startswith("### ") for m in at.markdown),
        "progress": lambda: len(at.get("plotly_chart")) >= 2,
        "compare": lambda: at.dataframe[0].value.shape[0] == 4,       # one row per program
        "funnel": lambda: len(at.get("plotly_chart")) == 3 and len(at.dataframe) == 1,
        "targets": lambda: at.dataframe[0].value.shape[0] >= 1,
        "data": lambda: at.dataframe[0].value.shape[0] == query(demo_db, "select count(*) from load")[0][0],
        # pages added later: something beyond the title
    }.get(page, lambda: len(at.main.children) > 1)
    assert expected_content(), page


def test_every_page_file_is_in_the_navigation():
    # the login page is the only page before a login: app.py registers it in its login gate; the admin
    # page only for admins (tests/access/test_admin_page.py)
    files = sorted(p.stem for p in (APP.parent / "app_pages").glob("*.py")
                   if p.stem not in ("__init__", "login", "admin"))
    assert files == sorted(PAGES)
    assert set(CORE_PAGES) <= set(PAGES)


def test_data_history_numbers_in_the_ui_language(demo_db):
    at = open_page(new_app(), "data")
    rows = query(demo_db, "select rows_read from load where kind = 'indicators'")
    assert len(rows) == 1 and rows[0][0] >= 1000
    history = at.dataframe[0].value
    esf = history[history["Art"] == "Indikatoren"].iloc[0]
    assert esf["gelesen"] == f"{rows[0][0]:,}".replace(",", ".")          # 15.191
    assert esf["Programm"] == "–"
    assert set(history["Ergebnis"]) == {"geladen"}
    assert "Programmdatei" in set(history["Art"])
    at.segmented_control(key="lang").set_value("en")
    at.run()
    history = at.dataframe[0].value
    assert history[history["Kind"] == "indicators"].iloc[0]["read"] == f"{rows[0][0]:,}"   # 15,191
    assert set(history["Outcome"]) == {"loaded"}
    missing = at.dataframe[1].value
    assert "field.birth_year" not in set(missing["Attribute"])


def test_render_times_recorded():
    """Writes the per-page render times of the smoke test (read by people, not asserted)."""
    if not RENDER_TIMES:
        pytest.skip("run together with test_every_page_renders_without_error")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "apptest_render_times.json").write_text(
        json.dumps({k: round(v, 3) for k, v in RENDER_TIMES.items()}, indent=2), encoding="utf-8")
    assert set(RENDER_TIMES) <= set(PAGES)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_for_kassel_in_august_2020(kassel, page):
    at = open_page(kassel, page)
    assert problems(at) == []
    assert [t.value.split(": ")[0] for t in at.title] == [PAGES[page][2]]   # the overview names programs and date
    assert at.multiselect(key="programs").value == [KASSEL]
    assert at.date_input(key="as_of").value == AUGUST_2020
    if page == "overview":
        assert at.title[0].value == "Übersicht: Sozialwirtschaft integriert · 31.08.2020"


@pytest.mark.parametrize("page", list(PAGES))
def test_empty_store_every_page_says_what_to_do(empty_db, page):
    at = new_app()
    open_page(at, page)
    assert problems(at) == []
    assert [t.value.split(": ")[0] for t in at.title] == [PAGES[page][2]]   # the overview names programs and date
    expected = {"programmes": LABELS["prog.none"][0], "help": None}.get(page, NO_DATA_DE)
    assert expected is None or expected in [i.value for i in at.info]
    assert at.multiselect(key="programs").value == []
    assert empty_db.exists()                          # created and migrated, ready for an upload


# --------------------------------------------------------------------------- overview

def test_overview_kassel_tiles_equal_the_cli(kassel, kassel_cli):
    status = kassel_cli["status"]
    shown = tiles(kassel)
    assert list(shown) == ["Eingetreten", "Im Programm", "Im Coaching", "Ausbildung begonnen", "In Beschäftigung"]
    assert shown == {label: str(from_cli(status, TILE_SOURCES[label])) for label in shown}
    # the figures DESIGN.md names for August 2020
    assert (shown["Eingetreten"], shown["Im Coaching"], shown["In Beschäftigung"],
            shown["Ausbildung begonnen"]) == ("155", "106", "14", "37")
    assert "Stichtag: 31.08.2020" in [c.value for c in kassel.caption]


def test_overview_kassel_training_card_equals_the_cli(kassel, kassel_cli):
    card = next(t for t in kassel_cli["targets"] if t["id"] == "kassel-training")
    assert (card["achieved"], card["target"], card["attainment"]) == (37, 50, 0.74)
    md = [m.value for m in kassel.markdown]
    i = md.index(f"**{card['label']}**")
    colour, icon = BADGES[card["state"]]
    assert md[i + 1] == f":{colour}-badge[{icon} {STATE_WORDS_DE[card['state']]}]"
    assert md[i + 2] == "### 37 von 50 · 74 %"
    needed = f"{card['needed_per_month']:.1f}".replace(".", ",")
    assert f"nötig sind {needed} pro Monat" in md[i + 3]
    # one card per target of the CLI, each with the CLI's state
    cards = [m for m in md if m.startswith("### ")]
    assert len(cards) == len(kassel_cli["targets"]) == 4
    # the headline target first, marked, its label escaped (text from data is never markdown)
    assert md[md.index(cards[0]) - 2] == ("**Zielvereinbarung\\: mindestens 50 Frauen in Ausbildung oder "
                                          "Beschäftigung** · ★ Hauptziel")
    assert cards[0] == "### 51 von 50 · 102 %"
    for target in kassel_cli["targets"]:
        j = next(n for n, m in enumerate(md) if m.startswith(f"**{escaped(target['label'])}**"))
        assert STATE_WORDS_DE[target["state"]] in md[j + 1]
        assert md[j + 2].startswith(f"### {target['achieved']} von {target['target']} · ")


def test_overview_date_change_changes_the_numbers(kassel, kassel_cli, demo_db):
    kassel.date_input(key="as_of").set_value(dt.date(2019, 12, 31))
    kassel.run()
    assert problems(kassel) == []
    before = kassel_cli["status_2019"]
    assert before["entered"] == 112 < kassel_cli["status"]["entered"]
    shown = tiles(kassel)
    assert shown["Eingetreten"] == "112"
    assert shown == {label: str(from_cli(before, TILE_SOURCES[label])) for label in shown}
    assert "Stichtag: 31.12.2019" in [c.value for c in kassel.caption]
    training = next(t for t in cli_json(demo_db, "targets", "--program", KASSEL, "--as-of",
                                        "2019-12-31") if t["id"] == "kassel-training")
    assert f"### {training['achieved']} von 50 · {round(training['attainment'] * 100)} %" in \
        [m.value for m in kassel.markdown]


def test_overview_program_change_changes_the_numbers(kassel, demo_db):
    kassel.multiselect(key="programs").set_value([PERMENTI])
    kassel.run()
    assert problems(kassel) == []
    as_of = kassel.date_input(key="as_of").value
    assert as_of == data_date(demo_db, [PERMENTI]) == dt.date(2020, 12, 11)   # a new selection: its latest data
    status = cli_json(demo_db, "status", "--program", PERMENTI, "--as-of", as_of.isoformat())
    shown = tiles(kassel)
    assert "Im Mentoring" in shown and "Im Coaching" not in shown
    assert shown == {label: str(from_cli(status, TILE_SOURCES[label])) for label in shown}
    assert shown["Eingetreten"] == "82"
    # two programs: the tiles add up
    kassel.multiselect(key="programs").set_value([PERMENTI, KASSEL])
    kassel.run()
    both = kassel.date_input(key="as_of").value
    kassel_status = cli_json(demo_db, "status", "--program", KASSEL, "--as-of", both.isoformat())
    permenti_status = cli_json(demo_db, "status", "--program", PERMENTI, "--as-of", both.isoformat())
    assert tiles(kassel)["Eingetreten"] == str(kassel_status["entered"] + permenti_status["entered"])


def test_overview_english_labels_and_formats(kassel, kassel_cli):
    kassel.segmented_control(key="lang").set_value("en")
    kassel.run()
    assert problems(kassel) == []
    assert [t.value for t in kassel.title] == ["Overview: Sozialwirtschaft integriert · 2020-08-31"]
    assert list(tiles(kassel)) == ["Entered", "In the program", "In coaching", "Started training", "In employment"]
    assert tiles(kassel)["Entered"] == "155"
    assert "As-of date: 2020-08-31" in [c.value for c in kassel.caption]
    md = [m.value for m in kassel.markdown]
    assert "### 37 of 50 · 74%" in md
    card = next(t for t in kassel_cli["targets"] if t["id"] == "kassel-training")
    assert ":blue-badge[↗ on track]" in md and card["state"] == "on_track"
    sentence = md[md.index(f"**{card['label']}**") + 3]
    assert f"{card['needed_per_month']:.1f} per month needed" in sentence    # 0.5, not 0,5
    assert "2022-12-31" in sentence and "31.12.2022" not in sentence
    assert kassel.date_input(key="as_of").proto.format == "YYYY-MM-DD"
    assert kassel.multiselect(key="programs").label == "Programs"
    # and back to German
    kassel.segmented_control(key="lang").set_value("de")
    kassel.run()
    assert "### 37 von 50 · 74 %" in [m.value for m in kassel.markdown]
    assert kassel.date_input(key="as_of").proto.format == "DD.MM.YYYY"


def test_url_selects_program_and_date_on_first_load(demo_db):
    at = new_app()
    at.query_params = {"program": KASSEL, "as_of": "2020-08-31"}
    at.run()
    assert problems(at) == []
    assert at.multiselect(key="programs").value == [KASSEL]
    assert at.date_input(key="as_of").value == AUGUST_2020
    assert tiles(at)["Eingetreten"] == "155"


# --------------------------------------------------------------------------- progress and pathways

def figures(at) -> list:
    """The plotly figures of the page, decoded (plotly sends arrays as typed binary)."""
    return [plotly.io.from_json(chart.proto.spec) for chart in at.get("plotly_chart")]


def trace(figure, name):
    found = [t for t in figure.data if t.name == name]
    assert len(found) == 1, [t.name for t in figure.data]
    return found[0]


def values(array) -> list:
    """A trace's x or y as a list, whether plain or a typed array ({'dtype', 'bdata'})."""
    if isinstance(array, dict) and "bdata" in array:
        return numpy.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_progress_kassel_training_curve_equals_the_cli(kassel, kassel_cli):
    at = open_page(kassel, "progress")
    assert problems(at) == []
    card = next(t for t in kassel_cli["targets"] if t["id"] == "kassel-training")
    by_title = {f.layout.title.text: f for f in figures(at) if f.layout.title.text}
    assert sorted(by_title) == sorted(t["label"] for t in kassel_cli["targets"])
    training = by_title["Mindestens 50 Frauen in Ausbildung"]
    achieved = trace(training, "Erreicht (kumuliert)")
    assert values(achieved.y)[-1] == card["achieved"] == 37
    assert str(values(achieved.x)[-1])[:10] == "2020-08-31"
    assert values(trace(training, "Soll-Linie").y)[-1] == 50
    assert values(trace(training, "Meilenstein").y) == [20, 35]
    forecast = trace(training, "Prognose")
    assert values(forecast.y)[0] == 37 and values(forecast.y)[-1] == pytest.approx(card["forecast"])
    assert str(values(forecast.x)[-1])[:10] == card["period_end"] == "2022-12-31"
    caption = next(c.value for c in at.caption if "erreicht (begonnen) · Ausbildung" in c.value)
    assert caption.startswith("Kumuliert: Teilnehmende, die bis zum jeweiligen Monatsende gezählt werden – ")


def test_funnel_kassel_stages_exits_and_stay(kassel, demo_db):
    at = open_page(kassel, "funnel")
    assert problems(at) == []
    con = db.connect(demo_db, read_only=True)
    try:
        stages = metrics.funnel(con, metrics.Scope((KASSEL,)), AUGUST_2020)["stages"]
    finally:
        con.close()
    counts = {s["stage"]: s["n"] for s in stages if s["stage"] != "reached"}
    funnel, outcomes, exits = figures(at)
    assert values(funnel.data[0].x) == [counts["entered"], counts["supported"], counts["reached_any"]] == [155, 155, 51]
    assert values(funnel.data[0].text) == ["155<br>100 %", "155<br>100 %", "51<br>33 %"]
    reached = dict(zip(values(outcomes.data[0].y), values(outcomes.data[0].x)))
    assert reached["Ausbildung"] == 37 and reached["Beschäftigung"] == 14
    assert values(outcomes.data[0].text) == [str(v) for v in values(outcomes.data[0].x)]          # zeros labelled too
    exit_counts = dict(zip(values(exits.data[0].x), values(exits.data[0].y)))
    assert exit_counts == {"abgeschlossen": 23, "abgebrochen": 6, "verzogen": 11, "sonstiges": 9}
    stay = at.dataframe[0].value
    assert list(stay.columns) == ["Gruppe", "n", "Median", "25 %", "75 %", "Mittelwert"]
    assert [tuple(r) for r in stay.itertuples(index=False)] == [
        # by hand from the sheet (days / 30.4375): left median 399 days, still in the program 327.5 days
        ("Ausgetreten", "49", "13,1", "6,7", "16,2", "12,5"), ("Noch im Programm", "106", "10,8", "6,0", "19,1", "12,4")]
    assert sum(exit_counts.values()) == 49                                   # everyone who left, by reason


# --------------------------------------------------------------------------- comparison

def compare_rows(at) -> list[tuple]:
    frame = at.dataframe[0].value
    return [tuple(r) for r in frame.iloc[:, :4].astype(str).itertuples(index=False)]


def cli_rows(groups: list[dict]) -> list[tuple]:
    return [(str(g["group"]), str(g["n"]), str(g["reached"]), pct_de(g["share"])) for g in groups]


def test_compare_grouping_change_equals_the_cli(kassel, demo_db):
    at = open_page(kassel, "compare")
    assert problems(at) == []
    assert at.selectbox(key="cmp_by").value == "site"
    assert at.selectbox(key="cmp_status").value == "training"
    by_site = cli_json(demo_db, "compare", "--program", KASSEL, "--by", "site", "--status", "training",
                       "--as-of", "2020-08-31")
    assert list(at.dataframe[0].value.columns) == ["Standort", "n", "erreicht", "Anteil", "95-%-Intervall",
                                                   "Differenz (pp)", "95-%-Intervall der Differenz", "p (exakt)",
                                                   "Anteil bereinigt", "zu klein (n < 5)"]
    assert compare_rows(at) == cli_rows(by_site)
    assert compare_rows(at)[0] == ("Kassel-Mitte", "73", "16", "21,9 %")   # 16 / 73 from the sheet
    assert at.query_params == {"lang": "de", "program": KASSEL, "as_of": "2020-08-31", "status": "training",
                               "by": "site"}

    at.selectbox(key="cmp_by").set_value("cohort")
    at.run()
    by_cohort = cli_json(demo_db, "compare", "--program", KASSEL, "--by", "cohort", "--status", "training",
                         "--as-of", "2020-08-31")
    assert at.dataframe[0].value.columns[0] == "Kohorte"
    assert compare_rows(at) == cli_rows(by_cohort)
    assert len(compare_rows(at)) == 7
    assert at.query_params["by"] == "cohort"

    at.selectbox(key="cmp_status").set_value("employment")
    at.run()
    employment = cli_json(demo_db, "compare", "--program", KASSEL, "--by", "cohort", "--status", "employment",
                          "--as-of", "2020-08-31")
    assert compare_rows(at) == cli_rows(employment)
    assert at.query_params["status"] == "employment"


def test_compare_typed_groups_equal_the_cli(kassel, demo_db):
    at = open_page(kassel, "compare")
    at.radio(key="cmp_mode").set_value("groups")
    at.run()
    assert problems(at) == []
    # the page proposes one group per site to start from
    assert at.text_input(key="cmp_group_0").value == "Kassel-Mitte: standort=Kassel-Mitte"
    cohorts = ["Mitte B1+: standort=Kassel-Mitte; deutschniveau>=B1", "Früh: eintrittsjahr=2018"]
    at.text_input(key="cmp_group_0").set_value(cohorts[0])
    at.text_input(key="cmp_group_1").set_value(cohorts[1])
    at.run()
    assert problems(at) == []
    expected = cli_json(demo_db, "compare", "--program", KASSEL, "--group", cohorts[0], "--cohort", cohorts[1],
                        "--status", "training", "--as-of", "2020-08-31")
    assert compare_rows(at) == cli_rows(expected)
    assert compare_rows(at) == [("Mitte B1+", "45", "14", "31,1 %"), ("Früh", "45", "19", "42,2 %")]
    assert at.dataframe[0].value.columns[0] == "Gruppe"
    assert at.query_params == {"lang": "de", "program": KASSEL, "as_of": "2020-08-31", "status": "training",
                               "cohort": cohorts}


def test_compare_mode_switch_keeps_grouping_and_typed_groups(kassel, demo_db):
    """Hidden widgets lose their state in Streamlit; the page must keep both settings."""
    at = open_page(kassel, "compare")
    at.selectbox(key="cmp_by").set_value("cohort")
    at.run()
    at.radio(key="cmp_mode").set_value("groups")
    at.run()
    at.text_input(key="cmp_group_0").set_value("Früh: eintrittsjahr=2018")
    at.run()
    at.radio(key="cmp_mode").set_value("by")
    at.run()
    assert problems(at) == []
    assert at.selectbox(key="cmp_by").value == "cohort"
    assert len(compare_rows(at)) == 7
    at.radio(key="cmp_mode").set_value("groups")
    at.run()
    assert problems(at) == []
    assert at.text_input(key="cmp_group_0").value == "Früh: eintrittsjahr=2018"
    assert compare_rows(at)[0] == ("Früh", "45", "19", "42,2 %")


def test_compare_bad_typed_group_is_a_sentence(kassel):
    at = open_page(kassel, "compare")
    at.radio(key="cmp_mode").set_value("groups")
    at.run()
    at.text_input(key="cmp_group_0").set_value("Blau: lieblingsfarbe=blau")
    at.run()
    assert problems(at) == []
    assert len(at.warning) == 1 and "lieblingsfarbe" in at.warning[0].value
    assert len(at.dataframe) == 0


def test_compare_state_from_a_shared_link(demo_db):
    at = new_app()
    at.query_params = {"program": KASSEL, "as_of": "2020-08-31"}
    at.run()
    at.query_params = {"program": KASSEL, "as_of": "2020-08-31", "by": "cohort", "status": "employment"}
    at.switch_page(PAGES["compare"][0])
    at.run()
    assert problems(at) == []
    assert at.selectbox(key="cmp_by").value == "cohort"
    assert at.selectbox(key="cmp_status").value == "employment"
    employment = cli_json(demo_db, "compare", "--program", KASSEL, "--by", "cohort", "--status", "employment",
                          "--as-of", "2020-08-31")
    assert compare_rows(at) == cli_rows(employment)


# --------------------------------------------------------------------------- targets

def form_widget(elements, label):
    found = [e for e in elements if e.label == label]
    assert len(found) == 1, [e.label for e in elements]
    return found[0]


def fill_target_form(at, *, target_id, label, status, value, start, end, where="", milestones=""):
    form_widget(at.text_input, "Kennung").set_value(target_id)
    form_widget(at.text_input, "Bezeichnung").set_value(label)
    form_widget(at.selectbox, "Maß").set_value("reached")
    form_widget(at.multiselect, "Status").set_value([status] if isinstance(status, str) else status)
    form_widget(at.number_input, "Zielwert").set_value(value)
    form_widget(at.date_input, "Beginn").set_value(start)
    form_widget(at.date_input, "Ende").set_value(end)
    form_widget(at.text_input, "Eingrenzung (optional, z. B. standort=Köln)").set_value(where)
    form_widget(at.text_area, "Meilensteine (optional, je Zeile TT.MM.JJJJ = Wert)").set_value(milestones)
    form_widget(at.button, "Speichern").click()
    return at.run()


def test_targets_new_target_is_stored_and_in_the_toml(kassel, own_demo_db):
    recorder = MediaRecorder()
    with recorder.recording():
        at = open_page(kassel, "targets")
        assert problems(at) == []
        assert at.selectbox(key="tedit_program").value == KASSEL
        assert list(at.dataframe[0].value["Kennung"]) == ["kassel-agreement", "kassel-employment", "kassel-entered",
                                                          "kassel-training"]
        fill_target_form(at, target_id="kassel-sprache", label="Mindestens 60 Frauen im Sprachkurs",
                         status="language_course", value=60, start=dt.date(2019, 1, 1), end=dt.date(2021, 12, 31),
                         where="standort=Kassel-Mitte", milestones="31.12.2020 = 30")
        assert problems(at) == []
        assert "Gespeichert." in [s.value for s in at.success]
        assert list(at.dataframe[0].value["Kennung"]) == ["kassel-agreement", "kassel-employment", "kassel-entered",
                                                          "kassel-sprache", "kassel-training"]
        row = query(own_demo_db, "select label, measure, status, direction, value, period_start, period_end, "
                                 "scope_json, milestones_json from target where target_id = 'kassel-sprache'")
        assert len(row) == 1
        label, measure, status, direction, value, start, end, scope_json, milestones_json = row[0]
        assert (label, measure, status, direction, value) == ("Mindestens 60 Frauen im Sprachkurs", "reached",
                                                               "language_course", "at_least", 60)
        assert (start, end) == (dt.date(2019, 1, 1), dt.date(2021, 12, 31))
        assert json.loads(scope_json) == {"site": "Kassel-Mitte"}
        assert [m["value"] for m in json.loads(milestones_json)] == [30]
        toml_bytes = recorder.content(download(at, "Programmdatei (TOML) herunterladen"))
    spec = tomllib.loads(toml_bytes.decode("utf-8"))
    new = [t for t in spec["target"] if t["id"] == "kassel-sprache"]
    assert len(new) == 1
    assert new[0]["at_least"] == 60 and new[0]["status"] == "language_course"
    assert new[0]["period"] == {"start": dt.date(2019, 1, 1), "end": dt.date(2021, 12, 31)}
    assert spec["program"]["id"] == KASSEL
    assert sorted(t["id"] for t in spec["target"]) == ["kassel-agreement", "kassel-employment", "kassel-entered",
                                                        "kassel-sprache", "kassel-training"]
    # the overview shows a card for it, with the CLI's numbers
    at = open_page(at, "overview")
    card = next(t for t in cli_json(own_demo_db, "targets", "--program", KASSEL, "--as-of", "2020-08-31")
                if t["id"] == "kassel-sprache")
    md = [m.value for m in at.markdown]
    i = md.index("**Mindestens 60 Frauen im Sprachkurs**")
    assert md[i + 2] == f"### {card['achieved']} von 60 · {round(card['attainment'] * 100)} %"
    assert STATE_WORDS_DE[card["state"]] in md[i + 1]


def test_targets_table_and_form_read_well(kassel):
    at = open_page(kassel, "targets")
    table = at.dataframe[0].value
    assert list(table.columns) == ["Kennung", "Bezeichnung", "Maß", "Status", "Richtung", "Zielwert", "Beginn",
                                   "Ende", "gültig ab"]
    entered = table[table["Kennung"] == "kassel-entered"].iloc[0]
    assert (entered["Maß"], entered["Status"], entered["Zielwert"], entered["Beginn"]) == (
        "Eintritte", "–", "150", "01.01.2018")
    training = table[table["Kennung"] == "kassel-training"].iloc[0]
    assert (training["Status"], training["Richtung"]) == ("Ausbildung", "mindestens")
    assert form_widget(at.number_input, "Zielwert").proto.format == "%g"
    assert form_widget(at.date_input, "Beginn").proto.format == "DD.MM.YYYY"
    assert form_widget(at.multiselect, "Status").help.startswith("Der Status, der gezählt wird")
    agreement = table[table["Kennung"] == "kassel-agreement"].iloc[0]
    assert agreement["Status"] == "Ausbildung oder Beschäftigung"
    # the picker names targets by their labels, never by ids
    picker = at.selectbox(key="tedit_choice")
    assert "Mindestens 50 Frauen in Ausbildung" in picker.options and "kassel-training" not in picker.options
    at.segmented_control(key="lang").set_value("en")
    at.run()
    assert problems(at) == []
    table = at.dataframe[0].value
    assert list(table.columns)[-1] == "valid from"
    assert table[table["Identifier"] == "kassel-training"].iloc[0]["Start"] == "2018-01-01"
    assert form_widget(at.date_input, "Start").proto.format == "YYYY-MM-DD"


def test_targets_over_two_statuses_with_a_label_made_from_the_values(kassel, own_demo_db):
    at = open_page(kassel, "targets")
    fill_target_form(at, target_id="kassel-beides", label="", status=["training", "employment"], value=60,
                     start=dt.date(2018, 1, 1), end=dt.date(2022, 12, 31))
    assert problems(at) == [] and "Gespeichert." in [s.value for s in at.success]
    row = query(own_demo_db, "select label, status from target where target_id = 'kassel-beides'")
    assert row == [("Mindestens 60 Frauen in Ausbildung oder Beschäftigung", "training; employment")]
    # her own label with another number than the value: saved, with a warning and a suggestion
    fill_target_form(at, target_id="kassel-eigen", label="Mindestens 50 Frauen in Ausbildung", status="training",
                     value=60, start=dt.date(2018, 1, 1), end=dt.date(2022, 12, 31))
    assert len(at.warning) == 1
    assert "nennt eine andere Zahl als den Zielwert 60" in at.warning[0].value
    assert "Mindestens 60 Frauen in Ausbildung" in at.warning[0].value


def test_targets_end_before_start_is_refused_and_nothing_stored(kassel, own_demo_db):
    at = open_page(kassel, "targets")
    loads_before = query(own_demo_db, "select count(*) from load")[0][0]
    fill_target_form(at, target_id="kassel-falsch", label="Zeitraum verkehrt herum", status="training",
                     value=5, start=dt.date(2021, 1, 1), end=dt.date(2020, 1, 1))
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith("Nicht gespeichert:")
    assert "das Ende des Zeitraums" in message and "liegt vor dem Beginn" in message
    assert [e.value for e in at.exception] == []
    assert query(own_demo_db, "select count(*) from target where target_id = 'kassel-falsch'")[0][0] == 0
    assert query(own_demo_db, "select count(*) from load")[0][0] == loads_before
    assert "kassel-falsch" not in list(at.dataframe[0].value["Kennung"])


def test_targets_bad_milestone_line_is_named(kassel, own_demo_db):
    at = open_page(kassel, "targets")
    fill_target_form(at, target_id="kassel-meilenstein", label="Mit kaputtem Meilenstein", status="training",
                     value=5, start=dt.date(2019, 1, 1), end=dt.date(2021, 1, 1), milestones="Ende 2020: 3")
    assert len(at.error) == 1
    assert "Meilenstein Zeile 1: »Ende 2020: 3« – erwartet TT.MM.JJJJ = Zahl" in at.error[0].value
    assert query(own_demo_db, "select count(*) from target where target_id = 'kassel-meilenstein'")[0][0] == 0


# --------------------------------------------------------------------------- data

GOOD_CSV = "Teilnehmer-ID;Standort;Eintritt;Coaching ab;Ausbildung ab\nA;Nord;01.02.2019;01.02.2019;\n" \
           "B;Süd;01.03.2019;01.03.2019;01.09.2019\nC;Nord;15.04.2019;15.04.2019;\n"
BAD_CSV = "Teilnehmer-ID;Eintritt;Coaching ab\nD;01.02.2020;01.02.2020\nE;31.02.2020;01.03.2020\n"


def upload(at, files, program=None, lenient=False):
    at.file_uploader[0].set_value([(name, content, "text/csv") for name, content in files])
    if program is not None:
        form_widget(at.selectbox, "Programm der Dateien").set_value(program)
    if lenient:
        at.checkbox[0].check()
    form_widget(at.button, "Zuordnung speichern und laden").click()
    return at.run()


def data_page_with_program(empty_db):
    """The Daten page of a fresh store after uploading the test program file (as its first admin)."""
    with db.writing(empty_db) as con:
        access.add(con, "admin", "admin", "geheim-123", actor=access.LOCAL_ADMIN)
    at = new_app()
    open_page(at, "data")
    upload(at, [("test-programm.toml", PROGRAM_TOML.format(id="test-programm").encode())])
    assert problems(at) == []
    assert at.success[0].value == \
        "test-programm.toml [Programmdatei]: geladen – gelesen 1, geladen 1, abgewiesen 0 (test-programm)"
    return at


def test_data_upload_good_csv(empty_db):
    at = data_page_with_program(empty_db)
    # the new program is offered at once (sidebar and upload form)
    assert at.multiselect(key="programs").options == ["Testprogramm test-programm"]
    upload(at, [("gut.csv", GOOD_CSV.encode("utf-8"))], program="test-programm")
    assert problems(at) == []
    assert at.success[0].value == \
        "gut.csv [Tracking-Blatt]: geladen – gelesen 3, geladen 3, abgewiesen 0 (test-programm)"
    assert query(empty_db, "select participant_id, site, entry_date from participant order by 1") == [
        ("A", "Nord", dt.date(2019, 2, 1)), ("B", "Süd", dt.date(2019, 3, 1)), ("C", "Nord", dt.date(2019, 4, 15))]
    assert query(empty_db, "select participant_id from episode where status = 'training'") == [("B",)]
    history = at.dataframe[0].value
    assert list(history["Datei"]) == ["gut.csv", "test-programm.toml"] or \
        list(history["Datei"]) == ["test-programm.toml", "gut.csv"]
    assert sorted(history["geladen"].tolist()) == ["1", "3"]
    # the overview counts the new participants
    at = open_page(at, "overview")
    assert problems(at) == []
    assert at.multiselect(key="programs").value == ["test-programm"]
    status = cli_json(empty_db, "status", "--program", "test-programm", "--as-of",
                      at.date_input(key="as_of").value.isoformat())
    assert tiles(at)["Eingetreten"] == str(status["entered"]) == "3"
    assert tiles(at)["Ausbildung begonnen"] == str(status["reached"]["training"]) == "1"


def test_an_upload_while_another_load_writes_waits_then_says_so_and_saves_nothing(empty_db, monkeypatch):
    """Another load holds the store (its lock) longer than the page waits (here 1 s): the page says that
    the store is being updated and that nothing was saved, never an error; the store is unchanged."""
    import fcntl

    at = data_page_with_program(empty_db)
    monkeypatch.setenv("OUTCOMES_WRITE_WAIT_S", "1")
    before = query(empty_db, "select count(*) from load")
    with open(f"{empty_db}.lock", "a+b") as lock:          # what a running `outcomes ingest` holds
        fcntl.flock(lock, fcntl.LOCK_EX)
        upload(at, [("gut.csv", GOOD_CSV.encode("utf-8"))], program="test-programm")
    assert [e.value for e in at.exception] == [] and [e.value for e in at.error] == []
    assert [w.value for w in at.warning][-1] == (
        "Die Datenbank wird noch aktualisiert: nach 1 s aufgegeben. Bitte später erneut versuchen – es ist nichts "
        "gespeichert.")
    assert query(empty_db, "select count(*) from load") == before
    assert query(empty_db, "select count(*) from participant") == [(0,)]


def test_data_upload_bad_date_shows_line_and_column_and_stores_nothing(empty_db):
    at = data_page_with_program(empty_db)
    upload(at, [("kaputt.csv", BAD_CSV.encode("utf-8"))], program="test-programm")
    assert [e.value for e in at.exception] == []
    assert len(at.error) == 1
    assert at.error[0].value.startswith("kaputt.csv [Tracking-Blatt]: NICHT geladen")
    assert "Nicht geladen – nichts wurde gespeichert." in at.error[0].value
    table = at.table[0].value
    assert list(table.columns) == ["Zeile", "Spalte", "Wert", "Problem"] and list(table.index) == ["kaputt.csv"]
    assert len(table) == 1
    row = table.iloc[0]
    assert (int(row["Zeile"]), row["Spalte"], row["Wert"]) == (3, "Eintritt", "31.02.2020")
    assert row["Problem"].startswith("'31.02.2020' ist kein gültiges Datum")
    assert query(empty_db, "select count(*) from participant")[0][0] == 0
    assert query(empty_db, "select count(*) from episode")[0][0] == 0
    assert [b.proto.label for b in at.get("download_button") if "Abgewiesene" in b.proto.label] == []


def test_data_lenient_upload_offers_the_rejects(empty_db):
    recorder = MediaRecorder()
    with recorder.recording():
        at = data_page_with_program(empty_db)
        upload(at, [("kaputt.csv", BAD_CSV.encode("utf-8"))], program="test-programm", lenient=True)
        assert problems(at) == []
        assert [w.value for w in at.warning] == [
            "kaputt.csv [Tracking-Blatt]: geladen – gelesen 2, geladen 1, abgewiesen 1 (test-programm)"]
        assert int(at.table[0].value.iloc[0]["Zeile"]) == 3
        rejects = recorder.content(download(at, "Abgewiesene Zeilen herunterladen")).decode("utf-8-sig")
    assert query(empty_db, "select participant_id from participant") == [("D",)]
    assert query(empty_db, "select line, column_name, value from rejected_row") == [(3, "Eintritt", "31.02.2020")]
    lines = rejects.strip().splitlines()
    assert len(lines) == 2                      # header + the one rejected row
    assert lines[0].startswith("Zeile;Spalte;Wert;Grund")
    assert lines[1].startswith("3;Eintritt;31.02.2020;")
    assert "ist kein gültiges Datum" in lines[1]


# --------------------------------------------------------------------------- start page (programs at a glance)

def test_root_with_several_programs_opens_the_programs_at_a_glance(demo_db):
    at = new_app()
    at.query_params = {"as_of": "2020-08-31"}
    at.run()
    assert problems(at) == []
    assert [t.value for t in at.title] == ["Programme im Überblick"]
    table = at.dataframe[0].value
    assert list(table.columns) == ["Programm", "Ziel", "Stand", "Erreicht / Ziel", "Zielerreichung",
                                   "Prognose zum Ende", "Wahrscheinlichkeit", "Fördergeber", "Übersicht"]
    kassel = table[table["Programm"] == "Sozialwirtschaft integriert"]
    # the headline target first: the city's agreement, 37 + 14 = 51 of 50 on 31.08.2020
    first = kassel.iloc[0]
    assert (first["Ziel"], first["Stand"], first["Erreicht / Ziel"], first["Zielerreichung"]) == (
        "★ Zielvereinbarung: mindestens 50 Frauen in Ausbildung oder Beschäftigung", "✔ erfüllt", "51 von 50", "102 %")
    assert first["Übersicht"] == f"uebersicht?program={KASSEL}&as_of=2020-08-31&lang=de"
    training = kassel[kassel["Ziel"] == "Mindestens 50 Frauen in Ausbildung"].iloc[0]
    # 37 + 25/12 × 28 = 95.3 → 95 at the period end (tests/test_cli.py), P over 99 %
    assert (training["Stand"], training["Prognose zum Ende"], training["Wahrscheinlichkeit"]) == (
        "↗ im Plan", "95", "über 99 %")
    assert table["Programm"].nunique() == 4                  # every program, with or without targets
    assert at.query_params["sort"] == "program"


def test_start_page_filters_and_sort_live_in_the_url(demo_db):
    at = new_app()
    at.query_params = {"as_of": "2020-08-31", "state": "met", "sort": "attainment"}
    at.run()
    assert problems(at) == []
    assert at.multiselect(key="start_state").value == ["met"]
    table = at.dataframe[0].value
    assert set(table["Stand"]) == {"✔ erfüllt"}
    at.multiselect(key="start_state").set_value(["on_track", "at_risk"])
    at.run()
    assert at.query_params["state"] == ["on_track", "at_risk"]
    assert set(at.dataframe[0].value["Stand"]) <= {"↗ im Plan", "⚠ gefährdet"}
    funders = at.multiselect(key="start_funder").options
    at.multiselect(key="start_funder").set_value([funders[0]])
    at.run()
    assert set(at.dataframe[0].value["Fördergeber"]) == {funders[0]}
    assert at.query_params["funder"] == funders[0]


def test_portfolio_view_by_hand():
    programs = pd.DataFrame({"program_id": ["b", "a", "c"], "name": ["Beta", "Alpha", "Gamma"],
                             "funder": ["Land", "Bund", None]})
    cards = [
        {"program": "a", "id": "a1", "label": "A eins", "headline": False, "measure": "reached",
         "direction": "at_least", "state": "met", "achieved": 12, "target": 10, "attainment": 1.2,
         "forecast": None, "probability": None, "funder": None},
        {"program": "b", "id": "b1", "label": "B eins", "headline": True, "measure": "reached",
         "direction": "at_least", "state": "at_risk", "achieved": 3, "target": 10, "attainment": 0.3,
         "forecast": 6.0, "probability": 0.2, "funder": "Stiftung"},
    ]
    frame = panels.portfolio(cards, programs)
    # Gamma has no target: one row without one; the target's funder wins over the program's
    assert frame["program"].tolist() == ["b", "a", "c"]
    assert frame["funder"].tolist()[:2] == ["Stiftung", "Bund"] and pd.isna(frame["funder"].iloc[2])
    assert panels.portfolio_view(frame)["program"].tolist() == ["a", "b", "c"]            # by name
    assert panels.portfolio_view(frame, sort="state")["program"].tolist() == ["b", "a", "c"]   # at risk first
    assert panels.portfolio_view(frame, sort="attainment")["program"].tolist() == ["b", "a", "c"]  # 30 % < 120 %
    assert panels.portfolio_view(frame, funders=["Bund"])["program"].tolist() == ["a"]
    assert panels.portfolio_view(frame, states=["met"])["program"].tolist() == ["a"]
