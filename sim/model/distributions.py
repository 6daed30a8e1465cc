"""Samplers built from a :class:`~sim.config.Dist` (family, mean, cv). No SimPy here."""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from sim.config.schema import Dist

Sampler = Callable[[], float]


def sampler(dist: Dist, rng: np.random.Generator, scale: float = 1.0) -> Sampler:
    """Return a zero-argument function drawing from ``dist`` (times ``scale``) with ``rng``.

    Parameters are converted once here, so the hot path is one numpy call.
    """
    mean = dist.mean * scale
    cv = dist.cv
    if dist.family == "fixed":
        return lambda: mean
    if dist.family == "exponential":
        return lambda: rng.exponential(mean)
    if dist.family == "lognormal":
        sigma2 = math.log1p(cv * cv)
        mu, sigma = math.log(mean) - sigma2 / 2, math.sqrt(sigma2)
        return lambda: rng.lognormal(mu, sigma)
    if dist.family == "gamma":
        shape = 1.0 / (cv * cv)
        theta = mean / shape
        return lambda: rng.gamma(shape, theta)
    if dist.family == "uniform":
        half = mean * cv * math.sqrt(3.0)
        lo, hi = mean - half, mean + half
        return lambda: rng.uniform(lo, hi)
    raise ValueError(f"unknown family {dist.family!r}")  # validate() prevents this
