"""Statistics in one place: rates with Wilson intervals, Poisson tails and quantiles.

Pure functions of numbers; the metric modules count, this module judges uncertainty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

SMALL_N = 5             # groups under this many participants are flagged as too small


Z95 = 1.959964          # two-sided 95 % normal quantile for the Wilson interval


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
