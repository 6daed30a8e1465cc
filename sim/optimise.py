"""``python -m sim.optimise``: the least-cost staffing that meets service targets, with a stated confidence.

    python -m sim.optimise org=hasselby_vallingby target.first_visit_wait_weeks=2 target.followups_on_time_share=0.9

The pools (decision variables, with bounds and steps), the default targets, the replication budget and the
confidence are ``configs/optimise/<name>.yaml`` (``optimise=<name>``); :mod:`sim.experiments.optimise` searches
and checks. Writes ``candidates.csv`` (every staffing tried), ``tradeoff.png`` and ``optimise.html`` into the run
directory; the replications are cached there, so a killed optimisation started again with the same
``hydra.run.dir`` reuses them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.analysis.feasibility import OptimiseSpec
from sim.cli import removed_if_empty_on_failure, run_hydra_app
from sim.config.errors import UserError, fail
from sim.config.schema import ConfigError
from sim.experiments.spec import check_app_keys


@dataclass
class Targets:
    """Bounds given on the command line (``target.first_visit_wait_weeks=2``), over the optimise file's targets;
    the side comes from the figure (at most a wait, at least a share). None: the file's own."""

    first_visit_wait_weeks: Optional[float] = None
    followups_on_time_share: Optional[float] = None
    caseload_per_caseworker: Optional[float] = None
    late_payment_share: Optional[float] = None
    referral_overflow: Optional[float] = None
    overtime_hours_per_week: Optional[float] = None
    wait_hours_mean: Optional[float] = None  # the M/M/c reduction's mean wait (optimise=mmc)
    wait_hours_total: Optional[float] = None  # the tandem reduction's waits summed over its stations (optimise=tandem)


@dataclass
class OptimiseApp:
    optimise: OptimiseSpec = field(default_factory=OptimiseSpec)
    # the org file org=<name> chose (its name is Hydra's choice; the model loads it itself); None: the optimise
    # file's own district
    org: Any = None
    target: Targets = field(default_factory=Targets)
    budget: Optional[int] = None
    workers: Optional[int] = None


@hydra.main(version_base="1.3", config_path="../configs", config_name="optimise_app")
def main(cfg: DictConfig) -> None:
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    with removed_if_empty_on_failure(out_dir, HydraConfig.get().job.name):
        try:
            check_app_keys(cfg, "optimise")  # an appended key (+process.x=1) is refused, not carried along unread
            app = OmegaConf.to_object(cfg)
            spec = app.optimise
            org = HydraConfig.get().runtime.choices.get("org")
            if org:
                spec = replace(spec, org=org)
            given = {k: float(v) for k, v in vars(app.target).items() if v is not None}
            if given:
                spec = replace(spec, target={**spec.target, **given})
            if app.budget is not None:
                spec = replace(spec, budget=int(app.budget))
            if app.workers is not None and app.workers < 1:
                raise ConfigError("workers", app.workers, "at least 1 (or leave it out for all cores)")
            run(spec, out_dir, app.workers)
        except UserError as err:
            fail(err)


def run(spec: OptimiseSpec, out_dir: Path, workers: int | None = None) -> None:
    from sim.experiments.optimise import Optimiser
    from sim.outputs import optimise_page

    out_dir.mkdir(parents=True, exist_ok=True)
    result = Optimiser(spec, cache_dir=out_dir / "replications", workers=workers).run()
    files = optimise_page.write(result, out_dir)
    print(optimise_page.sentence(result))
    print(f"\nPage: {files['page']}\nEvery staffing tried: {files['candidates']}")


def cli() -> None:
    """``python -m sim.optimise``: a user's mistake is one line and status 2 (:func:`sim.cli.run_hydra_app`)."""
    ConfigStore.instance().store(name="optimise_app_schema", node=OptimiseApp)
    sys.exit(run_hydra_app(main))


if __name__ == "__main__":
    cli()
