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
the log are printed as a check. Reading (CSV as :mod:`sim.intake.calibrate` reads sheets: encoding and delimiter
detected): timestamps are ISO 8601 with or without fractions and offsets, mixed (an offset becomes
Swedish wall-clock time), or dd/mm/yyyy only with ``--dayfirst`` or when a day above 12 shows it;
rows without a case id or a timestamp are left out and listed; timestamps far outside the log's
span (1970, 2099 placeholders) are refused, or left out with ``--drop-outliers``; events at nights
or weekends are listed and counted from the next working hour. Cases that start too close to the end of the log to have
finished their reception episode are left out of the shares (right-censoring).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config.compose import ORG_DIR
from sim.config.schema import ConfigError
from sim.config.vocabulary import DURATION_OF_TASK
from sim.intake.calibrate import (
    CsvOptions,
    DurationFit,
    InputError,
    Setting,
    check_generated,
    fit_durations,
    note,
    own,
    read_sheet,
    read_staffing,
    render,
)
from sim.model import units
from sim.outputs.eventlog import ACTIVITIES, START, working_hours
from sim.outputs.files import atomic_write

REQUIRED = ("case_id", "activity", "start_timestamp", "complete_timestamp")
# log activity -> the Process duration it measures: only tasks whose duration is drawn as is (a
# referral review adds the specialised districts' matching time; a payment is scaled by the pairing)
DURATION_OF = {task: name for task, name in DURATION_OF_TASK.items() if task not in ("referral_review", "payment")}
CENSOR_WEEKS = 8.0  # a first reception episode is complete within this (notice + wait + decision), else left out
STAMPS = ("start_timestamp", "complete_timestamp")
WORK_START = START.hour  # the model's working day: 08:00 + units.HOURS_PER_DAY
OUTLIER_GAP_DAYS = 180  # a gap this long splits the log's main span from placeholder dates
try:
    from zoneinfo import ZoneInfo

    LOCAL = ZoneInfo("Europe/Stockholm")  # timestamps with an offset become Swedish wall-clock time
except Exception:  # no time-zone database: an offset's wall-clock time is taken as it is written
    LOCAL = None


ARRIVING = ("pre_assessment", "scan")  # where a new case's first event is (a first contact)


@dataclass
class Mined:
    settings: dict[str, tuple[float, str]]  # org key -> (value, how it was derived)
    durations: list[DurationFit]
    resources: dict[str, int]
    cases: int  # new cases: their first event is at reception
    weeks: float
    open_at_start: int = 0  # cases already open when the log starts (their first event is later in the path)


def read_log(path: Path, options: CsvOptions | None = None, dayfirst: bool | None = None,
             drop_outliers: bool = False, notes: list[str] | None = None,
             read_as: list[str] | None = None) -> pd.DataFrame:
    """The log with ``start_hours``/``complete_hours`` on the model's working clock and ``row`` (as a
    spreadsheet counts). ``dayfirst``: 13/01/2011 (True) or 01/13/2011 (False); None: only if the file
    shows which. Rows left out (no case id, no timestamp; outliers with ``drop_outliers``) and events
    outside working hours are reported in ``notes`` (one line each); how a CSV that is not plain UTF-8
    with commas was read (encoding, delimiter) goes into ``read_as``."""
    path = Path(path)
    notes = [] if notes is None else notes
    header, rows = log_rows(path, options, read_as)
    dropped: dict[str, list[int]] = {}
    kept = []
    for row, cells in rows:
        case = cells["case_id"]
        if case is None or str(case).strip() in ("", "nan", "None", "NaT"):
            dropped.setdefault("no case_id", []).append(row)
        elif any(_blank(cells[c]) for c in STAMPS):
            dropped.setdefault("no start or complete timestamp", []).append(row)
        else:
            kept.append((row, cells))
    for why, which in dropped.items():
        notes.append(f"{path.name}: {len(which)} row(s) left out, {why}: {_rows(which)}")
    if not kept:
        raise InputError(path, None, None, "no events with a case id and timestamps")
    for row, cells in kept:
        if cells["activity"] not in ACTIVITIES:
            raise InputError(path, row, "activity",
                             f"unknown activity {cells['activity']!r}; activities: {', '.join(ACTIVITIES)}")
    stamps = parse_stamps(path, kept, dayfirst)
    kept, stamps = outliers(path, kept, stamps, drop_outliers, notes)
    for (row, _), (start, complete) in zip(kept, stamps):
        if complete < start:
            raise InputError(path, row, "complete_timestamp", "an event completes before it starts")
    off = [(row, t) for (row, _), pair in zip(kept, stamps) for t in pair if next_working(t) != t]
    if off:
        first_row, first = off[0]
        which = sorted({row for row, _ in off})
        notes.append(f"{path.name}: {len(which)} event(s) at nights or weekends (outside Mon–Fri "
                     f"{WORK_START:02d}:00–{WORK_START + int(units.HOURS_PER_DAY):02d}:00; e.g. row {first_row}, "
                     f"{first:%a %Y-%m-%d %H:%M}), counted from the next working hour: {_rows(which)}")
    log = pd.DataFrame([cells for _, cells in kept], columns=header)
    log["case_id"] = log["case_id"].astype(str)
    log["row"] = [row for row, _ in kept]
    log["start_hours"] = [working_hours(next_working(s)) for s, _ in stamps]
    log["complete_hours"] = [working_hours(next_working(c)) for _, c in stamps]
    return log.sort_values(["case_id", "start_hours", "complete_hours"], kind="stable").reset_index(drop=True)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or \
        (isinstance(value, str) and not value.strip())


def _rows(rows: list[int], first: int = 5) -> str:
    return "rows " + ", ".join(map(str, rows[:first])) + (f" and {len(rows) - first} more" if len(rows) > first else "")


def log_rows(path: Path, options: CsvOptions | None,
             read_as: list[str] | None = None) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(row, {column: value})]) of a CSV or Parquet log, its columns checked."""
    if not path.is_file():
        raise InputError(path, None, None, "file not found")
    with path.open("rb") as f:
        magic = f.read(4)
    if path.suffix.lower() == ".parquet" or magic == b"PAR1":
        if magic != b"PAR1":
            raise InputError(path, None, None, "not a Parquet file" + (
                " (it is empty)" if not magic else "; a CSV named .parquet? rename it .csv"))
        try:
            frame = pd.read_parquet(path)
        except Exception as err:  # pyarrow's errors are many; any of them means an unreadable file
            raise InputError(path, None, None, f"unreadable Parquet file ({type(err).__name__}: "
                             f"{str(err).splitlines()[0][:120] if str(err) else ''})") from None
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        for column in REQUIRED:
            if column not in frame.columns:
                raise InputError(path, 1, column, f"missing column; a log needs {', '.join(REQUIRED)}")
        if frame.empty:
            raise InputError(path, None, None, "no data rows")
        return list(frame.columns), [(i + 2, cells) for i, cells in enumerate(frame.to_dict("records"))]
    sheet = read_sheet(path, REQUIRED, options=options)
    note(sheet, read_as)
    return sheet.header, sheet.rows


_NUMERIC_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})"  # 13/01/2011, 13.01.2011, 01-13-2011
                           r"(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,](\d{1,6})\d*)?)?)?")


def _iso(value) -> datetime | None:
    if isinstance(value, datetime):  # Parquet's timestamps (pandas.Timestamp is a datetime)
        return local(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value)
    try:
        return local(datetime.fromisoformat(str(value).strip()))
    except ValueError:
        return None


def local(moment: datetime) -> datetime:
    """A timestamp with an offset (``+01:00``, ``Z``) as Swedish wall-clock time; one without, as it is."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(LOCAL).replace(tzinfo=None) if LOCAL else moment.replace(tzinfo=None)


def parse_stamps(path: Path, rows: list, dayfirst: bool | None) -> list[tuple[datetime, datetime]]:
    """ISO 8601 (with or without fractions and offsets, mixed), or dd/mm/yyyy and mm/dd/yyyy when
    ``dayfirst`` or the file itself (a day above 12) says which; an ambiguous file is refused."""
    numeric: dict[tuple[int, str], re.Match] = {}
    parsed: dict[tuple[int, str], datetime] = {}
    for row, cells in rows:
        for column in STAMPS:
            value = cells[column]
            moment = _iso(value)
            if moment is not None:
                parsed[row, column] = moment
                continue
            match = _NUMERIC_DATE.fullmatch(str(value).strip())
            if not match:
                raise InputError(path, row, column, f"{value!r} is not a timestamp (ISO 8601 such as "
                                 "2011-01-13 09:30 or 2011-01-13T09:30:00+01:00, or 13/01/2011 09:30)")
            numeric[row, column] = match
    if numeric:
        if dayfirst is None:
            days = next((k for k, m in numeric.items() if int(m[1]) > 12), None)
            months = next((k for k, m in numeric.items() if int(m[2]) > 12), None)
            if days and months:
                (r0, c0), (r1, c1) = sorted([days, months])
                raise InputError(path, r1, c1, f"{numeric[r1, c1][0]!r} and row {r0}'s {numeric[r0, c0][0]!r} "
                                 "cannot both be day-first or both month-first dates")
            if not days and not months:
                (r, c), m = next((k, m) for k, m in numeric.items() if m[1] != m[2]) if any(
                    m[1] != m[2] for m in numeric.values()) else next(iter(numeric.items()))
                raise InputError(path, r, c, f"{m[0]!r}: is {int(m[1])}/{int(m[2])} day/month or month/day? "
                                 "no date in the file tells; pass --dayfirst (13/01/2011) or --monthfirst "
                                 "(01/13/2011)")
            dayfirst = bool(days)
        for (row, column), m in numeric.items():
            day, month = (int(m[1]), int(m[2])) if dayfirst else (int(m[2]), int(m[1]))
            try:
                parsed[row, column] = datetime(int(m[3]), month, day, int(m[4] or 0), int(m[5] or 0),
                                               int(m[6] or 0), int((m[7] or "0").ljust(6, "0")))
            except ValueError as err:
                raise InputError(path, row, column, f"{m[0]!r} is not a date "
                                 f"({'day-first' if dayfirst else 'month-first'}: {err})") from None
    return [(parsed[row, "start_timestamp"], parsed[row, "complete_timestamp"]) for row, _ in rows]


def outliers(path: Path, rows: list, stamps: list, drop: bool, notes: list[str]) -> tuple[list, list]:
    """Timestamps far from the log's main span (placeholders such as 1970-01-01 or 2099-12-31): refused,
    or with ``drop`` left out with their rows. The main span is the largest run of timestamps without
    a gap of more than OUTLIER_GAP_DAYS; outside it are outliers if they are few (under 10 %)."""
    flat = sorted((t, row, column) for (row, _), pair in zip(rows, stamps) for t, column in zip(pair, STAMPS))
    runs, start = [], 0
    for i in range(1, len(flat) + 1):
        if i == len(flat) or (flat[i][0] - flat[i - 1][0]).days > OUTLIER_GAP_DAYS:
            runs.append((start, i))
            start = i
    lo, hi = max(runs, key=lambda r: r[1] - r[0])
    far = flat[:lo] + flat[hi:]
    if not far or len(far) > 0.1 * len(flat):
        return rows, stamps
    which = sorted({row for _, row, _ in far})
    span = f"{flat[lo][0]:%Y-%m-%d} to {flat[hi - 1][0]:%Y-%m-%d}"
    if not drop:
        t, row, column = min(far, key=lambda f: f[1])
        raise InputError(path, row, column, f"{t:%Y-%m-%d %H:%M} is far outside the log's span ({span}); "
                         f"{len(which)} such row(s), {_rows(which)}: fix them, or pass --drop-outliers")
    notes.append(f"{path.name}: {len(which)} row(s) left out (--drop-outliers), timestamps far outside "
                 f"{span}: {_rows(which)}")
    gone = set(which)
    keep = [i for i, (row, _) in enumerate(rows) if row not in gone]
    return [rows[i] for i in keep], [stamps[i] for i in keep]


def next_working(moment: datetime) -> datetime:
    """``moment`` if it is in working hours (Mon–Fri, 08:00–16:00), else the next working moment."""
    start = moment.replace(hour=WORK_START, minute=0, second=0, microsecond=0)
    end = start + timedelta(hours=units.HOURS_PER_DAY)
    if moment.weekday() < 5 and start <= moment <= end:
        return moment
    if moment.weekday() < 5 and moment < start:
        return start
    days = 1
    while (start + timedelta(days=days)).weekday() >= 5:
        days += 1
    return start + timedelta(days=days)


def mine(log: pd.DataFrame, source: str) -> Mined:
    end, begin = log["complete_hours"].max(), log["start_hours"].min()
    weeks = (end - begin) / units.WEEK
    # A new case is one whose first event is at reception; a case whose log begins later in its path was
    # already open when the log starts (in long-term care, or a model run's steady-state stock): not an arrival.
    first = log.sort_values(["start_hours", "row"], kind="stable").groupby("case_id", sort=False)["activity"].first()
    new_cases = int(first.isin(ARRIVING).sum())
    open_at_start = len(first) - new_cases
    arrivals = new_cases / weeks
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
        "arrivals_per_week": (round(arrivals, 3), f"{new_cases} new cases over {weeks:.1f} working weeks"
                              + (f" ({open_at_start} cases already open when the log starts not counted)"
                                 if open_at_start else "")),
        "households.acute_share": (round(sum("acute" in e for e in episodes) / n, 4),
                                   f"first episodes with acute aid, of {n}"),
        "households.home_visit_share": (round(sum("home_visit" in e for e in episodes) / n, 4),
                                        f"first episodes with a home visit, of {n}"),
        "households.screened_out_share": (round(screened / n, 4), f"first episodes without a first visit, of {n}"),
    }
    if decided:  # else the staffing sheet's share stays
        settings["households.refusal_share"] = (
            round(sum("reception_payment" not in e for e in decided) / len(decided), 4),
            f"decisions not followed by a payment, of {len(decided)}")
    fits = []
    for activity, group in log.groupby("activity", sort=True):
        hours = (group["complete_hours"] - group["start_hours"]).to_numpy()
        hours = hours[hours > 0]
        if activity in DURATION_OF and len(hours) >= 10 and np.ptp(hours) > 0:  # a fixed booking: nothing to fit
            rows = (int(group["row"].min()), int(group["row"].max()))
            fits.append(DurationFit(DURATION_OF[activity], len(hours), rows, fit_durations(hours)))
    resources = log.groupby("role")["resource"].nunique().to_dict() if {"role", "resource"} <= set(log.columns) else {}
    return Mined(settings, fits, resources, new_cases, weeks, open_at_start)


def write_config(mined: Mined, log_path: Path, staffing: Path, name: str, out_dir: Path = ORG_DIR,
                 force: bool = False, options: CsvOptions | None = None,
                 notes: list[str] | None = None) -> tuple[Path, str]:
    target = Path(out_dir) / f"{name}.yaml"
    if target.exists() and not force:
        raise ConfigError("--name", name, f"{target} exists; choose another name or pass --force")
    settings = []
    notes = [] if notes is None else notes
    for s in read_staffing(staffing, own(staffing, options), notes):
        if s.key in mined.settings:
            value, how = mined.settings[s.key]
            s = Setting(s.key, value, f"mined from {Path(log_path).name}: {how}", None)
        elif s.key == "name":
            s = Setting("name", name, f"mined from {Path(log_path).name}; staffing of {s.value} ({staffing.name})",
                        None)
        settings.append(s)
    text = render(name, settings, Path(staffing), None, mined.durations, Path(log_path), tool="sim.mine",
                  notes=notes)
    check_generated(text, settings, Path(staffing))
    atomic_write(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return target, text
