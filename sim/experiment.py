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

from sim.cli import removed_if_empty_on_failure, run_hydra_app
from sim.config.errors import UserError, fail
from sim.config.schema import ConfigError
from sim.experiments import shards as sharding
from sim.experiments.spec import BROKEN, check_app_keys, for_district, from_app, register_experiments, sweep_dir
from sim.outputs.files import atomic_write


@hydra.main(version_base="1.3", config_path="../configs", config_name="experiment_app")
def main(cfg: DictConfig) -> dict | None:
    hc = HydraConfig.get()
    if hc.mode == RunMode.MULTIRUN:  # one job of a sweep: its shard, into the sweep's folder
        from sim.experiments.compare import run_shard

        try:
            check_app_keys(cfg)
            app = OmegaConf.to_object(cfg)
            app.experiment = from_app(app, list(hc.overrides.task))
            return run_shard(app.experiment, sweep_dir(hc.sweep.dir), app.replications, app.shard, app.shards,
                             app.workers, claimed=hydra_record(cfg))
        except UserError as err:
            fail(err)
    out_dir = Path(hc.runtime.output_dir)
    with removed_if_empty_on_failure(out_dir, hc.job.name):  # a failed run leaves no empty folder
        run(cfg, out_dir, list(hc.overrides.task))
    return None


def run(cfg: DictConfig, out_dir: Path, given: list[str] | tuple[str, ...] = ()) -> None:
    # The experiment's own imports (pandas, scipy, matplotlib behind them) only when it runs: --help and
    # a config error come back without them (tests/test_startup.py).
    from sim.experiments.compare import run_experiment
    from sim.outputs import report

    try:
        check_app_keys(cfg)  # an appended key (+replicatons=5) is refused, not carried along unread
        app = OmegaConf.to_object(cfg)
        sharding.check(app.shard, app.shards)
        if app.shards != 1:  # not silently all replications here when a split was asked for
            raise ConfigError("shards", app.shards, "splits a multirun's replications over jobs: add -m "
                              "(python -m sim.experiment -m ... shards=N); without -m every replication runs here")
        app.experiment = from_app(app, given)
        _, summary, _ = run_experiment(app.experiment, out_dir, app.replications, app.workers,
                                       claimed=hydra_record(cfg))
    except UserError as err:
        fail(err)
    n = app.experiment.replications if app.replications is None else app.replications
    print(report.text_summary(for_district(app.experiment), n, summary))
    print(f"\nReport: {out_dir / 'report.html'}")


def hydra_record(cfg: DictConfig):
    """Write Hydra's record of this job (``.hydra/config.yaml``, ``hydra.yaml``, ``overrides.yaml``) once called.

    Hydra would write it before the job starts (``hydra.output_subdir``, switched off in
    ``configs/experiment_app.yaml``), over the record of whatever experiment the folder holds; the
    experiment calls this only after the folder is its own (:func:`sim.experiments.shards.claim`).
    Outside a Hydra job (a test calling :func:`run`) there is nothing to record.
    """
    if not HydraConfig.initialized():
        return None
    hydra_cfg = HydraConfig.instance().cfg
    folder = Path(hydra_cfg.hydra.runtime.output_dir) / ".hydra"
    nodes = {"config.yaml": cfg, "hydra.yaml": hydra_cfg, "overrides.yaml": hydra_cfg.hydra.overrides.task}

    def write() -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, node in nodes.items():
            text = OmegaConf.to_yaml(node)
            atomic_write(folder / name, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
    return write


def cli() -> None:
    """``python -m sim.experiment``: errors in a line or two, never a launcher's stack trace.

    A user's mistake (an unknown key or option, a bad value, an experiment file that does not
    parse) is one line, status 2 (:func:`sim.cli.run_hydra_app`). A failed or cancelled job of a
    multirun reaches us too: we name the job and list the replications that are missing (status 1).
    """
    register_experiments()
    chosen = [a.partition("=")[2] for a in sys.argv[1:] if a.lstrip("+").startswith("experiment=")]
    name = chosen[-1] if chosen else "default"
    if name in BROKEN and os.environ.get("HYDRA_FULL_ERROR") != "1":
        print(BROKEN[name], file=sys.stderr)
        sys.exit(2)
    sys.exit(run_hydra_app(main, on_error=multirun_failure))


def multirun_failure(err: BaseException) -> None:
    """A job of a running multirun failed: name it, list what is missing, exit 1."""
    if "sim.experiments.sweep_callbacks" not in sys.modules:  # Hydra imports it to start a sweep's callback:
        return  # not imported, no multirun runs (and a composition error stays without pandas & co.)
    from sim.experiments import sweep_callbacks

    if sweep_callbacks.running():
        print(sweep_callbacks.describe_job_error(err), file=sys.stderr)
        sweep_callbacks.report_failure()
        sys.exit(1)


if __name__ == "__main__":
    cli()
