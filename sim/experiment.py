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

from sim.cli import hydra_record, multirun_failure, removed_if_empty_on_failure, run_hydra_app
from sim.config.errors import UserError, fail
from sim.config.schema import ConfigError
from sim.experiments import shards as sharding
from sim.experiments.spec import BROKEN, check_app_keys, for_district, from_app, register_experiments, sweep_dir


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
    print(report.text_summary(for_district(app.experiment), n, summary, summary.attrs.get("assumptions")))
    print(f"\nReport: {out_dir / 'report.html'}")


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


if __name__ == "__main__":
    cli()
