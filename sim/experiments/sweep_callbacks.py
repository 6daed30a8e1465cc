"""The driver's side of an experiment multirun (``python -m sim.experiment -m ...``).

Hydra calls :class:`ExperimentSweep` in the driver process, whatever the launcher (basic,
joblib, submitit local or Slurm): before the jobs start it writes the plan and starts a
progress line that counts finished replications in the shared cache; after the last job it
aggregates the cache into the same results, summary, plots and report a local run writes.
When a job fails or is cancelled, Hydra stops the sweep with the launcher's error;
:func:`report_failure` then names the jobs whose replications are missing and prints the
command that runs only those.
"""

from __future__ import annotations

import re
import shlex
import sys
import threading
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.config.errors import fail
from sim.config.schema import ConfigError
from sim.experiments import shards as sharding
from sim.experiments.compare import finish
from sim.experiments.runner import Progress
from sim.experiments.spec import ExperimentApp, ExperimentSpec, IncompleteSweep, check, from_app, sweep_dir
from sim.outputs import report

APP_KEYS = ("replications", "workers", "shards", "shard", "parameters", "horizon_weeks", "warmup_weeks")
_active: dict[str, Any] = {}  # the running sweep in this (driver) process


class ExperimentSweep(Callback):
    """Hydra swallows a callback's exceptions (it only warns), so errors here exit via SystemExit."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        try:
            self._start(config)
        except ConfigError as err:
            fail(err)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        try:
            self._end()
        except IncompleteSweep as err:
            print(f"Sweep incomplete. {err}", file=sys.stderr)
            raise SystemExit(1) from None

    def _start(self, config: DictConfig) -> None:
        given = list(config.hydra.overrides.task)
        _refuse_swept_experiment(given)
        # the experiment as its jobs will run it: top-level parameters=, horizon_weeks=, warmup_weeks= applied
        app = ExperimentApp(experiment=ExperimentSpec(**OmegaConf.to_container(config.experiment, resolve=True)),
                            **{key: config[key] for key in APP_KEYS})
        spec = from_app(app, given)
        n = spec.replications if app.replications is None else int(app.replications)
        check(spec, n)
        sharding.check(0, int(config.shards))
        out_dir = sweep_dir(config.hydra.sweep.dir)
        sharding.write_plan(out_dir, spec, n, int(config.shards))  # refused in another experiment's folder
        _begin(config, "sim.experiment", out_dir, n * len(spec.variants) * (1 + len(spec.assumptions)), spec.name,
               finish)

    def _end(self) -> None:
        _stop_progress()
        out_dir = _active["out_dir"]
        summary = finish(out_dir, _active["job_name"], _active["command"])
        spec, n, _ = sharding.read_plan(out_dir)
        print(report.text_summary(spec, n, summary, summary.attrs.get("assumptions")))
        print(f"\nReport: {out_dir / 'report.html'}")
        _active.clear()


class PointsSweep(ExperimentSweep):
    """The driver's side of ``python -m sim.sweep -m sweep=<name> shards=N``: the sweep's plan before the jobs,
    progress while they run, and the sweep's tables and page (:func:`sim.experiments.sweep.finish`) after."""

    def _start(self, config: DictConfig) -> None:
        from sim.experiments import sweep as sweeps

        _refuse_swept_experiment(list(config.hydra.overrides.task))
        sweep = sweeps.from_config(config)
        sharding.check(0, int(config.shards))
        out_dir = sweep_dir(config.hydra.sweep.dir)
        sweeps.write_plan(sweep, out_dir, int(config.shards))
        total = len(sweeps.as_experiment(sweep)[1]) * sweep.replications
        _begin(config, "sim.sweep", out_dir, total, sweep.name, sweeps.finish)

    def _end(self) -> None:
        from sim.experiments import sweep as sweeps

        _stop_progress()
        out_dir = _active["out_dir"]
        sweep, per_point = sweeps.finish(out_dir, _active["job_name"], _active["command"])
        print(sweeps.summary_text(sweep, per_point, out_dir))
        _active.clear()


def _begin(config: DictConfig, module: str, out_dir: Path, total: int, label: str, finisher) -> None:
    """Remember the running multirun: its folder, job name, the command that resumes it, and a progress line."""
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", module, "-m", *config.hydra.overrides.task,
                                                 *_without_sweep_dir(config.hydra.overrides.hydra),
                                                 f"hydra.sweep.dir={out_dir}"])
    _active.update(out_dir=out_dir, job_name=str(config.hydra.job.name), command=command, finish=finisher,
                   progress=_ProgressWatcher(out_dir / "replications", total, label))


def running() -> bool:
    return "out_dir" in _active


def describe_job_error(err: Exception) -> str:
    """The launcher's error in a few lines, with the job named by its shard.

    submitit numbers array tasks in the order Hydra launched them, which is shard 0, 1, ...
    (a multirun sweeps only ``shard``).
    """
    text = str(err).strip()
    task = re.search(r"Job (\S+) \(task: (\d+)\)", text)
    state = re.search(r"state: ([A-Z_]+)", text)
    if task:
        what = state.group(1) if state else "FAILED"
        head = (f"Job {_active.get('job_name', '?')} shard={task.group(2)} (Slurm/submitit job {task.group(1)}) "
                f"ended {what}.")
        return head if state else f"{head}\n{text}"
    return f"A job of the sweep failed: {type(err).__name__}: {text}"


def report_failure() -> None:
    """After a failed multirun: which jobs' replications are missing, and how to run only those."""
    if "out_dir" not in _active:
        return
    _stop_progress()
    try:
        _active["finish"](_active["out_dir"], _active["job_name"], _active["command"])
    except IncompleteSweep as err:
        print(f"\nSweep incomplete. {err}", file=sys.stderr)
    except Exception as err:  # never hide the launcher's own error behind ours
        print(f"\n(could not list the missing replications: {err})", file=sys.stderr)
    _active.clear()


def _refuse_swept_experiment(task_overrides: list[str]) -> None:
    """A multirun shards one experiment; sweeping the experiment itself would mix two in one folder."""
    for override in OverridesParser.create().parse_overrides(task_overrides):
        if override.is_sweep_override() and override.key_or_group != "shard":
            raise ConfigError(override.key_or_group, override.input_line.split("=", 1)[-1],
                              "a multirun sweeps only shard (set shards=N); run one experiment per multirun, "
                              "or put parameter points into the experiment's variants (or a sweep's design: "
                              "python -m sim.sweep)")


def _without_sweep_dir(hydra_overrides) -> list[str]:
    return [o for o in hydra_overrides if not o.startswith(("hydra.sweep.dir=", "hydra.mode="))]


def _stop_progress() -> None:
    watcher = _active.get("progress")
    if watcher is not None:
        watcher.stop()


class _ProgressWatcher:
    """Counts finished replications in the shared cache every second while the jobs run."""

    def __init__(self, cache: Path, total: int, label: str):
        self.cache, self.progress = cache, Progress(total, f"{label} (sweep)")
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _count(self) -> int:
        return len(list(self.cache.glob("*.json"))) if self.cache.exists() else 0

    def _watch(self) -> None:
        while not self.done.wait(1.0):
            seen = min(self._count(), self.progress.total)
            if self.progress.done < seen < self.progress.total:
                self.progress.step(seen - self.progress.done)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()
        seen = min(self._count(), self.progress.total)
        if self.progress.done < seen == self.progress.total:  # the last line: every replication is in
            self.progress.step(seen - self.progress.done)
