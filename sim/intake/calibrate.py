"""A municipality's own data → an org config (the job of ``python -m sim.calibrate``).

Inputs (CSV with a header row; examples in ``examples/own_data/``). The encoding (UTF-8 with or
without a BOM, UTF-16 with a BOM, Windows-1252), the delimiter (comma, semicolon, tab) and the
decimal separator (``1.5`` or ``1,5``, as a Swedish Excel saves it) are detected, or given as
options (``--encoding``, ``--delimiter``, ``--decimal``). A thousands separator is never read as a
decimal one: ``1,200`` is refused as ambiguous unless ``--decimal ,`` says it is 1.2.

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
import codecs
import csv
import difflib
import io
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

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
DELIMITER_NAMES = {",": ",", "comma": ",", ";": ";", "semicolon": ";", "tab": "\t", "\\t": "\t", "\t": "\t"}
MAGIC = {b"PAR1": "a Parquet file", b"PK\x03\x04": "a zip archive (an Excel .xlsx workbook?)",
         b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook"}
_POINT = re.compile(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?")          # 1.5, .5, 2.0e3
_COMMA = re.compile(r"[+-]?(\d+,\d+|,\d+)([eE][+-]?\d+)?")            # 1,5  0,125  12,75
_AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2},\d{3}")                  # 1,200: 1.2, or 1200 with a thousands separator
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}([,\s\u00a0\u202f]\d{3})+(\.\d*)?|[+-]?[1-9]\d{0,2}(\s\d{3})+(,\d*)?")


@dataclass(frozen=True)
class CsvOptions:
    """How to read a CSV file; ``None``: detect it (``--encoding``, ``--delimiter``, ``--decimal``)."""

    encoding: str | None = None
    delimiter: str | None = None  # ",", ";" or "\t"
    decimal: str | None = None  # "." or ","


def delimiter_option(text: str) -> str:
    """``--delimiter`` as typed (``,`` ``;`` ``tab`` ``\\t`` ``comma`` ``semicolon``) → the character."""
    try:
        return DELIMITER_NAMES[text.lower()]
    except KeyError:
        raise ConfigError("--delimiter", text, "one of , ; tab") from None


def decimal_option(text: str) -> str:
    if text.lower() in (".", "point"):
        return "."
    if text.lower() in (",", "comma"):
        return ","
    raise ConfigError("--decimal", text, "'.' or ','")


def add_csv_options(parser: argparse.ArgumentParser, decimal: bool = True) -> None:
    """``--encoding``, ``--delimiter``, ``--decimal``: how to read the CSV files (detected if left out)."""
    group = parser.add_argument_group("reading the CSV files (each detected if left out)")
    group.add_argument("--encoding", help="utf-8, cp1252 (Excel's CSV in Sweden), latin-1, utf-16...")
    group.add_argument("--delimiter", help="the separator between cells: , ; or tab")
    if decimal:
        group.add_argument("--decimal", help="the decimal separator: . or , (a Swedish Excel's 1,5)")


def csv_options(args: argparse.Namespace) -> CsvOptions:
    return CsvOptions(args.encoding or None, delimiter_option(args.delimiter) if args.delimiter else None,
                      decimal_option(args.decimal) if getattr(args, "decimal", None) else None)


@dataclass
class Sheet:
    """A CSV file read as text: its header and its rows (numbered as a spreadsheet counts them)."""

    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    encoding: str
    delimiter: str
    decimal: str = "."
    decimal_given: bool = False  # --decimal: '1,200' is then taken as the user says
    decimal_row: int | None = None  # the first row whose number showed the decimal separator

    def describe(self) -> str | None:
        """How the file was read, if it is not plain UTF-8, comma-separated with decimal points."""
        parts = [p for p in (self.encoding if self.encoding != "UTF-8" else None,
                             f"{DELIMITERS[self.delimiter]}-separated" if self.delimiter != "," else None,
                             "decimal comma" if self.decimal == "," else None) if p]
        return f"{self.path.name} read as {', '.join(parts)}" if parts else None

    def number(self, row: int, column: str, text: str) -> float:
        return parse_number(self, row, column, text)


def decode(path: Path, encoding: str | None) -> tuple[str, str]:
    """The file's text and the name of its encoding: UTF-8 (with or without a BOM), UTF-16 with a BOM, or
    Windows-1252 (what Excel's "CSV" saves in Sweden); ``encoding`` to say which."""
    data = path.read_bytes()
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise InputError(path, None, None, f"this is {what}, not a CSV text file; save it as CSV")
    if not data.strip():
        raise InputError(path, None, None, "empty file")
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ConfigError("--encoding", encoding, "an encoding such as utf-8, cp1252, latin-1 or utf-16") from None
        tries = [("utf-8-sig" if codec == "utf-8" else codec, encoding)]
    elif data.startswith(codecs.BOM_UTF8):
        tries = [("utf-8-sig", "UTF-8")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        tries = [("utf-16", "UTF-16")]
    else:
        if b"\x00" in data:
            row = data[:data.index(b"\x00")].count(b"\n") + 1
            raise InputError(path, row, None, "binary content (a NUL byte), not a CSV text file")
        tries = [("utf-8", "UTF-8"), ("cp1252", "Windows-1252")]
    for i, (codec, name) in enumerate(tries):
        try:
            return data.decode(codec), name
        except UnicodeDecodeError as err:
            if i == len(tries) - 1:
                row = data[:err.start].count(b"\n") + 1
                said = f"{name} (--encoding)" if encoding else " or ".join(n for _, n in tries)
                raise InputError(path, row, None, f"byte 0x{data[err.start]:02X} is not {said} text; "
                                 "pass --encoding (e.g. utf-8, cp1252, latin-1)") from None
    raise AssertionError("unreachable")


def _header(text: str, delimiter: str) -> list[str]:
    return [h.strip().lower() for h in next(csv.reader(io.StringIO(text), delimiter=delimiter), [])]


def read_sheet(path: Path, required: tuple[str, ...], one_of: tuple[str, ...] = (),
               options: CsvOptions | None = None, numeric: tuple[str, ...] = ()) -> Sheet:
    """Read a CSV file, detecting its encoding and delimiter (unless ``options`` says them), check the
    header, and settle the decimal separator of the ``numeric`` columns."""
    path, options = Path(path), options or CsvOptions()
    if not path.is_file():
        raise InputError(path, None, None, "file not found")
    text, encoding = decode(path, options.encoding)
    candidates = [options.delimiter] if options.delimiter else list(DELIMITERS)
    headers = {d: _header(text, d) for d in DELIMITERS}
    fitting = [d for d in candidates if all(c in headers[d] for c in required)]
    delimiter = fitting[0] if fitting else max(candidates, key=lambda d: len(headers[d]))
    header = headers[delimiter]
    for column in required:
        if column not in header:
            must = (f"missing column; the header must name {', '.join(required)}"
                    + (f" and one of {' / '.join(one_of)}" if one_of else ""))
            first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
            other = [d for d in DELIMITERS if d != delimiter and all(c in headers[d] for c in required)]
            if other:  # a delimiter was given and it is the wrong one
                must += (f"; the header reads as {len(header)} column(s) with --delimiter "
                         f"{DELIMITERS[delimiter]}, but the file is {DELIMITERS[other[0]]}-separated: pass "
                         f"--delimiter {'tab' if other[0] == chr(9) else other[0]} or leave it out")
            else:
                must += f"; the header reads {first[:80]!r}"
            raise InputError(path, 1, column, must)
    if one_of and sum(c in header for c in one_of) != 1:
        raise InputError(path, 1, " / ".join(one_of), f"the header must name exactly one of {', '.join(one_of)}")
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)
    try:
        for number_, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                hint = ("; a decimal comma in a comma-separated file? quote the number (\"1,5\") or save with "
                        "semicolons" if delimiter == "," else "")
                raise InputError(path, number_, None,
                                 f"{len(cells)} cells but the header has {len(header)} columns{hint}")
            rows.append((number_, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}))
    except csv.Error as err:
        raise InputError(path, reader.line_num, None, f"not readable as CSV ({err})") from None
    if not rows:
        raise InputError(path, None, None, "no data rows")
    sheet = Sheet(path, header, rows, encoding, delimiter)
    if options.decimal:
        sheet.decimal, sheet.decimal_given = options.decimal, True
    else:
        settle_decimal(sheet, numeric)
    return sheet


def note(sheet: Sheet, notes: list[str] | None) -> None:
    """Add how ``sheet`` was read to ``notes`` (printed, and a comment in the config), unless it is plain."""
    if notes is not None and sheet.describe() and sheet.describe() not in notes:
        notes.append(sheet.describe())


def settle_decimal(sheet: Sheet, columns: tuple[str, ...]) -> None:
    """A decimal comma if some number has one (``1,5``), a point otherwise; both in one file is refused."""
    first: dict[str, tuple[int, str, str]] = {}
    for row, cells in sheet.rows:
        for column in columns:
            text = cells.get(column, "")
            kind = "." if _POINT.fullmatch(text) else "," if _COMMA.fullmatch(text) and not \
                _AMBIGUOUS.fullmatch(text) else None
            if kind and kind not in first:
                first[kind] = (row, column, text)
                if len(first) == 2:
                    (r0, c0, t0), (r1, c1, t1) = sorted(first.values())
                    raise InputError(sheet.path, r1, c1, f"{t1!r} has a decimal {'comma' if ',' in t1 else 'point'} "
                                     f"but row {r0} ({c0}) has {t0!r}: use one decimal separator in a file "
                                     "(or pass --decimal)")
    if "," in first:
        sheet.decimal, sheet.decimal_row = ",", first[","][0]
    elif "." in first:
        sheet.decimal_row = first["."][0]


def parse_number(sheet: Sheet, row: int, column: str, text: str) -> float:
    """A number in the sheet's decimal convention; a thousands separator is never taken for a decimal one."""
    path, t = sheet.path, text.strip()

    def refuse(why: str) -> InputError:
        return InputError(path, row, column, f"{text!r} {why}")

    if _AMBIGUOUS.fullmatch(t) and not (sheet.decimal_given and sheet.decimal == ","):
        if sheet.decimal_given:
            raise refuse(f"has a comma but --decimal is '.': a thousands separator? write {t.replace(',', '')}")
        raise refuse(f"is ambiguous: {t.replace(',', '.')} with a decimal comma, or {t.replace(',', '')} with a "
                     f"thousands separator; write {t.replace(',', '.')} or {t.replace(',', '')} "
                     "(or pass --decimal , if every comma is a decimal one)")
    if _THOUSANDS.fullmatch(t):
        raise refuse("has a thousands separator; write the number without it")
    if sheet.decimal == ",":
        if "." in t and _POINT.fullmatch(t):
            raise refuse("has a decimal point but the file's decimal separator is a comma"
                         + (" (--decimal)" if sheet.decimal_given else f" (row {sheet.decimal_row})")
                         + f"; write {t.replace('.', ',')}")
        t = t.replace(",", ".") if t.count(",") == 1 else t
    elif "," in t and _COMMA.fullmatch(t):
        raise refuse("has a decimal comma but the file's decimal separator is a point"
                     + (" (--decimal)" if sheet.decimal_given else f" (row {sheet.decimal_row})")
                     + f"; write {t.replace(',', '.')}")
    try:
        value = float(t)
    except ValueError:
        raise refuse("is not a number") from None
    if not math.isfinite(value):
        raise refuse("is not a finite number")
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
        elif isinstance(value, dict):  # a free mapping (assistance.group_factor): not a row of a staffing sheet
            continue
        else:
            out[key] = value
    return out


def read_staffing(path: Path, options: CsvOptions | None = None, notes: list[str] | None = None) -> list[Setting]:
    path = Path(path)
    defaults = org_defaults()
    sheet = read_sheet(path, ("key", "value", "source"), options=options, numeric=("value",))
    note(sheet, notes)
    rows = sheet.rows
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
        settings.append(Setting(key, parse_value(sheet, row, key, cells["value"], defaults[key]), cells["source"], row))
    for key in REQUIRED:
        if key not in seen:
            raise InputError(path, None, "key", f"{key} is required (one row: {key},<value>,<source>)")
    for key, default in defaults.items():
        if key not in seen:
            settings.append(Setting(key, default, "schema default (sim/config.py): not in the staffing sheet", None))
    return settings


def parse_value(sheet: Sheet, row: int, key: str, text: str, default: object) -> object:
    path = sheet.path
    if text == "":
        raise InputError(path, row, "value", f"no value for {key}")
    if isinstance(default, bool):
        if text.lower() not in ("true", "false"):
            raise InputError(path, row, "value", f"{key} is true or false, not {text!r}")
        return text.lower() == "true"
    if isinstance(default, (int, float)):
        value = sheet.number(row, "value", text)
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


def read_time_use(path: Path, options: CsvOptions | None = None, notes: list[str] | None = None) -> TimeUseSurvey:
    path = Path(path)
    sheet = read_sheet(path, ("respondent", "activity"), one_of=("hours", "share"), options=options,
                       numeric=("hours", "share"))
    note(sheet, notes)
    rows, column = sheet.rows, "hours" if "hours" in sheet.header else "share"
    by_respondent: dict[str, dict[str, float]] = {}
    first_row: dict[str, int] = {}
    for row, cells in rows:
        who, activity = cells["respondent"], cells["activity"]
        if not who:
            raise InputError(path, row, "respondent", "empty respondent id")
        if activity not in ACTIVITIES:
            raise InputError(path, row, "activity",
                             f"unknown activity {activity!r}; activities: {', '.join(ACTIVITIES)}")
        value = sheet.number(row, column, cells[column])
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


def read_durations(path: Path, options: CsvOptions | None = None, notes: list[str] | None = None) -> list[DurationFit]:
    path = Path(path)
    sheet = read_sheet(path, ("task", "hours"), options=options, numeric=("hours",))
    note(sheet, notes)
    rows = sheet.rows
    by_task: dict[str, list[tuple[int, float]]] = {}
    for row, cells in rows:
        task = cells["task"]
        if task not in DURATIONS:
            raise InputError(path, row, "task", f"unknown task {task!r}; tasks: {', '.join(DURATIONS)}")
        hours = sheet.number(row, "hours", cells["hours"])
        if hours <= 0:
            raise InputError(path, row, "hours", f"a duration must be > 0 hours ({cells['hours']})")
        by_task.setdefault(task, []).append((row, hours))
    out = []
    for task, items in by_task.items():
        if len(items) < MIN_DURATIONS:
            raise InputError(path, items[0][0], "task", f"{task} has {len(items)} durations; at least "
                             f"{MIN_DURATIONS} are needed to fit a distribution")
        if len({h for _, h in items}) == 1:
            raise InputError(path, items[0][0], "hours", f"all {len(items)} durations of {task} are {items[0][1]:g} h: "
                             "no spread to fit a distribution to")
        out.append(DurationFit(task, len(items), (items[0][0], items[-1][0]), fit_durations([h for _, h in items])))
    return out


# --- writing ---------------------------------------------------------------------------------

def render(name: str, settings: list[Setting], staffing: Path, survey: TimeUseSurvey | None,
           durations: list[DurationFit], durations_path: Path | None, tool: str = "sim.calibrate",
           notes: list[str] | tuple[str, ...] = ()) -> str:
    """The org YAML, every value commented with the row it came from."""
    lines = [f"# {name}: generated by `python -m {tool}` — edit the input files and generate again.",
             f"# Staffing and caseloads: {staffing.name}" + (f"; time use: {survey.path.name}" if survey else "")
             + (f"; durations: {durations_path.name}" if durations_path else "") + "."]
    lines += [f"# {n}." for n in notes]
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
              out_dir: Path = ORG_DIR, force: bool = False, options: CsvOptions | None = None,
              notes: list[str] | None = None) -> tuple[Path, str, list[DurationFit]]:
    """Read, check, fit and write ``<out_dir>/<name>.yaml``; returns (path, text, fits). How files not in
    plain UTF-8 with commas were read (``options``, else detected) is added to ``notes``."""
    notes = [] if notes is None else notes
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ConfigError("--name", name, "lower-case letters, digits and _ (it becomes org=<name>)")
    target = Path(out_dir) / f"{name}.yaml"
    if target.exists() and not force:
        raise ConfigError("--name", name, f"{target} exists; choose another name or pass --force")
    settings = read_staffing(Path(staffing), own(staffing, options), notes)
    survey = read_time_use(Path(time_use), options, notes) if time_use else None
    fits = read_durations(Path(durations), options, notes) if durations else []
    display = next(s.value for s in settings if s.key == "name")
    like = Path(staffing).name.removesuffix("_staffing.csv")
    if Path(staffing).resolve().parent == EXAMPLES.resolve() and name != like:  # --like: a new district on a
        # studied one's staffing is called by its own name in every title, not the studied district's
        settings = [Setting("name", name, f"--name (a new district on the staffing and caseloads of {display})",
                            s.row) if s.key == "name" else s for s in settings]
        display = name
    text = render(str(display), settings, Path(staffing), survey, fits, Path(durations) if durations else None,
                  notes=notes)
    check_generated(text, settings, Path(staffing))
    atomic_write(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return target, text, fits


def own(sheet: Path, options: CsvOptions | None) -> CsvOptions | None:
    """The reading options for ``sheet``: a shipped example sheet (``--like``) is read as it is."""
    return None if Path(sheet).resolve().parent == EXAMPLES.resolve() else options


def fit_table(fits: list[DurationFit]) -> str:
    lines = [f"  {'task':<18} {'n':>5}  {'family':<12} {'mean h':>8} {'cv':>6} {'AIC':>9} {'KS p':>6}"]
    for d in fits:
        for i, f in enumerate(d.fits):
            lines.append(f"  {d.task if i == 0 else '':<18} {d.n if i == 0 else '':>5}  "
                         f"{f.family + (' *' if i == 0 else ''):<12} {f.mean:8.3f} {f.cv:6.3f} "
                         f"{f.aic:9.1f} {f.ks_p:6.2f}")
    return "\n".join(lines)
