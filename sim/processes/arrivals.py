"""Households contacting reception as a Poisson stream (rate per week from the org config)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generator

from sim import units
from sim.processes import reception

if TYPE_CHECKING:
    from sim.model import Run


def arrivals(run: "Run") -> Generator:
    rng = run.streams["arrivals"]
    mean_gap = units.WEEK / run.cfg.org.arrivals_per_week
    while True:
        yield run.env.timeout(rng.exponential(mean_gap))
        run.env.process(reception.reception(run, run.new_household()))
