"""``python -m sim.sweep sweep=<name>``: a design over config keys, every point with the same replications.

The sweeps are ``configs/sweep/<name>.yaml`` (a district, a design over any config keys: a grid, a Latin
hypercube or Sobol' sample, a Morris or Saltelli design; replications; metrics); :mod:`sim.experiments.sweep`
runs one with common random numbers and writes ``results.csv``/``.parquet`` (tidy, with the parameters),
``points.csv`` (per point: means and 95 % CIs) and, for Morris and Saltelli designs, ``indices.csv``
(SALib's indices with bootstrap CIs) into the run directory. A killed sweep started again with the same
``hydra.run.dir`` computes only what is missing. With ``-m ... shards=N`` the runs are split over N Hydra jobs
on any launcher (Slurm: ``hydra/launcher=slurm``), exactly as an experiment's are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.cli import hydra_record, removed_if_empty_on_failure, run_hydra_app
from sim.config.errors import UserError, fail
from sim.config.schema import ConfigError
from sim.experiments.spec import check_app_keys


@hydra.main(version_base="1.3", config_path="../configs", config_name="sweep_app")
def main(cfg: DictConfig) -> dict | None:
    hc = HydraConfig.get()
    if hc.mode == RunMode.MULTIRUN:  # one job of a multirun: its share of the runs, into the sweep's folder
        from sim.experiments.spec import sweep_dir
        from sim.experiments.sweep import from_config, run_shard

        try:
            check_app_keys(cfg, "sweep")
            workers = checked_workers(cfg.workers)
            return run_shard(from_config(cfg), sweep_dir(hc.sweep.dir), int(cfg.shard), int(cfg.shards), workers,
                             claimed=hydra_record(cfg))
        except UserError as err:
            fail(err)
    out_dir = Path(hc.runtime.output_dir)
    with removed_if_empty_on_failure(out_dir, hc.job.name):  # a failed run leaves no empty folder
        run(cfg, out_dir)
    return None


def run(cfg: DictConfig, out_dir: Path) -> None:
    from sim.experiments.sweep import from_config, run_sweep, summary_text

    try:
        check_app_keys(cfg, "sweep")
        if cfg.shards != 1:  # not silently everything here when a split was asked for
            raise ConfigError("shards", cfg.shards, "splits a multirun's runs over jobs: add -m (python -m sim.sweep "
                              "-m sweep=<name> shards=N); without -m every run runs here")
        sweep = from_config(cfg)
        _, per_point = run_sweep(sweep, out_dir, checked_workers(cfg.workers), claimed=hydra_record(cfg))
    except UserError as err:
        fail(err)
    print(summary_text(sweep, per_point, out_dir))


def checked_workers(workers):
    if workers is not None and workers < 1:
        raise ConfigError("workers", workers, "at least 1 (or leave it out for all cores)")
    return workers


def cli() -> None:
    """``python -m sim.sweep``: a user's mistake is one line and status 2 (:func:`sim.cli.run_hydra_app`); a
    failed job of a multirun is named with the runs it leaves missing (status 1)."""
    from sim.cli import multirun_failure
    from sim.experiments.sweep import register_schema

    register_schema()
    sys.exit(run_hydra_app(main, on_error=multirun_failure))


if __name__ == "__main__":
    cli()
