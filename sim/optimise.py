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
from typing import Optional

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.analysis.feasibility import OptimiseSpec
from sim.cli import removed_if_empty_on_failure, run_hydra_app
from sim.config.errors import UserError, fail
from sim.config.schema import ConfigError, Org
from sim.experiments.optimise_jobs import Cluster
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
    org: Optional[Org] = None
    target: Targets = field(default_factory=Targets)
    budget: Optional[int] = None
    workers: Optional[int] = None
    cluster: Cluster = field(default_factory=Cluster)  # cluster.launcher=slurm: each batch as Slurm jobs


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
            given_org = [o for o in HydraConfig.get().overrides.task if o.lstrip("+~").startswith("org.")]
            if given_org:  # org.<key>=<value> on the command line changes the district (or city) for every candidate
                spec = replace(spec, overrides=[*spec.overrides, *given_org])
            if app.budget is not None:
                spec = replace(spec, budget=int(app.budget))
            if app.workers is not None and app.workers < 1:
                raise ConfigError("workers", app.workers, "at least 1 (or leave it out for all cores)")
            run(spec, out_dir, app.workers, app.cluster)
        except UserError as err:
            fail(err)


def run(spec: OptimiseSpec, out_dir: Path, workers: int | None = None, cluster: Cluster | None = None) -> None:
    from sim.experiments.optimise import city_districts
    from sim.experiments.optimise_jobs import check
    from sim.outputs import optimise_page

    cluster = cluster or Cluster()
    check(cluster)
    out_dir.mkdir(parents=True, exist_ok=True)
    districts = city_districts(spec)
    if not districts:
        result = optimise_one(spec, out_dir, out_dir / "replications", workers, cluster)
        print(optimise_page.sentence(result))
        print(f"\nPage: {out_dir / 'optimise.html'}\nEvery staffing tried: {out_dir / 'candidates.csv'}")
        return
    results = []
    for i, (name, district) in enumerate(districts, 1):  # one cache: a killed city run resumes where it was
        print(f"== {name} ({i} of {len(districts)})", file=sys.stderr, flush=True)
        results.append((name, optimise_one(district, out_dir / optimise_page.slug(name), out_dir / "replications",
                                           workers, cluster)))
    files = optimise_page.write_city(spec, results, out_dir)
    print(optimise_page.city_sentence(results))
    print(f"\nPage: {files['page']}\nEach district's: {out_dir}/<district>/optimise.html")


def optimise_one(spec: OptimiseSpec, out_dir: Path, cache: Path, workers: int | None, cluster: Cluster):
    """One organisation's optimisation, its page and candidates written into ``out_dir``."""
    from sim.experiments.optimise import Optimiser
    from sim.experiments.optimise_jobs import HydraJobs
    from sim.outputs import optimise_page

    jobs = HydraJobs(cluster, out_dir, cache) if cluster.launcher is not None else None
    result = Optimiser(spec, cache_dir=cache, workers=workers, jobs=jobs).run()
    optimise_page.write(result, out_dir)
    return result


def cli() -> None:
    """``python -m sim.optimise``: a user's mistake is one line and status 2 (:func:`sim.cli.run_hydra_app`)."""
    ConfigStore.instance().store(name="optimise_app_schema", node=OptimiseApp)
    sys.exit(run_hydra_app(main))


if __name__ == "__main__":
    cli()
