"""``python -m sim.mine``: an event log from a case-management system → an org config.

    python -m sim.mine --log events.csv --like hasselby_vallingby --name NAME [--out-dir DIR]

What a log must hold and what is read off it: :mod:`sim.intake.mine`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli import command
from sim.config.compose import ORG_DIR
from sim.intake.calibrate import EXAMPLES, LIKE, add_csv_options, csv_options, fit_table
from sim.intake.mine import mine, read_log, write_config


@command
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.mine", description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, required=True, help="CSV or Parquet: case_id, activity, timestamps")
    staffing = parser.add_mutually_exclusive_group(required=True)
    staffing.add_argument("--staffing", type=Path, help="CSV: key,value,source (staffing is not in a log)")
    staffing.add_argument("--like", choices=LIKE, help="a studied district's staffing sheet")
    parser.add_argument("--name", required=True)
    parser.add_argument("--out-dir", type=Path, default=ORG_DIR)
    parser.add_argument("--force", action="store_true")
    dates = parser.add_mutually_exclusive_group()
    dates.add_argument("--dayfirst", action="store_const", const=True, dest="dayfirst",
                       help="dates such as 13/01/2011 are day/month/year (detected if a day is above 12)")
    dates.add_argument("--monthfirst", action="store_const", const=False, dest="dayfirst",
                       help="dates such as 01/13/2011 are month/day/year")
    parser.add_argument("--drop-outliers", action="store_true",
                        help="leave out rows with timestamps far outside the log's span (placeholders such as "
                             "1970-01-01, 2099-12-31) instead of refusing the log")
    add_csv_options(parser)
    args = parser.parse_args(argv)
    sheet = args.staffing or EXAMPLES / f"{args.like}_staffing.csv"
    options, warnings, notes = csv_options(args), [], []
    log = read_log(args.log, options, args.dayfirst, args.drop_outliers, warnings, read_as=notes)
    for line in warnings:
        print(f"Warning: {line}", file=sys.stderr)
    mined = mine(log, str(args.log))
    target, _ = write_config(mined, args.log, sheet, args.name, args.out_dir, args.force, options, notes)
    for line in notes:
        print(line)
    if mined.open_at_start:
        print(f"{mined.open_at_start} case(s) were already open when the log starts (their first event is not at "
              "reception): used for durations, not counted as arrivals")
    print(f"{mined.cases} new cases over {mined.weeks:.1f} working weeks; resources per role in the log: "
          + ", ".join(f"{k} {v}" for k, v in sorted(mined.resources.items())))
    for key, (value, how) in mined.settings.items():
        print(f"  {key:<32} {value:>8}   ({how})")
    print("Duration fits (* = lowest AIC, written):\n" + fit_table(mined.durations))
    print(f"Wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
