"""A fair comparison (issue 14): differences with Newcombe intervals and Fisher's p, the share
adjusted for the participant mix, Kaplan–Meier bands and numbers at risk — every number by hand."""

from __future__ import annotations

import json
import math

import pytest

from pipelines.metrics import panels
from pipelines.store import db
from pipelines.metrics.compare import at_risk_months, compare
from tests.helpers.cli import run, run_json
from tests.helpers.stores import build

AS_OF = "2020-12-31"


def build_mix(con) -> None:
    """Nord and Süd, 10 women each, all entered 01.01.2020 (followed 365 days = 12 months).

    | site | German B | reached | German A | reached | training starts         |
    |------|----------|---------|----------|---------|-------------------------|
    | Nord | 8        | 6       | 2        | 0       | 3 on day 20, 3 on day 100 |
    | Süd  | 2        | 2       | 8        | 2       | 4 on day 200            |

    Raw: Nord 6/10 = 60 %, Süd 4/10 = 40 %. Nord's women start with better German: with the mix
    of both sites (B 10, A 10: weights ½, ½) Nord has ½·6/8 + ½·0/2 = 37,5 %, Süd ½·2/2 + ½·2/8 = 62,5 %.
    Qualification is recorded for nobody: the adjustment uses German level only.
    """
    people, episodes = [], []
    for i in range(10):
        people.append((f"n{i}", "2020-01-01", None, {"site": "Nord", "german_level": "B1" if i < 8 else "A2"}))
        people.append((f"s{i}", "2020-01-01", None, {"site": "Süd", "german_level": "B2" if i < 2 else "A1"}))
    episodes += [(f"n{i}", "training", "2020-01-21") for i in range(3)]          # day 20: month 1
    episodes += [(f"n{i}", "training", "2020-04-10") for i in range(3, 6)]       # day 100: month 4
    episodes += [(f"s{i}", "training", "2020-07-19") for i in (0, 1, 2, 3)]      # day 200: month 7
    build(con, people, episodes)


@pytest.fixture
def mix(con):
    build_mix(con)
    return con


# Wilson 95 % for 6 of 10 (z = 1,959964): centre (0,6 + z²/20) / (1 + z²/10) = 0,572243,
# half-width z·√(0,024 + z²/400) / (1 + z²/10) = 0,259573 → 0,312674 … 0,831820; 4 of 10 mirrored
# (0,168180 … 0,687326). Newcombe: 0,2 − √(0,287326² + 0,287326²) = 0,2 − 0,406341 = −0,206341 and
# 0,2 + √(0,231820² + 0,231820²) = 0,2 + 0,327843 = 0,527843.
# Fisher: 20 women, 10 reached, 10 at Nord. P(x) = C(10,x)·C(10,10−x)/C(20,10); P(5) = 252²/184756 =
# 0,343718 is the only table more likely than 6, so p = 1 − 0,343718 = 0,656282.
LOW, HIGH, P = -0.206341, 0.527843, 0.656282


def test_each_site_against_the_others_with_newcombe_interval_and_exact_p(mix):
    nord, sued = compare(mix, ["p1"], "training", AS_OF, by="site")
    assert (nord["group"], nord["versus"], nord["n"], nord["reached"]) == ("Nord", "others", 10, 6)
    assert nord["diff"] == pytest.approx(0.2)
    assert (nord["diff_low"], nord["diff_high"]) == (pytest.approx(LOW, abs=1e-6), pytest.approx(HIGH, abs=1e-6))
    assert nord["p_exact"] == pytest.approx(P, abs=1e-6)
    assert sued["diff"] == pytest.approx(-0.2)
    assert (sued["diff_low"], sued["diff_high"]) == (pytest.approx(-HIGH, abs=1e-6), pytest.approx(-LOW, abs=1e-6))
    assert sued["p_exact"] == pytest.approx(P, abs=1e-6)


def test_the_adjusted_share_turns_round_when_the_german_levels_differ(mix):
    nord, sued = compare(mix, ["p1"], "training", AS_OF, by="site")
    assert nord["adjusted"] == pytest.approx(0.375)
    assert sued["adjusted"] == pytest.approx(0.625)
    assert nord["adjusted_by"] == ["german_level"]
    assert (nord["adjusted_cover"], sued["adjusted_cover"]) == (1.0, 1.0)


def test_typed_groups_are_compared_with_the_first(mix):
    nord, sued = compare(mix, ["p1"], "training", AS_OF, groups=["N: standort=Nord", "S: standort=Süd"])
    assert (nord["versus"], nord["diff"], nord["p_exact"]) == (None, None, None)     # the yardstick
    assert sued["versus"] == "N"
    assert (sued["diff"], sued["diff_low"], sued["diff_high"]) == (
        pytest.approx(-0.2), pytest.approx(-HIGH, abs=1e-6), pytest.approx(-LOW, abs=1e-6))
    assert sued["p_exact"] == pytest.approx(P, abs=1e-6)


def test_small_groups_get_no_test(mix):
    # Nord B (8 women, 6 reached) against Süd B (2 women): the reference is too small
    b_nord, b_sued = compare(mix, ["p1"], "training", AS_OF,
                             groups=["Nord B: standort=Nord; deutschniveau>=B1", "Süd B: standort=Süd; deutschniveau>=B1"])
    assert b_sued["small"] and b_sued["diff"] is None and b_sued["p_exact"] is None
    # by German level within Süd: A (8) against the others (2): the others are too small
    a, b = compare(mix, ["p1"], "training", AS_OF, by="german_level", groups=["Süd: standort=Süd"])
    assert (a["group"], a["small"], a["reference_small"], a["diff"]) == ("Süd – A1", False, True, None)
    assert (b["group"], b["small"], b["diff"]) == ("Süd – B2", True, None)


def test_kaplan_meier_band_and_numbers_at_risk(mix):
    nord, sued = compare(mix, ["p1"], "training", AS_OF, by="site")
    curve = nord["time_to"]
    assert curve["months"] == list(range(13))
    # month 1: 3 of 10 → S = 0,7; month 4: 3 of 7 → S = 0,7 · 4/7 = 0,4
    assert curve["share"][1] == pytest.approx(0.3) and curve["share"][4] == pytest.approx(0.6)
    # Greenwood on log(−log S) at month 1: V = 3/(10·7) = 0,0428571, half = z·√V/|ln 0,7| = 1,137593,
    # S^exp(±half): 0,7^3,119228 = 0,328717, 0,7^0,320593 = 0,891949 → share 0,108051 … 0,671283
    assert curve["band_low"][1] == pytest.approx(0.108051, abs=1e-5)
    assert curve["band_high"][1] == pytest.approx(0.671283, abs=1e-5)
    assert (curve["band_low"][0], curve["band_high"][0]) == (0.0, 0.0)     # nothing yet on the entry day
    # at risk: everyone at 0; after 3 months 7; after 6 months 4; after 12 months nobody is followed further
    assert curve["at_risk"] == {"months": [0, 3, 6, 12], "n": [10, 7, 4, 0]}
    assert sued["time_to"]["at_risk"] == {"months": [0, 3, 6, 12], "n": [10, 10, 10, 0]}
    assert json.dumps([nord, sued])


def test_at_risk_months():
    assert at_risk_months(0) == [0]
    assert at_risk_months(11) == [0, 3, 6]
    assert at_risk_months(60) == [0, 3, 6, 12, 18, 24, 36, 48, 60]


def test_adjustment_with_qualification_and_unknown_as_its_own_stratum(con):
    # X: ISCED 3 (3–4) 2 of 2, unknown 1 of 3; Y: ISCED 6 (5–8) 1 of 4, unknown 0 of 1. German: nobody.
    # Standard: 3–4: 2, unknown: 4, 5–8: 4 (10). X has 3–4 and unknown: weights 2/6, 4/6 →
    # 1/3·1 + 2/3·1/3 = 5/9, cover 6/10; Y has 5–8 and unknown: ½·¼ + ½·0 = 0,125, cover 8/10.
    people = [("x1", "2020-01-01", None, {"site": "X", "qualification_level": 3}),
              ("x2", "2020-01-01", None, {"site": "X", "qualification_level": 4}),
              ("x3", "2020-01-01", None, {"site": "X"}), ("x4", "2020-01-01", None, {"site": "X"}),
              ("x5", "2020-01-01", None, {"site": "X"}),
              *[(f"y{i}", "2020-01-01", None, {"site": "Y", "qualification_level": 6}) for i in range(4)],
              ("y5", "2020-01-01", None, {"site": "Y"})]
    build(con, people, [("x1", "training", "2020-02-01"), ("x2", "training", "2020-02-01"),
                        ("x3", "training", "2020-02-01"), ("y0", "training", "2020-02-01")])
    x, y = compare(con, ["p1"], "training", AS_OF, by="site")
    assert x["adjusted_by"] == ["qualification_level"]
    assert x["adjusted"] == pytest.approx(5 / 9) and x["adjusted_cover"] == pytest.approx(0.6)
    assert y["adjusted"] == pytest.approx(0.125) and y["adjusted_cover"] == pytest.approx(0.8)


def test_no_adjustment_when_nothing_is_recorded(con):
    build(con, [(f"a{i}", "2020-01-01", None, {"site": "A" if i < 5 else "B"}) for i in range(10)])
    a, b = compare(con, ["p1"], "training", AS_OF, by="site")
    assert (a["adjusted"], a["adjusted_by"], b["adjusted"]) == (None, [], None)
    assert (a["diff"], a["p_exact"]) == (0.0, 1.0)       # 0 of 5 against 0 of 5


def test_the_panel_carries_the_same_numbers_as_compare(mix):
    result = panels.comparison(mix, ["p1"], "training", AS_OF, by="site")
    table = result["table"]
    assert list(table["group"]) == ["Nord", "Süd"]
    assert table["diff"].tolist() == pytest.approx([0.2, -0.2])
    assert table["adjusted"].tolist() == pytest.approx([0.375, 0.625])
    assert result["versus"] == "others" and result["adjusted_by"] == ["german_level"]
    risk = result["at_risk"]
    assert risk[risk["group"] == "Nord"]["at_risk"].tolist() == [10, 7, 4, 0]
    curves = result["curves"]
    month_1 = curves[(curves["group"] == "Nord") & (curves["month"] == 1)].iloc[0]
    assert math.isclose(month_1["band_low"], 0.108051, abs_tol=1e-5)


def test_cli_json_and_text_carry_the_same_numbers(db_path):
    con = db.connect(db_path)
    build_mix(con)
    con.close()
    nord, sued = run_json(db_path, "compare", "--program", "p1", "--by", "site", "--status", "training",
                          "--as-of", AS_OF)
    assert (nord["group"], nord["versus"], nord["diff"]) == ("Nord", "others", pytest.approx(0.2))
    assert (nord["diff_low"], nord["diff_high"]) == (pytest.approx(LOW, abs=1e-6), pytest.approx(HIGH, abs=1e-6))
    assert nord["p_exact"] == pytest.approx(P, abs=1e-6)
    assert (nord["adjusted"], sued["adjusted"], nord["adjusted_by"]) == (0.375, 0.625, ["german_level"])
    assert nord["time_to"]["at_risk"] == {"months": [0, 3, 6, 12], "n": [10, 7, 4, 0]}
    assert nord["time_to"]["band_low"][1] == pytest.approx(0.108051, abs=1e-5)
    shown = run("compare", "--program", "p1", "--by", "site", "--status", "training", "--as-of", AS_OF,
                "--db", db_path)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[2].split() == ["Nord", "10", "6", "60,0", "%", "31,3", "%", "–", "83,2", "%",
                                "+20,0", "(−20,6", "…", "+52,8)", "0,656", "37,5", "%"]
    assert lines[3].split()[10:] == ["−20,0", "(−52,8", "…", "+20,6)", "0,656", "62,5", "%"]
    assert "minus Anteil aller übrigen zusammen" in shown.stdout
    assert "nach Deutschniveau so zusammengesetzt" in shown.stdout
    assert "  Nord: 10 · 7 · 4 · 0" in lines and "  Süd: 10 · 10 · 10 · 0" in lines
