"""Paired comparison of organisational variants (the job of ``python -m sim.experiment``).

Replication k of every variant uses seed k, so arrivals and households are the same in every
variant (common random numbers) and the differences to the baseline are paired. Writes into the
run directory: ``results.csv``/``.parquet`` (tidy: variant, replication, metric, value),
``summary.csv`` (mean, 95 % CI, paired difference to the baseline with its CI), the plots and
``report.html``. A killed experiment started again with the same directory reuses the
replications that finished; a different experiment there is refused (:func:`sharding.claim`), and
two runs of the same experiment at once share the replications (:mod:`sim.experiments.runner`).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from sim.analysis.kpis import metric_bounds
from sim.analysis.stability import GROWTH, settles
from sim.analysis.stats import bounded_estimate, estimate
from sim.config.compose import load_config, load_configs
from sim.config.errors import UserError
from sim.config.schema import ConfigError
from sim.config.vocabulary import REDUCTIONS
from sim.experiments import runner, single_run
from sim.experiments import shards as sharding
from sim.experiments.spec import ARM, ExperimentSpec, IncompleteSweep, arm_name, check, for_district
from sim.outputs import experiment_plots, report
from sim.outputs.files import atomic_write, write_csv


def variant_configs(spec: ExperimentSpec, replications: int):
    """(variant, replication, Config) for every run, baseline first; seed k = replication k (CRN).

    Then, for each of ``spec.assumptions``, every variant again with the assumption's overrides added, named
    ``<variant>@<assumption>`` (same seeds). Returns the variants' order (without the assumptions) and the runs.
    """
    order = [spec.baseline] + [v for v in spec.variants if v != spec.baseline]
    common = [f"org={spec.org}", f"horizon_weeks={spec.horizon_weeks}", f"warmup_weeks={spec.warmup_weeks}",
              *spec.overrides]
    named = [(v, list(spec.variants[v]), f"experiment.variants.{v}") for v in order]
    for name, extra in spec.assumptions.items():
        named += [(arm_name(v, name), [*spec.variants[v], *extra], f"experiment.assumptions.{name} ({v})")
                  for v in order]
    try:
        composed = load_configs(common, [o for _, o, _ in named])  # the common part composed once
    except UserError:
        composed = [None] * len(named)  # name the variant that fails: compose them one by one
    out = []
    for (variant, overrides, where), base in zip(named, composed):
        try:
            base = base or load_config([*common, *overrides])
        except ConfigError as err:
            raise ConfigError(f"{where}: {err.key}", err.value, err.allowed) from None
        except Exception as err:  # Hydra composition errors: unknown group option, bad override...
            message = str(err).strip().splitlines()[0]
            raise ConfigError(where, overrides, message) from None
        if base.org.kind in REDUCTIONS:
            raise ConfigError("experiment.org", spec.org, f"a district or a city (org={spec.org} is a validation "
                              f"reduction: python -m sim org={spec.org})")
        base = replace(base, variant=replace(base.variant, name=variant))
        out += [(variant, k, replace(base, seed=k)) for k in range(replications)]
    return order, out


def tidy(order: list[str], runs: list[tuple[str, int]], results: list[dict]) -> pd.DataFrame:
    """One row per variant × replication × numeric metric."""
    rows = []
    for (variant, k), result in zip(runs, results):
        for metric, value in result["summary"].items():
            # a replication's own trend-test p-value is a diagnostic, not a figure to average over replications
            if (isinstance(value, (int, float)) and not isinstance(value, bool) and metric != "seed"
                    and not metric.endswith("_trend_p")):
                rows.append((variant, k, metric, float(value)))
    frame = pd.DataFrame(rows, columns=["variant", "replication", "metric", "value"])
    frame["variant"] = pd.Categorical(frame["variant"], categories=order, ordered=True)
    return frame


def aggregate(results: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Mean and 95 % CI per variant and metric, and the paired difference to the baseline.

    A level's interval stays inside the range its metric can take (shares, counts:
    :func:`sim.analysis.stats.bounded_estimate`); a paired difference's is the usual t interval.
    """
    wide = results.pivot_table(index=["metric", "replication"], columns="variant", values="value",
                               observed=True, dropna=False)
    rows = []
    for metric in wide.index.get_level_values(0).unique():
        block = wide.loc[metric]
        for variant in block.columns:
            est = bounded_estimate(block[variant].tolist(), *metric_bounds(metric))
            row = {"variant": variant, "metric": metric, "mean": est.mean, "ci_low": est.low, "ci_high": est.high,
                   "diff": np.nan, "diff_ci_low": np.nan, "diff_ci_high": np.nan}
            if variant != baseline:
                paired = (block[variant] - block[baseline]).tolist()
                d = estimate(paired)
                row.update({"diff": d.mean, "diff_ci_low": d.low, "diff_ci_high": d.high})
            rows.append(row)
    out = pd.DataFrame(rows)
    out["variant"] = pd.Categorical(out["variant"], categories=list(wide.columns), ordered=True)
    # every row of a variant says whether its first-visit queue settles (sim.analysis.stability)
    growth = out[out["metric"] == GROWTH].set_index("variant")
    verdict = {v: settles(*growth.loc[v, ["mean", "ci_low", "ci_high"]]) if v in growth.index else "unknown"
               for v in wide.columns}
    out["queue_settles"] = out["variant"].map(verdict).astype(str)
    return out.sort_values(["variant", "metric"]).reset_index(drop=True)


def plan(spec: ExperimentSpec, replications: int | None, runs_limit: str = "replications_x_variants"):
    """(replications, variant order, planned runs) after checking the experiment."""
    n = spec.replications if replications is None else replications
    check(spec, n, runs_limit)
    order, planned = variant_configs(spec, n)
    return n, order, planned


def say_estimate(configs: list, workers: int | None, out=None) -> str:
    """Before a long experiment: how many runs, about how long on this machine's workers, and memory per worker."""
    if not configs:
        return ""
    sizes = [single_run.estimate(c) for c in configs]
    workers = min(workers or runner.default_workers(), len(configs))
    seconds = sum(e.seconds for e in sizes) / workers
    if seconds < 30:
        return ""
    text = (f"Estimated: {len(configs)} runs, about {seconds / 60:.0f} min on {workers} worker(s) (before any cache "
            f"is reused), up to {max(e.bytes for e in sizes) / 1e6:.0f} MB of memory per worker.")
    print(text, file=out or sys.stderr)
    return text


def run_experiment(spec: ExperimentSpec, out_dir: Path, replications: int | None = None,
                   workers: int | None = None, claimed: Callable[[], None] | None = None,
                   ) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Run (or resume) every replication of every variant; write results, summary, plots, report.

    ``claimed`` is called once ``out_dir`` is this experiment's (e.g. to write Hydra's record of the run there).
    """
    n, order, planned = plan(spec, replications)
    sharding.claim(out_dir, spec)  # another experiment's folder is refused before anything is written
    if claimed is not None:
        claimed()
    say_estimate([c for _, _, c in planned], workers)
    results = runner.run_many([c for _, _, c in planned], cache_dir=out_dir / "replications", workers=workers,
                              label=f"{spec.name}: {len(order)} variants x {n}" + (
                                  f" x {1 + len(spec.assumptions)} (with and without the assumptions)"
                                  if spec.assumptions else ""), job=runner.run_detail,
                              replications=[k for _, k, _ in planned])
    return write_outputs(spec, out_dir, n, order, planned, results)


def run_shard(spec: ExperimentSpec, out_dir: Path, replications: int | None, shard: int, shards: int,
              workers: int | None = None, claimed: Callable[[], None] | None = None) -> dict:
    """One Hydra job of a multirun: this shard's replications of every variant, into the shared cache."""
    sharding.check(shard, shards)
    n, order, planned = plan(spec, replications)
    sharding.claim(out_dir, spec)  # another experiment's folder is refused before anything is written
    if claimed is not None:
        claimed()
    sharding.write_plan(out_dir, spec, n, shards)
    mine = sharding.select(planned, shard, shards)
    runner.run_many([c for _, _, c in mine], cache_dir=out_dir / "replications", workers=workers,
                    label=f"{spec.name} shard {shard}/{shards}", job=runner.run_detail,
                    replications=[k for _, k, _ in mine])
    return {"shard": shard, "runs": len(mine)}


def finish(out_dir: Path, job_name: str = "experiment", command: str = "") -> pd.DataFrame:
    """Aggregate a multirun's shared cache exactly like a local run; name the jobs whose work is missing."""
    spec, n, shards = sharding.read_plan(out_dir)
    order, planned = variant_configs(spec, n)
    results = runner.cached([c for _, _, c in planned], out_dir / "replications", runner.run_detail,
                            [k for _, k, _ in planned])
    missing = sharding.missing_by_shard(planned, results, shards)
    if missing:
        total = sum(len(v) for v in missing.values())
        hint = f"\nRe-run to run only what is missing:\n  {command}" if command else ""
        raise IncompleteSweep(f"{spec.name}: {total} of {len(planned)} replications did not finish in {out_dir}:\n"
                              + sharding.describe_missing(missing, shards, job_name) + hint)
    _, summary, _ = write_outputs(spec, out_dir, n, order, planned, results)
    return summary


def write_outputs(spec: ExperimentSpec, out_dir: Path, n: int, order: list[str], planned: list,
                  results: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """results.csv/.parquet, summary.csv, plots and report.html, each written atomically.

    results.csv holds every run, the assumptions' included (``<variant>@<assumption>``); summary.csv compares the
    variants without them, and summary_assumptions.csv compares them under each assumption (column
    ``assumption``), paired with the baseline under the same assumption.
    """
    spec = for_district(spec)
    runs = [(v, k) for v, k, _ in planned]
    arms = [arm_name(v, a) for a in spec.assumptions for v in order]
    frame = tidy(order + arms, runs, results)
    main = frame[frame["variant"].isin(order)].copy()
    main["variant"] = pd.Categorical(main["variant"].astype(str), categories=order, ordered=True)
    summary = aggregate(main, spec.baseline)
    under = {}
    for name in spec.assumptions:
        rows = frame[frame["variant"].astype(str).str.endswith(ARM + name)].copy()
        rows["variant"] = pd.Categorical(rows["variant"].astype(str).str.removesuffix(ARM + name),
                                         categories=order, ordered=True)
        under[name] = aggregate(rows, spec.baseline)
    write_csv(out_dir / "results.csv", frame)
    atomic_write(out_dir / "results.parquet", lambda tmp: frame.to_parquet(tmp, index=False))
    write_csv(out_dir / "summary.csv", summary)
    summary.attrs["assumptions"] = under  # for the terminal's summary (sim/experiment.py)
    if under:
        write_csv(out_dir / "summary_assumptions.csv",
                  pd.concat([s.assign(assumption=name) for name, s in under.items()], ignore_index=True))
    details = [dict(variant=v, replication=k, **r) for (v, k), r in zip(runs, results) if v in order]
    figures = experiment_plots.all_plots(spec, order, summary, details, out_dir, under)
    atomic_write(out_dir / "report.html", lambda tmp: tmp.write_text(
        report.html(spec, order, n, summary, figures, assumptions=under), encoding="utf-8"))
    return frame, summary, details


