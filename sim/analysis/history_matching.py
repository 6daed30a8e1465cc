"""History matching: rule out the parameter vectors a stochastic simulator cannot reconcile with the targets.

Instead of fitting one "best" point, each wave runs a space-filling design, scores every point with the
implausibility of each target (observation uncertainty + model discrepancy + the simulator's own replication
noise), discards the implausible points and refocuses the next design on what is left. The answer is the *set* of
non-implausible vectors, and the targets that empty it say where the model or the figures contradict each other.

References: Craig, Goldstein, Seheult & Smith (1997), "Pressure matching for hydrocarbon reservoirs: a case study
in the use of Bayes linear strategies for large computer experiments"; Vernon, Goldstein & Bower (2010),
"Galaxy formation: a Bayesian uncertainty analysis", Bayesian Analysis 5(4); Andrianakis et al. (2015),
"Bayesian history matching of complex infectious disease models using emulation" (stochastic simulators);
Pukelsheim (1994), "The three sigma rule", The American Statistician 48(2) (the cutoff 3).

Pure numerics (numpy, scipy.stats.qmc, pandas): the caller supplies the function that runs the simulator.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.stats import qmc

SUMMARY = ("max_fitted", "second_max_fitted", "n_rep")
METHODS = ("sobol", "lhs")


@dataclass(frozen=True)
class Parameter:
    """A simulator input searched over [low, high]; ``reason`` records why that range is plausible."""

    key: str  # a dotted config key, e.g. "org.arrivals_per_week"
    low: float
    high: float
    reason: str = ""  # cited figure or "assumption: ..."


@dataclass(frozen=True)
class Observation:
    """A target figure with its uncertainty; held-out ones are only reported, never used to rule points out."""

    key: str  # the simulator output (metric name) it is compared with
    value: float
    sd: float  # observation uncertainty (one standard deviation), > 0
    source: str = ""
    held_out: bool = False
    discrepancy_sd: float = 0.0  # model discrepancy (one sd): what the model cannot represent even at its best


def design(parameters: Sequence[Parameter], n: int, seed: int, method: str = "sobol") -> pd.DataFrame:
    """Space-filling design of ``n`` points over the box (scrambled Sobol' or Latin hypercube), columns = keys.

    Space-filling rather than random so that few, expensive simulator runs still cover every corner of the box.
    """
    if method not in METHODS:
        raise ValueError(f"unknown design method {method!r}; allowed: {', '.join(METHODS)}")
    if n < 1:
        raise ValueError(f"a design needs at least one point, got n={n}")
    for p in parameters:
        if not (math.isfinite(p.low) and math.isfinite(p.high) and p.low < p.high):
            raise ValueError(f"parameter {p.key!r}: need finite low < high, got [{p.low}, {p.high}]")
    if not parameters:
        raise ValueError("a design needs at least one parameter")
    d = len(parameters)
    if method == "lhs":
        unit = qmc.LatinHypercube(d, seed=seed).random(n)
    else:
        sobol = qmc.Sobol(d, scramble=True, seed=seed)
        if n & (n - 1) == 0:
            unit = sobol.random_base2(int(math.log2(n)))
        else:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*balance properties of Sobol", category=UserWarning)
                unit = sobol.random(n)
    points = qmc.scale(unit, [p.low for p in parameters], [p.high for p in parameters])
    return pd.DataFrame(points, columns=[p.key for p in parameters])


def _fitted(observations: Sequence[Observation]) -> list[Observation]:
    return [o for o in observations if not o.held_out]


def implausibility(sims: pd.DataFrame, observations: Sequence[Observation]) -> pd.DataFrame:
    """Per point, I = |mean_sim - value| / sqrt(sd² + discrepancy_sd² + var_sim / n_rep) for every observation.

    The replication variance enters because a stochastic simulator's mean is itself uncertain (Andrianakis et al.
    2015). A NaN in any replication (a metric that could not be measured) makes the mean NaN and I = +inf: a point
    that cannot produce the figure is implausible, never silently plausible.
    """
    missing = [c for c in ["point", *(o.key for o in observations)] if c not in sims.columns]
    if missing:
        raise ValueError(f"simulator output lacks column(s) {missing}")
    groups = sims.groupby("point", sort=True)
    n_rep = groups.size()
    out = pd.DataFrame(index=n_rep.index)
    for o in observations:
        x = groups[o.key]
        unmeasured = sims[o.key].isna().groupby(sims["point"]).any()
        mean = x.mean().astype(float).where(~unmeasured)
        var = x.var(ddof=1).astype(float).fillna(0.0)  # NaN with one replication: no noise estimate, 0
        scale = np.sqrt(o.sd**2 + o.discrepancy_sd**2 + var / n_rep)
        imp = (mean - o.value).abs() / scale
        out[o.key] = imp.where(np.isfinite(mean), math.inf)
    fitted = [o.key for o in _fitted(observations)]
    ranked = -np.sort(-out[fitted].to_numpy(float), axis=1) if fitted else np.empty((len(out), 0))
    out["max_fitted"] = ranked[:, 0] if fitted else math.nan
    out["second_max_fitted"] = ranked[:, 1] if len(fitted) > 1 else math.nan
    out["n_rep"] = n_rep
    return out


def plausible(imp: pd.DataFrame, cutoff: float = 3.0, use: str = "max") -> pd.Series:
    """Non-implausible points: the largest (``use="max"``) or second-largest (``"second"``) fitted I <= cutoff.

    The default cutoff 3 is Pukelsheim's (1994) three-sigma rule: any unimodal distribution puts at least 95 % of
    its mass within three sds. ``"second"`` is Vernon et al.'s (2010) variant robust to one badly-modelled target.
    """
    if use not in ("max", "second"):
        raise ValueError(f"use must be 'max' or 'second', got {use!r}")
    column = "max_fitted" if use == "max" else "second_max_fitted"
    if use == "second" and len(imp) and imp[column].isna().all():
        raise ValueError("use='second' needs at least two fitted observations")
    return (imp[column] <= cutoff).rename("plausible")


def refocus(
    parameters: Sequence[Parameter], plausible_points: pd.DataFrame, n: int, seed: int, method: str = "sobol"
) -> pd.DataFrame:
    """Next-wave design inside the bounding box of the non-implausible points (widened 10 % of each original range
    per side, clipped to it), so the next wave's runs are spent where the answer can still be."""
    if plausible_points.empty:
        raise ValueError(
            "no non-implausible point to refocus on: the targets contradict each other or the ranges are too narrow"
        )
    boxes = []
    for p in parameters:
        if p.key not in plausible_points.columns:
            raise ValueError(f"parameter {p.key!r} is not a column of the plausible points")
        margin = 0.1 * (p.high - p.low)
        low = max(p.low, float(plausible_points[p.key].min()) - margin)
        high = min(p.high, float(plausible_points[p.key].max()) + margin)
        boxes.append(replace(p, low=low, high=high))
    return design(boxes, n, seed, method)


@dataclass
class Wave:
    number: int
    design: pd.DataFrame  # columns = parameter keys, index = point id (unique across waves)
    sims: pd.DataFrame  # the simulator rows for these points
    implausibility: pd.DataFrame
    plausible: pd.Series


@dataclass
class Result:
    parameters: tuple[Parameter, ...]
    observations: tuple[Observation, ...]
    waves: list[Wave]
    cutoff: float

    def plausible_set(self) -> pd.DataFrame:
        """The last wave's non-implausible points with their implausibilities, most plausible first."""
        last = self.waves[-1]
        keep = last.plausible[last.plausible].index
        table = last.design.loc[keep].join(last.implausibility.loc[keep])
        return table.sort_values("max_fitted", kind="stable")

    def best(self) -> pd.Series:
        """The member with the smallest max fitted implausibility (one representative, not "the" answer)."""
        table = self.plausible_set()
        if table.empty:
            raise ValueError("no non-implausible parameter vector: see tension() for the targets that rule all out")
        return table.iloc[0]

    def tension(self) -> pd.DataFrame:
        """Per observation: share of last-wave points it alone rules out, and the smallest I over all waves' points.

        A min I above the cutoff means no point tried in the box can reach that target: the targets or the ranges
        contradict each other (held-out observations are listed too, flagged).
        """
        last = self.waves[-1].implausibility
        every = pd.concat([w.implausibility for w in self.waves])
        rows = []
        for o in self.observations:
            min_i = float(every[o.key].min())
            rows.append(
                {
                    "key": o.key,
                    "held_out": o.held_out,
                    "share_ruled_out": float((last[o.key] > self.cutoff).mean()),
                    "min_I": min_i,
                    "reachable": bool(min_i <= self.cutoff),
                }
            )
        return pd.DataFrame(rows)


def _check(parameters: Sequence[Parameter], observations: Sequence[Observation]) -> None:
    for o in observations:
        if not (math.isfinite(o.value) and math.isfinite(o.sd) and o.sd > 0):
            raise ValueError(f"observation {o.key!r}: need a finite value and sd > 0, got {o.value} ± {o.sd}")
        if not (math.isfinite(o.discrepancy_sd) and o.discrepancy_sd >= 0):
            raise ValueError(f"observation {o.key!r}: discrepancy_sd must be finite and >= 0")
    if not _fitted(observations):
        raise ValueError("history matching needs at least one fitted (not held-out) observation")
    keys = [p.key for p in parameters] + [o.key for o in observations]
    clash = sorted({k for k in keys if keys.count(k) > 1} | set(keys) & {"point", "replication", *SUMMARY})
    if clash:
        raise ValueError(f"duplicate or reserved parameter/observation key(s): {clash}")


def history_match(
    parameters: Sequence[Parameter],
    observations: Sequence[Observation],
    simulate: Callable[[pd.DataFrame, int], pd.DataFrame],
    *,
    points: int = 32,
    waves: int = 2,
    replications: int = 3,
    seed: int = 0,
    cutoff: float = 3.0,
    method: str = "sobol",
    progress: Callable[[str], None] | None = None,
    refocus_cutoff: float | None = None,
) -> Result:
    """Run ``waves`` waves of history matching; stops early (keeping the result) when a wave leaves no point.

    ``simulate(design, replications)`` gets the design (index = point id, named "point") and returns one row per
    point x replication with columns "point", "replication" and the observation keys; the caller runs replication
    k of every point with seed k (common random numbers), so points differ by their parameters, not their luck.
    ``refocus_cutoff`` (default: ``cutoff``) chooses the points the next wave's box is drawn around; a looser one
    lets a coarse first wave that only came close lead the search on. Plausibility is always judged at ``cutoff``.
    """
    _check(parameters, observations)
    if min(points, waves, replications) < 1:
        raise ValueError("points, waves and replications must each be >= 1")
    result = Result(tuple(parameters), tuple(observations), [], cutoff)
    next_id = 0
    for k in range(1, waves + 1):
        wave_seed = int(np.random.SeedSequence([seed, k]).generate_state(1)[0])
        if k == 1:
            d = design(parameters, points, wave_seed, method)
        else:
            last = result.waves[-1]
            near = last.implausibility["max_fitted"] <= (cutoff if refocus_cutoff is None else refocus_cutoff)
            d = refocus(parameters, last.design[near.reindex(last.design.index, fill_value=False)], points,
                        wave_seed, method)
        d.index = pd.RangeIndex(next_id, next_id + len(d), name="point")
        next_id += len(d)
        sims = simulate(d, replications)
        if "point" not in sims.columns or set(sims["point"]) != set(d.index):
            raise ValueError(f"wave {k}: simulate must return a 'point' column covering exactly the design's index")
        imp = implausibility(sims, observations).reindex(d.index)
        ok = plausible(imp, cutoff)
        result.waves.append(Wave(k, d, sims, imp, ok))
        if progress is not None:
            progress(f"wave {k}: {int(ok.sum())} of {len(d)} points non-implausible")
        guide = cutoff if refocus_cutoff is None else refocus_cutoff
        if not (imp["max_fitted"] <= guide).any():
            break
    return result
