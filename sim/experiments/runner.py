"""Replications in a local process pool, with progress and a resumable result cache.

Each replication's summary is written atomically to ``<cache>/<key>.json`` where ``key`` is a
hash of the resolved config (seed included). A run that is killed and started again skips
what already finished, and the aggregate is the same as an uninterrupted run because every
replication depends only on its own config and seed.

A cached file proves what it is: it records its key, variant, replication, seed and job and a
checksum of its contents (``_cache`` in its summary), and is checked when read. A file that is
unreadable, cut short, edited, or another replication's is named in one warning line and computed
again, never used. Two runs sharing a cache at once share the work: a replication is computed
under a file lock (``<cache>/../.<cache name>.locks/<key>.lock``); a run that finds one locked does
the others first, then waits for it and reads the other run's result.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Iterable

from filelock import FileLock, Timeout

from sim.analysis.metrics import summary, weekly_frame
from sim.analysis.replication import replicate
from sim.config.errors import ConfigError
from sim.config.schema import Config
from sim.model import units
from sim.outputs.files import json_ready, remove_stale_temporaries, write_json

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


POLL = 0.25  # seconds between looks at replications another run is computing
WAIT_REMINDER = 60.0  # seconds between "still waiting" lines while another run holds every replication left


def run_many(configs: Iterable[Config], cache_dir: Path | None = None, workers: int | None = None,
             label: str = "replications", job=run_summary, replications: Iterable[int] | None = None) -> list[dict]:
    """Run every config (one replication each), in parallel, reusing cached results.

    Results come back in the order of ``configs`` whatever order the workers finish in.
    ``replications`` numbers the configs for the cache's records (default: each config's seed).
    """
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ConfigError("workers", workers, "at least 1 (or leave it out for all cores)")  # every command's
    configs = list(configs)
    numbers = _numbers(configs, replications)
    cache = _Cache(cache_dir, job)
    cache.tidy()
    results = [cache.read(c, k) for c, k in zip(configs, numbers)]
    todo = [i for i, r in enumerate(results) if r is None]
    if cache_dir is not None and len(todo) < len(configs):  # a resumed run says what it did not redo
        print(reused(label, len(configs) - len(todo), len(configs), cache_dir), file=sys.stderr, flush=True)
    progress = Progress(len(configs), label)
    progress.skip(len(configs) - len(todo)) if len(todo) < len(configs) else None
    if not todo:
        return results
    workers = workers or default_workers()
    inline = workers == 1 or len(todo) <= 1
    slots = 1 if inline else min(workers, len(todo))
    with (_Inline() if inline else ProcessPoolExecutor(max_workers=slots)) as pool:
        error = _work(pool, slots, inline, todo, configs, numbers, cache, job, results, progress, label)
    if error is not None:
        raise error
    return [r for r in results if r is not None]


def _work(pool: Executor, slots: int, inline: bool, todo: list[int], configs: list[Config], numbers: list[int],
          cache: _Cache, job, results: list, progress: Progress, label: str) -> Exception | None:
    """Compute ``todo`` on ``pool``, each under its replication's lock; one locked by another run is left
    for later, then read once that run is done with it (or computed here if it gave up). Returns the first
    error of a worker (the other replications are kept); an inline run raises it at once."""
    pending, running = list(todo), {}
    error, said_at, waited_since = None, None, 0.0  # when 'waiting for another run' was last said
    try:
        while pending or running:
            for i in list(pending):
                if len(running) >= slots:
                    break
                lock = cache.lock(configs[i])
                if lock is None:  # another run holds it
                    continue
                try:
                    found = cache.read(configs[i], numbers[i])  # finished by another run meanwhile?
                except BaseException:
                    lock.release()
                    raise
                pending.remove(i)
                if found is not None:
                    lock.release()
                    results[i] = found
                    progress.step()
                    continue
                running[pool.submit(job, configs[i])] = (i, lock)
            if running:
                timeout = POLL if pending and len(running) < slots else None
                done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
                for future in done:
                    i, lock = running.pop(future)
                    try:
                        results[i] = cache.store(configs[i], numbers[i], future.result())
                        progress.step()
                    except Exception as exc:  # keep every other finished replication; raise at the end
                        if inline:
                            raise
                        error = error or exc
                    finally:
                        lock.release()
            elif pending:  # every replication left is being computed by another run
                now = time.monotonic()
                if said_at is None:
                    print(f"{label}: {len(pending)} replication(s) are being computed by another run using "
                          f"{cache.dir}; waiting for them", file=sys.stderr, flush=True)
                    said_at = waited_since = now
                elif now - said_at >= WAIT_REMINDER:  # never a silent hang: say it again, with how long
                    print(f"{label}: still waiting for {len(pending)} replication(s) held by another run "
                          f"({(now - waited_since) / 60:.0f} min; its locks: {cache.locks}; stop that run to "
                          "compute them here)", file=sys.stderr, flush=True)
                    said_at = now
                time.sleep(POLL)
    finally:
        for _, lock in running.values():
            lock.release()
    return error


class _Inline(Executor):
    """An executor that runs each job at once in this process (one worker: no pool to start)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def reused(label: str, hits: int, total: int, cache_dir: Path) -> str:
    """What a resumed run took from its cache, and what is left to run."""
    rest = f"running {total - hits}" if hits < total else "nothing left to run"
    return f"{label}: reused {hits} of {total} replications from the cache in {cache_dir}; {rest}"


def cached(configs: list[Config], cache_dir: Path | None, job=run_summary,
           replications: Iterable[int] | None = None) -> list[dict | None]:
    """The cached result of each config, None where it has not run (yet) or its file is not its result."""
    cache = _Cache(cache_dir, job)
    return [cache.read(c, k) for c, k in zip(configs, _numbers(configs, replications))]


RECORD = "_cache"  # the field of a cached replication's summary that says what it is
RECORDED = ("key", "job", "variant", "replication", "seed")


class _Cache:
    """``<dir>/<key><suffix>.json`` files that prove themselves, and a lock per replication beside them."""

    def __init__(self, cache_dir: Path | None, job):
        self.dir = Path(cache_dir) if cache_dir is not None else None
        self.job = job
        self.warned: set[Path] = set()  # a bad file is named once per run, however often it is looked at
        self.keys: dict[int, tuple[Config, str]] = {}  # config_key by config (the config kept, so its id stays its)

    def key(self, config: Config) -> str:
        """``config_key(config)``, computed once per config: each replication asks for it about seven times,
        and hashing a whole config is most of a stub run's cost (a sweep of thousands of points)."""
        held = self.keys.get(id(config))
        if held is None or held[0] is not config:
            held = self.keys[id(config)] = (config, config_key(config))
        return held[1]

    @property
    def locks(self) -> Path | None:
        """The folder of the replications' locks, beside the cache (a lock dies with the process holding it)."""
        return None if self.dir is None else self.dir.parent / f".{self.dir.name}.locks"

    def path(self, config: Config) -> Path:
        return self.dir / f"{self.key(config)}{_suffix(self.job)}.json"

    def tidy(self) -> None:
        """Remove the temporaries of writes that a killed run left in the cache."""
        if self.dir is not None:
            remove_stale_temporaries(self.dir, recursive=False)

    def expected(self, config: Config, replication: int) -> dict:
        return {"key": self.key(config), "job": self.job.__name__, "variant": _variant(config),
                "replication": int(replication), "seed": int(config.seed)}

    def read(self, config: Config, replication: int) -> dict | None:
        """The cached result if the file is this replication's, intact; else None (and one warning line)."""
        if self.dir is None:
            return None
        path = self.path(config)
        result, why = _load(path, self.expected(config, replication))
        if why is not None and path not in self.warned:
            self.warned.add(path)
            why = " ".join(why.split())  # one line, whatever an error message holds
            print(f"warning: not using cached replication {path}: {why}; computing it again",
                  file=sys.stderr, flush=True)
        return result

    def store(self, config: Config, replication: int, result: dict) -> dict:
        """Cache a result with its record; return it as JSON would give it back, so fresh == cached
        (NaN -> None)."""
        result = json_ready(result)
        if "summary" in result:
            result["summary"] = json_ready(result["summary"])
        clean = json.loads(json.dumps(result))
        if self.dir is not None:
            record = {**self.expected(config, replication), "digest": _digest(clean)}
            data = json.loads(json.dumps(clean))
            _holder(data)[RECORD] = record
            write_json(self.path(config), data)
        return clean

    def lock(self, config: Config) -> FileLock | _NoLock | None:
        """This replication's lock, held; None if another run holds it."""
        if self.dir is None:
            return _NoLock()
        self.locks.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.locks / f"{self.key(config)}{_suffix(self.job)}.lock", thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return None
        return lock


class _NoLock:
    def release(self) -> None:
        pass


def _load(path: Path, expected: dict) -> tuple[dict | None, str | None]:
    """(result, None) if ``path`` holds the replication ``expected`` describes, intact; (None, why) if it
    holds anything else; (None, None) if there is no file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError, RecursionError) as err:  # unreadable, not UTF-8, not JSON, cut short
        return None, f"unreadable ({type(err).__name__}: {err})" if str(err) else f"unreadable ({type(err).__name__})"
    if not isinstance(data, dict):
        return None, f"not a cached replication (a JSON {type(data).__name__})"
    record = _holder(data).pop(RECORD, None)
    if not isinstance(record, dict):
        return None, "records no key, replication or seed (not written by this version)"
    wrong = [f"{field} {record.get(field)!r} instead of {expected[field]!r}" for field in RECORDED
             if record.get(field) != expected[field]]
    if wrong:
        return None, "it was written for another replication: " + ", ".join(wrong)
    if record.get("digest") != _digest(data):
        return None, "its contents do not match the checksum it was written with (changed or damaged)"
    return data, None


def _holder(result: dict) -> dict:
    """Where a result's record goes: its summary (a detail job's ``summary``, or the result itself)."""
    summary = result.get("summary")
    return summary if isinstance(summary, dict) else result


def _digest(result: dict) -> str:
    return hashlib.sha256(json.dumps(result, sort_keys=True).encode()).hexdigest()[:16]


def _variant(config: Config) -> str:
    variant = getattr(config, "variant", None)
    return str(getattr(variant, "name", "") or "")


def _numbers(configs: list[Config], replications: Iterable[int] | None) -> list[int]:
    numbers = [c.seed for c in configs] if replications is None else [int(k) for k in replications]
    if len(numbers) != len(configs):
        raise ValueError(f"{len(numbers)} replication numbers for {len(configs)} configs")
    return numbers


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
