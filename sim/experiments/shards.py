"""Split an experiment's replications over Hydra jobs, and find what a sweep left undone.

Hydra costs about half a second per job (../shared/SLURM-NOTES.md), so a multirun does not
make one job per replication: it makes ``shards`` jobs (``hydra.sweeper.params.shard``) and
job ``s`` runs every variant's replications ``k`` with ``k % shards == s`` in its own process
pool. All jobs write into one shared cache (``<sweep dir>/replications``), keyed by config,
so the aggregate does not depend on how the work was split, on which launcher ran it, or in
which order the jobs finished — and a sweep started again runs only what is missing.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from sim.config.schema import ConfigError
from sim.experiments.spec import ExperimentSpec
from sim.outputs.files import write_json

PLAN = "experiment.json"


def check(shard: int, shards: int) -> None:
    if shards < 1:
        raise ConfigError("shards", shards, "a whole number >= 1")
    if not 0 <= shard < shards:
        raise ConfigError("shard", shard, f"0 .. {shards - 1} (shards={shards})")


def shard_of(replication: int, shards: int) -> int:
    """The job that runs replication ``replication`` (round robin, so every job gets every variant)."""
    return replication % shards


def select(planned: list, shard: int, shards: int) -> list:
    """The planned (variant, replication, config) runs that belong to job ``shard``."""
    return [p for p in planned if shard_of(p[1], shards) == shard]


def write_plan(out_dir: Path, spec, replications: int, shards: int) -> None:
    """What the driver needs to aggregate and to report missing work, next to the results."""
    write_json(out_dir / PLAN, {"spec": asdict(spec), "replications": replications, "shards": shards})


def read_plan(out_dir: Path):
    data = json.loads((out_dir / PLAN).read_text(encoding="utf-8"))
    return ExperimentSpec(**data["spec"]), int(data["replications"]), int(data["shards"])


def missing_by_shard(planned: list, done: list, shards: int) -> dict[int, list[tuple[str, int]]]:
    """{shard: [(variant, replication), ...]} of planned runs without a result."""
    out: dict[int, list[tuple[str, int]]] = {}
    for (variant, k, _), result in zip(planned, done):
        if result is None:
            out.setdefault(shard_of(k, shards), []).append((variant, k))
    return out


def describe_missing(missing: dict[int, list[tuple[str, int]]], shards: int, job_name: str) -> str:
    """One line per unfinished job, named as the user can find it (Hydra override and Slurm name)."""
    lines = []
    for shard in sorted(missing):
        runs = missing[shard]
        variants = sorted({v for v, _ in runs})
        reps = sorted({k for _, k in runs})
        lines.append(f"  job {job_name} shard={shard} (of {shards}): {len(runs)} replication(s) missing "
                     f"- variants {', '.join(variants)}; replications {', '.join(map(str, reps))}")
    return "\n".join(lines)
