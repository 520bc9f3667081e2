"""The Vergleich page's fair comparison under AppTest: the hand-counted numbers of
tests/metrics/test_compare_fair.py as the page writes them, the method in words, the curves with
their band and numbers at risk, small groups flagged; for the ministry a hidden value reads `*`."""

from __future__ import annotations

import base64
import datetime as dt

import numpy
import plotly.io
import pytest

from pipelines.access import accounts
from pipelines.access.policy import LOCAL_ADMIN
from pipelines.store import db
from tests.helpers.app import KASSEL, MediaRecorder, choose, new_app, open_page, problems
from tests.metrics.test_compare_fair import build_mix


@pytest.fixture
def mix_store(tmp_path, monkeypatch):
    path = tmp_path / "mix.duckdb"
    con = db.connect(path)
    build_mix(con)
    accounts.add(con, "eva", "evaluator", programs=["p1"], actor=LOCAL_ADMIN)   # whom the page is for
    con.close()
    monkeypatch.setenv("OUTCOMES_DB", str(path))
    return path


def compare_page(programs, as_of, user="eva", role="evaluator"):
    at = new_app(user, role).run()
    choose(at, programs, as_of)
    return open_page(at, "compare")


def charts(at) -> list:
    """The page's plotly figures (arrays decoded)."""
    return [plotly.io.from_json(c.proto.spec) for c in at.get("plotly_chart")]


def values(array) -> list:
    """A trace's array as numbers (Streamlit sends plotly's typed arrays base64-encoded)."""
    if isinstance(array, dict) and "bdata" in array:
        return numpy.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def at_risk(figure) -> dict[str, list[str]]:
    """The numbers-at-risk table under the curves: group -> the numbers as written."""
    return {t.y[0]: list(t.text) for t in figure.data if t.mode == "text"}


def test_the_table_shows_difference_p_and_adjusted_share_by_hand(mix_store):
    at = compare_page(["p1"], dt.date(2020, 12, 31))
    assert problems(at) == []
    table = at.dataframe[0].value
    assert list(table.columns) == ["Standort", "n", "erreicht", "Anteil", "95-%-Intervall", "Differenz (pp)",
                                   "95-%-Intervall der Differenz", "p (exakt)", "Anteil bereinigt",
                                   "zu klein (n < 5)"]
    # Nord 6 of 10 against Süd 4 of 10: +20 pp (Newcombe −20,6 … +52,8), Fisher p 0,656; adjusted to the
    # German levels of both sites: Nord 37,5 %, Süd 62,5 % (computed in tests/metrics/test_compare_fair.py)
    assert table.astype(str).values.tolist() == [
        ["Nord", "10", "6", "60,0 %", "31,3 % – 83,2 %", "+20,0", "−20,6 … +52,8", "0,656", "37,5 %", ""],
        ["Süd", "10", "4", "40,0 %", "16,8 % – 68,7 %", "−20,0", "−52,8 … +20,6", "0,656", "62,5 %", ""]]
    captions = " ".join(c.value for c in at.caption)
    assert "Anteil der Gruppe minus Anteil aller übrigen zusammen" in captions
    assert "nach Deutschniveau so zusammengesetzt wären wie alle Gruppen zusammen" in captions

    bars, curves = charts(at)
    adjusted = [t for t in bars.data if t.name == "Anteil bereinigt"]
    assert adjusted and values(adjusted[0].y) == pytest.approx([37.5, 62.5])
    bands = [t for t in curves.data if t.fill == "tonexty"]
    assert len(bands) == 2
    assert values(bands[0].y)[1] == pytest.approx(10.8051, abs=1e-3)          # Nord, month 1: 10,8 % …
    assert at_risk(curves) == {"Nord": ["10", "7", "4", "0"], "Süd": ["10", "10", "10", "0"]}
    assert "Fläche um jede Kurve ist ihr 95-%-Band" in captions


def test_typed_groups_name_the_first_as_yardstick_and_flag_small_groups(mix_store):
    at = compare_page(["p1"], dt.date(2020, 12, 31))
    at.radio(key="cmp_mode").set_value("groups")
    at.run()
    at.text_input(key="cmp_group_0").set_value("Nord: standort=Nord")
    at.text_input(key="cmp_group_1").set_value("Nord A: standort=Nord; deutschniveau=A2")
    at.run()
    assert problems(at) == []
    table = at.dataframe[0].value.astype(str).values.tolist()
    # the standard population is both groups together (Nord A's two women count twice): B 8, A 4 →
    # Nord adjusted 8/12 · 6/8 + 4/12 · 0/2 = 50 %
    assert table[0][5:] == ["Maßstab", "–", "–", "50,0 %", ""]
    assert table[1][:4] == ["Nord A", "2", "0", "0,0 %"]
    assert table[1][5:] == ["–", "–", "–", "0,0 %", "ja"]       # too small: no test
    captions = " ".join(c.value for c in at.caption)
    assert "minus Anteil der ersten Gruppe (Nord)" in captions
    bars, curves = charts(at)
    assert [a.text for a in bars.layout.annotations][1] == "0 % (n=2)<br>zu klein (n < 5)"
    assert [t.name for t in curves.data if t.mode == "lines" and t.showlegend is not False] == [
        "Nord", "Nord A – zu klein (n < 5)"]


@pytest.fixture
def demo_store(demo_path, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB", str(demo_path))
    return demo_path


def test_the_ministry_sees_star_for_every_hidden_value_on_the_page_and_in_the_csv(demo_store):
    recorder = MediaRecorder()
    with recorder.recording():
        at = compare_page([KASSEL], dt.date(2020, 8, 31), "ministerium", "ministry")
        at.selectbox(key="cmp_by").set_value("cohort")
        at.run()
        assert problems(at) == []
        table = at.dataframe[0].value.astype(str)
        # cohorts 5 and 6 started training 1 or 2 times (hidden, and one more so that the sum gives
        # nothing away): every value computed from them is *, and no adjusted share is published
        rows = {r[0]: r for r in table.values.tolist()}
        assert rows["5"][2:] == ["*"] * 8
        assert rows["6"][2:] == ["*"] * 8
        assert rows["1"][2] == "9" and rows["1"][5] != "*" and rows["1"][8] == "*"
        assert "–" not in rows["5"] + rows["6"]
        csv = recorder.content(at.get("download_button")[0])
        lines = csv.decode("utf-8-sig").splitlines()
        header = lines[0].split(";")
        five = next(line.split(";") for line in lines[1:] if line.startswith("5;"))
        for column in ("reached", "share", "diff", "p_exact", "adjusted", "small"):
            assert five[header.index(column)] == "*", column
        # no time-to-outcome curves and no numbers at risk for the ministry (its publication holds none:
        # a curve's steps give small counts away; until it was one publication, hidden groups' curves went)
        assert len(charts(at)) == 1
        assert any("Kaplan–Meier" in i.value for i in at.info)
