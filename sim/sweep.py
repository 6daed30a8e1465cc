"""``python -m sim.sweep sweep=<name>``: a design over config keys, every point with the same replications.

The sweeps are ``configs/sweep/<name>.yaml`` (a district, a design over any config keys: a grid, a Latin
hypercube or Sobol' sample, a Morris or Saltelli design; replications; metrics); :mod:`sim.experiments.sweep`
runs one with common random numbers and writes ``results.csv``/``.parquet`` (tidy, with the parameters),
``points.csv`` (per point: means and 95 % CIs) and, for Morris and Saltelli designs, ``indices.csv``
(SALib's indices with bootstrap CIs) into the run directory. A killed sweep started again with the same
``hydra.run.dir`` computes only what is missing.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.cli import removed_if_empty_on_failure, run_hydra_app
from sim.config.errors import UserError, fail
from sim.config.schema import ConfigError


@hydra.main(version_base="1.3", config_path="../configs", config_name="sweep_app")
def main(cfg: DictConfig) -> None:
    hc = HydraConfig.get()
    if hc.mode == RunMode.MULTIRUN:
        fail(ConfigError("-m", "multirun", "a sweep runs its points in this process's pool for now (shards over "
                         "Hydra launchers come next, issue 16); leave out -m"))
    out_dir = Path(hc.runtime.output_dir)
    with removed_if_empty_on_failure(out_dir, hc.job.name):  # a failed run leaves no empty folder
        run(cfg, out_dir)


def run(cfg: DictConfig, out_dir: Path) -> None:
    from sim.experiments.sweep import run_sweep

    try:
        app = OmegaConf.to_object(cfg)
        sweep = app.sweep
        if app.replications is not None:
            sweep = replace(sweep, replications=app.replications)
        if app.workers is not None and app.workers < 1:
            raise ConfigError("workers", app.workers, "at least 1 (or leave it out for all cores)")
        _, per_point = run_sweep(sweep, out_dir, app.workers)
    except UserError as err:
        fail(err)
    print(summary_text(sweep, per_point, out_dir))


def summary_text(sweep, per_point, out_dir: Path) -> str:
    """What the sweep found, for the terminal: the points' range per metric, and the indices if any."""
    import pandas as pd

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
    return "\n".join(lines)


def cli() -> None:
    """``python -m sim.sweep``: a user's mistake is one line and status 2 (:func:`sim.cli.run_hydra_app`)."""
    from sim.experiments.sweep import register_schema

    register_schema()
    sys.exit(run_hydra_app(main))


if __name__ == "__main__":
    cli()
