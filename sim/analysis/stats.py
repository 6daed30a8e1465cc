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
    """:func:`estimate`, its interval cut at the range the quantity can take (a share in [0, 1], a count ≥ 0).

    With few replications or a mean near a bound the t interval crosses the bound ("−17.8 % to 67.8 %").
    Transformed intervals (log-odds, log) explode when most replications sit at the bound, as counts of
    rare events do, so the end beyond the bound is cut to it instead; the report says so.
    """
    est = estimate(values, level)
    if est.low != est.low or (est.low >= lower and est.high <= upper):
        return est
    return Estimate(est.mean, est.se, max(est.low, lower), min(est.high, upper), est.n)
