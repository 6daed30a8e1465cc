"""Households contacting reception as a Poisson stream (rate per week from the org config).

With ``org.arrival_profile`` the rate changes by calendar month: a non-homogeneous Poisson stream,
drawn by thinning (candidates at the peak rate, each kept with the month's share of the peak;
Lewis and Shedler 1979). A flat profile takes the plain stream, so its numbers do not change.
"""

from __future__ import annotations

from typing import Generator

from sim.model import units
from sim.model.processes.household import path
from sim.model.services import Services


def arrivals(run: Services) -> Generator:
    """Start each arriving household's journey, with exponential gaps between arrivals."""
    mean_gap = units.WEEK / run.cfg.org.arrivals_per_week
    profile = list(run.cfg.org.arrival_profile)
    if profile and max(profile) != min(profile):
        yield from seasonal_arrivals(run, mean_gap, profile)
    else:
        yield from steady_arrivals(run, mean_gap)


def steady_arrivals(run: Services, mean_gap: float) -> Generator:
    """A homogeneous Poisson stream: exponential gaps of ``mean_gap`` working hours."""
    rng = run.streams["arrivals"]
    while True:
        yield run.env.timeout(rng.exponential(mean_gap))
        run.env.process(path.journey(run, run.population.new()))


def seasonal_arrivals(run: Services, mean_gap: float, profile: list[float]) -> Generator:
    """Arrivals whose rate is ``profile[month]`` times the mean rate, by thinning at the peak rate."""
    rng, keep = run.streams["arrivals"], run.streams["arrivals.thinning"]
    peak = max(profile)
    while True:
        yield run.env.timeout(rng.exponential(mean_gap / peak))
        month = int(run.env.now % units.YEAR // units.MONTH) % 12
        if keep.random() < profile[month] / peak:
            run.env.process(path.journey(run, run.population.new()))


def misrouted_contacts(run: Services) -> Generator:
    """Other units' clients who reach this unit first (Ramböll 002: "cases reach the wrong unit").

    As many as this unit loses to others (``misrouted_share`` of its own rate). With its own
    reception the unit's pre-assessment staff take the call and pass it on; a common reception
    scans them instead.
    """
    rng = run.streams["misrouted"]
    mean_gap = units.WEEK / (run.cfg.org.arrivals_per_week * run.policy.misrouted_share)
    desk = run.staff.common_reception or run.staff.pre_assessment
    task = "scan" if run.staff.common_reception is not None else "misrouted"
    while True:
        yield run.env.timeout(rng.exponential(mean_gap))
        run.rec.tally("misrouted_contacts")
        run.tasks.start(desk, task)
