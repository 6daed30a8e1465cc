"""``python -m sim.experiment experiment=<name>``: compare organisational variants, paired.

An experiment (``experiments/<name>.yaml``) names a district, a baseline and variants, each a list
of Hydra overrides; :mod:`sim.experiments.compare` runs it with common random numbers and writes
results, summary, plots and ``report.html`` into the run directory. With ``-m`` (a multirun) each
Hydra job runs one shard of the replications, on any launcher (:mod:`sim.experiments.shards`,
:mod:`sim.experiments.sweep_callbacks`). A killed experiment started again with the same
``hydra.run.dir`` reuses the replications that finished.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.cli import removed_if_empty_on_failure
from sim.config.errors import UserError, fail
from sim.experiments import sweep_callbacks
from sim.experiments.compare import run_experiment, run_shard
from sim.experiments.spec import for_district, from_app, register_experiments, sweep_dir
from sim.outputs import report


@hydra.main(version_base="1.3", config_path="../configs", config_name="experiment_app")
def main(cfg: DictConfig) -> dict | None:
    hc = HydraConfig.get()
    if hc.mode == RunMode.MULTIRUN:  # one job of a sweep: its shard, into the sweep's folder
        app = OmegaConf.to_object(cfg)
        app.experiment = from_app(app)
        try:
            return run_shard(app.experiment, sweep_dir(hc.sweep.dir), app.replications, app.shard, app.shards,
                             app.workers)
        except UserError as err:
            fail(err)
    out_dir = Path(hc.runtime.output_dir)
    with removed_if_empty_on_failure(out_dir, hc.job.name):  # a failed run leaves no empty folder
        run(cfg, out_dir)
    return None


def run(cfg: DictConfig, out_dir: Path) -> None:
    app = OmegaConf.to_object(cfg)
    try:
        app.experiment = from_app(app)
        _, summary, _ = run_experiment(app.experiment, out_dir, app.replications, app.workers)
    except UserError as err:
        fail(err)
    n = app.experiment.replications if app.replications is None else app.replications
    print(report.text_summary(for_district(app.experiment), n, summary))
    print(f"\nReport: {out_dir / 'report.html'}")


def cli() -> None:
    """``python -m sim.experiment``: errors in a line or two, never a launcher's stack trace.

    Hydra is asked to raise (HYDRA_FULL_ERROR) so that a failed or cancelled job of a multirun
    reaches us: we name the job and list the replications that are missing.
    """
    register_experiments()
    wants_trace = os.environ.get("HYDRA_FULL_ERROR") == "1"
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        main()
    except UserError as err:
        fail(err)
    except Exception as err:
        if wants_trace:
            raise
        if sweep_callbacks.running():
            print(sweep_callbacks.describe_job_error(err), file=sys.stderr)
            sweep_callbacks.report_failure()
            sys.exit(1)
        if type(err).__module__.split(".")[0] in ("hydra", "omegaconf"):  # bad override, unknown group...
            print(f"Error: {err}\nSet HYDRA_FULL_ERROR=1 for a complete stack trace.", file=sys.stderr)
            sys.exit(1)
        raise


if __name__ == "__main__":
    cli()
