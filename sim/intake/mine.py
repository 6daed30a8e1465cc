"""An event log from a case-management system → an org config (the job of ``python -m sim.mine``).

The log (CSV or Parquet) has one row per case event: ``case_id``, ``activity``,
``start_timestamp``, ``complete_timestamp`` (and optionally ``resource``, ``role``), the columns
``event_log=true`` writes. Activities are the model's (``sim.outputs.eventlog.ACTIVITIES``); map a
system's own names onto them first. From the log come:

* the inflow: new cases per week (``arrivals_per_week``);
* the routing shares of a case's first reception episode: acute aid, home visit, screened out
  at the phone interview, refused at the decision;
* task durations (complete − start, in working hours), fitted as ``python -m sim.calibrate``
  does (exponential / gamma / lognormal, lowest AIC).

Staffing cannot be read off a log (who is part-time, who is away), so it comes from ``--like``
(a studied district's staffing sheet) or ``--staffing``; the distinct resources per role in
the log are printed as a check. Cases that start too close to the end of the log to have
finished their reception episode are left out of the shares (right-censoring).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.config.compose import ORG_DIR
from sim.config.schema import ConfigError
from sim.config.vocabulary import DURATION_OF_TASK
from sim.intake.calibrate import DurationFit, InputError, Setting, check_generated, fit_durations, read_staffing, render
from sim.model import units
from sim.outputs.eventlog import ACTIVITIES, working_hours
from sim.outputs.files import atomic_write

REQUIRED = ("case_id", "activity", "start_timestamp", "complete_timestamp")
# log activity -> the Process duration it measures: only tasks whose duration is drawn as is (a
# referral review adds the specialised districts' matching time; a payment is scaled by the pairing)
DURATION_OF = {task: name for task, name in DURATION_OF_TASK.items() if task not in ("referral_review", "payment")}
CENSOR_WEEKS = 8.0  # a first reception episode is complete within this (notice + wait + decision), else left out


@dataclass
class Mined:
    settings: dict[str, tuple[float, str]]  # org key -> (value, how it was derived)
    durations: list[DurationFit]
    resources: dict[str, int]
    cases: int
    weeks: float


def read_log(path: Path) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, None, "file not found")
    log = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    log["row"] = log.index + 2  # as a spreadsheet counts, for messages and comments
    for column in REQUIRED:
        if column not in log.columns:
            raise InputError(path, 1, column, f"missing column; a log needs {', '.join(REQUIRED)}")
    unknown = sorted(set(log["activity"]) - set(ACTIVITIES))
    if unknown:
        row = int(log.index[log["activity"] == unknown[0]][0]) + 2
        raise InputError(path, row, "activity", f"unknown activity {unknown[0]!r}; activities: {', '.join(ACTIVITIES)}")
    for column in ("start_timestamp", "complete_timestamp"):
        stamps = pd.to_datetime(log[column], errors="coerce")
        if stamps.isna().any():
            row = int(stamps.index[stamps.isna()][0]) + 2
            raise InputError(path, row, column, f"{log[column].iloc[row - 2]!r} is not a timestamp")
        log[column.split("_")[0] + "_hours"] = [working_hours(t.to_pydatetime()) for t in stamps]
    bad = log["complete_hours"] < log["start_hours"]
    if bad.any():
        row = int(log.index[bad][0]) + 2
        raise InputError(path, row, "complete_timestamp", "an event completes before it starts")
    return log.sort_values(["case_id", "start_hours", "complete_hours"], kind="stable").reset_index(drop=True)


def mine(log: pd.DataFrame, source: str) -> Mined:
    end, begin = log["complete_hours"].max(), log["start_hours"].min()
    weeks = (end - begin) / units.WEEK
    first_seen = log.groupby("case_id")["start_hours"].min()
    arrivals = len(first_seen) / weeks
    # A case's first reception episode: its events before its second pre-assessment (a return).
    episodes = []
    for _case, events in log.groupby("case_id", sort=False):
        acts = events["activity"].tolist()
        pre = [i for i, a in enumerate(acts) if a == "pre_assessment"]
        if not pre or events["start_hours"].iloc[pre[0]] > end - CENSOR_WEEKS * units.WEEK:
            continue
        episodes.append(set(acts[pre[0]:pre[1] if len(pre) > 1 else len(acts)]))
    if not episodes:
        raise InputError(Path(source), None, None, f"no case starts {CENSOR_WEEKS:g} weeks before the log ends")
    n = len(episodes)
    screened = sum("first_visit" not in e for e in episodes)
    decided = [e for e in episodes if "decision" in e]
    settings = {
        "arrivals_per_week": (round(arrivals, 3), f"{len(first_seen)} new cases over {weeks:.1f} working weeks"),
        "households.acute_share": (round(sum("acute" in e for e in episodes) / n, 4),
                                   f"first episodes with acute aid, of {n}"),
        "households.home_visit_share": (round(sum("home_visit" in e for e in episodes) / n, 4),
                                        f"first episodes with a home visit, of {n}"),
        "households.screened_out_share": (round(screened / n, 4), f"first episodes without a first visit, of {n}"),
        "households.refusal_share": (round(sum("reception_payment" not in e for e in decided) / len(decided), 4),
                                     f"decisions not followed by a payment, of {len(decided)}"),
    }
    fits = []
    for activity, group in log.groupby("activity", sort=True):
        hours = (group["complete_hours"] - group["start_hours"]).to_numpy()
        hours = hours[hours > 0]
        if activity in DURATION_OF and len(hours) >= 10:
            rows = (int(group["row"].min()), int(group["row"].max()))
            fits.append(DurationFit(DURATION_OF[activity], len(hours), rows, fit_durations(hours)))
    resources = log.groupby("role")["resource"].nunique().to_dict() if {"role", "resource"} <= set(log.columns) else {}
    return Mined(settings, fits, resources, len(first_seen), weeks)


def write_config(mined: Mined, log_path: Path, staffing: Path, name: str, out_dir: Path = ORG_DIR,
                 force: bool = False) -> tuple[Path, str]:
    target = Path(out_dir) / f"{name}.yaml"
    if target.exists() and not force:
        raise ConfigError("--name", name, f"{target} exists; choose another name or pass --force")
    settings = []
    for s in read_staffing(staffing):
        if s.key in mined.settings:
            value, how = mined.settings[s.key]
            s = Setting(s.key, value, f"mined from {Path(log_path).name}: {how}", None)
        elif s.key == "name":
            s = Setting("name", name, f"mined from {Path(log_path).name}; staffing of {s.value} ({staffing.name})",
                        None)
        settings.append(s)
    text = render(name, settings, Path(staffing), None, mined.durations, Path(log_path), tool="sim.mine")
    check_generated(text, settings, Path(staffing))
    atomic_write(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return target, text
