"""As many replications as a given precision needs, no more (the job of ``python -m sim.sequential``).

:func:`replicate_until` runs seeds 0, 1, 2, ... of one config in batches (in parallel through
:func:`sim.experiments.runner.run_many`, so with its resumable cache) and stops after the first batch at
which the 95 % t confidence interval of a metric's mean (:func:`sim.analysis.stats.estimate`) has a
half-width at most the target, or when the maximum number of replications is reached.
Replication k always has seed k, whatever the batch size or number of workers, so the results
are exactly those of running seeds 0..n-1 in one go.

    python -m sim.sequential org=farsta --metric first_visit_wait_weeks --half-width 0.1

Caveat (sequential stopping): a CI computed at a data-dependent stopping point covers a bit less
often than 95 % when the stop comes after very few replications; ``min_replications`` (default 5)
guards against stopping on a lucky small sample.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from sim.analysis.stats import Estimate, estimate
from sim.config.schema import Config
from sim.experiments import runner


def checkpoints(min_replications: int, max_replications: int, batch: int) -> list[int]:
    """Numbers of replications after each batch: the first batch reaches ``min_replications``
    (and is at least ``batch``), each further one adds ``batch``, the last is capped at the maximum."""
    n = min(max(min_replications, batch), max_replications)
    out = [n]
    while n < max_replications:
        n = min(n + batch, max_replications)
        out.append(n)
    return out


def replicate_until(config: Config, metric: str, target_half_width: float, min_replications: int = 5,
                    max_replications: int = 100, batch: int | None = None, workers: int | None = None,
                    cache_dir: Path | None = None, level: float = 0.95,
                    ) -> tuple[Estimate, list[dict], int, bool]:
    """Replicate ``config`` (seed k for replication k; its own seed is ignored) until the CI
    half-width of ``metric`` is at most ``target_half_width`` (absolute, the metric's units).

    Returns ``(estimate, summaries, replications, reached)``: the estimate over all
    replications run, their summaries in seed order, how many, and whether the target was met
    (False: stopped at ``max_replications``). Replications whose metric is NaN count as run but
    not in the estimate. ``batch`` defaults to ``workers``, or to the number of cores.
    """
    if not (isinstance(target_half_width, (int, float)) and target_half_width > 0):
        raise ValueError(f"target_half_width must be > 0, not {target_half_width!r}")
    if min_replications < 2:
        raise ValueError(f"min_replications must be at least 2 for a confidence interval, not {min_replications}")
    if max_replications < min_replications:
        raise ValueError(f"max_replications ({max_replications}) is below min_replications ({min_replications})")
    batch = batch or workers or os.cpu_count() or 1
    if batch < 1:
        raise ValueError(f"batch must be at least 1, not {batch}")
    summaries: list[dict] = []
    est = estimate([])
    for n in checkpoints(min_replications, max_replications, batch):
        configs = [replace(config, seed=k) for k in range(len(summaries), n)]
        summaries += runner.run_many(configs, cache_dir=cache_dir, workers=workers,
                                     label=f"{metric}: replications {len(summaries) + 1}-{n}")
        numeric = [k for k, v in summaries[0].items()
                   if (isinstance(v, (int, float)) and not isinstance(v, bool) or v is None) and k != "seed"]
        if metric not in numeric:
            raise KeyError(f"{metric!r} is not a numeric metric of the summary; one of: {', '.join(sorted(numeric))}")
        est = estimate([s[metric] for s in summaries], level)
        if est.half_width <= target_half_width:  # False while NaN (fewer than 2 values)
            return est, summaries, n, True
    return est, summaries, len(summaries), False
