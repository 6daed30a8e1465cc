"""Replications in a local process pool, with progress and a resumable result cache.

Each replication's summary is written atomically to ``<cache>/<key>.json`` where ``key`` is a
hash of the resolved config (seed included). A run that is killed and started again skips
what already finished, and the aggregate is the same as an uninterrupted run because every
replication depends only on its own config and seed.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Iterable

from sim.analysis.metrics import summary, weekly_frame
from sim.analysis.replication import replicate
from sim.config.schema import Config
from sim.model import units
from sim.outputs.files import json_ready, write_json

SIM = Path(__file__).resolve().parents[1]
# The code a replication's result depends on, relative to the package: the config (schema, vocabulary,
# the time-use table), the model, the figures made from a run, and this module's jobs. Walked, not
# listed, so a new module is covered; plots, the report and the commands are not (changing them keeps
# the cache).
RESULT_CODE = ("config", "model", "analysis", "experiments/runner.py")


def fingerprint(package: Path) -> str:
    """A hash of the result code under ``package`` (a copy of ``sim/``): file names and contents."""
    digest = hashlib.sha256()
    for part in RESULT_CODE:
        root = package / part
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.cache
def code_fingerprint() -> str:
    """This installation's result-code hash, so a cache never serves results of older code."""
    return fingerprint(SIM)


def config_key(config: Config) -> str:
    """A stable hash of a resolved config (a city's district configs included) and the result code."""
    text = json.dumps(dataclasses.asdict(config), sort_keys=True, default=str)
    return hashlib.sha256((code_fingerprint() + text).encode()).hexdigest()[:20]


def run_summary(config: Config) -> dict:
    """One replication → its summary (in a worker process)."""
    return summary(replicate(config))


WEEKLY_DETAIL = ("week", "households_in_stock", "first_visit_queue", "overflow", "first_visit_wait_weeks",
                 "caseload_per_caseworker")


def run_detail(config: Config) -> dict:
    """One replication → summary plus what experiment plots need (weekly series, wait sample)."""
    run = replicate(config)
    weekly = weekly_frame(run)
    if config.org.kind == "city":
        hours = run.waits
    else:
        hours = [w for t, w in run.rec.first_visit_waits if t >= run.warmup]
    waits = [round(w / units.WEEK, 4) for w in hours]
    return {
        "summary": json_ready(summary(run)),
        "weekly": {c: [None if v != v else v for v in weekly[c].tolist()] for c in WEEKLY_DETAIL if c in weekly},
        "waits": waits,
    }


class Progress:
    """Progress on stderr: a one-line bar redrawn in place on a terminal; elsewhere (a file, a pipe,
    a submitit or Slurm job's log) one line each time another tenth is done or ``every`` seconds
    have passed, and a last line at the end."""

    EVERY = 30.0  # seconds between lines when stderr is not a terminal, at most

    def __init__(self, total: int, label: str, every: float | None = None):
        self.total, self.label, self.done = total, label, 0
        self.started = self.last = time.perf_counter()
        self.every = self.EVERY if every is None else every
        self.tty = sys.stderr.isatty()
        self.tenths = 0  # tenths of the total done when the last line was printed
        self.reused = 0  # done before this run started (taken from a cache): not in the rate

    def skip(self, n: int) -> None:
        """``n`` already done (cached): counted, but not in the rate of the eta; off a terminal no line
        of its own (the caller says what it reused)."""
        self.reused += n
        if self.tty:
            self.step(n)
        else:
            self.done += n
            self.tenths = 10 * self.done // max(1, self.total)

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        elapsed = now - self.started
        fresh = self.done - self.reused
        eta = elapsed / fresh * (self.total - self.done) if fresh > 0 else 0.0
        if self.tty:
            bar = "#" * int(30 * self.done / max(1, self.total))
            end = "\n" if self.done == self.total else "\r"
            print(f"{self.label} [{bar:<30}] {self.done}/{self.total} {elapsed:5.0f}s eta {eta:4.0f}s",
                  end=end, file=sys.stderr, flush=True)
            return
        tenths = 10 * self.done // max(1, self.total)
        if self.done >= self.total or tenths > self.tenths or now - self.last >= self.every:
            self.tenths, self.last = tenths, now
            share = self.done / max(1, self.total)
            tail = "done" if self.done >= self.total else f"eta {eta:.0f}s"
            print(f"{self.label}: {self.done}/{self.total} ({share:.0%}) {elapsed:.0f}s, {tail}",
                  file=sys.stderr, flush=True)


def run_many(configs: Iterable[Config], cache_dir: Path | None = None, workers: int | None = None,
             label: str = "replications", job=run_summary) -> list[dict]:
    """Run every config (one replication each), in parallel, reusing cached results.

    Results come back in the order of ``configs`` whatever order the workers finish in.
    """
    configs = list(configs)
    results = cached(configs, cache_dir, job)
    todo = [i for i, r in enumerate(results) if r is None]
    if cache_dir is not None and len(todo) < len(configs):  # a resumed run says what it did not redo
        print(reused(label, len(configs) - len(todo), len(configs), cache_dir), file=sys.stderr, flush=True)
    progress = Progress(len(configs), label)
    progress.skip(len(configs) - len(todo)) if len(todo) < len(configs) else None
    workers = workers or default_workers()
    if workers == 1 or len(todo) <= 1:
        for i in todo:
            results[i] = _store(cache_dir, configs[i], job(configs[i]), write_json, job)
            progress.step()
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures = {pool.submit(job, configs[i]): i for i in todo}
            error = None
            for future in as_completed(futures):
                i = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # keep every other finished replication; raise at the end
                    error = error or exc
                    continue
                results[i] = _store(cache_dir, configs[i], result, write_json, job)
                progress.step()
            if error is not None:
                raise error
    return [r for r in results if r is not None]


def reused(label: str, hits: int, total: int, cache_dir: Path) -> str:
    """What a resumed run took from its cache, and what is left to run."""
    rest = f"running {total - hits}" if hits < total else "nothing left to run"
    return f"{label}: reused {hits} of {total} replications from the cache in {cache_dir}; {rest}"


def cached(configs: list[Config], cache_dir: Path | None, job=run_summary) -> list[dict | None]:
    """The cached result of each config, None where it has not run (yet)."""
    out: list[dict | None] = []
    for config in configs:
        path = cache_dir / f"{config_key(config)}{_suffix(job)}.json" if cache_dir else None
        out.append(json.loads(path.read_text(encoding="utf-8")) if path is not None and path.exists() else None)
    return out


def default_workers() -> int:
    """Processes for a pool: the CPUs Slurm gave this job, else the CPUs this process may use."""
    slurm = os.environ.get("SLURM_CPUS_PER_TASK")
    if slurm and slurm.isdigit():
        return int(slurm)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _suffix(job) -> str:
    return "" if job is run_summary else f".{job.__name__}"


def _store(cache_dir: Path | None, config: Config, result: dict, write_json, job=run_summary) -> dict:
    """Cache a result; return it as JSON would give it back, so fresh == cached (NaN → None)."""
    result = json_ready(result)
    if "summary" in result:
        result["summary"] = json_ready(result["summary"])
    if cache_dir is not None:
        write_json(cache_dir / f"{config_key(config)}{_suffix(job)}.json", result)
    return json.loads(json.dumps(result))
