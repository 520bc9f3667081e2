"""The forecast backtest: each series' last year predicted from the year before."""

from __future__ import annotations

import pytest

from pipelines.report import build_report
from pipelines.targets import backtest
from tests.report.cases import KASSEL_ARGS


def test_score_by_hand():
    # seen 10, actual 12 (12 months each): Poisson(10) 80 % range 6..14 holds 12; Gamma–Poisson too.
    # seen 0, actual 3: Poisson(0) is [0, 0] → outside; Gamma–Poisson (shape 0.5, p 0.5) 90th pct = 2 → above
    score = backtest._score([(10, 12), (0, 3), (-2, 5)])
    assert (score["series"], score["left_out"]) == (2, 1)
    assert score["coverage"] == {"poisson": 0.5, "gamma_poisson": 0.5}
    assert score["below"] == {"poisson": 0.0, "gamma_poisson": 0.0}
    # "at least as many again": came true for both (12 ≥ 10, 3 ≥ 0)
    assert score["pace"]["observed"] == 1.0


def test_measured_numbers_in_the_report_are_the_backtest_of_the_demo_store(demo_con):
    result = backtest.backtest(demo_con)
    measured = backtest.MEASURED
    demo, esf = result["demo"], result["indicators"]
    assert demo["series"] == measured["demo_series"] and esf["series"] == measured["esf_series"]
    assert demo["coverage"]["poisson"] == pytest.approx(measured["demo_poisson"])
    assert demo["coverage"]["gamma_poisson"] == pytest.approx(measured["demo_gamma_poisson"])
    assert esf["coverage"]["poisson"] == pytest.approx(measured["esf_poisson"], abs=5e-5)
    assert esf["coverage"]["gamma_poisson"] == pytest.approx(measured["esf_gamma_poisson"], abs=5e-5)
    assert esf["below"]["gamma_poisson"] == pytest.approx(measured["esf_below"], abs=5e-5)
    # the honest model is better calibrated than the plain Poisson on both, and still far from 80 %
    assert demo["coverage"]["gamma_poisson"] > demo["coverage"]["poisson"]
    assert esf["coverage"]["gamma_poisson"] > esf["coverage"]["poisson"]


def test_the_method_section_quotes_the_calibration(demo_con):
    method = dict(build_report(demo_con, *KASSEL_ARGS).method)
    paragraph = method["Ziele, Stand und Prognose"]
    assert "in 50 % der 14 Demo-Reihen und in 23 % der 2.369 ESF-Indikatorreihen" in paragraph
    assert "ein reiner Poisson-Prozess: 7 % bzw. 17 %" in paragraph and "über 99 %" in paragraph
