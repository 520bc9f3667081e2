"""Statistics: Wilson intervals against textbook values, Poisson tails against scipy."""

from __future__ import annotations

import json

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
