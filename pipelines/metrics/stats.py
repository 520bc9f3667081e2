"""Statistics in one place: rates with Wilson intervals, Poisson and Gamma–Poisson tails, the
difference of two shares (Newcombe, Fisher), a Kaplan–Meier band, direct standardisation.

Pure functions of numbers; the metric modules count, this module judges uncertainty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

SMALL_N = 5             # groups under this many participants are flagged as too small


Z95 = 1.959964          # two-sided 95 % normal quantile for the Wilson interval
_NEGLIGIBLE = 1e-17     # fisher_exact: a tail's term this small against its sum no longer changes it


@dataclass(frozen=True)
class Rate:
    """k of n, with the Wilson 95 % score interval; `small` when n < 5 (too small to compare).

    share, ci_low and ci_high are None when n = 0.
    """

    k: int
    n: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    small: bool

    def as_dict(self) -> dict[str, Any]:
        return {"k": self.k, "n": self.n, "share": self.share, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "small": self.small}


def wilson(k: int, n: int, z: float = Z95) -> Rate:
    """k of n as a `Rate` with the Wilson score interval (without continuity correction).

    >>> r = wilson(81, 263); round(r.ci_low, 4), round(r.ci_high, 4)   # Newcombe (1998)
    (0.2553, 0.3662)
    """
    k, n = int(k), int(n)
    if n < 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return Rate(0, 0, None, None, None, True)
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return Rate(k, n, p, low, high, n < SMALL_N)


def poisson_cdf(k: int, lam: float) -> float:
    """P(N <= k) for N ~ Poisson(lam), summed in log space (stable for large lam)."""
    if k < 0:
        return 0.0
    if lam <= 0:
        return 1.0
    logs = [-lam + i * math.log(lam) - math.lgamma(i + 1) for i in range(k + 1)]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(x - top) for x in logs))


def poisson_sf(k: int, lam: float) -> float:
    """P(N >= k) for N ~ Poisson(lam); sums the upper tail directly when it is the small side."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    if k <= lam:
        return max(0.0, 1.0 - poisson_cdf(k - 1, lam))
    total, i = 0.0, k
    term = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
    while term > 0 and (total == 0 or term > total * 1e-17):
        total += term
        i += 1
        term *= lam / i
    return min(1.0, total)


def poisson_quantile(mean: float, q: float) -> int:
    """Smallest k with P(X <= k) >= q for X ~ Poisson(mean).

    Exact by summing the distribution up to a mean of 1,000; above that the normal
    approximation (with continuity correction), which is then closer than one unit.
    """
    if mean <= 0:
        return 0
    if mean > 1000:
        return max(0, math.ceil(mean + NormalDist().inv_cdf(q) * math.sqrt(mean) - 0.5))
    k, p = 0, math.exp(-mean)
    cumulative = p
    while cumulative < q and k < 100000:
        k += 1
        p *= mean / k
        cumulative += p
    return k


# --------------------------------------------------------------------------------------
# Forecasts: the Poisson rate itself is uncertain (Gamma–Poisson, i.e. negative binomial)
# --------------------------------------------------------------------------------------

RATE_PRIOR_SHAPE = 0.5  # Jeffreys prior for a Poisson rate: Gamma(0.5, 0)


def gamma_poisson_sf(need: int, events: float, months: float, horizon: float) -> float:
    """P(N >= need) for the events still to come in `horizon` months, when `events` were
    observed in `months` months and the monthly rate is not known but estimated.

    The rate has the posterior Gamma(events + 0.5, months) (Jeffreys prior), so N is negative
    binomial with shape a = events + 0.5 and p = months / (months + horizon):
    P(N = n) = Γ(n + a) / (Γ(a) n!) · p^a · (1 - p)^n. Its mean is (events + 0.5) / months ×
    horizon, its spread wider than a Poisson's at the observed rate: the fewer months and
    events observed, the less certain the forecast.

    >>> round(gamma_poisson_sf(1, 0, 12, 12), 4)   # nothing seen in a year: 1 - (1/2)^0.5
    0.2929
    """
    if need <= 0:
        return 1.0
    if horizon <= 0:
        return 0.0
    if months <= 0:
        raise ValueError("months must be > 0")
    shape = max(float(events), 0.0) + RATE_PRIOR_SHAPE
    p = months / (months + horizon)
    log_p, log_q = math.log(p), math.log1p(-p)
    # P(N <= need - 1), summed in log space
    logs = [math.lgamma(n + shape) - math.lgamma(shape) - math.lgamma(n + 1) + shape * log_p + n * log_q
            for n in range(need)]
    top = max(logs)
    below = min(1.0, math.exp(top) * sum(math.exp(x - top) for x in logs))
    return max(0.0, 1.0 - below)


def gamma_poisson_cdf(most: int, events: float, months: float, horizon: float) -> float:
    """P(N <= most) under the same model as `gamma_poisson_sf`."""
    if most < 0:
        return 0.0
    return 1.0 - gamma_poisson_sf(most + 1, events, months, horizon)


# --------------------------------------------------------------------------------------
# Two groups: difference of shares (Newcombe), exact test (Fisher)
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    """share A - share B with Newcombe's 95 % interval (hybrid score, method 10) and the
    two-sided p of Fisher's exact test; `small` when either group has under 5 participants.
    diff/ci are None when a group is empty."""

    diff: float | None
    ci_low: float | None
    ci_high: float | None
    p_exact: float | None
    small: bool

    def as_dict(self) -> dict[str, Any]:
        return {"diff": self.diff, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "p_exact": self.p_exact, "small": self.small}


def newcombe(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> tuple[float, float, float] | None:
    """p1 - p2 with Newcombe's (1998) hybrid score interval from the two Wilson intervals.

    >>> d, lo, hi = newcombe(56, 70, 48, 80); round(d, 4), round(lo, 4), round(hi, 4)  # Newcombe Table II (a)
    (0.2, 0.0524, 0.3339)
    """
    if n1 == 0 or n2 == 0:
        return None
    a, b = wilson(k1, n1, z), wilson(k2, n2, z)
    p1, p2 = a.share, b.share
    d = p1 - p2
    low = d - math.sqrt((p1 - a.ci_low) ** 2 + (b.ci_high - p2) ** 2)
    high = d + math.sqrt((a.ci_high - p1) ** 2 + (p2 - b.ci_low) ** 2)
    return d, max(-1.0, low), min(1.0, high)


def fisher_exact(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p of Fisher's exact test for k1 of n1 vs k2 of n2: the probability, with the
    margins fixed, of a table no more likely than the one observed.

    The hypergeometric probabilities rise to one mode and fall after it, so the tables no more
    likely than the observed one are the two tails: each found by bisection, then summed from
    the observed likelihood outward with the ratio of neighbouring probabilities until the terms
    no longer change the sum (a comparison of 8,000 women against a million reads a few hundred
    tables, not all 8,000).

    >>> round(fisher_exact(3, 4, 1, 4), 4)   # the lady tasting tea
    0.4857
    """
    k = k1 + k2
    low, high = max(0, k - n2), min(k, n1)

    def log_pmf(x: int) -> float:
        return (math.lgamma(n1 + 1) - math.lgamma(x + 1) - math.lgamma(n1 - x + 1)
                + math.lgamma(n2 + 1) - math.lgamma(k - x + 1) - math.lgamma(n2 - k + x + 1)
                - math.lgamma(n1 + n2 + 1) + math.lgamma(k + 1) + math.lgamma(n1 + n2 - k + 1))

    limit = log_pmf(k1) + 1e-7
    mode = min(max((k + 1) * (n1 + 1) // (n1 + n2 + 2), low), high)
    total = 0.0
    # lower tail: the largest x <= mode still as unlikely as observed, then down to `low`
    if log_pmf(low) <= limit:
        a, b = low, mode
        while a < b:
            mid = (a + b + 1) // 2
            a, b = (mid, b) if log_pmf(mid) <= limit else (a, mid - 1)
        x, term = a, math.exp(log_pmf(a))
        while x >= low and term > total * _NEGLIGIBLE:
            total += term
            term *= x * (n2 - k + x) / ((n1 - x + 1) * (k - x + 1))   # P(x - 1) / P(x)
            x -= 1
    # upper tail: the smallest x > mode as unlikely as observed, then up to `high`
    if mode < high and log_pmf(high) <= limit:
        a, b = mode + 1, high
        while a < b:
            mid = (a + b) // 2
            a, b = (a, mid) if log_pmf(mid) <= limit else (mid + 1, b)
        x, term, upper = b, math.exp(log_pmf(b)), 0.0
        while x <= high and term > upper * _NEGLIGIBLE:
            upper += term
            term *= (n1 - x) * (k - x) / ((x + 1) * (n2 - k + x + 1))   # P(x + 1) / P(x)
            x += 1
        total += upper
    return min(1.0, total)


def difference(k1: int, n1: int, k2: int, n2: int) -> Difference:
    """k1 of n1 against k2 of n2: Newcombe interval of the difference and Fisher's exact p."""
    interval = newcombe(k1, n1, k2, n2)
    small = n1 < SMALL_N or n2 < SMALL_N
    if interval is None:
        return Difference(None, None, None, None, small)
    return Difference(*interval, fisher_exact(k1, n1, k2, n2), small)


# --------------------------------------------------------------------------------------
# Kaplan–Meier: a confidence band from the monthly table
# --------------------------------------------------------------------------------------

def km_band(at_risk: list[int], events: list[int], z: float = Z95) -> list[tuple[float, float]]:
    """95 % band of the cumulative share 1 - S(t) per interval, Greenwood's variance on the
    log(-log S) scale (Kalbfleisch–Prentice), from the numbers at risk and events per interval.

    Intervals are whole months (the table of `metrics.time_to`), so the band treats each
    month as one step — close to the day-level estimate, slightly narrower where a month
    holds many censorings. Before the first event the band is (0, 0).
    """
    out: list[tuple[float, float]] = []
    survival, greenwood = 1.0, 0.0
    for n, d in zip(at_risk, events):
        n, d = int(n), int(d)
        if n > 0 and d > 0:
            survival *= 1 - d / n
            greenwood += d / (n * (n - d)) if n > d else math.inf
        if survival >= 1.0:
            out.append((0.0, 0.0))
        elif survival <= 0.0 or math.isinf(greenwood):
            out.append((max(0.0, 1 - survival), 1.0))
        else:
            log_s = math.log(survival)
            half = z * math.sqrt(greenwood) / abs(log_s)
            s_low, s_high = survival ** math.exp(half), survival ** math.exp(-half)
            out.append((1 - s_high, 1 - s_low))
    return out


# --------------------------------------------------------------------------------------
# Adjusting for the participant mix: direct standardisation
# --------------------------------------------------------------------------------------

def standardised_share(strata: dict[Any, tuple[int, int]], standard: dict[Any, int]) -> float | None:
    """A group's share had it the participant mix of the standard population.

    strata: the group's {stratum: (k, n)}; standard: {stratum: participants} of all groups
    together. The share is Σ w_s · k_s / n_s over the strata the group has (w_s = the
    standard's weight, renormalised over those strata); None when it has none.

    >>> standardised_share({"A": (1, 2), "B": (3, 4)}, {"A": 30, "B": 10})   # 0.75·0.5 + 0.25·0.75
    0.5625
    """
    weights = {s: w for s, w in standard.items() if w and strata.get(s, (0, 0))[1] > 0}
    total = sum(weights.values())
    if not total:
        return None
    return sum(w / total * strata[s][0] / strata[s][1] for s, w in weights.items())


def gamma_poisson_quantile(q: float, events: float, months: float, horizon: float) -> int:
    """Smallest n with P(N <= n) >= q under the model of `gamma_poisson_sf`.

    Exact by summing the negative binomial up to a mean of 1,000; above that the normal
    approximation with its variance a(1 - p)/p² (continuity-corrected).
    """
    if horizon <= 0:
        return 0
    shape = max(float(events), 0.0) + RATE_PRIOR_SHAPE
    p = months / (months + horizon)
    mean = shape * (1 - p) / p
    if mean > 1000:
        sd = math.sqrt(shape * (1 - p)) / p
        return max(0, math.ceil(mean + NormalDist().inv_cdf(q) * sd - 0.5))
    n, pmf = 0, math.exp(shape * math.log(p))
    cumulative = pmf
    while cumulative < q and n < 1_000_000:
        n += 1
        pmf *= (n - 1 + shape) / n * (1 - p)
        cumulative += pmf
    return n
