"""An optimisation's replications as Hydra multirun jobs, on any Hydra launcher (issue 18).

The search is sequential (each step's candidates depend on the last), so each step's batch of replications is
sent out as one Hydra multirun of :mod:`sim.optimise_jobs`: ``shards`` jobs, each running its share of the
batch into the optimisation's replication cache (:mod:`sim.experiments.runner`). On ``cluster.launcher=slurm``
that is Hydra's submitit launcher on Slurm, one array task per shard, as the experiment's and the sweep's
shards. The driver then reads the batch from the cache, so a result is the same bytes whatever ran it, and a
killed optimisation started again reuses every replication a job finished.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from sim.config.errors import UserError
from sim.config.schema import ConfigError
from sim.outputs.files import write_json

LAUNCHERS = Path(__file__).parents[2] / "configs" / "hydra" / "launcher"


@dataclass
class Cluster:
    """``cluster.*`` of ``python -m sim.optimise``: where the candidates' replications run."""

    launcher: Optional[str] = None  # a Hydra launcher (configs/hydra/launcher: slurm, local_pool); None: here
    jobs: int = 4  # shards of each batch: jobs (Slurm array tasks) at once
    overrides: list[str] = field(default_factory=list)  # for the launcher, e.g. hydra.launcher.partition=main


def launchers() -> list[str]:
    """Ours (configs/hydra/launcher) and Hydra's own ``basic`` (the jobs one after another, in one process)."""
    return sorted({"basic", *(p.stem for p in LAUNCHERS.glob("*.yaml"))})


def check(cluster: Cluster) -> None:
    if cluster.launcher is not None and cluster.launcher not in launchers():
        raise ConfigError("cluster.launcher", cluster.launcher,
                          f"a Hydra launcher: {', '.join(launchers())} (or leave it out: this machine's processes)")
    if isinstance(cluster.jobs, bool) or not isinstance(cluster.jobs, int) or cluster.jobs < 1:
        raise ConfigError("cluster.jobs", cluster.jobs, "a whole number >= 1: jobs per batch")
    for item in cluster.overrides:
        if not isinstance(item, str) or not item.startswith("hydra."):
            raise ConfigError("cluster.overrides", item, "launcher settings, each 'hydra.launcher.<key>=<value>'")


class HydraJobs:
    """Runs a batch of (staffing overrides, seed) as a Hydra multirun into ``cache_dir``; the caller reads them
    (and has checked ``cluster``: :func:`check`)."""

    def __init__(self, cluster: Cluster, out_dir: Path, cache_dir: Path):
        self.cluster, self.out_dir, self.cache_dir = cluster, Path(out_dir), Path(cache_dir)
        self.batches = 0

    def __call__(self, common: list[str], points: list[tuple[list[str], int]], label: str) -> None:
        self.batches += 1
        batch = self.out_dir / "jobs" / f"batch-{self.batches:03d}"
        batch.mkdir(parents=True, exist_ok=True)
        plan = batch / "plan.json"
        write_json(plan, {"common": list(common), "points": [[list(o), int(seed)] for o, seed in points],
                          "cache_dir": str(self.cache_dir.resolve())})
        shards = max(1, min(self.cluster.jobs, len(points)))
        cmd = [sys.executable, "-m", "sim.optimise_jobs", "-m", f"plan={plan.resolve()}", f"shards={shards}",
               "shard=" + ",".join(str(i) for i in range(shards)), f"hydra/launcher={self.cluster.launcher}",
               *self.cluster.overrides, f"hydra.sweep.dir={batch.resolve()}"]
        print(f"{label}: {len(points)} replications as {shards} {self.cluster.launcher} job(s) ({batch})",
              file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
            raise UserError(f"cluster.launcher={self.cluster.launcher}: a batch of the optimisation's jobs failed "
                            f"({batch}); every replication a job finished is kept in {self.cache_dir}, so the same "
                            f"command with the same hydra.run.dir resumes.\n{tail}")
