"""A municipality's own data → an org config (the job of ``python -m sim.calibrate``).

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

import csv
import difflib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf
from scipy import stats

from sim.config.compose import ORG_DIR, ROOT
from sim.config.ramboll import ACTIVITIES
from sim.config.schema import Config, ConfigError, Org, UserError, leaves
from sim.config.validate import validate
from sim.config.vocabulary import DISTRICTS, DURATIONS, TARGET_GROUPS
from sim.outputs.files import atomic_write

EXAMPLES = ROOT / "examples" / "own_data"
LIKE = tuple(DISTRICTS)
SHARE_TOLERANCE = 2.0  # percentage points a respondent's shares may miss 100 by (rounding)
MIN_DURATIONS = 10
# Keys a staffing sheet must give: the rest have defaults that mean something (see sim/config.py).
REQUIRED = ("name", "arrivals_per_week", "reception.caseworkers", "long_term.caseworkers", "payment.officers",
            "payment.cash_office", "deputy_managers")
NOT_FROM_STAFFING = ("kind", "districts", "time_use", "durations", "servers", "arrivals_per_hour", "priority_classes",
                     "stations", "arrival_profile",
                     "service_hours_mean")


class InputError(UserError):
    """A problem in an input file, located by file, row and column."""

    kind = "Input error"

    def __init__(self, path: Path, row: int | None, column: str | None, message: str):
        self.path, self.row, self.column, self.message = Path(path), row, column, message
        where = self.path.name + (f" row {row}" if row else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {message}")


# --- reading ---------------------------------------------------------------------------------

def read_rows(path: Path, required: tuple[str, ...], one_of: tuple[str, ...] = ()) -> tuple[list[str], list]:
    """(header, [(row number, {column: text})]) after checking the header."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, None, "file not found")
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader, [])]
        for column in required:
            if column not in header:
                raise InputError(path, 1, column, f"missing column; the header must name {', '.join(required)}"
                                 + (f" and one of {' / '.join(one_of)}" if one_of else ""))
        if one_of and sum(c in header for c in one_of) != 1:
            raise InputError(path, 1, " / ".join(one_of), f"the header must name exactly one of {', '.join(one_of)}")
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                raise InputError(path, number, None, f"{len(cells)} cells but the header has {len(header)} columns")
            rows.append((number, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}))
    if not rows:
        raise InputError(path, None, None, "no data rows")
    return header, rows


def number(path: Path, row: int, column: str, text: str) -> float:
    try:
        value = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except ValueError:
        raise InputError(path, row, column, f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(path, row, column, f"{text!r} is not a finite number")
    return value


# --- staffing --------------------------------------------------------------------------------

@dataclass
class Setting:
    key: str
    value: object
    source: str
    row: int | None  # None: the schema's default


def org_defaults() -> dict[str, object]:
    """Every settable org key (dotted) with its schema default."""
    out: dict[str, object] = {}
    for key, value in leaves(Org()).items():
        if key.split(".")[0] in NOT_FROM_STAFFING:
            continue
        if key == "households.target_groups":  # one row per group in a sheet
            out.update({f"{key}.{group}": value.get(group, 0.0) for group in TARGET_GROUPS})
        else:
            out[key] = value
    return out


def read_staffing(path: Path) -> list[Setting]:
    path = Path(path)
    defaults = org_defaults()
    _, rows = read_rows(path, ("key", "value", "source"))
    seen: dict[str, int] = {}
    settings = []
    for row, cells in rows:
        key = cells["key"]
        if key not in defaults:
            close = difflib.get_close_matches(key, list(defaults), n=2, cutoff=0.8)
            hint = f"; did you mean {' or '.join(close)}?" if close else f"; keys: {', '.join(defaults)}"
            raise InputError(path, row, "key", f"unknown setting {key!r}{hint}")
        if key in seen:
            raise InputError(path, row, "key", f"{key} is given twice (first in row {seen[key]})")
        seen[key] = row
        if not cells["source"]:
            raise InputError(path, row, "source", f"say where {key} comes from (a study and table, or 'assumption')")
        settings.append(Setting(key, parse_value(path, row, key, cells["value"], defaults[key]), cells["source"], row))
    for key in REQUIRED:
        if key not in seen:
            raise InputError(path, None, "key", f"{key} is required (one row: {key},<value>,<source>)")
    for key, default in defaults.items():
        if key not in seen:
            settings.append(Setting(key, default, "schema default (sim/config.py): not in the staffing sheet", None))
    return settings


def parse_value(path: Path, row: int, key: str, text: str, default: object) -> object:
    if text == "":
        raise InputError(path, row, "value", f"no value for {key}")
    if isinstance(default, bool):
        if text.lower() not in ("true", "false"):
            raise InputError(path, row, "value", f"{key} is true or false, not {text!r}")
        return text.lower() == "true"
    if isinstance(default, (int, float)):
        value = number(path, row, "value", text)
        if value < 0:
            raise InputError(path, row, "value", f"{key} cannot be negative ({text})")
        return value
    return text


# --- time use --------------------------------------------------------------------------------

@dataclass
class TimeUseSurvey:
    shares: dict[str, float]  # activity -> mean share, %
    respondents: int
    rows: tuple[int, int]
    path: Path


def read_time_use(path: Path) -> TimeUseSurvey:
    path = Path(path)
    header, rows = read_rows(path, ("respondent", "activity"), one_of=("hours", "share"))
    column = "hours" if "hours" in header else "share"
    by_respondent: dict[str, dict[str, float]] = {}
    first_row: dict[str, int] = {}
    for row, cells in rows:
        who, activity = cells["respondent"], cells["activity"]
        if not who:
            raise InputError(path, row, "respondent", "empty respondent id")
        if activity not in ACTIVITIES:
            raise InputError(path, row, "activity",
                             f"unknown activity {activity!r}; activities: {', '.join(ACTIVITIES)}")
        value = number(path, row, column, cells[column])
        if value < 0:
            raise InputError(path, row, column, f"{column} cannot be negative ({cells[column]})")
        answers = by_respondent.setdefault(who, {})
        first_row.setdefault(who, row)
        if activity in answers:
            raise InputError(path, row, "activity", f"respondent {who} gives {activity} twice")
        answers[activity] = value
    shares = {a: 0.0 for a in ACTIVITIES}
    for who, answers in by_respondent.items():
        total = sum(answers.values())
        if column == "share" and abs(total - 100.0) > SHARE_TOLERANCE:
            raise InputError(path, first_row[who], "share",
                             f"respondent {who}'s shares add up to {total:g} %, not 100 (±{SHARE_TOLERANCE:g})")
        if total <= 0:
            raise InputError(path, first_row[who], column, f"respondent {who} reports no time at all")
        for activity, value in answers.items():
            shares[activity] += 100.0 * value / total / len(by_respondent) if column == "hours" else \
                value / len(by_respondent)
    return TimeUseSurvey({a: round(v, 4) for a, v in shares.items()}, len(by_respondent),
                         (rows[0][0], rows[-1][0]), path)


# --- durations -------------------------------------------------------------------------------

@dataclass
class Fit:
    family: str
    mean: float
    cv: float
    aic: float
    ks_p: float


@dataclass
class DurationFit:
    task: str
    n: int
    rows: tuple[int, int]
    fits: list[Fit]  # best (lowest AIC) first

    @property
    def best(self) -> Fit:
        return self.fits[0]


def fit_durations(values: np.ndarray) -> list[Fit]:
    """Exponential, gamma and lognormal by maximum likelihood (location 0), best AIC first."""
    x = np.asarray(values, dtype=float)
    out = []
    scale = x.mean()
    out.append(_fit("exponential", stats.expon, (0.0, scale), x, 1, scale, 1.0))
    a, _, scale = stats.gamma.fit(x, floc=0)
    out.append(_fit("gamma", stats.gamma, (a, 0.0, scale), x, 2, a * scale, 1.0 / math.sqrt(a)))
    s, _, scale = stats.lognorm.fit(x, floc=0)
    out.append(_fit("lognormal", stats.lognorm, (s, 0.0, scale), x, 2, scale * math.exp(s * s / 2),
                    math.sqrt(math.expm1(s * s))))
    return sorted(out, key=lambda f: f.aic)


def _fit(family, dist, params, x, k, mean, cv) -> Fit:
    loglik = float(np.sum(dist.logpdf(x, *params)))
    return Fit(family, float(mean), float(cv), 2 * k - 2 * loglik, float(stats.kstest(x, dist.cdf, args=params).pvalue))


def read_durations(path: Path) -> list[DurationFit]:
    path = Path(path)
    _, rows = read_rows(path, ("task", "hours"))
    by_task: dict[str, list[tuple[int, float]]] = {}
    for row, cells in rows:
        task = cells["task"]
        if task not in DURATIONS:
            raise InputError(path, row, "task", f"unknown task {task!r}; tasks: {', '.join(DURATIONS)}")
        hours = number(path, row, "hours", cells["hours"])
        if hours <= 0:
            raise InputError(path, row, "hours", f"a duration must be > 0 hours ({cells['hours']})")
        by_task.setdefault(task, []).append((row, hours))
    out = []
    for task, items in by_task.items():
        if len(items) < MIN_DURATIONS:
            raise InputError(path, items[0][0], "task", f"{task} has {len(items)} durations; at least "
                             f"{MIN_DURATIONS} are needed to fit a distribution")
        out.append(DurationFit(task, len(items), (items[0][0], items[-1][0]), fit_durations([h for _, h in items])))
    return out


# --- writing ---------------------------------------------------------------------------------

def render(name: str, settings: list[Setting], staffing: Path, survey: TimeUseSurvey | None,
           durations: list[DurationFit], durations_path: Path | None, tool: str = "sim.calibrate") -> str:
    """The org YAML, every value commented with the row it came from."""
    lines = [f"# {name}: generated by `python -m {tool}` — edit the input files and generate again.",
             f"# Staffing and caseloads: {staffing.name}" + (f"; time use: {survey.path.name}" if survey else "")
             + (f"; durations: {durations_path.name}" if durations_path else "") + "."]
    tree: dict = {}
    for s in settings:
        node = tree
        *parents, leaf = s.key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        where = f"{staffing.name} row {s.row}: " if s.row else ""
        node[leaf] = (s.value, where + s.source)
    _emit(tree, 0, lines)
    if survey:
        lines.append(f"time_use:  # mean share (%) of {survey.respondents} respondent(s), {survey.path.name} "
                     f"rows {survey.rows[0]}–{survey.rows[1]}")
        for activity, share in survey.shares.items():
            lines.append(f"  {activity}: {share:g}")
    if durations:
        lines.append(f"durations:  # fitted to {durations_path.name} by maximum likelihood; lowest AIC chosen")
        for d in durations:
            b = d.best
            others = ", ".join(f"{f.family} {f.aic:.1f}" for f in d.fits[1:])
            lines.append(f"  {d.task}: {{family: {b.family}, mean: {b.mean:.4g}, cv: {b.cv:.4g}}}  "
                         f"# {d.n} durations in rows {d.rows[0]}–{d.rows[1]}: AIC {b.aic:.1f} (vs {others}); "
                         f"KS p = {b.ks_p:.2f}")
    return "\n".join(lines) + "\n"


def _emit(tree: dict, indent: int, lines: list[str]) -> None:
    pad = "  " * indent
    for key, value in tree.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            _emit(value, indent + 1, lines)
        else:
            v, comment = value
            lines.append(f"{pad}{key}: {_yaml_scalar(v)}  # {comment}")


def _yaml_scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):  # repr: the shortest text that reads back to the same float
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def check_generated(text: str, settings: list[Setting], staffing: Path) -> Org:
    """Load the YAML as Hydra would and validate it; a bad value is reported at its source row."""
    org = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Org), OmegaConf.create(text)))
    try:
        validate(Config(org=org))
    except ConfigError as err:
        key = err.key.removeprefix("org.")
        row = next((s.row for s in settings if s.key == key or key.startswith(s.key + ".")), None)
        raise InputError(staffing, row, "value", f"{err}") from None
    return org


def calibrate(staffing: Path, name: str, time_use: Path | None = None, durations: Path | None = None,
              out_dir: Path = ORG_DIR, force: bool = False) -> tuple[Path, str, list[DurationFit]]:
    """Read, check, fit and write ``<out_dir>/<name>.yaml``; returns (path, text, fits)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ConfigError("--name", name, "lower-case letters, digits and _ (it becomes org=<name>)")
    target = Path(out_dir) / f"{name}.yaml"
    if target.exists() and not force:
        raise ConfigError("--name", name, f"{target} exists; choose another name or pass --force")
    settings = read_staffing(Path(staffing))
    survey = read_time_use(Path(time_use)) if time_use else None
    fits = read_durations(Path(durations)) if durations else []
    display = next(s.value for s in settings if s.key == "name")
    text = render(str(display), settings, Path(staffing), survey, fits, Path(durations) if durations else None)
    check_generated(text, settings, Path(staffing))
    atomic_write(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return target, text, fits


def fit_table(fits: list[DurationFit]) -> str:
    lines = [f"  {'task':<18} {'n':>5}  {'family':<12} {'mean h':>8} {'cv':>6} {'AIC':>9} {'KS p':>6}"]
    for d in fits:
        for i, f in enumerate(d.fits):
            lines.append(f"  {d.task if i == 0 else '':<18} {d.n if i == 0 else '':>5}  "
                         f"{f.family + (' *' if i == 0 else ''):<12} {f.mean:8.3f} {f.cv:6.3f} "
                         f"{f.aic:9.1f} {f.ks_p:6.2f}")
    return "\n".join(lines)
