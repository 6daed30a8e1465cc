"""``python -m sim.calibration``: do the three districts come out as the study reports?

Runs ``--replications`` seeds of Farsta, Södermalm and Hässelby-Vällingby (the default horizon
and warm-up of ``sim/config/schema.py``, or what the overrides set) on all local cores, and writes
to ``results/calibration/``: the table of model against study (``calibration.md``), every
replication's summary (``replications.csv``), a comparison plot and each district's wait and
time-use plots. ``--page`` also writes the validation page (``docs/validation.md`` with its data,
``docs/validation.csv``) and the table in README.md. The targets and their uncertainties:
``sim/analysis/targets.py`` (004 Governo 2011, 002 Ramböll 2012). ``python -m sim.calibration fit
...`` is ``python -m sim.fit ...`` (history matching).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from sim.analysis.calibration import inflow_markdown, inflow_table, markdown, table
from sim.analysis.stability import GROWTH
from sim.cli import command
from sim.config.compose import ROOT, load_config
from sim.config.vocabulary import DISTRICTS
from sim.experiments.calibration import run_calibration
from sim.experiments.single_run import run_one
from sim.outputs import study_plots, validation
from sim.outputs.files import atomic_write, write_csv


@command
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["fit"]:
        from sim import fit

        return fit.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m sim.calibration", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=10, help="seeds per district (default 10)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("--out", type=Path, default=Path("results/calibration"))
    parser.add_argument("--page", action="store_true",
                        help="write docs/validation.md (and its data docs/validation.csv) and the README's table")
    parser.add_argument("--inflow-check", type=float, default=0.0, metavar="SHARE",
                        help="also run every district with its inflow moved by ±SHARE (e.g. 0.05) on the same seeds "
                             "and show how far the headline figures move")
    parser.add_argument("--long-years", type=float, default=10.0,
                        help="with --page: the long runs' length for the stability check (default 10)")
    parser.add_argument("--long-replications", type=int, default=4,
                        help="with --page: long runs per district (default 4; 0 leaves the check out)")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides applied to every district, e.g. warmup_weeks=26")
    args = parser.parse_args(argv)
    if args.replications < 2:
        parser.error("--replications must be at least 2 for a confidence interval")

    base = load_config(args.overrides)  # the horizon and warm-up every district runs with
    frame = run_calibration(args.replications, args.workers, args.out / "cache", tuple(args.overrides))
    rows, all_ok = table(frame)
    text = markdown(rows, args.replications, base.horizon_weeks, base.warmup_weeks)
    if args.inflow_check:
        if not 0 < args.inflow_check < 1:
            parser.error("--inflow-check must be a share between 0 and 1, e.g. 0.05")
        moved = {1 + sign * args.inflow_check: run_calibration(args.replications, args.workers, args.out / "cache",
                                                               tuple(args.overrides), 1 + sign * args.inflow_check)
                 for sign in (-1, 1)}
        check = inflow_table(frame, moved)
        write_csv(args.out / "inflow_check.csv", check)
        text += (f"\nWith the inflow moved by ±{args.inflow_check:.0%} on the same seeds (paired), against the "
                 "half-width of the base's 95 % CI:\n\n" + inflow_markdown(check))
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "replications.csv", frame)
    write_csv(args.out / "calibration.csv", rows)
    atomic_write(args.out / "calibration.md", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    study_plots.calibration(rows, args.out / "calibration.png")
    for org in DISTRICTS:  # the per-district plots of replication 0
        run_one(load_config([f"org={org}", *args.overrides]), args.out / org)
    if args.page:
        long = None
        if args.long_replications > 0:
            weeks = args.long_years * 52
            long_overrides = (*args.overrides, f"horizon_weeks={weeks:g}")
            long = run_calibration(args.long_replications, args.workers, args.out / "cache", long_overrides)
            long = long[["district", "seed", GROWTH]].assign(horizon_weeks=weeks, warmup_weeks=base.warmup_weeks)
            write_csv(DOCS / "validation_long.csv", long)
        write_csv(DOCS / "validation.csv", frame)
        text_page = validation.page(frame, base.horizon_weeks, base.warmup_weeks, long)
        atomic_write(DOCS / "validation.md", lambda tmp: tmp.write_text(text_page, encoding="utf-8"))
        update_readme(ROOT / "README.md", text)
    print(text)
    print(f"Results, plots and per-district runs in {args.out}/")
    if not all_ok:
        print("Some fitted targets fail (marked FAIL): see the table.", file=sys.stderr)
    return 0


DOCS = ROOT / "docs"


def update_readme(readme: Path, text: str) -> None:
    content = readme.read_text(encoding="utf-8")
    new = re.sub(r"(<!-- calibration:start -->\n).*?(<!-- calibration:end -->)",
                 lambda m: m.group(1) + text + m.group(2), content, flags=re.S)
    atomic_write(readme, lambda tmp: tmp.write_text(new, encoding="utf-8"))


if __name__ == "__main__":
    sys.exit(main())
