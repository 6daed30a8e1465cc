"""``python -m sim.sequential``: as many replications as a given precision needs, no more.

:func:`replicate_until` runs seeds 0, 1, 2, ... of one config in batches (in parallel through
:func:`sim.runner.run_many`, so with its resumable cache) and stops after the first batch at
which the 95 % t confidence interval of a metric's mean (:func:`sim.stats.estimate`) has a
half-width at most the target, or when the maximum number of replications is reached.
Replication k always has seed k, whatever the batch size or number of workers, so the results
are exactly those of running seeds 0..n-1 in one go.

    python -m sim.sequential org=farsta --metric first_visit_wait_weeks --half-width 0.1

Caveat (sequential stopping): a CI computed at a data-dependent stopping point covers a bit less
often than 95 % when the stop comes after very few replications; ``min_replications`` (default 5)
guards against stopping on a lucky small sample.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import replace
from pathlib import Path

from sim import runner
from sim.config import Config
from sim.stats import Estimate, estimate


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.sequential", description=__doc__.split("\n\n")[0])
    parser.add_argument("--metric", default="first_visit_wait_weeks", help="a key of summary.json")
    parser.add_argument("--half-width", type=float, required=True,
                        help="target half-width of the 95 %% CI, in the metric's units (absolute)")
    parser.add_argument("--min", type=int, default=5, dest="min_replications", help="at least (default 5)")
    parser.add_argument("--max", type=int, default=100, dest="max_replications", help="at most (default 100)")
    parser.add_argument("--batch", type=int, default=None, help="replications per step (default: cores)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("--cache", type=Path, default=Path("results/sequential/cache"),
                        help="replication cache (default results/sequential/cache)")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. org=farsta horizon_weeks=260")
    args = parser.parse_args(argv)

    from hydra.errors import HydraException

    from sim.compose import load_config
    from sim.config import ConfigError

    try:
        config = load_config(args.overrides)
        est, _, n, reached = replicate_until(
            config, args.metric, args.half_width, args.min_replications, args.max_replications, args.batch,
            args.workers, None if args.no_cache else args.cache)
    except ConfigError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return 2
    except HydraException as err:
        print(f"Configuration error: {str(err).strip().splitlines()[0]}", file=sys.stderr)
        return 2
    except (ValueError, KeyError) as err:
        print(f"Error: {err.args[0] if err.args else err}", file=sys.stderr)
        return 2
    ci = "n/a" if math.isnan(est.half_width) else f"{est.low:.4g} to {est.high:.4g} (± {est.half_width:.3g})"
    print(f"{config.org.name}, {args.metric}: mean {est.mean:.4g}, 95 % CI {ci}")
    if reached:
        print(f"Target ± {args.half_width:g} reached after {n} replications (seeds 0-{n - 1}).")
        return 0
    print(f"Target ± {args.half_width:g} NOT reached: stopped at the maximum of {n} replications.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
