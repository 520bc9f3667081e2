"""Statistics: Wilson intervals against textbook values, Poisson tails against scipy."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest

from pipelines import metrics
from pipelines.metrics import stats


# ------------------------------------------------------------------------------ Wilson

@pytest.mark.parametrize("k, n, low, high", [
    # Newcombe (1998), Statistics in Medicine 17:857–872, Table I, method 3 (score, no CC)
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0000),
    # 37 of 50 (p = 0.74): centre (0.74 + 1.9208/50) / (1 + 3.8415/50) = 0.72288,
    # half-width 1.96 * sqrt(0.74 * 0.26 / 50 + 3.8415 / 10000) / 1.07683 = 0.11842
    (37, 50, 0.6045, 0.8413),
])
def test_wilson_interval_matches_textbook_values(k, n, low, high):
    rate = metrics.wilson(k, n)
    assert rate.ci_low == pytest.approx(low, abs=5e-5)
    assert rate.ci_high == pytest.approx(high, abs=5e-5)
    assert rate.share == pytest.approx(k / n)


def test_rate_edge_cases():
    assert metrics.wilson(0, 0) == metrics.Rate(0, 0, None, None, None, True)
    assert metrics.wilson(3, 4).small and not metrics.wilson(3, 5).small
    assert json.dumps(metrics.wilson(2, 3).as_dict())
    with pytest.raises(ValueError):
        metrics.wilson(5, 4)


def test_poisson_tails_against_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    for k, lam in [(0, 3.0), (5, 6.0), (49, 6.8), (1000, 900.0)]:
        assert stats.poisson_sf(k, lam) == pytest.approx(scipy_stats.poisson.sf(k - 1, lam), rel=1e-9)
        assert stats.poisson_cdf(k, lam) == pytest.approx(scipy_stats.poisson.cdf(k, lam), rel=1e-9)


# ------------------------------------------------------------------------------ Gamma–Poisson forecast

def test_gamma_poisson_by_hand():
    # nothing seen in 12 months, 12 to come: shape 0.5, p = 12/24 = 0.5; P(N = 0) = 0.5^0.5
    assert stats.gamma_poisson_sf(1, 0, 12, 12) == pytest.approx(1 - 0.5 ** 0.5)
    # 1 event in 6 months, 6 to come: shape 1.5, p = 0.5; P(0) = 0.5^1.5 = 0.35355,
    # P(1) = Γ(2.5)/(Γ(1.5)·1!) · 0.5^1.5 · 0.5 = 1.5 · 0.17678 = 0.26517; P(N >= 2) = 0.38128
    assert stats.gamma_poisson_sf(2, 1, 6, 6) == pytest.approx(1 - 0.353553 - 0.265165, abs=1e-6)
    assert stats.gamma_poisson_cdf(1, 1, 6, 6) == pytest.approx(0.353553 + 0.265165, abs=1e-6)
    assert stats.gamma_poisson_sf(0, 3, 12, 5) == 1.0 and stats.gamma_poisson_sf(3, 3, 12, 0) == 0.0


def test_gamma_poisson_is_less_sure_than_poisson():
    # Kassel on 31.08.2020: 20 training starts in the last 12 months, 28 months to go, 13 more needed
    sure = stats.poisson_sf(13, 20 / 12 * 28)
    honest = stats.gamma_poisson_sf(13, 20, 12, 28)
    assert sure > 0.99999 and 0.99 < honest < sure
    # a thin record: 2 in 12 months, 12 months left, 4 needed
    assert stats.gamma_poisson_sf(4, 2, 12, 12) < stats.poisson_sf(4, 2.0) + 0.2


def test_gamma_poisson_against_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    for need, events, months, horizon in [(5, 10, 12, 8), (13, 20, 12, 28), (1, 0, 3, 9), (40, 7, 12, 30)]:
        expected = scipy_stats.nbinom.sf(need - 1, events + 0.5, months / (months + horizon))
        assert stats.gamma_poisson_sf(need, events, months, horizon) == pytest.approx(expected, rel=1e-9, abs=1e-15)


# ------------------------------------------------------------------------------ two groups

def test_newcombe_difference_matches_the_paper():
    # Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10: (a) 56/70 - 48/80
    d, low, high = stats.newcombe(56, 70, 48, 80)
    assert (d, low, high) == pytest.approx((0.2, 0.0524, 0.3339), abs=5e-5)
    # (b) 9/10 - 3/10: 0.6, interval 0.1705 to 0.8090
    assert stats.newcombe(9, 10, 3, 10) == pytest.approx((0.6, 0.1705, 0.8090), abs=5e-5)
    assert stats.newcombe(0, 0, 1, 3) is None


def test_fisher_exact_by_hand():
    # 3 of 4 vs 1 of 4 (margins 4, 4, 4): tables x = 0..4 have probabilities 1, 16, 36, 16, 1 / 70;
    # as or less likely than x = 3 (16/70): 1 + 16 + 16 + 1 = 34 / 70 = 0.4857
    assert stats.fisher_exact(3, 4, 1, 4) == pytest.approx(34 / 70)
    assert stats.fisher_exact(2, 4, 2, 4) == pytest.approx(1.0)
    # 5 of 5 vs 0 of 5: only the two extreme tables, 2 / C(10, 5) = 2 / 252
    assert stats.fisher_exact(5, 5, 0, 5) == pytest.approx(2 / 252)


def test_fisher_exact_large_tables_agree_with_the_exact_sum():
    # the tails are summed outward from the observed table until the terms stop counting: against
    # the sum over every table in exact integer arithmetic (C(n1, x) C(n2, k - x) / C(n, k))
    def exact(k1, n1, k2, n2):
        k, n = k1 + k2, n1 + n2
        weight = [math.comb(n1, x) * math.comb(n2, k - x) for x in range(max(0, k - n2), min(k, n1) + 1)]
        observed = math.comb(n1, k1) * math.comb(n2, k2)
        return Fraction(sum(w for w in weight if w <= observed), math.comb(n, k))

    for case in ((120, 400, 1300, 5000), (96, 400, 1300, 5000), (0, 300, 40, 4000), (400, 400, 1300, 5000)):
        assert stats.fisher_exact(*case) == pytest.approx(float(exact(*case)), rel=1e-9), case
    # 8,000 women of a cohort against the 992,000 others of a national program, 30 % each
    assert stats.fisher_exact(2400, 8000, 297600, 992000) == pytest.approx(1.0)


def test_difference_flags_small_groups():
    small = stats.difference(3, 4, 1, 4)
    assert small.small and small.p_exact == pytest.approx(34 / 70) and small.diff == pytest.approx(0.5)
    big = stats.difference(56, 70, 48, 80)
    assert not big.small and big.as_dict()["ci_low"] == pytest.approx(0.0524, abs=5e-5)
    assert stats.difference(0, 0, 2, 5).diff is None


# ------------------------------------------------------------------------------ Kaplan–Meier band, standardisation

def test_km_band_by_hand():
    # 10 at risk, 2 events: S = 0.8, Greenwood 2/(10·8) = 0.025; log S = -0.22314;
    # half = 1.96 · sqrt(0.025) / 0.22314 = 1.38879; S_low = 0.8^e^1.38879 = 0.8^4.0102
    # = e^-0.89486 = 0.40866, S_high = 0.8^e^-1.38879 = 0.8^0.24936 = e^-0.05564 = 0.94588
    # → share band (0.05412, 0.59134)
    band = stats.km_band([10, 10, 8], [0, 2, 0])
    assert band[0] == (0.0, 0.0)
    assert band[1] == pytest.approx((0.05412, 0.59134), abs=5e-5)
    assert band[2] == pytest.approx(band[1])


def test_standardised_share_by_hand():
    # group: A 1 of 2, B 3 of 4; standard mix A 30, B 10 → 0.75 · 0.5 + 0.25 · 0.75 = 0.5625
    assert stats.standardised_share({"A": (1, 2), "B": (3, 4)}, {"A": 30, "B": 10}) == pytest.approx(0.5625)
    # a stratum the group lacks is left out and the weights renormalised: only B → 0.75
    assert stats.standardised_share({"B": (3, 4)}, {"A": 30, "B": 10}) == pytest.approx(0.75)
    assert stats.standardised_share({}, {"A": 1}) is None
