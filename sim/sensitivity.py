"""``python -m sim.sensitivity``: which uncertain inputs move the headline figures most?

    python -m sim.sensitivity [--design configs/sensitivity/default.yaml] [--org DISTRICT] [--replications N]
                              [--out DIR]

The one-at-a-time design and its paired effects: :mod:`sim.experiments.sensitivity`. Writes
``sensitivity.csv`` and ``tornado.png`` into ``--out``; a killed run resumes from its cache.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from sim.cli import command
from sim.config.schema import ConfigError
from sim.experiments.sensitivity import DESIGNS, effects, load_design, outside_ranges, run
from sim.experiments.sweep import check_metrics
from sim.outputs import study_plots
from sim.outputs.files import write_csv


@command
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.sensitivity", description=__doc__.splitlines()[0])
    parser.add_argument("--design", type=Path, default=DESIGNS / "default.yaml")
    parser.add_argument("--org", help="the district (configs/org/<org>.yaml), overrides the design's")
    parser.add_argument("--replications", type=int, help="overrides the design's")
    parser.add_argument("--out", type=Path, default=Path("results/sensitivity"))
    parser.add_argument("--workers", type=int)
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        raise ConfigError("--workers", args.workers, "at least 1 (or leave it out for all cores)")
    design = load_design(args.design)
    if args.replications is not None:
        if args.replications < 2:
            raise ConfigError("--replications", args.replications, "must be at least 2")
        design = replace(design, replications=args.replications)
    if args.org:
        design = replace(design, org=args.org)
    check_metrics(design.org, design.metrics)  # a misspelt metric is named before any replication runs
    outside = outside_ranges(design)
    for key, value, (low, high) in outside:
        print(f"Note: {design.org}'s own {key} is {value:g}, outside the design's range {low:g}–{high:g}: "
              "its tornado bar shows a move away from the district, not around it.", file=sys.stderr)
    runs = (2 * len(design.inputs) + 1) * design.replications
    print(f"Sensitivity of {design.org}: {len(design.inputs)} inputs at a low and a high value and the base, "
          f"{design.replications} replications each: {runs} runs of {design.horizon_weeks:g} weeks "
          "(progress and time left below; a killed run resumes from its cache).", file=sys.stderr)
    raw = run(design, args.out, args.workers)
    table = effects(raw)
    write_csv(args.out / "sensitivity.csv", table)
    figure = study_plots.tornado(table, design, args.out / "tornado.png")
    swing = table.assign(swing=table["effect"].abs()).sort_values("swing", ascending=False)
    print(swing[["metric", "input", "level", "value", "effect", "effect_ci_low", "effect_ci_high"]]
          .groupby("metric", sort=False).head(3).round(3).to_string(index=False))
    print(f"\nTable: {args.out / 'sensitivity.csv'}\nTornado: {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
