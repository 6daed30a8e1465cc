"""``python -m sim.warmup org=<name>``: how long is the warm-up? Welch's method.

The model starts from an empty office, so its first years are a transient: the long-term stock
of households fills up for years before it settles. Results are only measured after
``warmup_weeks``. This script makes the transient visible so that the warm-up can be chosen
(and checked after a recalibration):

1. run ``replications`` seeds (default 10) of one district over a long horizon (default 416
   weeks, 8 years) with a short warm-up (4 weeks; it only affects the summary, not the weekly
   series), in parallel through :func:`sim.experiments.runner.run_many` (cached under ``<out>/replications``);
2. average, week by week across the replications, the mean first-visit wait of the week's first
   visits and the number of households in stock (reception + referral + long-term);
3. smooth both averages with Welch's moving average (:func:`welch_moving_average`, window ``w``);
4. suggest a warm-up (:func:`suggest_warmup`): the last week at which the smoothed stock is more
   than ±2 % away from its mean over the last third of the horizon; after that week it stays
   within the band.

Writes ``welch.csv`` (one row per simulated week) and ``welch.png`` (both series with the
configured warm-up of ``configs/config.yaml`` and the suggestion marked) atomically into
``--out`` (default ``results/warmup/<org>/``), and prints the suggestion.

    python -m sim.warmup org=hasselby_vallingby replications=6 horizon_weeks=416 --window 13

Positional ``key=value`` arguments are Hydra overrides of ``configs/config.yaml`` (as for
``python -m sim``), except ``replications=N`` (same as ``--replications``); ``warmup_weeks=X``
sets the warm-up drawn for comparison, not the one of the runs (``--run-warmup``).
Reference: Law, *Simulation Modeling and Analysis*, 5th ed., § 9.5.1 (Welch's procedure).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.analysis.warmup import DEFAULT_HORIZON, DEFAULT_RUN_WARMUP, DEFAULT_WINDOW, Welch, message
from sim.cli import command, split_overrides
from sim.experiments.warmup import run
from sim.outputs import study_plots
from sim.outputs.files import write_csv


@command
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.warmup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=None, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--window", type=int, default=DEFAULT_WINDOW,
                        help=f"Welch window w in weeks either side (default {DEFAULT_WINDOW})")
    parser.add_argument("--run-warmup", type=float, default=DEFAULT_RUN_WARMUP,
                        help=f"warm-up of the runs themselves, weeks (default {DEFAULT_RUN_WARMUP:g})")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("--out", type=Path, default=None, help="output directory (default results/warmup/<org>)")
    parser.add_argument("--no-cache", action="store_true", help="do not cache replications under <out>/replications")
    parser.add_argument("overrides", nargs="*",
                        help="org=<name>, replications=N, horizon_weeks=... and other Hydra overrides")
    args = parser.parse_args(argv)
    rest, own = split_overrides(args.overrides, ("replications", "horizon_weeks", "warmup_weeks"))
    try:
        replications = int(own.get("replications", args.replications if args.replications is not None else 10))
        horizon = float(own.get("horizon_weeks", DEFAULT_HORIZON))
        configured = float(own["warmup_weeks"]) if "warmup_weeks" in own else None
    except ValueError as err:
        parser.error(str(err))
    if replications < 1:
        parser.error("replications must be at least 1")
    if horizon < 3 or horizon != int(horizon):
        parser.error("horizon_weeks must be a whole number of weeks, at least 3")
    if not 0 <= args.run_warmup < horizon:
        parser.error("--run-warmup must be >= 0 and below horizon_weeks")
    if args.window < 0 or args.window >= horizon / 3:
        parser.error("--window must be >= 0 and below a third of horizon_weeks")

    org = next((o.split("=", 1)[1] for o in rest if o.startswith("org=")), "hasselby_vallingby")
    out = args.out or Path("results/warmup") / org
    w = run(rest, replications, horizon, args.run_warmup, configured, args.window, args.workers,
            None if args.no_cache else out / "replications")
    write(w, out)
    print(message(w))
    print(f"Plot and table: {out / 'welch.png'}, {out / 'welch.csv'}")
    return 0


def write(w: Welch, out: Path) -> None:
    write_csv(out / "welch.csv", w.frame)
    study_plots.welch(w, out / "welch.png")


if __name__ == "__main__":
    sys.exit(main())
