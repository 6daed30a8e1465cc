"""A sweep: a design over config keys, every point run with the same replications (issue 16, its core).

A sweep runs as an experiment whose variants are the design's points (``p0000``, ``p0001``, …): the same
replication cache (resumable, self-checking), the same process pool, and replication k of every point on
seed k (common random numbers), so a point run in a sweep and the same overrides run in an experiment give
the same bytes. What differs is what it writes, for a researcher rather than a manager:

- ``results.csv`` / ``.parquet``: tidy, one row per point × replication × metric, with the point's
  parameter values as columns;
- ``points.csv``: per point and metric, the mean over replications and its 95 % CI;
- ``indices.csv`` (Morris and Saltelli designs): per metric and key, μ*/σ or Sobol' S1/ST with bootstrap CIs
  (SALib), computed from the points' means.

Not yet here (issue 16 goes on): the ``python -m sim.sweep`` command and its ``configs/sweep/`` files, shards
over Hydra launchers, plots and the HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from sim.analysis.stats import estimate
from sim.config.schema import HORIZON_WEEKS, WARMUP_WEEKS, ConfigError
from sim.experiments import compare, runner
from sim.experiments import shards as sharding
from sim.experiments.design import DesignSpec, analyse, overrides, points
from sim.experiments.sensitivity import check_metrics
from sim.experiments.spec import ExperimentSpec
from sim.outputs.files import atomic_write, write_csv


@dataclass
class SweepSpec:
    name: str = ""
    title: str = ""
    question: str = ""
    org: str = "hasselby_vallingby"
    replications: int = 5
    horizon_weeks: float = HORIZON_WEEKS
    warmup_weeks: float = WARMUP_WEEKS
    overrides: list[str] = field(default_factory=list)  # applied to every point
    design: DesignSpec = field(default_factory=DesignSpec)
    metrics: list[str] = field(default_factory=list)  # the figures of points.csv and indices.csv; empty: every one


@dataclass
class SweepApp:
    """``python -m sim.sweep``'s config (``configs/sweep_app.yaml``): the sweep file, and overrides of its own."""

    sweep: SweepSpec = field(default_factory=SweepSpec)
    replications: Optional[int] = None  # overrides the sweep's own number
    workers: Optional[int] = None  # processes (default: all cores)


def register_schema() -> None:
    """Put the app's schema into Hydra's ConfigStore (``configs/sweep_app.yaml`` builds on it)."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="sweep_app_schema", node=SweepApp)


def point_names(n: int) -> list[str]:
    """``p0000``, ``p0001``, …: as many digits as the largest needs (at least four), so names sort in order."""
    width = max(4, len(str(n - 1)))
    return [f"p{i:0{width}d}" for i in range(n)]


def as_experiment(sweep: SweepSpec) -> tuple[ExperimentSpec, list[dict]]:
    """The experiment that runs the sweep (its variants are the points, the first one the nominal baseline)."""
    try:
        design_points = points(sweep.design)
    except ConfigError as err:  # named as the sweep file and the command line write it
        raise ConfigError(f"sweep.{err.key}", err.value, err.allowed) from None
    if len(design_points) < 2:
        raise ConfigError("sweep.design", sweep.design.kind, "a design of at least two points")
    names = point_names(len(design_points))
    variants = {name: overrides(p) for name, p in zip(names, design_points)}
    spec = ExperimentSpec(name=sweep.name, title=sweep.title, question=sweep.question, org=sweep.org,
                          replications=sweep.replications, horizon_weeks=sweep.horizon_weeks,
                          warmup_weeks=sweep.warmup_weeks, baseline=names[0], variants=variants,
                          overrides=list(sweep.overrides))
    return spec, design_points


def run_sweep(sweep: SweepSpec, out_dir: Path, workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run (or resume) every replication of every point; write the tidy results, per-point table and indices."""
    spec, design_points = as_experiment(sweep)
    n, order, planned = compare.plan(spec, None)
    try:
        check_metrics(sweep.org, sweep.metrics)  # a misspelt figure is named before any replication runs
    except ConfigError as err:
        raise ConfigError(f"sweep.{err.key}", err.value, err.allowed) from None
    sharding.claim(out_dir, spec)  # another experiment's or sweep's folder is refused before anything is written
    compare.say_estimate([c for _, _, c in planned], workers)
    results = runner.run_many([c for _, _, c in planned], cache_dir=out_dir / "replications", workers=workers,
                              label=f"{sweep.name}: {len(order)} points x {n}", job=runner.run_detail,
                              replications=[k for _, k, _ in planned])
    return write_outputs(sweep, design_points, out_dir, order, planned, results)


def write_outputs(sweep: SweepSpec, design_points: list[dict], out_dir: Path, order: list[str], planned: list,
                  results: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """results.csv/.parquet, points.csv and (sensitivity designs) indices.csv, each written atomically."""
    runs = [(v, k) for v, k, _ in planned]
    frame = compare.tidy(order, runs, results).rename(columns={"variant": "point"})
    frame["point"] = frame["point"].astype(str)
    params = pd.DataFrame([{"point": name, **p} for name, p in zip(order, design_points)])
    frame = frame.merge(params, on="point", how="left")[["point", *params.columns[1:], "replication", "metric",
                                                        "value"]]
    metrics = list(sweep.metrics) or sorted(frame["metric"].unique())
    unknown = [m for m in metrics if m not in set(frame["metric"])]
    if unknown:
        known = sorted(frame["metric"].unique())
        raise ConfigError("metrics", unknown, f"summary figures, e.g. {', '.join(known[:6])}")
    rows = []
    for (point, metric), group in frame[frame["metric"].isin(metrics)].groupby(["point", "metric"], sort=False):
        est = estimate(group.sort_values("replication")["value"].tolist())
        rows.append({"point": point, "metric": metric, "mean": est.mean, "ci_low": est.low, "ci_high": est.high,
                     "replications": len(group)})
    per_point = params.merge(pd.DataFrame(rows), on="point")
    write_csv(out_dir / "results.csv", frame)
    atomic_write(out_dir / "results.parquet", lambda tmp: frame.to_parquet(tmp, index=False))
    write_csv(out_dir / "points.csv", per_point)
    if sweep.design.kind in ("morris", "saltelli"):
        write_csv(out_dir / "indices.csv", indices(sweep.design, per_point, order, metrics))
    return frame, per_point


def indices(design: DesignSpec, per_point: pd.DataFrame, order: list[str], metrics: list[str]) -> pd.DataFrame:
    """Sensitivity indices per metric and key, from the points' means in design order (SALib's analyses)."""
    rows = []
    for metric in metrics:
        means = per_point[per_point["metric"] == metric].set_index("point")["mean"].reindex(order)
        if means.isna().any():  # a figure some point does not have (e.g. no follow-up due): no index
            continue
        for key, values in analyse(design, np.asarray(means, dtype=float)).items():
            rows.append({"metric": metric, "key": key, **values})
    return pd.DataFrame(rows)
