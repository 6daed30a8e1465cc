"""``python -m sim.sequential``: as many replications as a given precision needs, no more.

    python -m sim.sequential org=farsta --metric first_visit_wait_weeks --half-width 0.1

The stopping rule and its caveat: :mod:`sim.experiments.sequential`.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from sim.cli import command
from sim.config.compose import load_config
from sim.config.schema import UserError


@command
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
    config = load_config(args.overrides)
    from sim.experiments.sequential import replicate_until  # pandas & co. only for a run (--help: fast)

    try:
        est, _, n, reached = replicate_until(
            config, args.metric, args.half_width, args.min_replications, args.max_replications, args.batch,
            args.workers, None if args.no_cache else args.cache)
    except (ValueError, KeyError) as err:  # a bad --metric, --half-width, --min/--max or --batch
        if isinstance(err, UserError):
            raise
        raise UserError(err.args[0] if err.args else str(err)) from None
    ci = "n/a" if math.isnan(est.half_width) else f"{est.low:.4g} to {est.high:.4g} (± {est.half_width:.3g})"
    print(f"{config.org.name}, {args.metric}: mean {est.mean:.4g}, 95 % CI {ci}")
    if reached:
        print(f"Target ± {args.half_width:g} reached after {n} replications (seeds 0-{n - 1}).")
        return 0
    print(f"Target ± {args.half_width:g} NOT reached: stopped at the maximum of {n} replications.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
