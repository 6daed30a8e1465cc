"""A sweep: a design over config keys, every point run with the same replications (issue 16).

A sweep runs as an experiment whose variants are the design's points (``p0000``, ``p0001``, …): the same
replication cache (resumable, self-checking), the same process pool, and replication k of every point on
seed k (common random numbers), so a point run in a sweep and the same overrides run in an experiment give
the same bytes. What differs is what it writes, for a researcher rather than a manager:

- ``results.csv`` / ``.parquet``: tidy, one row per point × replication × metric, with the point's
  parameter values as columns;
- ``points.csv``: per point and metric, the mean over replications and its 95 % CI;
- ``indices.csv`` (Morris and Saltelli designs): per metric and key, μ*/σ or Sobol' S1/ST with bootstrap CIs
  (SALib), computed from the points' means;
- ``sweep.html`` with its figures (:mod:`sim.outputs.sweep_page`): a response surface over two keys
  (``surface``), partial dependence on each key, the indices with their CIs, and in words what is uncertain.

A multirun (``python -m sim.sweep -m sweep=<name> shards=N``) splits the planned runs over N Hydra jobs on any
launcher (:func:`run_shard`); the driver aggregates the shared cache (:func:`finish`) into the same bytes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from sim.analysis.stats import estimate
from sim.config.compose import load_config
from sim.config.schema import HORIZON_WEEKS, WARMUP_WEEKS, ConfigError
from sim.experiments import compare, runner
from sim.experiments import shards as sharding
from sim.experiments.design import DesignSpec, analyse, overrides, points
from sim.experiments.spec import ExperimentSpec, IncompleteSweep
from sim.outputs import sweep_page
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
    surface: list[str] = field(default_factory=list)  # the two keys of the response surface; empty: the first two


@dataclass
class SweepApp:
    """``python -m sim.sweep``'s config (``configs/sweep_app.yaml``): the sweep file, and overrides of its own."""

    sweep: SweepSpec = field(default_factory=SweepSpec)
    replications: Optional[int] = None  # overrides the sweep's own number
    workers: Optional[int] = None  # processes (default: all cores)
    shards: int = 1  # multirun: Hydra jobs that share the runs (job s runs every shards-th planned run)
    shard: int = 0  # set by the multirun's sweeper, one value per job


def from_config(cfg) -> SweepSpec:
    """The sweep a composed ``sweep_app`` config asks for, ``replications=`` applied (the job's and the
    driver's view must be the same sweep)."""
    from omegaconf import OmegaConf

    sweep = OmegaConf.to_object(cfg.sweep)
    if cfg.replications is not None:
        sweep = replace(sweep, replications=int(cfg.replications))
    return sweep


def check_metrics(org: str, metrics: list[str]) -> None:
    """Refuse a metric the summary does not have before any replication runs: a one-week dry run of the
    district names the figures there are."""
    from sim.config.errors import did_you_mean
    from sim.experiments.runner import run_summary

    try:
        figures = [k for k in run_summary(load_config([f"org={org}", "horizon_weeks=1", "warmup_weeks=0"]))
                   if k not in ("org", "seed")]
    except ConfigError:  # a bad org: the runs name it
        return
    for metric in metrics:
        if metric not in figures:
            raise ConfigError("metrics", metric, f"not a summary figure{did_you_mean(metric, figures)}; "
                              f"figures: {', '.join(figures)}")


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
    keys = list(sweep.design.params)
    if sweep.surface and (len(sweep.surface) != 2 or len(set(sweep.surface)) != 2
                          or any(k not in keys for k in sweep.surface)):
        raise ConfigError("sweep.surface", list(sweep.surface), f"two different keys of the design: {', '.join(keys)}")
    names = point_names(len(design_points))
    variants = {name: overrides(p) for name, p in zip(names, design_points)}
    spec = ExperimentSpec(name=sweep.name, title=sweep.title, question=sweep.question, org=sweep.org,
                          replications=sweep.replications, horizon_weeks=sweep.horizon_weeks,
                          warmup_weeks=sweep.warmup_weeks, baseline=names[0], variants=variants,
                          overrides=list(sweep.overrides))
    return spec, design_points


def plan(sweep: SweepSpec):
    """(experiment, design points, replications, point order, planned runs), every check done before any run."""
    spec, design_points = as_experiment(sweep)
    try:
        n, order, planned = compare.plan(spec, None, runs_limit="points_x_replications")
        check_metrics(sweep.org, sweep.metrics)  # a misspelt figure is named before any replication runs
    except ConfigError as err:
        raise as_sweep_error(err) from None
    return spec, design_points, n, order, planned


def as_sweep_error(err: ConfigError) -> ConfigError:
    """An experiment's error, named by the key of the sweep file the user wrote (``sweep.org``, not a variant's)."""
    key, allowed = err.key, str(err.allowed)
    if key in ("replications", "points_x_replications"):
        return ConfigError(key, err.value, err.allowed)
    if key.startswith("experiment.variants.") and key.split(": ", 1)[-1] == "org":  # every point has the org
        return ConfigError("sweep.org", err.value, allowed)
    if key in ("experiment.horizon_weeks", "experiment.warmup_weeks"):
        key = "sweep." + key.split(".", 1)[1]
    return ConfigError(key if key.startswith("sweep.") else f"sweep.{key}", err.value,
                       allowed.replace("experiment.horizon_weeks", "sweep.horizon_weeks")
                       .replace("experiment.warmup_weeks", "sweep.warmup_weeks"))


def run_sweep(sweep: SweepSpec, out_dir: Path, workers: int | None = None, claimed=None,
              job=runner.run_detail) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run (or resume) every replication of every point; write the tidy results, per-point table and indices.
    ``claimed`` is called once ``out_dir`` is this sweep's (to write Hydra's record of the run there); ``job``
    is what one run computes (the model; a test's function of known indices)."""
    spec, design_points, n, order, planned = plan(sweep)
    sharding.claim(out_dir, spec)  # another experiment's or sweep's folder is refused before anything is written
    if claimed is not None:
        claimed()
    compare.say_estimate([c for _, _, c in planned], workers)
    results = runner.run_many([c for _, _, c in planned], cache_dir=out_dir / "replications", workers=workers,
                              label=f"{sweep.name}: {len(order)} points x {n}", job=job,
                              replications=[k for _, k, _ in planned])
    return write_outputs(sweep, design_points, out_dir, order, planned, results)


def write_plan(sweep: SweepSpec, out_dir: Path, shards: int) -> None:
    """A multirun's plan (the driver writes it before the jobs start; each job again): the experiment it runs
    and the sweep itself, so :func:`finish` can aggregate without the command line."""
    spec, _, n, _, _ = plan(sweep)
    sharding.write_plan(out_dir, spec, n, shards, sweep=asdict(sweep), shard_by="run")


def run_shard(sweep: SweepSpec, out_dir: Path, shard: int, shards: int, workers: int | None = None,
              claimed=None) -> dict:
    """One Hydra job of a sweep's multirun: every ``shards``-th planned run, into the shared cache.

    A sweep splits by run, not by replication as an experiment does: its many points have few replications,
    so 2,000 points x 10 replications go to a few dozen jobs (``shards=40``), not to 10.
    """
    sharding.check(shard, shards)
    spec, _, n, order, planned = plan(sweep)
    sharding.claim(out_dir, spec)
    if claimed is not None:
        claimed()
    sharding.write_plan(out_dir, spec, n, shards, sweep=asdict(sweep), shard_by="run")
    mine = sharding.select(planned, shard, shards, by="run")
    runner.run_many([c for _, _, c in mine], cache_dir=out_dir / "replications", workers=workers,
                    label=f"{sweep.name} shard {shard}/{shards}", job=runner.run_detail,
                    replications=[k for _, k, _ in mine])
    return {"shard": shard, "runs": len(mine)}


def read_sweep(out_dir: Path) -> SweepSpec:
    """The sweep a multirun's plan records."""
    raw = dict(sharding.read_plan_extra(out_dir, "sweep"))
    raw["design"] = DesignSpec(**raw["design"])
    return SweepSpec(**raw)


def finish(out_dir: Path, job_name: str = "sweep", command: str = "") -> tuple[SweepSpec, pd.DataFrame]:
    """Aggregate a sweep's multirun from the shared cache exactly as a local run does; name the jobs whose
    runs are missing (:class:`IncompleteSweep`) and the command that runs only those."""
    sweep = read_sweep(out_dir)
    _, design_points, n, order, planned = plan(sweep)
    shards = sharding.read_plan(out_dir)[2]
    results = runner.cached([c for _, _, c in planned], out_dir / "replications", runner.run_detail,
                            [k for _, k, _ in planned])
    missing = sharding.missing_by_shard(planned, results, shards, by="run")
    if missing:
        total = sum(len(v) for v in missing.values())
        hint = f"\nRe-run to run only what is missing:\n  {command}" if command else ""
        raise IncompleteSweep(f"{sweep.name}: {total} of {len(planned)} runs did not finish in {out_dir}:\n"
                              + sharding.describe_missing(missing, shards, job_name, what="points") + hint)
    _, per_point = write_outputs(sweep, design_points, out_dir, order, planned, results)
    return sweep, per_point


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
    table = None
    if sweep.design.kind in ("morris", "saltelli"):
        table = indices(sweep.design, per_point, order, metrics)
        write_csv(out_dir / "indices.csv", table)
    sweep_page.write_page(page_info(sweep, metrics), per_point, table, out_dir)
    return frame, per_point


def page_info(sweep: SweepSpec, metrics: list[str]) -> dict:
    """What :func:`sim.outputs.sweep_page.write_page` says about the sweep besides its tables."""
    keys = list(sweep.design.params)
    return {"name": sweep.name, "title": sweep.title or sweep.name, "question": sweep.question, "org": sweep.org,
            "kind": sweep.design.kind, "keys": keys, "surface": list(sweep.surface) or keys[:2],
            "replications": sweep.replications, "horizon_weeks": sweep.horizon_weeks,
            "warmup_weeks": sweep.warmup_weeks, "metrics": metrics}


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


def summary_text(sweep, per_point, out_dir: Path) -> str:
    """What the sweep found, for the terminal: the points' range per metric, and the indices if any."""
    keys = list(sweep.design.params)
    lines = [f"{sweep.name}: {per_point['point'].nunique()} points x {sweep.replications} replications "
             f"({sweep.design.kind} design over {', '.join(keys)})"]
    def where(row) -> str:  # a point's values, while a line can hold them (else points.csv has them)
        if len(keys) > 4:
            return row["point"]
        return f"{row['point']} ({', '.join(f'{k}={row[k]:g}' for k in keys)})"

    for metric, rows in per_point.groupby("metric", sort=False):
        low, high = rows.loc[rows["mean"].idxmin()], rows.loc[rows["mean"].idxmax()]
        lines.append(f"  {metric}: lowest {low['mean']:.3g} at {where(low)}\n"
                     f"  {' ' * len(metric)}  highest {high['mean']:.3g} at {where(high)}")
    indices = out_dir / "indices.csv"
    if indices.is_file():
        table = pd.read_csv(indices)
        order = "ST" if "ST" in table else "mu_star"
        lines.append(f"\nSensitivity indices (95 % bootstrap CI half-widths), by {order}:")
        lines.append(table.sort_values(["metric", order], ascending=[True, False]).round(3).to_string(index=False))
    lines.append(f"\nTables: {out_dir / 'results.csv'}, {out_dir / 'points.csv'}"
                 + (f", {indices}" if indices.is_file() else ""))
    lines.append(f"Page: {out_dir / 'sweep.html'}")
    return "\n".join(lines)
