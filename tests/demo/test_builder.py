"""The demo store, built through the real pipeline, reproduces the published figures."""

import datetime as dt

import pytest

from pipelines import demo
from pipelines.demo import DEMO_FILES

AS_OF = dt.date(2020, 8, 31)
KASSEL = "sozialwirtschaft-integriert"


@pytest.fixture
def demo_store(demo_con):
    return demo_con


def test_every_demo_file_loads_without_rejects(demo_store):
    rows = demo_store.execute("select file_name, outcome, rows_rejected from load order by load_id").fetchall()
    assert [r[0] for r in rows] == [name for name, _ in DEMO_FILES] + ["esif1420_achievements_ESF_YEI_DE.csv"]
    assert all(r[1] == "loaded" and r[2] == 0 for r in rows)


def test_kassel_published_figures_by_direct_query(demo_store):
    q = demo_store.execute
    entered = q("select count(*) from participant where program_id = ? and entry_date between ? and ?",
                [KASSEL, dt.date(2018, 1, 1), AS_OF]).fetchone()[0]
    active = lambda status: q(  # noqa: E731
        "select count(distinct participant_id) from episode where program_id = ? and status = ? "
        "and start_date <= ? and (end_date is null or end_date > ?)", [KASSEL, status, AS_OF, AS_OF]).fetchone()[0]
    training = q("select count(distinct participant_id) from episode where program_id = ? and status = 'training' "
                 "and start_date between ? and ?", [KASSEL, dt.date(2018, 1, 1), AS_OF]).fetchone()[0]
    assert (entered, active("coaching"), active("employment"), training) == (155, 106, 14, 37)


def test_other_programs_match_their_published_sizes(demo_store):
    sizes = dict(demo_store.execute("select program_id, count(*) from participant group by 1").fetchall())
    assert sizes["tara-mentoring"] == 8
    assert sizes["cross-mentoring-duesseldorf-koeln"] == 10
    sites = dict(demo_store.execute(
        "select site, count(*) from participant where program_id = 'cross-mentoring-duesseldorf-koeln' "
        "group by 1").fetchall())
    assert sites == {"Düsseldorf": 5, "Köln": 5}
    permenti_sites = {r[0] for r in demo_store.execute(
        "select distinct site from participant where program_id = 'permenti-transfer'").fetchall()}
    assert permenti_sites == {"Bielefeld", "Köln", "Ennepe-Ruhr-Kreis"}
    tara_start = demo_store.execute(
        "select min(start_date) from episode where program_id = 'tara-mentoring' and status = 'mentoring'").fetchone()[0]
    assert tara_start == dt.date(2025, 5, 22)


def test_kassel_training_target_is_stored(demo_store):
    row = demo_store.execute(
        "select direction, value, period_start, period_end, status, measure from target "
        "where program_id = ? and status = 'training' and measure = 'reached'", [KASSEL]).fetchone()
    assert row == ("at_least", 50.0, dt.date(2018, 1, 1), dt.date(2022, 12, 31), "training", "reached")


def test_demo_build_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "x.duckdb"
    path.write_bytes(b"not a database")
    with pytest.raises(FileExistsError):
        demo.build(path)
    assert path.read_bytes() == b"not a database"


def test_demo_holds_the_public_esf_indicators(demo_store):
    from pipelines import indicators

    # Bremen ESF, CO01 (unemployed supported), priority A / 8i, 2019: 1,984 of a 2,720 target (from the file)
    rows = indicators.indicator_table(demo_store, programme="2014DE05SFOP016", indicator="CO01", year=2019)
    bremen = [r for r in rows if r["breakdown"].get("investment_priority") == "8i"]
    assert [(r["achieved"], r["target"]) for r in bremen] == [(1984, 2720)]
