"""``python -m sim.optimise_jobs -m plan=<batch>/plan.json shards=N shard=0,...,N-1``: one shard of an
optimisation's batch of replications, run into its replication cache (:mod:`sim.experiments.optimise_jobs`
writes the plan and starts this on the chosen Hydra launcher; nobody needs to type it).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from typing import Optional

import hydra
from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf

from sim.cli import run_hydra_app
from sim.config.errors import UserError, fail
from sim.config.schema import ConfigError


@dataclass
class JobsApp:
    plan: str = MISSING  # the batch's plan.json
    shard: int = 0
    shards: int = 1
    workers: Optional[int] = None  # processes (default: the CPUs Slurm gave the job, else all cores)


@hydra.main(version_base="1.3", config_path="../configs", config_name="optimise_jobs")
def main(cfg: DictConfig) -> int:
    from sim.config.compose import load_configs
    from sim.experiments.runner import run_many, run_summary

    try:
        app = OmegaConf.to_object(cfg)
        if not 0 <= app.shard < app.shards:
            raise ConfigError("shard", app.shard, f"0 to shards - 1 ({app.shards - 1})")
        with open(app.plan, encoding="utf-8") as fh:
            plan = json.load(fh)
        points = plan["points"][app.shard::app.shards]
        configs = load_configs(plan["common"], [overrides for overrides, _ in points])
        run_many([replace(c, seed=seed) for c, (_, seed) in zip(configs, points)], cache_dir=plan["cache_dir"],
                 workers=app.workers, job=run_summary, label=f"shard {app.shard}",
                 replications=[seed for _, seed in points])
        return len(points)
    except (UserError, OSError) as err:
        fail(err if isinstance(err, UserError) else ConfigError("plan", app.plan, f"a readable plan ({err})"))


def cli() -> None:
    ConfigStore.instance().store(name="optimise_jobs_schema", node=JobsApp)
    sys.exit(run_hydra_app(main))


if __name__ == "__main__":
    cli()
