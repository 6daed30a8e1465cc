"""``python -m sim.experiment experiment=<name>``: compare organisational variants, paired.

An experiment (``configs/experiment/<name>.yaml``) names a district, a baseline and variants,
each a list of Hydra overrides. Replication k of every variant uses seed k, so arrivals and
households are the same in every variant (common random numbers) and the differences to the
baseline are paired. Writes into the run directory: ``results.csv``/``.parquet`` (tidy:
variant, replication, metric, value), ``summary.csv`` (mean, 95 % CI, paired difference to the
baseline with its CI), the plots and ``report.html``. A killed experiment started again with
the same ``hydra.run.dir`` reuses the replications that finished.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import hydra
import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim.config import ConfigError
from sim.stats import estimate


@dataclass
class ExperimentSpec:
    name: str = ""
    title: str = ""
    question: str = ""
    org: str = "hasselby_vallingby"
    replications: int = 10
    horizon_weeks: float = 260.0  # as configs/config.yaml: 3 years of warm-up, 2 measured
    warmup_weeks: float = 156.0
    baseline: str = ""
    variants: dict[str, list[str]] = field(default_factory=dict)
    overrides: list[str] = field(default_factory=list)  # applied to every variant


@dataclass
class ExperimentApp:
    experiment: ExperimentSpec = field(default_factory=ExperimentSpec)
    replications: Optional[int] = None
    workers: Optional[int] = None


def register() -> None:
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="experiment_app_schema", node=ExperimentApp)


def check(spec: ExperimentSpec, replications: int) -> None:
    """Errors a consultant can make in an experiment file, named by key."""
    if not spec.variants:
        raise ConfigError("experiment.variants", {}, "list at least a baseline and one variant")
    if not spec.baseline:
        raise ConfigError("experiment.baseline", spec.baseline,
                          f"name the baseline variant, one of: {', '.join(spec.variants)}")
    if spec.baseline not in spec.variants:
        raise ConfigError("experiment.baseline", spec.baseline, f"must be one of: {', '.join(spec.variants)}")
    if replications < 2:
        raise ConfigError("replications", replications, "must be at least 2 for a confidence interval")


def variant_configs(spec: ExperimentSpec, replications: int):
    """(variant, replication, Config) for every run, baseline first; seed k = replication k (CRN)."""
    from sim.compose import load_config

    order = [spec.baseline] + [v for v in spec.variants if v != spec.baseline]
    out = []
    for variant in order:
        overrides = [f"org={spec.org}", f"horizon_weeks={spec.horizon_weeks}", f"warmup_weeks={spec.warmup_weeks}",
                     *spec.overrides, *spec.variants[variant]]
        try:
            base = load_config(overrides)
        except ConfigError as err:
            raise ConfigError(f"experiment.variants.{variant}: {err.key}", err.value, err.allowed) from None
        except Exception as err:  # Hydra composition errors: unknown group option, bad override...
            message = str(err).strip().splitlines()[0]
            raise ConfigError(f"experiment.variants.{variant}", list(spec.variants[variant]), message) from None
        base = replace(base, variant=replace(base.variant, name=variant))
        out += [(variant, k, replace(base, seed=k)) for k in range(replications)]
    return order, out


def tidy(order: list[str], runs: list[tuple[str, int]], results: list[dict]) -> pd.DataFrame:
    """One row per variant × replication × numeric metric."""
    rows = []
    for (variant, k), result in zip(runs, results):
        for metric, value in result["summary"].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and metric != "seed":
                rows.append((variant, k, metric, float(value)))
    frame = pd.DataFrame(rows, columns=["variant", "replication", "metric", "value"])
    frame["variant"] = pd.Categorical(frame["variant"], categories=order, ordered=True)
    return frame


def aggregate(results: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Mean and 95 % CI per variant and metric, and the paired difference to the baseline."""
    wide = results.pivot_table(index=["metric", "replication"], columns="variant", values="value",
                               observed=True, dropna=False)
    rows = []
    for metric in wide.index.get_level_values(0).unique():
        block = wide.loc[metric]
        for variant in block.columns:
            est = estimate(block[variant].tolist())
            row = {"variant": variant, "metric": metric, "mean": est.mean, "ci_low": est.low, "ci_high": est.high,
                   "diff": np.nan, "diff_ci_low": np.nan, "diff_ci_high": np.nan}
            if variant != baseline:
                paired = (block[variant] - block[baseline]).tolist()
                d = estimate(paired)
                row.update({"diff": d.mean, "diff_ci_low": d.low, "diff_ci_high": d.high})
            rows.append(row)
    out = pd.DataFrame(rows)
    out["variant"] = pd.Categorical(out["variant"], categories=list(wide.columns), ordered=True)
    return out.sort_values(["variant", "metric"]).reset_index(drop=True)


def run_experiment(spec: ExperimentSpec, out_dir: Path, replications: int | None = None,
                   workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Run (or resume) every replication of every variant; write results, summary, plots, report."""
    from sim import experiment_plots, report
    from sim.output import atomic_write, write_csv
    from sim.runner import run_detail, run_many

    n = spec.replications if replications is None else replications
    check(spec, n)
    order, planned = variant_configs(spec, n)
    results = run_many([c for _, _, c in planned], cache_dir=out_dir / "replications", workers=workers,
                       label=f"{spec.name}: {len(order)} variants x {n}", job=run_detail)
    runs = [(v, k) for v, k, _ in planned]
    frame = tidy(order, runs, results)
    summary = aggregate(frame, spec.baseline)
    write_csv(out_dir / "results.csv", frame)
    atomic_write(out_dir / "results.parquet", lambda tmp: frame.to_parquet(tmp, index=False))
    write_csv(out_dir / "summary.csv", summary)
    details = [dict(variant=v, replication=k, **r) for (v, k), r in zip(runs, results)]
    figures = experiment_plots.all_plots(spec, order, summary, details, out_dir)
    atomic_write(out_dir / "report.html",
                 lambda tmp: tmp.write_text(report.html(spec, order, n, summary, figures), encoding="utf-8"))
    return frame, summary, details


register()


@hydra.main(version_base="1.3", config_path="../configs", config_name="experiment_app")
def main(cfg: DictConfig) -> None:
    from hydra.core.hydra_config import HydraConfig

    from sim import report

    app = OmegaConf.to_object(cfg)
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        _, summary, _ = run_experiment(app.experiment, out_dir, app.replications, app.workers)
    except ConfigError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        sys.exit(2)
    n = app.experiment.replications if app.replications is None else app.replications
    print(report.text_summary(app.experiment, n, summary))
    print(f"\nReport: {out_dir / 'report.html'}")


if __name__ == "__main__":
    main()
