"""Split an experiment's replications over Hydra jobs, and find what a sweep left undone.

Hydra costs about half a second per job (../shared/SLURM-NOTES.md), so a multirun does not
make one job per replication: it makes ``shards`` jobs (``hydra.sweeper.params.shard``) and
job ``s`` runs every variant's replications ``k`` with ``k % shards == s`` in its own process
pool. All jobs write into one shared cache (``<sweep dir>/replications``), keyed by config,
so the aggregate does not depend on how the work was split, on which launcher ran it, or in
which order the jobs finished — and a sweep started again runs only what is missing.

A run directory (a local run's ``hydra.run.dir`` or a sweep's ``hydra.sweep.dir``) belongs to one
experiment: :func:`claim` records its identity (``experiment_identity.json``: a hash of what changes
its results, not of the number of replications, so a run can be extended) and refuses a different
experiment there before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict
from pathlib import Path

from filelock import FileLock

from sim.config.errors import UserError
from sim.config.schema import ConfigError
from sim.experiments.spec import ExperimentSpec
from sim.outputs.files import remove_stale_temporaries, write_json

PLAN = "experiment.json"
IDENTITY = "experiment_identity.json"
# What changes an experiment's results. Not the replications (adding some to a run must work), nor the
# title, question or district name (they change the report's words, not its numbers).
IDENTIFYING = ("name", "org", "baseline", "variants", "overrides", "horizon_weeks", "warmup_weeks", "assumptions")



class RunDirInUse(ConfigError):
    """A run directory that holds another experiment's results (a ConfigError, so that every entry point,
    a sweep's callbacks included, prints it as one line and exits with status 2)."""

    kind = "Error"

    def __init__(self, out_dir: Path, message: str):
        self.key, self.value, self.allowed = "hydra.run.dir", str(out_dir), message
        UserError.__init__(self, message)


def identity(spec: ExperimentSpec) -> dict:
    """``{"experiment": name, "identity": hash, "settings": {...}}`` of what makes ``spec``'s results."""
    settings = {
        "name": spec.name, "org": spec.org, "baseline": spec.baseline,
        "variants": {name: [str(o) for o in overrides] for name, overrides in spec.variants.items()},
        "overrides": [str(o) for o in spec.overrides],
        "horizon_weeks": float(spec.horizon_weeks), "warmup_weeks": float(spec.warmup_weeks),
    }
    if spec.assumptions:  # only where there are some, so a folder of an experiment without keeps its identity
        settings["assumptions"] = {name: [str(o) for o in overrides] for name, overrides in spec.assumptions.items()}
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]
    return {"experiment": spec.name, "identity": digest, "settings": settings}


def claim(out_dir: Path, spec: ExperimentSpec) -> None:
    """Make ``out_dir`` ``spec``'s run directory, or refuse (:class:`RunDirInUse`, nothing written) if it
    is another experiment's; then remove the temporaries that a killed run's writes left in it."""
    out_dir = Path(out_dir)
    mine = identity(spec)
    _refuse_other(out_dir, _recorded(out_dir, warn=False), mine)  # before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(out_dir / f".{IDENTITY}.lock"):  # two runs starting at once: one claims, the other checks
        recorded = _recorded(out_dir, warn=True)
        _refuse_other(out_dir, recorded, mine)
        if recorded != mine:
            write_json(out_dir / IDENTITY, mine)
        remove_stale_temporaries(out_dir)


def check_owner(out_dir: Path, spec: ExperimentSpec, fields: tuple[str, ...] = IDENTIFYING) -> None:
    """Refuse ``spec`` in ``out_dir`` if the experiment recorded there differs in ``fields``; write nothing."""
    _refuse_other(Path(out_dir), _recorded(Path(out_dir), warn=False), identity(spec), fields)


def _recorded(out_dir: Path, warn: bool) -> dict | None:
    """The identity ``out_dir`` records; None if it records none (a new folder, or an older version's)."""
    path = out_dir / IDENTITY
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as err:
        data = err
    if isinstance(data, dict) and isinstance(data.get("identity"), str) and isinstance(data.get("settings"), dict):
        return data
    if warn:
        print(f"warning: {path} is damaged ({' '.join(str(data).split())[:80]}); the folder is taken as this "
              "experiment's", file=sys.stderr, flush=True)
    return None


def _refuse_other(out_dir: Path, recorded: dict | None, mine: dict, fields: tuple[str, ...] = IDENTIFYING) -> None:
    if recorded is None:
        return
    theirs = recorded["settings"]
    differ = [k for k in fields if theirs.get(k) != mine["settings"].get(k)]
    if fields == IDENTIFYING and not differ and recorded["identity"] != mine["identity"]:
        differ = ["settings"]
    if not differ:
        return
    raise RunDirInUse(out_dir, (
        f"{out_dir} holds experiment '{recorded.get('experiment', '?')}' ({recorded['identity']}), not "
        f"'{mine['experiment']}' ({mine['identity']}; differs in {', '.join(differ)}): run it in another folder "
        "(hydra.run.dir=..., or hydra.sweep.dir=... with -m) or remove that one"))


def check(shard: int, shards: int) -> None:
    if shards < 1:
        raise ConfigError("shards", shards, "a whole number >= 1")
    if not 0 <= shard < shards:
        raise ConfigError("shard", shard, f"0 .. {shards - 1} (shards={shards})")


BY = ("replication", "run")  # how a multirun splits its runs over jobs


def shard_of(replication: int, shards: int) -> int:
    """The job that runs replication ``replication`` (round robin, so every job gets every variant)."""
    return replication % shards


def shard_of_run(position: int, replication: int, shards: int, by: str) -> int:
    """The job of the planned run at ``position``: an experiment splits by replication (every job gets every
    variant); a sweep, with many points and few replications, by run (job s runs every shards-th run), so
    2,000 points x 10 replications can go to 40 jobs."""
    return shard_of(replication, shards) if by == "replication" else position % shards


def select(planned: list, shard: int, shards: int, by: str = "replication") -> list:
    """The planned (variant, replication, config) runs that belong to job ``shard``."""
    return [p for i, p in enumerate(planned) if shard_of_run(i, p[1], shards, by) == shard]


def write_plan(out_dir: Path, spec, replications: int, shards: int, **extra) -> None:
    """What the driver needs to aggregate and to report missing work, next to the results. Refused in a
    folder that holds another experiment (:func:`check_owner`; a job claims the folder, :func:`claim`).
    ``extra`` (a sweep's own spec) is kept beside it."""
    check_owner(out_dir, spec)
    write_json(out_dir / PLAN, {"spec": asdict(spec), "replications": replications, "shards": shards, **extra})


def read_plan(out_dir: Path):
    data = json.loads((out_dir / PLAN).read_text(encoding="utf-8"))
    return ExperimentSpec(**data["spec"]), int(data["replications"]), int(data["shards"])


def read_plan_extra(out_dir: Path, key: str):
    """What :func:`write_plan` kept beside the plan under ``key``."""
    return json.loads((out_dir / PLAN).read_text(encoding="utf-8"))[key]


def missing_by_shard(planned: list, done: list, shards: int, by: str = "replication",
                     ) -> dict[int, list[tuple[str, int]]]:
    """{shard: [(variant, replication), ...]} of planned runs without a result."""
    out: dict[int, list[tuple[str, int]]] = {}
    for i, ((variant, k, _), result) in enumerate(zip(planned, done)):
        if result is None:
            out.setdefault(shard_of_run(i, k, shards, by), []).append((variant, k))
    return out


def describe_missing(missing: dict[int, list[tuple[str, int]]], shards: int, job_name: str,
                     what: str = "variants") -> str:
    """One line per unfinished job, named as the user can find it (Hydra override and Slurm name)."""
    lines = []
    for shard in sorted(missing):
        runs = missing[shard]
        variants = sorted({v for v, _ in runs})
        reps = sorted({k for _, k in runs})
        shown = ", ".join(variants[:8]) + (f", ... ({len(variants)} in all)" if len(variants) > 8 else "")
        lines.append(f"  job {job_name} shard={shard} (of {shards}): {len(runs)} replication(s) missing "
                     f"- {what} {shown}; replications {', '.join(map(str, reps))}")
    return "\n".join(lines)
