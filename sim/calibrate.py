"""``python -m sim.calibrate``: a municipality's own data → ``configs/org/<name>.yaml``.

    python -m sim.calibrate --staffing staff.csv --time-use survey.csv [--durations tasks.csv] --name NAME
    python -m sim.calibrate --like hasselby_vallingby --time-use survey.csv --name NAME   # only a survey

The inputs (CSV files; examples in ``examples/own_data/``) and what is made of them:
:mod:`sim.intake.calibrate`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli import command
from sim.config.compose import ORG_DIR
from sim.intake.calibrate import EXAMPLES, LIKE, add_csv_options, calibrate, csv_options, fit_table


@command
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.calibrate", description=__doc__.splitlines()[0])
    staffing = parser.add_mutually_exclusive_group(required=True)
    staffing.add_argument("--staffing", type=Path, help="CSV: key,value,source")
    staffing.add_argument("--like", choices=LIKE, help="start from a studied district's staffing sheet "
                          "(examples/own_data/<district>_staffing.csv) and change only the time use / durations")
    parser.add_argument("--time-use", type=Path, help="CSV: respondent,activity,hours|share")
    parser.add_argument("--durations", type=Path, help="CSV: task,hours (raw durations to fit)")
    parser.add_argument("--name", required=True, help="the new org: configs/org/<name>.yaml, run with org=<name>")
    parser.add_argument("--out-dir", type=Path, default=ORG_DIR, help="where to write (default: configs/org)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    add_csv_options(parser)
    args = parser.parse_args(argv)
    sheet = args.staffing or EXAMPLES / f"{args.like}_staffing.csv"
    notes: list[str] = []
    target, _, fits = calibrate(sheet, args.name, args.time_use, args.durations, args.out_dir, args.force,
                                csv_options(args), notes)
    for line in notes:
        print(line)
    if fits:
        print("Duration fits (* = lowest AIC, written):\n" + fit_table(fits))
    print(f"Wrote {target}\nRun it:  python -m sim org={args.name}   "
          f"(or in an experiment: experiment.org={args.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
