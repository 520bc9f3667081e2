"""The real EU file (ESF/YEI 2014-2020, Germany): loads whole and fast, and the figures read from the
CSV with grep (quoted next to each test) come back.
"""

from __future__ import annotations


import pytest

from pipelines import indicators as ind
from pipelines.store import db
from tests.indicators.files import A_8I, BREMEN, NIEDERSACHSEN, REFERENCE, frame, one


@pytest.fixture(scope="module")
def reference():
    """The real ESF/YEI file loaded into a store; also how long normalise + load took."""
    if not REFERENCE.exists():
        pytest.skip("reference data not available")
    df = frame(REFERENCE)
    con = db.connect(":memory:")
    rows, errors = ind.normalise(df, ind.detect(list(df.columns)))
    with db.transaction(con):
        written = ind.load(con, rows, 1)
    yield {"con": con, "rows": rows, "errors": errors, "written": written}
    con.close()


def test_reference_loads_whole(reference):
    assert reference["errors"] == []
    assert reference["written"] == 15191
    assert reference["rows"].attrs["superseded"] == 0  # one ir_ver per key and year in this snapshot
    con = reference["con"]
    assert con.execute("select count(*) from indicator_value").fetchone()[0] == 15191
    assert con.execute("select count(distinct programme) from indicator_value").fetchone()[0] == 18


def test_reference_data_checks(reference):
    """dbt-style checks on what was stored: keys present, JSON valid, values not negative."""
    con = reference["con"]
    assert con.execute("""
        select count(*) from indicator_value
        where programme = '' or indicator_code = '' or fund = '' or indicator_type = ''
           or not json_valid(breakdown_json) or year not between 2014 and 2023
           or target_value < 0 or achieved_value < 0
           or (target_value is null and achieved_value is null)
    """).fetchone()[0] == 0
    # the 2021 rows hold targets only (README): 154 of them
    assert con.execute(
        "select count(*), count(target_value), count(achieved_value) from indicator_value where year = 2021"
    ).fetchone() == (154, 154, 0)


def test_reference_bremen_co01_row(reference):
    # DE,2014DE05SFOP016,Bremen - ESF,ESF,OESF,CO01,...,A,8i,More developed,2019,2020.1,2720.0,1984,Number
    rows = ind.indicator_table(reference["con"], programme=BREMEN, indicator="CO01", year=2019,
                               fund="ESF", indicator_type="OESF")
    row = one(rows, breakdown=A_8I)
    assert (row["target"], row["achieved"], row["title"], row["unit"]) == (
        2720.0, 1984.0, "Bremen - ESF", "Number")
    assert row["attainment"] == pytest.approx(1984 / 2720)


def test_reference_bremen_co01_programme_sum(reference):
    # 2020: C/10iii 2124 (no target) + A/8i 2789 (target 2720) + B/9i 6813 (target 3395)
    rows = ind.indicator_table(reference["con"], programme=BREMEN, indicator="CO01", year=2020,
                               level="breakdown")
    assert sorted(r["achieved"] for r in rows) == [2124.0, 2789.0, 6813.0]
    programme = ind.indicator_table(reference["con"], programme=BREMEN, indicator="CO01", year=2020,
                                    level="programme")
    assert [(r["achieved"], r["target"], r["flag"], r["breakdown"]) for r in programme] == [
        (2124.0 + 2789.0 + 6813.0, None, "partial_target", {})]
    # all three lie in the "More developed" category: the same sum within it
    within = ind.indicator_table(reference["con"], programme=BREMEN, indicator="CO01", year=2020,
                                 region_category="More developed", level="programme")
    assert [(r["achieved"], r["breakdown"]) for r in within] == [
        (11726.0, {"region_category": "More developed"})]
    # 2021 holds targets only (A 2720, B 3395, new E/13i/REACT-EU 900): no achievement yet
    later = ind.indicator_table(reference["con"], programme=BREMEN, indicator="CO01", year=2021,
                                level="programme")
    assert [(r["achieved"], r["flag"]) for r in later] == [(None, "no_achievement_yet")]


def test_reference_niedersachsen_co20_target_history(reference):
    # four breakdowns (7/8v and 7/9iv, More developed and Transition), each with a target:
    # targets 13+11+16+13 (2015-2018), 13+9+16+11 (2019), 5+8+12+6 (2020, 2021)
    # achieved 0, 1+1+0+1, 3+1+5+1, 3+5+6+1, 4+6+9+2, 7+6+11+4, none yet in 2021
    history = ind.target_history(reference["con"], NIEDERSACHSEN, "ESF", "OESF", "CO20")
    assert [(h["year"], h["target"], h["achieved"], h["revised"]) for h in history] == [
        (2015, 53.0, 0.0, False), (2016, 53.0, 3.0, False), (2017, 53.0, 10.0, False),
        (2018, 53.0, 15.0, False), (2019, 49.0, 21.0, True), (2020, 31.0, 28.0, True),
        (2021, 31.0, None, False)]
    overview = ind.programme_overview(reference["con"])
    co20 = overview[(overview.programme == NIEDERSACHSEN) & (overview.indicator == "CO20")].iloc[0]
    assert (co20.year, co20.achieved, co20.target) == (2020, 28.0, 31.0)
    assert co20.attainment == pytest.approx(28 / 31)


def test_reference_percentage_looking_result_target(reference):
    # DE,2014DE05SFOP013,Sachsen-Anhalt - ESF,ESF,RESF,CR03,...,1,8v,Transition,2020,2020.0,65.0,8847.0,Number
    rows = ind.indicator_table(reference["con"], programme="2014DE05SFOP013", indicator="CR03", year=2020)
    row = one(rows, breakdown={"priority": "1", "investment_priority": "8v", "region_category": "Transition"})
    assert (row["target"], row["achieved"], row["attainment"], row["flag"]) == (
        65.0, 8847.0, None, "target_looks_like_percentage")
    listed = ind.implausible_targets(reference["con"])
    hit = listed[(listed.programme == "2014DE05SFOP013") & (listed.indicator == "CR03")]
    assert hit.flag.tolist() == ["target_looks_like_percentage"]
    assert (hit.first_year.iloc[0], hit.last_year.iloc[0], hit.achieved.iloc[0]) == (2015, 2021, 8847.0)


def test_reference_overview_has_one_row_per_programme_indicator(reference):
    overview = ind.programme_overview(reference["con"])
    keys = overview[["programme", "fund", "indicator_type", "indicator"]]
    assert not keys.duplicated().any()
    expected = reference["con"].execute(
        "select count(*) from (select distinct programme, fund, indicator_type, indicator_code "
        "from indicator_value)").fetchone()[0]
    assert len(overview) == expected
