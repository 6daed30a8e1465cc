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

from sim.config import Config


@functools.cache
def code_fingerprint() -> str:
    """A hash of the package's source, so a cache never serves results of older model code."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def config_key(config: Config) -> str:
    """A stable hash of a resolved config and the model code (the cache key of its replication)."""
    text = json.dumps(dataclasses.asdict(config), sort_keys=True, default=str)
    return hashlib.sha256((code_fingerprint() + text).encode()).hexdigest()[:20]


def run_summary(config: Config) -> dict:
    """One replication → its summary (in a worker process)."""
    from sim.metrics import summary
    from sim.model import simulate

    return summary(simulate(config))


class Progress:
    """A one-line progress bar on stderr (quiet when stderr is not a terminal, except at the end)."""

    def __init__(self, total: int, label: str):
        self.total, self.label, self.done = total, label, 0
        self.started = time.perf_counter()
        self.tty = sys.stderr.isatty()

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.tty or self.done == self.total:
            elapsed = time.perf_counter() - self.started
            eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
            bar = "#" * int(30 * self.done / max(1, self.total))
            end = "\n" if self.done == self.total else "\r"
            print(f"{self.label} [{bar:<30}] {self.done}/{self.total} {elapsed:5.0f}s eta {eta:4.0f}s",
                  end=end, file=sys.stderr, flush=True)


def run_many(configs: Iterable[Config], cache_dir: Path | None = None, workers: int | None = None,
             label: str = "replications") -> list[dict]:
    """Run every config (one replication each), in parallel, reusing cached results.

    Results come back in the order of ``configs`` whatever order the workers finish in.
    """
    from sim.output import write_json

    configs = list(configs)
    results: list[dict | None] = [None] * len(configs)
    todo: list[int] = []
    for i, config in enumerate(configs):
        path = cache_dir / f"{config_key(config)}.json" if cache_dir else None
        if path is not None and path.exists():
            results[i] = json.loads(path.read_text(encoding="utf-8"))
        else:
            todo.append(i)
    progress = Progress(len(configs), label)
    progress.step(len(configs) - len(todo)) if len(todo) < len(configs) else None
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(todo) <= 1:
        for i in todo:
            results[i] = _store(cache_dir, configs[i], run_summary(configs[i]), write_json)
            progress.step()
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures = {pool.submit(run_summary, configs[i]): i for i in todo}
            for future in as_completed(futures):
                i = futures[future]
                results[i] = _store(cache_dir, configs[i], future.result(), write_json)
                progress.step()
    return [r for r in results if r is not None]


def _store(cache_dir: Path | None, config: Config, summary: dict, write_json) -> dict:
    """Cache the summary; return it as JSON would give it back, so fresh == cached (NaN → None)."""
    from sim.output import json_ready

    if cache_dir is not None:
        write_json(cache_dir / f"{config_key(config)}.json", summary)
    return json.loads(json.dumps(json_ready(summary)))
