"""Staffing targets and their statistical check (issue 18): is a candidate's long-run figure inside its bound?

A target bounds a summary figure on its better side (at most a wait, at least a share: :mod:`sim.analysis.kpis`).
A candidate's replications give its mean and standard error per target; the one-sided t confidence that the
long-run mean meets the bound decides: *meets* (every target with the stated confidence, Bonferroni over the
targets), *fails* (some target missed with that confidence) or *unsure* (more replications needed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from scipy import stats

from sim.analysis.kpis import BY_KEY
from sim.config.schema import ConfigError

# where a figure is not a headline KPI, its better side (a target on it is then a bound on that side)
SIDES = {"wait_hours_mean": "lower", "wait_hours_total": "lower"}  # the M/M/c and tandem reductions


POOL_NAMES = {"org.reception.caseworkers": "reception caseworkers",
              "org.long_term.caseworkers": "long-term caseworkers", "org.payment.officers": "payment officers",
              "variant.module_admins.fte": "module administrators", "org.payment.cash_office": "cash office",
              "org.deputy_managers": "deputy managers", "org.servers": "servers"}


def pool_name(key: str) -> str:
    """A pool's name for people (org.stations.0.servers: a tandem's first station's servers)."""
    parts = key.split(".")
    if len(parts) == 4 and parts[:2] == ["org", "stations"] and parts[2].isdigit():
        return f"station {int(parts[2]) + 1} {parts[3]}"
    return POOL_NAMES.get(key, key)


@dataclass
class Pool:
    low: float = 1.0
    high: float = 20.0
    step: float = 1.0
    sek_per_unit: Optional[float] = None  # None: the config's cost of the role (costs.caseworker, ...)


@dataclass
class OptimiseSpec:
    name: str = "optimise"
    org: str = "hasselby_vallingby"
    pools: dict[str, Pool] = field(default_factory=dict)
    target: dict[str, float] = field(default_factory=dict)  # figure -> bound (side from the figure)
    replications: int = 5  # a candidate's first batch; more are added where the decision is close
    # the search's replications; the choice's fresh-seed check and its cheaper neighbours' refutation come on top
    budget: int = 300
    confidence: float = 0.95  # that the chosen staffing meets every target (Bonferroni over the targets)
    budget_sek: Optional[float] = None  # a ceiling on the pools' cost a year
    # a share of each target's bound within which a long-run figure is on the target (assumption: a difference
    # no manager would act on); the sequential check stops there instead of spending the budget
    tolerance: float = 0.01
    # a target's own tolerance in its figure's units, where a share of the bound does not fit (a small bound:
    # 2 % of a 5 % late-payment target is a tenth of a point, which no run resolves)
    tolerances: dict[str, float] = field(default_factory=dict)
    horizon_weeks: float = 78.0
    warmup_weeks: float = 26.0
    overrides: list[str] = field(default_factory=list)  # applied to every candidate
    start: str = "queueing"  # queueing | today
    start_busy: float = 0.85  # assumption: the busy share the queueing start aims at
    check_replications: int = 10  # the independent check of the choice: a batch on fresh seeds (not in the budget)
    check_max: int = 60  # the independent check's replications at most, batch by batch until its CIs are clear
    # assumption: no pool above this busy share (its staff's time on the model's tasks); a pool run near 100 %
    # meets a mean target only as a saturated queue, which no manager can staff for. null: no such limit
    max_busy: Optional[float] = None
    label: str = ""  # the page's name for the organisation (a city's district); "": the district's


@dataclass
class Estimate:
    """One candidate's replications: per target its mean, standard error and verdict."""

    staffing: tuple[float, ...]
    cost: float
    values: dict[str, list[float]]

    @property
    def n(self) -> int:
        return min((len(v) for v in self.values.values()), default=0)

    def mean(self, metric: str) -> float:
        return float(np.mean(self.values[metric]))

    def se(self, metric: str) -> float:
        v = self.values[metric]
        return float(np.std(v, ddof=1) / math.sqrt(len(v))) if len(v) > 1 else math.inf


BUSY = "busy_share."  # busy_share.<pool key>: the pool's busy share, kept at most optimise.max_busy


def side(metric: str) -> str:
    """'max' (the figure must stay at most the bound: lower is better) or 'min'."""
    if metric.startswith(BUSY):
        return "max"
    better = BY_KEY[metric].better if metric in BY_KEY else SIDES.get(metric, "")
    if better not in ("lower", "higher"):
        raise ConfigError(f"target.{metric}", None, "a figure with a better side: " + ", ".join(
            sorted([k for k, kpi in BY_KEY.items() if kpi.better] + list(SIDES))))
    return "max" if better == "lower" else "min"


def margin(spec: OptimiseSpec, est: Estimate, metric: str) -> float:
    """How far the mean is inside the target (positive: met), in the figure's units."""
    bound = spec.target[metric]
    return bound - est.mean(metric) if side(metric) == "max" else est.mean(metric) - bound


def confidence_met(spec: OptimiseSpec, est: Estimate, metric: str) -> float:
    """One-sided confidence that the long-run mean meets the target (t distribution, n − 1 df)."""
    se, m = est.se(metric), margin(spec, est, metric)
    if est.n < 2 or not math.isfinite(se):
        return math.nan
    if se == 0:
        return 1.0 if m >= 0 else 0.0
    return float(stats.t.cdf(m / se, est.n - 1))


def verdict(spec: OptimiseSpec, est: Estimate) -> str:
    """'meets' (every target with the stated confidence), 'fails' (some target surely missed), 'edge' (a target
    neither, but its interval already lies within the tolerance of the bound: more replications would not tell
    a difference anyone would act on), or 'unsure' (more replications needed).

    The edge is an indifference zone in the sense of Andradóttir & Kim (2010): a figure within
    ``tolerance`` × bound of its target may be called either way, which lets the sequential check stop."""
    level = 1 - (1 - spec.confidence) / len(spec.target)  # Bonferroni over the targets
    conf = {m: confidence_met(spec, est, m) for m in spec.target}
    if any(c != c for c in conf.values()):
        return "unsure"
    if any(c <= 1 - level for c in conf.values()):
        return "fails"
    if all(c >= level for c in conf.values()):
        return "meets"
    q = float(stats.t.ppf(level, est.n - 1))
    close = all(q * est.se(m) <= tolerance(spec, m)
                for m, c in conf.items() if c < level)
    return "edge" if close else "unsure"


def tolerance(spec: OptimiseSpec, metric: str) -> float:
    """How close to a target's bound a figure is on the target, in the figure's units: the target's own
    (``optimise.tolerances``), else ``optimise.tolerance`` times the bound."""
    if metric in spec.tolerances:
        return float(spec.tolerances[metric])
    return spec.tolerance * (abs(spec.target[metric]) or 1.0)


def looks_feasible(spec: OptimiseSpec, est: Estimate, slack: bool = True) -> bool:
    """Whether every mean lies inside its target by at least the tolerance (the search's aim: a figure closer
    than that is on the target's edge and would not be recommended), or, ``slack=False``, inside at all."""
    return all(margin(spec, est, m) >= (tolerance(spec, m) if slack else 0.0) for m in spec.target)


def shortfall(spec: OptimiseSpec, est: Estimate) -> float:
    """The worst shortfall over the targets from the search's aim (the tolerance inside each), relative to the
    bound; 0 when :func:`looks_feasible`."""
    worst = 0.0
    for m in spec.target:
        scale = abs(spec.target[m]) or 1.0
        worst = max(worst, (tolerance(spec, m) - margin(spec, est, m)) / scale)
    return worst


@dataclass
class Result:
    spec: OptimiseSpec
    today: tuple[float, ...]
    chosen: tuple[float, ...]
    estimates: dict[tuple[float, ...], Estimate]
    runs: int
    log: list[str]
    cheaper: list[tuple[float, ...]]
    unit_costs: list[float]  # SEK a year per unit of each pool
    # the independent check of the choice on fresh seeds: figure -> (mean, 95 % CI low, high, CI inside the target)
    check: dict = field(default_factory=dict)
    check_n: int = 0  # the independent check's replications
    # cheaper staffings the independent check did not confirm, on the way up to the choice: (staffing, check, n)
    unconfirmed: list = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        """Whether the independent check put every target's whole 95 % interval inside it."""
        return bool(self.check) and all(v[3] for v in self.check.values())

    @property
    def recommended(self) -> bool:
        """Whether the choice can be recommended: its fresh-seed check puts every target's interval inside (or,
        with no check, the search's seeds show every target met with the stated confidence)."""
        return self.confirmed if self.check else self.verdict == "meets"

    @property
    def verdict(self) -> str:
        """The verdict on the search's seeds (meets, fails, edge or unsure)."""
        return verdict(self.spec, self.estimates[self.chosen])


def check(spec: OptimiseSpec) -> None:
    """A spec's mistakes, by key, before anything runs."""
    if not spec.pools:
        raise ConfigError("optimise.pools", {}, "list at least one staff pool: key: {low, high, step}")
    if not spec.target:
        raise ConfigError("target", {}, "give at least one target, e.g. target.first_visit_wait_weeks=2")
    for key, pool in spec.pools.items():
        if not (pool.step > 0 and pool.low <= pool.high):
            raise ConfigError(f"optimise.pools.{key}", {"low": pool.low, "high": pool.high, "step": pool.step},
                              "low <= high and a step > 0")
    for metric in spec.target:
        if not metric.startswith(BUSY):
            side(metric)
    if spec.replications < 2:
        raise ConfigError("optimise.replications", spec.replications, "at least 2 (a first batch needs an interval)")
    if spec.budget < spec.replications:
        raise ConfigError("optimise.budget", spec.budget, f"at least optimise.replications ({spec.replications})")
    if not 0.5 < spec.confidence < 1:
        raise ConfigError("optimise.confidence", spec.confidence, "between 0.5 and 1, e.g. 0.95")
    if spec.max_busy is not None and not 0 < spec.max_busy <= 1:
        raise ConfigError("optimise.max_busy", spec.max_busy, "a busy share above 0 and at most 1, e.g. 0.9 (or null)")
    for metric, value in spec.tolerances.items():
        if metric not in spec.target:
            raise ConfigError(f"optimise.tolerances.{metric}", value, f"a target's figure: {', '.join(spec.target)}")
        if not value >= 0:
            raise ConfigError(f"optimise.tolerances.{metric}", value, "at least 0, in the figure's units")
    if not 0 <= spec.tolerance < 0.5:
        raise ConfigError("optimise.tolerance", spec.tolerance, "a share of each target's bound, 0 to 0.5, e.g. 0.01")
    if spec.start not in ("queueing", "today"):
        raise ConfigError("optimise.start", spec.start, "allowed: queueing, today")
