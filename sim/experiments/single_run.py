"""One replication with all its files (the job of ``python -m sim``): summary, weekly series,
per-person staff table, the event log on request, and two plots.

A run expected to take more than :data:`ANNOUNCE_SECONDS` first says how long and how much memory it
will take (:func:`estimate`), then reports on stderr how many simulated weeks are done, about every
tenth of the horizon (:data:`sim.model.run.PROGRESS`: the clock stops and goes on, nothing else changes).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

from sim.analysis import metrics
from sim.analysis.replication import replicate
from sim.config.schema import Config
from sim.config.vocabulary import REDUCTIONS
from sim.model import units
from sim.model.run import PROGRESS
from sim.outputs import eventlog, plots
from sim.outputs.files import write_csv, write_json

ANNOUNCE_SECONDS = 5.0  # a run estimated to take longer says so first and reports its progress

# Calibrated on measured runs (python -m sim, 2 shared cores, 2026-11): the three districts at 104, 260 and
# 520 weeks, Hässelby-Vällingby with 140 long-term FTE, and the M/M/c reduction. A district's SimPy events are
# ~22 per staff FTE and week (overhead, reviews) plus ~4.4 per household in the office and week, the stock
# building up over a stay of need_months (HV: 47 weeks, 1,050 households at 23.5 a week); ~6 µs per event.
# Memory: ~45 MB of Python and libraries plus ~4.5 kB per household that arrives (its record and figures).
SECONDS_PER_EVENT = 6e-6
EVENTS_PER_FTE_WEEK = 22.0
EVENTS_PER_HOUSEHOLD_WEEK = 4.4
SECONDS_PER_CUSTOMER = 2e-5  # a validation reduction, per customer and station
BASE_BYTES = 45e6
BYTES_PER_ARRIVAL = 4.5e3
BYTES_PER_CUSTOMER = 2e2


@dataclass(frozen=True)
class Estimate:
    """What a single run will take, roughly (within a factor of two for the shipped districts)."""

    seconds: float
    bytes: float
    arrivals: float  # households (or customers) over the whole horizon

    def text(self) -> str:
        memory = f"{self.bytes / 1e9:.1f} GB" if self.bytes >= 1e9 else f"{self.bytes / 1e6:.0f} MB"
        line = (f"Estimated: about {duration(self.seconds)} and {memory} of memory for "
                f"{self.arrivals:,.0f} arrivals; progress in simulated weeks follows.")
        physical = _physical_memory()
        if physical and self.bytes > 0.8 * physical:
            line += f" This machine has {physical / 1e9:.1f} GB: shorten horizon_weeks or lower arrivals."
        return line


def duration(seconds: float) -> str:
    """``42 s``, ``3 min``, ``2.5 h``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _physical_memory() -> float | None:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def _stock_weeks(horizon: float, stay: float, steady: bool) -> float:
    """Household-weeks in the office per weekly arrival: from the steady state (``start=steady_state``) the
    stock is there from the first week; from an empty office it builds up over one stay, then holds."""
    if steady:
        return stay * horizon
    if horizon <= stay:
        return horizon * horizon / 2
    return stay * stay / 2 + stay * (horizon - stay)


def estimate(config: Config) -> Estimate:
    """How long (seconds) and how much memory one replication of ``config`` takes, from its size alone."""
    org, horizon = config.org, config.horizon_weeks
    if org.kind == "city":
        parts = [estimate(Config(org=d.resolved, horizon_weeks=horizon, warmup_weeks=config.warmup_weeks))
                 for d in org.districts if d.resolved is not None]
        return Estimate(sum(p.seconds for p in parts), BASE_BYTES + max((p.bytes - BASE_BYTES for p in parts),
                                                                         default=0.0),
                        sum(p.arrivals for p in parts))
    if org.kind in REDUCTIONS:
        customers = org.arrivals_per_hour * units.FULL_WEEK * horizon
        stations = max(1, len(org.stations))
        return Estimate(SECONDS_PER_CUSTOMER * customers * stations, BASE_BYTES + BYTES_PER_CUSTOMER * customers,
                        customers)
    fte = (org.reception.caseworkers + org.long_term.caseworkers + org.payment.officers + org.payment.cash_office
           + org.deputy_managers)
    stay = org.households.need_months.mean * units.MONTH / units.WEEK
    events = (EVENTS_PER_FTE_WEEK * fte * horizon
              + EVENTS_PER_HOUSEHOLD_WEEK * org.arrivals_per_week
              * _stock_weeks(horizon, stay, config.start == "steady_state"))
    arrivals = org.arrivals_per_week * horizon
    return Estimate(SECONDS_PER_EVENT * events, BASE_BYTES + BYTES_PER_ARRIVAL * arrivals, arrivals)


def progress_printer(config: Config, out: TextIO | None = None) -> Callable:
    """A PROGRESS listener printing ``week 52 of 520 (10 %), 4 s`` (a city: the district first) on ``out``."""
    started = time.perf_counter()

    def report(run, weeks: float) -> None:
        where = f"{run.cfg.org.name}: " if config.org.kind == "city" else ""
        share = weeks / config.horizon_weeks
        print(f"  {where}week {weeks:g} of {config.horizon_weeks:g} ({share:.0%}), "
              f"{duration(time.perf_counter() - started)} so far", file=out or sys.stderr, flush=True)

    return report


def run_one(config: Config, out_dir: Path, title: str | None = None, announce: float = ANNOUNCE_SECONDS) -> dict:
    """Simulate, then write summary.json, weekly.csv, staff.csv, events (optional) and two plots.

    A run estimated to take more than ``announce`` seconds prints the estimate and its progress on stderr.
    """
    expected = estimate(config)
    if expected.seconds > announce:
        print(expected.text(), file=sys.stderr, flush=True)
        token = PROGRESS.set(progress_printer(config))
        try:
            run = replicate(config)
        finally:
            PROGRESS.reset(token)
    else:
        run = replicate(config)
    summary = metrics.summary(run)
    if config.org.kind in REDUCTIONS:  # a validation reduction: a summary beside theory, nothing to plot
        write_json(out_dir / "summary.json", summary)
        return summary
    if config.org.kind == "city":  # city totals, and one row per district
        write_json(out_dir / "summary.json", summary)
        write_csv(out_dir / "districts.csv", run.districts_frame())
        return summary
    weekly = metrics.weekly_frame(run)
    write_json(out_dir / "summary.json", summary)
    write_csv(out_dir / "weekly.csv", weekly)
    write_csv(out_dir / "staff.csv", metrics.staff_frame(run))
    if config.event_log:
        eventlog.write(run, out_dir)
    title = title or config.org.name
    plots.first_visit_wait(weekly, config.warmup_weeks, title, out_dir / "first_visit_wait.png")
    plots.time_use(run.ledger.shares(run.staff.seats_by_role()), title, out_dir / "time_use.png")
    return summary
