"""One experiment, every launcher, the same bytes.

A multirun (``python -m sim.experiment -m ... shards=N``) splits the replications over N Hydra
jobs that share one result cache. Whatever launches the jobs — Hydra's basic launcher, the
joblib launcher, submitit on this machine, or submitit on a real Slurm cluster that this test
module starts (``scripts/slurm-local.sh``) — the aggregate must equal a plain local run's,
byte for byte. A job cancelled with ``scancel`` must be reported by name instead of hanging
the sweep, and a sweep run again must only run what is missing.

The Slurm tests install Debian's packages and start daemons (root), or submit to a cluster found
here, only when asked: ``CI=true`` or ``CASEFLOW_TEST_SERVICES=1`` (tests/machine.py); otherwise they
skip saying so. Under ``CI=true`` they never skip: a cluster that does not come up is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from machine import slurm_plan

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "slurm-local.sh"
# experiments/default.yaml (3 variants), shrunk: 2 replications of 15 measured weeks.
TINY = ("experiment=default", "replications=2", "experiment.horizon_weeks=20", "experiment.warmup_weeks=5",
        "experiment.assumptions=null")  # without the assumption arm (issue 17): the launchers' work, half the runs
COMPARED = ("results.csv", "summary.csv")


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}


def experiment(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.experiment", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, env=environment())


def sweep(out: Path, *args: str, shards: int = 2, timeout: float = 600) -> subprocess.CompletedProcess:
    proc = experiment("-m", *TINY, f"shards={shards}", *args, f"hydra.sweep.dir={out}", timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def local_run(tmp_path_factory) -> Path:
    """The reference: the same experiment as one plain local run, one process."""
    out = tmp_path_factory.mktemp("local")
    proc = experiment(*TINY, "workers=1", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_a_run_keeps_hydras_record_of_what_was_asked(local_run):
    """Hydra's .hydra/ is written by the command once the folder is the experiment's (not by Hydra before)."""
    overrides = (local_run / ".hydra" / "overrides.yaml").read_text(encoding="utf-8")
    assert all(f"- {o}" in overrides for o in (*TINY, "workers=1")), overrides
    config = (local_run / ".hydra" / "config.yaml").read_text(encoding="utf-8")
    assert "horizon_weeks: 20" in config and "replications: 2" in config
    assert "output_dir: " + str(local_run) in (local_run / ".hydra" / "hydra.yaml").read_text(encoding="utf-8")


def assert_same_results(sweep_dir: Path, local: Path) -> None:
    for name in COMPARED:
        assert (sweep_dir / name).read_bytes() == (local / name).read_bytes(), f"{name} differs from the local run"
    assert (sweep_dir / "report.html").stat().st_size > 0


# --- local launchers (every CI run, no services needed) ---------------------------------------

@pytest.mark.parametrize("launcher, shards", [("basic", 2), ("local_pool", 3), ("submitit_local", 2)],
                         ids=["basic", "joblib", "submitit_local"])
def test_a_sharded_sweep_aggregates_to_the_local_run_bit_for_bit(tmp_path, local_run, launcher, shards):
    out = tmp_path / "sweep"
    sweep(out, f"hydra/launcher={launcher}", shards=shards)
    assert_same_results(out, local_run)
    assert sorted(p.name for p in (out / "jobs").iterdir()) == [f"shard-{s}" for s in range(shards)]
    for s in range(shards):  # each job's record of its own overrides
        assert f"- shard={s}" in (out / "jobs" / f"shard-{s}" / ".hydra" / "overrides.yaml").read_text()


def test_a_sweep_run_again_runs_only_the_missing_replication(tmp_path, local_run):
    out = tmp_path / "sweep"
    sweep(out)
    cache = sorted((out / "replications").glob("*.json"))
    assert len(cache) == 6  # 3 variants x 2 replications (TINY: without the assumption arm)
    lost, kept = cache[0], cache[1:]
    lost.unlink()
    before = {p: p.stat().st_mtime_ns for p in kept}
    (out / "summary.csv").unlink()
    sweep(out)
    assert lost.exists(), "the missing replication was not run again"
    assert {p: p.stat().st_mtime_ns for p in kept} == before, "finished replications were run again"
    assert_same_results(out, local_run)


def test_a_sweep_over_anything_but_shards_is_refused_naming_the_key(tmp_path):
    proc = experiment("-m", *TINY, "experiment.org=farsta,sodermalm", f"hydra.sweep.dir={tmp_path / 's'}")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Configuration error: experiment.org" in proc.stderr and "shards" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "s" / "replications").exists()


def test_shard_out_of_range_is_a_configuration_error(tmp_path):
    proc = experiment("-m", *TINY, "shards=2", "shard=2", f"hydra.sweep.dir={tmp_path / 's'}")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Configuration error: shard" in proc.stderr and "0 .. 1" in proc.stderr


# --- a real Slurm cluster -------------------------------------------------------------------

@pytest.fixture(scope="module")
def slurm():
    """A one-node Slurm started by scripts/slurm-local.sh (and stopped by PID afterwards).

    Only when asked (CI=true or CASEFLOW_TEST_SERVICES=1, tests/machine.py): it installs packages with
    apt-get, starts daemons, or submits to a cluster already running here.
    """
    action, reason = slurm_plan(os.environ, root=os.geteuid() == 0, apt_get=shutil.which("apt-get") is not None,
                                slurmctld=shutil.which("slurmctld") is not None)
    if action == "skip":
        pytest.skip(reason)
    already = subprocess.run(["sinfo", "-h", "-N", "-o", "%t"], capture_output=True, text=True) \
        if shutil.which("sinfo") else None
    started_here = not (already and already.returncode == 0 and already.stdout.strip() == "idle")
    if started_here:
        proc = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            pytest.fail(f"scripts/slurm-local.sh start failed:\n{proc.stdout}\n{proc.stderr}")
    yield
    if started_here:
        subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, text=True, timeout=120)


def slurm_launcher(*extra: str) -> tuple[str, ...]:
    # timeout_min >= 5: submitit signals a job signal_delay_s (120 s) before its limit (SLURM-NOTES.md)
    return ("hydra/launcher=slurm", "hydra.launcher.timeout_min=10", "hydra.launcher.cpus_per_task=1", *extra)


def test_a_sweep_on_slurm_aggregates_to_the_local_run_bit_for_bit(slurm, tmp_path, local_run):
    out = tmp_path / "sweep"
    proc = sweep(out, *slurm_launcher(), shards=2)
    assert_same_results(out, local_run)
    assert_one_completed_array_task_per_shard(out, 2, "caseflow-default")
    assert "Report:" in proc.stdout


def assert_one_completed_array_task_per_shard(out: Path, shards: int, job_name: str) -> None:
    job_ids = sorted(p.name for p in (out / ".submitit").iterdir() if p.is_dir() and "_" in p.name)
    assert len(job_ids) == shards, job_ids  # one Slurm array task per shard
    states = subprocess.run(["sacct", "-n", "-X", "-o", "JobID,JobName%40,State", "-j", job_ids[0].split("_")[0]],
                            capture_output=True, text=True, check=True).stdout
    assert states.count("COMPLETED") == shards and job_name in states, states


def test_a_job_cancelled_with_scancel_is_reported_by_name_not_waited_for(slurm, tmp_path):
    out = tmp_path / "sweep"
    name = "cancel_probe"  # its own Slurm job name, so only this test's jobs are cancelled
    args = ["-m", "experiment=default", f"experiment.name={name}", "replications=2",
            "experiment.horizon_weeks=2600", "experiment.warmup_weeks=5", "shards=2",  # each job runs minutes
            *slurm_launcher(), f"hydra.sweep.dir={out}"]
    driver = subprocess.Popen([sys.executable, "-m", "sim.experiment", *args], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=environment())
    try:
        job = wait_for_running_job(f"caseflow-{name}", driver)
        subprocess.run(["scancel", job], check=True)
        cancelled = time.monotonic()
        stdout, stderr = driver.communicate(timeout=180)  # submitit notices via sacct within ~20 s
    finally:
        subprocess.run(["scancel", "--name", f"caseflow-{name}"], capture_output=True)
        if driver.poll() is None:
            driver.kill()
            pytest.fail("the sweep hung after scancel")
    assert driver.returncode == 1, stdout + stderr
    assert f"Job caseflow-{name} shard=0" in stderr and "CANCELLED" in stderr, stderr
    assert f"job caseflow-{name} shard=0 (of 2)" in stderr  # what is missing, by job
    assert f"hydra.sweep.dir={out}" in stderr  # and how to run only that
    assert "Traceback" not in stderr
    assert time.monotonic() - cancelled < 120


def wait_for_running_job(name: str, driver: subprocess.Popen, limit: float = 180) -> str:
    """The Slurm id of array task 0 of job ``name`` once it is running (polling squeue)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if driver.poll() is not None:
            pytest.fail(f"the sweep ended before it could be cancelled: {driver.stderr.read()}")
        rows = subprocess.run(["squeue", "-h", "--name", name, "-o", "%i %t"], capture_output=True,
                              text=True).stdout.split("\n")
        for row in rows:
            job, _, state = row.partition(" ")
            if job.endswith("_0") and state == "R":
                return job
        time.sleep(0.2)
    pytest.fail(f"no running Slurm job named {name} after {limit} s")


# --- a sweep of design points (python -m sim.sweep -m): split by run, same bytes -------------

# configs/sweep/notice_grid.yaml (6 points), shrunk: 2 replications of 15 measured weeks; 12 runs
POINTS_TINY = ("sweep=notice_grid", "replications=2", "sweep.horizon_weeks=20", "sweep.warmup_weeks=5")
POINTS_COMPARED = ("results.csv", "points.csv")


def points_sweep(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    flags = [a for a in args if a.startswith("-")]  # Hydra's -m before the overrides
    return subprocess.run([sys.executable, "-m", "sim.sweep", *flags, *POINTS_TINY,
                           *(a for a in args if not a.startswith("-"))], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, env=environment())


@pytest.fixture(scope="module")
def points_local(tmp_path_factory) -> Path:
    """The reference: the sweep as one plain local run, one process."""
    out = tmp_path_factory.mktemp("points_local")
    proc = points_sweep("workers=1", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def assert_same_points(out: Path, local: Path) -> None:
    for name in POINTS_COMPARED:
        assert (out / name).read_bytes() == (local / name).read_bytes(), f"{name} differs from the local run"


def test_a_sweeps_multirun_splits_runs_not_replications_and_aggregates_to_the_local_bytes(tmp_path, points_local):
    """5 jobs for 2 replications: a sweep splits its 12 runs by position, so every job has work."""
    out = tmp_path / "multirun"
    proc = points_sweep("-m", "shards=5", f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_same_points(out, points_local)
    assert sorted(p.name for p in (out / "jobs").iterdir()) == [f"shard-{s}" for s in range(5)]
    assert "first_visit_wait_weeks: lowest" in proc.stdout  # the driver's summary, as a local run prints it


def test_a_sweeps_multirun_over_a_design_key_is_refused_naming_it(tmp_path):
    proc = points_sweep("-m", "sweep.org=farsta,sodermalm", f"hydra.sweep.dir={tmp_path / 's'}")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Configuration error: sweep.org" in proc.stderr and "shards" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "s" / "replications").exists()


def test_a_sweep_on_slurm_gives_the_local_pools_bytes(slurm, tmp_path, points_local):
    out = tmp_path / "points"
    proc = points_sweep("-m", "shards=3", *slurm_launcher(), f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_same_points(out, points_local)
    assert_one_completed_array_task_per_shard(out, 3, "caseflow-sweep-notice_grid")


# --- an optimisation's batches as Slurm jobs (python -m sim.optimise cluster.launcher=slurm) -------------------

def optimise(out: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "sim.optimise", "optimise=tandem", *args, f"hydra.run.dir={out}"],
                          cwd=REPO, capture_output=True, text=True, timeout=900, env=environment())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_an_optimisation_on_slurm_tries_the_same_staffings_as_here(slurm, tmp_path):
    """configs/optimise/tandem.yaml: every batch of replications as a Slurm array of 2 tasks (Hydra's submitit
    launcher) gives the candidates.csv of a run on this machine's processes, byte for byte."""
    here, there = tmp_path / "here", tmp_path / "slurm"
    optimise(here, "workers=2")
    settings = ",".join(f'"{a}"' for a in slurm_launcher()[1:])
    proc = optimise(there, "cluster.launcher=slurm", "cluster.jobs=2", f"cluster.overrides=[{settings}]")
    assert (there / "candidates.csv").read_bytes() == (here / "candidates.csv").read_bytes()
    assert "slurm job(s)" in proc.stderr
    job_ids = {p.name.split("_")[0] for b in (there / "jobs").glob("batch-*") for p in (b / ".submitit").iterdir()
               if p.is_dir() and "_" in p.name}
    assert job_ids
    states = subprocess.run(["sacct", "-n", "-X", "-o", "JobID,JobName%40,State", "-j", ",".join(sorted(job_ids))],
                            capture_output=True, text=True, check=True).stdout
    assert "caseflow-optimise-jobs" in states and "FAILED" not in states and "COMPLETED" in states, states
