"""``python -m sim.calibrate``: a municipality's own data → ``configs/org/<name>.yaml``.

    python -m sim.calibrate --staffing staff.csv --time-use survey.csv [--durations tasks.csv] --name NAME
    python -m sim.calibrate --like hasselby_vallingby --time-use survey.csv --name NAME   # only a survey

Inputs (CSV, UTF-8, a header row; examples in ``examples/own_data/``):

* **staffing** — one row per setting: ``key,value,source``. ``key`` is an org setting as in
  ``configs/org/*.yaml`` (``arrivals_per_week``, ``reception.caseworkers``,
  ``households.need_months.mean``...); ``source`` says where the number comes from and is
  written next to it. Settings left out take the schema's default, and the file says so.
* **time use** — one row per respondent and activity: ``respondent,activity,hours`` or
  ``respondent,activity,share`` (%, each respondent's shares adding up to 100). The mean share
  per activity becomes ``org.time_use`` (replacing the Ramböll column for this district).
* **durations** (optional) — raw task durations: ``task,hours``. Each task's durations are
  fitted by maximum likelihood to an exponential, a gamma and a lognormal distribution; the
  family with the lowest AIC is written to ``org.durations`` and the comparison is reported.

Every error names the file, the row (as a spreadsheet counts it, header = 1) and the column.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli import command
from sim.config.compose import ORG_DIR
from sim.intake.calibrate import EXAMPLES, LIKE, calibrate, fit_table


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
    args = parser.parse_args(argv)
    sheet = args.staffing or EXAMPLES / f"{args.like}_staffing.csv"
    target, _, fits = calibrate(sheet, args.name, args.time_use, args.durations, args.out_dir, args.force)
    if fits:
        print("Duration fits (* = lowest AIC, written):\n" + fit_table(fits))
    print(f"Wrote {target}\nRun it:  python -m sim org={args.name}   "
          f"(or in an experiment: experiment.org={args.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
