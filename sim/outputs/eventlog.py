"""The run's event log in the form process-mining tools read (``event_log=true``).

One row per case event: case id (the household), activity, start and complete timestamps,
resource (the staff desk) and role — written as ``events.csv``, ``events.parquet`` and, with
pm4py installed (``pip install -e '.[mining]'``), ``events.xes``. The model's clock counts working
hours (8 a day, 5 a week); the log turns them into calendar timestamps from ``START`` (a Monday,
08:00), so a case-management system's log and the model's look alike.

``PROCESS_MAP`` is the model's own process map: which activities follow which for one
household. The reception chain is sequential; once a household has a long-term caseworker its
monthly payment, follow-up and plan work run in parallel, so any of them may follow any other.
Tests check that a directly-follows graph discovered from the log stays inside this map.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.model import units
from sim.model.recorder import EVENT_COLUMNS
from sim.outputs.files import atomic_write, write_csv

if TYPE_CHECKING:
    from sim.model.run import Run

START = datetime(2011, 1, 3, 8, 0)  # a Monday, 08:00, in the year of the Governo study (004): working hour 0

LONG_TERM = ("first_meeting", "work_plan", "payment", "payment_approval", "self_payment", "cash_check", "followup",
             "followup_meeting", "plan_rewrite", "appeal", "handover", "debt_work", "closure", "client_phone")

# activity -> activities that may directly follow it in one household's trace
_REENTRY = ("scan", "pre_assessment", "plan_rewrite", "payment", "payment_approval", "followup", "followup_meeting",
            "appeal")
PROCESS_MAP: dict[str, set[str]] = {
    "scan": {"pre_assessment"},
    # workflow "documents" (Södermalm): reception decides on the papers, investigation holds the first visit
    "pre_assessment": {"acute", "home_visit", "first_visit", "decision"},
    "acute": {"home_visit", "first_visit", "decision"},
    "home_visit": {"first_visit", "decision"},
    "first_visit": {"decision"},
    "decision": {"reception_payment"},
    "reception_payment": {"cash_check"},
    "referral_review": {*LONG_TERM, "reception_payment"},
    "closure": set(_REENTRY),
}
for _activity in LONG_TERM:
    PROCESS_MAP.setdefault(_activity, set()).update(LONG_TERM, {"reception_payment"})
# reception's cash check: the household is closed, referred, or (waiting under a cap) paid again
PROCESS_MAP["cash_check"].update({"referral_review", "closure", "reception_payment"})
PROCESS_MAP["reception_payment"].update({"referral_review", *LONG_TERM})  # paid by reception while referred
PROCESS_MAP["referral_review"].add("first_visit")
PROCESS_MAP["first_visit"].update(LONG_TERM)
ACTIVITIES = tuple(PROCESS_MAP)
# The activities any district's baseline run of a year produces (rarer ones depend on the variant).
CORE = ("pre_assessment", "first_visit", "decision", "reception_payment", "cash_check", "referral_review",
        "first_meeting", "work_plan", "payment", "followup", "plan_rewrite", "closure")


def timestamp(hours: float) -> datetime:
    """Working hours since the start → a calendar timestamp (weekends and nights skipped)."""
    week, rest = divmod(hours, units.WEEK)
    day, hour = divmod(rest, units.HOURS_PER_DAY)
    return START + timedelta(days=7 * int(week) + int(day), hours=hour)


def working_hours(moment: datetime) -> float:
    """The inverse of :func:`timestamp` for times inside working hours."""
    delta = moment - START
    week, day = divmod(delta.days, 7)
    return week * units.WEEK + day * units.HOURS_PER_DAY + delta.seconds / 3600.0


COLUMNS = (*EVENT_COLUMNS, "case_id", "start_timestamp", "complete_timestamp")


def frame(run: "Run") -> pd.DataFrame:
    """One row per case event in the order they completed: the model's own columns (household,
    working-hour ``start``/``end``) and the process-mining ones (case id, calendar timestamps)."""
    if run.rec.events is None:
        raise ValueError("the run kept no event log: set event_log=true")
    log = pd.DataFrame(run.rec.events, columns=list(EVENT_COLUMNS))
    log["case_id"] = "household-" + log["household"].astype(str)
    log["start_timestamp"] = pd.to_datetime([timestamp(t) for t in log["start"]])
    log["complete_timestamp"] = pd.to_datetime([timestamp(t) for t in log["end"]])
    return log


def pm4py_frame(log: pd.DataFrame) -> pd.DataFrame:
    """The log in pm4py's standard column names (case:concept:name, concept:name, time:timestamp...)."""
    import pm4py

    renamed = log.rename(columns={"case_id": "case:concept:name", "activity": "concept:name",
                                  "complete_timestamp": "time:timestamp", "resource": "org:resource",
                                  "role": "org:role"})
    return pm4py.format_dataframe(renamed[["case:concept:name", "concept:name", "start_timestamp", "time:timestamp",
                                           "org:resource", "org:role"]],
                                  case_id="case:concept:name", activity_key="concept:name",
                                  timestamp_key="time:timestamp", start_timestamp_key="start_timestamp")


def write(run: "Run", out_dir: Path) -> list[Path]:
    """events.csv and events.parquet; events.xes too where pm4py is installed (else a warning on stderr)."""
    log = frame(run)
    paths = [out_dir / "events.csv", out_dir / "events.parquet"]
    write_csv(paths[0], log)
    atomic_write(paths[1], lambda tmp: log.to_parquet(tmp, index=False))
    try:
        import pm4py  # noqa: F401
    except ImportError as err:  # said, not skipped in silence: the user asked for an event log
        print(xes_missing(err, out_dir), file=sys.stderr)
        return paths
    paths.append(out_dir / "events.xes")
    atomic_write(paths[2], lambda tmp: write_xes(log, tmp))
    return paths


def xes_missing(err: ImportError, out_dir: Path) -> str:
    """The warning when pm4py cannot be imported: what is missing, how to get it, what was written."""
    why = "pm4py is not installed" if isinstance(err, ModuleNotFoundError) else f"pm4py cannot be imported ({err})"
    return (f"Warning: event_log=true wrote no events.xes: {why} (pip install -e '.[mining]'); "
            f"the same log was written as events.csv and events.parquet in {out_dir}")


def write_xes(log: pd.DataFrame, path: Path) -> None:
    import os

    import pm4py

    named = f"{path}.xes"  # pm4py insists on the extension; atomic_write hands us a .tmp name
    pm4py.write_xes(pm4py_frame(log), named, case_id_key="case:concept:name")
    os.replace(named, path)
