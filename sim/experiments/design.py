"""Designs of a sweep: which values of which config keys to run (issue 16's first brick).

A design is a list of points, each a ``{config key: value}`` dict, run with the same replications on
common random numbers (replication k of every point uses seed k). The kinds researchers know:

- ``grid``: every combination of the listed values (a full factorial);
- ``lhs`` / ``sobol``: ``n`` space-filling points over ``[low, high]`` ranges (``scipy.stats.qmc``:
  Latin hypercube, scrambled Sobol' sequence), reproducible from ``seed``;
- ``morris``: Morris trajectories for elementary-effects screening (SALib), ``n`` trajectories on
  ``levels`` grid levels;
- ``saltelli``: Saltelli's sampling for Sobol' first-order and total indices (SALib), ``n`` base samples
  (``n × (k + 2)`` points for ``k`` keys), ``n`` a power of two;
- ``oat``: one at a time, the tornado's design: the base (the config as it is) and each key at its low and
  at its high value.

Ranges are written ``key: [low, high]``, a grid's values ``key: [v1, v2, ...]``. A key whose range or values are
all whole numbers gets whole numbers (a staff count stays a count only if its ends are).
The analyses (Morris μ*/σ, Sobol' indices with bootstrap CIs) are SALib's, not re-implemented here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.config.schema import ConfigError

KINDS = ("grid", "lhs", "sobol", "morris", "saltelli", "oat")


@dataclass
class DesignSpec:
    """What to sample: the kind, the keys with their ranges (or a grid's values), size and seed."""

    kind: str = "oat"
    params: dict[str, list[Any]] = field(default_factory=dict)
    n: int = 0  # points (lhs, sobol), trajectories (morris), base samples (saltelli); unused by grid and oat
    levels: int = 4  # morris: grid levels
    seed: int = 0  # the design's own draw (not the simulation's seeds)


def _whole(values: list[Any]) -> bool:
    return all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values)


def _check(spec: DesignSpec) -> None:
    if spec.kind not in KINDS:
        raise ConfigError("design.kind", spec.kind, ", ".join(KINDS))
    if not spec.params:
        raise ConfigError("design.params", spec.params, "at least one config key with its range or values")
    for key, values in spec.params.items():
        if not isinstance(values, (list, tuple)) or not values:
            raise ConfigError(f"design.params.{key}", values, "a list: [low, high], or a grid's values")
        if any(isinstance(v, bool) or not isinstance(v, (int, float, str)) for v in values):
            raise ConfigError(f"design.params.{key}", values, "numbers (or, for a grid, words)")
        if spec.kind != "grid":
            if len(values) != 2 or not all(isinstance(v, (int, float)) for v in values) or not values[0] < values[1]:
                raise ConfigError(f"design.params.{key}", values, "[low, high] with low < high")
    if spec.kind in ("lhs", "sobol", "morris", "saltelli") and spec.n < 1:
        what = "trajectories" if spec.kind == "morris" else "points"
        raise ConfigError("design.n", spec.n, f"a positive number of {what}")
    if spec.kind == "saltelli" and spec.n & (spec.n - 1):
        raise ConfigError("design.n", spec.n, "a power of two (Saltelli's sampling keeps the Sobol' balance)")
    if spec.kind == "morris" and spec.levels < 2:
        raise ConfigError("design.levels", spec.levels, "at least 2 grid levels")
    if size(spec) > MAX_POINTS:  # before a list of a billion combinations is built
        key = "design.params" if spec.kind in ("grid", "oat") else "design.n"
        value = spec.n if key == "design.n" else f"{size(spec):,} points"
        raise ConfigError(key, value, f"a design of at most {MAX_POINTS:,} points (this one has {size(spec):,})")


MAX_POINTS = 100_000


def size(spec: DesignSpec) -> int:
    """How many points the design has, without building them."""
    k = len(spec.params)
    if spec.kind == "grid":
        return int(np.prod([len(v) for v in spec.params.values()], dtype=object))
    if spec.kind == "oat":
        return 1 + sum(len(v) for v in spec.params.values())
    return spec.n * {"morris": k + 1, "saltelli": k + 2}.get(spec.kind, 1)


def problem(spec: DesignSpec) -> dict:
    """SALib's problem dict for the design's ranges."""
    return {"num_vars": len(spec.params), "names": list(spec.params),
            "bounds": [[float(lo), float(hi)] for lo, hi in spec.params.values()]}


def unit_sample(spec: DesignSpec) -> np.ndarray:
    """The design's points in the unit cube (lhs, sobol) or in the ranges (morris, saltelli), one row per point."""
    k = len(spec.params)
    if spec.kind in ("lhs", "sobol"):
        from scipy.stats import qmc

        engine = qmc.LatinHypercube(d=k, seed=spec.seed) if spec.kind == "lhs" else \
            qmc.Sobol(d=k, scramble=True, seed=spec.seed)
        return engine.random(spec.n)
    if spec.kind == "morris":
        from SALib.sample import morris

        return morris.sample(problem(spec), spec.n, num_levels=spec.levels, seed=spec.seed)
    from SALib.sample import sobol

    return sobol.sample(problem(spec), spec.n, calc_second_order=False, seed=spec.seed)


def points(spec: DesignSpec) -> list[dict[str, Any]]:
    """Every point of the design, in order (the order the analyses expect); ``oat``'s first point is the base ({})."""
    _check(spec)
    keys = list(spec.params)
    if spec.kind == "grid":
        return [dict(zip(keys, combo)) for combo in itertools.product(*spec.params.values())]
    if spec.kind == "oat":
        return [{}] + [{key: v} for key in keys for v in spec.params[key]]
    sample = unit_sample(spec)
    if spec.kind in ("lhs", "sobol"):
        lows = np.array([spec.params[k][0] for k in keys], dtype=float)
        highs = np.array([spec.params[k][1] for k in keys], dtype=float)
        sample = lows + sample * (highs - lows)
    out = []
    for row in sample:
        point = {}
        for key, x in zip(keys, row):
            point[key] = int(round(x)) if _whole(spec.params[key]) else float(x)
        out.append(point)
    return out


def overrides(point: dict[str, Any]) -> list[str]:
    """Hydra overrides for a point (``key=value``), in the design's key order."""
    return [f"{key}={value!r}" if isinstance(value, str) else f"{key}={value}" for key, value in point.items()]


def analyse(spec: DesignSpec, outputs: np.ndarray, samples: np.ndarray | None = None,
            resamples: int = 200, seed: int = 0) -> dict[str, dict[str, float]]:
    """Sensitivity indices per key with 95 % bootstrap CIs (half-widths), from one output value per point.

    ``morris``: μ* (mean absolute elementary effect), its CI and σ; ``saltelli``: Sobol' first-order (S1) and
    total (ST) indices with their CIs. ``samples`` are the design's rows (:func:`unit_sample`; Morris needs them).
    """
    y = np.asarray(outputs, dtype=float)
    seed = seed + 1  # SALib's Sobol' analysis reads seed 0 as "no seed" (``if seed:``): bootstrap CIs would vary
    if spec.kind == "morris":
        from SALib.analyze import morris

        x = unit_sample(spec) if samples is None else samples
        res = morris.analyze(problem(spec), x, y, num_resamples=resamples, conf_level=0.95, seed=seed)
        return {name: {"mu_star": float(res["mu_star"][i]), "mu_star_conf": float(res["mu_star_conf"][i]),
                       "sigma": float(res["sigma"][i])} for i, name in enumerate(res["names"])}
    if spec.kind == "saltelli":
        from SALib.analyze import sobol

        res = sobol.analyze(problem(spec), y, calc_second_order=False, num_resamples=resamples, conf_level=0.95,
                            seed=seed)
        return {name: {"S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]),
                       "ST": float(res["ST"][i]), "ST_conf": float(res["ST_conf"][i])}
                for i, name in enumerate(spec.params)}
    raise ConfigError("design.kind", spec.kind, "morris or saltelli for sensitivity indices")
