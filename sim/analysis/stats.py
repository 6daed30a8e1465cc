"""Confidence intervals over replications (pure numpy/scipy)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """Mean over replications with its standard error and a two-sided t confidence interval."""

    mean: float
    se: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def estimate(values, level: float = 0.95) -> Estimate:
    """Mean ± t-quantile × standard error of independent replication values (NaNs dropped)."""
    x = np.asarray([v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))], float)
    n = len(x)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, math.nan, 1)
    se = float(x.std(ddof=1) / math.sqrt(n))
    t = float(stats.t.ppf(0.5 + level / 2, n - 1))
    return Estimate(mean, se, mean - t * se, mean + t * se, n)


def bounded_estimate(values, lower: float = -math.inf, upper: float = math.inf, level: float = 0.95) -> Estimate:
    """:func:`estimate`, kept inside the range the quantity can take (a share in [0, 1], a count ≥ 0).

    Where the usual t interval would leave the range (few replications, a mean near a bound), the
    interval is built on the log-odds scale for a share and the log scale for a positive quantity
    (delta method) and transformed back, so it narrows towards the bound instead of crossing it.
    Inside the range the usual interval is returned unchanged.
    """
    est = estimate(values, level)
    if est.n < 2 or est.low != est.low or (est.low >= lower and est.high <= upper) or est.se == 0:
        return est
    t = (est.high - est.mean) / est.se
    m = est.mean
    if math.isfinite(lower) and math.isfinite(upper):  # a share: logit scale
        if not lower < m < upper:
            return Estimate(m, est.se, m, m, est.n)
        p = (m - lower) / (upper - lower)
        se = est.se / (upper - lower) / (p * (1 - p))
        g = math.log(p / (1 - p))
        back = lambda z: lower + (upper - lower) / (1 + math.exp(-z))  # noqa: E731
        return Estimate(m, est.se, back(g - t * se), back(g + t * se), est.n)
    if math.isfinite(lower):  # a positive quantity: log scale above the bound
        if m <= lower:
            return Estimate(m, est.se, m, m, est.n)
        x = m - lower
        return Estimate(m, est.se, lower + x * math.exp(-t * est.se / x), lower + x * math.exp(t * est.se / x), est.n)
    return est
